// Object model operations of a Context: allocation of objects, arrays and
// functions; shapes and property storage; own/inherited lookup.
#include <algorithm>
#include <cstring>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {
constexpr uint32_t kDictionaryThreshold = 64;   // properties before dictionary mode
constexpr uint32_t kMaxArrayLength = Context::kMaxArrayLength;  // larger is a RangeError upstream
}  // namespace

Shape* Context::root_shape_for(Object* proto) {
  if (proto == nullptr) {
    if (null_proto_root_ == nullptr) null_proto_root_ = heap_.make<Shape>();
    return null_proto_root_;
  }
  auto it = root_shapes_.find(proto);
  if (it != root_shapes_.end()) return it->second;
  // Every walk of a prototype chain (a missing property, instanceof,
  // printing) is bounded by this depth; prototypes never change, so it is
  // checked here, where an object first gets `proto`: a RangeError
  // (VmRangeError, caught at the native call, e.g. Object.create; class
  // extends checks first: Interpreter::new_class).
  const uint32_t depth = uint32_t(proto->shape_->proto_depth_) + 1;
  if (depth > kMaxPrototypeDepth) {
    throw VmRangeError{"prototype chain too deep: an object may have at most " +
                       std::to_string(kMaxPrototypeDepth) + " prototypes above it"};
  }
  Rooted<Object*> keep(*this, proto);
  Shape* root = heap_.make<Shape>();
  root->proto_ = proto;
  root->proto_depth_ = uint16_t(depth);
  root_shapes_[proto] = root;
  proto->flags_ |= kObjectIsPrototype;
  return root;
}

Shape* Context::add_property_shape(Shape* from, String* key, uint8_t flags) {
  if (Shape* existing = from->find_transition(key, flags)) return existing;
  Rooted<Shape*> parent(*this, from);
  Rooted<String*> k(*this, key);
  Shape* child = heap_.make<Shape>();
  child->parent_ = parent;
  child->key_ = k;
  child->proto_ = parent->proto_;
  child->proto_depth_ = parent->proto_depth_;
  child->slot_count_ = parent->slot_count_ + 1;
  child->key_flags_ = flags;
  parent->transitions_.push_back({{k.get(), flags}, child});
  return child;
}

Object* Context::new_object(Object* proto, uint32_t inline_slots) {
  Rooted<Object*> p(*this, proto);
  Shape* shape = root_shape_for(proto);
  Rooted<Shape*> s(*this, shape);
  return heap_.make_with_extra<Object>(inline_slots * sizeof(Value), ObjectKind::Object, s.get(), inline_slots);
}

void Context::ensure_slot_capacity(Object* obj, uint32_t needed) {
  if (needed <= obj->capacity_) return;
  uint32_t want = std::max<uint32_t>(needed, obj->capacity_ * 2);
  want = std::max<uint32_t>(want, 4);
  Rooted<Object*> o(*this, obj);
  size_t charged = 0;
  auto* slots = static_cast<Value*>(heap_.allocate_buffer(want * sizeof(Value), charged));
  std::memcpy(static_cast<void*>(slots), o->slots_, o->capacity_ * sizeof(Value));
  for (uint32_t i = o->capacity_; i < want; ++i) slots[i] = Value::undefined();
  if (o->out_of_line_charged_ != 0) heap_.free_buffer(o->slots_, o->out_of_line_charged_);
  o->slots_ = slots;
  o->capacity_ = want;
  o->out_of_line_charged_ = charged;
}

void Context::convert_to_dictionary(Object* obj) {
  auto dict = std::make_unique<PropertyDict>();
  for (auto& [key, flags] : obj->shape_->keys_in_order()) {
    PropertyInfo info;
    obj->shape_->lookup(key, info);
    dict->index[key] = uint32_t(dict->entries.size());
    dict->entries.push_back({key, obj->slots_[info.slot], flags, false});
  }
  Rooted<Object*> o(*this, obj);
  // Allocate before charging: a refused allocation must not leave the
  // dictionary's bytes charged (the object keeps its shape and slots).
  Rooted<Shape*> own_root(*this, heap_.make<Shape>());  // private: never matches an inline cache
  heap_.charge_external(int64_t(dict->entries.capacity() * sizeof(PropertyDict::Entry)));
  own_root->proto_ = o->shape_->proto_;
  own_root->proto_depth_ = o->shape_->proto_depth_;
  o->shape_ = own_root;
  o->dict_ = std::move(dict);
  o->flags_ |= kObjectDictionary;
  // The slots now live in the dictionary: release the buffer and make sure
  // nothing (a stale cache) can read old values through slots_.
  if (o->out_of_line_charged_ != 0) {
    heap_.free_buffer(o->slots_, o->out_of_line_charged_);
    o->out_of_line_charged_ = 0;
    o->slots_ = o->inline_slots();
    o->capacity_ = o->inline_capacity_;
  }
  for (uint32_t i = 0; i < o->capacity_; ++i) o->slots_[i] = Value::undefined();
}

bool Context::lookup_property(Object* obj, String* key, Value& out, Object** holder, PropertyInfo* info_out) {
  // Links past the usual few (instance, class prototypes, Object.prototype)
  // cost a step each: a missing-property read on a deep chain is a walk.
  // The walk is bounded by kMaxPrototypeDepth, so it is charged once done.
  uint32_t links = 0;
  bool found = false;
  for (Object* o = obj; o != nullptr; o = o->proto(), ++links) {
    if (o->dict_) {
      auto it = o->dict_->index.find(key);
      if (it != o->dict_->index.end()) {
        const PropertyDict::Entry& e = o->dict_->entries[it->second];
        out = e.value;
        if (holder) *holder = o;
        if (info_out) *info_out = PropertyInfo{it->second, e.flags};
        found = true;
        break;
      }
      continue;
    }
    PropertyInfo info;
    if (o->shape_->lookup(key, info)) {
      out = o->slots_[info.slot];
      if (holder) *holder = o;
      if (info_out) *info_out = info;
      found = true;
      break;
    }
  }
  if (!found) out = Value::undefined();
  if (links > kFreePrototypeLinks) [[unlikely]] charge_steps(links - kFreePrototypeLinks);
  return found;
}

void Context::define_own_property(Object* obj, String* key, Value value, uint8_t flags) {
  if (obj->flags_ & kObjectIsPrototype) bump_proto_epoch();
  Rooted<String*> key_root(*this, key);
  if (obj->dict_) {
    auto it = obj->dict_->index.find(key);
    if (it != obj->dict_->index.end()) {
      auto& e = obj->dict_->entries[it->second];
      e.value = value;
      e.flags = flags;
      return;
    }
    auto& entries = obj->dict_->entries;
    if (entries.size() == entries.capacity()) {
      // Charge the growth before making it, so a refused charge (heap limit,
      // which a caught unmarshal survives) leaves no uncharged entry behind.
      // The charge may collect: keep the key, value and object alive.
      Rooted<Object*> o(*this, obj);
      Rooted<String*> k(*this, key);
      Rooted<Value> v(*this, value);
      size_t grown = std::max<size_t>(8, entries.capacity() * 2);
      heap_.charge_external(int64_t((grown - entries.capacity()) * sizeof(PropertyDict::Entry)));
      o->dict_->entries.reserve(grown);
      obj = o;
      key = k;
      value = v;
    }
    obj->dict_->index[key] = uint32_t(obj->dict_->entries.size());
    obj->dict_->entries.push_back({key, value, flags, false});
    return;
  }
  PropertyInfo info;
  if (obj->shape_->lookup(key, info)) {
    if (info.flags == flags) {
      obj->slots_[info.slot] = value;
      return;
    }
    // Changing a property's kind: leave the shape tree, keep insertion order.
    Rooted<Object*> o(*this, obj);
    Rooted<Value> v(*this, value);
    convert_to_dictionary(o);
    define_own_property(o, key, v, flags);
    return;
  }
  Rooted<Object*> o(*this, obj);
  Rooted<Value> v(*this, value);
  if (o->shape_->slot_count_ >= kDictionaryThreshold) {
    convert_to_dictionary(o);
    define_own_property(o, key, v, flags);
    return;
  }
  Rooted<Shape*> next(*this, add_property_shape(o->shape_, key, flags));
  ensure_slot_capacity(o, next->slot_count_);
  o->slots_[next->slot_count_ - 1] = v;
  o->shape_ = next;
}

std::vector<String*> Context::own_enumerable_keys(Object* obj) {
  std::vector<String*> keys;
  if (obj->dict_) {
    for (const auto& e : obj->dict_->entries)
      if (!e.deleted && (e.flags & kPropEnumerable)) keys.push_back(e.key);
    return keys;
  }
  for (auto& [key, flags] : obj->shape_->keys_in_order())
    if (flags & kPropEnumerable) keys.push_back(key);
  return keys;
}

Object* Context::prototype_for(Value v) {
  if (v.is_number()) return number_prototype_;
  if (v.is_bool()) return boolean_prototype_;
  if (!v.is_object()) return nullptr;
  switch (v.as_object()->kind()) {
    case ObjectKind::Object:
    case ObjectKind::Class:
      return as_object(v)->proto();
    case ObjectKind::String: return string_prototype_;
    case ObjectKind::Array: return array_prototype_;
    case ObjectKind::Map: return map_prototype_;
    case ObjectKind::Set: return set_prototype_;
    case ObjectKind::Task: return task_prototype_;
    case ObjectKind::Closure:
    case ObjectKind::NativeFunction:
      return function_prototype_;
    default: return nullptr;
  }
}

String* Context::to_property_key(Value key) {
  if (is_string(key)) {
    String* s = as_string(key);
    if (s->is_interned()) return s;
    // Interning hashes the units and compares them with an equal-hash entry.
    if (s->length_ > builtins::kFreeCompareUnits) builtins::charge(*this, s->length_, builtins::kPerScannedUnits);
    return intern(s->view());
  }
  if (key.is_int()) {
    int32_t i = key.as_int();
    if (i >= 0 && i < 10) return char_string(char16_t(u'0' + i));
  }
  if (key.is_number()) return intern_ascii(number_to_string(key.to_double()));
  Rooted<String*> s(*this, to_string(key));
  if (s->length_ > builtins::kFreeCompareUnits) builtins::charge(*this, s->length_, builtins::kPerScannedUnits);
  return intern(s->view());
}

// --- arrays ---------------------------------------------------------------------

Array* Context::new_array(uint32_t length, uint32_t capacity) {
  Rooted<Array*> a(*this, heap_.make<Array>());
  array_reserve(a, std::max(length, capacity));
  for (uint32_t i = 0; i < length; ++i) a->elements_[i] = Value::undefined();
  a->length_ = length;
  return a;
}

void Context::array_reserve(Array* array, uint32_t capacity) {
  if (capacity <= array->capacity_) return;
  if (capacity > kMaxArrayLength) {
    throw VmFatal{ErrorCode::HeapLimitExceeded,
                  "array of " + std::to_string(capacity) + " elements is larger than the maximum array length",
                  kMaxArrayLength, capacity};
  }
  Rooted<Array*> a(*this, array);
  size_t charged = 0;
  auto* elements = static_cast<Value*>(heap_.allocate_buffer(size_t(capacity) * sizeof(Value), charged));
  if (a->length_ != 0) std::memcpy(static_cast<void*>(elements), a->elements_, a->length_ * sizeof(Value));
  heap_.free_buffer(a->elements_, a->charged_);
  a->elements_ = elements;
  a->capacity_ = capacity;
  a->charged_ = charged;
}

void Context::array_push(Array* array, Value v) {
  if (array->length_ == array->capacity_) {
    Rooted<Value> keep(*this, v);
    Rooted<Array*> a(*this, array);
    array_reserve(a, std::max<uint32_t>(8, a->capacity_ + a->capacity_ / 2));
    a->elements_[a->length_++] = keep;
    return;
  }
  array->elements_[array->length_++] = v;
}

void Context::array_set_length(Array* array, uint32_t length) {
  if (length > array->capacity_) {
    Rooted<Array*> a(*this, array);
    array_reserve(a, length);
    array = a;
  }
  for (uint32_t i = array->length_; i < length; ++i) array->elements_[i] = Value::undefined();
  array->length_ = length;
}

// --- functions, classes, collections ------------------------------------------------

NativeFunction* Context::new_native(std::string_view name, NativeFn fn, uint16_t arity) {
  Rooted<String*> n(*this, intern_ascii(name));
  return heap_.make<NativeFunction>(fn, n.get(), arity);
}

NativeFunction* Context::define_native_method(Object* target, std::string_view name, NativeFn fn,
                                              uint16_t arity) {
  Rooted<Object*> t(*this, target);
  Rooted<NativeFunction*> f(*this, new_native(name, fn, arity));
  define_own_property(t, f->name_, Value::object(f.get()), 0);
  return f;
}

Class* Context::new_class(String* name, Class* parent, Value constructor) {
  Rooted<String*> n(*this, name);
  Rooted<Class*> par(*this, parent);
  Rooted<Value> ctor(*this, constructor);
  // The class object inherits the parent's statics; the prototype inherits
  // the parent's prototype.
  Rooted<Object*> proto(*this, new_object(par.get() != nullptr ? par->prototype_ : object_prototype_));
  Rooted<Shape*> class_shape(*this, root_shape_for(par.get() != nullptr ? static_cast<Object*>(par.get())
                                                                        : function_prototype_));
  Rooted<Class*> cls(*this, heap_.make_with_extra<Class>(4 * sizeof(Value), class_shape.get(), 4));
  cls->name_ = n;
  cls->constructor_ = ctor;
  cls->prototype_ = proto;
  cls->parent_ = par;
  cls->instance_slot_hint_ = par.get() != nullptr ? par->instance_slot_hint_ : 4;
  Shape* instance_root = root_shape_for(proto);
  cls->instance_shape_ = instance_root;
  define_own_property(proto, intern_ascii("constructor"), Value::object(cls.get()), 0);
  return cls;
}

MapObject* Context::new_map(bool is_set) { return heap_.make<MapObject>(is_set); }

Bytes* Context::new_bytes(std::span<const uint8_t> data) {
  if (data.size() > UINT32_MAX)
    throw VmFatal{ErrorCode::HeapLimitExceeded, "byte buffer larger than 4 GiB", options_.max_heap_bytes, data.size()};
  Bytes* b = heap_.make_with_extra<Bytes>(data.size(), uint32_t(data.size()));
  if (!data.empty()) std::memcpy(b->data(), data.data(), data.size());
  return b;
}

void Context::map_changed(MapObject* map) {
  size_t now = map->table_.footprint();
  if (now != map->charged_) {
    int64_t delta = int64_t(now) - int64_t(map->charged_);
    map->charged_ = now;
    heap_.charge_external(delta);
  }
}

}  // namespace raya::vm
