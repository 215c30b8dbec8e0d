// Fuzz target: runtime configuration JSON (actors/runtime_config.hpp), as a
// whole config and as one sandbox profile. Oracle: nothing crashes or
// throws (a bad config is a ConfigError, never an exception).
//
// A config may name profile files relative to its folder. Those reads are
// confined here to a folder holding two profiles: inputs whose profile
// entries are anything but a plain file name are skipped, so the fuzzer
// never reads the machine's files (`../../dev/zero` is issue 10 item 3, and
// a test of its own).
#include <boost/json/parse.hpp>

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "actors/runtime_config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

/// A folder with the profile files a fuzzed config may name.
const std::string& profile_dir() {
  static const std::string dir = [] {
    fs::path path = fs::temp_directory_path() / ("raya-fuzz-profiles-" + std::to_string(::getpid()));
    fs::create_directories(path);
    std::ofstream(path / "strict.json") << R"({"options": {"maxHeapBytes": 1048576}, "grants": ["log"]})";
    std::ofstream(path / "open.json") << R"({"grants": []})";
    return path.string();
  }();
  return dir;
}

bool plain_file_name(const boost::json::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

/// True if every string under "profiles" is a plain file name (or the JSON
/// does not parse, in which case the config parser reads no file either).
bool reads_only_the_profile_dir(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return true;
  const boost::json::value* profiles = v.as_object().if_contains("profiles");
  if (!profiles) return true;
  if (!profiles->is_object()) return true;
  for (const auto& entry : profiles->as_object())
    if (entry.value().is_string() && !plain_file_name(entry.value().as_string())) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace raya;
  const std::string_view json = fuzz::as_text(data, size);
  (void)actors::parse_sandbox_profile(json, "fuzz.json", "fuzz");
  if (reads_only_the_profile_dir(json)) (void)actors::parse_runtime_config(json, "fuzz.json", profile_dir());
  return 0;
}
