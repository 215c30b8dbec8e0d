// raya run / compile / disasm.
#include "tools/raya/commands.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "tools/raya/cli_args.hpp"
#include "tools/raya/host_loop.hpp"
#include "tools/raya/program_loader.hpp"
#include "tools/raya/result_json.hpp"
#include "vmcore/bytecode/disassembler.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::cli {

namespace {

void console_to_stdio(void*, int level, std::string_view line) {
  FILE* to = level >= 2 ? stderr : stdout;
  std::fwrite(line.data(), 1, line.size(), to);
  std::fputc('\n', to);
}

int report_fatal(const vm::Error& e) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s: %s\n", std::string(messages::error_code_name(e.code)).c_str(), e.message.c_str());
  return messages::is_limit_error(e.code) ? kExitLimit : kExitRuntimeError;
}

int report_exception(vm::Context& ctx, vm::Value exception) {
  vm::Error e = ctx.runtime_error_of(exception);
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s: %s\n", e.name.c_str(), e.message.c_str());
  if (!e.stack.empty()) std::fputs(e.stack.c_str(), stderr);
  return kExitRuntimeError;
}

void print_stats(vm::Context& ctx) { std::fprintf(stderr, "%s\n", messages::to_json(ctx.stats()).c_str()); }

/// Runs the context until it is idle and reports how `task` ended: -1 when
/// it finished with a value, else an exit status (its error, a limit, the
/// timeout, or a deadlock: it still waits on tasks that can never finish).
int drive(vm::Context& ctx, vm::Task* task, std::optional<HostLoop::Clock::time_point> deadline,
          uint64_t timeout_ms) {
  HostLoop loop(ctx, deadline);
  switch (loop.run_until_idle()) {
    case HostLoop::Outcome::Fatal: return report_fatal(ctx.fatal());
    case HostLoop::Outcome::Timeout:
      return report_fatal(messages::make_error(
          messages::ErrorCode::Timeout,
          "the program ran longer than the --timeout of " + std::to_string(timeout_ms) + " ms"));
    case HostLoop::Outcome::Idle: break;
  }
  if (task->state == vm::TaskState::Failed) return report_exception(ctx, task->exception);
  if (task->state != vm::TaskState::Done) {
    std::fflush(stdout);
    std::fprintf(stderr,
                 "error: Deadlock: the program waits for tasks that can never finish (%zu blocked task%s)\n",
                 ctx.live_tasks(), ctx.live_tasks() == 1 ? "" : "s");
    return kExitRuntimeError;
  }
  return -1;
}

/// Failed tasks nobody awaited: reported, never silently dropped.
int report_unobserved_failures(vm::Context& ctx) {
  if (ctx.unobserved_failure_count() == 0) return kExitOk;
  std::fflush(stdout);
  for (vm::Task* t : ctx.unobserved_failures()) {
    vm::Error e = ctx.runtime_error_of(t->exception);
    std::fprintf(stderr, "error: unawaited task failed: %s: %s\n", e.name.c_str(), e.message.c_str());
    if (!e.stack.empty()) std::fputs(e.stack.c_str(), stderr);
  }
  uint64_t more = ctx.unobserved_failure_count() - ctx.unobserved_failures().size();
  if (more > 0) std::fprintf(stderr, "error: ... and %llu more unawaited failed tasks\n", (unsigned long long)more);
  return kExitRuntimeError;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  std::string error;
  auto options = parse_run_options(args, error);
  if (!options) {
    std::fprintf(stderr, "raya run: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!options->config_file.empty()) {
    std::fprintf(stderr, "raya run: --config is read by the actor runtime, which this build does not include yet\n");
    return kExitUsage;
  }
  std::shared_ptr<const vm::Module> module;
  if (int status = load_program(options->file, module); status != kExitOk) return status;

  vm::ContextOptions copts;
  if (options->max_heap) copts.max_heap_bytes = *options->max_heap;
  if (options->max_steps) copts.max_steps = *options->max_steps;
  if (options->max_tasks) copts.max_tasks = uint32_t(std::min<uint64_t>(*options->max_tasks, UINT32_MAX));
  vm::Context ctx(copts);
  bool console_granted = true;
  if (options->grants) {
    console_granted = false;
    for (const std::string& cap : *options->grants) {
      if (cap == "console") {
        console_granted = true;
      } else {
        std::fprintf(stderr, "raya run: unknown capability '%s' (the raya command provides: console)\n", cap.c_str());
        return kExitUsage;
      }
    }
  }
  if (console_granted) ctx.set_console_sink(console_to_stdio, nullptr);

  std::optional<HostLoop::Clock::time_point> deadline;
  if (options->timeout_ms) deadline = HostLoop::Clock::now() + std::chrono::milliseconds(*options->timeout_ms);
  uint64_t timeout_ms = options->timeout_ms.value_or(0);
  auto finish = [&](int status) {
    if (status == kExitOk || status < 0) status = report_unobserved_failures(ctx);
    if (options->stats) print_stats(ctx);
    return status;
  };

  vm::Result<vm::Task*> loaded = ctx.load(module);
  if (!loaded) {
    if (loaded.error().code == messages::ErrorCode::VerifyError) {
      std::fprintf(stderr, "%s: error: VerifyError: %s\n", options->file.c_str(), loaded.error().message.c_str());
      return kExitCompileError;
    }
    return report_fatal(loaded.error());
  }
  vm::Task* task = *loaded;
  if (int status = drive(ctx, task, deadline, timeout_ms); status >= 0) return finish(status);
  if (ctx.has_export("main")) {
    task = ctx.start_export_call("main", {});
    if (task == nullptr) {
      std::fprintf(stderr, "error: TypeError: the exported 'main' is not a function\n");
      return kExitRuntimeError;
    }
    if (int status = drive(ctx, task, deadline, timeout_ms); status >= 0) return finish(status);
  }
  if (int status = finish(kExitOk); status != kExitOk) return status;
  if (options->print_result) {
    std::string json, why;
    if (!result_to_json(ctx, task->result, json, why)) {
      std::fflush(stdout);
      std::fprintf(stderr, "error: TypeError: %s\n", why.c_str());
      return kExitRuntimeError;
    }
    std::fflush(stdout);
    std::printf("%s\n", json.c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

int compile_command(const std::vector<std::string>& args) {
  std::string input, output;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" && i + 1 < args.size()) {
      output = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      std::fprintf(stderr, "raya compile: unknown option '%s'\n", args[i].c_str());
      return kExitUsage;
    } else if (input.empty()) {
      input = args[i];
    } else {
      std::fprintf(stderr, "raya compile: unexpected argument '%s'\n", args[i].c_str());
      return kExitUsage;
    }
  }
  if (input.empty() || output.empty()) {
    std::fprintf(stderr, "usage: raya compile FILE.raya -o OUT.ryb\n");
    return kExitUsage;
  }
  std::shared_ptr<const vm::Module> module;
  if (int status = load_program(input, module); status != kExitOk) return status;
  std::vector<uint8_t> bytes = vm::encode_module(*module);
  std::ofstream out(output, std::ios::binary);
  if (!out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()))) {
    std::fprintf(stderr, "raya compile: cannot write '%s'\n", output.c_str());
    return kExitUsage;
  }
  return kExitOk;
}

int disasm_command(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: raya disasm FILE.ryb\n");
    return kExitUsage;
  }
  std::shared_ptr<const vm::Module> module;
  if (int status = load_program(args[0], module); status != kExitOk) return status;
  std::string text = vm::disassemble(*module);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace raya::cli
