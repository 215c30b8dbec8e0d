// The lexer (see lexer.hpp). One pass over the bytes; every branch consumes at
// least one byte, so it terminates on any input.
#include "vmcore/compiler/lexer.hpp"

#include "vmcore/compiler/compile_budget.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

namespace raya::vm::compiler {

namespace {

struct Decoded {
  char32_t code_point;
  uint32_t length;  // bytes consumed (>= 1)
  bool valid;
};

// Decodes one UTF-8 sequence at s[i]; invalid bytes give U+FFFD, length 1.
Decoded decode_utf8(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1, true};
  uint32_t need = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    need = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0xFFFD, 1, false};
  }
  if (i + need >= s.size()) return {0xFFFD, 1, false};
  for (uint32_t k = 1; k <= need; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return {0xFFFD, 1, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0xFFFD, 1, false};
  return {cp, need + 1, true};
}

bool is_line_terminator(char32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }

bool is_space(char32_t c) {
  switch (c) {
    case '\t': case '\v': case '\f': case ' ': case 0xA0: case 0xFEFF: case 0x1680:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

// Unicode letters are welcome in identifiers; without the full ID_Start
// tables we accept every non-ASCII code point that is not white space or a
// line terminator.
bool is_identifier_start(char32_t c) {
  if (c < 0x80) return is_ascii_letter(c) || c == '$' || c == '_';
  return !is_space(c) && !is_line_terminator(c) && c != 0xFFFD;
}
bool is_identifier_part(char32_t c) { return is_identifier_start(c) || is_digit(c); }

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

void append_code_point(std::u16string& out, char32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
  } else {
    out.push_back(static_cast<char16_t>(cp));
  }
}

const std::unordered_map<std::string_view, TokenKind>& keywords() {
  static const std::unordered_map<std::string_view, TokenKind> table = {
      {"break", TokenKind::KwBreak},       {"case", TokenKind::KwCase},
      {"catch", TokenKind::KwCatch},       {"class", TokenKind::KwClass},
      {"const", TokenKind::KwConst},       {"continue", TokenKind::KwContinue},
      {"debugger", TokenKind::KwDebugger}, {"default", TokenKind::KwDefault},
      {"delete", TokenKind::KwDelete},     {"do", TokenKind::KwDo},
      {"else", TokenKind::KwElse},         {"enum", TokenKind::KwEnum},
      {"export", TokenKind::KwExport},     {"extends", TokenKind::KwExtends},
      {"false", TokenKind::KwFalse},       {"finally", TokenKind::KwFinally},
      {"for", TokenKind::KwFor},           {"function", TokenKind::KwFunction},
      {"if", TokenKind::KwIf},             {"import", TokenKind::KwImport},
      {"in", TokenKind::KwIn},             {"instanceof", TokenKind::KwInstanceof},
      {"let", TokenKind::KwLet},           {"new", TokenKind::KwNew},
      {"null", TokenKind::KwNull},         {"return", TokenKind::KwReturn},
      {"super", TokenKind::KwSuper},       {"switch", TokenKind::KwSwitch},
      {"this", TokenKind::KwThis},         {"throw", TokenKind::KwThrow},
      {"true", TokenKind::KwTrue},         {"try", TokenKind::KwTry},
      {"typeof", TokenKind::KwTypeof},     {"var", TokenKind::KwVar},
      {"void", TokenKind::KwVoid},         {"while", TokenKind::KwWhile},
      {"with", TokenKind::KwWith},
  };
  return table;
}

// Converts 0x/0o/0b digits exactly, rounding to nearest-even like JavaScript:
// keep up to ~60 significant bits, fold the rest into a sticky low bit
// (64 > 53 + 2, so the sticky bit decides ties correctly), then scale.
double radix_digits_to_double(std::string_view digits, int bits_per_digit) {
  uint64_t acc = 0;
  int extra_bits = 0;
  bool sticky = false;
  for (char c : digits) {
    uint64_t d = static_cast<uint64_t>(digit_value(c));
    if (acc < (uint64_t{1} << 59)) {
      acc = (acc << bits_per_digit) | d;
    } else {
      extra_bits += bits_per_digit;
      if (d != 0) sticky = true;
    }
  }
  if (sticky) acc |= 1;
  return std::ldexp(static_cast<double>(acc), extra_bits);
}

class Lexer {
 public:
  Lexer(const SourceFile& file, DiagnosticSink& sink, CompileBudget* budget)
      : file_(file), src_(file.text()), sink_(sink), budget_(budget) {}

  std::vector<Token> run() {
    tokens_.reserve(src_.size() / 4 + 16);
    // A leading byte-order mark and a "#!" line are not part of the program.
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (src_.substr(pos_, 2) == "#!") {
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
    }
    for (;;) {
      skip_trivia();
      if (pos_ >= src_.size() || (budget_ != nullptr && !budget_->charge())) {
        Token eof = start_token(TokenKind::EndOfFile);
        push(std::move(eof));
        break;
      }
      lex_token();
    }
    return std::move(tokens_);
  }

 private:
  const SourceFile& file_;
  std::string_view src_;
  DiagnosticSink& sink_;
  CompileBudget* budget_;
  size_t pos_ = 0;
  bool newline_before_ = false;
  int brace_depth_ = 0;
  std::vector<int> template_depths_;  // brace depth at each open `${`
  std::vector<Token> tokens_;

  char at(size_t i) const { return i < src_.size() ? src_[i] : '\0'; }
  char peek(size_t ahead = 0) const { return at(pos_ + ahead); }

  // Token offsets only grow, so walk a line cursor forward instead of a
  // binary search per token; anything behind the cursor asks the file.
  SourcePos pos_of(size_t offset) {
    if (offset < file_.line_start(cursor_line_)) return file_.pos_at(offset);
    while (cursor_line_ < file_.line_count() && file_.line_start(cursor_line_ + 1) <= offset) {
      ++cursor_line_;
    }
    return SourcePos{cursor_line_, static_cast<uint32_t>(offset - file_.line_start(cursor_line_) + 1)};
  }
  uint32_t cursor_line_ = 1;
  void error_at(size_t offset, std::string message) { sink_.error(pos_of(offset), std::move(message)); }

  Token start_token(TokenKind kind) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<uint32_t>(pos_);
    t.pos = pos_of(pos_);
    t.newline_before = newline_before_;
    return t;
  }
  void push(Token t) {
    t.length = static_cast<uint32_t>(pos_ - t.offset);
    newline_before_ = false;
    tokens_.push_back(std::move(t));
  }

  void skip_trivia() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
        ++pos_;
      } else if (c == '\n' || c == '\r') {
        newline_before_ = true;
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        pos_ += 2;
        while (pos_ < src_.size()) {
          char d = src_[pos_];
          if (d == '\n' || d == '\r') break;
          if (static_cast<unsigned char>(d) >= 0x80) {
            Decoded dec = decode_utf8(src_, pos_);
            if (dec.code_point == 0x2028 || dec.code_point == 0x2029) break;
            pos_ += dec.length;
          } else {
            ++pos_;
          }
        }
      } else if (c == '/' && peek(1) == '*') {
        size_t start = pos_;
        pos_ += 2;
        bool closed = false;
        while (pos_ < src_.size()) {
          char d = src_[pos_];
          if (d == '*' && peek(1) == '/') {
            pos_ += 2;
            closed = true;
            break;
          }
          if (d == '\n' || d == '\r') newline_before_ = true;
          if (static_cast<unsigned char>(d) >= 0x80) {
            Decoded dec = decode_utf8(src_, pos_);
            if (dec.code_point == 0x2028 || dec.code_point == 0x2029) newline_before_ = true;
            pos_ += dec.length;
          } else {
            ++pos_;
          }
        }
        if (!closed) error_at(start, "unterminated comment");
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        Decoded dec = decode_utf8(src_, pos_);
        if (is_line_terminator(dec.code_point)) {
          newline_before_ = true;
        } else if (!is_space(dec.code_point)) {
          return;
        }
        pos_ += dec.length;
      } else {
        return;
      }
    }
  }

  void lex_token() {
    char c = src_[pos_];
    auto uc = static_cast<unsigned char>(c);
    if (uc >= 0x80) {
      Decoded dec = decode_utf8(src_, pos_);
      if (dec.valid && is_identifier_start(dec.code_point)) return lex_identifier(TokenKind::Identifier);
      if (!dec.valid) {
        error_at(pos_, "invalid UTF-8 byte in source");
      } else {
        error_at(pos_, "unexpected character '" + std::string(src_.substr(pos_, dec.length)) + "'");
      }
      pos_ += dec.length;
      return;
    }
    if (is_ascii_letter(c) || c == '$' || c == '_') return lex_identifier(TokenKind::Identifier);
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number();
    if (c == '"' || c == '\'') return lex_string(c);
    if (c == '`') {
      Token t = start_token(TokenKind::NoSubstitutionTemplate);
      ++pos_;
      return lex_template_chunk(std::move(t), true);
    }
    if (c == '}' && !template_depths_.empty() && template_depths_.back() == brace_depth_) {
      template_depths_.pop_back();
      Token t = start_token(TokenKind::TemplateTail);
      ++pos_;
      return lex_template_chunk(std::move(t), false);
    }
    if (c == '#') {
      Token t = start_token(TokenKind::PrivateName);
      ++pos_;
      if (pos_ < src_.size()) {
        Decoded dec = decode_utf8(src_, pos_);
        if (dec.valid && is_identifier_start(dec.code_point)) {
          size_t name_start = pos_;
          scan_identifier_chars();
          t.text = std::string(src_.substr(name_start, pos_ - name_start));
          return push(std::move(t));
        }
      }
      error_at(t.offset, "unexpected character '#'");
      return;
    }
    lex_punctuator();
  }

  void scan_identifier_chars() {
    while (pos_ < src_.size()) {
      auto uc = static_cast<unsigned char>(src_[pos_]);
      if (uc < 0x80) {
        if (!is_identifier_part(uc)) break;
        ++pos_;
      } else {
        Decoded dec = decode_utf8(src_, pos_);
        if (!dec.valid || !is_identifier_part(dec.code_point)) break;
        pos_ += dec.length;
      }
    }
  }

  void lex_identifier(TokenKind kind) {
    Token t = start_token(kind);
    scan_identifier_chars();
    t.text = std::string(src_.substr(t.offset, pos_ - t.offset));
    auto it = keywords().find(t.text);
    if (it != keywords().end()) t.kind = it->second;
    if (peek() == '\\') {
      error_at(pos_, "escape sequences in identifiers are not supported");
      ++pos_;
    }
    push(std::move(t));
  }

  // Reads digits of `radix` with `_` separators into `digits`; a separator
  // must sit between two digits. Reports at most one error per literal.
  void scan_digits(int radix, std::string& digits, bool& reported) {
    bool last_was_digit = false;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '_') {
        bool next_is_digit = digit_value(peek(1)) < radix;
        if ((!last_was_digit || !next_is_digit) && !reported) {
          error_at(pos_, "numeric separator '_' must be between digits");
          reported = true;
        }
        ++pos_;
        last_was_digit = false;
        continue;
      }
      if (digit_value(c) >= radix) break;
      digits.push_back(c);
      ++pos_;
      last_was_digit = true;
    }
  }

  void lex_number() {
    Token t = start_token(TokenKind::Number);
    bool reported = false;
    char c = src_[pos_];
    char prefix = c == '0' ? static_cast<char>(peek(1) | 0x20) : '\0';
    if (prefix == 'x' || prefix == 'o' || prefix == 'b') {
      int radix = prefix == 'x' ? 16 : prefix == 'o' ? 8 : 2;
      int bits = prefix == 'x' ? 4 : prefix == 'o' ? 3 : 1;
      pos_ += 2;
      std::string digits;
      scan_digits(radix, digits, reported);
      if (digits.empty() && !reported) {
        error_at(t.offset, std::string("expected digits after '0") + prefix + "'");
        reported = true;
      }
      t.number = radix_digits_to_double(digits, bits);
    } else {
      std::string int_digits, frac_digits, exp_digits;
      bool exp_negative = false;
      if (c != '.') scan_digits(10, int_digits, reported);
      if (int_digits.size() > 1 && int_digits[0] == '0' && !reported) {
        error_at(t.offset, "numbers may not start with 0 (write 0o17 for an octal number)");
        reported = true;
      }
      if (peek() == '.') {
        ++pos_;
        scan_digits(10, frac_digits, reported);
      }
      if (peek() == 'e' || peek() == 'E') {
        ++pos_;
        if (peek() == '+' || peek() == '-') {
          exp_negative = peek() == '-';
          ++pos_;
        }
        scan_digits(10, exp_digits, reported);
        if (exp_digits.empty() && !reported) {
          error_at(t.offset, "missing digits in the exponent of a number");
          reported = true;
        }
      }
      t.number = decimal_to_double(int_digits, frac_digits, exp_digits, exp_negative);
    }
    // "3in" or "1n": an identifier may not touch a number.
    if (pos_ < src_.size()) {
      Decoded dec = decode_utf8(src_, pos_);
      if (dec.valid && is_identifier_part(dec.code_point)) {
        size_t at_offset = pos_;
        bool is_bigint = src_[pos_] == 'n';
        scan_identifier_chars();
        if (!reported) {
          error_at(at_offset, is_bigint && pos_ == at_offset + 1
                                  ? "BigInt literals are not supported"
                                  : "an identifier cannot start right after a number");
        }
      }
    }
    push(std::move(t));
  }

  static double decimal_to_double(const std::string& int_digits, const std::string& frac_digits,
                                  const std::string& exp_digits, bool exp_negative) {
    std::string text = int_digits.empty() ? "0" : int_digits;
    if (!frac_digits.empty()) text += "." + frac_digits;
    // Clamp absurd exponents; anything past 99999 is already 0 or infinity.
    long exponent = 0;
    for (char d : exp_digits) {
      exponent = exponent * 10 + (d - '0');
      if (exponent > 99999) exponent = 99999;
    }
    if (exp_negative) exponent = -exponent;
    if (!exp_digits.empty()) text += "e" + std::to_string(exponent);
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) {
      // Decide between overflow and underflow from the decimal magnitude.
      size_t lead = int_digits.find_first_not_of('0');
      long magnitude;
      if (lead != std::string::npos) {
        magnitude = static_cast<long>(int_digits.size() - lead);
      } else {
        size_t frac_lead = frac_digits.find_first_not_of('0');
        magnitude = frac_lead == std::string::npos ? -100000 : -static_cast<long>(frac_lead);
      }
      value = magnitude + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    } else if (ec != std::errc()) {
      value = 0;
    }
    return value;
  }

  // Reads one escape after a backslash (pos_ is just past it) into `out`.
  void lex_escape(std::u16string& out) {
    size_t escape_start = pos_ - 1;
    if (pos_ >= src_.size()) return;
    char c = src_[pos_++];
    switch (c) {
      case 'n': out.push_back(u'\n'); return;
      case 't': out.push_back(u'\t'); return;
      case 'r': out.push_back(u'\r'); return;
      case 'b': out.push_back(u'\b'); return;
      case 'f': out.push_back(u'\f'); return;
      case 'v': out.push_back(u'\v'); return;
      case '\n': return;
      case '\r':
        if (peek() == '\n') ++pos_;
        return;
      case '0':
        if (!is_digit(peek())) {
          out.push_back(u'\0');
          return;
        }
        [[fallthrough]];
      case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        error_at(escape_start, "octal escape sequences are not allowed (use \\x or \\u)");
        return;
      case 'x': {
        int hi = digit_value(peek()), lo = digit_value(peek(1));
        if (hi >= 16 || lo >= 16) {
          error_at(escape_start, "invalid \\x escape: expected two hex digits");
          return;
        }
        pos_ += 2;
        out.push_back(static_cast<char16_t>(hi * 16 + lo));
        return;
      }
      case 'u': {
        char32_t cp = 0;
        if (peek() == '{') {
          ++pos_;
          size_t count = 0;
          while (digit_value(peek()) < 16) {
            cp = cp * 16 + static_cast<char32_t>(digit_value(peek()));
            if (cp > 0x10FFFF) cp = 0x110000;  // keep it from wrapping
            ++pos_;
            ++count;
          }
          if (count == 0 || peek() != '}' || cp > 0x10FFFF) {
            error_at(escape_start, "invalid Unicode escape: expected \\u{X} with X at most 10FFFF");
            if (peek() == '}') ++pos_;
            return;
          }
          ++pos_;
        } else {
          for (int k = 0; k < 4; ++k) {
            int d = digit_value(peek(static_cast<size_t>(k)));
            if (d >= 16) {
              error_at(escape_start, "invalid Unicode escape: expected four hex digits after \\u");
              return;
            }
            cp = cp * 16 + static_cast<char32_t>(d);
          }
          pos_ += 4;
        }
        append_code_point(out, cp);
        return;
      }
      default:
        if (static_cast<unsigned char>(c) >= 0x80) {
          --pos_;
          Decoded dec = decode_utf8(src_, pos_);
          pos_ += dec.length;
          if (!dec.valid) error_at(pos_ - dec.length, "invalid UTF-8 byte in source");
          // \ followed by U+2028/U+2029 is a line continuation.
          if (dec.code_point != 0x2028 && dec.code_point != 0x2029) append_code_point(out, dec.code_point);
          return;
        }
        out.push_back(static_cast<char16_t>(c));  // \\ \' \" and identity escapes
        return;
    }
  }

  // Appends the (valid or replaced) UTF-8 character at pos_ and advances.
  void take_utf8_char(std::u16string& out) {
    Decoded dec = decode_utf8(src_, pos_);
    if (!dec.valid) error_at(pos_, "invalid UTF-8 byte in source");
    append_code_point(out, dec.code_point);
    pos_ += dec.length;
  }

  void lex_string(char quote) {
    Token t = start_token(TokenKind::String);
    ++pos_;
    for (;;) {
      if (pos_ >= src_.size() || src_[pos_] == '\n' || src_[pos_] == '\r') {
        error_at(t.offset, "unterminated string literal");
        break;
      }
      char c = src_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c == '\\') {
        ++pos_;
        lex_escape(t.value);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        take_utf8_char(t.value);
      } else {
        t.value.push_back(static_cast<char16_t>(c));
        ++pos_;
      }
    }
    push(std::move(t));
  }

  // Reads a template chunk after '`' (at_start) or after the '}' closing a
  // substitution, up to '`' or "${".
  void lex_template_chunk(Token t, bool at_start) {
    for (;;) {
      if (pos_ >= src_.size()) {
        error_at(t.offset, "unterminated template literal");
        t.kind = at_start ? TokenKind::NoSubstitutionTemplate : TokenKind::TemplateTail;
        break;
      }
      char c = src_[pos_];
      if (c == '`') {
        ++pos_;
        t.kind = at_start ? TokenKind::NoSubstitutionTemplate : TokenKind::TemplateTail;
        break;
      }
      if (c == '$' && peek(1) == '{') {
        pos_ += 2;
        t.kind = at_start ? TokenKind::TemplateHead : TokenKind::TemplateMiddle;
        template_depths_.push_back(brace_depth_);
        break;
      }
      if (c == '\\') {
        ++pos_;
        lex_escape(t.value);
      } else if (c == '\r') {
        // Raw CR and CRLF in template text read as LF.
        ++pos_;
        if (peek() == '\n') ++pos_;
        t.value.push_back(u'\n');
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        take_utf8_char(t.value);
      } else {
        t.value.push_back(static_cast<char16_t>(c));
        ++pos_;
      }
    }
    push(std::move(t));
  }

  void lex_punctuator() {
    Token t = start_token(TokenKind::EndOfFile);
    char c = src_[pos_];
    char c1 = peek(1), c2 = peek(2), c3 = peek(3);
    auto take = [&](TokenKind kind, size_t length) {
      t.kind = kind;
      pos_ += length;
    };
    using K = TokenKind;
    switch (c) {
      case '{': ++brace_depth_; take(K::LBrace, 1); break;
      case '}': if (brace_depth_ > 0) --brace_depth_; take(K::RBrace, 1); break;
      case '(': take(K::LParen, 1); break;
      case ')': take(K::RParen, 1); break;
      case '[': take(K::LBracket, 1); break;
      case ']': take(K::RBracket, 1); break;
      case ';': take(K::Semicolon, 1); break;
      case ',': take(K::Comma, 1); break;
      case ':': take(K::Colon, 1); break;
      case '~': take(K::Tilde, 1); break;
      case '@': take(K::At, 1); break;
      case '.':
        if (c1 == '.' && c2 == '.') take(K::Ellipsis, 3);
        else take(K::Dot, 1);
        break;
      case '?':
        if (c1 == '?') take(c2 == '=' ? K::QuestionQuestionAssign : K::QuestionQuestion, c2 == '=' ? 3 : 2);
        else if (c1 == '.' && !is_digit(c2)) take(K::QuestionDot, 2);  // a?.5:1 is a conditional
        else take(K::Question, 1);
        break;
      case '=':
        if (c1 == '=') take(c2 == '=' ? K::EqEqEq : K::EqEq, c2 == '=' ? 3 : 2);
        else if (c1 == '>') take(K::Arrow, 2);
        else take(K::Assign, 1);
        break;
      case '!':
        if (c1 == '=') take(c2 == '=' ? K::NotEqEq : K::NotEq, c2 == '=' ? 3 : 2);
        else take(K::Bang, 1);
        break;
      case '<':
        if (c1 == '<') take(c2 == '=' ? K::ShlAssign : K::Shl, c2 == '=' ? 3 : 2);
        else if (c1 == '=') take(K::LtEq, 2);
        else take(K::Lt, 1);
        break;
      case '>':
        if (c1 == '>' && c2 == '>') take(c3 == '=' ? K::UShrAssign : K::UShr, c3 == '=' ? 4 : 3);
        else if (c1 == '>') take(c2 == '=' ? K::ShrAssign : K::Shr, c2 == '=' ? 3 : 2);
        else if (c1 == '=') take(K::GtEq, 2);
        else take(K::Gt, 1);
        break;
      case '+':
        if (c1 == '+') take(K::PlusPlus, 2);
        else if (c1 == '=') take(K::PlusAssign, 2);
        else take(K::Plus, 1);
        break;
      case '-':
        if (c1 == '-') take(K::MinusMinus, 2);
        else if (c1 == '=') take(K::MinusAssign, 2);
        else take(K::Minus, 1);
        break;
      case '*':
        if (c1 == '*') take(c2 == '=' ? K::StarStarAssign : K::StarStar, c2 == '=' ? 3 : 2);
        else if (c1 == '=') take(K::StarAssign, 2);
        else take(K::Star, 1);
        break;
      case '/': take(c1 == '=' ? K::SlashAssign : K::Slash, c1 == '=' ? 2 : 1); break;
      case '%': take(c1 == '=' ? K::PercentAssign : K::Percent, c1 == '=' ? 2 : 1); break;
      case '^': take(c1 == '=' ? K::CaretAssign : K::Caret, c1 == '=' ? 2 : 1); break;
      case '&':
        if (c1 == '&') take(c2 == '=' ? K::AmpAmpAssign : K::AmpAmp, c2 == '=' ? 3 : 2);
        else if (c1 == '=') take(K::AmpAssign, 2);
        else take(K::Amp, 1);
        break;
      case '|':
        if (c1 == '|') take(c2 == '=' ? K::PipePipeAssign : K::PipePipe, c2 == '=' ? 3 : 2);
        else if (c1 == '=') take(K::PipeAssign, 2);
        else take(K::Pipe, 1);
        break;
      default: {
        std::string shown = (c >= 0x20 && c < 0x7F) ? std::string(1, c) : "\\x" + hex_byte(c);
        error_at(pos_, "unexpected character '" + shown + "'");
        ++pos_;
        return;
      }
    }
    push(std::move(t));
  }

  static std::string hex_byte(char c) {
    static const char* digits = "0123456789ABCDEF";
    auto u = static_cast<unsigned char>(c);
    return {digits[u >> 4], digits[u & 15]};
  }
};

}  // namespace

std::vector<Token> tokenize(const SourceFile& file, DiagnosticSink& sink, CompileBudget* budget) {
  return Lexer(file, sink, budget).run();
}

}  // namespace raya::vm::compiler
