// raya run / compile / disasm.
#include "tools/raya/commands.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "tools/raya/cli_args.hpp"
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

/// Runs the context until its tasks finish, a limit hits, or the deadline.
/// Returns -1 when done, else an exit status.
int drive(vm::Context& ctx, std::chrono::steady_clock::time_point deadline, bool has_deadline,
          uint64_t timeout_ms) {
  for (;;) {
    vm::RunOutcome r = ctx.run(1u << 20);
    if (r.kind == vm::RunOutcome::Kind::Fatal) return report_fatal(ctx.fatal());
    if (r.kind == vm::RunOutcome::Kind::Done) return -1;
    if (has_deadline && std::chrono::steady_clock::now() >= deadline) {
      vm::Error e = messages::make_error(messages::ErrorCode::Timeout,
                                         "the program ran longer than the --timeout of " +
                                             std::to_string(timeout_ms) + " ms");
      return report_fatal(e);
    }
  }
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
  vm::Context ctx(copts);
  bool console_granted = true;
  if (options->grants) {
    console_granted = false;
    for (const std::string& cap : *options->grants)
      if (cap == "console") console_granted = true;
  }
  if (console_granted) ctx.set_console_sink(console_to_stdio, nullptr);

  auto start = std::chrono::steady_clock::now();
  bool has_deadline = options->timeout_ms.has_value();
  auto deadline = start + std::chrono::milliseconds(options->timeout_ms.value_or(0));

  vm::Status loaded = ctx.load(module);
  if (!loaded) {
    if (loaded.error().code == messages::ErrorCode::VerifyError) {
      std::fprintf(stderr, "%s: error: VerifyError: %s\n", options->file.c_str(), loaded.error().message.c_str());
      return kExitCompileError;
    }
    return report_fatal(loaded.error());
  }
  int status = drive(ctx, deadline, has_deadline, options->timeout_ms.value_or(0));
  if (status >= 0) {
    if (options->stats) print_stats(ctx);
    return status;
  }
  vm::Task* task = ctx.main_task();
  if (task->state == vm::TaskState::Failed) {
    status = report_exception(ctx, task->exception);
    if (options->stats) print_stats(ctx);
    return status;
  }
  vm::Value result = task->result;
  if (ctx.has_export("main")) {
    if (!ctx.start_export_call("main", {})) {
      std::fprintf(stderr, "error: TypeError: the exported 'main' is not a function\n");
      return kExitRuntimeError;
    }
    status = drive(ctx, deadline, has_deadline, options->timeout_ms.value_or(0));
    if (status >= 0) {
      if (options->stats) print_stats(ctx);
      return status;
    }
    task = ctx.main_task();
    if (task->state == vm::TaskState::Failed) {
      status = report_exception(ctx, task->exception);
      if (options->stats) print_stats(ctx);
      return status;
    }
    result = task->result;
  }
  if (options->print_result) {
    std::string json, why;
    if (!result_to_json(ctx, result, json, why)) {
      std::fflush(stdout);
      std::fprintf(stderr, "error: TypeError: %s\n", why.c_str());
      return kExitRuntimeError;
    }
    std::fflush(stdout);
    std::printf("%s\n", json.c_str());
  }
  std::fflush(stdout);
  if (options->stats) print_stats(ctx);
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
