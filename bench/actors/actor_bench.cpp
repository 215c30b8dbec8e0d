// raya_actor_bench: what the actor layer costs, measured side by side in one
// run — a bare CAF 0.17 actor doing a thing vs a Raya context actor doing
// the same — on actor systems configured alike (actors::configure, the
// same worker count, scheduler policy and max-throughput). Five sections
// (bench/README.md, "The actor benchmark", explains each row):
//
//   1. spawn time and idle memory per actor with 100,000 alive; contexts
//      with a first module loaded; memory returned after terminating them
//   2. request/response round trip to an idle actor (requester actor,
//      supervisor, blocking Sandbox::run, run_async batches)
//   3. throughput with 1,000 actors and many requests in flight
//   4. fairness of N busy actors, scheduler policies "hostFirst" (the
//      runtime's default), CAF's "sharing" and "stealing"
//   5. a host actor's ping latency while 1,000 actors spin, per slice size
// Sections 1-3 run under the first of --policies (hostFirst by default).
//
// Usage: raya_actor_bench [--quick] [--json] [--sections 1,2,3,4,5]
//                         [--policies hostFirst,sharing,stealing] [--workers N]
//                         [--max-throughput N] [--window SECONDS]
//                         [--side bare|raya|both] [--slices 1000,10000,100000]
//                         [--fairness-slice 10000]
// --json prints JSON on stdout (the tables go to stderr). Exit status: 0
// when everything ran, 1 when a measurement failed (PROBLEMS lists them),
// 3 when a section hung (the watchdog prints what was measured), 64 on bad
// usage. A benchmark: it measures and asserts nothing. `make bench-actors`
// builds and runs it.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/defaults.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "bench/actors/bench_support.hpp"
#include "bench/actors/sections.hpp"

#include "actors/runtime.hpp"

namespace raya::actors::bench {

namespace {

const Options* g_options = nullptr;

void print_usage(FILE* to) {
  std::fputs(
      "usage: raya_actor_bench [--quick] [--json] [--sections 1,2,3,4,5]\n"
      "                        [--policies hostFirst,sharing,stealing] [--workers N]\n"
      "                        [--max-throughput N] [--window SECONDS] [--side bare|raya|both]\n"
      "                        [--slices 1000,10000,100000] [--fairness-slice 10000]\n",
      to);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Parses the command line; false (after printing why) on bad usage.
bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--quick") {
        o.quick = true;
        o.spawn_count = 20'000;
        o.load_counts = {1'000};
        o.latency_calls = 5'000;
        o.blocking_calls = 1'000;
        o.window_s = 0.3;
      } else if (arg == "--json") {
        o.json = true;
      } else if (arg == "--sections") {
        o.sections.clear();
        for (const std::string& s : split(value())) {
          int n = std::stoi(s);
          if (n < 1 || n > 5) throw std::invalid_argument("sections are 1 to 5");
          o.sections.insert(n);
        }
      } else if (arg == "--policies") {
        o.policies = split(value());
        for (const std::string& p : o.policies)
          if (p != "hostFirst" && p != "stealing" && p != "sharing")
            throw std::invalid_argument("policies are hostFirst, sharing and stealing");
      } else if (arg == "--side") {
        std::string side = value();
        if (side != "bare" && side != "raya" && side != "both")
          throw std::invalid_argument("--side is bare, raya or both");
        o.bare = side != "raya";
        o.raya = side != "bare";
      } else if (arg == "--slices") {
        o.slice_sizes.clear();
        for (const std::string& v : split(value())) {
          o.slice_sizes.push_back(std::stoull(v));
          if (o.slice_sizes.back() == 0) throw std::invalid_argument("--slices are step counts above 0");
        }
      } else if (arg == "--fairness-slice") {
        o.fairness_slice_steps = std::stoull(value());
        if (o.fairness_slice_steps == 0) throw std::invalid_argument("--fairness-slice is a step count above 0");
      } else if (arg == "--workers") {
        o.workers = uint32_t(std::stoul(value()));
      } else if (arg == "--max-throughput") {
        o.max_throughput = int64_t(std::stoull(value()));
        if (o.max_throughput < 1) throw std::invalid_argument("--max-throughput must be at least 1");
      } else if (arg == "--window") {
        o.window_s = std::stod(value());
        if (o.window_s <= 0 || o.window_s > 60) throw std::invalid_argument("--window is 0 to 60 seconds");
      } else if (arg == "--help" || arg == "-h") {
        print_usage(stdout);
        std::exit(0);
      } else {
        throw std::invalid_argument("unknown option " + arg);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "raya_actor_bench: %s\n", e.what());
      print_usage(stderr);
      return false;
    }
  }
  return true;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string today() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
  return buf;
}

}  // namespace

std::unique_ptr<System> make_system(const SchedulerSetup& setup) {
  auto s = std::make_unique<System>();
  s->cfg = std::make_unique<caf::actor_system_config>();
  uint32_t workers = setup.workers ? setup.workers : g_options ? g_options->workers : 0;
  int64_t max_throughput = setup.max_throughput >= 0 ? setup.max_throughput
                           : g_options               ? g_options->max_throughput
                                                     : -1;
  RuntimeConfig config;
  config.worker_threads = workers;
  config.scheduler_policy = !setup.policy.empty()                           ? setup.policy
                            : g_options && !g_options->policies.empty() ? g_options->policies.front()
                                                                        : "hostFirst";
  config.slice_steps = setup.slice_steps;
  configure(*s->cfg, config);
  if (max_throughput >= 0) s->cfg->set("scheduler.max-throughput", size_t(max_throughput));
  s->sys = std::make_unique<caf::actor_system>(*s->cfg);
  s->workers = s->sys->scheduler().num_workers();
  s->max_throughput = caf::get_or(*s->cfg, "scheduler.max-throughput", caf::defaults::scheduler::max_throughput);
  s->policy = config.scheduler_policy;
  return s;
}

}  // namespace raya::actors::bench

int main(int argc, char** argv) {
  using namespace raya::actors::bench;
  Options options;
  if (!parse_options(argc, argv, options)) return 64;
  g_options = &options;
  FILE* tables = options.json ? stderr : stdout;

  Report report;
  std::vector<std::pair<std::string, std::string>> meta;
  Watchdog watchdog([&](const std::string& what) {
    std::fprintf(stderr, "\nraya_actor_bench: TIMEOUT: %s did not finish in time; what was measured so far:\n",
                 what.c_str());
    report.print_tables(stderr);
    std::fflush(stderr);
  });
  Bench b{options, report, watchdog};
  b.busy_ns_per_iteration = calibrate_busy_work();

  {
    auto probe = make_system({});
    meta = {{"date", today()},
            {"cores", std::to_string(std::thread::hardware_concurrency())},
            {"load_average", load_average()},
            {"workers", std::to_string(probe->workers)},
            {"max_throughput", std::to_string(probe->max_throughput)},
            {"default_policy", probe->policy},
            {"quick", options.quick ? "yes" : "no"}};
  }
  std::fprintf(tables, "raya_actor_bench %s: %s cores, load average %s; CAF %s workers, max-throughput %s%s\n",
               meta[0].second.c_str(), meta[1].second.c_str(), meta[2].second.c_str(), meta[3].second.c_str(),
               meta[4].second.c_str(), options.max_throughput >= 0 ? " (--max-throughput)" : "");
  std::fflush(tables);

  auto progress = [&](const char* what) {
    std::fprintf(stderr, "[raya_actor_bench] %s\n", what);
    std::fflush(stderr);
  };
  const bool raya = options.raya;
  const bool bare = options.bare;
  auto run = [&](int section, const char* what, const std::function<void()>& body) {
    progress(what);
    try {
      body();
    } catch (const std::exception& e) {
      report.add(Row(section, "?", what).fail(std::string("exception: ") + e.what()));
    }
    watchdog.disarm();
  };

  if (options.sections.count(1)) {
    if (bare) run(1, "1. spawn: bare CAF", [&] { bare_spawn(b); });
    if (raya) run(1, "1. spawn: contexts", [&] { raya_spawn(b); });
  }
  if (options.sections.count(2)) {
    if (bare) run(2, "2. latency: bare CAF", [&] { bare_latency(b); });
    if (raya) run(2, "2. latency: contexts, supervisor, Sandbox", [&] { raya_latency(b); });
  }
  if (options.sections.count(3)) {
    if (bare) run(3, "3. throughput: bare CAF", [&] { bare_throughput(b); });
    if (raya) run(3, "3. throughput: contexts", [&] { raya_throughput(b); });
  }
  if ((options.sections.count(4) || options.sections.count(5)) && raya)
    run(4, "calibration: ns per Raya step", [&] { raya_calibrate(b); });
  if (options.sections.count(4)) {
    for (const std::string& policy : options.policies) {
      if (raya) run(4, ("4. fairness: contexts, " + policy).c_str(), [&] { raya_fairness(b, policy); });
      if (bare) run(4, ("4. fairness: bare CAF, " + policy).c_str(), [&] { bare_fairness(b, policy); });
    }
  }
  if (options.sections.count(5)) {
    for (const std::string& policy : options.policies) {
      run(5, ("5. ping: no load, " + policy).c_str(), [&] { idle_ping(b, policy); });
      for (uint64_t slice : options.slice_sizes) {
        std::string suffix = policy + ", slice " + short_count(slice);
        if (raya) run(5, ("5. ping: contexts, " + suffix).c_str(), [&] { raya_ping(b, policy, slice); });
        if (bare) run(5, ("5. ping: bare CAF, " + suffix).c_str(), [&] { bare_ping(b, policy, slice); });
      }
    }
  }
  if (b.raya_ns_per_step <= 0 && (options.sections.count(4) || options.sections.count(5)))
    report.note(4, "bare slices assume " + std::to_string(options.ns_per_step_fallback).substr(0, 4) +
                       " ns per Raya step (no calibration)");

  meta.emplace_back("busy_ns_per_iteration", std::to_string(b.busy_ns_per_iteration));
  meta.emplace_back("raya_ns_per_step", std::to_string(b.raya_ns_per_step));
  report.print_tables(tables);
  if (options.json) report.print_json(stdout, meta);
  return report.has_errors() ? 1 : 0;
}
