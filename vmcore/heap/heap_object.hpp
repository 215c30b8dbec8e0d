// HeapObject: the header every garbage-collected object of a context starts
// with. Objects are linked in one intrusive list per heap so a sweep (and the
// final sweep at termination) visits each exactly once.
#pragma once

#include <cstdint>

namespace raya::vm {

enum class ObjectKind : uint8_t {
  String,
  Object,          // plain objects, class instances, prototypes
  Class,           // a class (an Object with constructor, prototype, parent)
  Array,
  Closure,
  NativeFunction,
  Cell,            // a captured variable
  Shape,           // hidden class
  Accessor,        // getter/setter pair stored in a property slot
  Map,
  Set,
  Iterator,
  ModuleInstance,  // per-context constants, globals and caches of a Module
  Task,            // a green thread: frames, registers, result (also its handle)
  Bytes,           // an immutable byte buffer (marshalled bytes, bytecode)
  ForeignHandle,   // an opaque host reference (a marshalled handle)
};

const char* object_kind_name(ObjectKind kind);

struct HeapObject {
  HeapObject* next_in_heap_ = nullptr;  // all-objects list, for sweeping
  ObjectKind kind_;
  uint8_t marked_ = 0;
  uint16_t flags_ = 0;                  // kind-specific bits
  uint32_t charged_bytes_ = 0;          // what the heap charged for this allocation

  explicit HeapObject(ObjectKind kind) : kind_(kind) {}
  ObjectKind kind() const { return kind_; }
};

static_assert(sizeof(HeapObject) == 16);

}  // namespace raya::vm
