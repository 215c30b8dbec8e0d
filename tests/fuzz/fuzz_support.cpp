#include "tests/fuzz/fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>

#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::fuzz {

messages::VmOptions tight_limits() {
  messages::VmOptions o;
  o.max_heap_bytes = 4u << 20;
  o.max_step_budget = 200'000;
  o.max_call_depth = 200;
  o.max_tasks = 32;
  o.random_seed = 1;  // deterministic replays
  return o;
}

void drive(vm::VmContext& vm) {
  // The step budget ends every metered program long before this many
  // slices; the cap only stops a context that keeps yielding for free.
  constexpr int kMaxSlices = 200;
  constexpr uint64_t kSlice = 10'000;
  for (int slice = 0; slice < kMaxSlices; ++slice) {
    vm::RunOutcome r = vm.run(kSlice);
    for (vm::HostRequest& req : vm.take_host_requests()) {
      if (req.kind == vm::HostRequest::Kind::Timer) {
        (void)vm.complete(req.id, {});
      } else {
        (void)vm.fail(req.id, messages::make_error(messages::ErrorCode::CapabilityFailed, "fuzz: no host"));
      }
    }
    (void)vm.take_finished();
    (void)vm.take_unobserved_failures();
    if (r.kind == vm::RunOutcome::Kind::Fatal || vm.terminated()) return;
    if (r.kind == vm::RunOutcome::Kind::Done) return;
  }
}

void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz oracle failed: %.*s\n", int(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace raya::fuzz
