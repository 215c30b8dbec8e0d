#include "vmcore/object/collections.hpp"

#include <cmath>
#include <cstring>

#include "vmcore/object/string.hpp"

namespace raya::vm {

uint32_t OrderedTable::hash(Value key) {
  if (key.is_number()) {
    double d = key.to_double();
    if (d == 0) d = 0;  // +0 and -0 hash alike
    if (d != d) return 0x7ff80000u;
    uint64_t b;
    std::memcpy(&b, &d, 8);
    b ^= b >> 33;
    b *= 0xff51afd7ed558ccdull;
    b ^= b >> 33;
    return uint32_t(b);
  }
  if (is_string(key)) return as_string(key)->hash();
  uint64_t b = key.bits();
  b ^= b >> 29;
  b *= 0xbf58476d1ce4e5b9ull;
  b ^= b >> 32;
  return uint32_t(b);
}

bool OrderedTable::same_value_zero(Value a, Value b) {
  if (a.is_number() && b.is_number()) {
    double x = a.to_double(), y = b.to_double();
    return x == y || (x != x && y != y);
  }
  if (is_string(a) && is_string(b)) return strings_equal(as_string(a), as_string(b));
  return a == b;
}

int64_t OrderedTable::find(Value key) const {
  if (buckets_.empty()) return -1;
  size_t mask = buckets_.size() - 1;
  for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
    int32_t e = buckets_[i];
    if (e == -1) return -1;
    if (e >= 0 && same_value_zero(entries_[size_t(e)].key, key)) return e;
  }
}

void OrderedTable::rehash(size_t bucket_count) {
  // Compact away tombstones first so entry indexes stay dense.
  std::vector<Entry> live;
  live.reserve(live_ + 1);
  for (const Entry& e : entries_)
    if (!e.deleted) live.push_back(e);
  entries_.swap(live);
  buckets_.assign(bucket_count, -1);
  used_buckets_ = 0;
  size_t mask = bucket_count - 1;
  for (size_t n = 0; n < entries_.size(); ++n) {
    size_t i = hash(entries_[n].key) & mask;
    while (buckets_[i] != -1) i = (i + 1) & mask;
    buckets_[i] = int32_t(n);
    ++used_buckets_;
  }
}

bool OrderedTable::set(Value key, Value value) {
  // -0 keys are stored as +0, as JavaScript does.
  if (key.is_double() && key.as_double() == 0) key = Value::int32(0);
  int64_t found = find(key);
  if (found >= 0) {
    entries_[size_t(found)].value = value;
    return false;
  }
  if ((used_buckets_ + 1) * 4 >= buckets_.size() * 3) {
    size_t want = 8;
    while (want * 3 <= (size_t(live_) + 1) * 4 * 2) want *= 2;
    rehash(want);
  }
  size_t mask = buckets_.size() - 1;
  size_t i = hash(key) & mask;
  while (buckets_[i] >= 0) i = (i + 1) & mask;
  if (buckets_[i] == -1) ++used_buckets_;
  buckets_[i] = int32_t(entries_.size());
  entries_.push_back({key, value, false});
  ++live_;
  return true;
}

bool OrderedTable::remove(Value key) {
  if (buckets_.empty()) return false;
  size_t mask = buckets_.size() - 1;
  for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
    int32_t e = buckets_[i];
    if (e == -1) return false;
    if (e >= 0 && same_value_zero(entries_[size_t(e)].key, key)) {
      buckets_[i] = -2;
      entries_[size_t(e)].deleted = true;
      entries_[size_t(e)].key = Value::undefined();
      entries_[size_t(e)].value = Value::undefined();
      --live_;
      return true;
    }
  }
}

void OrderedTable::clear() {
  // Release the entries (a live iterator sees index >= size and then
  // continues with entries added later, as in JavaScript).
  entries_.clear();
  entries_.shrink_to_fit();
  buckets_.clear();
  buckets_.shrink_to_fit();
  used_buckets_ = 0;
  live_ = 0;
}

}  // namespace raya::vm
