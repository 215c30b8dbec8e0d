#include "tools/raya/program_loader.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "tools/raya/commands.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::cli {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int load_program(const std::string& path, std::shared_ptr<const vm::Module>& out,
                 std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (ends_with(path, ".ryb")) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "raya: cannot read '%s'\n", path.c_str());
      return kExitUsage;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto module = vm::load_module(bytes);
    if (!module) {
      std::fprintf(stderr, "%s: error: VerifyError at offset %llu: %s\n", path.c_str(),
                   static_cast<unsigned long long>(module.error().offset), module.error().message.c_str());
      return kExitCompileError;
    }
    out = std::make_shared<const vm::Module>(std::move(module).value());
    return kExitOk;
  }
  {
    std::ifstream probe(path);
    if (!probe) {
      std::fprintf(stderr, "raya: cannot read '%s'\n", path.c_str());
      return kExitUsage;
    }
  }
  vm::compiler::CompileOptions compile_options;
  compile_options.deadline = deadline;
  auto module = vm::compiler::compile_file(path, compile_options);
  if (!module) {
    if (module.error().code == messages::ErrorCode::Timeout) {
      std::fprintf(stderr, "error: Timeout: %s (--timeout)\n", module.error().message.c_str());
      return kExitLimit;
    }
    std::fputs(module.error().render_diagnostics().c_str(), stderr);
    return kExitCompileError;
  }
  vm::Status verified = vm::verify_module(module.value());
  if (!verified) {
    std::fprintf(stderr, "%s: error: internal compiler error: generated code failed verification: %s\n",
                 path.c_str(), verified.error().message.c_str());
    return kExitCompileError;
  }
  out = std::make_shared<const vm::Module>(std::move(module).value());
  return kExitOk;
}

}  // namespace raya::cli
