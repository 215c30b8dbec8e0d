// JSON quoting (JSON.stringify's QuoteJSONString) and the JSON.parse event
// parser. Error messages and positions are those of node 20 except where the
// comments say otherwise.
#include "vmcore/value/json_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {
namespace {

using Status = JsonParseResult::Status;

// Records events as one line: [ ] { } k:name s:text n:number true false null.
// Returns false from the event numbered stop_at (1-based) to test aborting.
class Recorder : public JsonHandler {
 public:
  explicit Recorder(int stop_at = 0) : stop_at_(stop_at) {}

  bool on_null() override { return add("null"); }
  bool on_bool(bool value) override { return add(value ? "true" : "false"); }
  bool on_number(double value) override {
    return add("n:" + std::string(value == 0 && std::signbit(value) ? "-0" : number_to_string(value)));
  }
  bool on_string(std::u16string_view value) override { return add("s:" + utf16_to_utf8(value)); }
  bool on_key(std::u16string_view key) override { return add("k:" + utf16_to_utf8(key)); }
  bool begin_object() override { return add("{"); }
  bool end_object() override { return add("}"); }
  bool begin_array() override { return add("["); }
  bool end_array() override { return add("]"); }

  std::string events;

 private:
  bool add(const std::string& event) {
    if (!events.empty()) events += ' ';
    events += event;
    return ++count_ != stop_at_;
  }
  int stop_at_;
  int count_ = 0;
};

std::string parse_events(std::u16string_view text) {
  Recorder recorder;
  JsonParseResult result = parse_json(text, recorder);
  EXPECT_TRUE(result.ok()) << result.message;
  return recorder.events;
}

std::string parse_error(std::u16string_view text) {
  Recorder recorder;
  JsonParseResult result = parse_json(text, recorder);
  EXPECT_EQ(result.status, Status::kSyntaxError);
  return result.message;
}

std::string json_quote(std::u16string_view text) {
  std::string out;
  append_json_quoted(out, text);
  return out;
}

// ---------------------------------------------------------------------------
// Quoting

TEST(JsonQuote, EscapesLikeStringify) {
  EXPECT_EQ(json_quote(u""), "\"\"");
  EXPECT_EQ(json_quote(u"plain"), "\"plain\"");
  EXPECT_EQ(json_quote(u"\"\\\b\f\n\r\t"), R"("\"\\\b\f\n\r\t")");
  EXPECT_EQ(json_quote(std::u16string(u"\0\x1f", 2)), R"("\u0000\u001f")");
  // Not escaped: slash, DEL, U+2028 (JSON is a subset of JS since ES2019).
  EXPECT_EQ(json_quote(u"/\x7f\u2028"), "\"/\x7f\xe2\x80\xa8\"");
}

TEST(JsonQuote, WritesUtf8AndEscapesLoneSurrogates) {
  EXPECT_EQ(json_quote(u"\u00e9\u20ac\U0001F600"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  // node: JSON.stringify("\ud800a\udc00") is "\"\\ud800a\\udc00\"" (lower-case hex).
  EXPECT_EQ(json_quote(u"\xD800" u"a\xDC00"), R"("\ud800a\udc00")");
  EXPECT_EQ(json_quote(u"\xDBFF"), R"("\udbff")");
  EXPECT_EQ(json_quote(u"\xDC00\xD800"), R"("\udc00\ud800")");
}

TEST(JsonQuote, AppendsToExistingOutput) {
  std::string out = "[";
  append_json_quoted(out, u"a");
  out += ',';
  append_json_quoted_latin1(out, "b");
  EXPECT_EQ(out, "[\"a\",\"b\"");
}

TEST(JsonQuote, Latin1MatchesTheUtf16Version) {
  std::string latin1;
  std::u16string utf16;
  for (int unit = 0; unit < 256; ++unit) {
    latin1 += static_cast<char>(unit);
    utf16 += static_cast<char16_t>(unit);
  }
  std::string from_latin1;
  append_json_quoted_latin1(from_latin1, latin1);
  EXPECT_EQ(from_latin1, json_quote(utf16));
}

// ---------------------------------------------------------------------------
// Parsing: accepted documents

TEST(JsonParse, ReadsScalars) {
  EXPECT_EQ(parse_events(u"null"), "null");
  EXPECT_EQ(parse_events(u"true"), "true");
  EXPECT_EQ(parse_events(u"false"), "false");
  EXPECT_EQ(parse_events(u"0"), "n:0");
  EXPECT_EQ(parse_events(u"\"\""), "s:");
  EXPECT_EQ(parse_events(u" \t\r\n42 \t\r\n"), "n:42");
}

TEST(JsonParse, ReadsNumbersExactly) {
  EXPECT_EQ(parse_events(u"-0"), "n:-0");
  EXPECT_EQ(parse_events(u"-0.0e-0"), "n:-0");
  EXPECT_EQ(parse_events(u"12.5"), "n:12.5");
  EXPECT_EQ(parse_events(u"1E5"), "n:100000");
  EXPECT_EQ(parse_events(u"1e-7"), "n:1e-7");
  EXPECT_EQ(parse_events(u"0.1"), "n:0.1");
  EXPECT_EQ(parse_events(u"123456789012345"), "n:123456789012345");
  EXPECT_EQ(parse_events(u"9007199254740993"), "n:9007199254740992");
  EXPECT_EQ(parse_events(u"123456789012345678901"), "n:123456789012345680000");
  EXPECT_EQ(parse_events(u"5e-324"), "n:5e-324");
  EXPECT_EQ(parse_events(u"1e400"), "n:Infinity");
  EXPECT_EQ(parse_events(u"-1e-400"), "n:-0");
  EXPECT_EQ(parse_events(u"[1,-2,3.5e+2]"), "[ n:1 n:-2 n:350 ]");
}

TEST(JsonParse, ReadsStringEscapes) {
  EXPECT_EQ(parse_events(uR"("\"\\\/\b\f\n\r\t")"), "s:\"\\/\b\f\n\r\t");
  EXPECT_EQ(parse_events(uR"("\u0041\u00e9\uD83D\uDE00")"), "s:A\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(parse_events(u"\"raw \u00e9 \U0001F600 \u2028\""), "s:raw \xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8");
}

TEST(JsonParse, KeepsLoneSurrogatesFromEscapes) {
  struct Capture : Recorder {
    std::u16string last;
    bool on_string(std::u16string_view value) override {
      last = value;
      return true;
    }
  } capture;
  ASSERT_TRUE(parse_json(uR"("a\ud800b\uDC00")", capture).ok());
  EXPECT_EQ(capture.last, u"a\xD800" u"b\xDC00");
  // Raw lone surrogates in the input are passed through too.
  ASSERT_TRUE(parse_json(u"\"\xDFFF\"", capture).ok());
  EXPECT_EQ(capture.last, u"\xDFFF");
}

TEST(JsonParse, ReadsNestedContainers) {
  EXPECT_EQ(parse_events(u"[]"), "[ ]");
  EXPECT_EQ(parse_events(u"{}"), "{ }");
  EXPECT_EQ(parse_events(u" [ ] "), "[ ]");
  EXPECT_EQ(parse_events(u"{ \"a\" : [1, {\"b\":null}, []], \"c\":{} }"),
            "{ k:a [ n:1 { k:b null } [ ] ] k:c { } }");
  EXPECT_EQ(parse_events(u"[[[\"x\"]],true]"), "[ [ [ s:x ] ] true ]");
}

TEST(JsonParse, PassesDuplicateAndEscapedKeysThrough) {
  EXPECT_EQ(parse_events(uR"({"a":1,"a":2,"\u0062":3,"__proto__":4})"), "{ k:a n:1 k:a n:2 k:b n:3 k:__proto__ n:4 }");
}

// ---------------------------------------------------------------------------
// Parsing: every error

TEST(JsonParse, ReportsUnexpectedEnd) {
  for (const char16_t* text : {u"", u" ", u"[", u"[1,", u"{\"a\":", u"tru", u"nul", u"n", u"fals", u"\"\\"}) {
    Recorder recorder;
    JsonParseResult result = parse_json(text, recorder);
    EXPECT_EQ(result.status, Status::kSyntaxError);
    EXPECT_EQ(result.message, "Unexpected end of JSON input");
    EXPECT_EQ(result.position, std::u16string_view(text).size());
  }
}

TEST(JsonParse, ReportsUnexpectedTokens) {
  // node 20 says "Unexpected token '}', "..." is not valid JSON"; we keep the
  // older V8 wording, which names the position instead of quoting the input.
  EXPECT_EQ(parse_error(u"[1,]"), "Unexpected token ] in JSON at position 3");
  EXPECT_EQ(parse_error(u"[,1]"), "Unexpected token , in JSON at position 1");
  EXPECT_EQ(parse_error(u"x"), "Unexpected token x in JSON at position 0");
  EXPECT_EQ(parse_error(u"trux"), "Unexpected token x in JSON at position 3");
  EXPECT_EQ(parse_error(u"NaN"), "Unexpected token N in JSON at position 0");
  EXPECT_EQ(parse_error(u"'a'"), "Unexpected token ' in JSON at position 0");
  EXPECT_EQ(parse_error(u"+1"), "Unexpected token + in JSON at position 0");
  EXPECT_EQ(parse_error(u".5"), "Unexpected token . in JSON at position 0");
  EXPECT_EQ(parse_error(u"\u00a01"), "Unexpected token \xc2\xa0 in JSON at position 0");  // not JSON whitespace
  EXPECT_EQ(parse_error(u"\u2028"), "Unexpected token \xe2\x80\xa8 in JSON at position 0");
  EXPECT_EQ(parse_error(u"[\U0001F600]"), "Unexpected token \xf0\x9f\x98\x80 in JSON at position 1");
  EXPECT_EQ(parse_error(u"/*c*/1"), "Unexpected token / in JSON at position 0");
}

TEST(JsonParse, ReportsUnexpectedNumberOrString) {
  EXPECT_EQ(parse_error(u"01"), "Unexpected number in JSON at position 1");
  EXPECT_EQ(parse_error(u"-01"), "Unexpected number in JSON at position 2");
  EXPECT_EQ(parse_error(u"[01]"), "Unexpected number in JSON at position 2");
  EXPECT_EQ(parse_error(u"nul1"), "Unexpected number in JSON at position 3");
  EXPECT_EQ(parse_error(u"nu-"), "Unexpected number in JSON at position 2");
  EXPECT_EQ(parse_error(u"nu\""), "Unexpected string in JSON at position 2");
}

TEST(JsonParse, ReportsTrailingCharacters) {
  EXPECT_EQ(parse_error(u"1 2"), "Unexpected non-whitespace character after JSON at position 2");
  EXPECT_EQ(parse_error(u"{\"a\":1}}"), "Unexpected non-whitespace character after JSON at position 7");
  EXPECT_EQ(parse_error(u"[]]"), "Unexpected non-whitespace character after JSON at position 2");
  EXPECT_EQ(parse_error(u"nullx"), "Unexpected non-whitespace character after JSON at position 4");
  EXPECT_EQ(parse_error(u"1x"), "Unexpected non-whitespace character after JSON at position 1");
}

TEST(JsonParse, ReportsBadObjects) {
  EXPECT_EQ(parse_error(u"{"), "Expected property name or '}' in JSON at position 1");
  EXPECT_EQ(parse_error(u"{a:1}"), "Expected property name or '}' in JSON at position 1");
  EXPECT_EQ(parse_error(u"{,}"), "Expected property name or '}' in JSON at position 1");
  EXPECT_EQ(parse_error(u"{\"a\":1,}"), "Expected double-quoted property name in JSON at position 7");
  EXPECT_EQ(parse_error(u"{\"a\":1,"), "Expected double-quoted property name in JSON at position 7");
  EXPECT_EQ(parse_error(u"{\"a\":1,'b':2}"), "Expected double-quoted property name in JSON at position 7");
  EXPECT_EQ(parse_error(u"{\"a\" 1}"), "Expected ':' after property name in JSON at position 5");
  EXPECT_EQ(parse_error(u"{\"a\""), "Expected ':' after property name in JSON at position 4");
  // node says "Unexpected token '}'" here but "Expected ':'" for the first
  // member; we are consistent.
  EXPECT_EQ(parse_error(u"{\"a\":1,\"b\"}"), "Expected ':' after property name in JSON at position 10");
  EXPECT_EQ(parse_error(u"{\"a\":1 \"b\":2}"), "Expected ',' or '}' after property value in JSON at position 7");
  EXPECT_EQ(parse_error(u"{\"a\":1"), "Expected ',' or '}' after property value in JSON at position 6");
  EXPECT_EQ(parse_error(u"{\"a\":1]"), "Expected ',' or '}' after property value in JSON at position 6");
}

TEST(JsonParse, ReportsBadArrays) {
  EXPECT_EQ(parse_error(u"[1 2]"), "Expected ',' or ']' after array element in JSON at position 3");
  EXPECT_EQ(parse_error(u"[1,2"), "Expected ',' or ']' after array element in JSON at position 4");
  EXPECT_EQ(parse_error(u"[1}"), "Expected ',' or ']' after array element in JSON at position 2");
}

TEST(JsonParse, ReportsBadStrings) {
  EXPECT_EQ(parse_error(u"\"\n\""), "Bad control character in string literal in JSON at position 1");
  EXPECT_EQ(parse_error(u"\"\t\""), "Bad control character in string literal in JSON at position 1");
  EXPECT_EQ(parse_error(u"\"ab\\n\x1f\""), "Bad control character in string literal in JSON at position 5");
  EXPECT_EQ(parse_error(u"\"abc"), "Unterminated string in JSON at position 4");
  EXPECT_EQ(parse_error(u"\"a\\nb"), "Unterminated string in JSON at position 5");
  EXPECT_EQ(parse_error(u"\"\\x\""), "Bad escaped character in JSON at position 2");
  EXPECT_EQ(parse_error(u"\"a\\\u00e9\""), "Bad escaped character in JSON at position 3");
  EXPECT_EQ(parse_error(u"\"\\'\""), "Bad escaped character in JSON at position 2");
  EXPECT_EQ(parse_error(u"\"\\u12x4\""), "Bad Unicode escape in JSON at position 5");
  EXPECT_EQ(parse_error(u"\"\\u\""), "Bad Unicode escape in JSON at position 3");
  EXPECT_EQ(parse_error(u"\"\\u12"), "Bad Unicode escape in JSON at position 5");
  EXPECT_EQ(parse_error(u"{\"a\\q\":1}"), "Bad escaped character in JSON at position 4");
}

TEST(JsonParse, ReportsBadNumbers) {
  EXPECT_EQ(parse_error(u"-"), "No number after minus sign in JSON at position 1");
  EXPECT_EQ(parse_error(u"-a"), "No number after minus sign in JSON at position 1");
  EXPECT_EQ(parse_error(u"[-]"), "No number after minus sign in JSON at position 2");
  EXPECT_EQ(parse_error(u"1."), "Unterminated fractional number in JSON at position 2");
  EXPECT_EQ(parse_error(u"1.e5"), "Unterminated fractional number in JSON at position 2");
  EXPECT_EQ(parse_error(u"1e"), "Exponent part is missing a number in JSON at position 2");
  EXPECT_EQ(parse_error(u"1e+"), "Exponent part is missing a number in JSON at position 3");
  EXPECT_EQ(parse_error(u"[1E-x]"), "Exponent part is missing a number in JSON at position 4");
}

TEST(JsonParse, ReportsPositionsInCodeUnits) {
  // The emoji is two UTF-16 units, so x is at 6 (5 in code points, 8 in
  // UTF-8 bytes), as in JavaScript.
  Recorder recorder;
  JsonParseResult result = parse_json(u"[\"\U0001F600\",x]", recorder);
  EXPECT_EQ(result.position, 6u);
  EXPECT_EQ(result.message, "Unexpected token x in JSON at position 6");
}

// ---------------------------------------------------------------------------
// Depth limit and aborting

std::u16string nested_arrays(std::size_t depth) {
  return std::u16string(depth, u'[') + std::u16string(depth, u']');
}

TEST(JsonParse, AcceptsNestingUpToTheLimit) {
  Recorder recorder;
  EXPECT_TRUE(parse_json(nested_arrays(512), recorder).ok());
  Recorder small;
  EXPECT_TRUE(parse_json(u"[{\"a\":[]}]", small, 3).ok());
}

TEST(JsonParse, RejectsNestingBeyondTheLimit) {
  Recorder recorder;
  JsonParseResult result = parse_json(nested_arrays(513), recorder);
  EXPECT_EQ(result.status, Status::kTooDeep);
  EXPECT_EQ(result.position, 512u);
  EXPECT_EQ(result.message, "JSON nesting deeper than 512 levels at position 512");

  Recorder small;
  result = parse_json(u"[{\"a\":[]}]", small, 2);
  EXPECT_EQ(result.status, Status::kTooDeep);
  EXPECT_EQ(result.position, 6u);
  Recorder none;
  EXPECT_EQ(parse_json(u"{}", none, 0).status, Status::kTooDeep);
  EXPECT_TRUE(parse_json(u"7", none, 0).ok());
}

TEST(JsonParse, DeepInputDoesNotUseTheCallStack) {
  // A million open brackets: a recursive parser would overflow the stack.
  Recorder recorder;
  std::u16string deep(1'000'000, u'[');
  JsonParseResult result = parse_json(deep, recorder, 2'000'000);
  EXPECT_EQ(result.status, Status::kSyntaxError);
  EXPECT_EQ(result.message, "Unexpected end of JSON input");
}

TEST(JsonParse, StopsWhenTheHandlerSaysSo) {
  // Events: [ n:1 { k:a s:x } ]
  const std::u16string_view text = u"[1,{\"a\":\"x\"}]";
  for (int stop_at = 1; stop_at <= 7; ++stop_at) {
    Recorder recorder(stop_at);
    JsonParseResult result = parse_json(text, recorder);
    EXPECT_EQ(result.status, Status::kAborted) << stop_at;
    EXPECT_TRUE(result.message.empty());
    EXPECT_EQ(static_cast<int>(std::count(recorder.events.begin(), recorder.events.end(), ' ')) + 1, stop_at);
  }
  Recorder all(8);
  EXPECT_TRUE(parse_json(text, all).ok());
  EXPECT_EQ(all.events, "[ n:1 { k:a s:x } ]");
}

TEST(JsonParse, StopsOnEveryKindOfEvent) {
  for (const char16_t* text : {u"null", u"true", u"false", u"1", u"\"s\"", u"\"\\n\"", u"{}", u"[]"}) {
    Recorder recorder(1);
    EXPECT_EQ(parse_json(text, recorder).status, Status::kAborted) << utf16_to_utf8(text);
  }
  Recorder end_object(2);
  EXPECT_EQ(parse_json(u"{}", end_object).status, Status::kAborted);
  Recorder end_array(2);
  EXPECT_EQ(parse_json(u"[]", end_array).status, Status::kAborted);
  Recorder key(2);
  EXPECT_EQ(parse_json(u"{\"k\":1}", key).status, Status::kAborted);
}

}  // namespace
}  // namespace raya::vm
