// Shared by the Context test files: compiling and running small programs
// and reading their results.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/unicode.hpp"
#include "tests/vmcore/bytecode/module_builder.hpp"


namespace raya::vm::context_test {


inline std::shared_ptr<const Module> compile(std::string_view source) {
  Result<Module> compiled = compiler::compile_source("main.raya", std::string(source));
  if (!compiled.ok()) {
    ADD_FAILURE() << compiled.error().render_diagnostics();
    return nullptr;
  }
  EXPECT_TRUE(verify_module(compiled.value()).ok());
  return std::make_shared<const Module>(std::move(compiled).value());
}

/// Loads `source` into `ctx` and runs it until done or fatal.
inline RunOutcome run_program(Context& ctx, std::string_view source) {
  std::shared_ptr<const Module> module = compile(source);
  if (module == nullptr) return RunOutcome{RunOutcome::Kind::Fatal, 0};
  auto loaded = ctx.load(module);
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error().to_string();
    return RunOutcome{RunOutcome::Kind::Fatal, 0};
  }
  return ctx.run_to_completion();
}

/// Runs `source` to completion in `ctx` and returns the main task's result,
/// failing the test if the program did not finish normally.
inline Value result_of(Context& ctx, std::string_view source) {
  RunOutcome outcome = run_program(ctx, source);
  EXPECT_EQ(outcome.kind, RunOutcome::Kind::Done) << ctx.fatal().to_string();
  Task* task = ctx.main_task();
  if (task == nullptr) {
    ADD_FAILURE() << "no main task";
    return Value::undefined();
  }
  EXPECT_EQ(task->state, TaskState::Done) << ctx.runtime_error_of(task->exception).to_string() << "\n"
                                          << ctx.runtime_error_of(task->exception).stack;
  return task->result;
}

/// Runs `source` expecting its main task to fail; returns the error.
inline Error failure_of(Context& ctx, std::string_view source) {
  RunOutcome outcome = run_program(ctx, source);
  EXPECT_EQ(outcome.kind, RunOutcome::Kind::Done) << ctx.fatal().to_string();
  Task* task = ctx.main_task();
  if (task == nullptr) {
    ADD_FAILURE() << "no main task";
    return Error{};
  }
  EXPECT_EQ(task->state, TaskState::Failed);
  return ctx.runtime_error_of(task->exception);
}

inline std::string utf8_of(Value v) {
  if (!is_string(v)) return "<not a string>";
  return utf16_to_utf8(as_string(v)->view());
}

/// A loop long enough to need several budget slices, and its result.
inline constexpr std::string_view kLongLoop = R"(
let total = 0;
for (let i = 0; i < 20000; i++) {
  total += i % 7;
}
return total;
)";

inline int expected_long_loop_total() {
  int total = 0;
  for (int i = 0; i < 20000; ++i) total += i % 7;
  return total;
}

}  // namespace raya::vm::context_test
