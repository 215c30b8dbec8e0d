// The interpreter's slow paths: generic property and element access (with
// inline-cache refills and getter/setter calls), operators on mixed or wrong
// kinds (TypeErrors), iteration, spreads and rests.
//
// Everything here whose work grows with its operands pays for it first
// (vmcore/builtins/cost.hpp): string concatenation and comparison per code
// unit, array length growth per element written, for-in, spreads and rests
// per element or property.
#include <cmath>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/interpreter.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {


const char* arith_symbol(int op) {
  // kAddNumber is ++/-- and `x + 1` after the compiler chose AddI: numbers only.
  static const char* const symbols[] = {"-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", ">>>", "+"};
  return symbols[op];
}

std::string key_text(Context& ctx, String* key) {
  builtins::charge(ctx, key->length_, builtins::kPerUnits);  // an error message quoting a long key
  return ctx.to_display_utf8(Value::object(key));
}

using builtins::ChargedLoop;
using builtins::kPerAllocatingElement;
using builtins::kPerElement;

/// Elements an iteration over `source` visits (its length or entry slots).
uint64_t iteration_length(Value source) {
  if (is_array(source)) return as_array(source)->length_;
  if (is_string(source)) return as_string(source)->length_;
  if (is_map(source) || is_set(source)) return as_map(source)->table_.entries().size();
  return 0;
}

/// Price of one step of such an iteration: strings and Maps allocate (a
/// one-character string, a [k, v] pair) per element.
builtins::Price iteration_price(Value source) {
  return is_string(source) || is_map(source) ? kPerAllocatingElement : kPerElement;
}

double js_pow(double x, double y) {
  if (std::isnan(y)) return NAN;
  if (y == 0) return 1;
  if ((x == 1 || x == -1) && std::isinf(y)) return NAN;
  return std::pow(x, y);
}

}  // namespace

// --- properties ----------------------------------------------------------------

bool Interpreter::throw_nullish_access(Value receiver, const std::string& key, bool is_write) {
  std::string kind = receiver.is_null() ? "null" : "undefined";
  std::string expr = current_expression();
  std::string action = is_write ? "cannot set property '" : "cannot read property '";
  if (!expr.empty()) return ctx_.throw_type_error(expr + " is " + kind + ", " + action + key + "'");
  return ctx_.throw_type_error(std::string(is_write ? "Cannot set properties of " : "Cannot read properties of ") +
                               kind + " (" + (is_write ? "setting '" : "reading '") + key + "')");
}

bool Interpreter::get_property(Value receiver, String* key, InlineCache* ic, Value& out, uint32_t result_slot,
                               CallResult& how) {
  how = CallResult::Returned;
  if (receiver.is_nullish()) return throw_nullish_access(receiver, key_text(ctx_, key), false);
  Object* start = nullptr;
  if (receiver.is_object()) {
    HeapObject* h = receiver.as_object();
    switch (h->kind()) {
      case ObjectKind::Object:
      case ObjectKind::Class:
        start = static_cast<Object*>(h);
        break;
      case ObjectKind::String:
        if (key == ctx_.length_key_) {
          out = Value::int32(int32_t(static_cast<String*>(h)->length_));
          return true;
        }
        break;
      case ObjectKind::Array:
        if (key == ctx_.length_key_) {
          out = Value::number(double(static_cast<Array*>(h)->length_));
          return true;
        }
        break;
      case ObjectKind::Bytes:
        if (key == ctx_.length_key_) {
          out = Value::int32(int32_t(static_cast<Bytes*>(h)->length_));
          return true;
        }
        break;
      case ObjectKind::Map:
      case ObjectKind::Set:
        if (key == ctx_.size_key_) {
          out = Value::int32(int32_t(static_cast<MapObject*>(h)->table_.size()));
          return true;
        }
        break;
      case ObjectKind::Closure:
        if (key == ctx_.name_key_) {
          out = Value::object(ctx_.new_string_utf8(static_cast<Closure*>(h)->proto_->name));
          return true;
        }
        if (key == ctx_.length_key_) {
          out = Value::int32(static_cast<Closure*>(h)->proto_->param_count);
          return true;
        }
        break;
      case ObjectKind::NativeFunction:
        if (key == ctx_.name_key_) {
          out = Value::object(static_cast<NativeFunction*>(h)->name_);
          return true;
        }
        if (key == ctx_.length_key_) {
          out = Value::int32(static_cast<NativeFunction*>(h)->arity_);
          return true;
        }
        break;
      default:
        break;
    }
    if (h->kind() == ObjectKind::Class) {
      Class* cls = static_cast<Class*>(h);
      if (key == ctx_.name_key_) {
        out = Value::object(cls->name_);
        return true;
      }
      if (key == ctx_.prototype_key_) {
        out = Value::object(cls->prototype_);
        return true;
      }
    }
  }
  Object* lookup_from = start != nullptr ? start : ctx_.prototype_for(receiver);
  if (lookup_from == nullptr) {
    out = Value::undefined();
    return true;
  }
  Object* holder = nullptr;
  PropertyInfo info{};
  Value v;
  if (!ctx_.lookup_property(lookup_from, key, v, &holder, &info)) {
    out = Value::undefined();
    return true;
  }
  if (info.flags & kPropAccessor) {
    Value getter = static_cast<Accessor*>(v.as_object())->getter_;
    if (getter.is_undefined()) {
      out = Value::undefined();
      return true;
    }
    if (is_native(getter)) {
      CallArgs call{receiver, nullptr, 0};
      call.callee = as_native(getter);
      if (!as_native(getter)->fn_(ctx_, call)) return false;
      out = call.result;
      return true;
    }
    if (!is_closure(getter)) return ctx_.throw_type_error("getter is not a function");
    // Call the getter in a frame above the current one.
    Frame& f = top();
    uint32_t window = f.base + f.closure->proto_->register_count;
    Rooted<Value> g(ctx_, getter);
    Rooted<Value> r(ctx_, receiver);
    ctx_.grow_stack(task_, size_t(window) + 2);
    task_.stack[window] = g;
    task_.stack[window + 1] = r;
    if (!enter_closure(as_closure(g.get()), window + 1, 0, result_slot, 0)) return false;
    how = CallResult::PushedFrame;
    return true;
  }
  out = v;
  // Remember where it was found for next time (data properties only). For
  // primitives and arrays the cache is keyed on their prototype's shape.
  Object* base = start != nullptr ? start : lookup_from;
  if (ic != nullptr && !base->is_dictionary() && !holder->is_dictionary()) {
    ic->shape = base->shape_;
    ic->slot = info.slot;
    ic->holder = holder == base ? nullptr : holder;
    ic->epoch = ctx_.proto_epoch_;
    ic->transition = nullptr;
  }
  return true;
}

bool Interpreter::lookup_method(Value receiver, String* key, InlineCache* ic, Value& out) {
  CallResult how;
  if (!get_property(receiver, key, ic, out, 0, how)) return false;
  if (how == CallResult::PushedFrame) {
    // A getter returned the method: unsupported in a call position (the
    // getter frame would have to finish first).
    task_.frames.pop_back();
    return ctx_.throw_type_error("calling a method through a getter ('" + key_text(ctx_, key) +
                                 "') is not supported");
  }
  if (!is_callable(out)) {
    std::string expr = current_expression();
    if (expr.empty()) expr = ctx_.describe_for_error(receiver) + "." + key_text(ctx_, key);
    return ctx_.throw_type_error(expr + " is not a function (it is " + ctx_.describe_for_error(out) + ")");
  }
  return true;
}

bool Interpreter::set_property(Value receiver, String* key, InlineCache* ic, Value value, CallResult& how) {
  how = CallResult::Returned;
  if (receiver.is_nullish()) return throw_nullish_access(receiver, key_text(ctx_, key), true);
  if (is_array(receiver) && key == ctx_.length_key_) {
    if (as_array(receiver)->flags_ & kObjectFrozen)
      return ctx_.throw_type_error("Cannot assign to read only property 'length' of a frozen array");
    if (!value.is_number() || value.to_double() < 0 || value.to_double() != std::floor(value.to_double()) ||
        value.to_double() > double(Context::kMaxArrayLength))
      return ctx_.throw_range_error("Invalid array length (arrays hold at most " +
                                    std::to_string(Context::kMaxArrayLength) + " elements)");
    uint32_t length = uint32_t(value.to_double());
    // Growing writes `undefined` into every new slot: paid for first.
    if (length > as_array(receiver)->length_)
      builtins::charge(ctx_, length - as_array(receiver)->length_, kPerElement);
    ctx_.array_set_length(as_array(receiver), length);
    return true;
  }
  if (is_bytes(receiver)) return ctx_.throw_type_error("Bytes are immutable");
  if (!is_plain_object(receiver)) {
    return ctx_.throw_type_error("Cannot set property '" + key_text(ctx_, key) + "' on " +
                                 ctx_.describe_for_error(receiver));
  }
  Object* obj = as_object(receiver);
  if (obj->is_frozen()) {
    return ctx_.throw_type_error("Cannot assign to read only property '" + key_text(ctx_, key) +
                                 "' of a frozen object");
  }
  Object* holder = nullptr;
  PropertyInfo info{};
  Value existing;
  bool found = ctx_.lookup_property(obj, key, existing, &holder, &info);
  if (found && (info.flags & kPropAccessor)) {
    Value setter = static_cast<Accessor*>(existing.as_object())->setter_;
    if (setter.is_undefined()) {
      return ctx_.throw_type_error("Cannot set property '" + key_text(ctx_, key) + "' which has only a getter");
    }
    if (is_native(setter)) {
      Value arg = value;
      CallArgs call{receiver, &arg, 1};
      return as_native(setter)->fn_(ctx_, call);
    }
    Frame& f = top();
    uint32_t window = f.base + f.closure->proto_->register_count;
    Rooted<Value> s(ctx_, setter);
    Rooted<Value> r(ctx_, receiver);
    Rooted<Value> v(ctx_, value);
    ctx_.grow_stack(task_, size_t(window) + 3);
    task_.stack[window] = s;
    task_.stack[window + 1] = r;
    task_.stack[window + 2] = v;
    if (!enter_closure(as_closure(s.get()), window + 1, 1, window, kFrameDiscardResult)) return false;
    how = CallResult::PushedFrame;
    return true;
  }
  if (found && holder == obj) {
    if (obj->is_dictionary()) {
      ctx_.define_own_property(obj, key, value, info.flags);
      return true;
    }
    obj->slots_[info.slot] = value;
    if (ic != nullptr) {
      ic->shape = obj->shape_;
      ic->slot = info.slot;
      ic->holder = nullptr;
      ic->transition = nullptr;
    }
    return true;
  }
  // A new own property (shadowing any inherited data property).
  Shape* before = obj->shape_;
  bool cacheable = !obj->is_dictionary() && !(obj->flags_ & kObjectIsPrototype);
  Rooted<Object*> o(ctx_, obj);
  Rooted<Shape*> before_root(ctx_, before);
  ctx_.define_own_property(o, key, value, kPropEnumerable);
  if (ic != nullptr && cacheable && !o->is_dictionary() && o->shape_->parent_ == before_root.get()) {
    ic->shape = before_root;
    ic->transition = o->shape_;
    ic->slot = o->shape_->slot_count_ - 1;
    ic->holder = nullptr;
    ic->epoch = ctx_.proto_epoch_;
  }
  return true;
}

bool Interpreter::get_element(Value receiver, Value key, Value& out, uint32_t result_slot, CallResult& how) {
  how = CallResult::Returned;
  if (is_array(receiver)) {
    if (key.is_number()) {
      double d = key.to_double();
      Array* arr = as_array(receiver);
      if (d >= 0 && d < arr->length_ && d == std::floor(d)) {
        out = arr->elements_[uint32_t(d)];
      } else {
        out = Value::undefined();
      }
      return true;
    }
  } else if (is_string(receiver) && key.is_number()) {
    double d = key.to_double();
    String* s = as_string(receiver);
    if (d >= 0 && d < s->length_ && d == std::floor(d)) {
      out = Value::object(ctx_.char_string(s->data()[uint32_t(d)]));
    } else {
      out = Value::undefined();
    }
    return true;
  } else if (is_bytes(receiver) && key.is_number()) {
    double d = key.to_double();
    Bytes* b = as_bytes(receiver);
    out = d >= 0 && d < b->length_ && d == std::floor(d) ? Value::int32(b->data()[uint32_t(d)]) : Value::undefined();
    return true;
  }
  if (receiver.is_nullish()) {
    Rooted<Value> k(ctx_, key);
    return throw_nullish_access(receiver, ctx_.to_display_utf8(key), false);
  }
  if (!is_string(key) && !key.is_number()) {
    return ctx_.throw_type_error("property key must be a string or a number, not " + ctx_.describe_for_error(key));
  }
  Rooted<Value> r(ctx_, receiver);
  String* k = ctx_.to_property_key(key);
  return get_property(r, k, nullptr, out, result_slot, how);
}

bool Interpreter::set_element(Value receiver, Value key, Value value, CallResult& how) {
  how = CallResult::Returned;
  if (is_array(receiver)) {
    Array* arr = as_array(receiver);
    if (arr->flags_ & kObjectFrozen) {
      Rooted<Value> k(ctx_, key);
      return ctx_.throw_type_error("Cannot assign to element " + ctx_.to_display_utf8(key) + " of a frozen array");
    }
    if (key.is_number()) {
      double d = key.to_double();
      if (d < 0 || d != std::floor(d) || d >= double(Context::kMaxArrayLength))
        return ctx_.throw_range_error("Invalid array index " + number_to_string(d) + " (arrays hold at most " +
                                      std::to_string(Context::kMaxArrayLength) + " elements)");
      uint32_t i = uint32_t(d);
      if (i < arr->length_) {
        arr->elements_[i] = value;
        return true;
      }
      Rooted<Array*> a(ctx_, arr);
      Rooted<Value> v(ctx_, value);
      if (i == a->length_) {
        ctx_.array_push(a, v);
      } else {
        builtins::charge(ctx_, uint64_t(i) + 1 - a->length_, kPerElement);  // the gap is filled
        ctx_.array_set_length(a, i + 1);
        a->elements_[i] = v;
      }
      return true;
    }
    if (is_string(key) && as_string(key) == ctx_.length_key_) {
      return set_property(receiver, ctx_.length_key_, nullptr, value, how);
    }
    return ctx_.throw_type_error("array index must be a number, not " + ctx_.describe_for_error(key));
  }
  if (!is_string(key) && !key.is_number()) {
    return ctx_.throw_type_error("property key must be a string or a number, not " + ctx_.describe_for_error(key));
  }
  Rooted<Value> r(ctx_, receiver);
  Rooted<Value> v(ctx_, value);
  String* k = ctx_.to_property_key(key);
  return set_property(r, k, nullptr, v, how);
}

// --- operators ------------------------------------------------------------------

bool Interpreter::add_slow(Value a, Value b, Value& out) {
  if (is_string(a) || is_string(b)) {
    Rooted<Value> ra(ctx_, a);
    Rooted<Value> rb(ctx_, b);
    Rooted<String*> sa(ctx_, ctx_.to_string(ra));
    Rooted<String*> sb(ctx_, ctx_.to_string(rb));
    if (sa->length_ == 0) {
      out = Value::object(sb.get());
      return true;
    }
    if (sb->length_ == 0) {
      out = Value::object(sa.get());
      return true;
    }
    uint64_t n = uint64_t(sa->length_) + sb->length_;
    if (n > (1u << 29)) return ctx_.throw_range_error("Invalid string length");
    // Copying long strings is work in proportion to their length.
    if (n > builtins::kFreeCompareUnits) builtins::charge(ctx_, n, builtins::kPerUnits);
    String* s = ctx_.new_string_uninit(uint32_t(n));
    std::copy(sa->data(), sa->data() + sa->length_, s->data());
    std::copy(sb->data(), sb->data() + sb->length_, s->data() + sa->length_);
    out = Value::object(s);
    return true;
  }
  return ctx_.throw_type_error("Cannot apply '+' to " + ctx_.describe_for_error(a) + " and " +
                               ctx_.describe_for_error(b));
}

bool Interpreter::arith_slow(int op, Value a, Value b, Value& out) {
  if (!a.is_number() || !b.is_number()) {
    return ctx_.throw_type_error(std::string("Cannot apply '") + arith_symbol(op) + "' to " +
                                 ctx_.describe_for_error(a) + " and " + ctx_.describe_for_error(b));
  }
  double x = a.to_double(), y = b.to_double();
  switch (op) {
    case kSub: out = Value::number(x - y); return true;
    case kMul: out = Value::number(x * y); return true;
    case kDiv: out = Value::number(x / y); return true;
    case kMod: out = Value::number(std::fmod(x, y)); return true;
    case kPow: out = Value::number(js_pow(x, y)); return true;
    case kAddNumber: out = Value::number(x + y); return true;
    default: break;
  }
  int32_t l = to_int32(x), r = to_int32(y);
  switch (op) {
    case kBitAnd: out = Value::int32(l & r); return true;
    case kBitOr: out = Value::int32(l | r); return true;
    case kBitXor: out = Value::int32(l ^ r); return true;
    case kShl: out = Value::int32(int32_t(uint32_t(l) << (uint32_t(r) & 31))); return true;
    case kShr: out = Value::int32(l >> (uint32_t(r) & 31)); return true;
    case kUShr: out = Value::number(double(uint32_t(l) >> (uint32_t(r) & 31))); return true;
    default: break;
  }
  return ctx_.throw_type_error("unknown arithmetic operator");
}

bool Interpreter::compare_slow(int op, Value a, Value b, bool& out) {
  if (a.is_number() && b.is_number()) {
    out = op == kLt ? a.to_double() < b.to_double() : a.to_double() <= b.to_double();
    return true;
  }
  if (is_string(a) && is_string(b)) {
    // Reads up to the shorter string's length.
    uint32_t units = std::min(as_string(a)->length_, as_string(b)->length_);
    if (units > builtins::kFreeCompareUnits) builtins::charge(ctx_, units, builtins::kPerUnits);
    int c = as_string(a)->view().compare(as_string(b)->view());
    out = op == kLt ? c < 0 : c <= 0;
    return true;
  }
  return ctx_.throw_type_error(std::string("Cannot compare ") + ctx_.describe_for_error(a) + " and " +
                               ctx_.describe_for_error(b) + " with '" + (op == kLt ? "<" : "<=") + "'");
}

bool Interpreter::unary_slow(int op, Value a, Value& out) {
  static const char* const names[] = {"-", "+", "~"};
  if (!a.is_number()) {
    return ctx_.throw_type_error(std::string("Cannot apply unary '") + names[op] + "' to " +
                                 ctx_.describe_for_error(a));
  }
  double d = a.to_double();
  switch (op) {
    case 0: out = Value::raw_double(-d); return true;
    case 1: out = a; return true;
    default: out = Value::int32(~to_int32(d)); return true;
  }
}

bool Interpreter::op_in(Value key, Value obj, Value& out) {
  if (is_array(obj) && key.is_number()) {
    double d = key.to_double();
    out = Value::boolean(d >= 0 && d < as_array(obj)->length_ && d == std::floor(d));
    return true;
  }
  if (!is_plain_object(obj)) {
    return ctx_.throw_type_error("Cannot use 'in' to search for a key in " + ctx_.describe_for_error(obj));
  }
  if (!is_string(key) && !key.is_number()) {
    return ctx_.throw_type_error("'in' needs a string or number key, not " + ctx_.describe_for_error(key));
  }
  Rooted<Value> o(ctx_, obj);
  String* k = ctx_.to_property_key(key);
  Value v;
  out = Value::boolean(ctx_.lookup_property(as_object(o.get()), k, v));
  return true;
}

bool Interpreter::op_instanceof(Value obj, Value cls, Value& out) {
  if (!is_class(cls)) {
    return ctx_.throw_type_error("Right-hand side of 'instanceof' is not a class: " + ctx_.describe_for_error(cls));
  }
  Object* target = as_class(cls)->prototype_;
  Object* p = nullptr;
  if (is_plain_object(obj)) {
    p = as_object(obj)->proto();
  } else if (obj.is_object()) {
    p = ctx_.prototype_for(obj);  // [] instanceof Array, new Map() instanceof Map
  }
  uint32_t links = 0;  // a walk: charged like lookup_property's
  for (; p != nullptr && p != target; p = p->proto()) ++links;
  if (links > Context::kFreePrototypeLinks) ctx_.charge_steps(links - Context::kFreePrototypeLinks);
  out = Value::boolean(p != nullptr);
  return true;
}

// --- iteration, spread, rest -----------------------------------------------------

bool Interpreter::get_iterator(Value iterable, Value& out) {
  Iterator::Over over;
  if (is_array(iterable)) {
    over = Iterator::Over::Array;
  } else if (is_string(iterable)) {
    over = Iterator::Over::String;
  } else if (is_map(iterable)) {
    over = Iterator::Over::MapEntries;
  } else if (is_set(iterable)) {
    over = Iterator::Over::SetValues;
  } else {
    std::string expr = current_expression();
    return ctx_.throw_type_error((expr.empty() ? ctx_.describe_for_error(iterable) : expr + " (" + ctx_.describe_for_error(iterable) + ")") +
                                 " is not iterable");
  }
  out = Value::object(ctx_.heap().make<Iterator>(iterable, over));
  return true;
}

bool Interpreter::iterator_next(Value iterator, Value& out, bool& done) {
  if (!iterator.is_object() || iterator.as_object()->kind() != ObjectKind::Iterator) {
    return ctx_.throw_type_error("internal error: not an iterator");
  }
  Rooted<Iterator*> it(ctx_, static_cast<Iterator*>(iterator.as_object()));
  done = false;
  switch (it->over_) {
    case Iterator::Over::Array: {
      Array* arr = as_array(it->source_);
      if (it->index_ >= arr->length_) break;
      out = arr->elements_[it->index_++];
      return true;
    }
    case Iterator::Over::String: {
      String* s = as_string(it->source_);
      if (it->index_ >= s->length_) break;
      char16_t c = s->data()[it->index_];
      if (c >= 0xD800 && c <= 0xDBFF && it->index_ + 1 < s->length_) {
        char16_t d = s->data()[it->index_ + 1];
        if (d >= 0xDC00 && d <= 0xDFFF) {
          char16_t pair[2] = {c, d};
          it->index_ += 2;
          out = Value::object(ctx_.new_string(std::u16string_view(pair, 2)));
          return true;
        }
      }
      ++it->index_;
      out = Value::object(ctx_.char_string(c));
      return true;
    }
    case Iterator::Over::MapEntries:
    case Iterator::Over::SetValues: {
      MapObject* map = as_map(it->source_);
      const auto& entries = map->table_.entries();
      while (it->index_ < entries.size() && entries[it->index_].deleted) ++it->index_;
      if (it->index_ >= entries.size()) break;
      const OrderedTable::Entry& e = entries[it->index_++];
      if (it->over_ == Iterator::Over::SetValues) {
        out = e.key;
        return true;
      }
      Rooted<Value> k(ctx_, e.key);
      Rooted<Value> v(ctx_, e.value);
      Array* pair = ctx_.new_array(2);
      pair->elements_[0] = k;
      pair->elements_[1] = v;
      out = Value::object(pair);
      return true;
    }
  }
  done = true;
  return true;
}

bool Interpreter::for_in_keys(Value obj, Value& out) {
  Rooted<Array*> keys(ctx_, ctx_.new_array(0));
  if (is_plain_object(obj)) {
    Rooted<Value> o(ctx_, obj);
    builtins::charge(ctx_, builtins::own_property_count(as_object(obj)), kPerElement);
    for (String* k : ctx_.own_enumerable_keys(as_object(o.get()))) ctx_.array_push(keys, Value::object(k));
  } else if (is_array(obj)) {
    Rooted<Value> o(ctx_, obj);
    uint32_t n = as_array(o.get())->length_;
    ChargedLoop loop(ctx_, n, builtins::kPerIndexKey);  // each index becomes a key string
    for (uint32_t i = 0; i < n; ++i) {
      loop.tick();
      String* k = ctx_.to_property_key(Value::int32(int32_t(i)));
      ctx_.array_push(keys, Value::object(k));
    }
  } else if (!obj.is_nullish()) {
    return ctx_.throw_type_error("Cannot iterate over the keys of " + ctx_.describe_for_error(obj));
  }
  out = Value::object(keys.get());
  return true;
}

bool Interpreter::read_for_copy(Value source, String* key, Value& out) {
  // Spread and rest copy values: a native getter (a live module export) is
  // called; a Raya getter cannot be called from here and is skipped
  // (out = <empty>), never copied as the internal accessor object.
  PropertyInfo info{};
  ctx_.lookup_property(as_object(source), key, out, nullptr, &info);
  if (!(info.flags & kPropAccessor)) return true;
  Value getter = static_cast<Accessor*>(out.as_object())->getter_;
  out = Value::empty();
  if (!is_native(getter)) return true;
  CallArgs call{source, nullptr, 0};
  call.callee = as_native(getter);
  if (!as_native(getter)->fn_(ctx_, call)) return false;
  out = call.result;
  return true;
}

bool Interpreter::array_spread(Value target, Value source) {
  if (!is_array(target)) return ctx_.throw_type_error("internal error: spread target is not an array");
  Rooted<Array*> out(ctx_, as_array(target));
  Rooted<Value> it(ctx_, Value::undefined());
  Value iter;
  if (!get_iterator(source, iter)) return false;
  it = iter;
  ChargedLoop loop(ctx_, iteration_length(source), iteration_price(source));
  for (;;) {
    loop.tick();
    Value v;
    bool done = false;
    if (!iterator_next(it, v, done)) return false;
    if (done) return true;
    ctx_.array_push(out, v);
  }
}

bool Interpreter::object_spread(Value target, Value source) {
  if (source.is_nullish()) return true;
  if (!is_plain_object(target)) return ctx_.throw_type_error("internal error: spread target is not an object");
  Rooted<Value> t(ctx_, target);
  Rooted<Value> s(ctx_, source);
  if (is_array(source)) {
    uint32_t n = as_array(source)->length_;
    ChargedLoop loop(ctx_, n, builtins::kPerIndexKeyDefine);  // a key string and a define each
    for (uint32_t i = 0; i < n; ++i) {
      loop.tick();
      String* k = ctx_.to_property_key(Value::int32(int32_t(i)));
      ctx_.define_own_property(as_object(t.get()), k, as_array(s.get())->elements_[i]);
    }
    return true;
  }
  if (!is_plain_object(source)) return true;  // primitives spread to nothing
  builtins::charge(ctx_, builtins::own_property_count(as_object(source)), kPerElement);
  std::vector<String*> keys = ctx_.own_enumerable_keys(as_object(s.get()));
  ChargedLoop loop(ctx_, keys.size(), kPerAllocatingElement);  // a define each
  for (String* k : keys) {
    loop.tick();
    Value v;
    if (!read_for_copy(s.get(), k, v)) return false;
    if (v.is_empty()) continue;
    ctx_.define_own_property(as_object(t.get()), k, v);
  }
  return true;
}

bool Interpreter::object_rest(Value source, Value excluded, Value& out) {
  if (source.is_nullish()) return ctx_.throw_type_error("Cannot destructure " + ctx_.describe_for_error(source));
  Rooted<Value> s(ctx_, source);
  Rooted<Value> ex(ctx_, excluded);
  Rooted<Object*> result(ctx_, ctx_.new_plain_object());
  if (is_plain_object(s.get())) {
    builtins::charge(ctx_, builtins::own_property_count(as_object(s.get())), kPerElement);
    std::vector<String*> keys = ctx_.own_enumerable_keys(as_object(s.get()));
    // A define per key, and a scan of the excluded names.
    uint64_t excluded_count = is_array(ex.get()) ? as_array(ex.get())->length_ : 0;
    ChargedLoop loop(ctx_, keys.size(), builtins::Price{4 + excluded_count, 1});
    for (String* k : keys) {
      loop.tick();
      bool skip = false;
      if (is_array(ex.get())) {
        Array* list = as_array(ex.get());
        for (uint32_t i = 0; i < list->length_; ++i)
          if (is_string(list->elements_[i]) && strings_equal(as_string(list->elements_[i]), k)) skip = true;
      }
      if (skip) continue;
      Value v;
      if (!read_for_copy(s.get(), k, v)) return false;
      if (v.is_empty()) continue;
      ctx_.define_own_property(result, k, v);
    }
  }
  out = Value::object(result.get());
  return true;
}

bool Interpreter::array_rest(Value source, uint32_t from, Value& out) {
  Rooted<Array*> result(ctx_, ctx_.new_array(0));
  if (is_array(source)) {
    Rooted<Value> s(ctx_, source);
    uint32_t n = as_array(source)->length_;
    ChargedLoop loop(ctx_, n > from ? n - from : 0, kPerElement);
    for (uint32_t i = from; i < as_array(s.get())->length_; ++i) {
      loop.tick();
      ctx_.array_push(result, as_array(s.get())->elements_[i]);
    }
    out = Value::object(result.get());
    return true;
  }
  Value iter;
  if (!get_iterator(source, iter)) return false;
  Rooted<Value> it(ctx_, iter);
  ChargedLoop loop(ctx_, iteration_length(source), iteration_price(source));
  for (uint32_t i = 0;; ++i) {
    loop.tick();
    Value v;
    bool done = false;
    if (!iterator_next(it, v, done)) return false;
    if (done) break;
    if (i >= from) ctx_.array_push(result, v);
  }
  out = Value::object(result.get());
  return true;
}

}  // namespace raya::vm
