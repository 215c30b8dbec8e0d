// Number <-> text conversions with JavaScript's exact semantics.
//
// Everything here is a pure function of doubles and code units: no heap, no
// context, no locale. Number::toString, toFixed, toString(radix) and
// toPrecision produce the same characters as V8 (node), and the parsers follow
// ECMAScript's StringToNumber, parseFloat and parseInt. Range checks that
// throw (toFixed's 0..100, a radix outside 2..36 for toString) belong to the
// builtins that call these; the functions document their preconditions.
//
// Decimal text <-> double goes through std::to_chars / std::from_chars, which
// are shortest-round-trip and correctly rounded respectively. Where JS rounds
// half *up* on the exact decimal value of a double (toFixed, toPrecision), we
// take the exact expansion from to_chars and round it ourselves, because
// to_chars rounds ties to even.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace raya::vm {

/// Longest output of number_to_chars ("-0.0000012345678901234567" is 25).
inline constexpr std::size_t kNumberToStringMaxChars = 25;

/// Writes Number::toString(x) (radix 10) into out, which must hold at least
/// kNumberToStringMaxChars bytes; returns the length. No terminating NUL.
std::size_t number_to_chars(double x, char* out);

/// Number::toString(x): shortest digits that read back as x, fixed notation
/// for decimal exponents in [-7, 21) and otherwise "1e+21" / "1.5e-7".
/// NaN -> "NaN", ±Infinity -> "Infinity"/"-Infinity", -0 -> "0".
std::string number_to_string(double x);

/// Number.prototype.toFixed(digits). Precondition: 0 <= digits <= 100.
/// Rounds the exact value of x half away from zero: (1.005).toFixed(2) is
/// "1.00" because 1.005 is really 1.00499999999999989...; (0.5).toFixed(0) is
/// "1". |x| >= 1e21 falls back to number_to_string.
std::string number_to_fixed(double x, int digits);

/// Number.prototype.toPrecision(precision). Precondition: 1 <= precision <= 100.
std::string number_to_precision(double x, int precision);

/// Number.prototype.toString(radix). Precondition: 2 <= radix <= 36.
/// Radix 10 is number_to_string; other radixes follow V8's algorithm
/// (fractions are printed until they distinguish x from its neighbours), so
/// (0.5).toString(2) is "0.1" and (255).toString(16) is "ff".
std::string number_to_radix(double x, int radix);

/// Number(text) / unary ToNumber on a string: JS whitespace (including line
/// terminators) trimmed; "" -> 0; [+-] decimal with optional fraction and
/// exponent, or [+-]Infinity; unsigned 0x / 0o / 0b integers (exact value,
/// correctly rounded). Anything else, including numeric separators, is NaN.
double string_to_number(std::u16string_view text);

/// parseFloat(text): leading whitespace skipped, then the longest prefix that
/// is a decimal literal or [+-]Infinity; NaN if there is none. "-0" is -0.
double parse_float(std::u16string_view text);

/// parseInt(text, radix) with radix already converted by ToInt32: 0 means
/// auto (10, or 16 after a "0x"/"0X" prefix); 16 also accepts the prefix;
/// other values outside 2..36 give NaN. Radix 10 and powers of two are
/// correctly rounded; other radixes accumulate in 32-bit chunks as V8 does
/// (the spec allows an approximation beyond 20 significant digits).
double parse_int(std::u16string_view text, int radix);

/// Converts an already validated ASCII decimal literal
/// ("-"? digits ["." digits] [("e"|"E") ["+"|"-"] digits], either side of the
/// point may be empty but not both) to the nearest double; values beyond the
/// double range become ±Infinity or ±0 as in JS. For lexers and JSON.
double decimal_to_double(std::string_view ascii);

/// ECMAScript ToInt32 / ToUint32: NaN and ±Infinity -> 0, otherwise the
/// integer part modulo 2^32 (for bitwise operators and typed conversions).
int32_t to_int32(double x);
uint32_t to_uint32(double x);

}  // namespace raya::vm
