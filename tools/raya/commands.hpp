// The `raya` subcommands. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace raya::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;
inline constexpr int kExitCompileError = 2;
inline constexpr int kExitLimit = 3;
inline constexpr int kExitUsage = 64;

int run_command(const std::vector<std::string>& args);
int compile_command(const std::vector<std::string>& args);
int disasm_command(const std::vector<std::string>& args);

}  // namespace raya::cli
