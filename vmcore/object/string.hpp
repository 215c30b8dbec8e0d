// String: an immutable sequence of UTF-16 code units (JavaScript semantics)
// stored inline after the header, with a lazily computed content hash.
// Property names and identifiers are interned (Context::intern) so shapes can
// compare keys by pointer.
#pragma once

#include <cstdint>
#include <string_view>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

enum StringFlags : uint16_t {
  kStringInterned = 1 << 0,
};

struct String : HeapObject {
  uint32_t length_;
  mutable uint32_t hash_ = 0;  // 0 means "not computed yet"

  explicit String(uint32_t length) : HeapObject(ObjectKind::String), length_(length) {}

  char16_t* data() { return reinterpret_cast<char16_t*>(this + 1); }
  const char16_t* data() const { return reinterpret_cast<const char16_t*>(this + 1); }
  std::u16string_view view() const { return {data(), length_}; }
  uint32_t length() const { return length_; }
  bool is_interned() const { return (flags_ & kStringInterned) != 0; }

  uint32_t hash() const {
    if (hash_ == 0) hash_ = hash_units(view());
    return hash_;
  }
  /// FNV-1a over the code units, never 0.
  static uint32_t hash_units(std::u16string_view units) {
    uint32_t h = 2166136261u;
    for (char16_t c : units) {
      h ^= uint32_t(c);
      h *= 16777619u;
    }
    return h == 0 ? 1 : h;
  }
};

inline bool is_string(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::String; }
inline String* as_string(Value v) { return static_cast<String*>(v.as_object()); }

/// Code units strings_equal(a, b) reads: 0 when it decides from the
/// pointers, lengths, interning or known hashes alone. Metered callers pay
/// for this many units before comparing long strings.
inline uint32_t strings_equal_work(const String* a, const String* b) {
  if (a == b || a->length_ != b->length_) return 0;
  if (a->is_interned() && b->is_interned()) return 0;
  if (a->hash_ != 0 && b->hash_ != 0 && a->hash_ != b->hash_) return 0;
  return a->length_;
}

inline bool strings_equal(const String* a, const String* b) {
  if (a == b) return true;
  if (a->length_ != b->length_) return false;
  if (a->is_interned() && b->is_interned()) return false;
  if (a->hash_ != 0 && b->hash_ != 0 && a->hash_ != b->hash_) return false;
  return a->view() == b->view();
}

}  // namespace raya::vm
