// The context actor's host side: capability calls (with per-context quotas
// and timeouts) and timers. Every answer comes back as a message to the
// context, so a capability never runs Raya code and never blocks it.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>

#include <caf/send.hpp>

#include "actors/context_actor_impl.hpp"

namespace raya::actors {

using messages::ErrorCode;
using messages::make_error;

namespace {

messages::Error capability_failed(const std::string& name, const std::string& why) {
  return make_error(ErrorCode::CapabilityFailed, "capability '" + name + "' failed: " + why);
}

/// Sends an async capability's answer to its context, once. If the host
/// drops the Reply without answering, the call fails instead of hanging.
/// It holds the context weakly: a Reply the host keeps after the context
/// ended must not keep the ended actor alive.
class ReplyOnce {
 public:
  ReplyOnce(const context_actor& context, uint64_t id, uint64_t token, std::string name)
      : context_(context.address()), id_(id), token_(token), name_(std::move(name)) {}
  ~ReplyOnce() {
    if (!answered_.exchange(true))
      send(messages::CapabilityResult::failure(capability_failed(name_, "the host dropped the call without answering")));
  }
  void operator()(messages::CapabilityResult result) {
    if (answered_.exchange(true)) return;  // a second answer is ignored
    send(std::move(result));
  }

 private:
  void send(messages::CapabilityResult result) {
    if (auto context = caf::actor_cast<context_actor>(context_))
      caf::anon_send(context, reply_atom::value, id_, token_, std::move(result));
  }
  caf::actor_addr context_;
  uint64_t id_;
  uint64_t token_;
  std::string name_;
  std::atomic<bool> answered_{false};
};

}  // namespace

void ContextActor::dispatch(vm::HostRequest& request) {
  if (request.kind == vm::HostRequest::Kind::Timer) {
    // A timer stays in CAF's clock until it fires, even if its sleeper was
    // cancelled, so a program that starts and cancels sleepers in a loop
    // would grow the host without bound: at most maxTasks timers pend per
    // context (a live sleeper is a live task, so honest programs never
    // notice); beyond that the sleep fails with a catchable QuotaExceeded.
    if (pending_timers_ >= spec_.options.max_tasks) {
      (void)vm_->fail(request.id, make_error(ErrorCode::QuotaExceeded,
                                             "too many pending timers (" + std::to_string(pending_timers_) +
                                                 "; cancelled sleeps keep theirs until they are due)"));
      answered_in_slice_ = true;
      return;
    }
    ++pending_timers_;
    pending_.emplace(request.id, Pending{});
    schedule_due(request.id, true, request.delay_ms);
    return;
  }
  call_capability(request);
}

caf::actor_clock::time_point ContextActor::schedule_due(uint64_t id, bool sleep, uint64_t delay_ms) {
  // A century is "never", and clamping the milliseconds before they become
  // the clock's int64 nanoseconds keeps sleep(1e15) from overflowing.
  constexpr uint64_t kNeverMs = 100ull * 365 * 24 * 3600 * 1000;
  const caf::actor_clock::time_point at =
      home_system().clock().now() + std::chrono::milliseconds(std::min(delay_ms, kNeverMs));
  dues_.emplace(at, id, sleep);
  arm_clock();
  return at;
}

void ContextActor::arm_clock() {
  if (dues_.empty()) return;
  const caf::actor_clock::time_point soonest = std::get<0>(*dues_.begin());
  if (soonest >= armed_) return;  // fires earlier anyway, and re-arms then
  armed_ = soonest;
  home_system().clock().set_ordinary_timeout(soonest, this, timer_atom::value, 0);
}

void ContextActor::on_due() {
  armed_ = caf::actor_clock::time_point::max();
  const caf::actor_clock::time_point now = home_system().clock().now();
  while (!ended_ && !dues_.empty() && std::get<0>(*dues_.begin()) <= now) {
    const auto [at, id, sleep] = *dues_.begin();
    dues_.erase(dues_.begin());
    if (sleep)
      on_timer(id);
    else
      expire(id);
  }
  if (!ended_) arm_clock();
}

void ContextActor::on_timer(uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end() || ended_) return;
  pending_.erase(it);
  if (pending_timers_ > 0) --pending_timers_;
  (void)vm_->complete(id, messages::Value());  // a cancelled sleeper's timer finds nothing
  if (const messages::Error* fatal = vm_->fatal()) return end(*fatal, true);
  run_soon();
}

std::optional<messages::Error> ContextActor::admit(const CapabilityRegistry::Entry& entry, Usage& usage) {
  const CapabilityLimits& limits = entry.limits;
  if (limits.max_concurrent != 0 && usage.in_flight >= limits.max_concurrent) {
    messages::Error e = make_error(ErrorCode::QuotaExceeded,
                                   "capability '" + entry.name + "': at most " +
                                       std::to_string(limits.max_concurrent) + " calls at once per context");
    e.limit = limits.max_concurrent;
    e.used = usage.in_flight + 1;
    return e;
  }
  if (limits.calls_per_second > 0) {
    // Token bucket: `burst` calls at once, refilled at the sustained rate.
    double burst = limits.burst != 0 ? limits.burst : std::max(1.0, limits.calls_per_second);
    auto now = std::chrono::steady_clock::now();
    if (usage.tokens < 0) {
      usage.tokens = burst;
    } else {
      double seconds = std::chrono::duration<double>(now - usage.refilled).count();
      usage.tokens = std::min(burst, usage.tokens + seconds * limits.calls_per_second);
    }
    usage.refilled = now;
    if (usage.tokens < 1.0) {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%g", limits.calls_per_second);
      return make_error(ErrorCode::QuotaExceeded,
                        "capability '" + entry.name + "': more than " + rate + " calls per second");
    }
    usage.tokens -= 1.0;
  }
  return std::nullopt;
}

void ContextActor::call_capability(vm::HostRequest& request) {
  std::shared_ptr<const CapabilityRegistry::Entry> entry =
      spec_.capabilities ? spec_.capabilities->find(request.capability) : nullptr;
  if (!entry) {
    // Granted and registered at load, removed from the registry since.
    (void)vm_->fail(request.id, make_error(ErrorCode::CapabilityDenied,
                                           "capability '" + request.capability + "' is no longer registered"));
    answered_in_slice_ = true;
    return;
  }
  Usage& usage = usage_[entry->name];
  if (std::optional<messages::Error> refusal = admit(*entry, usage)) {
    (void)vm_->fail(request.id, *refusal);
    answered_in_slice_ = true;
    return;
  }
  ++usage.in_flight;
  const uint64_t token = next_token();
  pending_.emplace(request.id, Pending{entry->name, entry->limits.timeout, {}, token, false});
  // A synchronous Function answers before any deadline could pass.
  if (entry->limits.timeout.count() > 0 && entry->kind != CapabilityRegistry::Entry::Kind::Function)
    pending_[request.id].due = schedule_due(request.id, false, uint64_t(entry->limits.timeout.count()));

  messages::CapabilityCall call;
  call.context_id = spec_.context_id;
  call.request_id = request.id;
  call.task_id = request.task_id;
  call.capability = entry->name;
  if (request.args.is_array()) call.args = std::move(request.args.as_array());

  const uint64_t id = request.id;
  switch (entry->kind) {
    case CapabilityRegistry::Entry::Kind::Function: {
      messages::CapabilityResult result;
      try {
        result = messages::CapabilityResult::success(entry->function(call));
      } catch (const CapabilityError& e) {
        result = messages::CapabilityResult::failure(e.error());
      } catch (const std::exception& e) {
        result = messages::CapabilityResult::failure(capability_failed(entry->name, e.what()));
      } catch (...) {
        result = messages::CapabilityResult::failure(capability_failed(entry->name, "unknown exception"));
      }
      answer(id, std::move(result));
      return;
    }
    case CapabilityRegistry::Entry::Kind::AsyncFunction: {
      auto once = std::make_shared<ReplyOnce>(caf::actor_cast<context_actor>(this), id, token, entry->name);
      CapabilityRegistry::Reply reply = [once](messages::CapabilityResult r) { (*once)(std::move(r)); };
      try {
        entry->async_function(call, std::move(reply));
      } catch (const CapabilityError& e) {
        (*once)(messages::CapabilityResult::failure(e.error()));
      } catch (const std::exception& e) {
        (*once)(messages::CapabilityResult::failure(capability_failed(entry->name, e.what())));
      } catch (...) {
        (*once)(messages::CapabilityResult::failure(capability_failed(entry->name, "unknown exception")));
      }
      return;
    }
    case CapabilityRegistry::Entry::Kind::Actor: {
      // CAF sends nothing to a requester when the receiver dies holding
      // the request: watch the actor, so such a call fails instead of
      // waiting forever.
      caf::actor_addr addr = entry->actor.address();
      pending_[id].actor = addr;
      if (monitored_.insert(addr).second) monitor(entry->actor);
      std::string name = entry->name;
      this->request(entry->actor, caf::infinite, call_atom::value, std::move(call))
          .then([this, id](const messages::CapabilityResult& r) { answer(id, r); },
                [this, id, name](caf::error& err) {
                  answer(id, messages::CapabilityResult::failure(
                                 capability_failed(name, home_system().render(err))));
                });
      return;
    }
  }
}

void ContextActor::on_capability_down(const caf::down_msg& down) {
  monitored_.erase(down.source);
  std::vector<std::pair<uint64_t, std::string>> calls;
  for (const auto& [id, p] : pending_)
    if (p.actor == down.source) calls.emplace_back(id, p.capability);
  for (auto& [id, name] : calls)
    answer(id, messages::CapabilityResult::failure(capability_failed(
                   name, "its actor stopped before answering (" + home_system().render(down.reason) + ")")));
}

void ContextActor::expire(uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second.timed_out || ended_) return;  // answered in time
  it->second.timed_out = true;
  (void)vm_->fail(id, make_error(ErrorCode::Timeout, "capability '" + it->second.capability +
                                                         "' did not answer within " +
                                                         std::to_string(it->second.timeout.count()) + " ms"));
  if (const messages::Error* fatal = vm_->fatal()) return end(*fatal, true);
  run_soon();
}

void ContextActor::answer(uint64_t id, messages::CapabilityResult result) {
  auto it = pending_.find(id);
  if (it == pending_.end() || ended_) return;  // withdrawn, or the context ended
  if (Usage* usage = usage_.count(it->second.capability) ? &usage_[it->second.capability] : nullptr)
    if (usage->in_flight > 0) --usage->in_flight;
  const bool timed_out = it->second.timed_out;
  if (it->second.due != caf::actor_clock::time_point::max()) dues_.erase(Due{it->second.due, id, false});
  pending_.erase(it);
  if (timed_out) return;  // the task already has its Timeout; the slot is free now
  if (result.ok) {
    (void)vm_->complete(id, result.value);
  } else {
    if (result.error.code == ErrorCode::None) result.error.code = ErrorCode::CapabilityFailed;
    (void)vm_->fail(id, result.error);
  }
  if (const messages::Error* fatal = vm_->fatal()) return end(*fatal, true);
  // During a slice's dispatch, run_slice schedules the next slice itself;
  // from a handler of its own (a reply, a timeout), run the woken task now.
  if (in_dispatch_) answered_in_slice_ = true;
  else run_soon();
}

}  // namespace raya::actors
