// The supervisor: creates contexts, keeps them within its policy, and
// reports on them. Every context it spawns gets the requested VmOptions
// clamped to policy.max_limits, counts against the global caps (maxContexts,
// totalHeapBytes: the sum of live contexts' maxHeapBytes), and is monitored:
// when one ends because of a limit or a crash, its waiters already have the
// typed error (the context answers them before it quits) and the supervisor
// applies its restart strategy — none, or a fresh context with the same
// options, grants and modules, at most maxRestarts times within
// restartWindowMs. Contexts are addressed by id through the supervisor, so a
// restarted context keeps its id; requests for an unknown or dead id get
// ContextNotFound. A restart loads the modules again one by one, and
// requests for the id that arrive from the failure until the last module is
// back wait for it, in order (at most 1,024 per context; more are refused
// with QuotaExceeded), and are answered by the new context. A module that
// no longer loads ends the context for good, reported as Failed with
// "restart failed: module '...' no longer loads: ...". terminate(id) during
// a restart ends it at once (waiting requests learn it is being terminated).
//
//   spawn(SandboxSpec)             -> SpawnReply   the context's id and actor
//   load(id, ModuleSource)         -> LoadResult   (also remembered for restarts)
//   run(id, name, args)            -> TaskResult
//   spawn(id, name, args)          -> Started
//   await(id, task id)             -> TaskResult
//   cancel(id, task id)            -> bool
//   stats()                        -> all ContextReports (live and ended, by id)
//   stats(id)                      -> ContextReport (ContextNotFound: state Failed, error set)
//   terminate(id)                  -> bool         false if unknown or already ended
//                                                  (sets the context's interrupt first, so a
//                                                  busy slice stops within a poll; see
//                                                  SupervisorSpec::interrupts)
// Requests to a context are delegated: the context answers the caller
// directly, so the supervisor adds one hop, not two.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/capability_registry.hpp"
#include "actors/context_actor.hpp"
#include "actors/interrupt_table.hpp"
#include "actors/runtime_config.hpp"
#include "messages/context_report.hpp"
#include "messages/module_source.hpp"

namespace raya::actors {

/// What to create: a sandbox's requested limits, grants and initial modules.
struct SandboxSpec {
  std::string name;
  messages::VmOptions options;
  std::vector<std::string> grants;
  /// Loaded in order right after spawning (and again after a fresh restart).
  std::vector<messages::ModuleSource> modules;

  friend bool operator==(const SandboxSpec&, const SandboxSpec&) = default;
};

/// The supervisor's answer to spawn. On failure (QuotaExceeded: too many
/// contexts or heap budget exhausted; CapabilityDenied: a grant names no
/// registered capability) ok is false and error says why.
struct SpawnReply {
  bool ok = false;
  uint64_t context_id = 0;
  context_actor context;  // the current actor (a restart replaces it; prefer the id)
  messages::VmOptions options;  // the limits after clamping
  messages::Error error;
  /// The initial modules' load results, in order (the first failure ends the list).
  std::vector<messages::LoadResult> loads;
};

using ReportList = std::vector<messages::ContextReport>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SandboxSpec& x) {
  return f(caf::meta::type_name("raya.SandboxSpec"), x.name, x.options, x.grants, x.modules);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpawnReply& x) {
  return f(caf::meta::type_name("raya.SpawnReply"), x.ok, x.context_id, x.context, x.options, x.error, x.loads);
}

using supervisor_actor = caf::typed_actor<
    caf::replies_to<spawn_atom, SandboxSpec>::with<SpawnReply>,
    caf::replies_to<load_atom, uint64_t, messages::ModuleSource>::with<messages::LoadResult>,
    caf::replies_to<run_atom, uint64_t, std::string, ValueList>::with<messages::TaskResult>,
    caf::replies_to<spawn_atom, uint64_t, std::string, ValueList>::with<messages::Started>,
    caf::replies_to<await_atom, uint64_t, messages::TaskId>::with<messages::TaskResult>,
    caf::replies_to<cancel_atom, uint64_t, messages::TaskId>::with<bool>,
    caf::replies_to<stats_atom>::with<ReportList>,
    caf::replies_to<stats_atom, uint64_t>::with<messages::ContextReport>,
    caf::replies_to<terminate_atom, uint64_t>::with<bool>,
    // Internal: a context telling its supervisor it ended.
    caf::reacts_to<ended_atom, messages::ContextReport>>;

struct SupervisorSpec {
  SupervisorPolicy policy;
  std::shared_ptr<CapabilityRegistry> capabilities;  // null: an empty registry
  uint64_t slice_steps = 10'000;
  /// Called (on a context's thread) with each failed task nobody awaited.
  std::function<void(uint64_t context_id, const messages::Error&)> on_unobserved_failure;
  /// Console lines of contexts granted "console" ("console" is a valid grant
  /// only when this is set).
  std::function<void(uint64_t context_id, int level, std::string_view line)> console;
  /// Results as JSON text (see ContextSpec::results_as_json).
  bool results_as_json = false;
  /// See ContextSpec::answer_when_idle.
  bool answer_when_idle = false;
  /// See ContextSpec::discard_results.
  bool discard_results = false;
  /// Where the contexts' interrupts are published, for threads outside the
  /// actor system (Sandbox::terminate). Null: the supervisor keeps its own.
  std::shared_ptr<InterruptTable> interrupts;
};

supervisor_actor spawn_supervisor(caf::actor_system& system, SupervisorSpec spec);

/// The requested options clamped to the policy's maximums.
messages::VmOptions clamp_options(const messages::VmOptions& requested, const SupervisorPolicy& policy);

}  // namespace raya::actors
