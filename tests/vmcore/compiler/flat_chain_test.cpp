// Issue 10, item 10: flat chains are not nesting. `a + a + ...`, `&&`/`||`/`??`
// chains, `o.o.o...`, `f()()()...`, `a.b().c()...`, optional chains and
// `else if` chains of 100,000 links compile (on a 1 MiB stack: every pass,
// including the AST's destruction, walks them in loops) and run correctly.
#include <gtest/gtest.h>

#include <string>

#include "tests/small_stack.hpp"
#include "tests/vmcore/interp/context_test_support.hpp"

namespace raya::vm {
namespace {

using namespace context_test;  // NOLINT: test helpers

constexpr int kLinks = 100000;

std::string repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * size_t(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

void expect_compiles_on_small_stack(const std::string& source) {
  bool ok = false;
  std::string why;
  test::run_with_small_stack([&] {
    auto compiled = compiler::compile_source("chain.raya", source);
    ok = compiled.ok();
    if (!ok) why = compiled.error().render_diagnostics();
  });
  EXPECT_TRUE(ok) << why.substr(0, 2000);
}

double number_result(const std::string& source) {
  expect_compiles_on_small_stack(source);
  Context ctx;
  Value v = result_of(ctx, source);
  EXPECT_TRUE(v.is_number());
  return v.is_number() ? v.to_double() : -1;
}

TEST(FlatChain, AdditionOf100000Terms) {
  EXPECT_EQ(number_result("let a = 1;\nreturn a" + repeat(" + a", kLinks - 1) + ";\n"), kLinks);
}

TEST(FlatChain, MixedArithmeticOf100000Terms) {
  // Left-deep with both operator kinds, constants and operands of other
  // precedences on the right.
  EXPECT_EQ(number_result("let a = 3;\nreturn a" + repeat(" + a * 2 - 5 + 1", kLinks / 4) + ";\n"),
            3 + (kLinks / 4) * 2);
}

TEST(FlatChain, LogicalAndOrNullishChains) {
  EXPECT_EQ(number_result("let a = 1;\nreturn a" + repeat(" && a", kLinks) + " && 7;\n"), 7);
  EXPECT_EQ(number_result("let z = 0;\nreturn z" + repeat(" || z", kLinks) + " || 5;\n"), 5);
  EXPECT_EQ(number_result("let n = null;\nreturn n" + repeat(" ?? n", kLinks) + " ?? 9;\n"), 9);
}

TEST(FlatChain, MemberChain) {
  EXPECT_EQ(number_result("const o = { v: 4 };\no.o = o;\nreturn o" + repeat(".o", kLinks) + ".v;\n"), 4);
}

TEST(FlatChain, MemberChainAsAMethodCallArgument) {
  // The chain uses up the function's inline caches before console.log's own
  // call is emitted: that call then looks the method up uncached.
  EXPECT_EQ(number_result("const o = { v: 4 };\no.o = o;\nconst box = { id(x) { return x; } };\nreturn box.id(o" +
                          repeat(".o", kLinks) + ".v);\n"),
            4);
}

TEST(FlatChain, ComputedMemberChain) {
  EXPECT_EQ(number_result("const o = { v: 4 };\no.o = o;\nreturn o" + repeat("[\"o\"]", kLinks) + ".v;\n"), 4);
}

TEST(FlatChain, CallChain) {
  EXPECT_EQ(number_result("let n = 0;\nfunction f() { n++; return f; }\nf" + repeat("()", kLinks) +
                          ";\nreturn n;\n"),
            kLinks);
}

TEST(FlatChain, MethodCallChain) {
  EXPECT_EQ(number_result("let n = 0;\nconst o = { m() { n++; return o; }, v: 2 };\nreturn o" +
                          repeat(".m()", kLinks) + ".v + n;\n"),
            kLinks + 2);
}

TEST(FlatChain, OptionalChain) {
  EXPECT_EQ(number_result("const o = { v: 6 };\no.o = o;\nreturn o" + repeat("?.o", kLinks) + "?.v;\n"), 6);
  EXPECT_EQ(number_result("const o = { v: 6 };\nreturn o?.x" + repeat("?.o", kLinks) + " ?? 1;\n"), 1);
}

TEST(FlatChain, ElseIfChain) {
  std::string source = "let x = 0;\nlet k = " + std::to_string(kLinks - 1) + ";\nlet i = 0;\n";
  source += "if (k === i++) x = i;";
  for (int n = 1; n < kLinks; ++n) source += "\nelse if (k === i++) x = i;";
  source += "\nelse x = -1;\nreturn x;\n";
  EXPECT_EQ(number_result(source), kLinks);
}

}  // namespace
}  // namespace raya::vm
