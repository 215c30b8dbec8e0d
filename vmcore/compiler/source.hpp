// SourceFile, SourcePos and DiagnosticSink: what every compiler stage needs to
// say "FILE:LINE:COL: message" with the offending line underneath.
//
// Positions are 1-based; a column counts UTF-8 bytes of its line (the caret
// renderer in messages/ works in the same unit). A DiagnosticSink collects
// errors up to a cap so one run reports many problems without drowning the
// user; stages keep going after an error and let the sink decide when to stop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "messages/error.hpp"

namespace raya::vm::compiler {

/// Where a token or node starts: 1-based line, 1-based column in UTF-8 bytes.
struct SourcePos {
  uint32_t line = 0;
  uint32_t column = 0;

  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// One source file: its name (as shown in diagnostics) and UTF-8 text.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  /// Number of lines (a final line without '\n' counts; empty text has 1).
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  /// Text of line `n` (1-based) without its line terminator; empty if out of range.
  std::string_view line(uint32_t n) const;
  /// Position of a byte offset into text().
  SourcePos pos_at(size_t offset) const;
  /// Byte offset where line `n` (1-based, at most line_count()) begins.
  size_t line_start(uint32_t n) const { return line_starts_[n - 1]; }

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;  // byte offset where each line begins
};

/// Collects compile diagnostics for one file, up to a cap.
class DiagnosticSink {
 public:
  static constexpr size_t kDefaultMaxErrors = 50;

  explicit DiagnosticSink(const SourceFile& file, size_t max_errors = kDefaultMaxErrors);

  /// Records an error at `pos`. Ignored once the cap is reached.
  void error(SourcePos pos, std::string message);

  bool has_errors() const { return !diagnostics_.empty(); }
  /// True once the cap is reached: further stages may as well stop.
  bool is_full() const { return diagnostics_.size() >= max_errors_; }
  size_t count() const { return diagnostics_.size(); }
  const std::vector<messages::Diagnostic>& diagnostics() const { return diagnostics_; }

  /// Drops diagnostics recorded after the first `count` (used when a
  /// speculative parse is abandoned).
  void truncate(size_t count);

  /// Orders diagnostics by position (stable), e.g. after lexer and parser
  /// errors were collected in separate passes.
  void sort_by_position();

  /// A CompileError carrying every diagnostic; message is the first one.
  messages::Error to_error() const;

  const SourceFile& file() const { return file_; }

 private:
  const SourceFile& file_;
  size_t max_errors_;
  std::vector<messages::Diagnostic> diagnostics_;
};

}  // namespace raya::vm::compiler
