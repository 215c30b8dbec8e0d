// Runtime and Sandbox: Raya sandboxes for plain C++ programs, with no CAF
// code of your own. A Runtime owns a CAF actor system (worker threads per
// RuntimeConfig), a capability registry and a supervisor; a Sandbox is one
// context under that supervisor.
//
//   raya::actors::Runtime runtime;                       // or Runtime(load_runtime_config(path).value())
//   runtime.capabilities().add("log", [](const messages::CapabilityCall& c) {
//     std::puts(c.args.at(0).as_string().c_str());
//     return messages::Value();
//   });
//   auto sandbox = runtime.sandbox({.name = "plugin", .grants = {"log"}});  // Result<Sandbox>
//   auto loaded = sandbox->load_source("plugin.raya", text);               // LoadResult
//   messages::TaskResult r = sandbox->run("main", {messages::Value(42)});   // blocks this thread
//   std::future<messages::TaskResult> f = sandbox->run_async("main", {});   // does not
//
// Blocking calls wait for a reply from the actor system: each costs a thread
// wake-up (tens of microseconds). To run many calls, issue them with
// run_async (or the callback form) and wait once; CAF applications should
// talk to supervisor() / Sandbox::actor() with requests instead (see
// supervisor.hpp and context_actor.hpp).
//
// Latency: sandboxes share the worker threads round-robin, one slice per
// turn; under the default scheduler ("hostFirst") every other actor on the
// same workers runs before waiting sandbox slices, so a host actor waits for
// at most the slices already running (ping p99 ~4 ms in the benchmark with
// 1,000 sandboxes spinning, at any slice size). Under CAF's own "sharing" or
// "stealing" it would wait behind a round of every busy sandbox (1,000 busy
// sandboxes at 10k-step slices: tens of ms).
//
// CAF applications that own their actor_system: call configure(cfg, config)
// before creating the system (registers the message types and sets a finite
// scheduler.max-throughput, which fair slicing needs), then spawn_supervisor
// or spawn_context yourself.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/capability_registry.hpp"
#include "actors/context_actor.hpp"
#include "actors/runtime_config.hpp"
#include "actors/supervisor.hpp"
#include "messages/context_report.hpp"
#include "messages/module_source.hpp"
#include "messages/task_result.hpp"

namespace raya::actors {

/// Prepares a CAF config for Raya: registers the message types, sets the
/// worker count, scheduler policy (installs the hostFirst scheduler, see
/// host_first_scheduling.hpp) and a finite max-throughput.
void configure(caf::actor_system_config& cfg, const RuntimeConfig& config);

class Runtime;

/// What a new sandbox looks like: a profile (from the runtime config) and/or
/// explicit options and grants. Explicit fields win over the profile's.
struct SandboxOptions {
  std::string name;
  std::string profile;                      // "" = the runtime's defaultOptions, no grants
  std::optional<messages::VmOptions> options;
  std::optional<std::vector<std::string>> grants;
};

/// One sandbox (context) of a Runtime. Move-only; destroying it terminates
/// the context (asynchronously). Every call is safe from any thread. A
/// Sandbox must not outlive its Runtime (destroy sandboxes first). Calls on
/// a context that has ended answer at once: ContextNotFound, naming why.
/// Terminating abandons the context's pending capability calls: their
/// answers are dropped (an AsyncFunction is not told).
class Sandbox {
 public:
  Sandbox(Sandbox&&) noexcept;
  Sandbox& operator=(Sandbox&&) noexcept;
  ~Sandbox();

  uint64_t id() const { return id_; }
  const messages::VmOptions& options() const { return options_; }  // after clamping

  // Blocking calls. load_source compiles `text` in the context and reads no
  // file (an import of another file is a CompileError); load_file compiles
  // a file the host chose here, its imports read from its directory tree
  // only (vmcore/compiler/file_reader.hpp), and sends the bytecode.
  messages::LoadResult load_source(const std::string& path, const std::string& text);
  messages::LoadResult load_file(const std::string& path);
  messages::LoadResult load_bytecode(const std::string& path, std::vector<uint8_t> bytes);
  messages::TaskResult run(const std::string& name, ValueList args = {});
  messages::Started spawn(const std::string& name, ValueList args = {});
  messages::TaskResult await(messages::TaskId task);
  bool cancel(messages::TaskId task);
  messages::ContextReport report();
  /// Ends the context now (waits for it): a slice busy in long work stops
  /// within about a millisecond (its interrupt is set from this thread).
  /// Later calls fail with Terminated.
  void terminate();

  // Asynchronous calls: the future (or callback, on an actor thread — keep
  // it short) gets the reply.
  std::future<messages::TaskResult> run_async(const std::string& name, ValueList args = {});
  void run_async(const std::string& name, ValueList args, std::function<void(messages::TaskResult)> done);
  std::future<messages::LoadResult> load_async(messages::ModuleSource module);

 private:
  friend class Runtime;
  Sandbox(Runtime* runtime, uint64_t id, messages::VmOptions options);
  Runtime* runtime_ = nullptr;
  uint64_t id_ = 0;
  messages::VmOptions options_;
};

/// Optional host hooks of a Runtime (all run on context threads; keep them short).
struct RuntimeHooks {
  /// console.* lines of sandboxes granted "console" (a valid grant only if set).
  std::function<void(uint64_t context_id, int level, std::string_view line)> console;
  /// Failed tasks no one awaited.
  std::function<void(uint64_t context_id, const messages::Error&)> on_unobserved_failure;
  bool results_as_json = false;   // see ContextSpec::results_as_json
  bool answer_when_idle = false;  // see ContextSpec::answer_when_idle
  bool discard_results = false;   // see ContextSpec::discard_results
};

class Runtime {
 public:
  explicit Runtime(RuntimeConfig config = {}, RuntimeHooks hooks = {});
  ~Runtime();  // terminates every context, then stops the actor system
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const RuntimeConfig& config() const { return config_; }
  CapabilityRegistry& capabilities() { return *capabilities_; }
  caf::actor_system& system() { return *system_; }
  supervisor_actor supervisor() const { return supervisor_; }

  /// A new sandbox (blocking). Errors: ConfigError (unknown profile),
  /// QuotaExceeded (supervisor caps), CapabilityDenied (a grant names no
  /// registered capability).
  Result<Sandbox> sandbox(const SandboxOptions& options);
  /// Reports of every context, live and ended.
  std::vector<messages::ContextReport> reports();

 private:
  friend class Sandbox;
  /// Sends a request to the supervisor and hands its reply (or an error
  /// turned into the reply type) to `done` on an actor thread.
  template <class Reply, class... Ts>
  void ask(std::function<void(Reply)> done, Ts&&... xs);
  template <class Reply, class... Ts>
  Reply ask_blocking(Ts&&... xs);

  RuntimeConfig config_;
  std::shared_ptr<CapabilityRegistry> capabilities_;
  std::shared_ptr<InterruptTable> interrupts_;  // shared with the supervisor
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> system_;
  supervisor_actor supervisor_;
  caf::actor bridge_;  // runs requests on behalf of non-actor threads
};

}  // namespace raya::actors
