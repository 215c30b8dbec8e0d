// The error vocabulary shared by every layer (DESIGN.md "Errors"): one code
// enum with stable numbers and names, and one Error record carrying the code,
// a human message and the details of its kind. Errors are data: they cross
// the vmcore API and (later) actor boundaries as values, never as exceptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raya::messages {

enum class ErrorCode : uint8_t {
  None = 0,
  CompileError = 1,
  VerifyError = 2,
  RuntimeError = 3,
  HeapLimitExceeded = 4,
  TaskLimitExceeded = 5,
  StepBudgetExceeded = 6,
  CpuTimeExceeded = 7,
  Timeout = 8,
  CapabilityDenied = 9,
  CapabilityFailed = 10,
  MarshalError = 11,
  Terminated = 12,
  ContextNotFound = 13,
  SnapshotError = 14,
  NodeUnreachable = 15,
  /// A request refused before it could do harm: a capability quota (max
  /// concurrent calls, calls per second) or a context's mailbox budget
  /// (back-pressure). Nothing ended; the caller may retry later.
  QuotaExceeded = 16,
  /// A configuration file or value is invalid (the message names the key).
  ConfigError = 17,
};

/// The stable name of a code ("HeapLimitExceeded"), as shown to users.
std::string_view error_code_name(ErrorCode code);

/// The code with that stable name, or nullopt (names are case-sensitive).
std::optional<ErrorCode> error_code_from_name(std::string_view name);

/// False for a number no enumerator has (e.g. read from hostile bytes).
bool is_known_error_code(ErrorCode code);

/// True for the codes that mean "a resource limit or timeout ended the run".
bool is_limit_error(ErrorCode code);

/// One compile diagnostic: FILE:LINE:COL: error: MESSAGE, the line and a caret.
struct Diagnostic {
  std::string file;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in UTF-8 bytes of the line
  std::string message;
  /// The offending line, or for a long line a window of it around the caret
  /// (quote_source_line), marked with "..." where it was cut.
  std::string source_line;
  /// 0: source_line starts at column 1. Else the column source_line's first
  /// byte stands for (may count the "..." marker), so the caret goes at byte
  /// column - source_column of source_line.
  uint32_t source_column = 0;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// How many bytes of a source line a diagnostic quotes at most, around the
/// caret: one error in a megabyte-long line must not print the megabyte.
inline constexpr size_t kQuotedLineWidth = 160;
/// How many diagnostics render_diagnostics() prints before "N more errors".
inline constexpr size_t kMaxRenderedDiagnostics = 20;

/// Sets d.source_line/d.source_column to `line`, cut to a window of
/// kQuotedLineWidth bytes around d.column (at UTF-8 boundaries) if longer.
void quote_source_line(Diagnostic& d, std::string_view line);

struct Error {
  ErrorCode code = ErrorCode::None;
  std::string message;

  // Details; which ones are set depends on the code.
  std::vector<Diagnostic> diagnostics;  // CompileError (one or more)
  uint64_t offset = 0;                  // VerifyError: byte offset in the module
  std::string name;                     // RuntimeError: the Raya error's name
  std::string stack;                    // RuntimeError: Raya stack trace
  uint64_t context_id = 0;              // which context raised it
  uint64_t task_id = 0;                 // RuntimeError: the failed task
  uint64_t limit = 0;                   // limit errors: the configured limit
  uint64_t used = 0;                    // limit errors: what was used / requested
  std::string path;                     // MarshalError: where in the value

  /// "HeapLimitExceeded: ..." style one-line summary.
  std::string to_string() const;
  /// Compile diagnostics rendered with source line and caret.
  std::string render_diagnostics() const;

  friend bool operator==(const Error&, const Error&) = default;
};

Error make_error(ErrorCode code, std::string message);

}  // namespace raya::messages
