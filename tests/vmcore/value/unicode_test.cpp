// UTF-8/UTF-16 transcoding (with WTF-8 lone surrogates), case mapping and
// whitespace, checked against what node's TextDecoder and String methods do.
#include "vmcore/value/unicode.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace raya::vm {
namespace {

std::string bytes(std::initializer_list<uint8_t> list) { return std::string(list.begin(), list.end()); }

// ---------------------------------------------------------------------------
// UTF-8 -> UTF-16

TEST(UnicodeUtf8, DecodesEveryEncodingLength) {
  EXPECT_EQ(utf8_to_utf16("A"), u"A");
  EXPECT_EQ(utf8_to_utf16(bytes({0xC3, 0xA9})), u"\u00e9");
  EXPECT_EQ(utf8_to_utf16(bytes({0xE2, 0x82, 0xAC})), u"\u20ac");
  EXPECT_EQ(utf8_to_utf16(bytes({0xED, 0x9F, 0xBF})), u"\ud7ff");
  EXPECT_EQ(utf8_to_utf16(bytes({0xF0, 0x9F, 0x98, 0x80})), u"\U0001F600");
  EXPECT_EQ(utf8_to_utf16(bytes({0xF4, 0x8F, 0xBF, 0xBF})), u"\U0010FFFF");
  EXPECT_EQ(utf8_to_utf16(""), u"");
  EXPECT_EQ(utf8_to_utf16(std::string("a\0b", 3)), std::u16string(u"a\0b", 3));
}

// Expected values from node: new TextDecoder().decode(bytes), which replaces
// each maximal ill-formed subpart with one U+FFFD.
TEST(UnicodeUtf8, ReplacesInvalidSequencesLikeTextDecoder) {
  struct Case {
    std::string input;
    std::u16string expected;
  };
  const std::vector<Case> cases = {
      {bytes({0xC0, 0x80}), u"\ufffd\ufffd"},                  // overlong NUL
      {bytes({0xC1, 0xBF}), u"\ufffd\ufffd"},                  // overlong
      {bytes({0xE0, 0x80, 0x80}), u"\ufffd\ufffd\ufffd"},      // overlong 3-byte
      {bytes({0xE2, 0x82}), u"\ufffd"},                        // truncated at the end
      {bytes({0xE2, 0x82, 0x41}), u"\ufffdA"},                 // truncated, next byte kept
      {bytes({0xF0, 0x9F, 0x98}), u"\ufffd"},                  // truncated 4-byte
      {bytes({0xF4, 0x90, 0x80, 0x80}), u"\ufffd\ufffd\ufffd\ufffd"},  // above U+10FFFF
      {bytes({0xF5, 0x80}), u"\ufffd\ufffd"},                  // never a lead byte
      {bytes({0xFF}), u"\ufffd"},
      {bytes({0x80, 0x41}), u"\ufffdA"},                       // stray continuation
      {bytes({0xE0, 0xA0}), u"\ufffd"},
      {bytes({0xC2}), u"\ufffd"},
  };
  for (const Case& c : cases) EXPECT_EQ(utf8_to_utf16(c.input), c.expected);
}

TEST(UnicodeUtf8, AcceptsWtf8LoneSurrogates) {
  EXPECT_EQ(utf8_to_utf16(bytes({0xED, 0xA0, 0x80})), u"\xD800");
  EXPECT_EQ(utf8_to_utf16(bytes({0xED, 0xBF, 0xBF, 0x41})), u"\xDFFF" u"A");
  // Two encoded halves (CESU-8 style) come back as the pair they spell.
  EXPECT_EQ(utf8_to_utf16(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})), u"\U0001F600");
  // A truncated surrogate is still ill-formed.
  EXPECT_EQ(utf8_to_utf16(bytes({0xED, 0xA0})), u"\ufffd");
}

TEST(UnicodeUtf8, AppendKeepsExistingContent) {
  std::u16string out = u"x";
  append_utf8_as_utf16(out, "yz");
  EXPECT_EQ(out, u"xyz");
}

// ---------------------------------------------------------------------------
// UTF-16 -> UTF-8

TEST(UnicodeUtf16, EncodesPairsAsFourBytes) {
  EXPECT_EQ(utf16_to_utf8(u"A\u00e9\u20ac\U0001F600"),
            bytes({0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80}));
}

TEST(UnicodeUtf16, EncodesLoneSurrogatesAsWtf8) {
  EXPECT_EQ(utf16_to_utf8(u"\xD800"), bytes({0xED, 0xA0, 0x80}));
  EXPECT_EQ(utf16_to_utf8(u"\xDC00" u"a"), bytes({0xED, 0xB0, 0x80, 0x61}));
  // Reversed halves are two lone surrogates, not a pair.
  EXPECT_EQ(utf16_to_utf8(u"\xDC00\xD800"), bytes({0xED, 0xB0, 0x80, 0xED, 0xA0, 0x80}));
}

TEST(UnicodeUtf16, RoundTripsEveryUnitSequence) {
  std::u16string all;
  for (char32_t unit = 0; unit <= 0xFFFF; ++unit) all += static_cast<char16_t>(unit);
  all += u"\U0001F600\U0010FFFF\xD83D";  // a pair, the last code point, a trailing lone high
  EXPECT_EQ(utf8_to_utf16(utf16_to_utf8(all)), all);
  for (char16_t lone : {u'\xD800', u'\xDBFF', u'\xDC00', u'\xDFFF'}) {
    std::u16string text = std::u16string(u"a") + lone + u"b";
    EXPECT_EQ(utf8_to_utf16(utf16_to_utf8(text)), text);
  }
}

// ---------------------------------------------------------------------------
// Strict conversions (the boundary: messages::Value strings)

TEST(UnicodeStrict, LoneSurrogatesBecomeReplacementCharacters) {
  const std::string fffd = bytes({0xEF, 0xBF, 0xBD});
  EXPECT_EQ(utf16_to_utf8_strict(u"plain ascii"), "plain ascii");
  EXPECT_EQ(utf16_to_utf8_strict(u""), "");
  EXPECT_EQ(utf16_to_utf8_strict(u"caf\u00e9 \U0001F600"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  const char16_t lone[] = {u'a', 0xD800, u'b', 0xDC00, 0xD83D, 0xDE00, 0xDBFF};
  EXPECT_EQ(utf16_to_utf8_strict(std::u16string_view(lone, 7)),
            "a" + fffd + "b" + fffd + bytes({0xF0, 0x9F, 0x98, 0x80}) + fffd);
}

TEST(UnicodeStrict, Wtf8SurrogatesAreIllFormed) {
  // Each byte of ED A0 80 is a maximal ill-formed subpart once ED may only
  // be followed by 80..9F.
  EXPECT_EQ(utf8_to_utf16_strict(bytes({0xED, 0xA0, 0x80})), u"\ufffd\ufffd\ufffd");
  EXPECT_EQ(utf8_to_utf16_strict(bytes({0xED, 0x9F, 0xBF})), u"\ud7ff");
  EXPECT_EQ(utf8_to_utf16_strict(bytes({0x61, 0xFF, 0xF0, 0x9F, 0x98, 0x80})), u"a\ufffd\U0001F600");
}

TEST(UnicodeLatin1, EncodesHighBytesAsTwoByteUtf8) {
  std::string out;
  append_latin1_as_utf8(out, bytes({0x41, 0xE9, 0xFF}));
  EXPECT_EQ(out, bytes({0x41, 0xC3, 0xA9, 0xC3, 0xBF}));
}

TEST(UnicodeLatin1, DetectsOneByteStrings) {
  EXPECT_TRUE(is_latin1(u""));
  EXPECT_TRUE(is_latin1(u"plain \u00ff"));
  EXPECT_FALSE(is_latin1(u"\u0100"));
  EXPECT_FALSE(is_latin1(u"a\xD800"));
}

// ---------------------------------------------------------------------------
// Code points

TEST(UnicodeCodePoint, DecodesLikeCodePointAt) {
  std::u16string_view text = u"a\U0001F600\xD800\xDC00";
  EXPECT_EQ(decode_code_point(text, 0).value, U'a');
  EXPECT_EQ(decode_code_point(text, 0).units, 1);
  EXPECT_EQ(decode_code_point(text, 1).value, U'\U0001F600');
  EXPECT_EQ(decode_code_point(text, 1).units, 2);
  EXPECT_EQ(decode_code_point(text, 2).value, 0xDE00u);  // low half alone
  EXPECT_EQ(decode_code_point(text, 3).value, 0x10000u);
  std::u16string_view lone = u"\xD800" u"a";
  EXPECT_EQ(decode_code_point(lone, 0).value, 0xD800u);
  EXPECT_EQ(decode_code_point(lone, 0).units, 1);
  EXPECT_EQ(decode_code_point(u"\xD800", 0).value, 0xD800u);  // high at the end
}

TEST(UnicodeCodePoint, AppendsSupplementaryAsPair) {
  std::u16string out;
  append_code_point(out, U'A');
  append_code_point(out, 0x1F600);
  append_code_point(out, 0x10FFFF);
  EXPECT_EQ(out, u"A\U0001F600\U0010FFFF");
}

// ---------------------------------------------------------------------------
// Case mapping (expected values from node; the tables were also checked
// against node for every code point when generated)

TEST(UnicodeCase, MapsAsciiAndLatin1) {
  EXPECT_EQ(to_upper(u"Hello, World! 123"), u"HELLO, WORLD! 123");
  EXPECT_EQ(to_lower(u"Hello, World! 123"), u"hello, world! 123");
  EXPECT_EQ(to_upper(u"\u00e0\u00fe\u00f7"), u"\u00c0\u00de\u00f7");  // ÷ has no case
  EXPECT_EQ(to_lower(u"\u00c0\u00de\u00d7"), u"\u00e0\u00fe\u00d7");  // × has no case
  EXPECT_EQ(to_upper(u"\u00ff"), u"\u0178");  // ÿ leaves Latin-1
  EXPECT_EQ(to_upper(u"\u00b5"), u"\u039c");  // micro sign -> Greek capital mu
}

TEST(UnicodeCase, UsesFullMappingsThatChangeLength) {
  EXPECT_EQ(to_upper(u"stra\u00dfe"), u"STRASSE");
  EXPECT_EQ(to_upper(u"\ufb03"), u"FFI");
  EXPECT_EQ(to_upper(u"\u0390"), u"\u0399\u0308\u0301");
  EXPECT_EQ(to_upper(u"\u0149"), u"\u02bcN");
  EXPECT_EQ(to_lower(u"\u0130"), u"i\u0307");
}

TEST(UnicodeCase, MapsBeyondLatin1AndTheBmp) {
  EXPECT_EQ(to_upper(u"\u0101\u0103\u0434\u10d0"), u"\u0100\u0102\u0414\u1c90");
  EXPECT_EQ(to_lower(u"\u0100\u0102\u0414\u13a0"), u"\u0101\u0103\u0434\uab70");
  EXPECT_EQ(to_upper(u"\uab70"), u"\u13a0");  // Cherokee small letter
  EXPECT_EQ(to_upper(u"\u01c5"), u"\u01c4");  // titlecase digraph
  EXPECT_EQ(to_lower(u"\u01c5"), u"\u01c6");
  EXPECT_EQ(to_lower(u"\U00010400"), u"\U00010428");  // Deseret
  EXPECT_EQ(to_upper(u"\U00010428"), u"\U00010400");
  EXPECT_EQ(to_upper(u"\u4e2d\u6587"), u"\u4e2d\u6587");
}

TEST(UnicodeCase, PassesLoneSurrogatesThrough) {
  EXPECT_EQ(to_upper(u"\xD800" u"a\xDC00"), u"\xD800" u"A\xDC00");
  EXPECT_EQ(to_lower(u"A\xDBFF"), u"a\xDBFF");
}

TEST(UnicodeCase, LowercasesFinalSigma) {
  EXPECT_EQ(to_lower(u"\u0391\u03a3"), u"\u03b1\u03c2");              // ΑΣ -> ας
  EXPECT_EQ(to_lower(u"\u03a3"), u"\u03c3");                          // alone: σ
  EXPECT_EQ(to_lower(u"\u0391\u03a3 \u0391"), u"\u03b1\u03c2 \u03b1");
  EXPECT_EQ(to_lower(u"\u0391\u03a3.\u0391"), u"\u03b1\u03c3.\u03b1");  // '.' is case-ignorable
  EXPECT_EQ(to_lower(u"\u0391\u0301\u03a3"), u"\u03b1\u0301\u03c2");  // mark before
  EXPECT_EQ(to_lower(u"\u0391\u03a3\u0301"), u"\u03b1\u03c2\u0301");  // mark after, then end
  EXPECT_EQ(to_lower(u"\u0391\u03a3\u0301\u0391"), u"\u03b1\u03c3\u0301\u03b1");
  EXPECT_EQ(to_lower(u"\u0301\u03a3"), u"\u0301\u03c3");              // nothing cased before
  EXPECT_EQ(to_lower(u"1\u03a3"), u"1\u03c3");
  EXPECT_EQ(to_lower(u"A\u03a3"), u"a\u03c2");
  EXPECT_EQ(to_lower(u"\U00010400\u03a3"), u"\U00010428\u03c2");    // supplementary cased letter
  EXPECT_EQ(to_lower(u"\u0391\u03a3\U00010400"), u"\u03b1\u03c3\U00010428");
  EXPECT_EQ(to_lower(u"\u0391\u03a3\xD800"), u"\u03b1\u03c2\xD800");
}

// ---------------------------------------------------------------------------
// Whitespace

TEST(UnicodeWhitespace, MatchesTrim) {
  // Exactly the units String.prototype.trim removes (node, all of the BMP).
  const std::u16string expected =
      u"\u0009\u000a\u000b\u000c\u000d\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
      u"\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
  std::u16string found;
  for (char32_t c = 0; c <= 0xFFFF; ++c) {
    if (is_js_whitespace(static_cast<char16_t>(c))) found += static_cast<char16_t>(c);
  }
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace raya::vm
