#include "vmcore/value/value.hpp"

#include <gtest/gtest.h>

#include <limits>

using raya::vm::Value;

TEST(Value, SmallIntegersStayIntegers) {
  Value v = Value::number(42);
  EXPECT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 42);
}

TEST(Value, NegativeZeroIsADouble) {
  Value v = Value::number(-0.0);
  EXPECT_TRUE(v.is_double());
  EXPECT_TRUE(std::signbit(v.as_double()));
}

TEST(Value, NaNIsCanonicalAndNotATag) {
  Value v = Value::from_double(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(v.is_double());
  EXPECT_FALSE(v.is_int());
  EXPECT_FALSE(v.is_object());
  Value x86_default = Value::raw_double(-std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(x86_default.is_double());
}

TEST(Value, SpecialsAreDistinct) {
  EXPECT_TRUE(Value::undefined().is_nullish());
  EXPECT_TRUE(Value::null().is_nullish());
  EXPECT_FALSE(Value::empty().is_nullish());
  EXPECT_NE(Value::boolean(true), Value::boolean(false));
  EXPECT_FALSE(Value::boolean(true).is_number());
}

TEST(Value, LargeIntegralDoublesStayDoubles) {
  Value v = Value::number(4294967296.0);
  EXPECT_TRUE(v.is_double());
  EXPECT_EQ(v.to_double(), 4294967296.0);
}
