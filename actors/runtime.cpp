// Runtime and Sandbox (see runtime.hpp): an actor system, a supervisor and a
// "bridge" actor that issues requests for threads that are not actors.
#include "actors/runtime.hpp"

#include "actors/host_first_scheduling.hpp"

#include <thread>

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "messages/caf_types.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::actors::detail {
/// Work for the bridge actor: issue a request and hand its reply on.
struct BridgeJob {
  std::function<void(caf::event_based_actor*)> run;
};
}  // namespace raya::actors::detail

// Never leaves the process: a closure has no wire form.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(raya::actors::detail::BridgeJob)

namespace raya::actors {

using messages::ErrorCode;
using messages::make_error;

void configure(caf::actor_system_config& cfg, const RuntimeConfig& config) {
  messages::register_message_types(cfg);
  cfg.add_message_type<SandboxSpec>("raya.SandboxSpec");
  cfg.add_message_type<SpawnReply>("raya.SpawnReply");
  unsigned workers = config.worker_threads != 0 ? config.worker_threads : std::thread::hardware_concurrency();
  cfg.set("scheduler.max-threads", size_t(std::max(1u, workers)));
  if (config.scheduler_policy == "hostFirst")
    use_host_first_scheduling(cfg);
  else
    cfg.set("scheduler.policy", config.scheduler_policy == "sharing" ? caf::atom("sharing") : caf::atom("stealing"));
  // A context yields after each slice by sending itself a message; CAF's
  // default (unbounded) throughput would let it take that message at once
  // and keep the thread. One message per turn makes every slice a turn.
  cfg.set("scheduler.max-throughput", size_t(1));
}

namespace {

/// The reply a request gets when the actor system could not deliver it (the
/// supervisor is gone: the runtime is shutting down).
messages::Error lost(const caf::error& e, caf::actor_system& system) {
  return make_error(ErrorCode::Terminated, "no reply from the runtime: " + system.render(e));
}

template <class Reply>
Reply error_reply(messages::Error error) {
  if constexpr (std::is_same_v<Reply, bool>) {
    return false;
  } else if constexpr (std::is_same_v<Reply, messages::ContextReport>) {
    messages::ContextReport r;
    r.state = messages::ContextReport::State::Failed;
    r.error = std::move(error);
    return r;
  } else if constexpr (std::is_same_v<Reply, ReportList>) {
    return {};
  } else {
    Reply r;
    r.ok = false;
    r.error = std::move(error);
    return r;
  }
}

// The unused argument works around CAF 0.17.6 spawning a function actor
// with no arguments: it binds a reference to a null tuple (UBSan aborts).
caf::behavior bridge(caf::event_based_actor* self, int /*unused*/) {
  return {[self](detail::BridgeJob& job) { job.run(self); }};
}

}  // namespace

template <class Reply, class... Ts>
void Runtime::ask(std::function<void(Reply)> done, Ts&&... xs) {
  auto target = caf::actor_cast<caf::actor>(supervisor_);
  caf::actor_system* system = system_.get();
  auto args = std::make_tuple(std::forward<Ts>(xs)...);
  detail::BridgeJob job{[target, system, done = std::move(done), args = std::move(args)](
                            caf::event_based_actor* self) mutable {
    std::apply(
        [&](auto&... a) {
          self->request(target, caf::infinite, std::move(a)...)
              .then([done](Reply& r) mutable { done(std::move(r)); },
                    [done, system](caf::error& e) mutable { done(error_reply<Reply>(lost(e, *system))); });
        },
        args);
  }};
  caf::anon_send(bridge_, std::move(job));
}

template <class Reply, class... Ts>
Reply Runtime::ask_blocking(Ts&&... xs) {
  auto promise = std::make_shared<std::promise<Reply>>();
  std::future<Reply> future = promise->get_future();
  ask<Reply>([promise](Reply r) { promise->set_value(std::move(r)); }, std::forward<Ts>(xs)...);
  return future.get();
}

Runtime::Runtime(RuntimeConfig config, RuntimeHooks hooks)
    : config_(std::move(config)),
      capabilities_(std::make_shared<CapabilityRegistry>()),
      interrupts_(std::make_shared<InterruptTable>()) {
  cfg_ = std::make_unique<caf::actor_system_config>();
  configure(*cfg_, config_);
  system_ = std::make_unique<caf::actor_system>(*cfg_);
  SupervisorSpec spec;
  spec.policy = config_.supervisor;
  spec.capabilities = capabilities_;
  spec.slice_steps = config_.slice_steps;
  spec.console = std::move(hooks.console);
  spec.on_unobserved_failure = std::move(hooks.on_unobserved_failure);
  spec.results_as_json = hooks.results_as_json;
  spec.answer_when_idle = hooks.answer_when_idle;
  spec.discard_results = hooks.discard_results;
  spec.interrupts = interrupts_;
  supervisor_ = spawn_supervisor(*system_, std::move(spec));
  bridge_ = system_->spawn(bridge, 0);
}

Runtime::~Runtime() {
  // The supervisor takes its contexts with it; the system then waits for
  // every actor to finish before its threads stop.
  caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
  supervisor_ = nullptr;
  bridge_ = nullptr;
  system_.reset();
}

Result<Sandbox> Runtime::sandbox(const SandboxOptions& options) {
  SandboxSpec spec;
  spec.name = options.name;
  spec.options = config_.default_options;
  if (!options.profile.empty()) {
    Result<SandboxProfile> profile = config_.profile(options.profile);
    if (!profile) return profile.error();
    spec.options = profile->options;
    spec.grants = profile->grants;
    if (spec.name.empty()) spec.name = options.profile;
  }
  if (options.options) spec.options = *options.options;
  if (options.grants) spec.grants = *options.grants;
  SpawnReply reply = ask_blocking<SpawnReply>(spawn_atom::value, std::move(spec));
  if (!reply.ok) return reply.error;
  return Sandbox(this, reply.context_id, reply.options);
}

std::vector<messages::ContextReport> Runtime::reports() { return ask_blocking<ReportList>(stats_atom::value); }

// --- Sandbox ----------------------------------------------------------------

Sandbox::Sandbox(Runtime* runtime, uint64_t id, messages::VmOptions options)
    : runtime_(runtime), id_(id), options_(options) {}

Sandbox::Sandbox(Sandbox&& other) noexcept
    : runtime_(std::exchange(other.runtime_, nullptr)), id_(other.id_), options_(other.options_) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    if (runtime_) {
      runtime_->interrupts_->request(id_, vm::InterruptReason::Terminate);
      caf::anon_send(runtime_->supervisor_, terminate_atom::value, id_);
    }
    runtime_ = std::exchange(other.runtime_, nullptr);
    id_ = other.id_;
    options_ = other.options_;
  }
  return *this;
}

Sandbox::~Sandbox() {
  if (!runtime_) return;
  runtime_->interrupts_->request(id_, vm::InterruptReason::Terminate);
  caf::anon_send(runtime_->supervisor_, terminate_atom::value, id_);
}

namespace {
messages::Error moved_from() { return make_error(ErrorCode::ContextNotFound, "this Sandbox was moved from"); }
}  // namespace

messages::LoadResult Sandbox::load_source(const std::string& path, const std::string& text) {
  return load_async(messages::ModuleSource::from_source(path, text)).get();
}

messages::LoadResult Sandbox::load_file(const std::string& path) {
  // The host chose this file, so its imports may come from disk (from its
  // directory tree only, see compile_file); the program is compiled here and sent as verified-at-load bytecode.
  vm::Result<vm::Module> module = vm::compiler::compile_file(path);
  if (!module) return messages::LoadResult{false, {}, {}, module.error()};
  return load_async(messages::ModuleSource::from_bytecode(path, vm::encode_module(*module))).get();
}

messages::LoadResult Sandbox::load_bytecode(const std::string& path, std::vector<uint8_t> bytes) {
  return load_async(messages::ModuleSource::from_bytecode(path, std::move(bytes))).get();
}

std::future<messages::LoadResult> Sandbox::load_async(messages::ModuleSource module) {
  auto promise = std::make_shared<std::promise<messages::LoadResult>>();
  auto future = promise->get_future();
  if (!runtime_) {
    promise->set_value(messages::LoadResult{false, {}, {}, moved_from()});
    return future;
  }
  runtime_->ask<messages::LoadResult>([promise](messages::LoadResult r) { promise->set_value(std::move(r)); },
                                      load_atom::value, id_, std::move(module));
  return future;
}

messages::TaskResult Sandbox::run(const std::string& name, ValueList args) {
  return run_async(name, std::move(args)).get();
}

std::future<messages::TaskResult> Sandbox::run_async(const std::string& name, ValueList args) {
  auto promise = std::make_shared<std::promise<messages::TaskResult>>();
  auto future = promise->get_future();
  run_async(name, std::move(args), [promise](messages::TaskResult r) { promise->set_value(std::move(r)); });
  return future;
}

void Sandbox::run_async(const std::string& name, ValueList args, std::function<void(messages::TaskResult)> done) {
  if (!runtime_) {
    messages::TaskResult r;
    r.error = moved_from();
    done(std::move(r));
    return;
  }
  runtime_->ask<messages::TaskResult>(std::move(done), run_atom::value, id_, name, std::move(args));
}

messages::Started Sandbox::spawn(const std::string& name, ValueList args) {
  if (!runtime_) return messages::Started{false, 0, moved_from()};
  return runtime_->ask_blocking<messages::Started>(spawn_atom::value, id_, name, std::move(args));
}

messages::TaskResult Sandbox::await(messages::TaskId task) {
  if (!runtime_) return error_reply<messages::TaskResult>(moved_from());
  return runtime_->ask_blocking<messages::TaskResult>(await_atom::value, id_, task);
}

bool Sandbox::cancel(messages::TaskId task) {
  if (!runtime_) return false;
  return runtime_->ask_blocking<bool>(cancel_atom::value, id_, task);
}

messages::ContextReport Sandbox::report() {
  if (!runtime_) return error_reply<messages::ContextReport>(moved_from());
  return runtime_->ask_blocking<messages::ContextReport>(stats_atom::value, id_);
}

void Sandbox::terminate() {
  if (!runtime_) return;
  // From this thread, at once: a slice busy in long work stops within a
  // poll, so the supervisor's worker (and the reply) need not wait for it.
  runtime_->interrupts_->request(id_, vm::InterruptReason::Terminate);
  (void)runtime_->ask_blocking<bool>(terminate_atom::value, id_);
}

}  // namespace raya::actors
