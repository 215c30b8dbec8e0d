// install_builtins: fills a fresh context with the standard library of
// LANGUAGE.md "Builtins", one install function per area (install.hpp), and
// the helpers those natives share.
//
// How a builtin that is both callable and has static members is represented:
// `Number`, `String`, `Boolean`, `Array`, `Object`, `Map` and `Set` are Class
// values whose constructor_ is a native and whose statics (Number.isInteger,
// Array.from, ...) are own properties of the Class object. This relies on
// two interpreter rules:
//  - Calling a Class value without `new` calls its constructor_ native with
//    this_value = undefined. That is how Number(x), String(x), Boolean(x),
//    Array(n) and Object() convert or create.
//  - With `new`, this_value is a fresh object whose prototype is the class
//    prototype, and when a native constructor returns an object, that object
//    is the result of `new` (new Map() returns a MapObject, new Array(3) an
//    Array). Number, String and Boolean throw under `new`: Raya has no
//    primitive wrapper objects.
// Each such class uses the context's core prototype (Array.prototype is
// ctx.array_prototype(), ...) so instanceof works on arrays, Maps and Sets.
#include "vmcore/builtins/builtins.hpp"

#include <algorithm>
#include <cmath>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {

/// Error.prototype.toString: "Name: message", or whichever part is not
/// empty (the error classes themselves come from core_objects.cpp).
bool error_to_string(Context& ctx, CallArgs& call) {
  if (!is_plain_object(call.this_value))
    return builtins::throw_wrong_kind(ctx, "Error.prototype.toString", "'this'", "an object", call.this_value);
  Rooted<Object*> self(ctx, as_object(call.this_value));
  Value name_value, message_value;
  ctx.lookup_property(self, ctx.intern_ascii("name"), name_value);
  Rooted<String*> name(ctx, name_value.is_undefined() ? ctx.intern_ascii("Error") : ctx.to_string(name_value));
  ctx.lookup_property(self, ctx.intern_ascii("message"), message_value);
  Rooted<String*> message(ctx, message_value.is_undefined() ? ctx.empty_string() : ctx.to_string(message_value));
  builtins::StringBuilder out(ctx);
  out.append(name->view());
  if (name->length_ != 0 && message->length_ != 0) out.append(u": ");
  out.append(message->view());
  String* result = out.finish();
  if (result == nullptr) return false;
  call.result = Value::object(result);
  return true;
}

}  // namespace

void install_builtins(Context& ctx) {
  ctx.define_native_method(ctx.error_class(ErrorType::Error)->prototype_, "toString", error_to_string, 0);
  install_object(ctx);
  install_number(ctx);
  install_string(ctx);
  install_array(ctx);
  install_collections(ctx);
  install_math(ctx);
  install_json(ctx);
  install_console(ctx);
  install_tasks(ctx);
}

namespace builtins {

Class* define_builtin_class(Context& ctx, std::string_view name, NativeFn ctor, uint16_t arity,
                            Object* prototype) {
  Rooted<Object*> proto(ctx, prototype);
  Rooted<NativeFunction*> fn(ctx, ctx.new_native(name, ctor, arity));
  fn->is_constructor_ = true;
  Rooted<Class*> cls(ctx, ctx.new_class(ctx.intern_ascii(name), nullptr, Value::object(fn.get())));
  if (proto.get() != nullptr) {
    cls->prototype_ = proto;
    // An empty object with that prototype has its root shape: the shape
    // instances of this class start from.
    cls->instance_shape_ = ctx.new_object(proto, 0)->shape_;
    ctx.define_own_property(proto, ctx.intern_ascii("constructor"), Value::object(cls.get()), 0);
  }
  ctx.define_builtin(name, Value::object(cls.get()));
  return cls;
}

void define_constant(Context& ctx, Object* target, std::string_view name, Value value) {
  Rooted<Object*> t(ctx, target);
  Rooted<Value> v(ctx, value);
  ctx.define_own_property(t, ctx.intern_ascii(name), v, 0);
}

bool throw_wrong_kind(Context& ctx, std::string_view where, std::string_view what, std::string_view expected,
                      Value v) {
  std::string message(where);
  message += ": ";
  message += what;
  message += " must be ";
  message += expected;
  message += ", got ";
  message += ctx.describe_for_error(v);
  return ctx.throw_type_error(message);
}

bool integer_arg(Context& ctx, const CallArgs& call, uint32_t index, double fallback, std::string_view where,
                 std::string_view what, double& out) {
  Value v = call.arg(index);
  if (v.is_undefined()) {
    out = fallback;
    return true;
  }
  if (v.is_int()) {
    out = v.as_int();
    return true;
  }
  if (!v.is_double()) return throw_wrong_kind(ctx, where, what, "a number", v);
  double d = v.as_double();
  out = d != d ? 0 : std::trunc(d);
  if (out == 0) out = 0;  // no -0
  return true;
}

bool number_arg(Context& ctx, const CallArgs& call, uint32_t index, std::string_view where, std::string_view what,
                double& out) {
  Value v = call.arg(index);
  if (!v.is_number()) return throw_wrong_kind(ctx, where, what, "a number", v);
  out = v.to_double();
  return true;
}

bool string_arg(Context& ctx, const CallArgs& call, uint32_t index, std::string_view where, std::string_view what,
                String*& out) {
  Value v = call.arg(index);
  if (!is_string(v)) return throw_wrong_kind(ctx, where, what, "a string", v);
  out = as_string(v);
  return true;
}

uint32_t clamp_relative(double position, uint32_t length) {
  if (position < 0) {
    double p = double(length) + position;
    return p <= 0 ? 0 : uint32_t(p);
  }
  return position >= double(length) ? length : uint32_t(position);
}

uint32_t clamp_absolute(double position, uint32_t length) {
  if (!(position > 0)) return 0;
  return position >= double(length) ? length : uint32_t(position);
}

bool check_string_length(Context& ctx, uint64_t units) {
  if (units > kMaxStringLength) return ctx.throw_range_error("Invalid string length");
  uint64_t bytes = units * sizeof(char16_t);
  if (bytes > ctx.heap().max_bytes()) {
    throw VmFatal{ErrorCode::HeapLimitExceeded,
                  "string of " + std::to_string(units) + " code units does not fit in the heap",
                  ctx.heap().max_bytes(), ctx.heap().bytes_used() + bytes};
  }
  return true;
}

bool StringBuilder::append(std::u16string_view units) {
  if (overflowed_) return false;
  uint64_t want = uint64_t(units_.size()) + units.size();
  if (want > kMaxStringLength) {
    overflowed_ = true;
    return false;
  }
  if (want * sizeof(char16_t) > ctx_.heap().max_bytes()) check_string_length(ctx_, want);  // ends the context
  if (units.size() > prepaid_) {
    // Pay whole steps ahead: at most one step more than the units appended.
    uint64_t steps = steps_for(units.size() - prepaid_, kPerUnits);
    charge(ctx_, steps * Context::kUnitsPerStep, kPerUnits);
    prepaid_ += steps * Context::kUnitsPerStep;
  }
  prepaid_ -= units.size();
  units_.append(units);
  return true;
}

bool StringBuilder::append_ascii(std::string_view ascii) {
  if (ascii.empty()) return !overflowed_;
  std::u16string wide(ascii.begin(), ascii.end());
  return append(wide);
}

String* StringBuilder::finish() {
  if (overflowed_) {
    ctx_.throw_range_error("Invalid string length");
    return nullptr;
  }
  return ctx_.new_string(units_);
}

bool is_array_index_key(const String* key, uint32_t* index) {
  std::u16string_view v = key->view();
  if (v.empty() || v.size() > 10) return false;
  if (v[0] == u'0' && v.size() > 1) return false;
  uint64_t n = 0;
  for (char16_t c : v) {
    if (c < u'0' || c > u'9') return false;
    n = n * 10 + uint64_t(c - u'0');
  }
  if (n >= 0xFFFFFFFFull) return false;  // 2^32 - 1 is not an array index
  if (index != nullptr) *index = uint32_t(n);
  return true;
}

uint64_t own_property_count(const Object* obj) {
  return obj->dict_ ? obj->dict_->entries.size() : obj->shape_->slot_count_;
}

std::vector<String*> ordered_own_keys(Context& ctx, Object* obj) {
  // Collecting, and sorting when there are index keys: paid for first.
  charge(ctx, own_property_count(obj), kPerElement);
  std::vector<String*> keys = ctx.own_enumerable_keys(obj);
  bool any_index = false;
  for (String* k : keys) {
    if (k->length_ != 0 && k->data()[0] >= u'0' && k->data()[0] <= u'9' && is_array_index_key(k)) {
      any_index = true;
      break;
    }
  }
  if (!any_index) return keys;
  std::vector<std::pair<uint32_t, String*>> indexes;
  std::vector<String*> others;
  for (String* k : keys) {
    uint32_t i;
    if (is_array_index_key(k, &i))
      indexes.push_back({i, k});
    else
      others.push_back(k);
  }
  uint64_t log_n = 1;
  while ((uint64_t(1) << log_n) < indexes.size()) ++log_n;
  charge(ctx, indexes.size() * log_n, kPerElement);
  std::sort(indexes.begin(), indexes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  keys.clear();
  for (auto& [i, k] : indexes) keys.push_back(k);
  keys.insert(keys.end(), others.begin(), others.end());
  return keys;
}

bool own_data_property(Context& ctx, Object* obj, String* key, Value& out, bool* is_accessor) {
  Object* holder = nullptr;
  PropertyInfo info{};
  if (is_accessor != nullptr) *is_accessor = false;
  if (!ctx.lookup_property(obj, key, out, &holder, &info) || holder != obj) {
    out = Value::undefined();
    return false;
  }
  if (info.flags & kPropAccessor) {
    if (is_accessor != nullptr) *is_accessor = true;
    out = Value::undefined();
    return false;
  }
  return true;
}

std::u16string number_to_u16(double d) {
  char buffer[kNumberToStringMaxChars];
  std::size_t n = number_to_chars(d, buffer);
  return std::u16string(buffer, buffer + n);
}

String* index_key(Context& ctx, uint32_t index) {
  if (index < 10) return ctx.char_string(char16_t(u'0' + index));
  return ctx.intern_ascii(std::to_string(index));
}

}  // namespace builtins
}  // namespace raya::vm
