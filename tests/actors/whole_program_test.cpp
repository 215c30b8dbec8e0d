// The actor-layer side of `raya run` (issue 10): how a whole program's
// replies are held and converted (answer_when_idle, discard_results,
// capped JSON results), what a host out of memory ends a context with, and
// what the sandbox and config readers refuse to read.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <new>

#include "actors/runtime.hpp"

namespace raya::actors {
namespace {

using messages::ErrorCode;
using messages::Value;

// A hang guard only: every reply below comes at once or never.
constexpr auto kNever = std::chrono::seconds(60);

RuntimeConfig small_config() {
  RuntimeConfig c;
  c.worker_threads = 2;
  return c;
}

RuntimeHooks whole_program_hooks() {
  RuntimeHooks h;
  h.answer_when_idle = true;
  h.results_as_json = true;
  return h;
}

// A task that never ends (it sleeps in a loop), then the main code fails.
constexpr const char* kFailWhileATaskSleeps =
    "import { sleep } from \"raya:task\";\n"
    "async function forever(): Promise<number> { while (true) await sleep(100000); return 0; }\n"
    "forever();\n"
    "export function main() { forever(); throw new Error(\"main failed\"); }\n";

TEST(WholeProgram, ATopLevelFailureIsAnsweredAtOnceWhileOtherTasksSleep) {
  Runtime rt(small_config(), whole_program_hooks());
  auto sb = rt.sandbox({.name = "p"});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_async(messages::ModuleSource::from_source(
      "p.raya", std::string(kFailWhileATaskSleeps) + "throw new Error(\"top failed\");\n"));
  ASSERT_EQ(loaded.wait_for(kNever), std::future_status::ready);
  messages::LoadResult r = loaded.get();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.name, "Error");
  EXPECT_EQ(r.error.message, "top failed");
}

TEST(WholeProgram, AFailureOfMainIsAnsweredAtOnceWhileOtherTasksSleep) {
  Runtime rt(small_config(), whole_program_hooks());
  auto sb = rt.sandbox({.name = "p"});
  ASSERT_TRUE(sb.ok());
  // The top-level code's own sleeping task would hold a successful load
  // forever, so load a variant without it, then call main.
  auto loaded = sb->load_source("p.raya",
                                "import { sleep } from \"raya:task\";\n"
                                "async function forever(): Promise<number> { while (true) await sleep(100000); return 0; }\n"
                                "export function main() { forever(); throw new Error(\"main failed\"); }\n");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  auto ran = sb->run_async("main");
  ASSERT_EQ(ran.wait_for(kNever), std::future_status::ready);
  messages::TaskResult r = ran.get();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.message, "main failed");
}

TEST(WholeProgram, ASuccessIsStillHeldUntilTheOtherTasksFinish) {
  std::vector<std::string> lines;
  std::mutex mutex;
  RuntimeHooks hooks = whole_program_hooks();
  hooks.console = [&](uint64_t, int, std::string_view line) {
    std::lock_guard lock(mutex);
    lines.emplace_back(line);
  };
  Runtime rt(small_config(), std::move(hooks));
  auto sb = rt.sandbox({.name = "p", .grants = std::vector<std::string>{"console"}});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("p.raya",
                                "import { sleep } from \"raya:task\";\n"
                                "async function later() { await sleep(1); console.log(\"later\"); }\n"
                                "later();\nreturn 1;\n");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  std::lock_guard lock(mutex);
  EXPECT_EQ(lines, std::vector<std::string>{"later"});
}

TEST(WholeProgram, DiscardedResultsAreNotConverted) {
  RuntimeHooks hooks = whole_program_hooks();
  hooks.discard_results = true;
  Runtime rt(small_config(), std::move(hooks));
  messages::VmOptions o;
  o.max_heap_bytes = 1u << 20;
  auto sb = rt.sandbox({.name = "p", .options = o});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("p.raya",
                                "let o: any = { v: 1 };\nfor (let i = 0; i < 40; i++) o = { a: o, b: o };\n"
                                "export function f() { return function () {}; }\nreturn o;\n");
  ASSERT_TRUE(loaded.ok) << loaded.error.to_string();
  EXPECT_EQ(loaded.value, Value());
  messages::TaskResult r = sb->run("f");
  ASSERT_TRUE(r.ok) << r.error.to_string();
  EXPECT_EQ(r.value, Value());
}

TEST(WholeProgram, AJsonResultIsCappedAtTheHeapLimit) {
  Runtime rt(small_config(), whole_program_hooks());
  messages::VmOptions o;
  o.max_heap_bytes = 1u << 20;
  auto sb = rt.sandbox({.name = "p", .options = o});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("p.raya",
                                "let o: any = { v: 1 };\nfor (let i = 0; i < 40; i++) o = { a: o, b: o };\nreturn o;\n");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(loaded.error.code, ErrorCode::MarshalError) << loaded.error.to_string();
  EXPECT_NE(loaded.error.message.find("more than 1048576 bytes"), std::string::npos) << loaded.error.message;
}

TEST(WholeProgram, AHostOutOfMemoryEndsTheContextWithAHeapLimitError) {
  // std::bad_alloc escaping the context's thread (here thrown by a host
  // hook, as an allocation failing in the OS would) is a limit, not a crash.
  RuntimeHooks hooks = whole_program_hooks();
  hooks.console = [](uint64_t, int, std::string_view) { throw std::bad_alloc(); };
  Runtime rt(small_config(), std::move(hooks));
  auto sb = rt.sandbox({.name = "p", .grants = std::vector<std::string>{"console"}});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("p.raya", "console.log(\"x\");\nreturn 1;\n");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(loaded.error.code, ErrorCode::HeapLimitExceeded) << loaded.error.to_string();
  EXPECT_NE(loaded.error.message.find("the host ran out of memory"), std::string::npos) << loaded.error.message;
  EXPECT_EQ(loaded.error.limit, messages::VmOptions{}.max_heap_bytes);
}

TEST(WholeProgram, SourceSentToASandboxReadsNoFile) {
  Runtime rt(small_config());
  auto sb = rt.sandbox({.name = "p"});
  ASSERT_TRUE(sb.ok());
  auto loaded = sb->load_source("/etc/main.raya", "import * as p from \"./passwd\";\nreturn p;\n");
  EXPECT_FALSE(loaded.ok);
  EXPECT_EQ(loaded.error.code, ErrorCode::CompileError);
  ASSERT_EQ(loaded.error.diagnostics.size(), 1u);
  EXPECT_NE(loaded.error.diagnostics[0].message.find("reads no files"), std::string::npos)
      << loaded.error.diagnostics[0].message;
}

TEST(WholeProgram, ConfigFilesThatAreNotRegularFilesAreRefused) {
  for (const std::string& path : {std::string("/dev/zero"), std::string("/tmp")}) {
    auto config = load_runtime_config(path);
    ASSERT_FALSE(config.ok()) << path;
    EXPECT_EQ(config.error().code, ErrorCode::ConfigError);
    EXPECT_NE(config.error().message.find("not a regular file"), std::string::npos) << config.error().message;
    auto profile = load_sandbox_profile(path);
    ASSERT_FALSE(profile.ok()) << path;
    EXPECT_NE(profile.error().message.find("not a regular file"), std::string::npos) << profile.error().message;
  }
}

}  // namespace
}  // namespace raya::actors
