// Context limits: the step budget, budget slices and the heap limit (the
// rest of the Context tests are in context_test.cpp).
#include "tests/vmcore/interp/context_test_support.hpp"

namespace raya::vm {
namespace {

using namespace context_test;  // NOLINT: test helpers

// --- step budget ------------------------------------------------------------------------------

TEST(Context, InfiniteLoopEndsWithStepBudgetExceeded) {
  ContextOptions options;
  options.max_steps = 100000;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, "let i = 0;\nwhile (true) {\n  i = i + 1;\n}\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_EQ(ctx.fatal().limit, 100000u);
  // Fuel is checked at back-edges, so the overshoot is at most one loop body.
  EXPECT_GE(ctx.steps_executed(), 100000u);
  EXPECT_LE(ctx.steps_executed(), 100000u + 20);
  EXPECT_EQ(ctx.fatal().used, ctx.steps_executed());
  EXPECT_EQ(outcome.steps, ctx.steps_executed());
  EXPECT_EQ(ctx.main_task()->state, TaskState::Ready);  // stopped, not failed
}

TEST(Context, InfiniteRecursionWithoutBackEdgesIsAlsoStoppedByTheStepBudget) {
  // Fuel is also checked at calls: a loop made of calls cannot escape it.
  ContextOptions options;
  options.max_steps = 50000;
  options.max_call_depth = 1u << 30;
  options.max_heap_bytes = 256ull << 20;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, "function f(n: number): number { return f(n + 1) + 1; }\nf(0);\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_LE(ctx.steps_executed(), 50000u + 20);
}

TEST(Context, GetterRecursionWithoutBackEdgesIsStoppedByTheStepBudget) {
  // Regression test (fixed): fuel is checked at backward jumps and at call instructions, but a
  // getter (or setter) invoked by GetProp/SetProp pushes a frame without a
  // fuel check, and neither returns nor handler jumps check it. A getter
  // that reads itself twice under a try/catch does exponential work with no
  // back-edge and no call instruction, so neither max_steps nor the slice
  // budget can stop it: with the default call depth it never ends (the CLI's
  // --max-steps and --timeout are both ignored). Here the call depth is
  // capped at 18 so that the run ends, after ~260,000 steps instead of the
  // 100,000 allowed.
  ContextOptions options;
  options.max_steps = 100000;
  options.max_call_depth = 18;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, R"(
const o = {
  get deep(): number {
    try {
      return this.deep + this.deep;
    } catch (e) {
      return 1;
    }
  },
};
return o.deep;
)");
  EXPECT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_LE(ctx.steps_executed(), 100000u + 100);
}

TEST(Context, ProgramFinishingWithinTheStepBudgetIsNotStopped) {
  ContextOptions options;
  options.max_steps = 1000000;
  Context ctx(options);
  Value v = result_of(ctx, "let s = 0;\nfor (let i = 0; i < 1000; i++) s += i;\nreturn s;\n");
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 499500);
  EXPECT_GT(ctx.steps_executed(), 1000u);
  EXPECT_LT(ctx.steps_executed(), 1000000u);
}

TEST(Context, StepBudgetIsCumulativeAcrossExportCalls) {
  ContextOptions options;
  options.max_steps = 20000;
  Context ctx(options);
  ASSERT_EQ(run_program(ctx, "export function work() {\n  let s = 0;\n  for (let i = 0; i < 1000; i++) s += i;\n"
                             "  return s;\n}\n")
                .kind,
            RunOutcome::Kind::Done);
  // Each call costs a few thousand steps: some calls finish, then the budget
  // runs out part-way through one.
  int finished = 0;
  RunOutcome last;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(ctx.start_export_call("work", {}));
    last = ctx.run_to_completion();
    if (last.kind != RunOutcome::Kind::Done) break;
    ++finished;
  }
  EXPECT_GT(finished, 0);
  EXPECT_LT(finished, 20);
  ASSERT_EQ(last.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

TEST(Context, ContextEndedByALimitRefusesFurtherWork) {
  ContextOptions options;
  options.max_steps = 1000;
  Context ctx(options);
  ASSERT_EQ(run_program(ctx, "export function ok() { return 1; }\nwhile (true) {}\n").kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.run(1000).kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Fatal);
  EXPECT_FALSE(ctx.start_export_call("ok", {}));
  std::shared_ptr<const Module> other = compile("return 1;\n");
  ASSERT_NE(other, nullptr);
  auto loaded = ctx.load(other);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::StepBudgetExceeded);
}

// --- budget slices --------------------------------------------------------------------------


TEST(Context, BudgetSliceYieldsAndResumesToTheRightAnswer) {
  Context ctx;
  std::shared_ptr<const Module> module = compile(kLongLoop);
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(ctx.load(module).ok());
  RunOutcome first = ctx.run(1000);
  ASSERT_EQ(first.kind, RunOutcome::Kind::Yielded);
  EXPECT_EQ(ctx.main_task()->state, TaskState::Ready);
  int slices = 1;
  uint64_t total_steps = first.steps;
  RunOutcome r = first;
  while (r.kind == RunOutcome::Kind::Yielded) {
    // A slice stops at the first back-edge or call after its budget is
    // spent: never much more than the budget, never less unless finished.
    EXPECT_GE(r.steps, 1000u);
    EXPECT_LE(r.steps, 1000u + 20);
    r = ctx.run(1000);
    total_steps += r.steps;
    ++slices;
    ASSERT_LT(slices, 10000) << "never finished";
  }
  ASSERT_EQ(r.kind, RunOutcome::Kind::Done);
  EXPECT_LE(r.steps, 1000u + 20);
  EXPECT_GT(slices, 20);
  EXPECT_EQ(total_steps, ctx.steps_executed());
  ASSERT_EQ(ctx.main_task()->state, TaskState::Done);
  ASSERT_TRUE(ctx.main_task()->result.is_int());
  EXPECT_EQ(ctx.main_task()->result.as_int(), expected_long_loop_total());
}

TEST(Context, SlicedRunExecutesExactlyAsManyStepsAsOneRun) {
  Context whole, sliced;
  Value v = result_of(whole, kLongLoop);
  ASSERT_TRUE(v.is_int());
  std::shared_ptr<const Module> module = compile(kLongLoop);
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(sliced.load(module).ok());
  RunOutcome r;
  do {
    r = sliced.run(777);
  } while (r.kind == RunOutcome::Kind::Yielded);
  ASSERT_EQ(r.kind, RunOutcome::Kind::Done);
  EXPECT_EQ(sliced.steps_executed(), whole.steps_executed());
  EXPECT_EQ(sliced.main_task()->result, v);
}

TEST(Context, SliceBudgetAndStepLimitTogetherStopAtTheLimit) {
  ContextOptions options;
  options.max_steps = 5000;
  Context ctx(options);
  std::shared_ptr<const Module> module = compile(kLongLoop);
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(ctx.load(module).ok());
  RunOutcome r;
  int yielded = 0;
  for (;;) {
    r = ctx.run(1000);
    if (r.kind != RunOutcome::Kind::Yielded) break;
    ++yielded;
    ASSERT_LT(yielded, 100);
  }
  ASSERT_EQ(r.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_GE(yielded, 3);
  EXPECT_GE(ctx.steps_executed(), 5000u);
  EXPECT_LE(ctx.steps_executed(), 5000u + 20);
}

TEST(Context, SliceBudgetOverspentByOneTaskIsNotGivenToTheNext) {
  // Regression test (fixed): Context::run computes the budget left for the next ready task as
  // `budget - outcome.steps` in unsigned arithmetic. Fuel is only checked
  // at back-edges and calls, so a task that finishes with straight-line
  // code can spend a few steps more than its budget; the subtraction then
  // wraps around and the next task runs with an unlimited slice. Here
  // run(10) runs the second task's infinite loop until the context's step
  // limit ends everything, instead of yielding after ~10 steps.
  std::string straight = "export function tail() {\n  let a = 1;\n";
  for (int i = 0; i < 30; ++i) straight += "  a = a * 3 + " + std::to_string(i) + ";\n";
  straight += "  return a;\n}\nexport function spin() { while (true) {} }\n";
  ContextOptions options;
  options.max_steps = 1000000;
  Context ctx(options);
  ASSERT_EQ(run_program(ctx, straight).kind, RunOutcome::Kind::Done);
  ASSERT_TRUE(ctx.start_export_call("tail", {}));
  ASSERT_TRUE(ctx.start_export_call("spin", {}));
  const uint64_t before = ctx.steps_executed();
  RunOutcome r = ctx.run(10);
  EXPECT_EQ(r.kind, RunOutcome::Kind::Yielded) << ctx.fatal().to_string();
  EXPECT_LT(ctx.steps_executed() - before, 200u);
}

// --- heap limit ---------------------------------------------------------------------------------

TEST(Context, GrowingArrayEndsWithHeapLimitExceeded) {
  ContextOptions options;
  options.max_heap_bytes = 2u << 20;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, "const kept: any[] = [];\nwhile (true) kept.push({ n: kept.length });\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(ctx.fatal().limit, 2u << 20);
  EXPECT_GT(ctx.fatal().used, ctx.fatal().limit);  // live data + the request
  EXPECT_LE(ctx.heap().bytes_used(), 2u << 20);
  EXPECT_LE(ctx.heap().stats().peak_bytes, 2u << 20);
  EXPECT_GT(ctx.heap().stats().gc_count, 0u);  // it collected before giving up
}

TEST(Context, DoublingStringEndsWithHeapLimitExceeded) {
  ContextOptions options;
  options.max_heap_bytes = 4u << 20;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, "let s = \"x\";\nwhile (true) s = s + s;\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::HeapLimitExceeded);
  EXPECT_LE(ctx.heap().bytes_used(), 4u << 20);
}

TEST(Context, StepsExecutedBeforeAHeapLimitAreCounted) {
  // Regression test (fixed): when a heap limit ends the run, Context::run_task catches VmFatal
  // with a default RunOutcome (steps = 0), so every step of that slice is
  // lost: steps_executed() stays 0 after a loop that ran ~100k instructions.
  ContextOptions options;
  options.max_heap_bytes = 2u << 20;
  Context ctx(options);
  RunOutcome outcome = run_program(ctx, "const kept: any[] = [];\nwhile (true) kept.push({ n: kept.length });\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  ASSERT_EQ(ctx.fatal().code, ErrorCode::HeapLimitExceeded);
  EXPECT_GT(ctx.steps_executed(), 10000u);
  EXPECT_EQ(outcome.steps, ctx.steps_executed());
}

TEST(Context, ShortLivedGarbageUnderATightHeapLimitDoesNotFail) {
  // Measure the live set of an idle context with the program loaded, then
  // allow only a little more. The program allocates many times the limit in
  // total, all of it garbage at once: it must pass because the collector
  // runs before the limit decision.
  constexpr std::string_view kChurn = R"(
let checksum = 0;
for (let i = 0; i < 30000; i++) {
  const point = { x: i, y: [i, i + 1, i + 2], label: "p" + i };
  checksum = (checksum + point.y[2] + point.label.length) % 1000003;
}
return checksum;
)";
  std::shared_ptr<const Module> module = compile(kChurn);
  ASSERT_NE(module, nullptr);
  uint64_t live_set = 0;
  {
    Context probe;
    ASSERT_TRUE(probe.load(module).ok());
    probe.heap().collect();
    live_set = probe.heap().bytes_used();
  }
  ContextOptions options;
  options.max_heap_bytes = live_set + 64 * 1024;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(module).ok());
  RunOutcome outcome = ctx.run_to_completion();
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Done) << ctx.fatal().to_string();
  ASSERT_EQ(ctx.main_task()->state, TaskState::Done);
  int64_t expected = 0;
  for (int64_t i = 0; i < 30000; ++i) {
    expected = (expected + i + 2 + int64_t(("p" + std::to_string(i)).size())) % 1000003;
  }
  ASSERT_TRUE(ctx.main_task()->result.is_number());
  EXPECT_EQ(ctx.main_task()->result.to_double(), double(expected));
  EXPECT_GT(ctx.heap().stats().gc_count, 10u);
  EXPECT_LE(ctx.heap().stats().peak_bytes, options.max_heap_bytes);
}

TEST(Context, HeapLimitBelowTheBuiltinsFailsTheFirstLoadCleanly) {
  // Builtins are created without a limit, so constructing the context
  // works; the first allocation that does not fit after a collection ends
  // it with HeapLimitExceeded instead of crashing.
  ContextOptions options;
  options.max_heap_bytes = 1024;
  Context ctx(options);
  std::shared_ptr<const Module> module = compile("return [1, 2, 3];\n");
  ASSERT_NE(module, nullptr);
  auto loaded = ctx.load(module);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(loaded.error().limit, 1024u);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(ctx.run(1000).kind, RunOutcome::Kind::Fatal);
}

/// call() passes six fresh objects through a spread into a rest parameter.
constexpr std::string_view kSpreadIntoRest = R"(
function keep(...xs: any[]) { return xs; }
const padding: number[] = [];
for (let i = 0; i < 4000; i++) padding.push(i);
export function call() {
  // The six objects end up far beyond the caller's registers; the last
  // spread overwrites the temporary that held their array.
  return keep(...padding, ...[{ v: 0 }, { v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }, { v: 5 }], ...[0]);
}
export function garbage() {
  let last: any = null;
  for (let i = 0; i < 20000; i++) last = { i };
  return 0;
}
)";

/// objects_live after a full collection, once `call()` of kSpreadIntoRest
/// has returned, with the heap limit set `limit_slack` bytes above the live
/// data before the call (0: no limit). -1 if the call did not finish.
int64_t live_objects_after_spread_call(uint64_t limit_slack, std::string* problem) {
  Context ctx;
  if (run_program(ctx, kSpreadIntoRest).kind != RunOutcome::Kind::Done) return -1;
  ctx.heap().collect();
  const uint64_t live = ctx.heap().bytes_used();
  if (!ctx.start_export_call("garbage", {}) || ctx.run_to_completion().kind != RunOutcome::Kind::Done) return -1;
  if (limit_slack != 0) ctx.heap().set_max_bytes(live + limit_slack);
  if (!ctx.start_export_call("call", {})) return -1;
  if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) return -1;
  Task* task = ctx.main_task();
  if (task->state != TaskState::Done || !is_array(task->result)) return -1;
  Array* xs = as_array(task->result);
  if (xs->length_ != 4007) *problem = "length " + std::to_string(xs->length_);
  ctx.heap().set_max_bytes(Heap::kUnlimited);
  ctx.heap().collect();
  return int64_t(ctx.heap().stats().objects_live);
}

TEST(Context, SpreadArgumentsCollectedIntoARestParameterSurviveACollection) {
  // Regression: for f(...args) into a `...rest` parameter, spread_arguments
  // copies the elements into the task stack above the caller's registers,
  // then enter_closure pushes the callee's frame and allocates the rest
  // array. The collector used to trace only each frame's own registers, so
  // if that allocation collected, elements beyond both frames were freed and
  // the rest array filled with dangling pointers (with RAYA_GC_STRESS every
  // such call lost them). Here a heap limit makes the collection happen at
  // the rest array for some limit in the scanned range: the objects the
  // result still references must survive, so after a final collection as
  // many objects are live as without any limit.
  std::string problem;
  const int64_t reference = live_objects_after_spread_call(0, &problem);
  ASSERT_GT(reference, 0);
  ASSERT_EQ(problem, "");
  for (uint64_t slack = 64 * 1024; slack <= 256 * 1024; slack += 8 * 1024) {
    const int64_t live = live_objects_after_spread_call(slack, &problem);
    if (live < 0) continue;  // the limit ended the run: acceptable
    EXPECT_EQ(live, reference) << "heap limit " << slack << " bytes above the live data";
    EXPECT_EQ(problem, "");
  }
}

}  // namespace
}  // namespace raya::vm
