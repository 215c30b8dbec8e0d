// Context start-up micro-benchmarks: what it costs to get a script running
// at all, which every actor spawn and every `raya run` pays before the
// first instruction of user code. Context/CreateDestroy is one Context
// built (builtins installed, the prelude loaded and run) and freed;
// Context/CompileTrivial is the compiler and verifier on a one-line
// program; Context/OneShotScript is the whole path an embedding takes for
// that program — compile, verify, create a Context, load, run, read the
// result, destroy.
//
// Execution speed in a warm Context is interpreter_bench.cpp.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

constexpr const char* kTrivialSource = "const x = 6;\nreturn x * 7;\n";
constexpr int32_t kTrivialAnswer = 42;

/// Compiles, verifies, loads and runs the trivial program in a new Context
/// and checks its answer; empty on success, else what went wrong.
std::string run_trivial_script() {
  Result<Module> compiled = compiler::compile_source("trivial.raya", kTrivialSource);
  if (!compiled.ok()) return "compile error: " + compiled.error().render_diagnostics();
  Status verified = verify_module(compiled.value());
  if (!verified.ok()) return "verify error: " + verified.error().to_string();
  auto module = std::make_shared<const Module>(std::move(compiled).value());
  Context ctx;
  auto loaded = ctx.load(module);
  if (!loaded.ok()) return "load error: " + loaded.error().to_string();
  if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) return "context died: " + ctx.fatal().to_string();
  const Task* task = ctx.main_task();
  if (task->state != TaskState::Done) return "script threw: " + ctx.runtime_error_of(task->exception).to_string();
  if (!task->result.is_int() || task->result.as_int() != kTrivialAnswer)
    return "script returned " + ctx.to_display_utf8(task->result) + ", expected 42";
  return {};
}

void report_per_item(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations());
  state.counters["per_op"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Context_CreateDestroy(benchmark::State& state) {
  // A context that cannot run the trivial script is not worth timing.
  std::string error = run_trivial_script();
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    Context ctx;
    // A failed prelude leaves the context dead with a fatal error set.
    if (ctx.fatal().code != ErrorCode::None) {
      error = "a new context is dead: " + ctx.fatal().to_string();
      state.SkipWithError(error.c_str());
      break;
    }
    benchmark::DoNotOptimize(ctx.heap().bytes_used());
  }
  report_per_item(state);
}
BENCHMARK(BM_Context_CreateDestroy)->Name("Context/CreateDestroy");

void BM_Context_CompileTrivial(benchmark::State& state) {
  const std::string source = kTrivialSource;
  std::string error = run_trivial_script();
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    Result<Module> compiled = compiler::compile_source("trivial.raya", source);
    if (!compiled.ok() || !verify_module(compiled.value()).ok()) {
      state.SkipWithError("the trivial program stopped compiling");
      break;
    }
    benchmark::DoNotOptimize(compiled.value().functions.size());
  }
  report_per_item(state);
}
BENCHMARK(BM_Context_CompileTrivial)->Name("Context/CompileTrivial");

void BM_Context_OneShotScript(benchmark::State& state) {
  std::string error;
  for (auto _ : state) {
    error = run_trivial_script();
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  report_per_item(state);
}
BENCHMARK(BM_Context_OneShotScript)->Name("Context/OneShotScript");

}  // namespace
}  // namespace raya::vm
