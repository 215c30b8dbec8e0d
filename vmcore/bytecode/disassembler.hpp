// A readable listing of a Module (`raya disasm`, test failure output, the
// instruction trace). Operands are rendered by the kinds opcodes.def gives
// them, with the names they refer to alongside.
#pragma once

#include <string>

#include "vmcore/bytecode/module.hpp"

namespace raya::vm {

/// The whole module: files, globals, exports, imports, entry, constants, then
/// each function (flags, parameters, registers, captures, inline caches,
/// handlers, and one line per instruction: pc, source line, opcode,
/// operands). Safe on modules that have not been verified: out-of-range
/// indices and invalid opcodes are shown as such, never dereferenced.
std::string disassemble(const Module& module);

/// One instruction of function `function_index`, as it appears in the
/// listing without the pc and line columns: "Call r3, 2", "Jmp ->17".
/// `pc` is needed to turn relative jumps into absolute targets.
std::string disassemble_instruction(const Module& module, uint32_t function_index, uint32_t pc);

}  // namespace raya::vm
