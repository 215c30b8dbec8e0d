// Object: plain objects, class instances and prototypes. Properties live in
// slots_ (inline trailing storage first, an out-of-line buffer once grown),
// described by the object's Shape. Objects with very many properties switch to
// dictionary mode (an insertion-ordered hash table) so that objects used as
// maps do not create one shape per key. Class (a class value) extends Object:
// its own properties are the static members.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/object/shape.hpp"
#include "vmcore/object/string.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

enum ObjectFlags : uint16_t {
  kObjectFrozen = 1 << 0,       // Object.freeze: no writes, no new properties
  kObjectIsPrototype = 1 << 1,  // writes invalidate prototype inline caches
  kObjectDictionary = 1 << 2,   // properties in dict_, shape_ is a private root
};

/// Dictionary-mode storage: insertion-ordered, tombstones on delete.
struct PropertyDict {
  struct Entry {
    String* key;
    Value value;
    uint8_t flags;
    bool deleted;
  };
  std::vector<Entry> entries;
  std::unordered_map<const String*, uint32_t> index;
};

struct Object : HeapObject {
  Shape* shape_;
  Value* slots_;
  uint32_t capacity_;         // slots available at slots_
  uint32_t inline_capacity_;  // trailing inline slots (slots_ points there at first)
  size_t out_of_line_charged_ = 0;
  std::unique_ptr<PropertyDict> dict_;

  Object(ObjectKind kind, Shape* shape, uint32_t inline_capacity)
      : HeapObject(kind), shape_(shape), slots_(inline_slots()), capacity_(inline_capacity),
        inline_capacity_(inline_capacity) {
    for (uint32_t i = 0; i < inline_capacity; ++i) slots_[i] = Value::undefined();
  }
  Value* inline_slots() { return reinterpret_cast<Value*>(reinterpret_cast<char*>(this) + inline_offset()); }
  size_t inline_offset() const;
  Object* proto() const { return shape_->proto_; }
  bool is_dictionary() const { return (flags_ & kObjectDictionary) != 0; }
  bool is_frozen() const { return (flags_ & kObjectFrozen) != 0; }
};

class Context;

/// A class value: constructor + prototype + parent; statics are its own props.
struct Class : Object {
  String* name_ = nullptr;
  Value constructor_;           // Closure, NativeFunction, or undefined (default)
  Object* prototype_ = nullptr; // instances' prototype
  Class* parent_ = nullptr;
  Shape* instance_shape_ = nullptr;  // empty root shape of instances
  uint32_t instance_slot_hint_ = 4;  // grows to the largest instance seen

  Class(Shape* shape, uint32_t inline_capacity) : Object(ObjectKind::Class, shape, inline_capacity) {}
};

inline size_t Object::inline_offset() const { return kind_ == ObjectKind::Class ? sizeof(Class) : sizeof(Object); }

/// getter/setter pair stored in an accessor property's slot.
struct Accessor : HeapObject {
  Value getter_;
  Value setter_;
  Accessor() : HeapObject(ObjectKind::Accessor) {}
};

inline bool is_object_like(const HeapObject* o) {
  return o->kind() == ObjectKind::Object || o->kind() == ObjectKind::Class;
}
inline bool is_plain_object(Value v) { return v.is_object() && is_object_like(v.as_object()); }
inline Object* as_object(Value v) { return static_cast<Object*>(v.as_object()); }
inline bool is_class(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Class; }
inline Class* as_class(Value v) { return static_cast<Class*>(v.as_object()); }

}  // namespace raya::vm
