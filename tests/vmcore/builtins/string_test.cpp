// String.prototype methods and String statics: UTF-16 positions, JavaScript
// clamping rules, no coercion of arguments, and bounded result sizes.
#include <cmath>

#include "tests/vmcore/builtins/builtin_test_support.hpp"
#include "vmcore/heap/vm_fatal.hpp"

namespace raya::vm::testing {
namespace {

class StringBuiltin : public BuiltinTest {
 protected:
  std::string s(std::string_view receiver, std::string_view method, std::initializer_list<Value> args) {
    return utf8(invoke(str(receiver), method, args));
  }
  double n(std::string_view receiver, std::string_view method, std::initializer_list<Value> args) {
    Value v = invoke(str(receiver), method, args);
    EXPECT_TRUE(v.is_number());
    return v.to_double();
  }
  bool b(std::string_view receiver, std::string_view method, std::initializer_list<Value> args) {
    return invoke(str(receiver), method, args).is_true();
  }
  std::string error(std::string_view receiver, std::string_view method, std::initializer_list<Value> args) {
    return invoke_error(str(receiver), method, args);
  }
};

TEST_F(StringBuiltin, CharacterAccessUsesCodeUnits) {
  EXPECT_EQ(s("abc", "charAt", {num(1)}), "b");
  EXPECT_EQ(s("abc", "charAt", {num(5)}), "");
  EXPECT_EQ(s("abc", "charAt", {}), "a");
  EXPECT_EQ(n("abc", "charCodeAt", {num(0)}), 97);
  EXPECT_TRUE(std::isnan(n("abc", "charCodeAt", {num(-1)})));
  EXPECT_EQ(n("😀", "charCodeAt", {num(0)}), 0xD83D);
  EXPECT_EQ(n("😀", "codePointAt", {num(0)}), 0x1F600);
  EXPECT_EQ(n("😀", "codePointAt", {num(1)}), 0xDE00);
  EXPECT_TRUE(invoke(str("a"), "codePointAt", {num(1)}).is_undefined());
  EXPECT_EQ(s("abc", "at", {num(-1)}), "c");
  EXPECT_TRUE(invoke(str("abc"), "at", {num(3)}).is_undefined());
}

TEST_F(StringBuiltin, SearchingFindsSubstrings) {
  EXPECT_EQ(n("hello world", "indexOf", {str("o")}), 4);
  EXPECT_EQ(n("hello world", "indexOf", {str("o"), num(5)}), 7);
  EXPECT_EQ(n("hello", "indexOf", {str("z")}), -1);
  EXPECT_EQ(n("hello", "indexOf", {str(""), num(10)}), 5);
  EXPECT_EQ(n("hello world", "lastIndexOf", {str("o")}), 7);
  EXPECT_EQ(n("hello world", "lastIndexOf", {str("o"), num(5)}), 4);
  EXPECT_EQ(n("hello", "lastIndexOf", {str("l"), nan()}), 3);
  EXPECT_TRUE(b("hello", "includes", {str("ell")}));
  EXPECT_FALSE(b("hello", "includes", {str("ell"), num(2)}));
  EXPECT_TRUE(b("hello", "startsWith", {str("he")}));
  EXPECT_TRUE(b("hello", "startsWith", {str("ll"), num(2)}));
  EXPECT_TRUE(b("hello", "endsWith", {str("lo")}));
  EXPECT_TRUE(b("hello", "endsWith", {str("ell"), num(4)}));
  EXPECT_FALSE(b("hello", "endsWith", {str("hello!")}));
}

TEST_F(StringBuiltin, SearchStringMustBeAString) {
  EXPECT_EQ(error("abc", "indexOf", {num(1)}),
            "TypeError: String.prototype.indexOf: search string must be a string, got number 1");
  EXPECT_NE(error("abc", "includes", {undef()}), "");
  EXPECT_NE(error("abc", "startsWith", {str("a"), str("1")}), "");
}

TEST_F(StringBuiltin, SubstringsClampLikeJavaScript) {
  EXPECT_EQ(s("hello", "slice", {num(1), num(3)}), "el");
  EXPECT_EQ(s("hello", "slice", {num(-3)}), "llo");
  EXPECT_EQ(s("hello", "slice", {num(3), num(1)}), "");
  EXPECT_EQ(s("hello", "slice", {num(-100), num(100)}), "hello");
  EXPECT_EQ(s("hello", "substring", {num(3), num(1)}), "el");
  EXPECT_EQ(s("hello", "substring", {num(-2), num(2)}), "he");
  EXPECT_EQ(s("hello", "substring", {nan(), num(2)}), "he");
  EXPECT_EQ(s("hello", "substr", {num(1), num(3)}), "ell");
  EXPECT_EQ(s("hello", "substr", {num(-3), num(2)}), "ll");
  EXPECT_EQ(s("hello", "slice", {num(1.7)}), "ello");
}

TEST_F(StringBuiltin, SplitHandlesSeparatorsAndLimits) {
  EXPECT_EQ(json(invoke(str("a,b,,c"), "split", {str(",")})), R"(["a","b","","c"])");
  EXPECT_EQ(json(invoke(str("abc"), "split", {str("")})), R"(["a","b","c"])");
  EXPECT_EQ(json(invoke(str("abc"), "split", {})), R"(["abc"])");
  EXPECT_EQ(json(invoke(str(""), "split", {str(",")})), R"([""])");
  EXPECT_EQ(json(invoke(str(""), "split", {str("")})), R"([])");
  EXPECT_EQ(json(invoke(str("a--b--c"), "split", {str("--"), num(2)})), R"(["a","b"])");
  EXPECT_EQ(json(invoke(str("a,b"), "split", {str(","), num(0)})), R"([])");
  EXPECT_EQ(json(invoke(str(",a,"), "split", {str(",")})), R"(["","a",""])");
}

TEST_F(StringBuiltin, SplitWithANonStringSeparatorIsTypeError) {
  EXPECT_NE(error("a1b", "split", {num(1)}).find("regular expressions are not supported"), std::string::npos);
  EXPECT_NE(error("ab", "split", {str(""), str("1")}), "");
}

TEST_F(StringBuiltin, ReplaceReplacesTheFirstMatchWithPatterns) {
  EXPECT_EQ(s("aXbXc", "replace", {str("X"), str("-")}), "a-bXc");
  EXPECT_EQ(s("aXbXc", "replaceAll", {str("X"), str("-")}), "a-b-c");
  EXPECT_EQ(s("abc", "replace", {str("z"), str("-")}), "abc");
  EXPECT_EQ(s("abc", "replace", {str("b"), str("[$&]")}), "a[b]c");
  EXPECT_EQ(s("abc", "replace", {str("b"), str("$$")}), "a$c");
  EXPECT_EQ(s("abc", "replace", {str("b"), str("$`|$'")}), "aa|cc");
  EXPECT_EQ(s("abc", "replace", {str("b"), str("$1$<x>$")}), "a$1$<x>$c");
  EXPECT_EQ(s("abc", "replaceAll", {str(""), str("-")}), "-a-b-c-");
  EXPECT_EQ(s("aaa", "replaceAll", {str("aa"), str("b")}), "ba");
  EXPECT_EQ(s("abc", "replace", {str(""), str("-")}), "-abc");
}

TEST_F(StringBuiltin, ReplaceRefusesFunctionsAndNonStrings) {
  Value fn = get(builtin("Math"), "abs");
  EXPECT_EQ(error("abc", "replace", {str("b"), fn}),
            "TypeError: String.prototype.replace: replacement functions are not supported; use a string");
  EXPECT_NE(error("abc", "replaceAll", {str("b"), num(1)}), "");
  EXPECT_NE(error("abc", "replace", {obj({}), str("x")}).find("regular expressions"), std::string::npos);
}

TEST_F(StringBuiltin, RepeatBuildsAndValidatesCount) {
  EXPECT_EQ(s("ab", "repeat", {num(3)}), "ababab");
  EXPECT_EQ(s("ab", "repeat", {num(0)}), "");
  EXPECT_EQ(s("", "repeat", {num(1e9)}), "");
  EXPECT_EQ(s("abc", "repeat", {num(2.9)}), "abcabc");
  EXPECT_EQ(error("ab", "repeat", {num(-1)}), "RangeError: Invalid count value: -1");
  EXPECT_EQ(error("ab", "repeat", {inf()}), "RangeError: Invalid count value: Infinity");
  EXPECT_EQ(error("abc", "repeat", {str("3")}),
            "TypeError: String.prototype.repeat: count must be a number, got string \"3\"");
}

TEST_F(StringBuiltin, HugeRepeatIsRefusedBeforeAllocating) {
  uint64_t before = ctx.heap().bytes_used();
  EXPECT_EQ(error("abcd", "repeat", {num(1u << 28)}), "RangeError: Invalid string length");
  EXPECT_EQ(error("x", "repeat", {num(1e15)}), "RangeError: Invalid string length");
  // Only the error objects were allocated, not hundreds of megabytes.
  EXPECT_LT(ctx.heap().bytes_used() - before, 64u * 1024);
}

TEST_F(StringBuiltin, RepeatThatCannotFitTheHeapEndsTheContextWithoutBuilding) {
  // 2^28 units are within the string limit but need 512 MiB, more than the
  // default 64 MiB heap: the context ends as the allocation itself would.
  Value s = str("x");
  Value result;
  try {
    call(get(s, "repeat"), s, {num(1 << 28)}, result);
    ADD_FAILURE() << "expected VmFatal";
  } catch (const VmFatal& fatal) {
    EXPECT_EQ(fatal.code, ErrorCode::HeapLimitExceeded);
  }
  EXPECT_LT(ctx.heap().bytes_used(), 16u << 20);
}

TEST_F(StringBuiltin, PaddingFillsToTheTargetLength) {
  EXPECT_EQ(s("5", "padStart", {num(3), str("0")}), "005");
  EXPECT_EQ(s("abc", "padStart", {num(10), str("123")}), "1231231abc");
  EXPECT_EQ(s("abc", "padEnd", {num(6)}), "abc   ");
  EXPECT_EQ(s("abc", "padEnd", {num(2)}), "abc");
  EXPECT_EQ(s("abc", "padEnd", {num(6), str("")}), "abc");
  EXPECT_EQ(error("abc", "padStart", {num(1e10)}), "RangeError: Invalid string length");
  EXPECT_EQ(error("abc", "padStart", {inf()}), "RangeError: Invalid string length");
  EXPECT_NE(error("abc", "padEnd", {num(5), num(0)}), "");
}

TEST_F(StringBuiltin, TrimRemovesJavaScriptWhitespace) {
  EXPECT_EQ(s(" \t\n abc \u00a0\u2028", "trim", {}), "abc");
  EXPECT_EQ(s("  abc  ", "trimStart", {}), "abc  ");
  EXPECT_EQ(s("  abc  ", "trimEnd", {}), "  abc");
  EXPECT_EQ(s("   ", "trim", {}), "");
}

TEST_F(StringBuiltin, CaseMappingIsLocaleIndependentAndFull) {
  EXPECT_EQ(s("Hello", "toUpperCase", {}), "HELLO");
  EXPECT_EQ(s("straße", "toUpperCase", {}), "STRASSE");
  EXPECT_EQ(s("ÀB", "toLowerCase", {}), "àb");
}

TEST_F(StringBuiltin, ConcatConvertsLikePlus) {
  EXPECT_EQ(s("a", "concat", {str("b"), num(1), null(), boolean(true)}), "ab1nulltrue");
  EXPECT_EQ(s("a", "concat", {}), "a");
}

TEST_F(StringBuiltin, LocaleCompareComparesCodeUnits) {
  EXPECT_EQ(n("a", "localeCompare", {str("b")}), -1);
  EXPECT_EQ(n("b", "localeCompare", {str("a")}), 1);
  EXPECT_EQ(n("a", "localeCompare", {str("a")}), 0);
  EXPECT_NE(error("a", "localeCompare", {num(1)}), "");
}

TEST_F(StringBuiltin, MethodsOnANonStringReceiverAreTypeErrors) {
  Value slice = get(str("x"), "slice");
  EXPECT_EQ(call_error(slice, num(5), {}), "TypeError: String.prototype.slice: 'this' must be a string, got number 5");
}

TEST_F(StringBuiltin, FromCharCodeAndFromCodePoint) {
  EXPECT_EQ(utf8(invoke_static("String", "fromCharCode", {num(72), num(105)})), "Hi");
  EXPECT_EQ(utf8(invoke_static("String", "fromCharCode", {num(65 + 65536)})), "A");
  EXPECT_EQ(utf8(invoke_static("String", "fromCharCode", {})), "");
  EXPECT_EQ(utf8(invoke_static("String", "fromCodePoint", {num(0x1F600), num(33)})), "😀!");
  EXPECT_EQ(static_error("String", "fromCodePoint", {num(0x110000)}), "RangeError: Invalid code point 1114112");
  EXPECT_EQ(static_error("String", "fromCodePoint", {num(1.5)}), "RangeError: Invalid code point 1.5");
  EXPECT_NE(static_error("String", "fromCharCode", {str("65")}), "");
}

TEST_F(StringBuiltin, MethodsAreNotEnumerable) {
  EXPECT_TRUE(ctx.own_enumerable_keys(ctx.string_prototype()).empty());
}

}  // namespace
}  // namespace raya::vm::testing
