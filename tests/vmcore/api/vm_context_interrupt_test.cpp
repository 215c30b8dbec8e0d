// VmContext's interrupt handle and deadline (issue 10, item 7): another
// thread may stop a running slice; a deadline ends the context with
// Timeout; the handle outlives the VmContext; an embedding's own handle
// can be shared in before the context runs.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

constexpr const char* kSpin = "export function main() { while (true) {} }\n";

/// Runs until the context is not merely between slices (the module's
/// top-level code, then the call it deferred).
RunOutcome run_on(VmContext& vm, uint64_t budget) {
  RunOutcome r = vm.run(budget);
  for (int i = 0; i < 10 && r.kind == RunOutcome::Kind::Yielded; ++i) r = vm.run(budget);
  return r;
}

TEST(VmContextInterrupt, AnotherThreadStopsAnEndlessSlice) {
  VmContext vm(messages::VmOptions{});
  ASSERT_TRUE(vm.load_source("main.raya", kSpin));
  ASSERT_TRUE(vm.start("main", {}));
  std::shared_ptr<Interrupt> handle = vm.interrupt_handle();
  std::thread stopper([handle] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    handle->request(InterruptReason::Terminate);
  });
  RunOutcome r = run_on(vm, ~uint64_t(0));  // would never end by itself
  stopper.join();
  EXPECT_EQ(r.kind, RunOutcome::Kind::Fatal);
  ASSERT_NE(vm.fatal(), nullptr);
  EXPECT_EQ(vm.fatal()->code, ErrorCode::Terminated);
}

TEST(VmContextInterrupt, APastDeadlineEndsTheContextWithTimeout) {
  VmContext vm(messages::VmOptions{});
  ASSERT_TRUE(vm.load_source("main.raya", kSpin));
  ASSERT_TRUE(vm.start("main", {}));
  vm.set_deadline(std::chrono::steady_clock::now() - std::chrono::seconds(1));
  RunOutcome r = vm.run(~uint64_t(0));
  EXPECT_EQ(r.kind, RunOutcome::Kind::Fatal);
  ASSERT_NE(vm.fatal(), nullptr);
  EXPECT_EQ(vm.fatal()->code, ErrorCode::Timeout);
  EXPECT_EQ(vm.stats().steps_executed, 0u);
}

TEST(VmContextInterrupt, AFutureDeadlineLetsWorkFinish) {
  VmContext vm(messages::VmOptions{});
  ASSERT_TRUE(vm.load_source("main.raya", "export function main() { let s = 0; for (let i = 0; i < 1000; i++) s += i; return s; }\n"));
  ASSERT_TRUE(vm.start("main", {}));
  vm.set_deadline(std::chrono::steady_clock::now() + std::chrono::hours(1));
  RunOutcome r = run_on(vm, ~uint64_t(0));
  EXPECT_EQ(r.kind, RunOutcome::Kind::Done);
  EXPECT_EQ(vm.fatal(), nullptr);
}

TEST(VmContextInterrupt, AnEmbeddersHandleIsUsedAndOutlivesTheContext) {
  auto handle = std::make_shared<Interrupt>();
  {
    VmContext vm(messages::VmOptions{});
    vm.set_interrupt(handle);
    EXPECT_EQ(vm.interrupt_handle(), handle);
    ASSERT_TRUE(vm.load_source("main.raya", kSpin));
    ASSERT_TRUE(vm.start("main", {}));
    handle->request(InterruptReason::Terminate);
    EXPECT_EQ(vm.run(1000).kind, RunOutcome::Kind::Fatal);
    vm.terminate();
    EXPECT_EQ(vm.interrupt_handle(), handle);
  }
  handle->request(InterruptReason::Timeout);  // harmless once the context is gone
  EXPECT_EQ(handle->pending(), InterruptReason::Terminate);
}

}  // namespace
}  // namespace raya::vm
