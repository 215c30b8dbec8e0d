// Escaping what the command prints on a program's behalf (see terminal_text.hpp).
#include "tools/raya/terminal_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace raya::cli {

namespace {

enum class Style : uint8_t {
  Line,   // escape everything listed, newlines and tabs included
  Lines,  // keep \n and \t
  Tabs,   // keep \t (a quoted source line: the caret line repeats its tabs)
  Json,   // \uXXXX escapes only: the text is JSON and must stay JSON
};

void append_hex_byte(std::string& out, unsigned byte) {
  static const char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[(byte >> 4) & 0xF];
  out += kDigits[byte & 0xF];
}

void append_unicode(std::string& out, uint32_t cp) {
  static const char kDigits[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(cp >> shift) & 0xF];
}

/// Code points above ASCII a terminal acts on or that reorder the text.
bool is_dangerous(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0x061C || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/// The length of the valid UTF-8 sequence at text[i] and its code point;
/// 0 if the bytes there are not valid UTF-8.
size_t decode_utf8(std::string_view text, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  size_t length;
  uint32_t min;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2, cp = b & 0x1F, min = 0x80;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3, cp = b & 0x0F, min = 0x800;
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4, cp = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

void append_control(std::string& out, unsigned char c, Style style) {
  if (style == Style::Json) return append_unicode(out, c);
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: append_hex_byte(out, c);
  }
}

std::string escape(std::string_view text, Style style) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      bool control = c < 0x20 || c == 0x7F;
      bool kept = (c == '\t' && style != Style::Line && style != Style::Json) ||
                  (c == '\n' && style == Style::Lines);
      if (control && !kept) append_control(out, c, style);
      else out += char(c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t length = decode_utf8(text, i, cp);
    if (length == 0) {
      if (style == Style::Json) append_unicode(out, 0xFFFD);
      else append_hex_byte(out, c);
      ++i;
      continue;
    }
    if (is_dangerous(cp)) append_unicode(out, cp);
    else out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace

std::string escape_text(std::string_view text) { return escape(text, Style::Line); }

std::string escape_lines(std::string_view text) { return escape(text, Style::Lines); }

std::string escape_json(std::string_view json) { return escape(json, Style::Json); }

void print_diagnostics(const messages::Error& error) {
  // Rendered like messages::Error::render_diagnostics (at most
  // kMaxRenderedDiagnostics, long lines quoted as a window around the caret),
  // but with every field escaped; the header keeps the column the compiler
  // named while the caret skips the escaped text before it (escapes are
  // ASCII: one space each).
  std::string out;
  const size_t shown = std::min(error.diagnostics.size(), messages::kMaxRenderedDiagnostics);
  for (size_t n = 0; n < shown; ++n) {
    messages::Diagnostic d = error.diagnostics[n];
    out += escape_text(d.file) + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) +
           ": error: " + escape_text(d.message) + "\n";
    if (d.source_line.empty()) continue;
    if (d.source_column == 0 && d.source_line.size() > messages::kQuotedLineWidth) {
      std::string whole = std::move(d.source_line);
      messages::quote_source_line(d, whole);
    }
    out += "  " + escape(d.source_line, Style::Tabs) + "\n  ";
    const uint32_t first = d.source_column == 0 ? 1 : d.source_column;
    const uint32_t caret = d.column >= first ? d.column - first + 1 : 1;
    size_t before = std::min<size_t>(caret - 1, d.source_line.size());
    std::string prefix = escape(std::string_view(d.source_line).substr(0, before), Style::Tabs);
    for (char c : prefix) {
      if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // one space per character
      out += c == '\t' ? '\t' : ' ';
    }
    out += "^\n";
  }
  if (error.diagnostics.size() > shown) {
    const size_t more = error.diagnostics.size() - shown;
    out += "... and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s") + "\n";
  }
  std::fflush(stdout);
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace raya::cli
