// JSON as text: quoting for JSON.stringify and a SAX parser for JSON.parse.
//
// Both work on UTF-16 code units, because Raya strings are UTF-16 and may hold
// lone surrogates, which JSON.parse accepts through \u escapes and
// JSON.stringify writes back as \uDXXX escapes. Building values, the reviver
// and the replacer are the builtins' business: the parser only reports
// events to a JsonHandler, and stringify's structure walk lives with the heap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace raya::vm {

/// Appends JSON.stringify's QuoteJSONString(text) as UTF-8: the quotes, the
/// short escapes \" \\ \b \f \n \r \t, other controls as \u00xx, lone
/// surrogates as \udxxx (lower-case hex, like V8), everything else verbatim.
void append_json_quoted(std::string& out, std::u16string_view text);

/// The same for a string stored one byte per unit (Latin-1).
void append_json_quoted_latin1(std::string& out, std::string_view latin1);

/// Receives JSON.parse events in document order. Every callback returns false
/// to stop parsing (for example when the heap limit is hit); parse_json then
/// returns kAborted. String views are only valid during the call.
struct JsonHandler {
  virtual ~JsonHandler() = default;
  virtual bool on_null() = 0;
  virtual bool on_bool(bool value) = 0;
  virtual bool on_number(double value) = 0;
  virtual bool on_string(std::u16string_view value) = 0;
  /// A member name; its value's events follow.
  virtual bool on_key(std::u16string_view key) = 0;
  virtual bool begin_object() = 0;
  virtual bool end_object() = 0;
  virtual bool begin_array() = 0;
  virtual bool end_array() = 0;
};

struct [[nodiscard]] JsonParseResult {
  enum class Status : uint8_t {
    kOk,
    kSyntaxError,  // message is the text of the SyntaxError JSON.parse throws
    kTooDeep,      // more than max_depth nested arrays/objects
    kAborted,      // a handler callback returned false
  };
  Status status = Status::kOk;
  /// UTF-16 index at which the problem was found (text.size() at the end).
  uint32_t position = 0;
  /// In the style of V8, e.g. "Unexpected token } in JSON at position 12",
  /// "Unexpected end of JSON input". Empty when ok or aborted.
  std::string message;

  bool ok() const { return status == Status::kOk; }
};

/// Parses strict JSON (RFC 8259; whitespace is space, tab, CR, LF only) and
/// reports it to handler. Nesting is tracked on an explicit stack, so deep
/// input costs memory, not C++ stack, and max_depth bounds even that.
JsonParseResult parse_json(std::u16string_view text, JsonHandler& handler, uint32_t max_depth = 512);

}  // namespace raya::vm
