// raya compile / disasm (raya run is in run_command.cpp).
#include "tools/raya/commands.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "tools/raya/program_loader.hpp"
#include "tools/raya/terminal_text.hpp"
#include "vmcore/bytecode/disassembler.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::cli {

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
    std::fprintf(stderr, "raya compile: cannot write '%s'\n", escape_text(output).c_str());
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
  // Names and strings in the listing come from the program: escaped like
  // everything else printed on its behalf (terminal_text.hpp).
  std::string text = escape_lines(vm::disassemble(*module));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace raya::cli
