// Opcode enum, instruction encoding helpers and per-opcode operand kinds,
// all generated from opcodes.def (the single specification of the ISA).
#pragma once

#include <cstdint>
#include <string_view>

namespace raya::vm {

/// One instruction: op (bits 0-15) | a (16-31) | b (32-47) | c (48-63).
using Instr = uint64_t;

enum class Opcode : uint16_t {
#define RAYA_OP(name, a, b, c, doc) name,
#include "opcodes.def"
#undef RAYA_OP
  Count_
};

inline constexpr int kOpcodeCount = static_cast<int>(Opcode::Count_);

/// How an operand field is interpreted (see opcodes.def for the letters).
enum class OperandKind : uint8_t {
  Unused,      // _
  Register,    // R
  CallWindow,  // S
  Constant,    // K
  Function,    // F
  Cache,       // C
  Global,      // G
  Upvalue,     // U
  Builtin,     // B
  Imm,         // I
  Count,       // N
  Jump16,      // J
  Jump32,      // L (occupies b and c)
  Constant32,  // W: a constant index occupying b and c (LoadKW, for indexes past 65535)
};

struct OpcodeInfo {
  std::string_view name;
  OperandKind a, b, c;
  std::string_view doc;
};

namespace detail {
inline constexpr OperandKind kind_of(char k) {
  switch (k) {
    case 'R': return OperandKind::Register;
    case 'S': return OperandKind::CallWindow;
    case 'K': return OperandKind::Constant;
    case 'F': return OperandKind::Function;
    case 'C': return OperandKind::Cache;
    case 'G': return OperandKind::Global;
    case 'U': return OperandKind::Upvalue;
    case 'B': return OperandKind::Builtin;
    case 'I': return OperandKind::Imm;
    case 'N': return OperandKind::Count;
    case 'J': return OperandKind::Jump16;
    case 'L': return OperandKind::Jump32;
    case 'W': return OperandKind::Constant32;
    default: return OperandKind::Unused;
  }
}
}  // namespace detail

inline constexpr OpcodeInfo kOpcodeInfo[] = {
#define RAYA_OP(name, a, b, c, doc) \
  {#name, detail::kind_of(#a[0]), detail::kind_of(#b[0]), detail::kind_of(#c[0]), doc},
#include "opcodes.def"
#undef RAYA_OP
};

inline constexpr const OpcodeInfo& opcode_info(Opcode op) { return kOpcodeInfo[static_cast<int>(op)]; }

// --- encoding ---
inline constexpr Instr encode(Opcode op, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0) {
  return Instr(uint16_t(op)) | (Instr(a) << 16) | (Instr(b) << 32) | (Instr(c) << 48);
}
/// An instruction whose b and c fields hold one signed 32-bit value (L operands).
inline constexpr Instr encode_long(Opcode op, uint16_t a, int32_t bc) {
  return Instr(uint16_t(op)) | (Instr(a) << 16) | (Instr(uint32_t(bc)) << 32);
}

inline constexpr uint16_t op_bits(Instr i) { return uint16_t(i); }
inline constexpr Opcode op_of(Instr i) { return Opcode(uint16_t(i)); }
inline constexpr uint16_t arg_a(Instr i) { return uint16_t(i >> 16); }
inline constexpr uint16_t arg_b(Instr i) { return uint16_t(i >> 32); }
inline constexpr uint16_t arg_c(Instr i) { return uint16_t(i >> 48); }
inline constexpr int16_t arg_sb(Instr i) { return int16_t(uint16_t(i >> 32)); }
inline constexpr int16_t arg_sc(Instr i) { return int16_t(uint16_t(i >> 48)); }
inline constexpr int32_t arg_sbc(Instr i) { return int32_t(uint32_t(i >> 32)); }

}  // namespace raya::vm
