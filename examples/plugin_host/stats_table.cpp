// The closing stats table (see stats_table.hpp): plain printf columns.
#include "examples/plugin_host/stats_table.hpp"

#include <algorithm>
#include <cstdio>

namespace plugin_host {

using raya::messages::ContextReport;
using raya::messages::VmOptions;

namespace {

/// 12345678 -> "12,345,678".
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes(uint64_t n) {
  if (n == VmOptions::kUnlimited) return "-";
  char buf[32];
  if (n >= (1u << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", double(n) / (1u << 20));
  else std::snprintf(buf, sizeof buf, "%.1f KiB", double(n) / 1024);
  return buf;
}

std::string steps_limit(uint64_t n) { return n == VmOptions::kUnlimited ? "-" : grouped(n); }

std::string ms_limit(uint64_t n) { return n == VmOptions::kUnlimited ? "-" : grouped(n) + " ms"; }

const char* state_name(ContextReport::State s) {
  switch (s) {
    case ContextReport::State::Running: return "running";
    case ContextReport::State::Terminated: return "terminated";
    case ContextReport::State::Failed: return "failed";
  }
  return "?";
}

}  // namespace

void print_stats_table(std::vector<ContextReport> reports, const std::map<std::string, RowNote>& notes) {
  std::sort(reports.begin(), reports.end(),
            [](const ContextReport& a, const ContextReport& b) { return a.name < b.name; });
  const char* format = "%-10s %-8s %9s %11s %9s  %-26s %-10s %11s %10s %6s %4s %8s\n";
  std::printf(format, "sandbox", "profile", "max heap", "max steps", "max cpu", "outcome", "state", "steps",
              "peak heap", "tasks", "gcs", "cpu");
  for (const ContextReport& r : reports) {
    auto note = notes.find(r.name);
    const VmOptions& limits = r.stats.limits;
    char cpu[32];
    std::snprintf(cpu, sizeof cpu, "%.1f ms", double(r.stats.cpu_time_us) / 1000);
    std::printf(format, r.name.c_str(), note != notes.end() ? note->second.profile.c_str() : "?",
                bytes(limits.max_heap_bytes).c_str(), steps_limit(limits.max_step_budget).c_str(),
                ms_limit(limits.max_cpu_time_ms).c_str(),
                note != notes.end() ? note->second.outcome.c_str() : "?", state_name(r.state),
                grouped(r.stats.steps_executed).c_str(), bytes(r.stats.peak_heap_bytes).c_str(),
                grouped(r.stats.tasks_created).c_str(), grouped(r.stats.gc_count).c_str(), cpu);
  }
  std::printf("(profile: from configs/runtime.json; '+' = explicit options or grants on top of it)\n");
}

}  // namespace plugin_host
