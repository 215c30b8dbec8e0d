// raya run: the program runs as a context actor under a supervisor, like any
// sandbox of the actor runtime. The command compiles the program (its
// imports come from disk: the user chose the file), hands the verified
// bytecode to a sandbox granted `console` (unless --grant says otherwise),
// waits for its top-level code and then its `main`, and prints what
// LANGUAGE.md's contract says. Results are held until the context is idle,
// so tasks still running when main returns finish first, as in a script;
// a failure of the top-level code or of main ends the run at once (the
// other tasks are stopped), as in node. Everything printed on the program's
// behalf is escaped (terminal_text.hpp); --stats is printed however the run
// ends.
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "actors/runtime.hpp"
#include "tools/raya/cli_args.hpp"
#include "tools/raya/commands.hpp"
#include "tools/raya/program_loader.hpp"
#include "tools/raya/terminal_text.hpp"
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
    std::fprintf(stderr, "error: %s: %s\n", escape_text(e.name).c_str(), escape_text(e.message).c_str());
    if (!e.stack.empty()) std::fputs(escape_lines(e.stack).c_str(), stderr);
    return;
  }
  if (e.code == ErrorCode::CompileError) {
    print_diagnostics(e);
    return;
  }
  std::fprintf(stderr, "error: %s: %s\n", std::string(messages::error_code_name(e.code)).c_str(),
               escape_text(e.message).c_str());
}

/// The program is the first request a fresh context gets, so a refusal of
/// it by back-pressure (QuotaExceeded) means it can never fit the heap
/// limit: say so, as the limit it is (exit 3), not "retry later".
messages::Error as_limit_if_it_never_fits(const messages::Error& e) {
  if (e.code != ErrorCode::QuotaExceeded) return e;
  messages::Error limit = messages::make_error(
      ErrorCode::HeapLimitExceeded, "the program (" + std::to_string(e.used) +
                                        " bytes of bytecode as the context counts it) does not fit the heap limit of " +
                                        std::to_string(e.limit) + " bytes");
  limit.limit = e.limit;
  limit.used = e.used;
  return limit;
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
    std::fprintf(stderr, "error: unawaited task failed: %s: %s\n", escape_text(e.name).c_str(),
                 escape_text(e.message).c_str());
    if (!e.stack.empty()) std::fputs(escape_lines(e.stack).c_str(), stderr);
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
      std::fprintf(stderr, "raya run: %s\n", escape_text(loaded.error().message).c_str());
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
    std::string shown = escape_lines(line);  // the console capability writes text, not terminal controls
    std::fwrite(shown.data(), 1, shown.size(), to);
    std::fputc('\n', to);
  };
  hooks.on_unobserved_failure = [&unobserved](uint64_t, const messages::Error& e) {
    std::lock_guard lock(unobserved.mutex);
    unobserved.errors.push_back(e);
  };
  hooks.results_as_json = true;
  hooks.discard_results = !options->print_result;  // nobody reads it: never converted
  hooks.answer_when_idle = true;
  actors::Runtime runtime(config, std::move(hooks));
  auto sandbox = runtime.sandbox(*sandbox_opts);
  if (!sandbox) {
    std::fprintf(stderr, "raya run: %s\n", sandbox.error().to_string().c_str());
    return kExitUsage;
  }

  // Every ending goes through finish(), so --stats is printed in each.
  auto finish = [&](int status) {
    if (int u = report_unobserved(unobserved); status == kExitOk) status = u;
    if (options->stats) std::fprintf(stderr, "%s\n", messages::to_json(sandbox->report().stats).c_str());
    return status;
  };
  auto timed_out = [&]() {
    sandbox->terminate();
    print_error(messages::make_error(ErrorCode::Timeout, "the program ran longer than the --timeout of " +
                                                             std::to_string(*options->timeout_ms) + " ms"));
    return finish(kExitLimit);
  };
  // The main task failed: stop the program's other tasks first (they would
  // keep it alive and printing), then report.
  auto failed = [&](const messages::Error& error) {
    sandbox->terminate();
    print_error(error);
    return finish(exit_status_of(error));
  };

  auto load_future = sandbox->load_async(std::move(source));
  std::optional<messages::LoadResult> loaded = wait(load_future, deadline);
  if (!loaded) return timed_out();
  if (!loaded->ok) return failed(as_limit_if_it_never_fits(loaded->error));
  messages::Value result = loaded->value;
  const auto& exports = loaded->info.exports;
  if (std::find(exports.begin(), exports.end(), "main") != exports.end()) {
    auto run_future = sandbox->run_async("main");
    std::optional<messages::TaskResult> ran = wait(run_future, deadline);
    if (!ran) return timed_out();
    if (!ran->ok) return failed(ran->error);
    result = ran->value;
  }
  if (int status = finish(kExitOk); status != kExitOk) return status;
  if (options->print_result) {
    std::fflush(stdout);
    std::printf("%s\n", result.is_string() ? escape_json(result.as_string()).c_str() : "null");
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace raya::cli
