// Shape: a hidden class. Objects that received the same properties in the
// same order share a Shape, so a property read is "compare the shape, load
// slot N" once an inline cache has seen it. Shapes form a transition tree
// rooted at one empty shape per prototype. Each shape adds one property (key,
// flags) to its parent; lookups walk the chain, or a lazily built table once
// the chain is long.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/object/string.hpp"

namespace raya::vm {

struct Object;

enum PropertyFlags : uint8_t {
  kPropEnumerable = 1 << 0,
  kPropAccessor = 1 << 1,  // the slot holds an Accessor (getter/setter pair)
};

struct PropertyInfo {
  uint32_t slot;
  uint8_t flags;
};

struct Shape : HeapObject {
  Shape* parent_ = nullptr;
  String* key_ = nullptr;      // property this shape adds (null for a root)
  Object* proto_ = nullptr;    // prototype of objects with this shape
  uint32_t slot_count_ = 0;    // properties (= slots) of objects with this shape
  uint8_t key_flags_ = 0;      // flags of key_
  uint8_t chain_walks_ = 0;    // lookups answered by walking the chain (see lookup)
  uint16_t proto_depth_ = 0;   // objects on the prototype chain (≤ Context::kMaxPrototypeDepth)
  // Owned C++ side tables (charged to the heap as external memory).
  std::vector<std::pair<std::pair<String*, uint8_t>, Shape*>> transitions_;
  std::unique_ptr<std::unordered_map<const String*, PropertyInfo>> table_;

  Shape() : HeapObject(ObjectKind::Shape) {}

  /// Finds `key` among this shape's properties.
  bool lookup(const String* key, PropertyInfo& out);
  /// Existing child shape for adding (key, flags), or null.
  Shape* find_transition(const String* key, uint8_t flags) const {
    for (const auto& t : transitions_)
      if (t.first.first == key && t.first.second == flags) return t.second;
    return nullptr;
  }
  /// Keys in slot order.
  std::vector<std::pair<String*, uint8_t>> keys_in_order() const;
};

}  // namespace raya::vm
