// Number <-> text conversions; see number_format.hpp for the contract.
#include "vmcore/value/number_format.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "vmcore/value/unicode.hpp"

namespace raya::vm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr char kDigitChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

// ---------------------------------------------------------------------------
// Formatting

// The exact decimal expansion of a finite x >= 0 in fixed notation with at
// least min_fraction_digits digits after the point. Every double is a dyadic
// rational m * 2^e, whose expansion ends after max(0, -e) fraction digits
// (at most 1074), so asking to_chars for that many loses nothing.
std::string exact_fixed(double x, int min_fraction_digits) {
  int binary_exponent = 0;
  std::frexp(x, &binary_exponent);  // x = f * 2^binary_exponent, f in [0.5, 1)
  int exact_digits = std::clamp(53 - binary_exponent, 0, 1074);
  int precision = std::max(exact_digits, min_fraction_digits);
  // 309 integer digits + point + 1074 fraction digits fit comfortably.
  char buffer[1500];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed, precision);
  assert(result.ec == std::errc());
  return std::string(buffer, result.ptr);
}

// Rounds a string of decimal digits to its first `keep` digits, half up (the
// digits are exact, so a '5' or more in the first dropped place means "at
// least half"). Returns true if the carry ran off the front ("999" -> "1000").
bool round_digits_half_up(std::string& digits, std::size_t keep) {
  bool round_up = keep < digits.size() && digits[keep] >= '5';
  digits.resize(keep, '0');
  if (!round_up) return false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return false;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
  return true;
}

std::size_t write_special(double x, char* out) {
  const char* text = std::isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
  std::size_t length = std::strlen(text);
  std::memcpy(out, text, length);
  return length;
}

void append_exponent(std::string& out, int exponent) {
  out += 'e';
  out += exponent < 0 ? '-' : '+';
  out += std::to_string(exponent < 0 ? -exponent : exponent);
}

// ---------------------------------------------------------------------------
// Parsing helpers

bool is_decimal_digit(char16_t c) { return c >= u'0' && c <= u'9'; }

int digit_value(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'z') return c - u'a' + 10;
  if (c >= u'A' && c <= u'Z') return c - u'A' + 10;
  return 99;
}

std::u16string_view trim_leading_whitespace(std::u16string_view text) {
  std::size_t begin = 0;
  while (begin < text.size() && is_js_whitespace(text[begin])) ++begin;
  return text.substr(begin);
}

std::u16string_view trim_whitespace(std::u16string_view text) {
  text = trim_leading_whitespace(text);
  std::size_t end = text.size();
  while (end > 0 && is_js_whitespace(text[end - 1])) --end;
  return text.substr(0, end);
}

bool starts_with_infinity(std::u16string_view text) { return text.substr(0, 8) == u"Infinity"; }

// Scans the longest prefix of text that is an unsigned decimal literal
// (StrUnsignedDecimalLiteral without "Infinity"): digits ["." digits*] [exp]
// or "." digits [exp], where exp = [eE] [+-]? digits and is only taken when
// complete. Copies the prefix to ascii; returns its length (0 if none).
std::size_t scan_unsigned_decimal(std::u16string_view text, std::string& ascii) {
  std::size_t i = 0;
  std::size_t integer_digits = 0;
  while (i < text.size() && is_decimal_digit(text[i])) ++i, ++integer_digits;
  std::size_t fraction_digits = 0;
  if (i < text.size() && text[i] == u'.') {
    std::size_t j = i + 1;
    while (j < text.size() && is_decimal_digit(text[j])) ++j, ++fraction_digits;
    if (integer_digits + fraction_digits > 0) i = j;
  }
  if (integer_digits + fraction_digits == 0) return 0;
  if (i < text.size() && (text[i] == u'e' || text[i] == u'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == u'+' || text[j] == u'-')) ++j;
    std::size_t exponent_start = j;
    while (j < text.size() && is_decimal_digit(text[j])) ++j;
    if (j > exponent_start) i = j;
  }
  ascii.reserve(ascii.size() + i);
  for (std::size_t k = 0; k < i; ++k) ascii += static_cast<char>(text[k]);
  return i;
}

// The exact integer written in a power-of-two radix, rounded to nearest-even:
// keep the first 53 significant bits, then one rounding bit and a sticky bit.
double pow2_digits_to_double(std::u16string_view digits, int bits_per_digit) {
  uint64_t mantissa = 0;
  int significant_bits = 0;
  int dropped_bits = 0;  // bits after the 53 kept ones: the binary exponent
  bool round_bit = false;
  bool sticky = false;
  for (char16_t c : digits) {
    int value = digit_value(c);
    for (int b = bits_per_digit - 1; b >= 0; --b) {
      bool bit = (value >> b) & 1;
      if (significant_bits < 53) {
        if (significant_bits == 0 && !bit) continue;  // leading zero
        mantissa = (mantissa << 1) | bit;
        ++significant_bits;
      } else {
        if (dropped_bits == 0) {
          round_bit = bit;
        } else {
          sticky |= bit;
        }
        ++dropped_bits;
      }
    }
  }
  if (round_bit && (sticky || (mantissa & 1))) {
    ++mantissa;
    if (mantissa == (uint64_t(1) << 53)) {
      mantissa >>= 1;
      ++dropped_bits;
    }
  }
  return std::ldexp(static_cast<double>(mantissa), dropped_bits);
}

// V8's accumulation for radixes that are neither 10 nor a power of two: read
// as many digits as keep the chunk's multiplier within 32 bits, then fold the
// chunk into the double result. Not exact beyond 2^53, as the spec allows.
double chunked_digits_to_double(std::u16string_view digits, int radix) {
  constexpr uint32_t kMaximumMultiplier = 0xFFFFFFFFu / 36;
  double result = 0;
  std::size_t i = 0;
  while (i < digits.size()) {
    uint32_t part = 0;
    uint32_t multiplier = 1;
    while (i < digits.size()) {
      uint32_t next_multiplier = multiplier * static_cast<uint32_t>(radix);
      if (next_multiplier > kMaximumMultiplier) break;
      part = part * radix + digit_value(digits[i]);
      multiplier = next_multiplier;
      ++i;
    }
    result = result * multiplier + part;
  }
  return result;
}

double integer_digits_to_double(std::u16string_view digits, int radix) {
  switch (radix) {
    case 2: return pow2_digits_to_double(digits, 1);
    case 4: return pow2_digits_to_double(digits, 2);
    case 8: return pow2_digits_to_double(digits, 3);
    case 16: return pow2_digits_to_double(digits, 4);
    case 32: return pow2_digits_to_double(digits, 5);
    case 10: {
      std::string ascii(digits.begin(), digits.end());
      return decimal_to_double(ascii);
    }
    default: return chunked_digits_to_double(digits, radix);
  }
}

}  // namespace

// ---------------------------------------------------------------------------

std::size_t number_to_chars(double x, char* out) {
  if (!std::isfinite(x)) return write_special(x, out);
  if (x == 0) {  // +0 and -0
    out[0] = '0';
    return 1;
  }
  char* cursor = out;
  if (x < 0) {
    *cursor++ = '-';
    x = -x;
  }
  // Shortest round-trip digits as "d[.ddd]e±XX".
  char scientific[32];
  auto result = std::to_chars(scientific, scientific + sizeof scientific, x, std::chars_format::scientific);
  assert(result.ec == std::errc());
  char digits[20];
  int k = 0;  // number of significant digits
  const char* p = scientific;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  int exponent = 0;
  std::from_chars(p + (p[1] == '+' ? 2 : 1), result.ptr, exponent);
  int n = exponent + 1;  // ECMAScript's n: the value is 0.digits × 10^n

  if (k <= n && n <= 21) {  // integer: digits then zeros
    std::memcpy(cursor, digits, k);
    cursor += k;
    for (int i = k; i < n; ++i) *cursor++ = '0';
  } else if (0 < n && n <= 21) {  // point inside the digits
    std::memcpy(cursor, digits, n);
    cursor += n;
    *cursor++ = '.';
    std::memcpy(cursor, digits + n, k - n);
    cursor += k - n;
  } else if (-6 < n && n <= 0) {  // 0.000ddd
    *cursor++ = '0';
    *cursor++ = '.';
    for (int i = 0; i < -n; ++i) *cursor++ = '0';
    std::memcpy(cursor, digits, k);
    cursor += k;
  } else {  // exponential
    *cursor++ = digits[0];
    if (k > 1) {
      *cursor++ = '.';
      std::memcpy(cursor, digits + 1, k - 1);
      cursor += k - 1;
    }
    *cursor++ = 'e';
    *cursor++ = n - 1 < 0 ? '-' : '+';
    auto exp_result = std::to_chars(cursor, cursor + 4, n - 1 < 0 ? 1 - n : n - 1);
    cursor = exp_result.ptr;
  }
  return static_cast<std::size_t>(cursor - out);
}

std::string number_to_string(double x) {
  char buffer[kNumberToStringMaxChars];
  return std::string(buffer, number_to_chars(x, buffer));
}

std::string number_to_fixed(double x, int digits) {
  assert(digits >= 0 && digits <= 100);
  if (std::isnan(x)) return "NaN";
  std::string out;
  if (x < 0) {
    out += '-';
    x = -x;
  }
  if (x == 0) x = 0;  // (-0).toFixed(2) is "0.00": -0 is not < 0, and to_chars would print its sign
  if (x >= 1e21) return out + number_to_string(x);
  std::string fixed = exact_fixed(x, digits + 1);
  std::size_t point = fixed.find('.');
  std::string all_digits = fixed.substr(0, point) + fixed.substr(point + 1);
  round_digits_half_up(all_digits, point + digits);
  // A carry may have lengthened the integer part ("9.99" -> "10.0").
  std::size_t integer_length = all_digits.size() - digits;
  out.append(all_digits, 0, integer_length);
  if (digits > 0) {
    out += '.';
    out.append(all_digits, integer_length, std::string::npos);
  }
  return out;
}

std::string number_to_precision(double x, int precision) {
  assert(precision >= 1 && precision <= 100);
  if (!std::isfinite(x)) return number_to_string(x);
  std::string out;
  if (x < 0) {
    out += '-';
    x = -x;
  }
  std::string digits;
  int e = 0;  // decimal exponent of the first digit
  if (x == 0) {
    digits.assign(precision, '0');
  } else {
    std::string fixed = exact_fixed(x, 0);
    std::size_t point = fixed.find('.');
    if (point == std::string::npos) point = fixed.size();
    std::string all_digits = fixed.substr(0, point);
    if (point < fixed.size()) all_digits += fixed.substr(point + 1);
    std::size_t first_nonzero = all_digits.find_first_not_of('0');
    e = static_cast<int>(point) - static_cast<int>(first_nonzero) - 1;
    digits = all_digits.substr(first_nonzero);
    if (round_digits_half_up(digits, precision)) {
      ++e;
      digits.pop_back();
    }
  }
  if (e < -6 || e >= precision) {
    out += digits[0];
    if (precision > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    append_exponent(out, e);
  } else if (e == precision - 1) {
    out += digits;
  } else if (e >= 0) {
    out.append(digits, 0, e + 1);
    out += '.';
    out.append(digits, e + 1, std::string::npos);
  } else {
    out += "0.";
    out.append(-(e + 1), '0');
    out += digits;
  }
  return out;
}

// Follows V8's DoubleToRadixCString (src/numbers/conversions.cc) so that the
// output matches node digit for digit: fraction digits are produced only
// while they are still significant (delta tracks half the gap to the next
// double), with round-half-even on the last one; integer digits beyond 2^53
// are zeros.
std::string number_to_radix(double x, int radix) {
  assert(radix >= 2 && radix <= 36);
  if (radix == 10 || !std::isfinite(x)) return number_to_string(x);
  bool negative = x < 0;
  if (negative) x = -x;

  double integer = std::floor(x);
  double fraction = x - integer;
  double delta = 0.5 * (std::nextafter(x, kInfinity) - x);
  delta = std::max(std::nextafter(0.0, 1.0), delta);
  std::string fraction_digits;
  if (fraction >= delta) {
    do {
      fraction *= radix;
      delta *= radix;
      int digit = static_cast<int>(fraction);
      fraction_digits += kDigitChars[digit];
      fraction -= digit;
      if (fraction > 0.5 || (fraction == 0.5 && (digit & 1))) {
        if (fraction + delta > 1) {
          // Round up, propagating the carry through earlier digits and
          // possibly into the integer part.
          while (true) {
            if (fraction_digits.empty()) {
              integer += 1;
              break;
            }
            char c = fraction_digits.back();
            int last = c > '9' ? c - 'a' + 10 : c - '0';
            fraction_digits.pop_back();
            if (last + 1 < radix) {
              fraction_digits += kDigitChars[last + 1];
              break;
            }
          }
          break;
        }
      }
    } while (fraction >= delta);
  }

  // Integer digits, least significant first. Above 2^53 the low digits are
  // not represented; V8 prints them as zeros.
  std::string integer_digits;
  while (integer / radix >= 9007199254740992.0) {
    integer /= radix;
    integer_digits += '0';
  }
  do {
    double remainder = std::fmod(integer, radix);
    integer_digits += kDigitChars[static_cast<int>(remainder)];
    integer = (integer - remainder) / radix;
  } while (integer > 0);

  std::string out;
  if (negative) out += '-';
  out.append(integer_digits.rbegin(), integer_digits.rend());
  if (!fraction_digits.empty()) {
    out += '.';
    out += fraction_digits;
  }
  return out;
}

double decimal_to_double(std::string_view ascii) {
  double value = 0;
  auto result = std::from_chars(ascii.data(), ascii.data() + ascii.size(), value, std::chars_format::general);
  if (result.ec == std::errc()) return value;
  assert(result.ec == std::errc::result_out_of_range);
  // from_chars reports both overflow and underflow as out of range and leaves
  // value alone. Tell them apart by the decimal magnitude: the position of
  // the first non-zero digit relative to the point, plus the exponent.
  bool negative = !ascii.empty() && ascii[0] == '-';
  int64_t magnitude = 0;  // value is about 10^magnitude
  bool seen_nonzero = false;
  bool seen_point = false;
  std::size_t i = negative ? 1 : 0;
  for (; i < ascii.size() && ascii[i] != 'e' && ascii[i] != 'E'; ++i) {
    char c = ascii[i];
    if (c == '.') {
      seen_point = true;
    } else if (!seen_nonzero && c == '0') {
      if (seen_point) --magnitude;
    } else {
      if (!seen_nonzero) seen_nonzero = true;
      if (!seen_point) ++magnitude;
    }
  }
  if (i < ascii.size()) {
    ++i;
    bool exponent_negative = ascii[i] == '-';
    if (ascii[i] == '-' || ascii[i] == '+') ++i;
    int64_t exponent = 0;
    for (; i < ascii.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (ascii[i] - '0'), 1'000'000'000);
    magnitude += exponent_negative ? -exponent : exponent;
  }
  double magnitude_value = magnitude > 0 ? kInfinity : 0.0;
  return negative ? -magnitude_value : magnitude_value;
}

double string_to_number(std::u16string_view text) {
  text = trim_whitespace(text);
  if (text.empty()) return 0;
  if (text.size() > 2 && text[0] == u'0') {
    int bits_per_digit = 0;
    switch (text[1]) {
      case u'x': case u'X': bits_per_digit = 4; break;
      case u'o': case u'O': bits_per_digit = 3; break;
      case u'b': case u'B': bits_per_digit = 1; break;
      default: break;
    }
    if (bits_per_digit != 0) {
      std::u16string_view digits = text.substr(2);
      int radix = 1 << bits_per_digit;
      for (char16_t c : digits) {
        if (digit_value(c) >= radix) return kNaN;
      }
      return pow2_digits_to_double(digits, bits_per_digit);
    }
  }
  bool negative = false;
  if (text[0] == u'+' || text[0] == u'-') {
    negative = text[0] == u'-';
    text.remove_prefix(1);
  }
  if (text == u"Infinity") return negative ? -kInfinity : kInfinity;
  std::string ascii;
  if (negative) ascii += '-';
  std::size_t length = scan_unsigned_decimal(text, ascii);
  if (length == 0 || length != text.size()) return kNaN;
  return decimal_to_double(ascii);
}

double parse_float(std::u16string_view text) {
  text = trim_leading_whitespace(text);
  bool negative = false;
  if (!text.empty() && (text[0] == u'+' || text[0] == u'-')) {
    negative = text[0] == u'-';
    text.remove_prefix(1);
  }
  if (starts_with_infinity(text)) return negative ? -kInfinity : kInfinity;
  std::string ascii;
  if (negative) ascii += '-';
  if (scan_unsigned_decimal(text, ascii) == 0) return kNaN;
  return decimal_to_double(ascii);
}

double parse_int(std::u16string_view text, int radix) {
  text = trim_leading_whitespace(text);
  bool negative = false;
  if (!text.empty() && (text[0] == u'+' || text[0] == u'-')) {
    negative = text[0] == u'-';
    text.remove_prefix(1);
  }
  bool strip_prefix = true;
  if (radix != 0) {
    if (radix < 2 || radix > 36) return kNaN;
    strip_prefix = radix == 16;
  } else {
    radix = 10;
  }
  if (strip_prefix && text.size() >= 2 && text[0] == u'0' && (text[1] == u'x' || text[1] == u'X')) {
    text.remove_prefix(2);
    radix = 16;
  }
  std::size_t end = 0;
  while (end < text.size() && digit_value(text[end]) < radix) ++end;
  if (end == 0) return kNaN;
  double value = integer_digits_to_double(text.substr(0, end), radix);
  return negative ? -value : value;
}

uint32_t to_uint32(double x) {
  if (!std::isfinite(x)) return 0;
  // Within ±2^63 the truncating conversion is exact and the unsigned cast
  // reduces modulo 2^32.
  if (x > -9.2e18 && x < 9.2e18) return static_cast<uint32_t>(static_cast<int64_t>(x));
  // Larger magnitudes are integers already; fmod is exact.
  double remainder = std::fmod(x, 4294967296.0);
  if (remainder < 0) remainder += 4294967296.0;
  return static_cast<uint32_t>(remainder);
}

int32_t to_int32(double x) { return static_cast<int32_t>(to_uint32(x)); }

}  // namespace raya::vm
