// Map and Set: insertion-ordered hash tables keyed by SameValueZero (NaN
// equals NaN, +0 equals -0, strings by content, objects by identity).
// Deleted entries leave tombstones so iteration order survives deletes;
// the table compacts when tombstones dominate.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

class OrderedTable {
 public:
  struct Entry {
    Value key;
    Value value;
    bool deleted;
  };

  /// Index of the entry for key, or -1.
  int64_t find(Value key) const;
  /// Inserts or overwrites; returns true when a new entry was added.
  bool set(Value key, Value value);
  bool remove(Value key);
  void clear();
  uint32_t size() const { return live_; }
  const std::vector<Entry>& entries() const { return entries_; }
  /// Bytes held by this table's C++ containers (charged to the heap).
  size_t footprint() const { return entries_.capacity() * sizeof(Entry) + buckets_.capacity() * sizeof(int32_t); }

  static uint32_t hash(Value key);
  static bool same_value_zero(Value a, Value b);

 private:
  void rehash(size_t bucket_count);
  std::vector<Entry> entries_;
  std::vector<int32_t> buckets_;  // open addressing, -1 empty, -2 deleted
  uint32_t live_ = 0;
  uint32_t used_buckets_ = 0;
};

struct MapObject : HeapObject {
  OrderedTable table_;
  size_t charged_ = 0;  // external bytes charged for table_
  explicit MapObject(bool is_set) : HeapObject(is_set ? ObjectKind::Set : ObjectKind::Map) {}
  bool is_set() const { return kind_ == ObjectKind::Set; }
};

inline bool is_map(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Map; }
inline bool is_set(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Set; }
inline MapObject* as_map(Value v) { return static_cast<MapObject*>(v.as_object()); }

}  // namespace raya::vm
