// raya: the command-line front end. See LANGUAGE.md "The raya command":
//   raya run FILE.raya|FILE.ryb [--print-result] [--max-heap SIZE] [--max-steps N]
//            [--max-tasks N] [--timeout DURATION] [--grant cap,cap] [--config FILE] [--stats]
//   raya compile FILE.raya -o OUT.ryb
//   raya disasm FILE.ryb
// Exit status: 0 ok, 1 uncaught runtime error, 2 compile/verify error,
// 3 a limit or timeout ended the run (or the host ran out of memory), 64 bad usage.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "tools/raya/commands.hpp"
#include "tools/raya/terminal_text.hpp"

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

namespace {

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  if (command == "run") return raya::cli::run_command(args);
  if (command == "compile") return raya::cli::compile_command(args);
  if (command == "disasm") return raya::cli::disasm_command(args);
  if (command == "--help" || command == "-h" || command == "help") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "raya: unknown command '%s'\n", raya::cli::escape_text(command).c_str());
  usage(stderr);
  return raya::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return raya::cli::kExitUsage;
  }
  // The command's boundary: an allocation that fails anywhere on this
  // thread (reading, compiling, printing) is an error and a status, never
  // an abort. (Sandboxes fail on their own threads: the actor layer turns
  // that into the context's error.)
  try {
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    return dispatch(command, args);
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fputs("raya: error: out of memory: the host could not allocate what the command needed\n", stderr);
    return raya::cli::kExitLimit;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "raya: internal error: %s\n", raya::cli::escape_text(e.what()).c_str());
    return raya::cli::kExitRuntimeError;
  }
}
