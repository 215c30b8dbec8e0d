// A sandbox's call of a host capability (`import { f } from "host:"`) as the
// host receives it, and the host's answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/error.hpp"
#include "messages/value.hpp"

namespace raya::messages {

struct CapabilityCall {
  uint64_t context_id = 0;   // the calling context
  uint64_t request_id = 0;   // unique within that context
  uint64_t task_id = 0;      // the calling Raya task (suspended until answered)
  std::string capability;    // the imported name
  std::vector<Value> args;   // deep copies of the arguments

  friend bool operator==(const CapabilityCall&, const CapabilityCall&) = default;
};

/// The host's answer: a value, or an error the calling task throws (a
/// catchable Raya error named after error.code; CapabilityFailed when the
/// code is None).
struct CapabilityResult {
  bool ok = false;
  Value value;
  Error error;

  static CapabilityResult success(Value v) {
    CapabilityResult r;
    r.ok = true;
    r.value = std::move(v);
    return r;
  }
  static CapabilityResult failure(Error e) {
    CapabilityResult r;
    r.error = std::move(e);
    return r;
  }

  friend bool operator==(const CapabilityResult&, const CapabilityResult&) = default;
};

}  // namespace raya::messages
