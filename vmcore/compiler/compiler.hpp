// The compiler's public face: Raya source files in, one verified-shape
// Module out. compile_source() bundles an entry file and every file it
// imports (relative paths) into one module; each file's top-level bindings
// become module globals, so imports are live bindings resolved at compile
// time.
//
// Imported files are read only through CompileOptions::read_file: without
// one, compile_source() touches no file (an import of another file is a
// compile error naming it). compile_file() reads the entry file and gives
// the bundle a reader confined to the entry file's directory tree
// (file_reader.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/compiler/file_reader.hpp"
#include "vmcore/result.hpp"

namespace raya::vm::compiler {

struct CompileOptions {
  /// Reads imported files (see FileReader); unset: importing another file
  /// is a compile error, nothing is read. directory_reader(root) gives the
  /// files under root; an embedder may also serve files from memory.
  FileReader read_file;
  /// Names the runtime provides as globals (Math, console, ...). Defaults to
  /// the standard builtins of vmcore/builtins/builtin_names.hpp.
  std::vector<std::string> builtin_names;
  /// Compiling the prelude: exported functions become builtin methods and
  /// `__` names are allowed.
  bool is_prelude = false;

  // ---- Bounds. Compilation is near-linear in the source size, and its peak
  // memory is about kCompileBytesPerSourceByte per source byte at worst
  // (measured: a one-line array of 5M two-byte elements, where tokens at ~96
  // bytes each and the AST dominate), so capping the source caps the memory:
  // the default cap keeps one compile near 1 GiB.

  /// Total source bytes of the program (entry file and every import). Larger
  /// programs are a CompileError naming this limit.
  size_t max_source_bytes = kDefaultMaxSourceBytes;
  /// Past this instant compilation stops with ErrorCode::Timeout (checked
  /// every kCompileWorkQuantum units of work, so promptly).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Called every kCompileWorkQuantum units of work (a token lexed, a token
  /// parsed, a statement or function compiled) with the units done since the
  /// last call: a caller charges them to its own budget. Returning false
  /// stops compilation with a CompileError ("compilation cancelled").
  std::function<bool(uint64_t work)> keep_going;

  static constexpr size_t kDefaultMaxSourceBytes = size_t(8) << 20;
  static constexpr size_t kCompileBytesPerSourceByte = 130;
  static constexpr uint64_t kCompileWorkQuantum = 4096;
};

/// Compiles `entry_text` (named `entry_path`) and everything it imports.
Result<Module> compile_source(const std::string& entry_path, const std::string& entry_text,
                              const CompileOptions& options = {});

/// Compiles a file from disk: a regular file of at most kMaxSourceFileBytes
/// (else a CompileError saying why). Unless `options` has a reader, imports
/// are read by directory_reader(the file's directory).
Result<Module> compile_file(const std::string& path, CompileOptions options = {});

}  // namespace raya::vm::compiler
