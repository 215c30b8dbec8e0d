// raya: the command-line front end. See LANGUAGE.md "The raya command":
//   raya run FILE.raya|FILE.ryb [--print-result] [--max-heap SIZE] [--max-steps N]
//            [--max-tasks N] [--timeout DURATION] [--grant cap,cap] [--config FILE] [--stats]
//   raya compile FILE.raya -o OUT.ryb
//   raya disasm FILE.ryb
// Exit status: 0 ok, 1 uncaught runtime error, 2 compile/verify error,
// 3 a limit or timeout ended the run, 64 bad usage.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/raya/commands.hpp"

namespace {

void usage(FILE* to) {
  std::fputs(
      "usage:\n"
      "  raya run FILE.raya|FILE.ryb [--print-result] [--max-heap SIZE] [--max-steps N]\n"
      "           [--max-tasks N] [--timeout DURATION] [--grant cap,cap] [--config FILE] [--stats]\n"
      "  raya compile FILE.raya -o OUT.ryb\n"
      "  raya disasm FILE.ryb\n",
      to);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return raya::cli::kExitUsage;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run") return raya::cli::run_command(args);
  if (command == "compile") return raya::cli::compile_command(args);
  if (command == "disasm") return raya::cli::disasm_command(args);
  if (command == "--help" || command == "-h" || command == "help") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "raya: unknown command '%s'\n", command.c_str());
  usage(stderr);
  return raya::cli::kExitUsage;
}
