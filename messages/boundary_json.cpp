// JSON forms of the boundary records (boundary_json.hpp), with Boost.JSON.
//
// A Value inside a record goes through Value's own text form (to_json /
// value_from_json), so its tags ($bytes, $double, $map, $handle), depth
// limit and duplicate-key rule stay in one place; the price is one extra
// print and parse of the payload. That detour is exact only if the
// document's doubles are: Boost 1.81's parser may be an ulp off, so text is
// read by parse_json_exact, which re-reads every double with from_chars
// (like value.cpp's reader), and written by write_compact, which prints
// doubles the way Value's writer does.
#include "messages/boundary_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cmath>
#include <unordered_set>
#include <vector>

namespace raya::messages {

namespace json = boost::json;

// --- exact parsing -------------------------------------------------------------

namespace {

/// A Value's deepest JSON form (2 levels per value level for {"$map": ...}
/// wrappers, 2 more for a handle) plus the records around it
/// (CapabilityCall.args[i] is 2 levels down).
constexpr size_t kMaxDocumentDepth = 2 * size_t(kMaxValueDepth) + 2 + 4;

/// Boost's own DOM handler (detail/handler.hpp) with exact doubles and a
/// duplicate-key check: one set of keys per open object.
class ExactHandler {
 public:
  static constexpr size_t max_object_size = json::object::max_size();
  static constexpr size_t max_array_size = json::array::max_size();
  static constexpr size_t max_key_size = json::string::max_size();
  static constexpr size_t max_string_size = json::string::max_size();

  json::value_stack stack;
  std::string error;  // set by the handler itself (beats Boost's error code)

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(size_t n, json::error_code&) {
    keys_.pop_back();
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code&) {
    stack.push_chars(s);
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, size_t, json::error_code& ec) {
    stack.push_key(s);
    key_.append(s.data(), s.size());
    bool is_new = keys_.back().insert(std::move(key_)).second;
    key_.clear();
    if (!is_new) return fail(ec, "duplicate key \"" + std::string(s) + "\"");
    return true;
  }
  bool on_string_part(json::string_view s, size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double boost_value, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    double d = boost_value;
    auto [end, result] = std::from_chars(number_.data(), number_.data() + number_.size(), d);
    if (result == std::errc::result_out_of_range) {
      // As value.cpp: underflow reads as a signed zero, overflow is an error.
      if (std::isinf(boost_value)) return fail(ec, "number " + number_ + " is beyond the double range");
      d = std::signbit(boost_value) ? -0.0 : 0.0;
    } else if (result != std::errc() || end != number_.data() + number_.size()) {
      d = boost_value;  // not expected: Boost validated the syntax
    }
    number_.clear();
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool fail(json::error_code& ec, std::string message) {
    error = std::move(message);
    ec = json::error::exception;  // any error stops the parser; `error` says what
    return false;
  }

  std::vector<std::unordered_set<std::string>> keys_;
  std::string key_;     // a key's text split across parts
  std::string number_;  // a number's text split across parts
};

bool parse_exact(std::string_view text, json::value& out, std::string& error, size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<ExactHandler> parser(options);
  parser.handler().stack.reset();
  json::error_code ec;
  size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  const std::string& handler_error = parser.handler().error;
  if (!handler_error.empty()) {
    error = "invalid JSON: " + handler_error + " (at byte " + std::to_string(consumed) + ")";
    return false;
  }
  if (ec || consumed != text.size()) {
    error = "invalid JSON: " + (ec ? ec.message() : std::string("extra data")) + " (at byte " +
            std::to_string(consumed) + ")";
    return false;
  }
  out = parser.handler().stack.release();
  return true;
}

}  // namespace

bool parse_json_exact(std::string_view text, json::value& out, std::string& error) {
  return parse_exact(text, out, error, kMaxDocumentDepth);
}

// --- writing -----------------------------------------------------------------------

namespace {

const char* kind_name(ModuleSource::Kind kind) {
  return kind == ModuleSource::Kind::Bytecode ? "Bytecode" : "Source";
}

const char* state_name(ContextReport::State state) {
  switch (state) {
    case ContextReport::State::Running: return "Running";
    case ContextReport::State::Terminated: return "Terminated";
    case ContextReport::State::Failed: return "Failed";
  }
  return "Running";  // unreachable for states built by our code
}

/// Our own output parsed back. It is valid JSON by construction, but a
/// hand-built Value may nest deeper than any reader accepts; it is still
/// written, as to_json(Value) writes it.
json::value parse_own(const std::string& text) {
  json::value v;
  std::string error;
  parse_exact(text, v, error, SIZE_MAX);
  return v;
}

/// Compact text like json::serialize, but doubles as Value's JSON writes
/// them (value.hpp): shortest round-trip form with a '.' or an exponent
/// ("2.5", "2.0"), not Boost's "2.5E0", so a Value inside a record reads
/// exactly as to_json(Value) prints it.
void write_compact(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) {  // only in a DOM built by hand: JSON cannot say it
        out += "null";
        return;
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view text(buf, size_t(end - buf));
      out += text;
      if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_compact(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(key);
        out += ':';
        write_compact(out, item);
      }
      out += '}';
      return;
    }
    default: out += json::serialize(v); return;
  }
}

std::string compact(const json::value& v) {
  std::string out;
  write_compact(out, v);
  return out;
}

json::array strings_array(const std::vector<std::string>& strings) {
  json::array a;
  for (const std::string& s : strings) a.emplace_back(s);
  return a;
}

}  // namespace

json::value to_json_value(const Value& x) { return parse_own(to_json(x)); }
json::value to_json_value(const VmOptions& x) { return parse_own(to_json(x)); }
json::value to_json_value(const VmStats& x) { return parse_own(to_json(x)); }

json::value to_json_value(const Diagnostic& x) {
  return json::object{{"file", x.file},
                      {"line", x.line},
                      {"column", x.column},
                      {"message", x.message},
                      {"sourceLine", x.source_line},
                      {"sourceColumn", x.source_column}};
}

json::value to_json_value(const Error& x) {
  json::object o;
  o["code"] = std::string(error_code_name(x.code));
  o["message"] = x.message;
  if (!x.diagnostics.empty()) {
    json::array diagnostics;
    for (const Diagnostic& d : x.diagnostics) diagnostics.push_back(to_json_value(d));
    o["diagnostics"] = std::move(diagnostics);
  }
  if (x.offset != 0) o["offset"] = x.offset;
  if (!x.name.empty()) o["name"] = x.name;
  if (!x.stack.empty()) o["stack"] = x.stack;
  if (x.context_id != 0) o["contextId"] = x.context_id;
  if (x.task_id != 0) o["taskId"] = x.task_id;
  if (x.limit != 0) o["limit"] = x.limit;
  if (x.used != 0) o["used"] = x.used;
  if (!x.path.empty()) o["path"] = x.path;
  return o;
}

namespace {

/// The value / error pair of a result: each written when it means something.
void put_outcome(json::object& o, bool ok, const Value* value, const Error& error) {
  if (value != nullptr && (ok || !value->is_null())) o["value"] = to_json_value(*value);
  if (!ok || error != Error{}) o["error"] = to_json_value(error);
}

}  // namespace

json::value to_json_value(const TaskResult& x) {
  json::object o{{"contextId", x.context_id}, {"taskId", x.task_id}, {"ok", x.ok}};
  put_outcome(o, x.ok, &x.value, x.error);
  return o;
}

json::value to_json_value(const Started& x) {
  json::object o{{"ok", x.ok}, {"taskId", x.task_id}};
  put_outcome(o, x.ok, nullptr, x.error);
  return o;
}

json::value to_json_value(const ModuleSource& x) {
  json::object o{{"kind", kind_name(x.kind)}, {"path", x.path}};
  if (x.kind == ModuleSource::Kind::Source || !x.text.empty()) o["text"] = x.text;
  if (x.kind == ModuleSource::Kind::Bytecode || !x.bytes.empty()) o["bytes"] = to_json_value(Value(x.bytes));
  return o;
}

json::value to_json_value(const ModuleInfo& x) {
  return json::object{
      {"path", x.path}, {"exports", strings_array(x.exports)}, {"capabilities", strings_array(x.capabilities)}};
}

json::value to_json_value(const LoadResult& x) {
  json::object o{{"ok", x.ok}};
  if (x.ok || x.info != ModuleInfo{}) o["info"] = to_json_value(x.info);
  put_outcome(o, x.ok, &x.value, x.error);
  return o;
}

json::value to_json_value(const CapabilityCall& x) {
  json::array args;
  for (const Value& arg : x.args) args.push_back(to_json_value(arg));
  return json::object{{"contextId", x.context_id},
                      {"requestId", x.request_id},
                      {"taskId", x.task_id},
                      {"capability", x.capability},
                      {"args", std::move(args)}};
}

json::value to_json_value(const CapabilityResult& x) {
  json::object o{{"ok", x.ok}};
  put_outcome(o, x.ok, &x.value, x.error);
  return o;
}

json::value to_json_value(const ContextReport& x) {
  json::object o{{"contextId", x.context_id},
                 {"name", x.name},
                 {"state", state_name(x.state)},
                 {"restarts", x.restarts},
                 {"stats", to_json_value(x.stats)}};
  if (x.state == ContextReport::State::Failed || x.error != Error{}) o["error"] = to_json_value(x.error);
  return o;
}

std::string to_json(const Diagnostic& x) { return compact(to_json_value(x)); }
std::string to_json(const Error& x) { return compact(to_json_value(x)); }
std::string to_json(const TaskResult& x) { return compact(to_json_value(x)); }
std::string to_json(const Started& x) { return compact(to_json_value(x)); }
std::string to_json(const ModuleSource& x) { return compact(to_json_value(x)); }
std::string to_json(const ModuleInfo& x) { return compact(to_json_value(x)); }
std::string to_json(const LoadResult& x) { return compact(to_json_value(x)); }
std::string to_json(const CapabilityCall& x) { return compact(to_json_value(x)); }
std::string to_json(const CapabilityResult& x) { return compact(to_json_value(x)); }
std::string to_json(const ContextReport& x) { return compact(to_json_value(x)); }

// --- reading -----------------------------------------------------------------------

namespace {

/// Reads parts of a document; every failure names the path of the part
/// ("" at the root, then "error.diagnostics[0].line").
class Reader {
 public:
  explicit Reader(std::string& error) : error_(error) {}

  bool fail(std::string_view path, const std::string& message) {
    error_ = path.empty() ? message : std::string(path) + ": " + message;
    return false;
  }

  static std::string child(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
  }

  /// Calls member(key, value, path of the key) for each member of an
  /// object; it returns false to stop (having called fail).
  template <class Member>
  bool members(const json::value& v, std::string_view path, Member&& member) {
    if (!v.is_object()) return fail(path, "expected an object, got " + json::serialize(v));
    for (const auto& [key, value] : v.as_object())
      if (!member(std::string_view(key), value, child(path, key))) return false;
    return true;
  }

  bool unknown_key(const std::string& key_path) { return fail(key_path, "unknown key"); }

  bool read(const json::value& v, std::string_view path, std::string& out) {
    if (!v.is_string()) return fail(path, "expected a string, got " + json::serialize(v));
    out.assign(v.as_string().data(), v.as_string().size());
    return true;
  }

  bool read(const json::value& v, std::string_view path, bool& out) {
    if (!v.is_bool()) return fail(path, "expected true or false, got " + json::serialize(v));
    out = v.as_bool();
    return true;
  }

  /// A whole number in [0, max]; a double is accepted when it is one
  /// (JavaScript may write 1e6), as vm_options_from_json does.
  bool read_count(const json::value& v, std::string_view path, uint64_t max, uint64_t& out) {
    uint64_t n = 0;
    bool whole = true;
    if (v.is_uint64()) n = v.as_uint64();
    else if (v.is_int64() && v.as_int64() >= 0) n = uint64_t(v.as_int64());
    else if (v.is_double() && v.as_double() >= 0 && v.as_double() < 0x1p64 &&
             v.as_double() == std::floor(v.as_double()))
      n = uint64_t(v.as_double());
    else whole = false;
    if (!whole || n > max)
      return fail(path, "expected a whole number from 0 to " + std::to_string(max) + ", got " + json::serialize(v));
    out = n;
    return true;
  }
  bool read(const json::value& v, std::string_view path, uint64_t& out) { return read_count(v, path, UINT64_MAX, out); }
  bool read(const json::value& v, std::string_view path, uint32_t& out) {
    uint64_t n = 0;
    if (!read_count(v, path, UINT32_MAX, n)) return false;
    out = uint32_t(n);
    return true;
  }

  bool read(const json::value& v, std::string_view path, std::vector<std::string>& out) {
    if (!v.is_array()) return fail(path, "expected an array of strings, got " + json::serialize(v));
    std::vector<std::string> strings(v.as_array().size());
    for (size_t i = 0; i < strings.size(); ++i)
      if (!read(v.as_array()[i], std::string(path) + "[" + std::to_string(i) + "]", strings[i])) return false;
    out = std::move(strings);
    return true;
  }

  /// Through Value's own reader (see the top of this file); its error
  /// names the place inside the value ("args[0]: at $.a[1]: ...").
  bool read(const json::value& v, std::string_view path, Value& out) {
    std::string value_error;
    if (!value_from_json(compact(v), out, value_error)) return fail(path, value_error);
    return true;
  }

  bool read(const json::value& v, std::string_view path, std::vector<Value>& out) {
    if (!v.is_array()) return fail(path, "expected an array, got " + json::serialize(v));
    std::vector<Value> values(v.as_array().size());
    for (size_t i = 0; i < values.size(); ++i)
      if (!read(v.as_array()[i], std::string(path) + "[" + std::to_string(i) + "]", values[i])) return false;
    out = std::move(values);
    return true;
  }

  bool read(const json::value& v, std::string_view path, VmOptions& out) {
    VmOptions options;
    std::string options_error;
    if (!v.is_object()) return fail(path, "expected an object, got " + json::serialize(v));
    if (!vm_options_from_json(json::serialize(v), options, options_error)) return fail(path, options_error);
    out = options;
    return true;
  }

  bool read(const json::value& v, std::string_view path, VmStats& out) {
    VmStats stats;
    std::string stats_error;
    if (!v.is_object()) return fail(path, "expected an object, got " + json::serialize(v));
    if (!vm_stats_from_json(json::serialize(v), stats, stats_error)) return fail(path, stats_error);
    out = stats;
    return true;
  }

  bool read(const json::value& v, std::string_view path, ErrorCode& out) {
    if (!v.is_string()) return fail(path, "expected an error code name, got " + json::serialize(v));
    std::string_view name(v.as_string().data(), v.as_string().size());
    std::optional<ErrorCode> code = error_code_from_name(name);
    if (!code) return fail(path, "unknown error code " + json::serialize(v));
    out = *code;
    return true;
  }

  static bool is_string(const json::value& v, std::string_view s) {
    return v.is_string() && std::string_view(v.as_string().data(), v.as_string().size()) == s;
  }

  bool read(const json::value& v, std::string_view path, ModuleSource::Kind& out) {
    if (is_string(v, "Source")) out = ModuleSource::Kind::Source;
    else if (is_string(v, "Bytecode")) out = ModuleSource::Kind::Bytecode;
    else return fail(path, "expected \"Source\" or \"Bytecode\", got " + json::serialize(v));
    return true;
  }

  bool read(const json::value& v, std::string_view path, ContextReport::State& out) {
    if (is_string(v, "Running")) out = ContextReport::State::Running;
    else if (is_string(v, "Terminated")) out = ContextReport::State::Terminated;
    else if (is_string(v, "Failed")) out = ContextReport::State::Failed;
    else return fail(path, "expected \"Running\", \"Terminated\" or \"Failed\", got " + json::serialize(v));
    return true;
  }

  bool read_bytes(const json::value& v, std::string_view path, std::vector<uint8_t>& out) {
    Value bytes;
    if (!read(v, path, bytes)) return false;
    if (!bytes.is_bytes()) return fail(path, "expected {\"$bytes\": \"<base64>\"}, got " + json::serialize(v));
    out = bytes.as_bytes();
    return true;
  }

  // Records: each starts from its defaults and changes `out` only on success.

  bool read(const json::value& v, std::string_view path, Diagnostic& out) {
    Diagnostic d;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "file") return read(m, p, d.file);
      if (key == "line") return read(m, p, d.line);
      if (key == "column") return read(m, p, d.column);
      if (key == "message") return read(m, p, d.message);
      if (key == "sourceLine") return read(m, p, d.source_line);
      if (key == "sourceColumn") return read(m, p, d.source_column);
      return unknown_key(p);
    });
    if (ok) out = std::move(d);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, Error& out) {
    Error e;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "code") return read(m, p, e.code);
      if (key == "message") return read(m, p, e.message);
      if (key == "diagnostics") return read_diagnostics(m, p, e.diagnostics);
      if (key == "offset") return read(m, p, e.offset);
      if (key == "name") return read(m, p, e.name);
      if (key == "stack") return read(m, p, e.stack);
      if (key == "contextId") return read(m, p, e.context_id);
      if (key == "taskId") return read(m, p, e.task_id);
      if (key == "limit") return read(m, p, e.limit);
      if (key == "used") return read(m, p, e.used);
      if (key == "path") return read(m, p, e.path);
      return unknown_key(p);
    });
    if (ok) out = std::move(e);
    return ok;
  }

  bool read_diagnostics(const json::value& v, std::string_view path, std::vector<Diagnostic>& out) {
    if (!v.is_array()) return fail(path, "expected an array, got " + json::serialize(v));
    std::vector<Diagnostic> diagnostics(v.as_array().size());
    for (size_t i = 0; i < diagnostics.size(); ++i)
      if (!read(v.as_array()[i], std::string(path) + "[" + std::to_string(i) + "]", diagnostics[i])) return false;
    out = std::move(diagnostics);
    return true;
  }

  bool read(const json::value& v, std::string_view path, TaskResult& out) {
    TaskResult r;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "contextId") return read(m, p, r.context_id);
      if (key == "taskId") return read(m, p, r.task_id);
      if (key == "ok") return read(m, p, r.ok);
      if (key == "value") return read(m, p, r.value);
      if (key == "error") return read(m, p, r.error);
      return unknown_key(p);
    });
    if (ok) out = std::move(r);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, Started& out) {
    Started s;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "ok") return read(m, p, s.ok);
      if (key == "taskId") return read(m, p, s.task_id);
      if (key == "error") return read(m, p, s.error);
      return unknown_key(p);
    });
    if (ok) out = std::move(s);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, ModuleSource& out) {
    ModuleSource s;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "kind") return read(m, p, s.kind);
      if (key == "path") return read(m, p, s.path);
      if (key == "text") return read(m, p, s.text);
      if (key == "bytes") return read_bytes(m, p, s.bytes);
      return unknown_key(p);
    });
    if (ok) out = std::move(s);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, ModuleInfo& out) {
    ModuleInfo info;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "path") return read(m, p, info.path);
      if (key == "exports") return read(m, p, info.exports);
      if (key == "capabilities") return read(m, p, info.capabilities);
      return unknown_key(p);
    });
    if (ok) out = std::move(info);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, LoadResult& out) {
    LoadResult r;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "ok") return read(m, p, r.ok);
      if (key == "info") return read(m, p, r.info);
      if (key == "value") return read(m, p, r.value);
      if (key == "error") return read(m, p, r.error);
      return unknown_key(p);
    });
    if (ok) out = std::move(r);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, CapabilityCall& out) {
    CapabilityCall c;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "contextId") return read(m, p, c.context_id);
      if (key == "requestId") return read(m, p, c.request_id);
      if (key == "taskId") return read(m, p, c.task_id);
      if (key == "capability") return read(m, p, c.capability);
      if (key == "args") return read(m, p, c.args);
      return unknown_key(p);
    });
    if (ok) out = std::move(c);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, CapabilityResult& out) {
    CapabilityResult r;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "ok") return read(m, p, r.ok);
      if (key == "value") return read(m, p, r.value);
      if (key == "error") return read(m, p, r.error);
      return unknown_key(p);
    });
    if (ok) out = std::move(r);
    return ok;
  }

  bool read(const json::value& v, std::string_view path, ContextReport& out) {
    ContextReport r;
    bool ok = members(v, path, [&](std::string_view key, const json::value& m, const std::string& p) {
      if (key == "contextId") return read(m, p, r.context_id);
      if (key == "name") return read(m, p, r.name);
      if (key == "state") return read(m, p, r.state);
      if (key == "restarts") return read(m, p, r.restarts);
      if (key == "stats") return read(m, p, r.stats);
      if (key == "error") return read(m, p, r.error);
      return unknown_key(p);
    });
    if (ok) out = std::move(r);
    return ok;
  }

 private:
  std::string& error_;
};

template <class Record>
bool read_text(std::string_view text, Record& out, std::string& error) {
  json::value v;
  if (!parse_json_exact(text, v, error)) return false;
  return Reader(error).read(v, "", out);
}

}  // namespace

bool from_json_value(const json::value& v, Value& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, VmOptions& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, VmStats& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, Diagnostic& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, Error& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, TaskResult& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, Started& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, ModuleSource& out, std::string& error) {
  return Reader(error).read(v, "", out);
}
bool from_json_value(const json::value& v, ModuleInfo& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, LoadResult& out, std::string& error) { return Reader(error).read(v, "", out); }
bool from_json_value(const json::value& v, CapabilityCall& out, std::string& error) {
  return Reader(error).read(v, "", out);
}
bool from_json_value(const json::value& v, CapabilityResult& out, std::string& error) {
  return Reader(error).read(v, "", out);
}
bool from_json_value(const json::value& v, ContextReport& out, std::string& error) {
  return Reader(error).read(v, "", out);
}

bool from_json(std::string_view text, Diagnostic& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, Error& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, TaskResult& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, Started& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, ModuleSource& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, ModuleInfo& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, LoadResult& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, CapabilityCall& out, std::string& error) { return read_text(text, out, error); }
bool from_json(std::string_view text, CapabilityResult& out, std::string& error) {
  return read_text(text, out, error);
}
bool from_json(std::string_view text, ContextReport& out, std::string& error) { return read_text(text, out, error); }

}  // namespace raya::messages
