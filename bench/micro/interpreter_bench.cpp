// Interpreter micro-benchmarks: each one measures a single thing the
// dispatch loop does — plain bytecode dispatch, calls, property access,
// method calls, allocation — with a tiny Raya program that exports
// `run(n)`. The program is compiled, verified and loaded once, outside the
// timed loop; the loop times whole `run(n)` calls in a warm Context, so the
// figures include no compilation and no context start-up (those are in
// context_bench.cpp). items_per_second counts the operation named by each
// benchmark, and `per_op` is its inverse (time per operation, loop
// overhead included; compare with Dispatch/IntLoop to subtract it).
//
// Every program is checked once against a result computed in C++ before
// timing starts, and every timed call must finish normally, so a program
// that throws or computes the wrong thing is reported as an error rather
// than timed.
//
// Whole-program comparisons with other runtimes are bench/run_kernels.sh.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bench/compile_program.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

// Context keeps every finished task (each start_export_call adds one, with
// its 2 KiB stack charged to the heap), so a long benchmark would fill the
// heap and slow run(), which scans all tasks. A fresh Context every this
// many calls, with the clock paused, keeps each call's cost constant.
constexpr int kCallsPerContext = 256;

/// A Context with `module` loaded and its top-level code run; null (with
/// `error` set) if that failed.
std::unique_ptr<Context> load_program(const std::shared_ptr<const Module>& module, std::string& error) {
  auto ctx = std::make_unique<Context>();
  auto loaded = ctx->load(module);
  if (!loaded.ok()) {
    error = "load error: " + loaded.error().to_string();
    return nullptr;
  }
  RunOutcome outcome = ctx->run_to_completion();
  if (outcome.kind != RunOutcome::Kind::Done || ctx->main_task()->state != TaskState::Done) {
    error = "top-level code failed: " + ctx->fatal().to_string();
    return nullptr;
  }
  if (!ctx->has_export("run")) {
    error = "the program exports no run(n)";
    return nullptr;
  }
  return ctx;
}

/// Calls the exported run(n) to completion; false (with `error` set) if it
/// did not finish normally.
bool call_run(Context& ctx, int32_t n, Value& result, std::string& error) {
  if (!ctx.start_export_call("run", {Value::int32(n)})) {
    error = "run is not callable";
    return false;
  }
  Task* call = ctx.main_task();
  RunOutcome outcome = ctx.run_to_completion();
  if (outcome.kind != RunOutcome::Kind::Done) {
    error = "run(n) ended the context: " + ctx.fatal().to_string();
    return false;
  }
  if (call->state != TaskState::Done) {
    error = "run(n) threw: " + ctx.runtime_error_of(call->exception).to_string();
    return false;
  }
  result = call->result;
  return true;
}

/// What one benchmark runs: `source` exports run(n); run(n) must return
/// `expected`; one call performs `ops_per_call` of the measured operation.
struct Workload {
  std::string_view source;
  int32_t n;
  int32_t expected;
  int64_t ops_per_call;
};

/// Runs `run(n)` once in a fresh Context and checks its answer (the clock
/// should be paused or not yet started).
std::unique_ptr<Context> fresh_checked_context(const std::shared_ptr<const Module>& module, const Workload& w,
                                               std::string& error) {
  std::unique_ptr<Context> ctx = load_program(module, error);
  if (ctx == nullptr) return nullptr;
  Value result;
  if (!call_run(*ctx, w.n, result, error)) return nullptr;
  if (!result.is_int() || result.as_int() != w.expected) {
    error = "run(" + std::to_string(w.n) + ") returned " + ctx->to_display_utf8(result) + ", expected " +
            std::to_string(w.expected);
    return nullptr;
  }
  return ctx;
}

/// Times calls of run(n) in a warm Context and reports operations per second.
void time_run(benchmark::State& state, const Workload& w) {
  std::string error;
  std::shared_ptr<const Module> module = bench::compile_program(w.source, error);
  std::unique_ptr<Context> ctx = module ? fresh_checked_context(module, w, error) : nullptr;
  if (ctx == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  uint64_t gc_count = 0;  // collections during timed calls, over all contexts
  uint64_t gc_before = ctx->heap().stats().gc_count;
  int calls_in_context = 0;
  Value result;
  for (auto _ : state) {
    if (calls_in_context == kCallsPerContext) {
      state.PauseTiming();
      gc_count += ctx->heap().stats().gc_count - gc_before;
      ctx.reset();
      ctx = fresh_checked_context(module, w, error);
      if (ctx == nullptr) {
        state.SkipWithError(error.c_str());
        break;
      }
      gc_before = ctx->heap().stats().gc_count;
      calls_in_context = 0;
      state.ResumeTiming();
    }
    if (!call_run(*ctx, w.n, result, error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    ++calls_in_context;
  }
  if (ctx != nullptr) gc_count += ctx->heap().stats().gc_count - gc_before;
  const double ops = double(state.iterations()) * double(w.ops_per_call);
  state.SetItemsProcessed(int64_t(ops));
  state.counters["per_op"] = benchmark::Counter(ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["gc_per_call"] = benchmark::Counter(double(gc_count), benchmark::Counter::kAvgIterations);
}

// --- expected answers --------------------------------------------------------

/// s = (s + i) & 1023 for i in [0, n): the step most programs below repeat,
/// so their answers agree with Dispatch/IntLoop's.
int32_t masked_sum(int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; ++i) s = (s + i) & 1023;
  return s;
}

/// The answer of the Property programs: four objects, o.x = (o.x + o.y + i) & 1023
/// on object i & 3, then the sum of the x fields.
int32_t property_answer(int32_t n) {
  int32_t x[4] = {1, 3, 5, 7};
  const int32_t y[4] = {2, 4, 6, 8};
  for (int32_t i = 0; i < n; ++i) x[i & 3] = (x[i & 3] + y[i & 3] + i) & 1023;
  return x[0] + x[1] + x[2] + x[3];
}

/// s = Math.max(s, i) & 1023 for i in [0, n).
int32_t masked_max(int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; ++i) s = (s > i ? s : i) & 1023;
  return s;
}

constexpr int32_t kLoopN = 100000;

// --- dispatch ------------------------------------------------------------------

// One loop iteration: add, and, increment, compare-and-branch.
void BM_Dispatch_IntLoop(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = (s + i) & 1023;
  }
  return s;
}
)",
                   kLoopN, masked_sum(kLoopN), kLoopN});
}
BENCHMARK(BM_Dispatch_IntLoop)->Name("Dispatch/IntLoop");

// --- calls -----------------------------------------------------------------------

// The Dispatch/IntLoop body moved into a top-level function: one Raya-to-Raya
// call and return per iteration.
void BM_Call_Function(benchmark::State& state) {
  time_run(state, {R"(
function step(s, i) {
  return (s + i) & 1023;
}
export function run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = step(s, i);
  }
  return s;
}
)",
                   kLoopN, masked_sum(kLoopN), kLoopN});
}
BENCHMARK(BM_Call_Function)->Name("Call/Function");

// The same through a closure held in a local (it captures `mask`).
void BM_Call_Closure(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  const mask = 1023;
  const step = (s, i) => (s + i) & mask;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = step(s, i);
  }
  return s;
}
)",
                   kLoopN, masked_sum(kLoopN), kLoopN});
}
BENCHMARK(BM_Call_Closure)->Name("Call/Closure");

// Recursive fib(20): 21891 calls, each a compare, two subtractions and an add.
void BM_Call_Fib20(benchmark::State& state) {
  constexpr int64_t kFib20Calls = 21891;  // calls(n) = 2 * fib(n + 1) - 1
  time_run(state, {R"(
function fib(n) {
  if (n < 2) {
    return n;
  }
  return fib(n - 1) + fib(n - 2);
}
export function run(n) {
  return fib(n);
}
)",
                   20, 6765, kFib20Calls});
}
BENCHMARK(BM_Call_Fib20)->Name("Call/Fib20");

// --- property access ---------------------------------------------------------------
// Both programs do the same work — per iteration, two field reads and one
// field write on one of four objects — and count those 3 accesses as the
// operations. Monomorphic: the objects share one shape, so every access
// hits its inline cache. Polymorphic4: four shapes (x and y at different
// slots), so a single-entry cache sees a different shape on most accesses.

void BM_Property_Monomorphic(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  const objs = [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }, { x: 7, y: 8 }];
  for (let i = 0; i < n; i++) {
    const o = objs[i & 3];
    o.x = (o.x + o.y + i) & 1023;
  }
  return objs[0].x + objs[1].x + objs[2].x + objs[3].x;
}
)",
                   kLoopN, property_answer(kLoopN), 3 * int64_t(kLoopN)});
}
BENCHMARK(BM_Property_Monomorphic)->Name("Property/Monomorphic");

void BM_Property_Polymorphic4(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  const objs = [{ x: 1, y: 2 }, { y: 4, x: 3 }, { a: 0, x: 5, y: 6 }, { b: 0, c: 0, y: 8, x: 7 }];
  for (let i = 0; i < n; i++) {
    const o = objs[i & 3];
    o.x = (o.x + o.y + i) & 1023;
  }
  return objs[0].x + objs[1].x + objs[2].x + objs[3].x;
}
)",
                   kLoopN, property_answer(kLoopN), 3 * int64_t(kLoopN)});
}
BENCHMARK(BM_Property_Polymorphic4)->Name("Property/Polymorphic4");

// --- method calls ------------------------------------------------------------------

// A method found on the instance's class prototype; its body reads and
// writes one field.
void BM_Method_ClassInstance(benchmark::State& state) {
  time_run(state, {R"(
class Accumulator {
  total = 0;
  add(i) {
    this.total = (this.total + i) & 1023;
  }
}
export function run(n) {
  const acc = new Accumulator();
  for (let i = 0; i < n; i++) {
    acc.add(i);
  }
  return acc.total;
}
)",
                   kLoopN, masked_sum(kLoopN), kLoopN});
}
BENCHMARK(BM_Method_ClassInstance)->Name("Method/ClassInstance");

// The same method inherited through two levels of `extends`.
void BM_Method_Inherited(benchmark::State& state) {
  time_run(state, {R"(
class Accumulator {
  total = 0;
  add(i) {
    this.total = (this.total + i) & 1023;
  }
}
class Middle extends Accumulator {}
class Leaf extends Middle {}
export function run(n) {
  const acc = new Leaf();
  for (let i = 0; i < n; i++) {
    acc.add(i);
  }
  return acc.total;
}
)",
                   kLoopN, masked_sum(kLoopN), kLoopN});
}
BENCHMARK(BM_Method_Inherited)->Name("Method/Inherited");

// Native methods of Array.prototype: a push and a pop per iteration (two
// operations), so the array never grows past one element.
void BM_Method_ArrayPushPop(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  const stack = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    stack.push(i);
    s = (s + stack.pop()) & 1023;
  }
  return s;
}
)",
                   kLoopN, masked_sum(kLoopN), 2 * int64_t(kLoopN)});
}
BENCHMARK(BM_Method_ArrayPushPop)->Name("Method/ArrayPushPop");

// A native function on a builtin namespace object.
void BM_Method_MathMax(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = Math.max(s, i) & 1023;
  }
  return s;
}
)",
                   kLoopN, masked_max(kLoopN), kLoopN});
}
BENCHMARK(BM_Method_MathMax)->Name("Method/MathMax");

// --- allocation ------------------------------------------------------------------
// One allocation per iteration, kept alive only until the next one, so the
// collector runs (gc_per_call) and finds almost everything dead. The
// operation counted is the allocation, collection cost included.

void BM_Alloc_ObjectLiteral(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  let last = null;
  for (let i = 0; i < n; i++) {
    last = { a: i, b: 1 };
  }
  return last.a + last.b;
}
)",
                   kLoopN, kLoopN, kLoopN});
}
BENCHMARK(BM_Alloc_ObjectLiteral)->Name("Alloc/ObjectLiteral");

void BM_Alloc_ClassInstance(benchmark::State& state) {
  time_run(state, {R"(
class Pair {
  constructor(a, b) {
    this.a = a;
    this.b = b;
  }
}
export function run(n) {
  let last = null;
  for (let i = 0; i < n; i++) {
    last = new Pair(i, 1);
  }
  return last.a + last.b;
}
)",
                   kLoopN, kLoopN, kLoopN});
}
BENCHMARK(BM_Alloc_ClassInstance)->Name("Alloc/ClassInstance");

// A three-element array literal (the array plus its element storage).
void BM_Alloc_ArrayLiteral(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  let last = null;
  for (let i = 0; i < n; i++) {
    last = [i, 1, 2];
  }
  return last[0] + last.length;
}
)",
                   kLoopN, kLoopN + 2, kLoopN});
}
BENCHMARK(BM_Alloc_ArrayLiteral)->Name("Alloc/ArrayLiteral");

// An arrow function capturing the loop variable, which has a fresh binding
// per iteration (so whatever holds the captured variable is allocated too).
void BM_Alloc_Closure(benchmark::State& state) {
  time_run(state, {R"(
export function run(n) {
  let last = null;
  for (let i = 0; i < n; i++) {
    last = () => i;
  }
  return last() + 1;
}
)",
                   kLoopN, kLoopN, kLoopN});
}
BENCHMARK(BM_Alloc_Closure)->Name("Alloc/Closure");

}  // namespace
}  // namespace raya::vm
