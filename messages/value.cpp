// messages::Value: equality, kind names and the JSON form (value.hpp).
//
// Writing is a direct recursive printer (doubles by std::to_chars, which
// gives the shortest text that reads back to the same bits).
//
// Reading is two iterative passes, so hostile nesting never deepens the C++
// stack:
//  1. Boost.JSON's SAX parser (basic_parser) validates the text and records
//     it as a flat tape of tokens; strings go to one arena. The tape keeps
//     what the DOM parser of Boost 1.81 would lose: every duplicate key, and
//     exact doubles (1.81 parses them imprecisely, so the handler re-reads
//     each number's text with std::from_chars).
//  2. A converter walks the tape with an explicit stack and builds the
//     Value. It sees a whole object's size before its members, which is what
//     the tagged forms need: whether {"$map": {"$x": 1}} is a wrapper (and
//     its inner object a map, not a tag) is only known from the outside in.
#include "messages/value.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <memory>
#include <unordered_set>

namespace raya::messages {

namespace json = boost::json;

// --- the data model -----------------------------------------------------------

const Value* Value::find(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : as_map())
    if (k == key) return &v;
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Null: return true;
    case Value::Kind::Bool: return a.as_bool() == b.as_bool();
    case Value::Kind::Int: return a.as_int() == b.as_int();
    case Value::Kind::Double: {
      double x = a.as_double(), y = b.as_double();
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case Value::Kind::String: return a.as_string() == b.as_string();
    case Value::Kind::Bytes: return a.as_bytes() == b.as_bytes();
    case Value::Kind::Array: return a.as_array() == b.as_array();
    case Value::Kind::Map: return a.as_map() == b.as_map();
    case Value::Kind::Handle: return a.as_handle() == b.as_handle();
  }
  return false;
}

const char* Value::kind_name(Kind k) {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Double: return "double";
    case Kind::String: return "string";
    case Kind::Bytes: return "bytes";
    case Kind::Array: return "array";
    case Kind::Map: return "map";
    case Kind::Handle: return "handle";
  }
  return "?";
}

// --- paths --------------------------------------------------------------------

namespace {

bool is_identifier(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view s);

}  // namespace

void append_path_key(std::string& path, std::string_view key) {
  if (is_identifier(key)) {
    path += '.';
    path += key;
  } else {
    path += '[';
    append_json_string(path, key);
    path += ']';
  }
}

void append_path_index(std::string& path, uint64_t index) {
  path += '[';
  path += std::to_string(index);
  path += ']';
}

// --- writing ------------------------------------------------------------------

namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_base64(std::string& out, const Value::Bytes& bytes) {
  size_t i = 0, n = bytes.size();
  out.reserve(out.size() + (n + 2) / 3 * 4);
  for (; i + 3 <= n; i += 3) {
    uint32_t w = uint32_t(bytes[i]) << 16 | uint32_t(bytes[i + 1]) << 8 | bytes[i + 2];
    out += kBase64Alphabet[w >> 18];
    out += kBase64Alphabet[(w >> 12) & 63];
    out += kBase64Alphabet[(w >> 6) & 63];
    out += kBase64Alphabet[w & 63];
  }
  if (i < n) {
    uint32_t w = uint32_t(bytes[i]) << 16 | (i + 1 < n ? uint32_t(bytes[i + 1]) << 8 : 0);
    out += kBase64Alphabet[w >> 18];
    out += kBase64Alphabet[(w >> 12) & 63];
    out += i + 1 < n ? kBase64Alphabet[(w >> 6) & 63] : '=';
    out += '=';
  }
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not
/// one (Unicode Table 3-7: no overlongs, no surrogates, nothing above
/// U+10FFFF). `skip` is the length of the maximal ill-formed subpart then.
size_t utf8_sequence_length(std::string_view s, size_t i, size_t& skip) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  size_t count = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) count = 1;
  else if (lead >= 0xE0 && lead <= 0xEF) {
    count = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    count = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    skip = 1;
    return 0;
  }
  for (size_t k = 1; k <= count; ++k) {
    if (i + k >= s.size() || byte(i + k) < low || byte(i + k) > high) {
      skip = k;
      return 0;
    }
    low = 0x80;
    high = 0xBF;
  }
  return count + 1;
}

/// A JSON string literal: quotes, backslash and control characters escaped,
/// other characters as UTF-8, ill-formed UTF-8 as U+FFFD.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of characters copied as they are
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t skip = 0;
      size_t len = utf8_sequence_length(s, i, skip);
      if (len != 0) {
        i += len;
        continue;
      }
      out.append(s.data() + run, i - run);
      out += "\xEF\xBF\xBD";
      i += skip;
      run = i;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

template <class Number>
void append_number(std::string& out, Number n) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

void append_double(std::string& out, double d) {
  if (std::isnan(d)) {
    out += R"({"$double":"NaN"})";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? R"({"$double":"Infinity"})" : R"({"$double":"-Infinity"})";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, size_t(end - buf));
  out += text;
  // "2" would read back as an int.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void write_value(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null: out += "null"; return;
    case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::Int: append_number(out, v.as_int()); return;
    case Value::Kind::Double: append_double(out, v.as_double()); return;
    case Value::Kind::String: append_json_string(out, v.as_string()); return;
    case Value::Kind::Bytes:
      out += R"({"$bytes":")";
      append_base64(out, v.as_bytes());
      out += "\"}";
      return;
    case Value::Kind::Handle:
      out += R"({"$handle":{"registry":)";
      append_number(out, v.as_handle().registry);
      out += R"(,"token":)";
      append_number(out, v.as_handle().token);
      out += "}}";
      return;
    case Value::Kind::Array: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        write_value(out, e);
      }
      out += ']';
      return;
    }
    case Value::Kind::Map: {
      const Value::Map& m = v.as_map();
      bool wrap = m.size() == 1 && !m[0].first.empty() && m[0].first[0] == '$';
      if (wrap) out += R"({"$map":)";
      out += '{';
      bool first = true;
      for (const auto& [key, value] : m) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        write_value(out, value);
      }
      out += '}';
      if (wrap) out += '}';
      return;
    }
  }
}

}  // namespace

std::string to_json(const Value& value) {
  std::string out;
  write_value(out, value);
  return out;
}

// --- reading, pass 1: the tape ----------------------------------------------------

namespace {

/// Nesting Boost.JSON may accept: a map at the deepest value level can be a
/// {"$map": ...} wrapper (2 JSON levels per value level), and a handle below
/// it adds two more. Deeper text is rejected by the parser before pass 2.
constexpr size_t kMaxJsonDepth = 2 * size_t(kMaxValueDepth) + 2;

struct Token {
  enum class Kind : uint8_t { Null, False, True, Int, Uint, Double, String, Key, Array, Object };
  explicit Token(Kind k) : kind(k), u(0) {}

  Kind kind;
  uint32_t count = 0;  // Array: elements; Object: members; String/Key: bytes
  union {
    int64_t i;
    uint64_t u;
    double d;
    size_t offset;  // String/Key: where the bytes start in the arena
  };
};

/// The basic_parser handler that records the tape. It also tracks the path
/// of the value being parsed, for syntax errors.
class TapeBuilder {
 public:
  static constexpr size_t max_object_size = UINT32_MAX;
  static constexpr size_t max_array_size = UINT32_MAX;
  static constexpr size_t max_key_size = UINT32_MAX;
  static constexpr size_t max_string_size = UINT32_MAX;

  std::vector<Token> tokens;
  std::string arena;
  std::string error;  // set by the handler itself (beats Boost's error code)

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_array_begin(json::error_code&) { return open(Token::Kind::Array); }
  bool on_array_end(size_t n, json::error_code&) { return close(n); }
  bool on_object_begin(json::error_code&) { return open(Token::Kind::Object); }
  bool on_object_end(size_t n, json::error_code&) { return close(n); }

  bool on_string_part(json::string_view s, size_t, json::error_code&) { return append_part(s); }
  bool on_string(json::string_view s, size_t, json::error_code&) {
    push_text(Token::Kind::String, s);
    value_done();
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code&) { return append_part(s); }
  bool on_key(json::string_view s, size_t, json::error_code&) {
    push_text(Token::Kind::Key, s);
    open_.back().key_offset = tokens.back().offset;
    open_.back().key_length = tokens.back().count;
    return true;
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    Token t{Token::Kind::Int};
    t.i = i;
    return push_scalar(t);
  }
  bool on_uint64(uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    Token t{Token::Kind::Uint};
    t.u = u;
    return push_scalar(t);
  }
  bool on_double(double boost_value, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    Token t{Token::Kind::Double};
    auto [end, result] = std::from_chars(number_.data(), number_.data() + number_.size(), t.d);
    if (result == std::errc::result_out_of_range) {
      // Underflow reads as (signed) zero, like JavaScript; overflow has no
      // JSON spelling here ({"$double": "Infinity"} is how to say it).
      if (std::isinf(boost_value)) return fail(ec, "number " + number_ + " is beyond the double range");
      t.d = std::signbit(boost_value) ? -0.0 : 0.0;
    } else if (result != std::errc() || end != number_.data() + number_.size()) {
      t.d = boost_value;  // not expected: Boost validated the syntax
    }
    number_.clear();
    return push_scalar(t);
  }
  bool on_bool(bool b, json::error_code&) { return push_scalar(Token{b ? Token::Kind::True : Token::Kind::False}); }
  bool on_null(json::error_code&) { return push_scalar(Token{Token::Kind::Null}); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  /// "$", then the member or element being parsed in each open container.
  std::string current_path() const {
    std::string path = "$";
    for (const Open& o : open_) {
      if (tokens[o.token].kind == Token::Kind::Array)
        append_path_index(path, o.children);
      else if (o.key_offset != SIZE_MAX)
        append_path_key(path, std::string_view(arena).substr(o.key_offset, o.key_length));
    }
    return path;
  }

 private:
  struct Open {
    size_t token;
    uint32_t children = 0;          // completed elements (arrays)
    size_t key_offset = SIZE_MAX;   // last key seen (objects)
    uint32_t key_length = 0;
  };

  bool open(Token::Kind kind) {
    open_.push_back(Open{tokens.size()});
    tokens.emplace_back(kind);
    return true;
  }
  bool close(size_t n) {
    tokens[open_.back().token].count = uint32_t(n);
    open_.pop_back();
    value_done();
    return true;
  }
  bool push_scalar(Token t) {
    tokens.push_back(t);
    value_done();
    return true;
  }
  void value_done() {
    if (!open_.empty()) ++open_.back().children;
  }
  bool append_part(json::string_view part) {
    if (text_start_ == SIZE_MAX) text_start_ = arena.size();
    arena.append(part.data(), part.size());
    return true;
  }
  void push_text(Token::Kind kind, json::string_view last_part) {
    append_part(last_part);
    Token t{kind};
    t.offset = text_start_;
    t.count = uint32_t(arena.size() - text_start_);
    text_start_ = SIZE_MAX;
    tokens.push_back(t);
  }
  bool fail(json::error_code& ec, std::string message) {
    error = std::move(message);
    ec = json::error::exception;  // any error stops the parser; `error` says what
    return false;
  }

  std::vector<Open> open_;
  std::string number_;             // a number's text split across parts
  size_t text_start_ = SIZE_MAX;   // arena offset of the string being assembled
};

// --- reading, pass 2: tape to Value ------------------------------------------------

/// Builds the Value from the tape with an explicit stack of open containers.
/// Every container's vector is reserved to its final size before its
/// children are built, so pointers to children stay valid.
class TapeReader {
 public:
  TapeReader(const std::vector<Token>& tokens, const std::string& arena) : tokens_(tokens), arena_(arena) {}

  bool read(Value& out, std::string& error) {
    if (!read_value(out, 1)) return fail_with(error);
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.remaining == 0) {
        stack_.pop_back();
        continue;
      }
      --f.remaining;
      uint32_t depth = f.depth + 1;
      Value* slot;
      if (f.target->is_map()) {
        const Token& key = tokens_[pos_++];
        std::string_view name = text(key);
        f.key = name;
        if (!check_unique(f, name)) return fail_with(error);
        Value::Map& m = f.target->as_map();
        m.emplace_back(std::string(name), Value());
        slot = &m.back().second;
      } else {
        Value::Array& a = f.target->as_array();
        f.index = a.size();
        slot = &a.emplace_back();
      }
      if (!read_value(*slot, depth)) return fail_with(error);  // may push: `f` is stale now
    }
    return true;
  }

 private:
  struct Frame {
    Frame(Value* target_, uint32_t count, uint32_t depth_, bool wrapped_ = false)
        : target(target_), remaining(count), depth(depth_), wrapped(wrapped_) {}

    Value* target;
    uint32_t remaining;
    uint32_t depth;               // nesting level of target (the root is 1)
    bool wrapped;                 // target came from a {"$map": ...} wrapper
    size_t index = 0;             // arrays: the element being built
    std::string_view key;         // maps: the member being built
    std::unique_ptr<std::unordered_set<std::string_view>> keys;  // large maps: keys so far
  };

  std::string_view text(const Token& t) const { return std::string_view(arena_).substr(t.offset, t.count); }

  /// Reads the value at pos_ into `slot`; containers are pushed for the
  /// main loop to fill. `depth` is the nesting level a container here has.
  bool read_value(Value& slot, uint32_t depth) {
    const Token& t = tokens_[pos_++];
    switch (t.kind) {
      case Token::Kind::Null: slot = Value(); return true;
      case Token::Kind::False: slot = Value(false); return true;
      case Token::Kind::True: slot = Value(true); return true;
      case Token::Kind::Int: slot = Value(t.i); return true;
      case Token::Kind::Uint: slot = Value(double(t.u)); return true;  // beyond int64: a double
      case Token::Kind::Double: slot = Value(t.d); return true;
      case Token::Kind::String: slot = Value(std::string(text(t))); return true;
      case Token::Kind::Key: return fail("internal error: unexpected key");
      case Token::Kind::Array:
        if (!check_depth(depth)) return false;
        slot = Value(Value::Array());
        slot.as_array().reserve(t.count);
        stack_.emplace_back(&slot, t.count, depth);
        return true;
      case Token::Kind::Object: {
        if (t.count == 1) {
          std::string_view key = text(tokens_[pos_]);
          if (!key.empty() && key[0] == '$') {
            ++pos_;
            return read_tagged(slot, key, depth);
          }
        }
        return open_map(slot, t.count, depth, false);
      }
    }
    return fail("internal error: bad token");
  }

  bool open_map(Value& slot, uint32_t count, uint32_t depth, bool wrapped) {
    if (!check_depth(depth)) return false;
    slot = Value(Value::Map());
    slot.as_map().reserve(count);
    stack_.emplace_back(&slot, count, depth, wrapped);
    return true;
  }

  /// {"$tag": payload}: pos_ is at the payload.
  bool read_tagged(Value& slot, std::string_view tag, uint32_t depth) {
    const Token& payload = tokens_[pos_];
    if (tag == "$map") {
      if (payload.kind != Token::Kind::Object) return fail("$map needs an object, e.g. {\"$map\": {\"$key\": 1}}");
      ++pos_;
      return open_map(slot, payload.count, depth, true);
    }
    if (tag == "$bytes") {
      if (payload.kind != Token::Kind::String) return fail("$bytes needs a base64 string");
      ++pos_;
      Value::Bytes bytes;
      if (!decode_base64(text(payload), bytes)) return false;
      slot = Value(std::move(bytes));
      return true;
    }
    if (tag == "$double") {
      std::string_view name = payload.kind == Token::Kind::String ? text(payload) : std::string_view();
      if (name == "NaN") slot = Value(std::nan(""));
      else if (name == "Infinity") slot = Value(HUGE_VAL);
      else if (name == "-Infinity") slot = Value(-HUGE_VAL);
      else return fail("$double needs \"NaN\", \"Infinity\" or \"-Infinity\"");
      ++pos_;
      return true;
    }
    if (tag == "$handle") return read_handle(slot);
    return fail("unknown tag \"" + std::string(tag) + "\" (a map whose only key starts with '$' is written {\"$map\": {...}})");
  }

  bool read_handle(Value& slot) {
    const char* const kShape = "$handle needs {\"registry\": <unsigned integer>, \"token\": <unsigned integer>}";
    const Token& payload = tokens_[pos_++];
    if (payload.kind != Token::Kind::Object || payload.count != 2) return fail(kShape);
    ForeignHandle h;
    bool seen_registry = false, seen_token = false;
    for (int member = 0; member < 2; ++member) {
      std::string_view key = text(tokens_[pos_++]);
      const Token& v = tokens_[pos_++];
      uint64_t n = 0;
      if (v.kind == Token::Kind::Uint) n = v.u;
      else if (v.kind == Token::Kind::Int && v.i >= 0) n = uint64_t(v.i);
      else return fail(kShape);
      if (key == "registry" && !seen_registry) {
        h.registry = n;
        seen_registry = true;
      } else if (key == "token" && !seen_token) {
        h.token = n;
        seen_token = true;
      } else {
        return fail(kShape);
      }
    }
    slot = Value(h);
    return true;
  }

  bool decode_base64(std::string_view s, Value::Bytes& out) {
    static const auto kDecode = [] {
      std::array<int8_t, 256> table{};
      table.fill(-1);
      for (int i = 0; i < 64; ++i) table[uint8_t(kBase64Alphabet[i])] = int8_t(i);
      return table;
    }();
    if (s.size() % 4 != 0) return fail("$bytes: base64 length " + std::to_string(s.size()) + " is not a multiple of 4");
    size_t padding = s.empty() ? 0 : s[s.size() - 1] == '=' ? (s[s.size() - 2] == '=' ? 2 : 1) : 0;
    out.reserve(s.size() / 4 * 3);
    for (size_t i = 0; i < s.size(); i += 4) {
      uint32_t w = 0;
      bool last = i + 4 == s.size();
      for (size_t k = 0; k < 4; ++k) {
        int8_t d = kDecode[uint8_t(s[i + k])];
        if (d < 0 && !(last && k >= 4 - padding))
          return fail("$bytes: invalid base64 character at offset " + std::to_string(i + k));
        w = w << 6 | uint32_t(d < 0 ? 0 : d);
      }
      out.push_back(uint8_t(w >> 16));
      if (!last || padding < 2) out.push_back(uint8_t(w >> 8));
      if (!last || padding < 1) out.push_back(uint8_t(w));
    }
    return true;
  }

  bool check_depth(uint32_t depth) {
    if (depth <= kMaxValueDepth) return true;
    return fail("nesting deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }

  /// Keys must be unique; small maps compare linearly, large ones hash.
  bool check_unique(Frame& f, std::string_view key) {
    constexpr size_t kLinearLimit = 16;
    const Value::Map& m = f.target->as_map();
    bool duplicate = false;
    if (m.size() < kLinearLimit) {
      for (const auto& member : m)
        if (member.first == key) duplicate = true;
    } else {
      if (!f.keys) {
        f.keys = std::make_unique<std::unordered_set<std::string_view>>();
        for (const auto& member : m) f.keys->insert(member.first);
      }
      duplicate = !f.keys->insert(key).second;
    }
    if (duplicate) return fail("duplicate key");
    return true;
  }

  bool fail(std::string message) {
    message_ = std::move(message);
    return false;
  }

  /// "at <path>: <message>": the path of the value that failed, from the
  /// open containers (including "$map" wrappers, so it is a JSON path).
  bool fail_with(std::string& error) {
    std::string path = "$";
    for (const Frame& f : stack_) {
      if (f.wrapped) append_path_key(path, "$map");
      if (f.target->is_map())
        append_path_key(path, f.key);
      else
        append_path_index(path, f.index);
    }
    error = "at " + path + ": " + message_;
    return false;
  }

  const std::vector<Token>& tokens_;
  const std::string& arena_;
  size_t pos_ = 0;
  std::vector<Frame> stack_;
  std::string message_;
};

}  // namespace

bool value_from_json(std::string_view text, Value& out, std::string& error) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  json::basic_parser<TapeBuilder> parser(options);
  json::error_code ec;
  size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  TapeBuilder& tape = parser.handler();
  if (!tape.error.empty()) {
    error = "at " + tape.current_path() + ": " + tape.error;
    return false;
  }
  if (ec == json::error::too_deep) {
    error = "at " + tape.current_path() + ": nesting deeper than " + std::to_string(kMaxValueDepth) + " levels";
    return false;
  }
  if (ec || consumed != text.size()) {
    error = "at " + tape.current_path() + ": invalid JSON (" + (ec ? ec.message() : std::string("extra data")) +
            " at byte " + std::to_string(consumed) + ")";
    return false;
  }
  Value result;
  if (!TapeReader(tape.tokens, tape.arena).read(result, error)) return false;
  out = std::move(result);
  return true;
}

}  // namespace raya::messages
