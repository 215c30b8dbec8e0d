// Terminating a sandbox whose slice is busy (issue 10, item 7c): the slice
// stops within a poll through the context's interrupt instead of running to
// its end, also when the only worker thread is the one running it (the
// supervisor could not even take the terminate message). The CPU limit
// fires inside a slice too.
//
// Deterministic: each test checks how many steps the context had run when
// it ended — far fewer than one slice — not how long anything took.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers

constexpr const char* kSpin =
    "export function main() { let s = 0; while (true) s = (s + 1) | 0; return s; }\n"
    "export function tick() { return 1; }\n";

// One slice is 100M steps (the largest sliceSteps a config may set, ~0.5 s
// of a plain loop): a terminate honoured only at the slice's end would see
// at least that many steps run.
constexpr uint64_t kHugeSlice = 100'000'000;

RuntimeConfig huge_slices(uint32_t workers) {
  RuntimeConfig c = two_workers();
  c.worker_threads = workers;
  c.slice_steps = kHugeSlice;
  return c;
}

/// Starts main, waits until it has surely begun its first slice.
std::future<messages::TaskResult> start_spinning(Sandbox& sandbox) {
  std::future<messages::TaskResult> reply = sandbox.run_async("main");
  // Not a timing assertion: only lets the call reach the context first.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return reply;
}

void expect_cut_short(Runtime& runtime, uint32_t workers) {
  auto sandbox = runtime.sandbox({});
  ASSERT_TRUE(sandbox.ok());
  ASSERT_TRUE(sandbox->load_source("spin.raya", kSpin).ok);
  std::future<messages::TaskResult> reply = start_spinning(*sandbox);
  sandbox->terminate();
  ASSERT_EQ(reply.wait_for(kReplyTimeout), std::future_status::ready);
  messages::TaskResult r = reply.get();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::Terminated) << r.error.to_string();
  messages::ContextReport report = sandbox->report();
  EXPECT_LT(report.stats.steps_executed, kHugeSlice) << "with " << workers << " worker(s)";
  EXPECT_NE(report.state, messages::ContextReport::State::Failed);  // terminated, not failed
}

TEST(SliceInterruptActors, TerminateStopsABusySliceBeforeItsEnd) {
  Runtime runtime(huge_slices(2));
  expect_cut_short(runtime, 2);
}

TEST(SliceInterruptActors, TerminateStopsABusySliceOnTheOnlyWorker) {
  Runtime runtime(huge_slices(1));
  expect_cut_short(runtime, 1);
}

TEST(SliceInterruptActors, DestroyingTheSandboxStopsItsBusySlice) {
  Runtime runtime(huge_slices(2));
  uint64_t id = 0;
  {
    auto sandbox = runtime.sandbox({});
    ASSERT_TRUE(sandbox.ok());
    ASSERT_TRUE(sandbox->load_source("spin.raya", kSpin).ok);
    id = sandbox->id();
    (void)start_spinning(*sandbox);
  }
  // The context ends; its report says how far it got.
  messages::ContextReport report;
  for (int i = 0; i < 2000; ++i) {
    bool found = false;
    for (const messages::ContextReport& r : runtime.reports())
      if (r.context_id == id && r.state != messages::ContextReport::State::Running) {
        report = r;
        found = true;
      }
    if (found) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(report.state, messages::ContextReport::State::Running);
  EXPECT_LT(report.stats.steps_executed, kHugeSlice);
}

TEST(SliceInterruptActors, TheCpuLimitFiresInsideAHugeSlice) {
  Runtime runtime(huge_slices(2));
  SandboxOptions options;
  messages::VmOptions vm;
  vm.max_cpu_time_ms = 20;
  options.options = vm;
  auto sandbox = runtime.sandbox(options);
  ASSERT_TRUE(sandbox.ok());
  ASSERT_TRUE(sandbox->load_source("spin.raya", kSpin).ok);
  messages::TaskResult r = sandbox->run("main");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::CpuTimeExceeded) << r.error.to_string();
  EXPECT_LT(sandbox->report().stats.steps_executed, kHugeSlice);
}

TEST(SliceInterruptActors, OtherSandboxesGoOnAfterOneIsInterrupted) {
  Runtime runtime(huge_slices(2));
  auto busy = runtime.sandbox({});
  auto calm = runtime.sandbox({});
  ASSERT_TRUE(busy.ok() && calm.ok());
  ASSERT_TRUE(busy->load_source("spin.raya", kSpin).ok);
  ASSERT_TRUE(calm->load_source("spin.raya", kSpin).ok);
  std::future<messages::TaskResult> reply = start_spinning(*busy);
  busy->terminate();
  EXPECT_EQ(reply.get().error.code, ErrorCode::Terminated);
  messages::TaskResult tick = calm->run("tick");
  EXPECT_TRUE(tick.ok) << tick.error.to_string();
}

}  // namespace
}  // namespace raya::actors
