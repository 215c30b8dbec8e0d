// Fairness between busy contexts and responsiveness of the host next to
// them, on two worker threads, under the runtime's hostFirst scheduler and
// CAF's own policies.
//
// These are the actor layer's only timing tests. They measure shares, not
// speed: N contexts spinning for a fixed wall time must each have executed
// about the same number of instructions (max/min within 10%, the issue's
// bound), and an ordinary actor must keep answering while hundreds of
// sandboxes spin (a p99 bound generous enough for a loaded CI machine; the
// real latency targets are measured by benchmarks).
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers

constexpr const char* kSpin = "export function spin() { while (true) {} }\n";

/// N contexts, each spinning in one task with no step limit.
class Spinners {
 public:
  Spinners(caf::actor_system& sys, int n) : sys_(sys) {
    for (int i = 0; i < n; ++i) {
      ContextSpec spec;
      spec.name = "spinner";
      contexts_.push_back(spawn_context(sys, std::move(spec)));
    }
    std::vector<std::future<caf::expected<messages::LoadResult>>> loads;
    for (auto& c : contexts_)
      loads.push_back(ask<messages::LoadResult>(sys, c, load_atom::value,
                                                messages::ModuleSource::from_source("spin.raya", kSpin)));
    for (auto& l : loads) EXPECT_TRUE(get(sys, l).ok);
    for (auto& c : contexts_) runs_.push_back(run_async(sys, c, "spin"));
  }
  ~Spinners() {
    std::vector<std::future<caf::expected<messages::VmStats>>> ends;
    for (auto& c : contexts_) ends.push_back(ask<messages::VmStats>(sys_, c, terminate_atom::value));
    for (auto& f : ends) get(sys_, f);
    for (auto& r : runs_) EXPECT_EQ(get(sys_, r).error.code, ErrorCode::Terminated);
  }

  /// Every context's step count, asked of all at once (each answers within
  /// one slice, so the snapshot is skewed by microseconds, not milliseconds).
  std::vector<uint64_t> steps() {
    std::vector<std::future<caf::expected<messages::VmStats>>> fs;
    for (auto& c : contexts_) fs.push_back(ask<messages::VmStats>(sys_, c, stats_atom::value));
    std::vector<uint64_t> out;
    for (auto& f : fs) out.push_back(get(sys_, f).steps_executed);
    return out;
  }

 private:
  caf::actor_system& sys_;
  std::vector<context_actor> contexts_;
  std::vector<std::future<caf::expected<messages::TaskResult>>> runs_;
};

std::string show(const std::vector<uint64_t>& xs) {
  std::string s;
  for (uint64_t x : xs) {
    if (!s.empty()) s += ' ';
    s += std::to_string(x);
  }
  return s;
}

struct FairnessCase {
  std::string policy;
  int contexts;
};

void PrintTo(const FairnessCase& c, std::ostream* os) { *os << c.policy << ", " << c.contexts << " contexts"; }

class Fairness : public ::testing::TestWithParam<FairnessCase> {};

TEST_P(Fairness, BusyContextsGetStepCountsWithinTenPercentOfEachOther) {
  const FairnessCase& c = GetParam();
  TestSystem sys(two_workers(c.policy));
  Spinners spinners(*sys, c.contexts);
  // Measure a window after the start, so the contexts' staggered starts do not count.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Up to three 1 s windows, the best one counting: the OS may take a core
  // from a worker in the middle of a slice (other processes, the test's own
  // threads), and the context in that slice loses the time although the run
  // queue was fair. An unfair scheduler is unfair in every window.
  double best = 0;
  std::string best_steps;
  for (int window = 0; window < 3; ++window) {
    std::vector<uint64_t> start = spinners.steps();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    std::vector<uint64_t> end = spinners.steps();
    std::vector<uint64_t> delta;
    for (size_t i = 0; i < end.size(); ++i) delta.push_back(end[i] - start[i]);
    const uint64_t lo = *std::min_element(delta.begin(), delta.end());
    const uint64_t hi = *std::max_element(delta.begin(), delta.end());
    ASSERT_GT(lo, 0u) << "a context never ran: " << show(delta);
    const double ratio = double(hi) / double(lo);
    std::printf("[ fairness ] policy %s, %d contexts, window %d: max/min %.3f, steps in 1 s: %s\n", c.policy.c_str(),
                c.contexts, window + 1, ratio, show(delta).c_str());
    if (best == 0 || ratio < best) {
      best = ratio;
      best_steps = show(delta);
    }
    if (best <= 1.10) break;
  }
  EXPECT_LE(best, 1.10) << "policy " << c.policy << ", " << c.contexts << " contexts, best window: " << best_steps;
}

// The default policy ("hostFirst", one run queue) is held to the bound; so
// is CAF's "sharing", which it extends.
// Under "stealing" a context re-queues itself on its own worker and work is
// stolen only by an idle worker, so an uneven split (3 contexts on one
// worker, 1 on the other) persists: max/min 1.5-5 in the benchmark
// (bench/README.md, raya_actor_bench section 4). It is a throughput choice.
INSTANTIATE_TEST_SUITE_P(Policies, Fairness,
                         ::testing::Values(FairnessCase{"hostFirst", 4}, FairnessCase{"hostFirst", 10},
                                           FairnessCase{"sharing", 4}, FairnessCase{"sharing", 10}),
                         [](const auto& info) { return info.param.policy + std::to_string(info.param.contexts); });

using ping_atom = caf::atom_constant<caf::atom("ping")>;

caf::behavior pinger(caf::event_based_actor*, int /*unused*/) {
  return {[](ping_atom, uint64_t n) { return n; }};
}

/// The p99 bound. A ping waits behind up to one slice per spinning context
/// queued on its worker; sanitizer builds run Raya several times slower, so
/// each slice, and the wait, is that much longer there.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kPingP99BoundMs = 250.0;
#else
constexpr double kPingP99BoundMs = 50.0;
#endif

class Responsiveness : public ::testing::TestWithParam<std::string> {};

TEST_P(Responsiveness, OrdinaryActorAnswersPingsWhileTwoHundredSandboxesSpin) {
  TestSystem sys(two_workers(GetParam()));
  Spinners spinners(*sys, 200);
  caf::actor ping = sys->spawn(pinger, 0);
  caf::scoped_actor self{*sys};
  constexpr int kPings = 200;
  std::vector<double> ms;
  for (int i = 0; i < kPings; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    bool answered = false;
    self->request(ping, kReplyTimeout, ping_atom::value, uint64_t(i))
        .receive([&](uint64_t n) { answered = n == uint64_t(i); },
                 [&](caf::error& e) { ADD_FAILURE() << sys->render(e); });
    ASSERT_TRUE(answered);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const double p50 = ms[ms.size() / 2];
  const double p99 = ms[ms.size() * 99 / 100];
  std::printf("[ responsiveness ] policy %s, 200 spinning sandboxes: ping p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              GetParam().c_str(), p50, p99, ms.back());
  EXPECT_LT(p99, kPingP99BoundMs);
  caf::anon_send_exit(ping, caf::exit_reason::user_shutdown);
}

INSTANTIATE_TEST_SUITE_P(Policies, Responsiveness, ::testing::Values("hostFirst", "sharing", "stealing"));

}  // namespace
}  // namespace raya::actors
