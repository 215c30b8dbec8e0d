// Turns a path into a verified Module: .ryb files are decoded and verified,
// anything else is compiled (with its imports) and the result verified too.
// Errors are printed in the CLI's formats; the return value is the exit status.
// Every file read is a regular file within a cap (a directory, a device or a
// FIFO is refused): the entry source and each import kMaxSourceFileBytes
// (16 MiB), a .ryb kMaxBytecodeFileBytes; imports resolve only inside the
// entry file's directory tree (vmcore/compiler/file_reader.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "vmcore/bytecode/module.hpp"

namespace raya::cli {

/// The largest .ryb file read: 64 MiB.
inline constexpr uint64_t kMaxBytecodeFileBytes = uint64_t(64) << 20;

/// Returns 0 and fills `out`, or prints the error and returns the exit status.
/// Compiling stops at `deadline` (run --timeout), an exit-3 Timeout.
int load_program(const std::string& path, std::shared_ptr<const vm::Module>& out,
                 std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

}  // namespace raya::cli
