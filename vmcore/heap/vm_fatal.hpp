// VmFatal: the one C++ exception inside vmcore. It is thrown only for
// conditions that end the whole context (heap limit, internal corruption) and
// is caught at the Context::run boundary, so it never crosses the vmcore API.
// Everything a Raya program can catch travels as a Raya value instead.
#pragma once

#include <string>

#include "messages/error.hpp"

namespace raya::vm {

/// A RangeError raised deep inside the runtime, where no pending exception
/// can be set (a prototype chain too deep, found while allocating). Caught
/// where a native is called and turned into a catchable Raya RangeError;
/// anywhere else (outside a native call) it ends the context with that
/// message. Thrown before anything is changed.
struct VmRangeError {
  std::string message;
};

struct VmFatal {
  messages::ErrorCode code;
  std::string message;
  uint64_t limit = 0;
  uint64_t used = 0;
};

}  // namespace raya::vm
