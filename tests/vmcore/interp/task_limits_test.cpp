// Every limit of VmOptions at its exact boundary — maxTasks, maxHeapBytes,
// maxStepBudget, maxCallDepth — and the VmStats counters that report on
// them. Language tests show that a limit exists; these show where exactly
// it lies: N fits, N + 1 does not.
#include <string>
#include <vector>

#include "tests/vmcore/api/vm_context_test_support.hpp"
#include "tests/vmcore/interp/context_test_support.hpp"

namespace raya::vm {
namespace {

using namespace vm_context_test;  // NOLINT: test helpers
using context_test::run_program;

messages::VmOptions with_max_tasks(uint32_t n, bool terminate = false) {
  messages::VmOptions o;
  o.max_tasks = n;
  o.terminate_on_task_limit = terminate;
  return o;
}

std::string task_limit_message(uint32_t n) {
  return "cannot create task: limit of " + std::to_string(n) + " live tasks reached";
}

// --- the runtime's own code ----------------------------------------------------------------------

TEST(TaskLimits, TheBuiltInPreludeIsChargedToNoLimitOfTheProgram) {
  // Regression test (fixed): the prelude (the higher-order builtins written
  // in Raya) runs as a task inside every new context, and it ran under the
  // program's limits: with maxCpuTimeMs 0 or maxTasks 0 every context was
  // dead on arrival with "the built-in prelude failed to initialise", and a
  // step budget below the prelude's own ~25 steps only worked because a
  // finishing task could overspend it.
  struct Case {
    const char* what;
    messages::VmOptions options;
    ErrorCode program_error;  // what the program itself then runs into
  };
  std::vector<Case> cases(4);
  cases[0] = {"maxStepBudget 1", {}, ErrorCode::StepBudgetExceeded};
  cases[0].options.max_step_budget = 1;
  cases[1] = {"maxCpuTimeMs 0", {}, ErrorCode::CpuTimeExceeded};
  cases[1].options.max_cpu_time_ms = 0;
  cases[2] = {"maxTasks 0", {}, ErrorCode::TaskLimitExceeded};
  cases[2].options.max_tasks = 0;
  cases[3] = {"maxTasks 0, terminating", {}, ErrorCode::TaskLimitExceeded};
  cases[3].options.max_tasks = 0;
  cases[3].options.terminate_on_task_limit = true;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    VmContext vm(c.options);
    EXPECT_EQ(vm.fatal(), nullptr) << vm.fatal()->to_string();
    messages::VmStats s = vm.stats();
    EXPECT_EQ(s.steps_executed, 0u);
    EXPECT_EQ(s.cpu_time_us, 0u);
    EXPECT_EQ(s.tasks_created, 0u);
    EXPECT_EQ(s.tasks, 0u);
    Result<TaskId> loaded = vm.load_source("main.raya", "let s = 0;\nfor (let i = 0; i < 1000; i++) s += i;\nreturn s;\n");
    if (!loaded.ok()) {
      // The top-level task itself is over the task limit.
      EXPECT_TRUE(loaded.error().code == c.program_error || loaded.error().name == "TaskLimitExceeded")
          << loaded.error().to_string();
      continue;
    }
    RunOutcome r;
    while ((r = vm.run(1u << 20)).kind == Kind::Yielded) {
    }
    EXPECT_EQ(r.kind, Kind::Fatal);
    ASSERT_NE(vm.fatal(), nullptr);
    EXPECT_EQ(vm.fatal()->code, c.program_error);
  }
}

TEST(TaskLimits, ACallDepthOfTwoIsEnoughForTopLevelCodeAndBuiltins) {
  // Top-level code runs at depth 2: a bundle's <entry> function calls each
  // module's initialisation. The prelude's initialisation is not limited.
  messages::VmOptions options;
  options.max_call_depth = 2;
  Embedding e(options);
  EXPECT_EQ(e.vm.fatal(), nullptr) << e.vm.fatal()->to_string();
  e.load_and_run("const xs = [3, 1, 2];\nexport function main() { return [Math.max(...xs), JSON.stringify(xs)]; }\n");
  // main is depth 1; native builtins take no frame of their own.
  EXPECT_EQ(json(e.call("main")), json(M(MArray{3, "[3,1,2]"})));
}

// --- maxTasks ----------------------------------------------------------------------------------

/// Creates tasks, each blocked on a `hold` host call, until one is refused,
/// then reports through the `pause` host call how many it made: at that
/// point every task created is live.
constexpr const char* kFillTasks = R"(
import { hold, pause } from "host:";
async function idle(i) { hold(i); return i; }
const handles = [];
let caught = null;
try {
  for (let i = 0; i < 1000; i++) handles.push(idle(i));
} catch (e) {
  caught = e;
}
pause(handles.length);
const values = await handles;
return [handles.length, caught.name, caught.message, caught instanceof Error, values.length];
)";

TEST(TaskLimits, WithMaxTasksNExactlyNTasksAreLiveCountingTheTopLevelTask) {
  for (uint32_t n : {1u, 2u, 5u, 64u}) {
    SCOPED_TRACE("maxTasks " + std::to_string(n));
    Embedding e(with_max_tasks(n), {"hold", "pause"});
    TaskId main = e.load(kFillTasks);
    EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
    ASSERT_EQ(e.requests.size(), n);
    // The top-level task (it asks first) and n - 1 blocked ones: the limit, exactly.
    EXPECT_EQ(e.requests.front().capability, "pause");
    EXPECT_EQ(json(e.requests.front().args), json(M(MArray{M(int64_t(n) - 1)})));
    EXPECT_EQ(e.vm.stats().tasks, n);
    for (const HostRequest& r : e.requests) ASSERT_TRUE(e.vm.complete(r.id, M()).ok());
    e.requests.clear();
    EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
    EXPECT_EQ(json(e.expect_value(main)), json(M(MArray{M(int64_t(n) - 1), M("TaskLimitExceeded"), M(task_limit_message(n)), M(true), M(int64_t(n) - 1)})));
    EXPECT_EQ(e.vm.stats().tasks, 0u);
    EXPECT_EQ(e.vm.fatal(), nullptr);
  }
}

TEST(TaskLimits, FinishedTasksFreeTheirSlots) {
  Embedding e(with_max_tasks(3));
  TaskId main = e.load(R"(
async function idle(i) { return i; }
let total = 0;
for (let round = 0; round < 50; round++) {
  const a = idle(round);
  const b = idle(1);
  let refused = false;
  try { idle(2); } catch (e) { refused = e.name === "TaskLimitExceeded"; }
  if (!refused) return "round " + round + " was not full";
  total += (await a) + (await b);
}
return total;
)");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(main)), json(M(50 * 49 / 2 + 50)));
  EXPECT_EQ(e.vm.stats().tasks_created, 1u + 100u);
}

TEST(TaskLimits, TasksBlockedOnTimersKeepTheirSlotsUntilTheyFinish) {
  Embedding e(with_max_tasks(3));
  e.load_and_run(R"(
import { sleep } from "raya:task";
async function nap(i) { await sleep(10); return i; }
const naps = [];
export function start() { naps.push(nap(naps.length)); return naps.length; }
export async function collect() { return (await naps.splice(0, naps.length)).length; }
)");
  EXPECT_EQ(json(e.call("start")), json(M(1)));
  EXPECT_EQ(json(e.call("start")), json(M(2)));
  EXPECT_EQ(e.requests.size(), 2u);
  // Two sleeping tasks and the export call itself: the third nap is refused.
  TaskId refused = e.start("start");
  e.run_until_idle();
  messages::Error err = e.expect_error(refused);
  EXPECT_EQ(err.name, "TaskLimitExceeded");
  EXPECT_EQ(err.message, task_limit_message(3));
  for (const HostRequest& r : e.requests) ASSERT_TRUE(e.vm.complete(r.id, M()).ok());
  e.requests.clear();
  EXPECT_EQ(json(e.call("collect")), json(M(2)));
  EXPECT_EQ(json(e.call("start")), json(M(1)));
}

TEST(TaskLimits, AnExportCallOverTheLimitIsATaskThatFailedWithTaskLimitExceeded) {
  // Context::start_export_call: "a failure to start (e.g. the task limit)
  // gives a task that has already failed"; the context goes on.
  Embedding e(with_max_tasks(2), {"wait"});
  e.load_and_run("import { wait } from \"host:\";\nexport function block() { return wait(); }\n");
  e.start("block");
  e.start("block");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  EXPECT_EQ(e.vm.stats().tasks, 2u);
  TaskId third = e.start("block");
  e.run_until_idle();
  messages::Error err = e.expect_error(third);
  EXPECT_EQ(err.name, "TaskLimitExceeded");
  EXPECT_EQ(err.message, task_limit_message(2));
  EXPECT_EQ(err.task_id, third);
  EXPECT_EQ(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.stats().tasks, 2u);
  EXPECT_EQ(e.requests.size(), 2u);
}

TEST(TaskLimits, TerminateOnTaskLimitEndsTheContextWithTheLimitAndTheCountAsked) {
  Embedding e(with_max_tasks(4, /*terminate=*/true));
  TaskId main = e.load(R"(
async function idle(i) { return i; }
const handles = [];
try {
  for (let i = 0; i < 10; i++) handles.push(idle(i));
} catch (e) {
  return "caught: must not happen";
}
return "not reached";
)");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Fatal);
  EXPECT_EQ(e.done.count(main), 0u);
  ASSERT_NE(e.vm.fatal(), nullptr);
  const messages::Error& fatal = *e.vm.fatal();
  EXPECT_EQ(fatal.code, ErrorCode::TaskLimitExceeded);
  EXPECT_EQ(fatal.message, task_limit_message(4));
  EXPECT_EQ(fatal.limit, 4u);
  EXPECT_EQ(fatal.used, 5u);
  EXPECT_EQ(e.vm.stats().tasks, 4u);
  Result<TaskId> again = e.vm.load_source("main.raya", "return 1;\n");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::TaskLimitExceeded);
}

TEST(TaskLimits, TerminateOnTaskLimitAlsoAppliesToExportCalls) {
  Embedding e(with_max_tasks(1, /*terminate=*/true), {"wait"});
  e.load_and_run("import { wait } from \"host:\";\nexport function block() { return wait(); }\n");
  e.start("block");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  Result<TaskId> second = e.vm.start("block", {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::TaskLimitExceeded);
  EXPECT_EQ(second.error().limit, 1u);
  EXPECT_EQ(second.error().used, 2u);
  EXPECT_EQ(e.vm.run(1000).kind, Kind::Fatal);
}

// --- maxHeapBytes ------------------------------------------------------------------------------

/// keep(n) holds n small objects (and the array holding them) in `held`;
/// litter(n) makes n objects of garbage in a task of its own, so that when
/// it is done nothing refers to them (see the disabled test below for why
/// garbage made earlier in the same task would not do).
constexpr std::string_view kKeepProgram = R"(
let held = null;
export function keep(n) {
  const kept = new Array(n);
  for (let i = 0; i < n; i++) kept[i] = { v: i };
  held = kept;
  return n;
}
export function litter(n) {
  let last = null;
  for (let i = 0; i < n; i++) last = { a: i, b: [i, i, i] };
  return n;
}
)";

struct HeapProbe {
  bool finished = false;  // keep(n) returned
  Error fatal;
  uint64_t live_after = 0;  // bytes used after a full collection at the end
  uint64_t peak = 0;
  uint64_t gc_count = 0;
};

/// A fresh context limited to `limit` bytes: litter(garbage), then
/// keep(kept). Some litter always runs, so that what it leaves behind that
/// is not garbage (its shapes, its inline caches) is there in every probe.
HeapProbe probe_heap(uint64_t limit, int kept, int garbage = 1) {
  ContextOptions options;
  options.max_heap_bytes = limit;
  Context ctx(options);
  HeapProbe p;
  if (run_program(ctx, kKeepProgram).kind != Kind::Done) {
    p.fatal = ctx.fatal();
    return p;
  }
  EXPECT_TRUE(ctx.start_export_call("litter", {Value::int32(garbage)}));
  EXPECT_EQ(ctx.run_to_completion().kind, Kind::Done) << ctx.fatal().to_string();
  EXPECT_TRUE(ctx.start_export_call("keep", {Value::int32(kept)}));
  p.finished = ctx.run_to_completion().kind == Kind::Done && ctx.main_task()->state == TaskState::Done;
  p.fatal = ctx.fatal();
  p.peak = ctx.heap().stats().peak_bytes;
  p.gc_count = ctx.heap().stats().gc_count;
  if (p.finished) {
    ctx.heap().collect();
    p.live_after = ctx.heap().bytes_used();
  }
  return p;
}

/// What an unlimited context holds once the program is loaded.
uint64_t loaded_live_bytes() {
  Context ctx;
  EXPECT_EQ(run_program(ctx, kKeepProgram).kind, Kind::Done);
  ctx.heap().collect();
  return ctx.heap().bytes_used();
}

/// The largest n for which keep(n) fits under `limit` (binary search: more
/// objects never need less heap).
int largest_kept_that_fits(uint64_t limit) {
  int fits = 0, fails = int(limit / 8);  // the array alone outgrows the limit
  EXPECT_FALSE(probe_heap(limit, fails).finished);
  while (fits + 1 < fails) {
    int mid = fits + (fails - fits) / 2;
    (probe_heap(limit, mid).finished ? fits : fails) = mid;
  }
  return fits;
}

TEST(TaskLimits, AHeapLimitAdmitsALiveSetJustUnderItAndRefusesOneObjectMore) {
  const uint64_t limit = loaded_live_bytes() + 24 * 1024;
  const int k = largest_kept_that_fits(limit);
  ASSERT_GT(k, 100);
  HeapProbe fits = probe_heap(limit, k);
  ASSERT_TRUE(fits.finished) << fits.fatal.to_string();
  EXPECT_LE(fits.peak, limit);
  EXPECT_LE(fits.live_after, limit);
  // Just under: less than one more object and array slot (at most 64 bytes
  // each, as charged) plus the frame of the call is left over.
  EXPECT_LT(limit - fits.live_after, 512u) << "live " << fits.live_after << " of " << limit;

  HeapProbe over = probe_heap(limit, k + 1);
  EXPECT_FALSE(over.finished);
  EXPECT_EQ(over.fatal.code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(over.fatal.limit, limit);
  EXPECT_GT(over.fatal.used, limit);  // live data after a collection + the request
  EXPECT_LE(over.peak, limit);
}

TEST(TaskLimits, GarbageDoesNotCountTowardsTheHeapLimitBecauseACollectionComesFirst) {
  const uint64_t limit = loaded_live_bytes() + 24 * 1024;
  const int k = largest_kept_that_fits(limit);
  // Many times the limit in garbage first: every byte of it must be
  // collected before a decision, so the boundary does not move. (Collecting
  // at every allocation, twice the limit makes as many decisions.)
#ifdef RAYA_GC_STRESS
  const int garbage = int(2 * limit / 64);
#else
  const int garbage = int(20 * limit / 64);
#endif
  HeapProbe fits = probe_heap(limit, k, garbage);
  EXPECT_TRUE(fits.finished) << fits.fatal.to_string();
  EXPECT_GT(fits.gc_count, 10u);
  HeapProbe over = probe_heap(limit, k + 1, garbage);
  EXPECT_FALSE(over.finished);
  EXPECT_EQ(over.fatal.code, ErrorCode::HeapLimitExceeded);
}

TEST(TaskLimits, DeadRegistersOfReturnedCallsDoNotCountTowardsTheHeapLimit) {
  // The collector marks a task's registers up to its live extent (frames and
  // argument windows) and clears the rest, so the locals of calls that have
  // returned are garbage (they used to stay reachable). Here inner()'s
  // 160 KB array is garbage once temp() returns, so main()'s next 160 KB
  // array fits a limit with room for one: DESIGN.md, "a context fails
  // maxHeapBytes only if the live data after a full collection plus the
  // request does not fit".
  constexpr std::string_view kProgram = R"(
function inner() { const a = 1, b = 2, c = 3; const big = new Array(20000); return big.length + a + b + c - 6; }
function temp() { const x = 1, y = 2; return inner() + x + y - 3; }
export function main() {
  const n = temp();
  const again = new Array(20000);
  return n + again.length;
}
)";
  Context probe;
  ASSERT_EQ(run_program(probe, kProgram).kind, Kind::Done);
  probe.heap().collect();
  ContextOptions options;
  options.max_heap_bytes = probe.heap().bytes_used() + 240 * 1024;  // room for one array, not two
  Context ctx(options);
  ASSERT_EQ(run_program(ctx, kProgram).kind, Kind::Done);
  ASSERT_TRUE(ctx.start_export_call("main", {}));
  EXPECT_EQ(ctx.run_to_completion().kind, Kind::Done) << ctx.fatal().to_string();
}

// --- maxStepBudget -----------------------------------------------------------------------------

/// The steps `source` takes to run to its end in an unlimited context.
uint64_t steps_to_finish(const std::string& source) {
  Embedding e;
  TaskId id = e.load(source);
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  e.expect_value(id);
  EXPECT_EQ(e.steps, e.vm.stats().steps_executed);
  return e.vm.stats().steps_executed;
}

/// Runs `source` under a step budget: the error that ended it, if any.
const messages::Error* run_with_step_budget(Embedding& e, const std::string& source, uint64_t slice) {
  TaskId id = e.load(source);
  if (e.run_until_idle(slice).kind == Kind::Done) e.expect_value(id);
  return e.vm.fatal();
}

TEST(TaskLimits, AStepBudgetOfExactlyTheStepsAProgramTakesIsEnoughAndOneLessIsNot) {
  const std::vector<std::string> programs = {
      // straight-line code to the end
      "const a = 1;\nconst b = a + 2;\nconst c = [a, b, a * b];\nreturn c.length + b * 3;\n",
      // a loop, then a few straight-line steps
      "let s = 0;\nfor (let i = 0; i < 300; i++) s += i % 7;\nconst t = s * 2;\nreturn t + 1;\n",
      // tasks, awaits and adoption
      "async function f(i) { return i * 2; }\nasync function g(i) { return f(i); }\nlet t = 0;\n"
      "for (let i = 0; i < 10; i++) t += await g(i);\nreturn t;\n",
      // a builtin that charges for its work
      "const s = \"ab\".repeat(5000);\nreturn s.length;\n",
  };
  for (const std::string& program : programs) {
    SCOPED_TRACE(program);
    const uint64_t steps = steps_to_finish(program);
    for (uint64_t slice : {uint64_t(1) << 20, uint64_t(37)}) {
      SCOPED_TRACE("slices of " + std::to_string(slice));
      messages::VmOptions exact;
      exact.max_step_budget = steps;
      Embedding enough(exact);
      const messages::Error* none = run_with_step_budget(enough, program, slice);
      EXPECT_EQ(none, nullptr) << none->to_string();
      EXPECT_EQ(enough.vm.stats().steps_executed, steps);

      messages::VmOptions one_less;
      one_less.max_step_budget = steps - 1;
      Embedding short_by_one(one_less);
      const messages::Error* fatal = run_with_step_budget(short_by_one, program, slice);
      if (fatal == nullptr) {
        ADD_FAILURE() << "finished in " << short_by_one.vm.stats().steps_executed << " steps with a budget of "
                      << steps - 1;
        continue;
      }
      EXPECT_EQ(fatal->code, ErrorCode::StepBudgetExceeded);
      EXPECT_EQ(fatal->limit, steps - 1);
    }
  }
}

TEST(TaskLimits, TheStepBudgetIsSharedByEveryTaskAndEveryCall) {
  const std::string program =
      "async function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\n"
      "export async function work(n) { return (await [spin(n), spin(n)]).length; }\n";
  Embedding probe;
  probe.load_and_run(program);
  const uint64_t load_steps = probe.vm.stats().steps_executed;
  probe.call("work", {M(200)});
  const uint64_t call_steps = probe.vm.stats().steps_executed - load_steps;
  // Room for the load and exactly three calls.
  messages::VmOptions options;
  options.max_step_budget = load_steps + 3 * call_steps;
  Embedding e(options);
  e.load_and_run(program);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(json(e.call("work", {M(200)})), json(M(2)));
  EXPECT_EQ(e.vm.stats().steps_executed, options.max_step_budget);
  TaskId fourth = e.start("work", {M(200)});
  EXPECT_EQ(e.run_until_idle().kind, Kind::Fatal);
  EXPECT_EQ(e.done.count(fourth), 0u);
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::StepBudgetExceeded);
}

// --- maxCallDepth ------------------------------------------------------------------------------

/// probe(): the depth at which a RangeError stopped the recursion (the
/// export call's own frame is depth 1). nest(k) needs exactly k frames.
constexpr const char* kDepthProgram = R"(
let deepest = 0;
function down(n) { deepest = n; down(n + 1); }
export function probe() {
  try {
    down(2);
  } catch (e) {
    return [e.name, e.message, deepest];
  }
  return "no error";
}
export function nest(k) { return k <= 1 ? 1 : 1 + nest(k - 1); }
)";

TEST(TaskLimits, MaxCallDepthFromVmOptionsAllowsExactlyThatManyFrames) {
  for (uint32_t depth : {2u, 3u, 10u, 250u}) {
    SCOPED_TRACE("maxCallDepth " + std::to_string(depth));
    messages::VmOptions options;
    options.max_call_depth = depth;
    Embedding e(options);
    e.load_and_run(kDepthProgram);
    EXPECT_EQ(json(e.call("probe")), json(M(MArray{"RangeError", "Maximum call stack size exceeded", M(int64_t(depth))})));
    EXPECT_EQ(json(e.call("nest", {M(int64_t(depth))})), json(M(int64_t(depth))));
    TaskId too_deep = e.start("nest", {M(int64_t(depth) + 1)});
    e.run_until_idle();
    messages::Error err = e.expect_error(too_deep);
    EXPECT_EQ(err.name, "RangeError");
    EXPECT_EQ(e.vm.stats().limits.max_call_depth, depth);
    // Caught or not, the error leaves the context working.
    EXPECT_EQ(json(e.call("nest", {M(int64_t(depth))})), json(M(int64_t(depth))));
  }
}

TEST(TaskLimits, EveryTaskHasItsOwnCallDepth) {
  messages::VmOptions options;
  options.max_call_depth = 20;
  Embedding e(options);
  e.load_and_run(R"(
function nest(k) { return k <= 1 ? 1 : 1 + nest(k - 1); }
async function fresh(k) { return 1 + nest(k - 1); }
function deepThenSpawn(d, k) { return d <= 1 ? fresh(k) : deepThenSpawn(d - 1, k); }
export async function main() { return await deepThenSpawn(19, 20); }
)");
  // main and 19 frames of deepThenSpawn: the limit; fresh and 19 frames of
  // nest in the new task: the limit again.
  EXPECT_EQ(json(e.call("main")), json(M(20)));
}

// --- VmStats -------------------------------------------------------------------------------------

TEST(TaskLimits, StatsCountLiveTasksAndEveryTaskCreated) {
  Embedding e(with_max_tasks(100), {"pause"});
  TaskId main = e.load(R"(
import { pause } from "host:";
async function leaf(i) { return pause(i); }
async function branch(i) { return (await [leaf(i), leaf(i + 1)]).length; }
const top = [branch(0), branch(10), branch(20)];
return (await top).length;
)");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  // The top-level task, 3 branches, 6 leaves: all created, all live.
  messages::VmStats s = e.vm.stats();
  EXPECT_EQ(s.tasks, 10u);
  EXPECT_EQ(s.tasks_created, 10u);
  ASSERT_EQ(e.requests.size(), 6u);
  std::vector<HostRequest> reqs = e.requests;
  e.requests.clear();
  for (size_t i = 0; i < reqs.size(); ++i) {
    ASSERT_TRUE(e.vm.complete(reqs[i].id, M()).ok());
    e.run_until_idle();
    // A leaf finishes; the second leaf of a branch finishes its branch too.
    const uint64_t expected_live = 10 - (i + 1) - (i + 1) / 2 - (i == 5 ? 1 : 0);
    EXPECT_EQ(e.vm.stats().tasks, expected_live) << "after " << i + 1 << " completions";
  }
  EXPECT_EQ(json(e.expect_value(main)), json(M(3)));
  EXPECT_EQ(e.vm.stats().tasks, 0u);
  EXPECT_EQ(e.vm.stats().tasks_created, 10u);
  e.load_and_run("export function f() { return 1; }\n");
  e.call("f");
  EXPECT_EQ(e.vm.stats().tasks_created, 12u);
}

TEST(TaskLimits, StepsExecutedIsTheSumOfTheStepsEveryRunReported) {
  Embedding e;
  e.load(R"(
import { yieldNow } from "raya:task";
async function count(n) { let s = 0; for (let i = 0; i < n; i++) { s += i; if (i % 50 === 0) await yieldNow(); } return s; }
return (await [count(1000), count(700), count(1300)]).length;
)");
  uint64_t sum = 0;
  RunOutcome r;
  int slices = 0;
  do {
    r = e.vm.run(333);
    sum += r.steps;
    ++slices;
  } while (r.kind == Kind::Yielded && slices < 100000);
  EXPECT_EQ(r.kind, Kind::Done);
  EXPECT_GT(slices, 10);
  EXPECT_EQ(e.vm.stats().steps_executed, sum);
}

TEST(TaskLimits, GcCountGrowsWithGarbageAndPeakHeapBytesIsNeverBelowTheCurrentUse) {
  Embedding e;
  e.load_and_run(R"(
let kept = [];
export function churn(n) {
  for (let i = 0; i < n; i++) { const o = { i, text: "item " + i }; if (i % 100 === 0) kept.push(o); }
  return kept.length;
}
export function drop() { kept = []; return 0; }
)");
#ifdef RAYA_GC_STRESS
  constexpr int kObjects = 1000;  // every allocation collects anyway
#else
  constexpr int kObjects = 20000;
#endif
  messages::VmStats before = e.vm.stats();
  EXPECT_GE(before.peak_heap_bytes, before.heap_bytes_used);
  uint64_t highest_seen = before.heap_bytes_used;
  for (int round = 0; round < 5; ++round) {
    e.call("churn", {M(kObjects)});
    messages::VmStats s = e.vm.stats();
    EXPECT_GE(s.peak_heap_bytes, s.heap_bytes_used);
    highest_seen = std::max(highest_seen, s.heap_bytes_used);
    EXPECT_GE(s.peak_heap_bytes, highest_seen);
  }
  messages::VmStats after = e.vm.stats();
  EXPECT_GT(after.gc_count, before.gc_count);
  EXPECT_GE(after.gc_pause_us_total, after.gc_pause_us_max);
  e.call("drop");
  EXPECT_GE(e.vm.stats().peak_heap_bytes, after.peak_heap_bytes);  // a high-water mark never falls
}

TEST(TaskLimits, StatsReportTheLimitsTheContextWasCreatedWith) {
  messages::VmOptions options;
  options.max_heap_bytes = 12345678;
  options.max_tasks = 42;
  options.max_step_budget = 987654321;
  options.max_cpu_time_ms = 4321;
  options.max_call_depth = 321;
  options.terminate_on_task_limit = true;
  options.random_seed = 99;
  VmContext vm(options);
  EXPECT_EQ(vm.stats().limits, options);
  vm.terminate();
  EXPECT_EQ(vm.stats().limits, options);
}

}  // namespace
}  // namespace raya::vm
