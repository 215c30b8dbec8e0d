// HostLoop: the `raya` command's single-threaded host for one context. It
// runs the context in slices, answers its host requests — timers for
// sleep() with a real clock; the command grants no `host:` capabilities,
// so calls cannot arrive — and waits (really sleeps) when every task is
// blocked on a timer. The actor runtime does the same with messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "vmcore/interp/context.hpp"

namespace raya::cli {

class HostLoop {
 public:
  using Clock = std::chrono::steady_clock;

  HostLoop(vm::Context& ctx, std::optional<Clock::time_point> deadline) : ctx_(ctx), deadline_(deadline) {}

  enum class Outcome { Idle, Fatal, Timeout };
  /// Runs until no task can run and no timer is pending (Idle), the context
  /// ends (Fatal: see Context::fatal), or the deadline passes (Timeout).
  Outcome run_until_idle();

 private:
  struct Timer {
    Clock::time_point due;
    uint64_t sequence;  // timers due at the same time fire in request order
    uint64_t request;
    bool operator>(const Timer& o) const { return due != o.due ? due > o.due : sequence > o.sequence; }
  };
  void take_requests();
  /// Fires the timers that are due; returns how many fired.
  size_t fire_due_timers();

  vm::Context& ctx_;
  std::optional<Clock::time_point> deadline_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  uint64_t next_sequence_ = 0;
};

}  // namespace raya::cli
