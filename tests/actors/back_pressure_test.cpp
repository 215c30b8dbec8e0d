// Back-pressure: a request's payload counts against the context's heap
// budget from the moment it is enqueued, and a request that would take heap
// use plus queued payloads past maxHeapBytes is refused at once with
// QuotaExceeded — on the sender's thread, never queued. To make "at once"
// observable, the context under test is parked inside a capability call that
// blocks its worker thread until the test opens a gate: nothing it has
// queued can be taken in meanwhile, so every answer that arrives before the
// gate opens was given at enqueue.
#include <gtest/gtest.h>

#include <caf/atom.hpp>

#include "actors/payload_size.hpp"
#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers
using messages::CapabilityCall;

constexpr uint64_t kBudget = 1 << 20;

constexpr const char* kProgram = R"(
import { gate } from "host:";
export function len(s: string): number { return s.length; }
export async function park(): Promise<number> { return await gate(); }
)";

using sent_atom = caf::atom_constant<caf::atom("sent")>;

/// What a burst of requests sent by one actor got.
struct BurstState {
  std::promise<size_t> answered_at_once;  // replies in hand once every request was sent
  std::promise<std::vector<messages::TaskResult>> all;
};

/// Sends run(len, [arg]) for each arg from one actor, in one go. A refused
/// request is answered inside enqueue, so its reply is already in this
/// actor's mailbox when the next line runs; the "sent" marker queued after
/// the last request is therefore handled after every such reply.
caf::behavior burst_sender(caf::event_based_actor* self, context_actor target, std::vector<std::string> args,
                           std::shared_ptr<BurstState> state) {
  const size_t n = args.size();
  auto results = std::make_shared<std::vector<messages::TaskResult>>(n);
  auto answered = std::make_shared<size_t>(0);
  auto dest = caf::actor_cast<caf::actor>(target);
  for (size_t i = 0; i < n; ++i) {
    auto done = [self, state, results, answered, n] {
      if (++*answered == n) {
        state->all.set_value(*results);
        self->quit();
      }
    };
    self->request(dest, kReplyTimeout, run_atom::value, std::string("len"), ValueList{Value(args[i])})
        .then([results, i, done](messages::TaskResult& r) { (*results)[i] = std::move(r); done(); },
              [results, i, done](caf::error&) {
                (*results)[i].error = messages::make_error(ErrorCode::None, "no reply");
                done();
              });
  }
  self->send(self, sent_atom::value);
  return {[state, answered](sent_atom) { state->answered_at_once.set_value(*answered); }};
}

class BackPressureFixture : public ::testing::Test {
 public:
  BackPressureFixture() : registry_(std::make_shared<CapabilityRegistry>()), open_(gate_.get_future().share()) {
    registry_->add("gate", [this](const CapabilityCall&) {
      parked_.set_value();
      // Blocks this context's worker thread on purpose (see the file comment).
      open_.wait_for(kReplyTimeout);
      return Value(1);
    });
  }

  context_actor context(uint64_t budget = kBudget) {
    ContextSpec spec;
    spec.name = "bp";
    spec.options = with_heap(budget);
    spec.grants = {"gate"};
    spec.capabilities = registry_;
    context_actor c = spawn_context(*sys_, std::move(spec));
    messages::LoadResult loaded = load(*sys_, c, kProgram);
    EXPECT_TRUE(loaded.ok) << describe(loaded.error);
    return c;
  }

  /// Parks `c` in the gate; returns the park call's future.
  std::future<caf::expected<messages::TaskResult>> park(const context_actor& c) {
    auto parked = parked_.get_future();
    auto f = run_async(*sys_, c, "park");
    EXPECT_EQ(parked.wait_for(kReplyTimeout), std::future_status::ready);
    return f;
  }

  void open_gate() {
    if (!opened_) gate_.set_value();
    opened_ = true;
  }

  ~BackPressureFixture() override { open_gate(); }

  TestSystem sys_;
  std::shared_ptr<CapabilityRegistry> registry_;
  std::promise<void> gate_;
  std::shared_future<void> open_;
  std::promise<void> parked_;
  bool opened_ = false;
};

using BackPressure = BackPressureFixture;

TEST_F(BackPressure, RequestLargerThanTheBudgetIsRefusedWithQuotaExceededWhileSmallOnesWork) {
  context_actor c = context();
  std::string big(kBudget + 1, 'x');
  messages::TaskResult r = run(*sys_, c, "len", {Value(big)});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, ErrorCode::QuotaExceeded) << describe(r.error);
  EXPECT_EQ(r.error.limit, kBudget);
  EXPECT_EQ(r.error.used, payload_size(ValueList{Value(big)}));
  messages::TaskResult small = run(*sys_, c, "len", {Value("abc")});
  ASSERT_TRUE(small.ok) << describe(small.error);
  EXPECT_EQ(small.value, Value(3));
  // The refusal left no trace: the context is alive and has not grown.
  EXPECT_LT(stats(*sys_, c).heap_bytes_used, kBudget / 2);
}

TEST_F(BackPressure, OversizedSpawnAndLoadAreRefusedToo) {
  context_actor c = context();
  std::string big(kBudget, 'y');
  messages::Started s = spawn_task(*sys_, c, "len", {Value(big)});
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error.code, ErrorCode::QuotaExceeded) << describe(s.error);
  messages::LoadResult l = load(*sys_, c, "// " + big + "\nexport function f() { return 1; }\n");
  EXPECT_FALSE(l.ok);
  EXPECT_EQ(l.error.code, ErrorCode::QuotaExceeded) << describe(l.error);
  EXPECT_EQ(run(*sys_, c, "len", {Value("ok")}).value, Value(2));
}

TEST_F(BackPressure, OversizedRequestIsRefusedAtOnceEvenWhileTheContextCannotTakeAnything) {
  context_actor c = context();
  auto parked = park(c);
  auto refused = run_async(*sys_, c, "len", {Value(std::string(kBudget, 'z'))});
  // Answered while the context is still parked: it was never queued.
  ASSERT_EQ(refused.wait_for(kReplyTimeout), std::future_status::ready);
  EXPECT_EQ(parked.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  messages::TaskResult r = get(*sys_, refused);
  EXPECT_EQ(r.error.code, ErrorCode::QuotaExceeded) << describe(r.error);
  open_gate();
  EXPECT_EQ(get(*sys_, parked).value, Value(1));
}

/// While `c` is parked, one actor sends run(len, [s]) for 30 strings of
/// ~100 KB; returns how many were refused at once, and the final results.
struct BurstResult {
  size_t refused_at_once = 0;
  std::vector<messages::TaskResult> results;
  std::vector<std::string> args;
};

BurstResult burst_while_parked(BackPressureFixture& f, const context_actor& c) {
  BurstResult out;
  auto parked = f.park(c);
  constexpr size_t kRequests = 30;
  constexpr size_t kChars = 100'000;
  for (size_t i = 0; i < kRequests; ++i) out.args.push_back(std::string(kChars + i, 'a'));
  auto state = std::make_shared<BurstState>();
  auto at_once = state->answered_at_once.get_future();
  auto all = state->all.get_future();
  f.sys_->spawn(burst_sender, c, out.args, state);
  EXPECT_EQ(at_once.wait_for(kReplyTimeout), std::future_status::ready);
  out.refused_at_once = at_once.get();
  // Nothing queued has been taken in yet: the context is still parked.
  EXPECT_EQ(all.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  f.open_gate();
  EXPECT_EQ(get(*f.sys_, parked).value, Value(1));
  EXPECT_EQ(all.wait_for(kReplyTimeout), std::future_status::ready);
  out.results = all.get();
  return out;
}

/// How many of `args`, in order, the admission rule lets in on top of `heap`.
size_t admitted(uint64_t heap, const std::vector<std::string>& args) {
  size_t fit = 0;
  uint64_t queued = 0;
  for (const std::string& a : args) {
    uint64_t bytes = payload_size(ValueList{Value(a)});
    if (heap + queued + bytes > kBudget) continue;
    queued += bytes;
    ++fit;
  }
  return fit;
}

TEST_F(BackPressure, QueuedRequestsAreRefusedAtOnceOnceQueuedBytesPlusHeapWouldPassTheBudget) {
  context_actor c = context();
  const uint64_t heap = stats(*sys_, c).heap_bytes_used;
  ASSERT_LT(heap, kBudget / 2);
  BurstResult b = burst_while_parked(*this, c);
  const size_t fit = admitted(heap, b.args);
  EXPECT_GT(fit, 0u);
  EXPECT_LT(fit, b.args.size());
  EXPECT_EQ(b.refused_at_once, b.args.size() - fit) << "heap " << heap;
  size_t quota = 0;
  for (const messages::TaskResult& r : b.results)
    if (r.error.code == ErrorCode::QuotaExceeded) ++quota;
  EXPECT_EQ(quota, b.refused_at_once);
  // The context took in what was queued and goes on.
  EXPECT_EQ(run(*sys_, c, "len", {Value("abc")}).value, Value(3));
}

TEST_F(BackPressure, EveryAdmittedRequestFitsTheHeapItWasAdmittedAgainst) {
  // A request is admitted when heap + queued payloads + its payload fit the
  // budget, so once the queue is taken in, the admitted arguments fit too —
  // provided payload_size() charges at least what unmarshalling costs.
  // BUG: it does not: it counts a string's UTF-8 bytes, but the VM stores strings as
  // UTF-16 (Context::new_string_ascii), two bytes per character; a 100,000
  // character argument is admitted as ~100 KB and costs 224 KiB of heap, so
  // admitted requests fail with HeapLimitExceeded instead of being refused
  // with QuotaExceeded.
  context_actor c = context();
  BurstResult b = burst_while_parked(*this, c);
  for (size_t i = 0; i < b.results.size(); ++i) {
    const messages::TaskResult& r = b.results[i];
    if (r.error.code == ErrorCode::QuotaExceeded) continue;
    EXPECT_TRUE(r.ok) << "admitted request " << i << " failed: " << describe(r.error);
    if (r.ok) {
      EXPECT_EQ(r.value, Value(int64_t(b.args[i].size())));
    }
  }
}

}  // namespace
}  // namespace raya::actors
