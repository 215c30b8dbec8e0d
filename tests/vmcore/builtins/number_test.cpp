// Number, String(x), Boolean(x), the numeric globals and the methods of
// numbers and booleans: explicit conversions convert, nothing else coerces.
#include <cmath>

#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class BuiltinNumber : public BuiltinTest {
 protected:
  double number_of(Value v) {
    Value r = call_fn(builtin("Number"), {v});
    EXPECT_TRUE(r.is_number());
    return r.to_double();
  }
  std::string string_of(std::initializer_list<Value> args) { return utf8(call_fn(builtin("String"), args)); }
};

TEST_F(BuiltinNumber, NumberConvertsStringsBooleansAndNullish) {
  EXPECT_EQ(number_of(str("42")), 42);
  EXPECT_EQ(number_of(str("  -1.5e3 \n")), -1500);
  EXPECT_EQ(number_of(str("0x1F")), 31);
  EXPECT_EQ(number_of(str("")), 0);
  EXPECT_TRUE(std::isnan(number_of(str("12px"))));
  EXPECT_EQ(number_of(boolean(true)), 1);
  EXPECT_EQ(number_of(boolean(false)), 0);
  EXPECT_EQ(number_of(null()), 0);
  EXPECT_TRUE(std::isnan(number_of(undef())));
  EXPECT_EQ(number_of(num(7.25)), 7.25);
  EXPECT_EQ(call_fn(builtin("Number"), {}).to_double(), 0);
}

TEST_F(BuiltinNumber, NumberOfAnObjectIsTypeError) {
  EXPECT_EQ(call_error(builtin("Number"), undef(), {arr({num(1)})}),
            "TypeError: Number: cannot convert an array to a number");
  EXPECT_NE(call_error(builtin("Number"), undef(), {obj({})}), "");
}

TEST_F(BuiltinNumber, NewOnPrimitiveWrappersIsTypeError) {
  Value fresh = obj({});  // what `new` would pass as `this`
  EXPECT_NE(call_error(builtin("Number"), fresh, {num(1)}).find("primitive wrapper objects are not supported"),
            std::string::npos);
  EXPECT_NE(call_error(builtin("String"), fresh, {str("x")}), "");
  EXPECT_NE(call_error(builtin("Boolean"), fresh, {boolean(true)}), "");
}

TEST_F(BuiltinNumber, StringConvertsAnyValue) {
  EXPECT_EQ(string_of({num(42)}), "42");
  EXPECT_EQ(string_of({num(0.1)}), "0.1");
  EXPECT_EQ(string_of({num(1e21)}), "1e+21");
  EXPECT_EQ(string_of({null()}), "null");
  EXPECT_EQ(string_of({undef()}), "undefined");
  EXPECT_EQ(string_of({boolean(true)}), "true");
  EXPECT_EQ(string_of({arr({num(1), null(), str("a")})}), "1,,a");
  EXPECT_EQ(string_of({obj({})}), "[object Object]");
  EXPECT_EQ(string_of({}), "");
}

TEST_F(BuiltinNumber, BooleanIsTruthiness) {
  Value boolean_class = builtin("Boolean");
  EXPECT_TRUE(call_fn(boolean_class, {str("x")}).is_true());
  EXPECT_FALSE(call_fn(boolean_class, {str("")}).is_true());
  EXPECT_FALSE(call_fn(boolean_class, {nan()}).is_true());
  EXPECT_FALSE(call_fn(boolean_class, {}).is_true());
  EXPECT_TRUE(call_fn(boolean_class, {obj({})}).is_true());
}

TEST_F(BuiltinNumber, PredicatesAnswerFalseForNonNumbers) {
  EXPECT_TRUE(invoke_static("Number", "isInteger", {num(5)}).is_true());
  EXPECT_TRUE(invoke_static("Number", "isInteger", {num(5.0)}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isInteger", {num(5.5)}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isInteger", {str("5")}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isInteger", {inf()}).is_true());
  EXPECT_TRUE(invoke_static("Number", "isSafeInteger", {num(9007199254740991.0)}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isSafeInteger", {num(9007199254740992.0)}).is_true());
  EXPECT_TRUE(invoke_static("Number", "isNaN", {nan()}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isNaN", {str("abc")}).is_true());
  EXPECT_TRUE(invoke_static("Number", "isFinite", {num(1)}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isFinite", {inf()}).is_true());
  EXPECT_FALSE(invoke_static("Number", "isFinite", {str("1")}).is_true());
}

TEST_F(BuiltinNumber, ConstantsAreDefined) {
  Value number = builtin("Number");
  EXPECT_EQ(get(number, "MAX_SAFE_INTEGER").to_double(), 9007199254740991.0);
  EXPECT_EQ(get(number, "MIN_SAFE_INTEGER").to_double(), -9007199254740991.0);
  EXPECT_EQ(get(number, "EPSILON").to_double(), std::pow(2.0, -52));
  EXPECT_EQ(get(number, "MIN_VALUE").to_double(), 5e-324);
  EXPECT_EQ(get(number, "NEGATIVE_INFINITY").to_double(), -INFINITY);
  EXPECT_TRUE(std::isnan(get(number, "NaN").to_double()));
  EXPECT_TRUE(std::isnan(builtin("NaN").to_double()));
  EXPECT_EQ(builtin("Infinity").to_double(), INFINITY);
}

TEST_F(BuiltinNumber, ParseIntAndParseFloatReadPrefixes) {
  EXPECT_EQ(call_fn(builtin("parseInt"), {str("42px")}).to_double(), 42);
  EXPECT_EQ(call_fn(builtin("parseInt"), {str("ff"), num(16)}).to_double(), 255);
  EXPECT_EQ(call_fn(builtin("parseInt"), {str("0x10")}).to_double(), 16);
  EXPECT_TRUE(std::isnan(call_fn(builtin("parseInt"), {str("px")}).to_double()));
  EXPECT_EQ(call_fn(builtin("parseFloat"), {str("3.14abc")}).to_double(), 3.14);
  EXPECT_EQ(get(builtin("Number"), "parseInt"), builtin("parseInt"));
}

TEST_F(BuiltinNumber, ParseIntOfANonStringIsTypeError) {
  EXPECT_EQ(call_error(builtin("parseInt"), undef(), {num(15.99)}),
            "TypeError: parseInt: argument must be a string, got number 15.99");
  EXPECT_NE(call_error(builtin("parseInt"), undef(), {str("1"), str("16")}), "");
  EXPECT_NE(call_error(builtin("parseFloat"), undef(), {null()}), "");
}

TEST_F(BuiltinNumber, GlobalIsNaNWantsANumber) {
  EXPECT_TRUE(call_fn(builtin("isNaN"), {nan()}).is_true());
  EXPECT_FALSE(call_fn(builtin("isFinite"), {nan()}).is_true());
  EXPECT_EQ(call_error(builtin("isNaN"), undef(), {str("abc")}),
            "TypeError: isNaN: argument must be a number, got string \"abc\"");
  EXPECT_NE(call_error(builtin("isFinite"), undef(), {str("1")}), "");
}

TEST_F(BuiltinNumber, ToFixedRoundsLikeJavaScript) {
  EXPECT_EQ(utf8(invoke(num(1.005), "toFixed", {num(2)})), "1.00");
  EXPECT_EQ(utf8(invoke(num(3.14159), "toFixed", {num(2)})), "3.14");
  EXPECT_EQ(utf8(invoke(num(0.5), "toFixed", {})), "1");
  EXPECT_EQ(utf8(invoke(num(-1.5), "toFixed", {num(0)})), "-2");
  EXPECT_EQ(utf8(invoke(num(1e21), "toFixed", {num(2)})), "1e+21");
  EXPECT_EQ(utf8(invoke(nan(), "toFixed", {num(2)})), "NaN");
}

TEST_F(BuiltinNumber, ToFixedDigitsOutOfRangeIsRangeError) {
  EXPECT_EQ(invoke_error(num(1), "toFixed", {num(101)}),
            "RangeError: toFixed() digits argument must be between 0 and 100");
  EXPECT_NE(invoke_error(num(1), "toFixed", {num(-1)}).find("RangeError"), std::string::npos);
  EXPECT_NE(invoke_error(num(1), "toFixed", {str("2")}).find("TypeError"), std::string::npos);
}

TEST_F(BuiltinNumber, ToStringTakesARadix) {
  EXPECT_EQ(utf8(invoke(num(255), "toString", {num(16)})), "ff");
  EXPECT_EQ(utf8(invoke(num(255), "toString", {num(2)})), "11111111");
  EXPECT_EQ(utf8(invoke(num(-255), "toString", {num(36)})), "-73");
  EXPECT_EQ(utf8(invoke(num(0.5), "toString", {num(2)})), "0.1");
  EXPECT_EQ(utf8(invoke(num(12.5), "toString", {})), "12.5");
  EXPECT_EQ(invoke_error(num(1), "toString", {num(1)}), "RangeError: toString() radix must be between 2 and 36");
  EXPECT_EQ(invoke_error(num(1), "toString", {num(37)}), "RangeError: toString() radix must be between 2 and 36");
}

TEST_F(BuiltinNumber, ToPrecisionFormatsSignificantDigits) {
  EXPECT_EQ(utf8(invoke(num(123.456), "toPrecision", {num(4)})), "123.5");
  EXPECT_EQ(utf8(invoke(num(0.000123), "toPrecision", {num(2)})), "0.00012");
  EXPECT_EQ(utf8(invoke(num(123456), "toPrecision", {num(2)})), "1.2e+5");
  EXPECT_EQ(utf8(invoke(num(1.5), "toPrecision", {})), "1.5");
  EXPECT_EQ(utf8(invoke(inf(), "toPrecision", {num(0)})), "Infinity");
  EXPECT_NE(invoke_error(num(1), "toPrecision", {num(0)}).find("RangeError"), std::string::npos);
}

TEST_F(BuiltinNumber, NumberMethodsOnANonNumberAreTypeErrors) {
  Value to_fixed = get(num(1), "toFixed");
  EXPECT_EQ(call_error(to_fixed, str("1"), {}),
            "TypeError: Number.prototype.toFixed: 'this' must be a number, got string \"1\"");
}

TEST_F(BuiltinNumber, BooleansHaveToString) {
  EXPECT_EQ(utf8(invoke(boolean(true), "toString", {})), "true");
  EXPECT_TRUE(invoke(boolean(true), "valueOf", {}).is_true());
}

TEST_F(BuiltinNumber, ClassesUseTheCorePrototypes) {
  EXPECT_EQ(as_class(builtin("Number"))->prototype_, ctx.number_prototype());
  EXPECT_EQ(as_class(builtin("String"))->prototype_, ctx.string_prototype());
  EXPECT_EQ(get(num(1), "constructor"), builtin("Number"));
}

}  // namespace
}  // namespace raya::vm::testing
