#include "messages/error.hpp"

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

std::string Error::render_diagnostics() const {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": error: " + d.message + "\n";
    if (!d.source_line.empty()) {
      out += "  " + d.source_line + "\n  ";
      // Columns count UTF-8 bytes; the caret line needs one space per
      // character, so continuation bytes add nothing.
      for (uint32_t i = 1; i < d.column && i <= d.source_line.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(d.source_line[i - 1]);
        if ((c & 0xC0) == 0x80) continue;
        out += c == '\t' ? '\t' : ' ';
      }
      out += "^\n";
    }
  }
  return out;
}

}  // namespace raya::messages
