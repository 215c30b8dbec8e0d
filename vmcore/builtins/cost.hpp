// The price list of native work, and the helpers every builtin uses to pay
// for what it touches (the rule is in vmcore/interp/metering.hpp: charge
// before touching, in chunks of at most kChunkSteps steps).
//
// A price is `steps` steps for every `per` items. The base prices are one
// step per element and one step per Context::kUnitsPerStep code units;
// work that costs more per item than a plain interpreter step (allocating a
// pair, inserting into a hash table, case mapping) is priced higher, so that
// no builtin does more than ~20x a plain loop's work per charged step
// (`make bench-cost` measures it; bench/README.md "Cost of builtins" has
// the table the prices below were tuned with).
//
// Rule for a new native: every loop over elements, entries, properties or
// code units goes through charged_chunks() (or charge() right before a
// bounded one-shot operation), with one of the prices below; and the native
// gets a row in tests/vmcore/builtins/builtin_cost_table_test.cpp, which
// fails for any installed native without one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "vmcore/interp/context.hpp"
#include "vmcore/interp/metering.hpp"

namespace raya::vm::builtins {

struct Price {
  uint64_t steps;  // this many steps ...
  uint64_t per;    // ... for every `per` items
};

/// Reading, writing, comparing or copying one element (array slot, argument).
inline constexpr Price kPerElement{1, 1};
/// Code units copied, compared or scanned.
inline constexpr Price kPerUnits{1, Context::kUnitsPerStep};
/// An element whose handling allocates (a [k, v] pair, a one-unit string,
/// a number's key string) or hashes (a Map/Set insert, a property define).
inline constexpr Price kPerAllocatingElement{4, 1};
/// An array index turned into its interned key string ("17"): number to
/// text, hashing, an intern-table probe and often an allocation (for-in
/// over an array, Object.keys of an array).
inline constexpr Price kPerIndexKey{10, 1};
/// An index key made and then defined as a property of an object
/// (object spread and Object.assign of an array: a hash-table insert more).
inline constexpr Price kPerIndexKeyDefine{20, 1};
/// An element turned into text and appended (join, String(array)).
inline constexpr Price kPerJoinedElement{2, 1};
/// Code units hashed or tested one by one (interning a long key, a Map key's
/// hash, trim's whitespace scan): a dependent multiply or a table test each.
inline constexpr Price kPerScannedUnits{2, Context::kUnitsPerStep};
/// Code units case-mapped or parsed (a table lookup or a branch each).
inline constexpr Price kPerMappedUnits{1, 4};
/// An argument of a spread call f(...a): copied into the call's window and
/// usually once more by the callee (a rest array, an async task's stack).
inline constexpr Price kPerSpreadArgument{2, 1};
/// A value JSON.stringify writes or JSON.parse builds (an element, a
/// property's key and value): a type dispatch, number formatting or parsing,
/// an allocation, a property lookup or define. Its text pays besides, per
/// code unit.
inline constexpr Price kPerJsonValue{6, 1};
/// A value inspect (console.log of an object) shows: its own std::string,
/// concatenated into its container's. Its text pays besides, per code unit
/// at every level that copies it.
inline constexpr Price kPerInspectedValue{8, 1};

/// Steps for `count` items at `price` (rounded up; 0 items cost nothing).
inline uint64_t steps_for(uint64_t count, Price price) {
  return count == 0 ? 0 : (count * price.steps + price.per - 1) / price.per;
}

/// Pays for `count` items at once: for a bounded operation done right after
/// (an O(1)-per-chunk setup, a single allocation's fill). Long loops use
/// charged_chunks so that limits are checked while they run.
inline void charge(Context& ctx, uint64_t count, Price price) {
  uint64_t steps = steps_for(count, price);
  while (steps > kChunkSteps) {
    ctx.charge_steps(kChunkSteps);
    steps -= kChunkSteps;
  }
  if (steps != 0) ctx.charge_steps(steps);
}

/// Items that fit one chunk of kChunkSteps steps at `price`.
inline uint64_t chunk_items(Price price) { return std::max<uint64_t>(1, kChunkSteps * price.per / price.steps); }

/// Runs body(begin, end) over [0, count) in chunks, each charged before it
/// runs. `body` returns false to stop (a search that found its answer pays
/// only for the chunks it read). The heap must be consistent at every chunk
/// boundary, and objects the body uses kept rooted if it allocates.
template <class Body>
void charged_chunks(Context& ctx, uint64_t count, Price price, Body&& body) {
  const uint64_t chunk = chunk_items(price);
  for (uint64_t begin = 0; begin < count; begin += chunk) {
    const uint64_t end = std::min(count, begin + chunk);
    ctx.charge_steps(steps_for(end - begin, price));
    if (!body(begin, end)) return;
  }
}

/// Pays for a loop of `total` items as it goes: tick() before each item
/// charges the next chunk (at most kChunkSteps steps, never past `total`)
/// when the previous one is used up. For loops that are awkward to cut into
/// charged_chunks (items of varying kinds, early returns).
class ChargedLoop {
 public:
  ChargedLoop(Context& ctx, uint64_t total, Price price) : ctx_(ctx), left_(total), price_(price) {}
  void tick() {
    if (prepaid_ == 0) refill();
    --prepaid_;
  }

 private:
  void refill() {
    uint64_t items = std::max<uint64_t>(1, std::min(left_, chunk_items(price_)));
    ctx_.charge_steps(steps_for(items, price_));
    prepaid_ = items;
    left_ = left_ > items ? left_ - items : 0;
  }
  Context& ctx_;
  uint64_t left_;
  uint64_t prepaid_ = 0;
  Price price_;
};

/// Copies n Values (memmove semantics) in charged chunks of kPerElement.
inline void copy_values(Context& ctx, Value* dst, const Value* src, uint64_t n) {
  if (dst == src || n == 0) return;
  if (dst < src || dst >= src + n) {
    charged_chunks(ctx, n, kPerElement, [&](uint64_t b, uint64_t e) {
      std::memmove(static_cast<void*>(dst + b), src + b, (e - b) * sizeof(Value));
      return true;
    });
  } else {
    // Overlapping with dst after src: copy from the end backwards.
    charged_chunks(ctx, n, kPerElement, [&](uint64_t b, uint64_t e) {
      uint64_t from = n - e, len = e - b;
      std::memmove(static_cast<void*>(dst + from), src + from, len * sizeof(Value));
      return true;
    });
  }
}

/// Strings at most this long are compared within an element's price.
inline constexpr uint32_t kFreeCompareUnits = 4 * Context::kUnitsPerStep;

/// Pays for comparing two values by content before it is done: nothing for
/// anything but two long strings of equal length that only their units can
/// tell apart (`===` and SameValueZero read them all in the worst case).
inline void charge_equality(Context& ctx, Value a, Value b) {
  if (!is_string(a) || !is_string(b)) return;
  uint32_t units = strings_equal_work(as_string(a), as_string(b));
  if (units > kFreeCompareUnits) charge(ctx, units, kPerUnits);
}

/// Context::strict_equals, paid for.
inline bool strict_equals_charged(Context& ctx, Value a, Value b) {
  charge_equality(ctx, a, b);
  return Context::strict_equals(a, b);
}

/// OrderedTable::same_value_zero, paid for.
inline bool same_value_zero_charged(Context& ctx, Value a, Value b) {
  charge_equality(ctx, a, b);
  return OrderedTable::same_value_zero(a, b);
}

/// Pays for looking a key up in a hash table (Map/Set keys, property
/// keys): a long string key is hashed (once, then cached) and compared by
/// content with an entry of the same hash, each reading all its units.
inline void charge_key_lookup(Context& ctx, Value key) {
  if (is_string(key) && as_string(key)->length_ > kFreeCompareUnits)
    charge(ctx, as_string(key)->length_, kPerScannedUnits);
}

}  // namespace raya::vm::builtins
