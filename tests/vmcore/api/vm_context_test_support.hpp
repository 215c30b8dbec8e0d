// Shared by the tests that drive a VmContext as an embedding would: an
// Embedding runs slices until nothing is ready and keeps what each slice
// produced (host requests, finished tasks, steps), so a test reads like the
// host loop in vm_context.hpp without repeating it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vmcore/api/vm_context.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm::vm_context_test {

using M = messages::Value;
using MArray = messages::Value::Array;
using MMap = messages::Value::Map;
using MBytes = messages::Value::Bytes;
using Kind = RunOutcome::Kind;

/// Values are compared as their JSON text, which tells every kind apart
/// (2 from 2.0, bytes from arrays) and reads well in a failure message.
inline std::string json(const M& v) { return messages::to_json(v); }

/// A VmContext driven the way an embedding drives one: run slices until no
/// task is ready, collecting the host requests and finished tasks each slice
/// produces.
struct Embedding {
  VmContext vm;
  std::vector<HostRequest> requests;   // taken, not yet answered by the test
  std::map<TaskId, TaskOutcome> done;  // every outcome take_finished gave
  uint64_t steps = 0;                  // sum of RunOutcome::steps

  explicit Embedding(const messages::VmOptions& options = {}, std::vector<std::string> grants = {})
      : vm(options, std::move(grants)) {}

  RunOutcome run_until_idle(uint64_t budget = 1u << 20) {
    RunOutcome r;
    for (int slices = 0; slices < 100000; ++slices) {
      r = vm.run(budget);
      steps += r.steps;
      collect();
      if (r.kind != Kind::Yielded) return r;
    }
    ADD_FAILURE() << "never became idle";
    return r;
  }

  void collect() {
    for (HostRequest& req : vm.take_host_requests()) requests.push_back(std::move(req));
    for (TaskOutcome& o : vm.take_finished()) done[o.id] = std::move(o);
  }

  TaskId load(const std::string& source) {
    Result<TaskId> id = vm.load_source("main.raya", source);
    if (!id) {
      ADD_FAILURE() << id.error().to_string() << "\n" << id.error().render_diagnostics();
      return 0;
    }
    return *id;
  }

  /// Loads `source` and runs its top-level code, which must succeed.
  void load_and_run(const std::string& source) {
    TaskId id = load(source);
    EXPECT_EQ(run_until_idle().kind, Kind::Done) << (vm.fatal() ? vm.fatal()->to_string() : "");
    expect_value(id);
  }

  TaskId start(std::string_view name, const std::vector<M>& args = {}) {
    Result<TaskId> id = vm.start(name, args);
    if (!id) {
      ADD_FAILURE() << id.error().to_string();
      return 0;
    }
    return *id;
  }

  /// The outcome of a finished task (a failure if it has not finished).
  TaskOutcome outcome(TaskId id) {
    auto it = done.find(id);
    if (it == done.end()) {
      ADD_FAILURE() << "task " << id << " has not finished";
      return TaskOutcome{};
    }
    return it->second;
  }

  M expect_value(TaskId id) {
    TaskOutcome o = outcome(id);
    EXPECT_TRUE(o.ok) << o.error.to_string() << "\n" << o.error.stack;
    return o.value;
  }

  messages::Error expect_error(TaskId id) {
    TaskOutcome o = outcome(id);
    EXPECT_FALSE(o.ok) << messages::to_json(o.value);
    return o.error;
  }

  /// Calls export `name` and runs until idle (other tasks may still wait
  /// on the host); its value.
  M call(std::string_view name, const std::vector<M>& args = {}) {
    TaskId id = start(name, args);
    EXPECT_NE(run_until_idle().kind, Kind::Fatal) << vm.fatal()->to_string();
    return expect_value(id);
  }

  /// Completes the one request taken so far with `value`, then runs until idle.
  RunOutcome answer(const M& value) {
    Status s = vm.complete(only_request().id, value);
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    return run_until_idle();
  }

  /// Fails the one request taken so far with `error`, then runs until idle.
  RunOutcome answer_with_error(const messages::Error& error) {
    Status s = vm.fail(only_request().id, error);
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    return run_until_idle();
  }

  /// The one request taken so far (and forgets it).
  HostRequest only_request() {
    EXPECT_EQ(requests.size(), 1u);
    if (requests.empty()) return HostRequest{};
    HostRequest r = requests.front();
    requests.clear();
    return r;
  }
};

}  // namespace raya::vm::vm_context_test
