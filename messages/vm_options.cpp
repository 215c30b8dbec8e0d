// JSON forms of VmOptions and VmStats, with Boost.JSON.
#include "messages/vm_options.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace raya::messages {

namespace json = boost::json;

namespace {

json::value limit_value(uint64_t v) {
  if (v == VmOptions::kUnlimited) return nullptr;
  return json::value(v);
}

json::object options_object(const VmOptions& o) {
  json::object obj;
  obj["maxHeapBytes"] = limit_value(o.max_heap_bytes);
  obj["maxTasks"] = o.max_tasks;
  obj["maxStepBudget"] = limit_value(o.max_step_budget);
  obj["maxCpuTimeMs"] = limit_value(o.max_cpu_time_ms);
  obj["maxCallDepth"] = o.max_call_depth;
  obj["terminateOnTaskLimit"] = o.terminate_on_task_limit;
  obj["randomSeed"] = o.random_seed;
  return obj;
}

/// A non-negative whole number (or null for "unlimited" where allowed).
bool read_count(const json::value& v, std::string_view key, uint64_t max, bool null_is_unlimited, uint64_t& out,
                std::string& error) {
  if (v.is_null() && null_is_unlimited) {
    out = VmOptions::kUnlimited;
    return true;
  }
  double d = -1;
  if (v.is_uint64()) d = double(v.as_uint64());
  else if (v.is_int64()) d = double(v.as_int64());
  else if (v.is_double()) d = v.as_double();
  else {
    error = std::string(key) + ": expected a whole number" + (null_is_unlimited ? " or null" : "") + ", got " +
            json::serialize(v);
    return false;
  }
  if (!(d >= 0) || d != std::floor(d) || d > double(max)) {
    error = std::string(key) + ": expected a whole number from 0 to " + std::to_string(max) + ", got " +
            json::serialize(v);
    return false;
  }
  // Integers are exact; only a double (e.g. 1e6) goes through d.
  out = v.is_uint64() ? v.as_uint64() : v.is_int64() ? uint64_t(v.as_int64()) : uint64_t(d);
  return true;
}

bool parse_object(std::string_view text, json::object& out, std::string& error) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    error = "invalid JSON: " + ec.message();
    return false;
  }
  if (!v.is_object()) {
    error = "expected a JSON object, got " + json::serialize(v);
    return false;
  }
  out = std::move(v.as_object());
  return true;
}

bool read_options(const json::object& obj, VmOptions& out, std::string& error, std::string_view prefix) {
  VmOptions o = out;
  for (const auto& [key, value] : obj) {
    std::string name = std::string(prefix) + std::string(key);
    uint64_t n = 0;
    if (key == "maxHeapBytes") {
      if (!read_count(value, name, VmOptions::kUnlimited - 1, true, n, error)) return false;
      o.max_heap_bytes = n;
    } else if (key == "maxTasks") {
      if (!read_count(value, name, UINT32_MAX, false, n, error)) return false;
      o.max_tasks = uint32_t(n);
    } else if (key == "maxStepBudget") {
      if (!read_count(value, name, VmOptions::kUnlimited - 1, true, n, error)) return false;
      o.max_step_budget = n;
    } else if (key == "maxCpuTimeMs") {
      if (!read_count(value, name, VmOptions::kUnlimited - 1, true, n, error)) return false;
      o.max_cpu_time_ms = n;
    } else if (key == "maxCallDepth") {
      if (!read_count(value, name, 1000000, false, n, error)) return false;
      if (n == 0) {
        error = name + ": must be at least 1";
        return false;
      }
      o.max_call_depth = uint32_t(n);
    } else if (key == "terminateOnTaskLimit") {
      if (!value.is_bool()) {
        error = name + ": expected true or false, got " + json::serialize(value);
        return false;
      }
      o.terminate_on_task_limit = value.as_bool();
    } else if (key == "randomSeed") {
      if (!read_count(value, name, VmOptions::kUnlimited, false, n, error)) return false;
      o.random_seed = n;
    } else {
      error = "unknown key '" + name + "'";
      return false;
    }
  }
  out = o;
  return true;
}

}  // namespace

std::string to_json(const VmOptions& options) { return json::serialize(options_object(options)); }

std::string to_json(const VmStats& s) {
  json::object obj;
  obj["heapBytesUsed"] = s.heap_bytes_used;
  obj["peakHeapBytes"] = s.peak_heap_bytes;
  obj["tasks"] = s.tasks;
  obj["tasksCreated"] = s.tasks_created;
  obj["stepsExecuted"] = s.steps_executed;
  obj["cpuTimeUs"] = s.cpu_time_us;
  obj["gcCount"] = s.gc_count;
  obj["gcPauseUsTotal"] = s.gc_pause_us_total;
  obj["gcPauseUsMax"] = s.gc_pause_us_max;
  obj["limits"] = options_object(s.limits);
  return json::serialize(obj);
}

bool vm_options_from_json(std::string_view text, VmOptions& out, std::string& error) {
  json::object obj;
  if (!parse_object(text, obj, error)) return false;
  return read_options(obj, out, error, "");
}

bool vm_stats_from_json(std::string_view text, VmStats& out, std::string& error) {
  json::object obj;
  if (!parse_object(text, obj, error)) return false;
  VmStats s = out;
  for (const auto& [key, value] : obj) {
    uint64_t* field = nullptr;
    if (key == "heapBytesUsed") field = &s.heap_bytes_used;
    else if (key == "peakHeapBytes") field = &s.peak_heap_bytes;
    else if (key == "tasks") field = &s.tasks;
    else if (key == "tasksCreated") field = &s.tasks_created;
    else if (key == "stepsExecuted") field = &s.steps_executed;
    else if (key == "cpuTimeUs") field = &s.cpu_time_us;
    else if (key == "gcCount") field = &s.gc_count;
    else if (key == "gcPauseUsTotal") field = &s.gc_pause_us_total;
    else if (key == "gcPauseUsMax") field = &s.gc_pause_us_max;
    if (field != nullptr) {
      if (!read_count(value, key, VmOptions::kUnlimited, false, *field, error)) return false;
    } else if (key == "limits") {
      if (!value.is_object()) {
        error = "limits: expected an object";
        return false;
      }
      if (!read_options(value.as_object(), s.limits, error, "limits.")) return false;
    } else {
      error = "unknown key '" + std::string(key) + "'";
      return false;
    }
  }
  out = s;
  return true;
}

}  // namespace raya::messages
