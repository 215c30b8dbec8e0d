// The Runtime/Sandbox facade end to end: load, run, capabilities, limits.
#include <gtest/gtest.h>

#include "actors/runtime.hpp"

namespace raya::actors {
namespace {

using messages::ErrorCode;
using messages::Value;

RuntimeConfig small_config() {
  RuntimeConfig c;
  c.worker_threads = 2;
  return c;
}

TEST(RuntimeSmoke, LoadsAndRunsAnExport) {
  Runtime rt(small_config());
  auto sb = rt.sandbox({.name = "t"});
  ASSERT_TRUE(sb.ok()) << sb.error().to_string();
  auto loaded = sb->load_source("m.raya", "export function f(x: number): number { return x + 1; }");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  EXPECT_EQ(loaded.info.exports, std::vector<std::string>{"f"});
  auto r = sb->run("f", {Value(41)});
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, Value(42));
}

TEST(RuntimeSmoke, CapabilityCallAndDenial) {
  Runtime rt(small_config());
  rt.capabilities().add("twice", [](const messages::CapabilityCall& c) { return Value(c.args.at(0).as_int() * 2); });
  auto sb = rt.sandbox({.name = "t", .grants = std::vector<std::string>{"twice"}});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("m.raya",
                                "import { twice } from \"host:\";\n"
                                "export async function f(x: number): Promise<number> { return (await twice(x)) + 1; }");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  auto r = sb->run("f", {Value(20)});
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, Value(41));

  auto denied = rt.sandbox({.name = "d"});
  ASSERT_TRUE(denied.ok());
  auto l2 = denied->load_source("m.raya", "import { twice } from \"host:\";\nexport function f() { return 1; }");
  EXPECT_FALSE(l2.ok);
  EXPECT_EQ(l2.error.code, ErrorCode::CapabilityDenied) << l2.error.to_string();
}

TEST(RuntimeSmoke, InfiniteLoopHitsStepBudgetOthersFinish) {
  Runtime rt(small_config());
  messages::VmOptions o;
  o.max_step_budget = 1'000'000;
  auto spinner = rt.sandbox({.name = "spin", .options = o});
  auto fine = rt.sandbox({.name = "fine"});
  ASSERT_TRUE(spinner.ok() && fine.ok());
  ASSERT_TRUE(spinner->load_source("s.raya", "export function f() { while (true) {} }").ok);
  ASSERT_TRUE(fine->load_source("f.raya", "export function f() { return 7; }").ok);
  auto spin = spinner->run_async("f");
  auto r = fine->run("f");
  EXPECT_TRUE(r.ok);
  auto s = spin.get();
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error.code, ErrorCode::StepBudgetExceeded) << s.error.to_string();
  auto again = spinner->run("f");
  EXPECT_EQ(again.error.code, ErrorCode::ContextNotFound) << again.error.to_string();
}

}  // namespace
}  // namespace raya::actors
