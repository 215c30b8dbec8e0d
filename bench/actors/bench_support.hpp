// Plumbing shared by the sections of raya_actor_bench: clocks and
// percentiles, memory probes (jemalloc's own statistics, RSS as a
// cross-check), the result rows every section fills, busy work for the bare
// actors, the CAF actor system each measurement gets, and waiting with a
// deadline. Nothing here knows about Raya contexts (raya_sections.cpp does).
//
// Every wait in the benchmark has a deadline: a section that does not get
// its replies in time records what failed and moves on, and the Watchdog
// ends the process (printing what was measured so far) if a section hangs
// past its whole budget, e.g. inside an actor system's shutdown.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

namespace raya::actors::bench {

// --- time --------------------------------------------------------------------

using Clock = std::chrono::steady_clock;

inline uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

/// CPU time of the calling thread (robust to other processes on the machine).
uint64_t thread_cpu_ns();

/// Sleeps `seconds` (fractions allowed).
inline void sleep_s(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

/// Polls `done` every millisecond until it holds or `seconds` pass.
bool wait_until(const std::function<bool()>& done, double seconds);

/// Nearest-rank percentile (q in [0, 1]) of `sorted`, 0 if empty.
template <class T>
double percentile(const std::vector<T>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = size_t(q * double(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return double(sorted[rank - 1]);
}

// --- memory ------------------------------------------------------------------

struct MemorySample {
  bool has_allocated = false;  // false without jemalloc statistics
  uint64_t allocated = 0;      // jemalloc stats.allocated (bytes handed out, not returned)
  uint64_t rss = 0;            // resident set size from /proc/self/statm
};

/// Current memory, after flushing this thread's jemalloc cache. Worker
/// threads keep small caches of freed blocks (at most a few hundred KB
/// each), which count as allocated: noise next to 100,000 actors.
MemorySample sample_memory();
/// Asks jemalloc to give unused dirty pages back to the OS now, so that RSS
/// after freeing shows the return (jemalloc otherwise decays them over ~10 s).
void purge_memory();
/// Samples until jemalloc's allocated bytes stop moving (actors still being
/// initialised or destroyed on worker threads), at most `seconds`.
MemorySample settled_memory(double seconds = 2.0);

// --- results -------------------------------------------------------------------

/// One line of a section's table: what was measured (subject: "bare CAF",
/// "context", ...), under which conditions (variant), its metrics in
/// column order, and the error that stopped it, if any.
struct Row {
  Row(int section_number, std::string subject_name, std::string variant_name)
      : section(section_number), subject(std::move(subject_name)), variant(std::move(variant_name)) {}

  int section = 0;
  std::string subject;
  std::string variant;
  std::vector<std::pair<std::string, double>> metrics;
  std::string error;

  Row& set(std::string name, double value) {
    metrics.emplace_back(std::move(name), value);
    return *this;
  }
  /// Records the first failure (later ones are usually its consequences).
  Row& fail(const std::string& what) {
    if (!what.empty() && error.empty()) error = what;
    return *this;
  }
};

/// Every row and note of the run, safe to add to and print from any thread
/// (the watchdog prints it when a section hangs).
class Report {
 public:
  void add(Row row);
  void note(int section, std::string text);
  /// The tables, one per section, then the notes and the problems.
  void print_tables(FILE* to) const;
  void print_json(FILE* to, const std::vector<std::pair<std::string, std::string>>& meta) const;
  bool has_errors() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Row> rows_;
  std::vector<std::pair<int, std::string>> notes_;
};

const char* section_title(int section);

// --- busy work -----------------------------------------------------------------

/// A dependent multiply-add chain the compiler cannot remove: about one
/// nanosecond per iteration. The bare actors' stand-in for a Raya slice.
uint64_t busy_work(uint64_t iterations, uint64_t seed);
/// Nanoseconds of CPU per busy_work iteration, measured on this thread.
double calibrate_busy_work();

// --- actor systems ---------------------------------------------------------------

/// How each measurement's actor system is scheduled. Both halves of a
/// comparison get the same settings.
struct SchedulerSetup {
  std::string policy;  // "hostFirst" (the runtime's default), CAF's "sharing" / "stealing"; "": the first of --policies
  uint32_t workers = 0;             // 0: the runtime's default (one per core)
  int64_t max_throughput = -1;      // -1: what actors::configure sets
  uint64_t slice_steps = 10'000;    // RuntimeConfig::slice_steps (Runtime, supervisor)
};

/// An actor system and the config it refers to (CAF keeps a reference).
struct System {
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  size_t workers = 0;
  size_t max_throughput = 0;
  std::string policy;

  caf::actor_system& actors() { return *sys; }
  ~System() { sys.reset(); }
};

/// A system configured as the Raya runtime configures its own (through
/// actors::configure), with the setup's overrides. Defined in
/// actor_bench.cpp.
std::unique_ptr<System> make_system(const SchedulerSetup& setup);

/// Waits until at most `baseline` actors of `sys` are running, at most `seconds`.
bool wait_running(caf::actor_system& sys, size_t baseline, double seconds);

// --- run-wide settings and the watchdog ------------------------------------------

struct Options {
  bool quick = false;
  bool json = false;
  std::set<int> sections = {1, 2, 3, 4, 5};
  uint32_t workers = 0;
  int64_t max_throughput = -1;
  std::vector<std::string> policies = {"hostFirst", "sharing", "stealing"};
  bool bare = true;  // --side bare|raya|both
  bool raya = true;

  // Sizes, scaled down by --quick (see actor_bench.cpp).
  size_t spawn_count = 100'000;
  std::vector<size_t> load_counts = {1'000, 3'000, 10'000};
  size_t latency_calls = 20'000;
  size_t blocking_calls = 3'000;
  size_t batch_size = 100;
  std::vector<size_t> throughput_targets = {1, 1'000};
  std::vector<size_t> fairness_counts = {2, 3, 7, 100, 1'000};
  size_t ping_spinners = 1'000;
  std::vector<uint64_t> slice_sizes = {1'000, 10'000, 100'000};  // section 5
  uint64_t fairness_slice_steps = 10'000;                        // section 4
  double window_s = 1.0;                                         // fairness and ping windows; throughput's too
  double ns_per_step_fallback = 3.0;                             // assumed cost of a Raya step if the calibration fails
};

/// Ends the process when a section runs past its budget, printing the
/// report first: a hung actor system must not hang the benchmark.
class Watchdog {
 public:
  explicit Watchdog(std::function<void(const std::string&)> on_timeout);
  ~Watchdog();
  void arm(std::string what, double seconds);
  void disarm();

 private:
  void loop();
  std::function<void(const std::string&)> on_timeout_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool armed_ = false;
  bool stopping_ = false;
  Clock::time_point deadline_;
  std::string what_;
  std::thread thread_;
};

/// What every section gets.
struct Bench {
  const Options& options;
  Report& report;
  Watchdog& watchdog;
  /// Raya's CPU nanoseconds per interpreter step for a spin loop, measured
  /// at the start of the fairness and ping sections (0 until then).
  double raya_ns_per_step = 0;
  double busy_ns_per_iteration = 1;
  /// Sets a phase name for the watchdog's message, with its own budget
  /// (plus room for the measurement windows, which --window lengthens).
  void phase(const std::string& what, double seconds) { watchdog.arm(what, seconds + 8 * options.window_s); }
  double ns_per_step() const { return raya_ns_per_step > 0 ? raya_ns_per_step : options.ns_per_step_fallback; }
};

}  // namespace raya::actors::bench
