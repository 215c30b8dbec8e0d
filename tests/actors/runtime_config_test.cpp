// RuntimeConfig and SandboxProfile from JSON: the shipped files in configs/,
// every key's success path, and the failure paths, whose messages are checked
// whole because they are the user interface of a config file
// ("<origin>: <dotted.key.path>: expected <what>, got <what was there>").
// Fixture files live in tests/actors/configs/.
#include "actors/runtime_config.hpp"

#include <gtest/gtest.h>

#include <string>

using raya::actors::load_runtime_config;
using raya::actors::load_sandbox_profile;
using raya::actors::parse_runtime_config;
using raya::actors::parse_sandbox_profile;
using raya::actors::RestartStrategy;
using raya::actors::RuntimeConfig;
using raya::actors::SandboxProfile;
using raya::actors::SupervisorPolicy;
using raya::messages::ErrorCode;
using raya::messages::VmOptions;

namespace {

const std::string kConfigs = RAYA_CONFIGS_DIR;
const std::string kFixtures = std::string(RAYA_TEST_DATA_DIR) + "/actors/configs";
constexpr uint64_t kUnlimited = VmOptions::kUnlimited;

RuntimeConfig parse_ok(std::string_view text) {
  auto result = parse_runtime_config(text, "t.json", kFixtures);
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? result.value() : RuntimeConfig{};
}

/// The whole message of the ConfigError that `text` gives.
std::string config_error(std::string_view text) {
  auto result = parse_runtime_config(text, "t.json", kFixtures);
  if (result.ok()) return "(parsed without error)";
  EXPECT_EQ(result.error().code, ErrorCode::ConfigError);
  return result.error().message;
}

std::string profile_error(std::string_view text, std::string name = "p") {
  auto result = parse_sandbox_profile(text, "p.json", std::move(name));
  if (result.ok()) return "(parsed without error)";
  EXPECT_EQ(result.error().code, ErrorCode::ConfigError);
  return result.error().message;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

// --- The shipped configuration ---------------------------------------------

TEST(ShippedConfig, RuntimeJsonHasTheDocumentedValues) {
  auto config = load_runtime_config(kConfigs + "/runtime.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->worker_threads, 0u);
  EXPECT_EQ(config->scheduler_policy, "hostFirst");
  EXPECT_EQ(config->slice_steps, 10'000u);
  EXPECT_EQ(config->default_options, VmOptions{});  // the file spells out VmOptions' own defaults
  EXPECT_EQ(config->default_options.max_heap_bytes, 64ull << 20);
  EXPECT_EQ(config->default_options.max_tasks, 1000u);
  EXPECT_EQ(config->default_options.max_step_budget, kUnlimited);
  EXPECT_EQ(config->default_options.max_cpu_time_ms, kUnlimited);
  EXPECT_EQ(config->default_options.max_call_depth, 10'000u);
  const SupervisorPolicy& s = config->supervisor;
  EXPECT_EQ(s.max_contexts, 100'000u);
  EXPECT_EQ(s.total_heap_bytes, 16ull << 30);
  EXPECT_EQ(s.max_limits, SupervisorPolicy::unlimited_options());
  EXPECT_EQ(s.restart, RestartStrategy::None);
  EXPECT_EQ(s.max_restarts, 3u);
  EXPECT_EQ(s.restart_window_ms, 10'000u);
  ASSERT_EQ(config->profiles.size(), 2u);
  EXPECT_TRUE(config->profiles.contains("strict"));
  EXPECT_TRUE(config->profiles.contains("plugin"));
}

TEST(ShippedConfig, RuntimeJsonMatchesTheBuiltInDefaultsApartFromProfiles) {
  auto config = load_runtime_config(kConfigs + "/runtime.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  RuntimeConfig defaults;
  EXPECT_EQ(config->worker_threads, defaults.worker_threads);
  EXPECT_EQ(config->scheduler_policy, defaults.scheduler_policy);
  EXPECT_EQ(config->slice_steps, defaults.slice_steps);
  EXPECT_EQ(config->default_options, defaults.default_options);
  EXPECT_EQ(config->supervisor.max_contexts, defaults.supervisor.max_contexts);
  EXPECT_EQ(config->supervisor.total_heap_bytes, defaults.supervisor.total_heap_bytes);
}

TEST(ShippedConfig, StrictProfileIsSmallAndGrantsNothing) {
  auto config = load_runtime_config(kConfigs + "/runtime.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto strict = config->profile("strict");
  ASSERT_TRUE(strict.ok()) << strict.error().message;
  EXPECT_EQ(strict->name, "strict");
  EXPECT_EQ(strict->options.max_heap_bytes, 8ull << 20);
  EXPECT_EQ(strict->options.max_tasks, 100u);
  EXPECT_EQ(strict->options.max_step_budget, 50'000'000u);
  EXPECT_EQ(strict->options.max_cpu_time_ms, 2000u);
  EXPECT_EQ(strict->options.max_call_depth, 1000u);
  EXPECT_TRUE(strict->options.terminate_on_task_limit);
  EXPECT_TRUE(strict->grants.empty());
}

TEST(ShippedConfig, PluginProfileTakesWhatItDoesNotStateFromDefaultOptions) {
  auto config = load_runtime_config(kConfigs + "/runtime.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto plugin = config->profile("plugin");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  EXPECT_EQ(plugin->options.max_heap_bytes, 32ull << 20);
  EXPECT_EQ(plugin->options.max_tasks, 500u);
  EXPECT_EQ(plugin->options.max_cpu_time_ms, 10'000u);
  EXPECT_EQ(plugin->options.max_step_budget, kUnlimited);  // from defaultOptions
  EXPECT_EQ(plugin->options.max_call_depth, 10'000u);      // from defaultOptions
  EXPECT_FALSE(plugin->options.terminate_on_task_limit);
  EXPECT_EQ(plugin->grants, std::vector<std::string>{"log"});
}

TEST(ShippedConfig, ProfileFilesAlsoLoadOnTheirOwnNamedAfterTheFile) {
  auto strict = load_sandbox_profile(kConfigs + "/profiles/strict.json");
  ASSERT_TRUE(strict.ok()) << strict.error().message;
  EXPECT_EQ(strict->name, "strict");
  EXPECT_EQ(strict->options.max_tasks, 100u);
  auto plugin = load_sandbox_profile(kConfigs + "/profiles/plugin.json");
  ASSERT_TRUE(plugin.ok()) << plugin.error().message;
  EXPECT_EQ(plugin->name, "plugin");
  EXPECT_EQ(plugin->grants, std::vector<std::string>{"log"});
}

// --- Every key's success path ------------------------------------------------

TEST(RuntimeConfig, AnEmptyObjectGivesTheBuiltInDefaults) {
  RuntimeConfig config = parse_ok("{}");
  RuntimeConfig defaults;
  EXPECT_EQ(config.worker_threads, defaults.worker_threads);
  EXPECT_EQ(config.scheduler_policy, "hostFirst");
  EXPECT_EQ(config.slice_steps, defaults.slice_steps);
  EXPECT_EQ(config.default_options, VmOptions{});
  EXPECT_EQ(config.supervisor.max_limits, SupervisorPolicy::unlimited_options());
  EXPECT_EQ(config.supervisor.restart, RestartStrategy::None);
  EXPECT_TRUE(config.profiles.empty());
}

TEST(RuntimeConfig, ReadsEveryTopLevelKey) {
  RuntimeConfig config = parse_ok(R"({
    "$comment": "documentation only",
    "workerThreads": 3,
    "schedulerPolicy": "stealing",
    "sliceSteps": 2500,
    "defaultOptions": {"maxHeapBytes": 1048576, "maxTasks": 4, "maxStepBudget": 99, "maxCpuTimeMs": 250,
                       "maxCallDepth": 64, "terminateOnTaskLimit": true, "randomSeed": 42}
  })");
  EXPECT_EQ(config.worker_threads, 3u);
  EXPECT_EQ(config.scheduler_policy, "stealing");
  EXPECT_EQ(config.slice_steps, 2500u);
  VmOptions expected{1 << 20, 4, 99, 250, 64, true, 42};
  EXPECT_EQ(config.default_options, expected);
}

TEST(RuntimeConfig, DefaultOptionsKeepVmOptionsDefaultsForAbsentKeysAndNullMeansUnlimited) {
  RuntimeConfig config = parse_ok(R"({"defaultOptions": {"maxTasks": 5, "maxHeapBytes": null}})");
  EXPECT_EQ(config.default_options.max_tasks, 5u);
  EXPECT_EQ(config.default_options.max_heap_bytes, kUnlimited);
  EXPECT_EQ(config.default_options.max_call_depth, VmOptions{}.max_call_depth);
}

TEST(RuntimeConfig, ReadsEverySupervisorKey) {
  RuntimeConfig config = parse_ok(R"({"supervisor": {
    "maxContexts": 12, "totalHeapBytes": 1073741824, "maxLimits": {"maxHeapBytes": 268435456},
    "restart": "restartFresh", "maxRestarts": 0, "restartWindowMs": 500}})");
  const SupervisorPolicy& s = config.supervisor;
  EXPECT_EQ(s.max_contexts, 12u);
  EXPECT_EQ(s.total_heap_bytes, 1ull << 30);
  EXPECT_EQ(s.max_limits.max_heap_bytes, 256ull << 20);
  EXPECT_EQ(s.restart, RestartStrategy::RestartFresh);
  EXPECT_EQ(s.max_restarts, 0u);
  EXPECT_EQ(s.restart_window_ms, 500u);
}

TEST(RuntimeConfig, MaxLimitsStartUnlimitedSoOnlyTheGivenLimitsClamp) {
  RuntimeConfig config = parse_ok(R"({"supervisor": {"maxLimits": {"maxTasks": 50}}})");
  VmOptions expected = SupervisorPolicy::unlimited_options();
  expected.max_tasks = 50;
  EXPECT_EQ(config.supervisor.max_limits, expected);
}

TEST(RuntimeConfig, RestartNoneAndNullTotalHeapBytesAreAccepted) {
  RuntimeConfig config = parse_ok(R"({"supervisor": {"restart": "none", "totalHeapBytes": null}})");
  EXPECT_EQ(config.supervisor.restart, RestartStrategy::None);
  EXPECT_EQ(config.supervisor.total_heap_bytes, kUnlimited);
}

TEST(RuntimeConfig, WholeNumbersMayBeWrittenWithAnExponent) {
  RuntimeConfig config = parse_ok(R"({"sliceSteps": 1e6, "supervisor": {"maxContexts": 2.0E3}})");
  EXPECT_EQ(config.slice_steps, 1'000'000u);
  EXPECT_EQ(config.supervisor.max_contexts, 2000u);
}

TEST(RuntimeConfig, RangesIncludeTheirBounds) {
  EXPECT_EQ(parse_ok(R"({"sliceSteps": 100})").slice_steps, 100u);
  EXPECT_EQ(parse_ok(R"({"sliceSteps": 100000000})").slice_steps, 100'000'000u);
  EXPECT_EQ(parse_ok(R"({"workerThreads": 1024})").worker_threads, 1024u);
  EXPECT_EQ(parse_ok(R"({"supervisor": {"maxContexts": 18446744073709551615}})").supervisor.max_contexts,
            UINT64_MAX);
  EXPECT_EQ(parse_ok(R"({"supervisor": {"maxRestarts": 4294967295}})").supervisor.max_restarts, UINT32_MAX);
}

TEST(RuntimeConfig, InlineProfilesStartFromDefaultOptionsWhereverTheyAreWritten) {
  // "profiles" comes before "defaultOptions" here: the order in the file does not matter.
  RuntimeConfig config = parse_ok(R"({
    "profiles": {"tiny": {"options": {"maxTasks": 2}, "grants": ["log", "clock"]}},
    "defaultOptions": {"maxCallDepth": 33, "maxTasks": 9}})");
  auto tiny = config.profile("tiny");
  ASSERT_TRUE(tiny.ok()) << tiny.error().message;
  EXPECT_EQ(tiny->name, "tiny");
  EXPECT_EQ(tiny->options.max_tasks, 2u);
  EXPECT_EQ(tiny->options.max_call_depth, 33u);
  EXPECT_EQ(tiny->grants, (std::vector<std::string>{"log", "clock"}));
}

TEST(RuntimeConfig, ProfileWithoutOptionsOrGrantsIsTheDefaultsWithNoGrants) {
  RuntimeConfig config = parse_ok(R"({"defaultOptions": {"maxTasks": 9}, "profiles": {"plain": {}}})");
  EXPECT_EQ(config.profiles.at("plain").options, config.default_options);
  EXPECT_TRUE(config.profiles.at("plain").grants.empty());
}

TEST(RuntimeConfig, ProfileNamesMayUseLettersDigitsDashesAndUnderscores) {
  RuntimeConfig config = parse_ok(R"({"profiles": {"Plugin_v2-beta": {}, "7": {}}})");
  EXPECT_TRUE(config.profiles.contains("Plugin_v2-beta"));
  EXPECT_TRUE(config.profiles.contains("7"));
}

TEST(RuntimeConfig, ProfileFilesAreRelativeToTheConfigFolderAndStartFromDefaultOptions) {
  auto config = load_runtime_config(kFixtures + "/profile_files.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto small = config->profile("small");
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->name, "small");  // the key in the config, not the file's name
  EXPECT_EQ(small->options.max_heap_bytes, 1u << 20);
  EXPECT_EQ(small->options.max_tasks, 7u);        // from defaultOptions
  EXPECT_EQ(small->options.max_call_depth, 77u);  // from defaultOptions
  EXPECT_EQ(small->grants, (std::vector<std::string>{"log", "clock"}));
  EXPECT_EQ(config->profile("inline")->options.max_tasks, 7u);
}

TEST(RuntimeConfig, ParseResolvesProfileFilesAgainstTheGivenBaseDir) {
  auto config = parse_runtime_config(R"({"profiles": {"s": "profiles/small.json"}})", "inline", kFixtures);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->profiles.at("s").options.max_heap_bytes, 1u << 20);
}

TEST(SandboxProfile, OnItsOwnStartsFromVmOptionsDefaults) {
  auto profile = parse_sandbox_profile(R"({"$comment": "x", "options": {"maxTasks": 3}, "grants": ["a"]})",
                                       "p.json", "mine");
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->name, "mine");
  VmOptions expected;
  expected.max_tasks = 3;
  EXPECT_EQ(profile->options, expected);
  EXPECT_EQ(profile->grants, std::vector<std::string>{"a"});
}

TEST(SandboxProfile, LoadedOnItsOwnIgnoresTheConfigThatReferencesIt) {
  auto small = load_sandbox_profile(kFixtures + "/profiles/small.json");
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->name, "small");
  EXPECT_EQ(small->options.max_tasks, VmOptions{}.max_tasks);
}

TEST(RuntimeConfig, ProfileLookupReturnsACopyOfTheNamedProfile) {
  RuntimeConfig config = parse_ok(R"({"profiles": {"a": {"grants": ["x"]}, "b": {}}})");
  auto a = config.profile("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->grants, std::vector<std::string>{"x"});
}

// --- Wrong types, ranges, negatives and fractions ----------------------------

TEST(RuntimeConfigErrors, TheMessageNamesFileKeyExpectationAndValue) {
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContexts": -3}})"),
            "t.json: supervisor.maxContexts: expected a whole number >= 1, got -3");
}

TEST(RuntimeConfigErrors, WorkerThreadsMustBeAWholeNumberUpTo1024) {
  const std::string expected = "t.json: workerThreads: expected a whole number from 0 to 1024, got ";
  EXPECT_EQ(config_error(R"({"workerThreads": -1})"), expected + "-1");
  EXPECT_EQ(config_error(R"({"workerThreads": 1.5})"), expected + "1.5");
  EXPECT_EQ(config_error(R"({"workerThreads": 1025})"), expected + "1025");
  EXPECT_EQ(config_error(R"({"workerThreads": "4"})"), expected + "\"4\"");
  EXPECT_EQ(config_error(R"({"workerThreads": null})"), expected + "null");
  EXPECT_EQ(config_error(R"({"workerThreads": [2]})"), expected + "an array");
}

TEST(RuntimeConfigErrors, SchedulerPolicyMustBeHostFirstSharingOrStealing) {
  const std::string expected = "t.json: schedulerPolicy: expected \"hostFirst\" or \"sharing\" or \"stealing\", got ";
  EXPECT_EQ(config_error(R"({"schedulerPolicy": "shared"})"), expected + "\"shared\"");
  EXPECT_EQ(config_error(R"({"schedulerPolicy": "Stealing"})"), expected + "\"Stealing\"");
  EXPECT_EQ(config_error(R"({"schedulerPolicy": 1})"), expected + "1");
  EXPECT_EQ(config_error(R"({"schedulerPolicy": "hostfirst"})"), expected + "\"hostfirst\"");
}

TEST(RuntimeConfigErrors, SliceStepsMustBeFrom100To100Million) {
  const std::string expected = "t.json: sliceSteps: expected a whole number from 100 to 100000000, got ";
  EXPECT_EQ(config_error(R"({"sliceSteps": 99})"), expected + "99");
  EXPECT_EQ(config_error(R"({"sliceSteps": 100000001})"), expected + "100000001");
  EXPECT_EQ(config_error(R"({"sliceSteps": -100})"), expected + "-100");
  EXPECT_EQ(config_error(R"({"sliceSteps": 2500.5})"), expected + "2500.5");
  EXPECT_EQ(config_error(R"({"sliceSteps": true})"), expected + "true");
  EXPECT_EQ(config_error(R"({"sliceSteps": 1e400})"), expected + "inf");
}

TEST(RuntimeConfigErrors, DefaultOptionsErrorsNameTheDottedPath) {
  EXPECT_EQ(config_error(R"({"defaultOptions": {"maxTasks": -1}})"),
            "t.json: defaultOptions.maxTasks: expected a whole number from 0 to 4294967295, got -1");
  EXPECT_EQ(config_error(R"({"defaultOptions": {"maxHeapBytes": "64M"}})"),
            "t.json: defaultOptions.maxHeapBytes: expected a whole number or null, got \"64M\"");
  EXPECT_EQ(config_error(R"({"defaultOptions": {"maxCallDepth": 0}})"),
            "t.json: defaultOptions.maxCallDepth: must be at least 1");
  EXPECT_EQ(config_error(R"({"defaultOptions": {"terminateOnTaskLimit": 1}})"),
            "t.json: defaultOptions.terminateOnTaskLimit: expected true or false, got 1");
  // The fraction is printed by messages::vm_options_from_json, in Boost.JSON's style.
  EXPECT_TRUE(contains(config_error(R"({"defaultOptions": {"maxStepBudget": 1.5}})"),
                       "t.json: defaultOptions.maxStepBudget: expected a whole number from 0 to "));
  EXPECT_EQ(config_error(R"({"defaultOptions": 3})"),
            "t.json: defaultOptions: expected an object of VM limits, got 3");
  EXPECT_EQ(config_error(R"({"defaultOptions": null})"),
            "t.json: defaultOptions: expected an object of VM limits, got null");
}

TEST(RuntimeConfigErrors, SupervisorNumbersMustBeInRange) {
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContexts": 0}})"),
            "t.json: supervisor.maxContexts: expected a whole number >= 1, got 0");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContexts": 2.5}})"),
            "t.json: supervisor.maxContexts: expected a whole number >= 1, got 2.5");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContexts": "10"}})"),
            "t.json: supervisor.maxContexts: expected a whole number >= 1, got \"10\"");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContexts": 1e20}})"),
            "t.json: supervisor.maxContexts: expected a whole number from 1 to 18446744073709551615, got 1e+20");
  EXPECT_EQ(config_error(R"({"supervisor": {"totalHeapBytes": 0}})"),
            "t.json: supervisor.totalHeapBytes: expected a whole number >= 1 or null (unlimited), got 0");
  EXPECT_EQ(config_error(R"({"supervisor": {"totalHeapBytes": -1}})"),
            "t.json: supervisor.totalHeapBytes: expected a whole number >= 1 or null (unlimited), got -1");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxRestarts": -1}})"),
            "t.json: supervisor.maxRestarts: expected a whole number from 0 to 4294967295, got -1");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxRestarts": 4294967296}})"),
            "t.json: supervisor.maxRestarts: expected a whole number from 0 to 4294967295, got 4294967296");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxRestarts": 0.5}})"),
            "t.json: supervisor.maxRestarts: expected a whole number from 0 to 4294967295, got 0.5");
  EXPECT_EQ(config_error(R"({"supervisor": {"restartWindowMs": 0}})"),
            "t.json: supervisor.restartWindowMs: expected a whole number >= 1, got 0");
  EXPECT_EQ(config_error(R"({"supervisor": {"restartWindowMs": false}})"),
            "t.json: supervisor.restartWindowMs: expected a whole number >= 1, got false");
}

TEST(RuntimeConfigErrors, SupervisorMustBeAnObject) {
  EXPECT_EQ(config_error(R"({"supervisor": []})"), "t.json: supervisor: expected an object, got an array");
}

TEST(RuntimeConfigErrors, RestartMustBeNoneOrRestartFresh) {
  const std::string expected = "t.json: supervisor.restart: expected \"none\" or \"restartFresh\", got ";
  EXPECT_EQ(config_error(R"({"supervisor": {"restart": "always"}})"), expected + "\"always\"");
  EXPECT_EQ(config_error(R"({"supervisor": {"restart": "RestartFresh"}})"), expected + "\"RestartFresh\"");
  EXPECT_EQ(config_error(R"({"supervisor": {"restart": 1}})"), expected + "1");
  EXPECT_EQ(config_error(R"({"supervisor": {"restart": null}})"), expected + "null");
}

TEST(RuntimeConfigErrors, MaxLimitsErrorsNameTheDottedPath) {
  EXPECT_EQ(config_error(R"({"supervisor": {"maxLimits": {"maxCallDepth": 0}}})"),
            "t.json: supervisor.maxLimits.maxCallDepth: must be at least 1");
  EXPECT_EQ(config_error(R"({"supervisor": {"maxLimits": "none"}})"),
            "t.json: supervisor.maxLimits: expected an object of VM limits, got \"none\"");
}

TEST(RuntimeConfigErrors, CommentMustBeAString) {
  EXPECT_EQ(config_error(R"({"$comment": ["a", "b"]})"), "t.json: $comment: expected a string, got an array");
}

// --- Unknown keys at every level -----------------------------------------------

TEST(RuntimeConfigErrors, UnknownTopLevelKeyListsTheKnownOnes) {
  EXPECT_EQ(config_error(R"({"workerThread": 2})"),
            "t.json: workerThread: unknown key; expected one of workerThreads, schedulerPolicy, sliceSteps, "
            "defaultOptions, supervisor, profiles, $comment");
}

TEST(RuntimeConfigErrors, UnknownSupervisorKeyNamesTheDottedPath) {
  EXPECT_EQ(config_error(R"({"supervisor": {"maxContext": 2}})"),
            "t.json: supervisor.maxContext: unknown key; expected one of maxContexts, totalHeapBytes, maxLimits, "
            "restart, maxRestarts, restartWindowMs");
  // "$comment" belongs to a file's top level only.
  EXPECT_TRUE(contains(config_error(R"({"supervisor": {"$comment": "x"}})"), "t.json: supervisor.$comment: unknown key"));
}

TEST(RuntimeConfigErrors, UnknownVmOptionKeyNamesTheDottedPath) {
  const std::string known =
      "unknown key; expected one of maxHeapBytes, maxTasks, maxStepBudget, maxCpuTimeMs, maxCallDepth, "
      "terminateOnTaskLimit, randomSeed";
  EXPECT_EQ(config_error(R"({"defaultOptions": {"maxHeap": 1}})"), "t.json: defaultOptions.maxHeap: " + known);
  EXPECT_EQ(config_error(R"({"supervisor": {"maxLimits": {"maxHeap": 1}}})"),
            "t.json: supervisor.maxLimits.maxHeap: " + known);
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"options": {"maxTask": 1}}}})"),
            "t.json: profiles.p.options.maxTask: " + known);
}

TEST(RuntimeConfigErrors, UnknownProfileKeyNamesTheDottedPath) {
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"option": {}}}})"),
            "t.json: profiles.p.option: unknown key; expected one of options, grants");
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"$comment": "x"}}})"),
            "t.json: profiles.p.$comment: unknown key; expected one of options, grants");
  EXPECT_EQ(profile_error(R"({"grant": []})"), "p.json: grant: unknown key; expected one of options, grants, $comment");
}

// --- Profiles and grants -------------------------------------------------------

TEST(RuntimeConfigErrors, GrantsMustBeDistinctNonEmptyStrings) {
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"grants": ["log", "clock", "log"]}}})"),
            "t.json: profiles.p.grants[2]: expected each capability once, got \"log\" again");
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"grants": ["log", ""]}}})"),
            "t.json: profiles.p.grants[1]: expected a non-empty capability name, got \"\"");
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"grants": [3]}}})"),
            "t.json: profiles.p.grants[0]: expected a non-empty capability name, got 3");
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"grants": "log"}}})"),
            "t.json: profiles.p.grants: expected an array of capability names, got \"log\"");
  EXPECT_EQ(profile_error(R"({"grants": ["a", "a"]})"), "p.json: grants[1]: expected each capability once, got \"a\" again");
}

TEST(RuntimeConfigErrors, ProfileNamesMustBeLettersDigitsDashesOrUnderscores) {
  const std::string expected = "t.json: profiles: expected a profile name of letters, digits, '_' or '-', got ";
  EXPECT_EQ(config_error(R"({"profiles": {"bad name": {}}})"), expected + "\"bad name\"");
  EXPECT_EQ(config_error(R"({"profiles": {"": {}}})"), expected + "\"\"");
  EXPECT_EQ(config_error(R"({"profiles": {"a.b": {}}})"), expected + "\"a.b\"");
  EXPECT_EQ(config_error(R"({"profiles": {"caf\u00e9": {}}})"), expected + "\"café\"");
}

TEST(SandboxProfileErrors, NameGivenByTheCallerMustBeValid) {
  EXPECT_EQ(profile_error("{}", "no/slashes"),
            "p.json: expected a profile name of letters, digits, '_' or '-', got \"no/slashes\"");
  EXPECT_EQ(profile_error("{}", ""), "p.json: expected a profile name of letters, digits, '_' or '-', got \"\"");
}

TEST(RuntimeConfigErrors, ProfileEntryMustBeAnObjectOrAFilePath) {
  const std::string expected = "t.json: profiles.p: expected a profile object or the path of a profile file, got ";
  EXPECT_EQ(config_error(R"({"profiles": {"p": 3}})"), expected + "3");
  EXPECT_EQ(config_error(R"({"profiles": {"p": ""}})"), expected + "\"\"");
  EXPECT_EQ(config_error(R"({"profiles": {"p": null}})"), expected + "null");
  EXPECT_EQ(config_error(R"({"profiles": {"p": ["strict"]}})"), expected + "an array");
}

TEST(RuntimeConfigErrors, ProfilesMustBeAnObject) {
  EXPECT_EQ(config_error(R"({"profiles": ["strict"]})"),
            "t.json: profiles: expected an object of named profiles, got an array");
}

TEST(RuntimeConfigErrors, ProfileOptionsMustBeAnObject) {
  EXPECT_EQ(config_error(R"({"profiles": {"p": {"options": 5}}})"),
            "t.json: profiles.p.options: expected an object of VM limits, got 5");
}

TEST(RuntimeConfigErrors, MissingProfileFileIsResolvedAgainstTheConfigFolder) {
  auto config = load_runtime_config(kFixtures + "/missing_profile.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::ConfigError);
  EXPECT_EQ(config.error().message, kFixtures + "/missing_profile.json: profiles.gone: cannot read " + kFixtures +
                                        "/profiles/nope.json: No such file or directory");
}

TEST(RuntimeConfigErrors, AnErrorInsideAProfileFileNamesThatFile) {
  auto config = load_runtime_config(kFixtures + "/bad_profile_file.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, kFixtures + "/profiles/bad_options.json: options.maxTasks: expected a whole "
                                                "number from 0 to 4294967295, got -5");
}

TEST(RuntimeConfigErrors, ProfileOfAnUnknownNameListsTheKnownOnes) {
  RuntimeConfig config = parse_ok(R"({"profiles": {"strict": {}, "plugin": {}}})");
  auto missing = config.profile("strcit");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::ConfigError);
  EXPECT_EQ(missing.error().message, "no sandbox profile named \"strcit\"; known profiles: plugin, strict");
}

TEST(RuntimeConfigErrors, ProfileLookupWithNoProfilesSaysSo) {
  auto missing = RuntimeConfig{}.profile("strict");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no sandbox profile named \"strict\"; no profiles are configured");
}

// --- Text that is not a JSON object, and files that cannot be read ---------------

TEST(RuntimeConfigErrors, SyntaxErrorGivesLineAndColumn) {
  EXPECT_EQ(config_error("{\n  \"workerThreads\": 1,\n  \"sliceSteps\": x\n}"),
            "t.json:3:17: invalid JSON: syntax error");
  EXPECT_EQ(config_error(R"({"workerThreads": 1} 2)"), "t.json:1:22: invalid JSON: extra data");
}

TEST(RuntimeConfigErrors, TruncatedJsonPointsAtTheEnd) {
  EXPECT_EQ(config_error("{\n  \"workerThreads\": 1,\n"), "t.json:3:1: invalid JSON: incomplete JSON");
}

TEST(RuntimeConfigErrors, SyntaxErrorInAFileNamesThePathLineAndColumn) {
  auto config = load_runtime_config(kFixtures + "/syntax_error.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, kFixtures + "/syntax_error.json:3:23: invalid JSON: syntax error");
}

TEST(RuntimeConfigErrors, EmptyTextIsNotAConfig) {
  EXPECT_EQ(config_error(""), "t.json: expected a JSON object, got an empty file");
  EXPECT_EQ(config_error(" \n\t\n"), "t.json: expected a JSON object, got an empty file");
  auto config = load_runtime_config(kFixtures + "/empty.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, kFixtures + "/empty.json: expected a JSON object, got an empty file");
  EXPECT_EQ(profile_error(""), "p.json: expected a JSON object, got an empty file");
}

TEST(RuntimeConfigErrors, TopLevelMustBeAnObject) {
  EXPECT_EQ(config_error("[]"), "t.json: expected a JSON object, got an array");
  EXPECT_EQ(config_error("3"), "t.json: expected a JSON object, got 3");
  EXPECT_EQ(config_error("\"runtime\""), "t.json: expected a JSON object, got \"runtime\"");
  EXPECT_EQ(config_error("null"), "t.json: expected a JSON object, got null");
  EXPECT_EQ(profile_error("[\"log\"]"), "p.json: expected a JSON object, got an array");
}

TEST(RuntimeConfigErrors, MissingConfigFileNamesThePathAndTheReason) {
  auto config = load_runtime_config(kFixtures + "/no_such_config.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::ConfigError);
  EXPECT_EQ(config.error().message, "cannot read " + kFixtures + "/no_such_config.json: No such file or directory");
  auto profile = load_sandbox_profile(kFixtures + "/no_such_profile.json");
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.error().message, "cannot read " + kFixtures + "/no_such_profile.json: No such file or directory");
}

TEST(RuntimeConfigErrors, AFolderIsNotAConfigFile) {
  auto config = load_runtime_config(kFixtures);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "cannot read " + kFixtures + ": it is a directory, not a regular file");
}
