// RuntimeConfig: everything a Raya runtime is set up with — CAF's worker
// threads and scheduler, the slice size, the default VmOptions, the
// supervisor's policy and named sandbox profiles — read from JSON files in
// configs/ (configs/README.md documents every key). `raya run --config` and
// raya::actors::Runtime read the same files. A bad file is a ConfigError
// naming the file and the key:
//   "configs/runtime.json: supervisor.maxContexts: expected a whole number >= 1, got -3"
// and a JSON syntax error gives the position: "FILE:LINE:COL: invalid JSON: ...".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/vm_options.hpp"
#include "vmcore/result.hpp"

namespace raya::actors {

using raya::vm::Result;

/// What the supervisor does when a context ends because of a limit or a crash.
enum class RestartStrategy : uint8_t {
  None = 0,          // it stays dead; waiters get the error ("none")
  RestartFresh = 1,  // a new context with the same options, grants and modules ("restartFresh")
};

/// A named sandbox shape: limits plus the capabilities it is granted.
struct SandboxProfile {
  std::string name;  // letters, digits, '_' and '-'
  messages::VmOptions options;
  std::vector<std::string> grants;  // capability names, each once
};

/// Global caps the supervisor applies to every context it creates.
struct SupervisorPolicy {
  uint64_t max_contexts = 100'000;          // maxContexts: live contexts at once (>= 1)
  /// totalHeapBytes: the sum of live contexts' maxHeapBytes (>= 1; null in
  /// JSON is kUnlimited).
  uint64_t total_heap_bytes = 16ull << 30;
  /// maxLimits: the most any sandbox may ask for; each requested limit is
  /// clamped to these (the defaults clamp nothing).
  messages::VmOptions max_limits = unlimited_options();
  RestartStrategy restart = RestartStrategy::None;  // restart
  uint32_t max_restarts = 3;                        // maxRestarts within restartWindowMs...
  uint64_t restart_window_ms = 10'000;              // ...(>= 1) before the context stays dead

  static messages::VmOptions unlimited_options() {
    messages::VmOptions o;
    o.max_heap_bytes = messages::VmOptions::kUnlimited;
    o.max_tasks = ~uint32_t(0);
    o.max_step_budget = messages::VmOptions::kUnlimited;
    o.max_cpu_time_ms = messages::VmOptions::kUnlimited;
    o.max_call_depth = ~uint32_t(0);
    return o;
  }
};

struct RuntimeConfig {
  /// workerThreads: CAF worker threads (0 to 1024); 0 means one per hardware core.
  uint32_t worker_threads = 0;
  /// schedulerPolicy: "hostFirst" (default: one run queue, so busy contexts
  /// get equal shares, and every other actor runs before waiting sandbox
  /// slices, so the host stays responsive; see host_first_scheduling.hpp),
  /// CAF's "sharing" (one run queue, no lanes) or "stealing" (per-worker
  /// queues: less contention, but a context keeps to its worker, so shares
  /// are only as even as the split).
  std::string scheduler_policy = "hostFirst";
  /// sliceSteps: instructions a context runs before it yields its worker thread
  /// (100 to 100,000,000).
  uint64_t slice_steps = 10'000;
  /// defaultOptions: VmOptions of a sandbox that names no profile.
  messages::VmOptions default_options;
  /// supervisor: global caps and restarts.
  SupervisorPolicy supervisor;
  /// profiles: named sandbox shapes ("strict", "plugin", ...).
  std::map<std::string, SandboxProfile> profiles;

  /// The profile `name`, or an error listing the known ones.
  Result<SandboxProfile> profile(std::string_view name) const;
};

/// Parses a runtime configuration from JSON text. Absent keys keep the
/// defaults above; unknown keys are errors (a typo must not be ignored),
/// except a top-level "$comment" string. `origin` (a file name) prefixes error
/// messages. Profile entries are objects, or strings naming a profile file
/// relative to `base_dir`; either way a profile's options start from this
/// config's defaultOptions, so a profile states only what it changes.
Result<RuntimeConfig> parse_runtime_config(std::string_view json, std::string_view origin,
                                           const std::string& base_dir = ".");
/// The largest config or profile file read: 1 MiB (anything larger, or not
/// a regular file, is a ConfigError; nothing is read without end).
inline constexpr uint64_t kMaxConfigFileBytes = uint64_t(1) << 20;

/// Reads and parses a file (profile paths are relative to its folder).
Result<RuntimeConfig> load_runtime_config(const std::string& path);
/// Parses one sandbox profile (JSON object: "options", "grants", "$comment").
/// On its own, outside a runtime config, its options start from VmOptions{}.
/// `name` must be letters, digits, '_' or '-'.
Result<SandboxProfile> parse_sandbox_profile(std::string_view json, std::string_view origin,
                                             std::string name);
/// Reads and parses a profile file; the profile is named after the file's
/// stem ("profiles/strict.json" is "strict").
Result<SandboxProfile> load_sandbox_profile(const std::string& path);

}  // namespace raya::actors
