// The bare CAF half of raya_actor_bench: plain event-based actors doing what
// a context does in each section, with the same scheduler settings, so the
// difference between the two rows is what the context actor adds.
//
//   1. spawn: an actor with a one-handler behavior, idle; and the same
//      after handling one message.
//   2. latency: a requester actor asking an int -> int+1 actor, the next
//      request leaving from the response handler; and a scoped_actor
//      asking from the main thread (the blocking cost Sandbox::run pays).
//   3. throughput: 1 and 1,000 such actors, many requests in flight.
//   4. fairness / 5. ping: actors that send themselves a message per
//      "slice" and do a fixed amount of busy work per message, sized to
//      take as long as a Raya slice of the same number of steps.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "bench/actors/actor_probes.hpp"
#include "bench/actors/sections.hpp"

namespace raya::actors::bench {

namespace {

using slice_atom = caf::atom_constant<caf::atom("benchslice")>;
using start_atom = caf::atom_constant<caf::atom("benchstart")>;

const char* kBare = "bare CAF";

/// The idle actor of section 1. Counts its initialisation and its first
/// message (so the main thread knows when every actor is ready).
caf::behavior idle_actor(caf::event_based_actor*, std::atomic<size_t>* initialized, std::atomic<size_t>* handled) {
  initialized->fetch_add(1, std::memory_order_relaxed);
  return {[handled](int x) {
    handled->fetch_add(1, std::memory_order_relaxed);
    return x;
  }};
}

/// A busy actor: one slice of busy work per self-sent message, counted.
struct Spinners {
  std::atomic<bool> stop{false};
  std::atomic<size_t> initialized{0};
  std::unique_ptr<std::atomic<uint64_t>[]> slices;
  std::vector<caf::actor> actors;
};

caf::behavior spinner(caf::event_based_actor* self, Spinners* s, size_t index, uint64_t iterations) {
  s->initialized.fetch_add(1, std::memory_order_relaxed);
  auto slice = [self, s, index, iterations] {
    (void)busy_work(iterations, index);  // cannot be optimised away (see busy_work)
    s->slices[index].fetch_add(1, std::memory_order_relaxed);
    self->send(self, slice_atom::value);
  };
  return {
      // Started like a context's spin task: the request runs the first
      // slice, the rest go through the mailbox.
      [slice](start_atom) {
        slice();
        return true;
      },
      [self, s, slice](slice_atom) {
        if (s->stop.load(std::memory_order_relaxed)) {
          self->quit();
          return;
        }
        slice();
      },
  };
}

/// Spawns `n` spinners (from this thread) and starts them from one actor,
/// as raya_sections.cpp starts contexts: with CAF's stealing policy they
/// are queued on that actor's worker, and only an idle worker steals.
std::unique_ptr<Spinners> start_spinners(caf::actor_system& sys, size_t n, uint64_t iterations) {
  auto s = std::make_unique<Spinners>();
  s->slices = std::make_unique<std::atomic<uint64_t>[]>(n);
  for (size_t i = 0; i < n; ++i) s->actors.push_back(sys.spawn(spinner, s.get(), i, iterations));
  // Idle first, like a context that has loaded its module: a start message
  // that found a spinner not yet initialised would run it on the worker
  // its spawn was queued on, not on the starter's.
  wait_until([&] { return s->initialized.load() >= n; }, 30);
  auto actors = std::make_shared<std::vector<caf::actor>>(s->actors);
  send_from_actor(sys, n,
                  [actors](caf::event_based_actor* self, size_t i) { self->send((*actors)[i], start_atom::value); });
  return s;
}

/// How many spinners have not run a slice yet.
size_t idle_spinners(const Spinners& s, size_t n) {
  size_t idle = 0;
  for (size_t i = 0; i < n; ++i) idle += s.slices[i].load() == 0;
  return idle;
}

/// Stops the spinners; false if they did not all quit in time (then they are killed).
bool stop_spinners(caf::actor_system& sys, Spinners& s, size_t baseline) {
  s.stop = true;
  bool quit = wait_running(sys, baseline, 10);
  if (!quit)
    for (auto& a : s.actors) caf::anon_send_exit(a, caf::exit_reason::kill);
  s.actors.clear();
  wait_running(sys, baseline, 10);
  return quit;
}

/// Busy-work iterations that take as long as `steps` Raya steps.
uint64_t iterations_for_steps(const Bench& b, uint64_t steps) {
  return std::max<uint64_t>(1, uint64_t(double(steps) * b.ns_per_step() / b.busy_ns_per_iteration));
}

double percent(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0; }

}  // namespace

// --- shared by both halves ---------------------------------------------------------

std::string short_count(uint64_t n) {
  if (n >= 1'000'000 && n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "M";
  if (n >= 1'000 && n % 1'000 == 0) return std::to_string(n / 1'000) + "k";
  return std::to_string(n);
}

double fairness_window(const Bench& b, size_t n) {
  return b.options.window_s * (n >= 1'000 && !b.options.quick ? 3 : 1);
}

void add_spread(Row& row, const std::vector<double>& rates, double seconds) {
  if (rates.empty()) return;
  auto [lo, hi] = std::minmax_element(rates.begin(), rates.end());
  double mean = std::accumulate(rates.begin(), rates.end(), 0.0) / double(rates.size());
  row.set("per actor/s", mean);
  if (size_t stalled = size_t(std::count(rates.begin(), rates.end(), 0.0))) row.set("stalled", double(stalled));
  row.set("1 slice %", mean > 0 ? 100.0 / (mean * seconds) : 0);
  row.set("spread %", mean > 0 ? 100.0 * (*hi - *lo) / mean : 0);
  row.set("max/min", *lo > 0 ? *hi / *lo : INFINITY);
}

void add_ping_metrics(Row& row, PingRun& run) {
  std::sort(run.latency_ns.begin(), run.latency_ns.end());
  std::sort(run.lateness_ns.begin(), run.lateness_ns.end());
  row.set("pings", double(run.latency_ns.size()));
  row.set("p50 ms", percentile(run.latency_ns, 0.50) / 1e6);
  row.set("p99 ms", percentile(run.latency_ns, 0.99) / 1e6);
  row.set("max ms", run.latency_ns.empty() ? 0 : double(run.latency_ns.back()) / 1e6);
  row.set("late p99 ms", percentile(run.lateness_ns, 0.99) / 1e6);
}

void add_latency_metrics(Row& row, std::vector<uint32_t>& round_trip_ns) {
  std::sort(round_trip_ns.begin(), round_trip_ns.end());
  double sum = std::accumulate(round_trip_ns.begin(), round_trip_ns.end(), 0.0);
  row.set("calls", double(round_trip_ns.size()));
  row.set("p50 us", percentile(round_trip_ns, 0.50) / 1e3);
  row.set("p99 us", percentile(round_trip_ns, 0.99) / 1e3);
  row.set("mean us", round_trip_ns.empty() ? 0 : sum / double(round_trip_ns.size()) / 1e3);
}

// --- 1. spawn ----------------------------------------------------------------------------

void bare_spawn(Bench& b) {
  const size_t n = b.options.spawn_count;
  for (bool first_message : {false, true}) {
    Row row(1, kBare, first_message ? "event_based, 1st msg handled" : "event_based, idle");
    b.phase("section 1: bare CAF spawn", 120);
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    std::atomic<size_t> initialized{0}, handled{0};
    std::vector<caf::actor> actors;
    actors.reserve(n);
    MemorySample before = settled_memory();
    uint64_t t0 = now_ns();
    for (size_t i = 0; i < n; ++i) {
      actors.push_back(sys.spawn(idle_actor, &initialized, &handled));
      if (first_message) caf::anon_send(actors.back(), int(i));
    }
    uint64_t t_loop = now_ns() - t0;
    std::atomic<size_t>& ready = first_message ? handled : initialized;
    if (!wait_until([&] { return ready.load() >= n; }, 60)) {
      row.fail("only " + std::to_string(ready.load()) + " of " + std::to_string(n) + " actors ready after 60 s");
    }
    uint64_t t_ready = now_ns() - t0;
    MemorySample alive = settled_memory();
    row.set("N", double(n));
    row.set("spawn us", double(t_loop) / double(n) / 1e3);
    row.set("ready us", double(t_ready) / double(n) / 1e3);
    if (alive.has_allocated) row.set("B/actor", double(int64_t(alive.allocated - before.allocated)) / double(n));
    row.set("RSS B/actor", double(int64_t(alive.rss - before.rss)) / double(n));
    // Terminate them all and see what comes back.
    uint64_t t1 = now_ns();
    for (auto& a : actors) caf::anon_send_exit(a, caf::exit_reason::kill);
    bool ended = wait_running(sys, baseline, 60);
    actors.clear();
    uint64_t t_end = now_ns() - t1;
    if (!ended) row.fail("actors still running 60 s after exit(kill)");
    MemorySample after = settled_memory();
    purge_memory();
    MemorySample purged = sample_memory();
    row.set("exit us", double(t_end) / double(n) / 1e3);
    if (alive.has_allocated)
      row.set("freed %", percent(double(int64_t(alive.allocated - after.allocated)),
                                 double(int64_t(alive.allocated - before.allocated))));
    row.set("RSS freed %", percent(double(int64_t(alive.rss - purged.rss)), double(int64_t(alive.rss - before.rss))));
    b.report.add(row);
  }
}

// --- 2. latency ---------------------------------------------------------------------------

void bare_latency(Bench& b) {
  b.phase("section 2: bare CAF latency", 60);
  auto system = make_system({});
  caf::actor_system& sys = system->actors();
  auto replier = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int x) { return x + 1; }}; });
  {
    Row row(2, kBare, "event_based requester, int -> int+1");
    RequestPlan plan;
    plan.warmup = b.options.latency_calls / 10;
    plan.count = plan.warmup + b.options.latency_calls;
    plan.record_round_trips = true;
    auto requests = start_requests(sys, plan, [replier](caf::event_based_actor* self, size_t i, ReplyTo reply) {
      self->request(replier, caf::infinite, int(i))
          .then([reply, i](int r) { reply(r == int(i) + 1 ? "" : "wrong answer"); },
                [reply, self](caf::error& e) { reply(self->system().render(e)); });
    });
    if (!requests.wait(30)) {
      requests.abort();
      row.fail("timed out after " + std::to_string(requests.completed()) + " replies");
    } else {
      RequestRun run = requests.run();
      if (run.failed) row.fail(std::to_string(run.failed) + " failed: " + run.first_error);
      add_latency_metrics(row, run.round_trip_ns);
    }
    b.report.add(row);
  }
  {
    // The blocking baseline: a scoped_actor on the main thread, one request at a time.
    Row row(2, kBare, "scoped_actor (blocking), int -> int+1");
    caf::scoped_actor self{sys};
    std::vector<uint32_t> samples;
    const size_t n = b.options.blocking_calls;
    for (size_t i = 0; i < n + n / 10 && row.error.empty(); ++i) {
      uint64_t t = now_ns();
      self->request(replier, std::chrono::seconds(10), int(i))
          .receive([](int) {}, [&](caf::error& e) { row.fail(sys.render(e)); });
      if (i >= n / 10) samples.push_back(uint32_t(now_ns() - t));
    }
    add_latency_metrics(row, samples);
    b.report.add(row);
  }
  caf::anon_send_exit(replier, caf::exit_reason::kill);
}

// --- 3. throughput ---------------------------------------------------------------------------

void bare_throughput(Bench& b) {
  for (size_t n : b.options.throughput_targets) {
    b.phase("section 3: bare CAF throughput, N=" + std::to_string(n), 90);
    auto system = make_system({});
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    Row row(3, kBare,
            std::to_string(n) + (n == 1 ? " actor, " : " actors, ") +
                std::to_string(kThroughputRequesters * kThroughputWindow) + " requests in flight");
    auto targets = std::make_shared<std::vector<caf::actor>>();
    for (size_t i = 0; i < n; ++i)
      targets->push_back(
          sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int x) { return x + 1; }}; }));
    measure_throughput(sys, b.options.window_s, row, [targets](size_t r) {
      return [targets, r](caf::event_based_actor* self, size_t i, ReplyTo reply) {
        const auto& t = (*targets)[(r + i * kThroughputRequesters) % targets->size()];
        self->request(t, caf::infinite, int(i))
            .then([reply, i](int x) { reply(x == int(i) + 1 ? "" : "wrong answer"); },
                  [reply, self](caf::error& e) { reply(self->system().render(e)); });
      };
    });
    for (auto& a : *targets) caf::anon_send_exit(a, caf::exit_reason::kill);
    targets->clear();
    if (!wait_running(sys, baseline, 10)) row.fail("actors still running 10 s after exit(kill)");
    b.report.add(row);
  }
}

// --- 4. fairness -------------------------------------------------------------------------------

void bare_fairness(Bench& b, const std::string& policy) {
  const uint64_t slice_steps = b.options.fairness_slice_steps;
  const uint64_t iterations = iterations_for_steps(b, slice_steps);
  for (size_t n : b.options.fairness_counts) {
    b.phase("section 4: bare CAF fairness " + policy + " N=" + std::to_string(n), 60);
    Row row(4, kBare, policy + ", N=" + std::to_string(n));
    SchedulerSetup setup;
    setup.policy = policy;
    auto system = make_system(setup);
    caf::actor_system& sys = system->actors();
    const size_t baseline = sys.registry().running();
    auto spinners = start_spinners(sys, n, iterations);
    if (!wait_until([&] { return idle_spinners(*spinners, n) == 0; }, 30))
      row.fail(std::to_string(idle_spinners(*spinners, n)) + " spinners had not run 30 s after their start");
    sleep_s(0.2);
    std::vector<uint64_t> c0(n);
    for (size_t i = 0; i < n; ++i) c0[i] = spinners->slices[i].load();
    uint64_t t0 = now_ns();
    sleep_s(fairness_window(b, n));
    std::vector<double> rates(n);
    double seconds = double(now_ns() - t0) / 1e9;
    for (size_t i = 0; i < n; ++i) rates[i] = double(spinners->slices[i].load() - c0[i]) / seconds;
    if (!stop_spinners(sys, *spinners, baseline)) row.fail("spinners did not stop within 10 s (killed)");
    row.set("slice us", double(iterations) * b.busy_ns_per_iteration / 1e3);
    row.set("slices/s all", std::accumulate(rates.begin(), rates.end(), 0.0));
    add_spread(row, rates, seconds);
    b.report.add(row);
  }
}

// --- 5. host ping -------------------------------------------------------------------------------

void idle_ping(Bench& b, const std::string& policy) {
  b.phase("section 5: idle ping " + policy, 30);
  Row row(5, "(no load)", policy);
  SchedulerSetup setup;
  setup.policy = policy;
  auto system = make_system(setup);
  caf::actor_system& sys = system->actors();
  PingRun run = measure_host_pings(sys, b.options.window_s, 10);
  if (!run.finished) row.fail("the last pong did not arrive within 10 s");
  add_ping_metrics(row, run);
  b.report.add(row);
}

void bare_ping(Bench& b, const std::string& policy, uint64_t slice_steps) {
  b.phase("section 5: bare CAF ping " + policy + " slice " + short_count(slice_steps), 60);
  const uint64_t iterations = iterations_for_steps(b, slice_steps);
  Row row(5, kBare,
          policy + ", " + std::to_string(b.options.ping_spinners) + " spinning, ~" + short_count(slice_steps) +
              "-step slices");
  SchedulerSetup setup;
  setup.policy = policy;
  auto system = make_system(setup);
  caf::actor_system& sys = system->actors();
  const size_t baseline = sys.registry().running();
  auto spinners = start_spinners(sys, b.options.ping_spinners, iterations);
  if (!wait_until([&] { return idle_spinners(*spinners, b.options.ping_spinners) == 0; }, 30))
    row.fail(std::to_string(idle_spinners(*spinners, b.options.ping_spinners)) +
             " spinners had not run 30 s after their start");
  sleep_s(0.2);
  auto slices = [&] {
    uint64_t sum = 0;
    for (size_t i = 0; i < b.options.ping_spinners; ++i) sum += spinners->slices[i].load();
    return sum;
  };
  uint64_t s0 = slices(), t0 = now_ns();
  PingRun run = measure_host_pings(sys, b.options.window_s, 30);
  double slices_per_s = double(slices() - s0) / (double(now_ns() - t0) / 1e9);
  if (!run.finished) row.fail("the last pong did not arrive within 30 s");
  if (!stop_spinners(sys, *spinners, baseline)) row.fail("spinners did not stop within 10 s (killed)");
  row.set("slice us", double(iterations) * b.busy_ns_per_iteration / 1e3);
  add_ping_metrics(row, run);
  if (slices_per_s > 0) row.set("round ms", double(b.options.ping_spinners) / slices_per_s * 1e3);
  b.report.add(row);
}

}  // namespace raya::actors::bench
