// The compiler's public face: Raya source files in, one verified-shape
// Module out. compile_files() bundles an entry file and every file it
// imports (relative paths) into one module; each file's top-level bindings
// become module globals, so imports are live bindings resolved at compile
// time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/result.hpp"

namespace raya::vm::compiler {

struct CompileOptions {
  /// Reads an imported file: given a resolved path, returns its text or nullopt.
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  /// Names the runtime provides as globals (Math, console, ...). Defaults to
  /// the standard builtins of vmcore/builtins/builtin_names.hpp.
  std::vector<std::string> builtin_names;
  /// Compiling the prelude: exported functions become builtin methods and
  /// `__` names are allowed.
  bool is_prelude = false;
};

/// Compiles `entry_text` (named `entry_path`) and everything it imports.
Result<Module> compile_source(const std::string& entry_path, const std::string& entry_text,
                              const CompileOptions& options = {});

/// Compiles a file from disk (imports are read from disk too).
Result<Module> compile_file(const std::string& path, CompileOptions options = {});

}  // namespace raya::vm::compiler
