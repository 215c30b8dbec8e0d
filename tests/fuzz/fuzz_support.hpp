// Shared by the fuzz targets: the tight limits programs run under, the loop
// that drives a VmContext to its end, and the oracle failure (a crash with
// a message, which libFuzzer and the replay main both report).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "messages/vm_options.hpp"

namespace raya::vm {
class VmContext;
}

namespace raya::fuzz {

/// Limits for running fuzzed programs: small enough that a metered input
/// ends in milliseconds, large enough to get past the prelude and do work.
/// (Unmetered builtins can still run long; issue 10 item 5 is fixing them:
/// libFuzzer's -timeout catches those, see run_fuzzers.sh.)
messages::VmOptions tight_limits();

/// Runs `vm` until nothing can run, a limit ends it, or a slice cap passes.
/// Exported `main` is started once the module's top-level code is queued.
/// Host calls fail with CapabilityFailed; timers complete at once (time is
/// not the fuzzer's business).
void drive(vm::VmContext& vm);

/// Aborts with `what`: an oracle said the code under test misbehaved
/// (e.g. a compiled module the verifier rejects, a round trip that changes
/// a value). Not for inputs that are merely refused.
[[noreturn]] void fail(std::string_view what);

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace raya::fuzz
