// Reading source files: the only way the compiler (and the `raya` command)
// touches the disk. A path a program chose must not reach the host's files,
// and a file the host chose must not be able to exhaust it, so:
//  - read_regular_file() reads only regular files (not directories, devices,
//    FIFOs or /dev/zero) and at most a stated number of bytes, whatever the
//    file claims its size is (files under /proc report 0);
//  - directory_reader(root) is the FileReader `raya run` uses for imports:
//    only files inside `root` (the entry file's directory tree), with the
//    real path (symbolic links resolved) inside the real root too.
// Without a FileReader, compile_source() reads no file at all: an embedder
// compiling untrusted text must opt in to the disk (see CompileOptions).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace raya::vm::compiler {

/// The largest source file (entry or import) read from disk: 16 MiB. The
/// whole program (all files together) is capped by the compiler's
/// CompileOptions::max_source_bytes (8 MiB by default), which also bounds
/// compile memory.
inline constexpr uint64_t kMaxSourceFileBytes = uint64_t(16) << 20;

/// What looking for a file found.
struct FileLookup {
  enum class Kind : uint8_t {
    Found,    // `text` holds the file
    Missing,  // no such file (the bundler then tries NAME.raya)
    Refused,  // it exists, or may, but must not be read: `reason` says why
  };
  Kind kind = Kind::Missing;
  std::string text;
  /// Refused: why, a clause completing "Cannot import './x': <reason>"
  /// ("it is a directory, not a regular file"); never quotes the file.
  std::string reason;

  static FileLookup found(std::string text) { return {Kind::Found, std::move(text), {}}; }
  static FileLookup missing() { return {Kind::Missing, {}, {}}; }
  static FileLookup refused(std::string reason) { return {Kind::Refused, {}, std::move(reason)}; }
};

/// Reads an imported file, given its path: the importing file's directory
/// joined with the import's relative specifier, lexically normalised
/// ("lib/../util.raya" -> "util.raya"). Must not throw.
using FileReader = std::function<FileLookup(const std::string& path)>;

/// Reads `path` if it is a regular file of at most `max_bytes` (symbolic
/// links are followed). Missing for a path that does not exist; Refused,
/// with the reason, for anything else (a directory, a device, too large,
/// unreadable, out of memory). Never throws.
FileLookup read_regular_file(const std::string& path, uint64_t max_bytes);

/// A FileReader confined to the directory `root` and its subdirectories:
/// a path outside it (lexically, or once symbolic links are resolved) is
/// Refused without being opened; inside, read_regular_file() with
/// kMaxSourceFileBytes. `root` is typically the entry file's directory
/// ("" means the current directory).
FileReader directory_reader(const std::string& root);

}  // namespace raya::vm::compiler
