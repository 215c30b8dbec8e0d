// messages::Value: the data model, deep equality and the JSON form,
// including the tagged forms ($double, $bytes, $handle, $map), error paths
// and hostile input.
#include "messages/value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tests/messages/value_test_support.hpp"

namespace raya::messages {
namespace {

using Map = Value::Map;
using Array = Value::Array;
using Bytes = Value::Bytes;

Value parse(std::string_view text) {
  Value out;
  std::string error;
  EXPECT_TRUE(value_from_json(text, out, error)) << text << ": " << error;
  return out;
}

std::string parse_error(std::string_view text) {
  Value out;
  std::string error;
  EXPECT_FALSE(value_from_json(text, out, error)) << text << " parsed as " << to_json(out);
  return error;
}

/// to_json, back, and the same text again (== alone cannot see -0.0 vs 0.0).
void expect_round_trip(const Value& v) {
  std::string text = to_json(v);
  Value back;
  std::string error;
  ASSERT_TRUE(value_from_json(text, back, error)) << text << ": " << error;
  EXPECT_EQ(back, v) << text;
  EXPECT_EQ(to_json(back), text);
}

Value nested_arrays(uint32_t depth) {
  Value v = Value(Array{});
  for (uint32_t i = 1; i < depth; ++i) v = Value(Array{std::move(v)});
  return v;
}

std::string nested_array_text(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// --- the data model -------------------------------------------------------------

TEST(MessagesValue, EveryKindReportsItselfAndItsAccessor) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_TRUE(Value(true).as_bool());
  EXPECT_EQ(Value(7).as_int(), 7);
  EXPECT_EQ(Value(int64_t(1) << 40).as_int(), int64_t(1) << 40);
  EXPECT_EQ(Value(2.5).as_double(), 2.5);
  EXPECT_EQ(Value("hi").as_string(), "hi");
  EXPECT_EQ(Value(std::string("s")).kind(), Value::Kind::String);
  EXPECT_EQ(Value(Bytes{1, 2}).as_bytes(), (Bytes{1, 2}));
  EXPECT_EQ(Value(Array{1, 2}).as_array().size(), 2u);
  EXPECT_EQ(Value(Map{{"a", 1}}).as_map()[0].first, "a");
  EXPECT_EQ(Value(ForeignHandle{3, 4}).as_handle(), (ForeignHandle{3, 4}));
  EXPECT_TRUE(Value(ForeignHandle{}).is_handle());
}

TEST(MessagesValue, KindNamesAreReadable) {
  EXPECT_STREQ(Value::kind_name(Value::Kind::Null), "null");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Bool), "bool");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Int), "int");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Double), "double");
  EXPECT_STREQ(Value::kind_name(Value::Kind::String), "string");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Bytes), "bytes");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Array), "array");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Map), "map");
  EXPECT_STREQ(Value::kind_name(Value::Kind::Handle), "handle");
}

TEST(MessagesValue, FindReturnsAMapMemberOrNull) {
  Value m(Map{{"a", 1}, {"b", "x"}});
  ASSERT_NE(m.find("b"), nullptr);
  EXPECT_EQ(*m.find("b"), Value("x"));
  EXPECT_EQ(m.find("c"), nullptr);
  EXPECT_EQ(Value(Array{1}).find("a"), nullptr);
  EXPECT_EQ(Value(5).find("a"), nullptr);
}

TEST(MessagesValue, EqualityIsDeep) {
  Value a(Map{{"list", Array{1, "two", Map{{"x", Bytes{9}}}}}, {"h", ForeignHandle{1, 2}}});
  Value b(Map{{"list", Array{1, "two", Map{{"x", Bytes{9}}}}}, {"h", ForeignHandle{1, 2}}});
  EXPECT_EQ(a, b);
  b.as_map()[0].second.as_array()[2].as_map()[0].second = Value(Bytes{8});
  EXPECT_NE(a, b);
}

TEST(MessagesValue, EqualityNeedsTheSameKind) {
  EXPECT_NE(Value(2), Value(2.0));
  EXPECT_NE(Value(), Value(false));
  EXPECT_NE(Value(""), Value(Bytes{}));
  EXPECT_NE(Value(Array{}), Value(Map{}));
}

TEST(MessagesValue, DoublesAreEqualWhenEqualOrBothNaN) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value(nan), Value(nan));
  EXPECT_EQ(Value(nan), Value(-nan));
  EXPECT_EQ(Value(0.0), Value(-0.0));
  EXPECT_NE(Value(nan), Value(1.0));
  EXPECT_NE(Value(0.1 + 0.2), Value(0.3));
}

TEST(MessagesValue, MapEqualityRespectsMemberOrder) {
  EXPECT_NE(Value(Map{{"a", 1}, {"b", 2}}), Value(Map{{"b", 2}, {"a", 1}}));
  EXPECT_NE(Value(Map{{"a", 1}}), Value(Map{{"a", 1}, {"b", 2}}));
}

TEST(MessagesValue, PathsUseDotsForIdentifiersAndBracketsOtherwise) {
  std::string path = "args";
  append_path_index(path, 0);
  append_path_key(path, "items");
  append_path_key(path, "a b");
  append_path_key(path, "say \"hi\"");
  append_path_key(path, "$ok_1");
  append_path_key(path, "1st");
  append_path_key(path, "");
  EXPECT_EQ(path, R"(args[0].items["a b"]["say \"hi\""].$ok_1["1st"][""])");
}

// --- writing --------------------------------------------------------------------

TEST(MessagesValueJson, PlainValuesArePlainCompactJson) {
  Value v(Map{{"a", 1}, {"b", Array{true, false, nullptr, "x"}}, {"c", Map{}}, {"d", Array{}}});
  EXPECT_EQ(to_json(v), R"({"a":1,"b":[true,false,null,"x"],"c":{},"d":[]})");
}

TEST(MessagesValueJson, DoublesAlwaysLookLikeDoubles) {
  EXPECT_EQ(to_json(Value(2.0)), "2.0");
  EXPECT_EQ(to_json(Value(-0.0)), "-0.0");
  EXPECT_EQ(to_json(Value(1.5)), "1.5");
  EXPECT_EQ(to_json(Value(1e21)), "1e+21");
  EXPECT_EQ(to_json(Value(0.1)), "0.1");
  EXPECT_EQ(to_json(Value(2)), "2");
}

TEST(MessagesValueJson, NaNAndInfinitiesAreTagged) {
  EXPECT_EQ(to_json(Value(std::nan(""))), R"({"$double":"NaN"})");
  EXPECT_EQ(to_json(Value(HUGE_VAL)), R"({"$double":"Infinity"})");
  EXPECT_EQ(to_json(Value(-HUGE_VAL)), R"({"$double":"-Infinity"})");
}

TEST(MessagesValueJson, BytesAreBase64AndHandlesAreTagged) {
  EXPECT_EQ(to_json(Value(Bytes{})), R"({"$bytes":""})");
  EXPECT_EQ(to_json(Value(Bytes{'f'})), R"({"$bytes":"Zg=="})");
  EXPECT_EQ(to_json(Value(Bytes{'f', 'o'})), R"({"$bytes":"Zm8="})");
  EXPECT_EQ(to_json(Value(Bytes{'f', 'o', 'o'})), R"({"$bytes":"Zm9v"})");
  EXPECT_EQ(to_json(Value(Bytes{0xFB, 0xFF})), R"({"$bytes":"+/8="})");
  EXPECT_EQ(to_json(Value(ForeignHandle{7, UINT64_MAX})),
            R"({"$handle":{"registry":7,"token":18446744073709551615}})");
}

TEST(MessagesValueJson, AMapWhoseOnlyKeyStartsWithDollarIsWrapped) {
  EXPECT_EQ(to_json(Value(Map{{"$bytes", "Zg=="}})), R"({"$map":{"$bytes":"Zg=="}})");
  EXPECT_EQ(to_json(Value(Map{{"$x", Map{{"$y", 1}}}})), R"({"$map":{"$x":{"$map":{"$y":1}}}})");
  // Not wrapped: two keys, or a single key without '$' at its start.
  EXPECT_EQ(to_json(Value(Map{{"$a", 1}, {"b", 2}})), R"({"$a":1,"b":2})");
  EXPECT_EQ(to_json(Value(Map{{"a$", 1}})), R"({"a$":1})");
  EXPECT_EQ(to_json(Value(Map{{"", 1}})), R"({"":1})");
}

TEST(MessagesValueJson, StringsEscapeQuotesBackslashesAndControls) {
  EXPECT_EQ(to_json(Value("a\"b\\c\n\t\r\b\f\x01\x1f\x7f")), R"("a\"b\\c\n\t\r\b\f\u0001\u001f)" "\x7f\"");
  EXPECT_EQ(to_json(Value("h\xC3\xA9llo \xF0\x9F\x98\x80")), "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");
  EXPECT_EQ(to_json(Value(std::string("a\0b", 3))), R"("a\u0000b")");
}

TEST(MessagesValueJson, IllFormedUtf8IsWrittenAsReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(to_json(Value("a\xFF" "b")), "\"a" + fffd + "b\"");
  // A WTF-8 surrogate is three maximal ill-formed subparts (ED, A0, 80).
  EXPECT_EQ(to_json(Value("\xED\xA0\x80")), "\"" + fffd + fffd + fffd + "\"");
  // A truncated sequence is one.
  EXPECT_EQ(to_json(Value("\xE2\x82")), "\"" + fffd + "\"");
  EXPECT_EQ(to_json(Value("\xC0\xAF")), "\"" + fffd + fffd + "\"");  // overlong
  EXPECT_EQ(to_json(Value("\xF4\x90\x80\x80")), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  Value back;
  std::string error;
  EXPECT_TRUE(value_from_json(to_json(Value("x\xFFy\xE2\x82")), back, error)) << error;
}

// --- reading --------------------------------------------------------------------

TEST(MessagesValueJson, ReadsPlainJson) {
  EXPECT_EQ(parse(R"( {"a": [1, -2, 2.5, "s", true, null], "b": {}} )"),
            Value(Map{{"a", Array{1, -2, 2.5, "s", true, nullptr}}, {"b", Map{}}}));
  EXPECT_EQ(parse("\"\\u00e9\\ud83d\\ude00\""), Value("\xC3\xA9\xF0\x9F\x98\x80"));
}

TEST(MessagesValueJson, IntegersStayIntegersAndDoublesStayDoubles) {
  EXPECT_TRUE(parse("2").is_int());
  EXPECT_TRUE(parse("-0").is_int());
  EXPECT_TRUE(parse("2.0").is_double());
  EXPECT_TRUE(parse("2e0").is_double());
  EXPECT_TRUE(parse("2E0").is_double());  // what Boost.JSON's own serializer writes for 2.0
  EXPECT_EQ(parse("9223372036854775807"), Value(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(parse("-9223372036854775808"), Value(std::numeric_limits<int64_t>::min()));
}

TEST(MessagesValueJson, IntegersBeyondInt64ReadAsDoubles) {
  EXPECT_EQ(parse("9223372036854775808"), Value(9223372036854775808.0));
  EXPECT_EQ(parse("100000000000000000000000"), Value(1e23));
  EXPECT_EQ(parse("-100000000000000000000000"), Value(-1e23));
}

TEST(MessagesValueJson, DoublesReadBackExactly) {
  // Boost.JSON 1.81's own double parsing can be an ulp off; these are read
  // from their text with from_chars.
  for (double d : {0.1, 1.0 / 3, 2.2250738585072014e-308, 4.9406564584124654e-324, 1.7976931348623157e308,
                   9007199254740993.0, 123456789.12345678, 5e-324, 0.30000000000000004})
    expect_round_trip(Value(d));
  EXPECT_EQ(parse("0.30000000000000004").as_double(), 0.1 + 0.2);
}

TEST(MessagesValueJson, TinyNumbersUnderflowToZeroAndHugeOnesAreErrors) {
  Value tiny = parse("1e-400");
  ASSERT_TRUE(tiny.is_double());
  EXPECT_EQ(tiny.as_double(), 0.0);
  EXPECT_TRUE(std::signbit(parse("-1e-400").as_double()));
  EXPECT_EQ(parse_error("[1, 1e400]"), "at $[1]: number 1e400 is beyond the double range");
}

TEST(MessagesValueJson, TaggedFormsReadBack) {
  EXPECT_TRUE(std::isnan(parse(R"({"$double":"NaN"})").as_double()));
  EXPECT_EQ(parse(R"({"$double":"-Infinity"})"), Value(-HUGE_VAL));
  EXPECT_EQ(parse(R"({"$bytes":"Zm9vYg=="})"), Value(Bytes{'f', 'o', 'o', 'b'}));
  EXPECT_EQ(parse(R"({"$handle":{"token":2,"registry":1}})"), Value(ForeignHandle{1, 2}));
  EXPECT_EQ(parse(R"({"$map":{"$x":{"$map":{"$y":1}}}})"), Value(Map{{"$x", Map{{"$y", 1}}}}));
  // Inside a wrapper, the values are encoded again.
  EXPECT_EQ(parse(R"({"$map":{"$b":{"$bytes":"AA=="}}})"), Value(Map{{"$b", Bytes{0}}}));
  // A "$map" wrapper inside a genuine two-key map.
  EXPECT_EQ(parse(R"({"$map":{"$map":{"$x":1}},"b":2})"), Value(Map{{"$map", Map{{"$x", 1}}}, {"b", 2}}));
}

TEST(MessagesValueJson, DollarKeysRoundTripAtEveryNesting) {
  expect_round_trip(Value(Map{{"$map", Map{{"$map", Map{{"$map", 1}}}}}}));
  expect_round_trip(Value(Map{{"$map", Map{{"$x", 1}}}, {"b", 2}}));
  expect_round_trip(Value(Map{{"$", Array{Map{{"$handle", Map{{"registry", 1}, {"token", 2}}}}}}}));
  expect_round_trip(Value(Map{{"$bytes", "not base64!"}}));
  expect_round_trip(Value(Map{{"$double", "NaN"}}));
  expect_round_trip(Value(Map{{"$map", 5}}));
}

TEST(MessagesValueJson, EveryKindRoundTrips) {
  expect_round_trip(Value());
  expect_round_trip(Value(true));
  expect_round_trip(Value(false));
  expect_round_trip(Value(0));
  expect_round_trip(Value(std::numeric_limits<int64_t>::min()));
  expect_round_trip(Value(std::numeric_limits<int64_t>::max()));
  expect_round_trip(Value(-0.0));
  expect_round_trip(Value(2.0));
  expect_round_trip(Value(std::nan("")));
  expect_round_trip(Value(HUGE_VAL));
  expect_round_trip(Value(""));
  expect_round_trip(Value("\"quoted\" \\ \x01 \xE2\x82\xAC"));
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(uint8_t(i));
  for (size_t n = 0; n < 6; ++n) expect_round_trip(Value(Bytes(all.begin(), all.begin() + long(n))));
  expect_round_trip(Value(all));
  expect_round_trip(Value(ForeignHandle{0, 0}));
  expect_round_trip(Value(ForeignHandle{UINT64_MAX, UINT64_MAX}));
  expect_round_trip(Value(Array{1, Array{}, Map{}}));
  expect_round_trip(Value(Map{{"z", 1}, {"a", 2}, {"", 3}}));
}

TEST(MessagesValueJson, ErrorsNameTheJsonPath) {
  EXPECT_EQ(parse_error(R"({"items": [1, 2, 3, {"a": tru}]})").substr(0, 22), "at $.items[3].a: inval");
  EXPECT_EQ(parse_error(R"({"a": {"b": 1, "b": 2}})"), "at $.a.b: duplicate key");
  EXPECT_EQ(parse_error(R"([{"x y": {"$bytes": "@@@@"}}])"),
            R"(at $[0]["x y"]: $bytes: invalid base64 character at offset 0)");
  EXPECT_EQ(parse_error(R"({"$map": {"k": {"$nope": 1}}})"),
            R"(at $.$map.k: unknown tag "$nope" (a map whose only key starts with '$' is written {"$map": {...}}))");
}

TEST(MessagesValueJson, InvalidJsonIsRejectedWithWhereItStopped) {
  std::string e = parse_error("[1, 2,");
  EXPECT_EQ(e.rfind("at $[2]: invalid JSON (", 0), 0u) << e;
  e = parse_error("[1] x");
  EXPECT_EQ(e.rfind("at $: invalid JSON (", 0), 0u) << e;
  EXPECT_NE(e.find("at byte 4"), std::string::npos) << e;
  e = parse_error("");
  EXPECT_EQ(e.rfind("at $: invalid JSON", 0), 0u) << e;
  parse_error("{\"a\" 1}");
  parse_error("[1,]");
  parse_error("NaN");
  parse_error("\"\xFF\"");        // invalid UTF-8
  parse_error("\"\\ud800\"");     // lone surrogate escape
  parse_error("// comment\n1");  // comments are not JSON
}

TEST(MessagesValueJson, MalformedTagsAreErrors) {
  EXPECT_EQ(parse_error(R"({"$double": "nan"})"), R"(at $: $double needs "NaN", "Infinity" or "-Infinity")");
  EXPECT_EQ(parse_error(R"({"$double": 1})"), R"(at $: $double needs "NaN", "Infinity" or "-Infinity")");
  EXPECT_EQ(parse_error(R"({"$bytes": 5})"), "at $: $bytes needs a base64 string");
  EXPECT_EQ(parse_error(R"({"$bytes": "Zg="})"), "at $: $bytes: base64 length 3 is not a multiple of 4");
  EXPECT_EQ(parse_error(R"({"$bytes": "Z=g="})"), "at $: $bytes: invalid base64 character at offset 1");
  EXPECT_EQ(parse_error(R"({"$bytes": "Zg==Zg=="})"), "at $: $bytes: invalid base64 character at offset 2");
  EXPECT_EQ(parse_error(R"({"$map": [1]})"), R"(at $: $map needs an object, e.g. {"$map": {"$key": 1}})");
  const std::string handle_shape =
      R"($handle needs {"registry": <unsigned integer>, "token": <unsigned integer>})";
  EXPECT_EQ(parse_error(R"({"$handle": {"registry": 1}})"), "at $: " + handle_shape);
  EXPECT_EQ(parse_error(R"({"$handle": {"registry": 1, "token": -2}})"), "at $: " + handle_shape);
  EXPECT_EQ(parse_error(R"({"$handle": {"registry": 1, "registry": 2}})"), "at $: " + handle_shape);
  EXPECT_EQ(parse_error(R"({"$handle": {"registry": 1, "token": 2.0}})"), "at $: " + handle_shape);
  EXPECT_EQ(parse_error(R"({"$handle": {"registry": [1], "token": 2}})"), "at $: " + handle_shape);
  EXPECT_EQ(parse_error(R"({"$handle": 3})"), "at $: " + handle_shape);
}

TEST(MessagesValueJson, AFailedReadLeavesTheOutputAlone) {
  Value out(42);
  std::string error;
  EXPECT_FALSE(value_from_json("[1, {\"a\": 1, \"a\": 2}]", out, error));
  EXPECT_EQ(out, Value(42));
}

TEST(MessagesValueJson, NestingUpToTheLimitIsAccepted) {
  expect_round_trip(nested_arrays(kMaxValueDepth));
  // Wrapped maps take two JSON levels per value level, and a handle two more.
  Value v(ForeignHandle{1, 2});
  for (uint32_t i = 0; i < kMaxValueDepth; ++i) v = Value(Map{{"$k", std::move(v)}});
  expect_round_trip(v);
}

TEST(MessagesValueJson, NestingBeyondTheLimitIsAnErrorWithItsPath) {
  std::string e = parse_error(nested_array_text(kMaxValueDepth + 1));
  std::string path = "$";
  for (uint32_t i = 0; i < kMaxValueDepth; ++i) path += "[0]";
  EXPECT_EQ(e, "at " + path + ": nesting deeper than 1000 levels");
  // The same limit counts value levels, not JSON levels.
  std::string wrapped;
  for (uint32_t i = 0; i <= kMaxValueDepth; ++i) wrapped += R"({"$map":{"$k":)";
  wrapped += "1";
  for (uint32_t i = 0; i <= kMaxValueDepth; ++i) wrapped += "}}";
  e = parse_error(wrapped);
  EXPECT_NE(e.find(": nesting deeper than 1000 levels"), std::string::npos) << e.substr(0, 100);
}

TEST(MessagesValueJson, HostileNestingIsRejectedWithoutRecursion) {
  // A million levels: the parser stops at its own depth limit, long before
  // any recursion could matter.
  std::string e = parse_error(nested_array_text(1000000));
  EXPECT_NE(e.find(": nesting deeper than 1000 levels"), std::string::npos) << e.substr(0, 100);
  e = parse_error(std::string(1000000, '['));
  EXPECT_NE(e.find(": nesting deeper than 1000 levels"), std::string::npos) << e.substr(0, 100);
}

TEST(MessagesValueJson, LargeMapsStillDetectDuplicateKeys) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"k57\":0}";
  EXPECT_EQ(parse_error(text), "at $.k57: duplicate key");
}

// --- fuzz -----------------------------------------------------------------------

TEST(MessagesValueJson, RandomTreesRoundTripExactly) {
  testing::RandomValues random(20260121);
  size_t total_bytes = 0;
  for (int i = 0; i < 2000; ++i) {
    Value v = random.tree(0);
    SCOPED_TRACE("tree " + std::to_string(i));
    expect_round_trip(v);
    if (HasFatalFailure()) return;
    total_bytes += to_json(v).size();
  }
  EXPECT_GT(total_bytes, 500000u);  // the trees are not trivially small
}

}  // namespace
}  // namespace raya::messages
