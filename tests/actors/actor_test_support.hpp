// Helpers for the actor layer's integration tests: a real actor system set up
// the way Runtime sets one up (actors::configure), and requests issued from
// short-lived event-based actors so a test thread can fire many at once and
// wait for their futures. Every request carries a timeout, so a reply that
// never comes fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/context_actor.hpp"
#include "actors/runtime.hpp"
#include "actors/supervisor.hpp"

namespace raya::actors::test {

using messages::ErrorCode;
using messages::Value;

/// How long any single request may take before the test fails. Generous:
/// the point is to turn a hang into a failure, not to time anything.
inline constexpr std::chrono::seconds kReplyTimeout{20};

inline RuntimeConfig two_workers(std::string policy = "hostFirst") {
  RuntimeConfig c;
  c.worker_threads = 2;
  c.scheduler_policy = std::move(policy);
  return c;
}

/// An actor system configured as Runtime configures its own.
class TestSystem {
 public:
  explicit TestSystem(const RuntimeConfig& config = two_workers()) : cfg_(make_cfg(config)), system_(*cfg_) {}
  caf::actor_system& operator*() { return system_; }
  caf::actor_system* operator->() { return &system_; }
  caf::actor_system& get() { return system_; }

 private:
  static std::unique_ptr<caf::actor_system_config> make_cfg(const RuntimeConfig& config) {
    auto cfg = std::make_unique<caf::actor_system_config>();
    configure(*cfg, config);
    return cfg;
  }
  std::unique_ptr<caf::actor_system_config> cfg_;
  caf::actor_system system_;
};

/// Sends a request from a fresh event-based actor; the future gets the reply
/// (or the CAF error, e.g. a timeout or a dead receiver).
template <class Reply, class Handle, class... Ts>
std::future<caf::expected<Reply>> ask_within(caf::actor_system& system, std::chrono::milliseconds timeout,
                                             const Handle& dest, Ts... xs) {
  auto promise = std::make_shared<std::promise<caf::expected<Reply>>>();
  auto future = promise->get_future();
  auto target = caf::actor_cast<caf::actor>(dest);
  // Every actor spawned here takes an unused int: CAF 0.17.6 spawning a
  // function actor with no arguments binds a reference to a null tuple.
  system.spawn([promise, target, timeout, xs...](caf::event_based_actor* self, int) mutable {
    self->request(target, timeout, std::move(xs)...)
        .then([promise](Reply& r) { promise->set_value(std::move(r)); },
              [promise](caf::error& e) { promise->set_value(std::move(e)); });
  }, 0);
  return future;
}

template <class Reply, class Handle, class... Ts>
std::future<caf::expected<Reply>> ask(caf::actor_system& system, const Handle& dest, Ts... xs) {
  return ask_within<Reply>(system, kReplyTimeout, dest, std::move(xs)...);
}

/// Waits for an ask; a CAF error (no reply) fails the test and gives Reply{}.
template <class Reply>
Reply get(caf::actor_system& system, std::future<caf::expected<Reply>>& future) {
  if (future.wait_for(kReplyTimeout + std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << "no reply within " << kReplyTimeout.count() << " s";
    return Reply{};
  }
  caf::expected<Reply> r = future.get();
  if (!r) {
    ADD_FAILURE() << "request failed: " << system.render(r.error());
    return Reply{};
  }
  return std::move(*r);
}

template <class Reply, class Handle, class... Ts>
Reply call(caf::actor_system& system, const Handle& dest, Ts... xs) {
  auto f = ask<Reply>(system, dest, std::move(xs)...);
  return get<Reply>(system, f);
}

/// Polls `pred` until it holds; false if it still does not after `within`.
/// For effects that follow a reply on another thread (a context releases
/// its handles after answering its waiters; a supervisor learns of an end
/// from a down message).
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds within = kReplyTimeout) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// Requests sent one after another from one blocking actor, so they arrive
/// in the order sent (CAF keeps the order of messages between two actors,
/// and a supervisor forwards a context's requests in the order it got them).
/// Each send gives a getter that waits for that request's reply; replies may
/// be collected in any order.
class Sequence {
 public:
  explicit Sequence(caf::actor_system& system) : system_(system), self_(system) {}

  template <class Reply, class Handle, class... Ts>
  std::function<Reply()> send(const Handle& dest, Ts... xs) {
    auto handle = self_->request(caf::actor_cast<caf::actor>(dest), kReplyTimeout, std::move(xs)...);
    return [this, handle]() mutable {
      Reply out{};
      handle.receive([&](Reply& r) { out = std::move(r); },
                     [&](caf::error& e) { ADD_FAILURE() << "request failed: " << system_.render(e); });
      return out;
    };
  }

 private:
  caf::actor_system& system_;
  caf::scoped_actor self_;
};

// --- a context actor, addressed directly -------------------------------------

inline messages::LoadResult load(caf::actor_system& s, const context_actor& c, const std::string& text,
                                 const std::string& path = "test.raya") {
  return call<messages::LoadResult>(s, c, load_atom::value, messages::ModuleSource::from_source(path, text));
}
inline std::future<caf::expected<messages::TaskResult>> run_async(caf::actor_system& s, const context_actor& c,
                                                                   const std::string& name, ValueList args = {}) {
  return ask<messages::TaskResult>(s, c, run_atom::value, name, std::move(args));
}
inline messages::TaskResult run(caf::actor_system& s, const context_actor& c, const std::string& name,
                                ValueList args = {}) {
  return call<messages::TaskResult>(s, c, run_atom::value, name, std::move(args));
}
inline messages::Started spawn_task(caf::actor_system& s, const context_actor& c, const std::string& name,
                                    ValueList args = {}) {
  return call<messages::Started>(s, c, spawn_atom::value, name, std::move(args));
}
inline messages::TaskResult await_task(caf::actor_system& s, const context_actor& c, messages::TaskId task) {
  return call<messages::TaskResult>(s, c, await_atom::value, task);
}
inline messages::VmStats stats(caf::actor_system& s, const context_actor& c) {
  return call<messages::VmStats>(s, c, stats_atom::value);
}
inline messages::VmStats terminate(caf::actor_system& s, const context_actor& c) {
  return call<messages::VmStats>(s, c, terminate_atom::value);
}

// --- a context addressed by id through a supervisor --------------------------

inline SpawnReply spawn_sandbox(caf::actor_system& s, const supervisor_actor& sup, SandboxSpec spec) {
  return call<SpawnReply>(s, sup, spawn_atom::value, std::move(spec));
}
inline messages::LoadResult load(caf::actor_system& s, const supervisor_actor& sup, uint64_t id,
                                 const std::string& text, const std::string& path = "test.raya") {
  return call<messages::LoadResult>(s, sup, load_atom::value, id, messages::ModuleSource::from_source(path, text));
}
inline std::future<caf::expected<messages::TaskResult>> run_async(caf::actor_system& s, const supervisor_actor& sup,
                                                                   uint64_t id, const std::string& name,
                                                                   ValueList args = {}) {
  return ask<messages::TaskResult>(s, sup, run_atom::value, id, name, std::move(args));
}
inline messages::TaskResult run(caf::actor_system& s, const supervisor_actor& sup, uint64_t id,
                                const std::string& name, ValueList args = {}) {
  return call<messages::TaskResult>(s, sup, run_atom::value, id, name, std::move(args));
}
inline messages::ContextReport report(caf::actor_system& s, const supervisor_actor& sup, uint64_t id) {
  return call<messages::ContextReport>(s, sup, stats_atom::value, id);
}
inline ReportList reports(caf::actor_system& s, const supervisor_actor& sup) {
  return call<ReportList>(s, sup, stats_atom::value);
}
inline bool terminate(caf::actor_system& s, const supervisor_actor& sup, uint64_t id) {
  return call<bool>(s, sup, terminate_atom::value, id);
}

/// Stops a supervisor at the end of a test: ~actor_system waits for every
/// running actor, and a supervisor runs until it is told to stop.
struct StopAtEnd {
  supervisor_actor sup;
  ~StopAtEnd() { caf::anon_send_exit(sup, caf::exit_reason::user_shutdown); }
};

/// Options with a small heap and nothing else changed.
inline messages::VmOptions with_heap(uint64_t bytes) {
  messages::VmOptions o;
  o.max_heap_bytes = bytes;
  return o;
}

/// A numeric result as a double, whichever way it was marshalled (a Raya
/// number past the 32-bit fast path may come back as Int or Double); NaN
/// for anything else, so a comparison fails.
inline double number(const Value& v) {
  if (v.is_int()) return double(v.as_int());
  if (v.is_double()) return v.as_double();
  return std::numeric_limits<double>::quiet_NaN();
}

/// "CODE: message" for failure output.
inline std::string describe(const messages::Error& e) { return e.to_string(); }

}  // namespace raya::actors::test
