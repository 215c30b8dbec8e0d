// SourceFile line tables and the diagnostic sink (see source.hpp).
#include "vmcore/compiler/source.hpp"

#include <algorithm>

namespace raya::vm::compiler {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    char c = text_[i];
    if (c == '\n') {
      line_starts_.push_back(i + 1);
    } else if (c == '\r') {
      // "\r\n" is one terminator; a lone "\r" is one too.
      if (i + 1 < text_.size() && text_[i + 1] == '\n') ++i;
      line_starts_.push_back(i + 1);
    }
  }
}

std::string_view SourceFile::line(uint32_t n) const {
  if (n == 0 || n > line_starts_.size()) return {};
  size_t begin = line_starts_[n - 1];
  size_t end = n < line_starts_.size() ? line_starts_[n] : text_.size();
  // Drop the terminator ("\n", "\r" or "\r\n").
  while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(begin, end - begin);
}

SourcePos SourceFile::pos_at(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  return SourcePos{static_cast<uint32_t>(index + 1),
                   static_cast<uint32_t>(offset - line_starts_[index] + 1)};
}

DiagnosticSink::DiagnosticSink(const SourceFile& file, size_t max_errors)
    : file_(file), max_errors_(max_errors == 0 ? 1 : max_errors) {}

void DiagnosticSink::error(SourcePos pos, std::string message) {
  if (is_full()) return;
  messages::Diagnostic d;
  d.file = file_.name();
  d.line = pos.line;
  d.column = pos.column;
  d.message = std::move(message);
  messages::quote_source_line(d, file_.line(pos.line));  // a window of a long line
  diagnostics_.push_back(std::move(d));
}

void DiagnosticSink::truncate(size_t count) {
  if (count < diagnostics_.size()) diagnostics_.resize(count);
}

void DiagnosticSink::sort_by_position() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const messages::Diagnostic& a, const messages::Diagnostic& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
}

messages::Error DiagnosticSink::to_error() const {
  messages::Error error;
  error.code = messages::ErrorCode::CompileError;
  if (!diagnostics_.empty()) {
    const auto& first = diagnostics_.front();
    error.message = first.file + ":" + std::to_string(first.line) + ":" +
                    std::to_string(first.column) + ": " + first.message;
  } else {
    error.message = "compile error";
  }
  error.diagnostics = diagnostics_;
  return error;
}

}  // namespace raya::vm::compiler
