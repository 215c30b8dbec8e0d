// Number, the explicit conversions String(x) / Number(x) / Boolean(x), the
// numeric globals (parseInt, parseFloat, isNaN, isFinite, NaN, Infinity) and
// the methods of numbers and booleans (toFixed, toString(radix), ...).
//
// Raya has no implicit coercions, so only the three conversion functions
// convert: the global isNaN/isFinite want a number (JavaScript's versions
// coerce; Number.isNaN/isFinite answer false for non-numbers, as in JS), and
// parseInt/parseFloat want a string. Text <-> number is number_format.hpp.
#include <cmath>
#include <limits>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {

using builtins::integer_arg;
using builtins::throw_wrong_kind;

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool refuse_wrapper(Context& ctx, const char* name) {
  return ctx.throw_type_error(std::string(name) + ": primitive wrapper objects are not supported (call " + name +
                              "(x) without new to convert)");
}

// --- conversions ------------------------------------------------------------------

/// Number(x): the explicit numeric conversion.
bool number_call(Context& ctx, CallArgs& call) {
  if (!call.this_value.is_undefined()) return refuse_wrapper(ctx, "Number");
  if (call.count == 0) {
    call.result = Value::int32(0);
    return true;
  }
  Value v = call.arg(0);
  if (v.is_number()) {
    call.result = v;
  } else if (is_string(v)) {
    builtins::charge(ctx, as_string(v)->length_, builtins::kPerMappedUnits);  // parsed unit by unit
    call.result = Value::number(string_to_number(as_string(v)->view()));
  } else if (v.is_bool()) {
    call.result = Value::int32(v.is_true() ? 1 : 0);
  } else if (v.is_null()) {
    call.result = Value::int32(0);
  } else if (v.is_undefined()) {
    call.result = Value::from_double(std::numeric_limits<double>::quiet_NaN());
  } else {
    return ctx.throw_type_error("Number: cannot convert " + ctx.describe_for_error(v) + " to a number");
  }
  return true;
}

/// String(x): the explicit string conversion (what `"" + x` gives).
bool string_call(Context& ctx, CallArgs& call) {
  if (!call.this_value.is_undefined()) return refuse_wrapper(ctx, "String");
  call.result = call.count == 0 ? Value::object(ctx.empty_string()) : Value::object(ctx.to_string(call.arg(0)));
  return true;
}

/// Boolean(x): truthiness.
bool boolean_call(Context& ctx, CallArgs& call) {
  if (!call.this_value.is_undefined()) return refuse_wrapper(ctx, "Boolean");
  call.result = Value::boolean(Context::is_truthy(call.arg(0)));
  return true;
}

// --- Number statics and numeric globals ------------------------------------------------

bool is_integral(Value v) {
  if (v.is_int()) return true;
  if (!v.is_double()) return false;
  double d = v.as_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool number_is_integer(Context&, CallArgs& call) {
  call.result = Value::boolean(is_integral(call.arg(0)));
  return true;
}

bool number_is_safe_integer(Context&, CallArgs& call) {
  Value v = call.arg(0);
  call.result = Value::boolean(is_integral(v) && std::fabs(v.to_double()) <= kMaxSafeInteger);
  return true;
}

bool number_is_finite(Context&, CallArgs& call) {
  Value v = call.arg(0);
  call.result = Value::boolean(v.is_number() && std::isfinite(v.to_double()));
  return true;
}

bool number_is_nan(Context&, CallArgs& call) {
  Value v = call.arg(0);
  call.result = Value::boolean(v.is_double() && std::isnan(v.as_double()));
  return true;
}

bool global_is_finite(Context& ctx, CallArgs& call) {
  Value v = call.arg(0);
  if (!v.is_number()) return throw_wrong_kind(ctx, "isFinite", "argument", "a number", v);
  call.result = Value::boolean(std::isfinite(v.to_double()));
  return true;
}

bool global_is_nan(Context& ctx, CallArgs& call) {
  Value v = call.arg(0);
  if (!v.is_number()) return throw_wrong_kind(ctx, "isNaN", "argument", "a number", v);
  call.result = Value::boolean(v.is_double() && std::isnan(v.as_double()));
  return true;
}

bool parse_int_native(Context& ctx, CallArgs& call) {
  String* text = nullptr;
  if (!builtins::string_arg(ctx, call, 0, "parseInt", "argument", text)) return false;
  Value radix_arg = call.arg(1);
  int radix = 0;
  if (radix_arg.is_number()) {
    radix = to_int32(radix_arg.to_double());
  } else if (!radix_arg.is_undefined()) {
    return throw_wrong_kind(ctx, "parseInt", "radix", "a number", radix_arg);
  }
  builtins::charge(ctx, text->length_, builtins::kPerMappedUnits);  // parsed unit by unit
  call.result = Value::number(parse_int(text->view(), radix));
  return true;
}

bool parse_float_native(Context& ctx, CallArgs& call) {
  String* text = nullptr;
  if (!builtins::string_arg(ctx, call, 0, "parseFloat", "argument", text)) return false;
  builtins::charge(ctx, text->length_, builtins::kPerMappedUnits);  // parsed unit by unit
  call.result = Value::number(parse_float(text->view()));
  return true;
}

// --- Number.prototype ------------------------------------------------------------------

bool this_number(Context& ctx, const CallArgs& call, const char* method, double& out) {
  if (!call.this_value.is_number())
    return throw_wrong_kind(ctx, std::string("Number.prototype.") + method, "'this'", "a number", call.this_value);
  out = call.this_value.to_double();
  return true;
}

bool number_to_string_native(Context& ctx, CallArgs& call) {
  double x;
  if (!this_number(ctx, call, "toString", x)) return false;
  double radix;
  if (!integer_arg(ctx, call, 0, 10, "Number.prototype.toString", "radix", radix)) return false;
  if (radix < 2 || radix > 36) return ctx.throw_range_error("toString() radix must be between 2 and 36");
  if (radix == 10) {
    call.result = Value::object(ctx.to_string(call.this_value));
  } else {
    call.result = Value::object(ctx.new_string_ascii(number_to_radix(x, int(radix))));
  }
  return true;
}

bool number_to_fixed_native(Context& ctx, CallArgs& call) {
  double x;
  if (!this_number(ctx, call, "toFixed", x)) return false;
  double digits;
  if (!integer_arg(ctx, call, 0, 0, "Number.prototype.toFixed", "digits", digits)) return false;
  if (digits < 0 || digits > 100) return ctx.throw_range_error("toFixed() digits argument must be between 0 and 100");
  call.result = Value::object(ctx.new_string_ascii(number_to_fixed(x, int(digits))));
  return true;
}

bool number_to_precision_native(Context& ctx, CallArgs& call) {
  double x;
  if (!this_number(ctx, call, "toPrecision", x)) return false;
  if (call.arg(0).is_undefined()) {
    call.result = Value::object(ctx.to_string(call.this_value));
    return true;
  }
  double precision;
  if (!integer_arg(ctx, call, 0, 0, "Number.prototype.toPrecision", "precision", precision)) return false;
  if (!std::isfinite(x)) {
    call.result = Value::object(ctx.new_string_ascii(number_to_string(x)));
    return true;
  }
  if (precision < 1 || precision > 100) return ctx.throw_range_error("toPrecision() argument must be between 1 and 100");
  call.result = Value::object(ctx.new_string_ascii(number_to_precision(x, int(precision))));
  return true;
}

bool number_value_of(Context& ctx, CallArgs& call) {
  double x;
  if (!this_number(ctx, call, "valueOf", x)) return false;
  call.result = call.this_value;
  return true;
}

// --- Boolean.prototype -----------------------------------------------------------------

bool boolean_to_string(Context& ctx, CallArgs& call) {
  if (!call.this_value.is_bool())
    return throw_wrong_kind(ctx, "Boolean.prototype.toString", "'this'", "a boolean", call.this_value);
  call.result = Value::object(ctx.to_string(call.this_value));
  return true;
}

bool boolean_value_of(Context& ctx, CallArgs& call) {
  if (!call.this_value.is_bool())
    return throw_wrong_kind(ctx, "Boolean.prototype.valueOf", "'this'", "a boolean", call.this_value);
  call.result = call.this_value;
  return true;
}

}  // namespace

void install_number(Context& ctx) {
  using builtins::define_constant;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const Value nan = Value::from_double(std::numeric_limits<double>::quiet_NaN());

  Rooted<Class*> number(ctx, builtins::define_builtin_class(ctx, "Number", number_call, 1, ctx.number_prototype()));
  ctx.define_native_method(number, "isInteger", number_is_integer, 1);
  ctx.define_native_method(number, "isSafeInteger", number_is_safe_integer, 1);
  ctx.define_native_method(number, "isFinite", number_is_finite, 1);
  ctx.define_native_method(number, "isNaN", number_is_nan, 1);
  // Number.parseInt === parseInt and Number.parseFloat === parseFloat, as in JS.
  Rooted<NativeFunction*> parse_int_fn(ctx, ctx.define_native_method(number, "parseInt", parse_int_native, 2));
  Rooted<NativeFunction*> parse_float_fn(ctx, ctx.define_native_method(number, "parseFloat", parse_float_native, 1));
  define_constant(ctx, number, "MAX_SAFE_INTEGER", Value::number(kMaxSafeInteger));
  define_constant(ctx, number, "MIN_SAFE_INTEGER", Value::number(-kMaxSafeInteger));
  define_constant(ctx, number, "MAX_VALUE", Value::from_double(std::numeric_limits<double>::max()));
  define_constant(ctx, number, "MIN_VALUE", Value::from_double(std::numeric_limits<double>::denorm_min()));
  define_constant(ctx, number, "EPSILON", Value::from_double(std::numeric_limits<double>::epsilon()));
  define_constant(ctx, number, "POSITIVE_INFINITY", Value::from_double(kInfinity));
  define_constant(ctx, number, "NEGATIVE_INFINITY", Value::from_double(-kInfinity));
  define_constant(ctx, number, "NaN", nan);

  Object* proto = ctx.number_prototype();
  ctx.define_native_method(proto, "toString", number_to_string_native, 1);
  ctx.define_native_method(proto, "toFixed", number_to_fixed_native, 1);
  ctx.define_native_method(proto, "toPrecision", number_to_precision_native, 1);
  ctx.define_native_method(proto, "valueOf", number_value_of, 0);

  ctx.define_builtin("parseInt", Value::object(parse_int_fn.get()));
  ctx.define_builtin("parseFloat", Value::object(parse_float_fn.get()));
  ctx.define_builtin("isNaN", Value::object(ctx.new_native("isNaN", global_is_nan, 1)));
  ctx.define_builtin("isFinite", Value::object(ctx.new_native("isFinite", global_is_finite, 1)));
  ctx.define_builtin("NaN", nan);
  ctx.define_builtin("Infinity", Value::from_double(kInfinity));

  builtins::define_builtin_class(ctx, "String", string_call, 1, ctx.string_prototype());
  builtins::define_builtin_class(ctx, "Boolean", boolean_call, 1, ctx.boolean_prototype());
  ctx.define_native_method(ctx.boolean_prototype(), "toString", boolean_to_string, 0);
  ctx.define_native_method(ctx.boolean_prototype(), "valueOf", boolean_value_of, 0);
}

}  // namespace raya::vm
