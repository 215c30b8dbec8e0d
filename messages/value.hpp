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

  /// Deep equality. Kinds must match (Int 2 != Double 2.0); doubles are
  /// equal when == says so or both are NaN (so 0.0 == -0.0); maps compare
  /// their members in order.
  friend bool operator==(const Value& a, const Value& b);

  /// Readable kind name for error messages ("map", "bytes", ...).
  static const char* kind_name(Kind k);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Bytes, Array, Map, ForeignHandle> v_;
};

/// JSON text of a value, compact (no spaces):
///  - null, bools, strings, arrays and maps are plain JSON (a map keeps its
///    order); strings are UTF-8, and a byte sequence that is not valid UTF-8
///    (only possible in a Value built by hand) is written as U+FFFD.
///  - ints are written as integers; finite doubles always with a '.' or an
///    exponent ("2.0", "1e+21", shortest form that reads back to the same
///    bits), so they read back as doubles. NaN and the infinities are not
///    JSON: they are {"$double": "NaN"}, {"$double": "Infinity"} and
///    {"$double": "-Infinity"}.
///  - bytes are {"$bytes": "<base64, standard alphabet, padded>"}, handles
///    {"$handle": {"registry": r, "token": t}} (unsigned 64-bit integers).
///  - so that every value reads back exactly, a map whose only key starts
///    with '$' is wrapped as {"$map": {...}}; the inner object is the map
///    itself, its member values encoded as above.
std::string to_json(const Value& value);

/// Parses the JSON form above. On error returns false, leaves `out` as it
/// was and sets `error` to a message naming the JSON path of the problem
/// ("at $.items[3]: ..."; keys that are not identifiers are written
/// ["like this"]). Rejected: invalid JSON (incl. invalid UTF-8 and lone
/// surrogate escapes), duplicate keys in an object, an object whose only key
/// starts with '$' but is not one of the tags above, malformed tag payloads,
/// numbers beyond the double range, and nesting deeper than kMaxValueDepth
/// arrays/maps. An integer literal outside the int64 range reads as a
/// double (JSON from JavaScript writes large doubles that way). Parsing is
/// iterative: hostile nesting never deepens the C++ stack.
bool value_from_json(std::string_view json, Value& out, std::string& error);

/// Deepest nesting of arrays and maps accepted by the JSON reader and by
/// marshalling ([[1]] has depth 2). to_json, == and the destructor recurse
/// once per level, so hand-built values should stay within it too.
inline constexpr uint32_t kMaxValueDepth = 1000;

/// Error paths, shared by the JSON reader ("$" root) and marshalling ("args"
/// root): appends ".name" for an identifier-like key, ["any \"other\" key"]
/// otherwise, and "[3]" for an index.
void append_path_key(std::string& path, std::string_view key);
void append_path_index(std::string& path, uint64_t index);

}  // namespace raya::messages
