// The walking natives (JSON.stringify, JSON.parse, console.log's inspect)
// and spread calls pay as they go (issue 10, item 5): under a budget far
// smaller than their input they stop with StepBudgetExceeded within a chunk
// of the budget, long before the walk would have finished. The cost table
// (builtin_cost_table_test.cpp) checks the totals; this checks that the
// payment comes before the work. Steps are counted, never time.
#include <gtest/gtest.h>

#include <string>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

struct Ran {
  RunOutcome::Kind kind;
  ErrorCode code;
  uint64_t steps;
};

void ignore_console(void*, int, std::string_view) {}

Ran run(const std::string& text, uint64_t max_steps) {
  ContextOptions options;
  options.max_steps = max_steps;
  options.max_heap_bytes = 512ull << 20;
  Context ctx(options);
  ctx.set_console_sink(ignore_console, nullptr);
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok());
  if (!module.ok()) return Ran{RunOutcome::Kind::Fatal, ErrorCode::CompileError, 0};
  EXPECT_TRUE(ctx.load(std::make_shared<const Module>(std::move(module).value())).ok());
  RunOutcome outcome = ctx.run_to_completion();
  return Ran{outcome.kind, outcome.kind == RunOutcome::Kind::Fatal ? ctx.fatal().code : ErrorCode::RuntimeError,
             ctx.steps_executed()};
}

/// Runs `setup` alone, then setup + `op` with a budget of `extra` steps
/// beyond the setup: the op must stop at most a chunk past that budget,
/// where its whole walk would cost at least `full_cost` steps.
void expect_stops_early(const std::string& setup, const std::string& op, uint64_t full_cost) {
  Ran before = run(setup + "return 0;\n", ~uint64_t(0));
  ASSERT_EQ(before.kind, RunOutcome::Kind::Done);
  Ran whole = run(setup + op + "\nreturn 0;\n", ~uint64_t(0));
  ASSERT_EQ(whole.kind, RunOutcome::Kind::Done);
  ASSERT_GE(whole.steps - before.steps, full_cost);
  constexpr uint64_t kExtra = 10000;
  Ran stopped = run(setup + op + "\nreturn 0;\n", before.steps + kExtra);
  EXPECT_EQ(stopped.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(stopped.code, ErrorCode::StepBudgetExceeded);
  // Charged before the work: the last charge is at most one chunk.
  EXPECT_LE(stopped.steps, before.steps + kExtra + 2 * kChunkSteps);
}

const std::string kArray = "const a = new Array(100000).fill(1);\n";
const std::string kNested =
    "const n = [];\nfor (let i = 0; i < 10; i++) {\n  const m = [];\n"
    "  for (let j = 0; j < 100; j++) m.push(new Array(100).fill(1));\n  n.push(m);\n}\n";

TEST(WalkCost, JsonStringifyOfABigArrayStopsNearItsBudget) {
  expect_stops_early(kArray, "JSON.stringify(a);", 100000 * builtins::kPerJsonValue.steps);
}

TEST(WalkCost, JsonStringifyPaysForItsIndentation) {
  // 2,000 elements 900 levels deep, indented by 10: each writes 9,000 units
  // of indentation (18 MB in all), which its element price alone does not cover.
  std::string setup = "let d = [];\nfor (let i = 0; i < 2000; i++) d.push(0);\n"
                      "for (let i = 0; i < 900; i++) d = [d];\n";
  expect_stops_early(setup, "JSON.stringify(d, null, 10);", 2000 * 9000 / Context::kUnitsPerStep);
}

TEST(WalkCost, JsonStringifyWithALongReplacerListPaysForIt) {
  // A replacer list of 60,000 keys: deduplicated in O(1) each and paid per key.
  std::string setup = "const keys = [];\nfor (let i = 0; i < 60000; i++) keys.push('k' + i);\n"
                      "const objs = new Array(100).fill({});\n";
  expect_stops_early(setup, "JSON.stringify(objs, keys);", 100 * 60000 * builtins::kPerJsonValue.steps);
}

TEST(WalkCost, JsonParseOfABigArrayStopsNearItsBudget) {
  expect_stops_early(kArray + "const j = JSON.stringify(a);\n", "JSON.parse(j);",
                     100000 * builtins::kPerJsonValue.steps);
}

TEST(WalkCost, ConsoleLogOfNestedArraysStopsNearItsBudget) {
  expect_stops_early(kNested, "console.log(n);", 100000 * builtins::kPerInspectedValue.steps);
}

TEST(WalkCost, ConsoleLogOfAWideObjectStopsNearItsBudget) {
  std::string setup = "const o = {};\nfor (let i = 0; i < 20000; i++) o['k' + i] = i;\n";
  expect_stops_early(setup, "console.log(o);", 20000 * builtins::kPerInspectedValue.steps);
}

TEST(WalkCost, SpreadCallStopsNearItsBudget) {
  std::string setup = "const a = new Array(60000).fill(1);\nfunction f() {}\n";
  // `...a` is first copied into a fresh array (paid by that operation), then
  // into the call's window (paid by the call since issue 10, item 5).
  expect_stops_early(setup, "for (let i = 0; i < 3; i++) f(...a);", 3 * 60000 * (1 + builtins::kPerSpreadArgument.steps));
}

}  // namespace
}  // namespace raya::vm
