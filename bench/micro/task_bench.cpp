// Task micro-benchmarks: what green threads inside one context cost.
//   Task/SpawnAwait       — `await f(i)` of a trivial async function, in a
//                           loop: one task created, queued, run, finished and
//                           awaited per iteration (the caller blocks and wakes).
//   Task/SpawnAwaitBatch  — 1,000 tasks started, then one `await [...]`.
//   Task/YieldNow         — one `await yieldNow()`: a task switch with two ready tasks.
//   Task/HostCallRoundTrip— a `host:` capability call through the embedding API
//                           (VmContext): marshal args, suspend, the embedding
//                           completes the request, unmarshal, resume.
// Items per second is tasks (or calls) per second.
#include <benchmark/benchmark.h>

#include <string>

#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

/// A VmContext running `source`'s top-level code to its end; the exported
/// `run(n)` is then called per benchmark iteration batch.
struct Program {
  VmContext vm;
  std::string error;

  Program(const std::string& source, std::vector<std::string> grants = {})
      : vm(options(), std::move(grants)) {
    Result<TaskId> loaded = vm.load_source("bench.raya", source);
    if (!loaded) {
      error = loaded.error().to_string() + loaded.error().render_diagnostics();
      return;
    }
    drive();
  }

  static messages::VmOptions options() {
    messages::VmOptions o;
    o.max_tasks = 100000;
    return o;
  }

  /// Runs until idle, answering host calls with their first argument.
  void drive() {
    for (;;) {
      RunOutcome r = vm.run(1u << 20);
      for (HostRequest& req : vm.take_host_requests()) {
        messages::Value reply = req.args.is_array() && !req.args.as_array().empty() ? req.args.as_array()[0]
                                                                                    : messages::Value();
        (void)vm.complete(req.id, reply);
      }
      for (TaskOutcome& o : vm.take_finished())
        if (!o.ok) error = o.error.to_string();
      if (r.kind == RunOutcome::Kind::Fatal) {
        error = vm.fatal()->to_string();
        return;
      }
      if (r.kind == RunOutcome::Kind::Done) return;
    }
  }

  /// Calls run(n) and drives it to its end.
  void call(int64_t n) {
    Result<TaskId> t = vm.start("run", {messages::Value(n)});
    if (!t) {
      error = t.error().to_string();
      return;
    }
    drive();
  }
};

void run_batches(benchmark::State& state, Program& p, int64_t per_call) {
  if (!p.error.empty()) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  for (auto _ : state) {
    p.call(per_call);
    if (!p.error.empty()) {
      state.SkipWithError(p.error.c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * per_call);
}

void BM_Task_SpawnAwait(benchmark::State& state) {
  Program p(R"(
    async function work(i) { return i + 1; }
    export async function run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await work(i);
      return sum;
    })");
  run_batches(state, p, 1000);
}
BENCHMARK(BM_Task_SpawnAwait);

void BM_Task_SpawnAwaitBatch(benchmark::State& state) {
  Program p(R"(
    async function work(i) { return i + 1; }
    export async function run(n) {
      const tasks = [];
      for (let i = 0; i < n; i++) tasks.push(work(i));
      const values = await tasks;
      return values.length;
    })");
  run_batches(state, p, 1000);
}
BENCHMARK(BM_Task_SpawnAwaitBatch);

void BM_Task_YieldNow(benchmark::State& state) {
  Program p(R"(
    import { yieldNow } from "raya:task";
    async function spin(n) { for (let i = 0; i < n; i++) await yieldNow(); return n; }
    export async function run(n) { return (await [spin(n / 2), spin(n / 2)]).length; })");
  run_batches(state, p, 1000);
}
BENCHMARK(BM_Task_YieldNow);

void BM_Task_HostCallRoundTrip(benchmark::State& state) {
  Program p(R"(
    import { echo } from "host:";
    export async function run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await echo(i);
      return sum;
    })",
            {"echo"});
  run_batches(state, p, 1000);
}
BENCHMARK(BM_Task_HostCallRoundTrip);

}  // namespace
}  // namespace raya::vm
