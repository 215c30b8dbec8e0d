// Command-line parsing helpers for `raya`: sizes (64M, 1MiB, 4096),
// durations (500ms, 2s, 1m) and the options of `raya run`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace raya::cli {

/// "1048576", "512K", "64M", "1G", "64MiB" -> bytes; nullopt if malformed.
std::optional<uint64_t> parse_size(const std::string& text);
/// "250ms", "2s", "1.5s", "1m", "100" (ms) -> milliseconds.
std::optional<uint64_t> parse_duration_ms(const std::string& text);
std::optional<uint64_t> parse_count(const std::string& text);

struct RunOptions {
  std::string file;
  bool print_result = false;
  bool stats = false;
  std::optional<uint64_t> max_heap;
  std::optional<uint64_t> max_steps;
  std::optional<uint64_t> max_tasks;
  std::optional<uint64_t> timeout_ms;
  std::optional<std::vector<std::string>> grants;
  std::string config_file;
  std::string profile;  // a sandbox profile of the --config file
};

/// Parses `raya run` arguments (after "run"); on failure returns nullopt and
/// sets `error` to a message for the user.
std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string& error);

}  // namespace raya::cli
