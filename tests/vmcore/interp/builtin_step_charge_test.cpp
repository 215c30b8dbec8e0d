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

namespace raya::vm {
namespace {

// Issue 10, item 6: "a".repeat(1e6).includes("a".repeat(5e5) + "b") was
// O(n·m), minutes in one uninterruptible call. Every search method is now
// linear and charged: under a large budget it completes having charged
// O(n + m) steps; under a small one it stops with StepBudgetExceeded.
const char* const kQuadraticSearches[] = {
    "return h.includes(n) ? 1 : 0;",
    "return h.indexOf(n);",
    "return h.lastIndexOf(b);",
    "return h.split(n).length;",
    "return h.replace(n, 'x').length;",
    "return h.replaceAll(n, 'x').length;",
};

std::string quadratic_program(const char* search) {
  return std::string("const h = 'a'.repeat(1000000);\n"
                     "const n = 'a'.repeat(500000) + 'b';\n"
                     "const b = 'b' + 'a'.repeat(500000);\n") +
         search + "\n";
}

uint64_t steps_of_inputs() {
  Context ctx;
  EXPECT_EQ(run_with_budget(ctx, quadratic_program("return 0;")).kind, RunOutcome::Kind::Done);
  return ctx.steps_executed();
}

TEST(BuiltinStepCharge, QuadraticSearchesAreLinearAndCharged) {
  const uint64_t inputs = steps_of_inputs();
  for (const char* search : kQuadraticSearches) {
    Context ctx;
    RunOutcome outcome = run_with_budget(ctx, quadratic_program(search));
    ASSERT_EQ(outcome.kind, RunOutcome::Kind::Done) << search;
    // The search reads each unit a bounded number of times (2 per haystack
    // position, 2 per needle unit, at 16 units per step): linear, and paid.
    uint64_t search_steps = ctx.steps_executed() - inputs;
    EXPECT_GE(search_steps, 500000u / Context::kUnitsPerStep) << search;
    EXPECT_LE(search_steps, 4 * 1500000u / Context::kUnitsPerStep + 1000) << search;
  }
}

TEST(BuiltinStepCharge, QuadraticSearchesStopOnASmallBudget) {
  const uint64_t inputs = steps_of_inputs();
  for (const char* search : kQuadraticSearches) {
    ContextOptions options;
    options.max_steps = inputs + 1000;  // the inputs, and not the search
    Context ctx(options);
    RunOutcome outcome = run_with_budget(ctx, quadratic_program(search));
    ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal) << search;
    EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded) << search;
  }
}

}  // namespace
}  // namespace raya::vm
