// Object: the Object class (Object(), Object.keys/values/entries/assign/
// freeze/isFrozen/fromEntries/getPrototypeOf/create) and Object.prototype
// (hasOwnProperty, toString).
//
// Keys come in JavaScript's order (array indexes ascending, then insertion
// order; see ordered_own_keys). Arrays and strings expose their indexes as
// keys ("0", "1", ...), like JavaScript. Natives cannot run getters or
// setters, so values()/entries()/assign() refuse accessor properties with a
// TypeError rather than silently skipping them.
#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"

namespace raya::vm {

namespace {

using builtins::charge;
using builtins::charged_chunks;
using builtins::index_key;
using builtins::kPerAllocatingElement;
using builtins::kPerElement;
using builtins::ordered_own_keys;
using builtins::own_data_property;
using builtins::throw_wrong_kind;

bool refuse_nullish(Context& ctx, const char* method, Value v) {
  return ctx.throw_type_error(std::string("Object.") + method + ": cannot convert " +
                              (v.is_null() ? "null" : "undefined") + " to object");
}

bool refuse_accessor(Context& ctx, const char* method, String* key) {
  return ctx.throw_type_error(std::string("Object.") + method + ": property '" +
                              ctx.to_display_utf8(Value::object(key)) +
                              "' is a getter/setter, which builtins cannot call");
}

enum class Part { Keys, Values, Entries };

/// The element `part` of key/value for keys(), values() and entries().
Value make_item(Context& ctx, Part part, String* key, Value value) {
  if (part == Part::Keys) return Value::object(key);
  if (part == Part::Values) return value;
  Rooted<String*> k(ctx, key);
  Rooted<Value> v(ctx, value);
  Array* pair = ctx.new_array(2);
  pair->elements_[0] = Value::object(k.get());
  pair->elements_[1] = v;
  return Value::object(pair);
}

/// Object.keys / values / entries.
bool own_list(Context& ctx, CallArgs& call, const char* method, Part part) {
  Value target = call.arg(0);
  if (target.is_nullish()) return refuse_nullish(ctx, method, target);
  Rooted<Value> source(ctx, target);
  Rooted<Array*> out(ctx, ctx.new_array(0));
  call.result = Value::object(out.get());
  // Index keys are strings made on the way: allocating elements.
  if (is_array(target)) {
    charged_chunks(ctx, as_array(source.get())->length_, builtins::kPerIndexKey, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) {
        String* key = index_key(ctx, uint32_t(i));
        ctx.array_push(out, make_item(ctx, part, key, as_array(source.get())->elements_[i]));
      }
      return true;
    });
    return true;
  }
  if (is_string(target)) {
    charged_chunks(ctx, as_string(source.get())->length_, builtins::kPerIndexKey, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) {
        Rooted<String*> key(ctx, index_key(ctx, uint32_t(i)));
        Value ch = Value::object(ctx.char_string(as_string(source.get())->data()[i]));
        ctx.array_push(out, make_item(ctx, part, key, ch));
      }
      return true;
    });
    return true;
  }
  if (!is_plain_object(target)) return true;  // numbers, booleans, functions, Maps: no own keys
  Object* obj = as_object(target);
  std::vector<String*> keys = ordered_own_keys(ctx, obj);  // interned keys held by obj's shape
  bool ok = true;
  charged_chunks(ctx, keys.size(), part == Part::Keys ? kPerElement : kPerAllocatingElement,
                 [&](uint64_t b, uint64_t e) {
                   for (uint64_t i = b; i < e; ++i) {
                     String* key = keys[i];
                     Value value;
                     bool is_accessor = false;
                     if (part != Part::Keys && !own_data_property(ctx, as_object(source.get()), key, value,
                                                                  &is_accessor) &&
                         is_accessor)
                       return ok = refuse_accessor(ctx, method, key);
                     ctx.array_push(out, make_item(ctx, part, key, value));
                   }
                   return true;
                 });
  return ok;
}

bool object_keys(Context& ctx, CallArgs& call) { return own_list(ctx, call, "keys", Part::Keys); }
bool object_values(Context& ctx, CallArgs& call) { return own_list(ctx, call, "values", Part::Values); }
bool object_entries(Context& ctx, CallArgs& call) { return own_list(ctx, call, "entries", Part::Entries); }

/// Writes target[key] = value as assignment would for a data property:
/// an existing own property keeps its flags; accessors and frozen targets
/// are refused.
bool assign_property(Context& ctx, const char* method, Object* target, String* key, Value value) {
  if (target->is_frozen())
    return ctx.throw_type_error(std::string("Object.") + method + ": cannot assign to property '" +
                                ctx.to_display_utf8(Value::object(key)) + "' of a frozen object");
  Value existing;
  Object* holder = nullptr;
  PropertyInfo info{};
  uint8_t flags = kPropEnumerable;
  if (ctx.lookup_property(target, key, existing, &holder, &info)) {
    if (info.flags & kPropAccessor) return refuse_accessor(ctx, method, key);
    if (holder == target) flags = info.flags;
  }
  ctx.define_own_property(target, key, value, flags);
  return true;
}

bool object_assign(Context& ctx, CallArgs& call) {
  Value target_value = call.arg(0);
  if (target_value.is_nullish()) return refuse_nullish(ctx, "assign", target_value);
  if (!is_plain_object(target_value))
    return throw_wrong_kind(ctx, "Object.assign", "target", "an object", target_value);
  Rooted<Object*> target(ctx, as_object(target_value));
  for (uint32_t s = 1; s < call.count; ++s) {
    Value source = call.args[s];
    // Every copied property is a key made or looked up, then defined.
    if (is_array(source)) {
      builtins::ChargedLoop loop(ctx, as_array(source)->length_, builtins::kPerIndexKeyDefine);
      for (uint32_t i = 0; i < as_array(call.args[s])->length_; ++i) {
        loop.tick();
        Rooted<String*> key(ctx, index_key(ctx, i));
        if (!assign_property(ctx, "assign", target, key, as_array(call.args[s])->elements_[i])) return false;
      }
    } else if (is_string(source)) {
      builtins::ChargedLoop loop(ctx, as_string(source)->length_, builtins::kPerIndexKeyDefine);
      for (uint32_t i = 0; i < as_string(call.args[s])->length_; ++i) {
        loop.tick();
        Rooted<String*> key(ctx, index_key(ctx, i));
        Rooted<Value> ch(ctx, Value::object(ctx.char_string(as_string(call.args[s])->data()[i])));
        if (!assign_property(ctx, "assign", target, key, ch)) return false;
      }
    } else if (is_plain_object(source)) {
      Object* from = as_object(source);
      std::vector<String*> keys = ordered_own_keys(ctx, from);
      builtins::ChargedLoop loop(ctx, keys.size(), kPerAllocatingElement);
      for (String* key : keys) {
        loop.tick();
        Value value;
        bool is_accessor = false;
        if (!own_data_property(ctx, from, key, value, &is_accessor) && is_accessor)
          return refuse_accessor(ctx, "assign", key);
        if (!assign_property(ctx, "assign", target, key, value)) return false;
      }
    }
    // null, undefined, numbers, booleans, functions, Maps: nothing to copy.
  }
  call.result = Value::object(target.get());
  return true;
}

bool object_freeze(Context&, CallArgs& call) {
  Value v = call.arg(0);
  if (is_plain_object(v) || is_array(v)) v.as_object()->flags_ |= kObjectFrozen;
  call.result = v;
  return true;
}

bool object_is_frozen(Context&, CallArgs& call) {
  Value v = call.arg(0);
  bool frozen = true;  // primitives are immutable
  if (is_plain_object(v) || is_array(v))
    frozen = (v.as_object()->flags_ & kObjectFrozen) != 0;
  else if (v.is_object() && !is_string(v))
    frozen = false;  // functions, Maps, Sets can still change
  call.result = Value::boolean(frozen);
  return true;
}

/// Object.fromEntries(array of [key, value] | Map).
bool object_from_entries(Context& ctx, CallArgs& call) {
  Value source = call.arg(0);
  Rooted<Object*> out(ctx, ctx.new_plain_object());
  if (is_map(source)) {
    MapObject* map = as_map(source);
    builtins::ChargedLoop loop(ctx, map->table_.entries().size(), kPerAllocatingElement);
    for (size_t i = 0; i < map->table_.entries().size(); ++i) {
      loop.tick();
      const OrderedTable::Entry& e = map->table_.entries()[i];
      if (e.deleted) continue;
      Rooted<Value> value(ctx, e.value);
      Rooted<String*> key(ctx, ctx.to_property_key(e.key));
      ctx.define_own_property(out, key, value);
    }
  } else if (is_array(source)) {
    builtins::ChargedLoop loop(ctx, as_array(source)->length_, kPerAllocatingElement);
    for (uint32_t i = 0; i < as_array(call.args[0])->length_; ++i) {
      loop.tick();
      Value entry = as_array(call.args[0])->elements_[i];
      if (!is_array(entry))
        return ctx.throw_type_error("Object.fromEntries: iterator value " + ctx.describe_for_error(entry) +
                                    " is not an entry object (expected a [key, value] array)");
      Array* pair = as_array(entry);
      Rooted<Value> value(ctx, pair->length_ > 1 ? pair->elements_[1] : Value::undefined());
      Rooted<String*> key(ctx, ctx.to_property_key(pair->length_ > 0 ? pair->elements_[0] : Value::undefined()));
      ctx.define_own_property(out, key, value);
    }
  } else {
    return throw_wrong_kind(ctx, "Object.fromEntries", "argument", "an array of [key, value] pairs or a Map",
                            source);
  }
  call.result = Value::object(out.get());
  return true;
}

bool object_get_prototype_of(Context& ctx, CallArgs& call) {
  Value v = call.arg(0);
  if (v.is_nullish()) return refuse_nullish(ctx, "getPrototypeOf", v);
  Object* proto = ctx.prototype_for(v);
  call.result = proto == nullptr ? Value::null() : Value::object(proto);
  return true;
}

/// Object.create(proto): a plain object with that prototype (or none).
bool object_create(Context& ctx, CallArgs& call) {
  Value proto = call.arg(0);
  if (!proto.is_null() && !is_plain_object(proto))
    return throw_wrong_kind(ctx, "Object.create", "prototype", "an object or null", proto);
  if (call.count > 1 && !call.args[1].is_undefined())
    return ctx.throw_type_error("Object.create: property descriptors are not supported");
  call.result = Value::object(ctx.new_object(proto.is_null() ? nullptr : as_object(proto)));
  return true;
}

/// Object() / Object(x): a fresh plain object for null/undefined, x itself
/// for objects; primitives have no wrapper objects in Raya. `new Object()`
/// gives the object `new` allocated.
bool object_call(Context& ctx, CallArgs& call) {
  Value v = call.arg(0);
  if (v.is_nullish()) {
    call.result = is_plain_object(call.this_value) ? call.this_value : Value::object(ctx.new_plain_object());
    return true;
  }
  if (v.is_object() && !is_string(v)) {
    call.result = v;
    return true;
  }
  return ctx.throw_type_error("Object: primitive wrapper objects are not supported, got " +
                              ctx.describe_for_error(v));
}

// --- Object.prototype ----------------------------------------------------------------------------

bool object_has_own_property(Context& ctx, CallArgs& call) {
  Value self = call.this_value;
  Value key_value = call.arg(0);
  if (self.is_nullish()) return ctx.throw_type_error("Object.prototype.hasOwnProperty: 'this' is null or undefined");
  if (!is_string(key_value) && !key_value.is_number())
    return throw_wrong_kind(ctx, "Object.prototype.hasOwnProperty", "key", "a string or a number", key_value);
  Rooted<String*> key(ctx, ctx.to_property_key(key_value));
  bool own = false;
  if (is_plain_object(self)) {
    Object* holder = nullptr;
    Value ignored;
    own = ctx.lookup_property(as_object(self), key, ignored, &holder) && holder == as_object(self);
  } else if (is_array(self) || is_string(self)) {
    uint32_t length = is_array(self) ? as_array(self)->length_ : as_string(self)->length_;
    uint32_t index;
    own = (builtins::is_array_index_key(key, &index) && index < length) || key->view() == u"length";
  }
  call.result = Value::boolean(own);
  return true;
}

bool object_to_string(Context& ctx, CallArgs& call) {
  Value v = call.this_value;
  const char* tag = "Object";
  if (v.is_undefined()) tag = "Undefined";
  else if (v.is_null()) tag = "Null";
  else if (is_array(v)) tag = "Array";
  else if (is_string(v)) tag = "String";
  else if (v.is_number()) tag = "Number";
  else if (v.is_bool()) tag = "Boolean";
  else if (is_callable(v)) tag = "Function";
  else if (is_map(v)) tag = "Map";
  else if (is_set(v)) tag = "Set";
  call.result = Value::object(ctx.new_string_ascii(std::string("[object ") + tag + "]"));
  return true;
}

}  // namespace

void install_object(Context& ctx) {
  Rooted<Class*> object(ctx, builtins::define_builtin_class(ctx, "Object", object_call, 1, ctx.object_prototype()));
  ctx.define_native_method(object, "keys", object_keys, 1);
  ctx.define_native_method(object, "values", object_values, 1);
  ctx.define_native_method(object, "entries", object_entries, 1);
  ctx.define_native_method(object, "assign", object_assign, 2);
  ctx.define_native_method(object, "freeze", object_freeze, 1);
  ctx.define_native_method(object, "isFrozen", object_is_frozen, 1);
  ctx.define_native_method(object, "fromEntries", object_from_entries, 1);
  ctx.define_native_method(object, "getPrototypeOf", object_get_prototype_of, 1);
  ctx.define_native_method(object, "create", object_create, 2);

  ctx.define_native_method(ctx.object_prototype(), "hasOwnProperty", object_has_own_property, 1);
  ctx.define_native_method(ctx.object_prototype(), "toString", object_to_string, 0);
}

}  // namespace raya::vm
