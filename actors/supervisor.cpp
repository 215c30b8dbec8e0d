// The supervisor (see supervisor.hpp): global caps at spawn, requests
// delegated to contexts by id, restarts with intensity limits, reports.
#include "actors/supervisor.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <type_traits>
#include <unordered_map>

#include <caf/send.hpp>
#include <caf/system_messages.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace raya::actors {

using messages::ContextReport;
using messages::ErrorCode;
using messages::make_error;

messages::VmOptions clamp_options(const messages::VmOptions& requested, const SupervisorPolicy& policy) {
  messages::VmOptions o = requested;
  const messages::VmOptions& max = policy.max_limits;
  o.max_heap_bytes = std::min(o.max_heap_bytes, max.max_heap_bytes);
  o.max_tasks = std::min(o.max_tasks, max.max_tasks);
  o.max_step_budget = std::min(o.max_step_budget, max.max_step_budget);
  o.max_cpu_time_ms = std::min(o.max_cpu_time_ms, max.max_cpu_time_ms);
  o.max_call_depth = std::min(o.max_call_depth, max.max_call_depth);
  // A policy that ends contexts at the task limit cannot be asked away.
  o.terminate_on_task_limit = o.terminate_on_task_limit || max.terminate_on_task_limit;
  return o;
}

namespace {

/// Ended contexts whose reports are kept (for stats and for saying why an
/// id is gone); older ones are forgotten so a long-lived supervisor that
/// creates millions of contexts stays bounded.
constexpr size_t kEndedReportsKept = 1024;

class Supervisor : public supervisor_actor::base {
 public:
  Supervisor(caf::actor_config& cfg, SupervisorSpec spec) : supervisor_actor::base(cfg), spec_(std::move(spec)) {
    if (!spec_.capabilities) spec_.capabilities = std::make_shared<CapabilityRegistry>();
    if (!spec_.interrupts) spec_.interrupts = std::make_shared<InterruptTable>();
    set_down_handler([this](caf::down_msg& down) { on_down(down); });
    // A stray error message must not end the supervisor (and every context
    // with it): CAF's default handler quits.
    set_error_handler([](caf::error&) {});
  }

  const char* name() const override { return "raya.supervisor"; }

  behavior_type make_behavior() override {
    return {
        [this](spawn_atom, const SandboxSpec& spec) { return on_spawn(spec); },
        [this](load_atom, uint64_t id, const messages::ModuleSource& module) -> caf::result<messages::LoadResult> {
          if (held(id) || spec_.policy.restart == RestartStrategy::RestartFresh)
            return later<messages::LoadResult>(id, [this, id, module](Live& live, auto& promise) {
              load_and_remember(live, id, module, promise);
            });
          Live* live = alive(id);
          if (!live) return gone_reply<messages::LoadResult>(id, not_found(id));
          return delegate(live->actor, load_atom::value, module);
        },
        [this](run_atom verb, uint64_t id, const std::string& name, const ValueList& args) {
          return route<messages::TaskResult>(id, verb, name, args);
        },
        [this](spawn_atom verb, uint64_t id, const std::string& name, const ValueList& args) {
          return route<messages::Started>(id, verb, name, args);
        },
        [this](await_atom verb, uint64_t id, messages::TaskId task) {
          return route<messages::TaskResult>(id, verb, task);
        },
        [this](cancel_atom verb, uint64_t id, messages::TaskId task) { return route<bool>(id, verb, task); },
        [this](stats_atom) { return all_reports(); },
        [this](stats_atom, uint64_t id) { return one_report(id); },
        [this](terminate_atom, uint64_t id) -> caf::result<bool> {
          Live* live = find(id);
          // Unknown, already being ended, or ended for good.
          if (!live || live->terminating || (live->last_word && !held(id))) return false;
          live->terminating = true;  // no restart, and no replay goes on
          // A slice stuck in long work stops now, not at its end.
          live->interrupt->request(vm::InterruptReason::Terminate);
          resume_waiting(id);        // requests held for a restart find it being terminated
          if (live->last_word) {
            // Failed and about to be restarted: it stays ended instead.
            release(*live);
            return true;
          }
          auto promise = make_response_promise<bool>();
          request(live->actor, caf::infinite, terminate_atom::value)
              .then([promise](const messages::VmStats&) mutable { promise.deliver(true); },
                    [promise](caf::error&) mutable { promise.deliver(true); });  // already gone
          return promise;
        },
        [this](ended_atom, ContextReport& report) {
          // The context's last word; its down message follows and decides.
          // Only the context itself may say it (it sends with itself as the
          // sender): a forged report would orphan a live context.
          Live* live = find(report.context_id);
          if (live && caf::actor_cast<caf::actor_addr>(current_sender()) == live->actor.address()) {
            live->last_word = std::move(report);
            // Its VM is already freed: unless a restart follows, its slot and
            // heap are free now (a spawn right after must find them free).
            if (!held(live->id)) release(*live);
          }
        },
    };
  }

  void on_exit() override {
    // The contexts live and die with their supervisor.
    for (auto& [id, live] : live_) {
      live.interrupt->request(vm::InterruptReason::Terminate);
      send_exit(live.actor, caf::exit_reason::user_shutdown);
      live.terminating = true;
      spec_.interrupts->remove(id);
    }
    for (auto& [id, live] : live_) resume_waiting(id);  // answered: being terminated
    live_.clear();
    released_ = 0;
  }

 private:
  struct Live {
    uint64_t id = 0;
    SandboxSpec spec;  // options already clamped
    context_actor actor;
    uint32_t restarts = 0;
    std::deque<std::chrono::steady_clock::time_point> restart_times;
    bool terminating = false;
    /// Stops the running slice of the current generation (see interrupt.hpp).
    std::shared_ptr<vm::Interrupt> interrupt;
    /// Its slot and heap reservation are given back: it ended for good
    /// (decided at its last word; its down message is still to come).
    bool released = false;
    /// A fresh restart is loading the modules again: requests for this id
    /// wait (in `waiting`) so they find every module loaded.
    bool replaying = false;
    /// Why a restart could not load its modules (the context is ended).
    std::optional<messages::Error> replay_failure;
    std::optional<ContextReport> last_word;
    /// Requests that arrived while held (see held()), in arrival order.
    std::deque<std::function<void()>> waiting;
  };

  /// Requests one context may have waiting for its restart.
  static constexpr size_t kMaxWaiting = 1024;

  static messages::TaskResult failed_task(uint64_t id, messages::Error error) {
    messages::TaskResult r;
    r.context_id = id;
    r.error = std::move(error);
    return r;
  }

  Live* find(uint64_t id) {
    auto it = live_.find(id);
    return it == live_.end() ? nullptr : &it->second;
  }

  /// A context that can take requests: known, and not ending.
  Live* alive(uint64_t id) {
    Live* live = find(id);
    return live && !live->last_word && !live->terminating ? live : nullptr;
  }

  /// True while a request for `id` must wait: its context failed and is
  /// about to be restarted, or a restart is loading its modules again.
  /// Such requests wait in the context's `waiting` queue, in order (not
  /// caf::skip: CAF 0.17.6 retries a skipped message only when another
  /// message of the same priority is handled).
  bool held(uint64_t id) const {
    auto it = live_.find(id);
    if (it == live_.end()) return false;
    const Live& live = it->second;
    if (live.terminating) return false;
    if (live.replaying) return true;
    return live.last_word && live.last_word->state == ContextReport::State::Failed && restart_due(live);
  }

  /// What a request for a gone context is answered with.
  template <class Reply>
  static Reply gone_reply(uint64_t id, messages::Error e) {
    if constexpr (std::is_same_v<Reply, bool>)
      return false;
    else if constexpr (std::is_same_v<Reply, messages::TaskResult>)
      return failed_task(id, std::move(e));
    else if constexpr (std::is_same_v<Reply, messages::Started>)
      return messages::Started{false, 0, std::move(e)};
    else
      return messages::LoadResult{false, {}, {}, std::move(e)};
  }

  /// How a request reaches a context that can take it.
  template <class Reply>
  using Forward = std::function<void(Live&, caf::typed_response_promise<Reply>&)>;

  /// Answers a request for `id` through a response promise: forwarded now
  /// if the context can take it, later if it is held (in arrival order,
  /// at most kMaxWaiting per context), or answered as gone.
  template <class Reply>
  caf::result<Reply> later(uint64_t id, Forward<Reply> forward) {
    if (held(id) && find(id)->waiting.size() >= kMaxWaiting) {
      messages::Error e = make_error(ErrorCode::QuotaExceeded, "context " + std::to_string(id) +
                                                                   " is being restarted and already has " +
                                                                   std::to_string(kMaxWaiting) + " requests waiting");
      e.context_id = id;
      e.limit = kMaxWaiting;
      return gone_reply<Reply>(id, std::move(e));
    }
    auto promise = make_response_promise<Reply>();
    dispatch(id, promise, std::move(forward));
    return promise;
  }

  template <class Reply>
  void dispatch(uint64_t id, caf::typed_response_promise<Reply> promise, Forward<Reply> forward) {
    if (held(id)) {
      find(id)->waiting.push_back(
          [this, id, promise, forward = std::move(forward)]() mutable { dispatch(id, promise, std::move(forward)); });
      return;
    }
    if (Live* live = alive(id))
      forward(*live, promise);
    else
      promise.deliver(gone_reply<Reply>(id, not_found(id)));
  }

  /// Delegates a request to context `id` (the context answers the caller
  /// directly); held, it waits; gone, it gets the gone reply.
  template <class Reply, class... Ts>
  caf::result<Reply> route(uint64_t id, const Ts&... xs) {
    if (held(id)) return later<Reply>(id, [xs...](Live& live, auto& promise) { promise.delegate(live.actor, xs...); });
    Live* live = alive(id);
    if (!live) return gone_reply<Reply>(id, not_found(id));
    return delegate(live->actor, xs...);
  }

  /// A hold may have ended: the waiting requests go on, in order (those
  /// still held queue again, in the same order).
  void resume_waiting(uint64_t id) {
    Live* live = find(id);
    if (!live || live->waiting.empty()) return;
    std::deque<std::function<void()>> waiting = std::move(live->waiting);
    live->waiting.clear();
    for (auto& go_on : waiting) go_on();
  }

  /// A load through the supervisor; under restartFresh the module is
  /// remembered (for the next restart) once it has loaded.
  void load_and_remember(Live& live, uint64_t id, const messages::ModuleSource& module,
                         caf::typed_response_promise<messages::LoadResult>& promise) {
    if (spec_.policy.restart != RestartStrategy::RestartFresh) {
      promise.delegate(live.actor, load_atom::value, module);
      return;
    }
    request(live.actor, caf::infinite, load_atom::value, module)
        .then(
            [this, id, module, promise](messages::LoadResult& r) mutable {
              if (r.ok)
                if (Live* still = find(id)) still->spec.modules.push_back(module);
              promise.deliver(std::move(r));
            },
            [this, id, promise](caf::error&) mutable { promise.deliver(gone_reply<messages::LoadResult>(id, not_found(id))); });
  }

  static messages::Error gone(uint64_t id, const ContextReport& r) {
    std::string why = r.state == ContextReport::State::Failed ? "failed: " + r.error.to_string() : "was terminated";
    messages::Error e = make_error(ErrorCode::ContextNotFound, "context " + std::to_string(id) + " " + why);
    e.context_id = id;
    return e;
  }

  messages::Error not_found(uint64_t id) const {
    if (auto it = live_.find(id); it != live_.end()) {
      if (it->second.last_word) return gone(id, *it->second.last_word);
      messages::Error e = make_error(ErrorCode::ContextNotFound, "context " + std::to_string(id) + " is being terminated");
      e.context_id = id;
      return e;
    }
    for (const ContextReport& r : ended_)
      if (r.context_id == id) return gone(id, r);
    messages::Error e = make_error(ErrorCode::ContextNotFound, "no context " + std::to_string(id));
    e.context_id = id;
    return e;
  }

  caf::result<SpawnReply> on_spawn(const SandboxSpec& requested) {
    SpawnReply reply;
    if (live_.size() - released_ >= spec_.policy.max_contexts) {
      reply.error = make_error(ErrorCode::QuotaExceeded, "the supervisor already runs its maximum of " +
                                                             std::to_string(spec_.policy.max_contexts) + " contexts");
      reply.error.limit = spec_.policy.max_contexts;
      return reply;
    }
    SandboxSpec spec = requested;
    spec.options = clamp_options(requested.options, spec_.policy);
    const uint64_t total = spec_.policy.total_heap_bytes;
    if (total != messages::VmOptions::kUnlimited) {
      spec.options.max_heap_bytes = std::min(spec.options.max_heap_bytes, total);
      if (heap_reserved_ + spec.options.max_heap_bytes > total) {
        reply.error = make_error(ErrorCode::QuotaExceeded,
                                 "the supervisor's heap budget is spent: " + std::to_string(heap_reserved_) + " of " +
                                     std::to_string(total) + " bytes are promised to live contexts, this one asks for " +
                                     std::to_string(spec.options.max_heap_bytes));
        reply.error.limit = total;
        reply.error.used = heap_reserved_ + spec.options.max_heap_bytes;
        return reply;
      }
    }
    for (const std::string& grant : spec.grants)
      if (!spec_.capabilities->contains(grant) && !(grant == "console" && spec_.console)) {
        reply.error = make_error(ErrorCode::CapabilityDenied,
                                 "cannot grant '" + grant + "': no capability of that name is registered");
        return reply;
      }

    Live live;
    live.id = next_id_++;
    live.spec = std::move(spec);
    live.actor = start(live);
    heap_reserved_ += heap_charge(live.spec);
    reply.ok = true;
    reply.context_id = live.id;
    reply.context = live.actor;
    reply.options = live.spec.options;
    const uint64_t id = live.id;
    std::vector<messages::ModuleSource> modules = live.spec.modules;
    live_.emplace(id, std::move(live));
    if (modules.empty()) return reply;
    auto promise = make_response_promise<SpawnReply>();
    load_in_order(id, std::move(modules), 0, std::move(reply), promise);
    return promise;
  }

  /// Gives a context's slot and heap reservation back (once).
  void release(Live& live) {
    if (live.released) return;
    live.released = true;
    heap_reserved_ -= heap_charge(live.spec);
    ++released_;
  }

  /// Drops a context from the live table, giving back what it held, and
  /// keeps its final report; requests still waiting for it learn it is gone.
  void forget(uint64_t id, ContextReport report) {
    auto it = live_.find(id);
    if (it == live_.end()) return;
    release(it->second);
    --released_;
    spec_.interrupts->remove(id);
    std::deque<std::function<void()>> waiting = std::move(it->second.waiting);
    live_.erase(it);
    ended_.push_back(std::move(report));
    if (ended_.size() > kEndedReportsKept) ended_.pop_front();
    for (auto& go_on : waiting) go_on();
  }

  uint64_t heap_charge(const SandboxSpec& spec) const {
    return spec_.policy.total_heap_bytes == messages::VmOptions::kUnlimited ? 0 : spec.options.max_heap_bytes;
  }

  /// Spawns the context actor of `live` (a new generation on a restart),
  /// with a fresh interrupt published in the table.
  context_actor start(Live& live) {
    live.interrupt = std::make_shared<vm::Interrupt>();
    spec_.interrupts->set(live.id, live.interrupt);
    ContextSpec cs;
    cs.interrupt = live.interrupt;
    cs.context_id = live.id;
    cs.name = live.spec.name;
    cs.options = live.spec.options;
    cs.grants = live.spec.grants;
    cs.capabilities = spec_.capabilities;
    cs.slice_steps = spec_.slice_steps;
    cs.reporter = address();
    cs.on_unobserved_failure = spec_.on_unobserved_failure;
    cs.console = spec_.console;
    cs.results_as_json = spec_.results_as_json;
    cs.answer_when_idle = spec_.answer_when_idle;
    cs.discard_results = spec_.discard_results;
    context_actor actor = spawn_context(home_system(), std::move(cs));
    monitor(actor);
    by_addr_[actor.address()] = live.id;
    return actor;
  }

  /// Loads a new context's modules one after another; the first failure
  /// ends the context and fails the spawn.
  void load_in_order(uint64_t id, std::vector<messages::ModuleSource> modules, size_t next, SpawnReply reply,
                     caf::typed_response_promise<SpawnReply> promise) {
    Live* live = find(id);
    if (!live) {
      reply.ok = false;
      reply.error = not_found(id);
      promise.deliver(std::move(reply));
      return;
    }
    if (next == modules.size()) {
      promise.deliver(std::move(reply));
      return;
    }
    messages::ModuleSource module = modules[next];
    request(live->actor, caf::infinite, load_atom::value, std::move(module))
        .then(
            [this, id, modules = std::move(modules), next, reply, promise](messages::LoadResult& r) mutable {
              bool ok = r.ok;
              reply.loads.push_back(std::move(r));
              if (!ok) {
                reply.ok = false;
                reply.error = reply.loads.back().error;
                if (Live* failed = find(id)) {
                  // The spawn never happened, as far as the caller and the
                  // caps are concerned: its slot and heap are free at once
                  // (its down message finds nothing to do).
                  caf::anon_send(failed->actor, terminate_atom::value);
                  ContextReport report;
                  report.context_id = id;
                  report.name = failed->spec.name;
                  report.state = ContextReport::State::Failed;
                  report.error = reply.error;
                  forget(id, std::move(report));
                }
                promise.deliver(std::move(reply));
                return;
              }
              load_in_order(id, std::move(modules), next + 1, std::move(reply), promise);
            },
            [this, id, reply, promise](caf::error&) mutable {
              reply.ok = false;
              reply.error = not_found(id);
              promise.deliver(std::move(reply));
            });
  }

  void on_down(const caf::down_msg& down) {
    auto addr = by_addr_.find(down.source);
    if (addr == by_addr_.end()) return;
    const uint64_t id = addr->second;
    by_addr_.erase(addr);
    Live* live = find(id);
    if (!live) return;

    ContextReport report;
    if (live->last_word) {
      report = std::move(*live->last_word);
    } else {
      // Died without a last word: an exception in the actor, or killed.
      report.context_id = id;
      report.name = live->spec.name;
      report.state = ContextReport::State::Failed;
      report.error = make_error(ErrorCode::Terminated, "the context actor stopped unexpectedly: " +
                                                           home_system().render(down.reason));
      report.error.context_id = id;
    }
    report.restarts = live->restarts;
    if (live->replay_failure) {
      report.state = ContextReport::State::Failed;
      report.error = std::move(*live->replay_failure);
    }

    if (report.state == ContextReport::State::Failed && !live->terminating && !live->released && may_restart(*live)) {
      live->restarts++;
      live->last_word.reset();
      live->actor = start(*live);
      if (!live->spec.modules.empty()) {
        live->replaying = true;
        replay(id, live->actor.address(), 0);
      } else {
        resume_waiting(id);
      }
      return;
    }
    forget(id, std::move(report));
  }

  /// Loads a restarted context's modules again, one after another (as at
  /// spawn: together they might not fit the heap that held them one by
  /// one). Requests for the id are held meanwhile. A module that no longer
  /// loads ends the context, reported as failed with the load's error, and
  /// is not restarted again.
  void replay(uint64_t id, caf::actor_addr generation, size_t next) {
    Live* live = find(id);
    if (!live || live->actor.address() != generation) return;
    if (next == live->spec.modules.size() || live->terminating) {
      live->replaying = false;
      resume_waiting(id);  // they run now, on the restarted context (or learn it is being terminated)
      return;
    }
    request(live->actor, caf::infinite, load_atom::value, live->spec.modules[next])
        .then(
            [this, id, generation, next](messages::LoadResult& r) {
              Live* still = find(id);
              if (!still || still->actor.address() != generation) return;
              if (r.ok || still->terminating) return replay(id, generation, next + 1);  // (ends the replay if terminating)
              if (still->last_word) {
                // It ended on its own while loading (a limit): its down
                // message decides about another restart, as for any failure.
                still->replaying = false;
                return resume_waiting(id);  // they wait on if a restart is due
              }
              messages::Error why = r.error;
              why.message = "restart failed: module '" + still->spec.modules[next].path +
                            "' no longer loads: " + why.message;
              still->replay_failure = std::move(why);
              still->terminating = true;
              still->replaying = false;
              caf::anon_send(still->actor, terminate_atom::value);
              resume_waiting(id);
            },
            [this, id, generation](caf::error&) {
              // The context ended meanwhile; its down message decides.
              Live* still = find(id);
              if (!still || still->actor.address() != generation) return;
              still->replaying = false;
              resume_waiting(id);
            });
  }

  /// Whether the policy lets this context be restarted now.
  bool restart_due(const Live& live) const {
    if (spec_.policy.restart != RestartStrategy::RestartFresh) return false;
    auto since = std::chrono::steady_clock::now() - std::chrono::milliseconds(spec_.policy.restart_window_ms);
    size_t recent = std::count_if(live.restart_times.begin(), live.restart_times.end(),
                                  [&](auto t) { return t >= since; });
    return recent < spec_.policy.max_restarts;  // else the intensity is exceeded
  }

  bool may_restart(Live& live) {
    if (!restart_due(live)) return false;
    auto now = std::chrono::steady_clock::now();
    auto window = std::chrono::milliseconds(spec_.policy.restart_window_ms);
    while (!live.restart_times.empty() && now - live.restart_times.front() > window) live.restart_times.pop_front();
    live.restart_times.push_back(now);
    return true;
  }

  static void sort_by_id(ReportList& reports) {
    std::sort(reports.begin(), reports.end(),
              [](const ContextReport& a, const ContextReport& b) { return a.context_id < b.context_id; });
  }

  caf::result<ReportList> all_reports() {
    auto reports = std::make_shared<ReportList>(ended_.begin(), ended_.end());
    size_t asking = 0;
    for (auto& [id, live] : live_) {
      if (live.last_word) reports->push_back(final_report(live));  // ended; its down message is on the way
      else ++asking;
    }
    if (asking == 0) {
      sort_by_id(*reports);
      return *reports;
    }
    auto promise = make_response_promise<ReportList>();
    auto remaining = std::make_shared<size_t>(asking);
    for (auto& [id, live] : live_) {
      if (live.last_word) continue;
      ContextReport base;
      base.context_id = id;
      base.name = live.spec.name;
      base.restarts = live.restarts;
      auto finish = [reports, remaining, promise]() mutable {
        if (--*remaining == 0) {
          sort_by_id(*reports);
          promise.deliver(std::move(*reports));
        }
      };
      request(live.actor, caf::infinite, stats_atom::value)
          .then(
              [reports, base, finish](const messages::VmStats& stats) mutable {
                base.stats = stats;
                reports->push_back(std::move(base));
                finish();
              },
              [reports, base, finish](caf::error&) mutable {
                base.state = ContextReport::State::Terminated;  // ended meanwhile; its down message will say how
                reports->push_back(std::move(base));
                finish();
              });
    }
    return promise;
  }

  static ContextReport final_report(const Live& live) {
    ContextReport r = *live.last_word;
    r.restarts = live.restarts;
    return r;
  }

  caf::result<ContextReport> one_report(uint64_t id) {
    Live* live = find(id);
    if (!live) {
      for (const ContextReport& r : ended_)
        if (r.context_id == id) return r;
      ContextReport r;
      r.context_id = id;
      r.state = ContextReport::State::Failed;
      r.error = not_found(id);
      return r;
    }
    if (live->last_word) return final_report(*live);
    ContextReport base;
    base.context_id = id;
    base.name = live->spec.name;
    base.restarts = live->restarts;
    auto promise = make_response_promise<ContextReport>();
    request(live->actor, caf::infinite, stats_atom::value)
        .then([promise, base](const messages::VmStats& stats) mutable {
                base.stats = stats;
                promise.deliver(std::move(base));
              },
              [promise, base](caf::error&) mutable {
                base.state = ContextReport::State::Terminated;
                promise.deliver(std::move(base));
              });
    return promise;
  }

  SupervisorSpec spec_;
  std::unordered_map<uint64_t, Live> live_;
  std::unordered_map<caf::actor_addr, uint64_t> by_addr_;
  std::deque<ContextReport> ended_;
  uint64_t next_id_ = 1;
  uint64_t heap_reserved_ = 0;
  size_t released_ = 0;  // live_ entries whose slot and heap are already given back
};

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& system, SupervisorSpec spec) {
  return system.spawn<Supervisor>(std::move(spec));
}

}  // namespace raya::actors
