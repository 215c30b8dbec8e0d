// The host pinger of section 5 (see actor_probes.hpp) and error rendering.
#include "bench/actors/actor_probes.hpp"

#include <chrono>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace raya::actors::bench {

namespace {

using tick_atom = caf::atom_constant<caf::atom("benchtick")>;
using ping_atom = caf::atom_constant<caf::atom("benchping")>;
using pong_atom = caf::atom_constant<caf::atom("benchpong")>;

constexpr uint64_t kPingPeriodNs = 1'000'000;
/// Independent host actors pinging: more samples per window when a round of
/// the spinning actors takes far longer than the period.
constexpr size_t kPingers = 8;

struct PingState {
  PingRun run;
  uint64_t end_ns = 0;
  std::promise<void> done;
};

/// One probe at a time: the next tick is set when the pong is back, so a
/// tick never waits in the pinger's mailbox behind the previous probe.
caf::behavior pinger(caf::event_based_actor* self, std::shared_ptr<PingState> state, caf::actor ponger,
                     uint64_t first_due_ns) {
  self->delayed_send(self, std::chrono::nanoseconds(first_due_ns - now_ns()), tick_atom::value, first_due_ns);
  auto finish = [self, state] {
    state->run.finished = true;
    state->done.set_value();
    self->quit();
  };
  return {
      [self, state, ponger, finish](tick_atom, uint64_t due_ns) {
        uint64_t t = now_ns();
        state->run.lateness_ns.push_back(uint32_t(std::min<uint64_t>(t > due_ns ? t - due_ns : 0, UINT32_MAX)));
        auto next = [self, state, finish] {
          uint64_t back = now_ns();
          if (back < state->end_ns)
            self->delayed_send(self, std::chrono::nanoseconds(kPingPeriodNs), tick_atom::value, back + kPingPeriodNs);
          else
            finish();
        };
        self->request(ponger, caf::infinite, ping_atom::value)
            .then(
                [state, due_ns, next](pong_atom) {
                  state->run.latency_ns.push_back(uint32_t(std::min<uint64_t>(now_ns() - due_ns, UINT32_MAX)));
                  next();
                },
                [next](caf::error&) { next(); });
      },
  };
}

}  // namespace

std::string render_error(caf::actor_system& sys, const caf::error& error) { return sys.render(error); }

PingRun measure_host_pings(caf::actor_system& sys, double window_s, double timeout_s) {
  std::vector<std::shared_ptr<PingState>> states;
  std::vector<caf::actor> pingers, pongers;
  const uint64_t start_ns = now_ns();
  for (size_t k = 0; k < kPingers; ++k) {
    auto state = std::make_shared<PingState>();
    state->end_ns = start_ns + uint64_t(window_s * 1e9);
    states.push_back(state);
    // A ponger per pinger: a shared one would queue pings behind each other.
    pongers.push_back(sys.spawn(
        [](caf::event_based_actor*) -> caf::behavior { return {[](ping_atom) { return pong_atom::value; }}; }));
    // Staggered, so the pingers sample different moments of a round.
    uint64_t first_due_ns = start_ns + kPingPeriodNs + k * kPingPeriodNs / kPingers;
    pingers.push_back(sys.spawn(pinger, state, pongers.back(), first_due_ns));
  }
  PingRun out;
  out.finished = true;
  auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(window_s + timeout_s));
  for (size_t k = 0; k < kPingers; ++k) {
    if (states[k]->done.get_future().wait_until(deadline) == std::future_status::ready) {
      PingRun& run = states[k]->run;
      out.latency_ns.insert(out.latency_ns.end(), run.latency_ns.begin(), run.latency_ns.end());
      out.lateness_ns.insert(out.lateness_ns.end(), run.lateness_ns.begin(), run.lateness_ns.end());
    } else {
      out.finished = false;
      caf::anon_send_exit(pingers[k], caf::exit_reason::kill);
    }
  }
  for (auto& ponger : pongers) caf::anon_send_exit(ponger, caf::exit_reason::kill);
  return out;
}

}  // namespace raya::actors::bench
