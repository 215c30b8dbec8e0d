// The cost of a charged step (make bench-cost): for every row of the builtin
// cost table (tests/vmcore/builtins/builtin_cost_rows.hpp: every native and
// the interpreter's O(n) operations, each on a large input), the wall time
// of the operation divided by the steps it charged, next to a plain loop's
// time per step. A builtin whose ns/step is far above the loop's does more
// work per step than the budget says: its price (vmcore/builtins/cost.hpp)
// should go up. Rows above the limit (20x by default) are named at the end
// and make the exit status 1.
//
// Each measurement builds the input at the top level of a module, then
// times one call of an exported function doing the operation (a fresh
// context per run; the best of --runs runs). Times are the thread's CPU
// time, so a busy machine slows the numbers less than wall time would.
//
// Usage: raya_builtin_cost_bench [--runs N] [--limit X] [--filter SUBSTRING]
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/vmcore/builtins/builtin_cost_rows.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace {

using namespace raya::vm;

struct Measure {
  bool ok = false;
  uint64_t steps = 0;
  double ns = 0;
  std::string error;
};

void ignore_console(void*, int, std::string_view) {}

/// This thread's CPU time: what the operation itself used, not the time
/// other processes on a loaded machine took from it.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

/// One run: top-level `setup`, then a timed call of `op()`.
Measure measure_once(const std::string& setup, const std::string& op) {
  Measure m;
  ContextOptions options;
  options.max_heap_bytes = 1ull << 30;
  Context ctx(options);
  ctx.set_console_sink(ignore_console, nullptr);
  std::string text = setup + "export function op() {\n" + op + "\n}\n";
  auto module = compiler::compile_source("bench.raya", text);
  if (!module.ok()) {
    m.error = "compile error: " + module.error().message;
    return m;
  }
  if (!ctx.load(std::make_shared<const Module>(std::move(module).value())).ok()) {
    m.error = "load error";
    return m;
  }
  if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) {
    m.error = "setup failed: " + ctx.fatal().message;
    return m;
  }
  uint64_t before = ctx.steps_executed();
  double start = thread_cpu_ns();
  Task* task = ctx.start_export_call("op", {});
  RunOutcome outcome = ctx.run_to_completion();
  double end = thread_cpu_ns();
  if (task == nullptr || outcome.kind != RunOutcome::Kind::Done || task->state == TaskState::Failed) {
    m.error = outcome.kind == RunOutcome::Kind::Fatal ? ctx.fatal().message : "the operation failed";
    return m;
  }
  m.ok = true;
  m.steps = ctx.steps_executed() - before;
  m.ns = end - start;
  return m;
}

Measure measure(const std::string& setup, const std::string& op, int runs) {
  Measure best;
  for (int i = 0; i < runs; ++i) {
    Measure m = measure_once(setup, op);
    if (!m.ok) return m;
    if (!best.ok || m.ns < best.ns) best = m;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  double limit = 20;
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--limit") && i + 1 < argc) limit = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--filter") && i + 1 < argc) filter = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--runs N] [--limit X] [--filter SUBSTRING]\n", argv[0]);
      return 2;
    }
  }

  // The reference: a plain counting loop, one step per instruction.
  Measure loop = measure("", "let x = 0;\nfor (let i = 0; i < 3000000; i++) x = x + i;\nreturn x;", runs + 2);
  if (!loop.ok || loop.steps == 0) {
    std::fprintf(stderr, "plain loop failed: %s\n", loop.error.c_str());
    return 2;
  }
  double loop_ns = loop.ns / double(loop.steps);
  std::printf("plain loop: %.2f ns/step (%llu steps)\n\n", loop_ns, (unsigned long long)loop.steps);
  std::printf("| builtin | steps | ms | ns/step | x loop |\n|---|---:|---:|---:|---:|\n");

  std::vector<cost_rows::Row> all = cost_rows::rows();
  for (auto& r : cost_rows::operation_rows()) all.push_back(r);
  std::vector<std::string> over;
  for (const cost_rows::Row& row : all) {
    if (!row.why.empty() || row.min_steps == 0) continue;  // O(1) rows: nothing grows
    if (!filter.empty() && row.name.find(filter) == std::string::npos) continue;
    Measure m = measure(row.setup, row.op, runs);
    if (!m.ok) {
      std::printf("| %s | failed: %s | | | |\n", row.name.c_str(), m.error.c_str());
      over.push_back(row.name + " (failed)");
      continue;
    }
    double per_step = m.steps == 0 ? 0 : m.ns / double(m.steps);
    double ratio = per_step / loop_ns;
    std::printf("| %s | %llu | %.2f | %.1f | %.1f |\n", row.name.c_str(), (unsigned long long)m.steps, m.ns / 1e6,
                per_step, ratio);
    std::fflush(stdout);
    if (ratio > limit) over.push_back(row.name);
  }
  std::printf("\n");
  if (over.empty()) {
    std::printf("every builtin is within %.0fx a plain loop's ns/step\n", limit);
    return 0;
  }
  std::printf("above %.0fx a plain loop's ns/step:\n", limit);
  for (const std::string& name : over) std::printf("  %s\n", name.c_str());
  return 1;
}
