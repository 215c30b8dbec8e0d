// The charging helpers of vmcore/builtins/cost.hpp: prices round up, chunks
// are paid before they run and never exceed kChunkSteps, copies over many
// chunks are exact in both directions (unshift and splice move overlapping
// ranges).
#include "vmcore/builtins/cost.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/vm_fatal.hpp"

namespace raya::vm::builtins {
namespace {

TEST(BuiltinCost, StepsForRoundUp) {
  EXPECT_EQ(steps_for(0, kPerUnits), 0u);
  EXPECT_EQ(steps_for(1, kPerUnits), 1u);
  EXPECT_EQ(steps_for(16, kPerUnits), 1u);
  EXPECT_EQ(steps_for(17, kPerUnits), 2u);
  EXPECT_EQ(steps_for(3, kPerAllocatingElement), 12u);
  EXPECT_EQ(steps_for(5, kPerMappedUnits), 2u);
}

TEST(BuiltinCost, ChargedChunksPayBeforeEachChunkAndStopEarly) {
  Context ctx;
  std::vector<std::pair<uint64_t, uint64_t>> chunks;
  charged_chunks(ctx, 3 * kChunkSteps + 5, kPerElement, [&](uint64_t b, uint64_t e) {
    chunks.push_back({b, e});
    return b < kChunkSteps;  // stop after the second chunk
  });
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0], std::make_pair(uint64_t(0), uint64_t(kChunkSteps)));
  EXPECT_EQ(chunks[1], std::make_pair(uint64_t(kChunkSteps), uint64_t(2 * kChunkSteps)));
}

// A budget stopping a loop between chunks is checked where it can happen:
// charge_steps ends a context only inside a running task (outside one, the
// embedding converting a result, it never throws), so the cost table
// (builtin_cost_table_test.cpp) runs every O(n) builtin from Raya code under
// a budget of half its price and expects StepBudgetExceeded.

TEST(BuiltinCost, CopyValuesIsExactOverManyChunksInBothDirections) {
  Context ctx;
  const uint64_t n = 3 * kChunkSteps + 17;
  std::vector<Value> v(n + 5);
  for (uint64_t i = 0; i < v.size(); ++i) v[i] = Value::int32(int32_t(i));
  copy_values(ctx, v.data() + 5, v.data(), n);  // overlapping, forward shift (unshift)
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(v[i + 5].as_int(), int32_t(i));
  for (uint64_t i = 0; i < v.size(); ++i) v[i] = Value::int32(int32_t(i));
  copy_values(ctx, v.data(), v.data() + 5, n);  // overlapping, backward shift (shift, splice)
  for (uint64_t i = 0; i < n; ++i) ASSERT_EQ(v[i].as_int(), int32_t(i + 5));
}

TEST(BuiltinCost, UnshiftAndSpliceOnLongArraysKeepEveryElement) {
  Context ctx;
  auto module = compiler::compile_source("main.raya",
                                         "const a = [];\n"
                                         "for (let i = 0; i < 20000; i++) a.push(i);\n"
                                         "a.unshift(-2, -1);\n"
                                         "a.splice(3, 2, 'x');\n"
                                         "a.shift();\n"
                                         "let bad = 0;\n"
                                         "if (a[0] !== -1 || a[1] !== 0 || a[2] !== 'x') bad++;\n"
                                         "for (let i = 3; i < a.length; i++) if (a[i] !== i) bad++;\n"
                                         "return bad * 100000 + a.length;\n");
  ASSERT_TRUE(module.ok());
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(std::move(module).value())).ok());
  ASSERT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Done);
  Task* task = ctx.main_task();
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->result.to_double(), 20000);
}

}  // namespace
}  // namespace raya::vm::builtins
