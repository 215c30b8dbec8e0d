// The disassembler: a golden listing, operand rendering by kind, and
// robustness on modules that have not been verified.
#include "vmcore/bytecode/disassembler.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <limits>

#include "tests/vmcore/bytecode/module_builder.hpp"

namespace raya::vm {
namespace {

using testing::FunctionBuilder;
using testing::ModuleBuilder;

::testing::AssertionResult has_line(const std::string& listing, std::string_view line) {
  if (listing.find(std::string(line) + "\n") != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no line \"" << line << "\" in:\n" << listing;
}

Module main_with(uint16_t registers, std::initializer_list<Instr> code) {
  ModuleBuilder b;
  FunctionBuilder f = b.function("main", 0, registers, kFunctionIsModuleInit);
  f.proto().code = code;
  return b.build();
}

TEST(Disasm, PrintsTheGoldenListingOfTheObjectSample) {
  EXPECT_EQ(disassemble(testing::object_module()), R"(; .ryb module: 2 functions, 6 constants
files:
  0  main.raya
  1  lib.raya
globals:
  g0  lib.raya:obj  const
exports:
  obj -> g0 (lib.raya:obj)
builtin imports:
  b0  Math
  b1  console
host imports:
  h0  log
entry: f0 <main>
constants:
  k0  string "x"
  k1  string "héllo"
  k2  string "日本"
  k3  string "log"
  k4  number 1.5
  k5  string "abs"

function f0 <main>  main.raya:1:1  [module-init]
  params 0, registers 6
  inline caches: ic0 = k0 "x", ic1 = k5 "abs", ic2 = k3 "log"
  handler [4, 9) ->9, exception in r5
  code (13 instructions):
      0  L1     NewObject      r1
      1  L1     LoadK          r2, k4 (1.5)
      2  L1     SetProp        r1, ic0 (.x), r2
      3  L1     SetGlobal      r1, g0 (lib.raya:obj), 0
      4  L2     LoadUndef      r2
      5  L2     GetBuiltin     r3, builtin Math
      6  L2     LoadK          r4, k2 ("日本")
      7  L2     CallMethod     r2, 1, ic1 (.abs)
      8  L2     Throw          r2
      9  L3     GetBuiltin     r3, builtin console
     10  L3     Mov            r4, r5
     11  L3     CallMethod     r2, 1, ic2 (.log)
     12  L3     ReturnUndef

function f1 <helper>  lib.raya:2:1  [rest]
  params 1, registers 3
  code (2 instructions):
      0         LoadK          r1, k1 ("héllo")
      1         Return         r2
)");
}

TEST(Disasm, SaysNoneForEmptyTables) {
  const std::string listing = disassemble(testing::minimal_module());
  EXPECT_TRUE(has_line(listing, "globals: (none)"));
  EXPECT_TRUE(has_line(listing, "exports: (none)"));
  EXPECT_TRUE(has_line(listing, "builtin imports: (none)"));
  EXPECT_TRUE(has_line(listing, "host imports: (none)"));
  EXPECT_TRUE(has_line(listing, "constants: (none)"));
}

TEST(Disasm, ShowsCapturesFlagsAndAnonymousFunctions) {
  const std::string listing = disassemble(testing::closure_module());
  EXPECT_TRUE(has_line(listing, "function f2 <<anonymous>>  main.raya:3:1  [arrow]"));
  EXPECT_TRUE(has_line(listing, "  captures: u0 = parent r2"));
  EXPECT_TRUE(has_line(listing, "  captures: u0 = parent u0"));
  EXPECT_TRUE(has_line(listing, "      1         Closure        r3, f2 <<anonymous>>"));
  EXPECT_TRUE(has_line(listing, "      0         GetUpval       r1, u0"));
  const std::string classes = disassemble(testing::class_module());
  EXPECT_TRUE(has_line(classes, "function f2 <Derived>  main.raya:3:1  [class-ctor derived-ctor]"));
  EXPECT_TRUE(has_line(classes, "  g1  main.raya:Derived  const"));
}

// f0 <main>  registers 4
//   0  LoadInt   r1, #-2
//   1  AddI      r2, r1, #32767
//   2  NewArray  r3, 65535
//   3  JLt       r1, r2, ->0
//   4  JmpIf     r1, ->6
//   5  Jmp       ->0
//   6  ReturnUndef
TEST(Disasm, RendersImmediatesCountsAndAbsoluteJumpTargets) {
  ModuleBuilder b;
  auto f = b.function("main", 0, 4, kFunctionIsModuleInit);
  f.op(Opcode::LoadInt, 1, uint16_t(-2)).op(Opcode::AddI, 2, 1, 32767).op(Opcode::NewArray, 3, 65535);
  f.jump16(Opcode::JLt, 1, 2, 0).jump(Opcode::JmpIf, 1, 6).jump(Opcode::Jmp, 0, 0).op(Opcode::ReturnUndef);
  const std::string listing = disassemble(b.build());
  EXPECT_TRUE(has_line(listing, "      0         LoadInt        r1, #-2"));
  EXPECT_TRUE(has_line(listing, "      1         AddI           r2, r1, #32767"));
  EXPECT_TRUE(has_line(listing, "      2         NewArray       r3, 65535"));
  EXPECT_TRUE(has_line(listing, "      3         JLt            r1, r2, ->0"));
  EXPECT_TRUE(has_line(listing, "      4         JmpIf          r1, ->6"));
  EXPECT_TRUE(has_line(listing, "      5         Jmp            ->0"));
}

TEST(Disasm, EscapesStringsAndShortensLongOnesInOperands) {
  ModuleBuilder b;
  b.string(std::u16string(u"q\"b\\s\n\x01") + char16_t(0xD800) + u"\U0001F600");
  b.string(std::u16string(100, u'x'));
  b.function("main", 0, 2).op(Opcode::LoadK, 1, 1).op(Opcode::ReturnUndef);
  const std::string listing = disassemble(b.build());
  EXPECT_TRUE(has_line(listing, R"(  k0  string "q\"b\\s\n\x01\uD800😀")"));
  EXPECT_TRUE(has_line(listing, "  k1  string \"" + std::string(100, 'x') + "\""));
  EXPECT_TRUE(has_line(listing, "      0         LoadK          r1, k1 (\"" + std::string(40, 'x') + "\"...)"));
}

TEST(Disasm, PrintsNumbersSoTheyReadBackExactly) {
  ModuleBuilder b;
  for (double d : {0.1, -0.0, 1e21, 5e-324, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()})
    b.number(d);
  b.function("main", 0, 1).op(Opcode::ReturnUndef);
  const std::string listing = disassemble(b.build());
  EXPECT_TRUE(has_line(listing, "  k0  number 0.1"));
  EXPECT_TRUE(has_line(listing, "  k1  number -0"));
  EXPECT_TRUE(has_line(listing, "  k2  number 1e+21"));
  EXPECT_TRUE(has_line(listing, "  k3  number 5e-324"));
  EXPECT_TRUE(has_line(listing, "  k4  number Infinity"));
  EXPECT_TRUE(has_line(listing, "  k5  number -Infinity"));
  EXPECT_TRUE(has_line(listing, "  k6  number NaN"));
}

// An unverified module whose every reference dangles:
// f0 <main>  registers 1, nothing else
//   0  LoadK       r1, k9
//   1  GetGlobal   r0, g3
//   2  Closure     r0, f7
//   3  GetBuiltin  r0, b2
//   4  GetProp     r0, r0, ic5
//   5  <opcode 0xFFFF>
TEST(Disasm, MarksDanglingReferencesInUnverifiedModules) {
  Module m = main_with(1, {encode(Opcode::LoadK, 1, 9), encode(Opcode::GetGlobal, 0, 3), encode(Opcode::Closure, 0, 7),
                           encode(Opcode::GetBuiltin, 0, 2), encode(Opcode::GetProp, 0, 0, 5), 0xABCD00000000FFFFull});
  m.functions[0].ic_names = {0, 1, 2, 3, 4, 5};
  m.functions[0].file = 4;
  m.functions[0].flags = 0x8001;
  m.exports.push_back({"x", 8});
  m.entry_function = 12;
  const std::string listing = disassemble(m);
  EXPECT_TRUE(has_line(listing, "      0         LoadK          r1, k9 (?)"));
  EXPECT_TRUE(has_line(listing, "      1         GetGlobal      r0, g3 (?)"));
  EXPECT_TRUE(has_line(listing, "      2         Closure        r0, f7 <?>"));
  EXPECT_TRUE(has_line(listing, "      3         GetBuiltin     r0, b2 (?)"));
  EXPECT_TRUE(has_line(listing, "      4         GetProp        r0, r0, ic5 (?)"));
  EXPECT_TRUE(has_line(listing, "      5         <invalid opcode 0xFFFF> word 0xABCD00000000FFFF"));
  EXPECT_TRUE(has_line(listing, "  x -> g8 (?)"));
  EXPECT_TRUE(has_line(listing, "entry: f12 <?>"));
  EXPECT_TRUE(has_line(listing, "function f0 <main>  file#4?:1:1  [rest unknown:0x8000]"));
}

TEST(Disasm, EscapesControlBytesInNames) {
  Module m = testing::minimal_module();
  m.functions[0].name = "a\nb\x7f";
  EXPECT_TRUE(has_line(disassemble(m), "entry: f0 <a\\x0Ab\\x7F>"));
}

TEST(Disasm, DisassemblesOneInstruction) {
  const Module m = testing::fib_module();
  EXPECT_EQ(disassemble_instruction(m, 1, 1), "JLt            r1, r2, ->12");
  EXPECT_EQ(disassemble_instruction(m, 1, 9), "Call           r3, 1");
  EXPECT_EQ(disassemble_instruction(m, 1, 13), "<no instruction>");
  EXPECT_EQ(disassemble_instruction(m, 2, 0), "<no instruction>");
}

TEST(Disasm, NamesEveryOpcode) {
  // Every opcode renders with its name and without "?" for in-range operands.
  ModuleBuilder b;
  b.string(u"s");
  b.global("g");
  b.builtin("B");
  auto f = b.function("main", 0, 8, kFunctionIsModuleInit);
  f.ic(0);
  f.capture_register(0);
  for (int op = 0; op < kOpcodeCount; ++op) f.op(Opcode(op));
  const Module m = b.build();
  for (int op = 0; op < kOpcodeCount; ++op) {
    const std::string text = disassemble_instruction(m, 0, uint32_t(op));
    EXPECT_EQ(text.rfind(std::string(kOpcodeInfo[op].name), 0), 0u) << text;
    EXPECT_EQ(text.find('?'), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace raya::vm
