// Clocks, memory probes, the report tables and JSON, busy work and the
// watchdog of raya_actor_bench (declared in bench_support.hpp).
#include "bench/actors/bench_support.hpp"

#include <time.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <caf/actor_registry.hpp>

#ifndef RAYA_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace raya::actors::bench {

uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

bool wait_until(const std::function<bool()>& done, double seconds) {
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// --- memory ------------------------------------------------------------------

MemorySample sample_memory() {
  MemorySample out;
#ifndef RAYA_NO_JEMALLOC
  if (mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0) == 0) {
    uint64_t epoch = 1;
    size_t size = sizeof(epoch);
    size_t allocated = 0;
    size_t allocated_size = sizeof(allocated);
    if (mallctl("epoch", &epoch, &size, &epoch, size) == 0 &&
        mallctl("stats.allocated", &allocated, &allocated_size, nullptr, 0) == 0) {
      out.has_allocated = true;
      out.allocated = allocated;
    }
  }
#endif
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long long pages = 0, resident = 0;
    if (std::fscanf(f, "%llu %llu", &pages, &resident) == 2) out.rss = uint64_t(resident) * 4096u;
    std::fclose(f);
  }
  return out;
}

void purge_memory() {
#ifndef RAYA_NO_JEMALLOC
  // MALLCTL_ARENAS_ALL (4096): every arena.
  mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
#endif
}

MemorySample settled_memory(double seconds) {
  MemorySample last = sample_memory();
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  int stable = 0;
  while (Clock::now() < deadline && stable < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    MemorySample next = sample_memory();
    // Within 64 KB counts as still: worker caches move a little.
    uint64_t moved =
        next.allocated > last.allocated ? next.allocated - last.allocated : last.allocated - next.allocated;
    stable = moved <= (64u << 10) ? stable + 1 : 0;
    last = next;
  }
  return last;
}

// --- report ----------------------------------------------------------------------

const char* section_title(int section) {
  switch (section) {
    case 1:
      return "1. Spawn time and idle memory per actor";
    case 2:
      return "2. Request/response round trip to an idle actor (one request in flight)";
    case 3:
      return "3. Throughput: many requests in flight to 1,000 actors";
    case 4:
      return "4. Fairness: busy actors sharing the workers for a fixed wall time";
    case 5:
      return "5. Host ping latency (timer every 1 ms + ping-pong) while 1,000 actors spin";
    default:
      return "?";
  }
}

void Report::add(Row row) {
  std::lock_guard<std::mutex> lock(mutex_);
  rows_.push_back(std::move(row));
}

void Report::note(int section, std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  notes_.emplace_back(section, std::move(text));
}

bool Report::has_errors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Row& r : rows_)
    if (!r.error.empty()) return true;
  return false;
}

namespace {

std::string format_number(double v) {
  char buf[64];
  double a = std::fabs(v);
  if (std::isnan(v)) return "nan";
  if (v == std::floor(v) && a < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 1000)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 100)
    std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (a >= 10)
    std::snprintf(buf, sizeof buf, "%.2f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (uint8_t(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void Report::print_tables(FILE* to) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<int, std::vector<const Row*>> by_section;
  for (const Row& r : rows_) by_section[r.section].push_back(&r);
  std::vector<std::string> problems;
  for (const auto& [section, rows] : by_section) {
    std::fprintf(to, "\n%s\n", section_title(section));
    // Columns: subject, variant, then every metric in order of first use.
    std::vector<std::string> columns;
    for (const Row* r : rows)
      for (const auto& m : r->metrics)
        if (std::find(columns.begin(), columns.end(), m.first) == columns.end()) columns.push_back(m.first);
    size_t subject_w = 7, variant_w = 7;
    for (const Row* r : rows) {
      subject_w = std::max(subject_w, r->subject.size());
      variant_w = std::max(variant_w, r->variant.size());
    }
    std::vector<size_t> widths;
    for (const std::string& c : columns) widths.push_back(std::max<size_t>(c.size(), 8));
    std::fprintf(to, "  %-*s  %-*s", int(subject_w), "subject", int(variant_w), "variant");
    for (size_t i = 0; i < columns.size(); ++i) std::fprintf(to, "  %*s", int(widths[i]), columns[i].c_str());
    std::fputc('\n', to);
    for (const Row* r : rows) {
      std::fprintf(to, "  %-*s  %-*s", int(subject_w), r->subject.c_str(), int(variant_w), r->variant.c_str());
      for (size_t i = 0; i < columns.size(); ++i) {
        std::string cell = "-";
        for (const auto& m : r->metrics)
          if (m.first == columns[i]) cell = format_number(m.second);
        std::fprintf(to, "  %*s", int(widths[i]), cell.c_str());
      }
      if (!r->error.empty()) {
        std::fprintf(to, "  FAIL");
        char tag[16];
        std::snprintf(tag, sizeof tag, "[%d] ", section);
        problems.push_back(tag + r->subject + " " + r->variant + ": " + r->error);
      }
      std::fputc('\n', to);
    }
    for (const auto& [s, text] : notes_)
      if (s == section) std::fprintf(to, "  note: %s\n", text.c_str());
  }
  for (const auto& [s, text] : notes_)
    if (by_section.count(s) == 0) std::fprintf(to, "\n[%d] note: %s\n", s, text.c_str());
  if (!problems.empty()) {
    std::fprintf(to, "\nPROBLEMS:\n");
    for (const std::string& p : problems) std::fprintf(to, "  %s\n", p.c_str());
  }
}

void Report::print_json(FILE* to, const std::vector<std::pair<std::string, std::string>>& meta) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fprintf(to, "{\n  \"meta\": {");
  for (size_t i = 0; i < meta.size(); ++i)
    std::fprintf(to, "%s\"%s\": \"%s\"", i ? ", " : "", json_escape(meta[i].first).c_str(),
                 json_escape(meta[i].second).c_str());
  std::fprintf(to, "},\n  \"rows\": [");
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& r = rows_[i];
    std::fprintf(to, "%s\n    {\"section\": %d, \"subject\": \"%s\", \"variant\": \"%s\", \"metrics\": {", i ? "," : "",
                 r.section, json_escape(r.subject).c_str(), json_escape(r.variant).c_str());
    for (size_t k = 0; k < r.metrics.size(); ++k)
      std::fprintf(to, "%s\"%s\": %s", k ? ", " : "", json_escape(r.metrics[k].first).c_str(),
                   json_number(r.metrics[k].second).c_str());
    std::fprintf(to, "}");
    if (!r.error.empty()) std::fprintf(to, ", \"error\": \"%s\"", json_escape(r.error).c_str());
    std::fprintf(to, "}");
  }
  std::fprintf(to, "\n  ],\n  \"notes\": [");
  for (size_t i = 0; i < notes_.size(); ++i)
    std::fprintf(to, "%s\n    {\"section\": %d, \"text\": \"%s\"}", i ? "," : "", notes_[i].first,
                 json_escape(notes_[i].second).c_str());
  std::fprintf(to, "\n  ]\n}\n");
}

// --- busy work ----------------------------------------------------------------------

__attribute__((noinline)) uint64_t busy_work(uint64_t iterations, uint64_t seed) {
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < iterations; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

double calibrate_busy_work() {
  // The fastest of a few tries: the others were disturbed.
  double best = 1e9;
  for (int attempt = 0; attempt < 5; ++attempt) {
    constexpr uint64_t kIterations = 2'000'000;
    uint64_t t0 = thread_cpu_ns();
    volatile uint64_t sink = busy_work(kIterations, attempt);
    (void)sink;
    best = std::min(best, double(thread_cpu_ns() - t0) / double(kIterations));
  }
  return best;
}

// --- actor systems ---------------------------------------------------------------------

bool wait_running(caf::actor_system& sys, size_t baseline, double seconds) {
  return wait_until([&] { return sys.registry().running() <= baseline; }, seconds);
}

// --- watchdog ----------------------------------------------------------------------------

Watchdog::Watchdog(std::function<void(const std::string&)> on_timeout)
    : on_timeout_(std::move(on_timeout)), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Watchdog::arm(std::string what, double seconds) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = true;
    what_ = std::move(what);
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }
  cv_.notify_all();
}

void Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
}

void Watchdog::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!armed_) {
      cv_.wait(lock);
      continue;
    }
    if (Clock::now() >= deadline_) {
      std::string what = what_;
      lock.unlock();
      on_timeout_(what);
      std::_Exit(3);
    }
    cv_.wait_until(lock, deadline_);
  }
}

}  // namespace raya::actors::bench
