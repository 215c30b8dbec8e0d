// Module: a compiled Raya program in memory — what the code generator
// produces, what .ryb bytes encode, what the verifier checks and what a
// context loads. It is plain, immutable-after-verification data with no heap
// Values in it, so one verified Module can be shared by many contexts; each
// context materialises its constants and globals in its own heap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vmcore/bytecode/opcodes.hpp"

namespace raya::vm {

/// A constant: a number or a string (UTF-16 code units, as Raya strings are).
struct Constant {
  enum class Kind : uint8_t { Number = 0, String = 1 };
  Kind kind = Kind::Number;
  double number = 0;
  std::u16string string;

  static Constant of_number(double d) { return {Kind::Number, d, {}}; }
  static Constant of_string(std::u16string s) { return {Kind::String, 0, std::move(s)}; }
  friend bool operator==(const Constant&, const Constant&) = default;
};

/// Where a closure's captured cell comes from when the Closure op runs.
struct Capture {
  enum class From : uint8_t { ParentRegister = 0, ParentUpvalue = 1 };
  From from = From::ParentRegister;
  uint16_t index = 0;  // register of the enclosing frame, or its upvalue index
  friend bool operator==(const Capture&, const Capture&) = default;
};

/// try/catch: a throw while pc is in [start_pc, end_pc) jumps to handler_pc
/// with the thrown value in register exception_register. Inner handlers come
/// first in the table.
struct Handler {
  uint32_t start_pc = 0;
  uint32_t end_pc = 0;
  uint32_t handler_pc = 0;
  uint16_t exception_register = 0;
  friend bool operator==(const Handler&, const Handler&) = default;
};

/// Instructions from `pc` on come from source line `line`, column `column`.
struct LineEntry {
  uint32_t pc = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const LineEntry&, const LineEntry&) = default;
};

/// The source text of the expression an instruction at `pc` works on (the
/// callee of a call, the object of a property access), for error messages
/// such as "settings.network is undefined". `name` is a string constant.
struct ExprName {
  uint32_t pc = 0;
  uint32_t name = 0;
  friend bool operator==(const ExprName&, const ExprName&) = default;
};

enum FunctionFlags : uint16_t {
  kFunctionHasRest = 1 << 0,          // last parameter is ...rest
  kFunctionIsArrow = 1 << 1,          // arrow function (no own this; cannot be new'd)
  kFunctionIsClassCtor = 1 << 2,      // a class constructor (callable only with new)
  kFunctionIsDerivedCtor = 1 << 3,    // constructor of a class with extends
  kFunctionIsAsync = 1 << 4,          // async function (tasks: next issue)
  kFunctionIsModuleInit = 1 << 5,     // a source file's top-level code
  kFunctionIsMethod = 1 << 6,         // class/object method (has a home object)
};

struct FunctionProto {
  std::string name;              // for stack traces; "" for anonymous
  uint16_t param_count = 0;      // declared parameters, not counting this or ...rest
  uint16_t register_count = 1;   // frame size; r0 is this, r1.. the parameters
  uint16_t flags = 0;
  uint32_t file = 0;             // index into Module::files
  uint32_t line = 0;             // where the function is declared
  uint32_t column = 0;
  std::vector<Instr> code;
  std::vector<Capture> captures;
  std::vector<uint32_t> ic_names;  // constant index (a string) for each inline cache
  std::vector<Handler> handlers;
  std::vector<LineEntry> lines;    // sorted by pc
  std::vector<ExprName> expr_names;  // sorted by pc, at most one per pc

  bool has(FunctionFlags f) const { return (flags & f) != 0; }
  friend bool operator==(const FunctionProto&, const FunctionProto&) = default;
};

enum GlobalFlags : uint8_t {
  kGlobalConst = 1 << 0,
};

/// A module-level binding (top-level let/const/function/class of any file).
struct Global {
  std::string name;  // qualified for humans: "lib.raya:helper"
  uint8_t flags = 0;
  friend bool operator==(const Global&, const Global&) = default;
};

/// A binding the entry file exports (the host can call exported functions).
struct Export {
  std::string name;
  uint32_t global = 0;
  friend bool operator==(const Export&, const Export&) = default;
};

struct Module {
  std::vector<std::string> files;            // source file names, for traces
  std::vector<Constant> constants;
  std::vector<FunctionProto> functions;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::vector<std::string> builtin_imports;  // names of VM builtins (Math, console, ...)
  std::vector<std::string> host_imports;     // capability names imported from "host:"
  uint32_t entry_function = 0;               // runs the top-level code of every file

  friend bool operator==(const Module&, const Module&) = default;
};

}  // namespace raya::vm
