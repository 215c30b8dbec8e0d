// Math: constants and functions with JavaScript's results (Math.round rounds
// halves towards +Infinity, Math.pow(1, Infinity) is NaN, Math.max() is
// -Infinity), computed with the C library where it agrees with ECMAScript.
// Arguments must be numbers (no coercion). Results go through Value::number
// so integral results stay on the int fast path. Math.random draws from the
// context's seeded generator, so runs replay.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {

using builtins::throw_wrong_kind;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool number_at(Context& ctx, CallArgs& call, uint32_t i, const char* name, double& out) {
  Value v = call.arg(i);
  if (v.is_number()) {
    out = v.to_double();
    return true;
  }
  std::string where = std::string("Math.") + name;
  return throw_wrong_kind(ctx, where, "argument", "a number", v);
}

// One-argument functions share one native body per libm function.
template <double (*F)(double)>
bool unary(Context& ctx, CallArgs& call, const char* name) {
  double x;
  if (!number_at(ctx, call, 0, name, x)) return false;
  call.result = Value::number(F(x));
  return true;
}

#define RAYA_MATH_UNARY(js_name, expr)                    \
  double js_name##_impl(double x) { return expr; }        \
  bool math_##js_name(Context& ctx, CallArgs& call) {     \
    return unary<js_name##_impl>(ctx, call, #js_name);    \
  }

double js_round(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  if (x > 0 && x < 0.5) return 0.0;
  if (x < 0 && x >= -0.5) return -0.0;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1;
  return r;
}

/// fdlibm's cbrt (what V8 uses): exact for perfect cubes, where glibc's
/// cbrt(27) is 3.0000000000000004.
double js_cbrt(double x) {
  constexpr uint32_t kB1 = 715094163;  // (1023 - 1023/3 - 0.03306235651) * 2^20
  constexpr uint32_t kB2 = 696219795;  // (1023 - 1023/3 - 54/3 - 0.03306235651) * 2^20
  constexpr double kP0 = 1.87595182427177009643, kP1 = -1.88497979543377169875, kP2 = 1.621429720105354466140,
                   kP3 = -0.758397934778766047437, kP4 = 0.145996192886612446982;
  uint64_t bits = std::bit_cast<uint64_t>(x);
  uint32_t high = uint32_t(bits >> 32), low = uint32_t(bits);
  uint32_t sign = high & 0x80000000u;
  high ^= sign;
  if (high >= 0x7ff00000u) return x + x;  // NaN and infinities are themselves
  double t;
  if (high < 0x00100000u) {  // zero or subnormal
    if ((high | low) == 0) return x;
    t = std::bit_cast<double>(uint64_t(0x43500000u) << 32) * x;  // x * 2^54
    uint32_t t_high = uint32_t(std::bit_cast<uint64_t>(t) >> 32) & 0x7fffffffu;
    t = std::bit_cast<double>(uint64_t(sign | (t_high / 3 + kB2)) << 32);
  } else {
    t = std::bit_cast<double>(uint64_t(sign | (high / 3 + kB1)) << 32);
  }
  // cbrt to 23 bits, rounded away from zero, then one Newton step.
  double r = (t * t) * (t / x);
  t = t * ((kP0 + r * (kP1 + r * kP2)) + ((r * r) * r) * (kP3 + r * kP4));
  t = std::bit_cast<double>((std::bit_cast<uint64_t>(t) + 0x80000000ull) & 0xffffffffc0000000ull);
  double s = t * t;
  r = x / s;
  double w = t + t;
  r = (r - t) / (w + r);
  return t + t * r;
}

double js_sign(double x) {
  if (x != x || x == 0) return x;
  return x > 0 ? 1.0 : -1.0;
}

RAYA_MATH_UNARY(abs, std::fabs(x))
RAYA_MATH_UNARY(floor, std::floor(x))
RAYA_MATH_UNARY(ceil, std::ceil(x))
RAYA_MATH_UNARY(round, js_round(x))
RAYA_MATH_UNARY(trunc, std::trunc(x))
RAYA_MATH_UNARY(sign, js_sign(x))
RAYA_MATH_UNARY(sqrt, std::sqrt(x))
RAYA_MATH_UNARY(cbrt, js_cbrt(x))
RAYA_MATH_UNARY(exp, std::exp(x))
RAYA_MATH_UNARY(expm1, std::expm1(x))
RAYA_MATH_UNARY(log, std::log(x))
RAYA_MATH_UNARY(log2, std::log2(x))
RAYA_MATH_UNARY(log10, std::log10(x))
RAYA_MATH_UNARY(log1p, std::log1p(x))
RAYA_MATH_UNARY(sin, std::sin(x))
RAYA_MATH_UNARY(cos, std::cos(x))
RAYA_MATH_UNARY(tan, std::tan(x))
RAYA_MATH_UNARY(asin, std::asin(x))
RAYA_MATH_UNARY(acos, std::acos(x))
RAYA_MATH_UNARY(atan, std::atan(x))
RAYA_MATH_UNARY(sinh, std::sinh(x))
RAYA_MATH_UNARY(cosh, std::cosh(x))
RAYA_MATH_UNARY(tanh, std::tanh(x))
RAYA_MATH_UNARY(asinh, std::asinh(x))
RAYA_MATH_UNARY(acosh, std::acosh(x))
RAYA_MATH_UNARY(atanh, std::atanh(x))
RAYA_MATH_UNARY(fround, double(static_cast<float>(x)))

#undef RAYA_MATH_UNARY

/// ECMAScript Number::exponentiate, which differs from C's pow for a NaN
/// exponent and for a base of ±1 with an infinite exponent.
double js_pow(double base, double exponent) {
  if (exponent != exponent) return kNaN;
  if (std::isinf(exponent) && std::fabs(base) == 1) return kNaN;
  return std::pow(base, exponent);
}

bool math_pow(Context& ctx, CallArgs& call) {
  double x, y;
  if (!number_at(ctx, call, 0, "pow", x) || !number_at(ctx, call, 1, "pow", y)) return false;
  call.result = Value::number(js_pow(x, y));
  return true;
}

bool math_atan2(Context& ctx, CallArgs& call) {
  double y, x;
  if (!number_at(ctx, call, 0, "atan2", y) || !number_at(ctx, call, 1, "atan2", x)) return false;
  call.result = Value::number(std::atan2(y, x));
  return true;
}

/// Math.max / Math.min: every argument is checked (a non-number anywhere is
/// a TypeError even after a NaN); NaN wins; +0 is larger than -0.
bool min_max(Context& ctx, CallArgs& call, bool is_max) {
  builtins::charge(ctx, call.count, builtins::kPerElement);  // Math.max(...hugeArray)
  double best = is_max ? -kInfinity : kInfinity;
  bool saw_nan = false;
  for (uint32_t i = 0; i < call.count; ++i) {
    double x;
    if (!number_at(ctx, call, i, is_max ? "max" : "min", x)) return false;
    if (x != x) {
      saw_nan = true;
      continue;
    }
    if (is_max) {
      if (x > best || (x == 0 && best == 0 && !std::signbit(x))) best = x;
    } else {
      if (x < best || (x == 0 && best == 0 && std::signbit(x))) best = x;
    }
  }
  call.result = Value::number(saw_nan ? kNaN : best);
  return true;
}

bool math_max(Context& ctx, CallArgs& call) { return min_max(ctx, call, true); }
bool math_min(Context& ctx, CallArgs& call) { return min_max(ctx, call, false); }

/// Math.hypot: Infinity beats NaN; scaled by the largest magnitude so that
/// squares neither overflow nor underflow.
bool math_hypot(Context& ctx, CallArgs& call) {
  builtins::charge(ctx, call.count, builtins::Price{2, 1});  // two passes
  std::vector<double> xs;
  xs.reserve(call.count);
  bool saw_inf = false, saw_nan = false;
  double largest = 0;
  for (uint32_t i = 0; i < call.count; ++i) {
    double x;
    if (!number_at(ctx, call, i, "hypot", x)) return false;
    if (std::isinf(x)) saw_inf = true;
    if (x != x) saw_nan = true;
    x = std::fabs(x);
    largest = std::max(largest, x);
    xs.push_back(x);
  }
  double result;
  if (saw_inf) {
    result = kInfinity;
  } else if (saw_nan) {
    result = kNaN;
  } else if (largest == 0) {
    result = 0;
  } else {
    // Kahan-compensated sum of the scaled squares.
    double sum = 0, compensation = 0;
    for (double x : xs) {
      double scaled = x / largest;
      double term = scaled * scaled - compensation;
      double next = sum + term;
      compensation = (next - sum) - term;
      sum = next;
    }
    result = std::sqrt(sum) * largest;
  }
  call.result = Value::number(result);
  return true;
}

bool math_random(Context& ctx, CallArgs& call) {
  // The top 53 bits as a fraction: uniform in [0, 1), never 1.
  uint64_t bits = ctx.next_random() >> 11;
  call.result = Value::from_double(double(bits) * 0x1.0p-53);
  return true;
}

bool math_clz32(Context& ctx, CallArgs& call) {
  double x;
  if (!number_at(ctx, call, 0, "clz32", x)) return false;
  call.result = Value::int32(std::countl_zero(to_uint32(x)));
  return true;
}

bool math_imul(Context& ctx, CallArgs& call) {
  double a, b;
  if (!number_at(ctx, call, 0, "imul", a) || !number_at(ctx, call, 1, "imul", b)) return false;
  uint32_t product = to_uint32(a) * to_uint32(b);
  call.result = Value::int32(static_cast<int32_t>(product));
  return true;
}

}  // namespace

void install_math(Context& ctx) {
  Rooted<Object*> math(ctx, ctx.new_plain_object());
  struct Constant {
    const char* name;
    double value;
  };
  for (const Constant& c : {Constant{"PI", 3.141592653589793}, Constant{"E", 2.718281828459045},
                            Constant{"LN2", 0.6931471805599453}, Constant{"LN10", 2.302585092994046},
                            Constant{"LOG2E", 1.4426950408889634}, Constant{"LOG10E", 0.4342944819032518},
                            Constant{"SQRT2", 1.4142135623730951}, Constant{"SQRT1_2", 0.7071067811865476}})
    builtins::define_constant(ctx, math, c.name, Value::from_double(c.value));

  struct Method {
    const char* name;
    NativeFn fn;
    uint16_t arity;
  };
  static const Method kMethods[] = {
      {"abs", math_abs, 1},     {"floor", math_floor, 1}, {"ceil", math_ceil, 1},   {"round", math_round, 1},
      {"trunc", math_trunc, 1}, {"sign", math_sign, 1},   {"sqrt", math_sqrt, 1},   {"cbrt", math_cbrt, 1},
      {"pow", math_pow, 2},     {"exp", math_exp, 1},     {"expm1", math_expm1, 1}, {"log", math_log, 1},
      {"log2", math_log2, 1},   {"log10", math_log10, 1}, {"log1p", math_log1p, 1}, {"sin", math_sin, 1},
      {"cos", math_cos, 1},     {"tan", math_tan, 1},     {"asin", math_asin, 1},   {"acos", math_acos, 1},
      {"atan", math_atan, 1},   {"atan2", math_atan2, 2}, {"sinh", math_sinh, 1},   {"cosh", math_cosh, 1},
      {"tanh", math_tanh, 1},   {"asinh", math_asinh, 1}, {"acosh", math_acosh, 1}, {"atanh", math_atanh, 1},
      {"hypot", math_hypot, 2}, {"min", math_min, 2},     {"max", math_max, 2},     {"random", math_random, 0},
      {"fround", math_fround, 1}, {"clz32", math_clz32, 1}, {"imul", math_imul, 2},
  };
  for (const Method& m : kMethods) ctx.define_native_method(math, m.name, m.fn, m.arity);
  ctx.define_builtin("Math", Value::object(math.get()));
}

}  // namespace raya::vm
