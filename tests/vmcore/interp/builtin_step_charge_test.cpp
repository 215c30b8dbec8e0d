// Builtins whose work grows with their input charge steps for it
// (Context::charge_steps), so a step budget bounds them too: a huge repeat
// or a loop of long searches stops on time instead of running for seconds.
#include <gtest/gtest.h>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

RunOutcome run_with_budget(Context& ctx, const std::string& text) {
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok());
  EXPECT_TRUE(ctx.load(std::make_shared<const Module>(std::move(module).value())));
  return ctx.run_to_completion();
}

TEST(BuiltinStepCharge, HugeRepeatIsRefusedBeforeItIsBuilt) {
  ContextOptions options;
  options.max_steps = 1000000;
  options.max_heap_bytes = 1ull << 31;
  Context ctx(options);
  RunOutcome outcome = run_with_budget(ctx, "const s = 'x'.repeat(200000000); return s.length;");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  // Nothing close to 400 MB was allocated.
  EXPECT_LT(ctx.heap().stats().peak_bytes, 16u << 20);
}

TEST(BuiltinStepCharge, LongSearchesCountTowardsTheBudget) {
  ContextOptions options;
  options.max_steps = 2000000;
  Context ctx(options);
  RunOutcome outcome = run_with_budget(ctx,
                                       "const s = 'ab'.repeat(100000);\n"
                                       "let n = 0;\n"
                                       "for (let k = 0; k < 1000; k++) n += s.indexOf('zz');\n"
                                       "return n;\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

TEST(BuiltinStepCharge, ChargedStepsAreReportedAsExecuted) {
  Context ctx;
  RunOutcome outcome = run_with_budget(ctx, "return 'ab'.repeat(160000).indexOf('zz');");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Done);
  // repeat (320000 units) + indexOf (320000 units), at 16 units per step.
  EXPECT_GE(ctx.steps_executed(), 2u * 320000u / Context::kUnitsPerStep);
}

TEST(BuiltinStepCharge, JoinAndSortChargePerElement) {
  ContextOptions options;
  options.max_steps = 100000;
  Context ctx(options);
  RunOutcome outcome = run_with_budget(ctx,
                                       "const a = new Array(50000).fill(1);\n"
                                       "for (let k = 0; k < 100; k++) a.join(',');\n"
                                       "return 0;\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

}  // namespace
}  // namespace raya::vm
