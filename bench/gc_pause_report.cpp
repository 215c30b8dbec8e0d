// GC pause report: runs the allocation-heavy kernels of bench/kernels in a
// vm Context, in-process, and prints per kernel how often the collector ran,
// how long it stopped the program (exact p50/p90/p99/max, recorded through
// Heap::set_gc_observer) and what share of the run it took; then each
// kernel's pause histogram as HeapStats keeps it (power-of-two buckets).
// A benchmark: it measures and reports, it asserts nothing.
//
// Each kernel is the kernel's .js source plus `return benchmark(N);`, the
// program run_kernels.sh hands to `raya run`. It is compiled and verified
// once; every run then gets a fresh Context (default ContextOptions, as
// `raya run` without flags). "run" time is load + run_to_completion, wall
// clock; the prelude's start-up collections are not counted.
//
// Usage: raya_gc_pause_report [--kernels binary_trees,strings,closures]
//                             [--runs N] [--quick] [--kernels-dir DIR]
// The kernel folder is --kernels-dir, else $RAYA_BENCH_KERNELS, else the
// source tree's bench/kernels. Exit status: 0 when every kernel ran, 1 when
// one failed, 64 on bad usage. `make bench-gc` builds and runs it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/compile_program.hpp"
#include "vmcore/heap/heap.hpp"
#include "vmcore/interp/context.hpp"

#ifndef RAYA_BENCH_KERNELS_DIR
#define RAYA_BENCH_KERNELS_DIR "bench/kernels"
#endif

namespace raya::vm {
namespace {

/// N per kernel, as FULL_N and QUICK_N in bench/run_kernels.sh (keep them
/// in step, so the pauses here belong to the runs timed there).
struct KernelSize {
  std::string_view name;
  int32_t full_n;
  int32_t quick_n;
};
constexpr KernelSize kKernelSizes[] = {
    {"fib", 36, 31},           {"loop", 8000000, 800000},  {"sieve", 250, 25},
    {"nbody", 400000, 40000},  {"binary_trees", 16, 13},   {"closures", 16000, 1600},
    {"strings", 12000, 1200},
};
constexpr std::string_view kDefaultKernels = "binary_trees,strings,closures";

struct Options {
  std::vector<std::string> kernels;
  int runs = 1;
  bool quick = false;
  std::string kernels_dir;
};

/// Everything measured for one kernel, summed or pooled over its runs.
struct KernelReport {
  std::string name;
  int32_t n = 0;
  std::vector<uint64_t> pauses_ns;  // every collection of every run, exact
  uint64_t run_ns = 0;              // load + run_to_completion
  uint64_t peak_bytes = 0;          // highest of the runs
  GcPauseHistogram histogram;       // HeapStats' buckets, prelude excluded
  std::string result;               // the checksum the program returned
};

void print_usage(FILE* to) {
  std::fputs(
      "usage: raya_gc_pause_report [--kernels binary_trees,strings,closures] [--runs N]\n"
      "                            [--quick] [--kernels-dir DIR]\n",
      to);
}

const KernelSize* find_kernel(std::string_view name) {
  for (const KernelSize& k : kKernelSizes)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> split_commas(std::string_view csv) {
  std::vector<std::string> parts;
  std::stringstream in{std::string(csv)};
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

/// Parses argv; false (with `error` set, empty for --help) to stop.
bool parse_options(int argc, char** argv, Options& options, std::string& error) {
  std::string kernels(kDefaultKernels);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        error = std::string(arg) + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string runs;
    if (arg == "--kernels") {
      if (!value(kernels)) return false;
    } else if (arg == "--kernels-dir") {
      if (!value(options.kernels_dir)) return false;
    } else if (arg == "--runs") {
      if (!value(runs)) return false;
      char* end = nullptr;
      long n = std::strtol(runs.c_str(), &end, 10);
      if (runs.empty() || *end != '\0' || n < 1 || n > 1000) {
        error = "--runs must be a whole number from 1 to 1000, got '" + runs + "'";
        return false;
      }
      options.runs = int(n);
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "-h" || arg == "--help") {
      error.clear();
      return false;
    } else {
      error = "unknown argument '" + std::string(arg) + "'";
      return false;
    }
  }
  options.kernels = split_commas(kernels);
  for (const std::string& k : options.kernels) {
    if (find_kernel(k) == nullptr) {
      error = "unknown kernel '" + k + "'";
      return false;
    }
  }
  if (options.kernels.empty()) {
    error = "--kernels names no kernel";
    return false;
  }
  if (options.kernels_dir.empty()) {
    const char* env = std::getenv("RAYA_BENCH_KERNELS");
    options.kernels_dir = env != nullptr && *env != '\0' ? env : RAYA_BENCH_KERNELS_DIR;
  }
  return true;
}

/// The kernel plus its footer, compiled and verified; null (with `error`
/// set) on failure.
std::shared_ptr<const Module> compile_kernel(const std::string& path, int32_t n, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return nullptr;
  }
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  source += "\nreturn benchmark(" + std::to_string(n) + ");\n";
  return bench::compile_program(source, error, path);
}

/// One run in a fresh Context, added to `report`; empty on success, else
/// what went wrong.
std::string run_once(const std::shared_ptr<const Module>& module, KernelReport& report) {
  Context ctx;
  if (ctx.fatal().code != ErrorCode::None) return "a new context is dead: " + ctx.fatal().to_string();
  Heap& heap = ctx.heap();
  const GcPauseHistogram before = heap.gc_pause_histogram();
  // Room for every pause up front, so the observer does not reallocate
  // inside the timed run (strings at N=12000 collects about 5,500 times).
  report.pauses_ns.reserve(report.pauses_ns.size() + (1 << 16));
  heap.set_gc_observer([&report](const GcEvent& e) { report.pauses_ns.push_back(e.pause_ns); });

  auto start = std::chrono::steady_clock::now();
  auto loaded = ctx.load(module);
  RunOutcome outcome = loaded.ok() ? ctx.run_to_completion() : RunOutcome{};
  auto elapsed = std::chrono::steady_clock::now() - start;
  heap.set_gc_observer(nullptr);

  if (!loaded.ok()) return "load error: " + loaded.error().to_string();
  if (outcome.kind != RunOutcome::Kind::Done) return "context died: " + ctx.fatal().to_string();
  const Task* task = ctx.main_task();
  if (task->state != TaskState::Done) return "kernel threw: " + ctx.runtime_error_of(task->exception).to_string();

  report.run_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  report.peak_bytes = std::max(report.peak_bytes, heap.stats().peak_bytes);
  for (size_t i = 0; i < GcPauseHistogram::kBuckets; ++i)
    report.histogram.counts[i] += heap.gc_pause_histogram().counts[i] - before.counts[i];
  report.result = ctx.to_display_utf8(task->result);
  return {};
}

/// Nearest-rank quantile of sorted values (0 when there are none).
uint64_t quantile(const std::vector<uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = size_t(std::ceil(q * double(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double us_of(uint64_t ns) { return double(ns) / 1e3; }
double ms_of(uint64_t ns) { return double(ns) / 1e6; }

void print_table(const std::vector<KernelReport>& reports, int runs) {
  std::printf("%-13s %6s %8s %9s %9s %6s %9s %9s %9s %9s %9s  %s\n", "kernel", "N", "GCs/run", "run ms",
              "GC ms", "GC %", "p50 us", "p90 us", "p99 us", "max us", "peak MiB", "result");
  std::printf("%s\n", std::string(120, '-').c_str());
  for (const KernelReport& r : reports) {
    std::vector<uint64_t> sorted = r.pauses_ns;
    std::sort(sorted.begin(), sorted.end());
    uint64_t gc_ns = 0;
    for (uint64_t p : sorted) gc_ns += p;
    const double share = r.run_ns == 0 ? 0.0 : 100.0 * double(gc_ns) / double(r.run_ns);
    std::printf("%-13s %6d %8.1f %9.1f %9.1f %6.1f %9.1f %9.1f %9.1f %9.1f %9.1f  %s\n", r.name.c_str(), r.n,
                double(sorted.size()) / runs, ms_of(r.run_ns) / runs, ms_of(gc_ns) / runs, share,
                us_of(quantile(sorted, 0.5)), us_of(quantile(sorted, 0.9)), us_of(quantile(sorted, 0.99)),
                us_of(sorted.empty() ? 0 : sorted.back()), double(r.peak_bytes) / (1 << 20), r.result.c_str());
  }
}

/// The non-empty HeapStats buckets of one kernel, with a bar per bucket.
void print_histogram(const KernelReport& r) {
  const uint64_t total = r.histogram.total();
  std::printf("\n%s: %llu collections; HeapStats histogram (bucket bounds in us), p50 < %llu, p90 < %llu, "
              "p99 < %llu\n",
              r.name.c_str(), static_cast<unsigned long long>(total),
              static_cast<unsigned long long>(r.histogram.quantile_upper_bound_us(0.5)),
              static_cast<unsigned long long>(r.histogram.quantile_upper_bound_us(0.9)),
              static_cast<unsigned long long>(r.histogram.quantile_upper_bound_us(0.99)));
  for (size_t i = 0; i < GcPauseHistogram::kBuckets; ++i) {
    const uint64_t count = r.histogram.counts[i];
    if (count == 0) continue;
    const uint64_t low = i == 0 ? 0 : GcPauseHistogram::upper_bound_us(i - 1);
    std::string upper = i + 1 < GcPauseHistogram::kBuckets ? std::to_string(GcPauseHistogram::upper_bound_us(i)) : "inf";
    const auto bar = size_t(std::lround(40.0 * double(count) / double(total)));
    std::printf("  [%7llu, %7s) %7llu %5.1f%%  %s\n", static_cast<unsigned long long>(low), upper.c_str(),
                static_cast<unsigned long long>(count), 100.0 * double(count) / double(total),
                std::string(std::max<size_t>(bar, 1), '#').c_str());
  }
}

int report_main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!parse_options(argc, argv, options, error)) {
    if (error.empty()) {
      print_usage(stdout);
      return 0;
    }
    std::fprintf(stderr, "raya_gc_pause_report: %s\n", error.c_str());
    print_usage(stderr);
    return 64;
  }
  std::fprintf(stderr, "kernels: %s\nruns:    %d per kernel, a fresh Context each%s\n\n",
               options.kernels_dir.c_str(), options.runs, options.quick ? " (--quick: reduced N)" : "");

  std::vector<KernelReport> reports;
  std::vector<std::string> problems;
  for (const std::string& name : options.kernels) {
    const KernelSize* size = find_kernel(name);
    KernelReport report;
    report.name = name;
    report.n = options.quick ? size->quick_n : size->full_n;
    std::fprintf(stderr, "  %-13s", name.c_str());
    auto module = compile_kernel(options.kernels_dir + "/" + name + ".js", report.n, error);
    for (int run = 1; module != nullptr && run <= options.runs && error.empty(); ++run) {
      std::fprintf(stderr, " %d", run);
      std::fflush(stderr);
      error = run_once(module, report);
    }
    if (!error.empty()) {
      std::fprintf(stderr, " FAILED\n");
      problems.push_back(name + ": " + error);
      error.clear();
      continue;
    }
    std::fprintf(stderr, " -> %zu collections\n", report.pauses_ns.size());
    reports.push_back(std::move(report));
  }
  std::fprintf(stderr, "\n");

  print_table(reports, options.runs);
  for (const KernelReport& r : reports) print_histogram(r);
  std::printf(
      "\nPer run: GCs/run, run ms (load + run, wall) and GC ms are means over the runs; GC %% = total pause /\n"
      "run time. Pause quantiles: exact, nearest rank over every collection of every run.\n");
  if (!problems.empty()) {
    std::printf("\nPROBLEMS:\n");
    for (const std::string& p : problems) std::printf("  %s\n", p.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace raya::vm

int main(int argc, char** argv) { return raya::vm::report_main(argc, argv); }
