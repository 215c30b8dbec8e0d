// Value: the 64-bit NaN-boxed word every register, slot and constant holds.
//
// Layout (the top 16 bits select the kind):
//
//   0x0000..0xFFF8  a double. Every NaN the VM creates is canonical (0x7FF8 or
//                   the x86 default 0xFFF8), so tags never collide with a NaN.
//   0xFFF9          int32 in the low 32 bits (the small-integer fast path)
//   0xFFFA          special: undefined, null, false, true, and the internal
//                   "empty" marker for let/const before initialisation (TDZ)
//   0xFFFC          pointer to a HeapObject of *this* context (48-bit address)
//
// Values are trivially copyable and never leave vmcore; marshalling turns them
// into messages::value trees at the boundary.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace raya::vm {

struct HeapObject;

class Value {
 public:
  static constexpr uint64_t kTagShift = 48;
  static constexpr uint64_t kIntTag = 0xFFF9ull << kTagShift;
  static constexpr uint64_t kSpecialTag = 0xFFFAull << kTagShift;
  static constexpr uint64_t kObjectTag = 0xFFFCull << kTagShift;
  static constexpr uint64_t kPayloadMask = (1ull << kTagShift) - 1;
  static constexpr uint64_t kCanonicalNaN = 0x7FF8000000000000ull;

  static constexpr uint64_t kUndefinedBits = kSpecialTag | 0;
  static constexpr uint64_t kNullBits = kSpecialTag | 1;
  static constexpr uint64_t kFalseBits = kSpecialTag | 2;
  static constexpr uint64_t kTrueBits = kSpecialTag | 3;
  static constexpr uint64_t kEmptyBits = kSpecialTag | 4;

  constexpr Value() : bits_(kUndefinedBits) {}

  static constexpr Value from_bits(uint64_t bits) { return Value(bits); }
  static constexpr Value undefined() { return Value(kUndefinedBits); }
  static constexpr Value null() { return Value(kNullBits); }
  static constexpr Value empty() { return Value(kEmptyBits); }
  static constexpr Value boolean(bool b) { return Value(b ? kTrueBits : kFalseBits); }
  static constexpr Value int32(int32_t i) { return Value(kIntTag | uint32_t(i)); }

  /// A double from arithmetic on Values (its NaNs are already canonical).
  static Value raw_double(double d) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return Value(b);
  }
  /// A double from anywhere (libm, decoders): NaN payloads are canonicalised.
  static Value from_double(double d) {
    if (d != d) return Value(kCanonicalNaN);
    return raw_double(d);
  }
  /// A number, stored as int32 when it is one (and not -0), else as double.
  /// Always inlined: the interpreter loop is large enough that the compiler
  /// stops inlining on its own, and a call here costs arithmetic ~10%.
  [[gnu::always_inline]] static Value number(double d) {
    if (d >= -2147483648.0 && d <= 2147483647.0) {
      int32_t i = static_cast<int32_t>(d);
      if (static_cast<double>(i) == d && !(i == 0 && std::signbit(d))) return int32(i);
    }
    return from_double(d);
  }
  static Value object(const HeapObject* p) {
    return Value(kObjectTag | reinterpret_cast<uint64_t>(p));
  }

  constexpr uint64_t bits() const { return bits_; }
  constexpr uint64_t tag() const { return bits_ >> kTagShift; }

  bool is_double() const { return bits_ < (0xFFF9ull << kTagShift); }
  bool is_int() const { return (bits_ >> kTagShift) == 0xFFF9; }
  bool is_number() const { return is_double() || is_int(); }
  bool is_undefined() const { return bits_ == kUndefinedBits; }
  bool is_null() const { return bits_ == kNullBits; }
  bool is_nullish() const { return bits_ == kUndefinedBits || bits_ == kNullBits; }
  bool is_bool() const { return bits_ == kTrueBits || bits_ == kFalseBits; }
  bool is_true() const { return bits_ == kTrueBits; }
  bool is_empty() const { return bits_ == kEmptyBits; }
  bool is_object() const { return (bits_ >> kTagShift) == 0xFFFC; }

  int32_t as_int() const { return static_cast<int32_t>(static_cast<uint32_t>(bits_)); }
  double as_double() const {
    double d;
    std::memcpy(&d, &bits_, 8);
    return d;
  }
  /// The numeric value of an int or a double (caller checked is_number()).
  double to_double() const { return is_int() ? static_cast<double>(as_int()) : as_double(); }
  bool as_bool() const { return bits_ == kTrueBits; }
  HeapObject* as_object() const { return reinterpret_cast<HeapObject*>(bits_ & kPayloadMask); }

  friend bool operator==(Value a, Value b) { return a.bits_ == b.bits_; }
  friend bool operator!=(Value a, Value b) { return a.bits_ != b.bits_; }

 private:
  constexpr explicit Value(uint64_t bits) : bits_(bits) {}
  uint64_t bits_;
};

static_assert(sizeof(Value) == 8);

}  // namespace raya::vm
