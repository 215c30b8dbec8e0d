// messages::Value: the one data form that crosses a context boundary — task
// arguments and results, host-call arguments and results, and (later) actor
// messages. It is a plain tree: null, bool, int, double, string (UTF-8),
// bytes, array, map (string keys, insertion order kept, keys unique) and
// foreign handle (an opaque token only the host's registry can resolve).
// It owns all its data, so it can be copied to another context, thread or
// machine; vmcore marshals Raya values to and from it (vmcore/interp/marshal.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace raya::messages {

/// An opaque reference to a host object, minted by a capability registry.
struct ForeignHandle {
  uint64_t registry = 0;  // which registry issued it
  uint64_t token = 0;     // meaningful only to that registry
  friend bool operator==(const ForeignHandle&, const ForeignHandle&) = default;
};

class Value {
 public:
  using Array = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // insertion order, unique keys
  using Bytes = std::vector<uint8_t>;
  enum class Kind : uint8_t { Null, Bool, Int, Double, String, Bytes, Array, Map, Handle };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int v) : v_(int64_t(v)) {}
  Value(int64_t v) : v_(v) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(Bytes b) : v_(std::move(b)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Map m) : v_(std::move(m)) {}
  Value(ForeignHandle h) : v_(h) {}

  Kind kind() const { return Kind(v_.index()); }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_bool() const { return kind() == Kind::Bool; }
  bool is_int() const { return kind() == Kind::Int; }
  bool is_double() const { return kind() == Kind::Double; }
  bool is_string() const { return kind() == Kind::String; }
  bool is_bytes() const { return kind() == Kind::Bytes; }
  bool is_array() const { return kind() == Kind::Array; }
  bool is_map() const { return kind() == Kind::Map; }
  bool is_handle() const { return kind() == Kind::Handle; }

  // Accessors: the kind must match (checked with kind() first).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Bytes& as_bytes() const { return std::get<Bytes>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  Map& as_map() { return std::get<Map>(v_); }
  ForeignHandle as_handle() const { return std::get<ForeignHandle>(v_); }

  /// The member `key` of a map, or nullptr (also for non-maps).
  const Value* find(std::string_view key) const;

  /// Deep equality; doubles compare bitwise-equal-or-== (NaN equals NaN).
  friend bool operator==(const Value& a, const Value& b);

  /// Readable kind name for error messages ("map", "bytes", ...).
  static const char* kind_name(Kind k);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Bytes, Array, Map, ForeignHandle> v_;
};

/// JSON text of a value. Plain JSON for null/bool/numbers/strings/arrays/maps
/// (ints stay integers, doubles are written so they read back as doubles);
/// bytes are {"$bytes": "<base64>"}, handles {"$handle": {"registry": r,
/// "token": t}}, and a map whose only key starts with '$' is wrapped as
/// {"$map": {...}} so every value reads back exactly.
std::string to_json(const Value& value);
/// Parses the JSON form above. On error returns false and sets `error`
/// (with the JSON path, e.g. "at $.items[3]: ..."). Nesting deeper than
/// kMaxValueDepth is an error.
bool value_from_json(std::string_view json, Value& out, std::string& error);

/// Deepest nesting accepted by the JSON reader and by marshalling.
inline constexpr uint32_t kMaxValueDepth = 1000;

}  // namespace raya::messages
