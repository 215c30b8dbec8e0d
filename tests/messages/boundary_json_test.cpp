// JSON forms of the boundary records (messages/boundary_json.hpp): every
// record reads back equal, through text and through a Boost.JSON value;
// the forms are the documented ones; bad input fails with the key's path.
#include "messages/boundary_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "tests/messages/value_test_support.hpp"

namespace raya::messages {
namespace {

Error sample_error() {
  Error e = make_error(ErrorCode::CompileError, "2 errors");
  e.diagnostics.push_back({"main.raya", 3, 7, "unexpected '}'", "  let x = }"});
  e.diagnostics.push_back({"lib/\xC3\xA9.raya", 1, 1, "unknown \"import\"", ""});
  e.offset = 12;
  e.name = "SyntaxError";
  e.stack = "at main (main.raya:3)\n";
  e.context_id = 4;
  e.task_id = 5;
  e.limit = std::numeric_limits<uint64_t>::max();
  e.used = 7;
  e.path = "$.args[0]";
  return e;
}

VmStats sample_stats() {
  VmStats s;
  s.heap_bytes_used = 1;
  s.peak_heap_bytes = 2;
  s.gc_pause_us_max = 9;
  s.limits.max_tasks = 10;
  s.limits.max_step_budget = VmOptions::kUnlimited;
  s.limits.random_seed = ~uint64_t(0) - 1;  // beyond int64: must stay exact
  return s;
}

Value every_kind() {
  return Value(Value::Map{{"null", Value()},
                          {"bool", Value(true)},
                          {"int", Value(std::numeric_limits<int64_t>::min())},
                          {"double", Value(0.1)},
                          {"whole", Value(2.0)},
                          {"negativeZero", Value(-0.0)},
                          {"nan", Value(std::nan(""))},
                          {"inf", Value(-HUGE_VAL)},
                          {"tiny", Value(5e-324)},
                          {"string", Value("h\xC3\xA9llo\n\"")},
                          {"bytes", Value(Value::Bytes{0, 1, 255})},
                          {"array", Value(Value::Array{Value(1), Value(Value::Array{})})},
                          {"$map", Value(Value::Map{{"$x", Value(false)}})},
                          {"handle", Value(ForeignHandle{~uint64_t(0), 42})}});
}

template <class T>
void expect_round_trip(const T& x) {
  std::string text = to_json(x);
  T back{};
  std::string error;
  ASSERT_TRUE(from_json(text, back, error)) << error << "\n" << text;
  EXPECT_EQ(back, x) << text;
  T from_value{};
  ASSERT_TRUE(from_json_value(to_json_value(x), from_value, error)) << error;
  EXPECT_EQ(from_value, x);
}

/// Reading `text` as a T fails, with an error that starts with `path`.
template <class T>
void expect_error_at(std::string_view text, const std::string& path) {
  T out{};
  std::string error;
  EXPECT_FALSE(from_json(text, out, error)) << text;
  EXPECT_EQ(error.substr(0, path.size() + 1), path + ":") << "error: " << error;
}

// --- forms -----------------------------------------------------------------------

TEST(BoundaryJson, ErrorWritesCodeByNameAndOnlyTheDetailsThatAreSet) {
  Error e = make_error(ErrorCode::HeapLimitExceeded, "heap full");
  e.limit = 1024;
  e.used = 2048;
  EXPECT_EQ(to_json(e), R"({"code":"HeapLimitExceeded","message":"heap full","limit":1024,"used":2048})");
  EXPECT_EQ(to_json(Error{}), R"({"code":"None","message":""})");
}

TEST(BoundaryJson, ValuesInsideRecordsUseValuesOwnJsonForm) {
  Value v(Value::Array{Value(2.5), Value(2.0), Value(Value::Bytes{1, 2}), Value(std::nan(""))});
  TaskResult r{1, 2, true, v, {}};
  EXPECT_EQ(to_json(r), R"({"contextId":1,"taskId":2,"ok":true,"value":)" + to_json(v) + "}");
  EXPECT_EQ(to_json(LoadResult{true, ModuleInfo{"m", {"f"}, {}}, Value(1.0), {}}),
            R"({"ok":true,"info":{"path":"m","exports":["f"],"capabilities":[]},"value":1.0})");
  EXPECT_EQ(to_json(Started{false, 0, make_error(ErrorCode::TaskLimitExceeded, "")}),
            R"({"ok":false,"taskId":0,"error":{"code":"TaskLimitExceeded","message":""}})");
}

TEST(BoundaryJson, EnumsAndModuleBytesAreWrittenByName) {
  std::string module = to_json(ModuleSource::from_bytecode("m.ryb", {0, 1, 2}));
  EXPECT_EQ(module, R"({"kind":"Bytecode","path":"m.ryb","bytes":{"$bytes":"AAEC"}})");
  EXPECT_EQ(to_json(ModuleSource::from_source("m.raya", "let x;")), R"({"kind":"Source","path":"m.raya","text":"let x;"})");
  ContextReport report;
  report.state = ContextReport::State::Failed;
  EXPECT_NE(to_json(report).find(R"("state":"Failed")"), std::string::npos);
  EXPECT_NE(to_json(report).find(R"("error":{"code":"None")"), std::string::npos);
}

// --- round trips -------------------------------------------------------------------

TEST(BoundaryJson, EveryRecordRoundTrips) {
  expect_round_trip(sample_error().diagnostics[0]);
  expect_round_trip(Error{});
  expect_round_trip(sample_error());
  expect_round_trip(TaskResult{1, 2, true, every_kind(), {}});
  expect_round_trip(TaskResult{1, 2, false, Value(), sample_error()});
  expect_round_trip(TaskResult{});
  expect_round_trip(Started{true, 9, {}});
  expect_round_trip(Started{false, 0, make_error(ErrorCode::QuotaExceeded, "later")});
  expect_round_trip(ModuleSource::from_source("main.raya", "export let x = 1;\n"));
  expect_round_trip(ModuleSource::from_bytecode("main.ryb", {0x52, 0x59, 0x42, 0, 255}));
  expect_round_trip(ModuleSource::from_bytecode("", {}));
  expect_round_trip(ModuleInfo{"main.raya", {"x", "f"}, {"fetch"}});
  expect_round_trip(ModuleInfo{});
  expect_round_trip(LoadResult{true, ModuleInfo{"m", {"a"}, {}}, Value(7), {}});
  expect_round_trip(LoadResult{true, ModuleInfo{"m", {}, {}}, Value(), {}});
  expect_round_trip(LoadResult{false, {}, {}, sample_error()});
  expect_round_trip(CapabilityCall{1, 2, 3, "fetch", {Value("https://x"), every_kind(), Value()}});
  expect_round_trip(CapabilityCall{});
  expect_round_trip(CapabilityResult::success(Value(3.5)));
  expect_round_trip(CapabilityResult::success(Value()));
  expect_round_trip(CapabilityResult::failure(make_error(ErrorCode::CapabilityDenied, "no")));
  expect_round_trip(ContextReport{8, "worker-1", ContextReport::State::Failed, 2, sample_stats(), sample_error()});
  expect_round_trip(ContextReport{9, "", ContextReport::State::Terminated, 0, {}, {}});
}

TEST(BoundaryJson, EveryErrorCodeRoundTripsByName) {
  for (unsigned n = 0; n <= 255; ++n) {
    ErrorCode code = ErrorCode(n);
    if (!is_known_error_code(code)) {
      EXPECT_EQ(error_code_name(code), "UnknownError");
      continue;
    }
    EXPECT_EQ(error_code_from_name(error_code_name(code)), code);
    expect_round_trip(make_error(code, "m"));
  }
  EXPECT_TRUE(is_known_error_code(ErrorCode::ConfigError));
  EXPECT_FALSE(error_code_from_name("UnknownError"));
  EXPECT_FALSE(error_code_from_name("heaplimitexceeded"));
}

TEST(BoundaryJson, DoublesInsideRecordsKeepTheirExactBits) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    TaskResult back;
    std::string error;
    ASSERT_TRUE(from_json(to_json(TaskResult{0, 0, true, Value(d), {}}), back, error)) << error;
    double got = back.value.as_double();
    if (std::isnan(d)) {
      EXPECT_TRUE(std::isnan(got));
    } else {
      EXPECT_EQ(std::memcmp(&got, &d, sizeof d), 0) << d;
    }
  }
}

TEST(BoundaryJson, RandomValueTreesRoundTripInsideRecords) {
  testing::RandomValues random(99);
  for (int i = 0; i < 300; ++i) {
    CapabilityCall call{1, 2, 3, "f", {random.tree(0), random.tree(0)}};
    CapabilityCall back;
    std::string error;
    ASSERT_TRUE(from_json(to_json(call), back, error)) << i << ": " << error;
    ASSERT_EQ(back, call) << i;
  }
}

TEST(BoundaryJson, ValuesNestedToTheDepthLimitRoundTripAndOneMoreFails) {
  Value deep;
  for (uint32_t i = 0; i < kMaxValueDepth; ++i) deep = Value(Value::Map{{"$m", std::move(deep)}});
  expect_round_trip(CapabilityCall{1, 2, 3, "f", {deep}});
  expect_round_trip(TaskResult{1, 2, true, deep, {}});
  std::string too_deep = R"({"ok":true,"value":)" + std::string(kMaxValueDepth + 1, '[') +
                         std::string(kMaxValueDepth + 1, ']') + "}";
  expect_error_at<TaskResult>(too_deep, "value");
  // Far deeper text stops in the parser, before any Value is built.
  std::string very_deep = R"({"value":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  TaskResult out;
  std::string error;
  EXPECT_FALSE(from_json(very_deep, out, error));
  EXPECT_NE(error.find("invalid JSON"), std::string::npos) << error;
}

// --- bad input -----------------------------------------------------------------------

TEST(BoundaryJson, WrongTypesNameTheKey) {
  expect_error_at<TaskResult>(R"({"contextId":"1"})", "contextId");
  expect_error_at<TaskResult>(R"({"taskId":-1})", "taskId");
  expect_error_at<TaskResult>(R"({"taskId":1.5})", "taskId");
  expect_error_at<TaskResult>(R"({"ok":1})", "ok");
  expect_error_at<Started>(R"({"error":[]})", "error");
  expect_error_at<Error>(R"({"message":null})", "message");
  expect_error_at<Error>(R"({"diagnostics":{}})", "diagnostics");
  expect_error_at<LoadResult>(R"({"error":{"diagnostics":[{"file":"f"},{"line":-1}]}})",
                              "error.diagnostics[1].line");
  expect_error_at<LoadResult>(R"({"info":{"exports":["a",3]}})", "info.exports[1]");
  expect_error_at<Diagnostic>(R"({"column":4294967296})", "column");
  expect_error_at<CapabilityCall>(R"({"args":{}})", "args");
  expect_error_at<ContextReport>(R"({"restarts":"2"})", "restarts");
  expect_error_at<ContextReport>(R"({"stats":{"gcCount":-1}})", "stats");
}

TEST(BoundaryJson, UnknownNamesAndKeysNameTheKey) {
  expect_error_at<Error>(R"({"code":"HeapLimitExceded"})", "code");
  expect_error_at<Error>(R"({"code":4})", "code");
  expect_error_at<TaskResult>(R"({"error":{"code":"UnknownError"}})", "error.code");
  expect_error_at<ModuleSource>(R"({"kind":"source"})", "kind");
  expect_error_at<ContextReport>(R"({"state":"Dead"})", "state");
  expect_error_at<Error>(R"({"code":"None","detail":1})", "detail");
  expect_error_at<CapabilityResult>(R"({"error":{"Code":"None"}})", "error.Code");
  std::string error;
  Error out;
  EXPECT_FALSE(from_json(R"({"code":"Nope"})", out, error));
  EXPECT_EQ(error, R"(code: unknown error code "Nope")");
}

TEST(BoundaryJson, BadValuePayloadsNameTheKey) {
  expect_error_at<TaskResult>(R"({"value":{"$nope":1}})", "value");
  expect_error_at<CapabilityCall>(R"({"args":[1,{"$bytes":"!!"}]})", "args[1]");
  expect_error_at<ModuleSource>(R"({"bytes":"AAEC"})", "bytes");
  expect_error_at<ModuleSource>(R"({"bytes":{"$bytes":"AAE"}})", "bytes");
  expect_error_at<ModuleSource>(R"({"bytes":[0,1]})", "bytes");
  std::string error;
  TaskResult out;
  EXPECT_FALSE(from_json(R"({"value":{"a":[1,{"$x":2}]}})", out, error));
  EXPECT_NE(error.find("$.a[1]"), std::string::npos) << error;
}

TEST(BoundaryJson, InvalidDocumentsFail) {
  const char* bad[] = {"", "{", "[]", "3", "null", R"({"ok":true} x)", R"({"ok":true,"ok":false})",
                       R"({"value":{"a":1,"a":2}})", R"({"value":1e999})"};
  for (const char* text : bad) {
    TaskResult out;
    std::string error;
    EXPECT_FALSE(from_json(text, out, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
  TaskResult out;
  std::string error;
  EXPECT_FALSE(from_json(R"({"ok":true,"ok":false})", out, error));
  EXPECT_NE(error.find("duplicate key \"ok\""), std::string::npos) << error;
}

TEST(BoundaryJson, FailedReadsLeaveTheTargetUnchanged) {
  TaskResult target{7, 8, true, Value("kept"), {}};
  TaskResult before = target;
  std::string error;
  EXPECT_FALSE(from_json(R"({"contextId":1,"value":[1,2],"taskId":"x"})", target, error));
  EXPECT_EQ(target, before);
}

TEST(BoundaryJson, AbsentKeysTakeTheirDefaults) {
  TaskResult r;
  std::string error;
  ASSERT_TRUE(from_json(R"({"ok":true})", r, error)) << error;
  EXPECT_EQ(r, (TaskResult{0, 0, true, Value(), {}}));
  ContextReport report;
  ASSERT_TRUE(from_json("{}", report, error)) << error;
  EXPECT_EQ(report, ContextReport{});
}

TEST(BoundaryJson, ParseJsonExactReadsDoublesExactlyAndRejectsDuplicates) {
  boost::json::value v;
  std::string error;
  ASSERT_TRUE(parse_json_exact(R"({"a":[0.1,5e-324,-0.0,1e308],"b":18446744073709551615})", v, error)) << error;
  const auto& a = v.as_object().at("a").as_array();
  EXPECT_EQ(a[0].as_double(), 0.1);
  EXPECT_EQ(a[1].as_double(), 5e-324);
  EXPECT_TRUE(std::signbit(a[2].as_double()));
  EXPECT_EQ(a[3].as_double(), 1e308);
  EXPECT_EQ(v.as_object().at("b").as_uint64(), ~uint64_t(0));
  EXPECT_FALSE(parse_json_exact(R"({"a":{"b":1,"b":1}})", v, error));
  EXPECT_FALSE(parse_json_exact("[1] [2]", v, error));
}

}  // namespace
}  // namespace raya::messages
