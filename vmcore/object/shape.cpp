#include "vmcore/object/shape.hpp"

#include <algorithm>

namespace raya::vm {

namespace {
constexpr uint32_t kTableThreshold = 8;  // walk short chains, index long ones
}

bool Shape::lookup(const String* key, PropertyInfo& out) {
  // A table costs as much to build as one walk of the chain, so a shape
  // gets one only once it is looked up repeatedly: shapes passed through
  // while properties are added one by one (installing builtins, building
  // an object) are looked up once or twice and would each build a table
  // for nothing — quadratic in the number of properties.
  constexpr uint8_t kWalksBeforeTable = 4;
  if (slot_count_ > kTableThreshold && (table_ || ++chain_walks_ > kWalksBeforeTable)) {
    if (!table_) {
      table_ = std::make_unique<std::unordered_map<const String*, PropertyInfo>>();
      table_->reserve(slot_count_);
      for (Shape* s = this; s != nullptr && s->key_ != nullptr; s = s->parent_)
        table_->emplace(s->key_, PropertyInfo{s->slot_count_ - 1, s->key_flags_});
    }
    auto it = table_->find(key);
    if (it == table_->end()) return false;
    out = it->second;
    return true;
  }
  for (Shape* s = this; s != nullptr && s->key_ != nullptr; s = s->parent_) {
    if (s->key_ == key) {
      out = PropertyInfo{s->slot_count_ - 1, s->key_flags_};
      return true;
    }
  }
  return false;
}

std::vector<std::pair<String*, uint8_t>> Shape::keys_in_order() const {
  std::vector<std::pair<String*, uint8_t>> keys;
  for (const Shape* s = this; s != nullptr && s->key_ != nullptr; s = s->parent_)
    keys.emplace_back(s->key_, s->key_flags_);
  std::reverse(keys.begin(), keys.end());
  return keys;
}

}  // namespace raya::vm
