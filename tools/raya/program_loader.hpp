// Turns a path into a verified Module: .ryb files are decoded and verified,
// anything else is compiled (with its imports) and the result verified too.
// Errors are printed in the CLI's formats; the return value is the exit status.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "vmcore/bytecode/module.hpp"

namespace raya::cli {

/// Returns 0 and fills `out`, or prints the error and returns the exit status.
/// Compiling stops at `deadline` (run --timeout), an exit-3 Timeout.
int load_program(const std::string& path, std::shared_ptr<const vm::Module>& out,
                 std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace raya::cli
