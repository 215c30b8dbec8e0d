// How a Context schedules its tasks, seen from outside where language tests
// cannot look: round-robin fairness in steps, a slice budget that holds
// however many tasks are ready, ten thousand tasks leaving nothing behind,
// one failure reaching every awaiter, chains of adopted tasks, and blocked
// tasks surviving collections (run this file under -DRAYA_GC_STRESS=ON too:
// then every allocation collects while tasks wait on each other).
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/vmcore/interp/context_test_support.hpp"

namespace raya::vm {
namespace {

using namespace context_test;  // NOLINT: test helpers
using Kind = RunOutcome::Kind;

/// Steps a task runs before the next ready task's turn (kTaskQuantum in
/// task_scheduler.cpp).
constexpr uint64_t kTaskQuantum = 10000;

/// Loads `source` and runs its top-level code as far as `budget` allows.
RunOutcome load_and_run(Context& ctx, std::string_view source, uint64_t budget) {
  std::shared_ptr<const Module> module = compile(source);
  if (module == nullptr) return RunOutcome{Kind::Fatal, 0};
  auto loaded = ctx.load(module);
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error().to_string();
    return RunOutcome{Kind::Fatal, 0};
  }
  return ctx.run(budget);
}

/// Element `i` of an array of ints (the result of a held task).
int64_t int_at(Value array, uint32_t i) {
  if (!is_array(array) || i >= as_array(array)->length_ || !as_array(array)->elements_[i].is_number()) {
    ADD_FAILURE() << "no number at index " << i;
    return -1;
  }
  return int64_t(as_array(array)->elements_[i].to_double());
}

/// Completes every host request issued so far with `value`; how many.
size_t complete_all(Context& ctx, const messages::Value& value) {
  std::vector<HostRequest> requests = ctx.take_host_requests();
  for (const HostRequest& r : requests) EXPECT_TRUE(ctx.complete_host_request(r.id, value).ok());
  return requests.size();
}

// --- fairness and slices ---------------------------------------------------------------------

/// Two tasks that spin forever, counting their loop iterations in the array
/// the top-level code returns.
constexpr std::string_view kTwoSpinners = R"(
const counts = [0, 0];
async function spin(slot) { while (true) counts[slot]++; }
spin(0);
spin(1);
return counts;
)";

/// |a - b| in loop iterations, as steps: the steps of the slices divided
/// among the iterations of both.
uint64_t step_difference(int64_t a, int64_t b, uint64_t steps) {
  const double steps_per_iteration = double(steps) / double(a + b);
  return uint64_t(double(std::llabs(a - b)) * steps_per_iteration);
}

TEST(TaskScheduling, TwoSpinningTasksGetStepsWithinOneQuantumOfEachOtherInOneRun) {
  Context ctx;
  const uint64_t budget = 20 * kTaskQuantum;
  RunOutcome r = load_and_run(ctx, kTwoSpinners, budget);
  ASSERT_EQ(r.kind, Kind::Yielded);
  EXPECT_GE(r.steps, budget);
  EXPECT_LE(r.steps, budget + 20);
  ASSERT_EQ(ctx.main_task()->state, TaskState::Done);
  const int64_t a = int_at(ctx.main_task()->result, 0), b = int_at(ctx.main_task()->result, 1);
  EXPECT_GT(a, 0);
  EXPECT_GT(b, 0);
  EXPECT_LE(step_difference(a, b, r.steps), kTaskQuantum) << a << " vs " << b << " iterations";
}

TEST(TaskScheduling, SlicesSmallerThanAQuantumTakeTurnsBetweenTasksToo) {
  // A task stopped by the end of a slice goes to the back of the queue, so
  // many short slices are shared as fairly as one long one.
  Context ctx;
  const uint64_t slice = 3000;
  uint64_t steps = load_and_run(ctx, kTwoSpinners, slice).steps;
  for (int i = 0; i < 99; ++i) {
    RunOutcome r = ctx.run(slice);
    ASSERT_EQ(r.kind, Kind::Yielded);
    steps += r.steps;
  }
  const int64_t a = int_at(ctx.main_task()->result, 0), b = int_at(ctx.main_task()->result, 1);
  EXPECT_LE(step_difference(a, b, steps), slice + 20) << a << " vs " << b << " iterations";
}

TEST(TaskScheduling, ASliceBudgetHoldsWithManyTasksThatYieldAtEveryStep) {
#ifdef RAYA_GC_STRESS
  constexpr int kTasks = 100;
#else
  constexpr int kTasks = 500;
#endif
  Context ctx;
  const std::string program = "import { yieldNow } from \"raya:task\";\n"
                              "async function worker() { for (let i = 0; i < 1000; i++) await yieldNow(); }\n"
                              "for (let i = 0; i < " + std::to_string(kTasks) + "; i++) worker();\n";
  const uint64_t budget = 5000;
  RunOutcome r = load_and_run(ctx, program, budget);
  for (int slice = 0; slice < 20; ++slice) {
    ASSERT_EQ(r.kind, Kind::Yielded);
    // A slice ends at the first safe point after its budget: never a
    // budget per task.
    EXPECT_GE(r.steps, budget);
    EXPECT_LE(r.steps, budget + 20);
    r = ctx.run(budget);
  }
  EXPECT_EQ(ctx.live_tasks(), size_t(kTasks));
}

TEST(TaskScheduling, ASliceBudgetHoldsWithManyTasksThatFinishAtOnce) {
#ifdef RAYA_GC_STRESS
  constexpr int kTasks = 200;
#else
  constexpr int kTasks = 2000;
#endif
  ContextOptions options;
  options.max_tasks = kTasks + 1;
  Context ctx(options);
  const std::string program = "let done = 0;\n"
                              "async function short(i) { const a = i * 2; const b = a + 1; done += b - a; }\n"
                              "for (let i = 0; i < " + std::to_string(kTasks) + "; i++) short(i);\n";
  // The top-level code takes turns with the tasks it has created so far.
  const uint64_t budget = 100;
  RunOutcome r = load_and_run(ctx, program, budget);
  int slices = 1;
  while (r.kind == Kind::Yielded) {
    EXPECT_GE(r.steps, budget);
    // A task that finishes on straight-line code may overspend its turn a
    // little; the next one does not get the overspent steps.
    EXPECT_LE(r.steps, budget + 20);
    r = ctx.run(budget);
    ++slices;
    ASSERT_LT(slices, 1000000);
  }
  EXPECT_EQ(ctx.live_tasks(), 0u);
  EXPECT_EQ(r.kind, Kind::Done);
  EXPECT_GT(slices, kTasks / 10);
}

// --- many tasks --------------------------------------------------------------------------------

constexpr std::string_view kManyTasks = R"(
async function work(i) { const box = { i, tag: "t" + i }; return box.i % 7; }
export async function many(n) {
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(work(i));
  const values = await handles;
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}
)";

/// Calls many(n) and returns its result (-1 if it did not finish).
int64_t call_many(Context& ctx, int n) {
  if (!ctx.start_export_call("many", {Value::int32(n)})) return -1;
  if (ctx.run_to_completion().kind != Kind::Done) return -1;
  Task* task = ctx.main_task();
  if (task->state != TaskState::Done || !task->result.is_number()) return -1;
  int64_t v = int64_t(task->result.to_double());
  ctx.release_task(task);
  return v;
}

TEST(TaskScheduling, TenThousandTasksCreatedAndAwaitedLeaveNoTaskAndNoHeapBehind) {
  // Collecting at every allocation makes this quadratic: fewer tasks there.
#ifdef RAYA_GC_STRESS
  constexpr int kTasks = 1000;
#else
  constexpr int kTasks = 10000;
#endif
  ContextOptions options;
  options.max_tasks = kTasks + 10;
  Context ctx(options);
  ASSERT_EQ(run_program(ctx, kManyTasks).kind, Kind::Done);
  ctx.release_task(ctx.main_task());
  // A first small call creates what stays (shapes, inline caches).
  int64_t expected_small = 0;
  for (int i = 0; i < 10; ++i) expected_small += i % 7;
  ASSERT_EQ(call_many(ctx, 10), expected_small);
  ctx.heap().collect();
  const uint64_t baseline = ctx.heap().bytes_used();
  const uint64_t peak_before = ctx.heap().stats().peak_bytes;
  const uint64_t created_before = ctx.stats().tasks_created;

  int64_t expected = 0;
  for (int i = 0; i < kTasks; ++i) expected += i % 7;
  ASSERT_EQ(call_many(ctx, kTasks), expected);
  EXPECT_EQ(ctx.live_tasks(), 0u);
  EXPECT_EQ(ctx.stats().tasks, 0u);
  EXPECT_EQ(ctx.stats().tasks_created, created_before + kTasks + 1);
  // They did exist at once: every task object was live at the peak.
  EXPECT_GT(ctx.heap().stats().peak_bytes, std::max(peak_before, baseline + kTasks * sizeof(Task)));
  ctx.heap().collect();
  EXPECT_LE(ctx.heap().bytes_used(), baseline + 1024) << "baseline " << baseline;
}

// --- failures and adoption -----------------------------------------------------------------------

TEST(TaskScheduling, AFailedTasksErrorReachesEveryAwaiter) {
  Context ctx;
  ctx.grant("gate");
  std::shared_ptr<const Module> module = compile(R"(
import { gate } from "host:";
async function fails() { gate(); throw new RangeError("shared failure"); }
const t = fails();
async function awaiter(i) {
  try {
    await t;
    return [i, null];
  } catch (e) {
    return [i, e];
  }
}
const results = await [awaiter(0), awaiter(1), awaiter(2)];
const first = results[0][1];
return [results.map((r) => r[0]).join(","), results.every((r) => r[1] === first),
        first instanceof RangeError, first.message];
)");
  ASSERT_NE(module, nullptr);
  ASSERT_TRUE(ctx.load(module).ok());
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  // All three are blocked on the failing task before it fails.
  EXPECT_EQ(ctx.live_tasks(), 5u);
  ASSERT_EQ(complete_all(ctx, messages::Value()), 1u);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  Value v = ctx.main_task()->result;
  ASSERT_TRUE(is_array(v));
  EXPECT_EQ(utf8_of(as_array(v)->elements_[0]), "0,1,2");
  EXPECT_EQ(as_array(v)->elements_[1], Value::boolean(true));
  EXPECT_EQ(as_array(v)->elements_[2], Value::boolean(true));
  EXPECT_EQ(utf8_of(as_array(v)->elements_[3]), "shared failure");
  EXPECT_TRUE(ctx.take_unobserved_failures().empty());
}

TEST(TaskScheduling, AwaitersThatDoNotCatchAllFailWithTheSameError) {
  Context ctx;
  ctx.grant("gate");
  ASSERT_EQ(run_program(ctx, R"(
import { gate } from "host:";
async function fails() { gate(); throw new TypeError("for everyone"); }
const t = fails();
export async function waitFor() { return await t; }
)")
                .kind,
            Kind::Waiting);
  std::vector<Task*> awaiters;
  for (int i = 0; i < 3; ++i) {
    Task* task = ctx.start_export_call("waitFor", {}, /*keep_finished=*/true);
    ASSERT_NE(task, nullptr);
    awaiters.push_back(task);
  }
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  for (Task* task : awaiters) EXPECT_EQ(task->state, TaskState::Blocked);
  ASSERT_EQ(complete_all(ctx, messages::Value()), 1u);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  for (Task* task : awaiters) {
    ASSERT_EQ(task->state, TaskState::Failed);
    EXPECT_EQ(task->exception, awaiters[0]->exception);  // the one error object
    Error e = ctx.task_error(task);
    EXPECT_EQ(e.name, "TypeError");
    EXPECT_EQ(e.message, "for everyone");
    EXPECT_EQ(e.task_id, task->id);
  }
  // The failing task was awaited; the awaiters are held by the embedding.
  EXPECT_TRUE(ctx.take_unobserved_failures().empty());
}

constexpr std::string_view kAdoptionChain = R"(
import { wait } from "host:";
async function c() { const v = wait(); if (v < 0) throw new Error("c failed with " + v); return v * 2; }
async function b() { return c(); }
async function a() { return b(); }
export async function main() {
  const ta = a();
  try {
    const v = await ta;
    return [v, ta.isDone()];
  } catch (e) {
    return [e.message, ta.isDone()];
  }
}
)";

TEST(TaskScheduling, AnAsyncFunctionReturningATaskReturningATaskGivesTheLastValue) {
  Context ctx;
  ctx.grant("wait");
  ASSERT_EQ(run_program(ctx, kAdoptionChain).kind, Kind::Done);
  Task* main = ctx.start_export_call("main", {});
  ASSERT_NE(main, nullptr);
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  // main awaits a, which adopts b, which adopts c, which waits on the host.
  EXPECT_EQ(ctx.live_tasks(), 4u);
  ASSERT_EQ(complete_all(ctx, messages::Value(21)), 1u);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  ASSERT_EQ(main->state, TaskState::Done);
  EXPECT_EQ(int_at(main->result, 0), 42);
  EXPECT_EQ(as_array(main->result)->elements_[1], Value::boolean(true));
  EXPECT_EQ(ctx.live_tasks(), 0u);
}

TEST(TaskScheduling, AFailureAtTheEndOfAnAdoptionChainReachesItsFirstTask) {
  Context ctx;
  ctx.grant("wait");
  ASSERT_EQ(run_program(ctx, kAdoptionChain).kind, Kind::Done);
  Task* main = ctx.start_export_call("main", {});
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  ASSERT_EQ(complete_all(ctx, messages::Value(-1)), 1u);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  ASSERT_EQ(main->state, TaskState::Done);
  Value v = main->result;
  ASSERT_TRUE(is_array(v));
  EXPECT_EQ(utf8_of(as_array(v)->elements_[0]), "c failed with -1");
  EXPECT_EQ(as_array(v)->elements_[1], Value::boolean(true));
  // Every task of the chain was observed through the adoption.
  EXPECT_TRUE(ctx.take_unobserved_failures().empty());
  EXPECT_EQ(ctx.live_tasks(), 0u);
}

TEST(TaskScheduling, AThousandTasksAdoptingEachOtherFinishTogether) {
  ContextOptions options;
  options.max_tasks = 2000;
  Context ctx(options);
  ctx.grant("wait");
  ASSERT_EQ(run_program(ctx, R"(
import { wait } from "host:";
async function leaf() { return wait(); }
async function level(n) { return n === 0 ? leaf() : level(n - 1); }
export async function main() { return await level(1000); }
)")
                .kind,
            Kind::Done);
  Task* main = ctx.start_export_call("main", {});
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  EXPECT_EQ(ctx.live_tasks(), 1003u);  // main, 1001 levels, the leaf
  ASSERT_EQ(complete_all(ctx, messages::Value("bottom")), 1u);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  ASSERT_EQ(main->state, TaskState::Done);
  EXPECT_EQ(utf8_of(main->result), "bottom");
  EXPECT_EQ(ctx.live_tasks(), 0u);
}

TEST(TaskScheduling, AdoptingATaskThatHasAlreadyFinishedGivesItsValueAtOnce) {
  Context ctx;
  Value v = result_of(ctx, R"(
import { yieldNow } from "raya:task";
async function early() { return { v: 5 }; }
const done = early();
await yieldNow();
async function wrap() { return done; }
const w = wrap();
return [done.isDone(), (await w).v, w.isDone()];
)");
  ASSERT_TRUE(is_array(v));
  EXPECT_EQ(as_array(v)->elements_[0], Value::boolean(true));
  EXPECT_EQ(int_at(v, 1), 5);
  EXPECT_EQ(as_array(v)->elements_[2], Value::boolean(true));
}

// --- collections while tasks wait ------------------------------------------------------------------

/// A chain of tasks each awaiting the one before it, the first waiting on the
/// host; tasks sleeping that nothing refers to; every one holds objects
/// across its wait and reads them afterwards.
constexpr std::string_view kBlockedTasks = R"(
import { wait } from "host:";
import { sleep } from "raya:task";
const finished = [];
async function bottom() { const keep = { text: "bottom", n: [1] }; const v = wait(); return keep.n[0] + v; }
async function link(prev, i) {
  const mine = { i, label: "link " + i, list: [i, i * 2] };
  const below = await prev;
  return below + mine.list[1] - mine.i + (mine.label === "link " + i ? 0 : 1000000);
}
async function orphan(i) {
  const mine = ["orphan", i, { twice: 2 * i }];
  await sleep(1);
  finished.push(mine[2].twice - mine[1]);
}
export function build(n) {
  let t = bottom();
  for (let i = 1; i <= n; i++) t = link(t, i);
  for (let i = 0; i < n; i++) orphan(i);
  return { t };
}
export async function result(holder) {
  const total = await holder.t;
  let sum = 0;
  for (const f of finished) sum += f;
  return [total, finished.length, sum];
}
)";

TEST(TaskScheduling, CollectionsWhileManyTasksAreBlockedOnEachOtherKeepThemAlive) {
#ifdef RAYA_GC_STRESS
  constexpr int kLinks = 100;
#else
  constexpr int kLinks = 300;
#endif
  ContextOptions options;
  options.max_tasks = 4 * kLinks;
  Context ctx(options);
  ctx.grant("wait");
  ASSERT_EQ(run_program(ctx, kBlockedTasks).kind, Kind::Done);
  Task* build = ctx.start_export_call("build", {Value::int32(kLinks)}, /*keep_finished=*/true);
  ASSERT_EQ(ctx.run(1u << 20).kind, Kind::Waiting);
  ASSERT_EQ(build->state, TaskState::Done);
  EXPECT_EQ(ctx.live_tasks(), size_t(2 * kLinks + 1));
  std::vector<HostRequest> requests = ctx.take_host_requests();
  ASSERT_EQ(requests.size(), size_t(kLinks + 1));  // one host call, kLinks timers

  // Collect repeatedly, with garbage in between, while nothing runs.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 1000; ++i) ctx.new_string_ascii("garbage made by the embedding");
    ctx.heap().collect();
  }
  const uint64_t gcs = ctx.heap().stats().gc_count;
  for (const HostRequest& r : requests)
    ASSERT_TRUE(ctx.complete_host_request(r.id, messages::Value(r.kind == HostRequest::Kind::Call ? 10 : 0)).ok());
  ctx.heap().collect();
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  EXPECT_GT(ctx.heap().stats().gc_count, gcs);

  Rooted<Value> holder(ctx, build->result);
  ctx.release_task(build);
  Task* result = ctx.start_export_call("result", {holder.get()}, /*keep_finished=*/true);
  ASSERT_EQ(ctx.run_to_completion().kind, Kind::Done);
  ASSERT_EQ(result->state, TaskState::Done) << ctx.task_error(result).to_string();
  // bottom: 1 + 10; each link adds 2i - i = i.
  EXPECT_EQ(int_at(result->result, 0), 11 + int64_t(kLinks) * (kLinks + 1) / 2);
  EXPECT_EQ(int_at(result->result, 1), kLinks);
  EXPECT_EQ(int_at(result->result, 2), int64_t(kLinks) * (kLinks - 1) / 2);
  EXPECT_EQ(ctx.live_tasks(), 0u);
}

}  // namespace
}  // namespace raya::vm
