#include "tools/raya/program_loader.hpp"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "tools/raya/commands.hpp"
#include "tools/raya/terminal_text.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/compiler/file_reader.hpp"

namespace raya::cli {

namespace {

using vm::compiler::FileLookup;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Reads the file the user named: a regular file within the cap, or an
/// error naming it (a directory, /dev/zero or a FIFO is refused, not read).
bool read_program_file(const std::string& path, uint64_t max_bytes, std::string& text) {
  FileLookup file = vm::compiler::read_regular_file(path, max_bytes);
  if (file.kind == FileLookup::Kind::Found) {
    text = std::move(file.text);
    return true;
  }
  std::string why = file.kind == FileLookup::Kind::Missing ? "no such file" : file.reason;
  std::fprintf(stderr, "raya: cannot read '%s': %s\n", escape_text(path).c_str(), why.c_str());
  return false;
}

}  // namespace

int load_program(const std::string& path, std::shared_ptr<const vm::Module>& out,
                 std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::string text;
  if (ends_with(path, ".ryb")) {
    if (!read_program_file(path, kMaxBytecodeFileBytes, text)) return kExitUsage;
    std::vector<uint8_t> bytes(text.begin(), text.end());
    text = std::string();
    auto module = vm::load_module(bytes);
    if (!module) {
      std::fprintf(stderr, "%s: error: VerifyError at offset %llu: %s\n", escape_text(path).c_str(),
                   static_cast<unsigned long long>(module.error().offset),
                   escape_text(module.error().message).c_str());
      return kExitCompileError;
    }
    out = std::make_shared<const vm::Module>(std::move(module).value());
    return kExitOk;
  }
  if (!read_program_file(path, vm::compiler::kMaxSourceFileBytes, text)) return kExitUsage;
  // Imports resolve inside the entry file's directory tree only.
  vm::compiler::CompileOptions options;
  options.read_file = vm::compiler::directory_reader(std::filesystem::path(path).parent_path().string());
  options.deadline = deadline;
  auto module = vm::compiler::compile_source(path, text, options);
  if (!module) {
    if (module.error().code == messages::ErrorCode::Timeout) {
      std::fprintf(stderr, "error: Timeout: %s (--timeout)\n", escape_text(module.error().message).c_str());
      return kExitLimit;
    }
    print_diagnostics(module.error());
    return kExitCompileError;
  }
  vm::Status verified = vm::verify_module(module.value());
  if (!verified) {
    std::fprintf(stderr, "%s: error: internal compiler error: generated code failed verification: %s\n",
                 escape_text(path).c_str(), escape_text(verified.error().message).c_str());
    return kExitCompileError;
  }
  out = std::make_shared<const vm::Module>(std::move(module).value());
  return kExitOk;
}

}  // namespace raya::cli
