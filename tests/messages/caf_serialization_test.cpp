// The CAF side of the boundary types (messages/inspect.hpp, caf_types.cpp):
// every type survives caf::binary_serializer / binary_deserializer, alone
// and inside a caf::message (which only works for registered types), and
// hostile bytes give a CAF error, never a crash, a hang or a huge allocation.
#include "messages/caf_types.hpp"
#include "messages/inspect.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

#include "tests/messages/value_test_support.hpp"

namespace raya::messages {
namespace {

using Bytes = std::vector<char>;

/// Serializers need an actor system for caf::message, which names its
/// element types through the system's registry. One for the whole suite
/// (each costs threads), and gone before main returns: CAF 0.17.6 crashes
/// destroying a system during static destruction.
caf::actor_system* the_system = nullptr;

caf::actor_system& test_system() { return *the_system; }

class CafSerialization : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = std::make_unique<caf::actor_system_config>();
    config_->set("scheduler.max-threads", 1);
    register_message_types(*config_);
    system_ = std::make_unique<caf::actor_system>(*config_);
    the_system = system_.get();
  }
  static void TearDownTestSuite() {
    the_system = nullptr;
    system_.reset();
    config_.reset();
  }

 private:
  static inline std::unique_ptr<caf::actor_system_config> config_;
  static inline std::unique_ptr<caf::actor_system> system_;
};

template <class T>
Bytes save(const T& x) {
  Bytes buf;
  caf::binary_serializer sink{test_system(), buf};
  caf::error err = sink(const_cast<T&>(x));
  EXPECT_FALSE(err) << test_system().render(err);
  return buf;
}

/// Loads `out` from all of `buf`; unread bytes at the end are an error too.
template <class T>
caf::error load(const Bytes& buf, T& out) {
  caf::binary_deserializer source{test_system(), buf};
  if (caf::error err = source(out)) return err;
  if (source.remaining() != 0) return caf::make_error(caf::sec::invalid_argument, "trailing bytes");
  return caf::none;
}

template <class T>
void expect_round_trip(const T& x) {
  T back{};
  caf::error err = load(save(x), back);
  ASSERT_FALSE(err) << test_system().render(err);
  EXPECT_EQ(back, x);
}

/// Through a caf::message, as an actor would send it between nodes: the
/// message names each element's type, so this fails unless it is registered.
template <class T>
void expect_message_round_trip(const T& x, const std::string& registered_name) {
  caf::message msg = caf::make_message(x);
  Bytes buf = save(msg);
  EXPECT_NE(std::string(buf.begin(), buf.end()).find("+" + registered_name), std::string::npos);
  caf::message back;
  caf::error err = load(buf, back);
  ASSERT_FALSE(err) << test_system().render(err);
  ASSERT_TRUE(back.match_elements<T>()) << caf::to_string(back);
  EXPECT_EQ(back.get_as<T>(0), x);
}

// --- sample values -----------------------------------------------------------

Error sample_error() {
  Error e = make_error(ErrorCode::CompileError, "2 errors");
  e.diagnostics.push_back({"main.raya", 3, 7, "unexpected '}'", "  let x = }"});
  e.diagnostics.push_back({"lib/\xC3\xA9.raya", 1, 1, "unknown import", ""});
  e.offset = 12;
  e.name = "SyntaxError";
  e.stack = "at main (main.raya:3)";
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
  s.tasks = 3;
  s.tasks_created = 4;
  s.steps_executed = 5;
  s.cpu_time_us = 6;
  s.gc_count = 7;
  s.gc_pause_us_total = 8;
  s.gc_pause_us_max = 9;
  s.limits.max_tasks = 10;
  s.limits.terminate_on_task_limit = true;
  s.limits.random_seed = ~uint64_t(0) - 1;
  return s;
}

Value every_kind() {
  return Value(Value::Map{{"null", Value()},
                          {"bool", Value(true)},
                          {"int", Value(std::numeric_limits<int64_t>::min())},
                          {"double", Value(2.5)},
                          {"string", Value("h\xC3\xA9llo\n")},
                          {"bytes", Value(Value::Bytes{0, 1, 255})},
                          {"array", Value(Value::Array{Value(1), Value("x"), Value(Value::Array{})})},
                          {"map", Value(Value::Map{{"", Value(false)}})},
                          {"handle", Value(ForeignHandle{~uint64_t(0), 42})}});
}

/// [[[...[null]...]]] with `depth` arrays.
Value nested_arrays(uint32_t depth) {
  Value v;
  for (uint32_t i = 0; i < depth; ++i) v = Value(Value::Array{std::move(v)});
  return v;
}

uint64_t bits_of(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// --- round trips -----------------------------------------------------------

TEST_F(CafSerialization, ValuesOfEveryKindRoundTrip) {
  expect_round_trip(Value());
  expect_round_trip(Value(false));
  expect_round_trip(Value(int64_t(-1)));
  expect_round_trip(Value(""));
  expect_round_trip(Value(Value::Bytes{}));
  expect_round_trip(Value(Value::Array{}));
  expect_round_trip(Value(Value::Map{}));
  expect_round_trip(Value(ForeignHandle{1, 2}));
  expect_round_trip(every_kind());
}

TEST_F(CafSerialization, DoublesKeepTheirExactBits) {
  // CAF's own double packing hangs on infinities and loses the others.
  const double cases[] = {0.0, -0.0, 1.5, -1e308, 5e-324, -2.2250738585072014e-308, HUGE_VAL, -HUGE_VAL,
                          std::nan(""), std::numeric_limits<double>::quiet_NaN(), 0.1};
  for (double d : cases) {
    Value back;
    ASSERT_FALSE(load(save(Value(d)), back));
    ASSERT_TRUE(back.is_double());
    EXPECT_EQ(bits_of(back.as_double()), bits_of(d)) << d;
  }
}

TEST_F(CafSerialization, ValuesNestedToTheDepthLimitRoundTrip) {
  expect_round_trip(nested_arrays(kMaxValueDepth));
  Value maps;
  for (uint32_t i = 0; i < kMaxValueDepth; ++i) maps = Value(Value::Map{{"k", std::move(maps)}});
  expect_round_trip(maps);
}

TEST_F(CafSerialization, RandomValueTreesRoundTrip) {
  testing::RandomValues random(20240611);
  for (int i = 0; i < 500; ++i) {
    Value v = random.tree(0);
    Value back;
    caf::error err = load(save(v), back);
    ASSERT_FALSE(err) << "tree " << i << ": " << test_system().render(err);
    ASSERT_EQ(back, v) << "tree " << i;
  }
}

TEST_F(CafSerialization, EveryRecordRoundTrips) {
  expect_round_trip(ForeignHandle{7, ~uint64_t(0)});
  expect_round_trip(ErrorCode::QuotaExceeded);
  expect_round_trip(sample_error().diagnostics[0]);
  expect_round_trip(Error{});
  expect_round_trip(sample_error());
  VmOptions options;
  options.max_step_budget = 99;
  expect_round_trip(options);
  expect_round_trip(sample_stats());
  expect_round_trip(TaskResult{1, 2, true, every_kind(), {}});
  expect_round_trip(TaskResult{1, 2, false, Value(), sample_error()});
  expect_round_trip(Started{true, 9, {}});
  expect_round_trip(Started{false, 0, make_error(ErrorCode::TaskLimitExceeded, "1000 tasks")});
  expect_round_trip(ModuleSource::from_source("main.raya", "export let x = 1;"));
  expect_round_trip(ModuleSource::from_bytecode("main.ryb", {0x52, 0x59, 0x42, 0, 255}));
  expect_round_trip(ModuleInfo{"main.raya", {"x", "f"}, {"fetch"}});
  expect_round_trip(LoadResult{true, ModuleInfo{"m", {"a"}, {}}, Value(7), {}});
  expect_round_trip(LoadResult{false, {}, {}, sample_error()});
  expect_round_trip(CapabilityCall{1, 2, 3, "fetch", {Value("https://x"), every_kind(), Value()}});
  expect_round_trip(CapabilityCall{});
  expect_round_trip(CapabilityResult::success(Value(3.5)));
  expect_round_trip(CapabilityResult::failure(make_error(ErrorCode::CapabilityDenied, "no")));
  ContextReport report{8, "worker-1", ContextReport::State::Failed, 2, sample_stats(), sample_error()};
  expect_round_trip(report);
  expect_round_trip(std::vector<Value>{Value(1), Value("two")});
  expect_round_trip(std::vector<ContextReport>{report, ContextReport{}});
}

TEST_F(CafSerialization, RegisteredTypesRoundTripInsideMessages) {
  expect_message_round_trip(every_kind(), "raya.Value");
  expect_message_round_trip(ForeignHandle{1, 2}, "raya.ForeignHandle");
  expect_message_round_trip(ErrorCode::Timeout, "raya.ErrorCode");
  expect_message_round_trip(sample_error().diagnostics[0], "raya.Diagnostic");
  expect_message_round_trip(sample_error(), "raya.Error");
  expect_message_round_trip(VmOptions{}, "raya.VmOptions");
  expect_message_round_trip(sample_stats(), "raya.VmStats");
  expect_message_round_trip(TaskResult{1, 2, true, Value(HUGE_VAL), {}}, "raya.TaskResult");
  expect_message_round_trip(Started{true, 3, {}}, "raya.Started");
  expect_message_round_trip(ModuleSource::from_bytecode("m.ryb", {1, 2, 3}), "raya.ModuleSource");
  expect_message_round_trip(ModuleInfo{"m", {"a"}, {"b"}}, "raya.ModuleInfo");
  expect_message_round_trip(LoadResult{false, {}, {}, sample_error()}, "raya.LoadResult");
  expect_message_round_trip(CapabilityCall{1, 2, 3, "f", {Value(1)}}, "raya.CapabilityCall");
  expect_message_round_trip(CapabilityResult::success(Value("ok")), "raya.CapabilityResult");
  ContextReport report{8, "w", ContextReport::State::Terminated, 0, sample_stats(), {}};
  expect_message_round_trip(report, "raya.ContextReport");
  // The list types travel under their own names, not "std::vector<raya.Value>".
  expect_message_round_trip(std::vector<Value>{Value(1), every_kind()}, "raya.ValueList");
  expect_message_round_trip(std::vector<ContextReport>{report}, "raya.ContextReportList");
}

TEST_F(CafSerialization, MessagesWithSeveralElementsRoundTrip) {
  caf::message msg = caf::make_message(uint64_t(5), every_kind(), sample_error());
  caf::message back;
  ASSERT_FALSE(load(save(msg), back));
  ASSERT_TRUE((back.match_elements<uint64_t, Value, Error>()));
  EXPECT_EQ(back.get_as<Value>(1), every_kind());
  EXPECT_EQ(back.get_as<Error>(2), sample_error());
}

TEST_F(CafSerialization, DeepToStringPrintsNamesAndJson) {
  std::string text = caf::deep_to_string(TaskResult{1, 2, false, Value(Value::Array{Value(1)}),
                                                    make_error(ErrorCode::HeapLimitExceeded, "big")});
  EXPECT_NE(text.find("raya.TaskResult"), std::string::npos) << text;
  EXPECT_NE(text.find("HeapLimitExceeded"), std::string::npos) << text;
  EXPECT_NE(text.find("[1]"), std::string::npos) << text;
  EXPECT_NE(caf::deep_to_string(ContextReport{}).find("Running"), std::string::npos);
  std::string module = caf::deep_to_string(ModuleSource::from_bytecode("m.ryb", {1, 2, 3}));
  EXPECT_NE(module.find("Bytecode"), std::string::npos) << module;
  EXPECT_NE(module.find("bytes(3)"), std::string::npos) << module;
}

// --- hostile bytes -----------------------------------------------------------

/// The bytes of a Value holding `tag`, then `length` as LEB128.
Bytes tag_and_length(Value::Kind tag, uint64_t length) {
  Bytes b{char(tag)};
  do {
    uint8_t low7 = uint8_t(length & 0x7F);
    length >>= 7;
    b.push_back(char(length != 0 ? low7 | 0x80 : low7));
  } while (length != 0);
  return b;
}

template <class T>
void expect_load_error(const Bytes& buf) {
  T out{};
  EXPECT_TRUE(load(buf, out)) << "bytes loaded without error";
}

TEST_F(CafSerialization, SavingAValueDeeperThanTheLimitFails) {
  Bytes buf;
  caf::binary_serializer sink{test_system(), buf};
  Value too_deep = nested_arrays(kMaxValueDepth + 1);
  EXPECT_TRUE(sink(too_deep));
}

TEST_F(CafSerialization, LoadingAValueDeeperThanTheLimitFails) {
  Bytes buf;
  for (uint32_t i = 0; i < kMaxValueDepth + 1; ++i) {
    Bytes level = tag_and_length(Value::Kind::Array, 1);
    buf.insert(buf.end(), level.begin(), level.end());
  }
  buf.push_back(char(Value::Kind::Null));
  Value out;
  caf::error err = load(buf, out);
  ASSERT_TRUE(err);
  EXPECT_EQ(err.code(), uint8_t(caf::sec::invalid_argument));
  // One level less is fine: the limit is exact.
  Bytes ok(buf.begin() + 2, buf.end());
  EXPECT_FALSE(load(ok, out));
}

TEST_F(CafSerialization, EveryTruncationOfAValueFails) {
  Bytes full = save(every_kind());
  for (size_t n = 0; n < full.size(); ++n) expect_load_error<Value>(Bytes(full.begin(), full.begin() + n));
}

TEST_F(CafSerialization, EveryTruncationOfARecordFails) {
  Bytes call = save(CapabilityCall{1, 2, 3, "fetch", {every_kind()}});
  for (size_t n = 0; n < call.size(); ++n) expect_load_error<CapabilityCall>(Bytes(call.begin(), call.begin() + n));
  Bytes report = save(ContextReport{8, "w", ContextReport::State::Failed, 2, sample_stats(), sample_error()});
  for (size_t n = 0; n < report.size(); ++n) expect_load_error<ContextReport>(Bytes(report.begin(), report.begin() + n));
  Bytes module = save(ModuleSource::from_bytecode("m.ryb", {1, 2, 3}));
  for (size_t n = 0; n < module.size(); ++n) expect_load_error<ModuleSource>(Bytes(module.begin(), module.begin() + n));
}

TEST_F(CafSerialization, HugeClaimedLengthsFailWithoutAllocating) {
  const uint64_t huge = uint64_t(1) << 60;
  expect_load_error<Value>(tag_and_length(Value::Kind::Array, huge));
  expect_load_error<Value>(tag_and_length(Value::Kind::Map, huge));
  expect_load_error<Value>(tag_and_length(Value::Kind::String, huge));
  expect_load_error<Value>(tag_and_length(Value::Kind::Bytes, huge));
  expect_load_error<Value>(tag_and_length(Value::Kind::Bytes, ~uint64_t(0)));
  // A string claiming 2^60 bytes with some data present still fails.
  Bytes with_data = tag_and_length(Value::Kind::String, huge);
  with_data.resize(with_data.size() + 100000, 'x');
  expect_load_error<Value>(with_data);
  // A length prefix longer than 64 bits.
  Bytes overlong{char(Value::Kind::String)};
  overlong.insert(overlong.end(), 11, char(0xFF));
  expect_load_error<Value>(overlong);
  // ModuleSource::bytes: CAF's default would resize to the claimed length.
  Bytes module = save(ModuleSource::from_bytecode("", {}));
  module.pop_back();  // the empty bytes' length
  Bytes claim = tag_and_length(Value::Kind::Null, uint64_t(1) << 40);
  module.insert(module.end(), claim.begin() + 1, claim.end());
  expect_load_error<ModuleSource>(module);
  // A list claiming 2^32 - 1 elements (CAF's own sequence length).
  expect_load_error<std::vector<Value>>(Bytes{char(0xFF), char(0xFF), char(0xFF), char(0xFF), 0x0F});
}

TEST_F(CafSerialization, UnknownTagsAndBadBytesFail) {
  expect_load_error<Value>(Bytes{9});
  expect_load_error<Value>(Bytes{char(0xFF)});
  expect_load_error<Value>(Bytes{char(Value::Kind::Bool), 2});
  // A map with the key "a" twice.
  Bytes dup = tag_and_length(Value::Kind::Map, 2);
  for (int i = 0; i < 2; ++i) dup.insert(dup.end(), {1, 'a', char(Value::Kind::Null)});
  expect_load_error<Value>(dup);
  Bytes once = tag_and_length(Value::Kind::Map, 1);
  once.insert(once.end(), {1, 'a', char(Value::Kind::Null)});
  Value out;
  EXPECT_FALSE(load(once, out));
}

TEST_F(CafSerialization, RecordsWithUnknownEnumValuesFail) {
  Bytes error = save(sample_error());
  error[0] = char(200);  // the code is the first field
  expect_load_error<Error>(error);
  Bytes module = save(ModuleSource{});
  module[0] = 2;  // the kind is the first field
  expect_load_error<ModuleSource>(module);
  ContextReport report;
  Bytes report_bytes = save(report);
  report_bytes[9] = 3;  // after the 8-byte id and the empty name's length
  expect_load_error<ContextReport>(report_bytes);
  report_bytes[9] = 2;
  EXPECT_FALSE(load(report_bytes, report));
  EXPECT_EQ(report.state, ContextReport::State::Failed);
}

TEST_F(CafSerialization, UnknownTypeNamesInMessagesFail) {
  Bytes buf = save(caf::make_message(Value(1)));
  std::string text(buf.begin(), buf.end());
  size_t at = text.find("raya.Value");
  ASSERT_NE(at, std::string::npos);
  buf[at + 5] = 'X';  // "raya.Xalue"
  expect_load_error<caf::message>(buf);
}

TEST_F(CafSerialization, RandomAndMutatedBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    Bytes junk(rng() % 64);
    for (char& c : junk) c = char(rng());
    // Mostly start with a valid tag so the reader gets past the first byte.
    if (!junk.empty() && i % 2 == 0) junk[0] = char(rng() % 9);
    Value v;
    (void)load(junk, v);
    TaskResult r;
    (void)load(junk, r);
  }
  Bytes valid = save(CapabilityCall{1, 2, 3, "f", {every_kind(), nested_arrays(20)}});
  for (size_t i = 0; i < valid.size(); ++i) {
    for (int byte : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      Bytes mutated = valid;
      mutated[i] = char(byte);
      CapabilityCall out;
      (void)load(mutated, out);
    }
  }
}

}  // namespace
}  // namespace raya::messages
