// One test per verifier rule: start from a valid module, break exactly one
// thing, expect exactly that to be reported. The listings show the code of
// the module under test ("..." elides the parts that stay valid).
#include "vmcore/bytecode/verifier.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "tests/vmcore/bytecode/module_builder.hpp"
#include "vmcore/bytecode/encoder.hpp"

namespace raya::vm {
namespace {

using testing::FunctionBuilder;
using testing::ModuleBuilder;

/// Expects a VerifyError whose message contains `reason`; `pc`, when given,
/// must be the reported offset.
void expect_rejected(const Module& m, std::string_view reason, std::optional<uint64_t> pc = std::nullopt) {
  Status s = verify_module(m);
  ASSERT_FALSE(s.ok()) << "expected: " << reason;
  EXPECT_EQ(s.error().code, ErrorCode::VerifyError);
  EXPECT_NE(s.error().message.find(reason), std::string::npos) << s.error().message;
  if (pc) {
    EXPECT_EQ(s.error().offset, *pc) << s.error().message;
  }
}

void expect_accepted(const Module& m) {
  Status s = verify_module(m);
  EXPECT_TRUE(s.ok()) << s.error().message;
}

/// A module whose entry f0 <main> has `registers` registers and this code.
Module main_with(uint16_t registers, std::initializer_list<Instr> code) {
  ModuleBuilder b;
  FunctionBuilder f = b.function("main", 0, registers, kFunctionIsModuleInit);
  f.proto().code = code;
  return b.build();
}

// --- accepted modules ---

TEST(Verifier, AcceptsEverySampleModule) {
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    expect_accepted(module);
  }
}

// f0 <main>  registers 4096
//   0  Mov     r4095, r0
//   1  Return  r4095
TEST(Verifier, AcceptsTheLargestFrame) {
  expect_accepted(main_with(4096, {encode(Opcode::Mov, 4095, 0), encode(Opcode::Return, 4095)}));
}

// f0 <main>
//   0  Jmp  ->0
TEST(Verifier, AcceptsAJumpToItself) { expect_accepted(main_with(1, {encode_long(Opcode::Jmp, 0, -1)})); }

// f0 <main>  registers 3
//   0  CallSpread  r0     (r0 callee, r1 this, r2 the spread array)
//   1  ReturnUndef
TEST(Verifier, AcceptsASpreadCallWhoseArrayIsTheLastRegister) {
  expect_accepted(main_with(3, {encode(Opcode::CallSpread, 0), encode(Opcode::ReturnUndef)}));
}

TEST(Verifier, AcceptsAnonymousFunctionsAndEmptyStringConstants) {
  ModuleBuilder b;
  b.string(u"");
  b.function("", 0, 1).op(Opcode::LoadK, 0, 0).op(Opcode::ReturnUndef);
  expect_accepted(b.build());
}

// --- names and module tables ---

TEST(Verifier, RejectsEmptyFileName) {
  Module m = testing::minimal_module();
  m.files[0] = "";
  expect_rejected(m, "file 0: empty name");
}

TEST(Verifier, RejectsNamesThatAreNotUtf8) {
  const char* bad[] = {"\xff", "a\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"};
  for (const char* name : bad) {
    Module m = testing::minimal_module();
    m.functions[0].name = name;
    expect_rejected(m, "function 0: name is not valid UTF-8");
  }
  Module m = testing::minimal_module();
  m.functions[0].name = "\xe6\x97\xa5\xf0\x9f\x98\x80";  // valid: U+65E5, U+1F600
  expect_accepted(m);
}

TEST(Verifier, RejectsEmptyGlobalName) {
  ModuleBuilder b;
  b.global("");
  b.function("main", 0, 1).op(Opcode::ReturnUndef);
  expect_rejected(b.build(), "global 0: empty name");
}

TEST(Verifier, RejectsEmptyExportName) {
  Module m = testing::fib_module();
  m.exports[0].name = "";
  expect_rejected(m, "export 0: empty name");
}

TEST(Verifier, RejectsEmptyImportNames) {
  Module m = testing::object_module();
  m.builtin_imports[1] = "";
  expect_rejected(m, "builtin import 1: empty name");
  m = testing::object_module();
  m.host_imports[0] = "";
  expect_rejected(m, "host import 0: empty name");
}

TEST(Verifier, RejectsNumberConstantCarryingAString) {
  Module m = testing::fib_module();
  m.constants[0].string.push_back(u'x');
  expect_rejected(m, "constant 0: a number constant carries a string");
}

TEST(Verifier, RejectsStringConstantCarryingANumber) {
  Module m = testing::class_module();
  m.constants[1].number = -0.0;
  expect_rejected(m, "constant 1: a string constant carries a number");
}

TEST(Verifier, RejectsUnknownConstantKind) {
  Module m = testing::fib_module();
  m.constants[0].kind = Constant::Kind(7);
  expect_rejected(m, "constant 0: unknown constant kind 7");
}

TEST(Verifier, RejectsUnknownGlobalFlags) {
  Module m = testing::fib_module();
  m.globals[0].flags = 0x80;
  expect_rejected(m, "global 0 (main.raya:fib): unknown flags 128");
}

TEST(Verifier, RejectsExportOfMissingGlobal) {
  Module m = testing::fib_module();
  m.exports[0].global = 1;
  expect_rejected(m, "export 0 (fib): global g1 out of range (1 globals)");
}

TEST(Verifier, RejectsTheSameNameExportedTwice) {
  Module m = testing::fib_module();
  m.exports.push_back({"fib", 0});
  expect_rejected(m, "export 1 (fib): exported twice");
}

TEST(Verifier, RejectsModuleWithoutFunctions) {
  Module m;
  m.files.push_back("main.raya");
  expect_rejected(m, "entry function f0 out of range (0 functions)");
}

TEST(Verifier, RejectsEntryFunctionOutOfRange) {
  Module m = testing::fib_module();
  m.entry_function = 2;
  expect_rejected(m, "entry function f2 out of range (2 functions)");
}

TEST(Verifier, RejectsEntryFunctionWithCaptures) {
  Module m = testing::closure_module();
  m.entry_function = 2;  // the counter, which captures a register of makeCounter
  expect_rejected(m, "entry function 2 (<anonymous>) has captures, but nothing encloses it");
}

// --- function headers and side tables ---

TEST(Verifier, RejectsUnknownFunctionFlags) {
  Module m = testing::minimal_module();
  m.functions[0].flags |= 1 << 12;
  expect_rejected(m, "function 0 (main): unknown flags");
}

TEST(Verifier, RejectsFunctionFileOutOfRange) {
  Module m = testing::object_module();
  m.functions[1].file = 2;
  expect_rejected(m, "function 1 (helper): file 2 out of range (2 files)");
}

TEST(Verifier, RejectsAFrameWithoutRoomForThis) {
  Module m = testing::minimal_module();
  m.functions[0].register_count = 0;
  expect_rejected(m, "register_count 0 leaves no room for this and the parameters (needs 1)");
}

TEST(Verifier, RejectsAFrameWithoutRoomForTheParameters) {
  Module m = testing::fib_module();  // fib(n): this, n
  m.functions[1].register_count = 1;
  m.functions[1].code = {encode(Opcode::ReturnUndef)};
  expect_rejected(m, "function 1 (fib): register_count 1 leaves no room for this and the parameters (needs 2)");
}

TEST(Verifier, RejectsAFrameWithoutRoomForTheRestParameter) {
  Module m = testing::object_module();  // helper(a, ...rest): this, a, rest
  m.functions[1].register_count = 2;
  m.functions[1].code = {encode(Opcode::ReturnUndef)};
  expect_rejected(m, "function 1 (helper): register_count 2 leaves no room for this and the parameters (needs 3)");
}

TEST(Verifier, RejectsAFrameLargerThanTheLimit) {
  Module m = testing::minimal_module();
  m.functions[0].register_count = kMaxFrameRegisters + 1;
  expect_rejected(m, "register_count 65001 exceeds the limit of 65000");
}

TEST(Verifier, RejectsAFunctionWithoutCode) {
  Module m = testing::minimal_module();
  m.functions[0].code.clear();
  expect_rejected(m, "function 0 (main): no code");
}

TEST(Verifier, RejectsInlineCacheNamingAMissingConstant) {
  Module m = testing::class_module();
  m.functions[3].ic_names[0] = 4;
  expect_rejected(m, "function 3 (greet): inline cache ic0 names constant k4, out of range (4 constants)");
}

TEST(Verifier, RejectsInlineCacheNamingANumber) {
  Module m = testing::object_module();
  m.functions[0].ic_names[2] = 4;  // k4 is 1.5
  expect_rejected(m, "function 0 (main): inline cache ic2 names constant k4, which is not a string");
}

TEST(Verifier, RejectsCaptureWithUnknownSource) {
  Module m = testing::closure_module();
  m.functions[3].captures[0].from = Capture::From(9);
  expect_rejected(m, "function 3 (peek): capture u0 has unknown source 9");
}

// object_module f0 has 13 instructions and 6 registers; its handler is [4, 9) ->9 in r5.
TEST(Verifier, RejectsHandlerWithEmptyRange) {
  Module m = testing::object_module();
  m.functions[0].handlers[0].end_pc = 4;
  expect_rejected(m, "handler 0 range [4, 4) is empty or outside the code (13 instructions)");
}

TEST(Verifier, RejectsHandlerRangePastTheEnd) {
  Module m = testing::object_module();
  m.functions[0].handlers[0].end_pc = 14;
  expect_rejected(m, "handler 0 range [4, 14) is empty or outside the code");
  m.functions[0].handlers[0].end_pc = 13;  // up to the end is fine
  expect_accepted(m);
}

TEST(Verifier, RejectsHandlerTargetPastTheEnd) {
  Module m = testing::object_module();
  m.functions[0].handlers[0].handler_pc = 13;
  expect_rejected(m, "handler 0 target 13 is outside the code (13 instructions)");
}

TEST(Verifier, RejectsHandlerExceptionRegisterOutsideTheFrame) {
  Module m = testing::object_module();
  m.functions[0].handlers[0].exception_register = 6;
  expect_rejected(m, "handler 0 exception register r6 is outside the frame (6 registers)");
}

TEST(Verifier, RejectsLineEntryPastTheEnd) {
  Module m = testing::fib_module();
  m.functions[1].lines.push_back({13, 9, 1});
  expect_rejected(m, "function 1 (fib): line entry 3 at pc 13 is outside the code (13 instructions)");
}

TEST(Verifier, RejectsUnsortedLineTable) {
  Module m = testing::fib_module();
  std::swap(m.functions[1].lines[1], m.functions[1].lines[2]);
  expect_rejected(m, "function 1 (fib): line table is not sorted by pc (entry 2)");
  m = testing::fib_module();
  m.functions[1].lines.insert(m.functions[1].lines.begin() + 1, m.functions[1].lines[1]);  // repeats are fine
  expect_accepted(m);
}

// --- instructions ---

// f0 <main>
//   0  <opcode kOpcodeCount>
//   1  ReturnUndef
TEST(Verifier, RejectsInvalidOpcode) {
  expect_rejected(main_with(1, {Instr(kOpcodeCount), encode(Opcode::ReturnUndef)}),
                  "function 0 (main), pc 0: invalid opcode " + std::to_string(kOpcodeCount), 0);
  expect_rejected(main_with(1, {encode(Opcode::Nop), Instr(0xFFFF)}), "pc 1: invalid opcode 65535", 1);
}

// f0 <main>  registers 3
//   0  Add  r1, r2, r3
//   1  ReturnUndef
TEST(Verifier, RejectsRegisterOutsideTheFrame) {
  expect_rejected(main_with(3, {encode(Opcode::Add, 1, 2, 3), encode(Opcode::ReturnUndef)}),
                  "pc 0: Add: operand c r3 out of range (3 registers)", 0);
  expect_rejected(main_with(3, {encode(Opcode::Add, 3, 2, 1), encode(Opcode::ReturnUndef)}),
                  "Add: operand a r3 out of range", 0);
  expect_rejected(main_with(3, {encode(Opcode::Nop), encode(Opcode::Return, 65535)}),
                  "pc 1: Return: operand a r65535 out of range", 1);
}

// f0 <main>
//   0  LoadUndef  r0, 0, 1   <- c must be zero
//   1  ReturnUndef
TEST(Verifier, RejectsNonzeroUnusedOperand) {
  expect_rejected(main_with(1, {encode(Opcode::LoadUndef, 0, 0, 1), encode(Opcode::ReturnUndef)}),
                  "LoadUndef: unused operand c is 1, must be 0", 0);
  expect_rejected(main_with(1, {encode(Opcode::ReturnUndef, 1)}), "ReturnUndef: unused operand a is 1", 0);
  expect_rejected(main_with(1, {encode_long(Opcode::Jmp, 1, -1)}), "Jmp: unused operand a is 1", 0);
}

// f0 <main>  registers 5
//   0  Call  r1, 3    <- r1 callee, r2 this, r3..r5 arguments: r5 is outside
//   1  ReturnUndef
TEST(Verifier, RejectsCallWindowPastTheFrame) {
  expect_rejected(main_with(5, {encode(Opcode::Call, 1, 3), encode(Opcode::ReturnUndef)}),
                  "Call: call window r1..r5 exceeds the frame (5 registers)", 0);
  expect_accepted(main_with(5, {encode(Opcode::Call, 1, 2), encode(Opcode::ReturnUndef)}));
  expect_rejected(main_with(5, {encode(Opcode::New, 4, 0), encode(Opcode::ReturnUndef)}),
                  "New: call window r4..r5 exceeds the frame", 0);
}

// f0 <main>  registers 3
//   0  NewSpread  r1    <- reads the array from r3
//   1  ReturnUndef
TEST(Verifier, RejectsSpreadCallWhoseArrayIsOutsideTheFrame) {
  expect_rejected(main_with(3, {encode(Opcode::NewSpread, 1), encode(Opcode::ReturnUndef)}),
                  "NewSpread: call window r1..r3 exceeds the frame (3 registers)", 0);
}

// f0 <main>  registers 2, 1 constant
//   0  LoadK  r1, k1
//   1  ReturnUndef
TEST(Verifier, RejectsConstantOutOfRange) {
  Module m = main_with(2, {encode(Opcode::LoadK, 1, 1), encode(Opcode::ReturnUndef)});
  m.constants.push_back(Constant::of_number(1));
  expect_rejected(m, "LoadK: operand b k1 out of range (1 constants)", 0);
}

// f0 <main>  registers 2
//   0  Closure  r1, f1
//   1  ReturnUndef
TEST(Verifier, RejectsFunctionOutOfRange) {
  expect_rejected(main_with(2, {encode(Opcode::Closure, 1, 1), encode(Opcode::ReturnUndef)}),
                  "Closure: operand b f1 out of range (1 functions)", 0);
}

// f0 <main>  registers 2, no inline caches
//   0  GetProp  r1, r0, ic0
//   1  ReturnUndef
TEST(Verifier, RejectsInlineCacheOutOfRange) {
  expect_rejected(main_with(2, {encode(Opcode::GetProp, 1, 0, 0), encode(Opcode::ReturnUndef)}),
                  "GetProp: operand c ic0 out of range (0 inline caches)", 0);
}

// f0 <main>  registers 2, no globals
//   0  GetGlobal  r1, g0
//   1  ReturnUndef
TEST(Verifier, RejectsGlobalOutOfRange) {
  expect_rejected(main_with(2, {encode(Opcode::GetGlobal, 1, 0), encode(Opcode::ReturnUndef)}),
                  "GetGlobal: operand b g0 out of range (0 globals)", 0);
}

// closure_module f3 <peek> has one capture
//   0  GetUpval  r1, u1
//   1  Return    r1
TEST(Verifier, RejectsUpvalueOutOfRange) {
  Module m = testing::closure_module();
  m.functions[3].code[0] = encode(Opcode::GetUpval, 1, 1);
  expect_rejected(m, "function 3 (peek), pc 0: GetUpval: operand b u1 out of range (1 upvalues)", 0);
}

// f0 <main>  registers 2, no builtin imports
//   0  GetBuiltin  r1, b0
//   1  ReturnUndef
TEST(Verifier, RejectsBuiltinOutOfRange) {
  expect_rejected(main_with(2, {encode(Opcode::GetBuiltin, 1, 0), encode(Opcode::ReturnUndef)}),
                  "GetBuiltin: operand b b0 out of range (0 builtin imports)", 0);
}

// f0 <main>
//   0  Nop
//   1  Jmp  ->-1
TEST(Verifier, RejectsJumpBeforeTheStart) {
  expect_rejected(main_with(1, {encode(Opcode::Nop), encode_long(Opcode::Jmp, 0, -3)}),
                  "pc 1: Jmp: jump target -1 is outside the code (2 instructions)", 1);
}

// f0 <main>
//   0  JmpIf  r0, ->2
//   1  ReturnUndef
TEST(Verifier, RejectsJumpIntoMiddleOfNowhere) {
  expect_rejected(main_with(1, {encode_long(Opcode::JmpIf, 0, 1), encode(Opcode::ReturnUndef)}),
                  "JmpIf: jump target 2 is outside the code (2 instructions)", 0);
  expect_rejected(main_with(1, {encode_long(Opcode::JmpIfNot, 0, INT32_MAX), encode(Opcode::ReturnUndef)}),
                  "JmpIfNot: jump target 2147483648 is outside the code", 0);
  expect_rejected(main_with(1, {encode_long(Opcode::JmpIfNot, 0, INT32_MIN), encode(Opcode::ReturnUndef)}),
                  "JmpIfNot: jump target -2147483647 is outside the code", 0);
}

// f0 <main>  registers 2
//   0  JLt       r0, r1, ->3
//   1  IterNext  r0, r1, ->-32767
//   2  ReturnUndef
TEST(Verifier, RejectsShortJumpOutsideTheCode) {
  expect_rejected(main_with(2, {encode(Opcode::JLt, 0, 1, 2), encode(Opcode::Nop), encode(Opcode::ReturnUndef)}),
                  "JLt: jump target 3 is outside the code (3 instructions)", 0);
  expect_rejected(
      main_with(2, {encode(Opcode::Nop), encode(Opcode::IterNext, 0, 1, 0x8000), encode(Opcode::ReturnUndef)}),
      "pc 1: IterNext: jump target -32766 is outside the code", 1);
}

// class_module f0, pc 17: CheckInit r6, k1 ("Derived")  ->  k1 replaced by a number
TEST(Verifier, RejectsCheckInitWhoseNameIsNotAString) {
  Module m = testing::class_module();
  m.constants[1] = Constant::of_number(1);
  // NewClass at pc 8 also names k1, and comes first.
  m.functions[0].code[8] = encode(Opcode::NewClass, 2, 1, 0);
  expect_rejected(m, "function 0 (main), pc 17: CheckInit: k1 is not a string (the name)", 17);
}

// class_module f0, pc 2: NewClass r1, r2, k0  ->  k0 replaced by a number
TEST(Verifier, RejectsNewClassWhoseNameIsNotAString) {
  Module m = testing::class_module();
  m.constants[0] = Constant::of_number(1);
  expect_rejected(m, "pc 2: NewClass: k0 is not a string (the class name)", 2);
}

// closure_module: f1 <makeCounter> (4 registers) runs Closure of f2, which
// captures parent r2. Moving the capture to r4 leaves makeCounter's frame.
TEST(Verifier, RejectsClosureCapturingARegisterOutsideTheParentFrame) {
  Module m = testing::closure_module();
  m.functions[2].captures[0].index = 4;
  expect_rejected(m,
                  "function 1 (makeCounter), pc 1: Closure of function 2 (<anonymous>): capture u0 reads r4, "
                  "but this function has 4 registers",
                  1);
}

// closure_module: f2 (one upvalue) runs Closure of f3, which captures parent u0.
TEST(Verifier, RejectsClosureCapturingAMissingParentUpvalue) {
  Module m = testing::closure_module();
  m.functions[3].captures[0].index = 1;
  expect_rejected(m,
                  "function 2 (<anonymous>), pc 3: Closure of function 3 (peek): capture u0 reads u1, "
                  "but this function has 1 upvalues",
                  3);
}

// The same function created from two parents must fit both frames.
TEST(Verifier, RejectsClosureThatFitsOneParentButNotAnother) {
  Module m = testing::closure_module();
  // main (2 registers) also creates the counter, which captures r2.
  m.functions[0].code.insert(m.functions[0].code.begin() + 2, encode(Opcode::Closure, 1, 2));
  expect_rejected(m, "function 0 (main), pc 2: Closure of function 2 (<anonymous>): capture u0 reads r2", 2);
}

// f0 <main>
//   0  LoadUndef  r0
TEST(Verifier, RejectsFallThroughOffTheEnd) {
  expect_rejected(main_with(1, {encode(Opcode::LoadUndef, 0)}),
                  "pc 0: LoadUndef falls through off the end (the last instruction must be Jmp, Return, "
                  "ReturnUndef or Throw)",
                  0);
}

// f0 <main>
//   0  ReturnUndef
//   1  JmpIfNot  r0, ->0
TEST(Verifier, RejectsConditionalJumpAsTheLastInstruction) {
  expect_rejected(main_with(1, {encode(Opcode::ReturnUndef), encode_long(Opcode::JmpIfNot, 0, -2)}),
                  "pc 1: JmpIfNot falls through off the end", 1);
}

TEST(Verifier, AcceptsEveryTerminator) {
  expect_accepted(main_with(1, {encode(Opcode::ReturnUndef)}));
  expect_accepted(main_with(1, {encode(Opcode::Return, 0)}));
  expect_accepted(main_with(1, {encode(Opcode::Throw, 0)}));
  expect_accepted(main_with(1, {encode_long(Opcode::Jmp, 0, -1)}));
}

// --- load_module: decode + verify, errors at byte offsets ---

TEST(Verifier, LoadModuleAcceptsEverySampleModule) {
  for (auto& [name, module] : testing::sample_modules()) {
    Result<Module> r = load_module(encode_module(module));
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_EQ(r.value(), module);
  }
}

TEST(Verifier, LoadModuleReportsABadInstructionAtItsByteOffset) {
  Module m = testing::fib_module();
  m.functions[1].code[5] = encode(Opcode::Call, 2, 9);  // window past the frame
  const std::vector<uint8_t> bytes = encode_module(m);
  Result<Module> r = load_module(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::VerifyError);
  EXPECT_NE(r.error().message.find("function 1 (fib), pc 5: Call: call window"), std::string::npos);
  // The reported offset holds the offending instruction word.
  ASSERT_LE(r.error().offset + 8, bytes.size());
  uint64_t word = 0;
  for (int i = 0; i < 8; ++i) word |= uint64_t(bytes[r.error().offset + i]) << (8 * i);
  EXPECT_EQ(word, m.functions[1].code[5]);
}

TEST(Verifier, LoadModuleReportsAModuleLevelFailureAtItsSection) {
  Module m = testing::fib_module();
  m.entry_function = 5;
  const std::vector<uint8_t> bytes = encode_module(m);
  Result<Module> r = load_module(bytes);
  ASSERT_FALSE(r.ok());
  // The Entry section is the last 4 bytes before the checksum.
  EXPECT_EQ(r.error().offset, bytes.size() - 12);
}

TEST(Verifier, LoadModulePassesDecoderErrorsThrough) {
  std::vector<uint8_t> bytes = encode_module(testing::fib_module());
  bytes[10] ^= 1;
  Result<Module> r = load_module(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos);
}

// object_module f0: SetProp at pc 2 owns ic0 (.x); a GetProp reusing it would
// let the interpreter's fast paths misread each other's cache entries (a
// prototype-holder entry used for a write, a transition entry for a read).
TEST(Verifier, RejectsAnInlineCacheSharedByTwoInstructions) {
  Module m = testing::object_module();
  auto& code = m.functions[0].code;
  code[3] = encode(Opcode::GetProp, 2, 1, 0);  // was SetGlobal r1, g0
  expect_rejected(m, "function 0 (main), pc 3: GetProp: inline cache ic0 is already used by the instruction at pc 2");
}

}  // namespace
}  // namespace raya::vm
