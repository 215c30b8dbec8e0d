// One context as a supervisor reports it: identity, state, counters, and why
// it ended (if it did).
#pragma once

#include <cstdint>
#include <string>

#include "messages/error.hpp"
#include "messages/vm_options.hpp"

namespace raya::messages {

struct ContextReport {
  enum class State : uint8_t {
    Running = 0,     // alive (busy or idle)
    Terminated = 1,  // ended by request
    Failed = 2,      // ended by a limit violation or a crash (see error)
  };
  uint64_t context_id = 0;
  std::string name;
  State state = State::Running;
  uint32_t restarts = 0;  // fresh restarts so far
  VmStats stats;          // the latest counters (final ones once ended)
  Error error;            // Failed: what ended it

  friend bool operator==(const ContextReport&, const ContextReport&) = default;
};

}  // namespace raya::messages
