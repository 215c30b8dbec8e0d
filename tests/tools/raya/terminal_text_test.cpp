// Escaping what `raya` prints on a program's behalf (issue 10, item 14).
#include <gtest/gtest.h>

#include "tools/raya/terminal_text.hpp"

namespace raya::cli {
namespace {

TEST(TerminalText, ControlCharactersBecomeEscapes) {
  EXPECT_EQ(escape_text("a\x1b[31mb\x07"), "a\\x1b[31mb\\x07");
  EXPECT_EQ(escape_text("one\nerror: forged"), "one\\nerror: forged");
  EXPECT_EQ(escape_text("cr\rtab\t del\x7f nul"), "cr\\rtab\\t del\\x7f nul");
  EXPECT_EQ(escape_text(std::string("a\0b", 3)), "a\\x00b");
}

TEST(TerminalText, PlainTextAndUnicodeAreLeftAlone) {
  EXPECT_EQ(escape_text("plain text, \\n stays, é ü 日本 😀"), "plain text, \\n stays, é ü 日本 😀");
}

TEST(TerminalText, C1SeparatorsAndBidiControlsBecomeUnicodeEscapes) {
  EXPECT_EQ(escape_text("\xc2\x9b" "31m"), "\\u009b31m");                 // C1 CSI
  EXPECT_EQ(escape_text("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u2028b\\u2029");
  EXPECT_EQ(escape_text("x\xe2\x80\xae" "y\xe2\x81\xa6"), "x\\u202ey\\u2066");  // RLO, LRI
}

TEST(TerminalText, BytesThatAreNotUtf8BecomeHexEscapes) {
  EXPECT_EQ(escape_text("a\x9b" "b"), "a\\x9bb");      // a lone C1 byte: CSI to some terminals
  EXPECT_EQ(escape_text("\xe2\x80"), "\\xe2\\x80");    // truncated sequence
  EXPECT_EQ(escape_text("\xc0\xaf"), "\\xc0\\xaf");    // overlong
}

TEST(TerminalText, LinesKeepNewlinesAndTabsOnly) {
  EXPECT_EQ(escape_lines("a\tb\nc\x1b[2Jd\re"), "a\tb\nc\\x1b[2Jd\\re");
}

TEST(TerminalText, JsonStaysValidJson) {
  EXPECT_EQ(escape_json("{\"k\":\"a\x7f\xc2\x85\xe2\x80\xa8\"}"), "{\"k\":\"a\\u007f\\u0085\\u2028\"}");
  EXPECT_EQ(escape_json("[1,\"\\n\"]"), "[1,\"\\n\"]");
}

}  // namespace
}  // namespace raya::cli
