// JSON quoting and the JSON.parse tokenizer/parser; see json_text.hpp.
//
// Why not boost::json::basic_parser (which the project links anyway): it reads
// UTF-8, so UTF-16 input would first be transcoded and every error offset
// mapped back from bytes to code units; it rejects lone-surrogate escapes
// ("\ud800") that JSON.parse must accept (1.81 has no option for that); and
// its error codes would still need translating into the SyntaxError messages
// JavaScript programs see. A strict JSON grammar is small enough that a
// direct parser over code units is shorter than that glue.
#include "vmcore/value/json_text.hpp"

#include <vector>

#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, char16_t unit) {
  out += "\\u";
  out += kHexDigits[(unit >> 12) & 0xF];
  out += kHexDigits[(unit >> 8) & 0xF];
  out += kHexDigits[(unit >> 4) & 0xF];
  out += kHexDigits[unit & 0xF];
}

// Appends the escape for a unit below U+0080 that needs one; false if the
// unit can be written as itself.
bool append_ascii_escape(std::string& out, char16_t unit) {
  switch (unit) {
    case u'"': out += "\\\""; return true;
    case u'\\': out += "\\\\"; return true;
    case u'\b': out += "\\b"; return true;
    case u'\f': out += "\\f"; return true;
    case u'\n': out += "\\n"; return true;
    case u'\r': out += "\\r"; return true;
    case u'\t': out += "\\t"; return true;
    default:
      if (unit >= 0x20) return false;
      append_unicode_escape(out, unit);
      return true;
  }
}

bool is_json_whitespace(char16_t c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r'; }
bool is_digit(char16_t c) { return c >= u'0' && c <= u'9'; }

int hex_value(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'f') return c - u'a' + 10;
  if (c >= u'A' && c <= u'F') return c - u'A' + 10;
  return -1;
}

// One parse: the input, a cursor, the open containers, and the first error.
// Every step returns false once it has recorded an error in result_.
class Parser {
 public:
  Parser(std::u16string_view text, JsonHandler& handler, uint32_t max_depth)
      : text_(text), handler_(handler), max_depth_(max_depth) {}

  JsonParseResult run() {
    // Alternates between reading one value (possibly just opening a
    // container) and, once a value is complete, closing containers until
    // the grammar asks for another value.
    while (true) {
      bool value_complete = false;
      if (!parse_value(value_complete)) return std::move(result_);
      if (!value_complete) continue;  // opened a container; its first value follows
      bool document_complete = false;
      if (!after_value(document_complete)) return std::move(result_);
      if (document_complete) return std::move(result_);
    }
  }

 private:
  enum class Container : uint8_t { kArray, kObject };

  bool at_end() const { return pos_ >= text_.size(); }
  char16_t peek() const { return text_[pos_]; }

  void skip_whitespace() {
    while (!at_end() && is_json_whitespace(peek())) ++pos_;
  }

  bool fail(JsonParseResult::Status status, std::size_t position, std::string message) {
    result_.status = status;
    result_.position = static_cast<uint32_t>(position);
    result_.message = std::move(message);
    return false;
  }

  // what names the problem; messages end in "in JSON at position N" like V8's.
  bool syntax_error(const char* what, std::size_t position) {
    return fail(JsonParseResult::Status::kSyntaxError, position,
                std::string(what) + " in JSON at position " + std::to_string(position));
  }

  bool unexpected_end() {
    return fail(JsonParseResult::Status::kSyntaxError, text_.size(), "Unexpected end of JSON input");
  }

  // V8 names the token that starts at an unexpected character: a number, a
  // string, or the character itself.
  bool unexpected_token() {
    if (at_end()) return unexpected_end();
    char16_t c = peek();
    if (c == u'-' || is_digit(c)) return syntax_error("Unexpected number", pos_);
    if (c == u'"') return syntax_error("Unexpected string", pos_);
    std::string what = "Unexpected token ";
    append_utf16_as_utf8(what, text_.substr(pos_, decode_code_point(text_, pos_).units));
    return syntax_error(what.c_str(), pos_);
  }

  bool aborted() { return fail(JsonParseResult::Status::kAborted, pos_, ""); }

  bool check_depth() {
    if (stack_.size() < max_depth_) return true;
    return fail(JsonParseResult::Status::kTooDeep, pos_,
                "JSON nesting deeper than " + std::to_string(max_depth_) + " levels at position " +
                    std::to_string(pos_));
  }

  // Reads the value at the cursor. Sets value_complete unless it opened a
  // non-empty container (then the cursor is where its first value starts).
  bool parse_value(bool& value_complete) {
    skip_whitespace();
    if (at_end()) return unexpected_end();
    switch (peek()) {
      case u'{': {
        if (!check_depth()) return false;
        if (!handler_.begin_object()) return aborted();
        ++pos_;
        skip_whitespace();
        if (!at_end() && peek() == u'}') {
          ++pos_;
          if (!handler_.end_object()) return aborted();
          value_complete = true;
          return true;
        }
        if (at_end() || peek() != u'"') return syntax_error("Expected property name or '}'", pos_);
        stack_.push_back(Container::kObject);
        return parse_member_name();
      }
      case u'[': {
        if (!check_depth()) return false;
        if (!handler_.begin_array()) return aborted();
        ++pos_;
        skip_whitespace();
        if (!at_end() && peek() == u']') {
          ++pos_;
          if (!handler_.end_array()) return aborted();
          value_complete = true;
          return true;
        }
        stack_.push_back(Container::kArray);
        return true;
      }
      case u'"':
        value_complete = true;
        return parse_string(false);
      case u't':
        value_complete = true;
        return parse_literal(u"true") && (handler_.on_bool(true) || aborted());
      case u'f':
        value_complete = true;
        return parse_literal(u"false") && (handler_.on_bool(false) || aborted());
      case u'n':
        value_complete = true;
        return parse_literal(u"null") && (handler_.on_null() || aborted());
      default:
        if (peek() == u'-' || is_digit(peek())) {
          value_complete = true;
          return parse_number();
        }
        return unexpected_token();
    }
  }

  // After a complete value: closes containers until another value is due
  // (after ',' or a member name's ':'), or the document ends.
  bool after_value(bool& document_complete) {
    while (true) {
      skip_whitespace();
      if (stack_.empty()) {
        if (!at_end()) {
          return fail(JsonParseResult::Status::kSyntaxError, pos_,
                      "Unexpected non-whitespace character after JSON at position " + std::to_string(pos_));
        }
        document_complete = true;
        return true;
      }
      if (stack_.back() == Container::kArray) {
        if (at_end() || (peek() != u',' && peek() != u']')) {
          return syntax_error("Expected ',' or ']' after array element", pos_);
        }
        if (peek() == u',') {
          ++pos_;
          return true;
        }
        ++pos_;
        stack_.pop_back();
        if (!handler_.end_array()) return aborted();
        continue;
      }
      if (at_end() || (peek() != u',' && peek() != u'}')) {
        return syntax_error("Expected ',' or '}' after property value", pos_);
      }
      if (peek() == u'}') {
        ++pos_;
        stack_.pop_back();
        if (!handler_.end_object()) return aborted();
        continue;
      }
      ++pos_;
      skip_whitespace();
      if (at_end() || peek() != u'"') return syntax_error("Expected double-quoted property name", pos_);
      return parse_member_name();
    }
  }

  // The cursor is on the opening quote of a member name.
  bool parse_member_name() {
    if (!parse_string(true)) return false;
    skip_whitespace();
    if (at_end() || peek() != u':') return syntax_error("Expected ':' after property name", pos_);
    ++pos_;
    return true;
  }

  bool parse_literal(std::u16string_view word) {
    for (char16_t expected : word) {
      if (at_end()) return unexpected_end();
      if (peek() != expected) return unexpected_token();
      ++pos_;
    }
    return true;
  }

  // The cursor is on the opening quote. Strings without escapes are handed
  // to the handler as a view into the input; the rest are built in scratch_.
  bool parse_string(bool is_key) {
    ++pos_;
    std::size_t start = pos_;
    while (!at_end() && peek() != u'"' && peek() != u'\\' && peek() >= 0x20) ++pos_;
    std::u16string_view value;
    if (!at_end() && peek() == u'"') {
      value = text_.substr(start, pos_ - start);
      ++pos_;
    } else {
      scratch_.assign(text_.substr(start, pos_ - start));
      if (!parse_string_slow()) return false;
      value = scratch_;
    }
    bool keep_going = is_key ? handler_.on_key(value) : handler_.on_string(value);
    return keep_going || aborted();
  }

  bool parse_string_slow() {
    while (true) {
      if (at_end()) return syntax_error("Unterminated string", pos_);
      char16_t c = peek();
      if (c == u'"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return syntax_error("Bad control character in string literal", pos_);
      ++pos_;
      if (c != u'\\') {
        scratch_ += c;
        continue;
      }
      if (at_end()) return unexpected_end();
      char16_t escape = peek();
      ++pos_;
      switch (escape) {
        case u'"': scratch_ += u'"'; break;
        case u'\\': scratch_ += u'\\'; break;
        case u'/': scratch_ += u'/'; break;
        case u'b': scratch_ += u'\b'; break;
        case u'f': scratch_ += u'\f'; break;
        case u'n': scratch_ += u'\n'; break;
        case u'r': scratch_ += u'\r'; break;
        case u't': scratch_ += u'\t'; break;
        case u'u': {
          // Any four hex digits, lone surrogates included, as JS allows.
          char16_t unit = 0;
          for (int i = 0; i < 4; ++i) {
            int digit = at_end() ? -1 : hex_value(peek());
            if (digit < 0) return syntax_error("Bad Unicode escape", pos_);
            unit = static_cast<char16_t>((unit << 4) | digit);
            ++pos_;
          }
          scratch_ += unit;
          break;
        }
        default:
          return syntax_error("Bad escaped character", pos_ - 1);
      }
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool parse_number() {
    std::size_t start = pos_;
    bool negative = peek() == u'-';
    if (negative) {
      ++pos_;
      if (at_end() || !is_digit(peek())) return syntax_error("No number after minus sign", pos_);
    }
    // Integers of up to 15 digits are exact in a double (and accumulate
    // without overflow), so they skip from_chars.
    uint64_t integer = 0;
    std::size_t integer_start = pos_;
    if (peek() == u'0') {
      ++pos_;
      if (!at_end() && is_digit(peek())) return syntax_error("Unexpected number", pos_);
    } else {
      while (!at_end() && is_digit(peek())) {
        integer = integer * 10 + (peek() - u'0');
        ++pos_;
      }
    }
    bool is_plain_integer = pos_ - integer_start <= 15;
    if (!at_end() && peek() == u'.') {
      is_plain_integer = false;
      ++pos_;
      if (at_end() || !is_digit(peek())) return syntax_error("Unterminated fractional number", pos_);
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && (peek() == u'e' || peek() == u'E')) {
      is_plain_integer = false;
      ++pos_;
      if (!at_end() && (peek() == u'+' || peek() == u'-')) ++pos_;
      if (at_end() || !is_digit(peek())) return syntax_error("Exponent part is missing a number", pos_);
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    double value;
    if (is_plain_integer) {
      value = static_cast<double>(integer);
      if (negative) value = -value;  // "-0" is -0
    } else {
      std::string ascii(text_.begin() + start, text_.begin() + pos_);
      value = decimal_to_double(ascii);
    }
    return handler_.on_number(value) || aborted();
  }

  std::u16string_view text_;
  JsonHandler& handler_;
  uint32_t max_depth_;
  std::size_t pos_ = 0;
  std::vector<Container> stack_;
  std::u16string scratch_;
  JsonParseResult result_;
};

}  // namespace

void append_json_quoted(std::string& out, std::u16string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    char16_t unit = text[i];
    if (unit < 0x80) {
      if (!append_ascii_escape(out, unit)) out += static_cast<char>(unit);
      ++i;
      continue;
    }
    CodePoint cp = decode_code_point(text, i);
    if (is_surrogate(cp.value)) {
      append_unicode_escape(out, unit);  // a lone surrogate
    } else {
      append_utf16_as_utf8(out, text.substr(i, cp.units));
    }
    i += cp.units;
  }
  out += '"';
}

void append_json_quoted_latin1(std::string& out, std::string_view latin1) {
  out.reserve(out.size() + latin1.size() + 2);
  out += '"';
  for (char byte : latin1) {
    auto unit = static_cast<unsigned char>(byte);
    if (unit < 0x80) {
      if (!append_ascii_escape(out, unit)) out += byte;
    } else {
      out += static_cast<char>(0xC0 | (unit >> 6));
      out += static_cast<char>(0x80 | (unit & 0x3F));
    }
  }
  out += '"';
}

JsonParseResult parse_json(std::u16string_view text, JsonHandler& handler, uint32_t max_depth) {
  return Parser(text, handler, max_depth).run();
}

}  // namespace raya::vm
