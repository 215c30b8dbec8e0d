// Issue 10, items 1 and 10 through the actor runtime: hostile source handed to
// Sandbox::load_source is a CompileError with a location, never a crash of
// the host process (the reported `class extends class extends ...` of 12,000
// levels was SIGSEGV here), and the runtime goes on serving. Flat chains of
// 100,000 links load and run.
#include <gtest/gtest.h>

#include <string>

#include "actors/runtime.hpp"

namespace raya::actors {
namespace {

using messages::ErrorCode;
using messages::Value;

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

RuntimeConfig small_config() {
  RuntimeConfig c;
  c.worker_threads = 2;
  return c;
}

TEST(HostileSource, DeeplyNestedClassExtendsIsACompileErrorAndTheHostLivesOn) {
  Runtime rt(small_config());
  auto sb = rt.sandbox({.name = "deep"});
  ASSERT_TRUE(sb.ok()) << sb.error().to_string();
  std::string source = "class A {}\nexport const B = " + repeat("class extends ", 12000) + "A" + repeat(" {}", 12000) + ";\n";
  auto loaded = sb->load_source("deep.raya", source);
  ASSERT_FALSE(loaded.ok);
  EXPECT_EQ(loaded.error.code, ErrorCode::CompileError);
  EXPECT_NE(loaded.error.message.find("deep.raya:2:"), std::string::npos) << loaded.error.message;
  EXPECT_NE(loaded.error.message.find("nesting too deep"), std::string::npos) << loaded.error.message;

  auto after = rt.sandbox({.name = "after"});
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->load_source("ok.raya", "export function f() { return 7; }").ok);
  auto r = after->run("f");
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, Value(7));
}

TEST(HostileSource, AFlatChainOfAHundredThousandTermsLoadsAndRuns) {
  Runtime rt(small_config());
  auto sb = rt.sandbox({.name = "chain"});
  ASSERT_TRUE(sb.ok());
  std::string source = "export function f(a: number) { return a" + repeat(" + a", 99999) + "; }\n";
  auto loaded = sb->load_source("chain.raya", source);
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  auto r = sb->run("f", {Value(1)});
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, Value(100000));
}

}  // namespace
}  // namespace raya::actors
