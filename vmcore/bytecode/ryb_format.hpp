// The .ryb byte layout: what encoder.cpp writes and decoder.cpp reads. The
// decoder trusts none of it; everything here is checked before use.
//
// All integers are little-endian. A string ("str") is a u32 byte length
// followed by that many bytes (UTF-8 by convention; the verifier checks it).
//
//   offset  size        field
//   0       4           magic "RAYB"
//   4       2           format version (kRybFormatVersion)
//   6       2           header flags, must be 0
//   8       4           section count n (at most kSectionKindCount)
//   12      12 * n      section table: { u32 kind, u32 offset, u32 length }
//   ...                 section payloads (offsets are from the file start)
//   size-8  8           checksum: FNV-1a 64 of every byte before it
//
// The payloads must tile [12 + 12n, size - 8) exactly: no gaps, no overlaps,
// each kind exactly once, no unknown kind. The encoder writes them in kind
// order, so one Module always gives the same bytes. Each payload must be
// consumed exactly by its parser (trailing bytes are an error).
//
// Sections (every count is a u32 and is checked against the bytes left
// before anything is allocated):
//   Files          count, str * count
//   Constants      count, then per constant a tag byte:
//                    0 Number   f64 as its raw IEEE-754 bits (u64)
//                    1 Latin-1  u32 unit count, one byte per UTF-16 unit
//                    2 UTF-16   u32 unit count, two bytes (LE) per unit
//                  The encoder uses Latin-1 when every unit is <= 0xFF; the
//                  decoder accepts either form.
//   Functions      count, then per function:
//                    str name, u16 param_count, u16 register_count,
//                    u16 flags, u32 file, u32 line, u32 column,
//                    u32 n, n * u64 instructions (Instr words),
//                    u32 n, n * { u8 from (0 register, 1 upvalue), u16 index },
//                    u32 n, n * u32 ic name constant,
//                    u32 n, n * { u32 start, u32 end, u32 handler, u16 register },
//                    u32 n, n * { u32 pc, u32 line, u32 column }
//   Globals        count, count * { str name, u8 flags }
//   Exports        count, count * { str name, u32 global }
//   BuiltinImports count, str * count
//   HostImports    count, str * count
//   Entry          u32 entry function index
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace raya::vm::ryb {

inline constexpr uint8_t kMagic[4] = {'R', 'A', 'Y', 'B'};

inline constexpr size_t kHeaderBytes = 12;        // magic, version, flags, section count
inline constexpr size_t kSectionEntryBytes = 12;  // kind, offset, length
inline constexpr size_t kChecksumBytes = 8;

enum class SectionKind : uint32_t {
  Files = 1,
  Constants = 2,
  Functions = 3,
  Globals = 4,
  Exports = 5,
  BuiltinImports = 6,
  HostImports = 7,
  Entry = 8,
};
inline constexpr uint32_t kFirstSectionKind = 1;
inline constexpr uint32_t kSectionKindCount = 8;

inline constexpr std::string_view section_name(SectionKind kind) {
  switch (kind) {
    case SectionKind::Files: return "Files";
    case SectionKind::Constants: return "Constants";
    case SectionKind::Functions: return "Functions";
    case SectionKind::Globals: return "Globals";
    case SectionKind::Exports: return "Exports";
    case SectionKind::BuiltinImports: return "BuiltinImports";
    case SectionKind::HostImports: return "HostImports";
    case SectionKind::Entry: return "Entry";
  }
  return "?";
}

enum class ConstantTag : uint8_t { Number = 0, Latin1 = 1, Utf16 = 2 };

/// FNV-1a 64: tiny, dependency-free and good enough to catch corruption.
/// It is not a defence against forgery; verification is.
inline constexpr uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace raya::vm::ryb
