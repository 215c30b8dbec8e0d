// The context actor: one sandboxed Raya VM (vmcore's VmContext) as a CAF
// typed actor. It owns the VM's heap and tasks; everything else talks to it
// through the messages below, whose arguments and results are deep-copied
// boundary data (messages/), so no heap pointer can leave the sandbox.
//
// It runs Raya in slices of `slice_steps` instructions: after a slice, if
// work remains, it sends itself `resume` and returns to CAF, so every other
// actor on the same worker threads gets its turn. It answers capability
// calls and timers asynchronously and never blocks a worker thread.
// (The actor system must have a finite scheduler.max-throughput, or an actor
// that keeps sending itself messages never gives its thread back; configure()
// in actors/runtime.hpp sets it.)
//
// The internal messages only count from the context itself (a resume or
// timer from anyone else is ignored) or, for capability answers, with the
// call's unguessable token. Sleeps and capability deadlines share one CAF
// clock timeout per context, which CAF drops when the actor quits: nothing
// pending keeps an ended context alive.
//
// Scheduling: configure() installs the hostFirst scheduler, under which any
// other actor runs before waiting context slices (host_first_scheduling.hpp).
//
// Requests (all replies are data; nothing throws across the boundary):
//   load(ModuleSource)            -> LoadResult   after the module's top-level code ran
//   run(name, args)               -> TaskResult   when the call of export `name` ends
//   spawn(name, args)             -> Started      at once, with the task's id
//   await(task id)                -> TaskResult   when that spawned task ends
//   cancel(task id)               -> bool         true if it was running
// A run or await whose task can never finish (it waits on tasks that are
// all blocked, with nothing pending on the host) is answered with a
// RuntimeError named "Deadlock" and the task is cancelled.
//   stats()                       -> VmStats
//   terminate()                   -> VmStats      the final counters; then the actor quits
// When a limit ends the context (heap, steps, CPU, or the task limit with
// terminateOnTaskLimit), every waiting request gets that error, the context's
// memory is freed, its pending capability calls are abandoned, its handles
// are released, and the actor quits (reporting to its supervisor, if any).
//
// Back-pressure: a request's payload (arguments, module text) counts against
// the context's heap budget from the moment it is enqueued; a request that
// would take heap use plus queued payloads past maxHeapBytes is refused at
// once with QuotaExceeded, never queued.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/capability_registry.hpp"
#include "messages/capability_call.hpp"
#include "messages/inspect.hpp"  // CAF can carry every boundary type
#include "messages/module_source.hpp"
#include "messages/task_result.hpp"
#include "messages/value.hpp"
#include "messages/vm_options.hpp"
#include "vmcore/interp/interrupt.hpp"

namespace raya::actors {

using ValueList = std::vector<messages::Value>;

using context_actor = caf::typed_actor<
    caf::replies_to<load_atom, messages::ModuleSource>::with<messages::LoadResult>,
    caf::replies_to<run_atom, std::string, ValueList>::with<messages::TaskResult>,
    caf::replies_to<spawn_atom, std::string, ValueList>::with<messages::Started>,
    caf::replies_to<await_atom, messages::TaskId>::with<messages::TaskResult>,
    caf::replies_to<cancel_atom, messages::TaskId>::with<bool>,
    caf::replies_to<stats_atom>::with<messages::VmStats>,
    caf::replies_to<terminate_atom>::with<messages::VmStats>,
    // Internal: the actor sends these to itself (the next slice; its clock:
    // a sleep or a capability deadline is due) or gets them with a call's
    // token (a capability's answer).
    caf::reacts_to<resume_atom>,
    caf::reacts_to<timer_atom>,
    caf::reacts_to<reply_atom, uint64_t, uint64_t, messages::CapabilityResult>>;  // id, call token, answer

/// How to make a context.
struct ContextSpec {
  uint64_t context_id = 0;  // 0: take the next process-wide id
  std::string name;         // for reports and errors
  messages::VmOptions options;
  std::vector<std::string> grants;  // capabilities its programs may import
  std::shared_ptr<CapabilityRegistry> capabilities;  // where granted names are looked up (may be null: none)
  uint64_t slice_steps = 10'000;
  /// Told (ended_atom, ContextReport) when the context ends, if set. Held
  /// weakly: a context does not keep its supervisor alive.
  caf::actor_addr reporter;
  /// Called (on the context's thread) with each failed task nobody awaited.
  std::function<void(uint64_t context_id, const messages::Error&)> on_unobserved_failure;
  /// Where console.* lines go (on the context's thread) if the context is
  /// granted "console"; without it, console calls throw CapabilityDenied.
  std::function<void(uint64_t context_id, int level, std::string_view line)> console;
  /// Results as JSON text (VmContext::ResultForm::Json) instead of values.
  /// Either way a result is capped at the context's heap limit (or 1 GiB):
  /// a larger one is a MarshalError naming the limit.
  bool results_as_json = false;
  /// Results are not converted at all (VmContext::ResultForm::Discarded): a
  /// successful task's value is null. For hosts that only need to know how a
  /// task ended (`raya run` without --print-result). Wins over results_as_json.
  bool discard_results = false;
  /// Stops the VM's running slice from another thread (see
  /// vmcore/interp/interrupt.hpp): set, the context ends with Terminated
  /// within about a millisecond even inside long work. Null: its own.
  std::shared_ptr<vm::Interrupt> interrupt;
  /// Hold successful replies to load/run/await until the context is idle (no
  /// task can run, nothing pending on the host) — a whole program's
  /// semantics, as `raya run` has them: tasks left running after main
  /// returns still finish. A failure is answered at once, as node ends on an
  /// uncaught error in its main code: the other tasks need not finish first.
  bool answer_when_idle = false;
};

/// Spawns a context actor. Cheap: the VM itself is created when the first
/// module is loaded.
context_actor spawn_context(caf::actor_system& system, ContextSpec spec);

}  // namespace raya::actors
