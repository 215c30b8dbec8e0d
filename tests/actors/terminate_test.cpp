// Terminating a context that is waiting — on a host call it has not been
// answered, or on a long timer — returns at once; every waiter gets
// Terminated, and whatever the host does with the call afterwards (answer it,
// drop it) is harmless. Through the supervisor, terminate by id answers true
// once, later requests get ContextNotFound saying it was terminated.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers
using messages::CapabilityCall;
using messages::CapabilityResult;

constexpr const char* kProgram = R"(
import { hold } from "host:";
import { sleep } from "raya:task";
export async function waitHost(): Promise<number> { return await hold(); }
export async function nap(): Promise<number> { await sleep(10000); return 1; }
export function one(): number { return 1; }
)";

/// Far less than the 10 s the sleeping task would need: terminate did not
/// wait for the timer (or the host) to finish.
constexpr auto kPrompt = std::chrono::seconds(3);

class Terminate : public ::testing::Test {
 protected:
  Terminate() : registry_(std::make_shared<CapabilityRegistry>()) {
    registry_->add_async("hold", [this](const CapabilityCall&, CapabilityRegistry::Reply reply) {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(reply));
      changed_.notify_all();
    });
  }

  context_actor context() {
    ContextSpec spec;
    spec.name = "t";
    spec.grants = {"hold"};
    spec.capabilities = registry_;
    context_actor c = spawn_context(*sys_, std::move(spec));
    EXPECT_TRUE(load(*sys_, c, kProgram).ok);
    return c;
  }

  bool wait_held(size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kReplyTimeout, [&] { return held_.size() >= n; });
  }

  CapabilityRegistry::Reply take_held(size_t i) {
    std::lock_guard lock(mutex_);
    return std::move(held_.at(i));
  }

  TestSystem sys_;
  std::shared_ptr<CapabilityRegistry> registry_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<CapabilityRegistry::Reply> held_;
};

TEST_F(Terminate, DuringAHostCallReturnsPromptlyWaitersGetTerminatedAndALateAnswerIsHarmless) {
  context_actor c = context();
  context_actor bystander = context();
  // One sender, so the context sees these in this order, terminate last.
  Sequence seq(*sys_);
  auto waiting = seq.send<messages::TaskResult>(c, run_atom::value, std::string("waitHost"), ValueList{});
  messages::Started spawned = seq.send<messages::Started>(c, spawn_atom::value, std::string("waitHost"), ValueList{})();
  ASSERT_TRUE(spawned.ok);
  auto awaiting = seq.send<messages::TaskResult>(c, await_atom::value, spawned.task_id);
  ASSERT_TRUE(wait_held(2));

  auto start = std::chrono::steady_clock::now();
  seq.send<messages::VmStats>(c, terminate_atom::value)();
  EXPECT_LT(std::chrono::steady_clock::now() - start, kPrompt);
  for (auto* f : {&waiting, &awaiting}) {
    messages::TaskResult r = (*f)();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error.code, ErrorCode::Terminated) << describe(r.error);
  }
  // Answering one held call and dropping the other touch a dead context.
  take_held(0)(CapabilityResult::success(Value(5)));
  { CapabilityRegistry::Reply dropped = take_held(1); }
  EXPECT_EQ(run(*sys_, bystander, "one").value, Value(1));
  terminate(*sys_, bystander);
}

TEST_F(Terminate, DuringATimerReturnsPromptlyAndWaitersGetTerminated) {
  context_actor c = context();
  auto start = std::chrono::steady_clock::now();
  Sequence seq(*sys_);
  auto napping = seq.send<messages::TaskResult>(c, run_atom::value, std::string("nap"), ValueList{});
  messages::Started spawned = seq.send<messages::Started>(c, spawn_atom::value, std::string("nap"), ValueList{})();
  ASSERT_TRUE(spawned.ok);
  auto awaiting = seq.send<messages::TaskResult>(c, await_atom::value, spawned.task_id);
  // Both tasks are asleep (a task runs to its first await in the slice that
  // follows its request).
  messages::VmStats last = seq.send<messages::VmStats>(c, terminate_atom::value)();
  EXPECT_EQ(last.tasks, 2u);
  for (auto* f : {&napping, &awaiting}) {
    messages::TaskResult r = (*f)();
    EXPECT_EQ(r.error.code, ErrorCode::Terminated) << describe(r.error);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, kPrompt);
}

TEST_F(Terminate, RequestToATerminatedContextIsBouncedNotLeftHanging) {
  context_actor c = context();
  terminate(*sys_, c);
  auto after = ask<messages::TaskResult>(*sys_, c, run_atom::value, std::string("one"), ValueList{});
  ASSERT_EQ(after.wait_for(kReplyTimeout), std::future_status::ready);
  caf::expected<messages::TaskResult> r = after.get();
  // The actor has quit: CAF bounces the request (no hang).
  EXPECT_FALSE(bool(r));
}

TEST_F(Terminate, ThroughTheSupervisorByIdOnceThenContextNotFoundSaysItWasTerminated) {
  SupervisorSpec spec;
  spec.capabilities = registry_;
  supervisor_actor sup = spawn_supervisor(*sys_, std::move(spec));
  SandboxSpec sandbox;
  sandbox.name = "victim";
  sandbox.grants = {"hold"};
  sandbox.modules.push_back(messages::ModuleSource::from_source("p.raya", kProgram));
  SpawnReply spawned = spawn_sandbox(*sys_, sup, sandbox);
  ASSERT_TRUE(spawned.ok) << describe(spawned.error);
  const uint64_t id = spawned.context_id;
  Sequence seq(*sys_);
  auto napping = seq.send<messages::TaskResult>(sup, run_atom::value, id, std::string("nap"), ValueList{});
  auto holding = seq.send<messages::TaskResult>(sup, run_atom::value, id, std::string("waitHost"), ValueList{});
  ASSERT_TRUE(wait_held(1));

  EXPECT_TRUE(seq.send<bool>(sup, terminate_atom::value, id)());
  EXPECT_EQ(napping().error.code, ErrorCode::Terminated);
  EXPECT_EQ(holding().error.code, ErrorCode::Terminated);
  take_held(0)(CapabilityResult::success(Value(1)));
  // The supervisor learns of the end from the context's down message; until
  // then a request by id still goes to the dead actor.
  messages::TaskResult later;
  ASSERT_TRUE(eventually([&] {
    auto f = ask<messages::TaskResult>(*sys_, sup, run_atom::value, id, std::string("one"), ValueList{});
    caf::expected<messages::TaskResult> r = f.get();
    if (!r) return false;
    later = *r;
    return true;
  }));
  EXPECT_EQ(later.error.code, ErrorCode::ContextNotFound) << describe(later.error);
  EXPECT_NE(later.error.message.find("was terminated"), std::string::npos) << later.error.message;
  EXPECT_EQ(report(*sys_, sup, id).state, messages::ContextReport::State::Terminated);
  EXPECT_FALSE(terminate(*sys_, sup, id));
  EXPECT_FALSE(terminate(*sys_, sup, 424242));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace raya::actors
