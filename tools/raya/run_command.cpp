// raya run: the program runs as a context actor under a supervisor, like any
// sandbox of the actor runtime. The command compiles the program (its
// imports come from disk: the user chose the file), hands the verified
// bytecode to a sandbox granted `console` (unless --grant says otherwise),
// waits for its top-level code and then its `main`, and prints what
// LANGUAGE.md's contract says. Results are held until the context is idle,
// so tasks still running when main returns finish first, as in a script.
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "actors/runtime.hpp"
#include "tools/raya/cli_args.hpp"
#include "tools/raya/commands.hpp"
#include "tools/raya/program_loader.hpp"
#include "vmcore/bytecode/encoder.hpp"

namespace raya::cli {

namespace {

using messages::ErrorCode;
using Clock = std::chrono::steady_clock;

/// Failed tasks nobody awaited, as the context reports them.
struct Unobserved {
  std::mutex mutex;
  std::vector<messages::Error> errors;
};

void print_error(const messages::Error& e) {
  std::fflush(stdout);
  if (e.code == ErrorCode::RuntimeError) {
    std::fprintf(stderr, "error: %s: %s\n", e.name.c_str(), e.message.c_str());
    if (!e.stack.empty()) std::fputs(e.stack.c_str(), stderr);
    return;
  }
  if (e.code == ErrorCode::CompileError) {
    std::fputs(e.render_diagnostics().c_str(), stderr);
    return;
  }
  std::fprintf(stderr, "error: %s: %s\n", std::string(messages::error_code_name(e.code)).c_str(), e.message.c_str());
}

int exit_status_of(const messages::Error& e) {
  if (e.code == ErrorCode::CompileError || e.code == ErrorCode::VerifyError) return kExitCompileError;
  return messages::is_limit_error(e.code) ? kExitLimit : kExitRuntimeError;
}

/// Waits for a reply until the deadline; nullopt if it passed.
template <class T>
std::optional<T> wait(std::future<T>& f, std::optional<Clock::time_point> deadline) {
  if (deadline && f.wait_until(*deadline) == std::future_status::timeout) return std::nullopt;
  return f.get();
}

int report_unobserved(Unobserved& unobserved) {
  std::lock_guard lock(unobserved.mutex);
  if (unobserved.errors.empty()) return kExitOk;
  std::fflush(stdout);
  for (const messages::Error& e : unobserved.errors) {
    std::fprintf(stderr, "error: unawaited task failed: %s: %s\n", e.name.c_str(), e.message.c_str());
    if (!e.stack.empty()) std::fputs(e.stack.c_str(), stderr);
  }
  return kExitRuntimeError;
}

/// The sandbox's limits and grants: the config's profile (or defaults, with
/// console granted), then the command-line overrides.
std::optional<actors::SandboxOptions> sandbox_options(const RunOptions& o, const actors::RuntimeConfig& config,
                                                      std::string& error) {
  actors::SandboxOptions s;
  s.name = o.file;
  messages::VmOptions limits = config.default_options;
  std::vector<std::string> grants{"console"};
  if (!o.profile.empty()) {
    auto profile = config.profile(o.profile);
    if (!profile) {
      error = profile.error().message;
      return std::nullopt;
    }
    limits = profile->options;
    grants = profile->grants;
  }
  if (o.max_heap) limits.max_heap_bytes = *o.max_heap;
  if (o.max_steps) limits.max_step_budget = *o.max_steps;
  if (o.max_tasks) limits.max_tasks = uint32_t(std::min<uint64_t>(*o.max_tasks, UINT32_MAX));
  if (o.grants) grants = *o.grants;
  for (const std::string& cap : grants) {
    if (cap != "console") {
      error = "unknown capability '" + cap + "' (the raya command provides: console)";
      return std::nullopt;
    }
  }
  s.options = limits;
  s.grants = grants;
  return s;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  std::string error;
  auto options = parse_run_options(args, error);
  if (!options) {
    std::fprintf(stderr, "raya run: %s\n", error.c_str());
    return kExitUsage;
  }
  actors::RuntimeConfig config;
  if (!options->config_file.empty()) {
    auto loaded = actors::load_runtime_config(options->config_file);
    if (!loaded) {
      std::fprintf(stderr, "raya run: %s\n", loaded.error().message.c_str());
      return kExitUsage;
    }
    config = std::move(*loaded);
  } else if (!options->profile.empty()) {
    std::fprintf(stderr, "raya run: --profile needs --config FILE (profiles are defined there)\n");
    return kExitUsage;
  }
  auto sandbox_opts = sandbox_options(*options, config, error);
  if (!sandbox_opts) {
    std::fprintf(stderr, "raya run: %s\n", error.c_str());
    return kExitUsage;
  }

  // The --timeout covers compiling too.
  std::optional<Clock::time_point> deadline;
  if (options->timeout_ms) deadline = Clock::now() + std::chrono::milliseconds(*options->timeout_ms);

  std::shared_ptr<const vm::Module> module;
  if (int status = load_program(options->file, module, deadline); status != kExitOk) return status;
  messages::ModuleSource source = messages::ModuleSource::from_bytecode(options->file, vm::encode_module(*module));

  Unobserved unobserved;
  actors::RuntimeHooks hooks;
  hooks.console = [](uint64_t, int level, std::string_view line) {
    FILE* to = level >= 2 ? stderr : stdout;
    std::fwrite(line.data(), 1, line.size(), to);
    std::fputc('\n', to);
  };
  hooks.on_unobserved_failure = [&unobserved](uint64_t, const messages::Error& e) {
    std::lock_guard lock(unobserved.mutex);
    unobserved.errors.push_back(e);
  };
  hooks.results_as_json = true;
  hooks.answer_when_idle = true;
  actors::Runtime runtime(config, std::move(hooks));
  auto sandbox = runtime.sandbox(*sandbox_opts);
  if (!sandbox) {
    std::fprintf(stderr, "raya run: %s\n", sandbox.error().to_string().c_str());
    return kExitUsage;
  }

  auto timed_out = [&]() {
    sandbox->terminate();
    print_error(messages::make_error(ErrorCode::Timeout, "the program ran longer than the --timeout of " +
                                                             std::to_string(*options->timeout_ms) + " ms"));
    return kExitLimit;
  };
  auto finish = [&](int status) {
    if (int u = report_unobserved(unobserved); status == kExitOk) status = u;
    if (options->stats) std::fprintf(stderr, "%s\n", messages::to_json(sandbox->report().stats).c_str());
    return status;
  };

  auto load_future = sandbox->load_async(std::move(source));
  std::optional<messages::LoadResult> loaded = wait(load_future, deadline);
  if (!loaded) return timed_out();
  if (!loaded->ok) {
    print_error(loaded->error);
    return finish(exit_status_of(loaded->error));
  }
  messages::Value result = loaded->value;
  const auto& exports = loaded->info.exports;
  if (std::find(exports.begin(), exports.end(), "main") != exports.end()) {
    auto run_future = sandbox->run_async("main");
    std::optional<messages::TaskResult> ran = wait(run_future, deadline);
    if (!ran) return timed_out();
    if (!ran->ok) {
      print_error(ran->error);
      return finish(exit_status_of(ran->error));
    }
    result = ran->value;
  }
  if (int status = finish(kExitOk); status != kExitOk) return status;
  if (options->print_result) {
    std::fflush(stdout);
    std::printf("%s\n", result.is_string() ? result.as_string().c_str() : "null");
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace raya::cli
