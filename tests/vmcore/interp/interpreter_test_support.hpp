// Shared by the interpreter test files: running hand-assembled modules and
// reading their results.
#pragma once

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

namespace raya::vm::interp_test {


using testing::FunctionBuilder;
using testing::ModuleBuilder;

/// Verifies `m`, loads it into `ctx` and runs it until every task is done.
/// False (with a test failure) if any step of that did not work.
inline bool run_module(Context& ctx, const Module& m) {
  Status verified = verify_module(m);
  if (!verified.ok()) {
    ADD_FAILURE() << "hand-built module does not verify: " << verified.error().message;
    return false;
  }
  auto loaded = ctx.load(std::make_shared<const Module>(m));
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
inline Value result_of(Context& ctx, const Module& m) {
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
inline Error error_of(Context& ctx, const Module& m) {
  if (!run_module(ctx, m)) return Error{};
  Task* task = ctx.main_task();
  EXPECT_EQ(task->state, TaskState::Failed) << "the task did not fail";
  return ctx.runtime_error_of(task->exception);
}

inline std::string utf8_of(Value v) {
  if (!is_string(v)) return "<not a string>";
  return utf16_to_utf8(as_string(v)->view());
}

inline bool is_negative_zero(Value v) { return v.is_double() && v.as_double() == 0 && std::signbit(v.as_double()); }

inline uint16_t imm(int v) { return uint16_t(int16_t(v)); }

/// main: r1 = K[x], r2 = K[y], r3 = r1 <op> r2, return r3.
inline Module binary_op_module(Opcode op, Constant x, Constant y) {
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

inline Constant num(double d) { return Constant::of_number(d); }
inline Constant str(std::u16string s) { return Constant::of_string(std::move(s)); }

}  // namespace raya::vm::interp_test
