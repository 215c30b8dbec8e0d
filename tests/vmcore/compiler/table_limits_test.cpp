// Issue 10, items 9 and 10: the compiler's tables hold what generated programs
// need (tens of thousands of locals per function, a 70,000-case switch), and
// programs past the limits are refused by a CompileError naming the limit --
// quickly: declaring and resolving names is O(1) per scope, not a scan.
#include <gtest/gtest.h>

#include <string>

#include "tests/vmcore/interp/context_test_support.hpp"

namespace raya::vm {
namespace {

using namespace context_test;  // NOLINT: test helpers

std::string many_lets(int n) {
  std::string source = "function f() {\n";
  for (int i = 0; i < n; ++i) source += "  let v" + std::to_string(i) + " = " + std::to_string(i % 1000) + ";\n";
  source += "  return v0 + v" + std::to_string(n - 1) + ";\n}\nreturn f();\n";
  return source;
}

TEST(TableLimits, FiftyThousandLocalsInOneFunctionCompileAndRun) {
  Context ctx;
  Value v = result_of(ctx, many_lets(50000));
  ASSERT_TRUE(v.is_number());
  EXPECT_EQ(v.to_double(), 49999 % 1000);
}

TEST(TableLimits, MoreLocalsThanRegistersIsACompileErrorNamingTheLimit) {
  auto compiled = compiler::compile_source("lets.raya", many_lets(100000));
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().code, messages::ErrorCode::CompileError);
  EXPECT_NE(compiled.error().message.find("registers"), std::string::npos) << compiled.error().message;
}

TEST(TableLimits, SeventyThousandParametersAreACompileErrorNotAHang) {
  std::string source = "function f(";
  for (int i = 0; i < 70000; ++i) source += (i ? ", p" : "p") + std::to_string(i);
  source += ") { return p0; }\nreturn f(1);\n";
  auto compiled = compiler::compile_source("params.raya", source);
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("too many parameters"), std::string::npos) << compiled.error().message;
}

TEST(TableLimits, ASeventyThousandCaseSwitchCompilesAndRuns) {
  constexpr int kCases = 70000;
  std::string source = "function pick(k) {\n  switch (k) {\n";
  for (int i = 0; i < kCases; ++i) source += "    case " + std::to_string(i) + ": return " + std::to_string(i % 7) + ";\n";
  source += "    default: return -1;\n  }\n}\nreturn pick(0) * 1000000 + pick(" + std::to_string(kCases - 1) +
            ") * 1000 + pick(" + std::to_string(kCases) + ");\n";
  Context ctx;
  Value v = result_of(ctx, source);
  ASSERT_TRUE(v.is_number());
  EXPECT_EQ(v.to_double(), 0 * 1000000 + ((kCases - 1) % 7) * 1000 - 1);
}

TEST(TableLimits, DuplicateDeclarationsAreStillFoundWithTheScopeIndex) {
  auto compiled = compiler::compile_source("dup.raya", "let a = 1;\n{ let b = 2; let b = 3; }\nfunction g(x, x) {}\n");
  ASSERT_FALSE(compiled.ok());
  std::string all = compiled.error().render_diagnostics();
  EXPECT_NE(all.find("Cannot redeclare block-scoped variable 'b'"), std::string::npos) << all;
  EXPECT_NE(all.find("Duplicate parameter name 'x'"), std::string::npos) << all;
}

TEST(TableLimits, AHundredThousandStringConstantsLoadThroughTheWideForm) {
  // LoadK's constant operand has 16 bits; constants past 65535 use LoadKW.
  constexpr int kStrings = 100000;
  std::string source = "const a = [";
  for (int i = 0; i < kStrings; ++i) source += "\"s" + std::to_string(i) + "\", ";
  source += "];\nreturn a[" + std::to_string(kStrings - 1) + "] + \"/\" + a.length + \"/\" + 70000.5;\n";
  auto compiled = compiler::compile_source("k.raya", source);
  ASSERT_TRUE(compiled.ok()) << compiled.error().render_diagnostics();
  EXPECT_GT(compiled.value().constants.size(), 100000u);
  bool wide = false;
  for (const FunctionProto& f : compiled.value().functions)
    for (Instr i : f.code) wide = wide || op_of(i) == Opcode::LoadKW;
  EXPECT_TRUE(wide);
  EXPECT_TRUE(verify_module(compiled.value()).ok());
  Context ctx;
  EXPECT_EQ(utf8_of(result_of(ctx, source)), "s99999/100000/70000.5");
}

TEST(TableLimits, TheVerifierChecksTheWideConstantIndex) {
  auto compiled = compiler::compile_source("k.raya", "return 1;\n");
  ASSERT_TRUE(compiled.ok());
  Module m = std::move(compiled).value();
  FunctionProto& f = m.functions[m.entry_function];
  f.code.insert(f.code.begin(), encode_long(Opcode::LoadKW, 0, int32_t(m.constants.size())));
  Status verified = verify_module(m);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.error().message.find("out of range"), std::string::npos) << verified.error().message;
  f.code[0] = encode_long(Opcode::LoadKW, 0, 0);
  if (!m.constants.empty()) {
    EXPECT_TRUE(verify_module(m).ok());
  }
}

}  // namespace
}  // namespace raya::vm
