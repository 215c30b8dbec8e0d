// Module -> .ryb bytes (layout in ryb_format.hpp). The encoder does not
// verify: it writes whatever Module it is given, so a code generator bug shows
// up as a VerifyError when the bytes are loaded, not as a crash here.
#pragma once

#include <cstdint>
#include <vector>

#include "vmcore/bytecode/module.hpp"

namespace raya::vm {

/// Encodes `module` as .ryb bytes. Deterministic: equal modules (bit-equal
/// numbers) give equal bytes. Every size must fit its field (u32 counts and
/// lengths); a Module from the compiler always does.
std::vector<uint8_t> encode_module(const Module& module);

/// Rewrites the trailing 8-byte checksum to match the bytes before it, so
/// tests (and tools that patch bytes) can get past the checksum to the
/// structural checks. Does nothing to buffers shorter than 8 bytes.
void reseal_checksum(std::vector<uint8_t>& bytes);

}  // namespace raya::vm
