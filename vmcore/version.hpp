// Version of the vmcore library and of the .ryb format it reads and writes.
#pragma once

#include <cstdint>

namespace raya::vm {

inline constexpr const char* kVersionString = "0.1.0";
/// Bumped whenever the .ryb encoding or the instruction set changes.
inline constexpr uint16_t kRybFormatVersion = 1;

const char* version_string();

}  // namespace raya::vm
