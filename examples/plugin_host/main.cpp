// plugin_host: a C++ application that loads Raya plugins into sandboxes of
// one raya::actors::Runtime and runs them all at once. It shows
//  - a Runtime configured from configs/runtime.json, and sandboxes shaped by
//    its "strict" and "plugin" profiles, some with explicit limits or grants
//    (SandboxOptions) on top;
//  - host capabilities (host_capabilities.hpp): log, kvGet/kvPut on a host
//    map, fetchPrice answered later from another thread, and a foreign
//    handle (openLedger) that a plugin holds without seeing inside;
//  - containment: a plugin that loops forever (step budget), one that burns
//    CPU (CPU-time limit), one that allocates without bound (heap limit) and
//    one that imports a capability it was not granted (refused at load,
//    before any of its code runs) each end with a one-line report, while the
//    well-behaved plugins, running on the same worker threads, finish with
//    the right results;
//  - the supervisor's per-sandbox reports, as a table.
// It exits 0 only if every plugin behaved as expected (CTest runs it as
// example/plugin_host). The plugins are in plugins/, one file each.
//
// Run:  make run    or    build/examples/plugin_host/plugin_host
//       build/examples/plugin_host/plugin_host FILE.raya
//           runs one file instead, under the "plugin" profile with every
//           capability above and console granted (examples/capabilities.raya).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "actors/runtime.hpp"
#include "examples/plugin_host/host_capabilities.hpp"
#include "examples/plugin_host/stats_table.hpp"

#ifndef RAYA_PLUGIN_DIR
#error "RAYA_PLUGIN_DIR (the plugins/ folder) must be defined by the build"
#endif
#ifndef RAYA_RUNTIME_CONFIG
#error "RAYA_RUNTIME_CONFIG (configs/runtime.json) must be defined by the build"
#endif

namespace {

using raya::actors::Runtime;
using raya::actors::RuntimeConfig;
using raya::actors::Sandbox;
using raya::actors::SandboxOptions;
using raya::actors::ValueList;
using raya::messages::ErrorCode;
using raya::messages::Value;

/// One plugin: its file, its sandbox and what it should do.
struct Plugin {
  std::string name;  // the sandbox's name; the code is plugins/<name>.raya
  SandboxOptions sandbox;
  ValueList args;  // for its exported main
  /// None: main returns `expected_json`. Otherwise the error expected, at
  /// load (CapabilityDenied) or from main (the limits).
  ErrorCode expected_error = ErrorCode::None;
  std::string expected_json;
};

const char* kText =
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
    "it was the season of Darkness, it was the spring of hope, it was the winter of despair.";

Value order(const char* id, const char* country, int items, int cents) {
  return Value::Map{{"id", id}, {"country", country}, {"items", items}, {"cents", cents}};
}

/// A sandbox shape: a profile, and optionally explicit options or grants
/// that replace the profile's.
SandboxOptions shape(std::string profile, std::optional<raya::messages::VmOptions> options = std::nullopt,
                     std::optional<std::vector<std::string>> grants = std::nullopt) {
  SandboxOptions s;
  s.profile = std::move(profile);
  s.options = std::move(options);
  s.grants = std::move(grants);
  return s;
}

Value line(const char* item, int qty) { return Value::Map{{"item", item}, {"qty", qty}}; }

/// A plugin whose main must return `expected_json`.
Plugin well_behaved(std::string name, SandboxOptions sandbox, ValueList args, std::string expected_json) {
  Plugin p;
  p.name = std::move(name);
  p.sandbox = std::move(sandbox);
  p.sandbox.name = p.name;
  p.args = std::move(args);
  p.expected_json = std::move(expected_json);
  return p;
}

/// A plugin that must end with `expected` (at load or in main).
Plugin contained(std::string name, SandboxOptions sandbox, ErrorCode expected) {
  Plugin p;
  p.name = std::move(name);
  p.sandbox = std::move(sandbox);
  p.sandbox.name = p.name;
  p.expected_error = expected;
  return p;
}

/// The plugins and their sandboxes. `config` supplies the profiles that
/// explicit options start from.
std::vector<Plugin> plugins(const RuntimeConfig& config) {
  using Grants = std::vector<std::string>;
  std::vector<Plugin> list;

  // Well-behaved: the "plugin" profile's limits, each with the grants it needs.
  list.push_back(well_behaved("wordcount", shape("plugin", std::nullopt, Grants{"log", "kvPut"}), {kText},
                              R"({"total":60,"distinct":20,"top":[["it",10],["of",10],["the",10]]})"));
  // One argument, an array (a braced Value::Array would be the argument list itself).
  Value orders = Value::Array{order("A1", "NL", 12, 8000), order("A2", "DE", 1, 1500), order("A3", "XX", 2, 6000),
                              order("A4", "FR", 3, 25000), order("A5", "BE", 10, 4000)};
  list.push_back(well_behaved(
      "rules", shape("plugin", std::nullopt, Grants{"log", "kvGet", "openLedger", "ledgerAdd", "ledgerTotal"}),
      {orders},
      R"({"decisions":["A1:bulk+free-shipping","A2:-","A3:free-shipping+review","A4:free-shipping+review",)"
      R"("A5:bulk"],"booked":{"ledger":"accepted orders","entries":3,"cents":13298},"held":2,)"
      R"("forged":"CapabilityFailed"})"));
  Value basket = Value::Array{line("tea", 2), line("cake", 1), line("jam", 3), line("unicorn", 1), line("scone", 4)};
  list.push_back(well_behaved("pricesum", shape("plugin", std::nullopt, Grants{"log", "fetchPrice"}), {basket},
                              R"j({"cents":2575,"missing":["unicorn (CapabilityFailed)"]})j"));

  // Contained.
  list.push_back(contained("spinner", shape("strict"), ErrorCode::StepBudgetExceeded));  // 50,000,000 steps
  raya::messages::VmOptions cpu_limited = config.profile("plugin")->options;
  cpu_limited.max_cpu_time_ms = 250;
  list.push_back(contained("cpuhog", shape("plugin", cpu_limited), ErrorCode::CpuTimeExceeded));
  raya::messages::VmOptions small_heap = config.profile("strict")->options;
  small_heap.max_heap_bytes = 4 << 20;
  list.push_back(contained("hoarder", shape("strict", small_heap), ErrorCode::HeapLimitExceeded));
  // "plugin" grants log only; sneaky imports kvPut too.
  list.push_back(contained("sneaky", shape("plugin"), ErrorCode::CapabilityDenied));
  return list;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The profile, and "+" when explicit options or grants go on top of it.
std::string profile_label(const Plugin& p) {
  return p.sandbox.profile + (p.sandbox.options || p.sandbox.grants ? "+" : "");
}

std::string grants_of(const Plugin& p, const RuntimeConfig& config) {
  std::vector<std::string> grants = p.sandbox.grants ? *p.sandbox.grants : config.profile(p.sandbox.profile)->grants;
  std::string out;
  for (const std::string& g : grants) {
    if (!out.empty()) out += ", ";
    out += g;
  }
  return out.empty() ? "none" : out;
}

/// What happened to one plugin, and whether that was the plan.
struct Outcome {
  std::string summary;  // "ok", or the error's code name (+ " (load)")
  std::string line;     // the one-line report
  bool as_expected = false;
};

Outcome judge(const Plugin& p, const raya::messages::LoadResult& load,
              const std::optional<raya::messages::TaskResult>& run) {
  Outcome o;
  if (!load.ok) {
    o.summary = std::string(error_code_name(load.error.code)) + " (load)";
    o.as_expected = load.error.code == p.expected_error && p.expected_error == ErrorCode::CapabilityDenied;
    o.line = (o.as_expected ? "refused at load: " : "UNEXPECTED load failure: ") + load.error.to_string();
    return o;
  }
  if (run->ok) {
    o.summary = "ok";
    std::string json = raya::messages::to_json(run->value);
    o.as_expected = p.expected_error == ErrorCode::None && json == p.expected_json;
    o.line = (o.as_expected ? "ok " : "UNEXPECTED result ") + json;
    if (!o.as_expected && p.expected_error == ErrorCode::None) o.line += "\n             expected " + p.expected_json;
    return o;
  }
  o.summary = std::string(error_code_name(run->error.code));
  o.as_expected = run->error.code == p.expected_error;
  o.line = (o.as_expected ? "contained: " : "UNEXPECTED error: ") + run->error.to_string();
  return o;
}

/// Whether the supervisor's report agrees with the plugin's outcome: a
/// sandbox a limit ended is Failed with that error; the others are still
/// running, and the one refused at load never ran a single instruction.
bool report_agrees(const Plugin& p, const raya::messages::ContextReport& r) {
  using State = raya::messages::ContextReport::State;
  if (is_limit_error(p.expected_error)) return r.state == State::Failed && r.error.code == p.expected_error;
  if (r.state != State::Running) return false;
  if (p.expected_error == ErrorCode::CapabilityDenied)
    return r.stats.steps_executed == 0 && r.stats.tasks_created == 0;
  return true;
}

/// `plugin_host FILE.raya`: one file in a "plugin" sandbox granted every
/// capability above and console; prints what its top-level code returned
/// and, if it exports main, what main() returned.
int run_one_file(Runtime& runtime, plugin_host::HostState& host, const std::string& path) {
  std::optional<std::string> text = read_file(path);
  if (!text) {
    std::fprintf(stderr, "plugin_host: cannot read %s\n", path.c_str());
    return 2;
  }
  std::vector<std::string> grants = plugin_host::all_capability_names();
  grants.push_back("console");
  SandboxOptions options = shape("plugin", std::nullopt, grants);
  options.name = "file";
  auto sandbox = runtime.sandbox(options);
  if (!sandbox) {
    std::fprintf(stderr, "plugin_host: %s\n", sandbox.error().to_string().c_str());
    return 1;
  }
  host.names.set(sandbox->id(), "file");
  raya::messages::LoadResult load = sandbox->load_source(path, *text);
  if (!load.ok) {
    std::fprintf(stderr, "%s\n%s", load.error.to_string().c_str(), load.error.render_diagnostics().c_str());
    return 1;
  }
  if (!load.value.is_null()) std::printf("top level returned %s\n", raya::messages::to_json(load.value).c_str());
  const auto& exports = load.info.exports;
  if (std::find(exports.begin(), exports.end(), "main") == exports.end()) return 0;
  raya::messages::TaskResult result = sandbox->run("main");
  if (!result.ok) {
    std::fprintf(stderr, "main failed: %s\n", result.error.to_string().c_str());
    return 1;
  }
  std::printf("main returned %s\n", raya::messages::to_json(result.value).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto config = raya::actors::load_runtime_config(RAYA_RUNTIME_CONFIG);
  if (!config) {
    std::fprintf(stderr, "plugin_host: %s\n", config.error().message.c_str());
    return 2;
  }

  // The host's state; declared before the runtime, so it outlives every call.
  plugin_host::HostState host({{"tea", 250}, {"cake", 400}, {"jam", 325}, {"scone", 175}});
  host.kv.put("rules.bulkItems", 10);
  host.kv.put("rules.bulkPercent", 10);
  host.kv.put("rules.freeShippingCents", 5000);
  host.kv.put("rules.reviewAboveCents", 20000);
  host.kv.put("rules.embargoed", Value::Array{"XX"});

  // console.log of sandboxes granted "console" (only the FILE.raya mode
  // grants it) is printed like log().
  raya::actors::RuntimeHooks hooks;
  hooks.console = [&host](uint64_t context_id, int /*level*/, std::string_view line) {
    host.print(host.names.of(context_id), std::string(line));
  };
  Runtime runtime(*config, hooks);
  plugin_host::register_capabilities(runtime.capabilities(), host);
  if (argc == 2) return run_one_file(runtime, host, argv[1]);
  if (argc > 2) {
    std::fprintf(stderr, "usage: plugin_host [FILE.raya]\n");
    return 64;
  }

  const std::vector<Plugin> list = plugins(*config);
  std::printf("plugin_host: %zu plugins, one sandbox each (%s)\n", list.size(), RAYA_RUNTIME_CONFIG);

  // 1. A sandbox per plugin. Nothing runs yet.
  std::vector<Sandbox> sandboxes;
  for (const Plugin& p : list) {
    auto sandbox = runtime.sandbox(p.sandbox);
    if (!sandbox) {
      std::fprintf(stderr, "plugin_host: sandbox %s: %s\n", p.name.c_str(), sandbox.error().to_string().c_str());
      return 1;
    }
    host.names.set(sandbox->id(), p.name);
    std::printf("  %-10s %-7s grants: %s\n", p.name.c_str(), profile_label(p).c_str(), grants_of(p, *config).c_str());
    sandboxes.push_back(std::move(*sandbox));
  }

  // 2. Load every plugin (its top-level code runs), all at once.
  std::vector<std::future<raya::messages::LoadResult>> loading;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string file = "plugins/" + list[i].name + ".raya";
    std::optional<std::string> text = read_file(std::string(RAYA_PLUGIN_DIR) + "/" + list[i].name + ".raya");
    if (!text) {
      std::fprintf(stderr, "plugin_host: cannot read %s/%s.raya\n", RAYA_PLUGIN_DIR, list[i].name.c_str());
      return 1;
    }
    loading.push_back(sandboxes[i].load_async(raya::messages::ModuleSource::from_source(file, *text)));
  }
  std::vector<raya::messages::LoadResult> loads;
  for (auto& f : loading) loads.push_back(f.get());

  // 3. Run every loaded plugin's main at once; the runtime's worker threads
  //    share them slice by slice. Their log() lines appear as they come.
  std::printf("running (log lines as the plugins print them):\n");
  std::vector<std::optional<std::future<raya::messages::TaskResult>>> running(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (loads[i].ok) running[i] = sandboxes[i].run_async("main", list[i].args);
  std::vector<std::optional<raya::messages::TaskResult>> results(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (running[i]) results[i] = running[i]->get();

  // 4. One line per plugin, by name.
  std::map<std::string, plugin_host::RowNote> notes;
  std::map<std::string, Outcome> outcomes;
  for (size_t i = 0; i < list.size(); ++i) {
    Outcome o = judge(list[i], loads[i], results[i]);
    notes[list[i].name] = {profile_label(list[i]), o.summary};
    outcomes.emplace(list[i].name, std::move(o));
  }
  bool all_good = true;
  std::printf("results:\n");
  for (const auto& [name, o] : outcomes) {
    std::printf("  %-10s %s\n", name.c_str(), o.line.c_str());
    all_good = all_good && o.as_expected;
  }

  // 5. What the host saw: wordcount's kvPut landed; sneaky never ran.
  std::optional<Value> total = host.kv.get("wordcount.total");
  bool sneaky_silent = host.log_lines_of("sneaky") == 0 && !host.kv.get("admin");
  std::printf("host: kv wordcount.total = %s; sneaky printed %d lines and wrote %s\n",
              total ? raya::messages::to_json(*total).c_str() : "(none)", host.log_lines_of("sneaky"),
              host.kv.get("admin") ? "the \"admin\" key" : "nothing");
  all_good = all_good && total && *total == Value(60) && sneaky_silent;

  // 6. The supervisor's reports (live and ended sandboxes), which must
  //    agree with what the plugins did.
  std::vector<raya::messages::ContextReport> reports = runtime.reports();
  for (const Plugin& p : list) {
    auto r = std::find_if(reports.begin(), reports.end(),
                          [&](const raya::messages::ContextReport& r) { return r.name == p.name; });
    if (r == reports.end() || !report_agrees(p, *r)) {
      std::printf("UNEXPECTED: the supervisor's report on %s disagrees with its outcome\n", p.name.c_str());
      all_good = false;
    }
  }
  std::printf("\n");
  plugin_host::print_stats_table(std::move(reports), notes);

  host.prices.stop();  // every call has been answered; nothing is waiting
  std::printf("\n%s\n", all_good ? "plugin_host: every plugin behaved as expected"
                                 : "plugin_host: FAILED: some plugin did not behave as expected");
  return all_good ? 0 : 1;
}
