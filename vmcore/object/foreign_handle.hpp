// ForeignHandle: what a marshalled foreign handle (messages::ForeignHandle)
// becomes inside a context — an opaque reference to a host object that only
// the capability registry that minted it can resolve. Raya code can hold it
// and pass it back to the host; it has no properties. It holds no heap
// references. Marshalling turns it back into the same handle.
#pragma once

#include <cstdint>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

struct ForeignHandle : HeapObject {
  uint64_t registry_;  // which registry issued it
  uint64_t token_;     // meaningful only to that registry

  ForeignHandle(uint64_t registry, uint64_t token)
      : HeapObject(ObjectKind::ForeignHandle), registry_(registry), token_(token) {}
};

inline bool is_foreign_handle(Value v) {
  return v.is_object() && v.as_object()->kind() == ObjectKind::ForeignHandle;
}
inline ForeignHandle* as_foreign_handle(Value v) { return static_cast<ForeignHandle*>(v.as_object()); }

}  // namespace raya::vm
