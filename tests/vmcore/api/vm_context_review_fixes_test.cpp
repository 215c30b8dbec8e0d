// Regression tests for the review of the task implementation: each test is a
// way a sandbox or an embedding could crash the host, hold memory outside
// its limit, or get a wrong answer, and what happens now instead.
#include <gtest/gtest.h>

#include "tests/vmcore/api/vm_context_test_support.hpp"

namespace raya::vm::vm_context_test {
namespace {

TEST(VmContextReviewFixes, CancelOnAContextEndedByAHeapLimitIsRefusedNotACrash) {
  messages::VmOptions options;
  options.max_heap_bytes = 1 << 20;
  Embedding e(options);
  e.load_and_run("export function main() { const a = []; while (true) a.push([1, 2, 3]); }\n");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Fatal);
  EXPECT_FALSE(e.vm.cancel(id));
  ASSERT_NE(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::HeapLimitExceeded);
}

TEST(VmContextReviewFixes, AnAwaitedArrayRepeatingOneTaskRegistersItsWaiterOnce) {
  // 1,000 waiters each awaiting an array of 10,000 copies of one task used
  // to hold 10 million uncharged waiter entries.
  messages::VmOptions options;
  options.max_tasks = 2000;
  Embedding e(options);
  e.load_and_run(R"(
import { sleep } from "raya:task";
async function slow() { await sleep(10); return 1; }
async function watch(list) { const r = await list; return r.length; }
export function main() {
  const t = slow();
  const list = new Array(10000).fill(t);
  const watchers = [];
  for (let i = 0; i < 1000; i++) watchers.push(watch(list));
  return 0;
}
)");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  e.expect_value(id);
  // 1,000 registrations of 16 bytes, not 10 million.
  EXPECT_LT(e.vm.stats().heap_bytes_used, 8u << 20);
  ASSERT_EQ(e.requests.size(), 1u);
  EXPECT_TRUE(e.vm.complete(e.requests.front().id, {}).ok());
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(e.vm.stats().tasks, 0u);
}

TEST(VmContextReviewFixes, PendingHostCallArgumentsCountAgainstTheHeapLimit) {
  // 400 pending calls each holding a copy of a 200,000-element array would
  // hold far more than the 16 MiB limit: the context ends instead.
  messages::VmOptions options;
  options.max_heap_bytes = 16 << 20;
  Embedding e(options, {"log"});
  e.load_and_run(R"(
import { log } from "host:";
async function send(big) { return await log(big); }
export function main() {
  const big = new Array(200000).fill(7);
  for (let i = 0; i < 400; i++) send(big);
  return 0;
}
)");
  e.start("main");
  RunOutcome r = e.run_until_idle();
  EXPECT_EQ(r.kind, Kind::Fatal);
  ASSERT_NE(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::HeapLimitExceeded);
  EXPECT_LT(e.requests.size(), 400u);
}

TEST(VmContextReviewFixes, PendingArgumentsAreUnchargedWhenTheCallIsAnswered) {
  Embedding e({}, {"log"});
  e.load_and_run("import { log } from \"host:\";\nexport async function main() { return await log(\"x\".repeat(100000)); }\n");
  uint64_t before = e.vm.stats().heap_bytes_used;
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  EXPECT_GT(e.vm.stats().heap_bytes_used, before + 100000);  // the string and its pending copy
  e.answer(M(1));
  e.expect_value(id);
  EXPECT_LT(e.vm.stats().heap_bytes_used, before + 400000);
}

TEST(VmContextReviewFixes, FailingARequestWithoutAnErrorKindGivesCapabilityFailed) {
  Embedding e({}, {"get"});
  e.load_and_run(R"(
import { get } from "host:";
export async function main() { try { await get(); } catch (e) { return e.name + ": " + e.message; } }
)");
  TaskId id = e.start("main");
  e.run_until_idle();
  messages::Error kindless;
  kindless.message = "no reason";
  e.answer_with_error(kindless);
  EXPECT_EQ(json(e.expect_value(id)), json(M("CapabilityFailed: no reason")));
}

TEST(VmContextReviewFixes, TheTopLevelResultIsNotKeptAfterItIsReported) {
  // The module's top-level code returns an 8 MB array; once reported, a call
  // that needs most of the heap must fit.
  messages::VmOptions options;
  options.max_heap_bytes = 24 << 20;
  Embedding e(options);
  e.load_and_run(R"(
export function work() { const a = new Array(1500000).fill(1); return a.length; }
return new Array(1000000).fill(2);
)");
  EXPECT_EQ(json(e.call("work")), json(M(1500000)));
}

}  // namespace
}  // namespace raya::vm::vm_context_test
