// Metering of native work: how a builtin pays for what it touches.
//
// The interpreter charges one step per instruction; a builtin that walks n
// elements or code units must pay for them too, or one call could run for
// seconds under a small step budget and out of reach of every deadline.
// The rule every native follows:
//
//   - charge before touching: work is paid for (Context::charge_steps) before
//     it is done, so a budget smaller than the input ends the call with
//     StepBudgetExceeded before the work, not after;
//   - charge in chunks: long work is cut into chunks of at most
//     kChunkSteps steps, each charged before it runs. charge_steps is where
//     the budget, an interrupt from another thread, the wall-clock deadline
//     and the CPU limit are checked, so a long builtin stops within one
//     chunk of any of them.
//
// Pricing: one step per element (array slots, map entries, properties) and
// one step per Context::kUnitsPerStep code units or bytes.
#pragma once

#include <algorithm>
#include <cstdint>

#include "vmcore/interp/context.hpp"

namespace raya::vm {

/// Steps at most one chunk of native work costs (between two checks).
inline constexpr uint64_t kChunkSteps = 4096;

/// Steps for `units` code units or bytes (rounded up; 0 units cost nothing).
inline uint64_t steps_for_units(uint64_t units) {
  return (units + Context::kUnitsPerStep - 1) / Context::kUnitsPerStep;
}

/// Runs `body(begin, end)` over [0, count) in chunks, charging each chunk
/// before it runs at `items_per_step` items per step. `body` returns false
/// to stop early (a search that found its answer pays only for what it
/// read). Throws VmFatal through charge_steps when a limit is hit; `body`
/// must leave the heap consistent at every chunk boundary and keep the
/// objects it uses rooted (a chunk may be followed by a collection only if
/// `body` itself allocates).
template <class Body>
void metered_chunks(Context& ctx, uint64_t count, uint64_t items_per_step, Body&& body) {
  const uint64_t chunk = kChunkSteps * std::max<uint64_t>(1, items_per_step);
  for (uint64_t begin = 0; begin < count; begin += chunk) {
    const uint64_t end = std::min(count, begin + chunk);
    ctx.charge_steps((end - begin + items_per_step - 1) / std::max<uint64_t>(1, items_per_step));
    if (!body(begin, end)) return;
  }
}

}  // namespace raya::vm
