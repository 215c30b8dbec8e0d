// Walks that used to cost one step whatever their length (issue 10, item
// 8): a missing-property read on a deep prototype chain, instanceof on one,
// and new Error() deep in the call stack. Chains are bounded where
// prototypes are set (Context::kMaxPrototypeDepth); each link walked past
// the first few costs a step; a stack capture shows at most
// Context::kMaxStackFrames frames and pays for each.
#include <gtest/gtest.h>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

struct Ran {
  RunOutcome outcome;
  TaskState state = TaskState::Ready;
  Error error;
  Value result;
};

Ran run(Context& ctx, const std::string& text) {
  Ran r;
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().to_string());
  if (!module.ok()) return r;
  Result<Task*> task = ctx.load(std::make_shared<const Module>(std::move(module).value()));
  EXPECT_TRUE(task.ok());
  if (!task.ok()) return r;
  r.outcome = ctx.run_to_completion();
  r.state = (*task)->state;
  if (r.state == TaskState::Failed) r.error = ctx.task_error(*task);
  if (r.state == TaskState::Done) r.result = (*task)->result;
  return r;
}

// 900 prototypes: within the bound.
constexpr const char* kChain900 = "let o = {}; for (let i = 0; i < 900; i++) o = Object.create(o);\n";

TEST(UnmeteredWalks, MissingPropertyReadsOnADeepChainPayPerLink) {
  ContextOptions options;
  options.max_steps = 200000;
  Context ctx(options);
  // 1,000 reads walking ~900 links each: ~900k steps of walking.
  Ran r = run(ctx, std::string(kChain900) +
                       "let n = 0; for (let i = 0; i < 1000; i++) { if (o.missing === undefined) n++; }\n"
                       "return n;\n");
  ASSERT_EQ(r.outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

TEST(UnmeteredWalks, AChargedWalkIsCountedInTheSteps) {
  Context ctx;
  Ran r = run(ctx, std::string(kChain900) + "let n = 0; for (let i = 0; i < 100; i++) if (o.missing === undefined) n++;\n"
                                            "return n;\n");
  ASSERT_EQ(r.state, TaskState::Done);
  EXPECT_GE(ctx.steps_executed(), 100u * (900u - Context::kFreePrototypeLinks));
}

TEST(UnmeteredWalks, InstanceofOnADeepChainPaysPerLink) {
  ContextOptions options;
  options.max_steps = 200000;
  Context ctx(options);
  Ran r = run(ctx,
              "class A {}\n"
              "let o = new A(); for (let i = 0; i < 900; i++) o = Object.create(o);\n"
              "class B {}\n"
              "let n = 0; for (let i = 0; i < 1000; i++) { if (!(o instanceof B)) n++; }\n"
              "return n;\n");
  ASSERT_EQ(r.outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

TEST(UnmeteredWalks, ShortChainsStayFree) {
  // Instance, class prototype, its parent's, Object.prototype: no charge.
  Context ctx;
  Ran r = run(ctx,
              "class A { f() { return 1; } }\n"
              "class B extends A {}\n"
              "const b = new B();\n"
              "let n = 0; for (let i = 0; i < 1000; i++) { if (b.missing === undefined) n += b.f(); }\n"
              "return n;\n");
  ASSERT_EQ(r.state, TaskState::Done);
  EXPECT_LT(ctx.steps_executed(), 30000u);
}

TEST(UnmeteredWalks, ObjectCreatePastTheBoundIsACatchableRangeError) {
  Context ctx;
  Ran r = run(ctx,
              "let o = {}; let made = 0;\n"
              "try { for (let i = 0; i < 20000; i++) { o = Object.create(o); made++; } }\n"
              "catch (e) { return e.name + ': ' + e.message + ' after ' + made; }\n"
              "return 'no error';\n");
  ASSERT_EQ(r.state, TaskState::Done);
  std::string text = ctx.to_display_utf8(r.result);
  EXPECT_EQ(text.rfind("RangeError: prototype chain too deep", 0), 0u) << text;
  EXPECT_NE(text.find("at most 1000"), std::string::npos) << text;
  // {} already has Object.prototype above it.
  EXPECT_NE(text.find("after 999"), std::string::npos) << text;
}

TEST(UnmeteredWalks, ClassExtendsPastTheBoundIsACatchableRangeError) {
  Context ctx;
  Ran r = run(ctx,
              "let C = class {};\n"
              "let made = 0;\n"
              "try { for (let i = 0; i < 20000; i++) { C = class extends C {}; made++; } }\n"
              "catch (e) { return e.name + ' ' + made; }\n"
              "return 'no error';\n");
  ASSERT_EQ(r.state, TaskState::Done);
  ASSERT_TRUE(is_string(r.result));
  std::string text = ctx.to_display_utf8(r.result);
  EXPECT_EQ(text.rfind("RangeError ", 0), 0u) << text;
  int made = std::stoi(text.substr(std::string("RangeError ").size()));
  EXPECT_GT(made, 400);
  EXPECT_LT(made, int(Context::kMaxPrototypeDepth));
}

TEST(UnmeteredWalks, NewErrorDeepInTheStackPaysForItsFrames) {
  ContextOptions options;
  options.max_steps = 150000;
  Context ctx(options);
  // At depth 5,000, 1,000 errors: each shows 50 frames and pays for them
  // (~160 steps each; ~40k steps in all if they cost one step).
  Ran r = run(ctx,
              "function deep(n) {\n"
              "  if (n > 0) return deep(n - 1);\n"
              "  let k = 0; for (let i = 0; i < 1000; i++) { const e = new Error('x'); k += e.message.length; }\n"
              "  return k;\n"
              "}\n"
              "return deep(5000);\n");
  ASSERT_EQ(r.outcome.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(ctx.fatal().code, ErrorCode::StepBudgetExceeded);
}

TEST(UnmeteredWalks, ACapturedStackShowsItsTopFramesAndCountsTheRest) {
  Context ctx;
  Ran r = run(ctx,
              "function deep(n) { if (n > 0) return deep(n - 1); return new Error('x').stack; }\n"
              "return deep(3000);\n");
  ASSERT_EQ(r.state, TaskState::Done);
  std::string stack = ctx.to_display_utf8(r.result);
  size_t frames = 0;
  for (size_t at = stack.find("    at "); at != std::string::npos; at = stack.find("    at ", at + 1)) ++frames;
  EXPECT_EQ(frames, size_t(Context::kMaxStackFrames));
  EXPECT_NE(stack.find("more frames"), std::string::npos);
}

}  // namespace
}  // namespace raya::vm
