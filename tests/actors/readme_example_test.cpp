// The README's actor-runtime example, as written there, works.
#include <gtest/gtest.h>

#include <cstdio>

#include "actors/runtime.hpp"

namespace raya {
namespace {

TEST(ReadmeExample, RuntimeSandboxRunAndRunAsync) {
  actors::Runtime runtime(actors::load_runtime_config(RAYA_CONFIGS_DIR "/runtime.json").value());
  std::vector<std::string> logged;
  runtime.capabilities().add("log", [&logged](const messages::CapabilityCall& call) {
    logged.push_back(call.args.at(0).as_string());  // (the README prints it)
    return messages::Value();
  });
  auto sandbox = runtime.sandbox({.name = "plugin", .profile = "plugin"});
  ASSERT_TRUE(sandbox.ok()) << sandbox.error().to_string();
  messages::LoadResult loaded = sandbox->load_source(
      "p.raya",
      "import { log } from \"host:\";\n"
      "export async function main(n: number) { await log(`n = ${n}`); return n * 2; }");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  messages::TaskResult r = sandbox->run("main", {messages::Value(21)});
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, messages::Value(42));
  std::future<messages::TaskResult> f = sandbox->run_async("main", {messages::Value(1)});
  EXPECT_EQ(f.get().value, messages::Value(2));
  EXPECT_EQ(logged, (std::vector<std::string>{"n = 21", "n = 1"}));
}

}  // namespace
}  // namespace raya
