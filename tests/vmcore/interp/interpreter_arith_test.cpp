// The dispatch loop on hand-assembled modules: arithmetic, strings, wrong-kind
// TypeErrors, comparisons and jumps (see interpreter_test.cpp for the rest).
#include "tests/vmcore/interp/interpreter_test_support.hpp"

namespace raya::vm {
namespace {

using namespace interp_test;  // NOLINT: test helpers

// --- arithmetic -------------------------------------------------------------------

//   constants: k0 40, k1 2
//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Add     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, AddOfTwoSmallIntegersStaysAnInteger) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Add, num(40), num(2)));
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 42);
}

//   constants: k0 2147483647, k1 1
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Add     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, AddPastInt32MaxBecomesADouble) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Add, num(2147483647), num(1)));
  EXPECT_FALSE(v.is_int());
  ASSERT_TRUE(v.is_double());
  EXPECT_EQ(v.as_double(), 2147483648.0);
}

//   constants: k0 -2147483648, k1 1
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Sub     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, SubPastInt32MinBecomesADouble) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Sub, num(-2147483648.0), num(1)));
  ASSERT_TRUE(v.is_double());
  EXPECT_EQ(v.as_double(), -2147483649.0);
}

//   constants: k0 65536, k1 65536
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mul     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, MulOverflowingInt32BecomesAnExactDouble) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mul, num(65536), num(65536)));
  ASSERT_TRUE(v.is_double());
  EXPECT_EQ(v.as_double(), 4294967296.0);
}

//   constants: k0 2147483647
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK   r1, k0
//     1  AddI    r2, r1, #1
//     2  Return  r2
TEST(Interpreter, AddImmediatePastInt32MaxBecomesADouble) {
  ModuleBuilder b;
  const uint16_t k = b.number(2147483647);
  b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k).op(Opcode::AddI, 2, 1, 1).op(Opcode::Return, 2);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_double());
  EXPECT_EQ(v.as_double(), 2147483648.0);
}

//   constants: k0 0, k1 -1
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mul     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, ZeroTimesMinusOneIsNegativeZero) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mul, num(0), num(-1)));
  EXPECT_TRUE(is_negative_zero(v)) << "bits " << std::hex << v.bits();
}

//   constants: k0 0, k1 5
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mul     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, ZeroTimesAPositiveIntegerIsIntegerZero) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mul, num(0), num(5)));
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 0);
}

//   constants: k0 -4, k1 2
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mod     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, MinusFourModTwoIsNegativeZero) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mod, num(-4), num(2)));
  EXPECT_TRUE(is_negative_zero(v)) << "bits " << std::hex << v.bits();
}

//   constants: k0 -7, k1 3
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mod     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, ModTakesTheSignOfTheDividend) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mod, num(-7), num(3)));
  ASSERT_TRUE(v.is_number());
  EXPECT_EQ(v.to_double(), -1.0);
  Context ctx2;
  Value w = result_of(ctx2, binary_op_module(Opcode::Mod, num(7), num(3)));
  ASSERT_TRUE(w.is_int());
  EXPECT_EQ(w.as_int(), 1);
}

//   constants: k0 1, k1 0
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mod     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, ModByZeroIsNaN) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Mod, num(1), num(0)));
  ASSERT_TRUE(v.is_double());
  EXPECT_TRUE(std::isnan(v.as_double()));
}

//   constants: k0 7, k1 2   (then k0 6, k1 3)
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Div     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, DivIsFloatingPointDivision) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Div, num(7), num(2)));
  ASSERT_TRUE(v.is_double());
  EXPECT_EQ(v.as_double(), 3.5);
  Context ctx2;
  Value w = result_of(ctx2, binary_op_module(Opcode::Div, num(6), num(3)));
  ASSERT_TRUE(w.is_number());
  EXPECT_EQ(w.to_double(), 2.0);
  Context ctx3;
  Value inf = result_of(ctx3, binary_op_module(Opcode::Div, num(1), num(0)));
  ASSERT_TRUE(inf.is_double());
  EXPECT_EQ(inf.as_double(), std::numeric_limits<double>::infinity());
}

//   constants: k0 0   (then k0 -2147483648)
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK   r1, k0
//     1  Neg     r2, r1
//     2  Return  r2
TEST(Interpreter, NegOfZeroIsNegativeZeroAndNegOfInt32MinIsADouble) {
  for (double x : {0.0, -2147483648.0}) {
    ModuleBuilder b;
    const uint16_t k = b.number(x);
    b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k).op(Opcode::Neg, 2, 1).op(Opcode::Return, 2);
    Context ctx;
    Value v = result_of(ctx, b.build());
    if (x == 0) {
      EXPECT_TRUE(is_negative_zero(v));
    } else {
      ASSERT_TRUE(v.is_double());
      EXPECT_EQ(v.as_double(), 2147483648.0);
    }
  }
}

//   constants: k0 -1, k1 28
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  UShr    r3, r1, r2
//     3  Return  r3
TEST(Interpreter, BitwiseOperatorsWorkOnInt32AndUShrIsUnsigned) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::UShr, num(-1), num(28)));
  ASSERT_TRUE(v.is_number());
  EXPECT_EQ(v.to_double(), 15.0);
  Context ctx2;
  Value w = result_of(ctx2, binary_op_module(Opcode::Shl, num(1), num(31)));
  ASSERT_TRUE(w.is_int());
  EXPECT_EQ(w.as_int(), std::numeric_limits<int32_t>::min());
  Context ctx3;
  Value x = result_of(ctx3, binary_op_module(Opcode::BitAnd, num(4294967295.0 + 8), num(12)));
  ASSERT_TRUE(x.is_int());
  EXPECT_EQ(x.as_int(), 4);  // ToInt32(2^32 + 7) = 7
}

//   constants: k0 2, k1 10
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Pow     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, PowRaisesToAPower) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Pow, num(2), num(10)));
  ASSERT_TRUE(v.is_number());
  EXPECT_EQ(v.to_double(), 1024.0);
}

//   constants: k0 x, k1 y
//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadK    r1, k0
//     1  <opK>    r3, r1, k1          (the constant-operand form)
//     2  Return   r3
// compared with binary_op_module's LoadK r2, k1 + <op> r3, r1, r2.
Value constant_op_result(Context& ctx, Opcode op_k, Constant x, Constant y) {
  ModuleBuilder b;
  Module& m = b.module();
  m.constants.push_back(std::move(x));
  m.constants.push_back(std::move(y));
  b.function("main", 0, 4, kFunctionIsModuleInit).op(Opcode::LoadK, 1, 0).op(op_k, 3, 1, 1).op(Opcode::Return, 3);
  return result_of(ctx, b.build());
}

TEST(Interpreter, ConstantOperandArithmeticGivesBitForBitTheSameResultsAsTheRegisterForms) {
  const std::pair<Opcode, Opcode> pairs[] = {
      {Opcode::Add, Opcode::AddK},       {Opcode::Sub, Opcode::SubK},       {Opcode::Mul, Opcode::MulK},
      {Opcode::Div, Opcode::DivK},       {Opcode::Mod, Opcode::ModK},       {Opcode::BitAnd, Opcode::BitAndK},
      {Opcode::BitOr, Opcode::BitOrK},   {Opcode::BitXor, Opcode::BitXorK}, {Opcode::Shl, Opcode::ShlK},
      {Opcode::Shr, Opcode::ShrK},       {Opcode::UShr, Opcode::UShrK},
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::pair<double, double> operands[] = {
      {40, 2},  {2147483647, 1}, {-2147483648.0, 1}, {65536, 65536}, {0, -1},  {-4, 2},
      {-7, 3},  {7, 0},          {1.5, 0.25},        {-1, 28},       {nan, 1}, {-0.0, 5},
  };
  for (auto [op, op_k] : pairs) {
    for (auto [x, y] : operands) {
      SCOPED_TRACE(std::string(opcode_info(op_k).name) + " " + std::to_string(x) + " " + std::to_string(y));
      Context a, b;
      Value with_register = result_of(a, binary_op_module(op, num(x), num(y)));
      Value with_constant = constant_op_result(b, op_k, num(x), num(y));
      if (with_register.is_double() && std::isnan(with_register.as_double())) {
        EXPECT_TRUE(with_constant.is_double() && std::isnan(with_constant.as_double()));
      } else {
        EXPECT_EQ(with_constant.bits(), with_register.bits());
      }
    }
  }
}

//   constants: k0 "5", k1 2
//     0  LoadK   r1, k0
//     1  MulK    r3, r1, k1
//     2  Return  r3
TEST(Interpreter, ConstantOperandArithmeticOnAStringThrowsTypeError) {
  for (Opcode op_k : {Opcode::SubK, Opcode::MulK, Opcode::DivK, Opcode::ModK, Opcode::BitAndK, Opcode::ShlK}) {
    SCOPED_TRACE(std::string(opcode_info(op_k).name));
    ModuleBuilder b;
    const uint16_t k5 = b.string(u"5"), k2 = b.number(2);
    b.function("main", 0, 4, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k5).op(op_k, 3, 1, k2).op(Opcode::Return, 3);
    Context ctx;
    EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
  }
}

//   constants: k0 "n=", k1 42
//     0  LoadK   r1, k0
//     1  AddK    r3, r1, k1
//     2  Return  r3
TEST(Interpreter, AddWithAConstantOperandConcatenatesStrings) {
  Context ctx;
  EXPECT_EQ(utf8_of(constant_op_result(ctx, Opcode::AddK, str(u"n="), num(42))), "n=42");
  Context ctx2;
  EXPECT_EQ(utf8_of(constant_op_result(ctx2, Opcode::AddK, num(1), str(u"st"))), "1st");
}

//   constants: k0 "x"
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK   r1, k0
//     1  AddI    r2, r1, #1
//     2  Return  r2
TEST(Interpreter, AddImmediateConcatenatesWithAString) {
  ModuleBuilder b;
  const uint16_t k = b.string(u"x");
  b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k).op(Opcode::AddI, 2, 1, 1).op(Opcode::Return, 2);
  Context ctx;
  EXPECT_EQ(utf8_of(result_of(ctx, b.build())), "x1");
}

//   constants: k0 "x"   (then k0 2147483647, then k0 -2147483648 with #-1)
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK   r1, k0
//     1  Inc     r2, r1, #1
//     2  Return  r2
TEST(Interpreter, IncrementIsNumericOnlyAndOverflowsToADouble) {
  {
    ModuleBuilder b;
    const uint16_t k = b.string(u"x");
    b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k).op(Opcode::Inc, 2, 1, 1).op(Opcode::Return, 2);
    Context ctx;
    EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
  }
  for (auto [x, step, expected] : {std::tuple{2147483647.0, 1, 2147483648.0}, std::tuple{-2147483648.0, -1, -2147483649.0},
                                   std::tuple{1.5, 1, 2.5}}) {
    ModuleBuilder b;
    const uint16_t k = b.number(x);
    b.function("main", 0, 3, kFunctionIsModuleInit)
        .op(Opcode::LoadK, 1, k)
        .op(Opcode::Inc, 2, 1, imm(step))
        .op(Opcode::Return, 2);
    Context ctx;
    Value v = result_of(ctx, b.build());
    ASSERT_TRUE(v.is_number());
    EXPECT_EQ(v.to_double(), expected);
  }
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadNull r1
//     1  Inc      r2, r1, #1
//     2  Return   r2
TEST(Interpreter, IncrementOfNullThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadNull, 1).op(Opcode::Inc, 2, 1, 1).op(Opcode::Return, 2);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

// --- strings ---------------------------------------------------------------------

//   constants: k0 "foo", k1 "bär"
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Add     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, AddConcatenatesTwoStrings) {
  Context ctx;
  Value v = result_of(ctx, binary_op_module(Opcode::Add, str(u"foo"), str(u"b\u00e4r")));
  ASSERT_TRUE(is_string(v));
  EXPECT_EQ(as_string(v)->view(), u"foob\u00e4r");
}

//   constants: k0 "n=", k1 42   (then k0 2.5, k1 "!")
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Add     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, AddConvertsTheOtherSideWhenOneSideIsAString) {
  Context ctx;
  EXPECT_EQ(utf8_of(result_of(ctx, binary_op_module(Opcode::Add, str(u"n="), num(42)))), "n=42");
  Context ctx2;
  EXPECT_EQ(utf8_of(result_of(ctx2, binary_op_module(Opcode::Add, num(2.5), str(u"!")))), "2.5!");
}

//   constants: k0 "", k1 "x"
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Add     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, AddWithAnEmptyStringGivesTheOtherString) {
  Context ctx;
  EXPECT_EQ(utf8_of(result_of(ctx, binary_op_module(Opcode::Add, str(u""), str(u"x")))), "x");
}

// --- TypeErrors on wrong-kind operands -------------------------------------------------

//   constants: k0 "5", k1 2
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  Mul     r3, r1, r2
//     3  Return  r3
TEST(Interpreter, MulOnAStringThrowsTypeError) {
  Context ctx;
  Error e = error_of(ctx, binary_op_module(Opcode::Mul, str(u"5"), num(2)));
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_EQ(e.message, "Cannot apply '*' to string \"5\" and number 2");
  EXPECT_NE(e.stack.find("at main (main.raya:1:"), std::string::npos) << e.stack;
}

//   for each op: constants k0 "5", k1 2
//     0  LoadK   r1, k0
//     1  LoadK   r2, k1
//     2  <op>    r3, r1, r2
//     3  Return  r3
TEST(Interpreter, EveryArithmeticOperatorOtherThanAddThrowsTypeErrorOnAString) {
  for (Opcode op : {Opcode::Sub, Opcode::Mul, Opcode::Div, Opcode::Mod, Opcode::Pow, Opcode::BitAnd, Opcode::BitOr,
                    Opcode::BitXor, Opcode::Shl, Opcode::Shr, Opcode::UShr, Opcode::Lt, Opcode::Le}) {
    SCOPED_TRACE(std::string(opcode_info(op).name));
    Context ctx;
    Error e = error_of(ctx, binary_op_module(op, str(u"5"), num(2)));
    EXPECT_EQ(e.name, "TypeError");
  }
}

//   constants: k0 "5"
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK   r1, k0
//     1  <op>    r2, r1          (Neg, Plus, BitNot)
//     2  Return  r2
TEST(Interpreter, UnaryArithmeticOnAStringThrowsTypeError) {
  for (Opcode op : {Opcode::Neg, Opcode::Plus, Opcode::BitNot}) {
    SCOPED_TRACE(std::string(opcode_info(op).name));
    ModuleBuilder b;
    const uint16_t k = b.string(u"5");
    b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadK, 1, k).op(op, 2, 1).op(Opcode::Return, 2);
    Context ctx;
    Error e = error_of(ctx, b.build());
    EXPECT_EQ(e.name, "TypeError");
  }
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadNull   r1
//     1  LoadInt    r2, #1
//     2  Add        r3, r1, r2
//     3  Return     r3
TEST(Interpreter, AddOfNullAndANumberThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadNull, 1)
      .op(Opcode::LoadInt, 2, 1)
      .op(Opcode::Add, 3, 1, 2)
      .op(Opcode::Return, 3);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_EQ(e.message, "Cannot apply '+' to null and number 1");
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  NewObject  r1
//     1  LoadInt    r2, #3
//     2  JLt        r1, r2, ->4
//     3  ReturnUndef
//     4  ReturnUndef
TEST(Interpreter, ComparisonJumpOnAnObjectThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::NewObject, 1)
      .op(Opcode::LoadInt, 2, 3)
      .jump16(Opcode::JLt, 1, 2, 4)
      .op(Opcode::ReturnUndef)
      .op(Opcode::ReturnUndef);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("Cannot compare"), std::string::npos) << e.message;
}

// --- comparisons and jumps -----------------------------------------------------------------

//   constants: k0 x, k1 y
//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadK      r1, k0
//     1  LoadK      r2, k1
//     2  <jump>     r1, r2, ->5
//     3  LoadFalse  r3
//     4  Return     r3
//     5  LoadTrue   r3
//     6  Return     r3
bool jump_taken(Opcode op, Constant x, Constant y) {
  ModuleBuilder b;
  Module& m = b.module();
  m.constants.push_back(std::move(x));
  m.constants.push_back(std::move(y));
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadK, 1, 0)
      .op(Opcode::LoadK, 2, 1)
      .jump16(op, 1, 2, 5)
      .op(Opcode::LoadFalse, 3)
      .op(Opcode::Return, 3)
      .op(Opcode::LoadTrue, 3)
      .op(Opcode::Return, 3);
  Context ctx;
  Value v = result_of(ctx, b.build());
  EXPECT_TRUE(v.is_bool());
  return v.is_true();
}

TEST(Interpreter, ComparisonJumpsFollowNumberOrdering) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    Opcode op;
    double x, y;
    bool taken;
  };
  const Case cases[] = {
      {Opcode::JLt, 1, 2, true},     {Opcode::JLt, 2, 2, false},   {Opcode::JLt, -1.5, -1, true},
      {Opcode::JLe, 2, 2, true},     {Opcode::JLe, 3, 2, false},   {Opcode::JNLt, 2, 2, true},
      {Opcode::JNLt, 1, 2, false},   {Opcode::JNLe, 3, 2, true},   {Opcode::JNLe, 2, 2, false},
      {Opcode::JLt, nan, 1, false},  {Opcode::JLe, 1, nan, false}, {Opcode::JNLt, nan, 1, true},
      {Opcode::JNLe, 1, nan, true},  {Opcode::JEq, 1, 1.0, true},  {Opcode::JEq, 0, -0.0, true},
      {Opcode::JEq, nan, nan, false}, {Opcode::JNe, nan, nan, true}, {Opcode::JNe, 3, 3, false},
      {Opcode::JLt, 2147483647, 2147483648.0, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(opcode_info(c.op).name) + " " + std::to_string(c.x) + " " + std::to_string(c.y));
    EXPECT_EQ(jump_taken(c.op, num(c.x), num(c.y)), c.taken);
  }
}

TEST(Interpreter, ComparisonJumpsOrderStringsByCodeUnits) {
  EXPECT_TRUE(jump_taken(Opcode::JLt, str(u"apple"), str(u"banana")));
  EXPECT_FALSE(jump_taken(Opcode::JLt, str(u"b"), str(u"a")));
  EXPECT_TRUE(jump_taken(Opcode::JLt, str(u"Z"), str(u"a")));   // 'Z' (0x5A) < 'a' (0x61)
  EXPECT_TRUE(jump_taken(Opcode::JLe, str(u"ab"), str(u"ab")));
  EXPECT_TRUE(jump_taken(Opcode::JLt, str(u"ab"), str(u"abc")));  // a prefix is smaller
  EXPECT_TRUE(jump_taken(Opcode::JEq, str(u"same"), str(u"same")));
  EXPECT_TRUE(jump_taken(Opcode::JNe, str(u"1"), num(1)));  // strict: no coercion
}

//   constants: k0 "ab", k1 "a", k2 "b"
//   function f0 <main> [module-init]  params 0, registers 5
//     0  LoadK      r1, k1
//     1  LoadK      r2, k2
//     2  Add        r3, r1, r2       (a new string, not the constant)
//     3  LoadK      r4, k0
//     4  Eq         r1, r3, r4
//     5  Return     r1
TEST(Interpreter, EqComparesStringsByContentNotIdentity) {
  ModuleBuilder b;
  const uint16_t kab = b.string(u"ab"), ka = b.string(u"a"), kb = b.string(u"b");
  b.function("main", 0, 5, kFunctionIsModuleInit)
      .op(Opcode::LoadK, 1, ka)
      .op(Opcode::LoadK, 2, kb)
      .op(Opcode::Add, 3, 1, 2)
      .op(Opcode::LoadK, 4, kab)
      .op(Opcode::Eq, 1, 3, 4)
      .op(Opcode::Return, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_bool());
  EXPECT_TRUE(v.is_true());
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  NewObject  r1
//     1  NewObject  r2
//     2  Eq         r1, r1, r2
//     3  Return     r1
TEST(Interpreter, EqComparesObjectsByIdentity) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::NewObject, 1)
      .op(Opcode::NewObject, 2)
      .op(Opcode::Eq, 1, 1, 2)
      .op(Opcode::Return, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_bool());
  EXPECT_FALSE(v.is_true());
}

//   constants: k0 <value>
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadK      r1, k0
//     1  JmpIfNot   r1, ->4
//     2  LoadTrue   r2
//     3  Return     r2
//     4  LoadFalse  r2
//     5  Return     r2
TEST(Interpreter, JmpIfNotTreatsZeroNaNAndEmptyStringAsFalsy) {
  struct Case {
    Constant k;
    bool truthy;
  };
  const Case cases[] = {{num(0), false},
                        {num(-0.0), false},
                        {num(std::numeric_limits<double>::quiet_NaN()), false},
                        {str(u""), false},
                        {num(1), true},
                        {num(-0.5), true},
                        {str(u"0"), true},
                        {str(u"false"), true}};
  for (const Case& c : cases) {
    ModuleBuilder b;
    b.module().constants.push_back(c.k);
    b.function("main", 0, 3, kFunctionIsModuleInit)
        .op(Opcode::LoadK, 1, 0)
        .jump(Opcode::JmpIfNot, 1, 4)
        .op(Opcode::LoadTrue, 2)
        .op(Opcode::Return, 2)
        .op(Opcode::LoadFalse, 2)
        .op(Opcode::Return, 2);
    Context ctx;
    Value v = result_of(ctx, b.build());
    EXPECT_EQ(v.is_true(), c.truthy) << "constant " << c.k.number << " / " << utf16_to_utf8(c.k.string);
  }
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  <load>        r1            (LoadNull, LoadUndef, LoadFalse)
//     1  JmpIfNullish  r1, ->4
//     2  LoadFalse     r2
//     3  Return        r2
//     4  LoadTrue      r2
//     5  Return        r2
TEST(Interpreter, JmpIfNullishTakesOnlyNullAndUndefined) {
  for (auto [load, nullish] : {std::pair{Opcode::LoadNull, true}, std::pair{Opcode::LoadUndef, true},
                               std::pair{Opcode::LoadFalse, false}}) {
    ModuleBuilder b;
    b.function("main", 0, 3, kFunctionIsModuleInit)
        .op(load, 1)
        .jump(Opcode::JmpIfNullish, 1, 4)
        .op(Opcode::LoadFalse, 2)
        .op(Opcode::Return, 2)
        .op(Opcode::LoadTrue, 2)
        .op(Opcode::Return, 2);
    Context ctx;
    EXPECT_EQ(result_of(ctx, b.build()).is_true(), nullish) << opcode_info(load).name;
  }
}

}  // namespace
}  // namespace raya::vm
