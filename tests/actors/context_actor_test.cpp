// The context actor on a real actor system: its requests (load, run, spawn,
// await, cancel, stats, terminate), their failure replies, and many contexts
// working at once on two worker threads.
#include <gtest/gtest.h>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers

constexpr const char* kMath = R"(
export function f(x: number): number { return x + 1; }
export function sum(n: number): number { let s = 0; for (let i = 1; i <= n; i++) s += i; return s; }
export function thrower() { throw new Error("boom"); }
)";

context_actor fresh(TestSystem& sys, messages::VmOptions options = {}) {
  ContextSpec spec;
  spec.name = "t";
  spec.options = options;
  return spawn_context(*sys, std::move(spec));
}

TEST(ContextActor, LoadsSourceAndRunsAnExport) {
  TestSystem sys;
  context_actor c = fresh(sys);
  messages::LoadResult loaded = load(*sys, c, kMath, "math.raya");
  ASSERT_TRUE(loaded.ok) << describe(loaded.error);
  EXPECT_EQ(loaded.info.path, "math.raya");
  EXPECT_EQ(loaded.info.exports, (std::vector<std::string>{"f", "sum", "thrower"}));
  messages::TaskResult r = run(*sys, c, "f", {Value(41)});
  ASSERT_TRUE(r.ok) << describe(r.error);
  EXPECT_EQ(r.value, Value(42));
  EXPECT_NE(r.context_id, 0u);
  terminate(*sys, c);
}

TEST(ContextActor, CompileErrorIsALoadFailureAndTheContextStaysUsable) {
  TestSystem sys;
  context_actor c = fresh(sys);
  messages::LoadResult bad = load(*sys, c, "export function f( { return 1; }\n", "bad.raya");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error.code, ErrorCode::CompileError) << describe(bad.error);
  ASSERT_FALSE(bad.error.diagnostics.empty());
  EXPECT_EQ(bad.error.diagnostics.front().file, "bad.raya");
  ASSERT_TRUE(load(*sys, c, kMath).ok);
  EXPECT_EQ(run(*sys, c, "sum", {Value(10)}).value, Value(55));
  terminate(*sys, c);
}

TEST(ContextActor, SourceLoadsMayNotImportFilesFromDisk) {
  TestSystem sys;
  context_actor c = fresh(sys);
  messages::LoadResult r = load(*sys, c, "import { x } from \"./other.raya\";\nexport function f() { return x; }\n");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::CompileError) << describe(r.error);
  terminate(*sys, c);
}

TEST(ContextActor, RunningAMissingExportFailsThatRequestOnly) {
  TestSystem sys;
  context_actor c = fresh(sys);
  ASSERT_TRUE(load(*sys, c, kMath).ok);
  messages::TaskResult r = run(*sys, c, "nope");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::RuntimeError) << describe(r.error);
  EXPECT_EQ(run(*sys, c, "f", {Value(1)}).value, Value(2));
  terminate(*sys, c);
}

TEST(ContextActor, UncaughtThrowFailsTheTaskWithTheRayaErrorAndTheContextGoesOn) {
  TestSystem sys;
  context_actor c = fresh(sys);
  ASSERT_TRUE(load(*sys, c, kMath).ok);
  messages::TaskResult r = run(*sys, c, "thrower");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::RuntimeError);
  EXPECT_EQ(r.error.name, "Error");
  EXPECT_EQ(r.error.message, "boom");
  EXPECT_NE(r.error.stack.find("thrower"), std::string::npos) << r.error.stack;
  EXPECT_EQ(run(*sys, c, "f", {Value(2)}).value, Value(3));
  terminate(*sys, c);
}

TEST(ContextActor, FailureOfATaskNobodyAwaitsGoesToTheUnobservedFailureCallback) {
  TestSystem sys;
  auto seen = std::make_shared<std::promise<std::pair<uint64_t, messages::Error>>>();
  ContextSpec spec;
  spec.name = "orphans";
  spec.on_unobserved_failure = [seen](uint64_t context_id, const messages::Error& e) {
    seen->set_value({context_id, e});
  };
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c, R"(
async function lost() { throw new Error("nobody listens"); }
export function orphan(): number { lost(); return 1; }
)").ok);
  auto f = seen->get_future();
  messages::TaskResult r = run(*sys, c, "orphan");
  ASSERT_TRUE(r.ok) << describe(r.error);
  ASSERT_EQ(f.wait_for(kReplyTimeout), std::future_status::ready);
  auto [id, error] = f.get();
  EXPECT_EQ(id, r.context_id);
  EXPECT_EQ(error.name, "Error");
  EXPECT_EQ(error.message, "nobody listens");
  terminate(*sys, c);
}

TEST(ContextActor, SpawnedTaskIsAwaitedOnceItsResultThenIsGone) {
  TestSystem sys;
  context_actor c = fresh(sys);
  ASSERT_TRUE(load(*sys, c, kMath).ok);
  messages::Started started = spawn_task(*sys, c, "sum", {Value(100)});
  ASSERT_TRUE(started.ok) << describe(started.error);
  messages::TaskResult r = await_task(*sys, c, started.task_id);
  ASSERT_TRUE(r.ok) << describe(r.error);
  EXPECT_EQ(r.value, Value(5050));
  EXPECT_EQ(r.task_id, started.task_id);
  messages::TaskResult again = await_task(*sys, c, started.task_id);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.error.code, ErrorCode::RuntimeError) << describe(again.error);
  messages::TaskResult never = await_task(*sys, c, 987654);
  EXPECT_FALSE(never.ok);
  terminate(*sys, c);
}

TEST(ContextActor, CancelEndsASpinningTaskWithCancelled) {
  TestSystem sys;
  context_actor c = fresh(sys);
  ASSERT_TRUE(load(*sys, c, "export function spin() { while (true) {} }\nexport function one() { return 1; }\n").ok);
  messages::Started started = spawn_task(*sys, c, "spin");
  ASSERT_TRUE(started.ok);
  auto waiter = ask<messages::TaskResult>(*sys, c, await_atom::value, started.task_id);
  EXPECT_TRUE(call<bool>(*sys, c, cancel_atom::value, started.task_id));
  messages::TaskResult r = get(*sys, waiter);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.name, "Cancelled") << describe(r.error);
  EXPECT_FALSE(call<bool>(*sys, c, cancel_atom::value, started.task_id));
  EXPECT_EQ(run(*sys, c, "one").value, Value(1));
  terminate(*sys, c);
}

TEST(ContextActor, StatsCountStepsAndTerminateReturnsTheFinalOnesThenEverythingIsTerminated) {
  TestSystem sys;
  context_actor c = fresh(sys);
  ASSERT_TRUE(load(*sys, c, kMath).ok);
  ASSERT_TRUE(run(*sys, c, "sum", {Value(1000)}).ok);
  messages::VmStats s = stats(*sys, c);
  EXPECT_GT(s.steps_executed, 1000u);
  EXPECT_GT(s.heap_bytes_used, 0u);
  messages::VmStats last = terminate(*sys, c);
  EXPECT_GE(last.steps_executed, s.steps_executed);
  EXPECT_EQ(last.heap_bytes_used, 0u);
  // The actor has quit: a request gets CAF's error, not a hang.
  auto after = ask<messages::TaskResult>(*sys, c, run_atom::value, std::string("f"), ValueList{Value(1)});
  ASSERT_EQ(after.wait_for(kReplyTimeout), std::future_status::ready);
  EXPECT_FALSE(bool(after.get()));
}

TEST(ContextActor, TwoHundredContextsEachRunAFunctionConcurrently) {
  TestSystem sys;
  constexpr int kContexts = 200;
  std::vector<context_actor> contexts;
  std::vector<std::future<caf::expected<messages::LoadResult>>> loads;
  for (int i = 0; i < kContexts; ++i) {
    contexts.push_back(fresh(sys));
    // Each context gets its own constant, so a result from the wrong context shows.
    std::string text = "const k = " + std::to_string(i) + ";\n" +
                       "export function work(n: number): number { let s = 0; for (let i = 1; i <= n; i++) s += i; "
                       "return s * 1000 + k; }\n";
    loads.push_back(ask<messages::LoadResult>(*sys, contexts.back(), load_atom::value,
                                              messages::ModuleSource::from_source("c.raya", text)));
  }
  for (auto& l : loads) {
    messages::LoadResult r = get(*sys, l);
    ASSERT_TRUE(r.ok) << describe(r.error);
  }
  // Long enough (≈ 20 slices each) that the contexts interleave.
  constexpr int64_t n = 20'000;
  std::vector<std::future<caf::expected<messages::TaskResult>>> runs;
  for (int i = 0; i < kContexts; ++i) runs.push_back(run_async(*sys, contexts[i], "work", {Value(n + i)}));
  for (int i = 0; i < kContexts; ++i) {
    messages::TaskResult r = get(*sys, runs[i]);
    ASSERT_TRUE(r.ok) << "context " << i << ": " << describe(r.error);
    int64_t m = n + i;
    EXPECT_EQ(number(r.value), double(m * (m + 1) / 2) * 1000 + i) << "context " << i;
  }
  for (auto& c : contexts) terminate(*sys, c);
}

}  // namespace
}  // namespace raya::actors
