// HostRequest: something a blocked task needs from the embedding. vmcore
// never blocks and never reads a clock: a task that calls a `host:`
// capability, or sleeps, stops with a request; the embedding takes the
// request (Context::take_host_requests), does the work — calls the
// capability, waits for the timer — and completes it by id
// (Context::complete_host_request). The task then resumes with the result,
// or throws the error, at the call that made the request.
#pragma once

#include <cstdint>
#include <string>

#include "messages/value.hpp"

namespace raya::vm {

struct HostRequest {
  enum class Kind : uint8_t {
    Call,   // a `host:` capability call
    Timer,  // sleep(ms): complete it after delay_ms (the value is ignored)
  };
  uint64_t id = 0;  // unique within the context; pass it back to complete
  Kind kind = Kind::Call;
  uint64_t task_id = 0;    // the blocked task
  std::string capability;  // Call: the capability's name (`import { log } from "host:"` -> "log")
  messages::Value args;    // Call: the arguments, an array
  uint64_t delay_ms = 0;   // Timer
};

}  // namespace raya::vm
