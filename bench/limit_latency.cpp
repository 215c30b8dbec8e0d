// raya_limit_latency (make bench-limits): how late a wall-clock timeout and
// maxCpuTimeMs end a busy sandbox, at slice sizes from 1k to 10M steps,
// for a plain loop and for a loop of long builtin calls (issue 10, item 7).
//
// --timeout is measured the way `raya run --timeout` enforces it
// (tools/raya/run_command.cpp): wait for the call's reply until the
// deadline, then Sandbox::terminate(); the lateness is the time from the
// deadline until terminate() has returned (the context has stopped).
// The reply column is the time from the deadline until the call's reply
// (Terminated) arrived, terminate() running on another thread meanwhile.
// maxCpuTimeMs is measured in CPU time: the context's CPU time when its
// CpuTimeExceeded reply came, minus the limit.
//
// Usage: raya_limit_latency [--runs N] [--limit-ms M]   (defaults 5, 200)
// Prints a Markdown table (bench/README.md, "Limit latency"): median and
// worst lateness per row.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <thread>
#include <string>
#include <vector>

#include "actors/runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using raya::actors::Runtime;
using raya::actors::RuntimeConfig;
using raya::actors::SandboxOptions;
namespace messages = raya::messages;

struct Program {
  const char* name;
  const char* source;
};

// A plain loop, and a loop of calls that each search an 8M-unit string
// (~500k charged steps, several milliseconds per call).
const Program kPrograms[] = {
    {"plain loop", "export function main() { let s = 0; while (true) s = (s + 1) | 0; return s; }\n"},
    {"long builtin (indexOf on 8M units)",
     "export function main() {\n"
     "  const s = 'ab'.repeat(4000000);\n"
     "  let n = 0;\n"
     "  while (true) n += s.indexOf('zz');\n"
     "  return n;\n"
     "}\n"},
};

const uint64_t kSlices[] = {1000, 10000, 1000000, 10000000};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

RuntimeConfig config_for(uint64_t slice) {
  RuntimeConfig config;
  config.slice_steps = slice;
  config.default_options.max_heap_bytes = 256u << 20;
  return config;
}

/// One --timeout measurement: ms from the deadline to terminate() returning.
double timeout_lateness(const Program& program, uint64_t slice, int limit_ms) {
  Runtime runtime(config_for(slice));
  auto sandbox = runtime.sandbox(SandboxOptions{});
  if (!sandbox) return -1;
  messages::LoadResult loaded = sandbox->load_source("bench.raya", program.source);
  if (!loaded.ok) {
    std::fprintf(stderr, "load failed: %s\n", loaded.error.to_string().c_str());
    return -1;
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(limit_ms);
  std::future<messages::TaskResult> reply = sandbox->run_async("main");
  if (reply.wait_until(deadline) != std::future_status::timeout) return -1;  // ended by itself?
  sandbox->terminate();
  return ms_since(deadline);
}

/// The same, up to the moment the call's reply (Terminated) arrived: the
/// context has stopped and said so.
double timeout_reply_lateness(const Program& program, uint64_t slice, int limit_ms) {
  Runtime runtime(config_for(slice));
  auto sandbox = runtime.sandbox(SandboxOptions{});
  if (!sandbox) return -1;
  if (!sandbox->load_source("bench.raya", program.source).ok) return -1;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(limit_ms);
  std::future<messages::TaskResult> reply = sandbox->run_async("main");
  if (reply.wait_until(deadline) != std::future_status::timeout) return -1;
  std::thread stopper([&] { sandbox->terminate(); });
  reply.wait();
  double late = ms_since(deadline);
  stopper.join();
  return late;
}

/// One maxCpuTimeMs measurement: CPU ms the context had used when it was
/// stopped, past its limit (CPU time, so a loaded machine that gives the
/// thread a fraction of a core does not count as lateness).
double cpu_lateness(const Program& program, uint64_t slice, int limit_ms) {
  Runtime runtime(config_for(slice));
  SandboxOptions options;
  messages::VmOptions vm = runtime.config().default_options;
  vm.max_cpu_time_ms = uint64_t(limit_ms);
  options.options = vm;
  auto sandbox = runtime.sandbox(options);
  if (!sandbox) return -1;
  messages::LoadResult loaded = sandbox->load_source("bench.raya", program.source);
  if (!loaded.ok) {
    std::fprintf(stderr, "load failed: %s\n", loaded.error.to_string().c_str());
    return -1;
  }
  messages::TaskResult r = sandbox->run("main");
  if (r.ok || r.error.code != messages::ErrorCode::CpuTimeExceeded) {
    std::fprintf(stderr, "unexpected end: %s\n", r.error.to_string().c_str());
    return -1;
  }
  return double(sandbox->report().stats.cpu_time_us) / 1000.0 - double(limit_ms);
}

struct Stats {
  double median = 0, worst = 0;
};

Stats summarize(std::vector<double> xs) {
  Stats s;
  if (xs.empty()) return s;
  std::sort(xs.begin(), xs.end());
  s.median = xs[xs.size() / 2];
  s.worst = xs.back();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5, limit_ms = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--limit-ms") == 0) limit_ms = std::max(10, std::atoi(argv[i + 1]));
  }
  std::printf("Limit latency: ms past the limit (median / worst of %d runs), limit %d ms\n\n", runs, limit_ms);
  std::printf("| program | slice steps | --timeout: reply late (ms) | --timeout: terminate() returned (ms) | maxCpuTimeMs: CPU ms past the limit |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  bool failed = false;
  for (const Program& program : kPrograms) {
    for (uint64_t slice : kSlices) {
      std::vector<double> replies, timeouts, cpus;
      for (int r = 0; r < runs; ++r) {
        double p = timeout_reply_lateness(program, slice, limit_ms);
        double t = timeout_lateness(program, slice, limit_ms);
        double c = cpu_lateness(program, slice, limit_ms);
        if (p < 0 || t < 0 || c < -5) failed = true;
        replies.push_back(p);
        timeouts.push_back(t);
        cpus.push_back(c);
      }
      Stats p = summarize(replies), t = summarize(timeouts), c = summarize(cpus);
      std::printf("| %s | %llu | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f |\n", program.name, (unsigned long long)slice,
                  p.median, p.worst, t.median, t.worst, c.median, c.worst);
      std::fflush(stdout);
    }
  }
  return failed ? 1 : 0;
}
