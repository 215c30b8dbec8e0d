// maxCpuTimeMs: the CPU time a context's run() slices consume is counted and
// bounded; exceeding it ends the context with CpuTimeExceeded.
#include <gtest/gtest.h>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

std::shared_ptr<const Module> compile(const std::string& text) {
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok());
  return std::make_shared<const Module>(std::move(module).value());
}

TEST(CpuTimeLimit, AnInfiniteLoopEndsWithCpuTimeExceeded) {
  ContextOptions options;
  options.max_cpu_time_ms = 30;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(compile("while (true) {}")));
  RunOutcome outcome;
  for (int slices = 0; slices < 100000; ++slices) {
    outcome = ctx.run(100000);
    if (outcome.kind != RunOutcome::Kind::Yielded) break;
  }
  ASSERT_EQ(outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::CpuTimeExceeded);
  EXPECT_EQ(ctx.fatal().limit, 30u);
  EXPECT_GE(ctx.cpu_time_us(), 30000u);
  EXPECT_EQ(ctx.stats().limits.max_cpu_time_ms, 30u);
}

TEST(CpuTimeLimit, AShortProgramStaysUnderItAndReportsItsCpuTime) {
  ContextOptions options;
  options.max_cpu_time_ms = 10000;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(compile("let s = 0; for (let i = 0; i < 100000; i++) s += i; return s;")));
  RunOutcome outcome = ctx.run_to_completion();
  EXPECT_EQ(outcome.kind, RunOutcome::Kind::Done);
  EXPECT_EQ(ctx.stats().cpu_time_us, ctx.cpu_time_us());
}

TEST(CpuTimeLimit, ADeadContextStaysDead) {
  ContextOptions options;
  options.max_cpu_time_ms = 1;
  Context ctx(options);
  ASSERT_TRUE(ctx.load(compile("while (true) {}")));
  while (ctx.run(100000).kind == RunOutcome::Kind::Yielded) {
  }
  EXPECT_EQ(ctx.run(100).kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::CpuTimeExceeded);
}

}  // namespace
}  // namespace raya::vm
