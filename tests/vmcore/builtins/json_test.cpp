// JSON.stringify and JSON.parse: node's output for the supported cases and
// the standard errors (cycles, syntax), plus Raya's refusals (function
// replacer, reviver, toJSON) and resource limits (depth).
#include <cmath>

#include "tests/vmcore/builtins/builtin_test_support.hpp"

namespace raya::vm::testing {
namespace {

class JsonBuiltin : public BuiltinTest {
 protected:
  std::string stringify(std::initializer_list<Value> args) {
    Value v = invoke_static("JSON", "stringify", args);
    return is_string(v) ? utf8(v) : v.is_undefined() ? "<undefined>" : "<not a string>";
  }
  Value parse(std::string_view text) { return invoke_static("JSON", "parse", {str(text)}); }
  std::string parse_error(std::string_view text) { return static_error("JSON", "parse", {str(text)}); }
};

TEST_F(JsonBuiltin, StringifiesPrimitives) {
  EXPECT_EQ(stringify({num(42)}), "42");
  EXPECT_EQ(stringify({num(-0.0)}), "0");
  EXPECT_EQ(stringify({num(1.5e300)}), "1.5e+300");
  EXPECT_EQ(stringify({nan()}), "null");
  EXPECT_EQ(stringify({inf()}), "null");
  EXPECT_EQ(stringify({boolean(false)}), "false");
  EXPECT_EQ(stringify({null()}), "null");
  EXPECT_EQ(stringify({str("a\"b\n\u00e9")}), "\"a\\\"b\\n\u00e9\"");
  EXPECT_EQ(stringify({undef()}), "<undefined>");
  EXPECT_EQ(stringify({get(builtin("Math"), "abs")}), "<undefined>");
}

TEST_F(JsonBuiltin, LoneSurrogatesAreEscaped) {
  EXPECT_EQ(stringify({str16(u"a\xD800")}), "\"a\\ud800\"");
}

TEST_F(JsonBuiltin, StringifiesObjectsAndArrays) {
  Value fn = get(builtin("Math"), "abs");
  Value o = obj({{"a", num(1)}, {"skip", undef()}, {"f", fn}, {"list", arr({num(1), undef(), fn, null()})}});
  EXPECT_EQ(stringify({o}), R"({"a":1,"list":[1,null,null,null]})");
  EXPECT_EQ(stringify({obj({})}), "{}");
  EXPECT_EQ(stringify({arr({})}), "[]");
}

TEST_F(JsonBuiltin, MapsAndSetsAreEmptyObjects) {
  Value map = keep(Value::object(ctx.new_map(false)));
  as_map(map)->table_.set(str("k"), num(1));
  EXPECT_EQ(stringify({arr({map, keep(Value::object(ctx.new_map(true)))})}), "[{},{}]");
}

TEST_F(JsonBuiltin, ErrorsShowOnlyEnumerableProperties) {
  Value error = keep(ctx.make_error(ErrorType::TypeError, "boom"));
  EXPECT_EQ(stringify({error}), "{}");
}

TEST_F(JsonBuiltin, IndentsWithNumbersOrStrings) {
  Value o = obj({{"a", num(1)}, {"b", arr({num(2), obj({})})}});
  EXPECT_EQ(stringify({o, undef(), num(2)}), "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    {}\n  ]\n}");
  EXPECT_EQ(stringify({arr({num(1)}), null(), str("--")}), "[\n--1\n]");
  EXPECT_EQ(stringify({arr({num(1)}), null(), num(50)}), "[\n          1\n]");  // clamped to 10
  EXPECT_EQ(stringify({arr({num(1)}), null(), num(0)}), "[1]");
  EXPECT_EQ(stringify({arr({num(1)}), null(), str("")}), "[1]");
}

TEST_F(JsonBuiltin, ReplacerArraySelectsKeysInItsOrder) {
  Value o = obj({{"a", num(1)}, {"b", num(2)}, {"c", num(3)}, {"1", num(4)}});
  EXPECT_EQ(stringify({o, arr({str("c"), str("a"), num(1), str("a"), str("zz")})}), R"({"c":3,"a":1,"1":4})");
}

TEST_F(JsonBuiltin, CyclesAreTypeErrors) {
  Value o = obj({});
  ctx.define_own_property(as_object(o), ctx.intern_ascii("self"), o);
  EXPECT_EQ(static_error("JSON", "stringify", {o}), "TypeError: Converting circular structure to JSON");
  Value a = arr({});
  ctx.array_push(as_array(a), arr({a}));
  EXPECT_EQ(static_error("JSON", "stringify", {a}), "TypeError: Converting circular structure to JSON");
}

TEST_F(JsonBuiltin, SharedNonCyclicReferencesAreFine) {
  Value shared = obj({{"x", num(1)}});
  EXPECT_EQ(stringify({arr({shared, shared})}), R"([{"x":1},{"x":1}])");
}

TEST_F(JsonBuiltin, DeepNestingIsRangeErrorNotACrash) {
  Value a = arr({});
  Value innermost = a;
  for (int i = 0; i < 5000; ++i) {
    Value next = arr({});
    ctx.array_push(as_array(innermost), next);
    innermost = next;
  }
  EXPECT_EQ(static_error("JSON", "stringify", {a}), "RangeError: JSON.stringify: nesting deeper than 1000 levels");
}

TEST_F(JsonBuiltin, UnsupportedCallbacksAreTypeErrors) {
  Value fn = get(builtin("Math"), "abs");
  EXPECT_EQ(static_error("JSON", "stringify", {obj({}), fn}),
            "TypeError: JSON.stringify: a replacer function is not supported");
  EXPECT_EQ(static_error("JSON", "parse", {str("1"), fn}), "TypeError: JSON.parse: a reviver function is not supported");
  Value with_to_json = obj({{"toJSON", fn}});
  EXPECT_EQ(static_error("JSON", "stringify", {with_to_json}),
            "TypeError: JSON.stringify: toJSON methods are not supported");
}

TEST_F(JsonBuiltin, GettersAreSkipped) {
  Value o = obj({{"a", num(1)}});
  define_accessor(o, "g", get(builtin("Math"), "random"));
  EXPECT_EQ(stringify({o}), R"({"a":1})");
}

TEST_F(JsonBuiltin, ParsesValues) {
  EXPECT_EQ(parse("42").to_double(), 42);
  EXPECT_TRUE(parse("42").is_int());
  EXPECT_EQ(parse("-1.5e2").to_double(), -150);
  EXPECT_TRUE(parse("true").is_true());
  EXPECT_TRUE(parse(" null ").is_null());
  EXPECT_EQ(utf8(parse(R"("a\u00e9\n")")), "a\u00e9\n");
}

TEST_F(JsonBuiltin, ParsesNestedStructuresPreservingKeyOrder) {
  Value v = parse(R"({"b": [1, {"c": null}], "a": "x", "b2": {}, "arr": [[], [[]]]})");
  EXPECT_EQ(json(v), R"({"b":[1,{"c":null}],"a":"x","b2":{},"arr":[[],[[]]]})");
  ASSERT_TRUE(is_plain_object(v));
  EXPECT_EQ(as_object(v)->proto(), ctx.object_prototype());
}

TEST_F(JsonBuiltin, DuplicateKeysKeepTheLastValue) {
  EXPECT_EQ(json(parse(R"({"a":1,"b":2,"a":3})")), R"({"a":3,"b":2})");
}

TEST_F(JsonBuiltin, ParsesLargeObjectsAndArrays) {
  std::string text = "{";
  for (int i = 0; i < 300; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":[" + std::to_string(i) + "]";
  text += "}";
  Value v = parse(text);
  EXPECT_EQ(json(v), text);
}

TEST_F(JsonBuiltin, SyntaxErrorsCarryTheParserMessage) {
  std::string e = parse_error("{\"a\": }");
  EXPECT_EQ(e.rfind("SyntaxError: ", 0), 0u) << e;
  EXPECT_NE(parse_error("").find("SyntaxError"), std::string::npos);
  EXPECT_NE(parse_error("[1,]").find("SyntaxError"), std::string::npos);
  EXPECT_NE(parse_error("{'a':1}").find("SyntaxError"), std::string::npos);
  EXPECT_NE(parse_error("1 2").find("SyntaxError"), std::string::npos);
}

TEST_F(JsonBuiltin, ParseOfANonStringIsTypeError) {
  EXPECT_EQ(static_error("JSON", "parse", {num(1)}), "TypeError: JSON.parse: text must be a string, got number 1");
}

TEST_F(JsonBuiltin, ParseDepthIsLimited) {
  std::string deep(2000, '[');
  deep += std::string(2000, ']');
  EXPECT_EQ(parse_error(deep), "RangeError: JSON.parse: nesting deeper than 1000 levels");
  std::string ok(900, '[');
  ok += std::string(900, ']');
  EXPECT_TRUE(is_array(parse(ok)));
}

TEST_F(JsonBuiltin, RoundTripsThroughParse) {
  std::string text = R"({"n":-0.5,"s":"\u0001\"","l":[true,false,null],"o":{"1":1,"x":[{}]}})";
  EXPECT_EQ(json(parse(text)), text);
}

}  // namespace
}  // namespace raya::vm::testing
