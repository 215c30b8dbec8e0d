// Math: JavaScript results for the edge cases where C's libm or naive code
// differs, integral results on the int fast path, and TypeErrors for
// non-number arguments.
#include <cmath>

#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class MathBuiltin : public BuiltinTest {
 protected:
  Value math(std::string_view name, std::initializer_list<Value> args) { return invoke_static("Math", name, args); }
  double math_d(std::string_view name, std::initializer_list<Value> args) {
    Value v = math(name, args);
    EXPECT_TRUE(v.is_number());
    return v.to_double();
  }
};

TEST_F(MathBuiltin, ConstantsHaveTheirDoubleValues) {
  EXPECT_DOUBLE_EQ(get(builtin("Math"), "PI").to_double(), M_PI);
  EXPECT_DOUBLE_EQ(get(builtin("Math"), "E").to_double(), M_E);
  EXPECT_DOUBLE_EQ(get(builtin("Math"), "SQRT1_2").to_double(), M_SQRT1_2);
  EXPECT_DOUBLE_EQ(get(builtin("Math"), "LOG10E").to_double(), M_LOG10E);
}

TEST_F(MathBuiltin, ConstantsAndMethodsAreNotEnumerable) {
  EXPECT_TRUE(ctx.own_enumerable_keys(as_object(builtin("Math"))).empty());
}

TEST_F(MathBuiltin, IntegralResultsStayInts) {
  Value v = math("floor", {num(2.7)});
  EXPECT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 2);
  EXPECT_TRUE(math("abs", {num(-5)}).is_int());
  EXPECT_TRUE(math("pow", {num(2), num(10)}).is_int());
  EXPECT_EQ(math("pow", {num(2), num(10)}).as_int(), 1024);
}

TEST_F(MathBuiltin, RoundRoundsHalvesTowardsPositiveInfinity) {
  EXPECT_EQ(math_d("round", {num(2.5)}), 3);
  EXPECT_EQ(math_d("round", {num(-2.5)}), -2);
  EXPECT_EQ(math_d("round", {num(-2.6)}), -3);
  EXPECT_EQ(math_d("round", {num(0.49999999999999994)}), 0);
  double minus_zero = math_d("round", {num(-0.4)});
  EXPECT_EQ(minus_zero, 0);
  EXPECT_TRUE(std::signbit(minus_zero));
  EXPECT_TRUE(std::isnan(math_d("round", {nan()})));
}

TEST_F(MathBuiltin, SignKeepsZeroesAndNaN) {
  EXPECT_EQ(math_d("sign", {num(-3)}), -1);
  EXPECT_EQ(math_d("sign", {num(7.5)}), 1);
  EXPECT_TRUE(std::signbit(math_d("sign", {num(-0.0)})));
  EXPECT_TRUE(std::isnan(math_d("sign", {nan()})));
}

TEST_F(MathBuiltin, PowFollowsEcmaScriptNotC) {
  EXPECT_TRUE(std::isnan(math_d("pow", {num(1), inf()})));
  EXPECT_TRUE(std::isnan(math_d("pow", {num(1), nan()})));
  EXPECT_EQ(math_d("pow", {nan(), num(0)}), 1);
  EXPECT_EQ(math_d("pow", {num(4), num(0.5)}), 2);
}

TEST_F(MathBuiltin, MaxAndMinHandleNoArgumentsNaNAndSignedZero) {
  EXPECT_EQ(math_d("max", {}), -INFINITY);
  EXPECT_EQ(math_d("min", {}), INFINITY);
  EXPECT_EQ(math_d("max", {num(1), num(5), num(3)}), 5);
  EXPECT_EQ(math_d("min", {num(1), num(-5), num(3)}), -5);
  EXPECT_TRUE(std::isnan(math_d("max", {num(1), nan(), num(3)})));
  EXPECT_FALSE(std::signbit(math_d("max", {num(-0.0), num(0)})));
  EXPECT_TRUE(std::signbit(math_d("min", {num(0), num(-0.0)})));
}

TEST_F(MathBuiltin, HypotPrefersInfinityOverNaNAndAvoidsOverflow) {
  EXPECT_EQ(math_d("hypot", {num(3), num(4)}), 5);
  EXPECT_EQ(math_d("hypot", {}), 0);
  EXPECT_EQ(math_d("hypot", {nan(), inf()}), INFINITY);
  EXPECT_TRUE(std::isnan(math_d("hypot", {nan(), num(1)})));
  EXPECT_DOUBLE_EQ(math_d("hypot", {num(1e200), num(1e200)}), 1e200 * std::sqrt(2.0));
}

TEST_F(MathBuiltin, BitHelpersWorkOn32BitIntegers) {
  EXPECT_EQ(math_d("clz32", {num(1)}), 31);
  EXPECT_EQ(math_d("clz32", {num(0)}), 32);
  EXPECT_EQ(math_d("clz32", {num(-1)}), 0);
  EXPECT_EQ(math_d("imul", {num(0xffffffff), num(5)}), -5);
  EXPECT_EQ(math_d("imul", {num(3), num(4)}), 12);
  EXPECT_EQ(math_d("fround", {num(5.5)}), 5.5);
  EXPECT_EQ(math_d("fround", {num(5.05)}), double(5.05f));
}

TEST_F(MathBuiltin, TranscendentalFunctionsMatchLibm) {
  EXPECT_DOUBLE_EQ(math_d("sin", {num(1)}), std::sin(1.0));
  EXPECT_DOUBLE_EQ(math_d("atan2", {num(1), num(2)}), std::atan2(1.0, 2.0));
  EXPECT_DOUBLE_EQ(math_d("log1p", {num(1e-10)}), std::log1p(1e-10));
  EXPECT_EQ(math_d("cbrt", {num(27)}), 3);
  EXPECT_TRUE(std::isnan(math_d("sqrt", {num(-1)})));
  EXPECT_EQ(math_d("log", {num(0)}), -INFINITY);
}

TEST_F(MathBuiltin, RandomIsInUnitIntervalAndReplaysPerSeed) {
  std::vector<double> first;
  for (int i = 0; i < 100; ++i) {
    double r = math_d("random", {});
    EXPECT_GE(r, 0);
    EXPECT_LT(r, 1);
    first.push_back(r);
  }
  Context other;  // same default seed
  Value random;
  Value math_obj;
  ASSERT_TRUE(other.lookup_builtin("Math", math_obj));
  other.lookup_property(as_object(math_obj), other.intern_ascii("random"), random);
  for (int i = 0; i < 100; ++i) {
    CallArgs args{Value::undefined(), nullptr, 0};
    ASSERT_TRUE(as_native(random)->fn_(other, args));
    EXPECT_EQ(args.result.to_double(), first[i]);
  }
}

TEST_F(MathBuiltin, NonNumberArgumentIsTypeError) {
  EXPECT_EQ(static_error("Math", "floor", {str("3")}),
            "TypeError: Math.floor: argument must be a number, got string \"3\"");
  EXPECT_EQ(static_error("Math", "abs", {}), "TypeError: Math.abs: argument must be a number, got undefined");
  EXPECT_EQ(static_error("Math", "max", {num(1), null()}),
            "TypeError: Math.max: argument must be a number, got null");
  EXPECT_EQ(static_error("Math", "pow", {num(2), boolean(true)}),
            "TypeError: Math.pow: argument must be a number, got true");
  // A NaN before a bad argument does not hide the error.
  EXPECT_NE(static_error("Math", "min", {nan(), str("x")}), "");
}

}  // namespace
}  // namespace raya::vm::testing
