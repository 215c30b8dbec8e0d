// Reproductions for the actor-layer review (branch `review`). Each test states
// the behaviour the layer promises and FAILS on main as of ff07fde; the
// comment above it names the defect and where it lives. Memory findings are
// shown with the process's resident size (a repro, not a timed test).
// CLI findings: tests/actors/review_cli/run.sh build/bin/raya.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include <caf/actor_cast.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/sec.hpp>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers
using messages::CapabilityCall;
using messages::CapabilityResult;

/// ASan keeps freed memory in its quarantine (256 MiB by default), and TSan
/// maps shadow memory for every block touched, so under either a process
/// that churns memory grows (or shrinks) its resident size without a leak:
/// resident-size bounds are checked only in builds without them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kResidentSizeMeaningful = false;
#else
constexpr bool kResidentSizeMeaningful = true;
#endif

uint64_t resident_bytes() {
  long pages_total = 0, pages_resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return uint64_t(pages_resident) * uint64_t(sysconf(_SC_PAGESIZE));
}

/// Polls a context until no task is live (every spawned task has ended).
bool all_tasks_ended(caf::actor_system& sys, const context_actor& c) {
  return eventually([&] { return stats(sys, c).tasks == 0; });
}

// --- 1. unclaimed_ counts a failed task's value (null), not its error ----------------------------
// context_actor.cpp deliver_finished (~l.360): a spawned task nobody awaits
// keeps its TaskResult in unclaimed_, charged to the heap budget as
// payload_size(r.value). A failed task's value is null (32 bytes) while its
// error message and stack (any size the program chose) are kept uncharged:
// a client that spawns-and-forgets a throwing export grows the host's memory
// without bound, far past maxHeapBytes, and no request is ever refused.
TEST(ReviewRepro, UnawaitedFailedSpawnsKeepTheirErrorsWithinTheHeapBudget) {
  TestSystem sys;
  ContextSpec spec;
  spec.name = "errors";
  spec.options = with_heap(4u << 20);
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c, "export function boom(n: number) { throw new Error(\"x\".repeat(n)); }\n").ok);
  constexpr int kTasks = 64;
  std::vector<messages::TaskId> ids;
  for (int i = 0; i < kTasks; ++i) {
    messages::Started s = spawn_task(*sys, c, "boom", {Value(int64_t(1) << 18)});
    if (!s.ok) {
      // Kept errors count against the budget, so spawning is refused once
      // they fill it: back-pressure, not growth.
      EXPECT_EQ(s.error.code, ErrorCode::QuotaExceeded) << describe(s.error);
      continue;
    }
    ids.push_back(s.task_id);
    // Each task ends (its error kept and charged) before the next spawn, so
    // the admission check sees the kept errors: without this, how many
    // spawns arrive before the first task has run depends on the machine
    // (under ASan, enough to pass the heap limit inside a task instead).
    ASSERT_TRUE(all_tasks_ended(*sys, c));
  }
  // Every result is now held by the actor at once; collect them.
  uint64_t held = 0;
  for (messages::TaskId id : ids) {
    messages::TaskResult r = await_task(*sys, c, id);
    EXPECT_FALSE(r.ok);
    held += r.error.message.size() + r.error.stack.size();
  }
  EXPECT_LE(held, uint64_t(4u << 20)) << "the context held " << held
                                      << " bytes of unawaited results outside its 4 MiB heap budget";
}

// --- 2. a capability timeout frees the quota slot while the call still runs ----------------------
// context_host_calls.cpp answer() (~l.190) decrements Usage::in_flight when
// the deadline fires, but the host is still working on the call (an
// AsyncFunction keeps its Reply; a capability actor its request). With
// maxConcurrent N and any timeout, a program that catches Timeout in a loop
// has unboundedly many calls running on the host at once.
TEST(ReviewRepro, MaxConcurrentBoundsCallsStillRunningOnTheHostAfterTheirTimeout) {
  TestSystem sys;
  auto registry = std::make_shared<CapabilityRegistry>();
  std::mutex mutex;
  std::vector<CapabilityRegistry::Reply> running;  // calls the host has not finished
  CapabilityLimits limits;
  limits.max_concurrent = 2;
  limits.timeout = std::chrono::milliseconds(1);
  registry->add_async(
      "slow",
      [&](const CapabilityCall&, CapabilityRegistry::Reply reply) {
        std::lock_guard lock(mutex);
        running.push_back(std::move(reply));
      },
      limits);
  ContextSpec spec;
  spec.name = "quota";
  spec.grants = {"slow"};
  spec.capabilities = registry;
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c,
                   "import { slow } from \"host:\";\n"
                   "export async function go(n: number): Promise<number> {\n"
                   "  let timeouts = 0;\n"
                   "  for (let i = 0; i < n; i++) { try { await slow(); } catch (e) { timeouts++; } }\n"
                   "  return timeouts;\n"
                   "}\n")
                  .ok);
  messages::TaskResult r = run(*sys, c, "go", {Value(100)});
  ASSERT_TRUE(r.ok) << describe(r.error);
  size_t at_once;
  {
    std::lock_guard lock(mutex);
    at_once = running.size();
  }
  EXPECT_LE(at_once, 2u) << "maxConcurrent 2, but " << at_once << " calls are running on the host at once";
  terminate(*sys, c);
  std::lock_guard lock(mutex);
  running.clear();
}

// --- 3. delayed sends keep an ended context actor alive ----------------------------------------
// Sleeps and capability timeouts were delayed_send(this, ...): CAF 0.17.6's
// clock holds a strong_actor_ptr to the receiver until the time comes, so an
// ended context with a pending sleep(1e12), or one whose call is under a 1 h
// timeout, was never destroyed. They are clock timeouts now, which CAF
// cancels when the actor quits; a Reply the host keeps holds the context
// weakly.
TEST(ReviewRepro, EndedContextIsFreedEvenWithATimerPending) {
  TestSystem sys;
  auto registry = std::make_shared<CapabilityRegistry>();
  CapabilityLimits hour;
  hour.timeout = std::chrono::hours(1);
  // Answers at once, but from the host's side (async): the call is under
  // its 1 h deadline until the answer arrives.
  registry->add_async(
      "quick", [](const CapabilityCall&, CapabilityRegistry::Reply reply) { reply(CapabilityResult::success(Value(1))); },
      hour);
  std::vector<CapabilityRegistry::Reply> kept;  // the host keeps its Replies and never answers
  std::mutex kept_mutex;
  registry->add_async(
      "never",
      [&](const CapabilityCall&, CapabilityRegistry::Reply reply) {
        std::lock_guard lock(kept_mutex);
        kept.push_back(std::move(reply));
      },
      hour);
  auto run_and_end = [&](const std::string& program) -> caf::actor_addr {
    ContextSpec spec;
    spec.name = "z";
    spec.grants = {"quick", "never"};
    spec.capabilities = registry;
    context_actor c = spawn_context(*sys, std::move(spec));
    EXPECT_TRUE(load(*sys, c, program).ok);
    messages::TaskResult r = run(*sys, c, "go");
    EXPECT_TRUE(r.ok) << describe(r.error);
    terminate(*sys, c);
    return c.address();
  };
  auto freed = [](const caf::actor_addr& a) {
    return eventually([&] { return caf::actor_cast<caf::strong_actor_ptr>(a) == nullptr; },
                      std::chrono::seconds(5));
  };
  caf::actor_addr plain = run_and_end("export function go() { return 1; }");
  caf::actor_addr sleeper = run_and_end(
      "import { sleep } from \"raya:task\";\n"
      "async function nap(): Promise<number> { await sleep(1e12); return 0; }\n"
      "export function go() { nap(); return 1; }\n");
  caf::actor_addr caller = run_and_end(
      "import { quick } from \"host:\";\n"
      "export async function go(): Promise<number> { return await quick(); }\n");
  caf::actor_addr waiter = run_and_end(
      "import { never } from \"host:\";\n"
      "async function wait(): Promise<number> { return await never(); }\n"
      "export function go() { wait(); return 1; }\n");
  EXPECT_TRUE(freed(plain)) << "control: a context without timers is freed";
  EXPECT_TRUE(freed(waiter)) << "an ended context whose Reply the host keeps (1 h timeout) is kept alive";
  {
    std::lock_guard lock(kept_mutex);
    ASSERT_EQ(kept.size(), 1u);
    kept.front()(messages::CapabilityResult::success(Value(2)));  // answering an ended context is harmless
    kept.clear();
  }
  EXPECT_TRUE(freed(sleeper)) << "an ended context with a pending sleep is kept alive by CAF's clock";
  EXPECT_TRUE(freed(caller)) << "an ended context that made a call under a 1 h timeout is kept alive";
}

// --- 4. cancelled sleepers leave pending_ entries and clock entries behind -----------------------
// on_timer() is the only place a timer's pending_ entry goes; a cancelled
// sleeper's timer stays in pending_ and in CAF's clock until it fires (up to
// 1e15 ms). A program (1 MiB heap, 1000 tasks) that starts and cancels
// sleepers in a loop grows the host without bound.
TEST(ReviewRepro, CancelledSleepersDoNotGrowTheHost) {
  // Bounded by the per-context cap on pending timers (maxTasks): past it a
  // sleep fails with a catchable QuotaExceeded instead of growing the host.
  TestSystem sys;
  ContextSpec spec;
  spec.name = "sleepers";
  spec.options = with_heap(1u << 20);
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c,
                   "import { sleep } from \"raya:task\";\n"
                   "async function nap(): Promise<number> { await sleep(1e12); return 0; }\n"
                   "export async function churn(rounds: number): Promise<number> {\n"
                   "  for (let r = 0; r < rounds; r++) {\n"
                   "    const ts = [];\n"
                   "    for (let i = 0; i < 200; i++) ts.push(nap());\n"
                   "    await sleep(0);\n"
                   "    for (const t of ts) t.cancel();\n"
                   "  }\n"
                   "  return rounds;\n"
                   "}\n")
                  .ok);
  (void)run(*sys, c, "churn", {Value(20)});  // warm up allocators
  uint64_t before = resident_bytes();
  messages::TaskResult r = run(*sys, c, "churn", {Value(1000)});
  EXPECT_TRUE(r.ok || r.error.name == "QuotaExceeded") << describe(r.error);
  const uint64_t after = resident_bytes();
  const uint64_t grown = after > before ? after - before : 0;  // shrinking is fine
  if (kResidentSizeMeaningful)
    EXPECT_LT(grown, uint64_t(32) << 20) << "the host grew by " << (grown >> 20)
                                       << " MiB for a context limited to a 1 MiB heap";
  EXPECT_LE(stats(*sys, c).heap_bytes_used, uint64_t(1) << 20);
  // Without this the test never ends: the clock's references keep the
  // context running, and ~actor_system waits for it (for 1e12 ms).
  terminate(*sys, c);
}

// --- 5. a stray error or exit message ends a context without answering its waiters ---------------
// CAF 0.17.6 scheduled_actor: a message holding just a caf::error goes to the
// error handler, whose default quits the actor; a non-normal exit_msg does
// the same. ContextActor::on_exit (context_actor.cpp ~l.453) frees the VM but
// drops task_waiters_/load_waiters_/held_ without delivering: every pending
// run/await/load waits forever (Runtime's bridge asks with caf::infinite).
// Anyone holding the handle (SpawnReply hands it out) can send either.
void expect_run_answered_after(const std::function<void(caf::actor_system&, const context_actor&)>& kill) {
  TestSystem sys;
  ContextSpec spec;
  spec.name = "victim";
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c,
                   "import { sleep } from \"raya:task\";\n"
                   "export async function go(): Promise<number> { await sleep(60000); return 1; }\n")
                  .ok);
  auto pending = ask_within<messages::TaskResult>(*sys, std::chrono::seconds(3), c, run_atom::value,
                                                  std::string("go"), ValueList{});
  ASSERT_TRUE(eventually([&] { return stats(*sys, c).tasks == 1; }));
  kill(*sys, c);
  caf::expected<messages::TaskResult> r = pending.get();
  EXPECT_TRUE(bool(r)) << "the run was never answered: " << (r ? "" : sys->render(r.error()));
}

TEST(ReviewRepro, StrayErrorMessageDoesNotEndTheContext) {
  TestSystem sys;
  ContextSpec spec;
  spec.name = "victim";
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c, "export function f() { return 7; }\n").ok);
  caf::anon_send(caf::actor_cast<caf::actor>(c), caf::make_error(caf::sec::runtime_error));
  EXPECT_EQ(run(*sys, c, "f").value, Value(7)) << "a stray error message ended the context";
}

TEST(ReviewRepro, ExitMessageDoesNotLoseARunningRequest) {
  expect_run_answered_after([](caf::actor_system&, const context_actor& c) {
    caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  });
}

// The supervisor has no error handler either: one stray caf::error message
// and it quits, taking every context of the runtime with it.
TEST(ReviewRepro, StrayErrorMessageDoesNotKillTheSupervisor) {
  TestSystem sys;
  supervisor_actor sup = spawn_supervisor(*sys, SupervisorSpec{});
  StopAtEnd stop{sup};
  ASSERT_TRUE(spawn_sandbox(*sys, sup, SandboxSpec{.name = "a"}).ok);
  caf::anon_send(caf::actor_cast<caf::actor>(sup), caf::make_error(caf::sec::runtime_error));
  SpawnReply b = spawn_sandbox(*sys, sup, SandboxSpec{.name = "b"});
  EXPECT_TRUE(b.ok) << "the supervisor died of a stray error message";
}

// --- 6. anyone can send the supervisor a context's "last word" ----------------------------------
// supervisor.cpp ended_atom handler (~l.92) trusts the report's context_id
// and never checks the sender. A forged (ended_atom, ContextReport{id}) makes
// alive(id) false for good: the live context keeps running and holding its
// slot and heap reservation, but can no longer be used or terminated.
TEST(ReviewRepro, ForgedEndedReportDoesNotOrphanALiveContext) {
  TestSystem sys;
  SupervisorSpec s;
  s.policy.max_contexts = 1;
  supervisor_actor sup = spawn_supervisor(*sys, std::move(s));
  StopAtEnd stop{sup};
  SpawnReply a = spawn_sandbox(*sys, sup, SandboxSpec{.name = "a"});
  ASSERT_TRUE(a.ok);
  messages::ContextReport forged;
  forged.context_id = a.context_id;
  forged.state = messages::ContextReport::State::Terminated;
  caf::anon_send(sup, ended_atom::value, forged);
  messages::LoadResult l = load(*sys, sup, a.context_id, "export function f() { return 1; }");
  EXPECT_TRUE(l.ok) << describe(l.error);
  EXPECT_EQ(stats(*sys, a.context).limits, a.options) << "(it is still alive)";
  EXPECT_TRUE(terminate(*sys, sup, a.context_id)) << "the context can no longer be terminated";
  SpawnReply b = spawn_sandbox(*sys, sup, SandboxSpec{.name = "b"});
  EXPECT_TRUE(b.ok) << describe(b.error);
}

// --- 7. a fresh restart replays modules with anon_send: back-pressure drops them silently --------
// supervisor.cpp on_down (~l.292) sends every remembered module at once as
// an asynchronous load. The context's admission control counts them all as
// queued; those past maxHeapBytes are refused, and a refused async message
// is dropped without a word (context_actor.cpp enqueue: "an asynchronous
// send has no one to tell"). Loads that worked one by one at spawn time no
// longer fit together: the restarted context silently lacks its last modules.
TEST(ReviewRepro, FreshRestartReloadsEveryModule) {
  TestSystem sys;
  // The heap a context uses with one small module loaded.
  uint64_t baseline;
  {
    context_actor probe = spawn_context(*sys, ContextSpec{});
    ASSERT_TRUE(load(*sys, probe, "export function f() { return 1; }").ok);
    baseline = stats(*sys, probe).heap_bytes_used;
    terminate(*sys, probe);
  }
  const uint64_t module_bytes = std::max<uint64_t>(512u << 10, 2 * baseline);
  SupervisorSpec s;
  s.policy.restart = RestartStrategy::RestartFresh;
  supervisor_actor sup = spawn_supervisor(*sys, std::move(s));
  StopAtEnd stop{sup};
  SandboxSpec spec{.name = "r"};
  spec.options.max_heap_bytes = 2 * baseline + module_bytes * 5 / 2;
  SpawnReply a = spawn_sandbox(*sys, sup, spec);
  ASSERT_TRUE(a.ok) << describe(a.error);
  const std::string padding = "// " + std::string(module_bytes, 'p') + "\n";
  for (int i = 1; i <= 6; ++i) {
    std::string text = padding + "export function f" + std::to_string(i) + "() { return " + std::to_string(i) + "; }\n";
    if (i == 6)
      text += "export function boom() { const a = []; while (true) a.push(\"x\".repeat(1000) + a.length); }\n";
    messages::LoadResult l = load(*sys, sup, a.context_id, text, "m" + std::to_string(i) + ".raya");
    ASSERT_TRUE(l.ok) << "module " << i << ": " << describe(l.error);
  }
  messages::TaskResult boom = run(*sys, sup, a.context_id, "boom");
  ASSERT_EQ(boom.error.code, ErrorCode::HeapLimitExceeded) << describe(boom.error);
  ASSERT_TRUE(eventually([&] { return report(*sys, sup, a.context_id).restarts == 1; }));
  messages::TaskResult r = run(*sys, sup, a.context_id, "f6");
  EXPECT_TRUE(r.ok) << "after the restart: " << describe(r.error);
}

// --- 8. the supervisor keeps a copy of every module ever loaded ---------------------------------
// supervisor.cpp load handler (~l.55) pushes each module into
// live->spec.modules before the context has even accepted it — whatever the
// restart strategy, and failed loads included. Nothing charges or bounds it:
// a client re-loading a sandbox grows the supervisor without limit.
TEST(ReviewRepro, SupervisorDoesNotKeepEveryLoadedModule) {
  TestSystem sys;
  supervisor_actor sup = spawn_supervisor(*sys, SupervisorSpec{});
  StopAtEnd stop{sup};
  SpawnReply a = spawn_sandbox(*sys, sup, SandboxSpec{.name = "loader"});
  ASSERT_TRUE(a.ok);
  // 2 MiB of comment and a syntax error: the context keeps nothing of it.
  const std::string text = "// " + std::string(2u << 20, 'c') + "\nexport function (\n";
  EXPECT_FALSE(load(*sys, sup, a.context_id, text).ok);
  uint64_t before = resident_bytes();
  for (int i = 0; i < 64; ++i) EXPECT_FALSE(load(*sys, sup, a.context_id, text).ok);
  const uint64_t after = resident_bytes();
  const uint64_t grown = after > before ? after - before : 0;  // shrinking is fine
  if (kResidentSizeMeaningful)
    EXPECT_LT(grown, uint64_t(32) << 20) << "64 failed 2 MiB loads grew the host by " << (grown >> 20) << " MiB";
}

// --- 9. the internal messages are part of the public interface ----------------------------------
// context_actor.hpp: resume/timer/capreply/capexpire are in the typed
// interface, and SpawnReply hands every client the context's handle. Nothing
// checks where a (reply_atom, id, CapabilityResult) came from, and request
// ids are small sequential numbers: a client can answer any pending host
// call itself (the real capability's answer is then dropped as "late"), wake
// sleepers with timer_atom, or fail calls with capexpire.
TEST(ReviewRepro, ForgedCapabilityReplyIsIgnored) {
  TestSystem sys;
  auto registry = std::make_shared<CapabilityRegistry>();
  std::mutex mutex;
  std::vector<CapabilityRegistry::Reply> held;
  registry->add_async("check", [&](const CapabilityCall&, CapabilityRegistry::Reply reply) {
    std::lock_guard lock(mutex);
    held.push_back(std::move(reply));
  });
  ContextSpec spec;
  spec.name = "forged";
  spec.grants = {"check"};
  spec.capabilities = registry;
  context_actor c = spawn_context(*sys, std::move(spec));
  ASSERT_TRUE(load(*sys, c,
                   "import { check } from \"host:\";\n"
                   "export async function go(): Promise<string> { return await check(); }\n")
                  .ok);
  auto pending = run_async(*sys, c, "go");
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return held.size() == 1;
  }));
  // Guessable ids with guessed tokens; and the internal timer and resume
  // messages, which only count from the context itself.
  for (uint64_t id = 1; id <= 64; ++id) {
    for (uint64_t token : {uint64_t(0), id, ~uint64_t(0)})
      caf::anon_send(c, reply_atom::value, id, token, CapabilityResult::success(Value("forged")));
    caf::anon_send(c, timer_atom::value);
    caf::anon_send(caf::actor_cast<caf::actor>(c), caf::timeout_msg{timer_atom::value, id});  // as the clock would, from someone else
    caf::anon_send(c, resume_atom::value);
  }
  {
    std::lock_guard lock(mutex);
    held[0](CapabilityResult::success(Value("from the host")));
  }
  messages::TaskResult r = get(*sys, pending);
  ASSERT_TRUE(r.ok) << describe(r.error);
  EXPECT_EQ(r.value, Value("from the host"));
  std::lock_guard lock(mutex);
  held.clear();
}

}  // namespace
}  // namespace raya::actors
