// The actors that measure: a requester that keeps a number of requests in
// flight (one, for latency: the next request leaves from the previous
// one's response handler) and records round trips, and the host pinger of
// section 5. Both work for any target — a bare CAF actor, a context, the
// supervisor — because the request itself is a callable the section passes
// in. Results are handed to the main thread through a future; every wait on
// them has a deadline.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>

#include "bench/actors/bench_support.hpp"

namespace raya::actors::bench {

/// What a requester does.
struct RequestPlan {
  size_t count = 0;   // requests in all (continuous mode: at most this many)
  size_t window = 1;  // requests in flight at once
  size_t warmup = 0;  // the first requests are not timed
  bool record_round_trips = false;
  bool record_reply_times = false;          // when each request's reply arrived, by index
  const std::atomic<bool>* stop = nullptr;  // continuous mode: stop issuing once set
  /// Run the requester on a thread of its own (caf::detached), not on the
  /// workers: for reading many actors while they keep the workers busy. A
  /// scheduled actor handles max-throughput messages per turn, so with
  /// max-throughput 1 and 1,000 busy actors it would take one scheduling
  /// round per reply.
  bool detached = false;
};

/// How the requests went.
struct RequestRun {
  size_t ok = 0;
  size_t failed = 0;
  std::string first_error;
  std::vector<uint32_t> round_trip_ns;  // timed requests, issue -> reply, in order
  std::vector<uint64_t> reply_at_ns;    // by index (record_reply_times)
  uint64_t first_issue_ns = 0;
  uint64_t last_reply_ns = 0;
  double seconds() const { return double(last_reply_ns - first_issue_ns) / 1e9; }
};

namespace detail {

struct RequestState {
  RequestPlan plan;
  RequestRun run;
  size_t next = 0;
  size_t in_flight = 0;
  bool finished = false;
  std::atomic<uint64_t> completed{0};  // read by the main thread while running
  std::atomic<bool> aborted{false};    // set by the main thread: ignore every later reply
  std::function<void()> pump;          // issues requests up to the window; set by the actor
  std::function<void()> quit;
  std::promise<void> done;

  bool may_issue() const {
    if (next >= plan.count) return false;
    return plan.stop == nullptr || !plan.stop->load(std::memory_order_relaxed);
  }
  std::vector<bool> answered;  // by index (bounded plans): a second reply is an error, not a completion
  void complete(size_t index, uint64_t issued_ns, std::string_view error) {
    if (aborted.load(std::memory_order_acquire)) return;
    uint64_t t = now_ns();
    if (index < answered.size()) {
      if (answered[index]) {
        if (run.failed++ == 0) run.first_error = "request " + std::to_string(index) + " was answered twice";
        return;
      }
      answered[index] = true;
    }
    --in_flight;
    if (error.empty()) {
      ++run.ok;
    } else {
      if (run.failed++ == 0) run.first_error = std::string(error);
    }
    if (plan.record_round_trips && index >= plan.warmup)
      run.round_trip_ns.push_back(uint32_t(std::min<uint64_t>(t - issued_ns, UINT32_MAX)));
    if (plan.record_reply_times) run.reply_at_ns[index] = t;
    run.last_reply_ns = t;
    completed.fetch_add(1, std::memory_order_relaxed);
    pump();
  }
};

}  // namespace detail

/// The callback a request's handlers call once: with "" on success, else
/// with what went wrong.
struct ReplyTo {
  detail::RequestState* state;
  size_t index;
  uint64_t issued_ns;
  void operator()(std::string_view error) const { state->complete(index, issued_ns, error); }
};

/// A running requester, seen from the main thread.
class Requests {
 public:
  Requests(std::shared_ptr<detail::RequestState> state, caf::actor actor)
      : state_(std::move(state)), done_(state_->done.get_future()), actor_(std::move(actor)) {}
  /// Replies so far (any thread).
  uint64_t completed() const { return state_->completed.load(std::memory_order_relaxed); }
  /// True once every request was answered (or, in continuous mode, once the
  /// stop flag was seen and the last reply arrived).
  bool wait(double seconds) {
    return done_.wait_for(std::chrono::duration<double>(seconds)) == std::future_status::ready;
  }
  /// The results; only after wait() returned true.
  const RequestRun& run() const { return state_->run; }
  /// Stops the requester (after a timeout); its results are not read.
  void abort() {
    state_->aborted.store(true, std::memory_order_release);
    caf::anon_send_exit(actor_, caf::exit_reason::kill);
  }

 private:
  std::shared_ptr<detail::RequestState> state_;
  std::future<void> done_;
  caf::actor actor_;
};

/// Starts a requester actor that calls issue(self, index, ReplyTo) for each
/// request, keeping plan.window of them in flight. `issue` sends one request
/// (self->request(target, caf::infinite, ...).then(...)) whose handlers call
/// the ReplyTo exactly once.
template <class Issue>
Requests start_requests(caf::actor_system& sys, RequestPlan plan, Issue issue) {
  auto state = std::make_shared<detail::RequestState>();
  state->plan = plan;
  if (plan.record_round_trips) state->run.round_trip_ns.reserve(plan.count);
  if (plan.record_reply_times) state->run.reply_at_ns.assign(plan.count, 0);
  if (plan.stop == nullptr) state->answered.assign(plan.count, false);
  auto body = [state, issue](caf::event_based_actor* self) -> caf::behavior {
    detail::RequestState* st = state.get();
    st->quit = [self] { self->quit(); };
    st->pump = [self, st, issue] {
      while (st->in_flight < st->plan.window && st->may_issue()) {
        size_t index = st->next++;
        ++st->in_flight;
        uint64_t t = now_ns();
        if (index == 0) st->run.first_issue_ns = t;
        issue(self, index, ReplyTo{st, index, t});
      }
      if (st->in_flight == 0 && !st->may_issue() && !st->finished) {
        st->finished = true;
        st->done.set_value();
        st->quit();
      }
    };
    st->pump();
    // The state stays alive as long as this behavior does.
    return {[state](caf::atom_value) {}};
  };
  caf::actor actor = plan.detached ? sys.spawn<caf::detached>(body) : sys.spawn(body);
  return Requests(std::move(state), std::move(actor));
}

// --- throughput ------------------------------------------------------------------

/// Requester actors that keep requests in flight for section 3.
constexpr size_t kThroughputRequesters = 16;
constexpr size_t kThroughputWindow = 64;  // per requester

/// Runs kThroughputRequesters requesters, each keeping kThroughputWindow
/// requests in flight (make_issue(r) is requester r's issue callable), for a
/// 0.2 s warm-up and then `seconds`; sets calls/s and us/call on `row`.
template <class MakeIssue>
void measure_throughput(caf::actor_system& sys, double seconds, Row& row, MakeIssue make_issue) {
  std::atomic<bool> stop{false};
  std::vector<Requests> requesters;
  for (size_t r = 0; r < kThroughputRequesters; ++r) {
    RequestPlan plan;
    plan.count = SIZE_MAX;
    plan.window = kThroughputWindow;
    plan.stop = &stop;
    requesters.push_back(start_requests(sys, plan, make_issue(r)));
  }
  auto total = [&] {
    uint64_t sum = 0;
    for (auto& r : requesters) sum += r.completed();
    return sum;
  };
  sleep_s(0.2);
  uint64_t c0 = total(), t0 = now_ns();
  sleep_s(seconds);
  uint64_t c1 = total(), t1 = now_ns();
  stop = true;
  size_t failed = 0;
  std::string first_error;
  for (auto& r : requesters) {
    if (!r.wait(30)) {
      r.abort();
      row.fail("a requester did not drain within 30 s");
      continue;
    }
    failed += r.run().failed;
    if (first_error.empty()) first_error = r.run().first_error;
  }
  if (failed) row.fail(std::to_string(failed) + " failed: " + first_error);
  double rate = double(c1 - c0) / (double(t1 - t0) / 1e9);
  row.set("calls/s", rate);
  row.set("us/call", rate > 0 ? 1e6 / rate : 0);
}

/// Sends one asynchronous message per index (send(self, index)) from a new
/// actor, which then quits: replies are dropped. The receivers are woken
/// from that actor's worker, as work started by another actor is (CAF's
/// stealing policy queues it on that worker; see bench/README.md).
template <class Send>
void send_from_actor(caf::actor_system& sys, size_t count, Send send) {
  sys.spawn([count, send](caf::event_based_actor* self) {
    for (size_t i = 0; i < count; ++i) send(self, i);
    self->quit();
  });
}

/// Error text of a failed CAF request.
std::string render_error(caf::actor_system& sys, const caf::error& error);

// --- the host pinger -------------------------------------------------------------

/// Section 5's probe: host actors (eight, staggered) each woken by a timer
/// one millisecond after its previous probe ended, which then send a ping to
/// a partner actor of their own and wait for the pong. latency_ns is from when the
/// timer was due to when the pong arrived; lateness_ns is the part until the
/// pinger itself ran (the queueing delay of an event from outside the
/// workers). All pingers' samples are pooled.
struct PingRun {
  bool finished = false;
  std::vector<uint32_t> latency_ns;
  std::vector<uint32_t> lateness_ns;
};

/// Pings for `window_s` seconds; waits at most `timeout_s` for the last pong.
PingRun measure_host_pings(caf::actor_system& sys, double window_s, double timeout_s);

}  // namespace raya::actors::bench
