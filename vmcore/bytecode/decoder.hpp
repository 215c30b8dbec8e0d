// .ryb bytes -> Module. The decoder checks the *encoding* (magic, version,
// checksum, section table, every count and length against the bytes that
// are really there) and nothing about meaning: a decoded Module must still
// pass verify_module (verifier.hpp) before it runs. load_module does both.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/result.hpp"

namespace raya::vm {

/// Decodes .ryb bytes. Never trusts them: truncation, bad magic, an unknown
/// format version, a checksum mismatch, a malformed section table (unknown,
/// duplicate, missing, overlapping sections or gaps between them) and any
/// count or length that exceeds the bytes left give a VerifyError whose
/// `offset` is the byte offset of the offending field. Memory use is bounded
/// by a small constant times the input size, whatever the bytes claim.
Result<Module> decode_module(std::span<const uint8_t> bytes);

namespace detail {

/// Where the parts of a module were found in its bytes, so that a verifier
/// failure on a decoded module can be reported at a byte offset.
struct RybLayout {
  std::array<uint32_t, ryb::kSectionKindCount> section_offsets{};  // by kind - 1
  std::vector<uint32_t> function_offsets;                          // start of each function record
  std::vector<uint32_t> code_offsets;                              // first instruction of each function
};

Result<Module> decode_module(std::span<const uint8_t> bytes, RybLayout* layout);

}  // namespace detail
}  // namespace raya::vm
