// Embedding vmcore without actors: one VmContext, a Raya program that calls
// a host capability and sleeps, and a single-threaded host loop that answers
// its requests. Build: make build; run: build/examples/raya_example_host_calls
//
// The actor runtime does the same with messages instead of a loop.
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"

namespace {

constexpr const char* kProgram = R"(
import { lookup } from "host:";          // granted below
import { sleep } from "raya:task";

export async function main(names) {
  const found = [];
  for (const name of names) {
    try {
      found.push(await lookup(name));     // suspends until the host answers
    } catch (e) {
      found.push(`${e.name}: ${e.message}`);
    }
  }
  await sleep(20);                        // a timer the host fires
  return { found, count: found.length };
}
)";

/// The host's side of the `lookup` capability.
raya::messages::Value lookup(const raya::messages::Value& args, bool& ok) {
  static const std::map<std::string, int> kTable = {{"ada", 1815}, {"grace", 1906}};
  ok = false;
  if (!args.is_array() || args.as_array().size() != 1 || !args.as_array()[0].is_string()) return "bad arguments";
  auto it = kTable.find(args.as_array()[0].as_string());
  if (it == kTable.end()) return "no entry for " + args.as_array()[0].as_string();
  ok = true;
  return raya::messages::Value::Map{{"name", it->first}, {"born", it->second}};
}

}  // namespace

int main() {
  using namespace raya;
  messages::VmOptions limits;
  limits.max_heap_bytes = 8 << 20;
  limits.max_step_budget = 10'000'000;
  vm::VmContext sandbox(limits, {"lookup"});

  vm::Result<vm::TaskId> init = sandbox.load_source("plugin.raya", kProgram);
  if (!init) {
    std::fprintf(stderr, "%s\n%s", init.error().to_string().c_str(), init.error().render_diagnostics().c_str());
    return 1;
  }
  // One argument, an array. (Beware: a braced messages::Value::Array would be
  // taken as the argument list itself, since it is a vector of values.)
  messages::Value names = messages::Value::Array{"ada", "alan", "grace"};
  vm::Result<vm::TaskId> call = sandbox.start("main", {names});
  if (!call) {
    std::fprintf(stderr, "%s\n", call.error().to_string().c_str());
    return 1;
  }

  using Clock = std::chrono::steady_clock;
  std::multimap<Clock::time_point, uint64_t> timers;
  for (;;) {
    vm::RunOutcome r = sandbox.run(100'000);
    for (vm::HostRequest& req : sandbox.take_host_requests()) {
      if (req.kind == vm::HostRequest::Kind::Timer) {
        timers.emplace(Clock::now() + std::chrono::milliseconds(req.delay_ms), req.id);
        continue;
      }
      bool ok = false;
      messages::Value answer = lookup(req.args, ok);
      if (ok) (void)sandbox.complete(req.id, answer);
      else (void)sandbox.fail(req.id, messages::make_error(messages::ErrorCode::CapabilityFailed, answer.as_string()));
    }
    for (vm::TaskOutcome& done : sandbox.take_finished()) {
      if (done.id != *call) continue;
      if (done.ok) std::printf("main returned %s\n", messages::to_json(done.value).c_str());
      else std::printf("main failed: %s\n", done.error.to_string().c_str());
    }
    if (r.kind == vm::RunOutcome::Kind::Fatal) {
      std::printf("the sandbox was stopped: %s\n", sandbox.fatal()->to_string().c_str());
      return 1;
    }
    if (r.kind == vm::RunOutcome::Kind::Done) break;
    if (r.kind == vm::RunOutcome::Kind::Waiting && !timers.empty()) {
      std::this_thread::sleep_until(timers.begin()->first);  // nothing to run until the timer
      (void)sandbox.complete(timers.begin()->second, {});
      timers.erase(timers.begin());
    }
  }
  messages::VmStats stats = sandbox.stats();
  std::printf("steps %llu, tasks created %llu, peak heap %llu bytes\n", (unsigned long long)stats.steps_executed,
              (unsigned long long)stats.tasks_created, (unsigned long long)stats.peak_heap_bytes);
  sandbox.terminate();
  return 0;
}
