#include "tools/raya/cli_args.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace raya::cli {

namespace {

std::optional<double> leading_number(const std::string& text, std::string& suffix) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '_'))
    ++i;
  std::string digits;
  for (size_t j = 0; j < i; ++j)
    if (text[j] != '_') digits += text[j];
  if (digits.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  suffix = text.substr(i);
  for (char& c : suffix) c = char(std::tolower(static_cast<unsigned char>(c)));
  return value;
}

}  // namespace

std::optional<uint64_t> parse_size(const std::string& text) {
  std::string suffix;
  auto n = leading_number(text, suffix);
  if (!n) return std::nullopt;
  double mult = 1;
  if (suffix.empty() || suffix == "b") mult = 1;
  else if (suffix == "k" || suffix == "kb" || suffix == "kib") mult = 1024;
  else if (suffix == "m" || suffix == "mb" || suffix == "mib") mult = 1024.0 * 1024;
  else if (suffix == "g" || suffix == "gb" || suffix == "gib") mult = 1024.0 * 1024 * 1024;
  else return std::nullopt;
  double bytes = *n * mult;
  if (bytes < 1 || bytes > 1e15) return std::nullopt;
  return uint64_t(bytes);
}

std::optional<uint64_t> parse_duration_ms(const std::string& text) {
  std::string suffix;
  auto n = leading_number(text, suffix);
  if (!n) return std::nullopt;
  double mult;
  if (suffix.empty() || suffix == "ms") mult = 1;
  else if (suffix == "s") mult = 1000;
  else if (suffix == "m" || suffix == "min") mult = 60000;
  else return std::nullopt;
  double ms = *n * mult;
  if (ms < 0 || ms > 1e12) return std::nullopt;
  return uint64_t(std::ceil(ms));
}

std::optional<uint64_t> parse_count(const std::string& text) {
  std::string suffix;
  auto n = leading_number(text, suffix);
  if (!n || !suffix.empty() || *n != std::floor(*n) || *n > 1e18) return std::nullopt;
  return uint64_t(*n);
}

std::optional<RunOptions> parse_run_options(const std::vector<std::string>& args, std::string& error) {
  RunOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        error = std::string(name) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "--print-result") {
      o.print_result = true;
    } else if (a == "--stats") {
      o.stats = true;
    } else if (a == "--max-heap") {
      auto v = value("--max-heap");
      if (!v) return std::nullopt;
      o.max_heap = parse_size(*v);
      if (!o.max_heap) {
        error = "--max-heap: '" + *v + "' is not a size (examples: 1048576, 512K, 64M, 1G)";
        return std::nullopt;
      }
    } else if (a == "--max-steps" || a == "--max-tasks") {
      auto v = value(a.c_str());
      if (!v) return std::nullopt;
      auto n = parse_count(*v);
      if (!n || *n == 0) {
        error = a + ": '" + *v + "' is not a positive whole number";
        return std::nullopt;
      }
      (a == "--max-steps" ? o.max_steps : o.max_tasks) = n;
    } else if (a == "--timeout") {
      auto v = value("--timeout");
      if (!v) return std::nullopt;
      o.timeout_ms = parse_duration_ms(*v);
      if (!o.timeout_ms) {
        error = "--timeout: '" + *v + "' is not a duration (examples: 500ms, 2s, 1m)";
        return std::nullopt;
      }
    } else if (a == "--grant") {
      auto v = value("--grant");
      if (!v) return std::nullopt;
      std::vector<std::string> caps;
      size_t start = 0;
      while (start <= v->size()) {
        size_t comma = v->find(',', start);
        std::string cap = v->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!cap.empty() && cap != "none") caps.push_back(cap);  // `--grant none`: nothing
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      o.grants = caps;
    } else if (a == "--config") {
      auto v = value("--config");
      if (!v) return std::nullopt;
      o.config_file = *v;
    } else if (a == "--profile") {
      auto v = value("--profile");
      if (!v) return std::nullopt;
      o.profile = *v;
    } else if (!a.empty() && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return std::nullopt;
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      error = "unexpected argument '" + a + "' (only one program file)";
      return std::nullopt;
    }
  }
  if (o.file.empty()) {
    error = "raya run needs a program file";
    return std::nullopt;
  }
  return o;
}

}  // namespace raya::cli
