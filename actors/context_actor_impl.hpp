// The context actor's implementation (private to actors/): the state of one
// running context and the handlers of its typed interface. Split over
// context_actor.cpp (requests, slices, ending) and context_host_calls.cpp
// (capability calls, quotas, timers).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <tuple>
#include <unordered_set>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/context_actor.hpp"
#include "actors/payload_size.hpp"
#include "messages/context_report.hpp"
#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"  // RunOutcome

namespace raya::actors {

class ContextActor : public context_actor::base {
 public:
  ContextActor(caf::actor_config& cfg, ContextSpec spec);
  ~ContextActor() override;

  behavior_type make_behavior() override;
  /// Admission control runs here, on the sender's thread, before a request
  /// is queued: see context_actor.hpp "Back-pressure".
  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override;
  void on_exit() override;
  const char* name() const override { return "raya.context"; }

 private:
  using TaskPromise = caf::typed_response_promise<messages::TaskResult>;
  using LoadPromise = caf::typed_response_promise<messages::LoadResult>;

  /// Per capability: the quota state of this context's calls.
  struct Usage {
    uint32_t in_flight = 0;
    double tokens = -1;  // token bucket; < 0 until first use
    std::chrono::steady_clock::time_point refilled;
  };
  /// A host request the host has not answered yet.
  struct Pending {
    std::string capability;  // empty for timers
    std::chrono::milliseconds timeout{0};
    caf::actor_addr actor;  // a capability actor's calls fail if it dies
    uint64_t token = 0;     // what a genuine answer carries
    bool timed_out = false; // the task has its Timeout; the host still holds the call
    caf::actor_clock::time_point due = caf::actor_clock::time_point::max();  // its deadline in dues_
  };

  // --- requests (context_actor.cpp) -----------------------------------------
  caf::result<messages::LoadResult> on_load(const messages::ModuleSource& module);
  caf::result<messages::TaskResult> on_run(const std::string& name, const ValueList& args);
  messages::Started on_spawn(const std::string& name, const ValueList& args);
  caf::result<messages::TaskResult> on_await(messages::TaskId task);
  bool on_cancel(messages::TaskId task);
  messages::VmStats on_terminate();

  // --- driving the VM --------------------------------------------------------
  /// Creates the VM on first use (a spawned context costs only the actor).
  vm::VmContext& vm();
  /// Runs a slice now unless one is already scheduled.
  void run_soon();
  void run_slice();
  void schedule_slice();
  void deliver_finished();
  /// Answers waiters of tasks that can never finish (see context_actor.hpp).
  void fail_deadlocked();
  /// Ends the context: answers every waiter with `error`, frees the VM,
  /// releases handles, reports to the reporter and quits.
  void end(messages::Error error, bool failed);
  messages::Error ended_error() const;
  messages::VmStats current_stats() const;
  void publish_heap_use();
  /// A queued payload has been taken in (or a kept result handed out).
  void release_payload(uint64_t bytes);
  /// The same for a request's payload; sized only under a finite budget
  /// (enqueue counted it only then).
  template <class Payload>
  void release_payload_of(const Payload& payload) {
    if (budgeted()) release_payload(payload_size(payload));
  }
  bool budgeted() const { return spec_.options.max_heap_bytes != messages::VmOptions::kUnlimited; }

  // --- host requests (context_host_calls.cpp) ------------------------------
  void dispatch(vm::HostRequest& request);
  void call_capability(vm::HostRequest& request);
  /// The quota check; an error if the call must be refused.
  std::optional<messages::Error> admit(const CapabilityRegistry::Entry& entry, Usage& usage);
  /// A capability's answer (or timeout) for request `id`; unknown ids (late,
  /// withdrawn) are dropped.
  void answer(uint64_t id, messages::CapabilityResult result);
  /// Fails a call's task with Timeout; its quota slot stays taken until the
  /// host really answers (or its actor dies).
  void expire(uint64_t id);
  /// True if the message being handled was sent by this actor itself.
  bool from_self();
  /// The error a std::bad_alloc on this context's thread ends it with.
  messages::Error host_out_of_memory() const;
  uint64_t next_token();
  uint64_t token_state_ = 0;
  void on_timer(uint64_t id);
  /// Sleeps and capability deadlines, soonest first: (when, request id, is
  /// a sleep). One CAF clock timeout stands for the soonest — an ordinary
  /// timeout, which arming again replaces and which CAF drops when the actor
  /// quits — so nothing here keeps an ended context alive, and an answered
  /// call's deadline is erased instead of waiting in CAF's clock for an hour.
  using Due = std::tuple<caf::actor_clock::time_point, uint64_t, bool>;
  std::set<Due> dues_;
  caf::actor_clock::time_point armed_ = caf::actor_clock::time_point::max();
  /// Adds a due entry `delay_ms` from now (a century at most: "never") and
  /// returns its time.
  caf::actor_clock::time_point schedule_due(uint64_t id, bool sleep, uint64_t delay_ms);
  /// Arms the clock for the soonest entry, unless it is armed earlier already.
  void arm_clock();
  /// The clock timeout fired: handles every entry that is due, then re-arms.
  void on_due();
  /// A monitored capability actor died: its calls fail with CapabilityFailed.
  void on_capability_down(const caf::down_msg& down);
  /// After the end: answers whatever was already queued, then quits.
  behavior_type ended_behavior();

  ContextSpec spec_;
  std::unique_ptr<vm::VmContext> vm_;
  bool slice_scheduled_ = false;
  bool ended_ = false;
  bool failed_ = false;
  bool exiting_ = false;  // on_exit: CAF is tearing the actor down
  bool idle_ = false;  // the last slice left nothing runnable and nothing pending
  bool in_dispatch_ = false;        // handing a slice's host requests out
  bool answered_in_slice_ = false;  // ...and one was answered at once
  messages::Error end_error_;
  messages::VmStats final_stats_;

  std::unordered_map<messages::TaskId, std::vector<TaskPromise>> task_waiters_;
  std::unordered_map<messages::TaskId, LoadPromise> load_waiters_;
  std::unordered_set<messages::TaskId> spawned_;  // spawned, not yet finished
  std::unordered_map<messages::TaskId, messages::TaskResult> unclaimed_;  // finished, not yet awaited
  uint64_t unclaimed_bytes_ = 0;
  std::vector<std::function<void(const messages::Error*)>> held_;  // answer_when_idle: replies waiting for idleness
  /// Delivers the held replies (or, if `instead` is set, that error).
  void flush_held(const messages::Error* instead = nullptr);
  void report_unobserved();

  std::unordered_map<uint64_t, Pending> pending_;
  std::unordered_map<std::string, Usage> usage_;
  uint32_t pending_timers_ = 0;  // sleeps in dues_, cancelled ones included (see dispatch)
  std::unordered_set<caf::actor_addr> monitored_;  // capability actors

  // Back-pressure gauge, read and written by senders' threads.
  std::atomic<uint64_t> heap_used_{0};
  std::atomic<uint64_t> queued_bytes_{0};
};

}  // namespace raya::actors
