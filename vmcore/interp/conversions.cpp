// Raya's explicit conversions (String(x), typeof), equality, truthiness,
// error objects and stack traces.
#include <algorithm>
#include <cmath>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

bool Context::is_truthy(Value v) {
  if (v.is_bool()) return v.is_true();
  if (v.is_int()) return v.as_int() != 0;
  if (v.is_double()) {
    double d = v.as_double();
    return d == d && d != 0;
  }
  if (v.is_nullish() || v.is_empty()) return false;
  if (is_string(v)) return as_string(v)->length_ != 0;
  return true;
}

bool Context::strict_equals(Value a, Value b) {
  if (a.is_int() && b.is_int()) return a == b;
  if (a.is_number() && b.is_number()) return a.to_double() == b.to_double();
  if (a == b) return true;
  if (is_string(a) && is_string(b)) return strings_equal(as_string(a), as_string(b));
  return false;
}

String* Context::typeof_string(Value v) {
  const char* t = "object";
  if (v.is_number()) t = "number";
  else if (v.is_bool()) t = "boolean";
  else if (v.is_undefined() || v.is_empty()) t = "undefined";
  else if (v.is_null()) t = "object";
  else if (is_string(v)) t = "string";
  else if (is_callable(v)) t = "function";
  return intern_ascii(t);
}

namespace {

void append_utf16(std::u16string& out, std::string_view ascii) { out.append(ascii.begin(), ascii.end()); }

}  // namespace

String* Context::to_string(Value v) {
  if (is_string(v)) return as_string(v);
  if (v.is_int()) {
    int32_t i = v.as_int();
    if (i >= 0 && i < 10) return char_string(char16_t(u'0' + i));
    return new_string_ascii(std::to_string(i));
  }
  if (v.is_double()) return new_string_ascii(number_to_string(v.as_double()));
  if (v.is_undefined() || v.is_empty()) return intern_ascii("undefined");
  if (v.is_null()) return intern_ascii("null");
  if (v.is_bool()) return intern_ascii(v.is_true() ? "true" : "false");
  HeapObject* o = v.as_object();
  switch (o->kind()) {
    case ObjectKind::Array: {
      // Array.prototype.join(",") with null/undefined as "". An array that is
      // already being joined (a cycle) or nested deeper than kMaxJoinDepth
      // contributes "" — as JavaScript engines do for cycles — instead of
      // recursing without bound on the C++ stack.
      constexpr size_t kMaxJoinDepth = 1000;
      Rooted<Array*> a(*this, static_cast<Array*>(o));
      for (const Array* open : joining_)
        if (open == a.get()) return empty_string_;
      if (joining_.size() >= kMaxJoinDepth) return empty_string_;
      joining_.push_back(a.get());
      struct PopOnExit {  // also when a heap limit unwinds through here
        std::vector<const Array*>& stack;
        ~PopOnExit() { stack.pop_back(); }
      } pop_on_exit{joining_};
      // Paid for per element and per unit copied, before each is touched.
      std::u16string out;
      builtins::ChargedLoop loop(*this, a->length_, builtins::kPerJoinedElement);
      for (uint32_t i = 0; i < a->length_; ++i) {
        loop.tick();
        if (i) out.push_back(u',');
        Value e = a->elements_[i];
        if (e.is_nullish()) continue;
        String* part = to_string(e);
        if (part->length_ > builtins::kFreeCompareUnits) builtins::charge(*this, part->length_, builtins::kPerUnits);
        out.append(part->view());
      }
      return new_string(out);
    }
    case ObjectKind::Closure: {
      std::u16string out = u"function ";
      append_utf16(out, static_cast<Closure*>(o)->proto_->name);
      out += u"() { [code] }";
      return new_string(out);
    }
    case ObjectKind::NativeFunction: {
      std::u16string out = u"function ";
      out.append(static_cast<NativeFunction*>(o)->name_->view());
      out += u"() { [native code] }";
      return new_string(out);
    }
    case ObjectKind::Class: {
      std::u16string out = u"class ";
      out.append(static_cast<Class*>(o)->name_->view());
      return new_string(out);
    }
    case ObjectKind::Bytes: return new_string_ascii("[Bytes " + std::to_string(static_cast<Bytes*>(o)->length_) + "]");
    case ObjectKind::ForeignHandle: return intern_ascii("[ForeignHandle]");
    case ObjectKind::Map: return intern_ascii("[object Map]");
    case ObjectKind::Set: return intern_ascii("[object Set]");
    case ObjectKind::Task: return new_string_ascii("[Task " + std::to_string(static_cast<Task*>(o)->id) + "]");
    case ObjectKind::Object: {
      // Errors print as "Name: message", like Error.prototype.toString.
      Object* obj = static_cast<Object*>(o);
      Value name, message;
      bool is_error = false;
      for (Object* p = obj->proto(); p != nullptr; p = p->proto())
        if (p == error_classes_[0]->prototype_) is_error = true;
      if (is_error) {
        lookup_property(obj, name_key_, name);
        lookup_property(obj, message_key_, message);
        uint64_t units = (is_string(name) ? as_string(name)->length_ : 0) +
                         (is_string(message) ? as_string(message)->length_ : 0);
        builtins::charge(*this, units, builtins::kPerUnits);
        std::u16string out;
        if (is_string(name)) out.append(as_string(name)->view());
        if (is_string(message) && as_string(message)->length_ != 0) {
          if (!out.empty()) out += u": ";
          out.append(as_string(message)->view());
        }
        return new_string(out);
      }
      return intern_ascii("[object Object]");
    }
    default: return intern_ascii("[object]");
  }
}

std::string Context::to_display_utf8(Value v) {
  Rooted<Value> keep(*this, v);
  return utf16_to_utf8(to_string(v)->view());
}

std::string Context::describe_for_error(Value v) {
  if (v.is_undefined() || v.is_empty()) return "undefined";
  if (v.is_null()) return "null";
  if (v.is_bool()) return v.is_true() ? "true" : "false";
  if (v.is_number()) return "number " + number_to_string(v.to_double());
  if (is_string(v)) {
    // Only the head is shown: convert no more of a long string than that.
    std::string s = utf16_to_utf8(as_string(v)->view().substr(0, 41));
    if (s.size() > 40 || as_string(v)->length_ > 41) s = s.substr(0, 37) + "...";
    return "string \"" + s + "\"";
  }
  switch (v.as_object()->kind()) {
    case ObjectKind::Array: return "an array";
    case ObjectKind::Closure:
    case ObjectKind::NativeFunction: return "a function";
    case ObjectKind::Class: return "a class";
    case ObjectKind::Map: return "a Map";
    case ObjectKind::Set: return "a Set";
    case ObjectKind::Task: return "a task";
    case ObjectKind::Bytes: return "a byte buffer";
    case ObjectKind::ForeignHandle: return "a foreign handle";
    default: return "an object";
  }
}

// --- errors ---------------------------------------------------------------------

Value Context::make_error(ErrorType type, std::string_view message) {
  Class* cls = error_classes_[size_t(type)];
  Rooted<Object*> err(*this, new_object(cls->prototype_));
  Rooted<String*> msg(*this, new_string_utf8(message));
  define_own_property(err, message_key_, Value::object(msg.get()), 0);
  std::string trace = error_class_name(type) + std::string(": ") + std::string(message) + "\n" + capture_stack_trace();
  String* stack = new_string_utf8(trace);
  define_own_property(err, stack_key_, Value::object(stack), 0);
  return Value::object(err.get());
}

std::string Context::error_class_name(ErrorType type) {
  switch (type) {
    case ErrorType::Error: return "Error";
    case ErrorType::TypeError: return "TypeError";
    case ErrorType::RangeError: return "RangeError";
    case ErrorType::ReferenceError: return "ReferenceError";
    case ErrorType::SyntaxError: return "SyntaxError";
    default: return "Error";
  }
}

bool Context::throw_named_error(std::string_view name, std::string_view message) {
  return throw_value(make_named_error(name, message));
}

Value Context::make_named_error(std::string_view name, std::string_view message) {
  Class* cls = error_classes_[size_t(ErrorType::Error)];
  Rooted<Object*> err(*this, new_object(cls->prototype_));
  Rooted<String*> msg(*this, new_string_utf8(message));
  define_own_property(err, message_key_, Value::object(msg.get()), 0);
  Rooted<String*> n(*this, new_string_utf8(name));
  define_own_property(err, name_key_, Value::object(n.get()), 0);
  std::string trace = std::string(name) + ": " + std::string(message) + "\n" + capture_stack_trace();
  String* stack = new_string_utf8(trace);
  define_own_property(err, stack_key_, Value::object(stack), 0);
  return Value::object(err.get());
}

bool Context::throw_value(Value exception) {
  pending_exception_ = exception;
  has_pending_exception_ = true;
  return false;
}

bool Context::throw_error(ErrorType type, std::string_view message) {
  return throw_value(make_error(type, message));
}

Value Context::take_pending_exception() {
  Value v = pending_exception_;
  pending_exception_ = Value::undefined();
  has_pending_exception_ = false;
  return v;
}

std::string Context::capture_stack_trace() {
  std::string out;
  if (current_task_ == nullptr) return out;
  const auto& frames = current_task_->frames;
  int shown = 0;
  for (size_t i = frames.size(); i-- > 0;) {
    const Frame& f = frames[i];
    const FunctionProto* proto = f.closure->proto_;
    const Module& module = *f.closure->module_->module_;
    if (proto->name == "<entry>") continue;  // the bundle's driver, not user code
    uint32_t pc = f.pc == 0 ? 0 : f.pc - 1;  // the instruction being executed
    uint32_t line = proto->line, column = proto->column;
    // The last entry at or before pc (sorted by pc): a binary search, as a
    // generated function may have a line table of 100k entries.
    auto after = std::upper_bound(proto->lines.begin(), proto->lines.end(), pc,
                                  [](uint32_t at, const LineEntry& le) { return at < le.pc; });
    if (after != proto->lines.begin()) {
      line = std::prev(after)->line;
      column = std::prev(after)->column;
    }
    std::string name = proto->name.empty() ? "<anonymous>" : proto->name;
    std::string file = proto->file < module.files.size() ? module.files[proto->file] : "?";
    out += "    at " + name + " (" + file + ":" + std::to_string(line) + ":" + std::to_string(column) + ")\n";
    if (++shown == kMaxStackFrames && i > 0) {
      out += "    ... " + std::to_string(i) + " more frames\n";
      break;
    }
  }
  // A capture is work per frame shown (at most kMaxStackFrames, so charged
  // once done): new Error() in a loop at depth 9,000 pays for its stacks.
  charge_steps(uint64_t(shown) + out.size() / kUnitsPerStep);
  return out;
}

Error Context::runtime_error_of(Value exception) {
  Error e = messages::make_error(ErrorCode::RuntimeError, "");
  e.context_id = options_.context_id;
  // Reporting must not collect (the exception is not rooted) and must not
  // fail: at the heap limit, fall back to what is known without allocating.
  Heap::NoGcScope no_gc(heap_);
  try {
    if (is_plain_object(exception)) {
      Object* obj = as_object(exception);
      Value name, message, stack;
      lookup_property(obj, name_key_, name);
      lookup_property(obj, message_key_, message);
      lookup_property(obj, stack_key_, stack);
      if (is_string(name)) e.name = utf16_to_utf8(as_string(name)->view());
      if (is_string(message)) e.message = utf16_to_utf8(as_string(message)->view());
      if (is_string(stack)) {
        std::string s = utf16_to_utf8(as_string(stack)->view());
        // The stored stack starts with "Name: message"; keep only the frames.
        size_t nl = s.find("\n    at ");
        e.stack = nl == std::string::npos ? "" : s.substr(nl + 1);
      }
      if (!e.name.empty() || is_string(message)) return e;
    }
    e.name = "Uncaught";
    e.message = to_display_utf8(exception);
  } catch (const VmFatal&) {
    e.name = "Uncaught";
    // Converting it hit the heap or the step limit.
    e.message = "(a value that could not be shown: a limit was reached)";
  }
  return e;
}
}  // namespace raya::vm
