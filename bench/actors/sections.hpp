// The two halves of every section of raya_actor_bench: bare CAF actors
// doing the same thing as a Raya context (bare_sections.cpp) and the
// contexts themselves (raya_sections.cpp).
// Each function adds its rows to the report, records a failure in its row
// instead of throwing, and leaves no actor running behind it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/actors/actor_probes.hpp"
#include "bench/actors/bench_support.hpp"

namespace raya::actors::bench {

// Bare CAF.
void bare_spawn(Bench& b);
void bare_latency(Bench& b);
void bare_throughput(Bench& b);
void bare_fairness(Bench& b, const std::string& policy);
/// Host pings with no other load (the floor of the timer and the scheduler).
void idle_ping(Bench& b, const std::string& policy);
void bare_ping(Bench& b, const std::string& policy, uint64_t slice_steps);

// Raya contexts (actors/context_actor.hpp, supervisor.hpp, runtime.hpp).
void raya_spawn(Bench& b);
void raya_latency(Bench& b);
void raya_throughput(Bench& b);
/// Measures b.raya_ns_per_step: CPU per step of a spinning context.
void raya_calibrate(Bench& b);
void raya_fairness(Bench& b, const std::string& policy);
void raya_ping(Bench& b, const std::string& policy, uint64_t slice_steps);

// Shared by both halves.
/// "1k", "10k", "100k".
std::string short_count(uint64_t n);
/// The fairness window for N actors: longer for 1,000, whose slices per
/// actor are few (one slice more or less is a percent of the spread).
double fairness_window(const Bench& b, size_t n);
/// Adds the spread of per-actor rates (slices per second, measured over
/// `seconds`) to `row`, and what one slice is as a share of the mean.
void add_spread(Row& row, const std::vector<double>& rates, double seconds);
/// Adds p50/p99/max of host pings in milliseconds to `row`.
void add_ping_metrics(Row& row, PingRun& run);
/// Adds p50/p99/mean of round trips in microseconds to `row`.
void add_latency_metrics(Row& row, std::vector<uint32_t>& round_trip_ns);

}  // namespace raya::actors::bench
