// Nothing leaks across context lifetimes: 10,000 contexts spawned through a
// supervisor (each loading and running a tiny module), terminated, and the
// process holds no more memory than before, by jemalloc's own count. Skipped
// where jemalloc is not the allocator (sanitizer builds, RAYA_NO_JEMALLOC).
#include <gtest/gtest.h>

#include <cstdio>

#include <caf/send.hpp>

#include "tests/actors/actor_test_support.hpp"
#include "tests/vmcore/heap/jemalloc_stats.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers

constexpr const char* kTiny =
    "const greeting = \"hi\";\nexport function f(x: number): string { return greeting + x; }\n";

/// Spawns `count` contexts in batches (each with the tiny module, run once),
/// terminates them, and waits until the supervisor has forgotten every one.
/// False if anything failed.
bool churn(caf::actor_system& sys, const supervisor_actor& sup, int count) {
  constexpr int kBatch = 250;
  const size_t running_before = sys.registry().running();
  for (int done = 0; done < count; done += kBatch) {
    std::vector<std::future<caf::expected<SpawnReply>>> spawns;
    for (int i = 0; i < kBatch; ++i) {
      SandboxSpec spec;
      spec.name = "tiny";
      spec.options = with_heap(256 << 10);
      spec.modules.push_back(messages::ModuleSource::from_source("tiny.raya", kTiny));
      spawns.push_back(ask<SpawnReply>(sys, sup, spawn_atom::value, std::move(spec)));
    }
    std::vector<uint64_t> ids;
    for (auto& f : spawns) {
      SpawnReply r = get(sys, f);
      if (!r.ok) {
        ADD_FAILURE() << describe(r.error);
        return false;
      }
      ids.push_back(r.context_id);
    }
    std::vector<std::future<caf::expected<messages::TaskResult>>> runs;
    for (uint64_t id : ids) runs.push_back(run_async(sys, sup, id, "f", {Value(int(id))}));
    for (size_t i = 0; i < ids.size(); ++i) {
      messages::TaskResult r = get(sys, runs[i]);
      if (!r.ok || r.value != Value("hi" + std::to_string(ids[i]))) {
        ADD_FAILURE() << describe(r.error);
        return false;
      }
    }
    std::vector<std::future<caf::expected<bool>>> ends;
    for (uint64_t id : ids) ends.push_back(ask<bool>(sys, sup, terminate_atom::value, id));
    for (auto& f : ends)
      if (!get(sys, f)) return false;
  }
  // A context reports its end before its actor quits: wait until every
  // actor started here has really gone (CAF counts running actors
  // down at cleanup), so stragglers still being torn down are not counted.
  return eventually([&] {
    for (const messages::ContextReport& r : reports(sys, sup))
      if (r.state == messages::ContextReport::State::Running) return false;
    return sys.registry().running() <= running_before;
  });
}

TEST(ContextMemory, TenThousandContextsSpawnedAndTerminatedLeaveNothingBehind) {
  uint64_t probe = 0;
  if (!vm::test::jemalloc_allocated(probe)) GTEST_SKIP() << "jemalloc statistics are not available";
  TestSystem sys;
  supervisor_actor sup = spawn_supervisor(*sys, SupervisorSpec{});
  // Warm-up: fills every cache that is meant to stay (CAF's and jemalloc's
  // per-thread caches, hash tables at their high-water size, the
  // supervisor's ring of 1,024 ended reports, interned strings).
  ASSERT_TRUE(churn(*sys, sup, 2'000));
  uint64_t before = 0;
  ASSERT_TRUE(vm::test::jemalloc_allocated(before));
  constexpr int kContexts = 10'000;
  ASSERT_TRUE(churn(*sys, sup, kContexts));
  uint64_t after = 0;
  ASSERT_TRUE(vm::test::jemalloc_allocated(after));
  // Tolerance: the worker threads' jemalloc caches (flushed only for this
  // thread) keep freed blocks that still count as allocated, and their
  // fill level differs from one moment to the next by up to a few hundred
  // KiB. A leak of even 32 bytes per context would be 320 KB here; a
  // leaked VM heap, actor or mailbox is kilobytes each, i.e. tens of MB.
  constexpr int64_t kTolerance = 256 << 10;
  const int64_t grown = int64_t(after) - int64_t(before);
  std::printf("[ memory ] jemalloc stats.allocated: %llu before, %llu after %d contexts (%+lld bytes)\n",
              (unsigned long long)before, (unsigned long long)after, kContexts, (long long)grown);
  EXPECT_LT(grown, kTolerance) << "before " << before << ", after " << kContexts << " contexts " << after << " ("
                               << double(grown) / kContexts << " bytes per context)";
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace raya::actors
