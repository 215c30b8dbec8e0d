#include "messages/vm_options.hpp"

#include <gtest/gtest.h>

#include <random>

using raya::messages::VmOptions;
using raya::messages::VmStats;
using raya::messages::to_json;
using raya::messages::vm_options_from_json;
using raya::messages::vm_stats_from_json;

TEST(VmOptions, DefaultsAreTheDocumentedLimits) {
  VmOptions o;
  EXPECT_EQ(o.max_heap_bytes, 64ull << 20);
  EXPECT_EQ(o.max_tasks, 1000u);
  EXPECT_EQ(o.max_step_budget, VmOptions::kUnlimited);
  EXPECT_EQ(o.max_cpu_time_ms, VmOptions::kUnlimited);
}

TEST(VmOptions, UnlimitedLimitsAreWrittenAsNull) {
  std::string text = to_json(VmOptions{});
  EXPECT_NE(text.find("\"maxStepBudget\":null"), std::string::npos);
  EXPECT_NE(text.find("\"maxHeapBytes\":67108864"), std::string::npos);
}

TEST(VmOptions, RoundTripsThroughJson) {
  VmOptions o;
  o.max_heap_bytes = 1 << 20;
  o.max_tasks = 8;
  o.max_step_budget = 1000000;
  o.max_cpu_time_ms = 250;
  o.max_call_depth = 64;
  o.terminate_on_task_limit = true;
  o.random_seed = 42;
  VmOptions back;
  std::string error;
  ASSERT_TRUE(vm_options_from_json(to_json(o), back, error)) << error;
  EXPECT_EQ(back, o);
}

TEST(VmOptions, AbsentKeysKeepTheirValues) {
  VmOptions o;
  std::string error;
  ASSERT_TRUE(vm_options_from_json(R"({"maxTasks": 3})", o, error)) << error;
  EXPECT_EQ(o.max_tasks, 3u);
  EXPECT_EQ(o.max_heap_bytes, 64ull << 20);
}

TEST(VmOptions, NullMeansUnlimited) {
  VmOptions o;
  o.max_step_budget = 5;
  std::string error;
  ASSERT_TRUE(vm_options_from_json(R"({"maxStepBudget": null})", o, error)) << error;
  EXPECT_EQ(o.max_step_budget, VmOptions::kUnlimited);
}

TEST(VmOptions, ErrorsNameTheKeyAndLeaveTheOptionsUnchanged) {
  VmOptions o;
  std::string error;
  EXPECT_FALSE(vm_options_from_json(R"({"maxTasks": 2, "maxHeapBytes": -1})", o, error));
  EXPECT_NE(error.find("maxHeapBytes"), std::string::npos) << error;
  EXPECT_EQ(o, VmOptions{});
}

TEST(VmOptions, RejectsWrongKindsFractionsAndUnknownKeys) {
  VmOptions o;
  std::string error;
  EXPECT_FALSE(vm_options_from_json(R"({"maxTasks": "8"})", o, error));
  EXPECT_NE(error.find("maxTasks"), std::string::npos);
  EXPECT_FALSE(vm_options_from_json(R"({"maxTasks": 1.5})", o, error));
  EXPECT_FALSE(vm_options_from_json(R"({"maxTasks": null})", o, error));
  EXPECT_FALSE(vm_options_from_json(R"({"maxTasks": 99999999999})", o, error));
  EXPECT_FALSE(vm_options_from_json(R"({"maxCallDepth": 0})", o, error));
  EXPECT_FALSE(vm_options_from_json(R"({"terminateOnTaskLimit": 1})", o, error));
  EXPECT_FALSE(vm_options_from_json(R"({"maxHeap": 1})", o, error));
  EXPECT_NE(error.find("unknown key 'maxHeap'"), std::string::npos) << error;
}

TEST(VmOptions, RejectsTextThatIsNotAJsonObject) {
  VmOptions o;
  std::string error;
  EXPECT_FALSE(vm_options_from_json("[1, 2]", o, error));
  EXPECT_FALSE(vm_options_from_json("{\"maxTasks\": ", o, error));
  EXPECT_NE(error.find("invalid JSON"), std::string::npos);
  EXPECT_FALSE(vm_options_from_json("", o, error));
}

TEST(VmOptions, RandomOptionsRoundTrip) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    VmOptions o;
    o.max_heap_bytes = rng() % 4 == 0 ? VmOptions::kUnlimited : rng() % (1ull << 40);
    o.max_tasks = uint32_t(rng());
    o.max_step_budget = rng() % 3 == 0 ? VmOptions::kUnlimited : rng() >> 1;
    o.max_cpu_time_ms = rng() % 3 == 0 ? VmOptions::kUnlimited : rng() % 100000;
    o.max_call_depth = 1 + uint32_t(rng() % 1000000);
    o.terminate_on_task_limit = rng() & 1;
    o.random_seed = rng();
    VmOptions back;
    std::string error;
    ASSERT_TRUE(vm_options_from_json(to_json(o), back, error)) << error;
    ASSERT_EQ(back, o);
  }
}

TEST(VmStats, RoundTripsThroughJsonWithItsLimits) {
  VmStats s;
  s.heap_bytes_used = 1234;
  s.peak_heap_bytes = 5678;
  s.tasks = 2;
  s.tasks_created = 9;
  s.steps_executed = 1000000;
  s.cpu_time_us = 77;
  s.gc_count = 3;
  s.gc_pause_us_total = 40;
  s.gc_pause_us_max = 20;
  s.limits.max_tasks = 16;
  VmStats back;
  std::string error;
  ASSERT_TRUE(vm_stats_from_json(to_json(s), back, error)) << error;
  EXPECT_EQ(back, s);
}

TEST(VmStats, ErrorsNameNestedLimitKeys) {
  VmStats s;
  std::string error;
  EXPECT_FALSE(vm_stats_from_json(R"({"limits": {"maxTasks": -2}})", s, error));
  EXPECT_NE(error.find("limits.maxTasks"), std::string::npos) << error;
  EXPECT_FALSE(vm_stats_from_json(R"({"gcCount": "x"})", s, error));
  EXPECT_NE(error.find("gcCount"), std::string::npos) << error;
}
