#include "messages/error.hpp"

#include <algorithm>

namespace raya::messages {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::None: return "None";
    case ErrorCode::CompileError: return "CompileError";
    case ErrorCode::VerifyError: return "VerifyError";
    case ErrorCode::RuntimeError: return "RuntimeError";
    case ErrorCode::HeapLimitExceeded: return "HeapLimitExceeded";
    case ErrorCode::TaskLimitExceeded: return "TaskLimitExceeded";
    case ErrorCode::StepBudgetExceeded: return "StepBudgetExceeded";
    case ErrorCode::CpuTimeExceeded: return "CpuTimeExceeded";
    case ErrorCode::Timeout: return "Timeout";
    case ErrorCode::CapabilityDenied: return "CapabilityDenied";
    case ErrorCode::CapabilityFailed: return "CapabilityFailed";
    case ErrorCode::MarshalError: return "MarshalError";
    case ErrorCode::Terminated: return "Terminated";
    case ErrorCode::ContextNotFound: return "ContextNotFound";
    case ErrorCode::SnapshotError: return "SnapshotError";
    case ErrorCode::NodeUnreachable: return "NodeUnreachable";
    case ErrorCode::QuotaExceeded: return "QuotaExceeded";
    case ErrorCode::ConfigError: return "ConfigError";
  }
  return "UnknownError";
}

// Both derive from error_code_name, whose switch the compiler checks for
// completeness, so a new code needs no second list here.
bool is_known_error_code(ErrorCode code) { return error_code_name(code) != "UnknownError"; }

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (unsigned n = 0; n <= UINT8_MAX; ++n) {
    ErrorCode code = ErrorCode(n);
    if (is_known_error_code(code) && error_code_name(code) == name) return code;
  }
  return std::nullopt;
}

bool is_limit_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::HeapLimitExceeded:
    case ErrorCode::TaskLimitExceeded:
    case ErrorCode::StepBudgetExceeded:
    case ErrorCode::CpuTimeExceeded:
    case ErrorCode::Timeout:
      return true;
    default:
      return false;
  }
}

Error make_error(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

std::string Error::to_string() const {
  std::string out(error_code_name(code));
  if (code == ErrorCode::RuntimeError && !name.empty()) out = name;
  if (!message.empty()) out += ": " + message;
  return out;
}

void quote_source_line(Diagnostic& d, std::string_view line) {
  d.source_column = 0;
  if (line.size() <= kQuotedLineWidth) {
    d.source_line = std::string(line);
    return;
  }
  auto is_continuation = [&](size_t i) { return i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80; };
  size_t caret = d.column > 0 ? std::min<size_t>(d.column - 1, line.size()) : 0;
  size_t begin = caret > kQuotedLineWidth / 2 ? caret - kQuotedLineWidth / 2 : 0;
  size_t end = std::min(line.size(), begin + kQuotedLineWidth);
  if (end - begin < kQuotedLineWidth) begin = end > kQuotedLineWidth ? end - kQuotedLineWidth : 0;
  while (begin > 0 && is_continuation(begin)) ++begin;
  while (end < line.size() && is_continuation(end)) --end;
  std::string out;
  if (begin > 0) out = "...";
  out.append(line.substr(begin, end - begin));
  if (end < line.size()) out += "...";
  d.source_line = std::move(out);
  // Column of out[0]: the first quoted byte is column begin + 1, after "...".
  d.source_column = begin > 0 ? uint32_t(begin + 1 - 3) : 1;
}

std::string Error::render_diagnostics() const {
  std::string out;
  size_t shown = std::min(diagnostics.size(), kMaxRenderedDiagnostics);
  for (size_t n = 0; n < shown; ++n) {
    Diagnostic d = diagnostics[n];
    // Producers that quoted a whole long line get it cut here.
    if (d.source_column == 0 && d.source_line.size() > kQuotedLineWidth) {
      std::string whole = std::move(d.source_line);
      quote_source_line(d, whole);
    }
    out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": error: " + d.message + "\n";
    if (!d.source_line.empty()) {
      out += "  " + d.source_line + "\n  ";
      // Columns count UTF-8 bytes; the caret line needs one space per
      // character, so continuation bytes add nothing.
      uint32_t first = d.source_column == 0 ? 1 : d.source_column;
      uint32_t caret = d.column >= first ? d.column - first + 1 : 1;
      for (uint32_t i = 1; i < caret && i <= d.source_line.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(d.source_line[i - 1]);
        if ((c & 0xC0) == 0x80) continue;
        out += c == '\t' ? '\t' : ' ';
      }
      out += "^\n";
    }
  }
  if (diagnostics.size() > shown) {
    size_t more = diagnostics.size() - shown;
    out += "... and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") + "\n";
  }
  return out;
}

}  // namespace raya::messages
