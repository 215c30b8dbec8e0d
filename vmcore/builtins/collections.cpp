// Map and Set: the classes (new Map(entries), new Set(iterable)) and their
// prototype methods over OrderedTable (SameValueZero keys, insertion order).
//
// Left to others: `.size` is read by the interpreter (natives cannot define
// getters); forEach is in the prelude (it calls back into Raya); keys(),
// values() and entries() return arrays (LANGUAGE.md), which for-of, spread
// and Array.from all accept. Every insert or delete re-charges the table's
// memory to the heap with ctx.map_changed.
#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

using builtins::charge_key_lookup;
using builtins::ChargedLoop;
using builtins::kPerAllocatingElement;
using builtins::kPerElement;
using builtins::throw_wrong_kind;

bool this_collection(Context& ctx, const CallArgs& call, bool want_set, const char* method, MapObject*& out) {
  Value v = call.this_value;
  if (want_set ? !is_set(v) : !is_map(v)) {
    std::string where = std::string(want_set ? "Set.prototype." : "Map.prototype.") + method;
    return throw_wrong_kind(ctx, where, "'this'", want_set ? "a Set" : "a Map", v);
  }
  out = as_map(v);
  return true;
}

/// Adds one [key, value] entry of `new Map(iterable)`.
bool add_entry(Context& ctx, MapObject* map, Value entry) {
  if (!is_array(entry))
    return ctx.throw_type_error("Map: iterator value " + ctx.describe_for_error(entry) +
                                " is not an entry object (expected a [key, value] array)");
  Array* pair = as_array(entry);
  Value key = pair->length_ > 0 ? pair->elements_[0] : Value::undefined();
  Value value = pair->length_ > 1 ? pair->elements_[1] : Value::undefined();
  charge_key_lookup(ctx, key);
  map->table_.set(key, value);
  return true;
}

/// new Map() / new Map(iterable of [key, value]) / new Map(otherMap).
bool map_construct(Context& ctx, CallArgs& call) {
  if (call.this_value.is_undefined()) return ctx.throw_type_error("Constructor Map requires 'new'");
  Rooted<MapObject*> map(ctx, ctx.new_map(false));
  Value source = call.arg(0);
  if (is_array(source)) {
    Array* entries = as_array(source);
    ChargedLoop loop(ctx, entries->length_, kPerAllocatingElement);
    for (uint32_t i = 0; i < entries->length_; ++i) {
      loop.tick();
      if (!add_entry(ctx, map, entries->elements_[i])) return false;
    }
  } else if (is_map(source)) {
    ChargedLoop loop(ctx, as_map(source)->table_.entries().size(), kPerAllocatingElement);
    for (const OrderedTable::Entry& e : as_map(source)->table_.entries()) {
      loop.tick();
      if (!e.deleted) map->table_.set(e.key, e.value);
    }
  } else if (!source.is_nullish()) {
    return ctx.throw_type_error("Map: " + ctx.describe_for_error(source) +
                                " is not iterable (expected an array of [key, value] pairs or a Map)");
  }
  ctx.map_changed(map);
  call.result = Value::object(map.get());
  return true;
}

/// new Set() / new Set(array | string | Set | Map).
bool set_construct(Context& ctx, CallArgs& call) {
  if (call.this_value.is_undefined()) return ctx.throw_type_error("Constructor Set requires 'new'");
  Rooted<MapObject*> set(ctx, ctx.new_map(true));
  Value source = call.arg(0);
  if (is_array(source)) {
    Array* values = as_array(source);
    ChargedLoop loop(ctx, values->length_, kPerAllocatingElement);
    for (uint32_t i = 0; i < values->length_; ++i) {
      loop.tick();
      charge_key_lookup(ctx, values->elements_[i]);
      set->table_.set(values->elements_[i], Value::undefined());
    }
  } else if (is_set(source)) {
    ChargedLoop loop(ctx, as_map(source)->table_.entries().size(), kPerAllocatingElement);
    for (const OrderedTable::Entry& e : as_map(source)->table_.entries()) {
      loop.tick();
      if (!e.deleted) set->table_.set(e.key, Value::undefined());
    }
  } else if (is_string(source)) {
    // Code points, like for-of over a string.
    ChargedLoop loop(ctx, as_string(source)->length_, kPerAllocatingElement);
    for (uint32_t i = 0; i < as_string(source)->length_;) {
      loop.tick();
      CodePoint cp = decode_code_point(as_string(source)->view(), i);
      String* piece = cp.units == 1 ? ctx.char_string(as_string(source)->data()[i])
                                    : ctx.new_string(as_string(source)->view().substr(i, 2));
      set->table_.set(Value::object(piece), Value::undefined());
      ctx.map_changed(set);  // the piece is in the table now: charging may collect
      i += cp.units;
    }
  } else if (is_map(source)) {
    // A Map iterates as [key, value] pairs.
    MapObject* map = as_map(source);
    ChargedLoop loop(ctx, map->table_.entries().size(), kPerAllocatingElement);
    for (size_t i = 0; i < map->table_.entries().size(); ++i) {
      loop.tick();
      const OrderedTable::Entry& e = map->table_.entries()[i];
      if (e.deleted) continue;
      Value key = e.key, value = e.value;
      Array* pair = ctx.new_array(2);
      pair->elements_[0] = key;
      pair->elements_[1] = value;
      set->table_.set(Value::object(pair), Value::undefined());
      ctx.map_changed(set);
    }
  } else if (!source.is_nullish()) {
    return ctx.throw_type_error("Set: " + ctx.describe_for_error(source) +
                                " is not iterable (expected an array, a string, a Set or a Map)");
  }
  ctx.map_changed(set);
  call.result = Value::object(set.get());
  return true;
}

// --- shared by Map and Set ---------------------------------------------------------------------

bool collection_has(Context& ctx, CallArgs& call, bool is_set_method) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, is_set_method, "has", m)) return false;
  charge_key_lookup(ctx, call.arg(0));
  call.result = Value::boolean(m->table_.find(call.arg(0)) >= 0);
  return true;
}

bool collection_delete(Context& ctx, CallArgs& call, bool is_set_method) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, is_set_method, "delete", m)) return false;
  charge_key_lookup(ctx, call.arg(0));
  bool removed = m->table_.remove(call.arg(0));
  ctx.map_changed(m);
  call.result = Value::boolean(removed);
  return true;
}

bool collection_clear(Context& ctx, CallArgs& call, bool is_set_method) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, is_set_method, "clear", m)) return false;
  m->table_.clear();
  ctx.map_changed(m);
  call.result = Value::undefined();
  return true;
}

enum class Part { Keys, Values, Entries };

/// keys() / values() / entries() as a fresh array (entries as [k, v] pairs;
/// a Set's entries are [v, v] as in JavaScript).
bool collection_list(Context& ctx, CallArgs& call, bool is_set_method, const char* method, Part part) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, is_set_method, method, m)) return false;
  Rooted<MapObject*> map(ctx, m);
  Rooted<Array*> out(ctx, ctx.new_array(0, map->table_.size()));
  ChargedLoop loop(ctx, map->table_.entries().size(), part == Part::Entries ? kPerAllocatingElement : kPerElement);
  for (size_t i = 0; i < map->table_.entries().size(); ++i) {
    loop.tick();
    const OrderedTable::Entry& e = map->table_.entries()[i];
    if (e.deleted) continue;
    Value key = e.key;
    Value value = map->is_set() ? e.key : e.value;
    if (part == Part::Entries) {
      Array* pair = ctx.new_array(2);
      pair->elements_[0] = key;
      pair->elements_[1] = value;
      ctx.array_push(out, Value::object(pair));
    } else {
      ctx.array_push(out, part == Part::Keys ? key : value);
    }
  }
  call.result = Value::object(out.get());
  return true;
}

// --- Map.prototype -------------------------------------------------------------------------------

bool map_get(Context& ctx, CallArgs& call) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, false, "get", m)) return false;
  charge_key_lookup(ctx, call.arg(0));
  int64_t i = m->table_.find(call.arg(0));
  call.result = i < 0 ? Value::undefined() : m->table_.entries()[size_t(i)].value;
  return true;
}

bool map_set(Context& ctx, CallArgs& call) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, false, "set", m)) return false;
  charge_key_lookup(ctx, call.arg(0));
  m->table_.set(call.arg(0), call.arg(1));
  ctx.map_changed(m);
  call.result = call.this_value;
  return true;
}

bool map_has(Context& ctx, CallArgs& call) { return collection_has(ctx, call, false); }
bool map_delete(Context& ctx, CallArgs& call) { return collection_delete(ctx, call, false); }
bool map_clear(Context& ctx, CallArgs& call) { return collection_clear(ctx, call, false); }
bool map_keys(Context& ctx, CallArgs& call) { return collection_list(ctx, call, false, "keys", Part::Keys); }
bool map_values(Context& ctx, CallArgs& call) { return collection_list(ctx, call, false, "values", Part::Values); }
bool map_entries(Context& ctx, CallArgs& call) { return collection_list(ctx, call, false, "entries", Part::Entries); }

// --- Set.prototype -------------------------------------------------------------------------------

bool set_add(Context& ctx, CallArgs& call) {
  MapObject* m = nullptr;
  if (!this_collection(ctx, call, true, "add", m)) return false;
  charge_key_lookup(ctx, call.arg(0));
  m->table_.set(call.arg(0), Value::undefined());
  ctx.map_changed(m);
  call.result = call.this_value;
  return true;
}

bool set_has(Context& ctx, CallArgs& call) { return collection_has(ctx, call, true); }
bool set_delete(Context& ctx, CallArgs& call) { return collection_delete(ctx, call, true); }
bool set_clear(Context& ctx, CallArgs& call) { return collection_clear(ctx, call, true); }
bool set_values(Context& ctx, CallArgs& call) { return collection_list(ctx, call, true, "values", Part::Keys); }
bool set_keys(Context& ctx, CallArgs& call) { return collection_list(ctx, call, true, "keys", Part::Keys); }
bool set_entries(Context& ctx, CallArgs& call) { return collection_list(ctx, call, true, "entries", Part::Entries); }

}  // namespace

void install_collections(Context& ctx) {
  builtins::define_builtin_class(ctx, "Map", map_construct, 0, ctx.map_prototype());
  builtins::define_builtin_class(ctx, "Set", set_construct, 0, ctx.set_prototype());

  struct Method {
    const char* name;
    NativeFn fn;
    uint16_t arity;
  };
  static const Method kMapMethods[] = {
      {"get", map_get, 1},   {"set", map_set, 2},         {"has", map_has, 1},
      {"delete", map_delete, 1}, {"clear", map_clear, 0}, {"keys", map_keys, 0},
      {"values", map_values, 0}, {"entries", map_entries, 0},
  };
  for (const Method& m : kMapMethods) ctx.define_native_method(ctx.map_prototype(), m.name, m.fn, m.arity);
  static const Method kSetMethods[] = {
      {"add", set_add, 1},       {"has", set_has, 1},       {"delete", set_delete, 1}, {"clear", set_clear, 0},
      {"values", set_values, 0}, {"keys", set_keys, 0}, {"entries", set_entries, 0},
  };
  for (const Method& m : kSetMethods) ctx.define_native_method(ctx.set_prototype(), m.name, m.fn, m.arity);
}

}  // namespace raya::vm
