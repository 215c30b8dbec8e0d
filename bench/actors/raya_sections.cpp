// The Raya half of raya_actor_bench: context actors (spawn_context), the
// supervisor and the Runtime/Sandbox facade doing what the bare actors of
// bare_sections.cpp do, on actor systems configured the same way.
//
// Programs: f(x) = x + 1 (the trivial export every call runs) and spin(n),
// a counting loop that never ends in practice (n = 1e15), which keeps a
// context busy slice after slice. Both are compiled once and sent to the
// contexts as .ryb bytes, so a load is decode + verify + link + top-level
// code, not compilation (one row of section 1 loads source instead).
#include "bench/actors/sections.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/context_actor.hpp"
#include "actors/runtime.hpp"
#include "actors/supervisor.hpp"
#include "bench/actors/actor_probes.hpp"
#include "bench/compile_program.hpp"
#include "vmcore/bytecode/encoder.hpp"

namespace raya::actors::bench {

namespace {

using messages::Value;

const char* kContext = "context";

constexpr const char* kTrivialSource = "export function f(x: number): number { return x + 1; }\n";
constexpr const char* kSpinSource =
    "export function spin(n: number): number {\n"
    "  let i = 0;\n"
    "  while (i < n) { i = i + 1; }\n"
    "  return i;\n"
    "}\n";
constexpr double kForever = 1e15;  // spin(kForever) outlasts any run of the benchmark

struct Programs {
  messages::ModuleSource trivial_source;
  messages::ModuleSource trivial;  // .ryb
  messages::ModuleSource spin;     // .ryb
  std::string error;
};

const Programs& programs() {
  static const Programs compiled = [] {
    Programs p;
    p.trivial_source = messages::ModuleSource::from_source("trivial.raya", kTrivialSource);
    auto bytecode = [&p](const char* path, const char* source) {
      std::string error;
      auto module = vm::bench::compile_program(source, error, path);
      if (!module) {
        p.error = error;
        return messages::ModuleSource();
      }
      return messages::ModuleSource::from_bytecode(path, vm::encode_module(*module));
    };
    p.trivial = bytecode("trivial.raya", kTrivialSource);
    p.spin = bytecode("spin.raya", kSpinSource);
    return p;
  }();
  return compiled;
}

/// "" if `r` is f's answer for x, else what is wrong with it.
std::string check_answer(const messages::TaskResult& r, int64_t x) {
  if (!r.ok) return r.error.to_string();
  double got = r.value.is_int() ? double(r.value.as_int()) : r.value.is_double() ? r.value.as_double() : NAN;
  if (got != double(x + 1)) return "f(" + std::to_string(x) + ") returned a wrong answer";
  return "";
}

std::vector<context_actor> spawn_contexts(caf::actor_system& sys, size_t n, uint64_t slice_steps) {
  std::vector<context_actor> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ContextSpec spec;
    spec.slice_steps = slice_steps;
    out.push_back(spawn_context(sys, std::move(spec)));
  }
  return out;
}

/// Sends one request to every context, `window` in flight at a time, and
/// waits for the replies. issue(self, context, index, reply) sends it.
/// Returns "" or what failed; `out` gets the run (reply times by index if
/// `record_times`).
template <class Issue>
std::string for_each_context(caf::actor_system& sys, std::shared_ptr<const std::vector<context_actor>> contexts,
                             size_t window, double timeout_s, Issue issue, RequestRun* out = nullptr,
                             bool record_times = false, bool detached = false) {
  RequestPlan plan;
  plan.count = contexts->size();
  plan.window = window;
  plan.record_reply_times = record_times;
  plan.detached = detached;
  auto requests = start_requests(sys, plan, [contexts, issue](caf::event_based_actor* self, size_t i, ReplyTo reply) {
    issue(self, (*contexts)[i], i, reply);
  });
  if (!requests.wait(timeout_s)) {
    requests.abort();
    return "timed out: " + std::to_string(requests.completed()) + " of " + std::to_string(plan.count) +
           " replies within " + std::to_string(int(timeout_s)) + " s";
  }
  const RequestRun& run = requests.run();
  if (out) *out = run;
  if (run.failed)
    return std::to_string(run.failed) + " of " + std::to_string(plan.count) + " failed: " + run.first_error;
  return "";
}

using Contexts = std::shared_ptr<const std::vector<context_actor>>;

std::string load_all(caf::actor_system& sys, const Contexts& contexts, const messages::ModuleSource& module,
                     double timeout_s) {
  return for_each_context(sys, contexts, 256, timeout_s,
                          [module](caf::event_based_actor* self, const context_actor& c, size_t, ReplyTo reply) {
                            self->request(c, caf::infinite, load_atom::value, module)
                                .then([reply](messages::LoadResult& r) { reply(r.ok ? "" : r.error.to_string()); },
                                      [reply, self](caf::error& e) { reply(self->system().render(e)); });
                          });
}

/// Starts spin(forever) in every context from one actor, as a supervisor
/// would (asynchronous spawn messages; the Started replies are dropped).
void spin_all(caf::actor_system& sys, const Contexts& contexts) {
  send_from_actor(sys, contexts->size(), [contexts](caf::event_based_actor* self, size_t i) {
    self->send((*contexts)[i], spawn_atom::value, std::string("spin"), ValueList{Value(kForever)});
  });
}

/// Every context's stats, read in one round of requests (all in flight at
/// once), with the time each reply arrived. `detached`: read by an actor on
/// a thread of its own (for busy contexts; see RequestPlan::detached).
struct StatsRound {
  std::vector<messages::VmStats> stats;
  std::vector<uint64_t> at_ns;
};

std::string stats_all(caf::actor_system& sys, const Contexts& contexts, double timeout_s, StatsRound& out,
                      bool detached, size_t window = SIZE_MAX) {
  auto stats = std::make_shared<std::vector<messages::VmStats>>(contexts->size());
  RequestRun run;
  std::string error = for_each_context(
      sys, contexts, std::min(window, contexts->size()), timeout_s,
      [stats](caf::event_based_actor* self, const context_actor& c, size_t i, ReplyTo reply) {
        self->request(c, caf::infinite, stats_atom::value)
            .then(
                [reply, stats, i](messages::VmStats& s) {
                  if (i < stats->size()) (*stats)[i] = s;
                  reply("");
                },
                [reply, self](caf::error& e) { reply(self->system().render(e)); });
      },
      &run, true, detached);
  out.stats = *stats;  // a copy: a late (duplicate) reply must find the vector intact
  out.at_ns = std::move(run.reply_at_ns);
  return error;
}

/// Terminates every context (terminate request from a detached actor, then
/// exit(kill) for any that did not answer) and waits until none is running.
/// "" or what failed.
std::string terminate_all(caf::actor_system& sys, Contexts& contexts, size_t baseline, double timeout_s,
                          double* seconds = nullptr) {
  uint64_t t0 = now_ns();
  std::string error = for_each_context(
      sys, contexts, 1024, timeout_s,
      [](caf::event_based_actor* self, const context_actor& c, size_t, ReplyTo reply) {
        self->request(c, caf::infinite, terminate_atom::value)
            .then([reply](messages::VmStats&) { reply(""); },
                  [reply, self](caf::error& e) { reply(self->system().render(e)); });
      },
      nullptr, false, true);
  if (!error.empty())
    for (const auto& c : *contexts) caf::anon_send_exit(c, caf::exit_reason::kill);
  contexts.reset();
  if (!wait_running(sys, baseline, timeout_s) && error.empty())
    error = "contexts still running " + std::to_string(int(timeout_s)) + " s after terminate";
  if (seconds) *seconds = double(now_ns() - t0) / 1e9;
  return error;
}

double percent(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0; }

void set_memory(Row& row, const MemorySample& before, const MemorySample& alive, size_t n, const char* bytes_name,
                const char* rss_name) {
  if (alive.has_allocated) row.set(bytes_name, double(int64_t(alive.allocated - before.allocated)) / double(n));
  row.set(rss_name, double(int64_t(alive.rss - before.rss)) / double(n));
}

void set_returned(Row& row, const MemorySample& before, const MemorySample& alive) {
  MemorySample after = settled_memory();
  purge_memory();
  MemorySample purged = sample_memory();
  if (alive.has_allocated)
    row.set("freed %", percent(double(int64_t(alive.allocated - after.allocated)),
                               double(int64_t(alive.allocated - before.allocated))));
  row.set("RSS freed %", percent(double(int64_t(alive.rss - purged.rss)), double(int64_t(alive.rss - before.rss))));
}

}  // namespace

// --- 1. spawn --------------------------------------------------------------------------------

void raya_spawn(Bench& b) {
  if (!programs().error.empty()) {
    b.report.add(Row(1, kContext, "programs").fail(programs().error));
    return;
  }
  const size_t n = b.options.spawn_count;
  for (bool first_message : {false, true}) {
    Row row(1, kContext, first_message ? "spawn_context, 1st msg (stats) handled" : "spawn_context, idle");
    b.phase("section 1: spawn_context", 180);
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    MemorySample before = settled_memory();
    uint64_t t0 = now_ns();
    auto contexts = std::make_shared<const std::vector<context_actor>>(spawn_contexts(sys, n, 10'000));
    uint64_t t_loop = now_ns() - t0;
    if (first_message) {
      StatsRound round;
      row.fail(stats_all(sys, contexts, 120, round, false, 256));
      row.set("ready us", double(now_ns() - t0) / double(n) / 1e3);
    }
    MemorySample alive = settled_memory();
    row.set("N", double(n));
    row.set("spawn us", double(t_loop) / double(n) / 1e3);
    set_memory(row, before, alive, n, "B/actor", "RSS B/actor");
    double seconds = 0;
    Contexts held = contexts;
    contexts.reset();
    row.fail(terminate_all(sys, held, baseline, 120, &seconds));
    row.set("exit us", seconds * 1e6 / double(n));
    set_returned(row, before, alive);
    b.report.add(row);
  }
  // Contexts that loaded a module: the VM exists now.
  for (size_t i = 0; i < b.options.load_counts.size() + 1; ++i) {
    bool from_source = i == b.options.load_counts.size();
    size_t count = from_source ? b.options.load_counts.front() : b.options.load_counts[i];
    Row row(1, kContext, std::string("spawn_context + load f ") + (from_source ? "(source)" : "(.ryb)"));
    b.phase("section 1: contexts + load, N=" + std::to_string(count), 240);
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    MemorySample before = settled_memory();
    uint64_t t0 = now_ns();
    Contexts contexts = std::make_shared<const std::vector<context_actor>>(spawn_contexts(sys, count, 10'000));
    uint64_t t_spawned = now_ns();
    row.fail(load_all(sys, contexts, from_source ? programs().trivial_source : programs().trivial, 180));
    uint64_t t_loaded = now_ns();
    MemorySample alive = settled_memory();
    row.set("N", double(count));
    row.set("spawn us", double(t_spawned - t0) / double(count) / 1e3);
    row.set("ready us", double(t_loaded - t0) / double(count) / 1e3);
    row.set("load us", double(t_loaded - t_spawned) / double(count) / 1e3);
    set_memory(row, before, alive, count, "B/actor", "RSS B/actor");
    double seconds = 0;
    row.fail(terminate_all(sys, contexts, baseline, 120, &seconds));
    row.set("exit us", seconds * 1e6 / double(count));
    set_returned(row, before, alive);
    b.report.add(row);
  }
  b.report.note(1,
                "ready us: spawn + first message answered (bare: its init ran), per actor; load us: the first "
                "load, which creates the VM (builtins, prelude) and runs the module's top-level code, per "
                "context with 2 workers loading in parallel. B/actor from jemalloc stats.allocated; freed % "
                "after terminating all; RSS freed % after a jemalloc purge.");
}

// --- 2. latency ---------------------------------------------------------------------------------

namespace {

/// Round trips of `n` calls, one in flight, each issued from the previous
/// one's response handler.
template <class Issue>
void time_round_trips(Bench& b, caf::actor_system& sys, Row& row, Issue issue) {
  RequestPlan plan;
  plan.warmup = b.options.latency_calls / 10;
  plan.count = plan.warmup + b.options.latency_calls;
  plan.record_round_trips = true;
  auto requests = start_requests(sys, plan, issue);
  if (!requests.wait(60)) {
    requests.abort();
    row.fail("timed out after " + std::to_string(requests.completed()) + " replies");
    return;
  }
  RequestRun run = requests.run();
  if (run.failed) row.fail(std::to_string(run.failed) + " failed: " + run.first_error);
  add_latency_metrics(row, run.round_trip_ns);
}

void facade_latency(Bench& b) {
  RuntimeConfig config;
  config.worker_threads = b.options.workers;
  Runtime runtime(config);
  SandboxOptions sandbox_options;
  sandbox_options.name = "latency";
  auto made = runtime.sandbox(sandbox_options);
  if (!made.ok()) {
    b.report.add(Row(2, "Sandbox", "runtime.sandbox()").fail(made.error().to_string()));
    return;
  }
  Sandbox& sandbox = made.value();
  messages::LoadResult loaded = sandbox.load_source("trivial.raya", kTrivialSource);
  if (!loaded.ok) {
    b.report.add(Row(2, "Sandbox", "load_source").fail(loaded.error.to_string()));
    return;
  }
  const size_t n = b.options.blocking_calls;
  {
    Row row(2, "Sandbox", "run() from the main thread (blocking)");
    b.phase("section 2: Sandbox::run (blocking; no timeout in the API)", 120);
    std::vector<uint32_t> samples;
    for (size_t i = 0; i < n + n / 10 && row.error.empty(); ++i) {
      uint64_t t = now_ns();
      messages::TaskResult r = sandbox.run("f", {Value(int64_t(i))});
      if (i >= n / 10) samples.push_back(uint32_t(now_ns() - t));
      row.fail(check_answer(r, int64_t(i)));
    }
    add_latency_metrics(row, samples);
    b.report.add(row);
  }
  const size_t batch = b.options.batch_size;
  const size_t batches = std::max<size_t>(1, n / batch);
  {
    Row row(2, "Sandbox", "run_async() futures, batches of " + std::to_string(batch));
    b.phase("section 2: Sandbox::run_async futures", 120);
    std::vector<uint32_t> per_batch;
    for (size_t k = 0; k < batches + 1 && row.error.empty(); ++k) {
      uint64_t t = now_ns();
      std::vector<std::future<messages::TaskResult>> futures;
      for (size_t j = 0; j < batch; ++j) futures.push_back(sandbox.run_async("f", {Value(int64_t(j))}));
      for (size_t j = 0; j < batch; ++j) {
        if (futures[j].wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
          row.fail("a run_async future was not ready within 30 s");
          break;
        }
        row.fail(check_answer(futures[j].get(), int64_t(j)));
      }
      if (k > 0) per_batch.push_back(uint32_t(now_ns() - t));  // the first batch warms up
    }
    std::sort(per_batch.begin(), per_batch.end());
    double total = std::accumulate(per_batch.begin(), per_batch.end(), 0.0);
    row.set("calls", double(per_batch.size() * batch));
    row.set("mean us", per_batch.empty() ? 0 : total / double(per_batch.size() * batch) / 1e3);
    row.set("batch p50 us", percentile(per_batch, 0.5) / 1e3);
    row.set("batch p99 us", percentile(per_batch, 0.99) / 1e3);
    b.report.add(row);
  }
  {
    Row row(2, "Sandbox", "run_async() callbacks, batches of " + std::to_string(batch));
    b.phase("section 2: Sandbox::run_async callbacks", 120);
    struct Latch {
      std::mutex mutex;
      std::condition_variable cv;
      size_t remaining = 0;
      std::string error;
    };
    std::vector<uint32_t> per_batch;
    for (size_t k = 0; k < batches + 1 && row.error.empty(); ++k) {
      auto latch = std::make_shared<Latch>();
      latch->remaining = batch;
      uint64_t t = now_ns();
      for (size_t j = 0; j < batch; ++j)
        sandbox.run_async("f", {Value(int64_t(j))}, [latch, j](messages::TaskResult r) {
          std::string error = check_answer(r, int64_t(j));
          std::lock_guard<std::mutex> lock(latch->mutex);
          if (!error.empty() && latch->error.empty()) latch->error = error;
          if (--latch->remaining == 0) latch->cv.notify_one();
        });
      std::unique_lock<std::mutex> lock(latch->mutex);
      if (!latch->cv.wait_for(lock, std::chrono::seconds(30), [&] { return latch->remaining == 0; }))
        row.fail("run_async callbacks missing after 30 s");
      row.fail(latch->error);
      if (k > 0) per_batch.push_back(uint32_t(now_ns() - t));
    }
    std::sort(per_batch.begin(), per_batch.end());
    double total = std::accumulate(per_batch.begin(), per_batch.end(), 0.0);
    row.set("calls", double(per_batch.size() * batch));
    row.set("mean us", per_batch.empty() ? 0 : total / double(per_batch.size() * batch) / 1e3);
    row.set("batch p50 us", percentile(per_batch, 0.5) / 1e3);
    row.set("batch p99 us", percentile(per_batch, 0.99) / 1e3);
    b.report.add(row);
  }
  b.phase("section 2: Runtime shutdown", 60);
}

}  // namespace

void raya_latency(Bench& b) {
  if (!programs().error.empty()) {
    b.report.add(Row(2, kContext, "programs").fail(programs().error));
    return;
  }
  b.phase("section 2: context latency", 120);
  {
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    Contexts contexts = std::make_shared<const std::vector<context_actor>>(spawn_contexts(sys, 1, 10'000));
    context_actor context = contexts->front();
    Row row(2, kContext, "event_based requester, run f(x) = x+1");
    row.fail(load_all(sys, contexts, programs().trivial, 30));
    if (row.error.empty())
      time_round_trips(b, sys, row, [context](caf::event_based_actor* self, size_t i, ReplyTo reply) {
        self->request(context, caf::infinite, run_atom::value, std::string("f"), ValueList{Value(int64_t(i))})
            .then([reply, i](messages::TaskResult& r) { reply(check_answer(r, int64_t(i))); },
                  [reply, self](caf::error& e) { reply(self->system().render(e)); });
      });
    b.report.add(row);

    // The same call through the supervisor (one more hop: it delegates).
    Row sup_row(2, "supervisor", "event_based requester, run(id, f, x)");
    auto supervisor = spawn_supervisor(sys, SupervisorSpec{});
    uint64_t id = 0;
    {
      caf::scoped_actor self{sys};
      SandboxSpec spec;
      spec.name = "latency";
      spec.modules.push_back(programs().trivial);
      self->request(supervisor, std::chrono::seconds(30), spawn_atom::value, spec)
          .receive(
              [&](SpawnReply& r) {
                if (!r.ok)
                  sup_row.fail(r.error.to_string());
                else if (r.loads.empty() || !r.loads.front().ok)
                  sup_row.fail(r.loads.empty() ? "no load result" : r.loads.front().error.to_string());
                id = r.context_id;
              },
              [&](caf::error& e) { sup_row.fail(sys.render(e)); });
    }
    if (sup_row.error.empty())
      time_round_trips(b, sys, sup_row, [supervisor, id](caf::event_based_actor* self, size_t i, ReplyTo reply) {
        self->request(supervisor, caf::infinite, run_atom::value, id, std::string("f"), ValueList{Value(int64_t(i))})
            .then([reply, i](messages::TaskResult& r) { reply(check_answer(r, int64_t(i))); },
                  [reply, self](caf::error& e) { reply(self->system().render(e)); });
      });
    b.report.add(sup_row);
    {
      caf::scoped_actor self{sys};
      self->request(supervisor, std::chrono::seconds(30), terminate_atom::value, id)
          .receive([](bool) {}, [](caf::error&) {});
    }
    caf::anon_send_exit(supervisor, caf::exit_reason::kill);
    std::string error = terminate_all(sys, contexts, baseline, 30);
    if (!error.empty()) b.report.note(2, "cleanup: " + error);
  }
  facade_latency(b);
}

// --- 3. throughput --------------------------------------------------------------------------------

void raya_throughput(Bench& b) {
  if (!programs().error.empty()) {
    b.report.add(Row(3, kContext, "programs").fail(programs().error));
    return;
  }
  for (size_t n : b.options.throughput_targets) {
    b.phase("section 3: context throughput, N=" + std::to_string(n), 120);
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    Row row(3, kContext,
            std::to_string(n) + (n == 1 ? " context, " : " contexts, ") +
                std::to_string(kThroughputRequesters * kThroughputWindow) + " requests in flight");
    Contexts contexts = std::make_shared<const std::vector<context_actor>>(spawn_contexts(sys, n, 10'000));
    row.fail(load_all(sys, contexts, programs().trivial, 60));
    if (row.error.empty())
      measure_throughput(sys, b.options.window_s, row, [contexts](size_t r) {
        return [contexts, r](caf::event_based_actor* self, size_t i, ReplyTo reply) {
          const auto& c = (*contexts)[(r + i * kThroughputRequesters) % contexts->size()];
          self->request(c, caf::infinite, run_atom::value, std::string("f"), ValueList{Value(int64_t(i))})
              .then([reply, i](messages::TaskResult& res) { reply(check_answer(res, int64_t(i))); },
                    [reply, self](caf::error& e) { reply(self->system().render(e)); });
        };
      });
    row.fail(terminate_all(sys, contexts, baseline, 60));
    b.report.add(row);
  }
}

// --- 4. fairness ------------------------------------------------------------------------------------

namespace {

/// Contexts running spin() in slices of `slice_steps`, on `sys`.
struct SpinningContexts {
  Contexts contexts;
  size_t baseline = 0;
  std::string error;
};

SpinningContexts start_spinning(caf::actor_system& sys, size_t n, uint64_t slice_steps) {
  SpinningContexts s;
  s.baseline = sys.registry().running();
  s.contexts = std::make_shared<const std::vector<context_actor>>(spawn_contexts(sys, n, slice_steps));
  s.error = load_all(sys, s.contexts, programs().spin, 120);
  if (!s.error.empty()) return s;
  spin_all(sys, s.contexts);
  // Started: every context has run its first slice of spin (the request
  // runs it). One round of stats requests per poll.
  auto deadline = Clock::now() + std::chrono::seconds(60);
  for (;;) {
    StatsRound round;
    s.error = stats_all(sys, s.contexts, 60, round, true);
    if (!s.error.empty()) return s;
    size_t waiting = 0;
    for (const messages::VmStats& st : round.stats) waiting += st.steps_executed < slice_steps;
    if (waiting == 0) break;
    if (Clock::now() > deadline) {
      s.error = std::to_string(waiting) + " contexts had not started spinning 60 s after their spawn request";
      return s;
    }
    sleep_s(0.05);
  }
  return s;
}

}  // namespace

void raya_calibrate(Bench& b) {
  if (!programs().error.empty()) return;
  b.phase("calibration: one spinning context", 60);
  auto system = make_system({});
  caf::actor_system& sys = system->actors();
  SpinningContexts s = start_spinning(sys, 1, 10'000);
  StatsRound r0, r1;
  std::string error = s.error;
  if (error.empty()) {
    sleep_s(0.1);
    error = stats_all(sys, s.contexts, 10, r0, true);
  }
  if (error.empty()) {
    sleep_s(b.options.quick ? 0.2 : 0.5);
    error = stats_all(sys, s.contexts, 10, r1, true);
  }
  if (error.empty()) {
    double steps = double(r1.stats[0].steps_executed - r0.stats[0].steps_executed);
    double cpu_ns = double(r1.stats[0].cpu_time_us - r0.stats[0].cpu_time_us) * 1e3;
    double wall_ns = double(r1.at_ns[0] - r0.at_ns[0]);
    if (steps > 0) {
      b.raya_ns_per_step = (cpu_ns > 0 ? cpu_ns : wall_ns) / steps;
      b.report.note(4, "calibration: a spinning context runs " + std::to_string(b.raya_ns_per_step).substr(0, 5) +
                           " ns/step (" + (cpu_ns > 0 ? "CPU time" : "wall time: cpu_time_us stayed 0") +
                           "); bare slices are sized to match");
    } else {
      error = "a spinning context executed no steps";
    }
  }
  if (!error.empty())
    b.report.note(4, "calibration failed (" + error + "); bare slices assume " +
                         std::to_string(b.options.ns_per_step_fallback) + " ns/step");
  std::string cleanup = terminate_all(sys, s.contexts, s.baseline, 30);
  if (!cleanup.empty()) b.report.note(4, "calibration cleanup: " + cleanup);
}

void raya_fairness(Bench& b, const std::string& policy) {
  if (!programs().error.empty()) {
    b.report.add(Row(4, kContext, "programs").fail(programs().error));
    return;
  }
  const uint64_t slice_steps = b.options.fairness_slice_steps;
  for (size_t n : b.options.fairness_counts) {
    b.phase("section 4: context fairness " + policy + " N=" + std::to_string(n), 120);
    Row row(4, kContext, policy + ", N=" + std::to_string(n));
    SchedulerSetup setup;
    setup.policy = policy;
    auto system = make_system(setup);
    caf::actor_system& sys = system->actors();
    SpinningContexts s = start_spinning(sys, n, slice_steps);
    row.fail(s.error);
    StatsRound r0, r1;
    if (row.error.empty()) {
      sleep_s(0.2);
      row.fail(stats_all(sys, s.contexts, 30, r0, true));
    }
    if (row.error.empty()) {
      sleep_s(fairness_window(b, n));
      row.fail(stats_all(sys, s.contexts, 30, r1, true));
    }
    if (row.error.empty()) {
      // Rates between each context's own two replies: the replies of one
      // round arrive up to a scheduling round apart.
      std::vector<double> rates(n), cpu(n);
      double total_steps = 0;
      for (size_t i = 0; i < n; ++i) {
        double seconds = double(r1.at_ns[i] - r0.at_ns[i]) / 1e9;
        double steps = double(r1.stats[i].steps_executed - r0.stats[i].steps_executed);
        total_steps += steps;
        rates[i] = seconds > 0 ? steps / double(slice_steps) / seconds : 0;
        cpu[i] = double(r1.stats[i].cpu_time_us - r0.stats[i].cpu_time_us) / seconds;
      }
      uint64_t first = *std::min_element(r0.at_ns.begin(), r0.at_ns.end());
      uint64_t last = *std::max_element(r1.at_ns.begin(), r1.at_ns.end());
      row.set("slice us", double(slice_steps) * b.ns_per_step() / 1e3);
      row.set("slices/s all", total_steps / double(slice_steps) / (double(last - first) / 1e9));
      add_spread(row, rates, fairness_window(b, n));
      auto [lo, hi] = std::minmax_element(cpu.begin(), cpu.end());
      double mean = std::accumulate(cpu.begin(), cpu.end(), 0.0) / double(n);
      if (mean > 0) row.set("cpu spread %", 100.0 * (*hi - *lo) / mean);
    }
    row.fail(terminate_all(sys, s.contexts, s.baseline, 60));
    b.report.add(row);
  }
}

// --- 5. host ping ------------------------------------------------------------------------------------

void raya_ping(Bench& b, const std::string& policy, uint64_t slice_steps) {
  if (!programs().error.empty()) {
    b.report.add(Row(5, kContext, "programs").fail(programs().error));
    return;
  }
  b.phase("section 5: context ping " + policy + " slice " + short_count(slice_steps), 180);
  Row row(5, kContext,
          policy + ", " + std::to_string(b.options.ping_spinners) + " spinning, " + short_count(slice_steps) +
              "-step slices");
  SchedulerSetup setup;
  setup.policy = policy;
  auto system = make_system(setup);
  caf::actor_system& sys = system->actors();
  SpinningContexts s = start_spinning(sys, b.options.ping_spinners, slice_steps);
  row.fail(s.error);
  if (row.error.empty()) {
    sleep_s(0.2);
    // Steps before and after the pings give the length of a round (every
    // spinning context running one slice); reading them costs a round each.
    StatsRound r0, r1;
    row.fail(stats_all(sys, s.contexts, 60, r0, true));
    PingRun run = measure_host_pings(sys, b.options.window_s, 30);
    if (!run.finished) row.fail("the last pong did not arrive within 30 s");
    row.fail(stats_all(sys, s.contexts, 60, r1, true));
    row.set("slice us", double(slice_steps) * b.ns_per_step() / 1e3);
    add_ping_metrics(row, run);
    if (row.error.empty()) {
      double steps = 0;
      for (size_t i = 0; i < r0.stats.size(); ++i)
        steps += double(r1.stats[i].steps_executed - r0.stats[i].steps_executed);
      uint64_t first = *std::min_element(r0.at_ns.begin(), r0.at_ns.end());
      uint64_t last = *std::max_element(r1.at_ns.begin(), r1.at_ns.end());
      double slices_per_s = steps / double(slice_steps) / (double(last - first) / 1e9);
      if (slices_per_s > 0) row.set("round ms", double(b.options.ping_spinners) / slices_per_s * 1e3);
    }
  }
  // The same load, with the host actors in an actor system of their own
  // (one worker thread): the OS, not CAF's queue, shares the cores then.
  Row own_system_row(5, kContext, row.variant + ", host in own system");
  if (row.error.empty()) {
    SchedulerSetup host_setup;
    host_setup.policy = policy;
    host_setup.workers = 1;
    auto host_system = make_system(host_setup);
    PingRun run = measure_host_pings(host_system->actors(), b.options.window_s, 30);
    if (!run.finished) own_system_row.fail("the last pong did not arrive within 30 s");
    own_system_row.set("slice us", double(slice_steps) * b.ns_per_step() / 1e3);
    add_ping_metrics(own_system_row, run);
  }
  row.fail(terminate_all(sys, s.contexts, s.baseline, 120));
  b.report.add(row);
  if (row.error.empty()) b.report.add(own_system_row);
}

}  // namespace raya::actors::bench
