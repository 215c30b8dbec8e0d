// Interrupt: the one thing another thread may do to a running context —
// ask it to stop. A context is single-threaded; an embedding that wants to
// end it from elsewhere (a host's timeout, Sandbox::terminate while a slice
// is busy in long work) sets this flag, and the running slice ends within
// one poll (Context::kPollSteps steps of work, about a millisecond) with
// the reason's error, as V8's TerminateExecution ends a script.
//
// Shared (std::shared_ptr) between the context and whoever may interrupt
// it, so it stays valid after either is gone. Once set it stays set: the
// context it was made for is over.
#pragma once

#include <atomic>
#include <cstdint>

namespace raya::vm {

enum class InterruptReason : uint8_t {
  None = 0,
  Terminate,  // ends the context with Terminated
  Timeout,    // ends the context with Timeout (a host's wall-clock deadline)
};

class Interrupt {
 public:
  /// Asks the context to stop. Thread-safe; the first reason wins.
  void request(InterruptReason reason) {
    uint8_t none = 0;
    reason_.compare_exchange_strong(none, uint8_t(reason), std::memory_order_relaxed);
  }
  /// What was asked, if anything. A relaxed load: the context polls it.
  InterruptReason pending() const { return InterruptReason(reason_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<uint8_t> reason_{0};
};

}  // namespace raya::vm
