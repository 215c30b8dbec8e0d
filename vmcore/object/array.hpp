// Array: a dense vector of Values in a heap-charged buffer. JavaScript holes
// are not modelled: `new Array(n)` holds n undefined elements.
#pragma once

#include <cstdint>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

struct Array : HeapObject {
  Value* elements_ = nullptr;
  uint32_t length_ = 0;
  uint32_t capacity_ = 0;
  size_t charged_ = 0;  // charge of the elements_ buffer

  Array() : HeapObject(ObjectKind::Array) {}
  uint32_t length() const { return length_; }
  Value at(uint32_t i) const { return elements_[i]; }
};

inline bool is_array(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Array; }
inline Array* as_array(Value v) { return static_cast<Array*>(v.as_object()); }

/// Iteration state for for-of over arrays, strings, Maps and Sets.
struct Iterator : HeapObject {
  enum class Over : uint8_t { Array, String, MapEntries, SetValues };
  Value source_;
  uint32_t index_ = 0;
  Over over_;

  Iterator(Value source, Over over) : HeapObject(ObjectKind::Iterator), source_(source), over_(over) {}
};

}  // namespace raya::vm
