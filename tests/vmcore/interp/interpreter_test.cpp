// The dispatch loop, one opcode (or one small group) at a time, on modules
// assembled by hand with the test ModuleBuilder; each test's listing is in
// the comment above it. Hand assembly reaches what the compiler never emits
// — a GetCell on a plain number, a closure capturing a register that holds
// no cell — and such hostile bytecode must raise a catchable TypeError, not
// crash: the verifier checks structure, the interpreter checks kinds.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "tests/vmcore/bytecode/module_builder.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {
namespace {

using testing::FunctionBuilder;
using testing::ModuleBuilder;

/// Verifies `m`, loads it into `ctx` and runs it until every task is done.
/// False (with a test failure) if any step of that did not work.
bool run_module(Context& ctx, const Module& m) {
  Status verified = verify_module(m);
  if (!verified.ok()) {
    ADD_FAILURE() << "hand-built module does not verify: " << verified.error().message;
    return false;
  }
  Status loaded = ctx.load(std::make_shared<const Module>(m));
  if (!loaded.ok()) {
    ADD_FAILURE() << "load failed: " << loaded.error().to_string();
    return false;
  }
  RunOutcome outcome = ctx.run_to_completion();
  if (outcome.kind != RunOutcome::Kind::Done) {
    ADD_FAILURE() << "run did not finish: " << ctx.fatal().to_string();
    return false;
  }
  return true;
}

/// The main task's result, expecting it to finish normally.
Value result_of(Context& ctx, const Module& m) {
  if (!run_module(ctx, m)) return Value::undefined();
  Task* task = ctx.main_task();
  if (task->state != TaskState::Done) {
    Error e = ctx.runtime_error_of(task->exception);
    ADD_FAILURE() << "task failed: " << e.name << ": " << e.message;
    return Value::undefined();
  }
  return task->result;
}

/// The error the main task failed with, expecting it to fail.
Error error_of(Context& ctx, const Module& m) {
  if (!run_module(ctx, m)) return Error{};
  Task* task = ctx.main_task();
  EXPECT_EQ(task->state, TaskState::Failed) << "the task did not fail";
  return ctx.runtime_error_of(task->exception);
}

std::string utf8_of(Value v) {
  if (!is_string(v)) return "<not a string>";
  return utf16_to_utf8(as_string(v)->view());
}

bool is_negative_zero(Value v) { return v.is_double() && v.as_double() == 0 && std::signbit(v.as_double()); }

uint16_t imm(int v) { return uint16_t(int16_t(v)); }

/// main: r1 = K[x], r2 = K[y], r3 = r1 <op> r2, return r3.
Module binary_op_module(Opcode op, Constant x, Constant y) {
  ModuleBuilder b;
  Module& m = b.module();
  m.constants.push_back(std::move(x));
  m.constants.push_back(std::move(y));
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .line(1)
      .op(Opcode::LoadK, 1, 0)
      .op(Opcode::LoadK, 2, 1)
      .op(op, 3, 1, 2)
      .op(Opcode::Return, 3);
  return b.build();
}

Constant num(double d) { return Constant::of_number(d); }
Constant str(std::u16string s) { return Constant::of_string(std::move(s)); }

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

// --- loops and fuel ------------------------------------------------------------------

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt  r1, #0
//     1  LoadInt  r2, #10
//     2  AddI     r1, r1, #1
//     3  JLt      r1, r2, ->2
//     4  Return   r1
TEST(Interpreter, BackwardJumpLoopCountsEveryExecutedInstructionAsOneStep) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 0)
      .op(Opcode::LoadInt, 2, 10)
      .op(Opcode::AddI, 1, 1, 1)
      .jump16(Opcode::JLt, 1, 2, 2)
      .op(Opcode::Return, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 10);
  EXPECT_EQ(ctx.steps_executed(), 2u + 10 * 2 + 1);
}

//   function f0 <main> [module-init]  params 0, registers 2
//     0  Jmp  ->0
TEST(Interpreter, SelfJumpStopsAtTheSliceBudgetAndResumes) {
  ModuleBuilder b;
  b.function("main", 0, 2, kFunctionIsModuleInit).jump(Opcode::Jmp, 0, 0);
  Module m = b.build();
  ASSERT_TRUE(verify_module(m).ok());
  Context ctx;
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(m)).ok());
  for (int i = 0; i < 3; ++i) {
    RunOutcome r = ctx.run(500);
    ASSERT_EQ(r.kind, RunOutcome::Kind::Yielded);
    EXPECT_EQ(r.steps, 500u);
  }
  EXPECT_EQ(ctx.steps_executed(), 1500u);
  EXPECT_EQ(ctx.main_task()->state, TaskState::Ready);
}

//   constants: k0 1000000
//   function f0 <main> [module-init]  params 0, registers 4
//     handler [2, 5) -> 2, exception in r2     (the handler is its own try range)
//     0  LoadInt  r1, #0
//     1  LoadK    r3, k0
//     2  AddI     r1, r1, #1
//     3  JNLt     r1, r3, ->6      forward: leave after a million rounds
//     4  Throw    r1               caught at 2: a loop with no backward jump
//     5  ReturnUndef
//     6  Return   r1
TEST(Interpreter, ThrowCaughtByAnEarlierHandlerIsMeteredLikeALoop) {
  // Regression test (fixed): fuel is only checked at backward jumps and calls. A handler whose
  // target lies before the Throw makes a loop out of throw + unwind, which
  // never checks fuel, so max_steps and the slice budget cannot stop it:
  // without the counter below this module spins forever inside one run()
  // call. The verifier accepts it (handler targets may point anywhere in
  // the function). Expected: the step budget ends the run; actual: ~3
  // million steps run to completion despite max_steps = 10000.
  ModuleBuilder b;
  const uint16_t k = b.number(1000000);
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 0)
      .op(Opcode::LoadK, 3, k)
      .op(Opcode::AddI, 1, 1, 1)
      .jump16(Opcode::JNLt, 1, 3, 6)
      .op(Opcode::Throw, 1)
      .op(Opcode::ReturnUndef)
      .op(Opcode::Return, 1)
      .handler(2, 5, 2, 2);
  Module m = b.build();
  ASSERT_TRUE(verify_module(m).ok());
  ContextOptions options;
  options.max_steps = 10000;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(m)).ok());
  RunOutcome r = ctx.run_to_completion();
  EXPECT_EQ(r.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_LE(ctx.steps_executed(), 10000u + 100);
}

// --- elements ---------------------------------------------------------------------------

//   constants: k0 "length"
//   function f0 <main> [module-init]  params 0, registers 5
//     ics: ic0 "length"
//     0  NewArray  r1, 0
//     1  LoadInt   r2, #0
//     2  LoadInt   r3, #10
//     3  SetElem   r1, r2, r3      a[0] = 10  (index == length: grows)
//     4  LoadInt   r2, #1
//     5  LoadInt   r3, #11
//     6  SetElem   r1, r2, r3      a[1] = 11  (grows again)
//     7  LoadInt   r2, #0
//     8  LoadInt   r3, #12
//     9  SetElem   r1, r2, r3      a[0] = 12  (in place)
//    10  Return    r1
TEST(Interpreter, SetElemAtIndexEqualToLengthGrowsTheArray) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 5, kFunctionIsModuleInit);
  main.op(Opcode::NewArray, 1, 0);
  main.op(Opcode::LoadInt, 2, 0).op(Opcode::LoadInt, 3, 10).op(Opcode::SetElem, 1, 2, 3);
  main.op(Opcode::LoadInt, 2, 1).op(Opcode::LoadInt, 3, 11).op(Opcode::SetElem, 1, 2, 3);
  main.op(Opcode::LoadInt, 2, 0).op(Opcode::LoadInt, 3, 12).op(Opcode::SetElem, 1, 2, 3);
  main.op(Opcode::Return, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(is_array(v));
  Array* a = as_array(v);
  ASSERT_EQ(a->length_, 2u);
  EXPECT_EQ(a->elements_[0].as_int(), 12);
  EXPECT_EQ(a->elements_[1].as_int(), 11);
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  NewArray  r1, 0
//     1  LoadInt   r2, #3
//     2  LoadTrue  r3
//     3  SetElem   r1, r2, r3      a[3] = true on an empty array
//     4  Return    r1
TEST(Interpreter, SetElemPastTheEndFillsTheGapWithUndefined) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::NewArray, 1, 0)
      .op(Opcode::LoadInt, 2, 3)
      .op(Opcode::LoadTrue, 3)
      .op(Opcode::SetElem, 1, 2, 3)
      .op(Opcode::Return, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(is_array(v));
  ASSERT_EQ(as_array(v)->length_, 4u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_TRUE(as_array(v)->elements_[i].is_undefined()) << i;
  EXPECT_TRUE(as_array(v)->elements_[3].is_true());
}

//   constants: k0 "length"
//   function f0 <main> [module-init]  params 0, registers 7
//     ics: ic0 "length"
//     0  NewArray   r1, 4
//     1  LoadInt    r2, #0
//     2  LoadInt    r3, #100
//     3  LoadInt    r6, #0
//     4  SetElem    r1, r2, r2     a[i] = i: index == length, grows by one
//     5  GetElem    r4, r1, r2     read it back
//     6  Add        r6, r6, r4     sum += a[i]
//     7  AddI       r2, r2, #1
//     8  JLt        r2, r3, ->4
//     9  GetProp    r5, r1, ic0    a.length
//    10  Mul        r5, r5, r6     length * sum
//    11  Return     r5
TEST(Interpreter, ArrayGrownOneIndexAtATimeKeepsEveryElement) {
  ModuleBuilder b;
  const uint16_t klength = b.string(u"length");
  auto main = b.function("main", 0, 7, kFunctionIsModuleInit);
  const uint16_t ic_length = main.ic(klength);
  main.op(Opcode::NewArray, 1, 4).op(Opcode::LoadInt, 2, 0).op(Opcode::LoadInt, 3, 100).op(Opcode::LoadInt, 6, 0);
  main.op(Opcode::SetElem, 1, 2, 2).op(Opcode::GetElem, 4, 1, 2).op(Opcode::Add, 6, 6, 4);
  main.op(Opcode::AddI, 2, 2, 1).jump16(Opcode::JLt, 2, 3, 4);
  main.op(Opcode::GetProp, 5, 1, ic_length).op(Opcode::Mul, 5, 5, 6).op(Opcode::Return, 5);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 100 * 4950);
}

//   function f0 <main> [module-init]  params 0, registers 5
//     0  NewArray   r1, 0
//     1  LoadInt    r2, #7
//     2  ArrayPush  r1, r2
//     3  LoadInt    r3, #<index>
//     4  GetElem    r4, r1, r3
//     5  Return     r4
TEST(Interpreter, GetElemReadsElementsAndGivesUndefinedOutsideTheArray) {
  for (int index : {0, 1, 1000, -1}) {
    ModuleBuilder b;
    b.function("main", 0, 5, kFunctionIsModuleInit)
        .op(Opcode::NewArray, 1, 0)
        .op(Opcode::LoadInt, 2, 7)
        .op(Opcode::ArrayPush, 1, 2)
        .op(Opcode::LoadInt, 3, imm(index))
        .op(Opcode::GetElem, 4, 1, 3)
        .op(Opcode::Return, 4);
    Context ctx;
    Value v = result_of(ctx, b.build());
    if (index == 0) {
      ASSERT_TRUE(v.is_int());
      EXPECT_EQ(v.as_int(), 7);
    } else {
      EXPECT_TRUE(v.is_undefined()) << "index " << index;
    }
  }
}

//   constants: k0 1.5
//   function f0 <main> [module-init]  params 0, registers 4
//     0  NewArray  r1, 0
//     1  LoadK     r2, k0          (then LoadInt r2, #-1)
//     2  LoadTrue  r3
//     3  SetElem   r1, r2, r3
//     4  Return    r1
TEST(Interpreter, SetElemWithANegativeOrFractionalIndexThrowsRangeError) {
  for (double index : {1.5, -1.0}) {
    ModuleBuilder b;
    const uint16_t k = b.number(index);
    b.function("main", 0, 4, kFunctionIsModuleInit)
        .op(Opcode::NewArray, 1, 0)
        .op(Opcode::LoadK, 2, k)
        .op(Opcode::LoadTrue, 3)
        .op(Opcode::SetElem, 1, 2, 3)
        .op(Opcode::Return, 1);
    Context ctx;
    Error e = error_of(ctx, b.build());
    EXPECT_EQ(e.name, "RangeError") << index;
  }
}

//   constants: k0 "x"
//   function f0 <main> [module-init]  params 0, registers 4
//     0  NewArray  r1, 0
//     1  NewObject r2
//     2  LoadTrue  r3
//     3  SetElem   r1, r2, r3      a[{}] = true
//     4  Return    r1
TEST(Interpreter, SetElemOnAnArrayWithAnObjectKeyThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::NewArray, 1, 0)
      .op(Opcode::NewObject, 2)
      .op(Opcode::LoadTrue, 3)
      .op(Opcode::SetElem, 1, 2, 3)
      .op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadNull  r1
//     1  LoadInt   r2, #0
//     2  GetElem   r3, r1, r2
//     3  Return    r3
TEST(Interpreter, GetElemOnNullThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadNull, 1)
      .op(Opcode::LoadInt, 2, 0)
      .op(Opcode::GetElem, 3, 1, 2)
      .op(Opcode::Return, 3);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("null"), std::string::npos) << e.message;
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt    r1, #1
//     1  LoadInt    r2, #2
//     2  ArrayPush  r1, r2          (r1 is not an array)
//     3  ReturnUndef
TEST(Interpreter, ArrayPushOnANonArrayThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 1)
      .op(Opcode::LoadInt, 2, 2)
      .op(Opcode::ArrayPush, 1, 2)
      .op(Opcode::ReturnUndef);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

// --- calls ----------------------------------------------------------------------------

//   function f0 <main> [module-init]  params 0, registers 5
//     0  Closure  r1, f1 <add>
//     1  LoadUndef r2
//     2  LoadInt  r3, #40
//     3  LoadInt  r4, #2
//     4  Call     r1, 2
//     5  Return   r1
//   function f1 <add>  params 2, registers 4
//     0  Add      r3, r1, r2
//     1  Return   r3
TEST(Interpreter, CallPassesArgumentsAndStoresTheResultInTheWindow) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 5, kFunctionIsModuleInit);
  auto add = b.function("add", 2, 4);
  main.op(Opcode::Closure, 1, uint16_t(add.index())).op(Opcode::LoadUndef, 2);
  main.op(Opcode::LoadInt, 3, 40).op(Opcode::LoadInt, 4, 2).op(Opcode::Call, 1, 2).op(Opcode::Return, 1);
  add.op(Opcode::Add, 3, 1, 2).op(Opcode::Return, 3);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 42);
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  Closure  r1, f1 <self>
//     1  LoadInt  r2, #7             (CallFn ignores it: this is undefined)
//     2  CallFn   r1, 0
//     3  Return   r1
//   function f1 <self>  params 0, registers 1
//     0  Return   r0
TEST(Interpreter, CallFnCallsWithThisUndefined) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto self = b.function("self", 0, 1);
  main.op(Opcode::Closure, 1, uint16_t(self.index())).op(Opcode::LoadInt, 2, 7).op(Opcode::CallFn, 1, 0);
  main.op(Opcode::Return, 1);
  self.op(Opcode::Return, 0);
  Context ctx;
  EXPECT_TRUE(result_of(ctx, b.build()).is_undefined());
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadNull   r1
//     1  CallFn     r1, 0
//     2  Return     r1
TEST(Interpreter, CallFnOfNullThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit).op(Opcode::LoadNull, 1).op(Opcode::CallFn, 1, 0).op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("not a function"), std::string::npos) << e.message;
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  Closure  r1, f1 <second>
//     1  LoadUndef r2
//     2  LoadInt  r3, #1
//     3  Call     r1, 1            (one argument for two parameters)
//     4  Return   r1
//   function f1 <second>  params 2, registers 3
//     0  Return   r2
TEST(Interpreter, MissingArgumentsAreUndefined) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto second = b.function("second", 2, 3);
  main.op(Opcode::Closure, 1, uint16_t(second.index())).op(Opcode::LoadUndef, 2).op(Opcode::LoadInt, 3, 1);
  main.op(Opcode::Call, 1, 1).op(Opcode::Return, 1);
  second.op(Opcode::Return, 2);
  Context ctx;
  EXPECT_TRUE(result_of(ctx, b.build()).is_undefined());
}

//   expression names: pc 2 -> k0 "callee"
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt    r1, #5
//     1  LoadUndef  r2
//     2  Call       r1, 0
//     3  Return     r1
TEST(Interpreter, CallingANumberThrowsTypeErrorNamingTheExpression) {
  ModuleBuilder b;
  const uint16_t kname = b.string(u"callee");
  auto main = b.function("main", 0, 3, kFunctionIsModuleInit);
  main.line(4).op(Opcode::LoadInt, 1, 5).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0).op(Opcode::Return, 1);
  main.proto().expr_names.push_back({2, kname});
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_EQ(e.message, "callee is not a function (it is number 5)");
  EXPECT_NE(e.stack.find("at main (main.raya:4:"), std::string::npos) << e.stack;
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt    r1, #5
//     1  LoadUndef  r2
//     2  Call       r1, 0
//     3  Return     r1
TEST(Interpreter, CallingANumberWithoutAnExpressionNameStillDescribesTheValue) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 5)
      .op(Opcode::LoadUndef, 2)
      .op(Opcode::Call, 1, 0)
      .op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_EQ(e.message, "number 5 is not a function");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  Closure    r1, f1 <Point>
//     1  LoadUndef  r2
//     2  Call       r1, 0            (a class constructor without new)
//     3  Return     r1
//   function f1 <Point> [class-ctor]  params 0, registers 1
//     0  Return     r0
TEST(Interpreter, CallingAClassConstructorWithoutNewThrowsTypeError) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 3, kFunctionIsModuleInit);
  auto point = b.function("Point", 0, 1, kFunctionIsClassCtor);
  main.op(Opcode::Closure, 1, uint16_t(point.index())).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0);
  main.op(Opcode::Return, 1);
  point.op(Opcode::Return, 0);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("Point"), std::string::npos) << e.message;
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt    r1, #5
//     1  LoadUndef  r2
//     2  New        r1, 0
//     3  Return     r1
TEST(Interpreter, NewOnANumberThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 5)
      .op(Opcode::LoadUndef, 2)
      .op(Opcode::New, 1, 0)
      .op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("not a constructor"), std::string::npos) << e.message;
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  Closure    r1, f1 <f>
//     1  LoadUndef  r2
//     2  LoadInt    r3, #1            (not an array)
//     3  CallSpread r1
//     4  Return     r1
//   function f1 <f>  params 0, registers 1
//     0  ReturnUndef
TEST(Interpreter, CallSpreadOfANonArrayThrowsTypeError) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto f = b.function("f", 0, 1);
  main.op(Opcode::Closure, 1, uint16_t(f.index())).op(Opcode::LoadUndef, 2).op(Opcode::LoadInt, 3, 1);
  main.op(Opcode::CallSpread, 1).op(Opcode::Return, 1);
  f.op(Opcode::ReturnUndef);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  SuperCall  r1, 0              (not in a derived constructor)
//     1  Return     r1
TEST(Interpreter, SuperCallOutsideADerivedConstructorThrowsSyntaxError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit).op(Opcode::SuperCall, 1, 0).op(Opcode::Return, 1);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "SyntaxError");
}

//   constants: k0 "Broken"
//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadUndef  r1
//     1  LoadInt    r2, #3             (parent is a number)
//     2  NewClass   r1, r2, k0
//     3  Return     r1
TEST(Interpreter, NewClassExtendingANonClassThrowsTypeError) {
  ModuleBuilder b;
  const uint16_t kname = b.string(u"Broken");
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadUndef, 1)
      .op(Opcode::LoadInt, 2, 3)
      .op(Opcode::NewClass, 1, 2, kname)
      .op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("not a class"), std::string::npos) << e.message;
}

//   function f0 <main> [module-init]  params 0, registers 4
//     0  LoadInt    r1, #1
//     1  IterNext   r2, r1, ->3        (r1 is not an iterator)
//     2  ReturnUndef
//     3  ReturnUndef
TEST(Interpreter, IterNextOnANonIteratorThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 1)
      .jump16(Opcode::IterNext, 2, 1, 3)
      .op(Opcode::ReturnUndef)
      .op(Opcode::ReturnUndef);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  NewObject  r1
//     1  GetIter    r2, r1             (plain objects are not iterable)
//     2  ReturnUndef
TEST(Interpreter, GetIterOnAPlainObjectThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::NewObject, 1)
      .op(Opcode::GetIter, 2, 1)
      .op(Opcode::ReturnUndef);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_NE(e.message.find("not iterable"), std::string::npos) << e.message;
}

// --- cells and closures -----------------------------------------------------------------

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt  r1, #5
//     1  GetCell  r2, r1              (r1 holds a number, not a cell)
//     2  Return   r2
TEST(Interpreter, GetCellOnANonCellRegisterThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 5)
      .op(Opcode::GetCell, 2, 1)
      .op(Opcode::Return, 2);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  NewObject  r1
//     1  GetCell    r2, r1            (an object is not a cell either)
//     2  Return     r2
TEST(Interpreter, GetCellOnAnObjectRegisterThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::NewObject, 1)
      .op(Opcode::GetCell, 2, 1)
      .op(Opcode::Return, 2);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt  r1, #5
//     1  LoadInt  r2, #6
//     2  SetCell  r1, r2              (r1 holds a number, not a cell)
//     3  Return   r1
TEST(Interpreter, SetCellOnANonCellRegisterThrowsTypeError) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 5)
      .op(Opcode::LoadInt, 2, 6)
      .op(Opcode::SetCell, 1, 2)
      .op(Opcode::Return, 1);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 4
//     handler [1, 3) -> 3, exception in r3
//     0  LoadInt  r1, #5
//     1  GetCell  r2, r1
//     2  Return   r2
//     3  Return   r3
TEST(Interpreter, TypeErrorFromHostileGetCellIsCatchable) {
  ModuleBuilder b;
  b.function("main", 0, 4, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 5)
      .op(Opcode::GetCell, 2, 1)
      .op(Opcode::Return, 2)
      .op(Opcode::Return, 3)
      .handler(1, 3, 3, 3);
  Context ctx;
  Value v = result_of(ctx, b.build());
  EXPECT_EQ(ctx.runtime_error_of(v).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadInt  r1, #5
//     1  Closure  r2, f1 <peek>      (f1 captures r1, which holds no cell)
//     2  Return   r2
//   function f1 <peek> [arrow]  params 0, registers 2, captures u0 = parent r1
//     0  GetUpval r1, u0
//     1  Return   r1
TEST(Interpreter, ClosureCapturingARegisterWithoutACellThrowsTypeError) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 3, kFunctionIsModuleInit);
  auto peek = b.function("peek", 0, 2, kFunctionIsArrow);
  main.op(Opcode::LoadInt, 1, 5).op(Opcode::Closure, 2, uint16_t(peek.index())).op(Opcode::Return, 2);
  peek.capture_register(1).op(Opcode::GetUpval, 1, 0).op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     0  LoadUndef r1
//     1  Closure   r2, f1 <peek>     (r1 is undefined: never boxed)
//     2  Return    r2
//   function f1 <peek> [arrow]  params 0, registers 2, captures u0 = parent r1
//     0  GetUpval  r1, u0
//     1  Return    r1
TEST(Interpreter, ClosureCapturingAnUndefinedRegisterThrowsTypeError) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 3, kFunctionIsModuleInit);
  auto peek = b.function("peek", 0, 2, kFunctionIsArrow);
  main.op(Opcode::LoadUndef, 1).op(Opcode::Closure, 2, uint16_t(peek.index())).op(Opcode::Return, 2);
  peek.capture_register(1).op(Opcode::GetUpval, 1, 0).op(Opcode::Return, 1);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 5
//     0  LoadInt   r1, #1
//     1  NewCell   r2, r1           cell = 1
//     2  Closure   r3, f1 <bump>    captures the cell
//     3  LoadUndef r4
//     4  Call      r3, 0            bump()
//     5  Closure   r3, f1 <bump>    a second closure over the same cell
//     6  LoadUndef r4
//     7  Call      r3, 0            bump()
//     8  GetCell   r1, r2
//     9  Return    r1
//   function f1 <bump> [arrow]  params 0, registers 2, captures u0 = parent r2
//     0  GetUpval  r1, u0
//     1  AddI      r1, r1, #10
//     2  SetUpval  r1, u0
//     3  ReturnUndef
TEST(Interpreter, ClosuresCapturingACellShareTheVariable) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 5, kFunctionIsModuleInit);
  auto bump = b.function("bump", 0, 2, kFunctionIsArrow);
  const uint16_t f = uint16_t(bump.index());
  main.op(Opcode::LoadInt, 1, 1).op(Opcode::NewCell, 2, 1);
  main.op(Opcode::Closure, 3, f).op(Opcode::LoadUndef, 4).op(Opcode::Call, 3, 0);
  main.op(Opcode::Closure, 3, f).op(Opcode::LoadUndef, 4).op(Opcode::Call, 3, 0);
  main.op(Opcode::GetCell, 1, 2).op(Opcode::Return, 1);
  bump.capture_register(2);
  bump.op(Opcode::GetUpval, 1, 0).op(Opcode::AddI, 1, 1, 10).op(Opcode::SetUpval, 1, 0).op(Opcode::ReturnUndef);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 21);
}

// --- globals and initialisation -------------------------------------------------------------

//   globals: g0 main.raya:later
//   function f0 <main> [module-init]  params 0, registers 2
//     0  GetGlobal  r1, g0            (never set)
//     1  Return     r1
TEST(Interpreter, GetGlobalBeforeItIsSetThrowsReferenceError) {
  ModuleBuilder b;
  const uint16_t g = b.global("main.raya:later");
  b.function("main", 0, 2, kFunctionIsModuleInit).op(Opcode::GetGlobal, 1, g).op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "ReferenceError");
  EXPECT_NE(e.message.find("later"), std::string::npos) << e.message;
}

//   globals: g0 main.raya:counter
//   function f0 <main> [module-init]  params 0, registers 2
//     0  LoadInt    r1, #1
//     1  SetGlobal  r1, g0, 1         (an assignment: must already be initialised)
//     2  Return     r1
TEST(Interpreter, AssigningAGlobalBeforeItsDeclarationThrowsReferenceError) {
  ModuleBuilder b;
  const uint16_t g = b.global("main.raya:counter");
  b.function("main", 0, 2, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 1)
      .op(Opcode::SetGlobal, 1, g, 1)
      .op(Opcode::Return, 1);
  Context ctx;
  EXPECT_EQ(error_of(ctx, b.build()).name, "ReferenceError");
}

//   constants: k0 "value"
//   function f0 <main> [module-init]  params 0, registers 2
//     0  LoadEmpty  r1
//     1  CheckInit  r1, k0
//     2  Return     r1
TEST(Interpreter, CheckInitOnAnUninitialisedBindingThrowsReferenceErrorNamingIt) {
  ModuleBuilder b;
  const uint16_t k = b.string(u"value");
  b.function("main", 0, 2, kFunctionIsModuleInit)
      .op(Opcode::LoadEmpty, 1)
      .op(Opcode::CheckInit, 1, k)
      .op(Opcode::Return, 1);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "ReferenceError");
  EXPECT_EQ(e.message, "Cannot access 'value' before initialization");
}

// --- exceptions and handler tables -----------------------------------------------------------

//   function f0 <main> [module-init]  params 0, registers 3
//     handler [1, 3) -> 3, exception in r2
//     0  LoadInt  r1, #7
//     1  Throw    r1
//     2  ReturnUndef
//     3  AddI     r2, r2, #1
//     4  Return   r2
TEST(Interpreter, HandlerCatchesAThrowInTheSameFunction) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 7)
      .op(Opcode::Throw, 1)
      .op(Opcode::ReturnUndef)
      .op(Opcode::AddI, 2, 2, 1)
      .op(Opcode::Return, 2)
      .handler(1, 3, 3, 2);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 8);
}

//   function f0 <main> [module-init]  params 0, registers 4
//     handler [1, 4) -> 4, exception in r3
//     0  Closure    r1, f1 <thrower>
//     1  LoadUndef  r2
//     2  Call       r1, 0
//     3  Return     r1
//     4  Return     r3
//   function f1 <thrower>  params 0, registers 3
//     0  Closure    r1, f2 <deeper>
//     1  LoadUndef  r2
//     2  Call       r1, 0
//     3  Return     r1
//   function f2 <deeper>  params 0, registers 2
//     0  LoadInt    r1, #99
//     1  Throw      r1
TEST(Interpreter, HandlerCatchesAThrowFromTwoFramesDown) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto thrower = b.function("thrower", 0, 3);
  auto deeper = b.function("deeper", 0, 2);
  main.op(Opcode::Closure, 1, uint16_t(thrower.index())).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0);
  main.op(Opcode::Return, 1).op(Opcode::Return, 3).handler(1, 4, 4, 3);
  thrower.op(Opcode::Closure, 1, uint16_t(deeper.index())).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0);
  thrower.op(Opcode::Return, 1);
  deeper.op(Opcode::LoadInt, 1, 99).op(Opcode::Throw, 1);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 99);
}

//   constants: k0 "5", k1 "name"
//   function f0 <main> [module-init]  params 0, registers 5
//     ics: ic0 "name";  handler [2, 4) -> 4, exception in r4
//     0  LoadK    r1, k0
//     1  LoadInt  r2, #2
//     2  Mul      r3, r1, r2
//     3  Return   r3
//     4  GetProp  r3, r4, ic0 (.name)
//     5  Return   r3
TEST(Interpreter, HandlerCatchesATypeErrorRaisedByAnInstruction) {
  ModuleBuilder b;
  const uint16_t k5 = b.string(u"5"), kname = b.string(u"name");
  auto main = b.function("main", 0, 5, kFunctionIsModuleInit);
  const uint16_t ic_name = main.ic(kname);
  main.op(Opcode::LoadK, 1, k5).op(Opcode::LoadInt, 2, 2).op(Opcode::Mul, 3, 1, 2).op(Opcode::Return, 3);
  main.op(Opcode::GetProp, 3, 4, ic_name).op(Opcode::Return, 3).handler(2, 4, 4, 4);
  Context ctx;
  EXPECT_EQ(utf8_of(result_of(ctx, b.build())), "TypeError");
}

//   function f0 <main> [module-init]  params 0, registers 3
//     handler [0, 1) -> 3, exception in r2      (does not cover the Throw)
//     0  LoadInt  r1, #7
//     1  Throw    r1
//     2  ReturnUndef
//     3  Return   r2
TEST(Interpreter, ThrowOutsideTheHandlerRangeIsNotCaught) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 7)
      .op(Opcode::Throw, 1)
      .op(Opcode::ReturnUndef)
      .op(Opcode::Return, 2)
      .handler(0, 1, 3, 2);
  Context ctx;
  ASSERT_TRUE(run_module(ctx, b.build()));
  ASSERT_EQ(ctx.main_task()->state, TaskState::Failed);
  ASSERT_TRUE(ctx.main_task()->exception.is_int());
  EXPECT_EQ(ctx.main_task()->exception.as_int(), 7);
}

//   function f0 <main> [module-init]  params 0, registers 4
//     handlers: [1, 3) -> 5 in r2 (inner, listed first), [0, 4) -> 7 in r3 (outer)
//     0  LoadInt  r1, #1
//     1  Throw    r1
//     2  ReturnUndef
//     3  ReturnUndef
//     4  ReturnUndef
//     5  LoadInt  r1, #10          inner handler
//     6  Return   r1
//     7  LoadInt  r1, #20          outer handler
//     8  Return   r1
TEST(Interpreter, InnerHandlerListedFirstWins) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  main.op(Opcode::LoadInt, 1, 1).op(Opcode::Throw, 1).op(Opcode::ReturnUndef).op(Opcode::ReturnUndef);
  main.op(Opcode::ReturnUndef).op(Opcode::LoadInt, 1, 10).op(Opcode::Return, 1);
  main.op(Opcode::LoadInt, 1, 20).op(Opcode::Return, 1);
  main.handler(1, 3, 5, 2).handler(0, 4, 7, 3);
  Context ctx;
  Value v = result_of(ctx, b.build());
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 10);
}

//   function f0 <main> [module-init]  params 0, registers 3
//     handler [1, 3) -> 3, exception in r2
//     0  LoadInt  r1, #1
//     1  Throw    r1
//     2  ReturnUndef
//     3  AddI     r2, r2, #1
//     4  Throw    r2               rethrow from the handler: not covered by it
TEST(Interpreter, ThrowFromInsideAHandlerFailsTheTask) {
  ModuleBuilder b;
  b.function("main", 0, 3, kFunctionIsModuleInit)
      .op(Opcode::LoadInt, 1, 1)
      .op(Opcode::Throw, 1)
      .op(Opcode::ReturnUndef)
      .op(Opcode::AddI, 2, 2, 1)
      .op(Opcode::Throw, 2)
      .handler(1, 3, 3, 2);
  Context ctx;
  ASSERT_TRUE(run_module(ctx, b.build()));
  ASSERT_EQ(ctx.main_task()->state, TaskState::Failed);
  EXPECT_EQ(ctx.main_task()->exception.as_int(), 2);
}

//   function f0 <main> [module-init]  params 0, registers 4      line 10
//     0  Closure    r1, f1 <inner>
//     1  LoadUndef  r2
//     2  Call       r1, 0
//     3  Return     r1
//   function f1 <inner>  params 0, registers 4                   lines 20, 21
//     0  LoadNull   r1
//     1  LoadInt    r2, #1
//     2  Sub        r3, r1, r2
//     3  Return     r3
TEST(Interpreter, ErrorStackListsEveryFrameWithItsLine) {
  ModuleBuilder b;
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto inner = b.function("inner", 0, 4);
  main.line(10, 3).op(Opcode::Closure, 1, uint16_t(inner.index())).op(Opcode::LoadUndef, 2);
  main.op(Opcode::Call, 1, 0).op(Opcode::Return, 1);
  inner.line(20, 5).op(Opcode::LoadNull, 1).op(Opcode::LoadInt, 2, 1);
  inner.line(21, 9).op(Opcode::Sub, 3, 1, 2).op(Opcode::Return, 3);
  Context ctx;
  Error e = error_of(ctx, b.build());
  EXPECT_EQ(e.name, "TypeError");
  EXPECT_EQ(e.stack, "    at inner (main.raya:21:9)\n    at main (main.raya:10:3)\n");
}

// --- hostile register contents ---------------------------------------------------------------

//   function f0 <main> [module-init]  params 0, registers 6
//     0  Closure    r1, f1 <writer>
//     1  LoadUndef  r2
//     2  Call       r1, 0          writer leaves an array in its r5
//     3  LoadInt    r3, #0
//     4  LoadK      r4, k0 (20000)
//     5  NewArray   r2, 1          garbage of the same kind, enough to collect
//     6  LoadInt    r5, #99
//     7  ArrayPush  r2, r5
//     8  AddI       r3, r3, #1
//     9  JLt        r3, r4, ->5
//    10  Closure    r1, f2 <reader>
//    11  LoadUndef  r2
//    12  Call       r1, 0          reader returns its r5 without writing it
//    13  Return     r1
//   function f1 <writer>  params 0, registers 8
//     0  NewArray   r5, 1
//     1  LoadInt    r6, #7
//     2  ArrayPush  r5, r6
//     3  ReturnUndef
//   function f2 <reader>  params 0, registers 8
//     0  Return     r5
TEST(Interpreter, RegisterAFrameNeverWroteDoesNotExposeAFreedObject) {
  // Regression: a frame's registers are not cleared on entry, and the
  // collector used to trace the stack only up to the top frame's registers.
  // A register left by an earlier, returned call was then neither a root nor
  // reset, so a function reading a register before writing it (which the
  // verifier allows) saw an object the collector had freed: here the
  // reader's r5 pointed at a recycled garbage array [99] instead of the
  // writer's [7] (a use-after-free). The result must be undefined (fresh
  // registers) or the original, still live array — or the verifier must
  // reject reads of unwritten registers.
  ModuleBuilder b;
  const uint16_t k = b.number(20000);
  auto main = b.function("main", 0, 6, kFunctionIsModuleInit);
  auto writer = b.function("writer", 0, 8);
  auto reader = b.function("reader", 0, 8);
  main.op(Opcode::Closure, 1, uint16_t(writer.index())).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0);
  main.op(Opcode::LoadInt, 3, 0).op(Opcode::LoadK, 4, k);
  main.op(Opcode::NewArray, 2, 1).op(Opcode::LoadInt, 5, 99).op(Opcode::ArrayPush, 2, 5);
  main.op(Opcode::AddI, 3, 3, 1).jump16(Opcode::JLt, 3, 4, 5);
  main.op(Opcode::Closure, 1, uint16_t(reader.index())).op(Opcode::LoadUndef, 2).op(Opcode::Call, 1, 0);
  main.op(Opcode::Return, 1);
  writer.op(Opcode::NewArray, 5, 1).op(Opcode::LoadInt, 6, 7).op(Opcode::ArrayPush, 5, 6).op(Opcode::ReturnUndef);
  reader.op(Opcode::Return, 5);
  Module m = b.build();
  if (!verify_module(m).ok()) return;  // rejecting such code is a valid fix
  Context ctx;
  Value v = result_of(ctx, m);
  ASSERT_GT(ctx.heap().stats().gc_count, 0u);
  if (v.is_undefined()) return;
  ASSERT_TRUE(is_array(v));
  ASSERT_EQ(as_array(v)->length_, 1u);
  EXPECT_EQ(as_array(v)->elements_[0].as_int(), 7) << "the reader saw a recycled object";
}

}  // namespace
}  // namespace raya::vm
