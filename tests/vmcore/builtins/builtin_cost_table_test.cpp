// Every native builtin pays for its work (issue 10, item 5): one row per
// installed native, found by walking the globals and the prototypes, so a
// new native without a row fails NativesAllHaveARow.
//
// A row runs `setup` (which builds a large input) and then `op` on it:
//  - Linear rows: the op must charge at least `min_steps` steps, and under a
//    budget of setup + min_steps / 2 the run must end with
//    StepBudgetExceeded (the work is paid for before it is done, so a budget
//    smaller than the input stops it); with the budget it measured it
//    succeeds (the count is deterministic).
//  - Constant rows: the op costs a bounded number of steps however large
//    its receiver or arguments are (the natives that do O(1) work).
// Steps are counted, never time.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/vmcore/builtins/builtin_cost_rows.hpp"
#include "vmcore/builtins/builtin_names.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

using namespace cost_rows;

// --- enumerating the installed natives ------------------------------------------------------

void collect_natives(Context& ctx, Object* obj, const std::string& prefix, std::set<std::string>& out,
                     std::set<const Object*>& seen, int depth);

void collect_value(Context& ctx, Value v, const std::string& name, std::set<std::string>& out,
                   std::set<const Object*>& seen, int depth) {
  if (!v.is_object()) return;
  if (is_native(v)) out.insert(name);
  if (is_class(v)) {
    Class* cls = as_class(v);
    if (is_native(cls->constructor_)) out.insert(name);
    collect_natives(ctx, cls, name, out, seen, depth + 1);
    if (cls->prototype_ != nullptr) collect_natives(ctx, cls->prototype_, name + ".prototype", out, seen, depth + 1);
  } else if (is_plain_object(v)) {
    collect_natives(ctx, as_object(v), name, out, seen, depth + 1);
  }
}

void collect_natives(Context& ctx, Object* obj, const std::string& prefix, std::set<std::string>& out,
                     std::set<const Object*>& seen, int depth) {
  if (depth > 3 || !seen.insert(obj).second) return;
  std::vector<String*> keys;
  if (obj->dict_) {
    for (const auto& e : obj->dict_->entries)
      if (!e.deleted) keys.push_back(e.key);
  } else {
    for (auto& [key, flags] : obj->shape_->keys_in_order()) keys.push_back(key);
  }
  for (String* key : keys) {
    std::string k = ctx.to_display_utf8(Value::object(key));
    if (k == "constructor" || k == "prototype") continue;
    Value v;
    Object* holder = nullptr;
    PropertyInfo info{};
    if (!ctx.lookup_property(obj, key, v, &holder, &info) || holder != obj || (info.flags & kPropAccessor)) continue;
    if (is_native(v)) out.insert(prefix + "." + k);
  }
}

std::set<std::string> installed_natives(Context& ctx) {
  std::set<std::string> out;
  std::set<const Object*> seen;
  for (std::string_view name : kBuiltinNames) {
    Value v;
    if (ctx.lookup_builtin(name, v)) collect_value(ctx, v, std::string(name), out, seen, 0);
  }
  for (std::string_view name : kPreludeBuiltinNames) {
    Value v;
    if (ctx.lookup_builtin(name, v)) collect_value(ctx, v, std::string(name), out, seen, 0);
  }
  Value task_module;
  if (ctx.lookup_builtin("raya:task", task_module)) collect_value(ctx, task_module, "raya:task", out, seen, 0);
  // Prototypes no global class leads to.
  collect_natives(ctx, ctx.task_prototype(), "Task.prototype", out, seen, 1);
  collect_natives(ctx, ctx.function_prototype(), "Function.prototype", out, seen, 1);
  collect_natives(ctx, ctx.error_class(ErrorType::Error)->prototype_, "Error.prototype", out, seen, 1);
  return out;
}

TEST(BuiltinCostTable, NativesAllHaveARow) {
  Context ctx;
  std::set<std::string> natives = installed_natives(ctx);
  EXPECT_GT(natives.size(), 100u);
  std::set<std::string> listed;
  for (const Row& row : rows()) {
    EXPECT_TRUE(listed.insert(row.name).second) << "two rows for " << row.name;
  }
  for (const std::string& name : natives)
    EXPECT_TRUE(listed.count(name)) << "native " << name
                                    << " has no row in builtin_cost_table_test.cpp: say what it costs";
  for (const std::string& name : listed) EXPECT_TRUE(natives.count(name)) << "row for a missing native: " << name;
}

// --- running the rows ---------------------------------------------------------------------

struct Ran {
  RunOutcome::Kind kind;
  ErrorCode code;
  uint64_t steps;
  std::string error;
};

void ignore_console(void*, int, std::string_view) {}

Ran run(const std::string& text, uint64_t max_steps) {
  ContextOptions options;
  options.max_steps = max_steps;
  options.max_heap_bytes = 512ull << 20;
  Context ctx(options);
  ctx.set_console_sink(ignore_console, nullptr);
  auto module = compiler::compile_source("main.raya", text);
  if (!module.ok()) return Ran{RunOutcome::Kind::Fatal, ErrorCode::CompileError, 0, "compile error"};
  auto loaded = ctx.load(std::make_shared<const Module>(std::move(module).value()));
  if (!loaded.ok()) return Ran{RunOutcome::Kind::Fatal, ErrorCode::VerifyError, 0, "load error"};
  RunOutcome outcome = ctx.run_to_completion();
  Ran ran{outcome.kind, outcome.kind == RunOutcome::Kind::Fatal ? ctx.fatal().code : ErrorCode::RuntimeError,
          ctx.steps_executed(), ""};
  if (outcome.kind == RunOutcome::Kind::Fatal) ran.error = ctx.fatal().message;
  Task* task = ctx.main_task();
  if (outcome.kind == RunOutcome::Kind::Done && task != nullptr && task->state == TaskState::Failed) {
    ran.kind = RunOutcome::Kind::Fatal;
    ran.code = ErrorCode::RuntimeError;
    ran.error = ctx.task_error(task).message;
  }
  return ran;
}

class CostRow : public ::testing::TestWithParam<Row> {};

TEST_P(CostRow, PaysForItsWork) {
  const Row& row = GetParam();
  if (!row.why.empty()) GTEST_SKIP() << row.why;
  Ran setup = run(row.setup + "return 0;\n", ~uint64_t(0));
  ASSERT_EQ(setup.kind, RunOutcome::Kind::Done) << setup.error;
  Ran full = run(row.setup + row.op + "\nreturn 0;\n", ~uint64_t(0));
  ASSERT_EQ(full.kind, RunOutcome::Kind::Done) << full.error;
  uint64_t op_steps = full.steps - setup.steps;
  if (row.min_steps == 0) {
    EXPECT_LE(op_steps, kConstantSteps) << row.name << " should cost O(1) steps";
    return;
  }
  EXPECT_GE(op_steps, row.min_steps) << row.name << " charged too little for its input";
  // A budget smaller than the input: stopped by the step limit.
  Ran stopped = run(row.setup + row.op + "\nreturn 0;\n", setup.steps + row.min_steps / 2);
  EXPECT_EQ(stopped.kind, RunOutcome::Kind::Fatal);
  EXPECT_EQ(stopped.code, ErrorCode::StepBudgetExceeded) << stopped.error;
  // The budget it needed is enough: the charge is deterministic.
  Ran enough = run(row.setup + row.op + "\nreturn 0;\n", full.steps);
  EXPECT_EQ(enough.kind, RunOutcome::Kind::Done) << enough.error;
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  std::string out;
  for (char c : info.param.name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

INSTANTIATE_TEST_SUITE_P(Natives, CostRow, ::testing::ValuesIn(rows()), row_name);

// --- the interpreter's own O(n) operations --------------------------------------------------

class OperationCostRow : public ::testing::TestWithParam<Row> {};

TEST_P(OperationCostRow, PaysForItsWork) {
  const Row& row = GetParam();
  Ran setup = run(row.setup + "return 0;\n", ~uint64_t(0));
  ASSERT_EQ(setup.kind, RunOutcome::Kind::Done) << setup.error;
  Ran full = run(row.setup + row.op + "\nreturn 0;\n", ~uint64_t(0));
  ASSERT_EQ(full.kind, RunOutcome::Kind::Done) << full.error;
  EXPECT_GE(full.steps - setup.steps, row.min_steps) << row.name << " charged too little";
  Ran stopped = run(row.setup + row.op + "\nreturn 0;\n", setup.steps + row.min_steps / 2);
  EXPECT_EQ(stopped.code, ErrorCode::StepBudgetExceeded) << stopped.error;
}

INSTANTIATE_TEST_SUITE_P(Operations, OperationCostRow, ::testing::ValuesIn(operation_rows()), row_name);

}  // namespace
}  // namespace raya::vm
