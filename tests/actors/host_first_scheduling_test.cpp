// The hostFirst scheduler: its two-lane run queue on its own (order, the
// anti-starvation streak), how it tells a sandbox from any other actor, and
// on one worker thread: a host actor runs before sandbox work queued ahead
// of it, and a host actor that never rests still lets sandboxes finish.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/host_first_scheduling.hpp"
#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers

/// A job the queue only stores and hands back; never run.
struct FakeJob : caf::resumable {
  resume_result resume(caf::execution_unit*, size_t) override { return done; }
  void intrusive_ptr_add_ref_impl() override {}
  void intrusive_ptr_release_impl() override {}
};

TEST(TwoLaneRunQueue, HostJobsGoBeforeSandboxJobsAndEachLaneIsFifo) {
  FakeJob s1, s2, h1, h2;
  TwoLaneRunQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.pop(), nullptr);
  q.push(&s1, true);
  q.push(&h1, false);
  q.push(&s2, true);
  q.push(&h2, false);
  EXPECT_EQ(q.pop(), &h1);
  EXPECT_EQ(q.pop(), &h2);
  EXPECT_EQ(q.pop(), &s1);
  EXPECT_EQ(q.pop(), &s2);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(TwoLaneRunQueue, AfterAStreakOfHostJobsAWaitingSandboxGoes) {
  FakeJob host, sandbox;
  TwoLaneRunQueue q;
  q.push(&sandbox, true);
  for (uint32_t i = 0; i < 3 * TwoLaneRunQueue::kHostStreak; ++i) q.push(&host, false);
  for (uint32_t i = 0; i < TwoLaneRunQueue::kHostStreak; ++i) ASSERT_EQ(q.pop(), &host) << "pop " << i;
  EXPECT_EQ(q.pop(), &sandbox) << "the sandbox waited through a whole streak";
  EXPECT_EQ(q.pop(), &host);
}

TEST(TwoLaneRunQueue, TheStreakCountsOnlyWhileSandboxesWait) {
  FakeJob host, sandbox;
  TwoLaneRunQueue q;
  for (uint32_t i = 0; i < 2 * TwoLaneRunQueue::kHostStreak; ++i) q.push(&host, false);
  for (uint32_t i = 0; i < 2 * TwoLaneRunQueue::kHostStreak; ++i) ASSERT_EQ(q.pop(), &host);
  // Host jobs run while no sandbox waited: a sandbox arriving now does not
  // jump ahead of the host.
  q.push(&sandbox, true);
  q.push(&host, false);
  EXPECT_EQ(q.pop(), &host);
  EXPECT_EQ(q.pop(), &sandbox);
}

caf::resumable* job_of(const caf::actor_addr& addr) {
  caf::strong_actor_ptr ptr = caf::actor_cast<caf::strong_actor_ptr>(addr);
  return ptr ? dynamic_cast<caf::resumable*>(ptr->get()) : nullptr;
}

using note_atom = caf::atom_constant<caf::atom("note")>;

caf::behavior idle_actor(caf::event_based_actor*, int /*unused*/) {
  return {[](note_atom) {}};
}

TEST(HostFirstScheduling, TellsAContextFromAnyOtherActor) {
  TestSystem sys;
  context_actor context = spawn_context(*sys, ContextSpec{});
  supervisor_actor supervisor = spawn_supervisor(*sys, SupervisorSpec{});
  caf::actor plain = sys->spawn(idle_actor, 0);
  ASSERT_NE(job_of(context.address()), nullptr);
  EXPECT_TRUE(is_sandbox_job(job_of(context.address())));
  EXPECT_FALSE(is_sandbox_job(job_of(supervisor.address())));
  EXPECT_FALSE(is_sandbox_job(job_of(plain.address())));
  terminate(*sys, context);
  caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(plain, caf::exit_reason::user_shutdown);
}

/// One worker thread, so the run queue's order is the order of execution.
RuntimeConfig one_worker(const std::string& policy) {
  RuntimeConfig c = two_workers(policy);
  c.worker_threads = 1;
  return c;
}

/// Records which side ran, in order.
struct Log {
  std::mutex mutex;
  std::vector<std::string> entries;
  void add(std::string what) {
    std::lock_guard lock(mutex);
    entries.push_back(std::move(what));
  }
  size_t size() {
    std::lock_guard lock(mutex);
    return entries.size();
  }
};

/// Occupies the only worker until released, so work queues up behind it.
struct Blocker {
  std::promise<void> started;
  std::promise<void> release;
  caf::actor actor;
  explicit Blocker(caf::actor_system& sys) {
    std::shared_future<void> released = release.get_future().share();
    actor = sys.spawn(
        [this, released](caf::event_based_actor*, int) -> caf::behavior {
          return {[this, released](note_atom) {
            started.set_value();
            released.wait();
          }};
        },
        0);
    caf::anon_send(actor, note_atom::value);
    started.get_future().wait();
  }
  ~Blocker() { caf::anon_send_exit(actor, caf::exit_reason::user_shutdown); }
};

std::vector<std::string> order_of_a_host_message_queued_behind_sandboxes(const std::string& policy) {
  TestSystem sys(one_worker(policy));
  Log log;
  auto registry = std::make_shared<CapabilityRegistry>();
  registry->add("note", [&](const messages::CapabilityCall&) {
    log.add("sandbox");
    return Value(0);
  });
  std::vector<context_actor> contexts;
  for (int i = 0; i < 3; ++i) {
    ContextSpec spec;
    spec.grants = {"note"};
    spec.capabilities = registry;
    contexts.push_back(spawn_context(*sys, std::move(spec)));
    EXPECT_TRUE(load(*sys, contexts.back(),
                     "import { note } from \"host:\";\n"
                     "export async function f(): Promise<number> { return await note(); }\n")
                    .ok);
  }
  caf::actor host = sys->spawn(
      [&log](caf::event_based_actor*, int) -> caf::behavior { return {[&log](note_atom) { log.add("host"); }}; }, 0);
  {
    Blocker blocker(*sys);
    for (const context_actor& c : contexts) caf::anon_send(c, run_atom::value, std::string("f"), ValueList{});
    caf::anon_send(host, note_atom::value);
    blocker.release.set_value();
  }
  EXPECT_TRUE(eventually([&] { return log.size() == 4; }));
  for (const context_actor& c : contexts) terminate(*sys, c);
  caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
  std::lock_guard lock(log.mutex);
  return log.entries;
}

TEST(HostFirstScheduling, AHostActorRunsBeforeSandboxWorkQueuedAheadOfIt) {
  std::vector<std::string> order = order_of_a_host_message_queued_behind_sandboxes("hostFirst");
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), "host");
  // The control: CAF's plain sharing runs the queue in arrival order.
  std::vector<std::string> fifo = order_of_a_host_message_queued_behind_sandboxes("sharing");
  ASSERT_EQ(fifo.size(), 4u);
  EXPECT_EQ(fifo.back(), "host");
}

TEST(HostFirstScheduling, AHostActorThatNeverRestsDoesNotStarveSandboxes) {
  TestSystem sys(one_worker("hostFirst"));
  // Sends itself a message forever: the host lane is never empty.
  caf::actor restless = sys->spawn(
      [](caf::event_based_actor* self, int) -> caf::behavior {
        self->send(self, note_atom::value);
        return {[self](note_atom) { self->send(self, note_atom::value); }};
      },
      0);
  context_actor c = spawn_context(*sys, ContextSpec{});
  ASSERT_TRUE(load(*sys, c,
                   "export function sum(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += i; "
                   "return s; }\n")
                  .ok);
  messages::TaskResult r = run(*sys, c, "sum", {Value(200'000)});  // 20+ slices
  EXPECT_TRUE(r.ok) << describe(r.error);
  EXPECT_DOUBLE_EQ(number(r.value), 19'999'900'000.0);
  terminate(*sys, c);
  caf::anon_send_exit(restless, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace raya::actors
