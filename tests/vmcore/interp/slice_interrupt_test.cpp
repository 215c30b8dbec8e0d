// Limits that fire inside a slice (issue 10, item 7): an interrupt from the
// embedding, a wall-clock deadline and the CPU limit are polled every
// Context::kPollSteps steps of work, by the scheduler between task quanta
// and by charge_steps inside builtins, so a slice of any size stops soon
// after them instead of at its end.
//
// Deterministic: the interrupt and the deadline are set from a console
// sink, i.e. by the program itself at a known point, and each test checks
// how much of a long slice ran after it (a few poll quanta, not the slice).
#include <gtest/gtest.h>

#include <thread>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

std::shared_ptr<const Module> compile(const std::string& text) {
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().to_string());
  return std::make_shared<const Module>(std::move(module).value());
}

/// What a console sink does when the program logs.
struct OnLog {
  Context* ctx = nullptr;
  InterruptReason interrupt = InterruptReason::None;
  bool deadline_now = false;
  uint64_t steps_at_log = 0;
};

void on_log(void* user, int, std::string_view) {
  auto* what = static_cast<OnLog*>(user);
  if (what->interrupt != InterruptReason::None) what->ctx->interrupt()->request(what->interrupt);
  if (what->deadline_now) what->ctx->set_deadline_ns(1);  // long past
}

/// Runs `text` in one slice of 2^40 steps (far more than it needs): the
/// slice can only end early through a limit.
RunOutcome run_one_huge_slice(Context& ctx, OnLog& hook, const std::string& text) {
  hook.ctx = &ctx;
  ctx.set_console_sink(on_log, &hook);
  EXPECT_TRUE(ctx.load(compile(text)));
  return ctx.run(uint64_t(1) << 40);
}

// 50M steps of loop after the log: without a poll inside the slice, all of
// them would run.
constexpr const char* kLongLoop =
    "console.log('go');\n"
    "let s = 0; for (let i = 0; i < 25000000; i++) s += i;\n"
    "return s;\n";

TEST(SliceInterrupt, AnInterruptStopsALoopWithinAFewPolls) {
  Context ctx;
  OnLog hook;
  hook.interrupt = InterruptReason::Terminate;
  RunOutcome outcome = run_one_huge_slice(ctx, hook, kLongLoop);
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Terminated);
  EXPECT_LT(ctx.steps_executed(), 100000u);
  // Once interrupted, the context stays ended.
  EXPECT_EQ(ctx.run(100).kind, RunOutcome::Kind::Fatal);
}

TEST(SliceInterrupt, ATimeoutInterruptEndsWithTimeout) {
  Context ctx;
  OnLog hook;
  hook.interrupt = InterruptReason::Timeout;
  RunOutcome outcome = run_one_huge_slice(ctx, hook, kLongLoop);
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Timeout);
  EXPECT_LT(ctx.steps_executed(), 100000u);
}

TEST(SliceInterrupt, AnInterruptStopsALongBuiltinAtItsNextCharge) {
  // One call that charges millions of steps: the interrupt is noticed at
  // the charge, before the work.
  Context ctx;
  OnLog hook;
  hook.interrupt = InterruptReason::Terminate;
  RunOutcome outcome = run_one_huge_slice(ctx, hook,
                                          "console.log('go');\n"
                                          "const s = 'ab'.repeat(4000000);\n"
                                          "return s.indexOf('zz');\n");
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Terminated);
  EXPECT_LT(ctx.heap().stats().peak_bytes, 8u << 20);  // the 16 MB string was never built
}

TEST(SliceInterrupt, AnInterruptBeforeTheSliceRunsNothing) {
  Context ctx;
  ASSERT_TRUE(ctx.load(compile("return 1;")));
  ctx.interrupt()->request(InterruptReason::Terminate);
  ASSERT_EQ(ctx.run(1000).kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Terminated);
  EXPECT_EQ(ctx.steps_executed(), 0u);
}

TEST(SliceInterrupt, TheFirstReasonWins) {
  Interrupt interrupt;
  interrupt.request(InterruptReason::Timeout);
  interrupt.request(InterruptReason::Terminate);
  EXPECT_EQ(interrupt.pending(), InterruptReason::Timeout);
}

TEST(SliceInterrupt, AnInterruptFromAnotherThreadStopsARunningSlice) {
  Context ctx;
  std::shared_ptr<Interrupt> handle = ctx.interrupt();
  ASSERT_TRUE(ctx.load(compile("while (true) {}")));
  // The slice would never end by itself; the other thread stops it.
  std::thread stopper([handle] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    handle->request(InterruptReason::Terminate);
  });
  RunOutcome outcome = ctx.run(~uint64_t(0));
  stopper.join();
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Terminated);
}

TEST(SliceInterrupt, ADeadlineStopsALoopWithinAFewPolls) {
  Context ctx;
  OnLog hook;
  hook.deadline_now = true;
  RunOutcome outcome = run_one_huge_slice(ctx, hook, kLongLoop);
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::Timeout);
  EXPECT_LT(ctx.steps_executed(), 100000u);
}

TEST(SliceInterrupt, TheCpuLimitFiresInsideOneHugeSlice) {
  ContextOptions options;
  options.max_cpu_time_ms = 5;
  Context ctx(options);
  // ~2^36 steps would take minutes: the slice ends on the CPU limit long
  // before (checked at polls, not at the slice's end).
  ASSERT_TRUE(ctx.load(compile("while (true) {}")));
  RunOutcome outcome = ctx.run(uint64_t(1) << 36);
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::CpuTimeExceeded);
  EXPECT_LT(ctx.steps_executed(), uint64_t(1) << 36);
  EXPECT_GE(ctx.cpu_time_us(), 5000u);
}

TEST(SliceInterrupt, TheCpuLimitStopsALongBuiltin) {
  // A single builtin call charging far more than the CPU limit allows: its
  // chunks poll the limit. (Repeated searches of a long string.)
  ContextOptions options;
  options.max_cpu_time_ms = 5;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(compile("const s = 'ab'.repeat(1000000);\n"
                               "let n = 0; while (true) n += s.indexOf('zz');\n")));
  RunOutcome outcome = ctx.run(uint64_t(1) << 40);
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::CpuTimeExceeded);
}

TEST(SliceInterrupt, AStepBudgetIsStillExactForCharges) {
  // The fast path of charge_steps (no poll due) still refuses a charge past
  // the budget, in a task that has run instructions since the last poll.
  ContextOptions options;
  options.max_steps = 50000;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(compile("const s = 'ab'.repeat(1000);\n"
                               "let n = 0; for (let i = 0; i < 100000; i++) n += s.indexOf('zz');\n"
                               "return n;\n")));
  RunOutcome outcome = ctx.run_to_completion();
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
  EXPECT_LE(ctx.steps_executed(), 50000u + 200u);
}

}  // namespace
}  // namespace raya::vm
