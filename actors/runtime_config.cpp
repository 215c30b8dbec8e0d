// Reading RuntimeConfig and SandboxProfile from JSON (configs/README.md is
// the user's view of every key). The readers are strict on purpose: a config
// file decides how much memory and CPU untrusted code gets, so a typo or a
// value out of range is an error naming the key, never a silent default.
// VmOptions objects are read by messages::vm_options_from_json, so a limit
// is spelt and checked the same way here as in `new Vm({...})`.
#include "actors/runtime_config.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include "vmcore/compiler/file_reader.hpp"

namespace raya::actors {

namespace json = boost::json;
using messages::ErrorCode;
using messages::VmOptions;

namespace {

// One file being read. `error` holds the whole message once something failed:
// "<origin>: <dotted.key.path>: expected <what>, got <what was there>".
struct Source {
  std::string origin;
  std::string error;

  bool fail(std::string_view path, std::string_view message) {
    error = origin + ": ";
    if (!path.empty()) error += std::string(path) + ": ";
    error += message;
    return false;
  }
  bool fail(std::string_view path, std::string_view expected, std::string_view got) {
    return fail(path, "expected " + std::string(expected) + ", got " + std::string(got));
  }
};

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

/// What a value was, for "got ...": scalars as written, containers by kind
/// (a whole object in a message hides the point). Doubles print shortest
/// ("1.5", not Boost's "1.5E0").
std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
      return ec == std::errc() ? std::string(buf, end) : "a number";
    }
    case json::kind::string: return json::serialize(v);
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

std::string key_list(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

bool fail_unknown_key(Source& src, std::string_view path, std::string_view known) {
  return src.fail(path, "unknown key; expected one of " + std::string(known));
}

/// 1-based line and column (in bytes) of `offset` in `text`.
std::string line_col(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

/// Parses a whole file's text into its top-level object. Syntax errors are
/// "<origin>:LINE:COL: invalid JSON: <reason>": Boost.JSON only reports how
/// far it got, which is where the bad character is.
bool parse_document(std::string_view text, Source& src, json::object& out) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return src.fail("", "expected a JSON object, got an empty file");
  json::stream_parser parser;
  boost::system::error_code ec;
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);  // "incomplete JSON" shows up only here, at the end of the text
  if (ec) {
    src.error = src.origin + ":" + line_col(text, consumed) + ": invalid JSON: " + ec.message();
    return false;
  }
  json::value v = parser.release();
  if (!v.is_object()) return src.fail("", "a JSON object", describe(v));
  out = std::move(v.as_object());
  return true;
}

/// A whole number in [min, max], written as an integer or as a number with
/// no fraction (1e6). With `null_is_unlimited`, null reads as kUnlimited (so
/// such fields pass max <= kUnlimited - 1).
bool read_whole(const json::value& v, std::string_view path, uint64_t min, uint64_t max, bool null_is_unlimited,
                uint64_t& out, Source& src) {
  if (null_is_unlimited && v.is_null()) {
    out = VmOptions::kUnlimited;
    return true;
  }
  bool ok = false, too_large = false;
  uint64_t n = 0;
  if (v.is_uint64()) {
    n = v.get_uint64();
    ok = true;
  } else if (v.is_int64()) {  // Boost.JSON stores non-negative integers as int64 too
    ok = v.get_int64() >= 0;
    n = uint64_t(v.get_int64());
  } else if (v.is_double()) {
    double d = v.get_double();
    // 2^64 itself is the first double that does not fit.
    ok = d >= 0 && d == std::floor(d) && d < 18446744073709551616.0;
    too_large = d >= 18446744073709551616.0;
    if (ok) n = uint64_t(d);
  }
  too_large = too_large || (ok && n > max);
  if (ok && n >= min && n <= max) {
    out = n;
    return true;
  }
  // ">= 1" reads better than "from 1 to 18446744073709551615" when the top is
  // just the type's limit and the value did not hit it.
  bool unbounded = max >= VmOptions::kUnlimited - 1 && !too_large;
  std::string expected = "a whole number ";
  expected += unbounded ? ">= " + std::to_string(min) : "from " + std::to_string(min) + " to " + std::to_string(max);
  if (null_is_unlimited) expected += " or null (unlimited)";
  return src.fail(path, expected, describe(v));
}

bool read_choice(const json::value& v, std::string_view path, std::initializer_list<std::string_view> choices,
                 std::string& out, Source& src) {
  if (v.is_string()) {
    for (std::string_view c : choices)
      if (v.get_string() == c) {
        out = std::string(c);
        return true;
      }
  }
  std::string expected;
  for (std::string_view c : choices) expected += (expected.empty() ? "\"" : " or \"") + std::string(c) + "\"";
  return src.fail(path, expected, describe(v));
}

/// The VmOptions keys, taken from the writer so this list cannot go stale.
std::string vm_option_keys() {
  json::value written = json::parse(messages::to_json(VmOptions{}));  // kept alive: the loop reads into it
  std::string out;
  for (const auto& kv : written.as_object()) out += (out.empty() ? "" : ", ") + std::string(kv.key());
  return out;
}

/// A VmOptions object at `path`, starting from `out`'s values. messages/
/// reports "KEY: ..." or "unknown key 'KEY'"; both become dotted paths here.
bool read_options(const json::value& v, std::string_view path, VmOptions& out, Source& src) {
  if (!v.is_object()) return src.fail(path, "an object of VM limits", describe(v));
  std::string error;
  if (messages::vm_options_from_json(json::serialize(v), out, error)) return true;
  constexpr std::string_view kUnknown = "unknown key '";
  if (error.starts_with(kUnknown) && error.ends_with("'")) {
    std::string key = error.substr(kUnknown.size(), error.size() - kUnknown.size() - 1);
    return fail_unknown_key(src, join(path, key), vm_option_keys());
  }
  src.error = src.origin + ": " + join(path, error);  // error reads "KEY: expected ..., got ..."
  return false;
}

bool is_profile_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

constexpr std::string_view kProfileNameRule = "a profile name of letters, digits, '_' or '-'";

bool read_grants(const json::value& v, std::string_view path, std::vector<std::string>& out, Source& src) {
  if (!v.is_array()) return src.fail(path, "an array of capability names", describe(v));
  std::vector<std::string> grants;
  std::set<std::string_view> seen;
  const json::array& items = v.get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    if (!items[i].is_string() || items[i].get_string().empty())
      return src.fail(item_path, "a non-empty capability name", describe(items[i]));
    std::string_view name = items[i].get_string();
    // A duplicate is harmless to run but usually a sign of an edited-over list.
    if (!seen.insert(name).second) return src.fail(item_path, "each capability once", describe(items[i]) + " again");
    grants.emplace_back(name);
  }
  out = std::move(grants);
  return true;
}

bool read_comment(const json::value& v, Source& src) {
  return v.is_string() || src.fail("$comment", "a string", describe(v));
}

/// A profile object ({options, grants}) at `path`; `out.options` holds the
/// base the options start from. `$comment` is allowed where the object is a
/// whole file's top level.
bool read_profile(const json::object& obj, std::string_view path, bool is_file_top, SandboxProfile& out,
                  Source& src) {
  for (const auto& [key, value] : obj) {
    std::string key_path = join(path, key);
    if (key == "options") {
      if (!read_options(value, key_path, out.options, src)) return false;
    } else if (key == "grants") {
      if (!read_grants(value, key_path, out.grants, src)) return false;
    } else if (key == "$comment" && is_file_top) {
      if (!read_comment(value, src)) return false;
    } else {
      return fail_unknown_key(src, key_path, is_file_top ? "options, grants, $comment" : "options, grants");
    }
  }
  return true;
}

/// Reads a whole config or profile file: a regular file of at most
/// kMaxConfigFileBytes (a directory, /dev/zero or a FIFO is refused, never
/// read without end). On failure `error` is "cannot read PATH: <why>".
bool read_text_file(const std::string& path, std::string& out, std::string& error) {
  vm::compiler::FileLookup file = vm::compiler::read_regular_file(path, kMaxConfigFileBytes);
  switch (file.kind) {
    case vm::compiler::FileLookup::Kind::Found:
      out = std::move(file.text);
      return true;
    case vm::compiler::FileLookup::Kind::Missing:
      error = "cannot read " + path + ": No such file or directory";
      return false;
    case vm::compiler::FileLookup::Kind::Refused:
      error = "cannot read " + path + ": " + file.reason;
      return false;
  }
  return false;
}

/// Parses a profile's JSON text; its options start from `base`.
Result<SandboxProfile> parse_profile_text(std::string_view text, std::string_view origin, std::string name,
                                          const VmOptions& base) {
  Source src{std::string(origin), ""};
  SandboxProfile profile{std::move(name), base, {}};
  json::object obj;
  bool ok = is_profile_name(profile.name)
                ? parse_document(text, src, obj) && read_profile(obj, "", true, profile, src)
                : src.fail("", kProfileNameRule, json::serialize(json::value(profile.name)));
  if (!ok) return messages::make_error(ErrorCode::ConfigError, src.error);
  return profile;
}

bool read_supervisor(const json::value& v, std::string_view path, SupervisorPolicy& out, Source& src) {
  if (!v.is_object()) return src.fail(path, "an object", describe(v));
  for (const auto& [key, value] : v.get_object()) {
    std::string key_path = join(path, key);
    uint64_t n = 0;
    if (key == "maxContexts") {
      if (!read_whole(value, key_path, 1, UINT64_MAX, false, n, src)) return false;
      out.max_contexts = n;
    } else if (key == "totalHeapBytes") {
      if (!read_whole(value, key_path, 1, VmOptions::kUnlimited - 1, true, n, src)) return false;
      out.total_heap_bytes = n;
    } else if (key == "maxLimits") {
      if (!read_options(value, key_path, out.max_limits, src)) return false;
    } else if (key == "restart") {
      std::string s;
      if (!read_choice(value, key_path, {"none", "restartFresh"}, s, src)) return false;
      out.restart = s == "none" ? RestartStrategy::None : RestartStrategy::RestartFresh;
    } else if (key == "maxRestarts") {
      if (!read_whole(value, key_path, 0, UINT32_MAX, false, n, src)) return false;
      out.max_restarts = uint32_t(n);
    } else if (key == "restartWindowMs") {
      if (!read_whole(value, key_path, 1, UINT64_MAX, false, n, src)) return false;
      out.restart_window_ms = n;
    } else {
      return fail_unknown_key(src, key_path,
                              key_list({"maxContexts", "totalHeapBytes", "maxLimits", "restart", "maxRestarts",
                                        "restartWindowMs"}));
    }
  }
  return true;
}

/// "profiles": each entry is an inline profile object or a path (relative to
/// `base_dir`) of a profile file. Either way the options start from
/// `defaults`, so a profile states only what it changes.
bool read_profiles(const json::value& v, const std::string& base_dir, const VmOptions& defaults,
                   std::map<std::string, SandboxProfile>& out, Source& src) {
  if (!v.is_object()) return src.fail("profiles", "an object of named profiles", describe(v));
  for (const auto& [key, value] : v.get_object()) {
    std::string name(key);
    std::string path = join("profiles", name);
    if (!is_profile_name(name)) return src.fail("profiles", kProfileNameRule, json::serialize(json::value(name)));
    if (value.is_object()) {
      SandboxProfile profile{name, defaults, {}};
      if (!read_profile(value.get_object(), path, false, profile, src)) return false;
      out[name] = std::move(profile);
    } else if (value.is_string() && !value.get_string().empty()) {
      std::string file =
          (std::filesystem::path(base_dir) / std::string_view(value.get_string())).lexically_normal().string();
      std::string text, error;
      if (!read_text_file(file, text, error)) return src.fail(path, error);
      // Errors inside the profile file name that file: that is where the fix goes.
      Result<SandboxProfile> profile = parse_profile_text(text, file, name, defaults);
      if (!profile) {
        src.error = profile.error().message;
        return false;
      }
      out[name] = std::move(profile).value();
    } else {
      return src.fail(path, "a profile object or the path of a profile file", describe(value));
    }
  }
  return true;
}

}  // namespace

Result<SandboxProfile> RuntimeConfig::profile(std::string_view name) const {
  auto it = profiles.find(std::string(name));
  if (it != profiles.end()) return it->second;
  std::string known;
  for (const auto& [n, p] : profiles) known += (known.empty() ? "" : ", ") + n;
  return messages::make_error(ErrorCode::ConfigError,
                              "no sandbox profile named \"" + std::string(name) + "\"; " +
                                  (known.empty() ? "no profiles are configured" : "known profiles: " + known));
}

Result<RuntimeConfig> parse_runtime_config(std::string_view text, std::string_view origin,
                                           const std::string& base_dir) {
  Source src{std::string(origin), ""};
  json::object obj;
  if (!parse_document(text, src, obj)) return messages::make_error(ErrorCode::ConfigError, src.error);

  RuntimeConfig config;
  const json::value* profiles = nullptr;  // read last: profiles start from defaultOptions, wherever it is written
  for (const auto& [key, value] : obj) {
    uint64_t n = 0;
    bool ok = true;
    if (key == "workerThreads") {
      // A cap well above any machine, so a typo cannot start a thread storm.
      ok = read_whole(value, key, 0, 1024, false, n, src);
      config.worker_threads = uint32_t(n);
    } else if (key == "schedulerPolicy") {
      ok = read_choice(value, key, {"hostFirst", "sharing", "stealing"}, config.scheduler_policy, src);
    } else if (key == "sliceSteps") {
      // Below 100 a context spends more time yielding than running; above
      // 1e8 one busy context holds a worker thread for about a second.
      ok = read_whole(value, key, 100, 100'000'000, false, n, src);
      config.slice_steps = n;
    } else if (key == "defaultOptions") {
      ok = read_options(value, key, config.default_options, src);
    } else if (key == "supervisor") {
      ok = read_supervisor(value, key, config.supervisor, src);
    } else if (key == "profiles") {
      profiles = &value;
    } else if (key == "$comment") {
      ok = read_comment(value, src);
    } else {
      ok = fail_unknown_key(src, key,
                            key_list({"workerThreads", "schedulerPolicy", "sliceSteps", "defaultOptions", "supervisor",
                                      "profiles", "$comment"}));
    }
    if (!ok) return messages::make_error(ErrorCode::ConfigError, src.error);
  }
  if (profiles != nullptr && !read_profiles(*profiles, base_dir, config.default_options, config.profiles, src))
    return messages::make_error(ErrorCode::ConfigError, src.error);
  return config;
}

Result<RuntimeConfig> load_runtime_config(const std::string& path) {
  std::string text, error;
  if (!read_text_file(path, text, error)) return messages::make_error(ErrorCode::ConfigError, error);
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return parse_runtime_config(text, path, base_dir.empty() ? "." : base_dir);
}

Result<SandboxProfile> parse_sandbox_profile(std::string_view text, std::string_view origin, std::string name) {
  return parse_profile_text(text, origin, std::move(name), VmOptions{});
}

Result<SandboxProfile> load_sandbox_profile(const std::string& path) {
  std::string text, error;
  if (!read_text_file(path, text, error)) return messages::make_error(ErrorCode::ConfigError, error);
  return parse_profile_text(text, path, std::filesystem::path(path).stem().string(), VmOptions{});
}

}  // namespace raya::actors
