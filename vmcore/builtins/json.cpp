// JSON.stringify and JSON.parse.
//
// stringify walks the value recursively with a depth limit (kMaxDepth, a
// RangeError beyond it, so hostile nesting cannot exhaust the C++ stack) and
// a stack of open containers for cycle detection (TypeError "Converting
// circular structure to JSON"). Output is built as UTF-8 with json_text's
// quoting and becomes a heap string once, at the end. Natives cannot call
// Raya code, so a function replacer, a reviver and toJSON methods are
// TypeErrors instead of being ignored; getters are skipped (their value
// cannot be read). Plain objects and class instances show their own
// enumerable data properties; Maps and Sets show as {} like in JavaScript.
//
// parse feeds json_text's SAX parser into a builder that keeps every open
// container in a rooted array, so a collection mid-parse keeps the partial
// tree alive; syntax errors are SyntaxErrors with the parser's message.
//
// Both pay as they go (cost.hpp): kPerJsonValue for every value written or
// built, before it is (stringify prepays an array's elements and an object's
// properties in chunks; parse pays each value as the parser reports it, the
// text having been paid up front), plus every code unit copied, quoted,
// indented or converted. A big JSON under a small budget thus ends with
// StepBudgetExceeded within a chunk of its budget, not after the walk.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/json_text.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

using builtins::charge;
using builtins::ChargedLoop;
using builtins::kPerJsonValue;
using builtins::kPerScannedUnits;
using builtins::kPerUnits;
using builtins::throw_wrong_kind;

/// Deepest nesting JSON.stringify writes and JSON.parse reads.
constexpr uint32_t kMaxDepth = 1000;

// --- stringify ---------------------------------------------------------------------------------

class Stringifier {
 public:
  Stringifier(Context& ctx, const std::vector<String*>* property_list, std::string gap)
      : ctx_(ctx), property_list_(property_list), gap_(std::move(gap)), to_json_key_(ctx.intern_ascii("toJSON")) {}

  /// Writes v; `omitted` tells that v has no JSON form (undefined, functions),
  /// in which case nothing was written. False with a pending exception.
  bool write(Value v, bool& omitted, uint32_t depth) {
    omitted = false;
    if (v.is_null()) {
      out_ += "null";
    } else if (v.is_bool()) {
      out_ += v.is_true() ? "true" : "false";
    } else if (v.is_int()) {
      out_ += std::to_string(v.as_int());
    } else if (v.is_double()) {
      double d = v.as_double();
      out_ += std::isfinite(d) ? number_to_string(d) : "null";
    } else if (is_string(v)) {
      charge(ctx_, as_string(v)->length_, kPerScannedUnits);  // escaped unit by unit
      append_json_quoted(out_, as_string(v)->view());
    } else if (v.is_undefined() || v.is_empty() || is_callable(v)) {
      omitted = true;
    } else if (is_array(v)) {
      return write_array(as_array(v), depth);
    } else if (is_plain_object(v)) {
      return write_object(as_object(v), depth);
    } else {
      out_ += "{}";  // Map, Set and other objects without enumerable properties
    }
    return check_length();
  }

  std::string& text() { return out_; }

 private:
  bool enter(HeapObject* container, uint32_t depth) {
    if (depth >= kMaxDepth)
      return ctx_.throw_range_error("JSON.stringify: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    // The cycle check compares with every open container (at most kMaxDepth).
    charge(ctx_, open_.size(), kPerUnits);
    for (HeapObject* open : open_)
      if (open == container) return ctx_.throw_type_error("Converting circular structure to JSON");
    open_.push_back(container);
    return true;
  }

  void newline(uint32_t depth) {
    if (gap_.empty()) return;
    charge(ctx_, uint64_t(depth) * gap_.size(), kPerUnits);  // up to 10 units a level
    out_ += '\n';
    for (uint32_t i = 0; i < depth; ++i) out_ += gap_;
  }

  bool write_array(Array* a, uint32_t depth) {
    if (!enter(a, depth)) return false;
    out_ += '[';
    ChargedLoop elements(ctx_, a->length_, kPerJsonValue);
    for (uint32_t i = 0; i < a->length_; ++i) {
      elements.tick();
      if (i != 0) out_ += ',';
      newline(depth + 1);
      bool omitted;
      if (!write(a->elements_[i], omitted, depth + 1)) return false;
      if (omitted) out_ += "null";
    }
    if (a->length_ != 0) newline(depth);
    out_ += ']';
    open_.pop_back();
    return check_length();
  }

  bool write_member(String* key, Value value, uint32_t depth, bool& first) {
    size_t rollback = out_.size();
    if (!first) out_ += ',';
    newline(depth + 1);
    charge(ctx_, key->length_, kPerScannedUnits);
    append_json_quoted(out_, key->view());
    out_ += gap_.empty() ? ":" : ": ";
    bool omitted;
    if (!write(value, omitted, depth + 1)) return false;
    if (omitted) {
      out_.resize(rollback);
    } else {
      first = false;
    }
    return true;
  }

  bool write_object(Object* obj, uint32_t depth) {
    Value to_json;
    if (ctx_.lookup_property(obj, to_json_key_, to_json) && is_callable(to_json))
      return ctx_.throw_type_error("JSON.stringify: toJSON methods are not supported");
    if (!enter(obj, depth)) return false;
    out_ += '{';
    bool first = true;
    if (property_list_ != nullptr) {
      // With a replacer array the list decides which keys, in its order.
      ChargedLoop members(ctx_, property_list_->size(), kPerJsonValue);
      for (String* key : *property_list_) {
        members.tick();
        Value value;
        PropertyInfo info{};
        if (!ctx_.lookup_property(obj, key, value, nullptr, &info) || (info.flags & kPropAccessor)) continue;
        if (!write_member(key, value, depth, first)) return false;
      }
    } else {
      std::vector<String*> keys = builtins::ordered_own_keys(ctx_, obj);
      ChargedLoop members(ctx_, keys.size(), kPerJsonValue);
      for (String* key : keys) {
        members.tick();
        Value value;
        if (!builtins::own_data_property(ctx_, obj, key, value)) continue;  // getters are skipped
        if (!write_member(key, value, depth, first)) return false;
      }
    }
    if (!first) newline(depth);
    out_ += '}';
    open_.pop_back();
    return check_length();
  }

  /// A UTF-8 byte is at most one UTF-16 unit of the result, three bytes at
  /// least one: refuse as soon as even the shortest reading is too long.
  bool check_length() { return builtins::check_string_length(ctx_, out_.size() / 3); }

  Context& ctx_;
  const std::vector<String*>* property_list_;
  std::string gap_;
  String* to_json_key_;  // interned, kept alive by the caller's root
  std::string out_;
  std::vector<HeapObject*> open_;  // containers being written (reachable from the argument)
};

/// The gap of JSON.stringify's third argument: up to 10 spaces or the first
/// 10 units of a string; anything else means no indentation.
std::string indent_of(Value space) {
  if (space.is_number()) {
    double n = space.to_double();
    int count = n != n ? 0 : int(std::min(10.0, std::max(0.0, std::trunc(n))));
    return std::string(size_t(count), ' ');
  }
  if (is_string(space)) {
    std::u16string_view units = as_string(space)->view();
    return utf16_to_utf8(units.substr(0, 10));
  }
  return "";
}

bool json_stringify(Context& ctx, CallArgs& call) {
  Value replacer = call.arg(1);
  if (is_callable(replacer)) return ctx.throw_type_error("JSON.stringify: a replacer function is not supported");
  // A replacer array lists the keys to keep (strings, and numbers as their
  // text; other elements are ignored, duplicates dropped).
  Rooted<Array*> list_root(ctx, nullptr);
  std::vector<String*> property_list;
  bool has_list = is_array(replacer);
  if (has_list) {
    list_root = ctx.new_array(0);
    // Interned keys are equal iff they are the same String: a set finds the
    // duplicates in O(1) each (a scan of the list would be quadratic).
    std::unordered_set<String*> listed;
    ChargedLoop items(ctx, as_array(call.args[1])->length_, builtins::kPerIndexKey);  // a number becomes its key
    for (uint32_t i = 0; i < as_array(call.args[1])->length_; ++i) {
      items.tick();
      Value item = as_array(call.args[1])->elements_[i];
      if (!is_string(item) && !item.is_number()) continue;
      builtins::charge_key_lookup(ctx, item);  // a long key is hashed to be interned
      String* key = ctx.to_property_key(item);
      if (!listed.insert(key).second) continue;
      ctx.array_push(list_root, Value::object(key));  // keeps the interned key alive
      property_list.push_back(key);
    }
  }
  Rooted<String*> to_json(ctx, ctx.intern_ascii("toJSON"));
  Stringifier writer(ctx, has_list ? &property_list : nullptr, indent_of(call.arg(2)));
  bool omitted;
  charge(ctx, 1, kPerJsonValue);  // the argument; the values inside pay in their containers
  if (!writer.write(call.arg(0), omitted, 0)) return false;
  if (omitted) {
    call.result = Value::undefined();
    return true;
  }
  // UTF-8 to UTF-16 and into the heap string: twice over the text.
  charge(ctx, 2 * uint64_t(writer.text().size()), kPerUnits);
  std::u16string units = utf8_to_utf16(writer.text());
  if (!builtins::check_string_length(ctx, units.size())) return false;
  call.result = Value::object(ctx.new_string(units));
  return true;
}

// --- parse -------------------------------------------------------------------------------------------

/// Builds Raya values from parse events. Open containers and pending member
/// names live in rooted arrays, so any allocation may collect safely.
class ValueBuilder final : public JsonHandler {
 public:
  explicit ValueBuilder(Context& ctx)
      : ctx_(ctx), containers_(ctx, ctx.new_array(0)), keys_(ctx, ctx.new_array(0)), result_(ctx, Value::undefined()) {}

  Value result() const { return result_.get(); }

  // Every value is paid for before it is built (the text was paid up front).
  bool on_null() override { return pay() && add(Value::null()); }
  bool on_bool(bool value) override { return pay() && add(Value::boolean(value)); }
  bool on_number(double value) override { return pay() && add(Value::number(value)); }
  bool on_string(std::u16string_view value) override {
    pay();
    charge(ctx_, value.size(), kPerUnits);  // copied into the heap
    String* s = value.size() == 1 ? ctx_.char_string(value[0])
                : value.empty()   ? ctx_.empty_string()
                                  : ctx_.new_string(value);
    return add(Value::object(s));
  }
  bool on_key(std::u16string_view key) override {
    pay();  // the property define that follows
    charge(ctx_, key.size(), kPerScannedUnits);  // hashed and compared to be interned
    ctx_.array_push(keys_, Value::object(ctx_.intern(key)));
    return true;
  }
  bool begin_object() override { return pay() && open(Value::object(ctx_.new_plain_object())); }
  bool begin_array() override { return pay() && open(Value::object(ctx_.new_array(0))); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

 private:
  bool pay() {
    charge(ctx_, 1, kPerJsonValue);
    return true;
  }

  /// Stores v in the innermost open container (or as the result).
  bool add(Value v) {
    Array* open = containers_.get();
    if (open->length_ == 0) {
      result_ = v;
      return true;
    }
    Value top = open->elements_[open->length_ - 1];
    if (is_array(top)) {
      ctx_.array_push(as_array(top), v);
    } else {
      // The key stays in keys_ (rooted) until the property holds it.
      String* key = as_string(keys_->elements_[keys_->length_ - 1]);
      ctx_.define_own_property(as_object(top), key, v, kPropEnumerable);
      keys_->elements_[--keys_->length_] = Value::undefined();
    }
    return true;
  }

  bool open(Value container) {
    add(container);  // now reachable from its parent or the result
    ctx_.array_push(containers_, container);
    return true;
  }

  bool close() {
    Array* open = containers_.get();
    open->elements_[--open->length_] = Value::undefined();
    return true;
  }

  Context& ctx_;
  Rooted<Array*> containers_;
  Rooted<Array*> keys_;
  Rooted<Value> result_;
};

bool json_parse(Context& ctx, CallArgs& call) {
  Value text = call.arg(0);
  if (!is_string(text)) return throw_wrong_kind(ctx, "JSON.parse", "text", "a string", text);
  if (!call.arg(1).is_undefined()) return ctx.throw_type_error("JSON.parse: a reviver function is not supported");
  Rooted<Value> source(ctx, text);
  // The text is scanned once (in chunks of the budget, before it is read);
  // the values it holds pay as they are built.
  charge(ctx, as_string(text)->length_, kPerUnits);
  ValueBuilder builder(ctx);
  JsonParseResult r = parse_json(as_string(source.get())->view(), builder, kMaxDepth);
  switch (r.status) {
    case JsonParseResult::Status::kOk:
      call.result = builder.result();
      return true;
    case JsonParseResult::Status::kSyntaxError:
      return ctx.throw_error(ErrorType::SyntaxError, r.message);
    case JsonParseResult::Status::kTooDeep:
      return ctx.throw_range_error("JSON.parse: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    case JsonParseResult::Status::kAborted:
      break;
  }
  return ctx.throw_error(ErrorType::SyntaxError, "JSON.parse: parsing was aborted");
}

}  // namespace

void install_json(Context& ctx) {
  Rooted<Object*> json(ctx, ctx.new_plain_object());
  ctx.define_native_method(json, "stringify", json_stringify, 3);
  ctx.define_native_method(json, "parse", json_parse, 2);
  ctx.define_builtin("JSON", Value::object(json.get()));
}

}  // namespace raya::vm
