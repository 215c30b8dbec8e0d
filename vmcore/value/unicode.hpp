// UTF-16 strings as JavaScript sees them, and their UTF-8 form at the edges.
//
// Raya strings are sequences of UTF-16 code units that may contain lone
// surrogates. Source files and I/O are UTF-8, so the conversions here use
// WTF-8 for lone surrogates (a surrogate code point in the 3-byte form
// ED A0 80..ED BF BF): utf16 -> utf8 -> utf16 gives back every string
// exactly. Invalid UTF-8 decodes to U+FFFD, one per maximal ill-formed
// subpart, like the WHATWG TextDecoder.
//
// Case mapping follows String.prototype.toUpperCase / toLowerCase (locale
// independent, full mappings: "ß" -> "SS", "İ" -> "i̇", final sigma). The
// tables are generated from node's ICU; nothing here reads the C locale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace raya::vm {

inline constexpr char16_t kReplacementCharacter = 0xFFFD;

inline constexpr bool is_high_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
inline constexpr bool is_low_surrogate(char32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }
inline constexpr bool is_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

/// A code point decoded from UTF-16 and how many units it took (1 or 2).
struct CodePoint {
  char32_t value;
  uint8_t units;
};

/// The code point starting at index, as String.prototype.codePointAt: a
/// surrogate pair gives its supplementary code point, a lone surrogate
/// itself. Precondition: index < text.size().
CodePoint decode_code_point(std::u16string_view text, std::size_t index);

/// Appends a code point (<= 0x10FFFF) as one or two units.
void append_code_point(std::u16string& out, char32_t code_point);

/// UTF-8 (with WTF-8 lone surrogates accepted) to UTF-16. Never fails.
std::u16string utf8_to_utf16(std::string_view utf8);
void append_utf8_as_utf16(std::u16string& out, std::string_view utf8);

/// UTF-16 to UTF-8; lone surrogates become their WTF-8 3-byte form.
std::string utf16_to_utf8(std::u16string_view utf16);
void append_utf16_as_utf8(std::string& out, std::u16string_view utf16);

/// Strict conversions for the boundary (messages::Value strings are UTF-8
/// proper): a lone surrogate becomes U+FFFD in the UTF-8, and WTF-8
/// surrogate bytes in the input are ill-formed (one U+FFFD per maximal
/// ill-formed subpart, like any other invalid sequence).
std::string utf16_to_utf8_strict(std::u16string_view utf16);
std::u16string utf8_to_utf16_strict(std::string_view utf8);

/// Latin-1 bytes (each byte one code point U+0000..U+00FF) to UTF-8, for
/// strings stored one byte per unit.
void append_latin1_as_utf8(std::string& out, std::string_view latin1);

/// True if every unit is <= U+00FF, i.e. the string fits a one-byte store.
bool is_latin1(std::u16string_view text);

/// String.prototype.toUpperCase / toLowerCase. Lone surrogates pass through;
/// the result may be longer than the input ("ß" -> "SS").
std::u16string to_upper(std::u16string_view text);
std::u16string to_lower(std::u16string_view text);

/// ECMAScript WhiteSpace or LineTerminator (what trim() and Number() skip):
/// TAB VT FF SP NBSP ZWNBSP, the Zs category, LF CR LS PS.
bool is_js_whitespace(char16_t c);

}  // namespace raya::vm
