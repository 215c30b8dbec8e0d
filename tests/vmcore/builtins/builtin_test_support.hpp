// Support for the builtin tests: a fresh Context per test and helpers that
// call natives directly (no compiler or interpreter involved).
//
// Every value a helper creates, and every call result, is pushed into a
// rooted "keep" array, so the collector may run at any allocation inside a
// native (build with -DRAYA_GC_STRESS=ON to collect at every allocation):
// what the tests check is then also that the natives root what they hold.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm::testing {

class BuiltinTest : public ::testing::Test {
 protected:
  BuiltinTest() : keep_(ctx, ctx.new_array(0)) {}

  /// Keeps v alive for the rest of the test and returns it.
  Value keep(Value v) {
    ctx.array_push(keep_, v);
    return v;
  }

  Value str(std::string_view utf8) { return keep(Value::object(ctx.new_string_utf8(utf8))); }
  Value str16(std::u16string_view units) { return keep(Value::object(ctx.new_string(units))); }
  static Value num(double d) { return Value::number(d); }
  static Value nan() { return Value::from_double(std::numeric_limits<double>::quiet_NaN()); }
  static Value inf() { return Value::from_double(std::numeric_limits<double>::infinity()); }
  static Value boolean(bool b) { return Value::boolean(b); }
  static Value undef() { return Value::undefined(); }
  static Value null() { return Value::null(); }

  Value arr(std::initializer_list<Value> elements) {
    Value a = keep(Value::object(ctx.new_array(0)));
    for (Value e : elements) ctx.array_push(as_array(a), e);
    return a;
  }

  /// A plain object with the given properties (in order).
  Value obj(std::initializer_list<std::pair<std::string_view, Value>> props) {
    Value o = keep(Value::object(ctx.new_plain_object()));
    for (auto& [name, value] : props) ctx.define_own_property(as_object(o), ctx.intern_ascii(name), value);
    return o;
  }

  /// Adds an enumerable accessor property (getter only when `getter` is a
  /// function) to o.
  void define_accessor(Value o, std::string_view name, Value getter) {
    Value accessor = keep(Value::object(ctx.heap().make<Accessor>()));
    static_cast<Accessor*>(accessor.as_object())->getter_ = getter;
    Rooted<String*> key(ctx, ctx.intern_ascii(name));
    ctx.define_own_property(as_object(o), key, accessor, kPropEnumerable | kPropAccessor);
  }

  Value builtin(std::string_view name) {
    Value v;
    EXPECT_TRUE(ctx.lookup_builtin(name, v)) << "no builtin " << name;
    return v;
  }

  /// A property of an object (own or inherited), e.g. get(builtin("Math"), "abs").
  Value get(Value target, std::string_view name) {
    Value out;
    Object* holder = is_plain_object(target) ? as_object(target) : ctx.prototype_for(target);
    EXPECT_NE(holder, nullptr);
    if (holder != nullptr) ctx.lookup_property(holder, ctx.intern_ascii(name), out);
    return out;
  }

  /// Calls a native (or a builtin class's native constructor) directly.
  /// False if it threw; the exception is then in `error_`.
  bool call(Value fn, Value this_value, std::initializer_list<Value> args, Value& result) {
    if (is_class(fn)) fn = as_class(fn)->constructor_;
    EXPECT_TRUE(is_native(fn)) << "not a native function";
    if (!is_native(fn)) return false;
    Rooted<Value> keep_this(ctx, this_value);
    std::vector<Value> argv(args);
    CallArgs call_args{this_value, argv.data(), uint32_t(argv.size())};
    bool ok = as_native(fn)->fn_(ctx, call_args);
    if (ok) {
      result = keep(call_args.result);
    } else {
      error_ = keep(ctx.take_pending_exception());
    }
    return ok;
  }

  /// fn(args) expecting success.
  Value call_fn(Value fn, std::initializer_list<Value> args) { return call_on(fn, undef(), args); }
  Value call_on(Value fn, Value this_value, std::initializer_list<Value> args) {
    Value result;
    bool ok = call(fn, this_value, args, result);
    EXPECT_TRUE(ok) << "threw " << describe_error();
    return result;
  }
  /// receiver.name(args) with the method found on the receiver's prototype.
  Value invoke(Value receiver, std::string_view name, std::initializer_list<Value> args) {
    return call_on(get(receiver, name), receiver, args);
  }
  /// Static method: builtin(ns).name(args), with this = the namespace.
  Value invoke_static(std::string_view ns, std::string_view name, std::initializer_list<Value> args) {
    Value target = builtin(ns);
    return call_on(get(target, name), target, args);
  }

  /// "TypeError: message" of what fn(args) threw; "" if it did not throw.
  std::string call_error(Value fn, Value this_value, std::initializer_list<Value> args) {
    Value result;
    if (call(fn, this_value, args, result)) return "";
    return describe_error();
  }
  std::string invoke_error(Value receiver, std::string_view name, std::initializer_list<Value> args) {
    return call_error(get(receiver, name), receiver, args);
  }
  std::string static_error(std::string_view ns, std::string_view name, std::initializer_list<Value> args) {
    Value target = builtin(ns);
    return call_error(get(target, name), target, args);
  }

  std::string describe_error() {
    if (!is_plain_object(error_)) return "<non-object thrown>";
    Value name, message;
    ctx.lookup_property(as_object(error_), ctx.intern_ascii("name"), name);
    ctx.lookup_property(as_object(error_), ctx.intern_ascii("message"), message);
    return utf8(name) + ": " + utf8(message);
  }

  static std::string utf8(Value v) {
    if (!is_string(v)) return "<not a string>";
    return utf16_to_utf8(as_string(v)->view());
  }

  /// JSON.stringify(v) as UTF-8, a compact way to compare structures.
  std::string json(Value v) { return utf8(invoke_static("JSON", "stringify", {v})); }

  Context ctx;
  Value error_ = Value::undefined();

 private:
  Rooted<Array*> keep_;
};

}  // namespace raya::vm::testing
