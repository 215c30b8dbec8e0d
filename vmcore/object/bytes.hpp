// Bytes: an immutable byte buffer stored inline after the header. It is what
// a marshalled `bytes` value becomes inside a context (and, later, compiled
// bytecode handed to inner VMs). Allocate with Context::new_bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

struct Bytes : HeapObject {
  uint32_t length_;

  explicit Bytes(uint32_t length) : HeapObject(ObjectKind::Bytes), length_(length) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
  std::span<const uint8_t> view() const { return {data(), length_}; }
};

inline bool is_bytes(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Bytes; }
inline Bytes* as_bytes(Value v) { return static_cast<Bytes*>(v.as_object()); }

}  // namespace raya::vm
