// Structural verification of a Module before any of it runs (DESIGN.md
// "Bytecode"): every index in range, every register inside its frame, every
// jump on an instruction, no fall-through off the end, operand kinds as
// opcodes.def declares them. It checks what the interpreter relies on
// without re-checking, not what the program means: types, initialisation
// order and granted capabilities are checked elsewhere (at run time, and by
// the context when it loads the module).
#pragma once

#include <cstdint>
#include <span>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/result.hpp"

namespace raya::vm {

/// Largest frame a function may declare: nearly the 16-bit register operand's
/// range, so generated code with thousands of locals per function loads. A
/// hostile module cannot inflate a task with it: the register stack grows
/// only as frames are entered and is charged to the heap budget (512 KiB for
/// a full frame), and call depth is capped.
inline constexpr uint32_t kMaxFrameRegisters = 65000;

/// Every FunctionFlags / GlobalFlags bit this VM knows; others are rejected.
inline constexpr uint16_t kKnownFunctionFlags = kFunctionHasRest | kFunctionIsArrow | kFunctionIsClassCtor |
                                                kFunctionIsDerivedCtor | kFunctionIsAsync | kFunctionIsModuleInit |
                                                kFunctionIsMethod;
inline constexpr uint8_t kKnownGlobalFlags = kGlobalConst;

/// Checks `module` against every rule the interpreter relies on. On failure
/// the error is a VerifyError whose message says where ("function 3 (fib),
/// pc 7: ...", "export 1 (main): ...") and whose `offset` is that pc, or 0
/// when the failure is not about one instruction.
Status verify_module(const Module& module);

/// decode_module + verify_module: the only way bytes should become a Module
/// that runs. Every error is a VerifyError whose `offset` is a byte offset
/// in `bytes` (for a verifier failure, the offending instruction word, or the
/// function record or section it concerns).
Result<Module> load_module(std::span<const uint8_t> bytes);

namespace detail {

/// Where a verifier failure is, in module terms (for load_module's byte
/// offsets): a section, optionally one function of it, optionally one pc.
struct VerifySite {
  ryb::SectionKind section = ryb::SectionKind::Entry;
  int64_t function = -1;
  int64_t pc = -1;
};

Status verify_module(const Module& module, VerifySite* site);

}  // namespace detail
}  // namespace raya::vm
