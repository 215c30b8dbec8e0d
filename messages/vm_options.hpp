// VmOptions and VmStats: the limits a context is created with and the
// counters it reports, as plain data with a JSON form (camelCase keys, as
// LANGUAGE.md's `new Vm({ maxHeapBytes: ... })` spells them). They cross the
// vmcore API now and actor boundaries later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace raya::messages {

struct VmOptions {
  static constexpr uint64_t kUnlimited = ~uint64_t(0);

  uint64_t max_heap_bytes = 64ull << 20;  // maxHeapBytes: live data after a full GC
  uint32_t max_tasks = 1000;              // maxTasks: live tasks at once
  uint64_t max_step_budget = kUnlimited;  // maxStepBudget: cumulative instructions
  uint64_t max_cpu_time_ms = kUnlimited;  // maxCpuTimeMs: CPU time of this context's slices
  uint32_t max_call_depth = 10000;        // maxCallDepth: frames per task (RangeError beyond)
  bool terminate_on_task_limit = false;   // terminateOnTaskLimit: end the context instead of throwing
  uint64_t random_seed = 0x5eed;          // randomSeed: Math.random's per-context seed

  friend bool operator==(const VmOptions&, const VmOptions&) = default;
};

struct VmStats {
  uint64_t heap_bytes_used = 0;
  uint64_t peak_heap_bytes = 0;
  uint64_t tasks = 0;  // live
  uint64_t tasks_created = 0;
  uint64_t steps_executed = 0;
  /// Time inside run() slices: the thread's CPU time when maxCpuTimeMs is
  /// set, otherwise the slices' monotonic time (cheaper to read; includes
  /// any time the OS preempted the thread mid-slice).
  uint64_t cpu_time_us = 0;
  uint64_t gc_count = 0;
  uint64_t gc_pause_us_total = 0;
  uint64_t gc_pause_us_max = 0;
  VmOptions limits;

  friend bool operator==(const VmStats&, const VmStats&) = default;
};

/// JSON text of the options; unlimited limits are written as null.
std::string to_json(const VmOptions& options);
std::string to_json(const VmStats& stats);

/// Reads options from a JSON object, starting from `out`'s values (absent
/// keys keep them). On error returns false and sets `error` to a message
/// naming the key ("maxHeapBytes: expected a whole number of bytes, got -1").
bool vm_options_from_json(std::string_view json, VmOptions& out, std::string& error);
bool vm_stats_from_json(std::string_view json, VmStats& out, std::string& error);

}  // namespace raya::messages
