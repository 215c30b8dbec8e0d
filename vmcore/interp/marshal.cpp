// Marshalling between Raya values and messages::Value (marshal.hpp).
//
// Both directions recurse once per nesting level; the depth is capped at
// messages::kMaxValueDepth, so the C++ stack stays bounded.
//
// marshal reads the heap without allocating in it, under a NoGcScope: the
// raw object pointers it holds cannot move or die. unmarshal allocates and
// so may collect at every step; everything it holds across an allocation is
// in a Rooted<>.
#include "vmcore/interp/marshal.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/object/foreign_handle.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

constexpr int64_t kMaxExactInteger = int64_t(1) << 53;  // larger integers are not all doubles
constexpr uint64_t kNodeBytes = 16;                      // estimated size of one node
constexpr uint64_t kUnlimitedHeapOutputBytes = 1ull << 30;

Error marshal_error(Context& ctx, std::string path, std::string message) {
  Error e = messages::make_error(ErrorCode::MarshalError, std::move(message));
  e.path = std::move(path);
  e.context_id = ctx.options().context_id;
  return e;
}

bool has_lone_surrogate(std::u16string_view units) {
  for (size_t i = 0; i < units.size(); ++i) {
    if (is_high_surrogate(units[i]) && i + 1 < units.size() && is_low_surrogate(units[i + 1])) {
      ++i;
      continue;
    }
    if (is_surrogate(units[i])) return true;
  }
  return false;
}

/// Where the converter is, as a stack of map keys and array indexes. The
/// text ("args.items[3].name") is only built for an error message.
class PathStack {
 public:
  explicit PathStack(std::string_view root) : root_(root) {}

  void push_key(const std::string* key) { segments_.push_back(Segment{key, 0}); }
  void push_index() { segments_.push_back(Segment{nullptr, 0}); }
  void set_key(const std::string* key) { segments_.back().key = key; }
  void set_index(uint64_t index) { segments_.back().index = index; }
  void pop() { segments_.pop_back(); }
  size_t depth() const { return segments_.size(); }

  /// The root and the first `depth` segments (all of them by default).
  std::string text(size_t depth = SIZE_MAX) const {
    std::string out(root_);
    for (size_t i = 0; i < segments_.size() && i < depth; ++i) {
      if (segments_[i].key != nullptr)
        messages::append_path_key(out, *segments_[i].key);
      else
        messages::append_path_index(out, segments_[i].index);
    }
    return out;
  }

 private:
  struct Segment {
    const std::string* key;  // a map member (valid while it is on the stack), or null
    uint64_t index;          // an array element
  };
  std::string_view root_;
  std::vector<Segment> segments_;
};

/// Calls f(key, value, flags) for each own property in insertion order
/// (dictionary objects keep their own order; shaped ones their slot order).
template <class F>
void for_each_own_property(Object* obj, F&& f) {
  if (obj->dict_) {
    for (const PropertyDict::Entry& e : obj->dict_->entries)
      if (!e.deleted) f(e.key, e.value, e.flags);
    return;
  }
  uint32_t slot = 0;
  for (auto& [key, flags] : obj->shape_->keys_in_order()) f(key, obj->slots_[slot++], flags);
}

// --- Raya -> boundary -------------------------------------------------------------

class Marshaller {
 public:
  Marshaller(Context& ctx, std::string_view root, MarshalStats& stats)
      : ctx_(ctx), path_(root), stats_(stats), limit_(marshal_size_limit(ctx)) {}

  /// Converts `v` into `out` (which is null on entry); on failure
  /// take_error() says why.
  bool convert(Value v, messages::Value& out, uint32_t depth) {
    ++stats_.nodes;
    if (!count(kNodeBytes)) return false;
    if (v.is_nullish() || v.is_empty()) return true;  // `out` is already null
    if (v.is_bool()) {
      out = messages::Value(v.as_bool());
      return true;
    }
    if (v.is_int()) {
      out = messages::Value(int64_t(v.as_int()));
      return true;
    }
    if (v.is_double()) {
      double d = v.as_double();
      bool exact_integer =
          d == std::trunc(d) && std::fabs(d) <= double(kMaxExactInteger) && !(d == 0 && std::signbit(d));
      out = exact_integer ? messages::Value(int64_t(d)) : messages::Value(d);
      return true;
    }
    HeapObject* h = v.as_object();
    switch (h->kind()) {
      case ObjectKind::String: {
        String* s = static_cast<String*>(h);
        if (!count(s->length_)) return false;  // UTF-8 is at least as long
        std::string utf8 = utf16_to_utf8_strict(s->view());
        if (!count(utf8.size() - s->length_)) return false;
        out = messages::Value(std::move(utf8));
        return true;
      }
      case ObjectKind::Bytes: {
        auto bytes = static_cast<Bytes*>(h)->view();
        if (!count(bytes.size())) return false;
        out = messages::Value(messages::Value::Bytes(bytes.begin(), bytes.end()));
        return true;
      }
      case ObjectKind::ForeignHandle: {
        auto* handle = static_cast<ForeignHandle*>(h);
        out = messages::Value(messages::ForeignHandle{handle->registry_, handle->token_});
        return true;
      }
      case ObjectKind::Array: return convert_array(static_cast<Array*>(h), out, depth + 1);
      case ObjectKind::Object: {
        Object* obj = static_cast<Object*>(h);
        if (obj->proto() != nullptr && obj->proto() != ctx_.object_prototype()) return fail(describe_instance(obj));
        return convert_object(obj, out, depth + 1);
      }
      case ObjectKind::Closure:
      case ObjectKind::NativeFunction: return fail("a function cannot be marshalled");
      case ObjectKind::Class: return fail("a class cannot be marshalled");
      case ObjectKind::Map: return fail("a Map cannot be marshalled");
      case ObjectKind::Set: return fail("a Set cannot be marshalled");
      case ObjectKind::Task: return fail("a task cannot be marshalled");
      case ObjectKind::Iterator: return fail("an iterator cannot be marshalled");
      default: return fail(std::string("an internal ") + object_kind_name(h->kind()) + " cannot be marshalled");
    }
  }

  Error take_error() { return std::move(error_); }

 private:
  /// Marks a container as open on the current path; a cycle if it already is.
  bool enter(const HeapObject* obj, uint32_t depth) {
    if (depth > messages::kMaxValueDepth)
      return fail("nested deeper than " + std::to_string(messages::kMaxValueDepth) + " levels");
    // Paths are short in practice: scan the first levels, hash the rest.
    size_t scanned = std::min(open_.size(), kScannedLevels);
    for (size_t i = 0; i < scanned; ++i)
      if (open_[i].obj == obj) return fail_cycle(open_[i].path_depth);
    if (open_.size() > kScannedLevels) {
      auto it = deep_open_.find(obj);
      if (it != deep_open_.end()) return fail_cycle(it->second);
    }
    if (open_.size() >= kScannedLevels) deep_open_.emplace(obj, path_.depth());
    open_.push_back(Open{obj, path_.depth()});
    return true;
  }
  void leave() {
    if (open_.size() > kScannedLevels) deep_open_.erase(open_.back().obj);
    open_.pop_back();
  }

  bool convert_array(Array* a, messages::Value& out, uint32_t depth) {
    if (!enter(a, depth)) return false;
    out = messages::Value(messages::Value::Array());
    messages::Value::Array& items = out.as_array();
    items.resize(a->length_);
    path_.push_index();
    for (uint32_t i = 0; i < a->length_; ++i) {
      path_.set_index(i);
      if (!convert(a->elements_[i], items[i], depth)) return false;
    }
    path_.pop();
    leave();
    return true;
  }

  bool convert_object(Object* obj, messages::Value& out, uint32_t depth) {
    if (!enter(obj, depth)) return false;
    out = messages::Value(messages::Value::Map());
    messages::Value::Map& members = out.as_map();
    bool ok = true;
    for_each_own_property(obj, [&](String* key, Value value, uint8_t flags) {
      // Own accessors fail even when not enumerable (object-literal getters
      // are not): skipping them would silently drop data.
      if (!ok || !(flags & (kPropEnumerable | kPropAccessor))) return;
      ok = convert_member(key, value, flags, members, depth);
    });
    if (!ok) return false;
    leave();
    return true;
  }

  bool convert_member(String* key, Value value, uint8_t flags, messages::Value::Map& members, uint32_t depth) {
    std::string name = utf16_to_utf8_strict(key->view());
    path_.push_key(&name);
    if (flags & kPropAccessor) return fail("a getter/setter property cannot be marshalled");
    if (!count(name.size())) return false;
    if (has_lone_surrogate(key->view())) {
      for (const auto& member : members)
        if (member.first == name)
          return fail("another key of this object has the same UTF-8 form (lone surrogates become U+FFFD)");
    }
    members.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::move(name)), std::forward_as_tuple());
    path_.set_key(&members.back().first);
    if (!convert(value, members.back().second, depth)) return false;
    path_.pop();
    return true;
  }

  /// "an instance of class Point cannot be marshalled (...)", from the
  /// prototype's own `constructor`.
  std::string describe_instance(Object* obj) {
    const char* const kOnly = " cannot be marshalled (only plain objects, arrays and primitives)";
    Class* cls = nullptr;
    for_each_own_property(obj->proto(), [&](String* key, Value value, uint8_t) {
      if (key->view() == u"constructor" && is_class(value)) cls = as_class(value);
    });
    if (cls == nullptr) return std::string("an object whose prototype is not Object.prototype") + kOnly;
    if (cls->name_ == nullptr || cls->name_->length_ == 0) return std::string("a class instance") + kOnly;
    return "an instance of class " + utf16_to_utf8_strict(cls->name_->view()) + kOnly;
  }

  /// Adds to the estimated output size; fails once it passes the limit.
  bool count(uint64_t bytes) {
    stats_.bytes += bytes;
    if (stats_.bytes <= limit_) return true;
    std::string path = path_.text();
    error_ = marshal_error(ctx_, path,
                           "value too large to marshal (more than " + std::to_string(limit_) + " bytes) at " + path);
    return false;
  }

  bool fail(const std::string& reason) {
    std::string path = path_.text();
    error_ = marshal_error(ctx_, path, path + ": " + reason);
    return false;
  }
  bool fail_cycle(size_t earlier_depth) {
    std::string path = path_.text();
    error_ = marshal_error(ctx_, path, "cycle: " + path + " refers back to " + path_.text(earlier_depth));
    return false;
  }

  struct Open {
    const HeapObject* obj;
    size_t path_depth;  // path_.depth() at the container, for cycle messages
  };
  static constexpr size_t kScannedLevels = 16;

  Context& ctx_;
  PathStack path_;
  MarshalStats& stats_;
  uint64_t limit_;
  Error error_;
  std::vector<Open> open_;  // containers on the current path
  std::unordered_map<const HeapObject*, size_t> deep_open_;  // open_[kScannedLevels..], hashed
};

// --- boundary -> Raya -------------------------------------------------------------

class Unmarshaller {
 public:
  Unmarshaller(Context& ctx, std::string_view root, MarshalStats& stats) : ctx_(ctx), path_(root), stats_(stats) {}

  /// Converts `m` into `out` (unrooted: store it before allocating again).
  /// May throw VmFatal from the heap.
  bool convert(const messages::Value& m, Value& out, uint32_t depth) {
    ++stats_.nodes;
    switch (m.kind()) {
      case messages::Value::Kind::Null: out = Value::null(); return true;
      case messages::Value::Kind::Bool: out = Value::boolean(m.as_bool()); return true;
      case messages::Value::Kind::Int: {
        int64_t i = m.as_int();
        if (i >= INT32_MIN && i <= INT32_MAX) {
          out = Value::int32(int32_t(i));
          return true;
        }
        if (i > kMaxExactInteger || i < -kMaxExactInteger)
          return fail("integer " + std::to_string(i) + " cannot be represented exactly (Raya numbers are doubles)");
        out = Value::from_double(double(i));
        return true;
      }
      case messages::Value::Kind::Double: out = Value::number(m.as_double()); return true;
      case messages::Value::Kind::String: out = Value::object(new_string(m.as_string())); return true;
      case messages::Value::Kind::Bytes: {
        const messages::Value::Bytes& b = m.as_bytes();
        out = Value::object(ctx_.new_bytes(std::span<const uint8_t>(b.data(), b.size())));
        return true;
      }
      case messages::Value::Kind::Handle: {
        messages::ForeignHandle h = m.as_handle();
        out = Value::object(ctx_.heap().make<ForeignHandle>(h.registry, h.token));
        return true;
      }
      case messages::Value::Kind::Array: return convert_array(m.as_array(), out, depth + 1);
      case messages::Value::Kind::Map: return convert_map(m.as_map(), out, depth + 1);
    }
    return fail("unknown value kind");
  }

  Error take_error() { return std::move(error_); }
  std::string path() const { return path_.text(); }

 private:
  bool check_depth(uint32_t depth) {
    if (depth <= messages::kMaxValueDepth) return true;
    return fail("nested deeper than " + std::to_string(messages::kMaxValueDepth) + " levels");
  }

  bool convert_array(const messages::Value::Array& items, Value& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    if (items.size() > Context::kMaxArrayLength)
      return fail("array of " + std::to_string(items.size()) + " elements is longer than the maximum array length");
    Rooted<Array*> array(ctx_, ctx_.new_array(uint32_t(items.size())));
    path_.push_index();
    for (size_t i = 0; i < items.size(); ++i) {
      path_.set_index(i);
      Value element;
      if (!convert(items[i], element, depth)) return false;
      array->elements_[i] = element;
    }
    path_.pop();
    out = Value::object(array.get());
    return true;
  }

  bool convert_map(const messages::Value::Map& members, Value& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    // Inline room for small maps; larger ones grow (and past 64 keys the
    // object switches to dictionary mode anyway).
    uint32_t inline_slots = uint32_t(std::clamp<size_t>(members.size(), 4, 16));
    Rooted<Object*> obj(ctx_, ctx_.new_object(ctx_.object_prototype(), inline_slots));
    path_.push_key(nullptr);
    for (const auto& [name, value] : members) {
      path_.set_key(&name);
      Value v;
      if (!convert(value, v, depth)) return false;
      Rooted<Value> member(ctx_, v);
      // Plain data: "__proto__" is an ordinary key here.
      String* key = ctx_.intern(utf8_to_utf16_strict(name));
      ctx_.define_own_property(obj, key, member);
    }
    path_.pop();
    out = Value::object(obj.get());
    return true;
  }

  String* new_string(const std::string& utf8) {
    bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return ctx_.new_string_ascii(utf8);
    return ctx_.new_string(utf8_to_utf16_strict(utf8));
  }

  bool fail(const std::string& reason) {
    std::string path = path_.text();
    error_ = marshal_error(ctx_, path, path + ": " + reason);
    return false;
  }

  Context& ctx_;
  PathStack path_;
  MarshalStats& stats_;
  Error error_;
};

}  // namespace

uint64_t marshal_size_limit(const Context& ctx) {
  uint64_t max_heap = ctx.options().max_heap_bytes;
  return max_heap == Heap::kUnlimited ? kUnlimitedHeapOutputBytes : max_heap;
}

Result<messages::Value> marshal(Context& ctx, Value v, std::string_view root, MarshalStats& stats) {
  Heap::NoGcScope no_gc(ctx.heap());
  Marshaller m(ctx, root, stats);
  messages::Value out;
  if (!m.convert(v, out, 0)) return m.take_error();
  return out;
}

Result<messages::Value> marshal(Context& ctx, Value v, std::string_view root) {
  MarshalStats stats;
  return marshal(ctx, v, root, stats);
}

Result<Value> unmarshal(Context& ctx, const messages::Value& m, std::string_view root, MarshalStats& stats) {
  Unmarshaller u(ctx, root, stats);
  try {
    Value out;
    if (!u.convert(m, out, 0)) return u.take_error();
    return out;
  } catch (const VmFatal& f) {
    // The heap refused an allocation. The context lives on: what was built
    // so far is unreachable and the next collection frees it.
    Error e = messages::make_error(f.code, f.message + " (while unmarshalling " + u.path() + ")");
    e.context_id = ctx.options().context_id;
    e.limit = f.limit;
    e.used = f.used;
    e.path = u.path();
    return e;
  }
}

Result<Value> unmarshal(Context& ctx, const messages::Value& m) {
  MarshalStats stats;
  return unmarshal(ctx, m, "value", stats);
}

}  // namespace raya::vm
