// Array: the Array class (Array(n), Array(a, b), isArray, of, from) and the
// Array.prototype methods that need no callback. The higher-order methods
// (map, filter, reduce, sort with a comparator, Array.from with a map
// function, ...) are in the prelude, which calls two builtins exported here:
// `__sortDefault(array)` (the default sort) and `__arrayFrom(iterable)`.
//
// Arrays are dense (no holes): new Array(3) holds three undefineds. A frozen
// array (Object.freeze sets kObjectFrozen on it) refuses every mutator here
// with a TypeError; element writes are the interpreter's to refuse.
// keys(), values() and entries() return arrays (LANGUAGE.md), not iterators.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

using builtins::charge;
using builtins::charged_chunks;
using builtins::clamp_relative;
using builtins::copy_values;
using builtins::kPerAllocatingElement;
using builtins::kPerElement;
using builtins::integer_arg;
using builtins::kMaxArrayLength;
using builtins::StringBuilder;
using builtins::throw_wrong_kind;

/// Nesting limits: join() recurses on the C++ stack, flat() keeps its own
/// stack (and would follow a cycle forever with depth Infinity). Deeper
/// structures are a RangeError, as JavaScript's stack would overflow too.
constexpr size_t kMaxJoinNesting = 1000;
constexpr size_t kMaxFlatNesting = 10000;

std::string where(const char* method) { return std::string("Array.prototype.") + method; }
// The same text for argument checks on the hot path: built once per call
// site (thread-safe static), not on every call.
#define RAYA_WHERE(method)                                                    \
  ([]() -> std::string_view {                                                 \
    static const std::string text = std::string("Array.prototype.") + (method);             \
    return text;                                                              \
  }())

bool this_array(Context& ctx, const CallArgs& call, const char* method, Array*& out) {
  if (!is_array(call.this_value)) return throw_wrong_kind(ctx, where(method), "'this'", "an array", call.this_value);
  out = as_array(call.this_value);
  return true;
}

bool this_mutable_array(Context& ctx, const CallArgs& call, const char* method, Array*& out) {
  if (!this_array(ctx, call, method, out)) return false;
  if (out->flags_ & kObjectFrozen) return ctx.throw_type_error(where(method) + ": cannot modify a frozen array");
  return true;
}

/// A fresh array holding a[begin, end), paid for per element (its
/// allocation's fill, then the copy in chunks).
Array* copy_range(Context& ctx, Array* source, uint32_t begin, uint32_t end) {
  Rooted<Array*> src(ctx, source);
  uint32_t n = end > begin ? end - begin : 0;
  charge(ctx, n / 2, kPerElement);  // the new buffer's fill
  Array* out = ctx.new_array(n);
  copy_values(ctx, out->elements_, src->elements_ + begin, n);
  return out;
}

/// Makes room for `extra` more elements with geometric growth, so a loop of
/// push() or unshift() calls reallocates O(log n) times. The caller checked
/// that the new length is within kMaxArrayLength.
void reserve_for_append(Context& ctx, Array* array, uint32_t extra) {
  uint64_t need = uint64_t(array->length_) + extra;
  if (need <= array->capacity_) return;
  uint64_t grown = uint64_t(array->capacity_) + array->capacity_ / 2;
  uint64_t want = std::min<uint64_t>(std::max<uint64_t>({need, grown, 8}), std::max<uint64_t>(need, kMaxArrayLength));
  ctx.array_reserve(array, uint32_t(want));
}

// --- the Array class -----------------------------------------------------------------------

/// Array(n) / new Array(n): n undefined elements; Array(a, b, ...): [a, b, ...].
/// `this` is ignored: the result is always a fresh array.
bool array_call(Context& ctx, CallArgs& call) {
  if (call.count == 1 && call.args[0].is_number()) {
    double n = call.args[0].to_double();
    if (!(n >= 0 && n <= 4294967295.0) || std::trunc(n) != n) return ctx.throw_range_error("Invalid array length");
    if (n > kMaxArrayLength)
      return ctx.throw_range_error("Invalid array length: " + number_to_string(n) + " is beyond the maximum of " +
                                   std::to_string(kMaxArrayLength) + " elements");
    charge(ctx, uint64_t(n), kPerElement);  // n undefineds written
    call.result = Value::object(ctx.new_array(uint32_t(n)));
    return true;
  }
  charge(ctx, call.count, kPerElement);
  Array* out = ctx.new_array(call.count);
  for (uint32_t i = 0; i < call.count; ++i) out->elements_[i] = call.args[i];
  call.result = Value::object(out);
  return true;
}

bool array_is_array(Context&, CallArgs& call) {
  call.result = Value::boolean(is_array(call.arg(0)));
  return true;
}

bool array_of(Context& ctx, CallArgs& call) {
  charge(ctx, call.count, kPerElement);
  Array* out = ctx.new_array(call.count);
  for (uint32_t i = 0; i < call.count; ++i) out->elements_[i] = call.args[i];
  call.result = Value::object(out);
  return true;
}

/// The elements of an array, a string (code points), a Map ([key, value]
/// pairs), a Set or an array-like object ({ length: n, 0: ... }) as a fresh
/// array. False with a TypeError otherwise.
bool elements_of_iterable(Context& ctx, Value iterable, const char* where_name, Value& out) {
  Rooted<Value> source(ctx, iterable);
  if (is_array(iterable)) {
    out = Value::object(copy_range(ctx, as_array(iterable), 0, as_array(iterable)->length_));
    return true;
  }
  if (is_string(iterable)) {
    Rooted<Array*> result(ctx, ctx.new_array(0));
    uint32_t i = 0;
    charged_chunks(ctx, as_string(source.get())->length_, kPerAllocatingElement, [&](uint64_t, uint64_t e) {
      while (i < e) {
        String* s = as_string(source.get());
        CodePoint cp = decode_code_point(s->view(), i);
        String* piece = cp.units == 1 ? ctx.char_string(s->data()[i]) : ctx.new_string(s->view().substr(i, 2));
        ctx.array_push(result, Value::object(piece));
        i += cp.units;
      }
      return true;
    });
    out = Value::object(result.get());
    return true;
  }
  if (is_map(iterable) || is_set(iterable)) {
    MapObject* map = as_map(iterable);
    bool pairs = !map->is_set();
    Rooted<Array*> result(ctx, ctx.new_array(0, map->table_.size()));
    // Every entry slot (tombstones too) is visited; pairs are allocations.
    charge(ctx, map->table_.entries().size(), pairs ? kPerAllocatingElement : kPerElement);
    for (size_t i = 0; i < as_map(source.get())->table_.entries().size(); ++i) {
      // Re-read the entry each time: allocating a pair may run the collector,
      // which does not touch the table but keeps this code obviously safe.
      const OrderedTable::Entry& e = as_map(source.get())->table_.entries()[i];
      if (e.deleted) continue;
      if (pairs) {
        Value key = e.key, value = e.value;
        Array* pair = ctx.new_array(2);
        pair->elements_[0] = key;
        pair->elements_[1] = value;
        ctx.array_push(result, Value::object(pair));
      } else {
        ctx.array_push(result, e.key);
      }
    }
    out = Value::object(result.get());
    return true;
  }
  if (is_plain_object(iterable)) {
    // An array-like: { length: n, 0: a, 1: b, ... } (Array.from({ length: 3 })).
    Object* obj = as_object(iterable);
    Value length_value;
    if (ctx.lookup_property(obj, ctx.intern_ascii("length"), length_value) && length_value.is_number()) {
      double length = length_value.to_double();
      length = length != length || length <= 0 ? 0 : std::floor(length);
      if (length > kMaxArrayLength) return ctx.throw_range_error("Invalid array length");
      charge(ctx, uint64_t(length) / 2, kPerElement);  // the new buffer's fill
      Rooted<Array*> result(ctx, ctx.new_array(uint32_t(length)));
      // Each index is a key string to intern and look up.
      charged_chunks(ctx, result->length_, builtins::kPerIndexKey, [&](uint64_t b, uint64_t e) {
        for (uint64_t i = b; i < e; ++i) {
          Value element;
          PropertyInfo info{};
          if (ctx.lookup_property(as_object(source.get()), builtins::index_key(ctx, uint32_t(i)), element, nullptr,
                                  &info) &&
              !(info.flags & kPropAccessor))
            result->elements_[i] = element;
        }
        return true;
      });
      out = Value::object(result.get());
      return true;
    }
  }
  return ctx.throw_type_error(std::string(where_name) + ": " + ctx.describe_for_error(iterable) +
                              " is not iterable (expected an array, a string, a Map, a Set or an array-like)");
}

bool array_from(Context& ctx, CallArgs& call) {
  if (!call.arg(1).is_undefined())
    return ctx.throw_type_error("Array.from: a map function needs the prelude's Array.from");
  Value out;
  if (!elements_of_iterable(ctx, call.arg(0), "Array.from", out)) return false;
  call.result = out;
  return true;
}

/// __arrayFrom(iterable): Array.from without a map function, for the prelude.
bool builtin_array_from(Context& ctx, CallArgs& call) {
  Value out;
  if (!elements_of_iterable(ctx, call.arg(0), "Array.from", out)) return false;
  call.result = out;
  return true;
}

// --- adding and removing ----------------------------------------------------------------------

bool array_push(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_mutable_array(ctx, call, "push", a)) return false;
  Rooted<Array*> array(ctx, a);
  if (uint64_t(array->length_) + call.count > kMaxArrayLength) return ctx.throw_range_error("Invalid array length");
  if (call.count > 1) charge(ctx, call.count, kPerElement);
  reserve_for_append(ctx, array, call.count);
  for (uint32_t i = 0; i < call.count; ++i) array->elements_[array->length_++] = call.args[i];
  call.result = Value::number(array->length_);
  return true;
}

bool array_pop(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_mutable_array(ctx, call, "pop", a)) return false;
  if (a->length_ == 0) {
    call.result = Value::undefined();
    return true;
  }
  call.result = a->elements_[--a->length_];
  a->elements_[a->length_] = Value::undefined();
  return true;
}

bool array_shift(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_mutable_array(ctx, call, "shift", a)) return false;
  if (a->length_ == 0) {
    call.result = Value::undefined();
    return true;
  }
  call.result = a->elements_[0];
  copy_values(ctx, a->elements_, a->elements_ + 1, a->length_ - 1);
  a->elements_[--a->length_] = Value::undefined();
  return true;
}

bool array_unshift(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_mutable_array(ctx, call, "unshift", a)) return false;
  Rooted<Array*> array(ctx, a);
  uint32_t n = call.count;
  if (uint64_t(array->length_) + n > kMaxArrayLength) return ctx.throw_range_error("Invalid array length");
  if (n != 0) {
    uint32_t old_length = array->length_;
    charge(ctx, n, kPerElement);
    reserve_for_append(ctx, array, n);
    ctx.array_set_length(array, old_length + n);
    copy_values(ctx, array->elements_ + n, array->elements_, old_length);
    for (uint32_t i = 0; i < n; ++i) array->elements_[i] = call.args[i];
  }
  call.result = Value::number(array->length_);
  return true;
}

bool array_slice(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double start, end;
  if (!this_array(ctx, call, "slice", a) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("slice"), "start", start) ||
      !integer_arg(ctx, call, 1, double(a->length_), RAYA_WHERE("slice"), "end", end))
    return false;
  call.result = Value::object(copy_range(ctx, a, clamp_relative(start, a->length_), clamp_relative(end, a->length_)));
  return true;
}

/// splice(start, deleteCount, ...items): removes and inserts in place,
/// returns the removed elements.
bool array_splice(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double start_arg;
  if (!this_mutable_array(ctx, call, "splice", a) ||
      !integer_arg(ctx, call, 0, 0, RAYA_WHERE("splice"), "start", start_arg))
    return false;
  Rooted<Array*> array(ctx, a);
  uint32_t length = array->length_;
  uint32_t start = clamp_relative(start_arg, length);
  uint32_t delete_count;
  if (call.count == 0) {
    delete_count = 0;
  } else if (call.count == 1) {
    delete_count = length - start;
  } else {
    double dc;
    if (!integer_arg(ctx, call, 1, 0, RAYA_WHERE("splice"), "delete count", dc)) return false;
    delete_count = uint32_t(std::clamp(dc, 0.0, double(length - start)));
  }
  uint32_t insert_count = call.count > 2 ? call.count - 2 : 0;
  if (uint64_t(length) - delete_count + insert_count > kMaxArrayLength)
    return ctx.throw_range_error("Invalid array length");
  Rooted<Array*> removed(ctx, copy_range(ctx, array, start, start + delete_count));
  uint32_t new_length = length - delete_count + insert_count;
  uint32_t tail = length - start - delete_count;
  // Inserted elements and the cleared tail, paid for before the moves.
  charge(ctx, uint64_t(insert_count) + (insert_count < delete_count ? delete_count - insert_count : 0), kPerElement);
  if (insert_count > delete_count) ctx.array_set_length(array, new_length);
  Value* el = array->elements_;
  copy_values(ctx, el + start + insert_count, el + start + delete_count, tail);
  for (uint32_t i = 0; i < insert_count; ++i) el[start + i] = call.args[2 + i];
  if (insert_count < delete_count) {
    for (uint32_t i = new_length; i < length; ++i) el[i] = Value::undefined();
    array->length_ = new_length;
  }
  call.result = Value::object(removed.get());
  return true;
}

/// concat(...values): arrays are spread one level, other values appended.
bool array_concat(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "concat", a)) return false;
  uint64_t total = a->length_;
  for (uint32_t i = 0; i < call.count; ++i) total += is_array(call.args[i]) ? as_array(call.args[i])->length_ : 1;
  if (total > kMaxArrayLength) return ctx.throw_range_error("Invalid array length");
  charge(ctx, call.count, kPerElement);
  Rooted<Array*> out(ctx, copy_range(ctx, a, 0, a->length_));
  ctx.array_reserve(out, uint32_t(total));
  for (uint32_t i = 0; i < call.count; ++i) {
    Value v = call.args[i];
    if (is_array(v)) {
      Array* part = as_array(v);
      copy_values(ctx, out->elements_ + out->length_, part->elements_, part->length_);
      out->length_ += part->length_;
    } else {
      out->elements_[out->length_++] = v;
    }
  }
  call.result = Value::object(out.get());
  return true;
}

// --- searching ------------------------------------------------------------------------------

bool array_index_of(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double from;
  if (!this_array(ctx, call, "indexOf", a) || !integer_arg(ctx, call, 1, 0, RAYA_WHERE("indexOf"), "start", from))
    return false;
  Value target = call.arg(0);
  uint32_t start = clamp_relative(from, a->length_);
  int64_t found = -1;
  charged_chunks(ctx, a->length_ - start, kPerElement, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = start + b; i < start + e; ++i) {
      if (builtins::strict_equals_charged(ctx, a->elements_[i], target)) {
        found = int64_t(i);
        return false;
      }
    }
    return true;
  });
  call.result = Value::number(double(found));
  return true;
}

bool array_last_index_of(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "lastIndexOf", a)) return false;
  double from;
  if (!integer_arg(ctx, call, 1, double(a->length_) - 1, RAYA_WHERE("lastIndexOf"), "start", from)) return false;
  Value target = call.arg(0);
  double k = from >= 0 ? std::min(from, double(a->length_) - 1) : double(a->length_) + from;
  int64_t found = -1;
  if (k >= 0) {
    uint64_t top = uint64_t(k);  // scan top, top - 1, ..., 0
    charged_chunks(ctx, top + 1, kPerElement, [&](uint64_t b, uint64_t e) {
      for (uint64_t n = b; n < e; ++n) {
        if (builtins::strict_equals_charged(ctx, a->elements_[top - n], target)) {
          found = int64_t(top - n);
          return false;
        }
      }
      return true;
    });
  }
  call.result = Value::number(double(found));
  return true;
}

bool array_includes(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double from;
  if (!this_array(ctx, call, "includes", a) || !integer_arg(ctx, call, 1, 0, RAYA_WHERE("includes"), "start", from))
    return false;
  Value target = call.arg(0);
  uint32_t start = clamp_relative(from, a->length_);
  bool found = false;
  charged_chunks(ctx, a->length_ - start, kPerElement, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = start + b; i < start + e; ++i) {
      if (builtins::same_value_zero_charged(ctx, a->elements_[i], target)) {
        found = true;
        return false;
      }
    }
    return true;
  });
  call.result = Value::boolean(found);
  return true;
}

bool array_at(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double index;
  if (!this_array(ctx, call, "at", a) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("at"), "index", index)) return false;
  if (index < 0) index += a->length_;
  call.result = index < 0 || index >= a->length_ ? Value::undefined() : a->elements_[uint32_t(index)];
  return true;
}

// --- join and toString ---------------------------------------------------------------------------

/// Appends a's elements joined by sep. Nested arrays join with "," (their
/// toString); an array already being joined (a cycle) contributes "" as in
/// V8; null and undefined are "".
bool join_into(Context& ctx, Array* a, std::u16string_view sep, StringBuilder& out, std::vector<Array*>& active) {
  if (active.size() >= kMaxJoinNesting) return ctx.throw_range_error("Maximum call stack size exceeded");
  active.push_back(a);
  for (uint32_t i = 0; i < a->length_ && !out.overflowed(); ++i) {
    if (i != 0) out.append(sep);
    Value e = a->elements_[i];
    if (e.is_nullish()) continue;
    if (is_string(e)) {
      out.append(as_string(e)->view());
    } else if (e.is_number()) {
      out.append(builtins::number_to_u16(e.to_double()));
    } else if (is_array(e)) {
      Array* inner = as_array(e);
      if (std::find(active.begin(), active.end(), inner) != active.end()) continue;
      if (!join_into(ctx, inner, u",", out, active)) return false;
    } else {
      out.append(ctx.to_string(e)->view());  // `a` stays reachable from the caller's root
    }
  }
  active.pop_back();
  return true;
}

bool join_array(Context& ctx, Array* a, std::u16string_view sep, Value& result) {
  // Per element converted (the builder pays for the units it copies).
  charge(ctx, a->length_, builtins::kPerJoinedElement);
  // A lower bound of the result's length from the elements whose length is
  // known without converting them, so joining a million references to one
  // long string fails at once instead of after building gigabytes.
  uint64_t at_least = a->length_ == 0 ? 0 : uint64_t(a->length_ - 1) * sep.size();
  for (uint32_t i = 0; i < a->length_; ++i)
    if (is_string(a->elements_[i])) at_least += as_string(a->elements_[i])->length_;
  if (at_least > builtins::kMaxStringLength) return ctx.throw_range_error("Invalid string length");
  Rooted<Array*> root(ctx, a);
  StringBuilder out(ctx);
  std::vector<Array*> active;
  if (!join_into(ctx, a, sep, out, active)) return false;
  String* s = out.finish();
  if (s == nullptr) return false;
  result = Value::object(s);
  return true;
}

bool array_join(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "join", a)) return false;
  Value sep = call.arg(0);
  if (!sep.is_undefined() && !is_string(sep)) return throw_wrong_kind(ctx, RAYA_WHERE("join"), "separator", "a string", sep);
  Rooted<Value> sep_root(ctx, sep);
  return join_array(ctx, a, sep.is_undefined() ? std::u16string_view(u",") : as_string(sep)->view(), call.result);
}

bool array_to_string(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "toString", a)) return false;
  return join_array(ctx, a, u",", call.result);
}

// --- reordering and filling ----------------------------------------------------------------------

bool array_reverse(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_mutable_array(ctx, call, "reverse", a)) return false;
  uint32_t n = a->length_;
  charged_chunks(ctx, n / 2, builtins::Price{2, 1}, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = b; i < e; ++i) std::swap(a->elements_[i], a->elements_[n - 1 - i]);
    return true;
  });
  call.result = call.this_value;
  return true;
}

bool array_fill(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double start, end;
  if (!this_mutable_array(ctx, call, "fill", a) || !integer_arg(ctx, call, 1, 0, RAYA_WHERE("fill"), "start", start) ||
      !integer_arg(ctx, call, 2, double(a->length_), RAYA_WHERE("fill"), "end", end))
    return false;
  uint32_t from = clamp_relative(start, a->length_), to = clamp_relative(end, a->length_);
  Value v = call.arg(0);
  if (to > from)
    charged_chunks(ctx, to - from, kPerElement, [&](uint64_t b, uint64_t e) {
      std::fill(a->elements_ + from + b, a->elements_ + from + e, v);
      return true;
    });
  call.result = call.this_value;
  return true;
}

/// flat(depth = 1): an explicit stack instead of recursion, so deep nesting
/// costs memory (bounded by kMaxFlatNesting), not C++ stack.
bool array_flat(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double depth;
  if (!this_array(ctx, call, "flat", a) || !integer_arg(ctx, call, 0, 1, RAYA_WHERE("flat"), "depth", depth)) return false;
  Rooted<Array*> source(ctx, a);
  Rooted<Array*> out(ctx, ctx.new_array(0, a->length_));
  struct Level {
    Array* array;  // reachable from `source`, which nothing can mutate meanwhile
    uint32_t next;
    double depth_left;
  };
  std::vector<Level> stack{{source.get(), 0, depth}};
  uint64_t prepaid = 0;  // visits paid for and not yet made
  while (!stack.empty()) {
    Level& top = stack.back();
    if (top.next >= top.array->length_) {
      stack.pop_back();
      continue;
    }
    if (prepaid == 0) {
      // Pay for the rest of this level, a chunk at most, before visiting it.
      prepaid = std::min<uint64_t>(kChunkSteps, top.array->length_ - top.next);
      ctx.charge_steps(prepaid);
    }
    --prepaid;
    Value e = top.array->elements_[top.next++];
    if (is_array(e) && top.depth_left >= 1) {
      if (stack.size() >= kMaxFlatNesting) return ctx.throw_range_error("Maximum call stack size exceeded");
      double left = top.depth_left - 1;
      stack.push_back({as_array(e), 0, left});
      continue;
    }
    if (out->length_ >= kMaxArrayLength) return ctx.throw_range_error("Invalid array length");
    ctx.array_push(out, e);
  }
  call.result = Value::object(out.get());
  return true;
}

/// toReversed(): a reversed copy (ES2023).
bool array_to_reversed(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "toReversed", a)) return false;
  Array* out = copy_range(ctx, a, 0, a->length_);
  charge(ctx, out->length_, kPerElement);
  std::reverse(out->elements_, out->elements_ + out->length_);
  call.result = Value::object(out);
  return true;
}

/// with(index, value): a copy with one element replaced (ES2023); an index
/// outside the array is a RangeError.
bool array_with(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  double index;
  if (!this_array(ctx, call, "with", a) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("with"), "index", index)) return false;
  double k = index < 0 ? double(a->length_) + index : index;
  if (k < 0 || k >= a->length_) return ctx.throw_range_error("Invalid index : " + number_to_string(index));
  Array* out = copy_range(ctx, a, 0, a->length_);
  out->elements_[uint32_t(k)] = call.arg(1);
  call.result = Value::object(out);
  return true;
}

// --- keys, values, entries (arrays, per LANGUAGE.md) ----------------------------------------------

bool array_keys(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "keys", a)) return false;
  charge(ctx, a->length_ / 2, kPerElement);  // the new buffer's fill
  Rooted<Array*> out(ctx, ctx.new_array(a->length_));
  charged_chunks(ctx, out->length_, kPerElement, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = b; i < e; ++i) out->elements_[i] = Value::number(double(i));
    return true;
  });
  call.result = Value::object(out);
  return true;
}

bool array_values(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "values", a)) return false;
  call.result = Value::object(copy_range(ctx, a, 0, a->length_));
  return true;
}

bool array_entries(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "entries", a)) return false;
  Rooted<Array*> source(ctx, a);
  Rooted<Array*> out(ctx, ctx.new_array(0, a->length_));
  charged_chunks(ctx, source->length_, kPerAllocatingElement, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = b; i < e; ++i) {
      Array* pair = ctx.new_array(2);
      pair->elements_[0] = Value::number(double(i));
      pair->elements_[1] = source->elements_[i];
      ctx.array_push(out, Value::object(pair));
    }
    return true;
  });
  call.result = Value::object(out.get());
  return true;
}

// --- sort --------------------------------------------------------------------------------------

bool array_sort(Context& ctx, CallArgs& call) {
  Array* a = nullptr;
  if (!this_array(ctx, call, "sort", a)) return false;
  Value comparator = call.arg(0);
  if (!comparator.is_undefined()) {
    if (is_callable(comparator))
      return ctx.throw_type_error("Array.prototype.sort: a comparator needs the prelude's sort");
    return ctx.throw_type_error("The comparison function must be either a function or undefined");
  }
  if (!builtins::sort_array_default(ctx, a)) return false;
  call.result = call.this_value;
  return true;
}

/// __sortDefault(array): the default sort, for the prelude's sort().
bool builtin_sort_default(Context& ctx, CallArgs& call) {
  Value v = call.arg(0);
  if (!is_array(v)) return throw_wrong_kind(ctx, "Array.prototype.sort", "'this'", "an array", v);
  if (!builtins::sort_array_default(ctx, as_array(v))) return false;
  call.result = v;
  return true;
}

}  // namespace

namespace builtins {

bool sort_array_default(Context& ctx, Array* array) {
  if (array->flags_ & kObjectFrozen) return ctx.throw_type_error("Array.prototype.sort: cannot modify a frozen array");
  Rooted<Array*> a(ctx, array);
  // n log n comparisons, each reading up to the shorter key: paid for before
  // sorting, with the conversions of non-strings (allocations).
  uint64_t n = a->length_;
  uint64_t log_n = 1;
  while ((uint64_t(1) << log_n) < n) ++log_n;
  charge(ctx, n * log_n, kPerElement);
  charge(ctx, n, kPerAllocatingElement);
  uint64_t key_units = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (is_string(a->elements_[i])) key_units += as_string(a->elements_[i])->length_;
  charge(ctx, key_units * log_n, builtins::kPerUnits);
  struct Keyed {
    std::u16string_view key;
    Value value;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(a->length_);
  std::deque<std::u16string> converted;  // owns keys of non-string elements (stable addresses)
  uint32_t undefined_count = 0;
  for (uint32_t i = 0; i < a->length_; ++i) {
    Value e = a->elements_[i];
    if (e.is_undefined()) {
      ++undefined_count;
    } else if (is_string(e)) {
      keyed.push_back({as_string(e)->view(), e});  // the array keeps the string alive
    } else {
      if (e.is_number())
        converted.push_back(number_to_u16(e.to_double()));
      else
        converted.emplace_back(ctx.to_string(e)->view());
      keyed.push_back({converted.back(), e});
    }
  }
  // Paid for above, but seconds long for millions of elements: the limits
  // (interrupt, deadline, CPU) are polled every kChunkSteps comparisons. A
  // limit throws out of the sort, leaving `keyed` (C++ memory) half sorted
  // and the array untouched; the context is ending anyway.
  uint64_t comparisons = 0;
  std::stable_sort(keyed.begin(), keyed.end(), [&ctx, &comparisons](const Keyed& x, const Keyed& y) {
    if (++comparisons % kChunkSteps == 0) ctx.poll_limits_in_native();
    return x.key < y.key;
  });
  uint32_t i = 0;
  for (const Keyed& k : keyed) a->elements_[i++] = k.value;
  for (uint32_t u = 0; u < undefined_count; ++u) a->elements_[i++] = Value::undefined();
  return true;
}

}  // namespace builtins

void install_array(Context& ctx) {
  Rooted<Class*> array(ctx, builtins::define_builtin_class(ctx, "Array", array_call, 1, ctx.array_prototype()));
  ctx.define_native_method(array, "isArray", array_is_array, 1);
  ctx.define_native_method(array, "of", array_of, 0);
  ctx.define_native_method(array, "from", array_from, 1);

  struct Method {
    const char* name;
    NativeFn fn;
    uint16_t arity;
  };
  static const Method kMethods[] = {
      {"push", array_push, 1},
      {"pop", array_pop, 0},
      {"shift", array_shift, 0},
      {"unshift", array_unshift, 1},
      {"slice", array_slice, 2},
      {"splice", array_splice, 2},
      {"concat", array_concat, 1},
      {"indexOf", array_index_of, 1},
      {"lastIndexOf", array_last_index_of, 1},
      {"includes", array_includes, 1},
      {"at", array_at, 1},
      {"join", array_join, 1},
      {"toString", array_to_string, 0},
      {"reverse", array_reverse, 0},
      {"toReversed", array_to_reversed, 0},
      {"with", array_with, 2},
      {"fill", array_fill, 1},
      {"flat", array_flat, 0},
      {"keys", array_keys, 0},
      {"values", array_values, 0},
      {"entries", array_entries, 0},
      {"sort", array_sort, 1},
  };
  for (const Method& m : kMethods) ctx.define_native_method(ctx.array_prototype(), m.name, m.fn, m.arity);

  ctx.define_builtin("__sortDefault", Value::object(ctx.new_native("__sortDefault", builtin_sort_default, 1)));
  ctx.define_builtin("__arrayFrom", Value::object(ctx.new_native("__arrayFrom", builtin_array_from, 1)));
}

}  // namespace raya::vm

#undef RAYA_WHERE
