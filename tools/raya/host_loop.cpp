#include "tools/raya/host_loop.hpp"

#include <thread>

namespace raya::cli {

namespace {

constexpr uint64_t kSliceSteps = 1u << 20;

}  // namespace

void HostLoop::take_requests() {
  for (vm::HostRequest& r : ctx_.take_host_requests()) {
    if (r.kind == vm::HostRequest::Kind::Timer) {
      timers_.push(Timer{Clock::now() + std::chrono::milliseconds(r.delay_ms), next_sequence_++, r.id});
    } else {
      // Unreachable while the command grants no host: capabilities (load
      // refuses the import); answer rather than leave the task hanging.
      (void)ctx_.fail_host_request(r.id, messages::make_error(messages::ErrorCode::CapabilityFailed,
                                                        "the raya command provides no capability '" + r.capability + "'"));
    }
  }
}

size_t HostLoop::fire_due_timers() {
  auto now = Clock::now();
  size_t fired = 0;
  while (!timers_.empty() && timers_.top().due <= now) {
    ++fired;
    // A timer of a cancelled task is no longer pending: completing it
    // reports an unknown id, which is fine to ignore.
    (void)ctx_.complete_host_request(timers_.top().request, messages::Value());
    timers_.pop();
  }
  return fired;
}

HostLoop::Outcome HostLoop::run_until_idle() {
  for (;;) {
    vm::RunOutcome r = ctx_.run(kSliceSteps);
    if (r.kind == vm::RunOutcome::Kind::Fatal) return Outcome::Fatal;
    take_requests();
    size_t fired = fire_due_timers();
    if (deadline_ && Clock::now() >= *deadline_) return Outcome::Timeout;
    if (r.kind == vm::RunOutcome::Kind::Yielded || fired > 0) continue;  // tasks are ready
    if (ctx_.pending_host_requests() == 0) {
      if (r.kind == vm::RunOutcome::Kind::Done) return Outcome::Idle;
      continue;  // a timer fired above: its task is ready
    }
    // Every task waits: sleep until the next timer (or the deadline).
    if (timers_.empty()) return Outcome::Idle;  // cannot happen: only timers are pending
    auto wake = timers_.top().due;
    if (deadline_ && *deadline_ < wake) wake = *deadline_;
    std::this_thread::sleep_until(wake);
    fire_due_timers();
  }
}

}  // namespace raya::cli
