// Issue 10, item 11: rendering diagnostics is bounded. An error list prints
// at most kMaxRenderedDiagnostics entries and then "... and N more errors",
// and a long source line is quoted as a window of kQuotedLineWidth bytes
// around the caret (with "..." where cut), caret still under the column.
#include <gtest/gtest.h>

#include <string>

#include "messages/error.hpp"

namespace raya::messages {
namespace {

Diagnostic diagnostic_at(uint32_t column, std::string line) {
  Diagnostic d;
  d.file = "a.raya";
  d.line = 1;
  d.column = column;
  d.message = "bad";
  d.source_line = std::move(line);
  return d;
}

/// The quoted line and the caret line of a one-diagnostic rendering.
std::pair<std::string, std::string> quoted(const Error& e) {
  std::string out = e.render_diagnostics();
  size_t first = out.find('\n');
  size_t second = out.find('\n', first + 1);
  size_t third = out.find('\n', second + 1);
  return {out.substr(first + 1, second - first - 1), out.substr(second + 1, third - second - 1)};
}

TEST(RenderDiagnostics, ShortLinesAreQuotedWhole) {
  Error e;
  e.diagnostics.push_back(diagnostic_at(5, "let x = ;"));
  EXPECT_EQ(e.render_diagnostics(), "a.raya:1:5: error: bad\n  let x = ;\n      ^\n");
}

TEST(RenderDiagnostics, ALongLineIsAWindowAroundTheCaret) {
  std::string line(1000000, 'a');
  line[600000] = 'X';
  Error e;
  e.diagnostics.push_back(diagnostic_at(600001, line));
  auto [text, caret] = quoted(e);
  EXPECT_LE(text.size(), 2 + kQuotedLineWidth + 6);
  EXPECT_EQ(text.substr(0, 5), "  ...");
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  ASSERT_EQ(caret.back(), '^');
  EXPECT_EQ(text[caret.size() - 1], 'X') << "the caret points at the offending byte";
  EXPECT_LT(e.render_diagnostics().size(), 400u);
}

TEST(RenderDiagnostics, ALongLineCutOnlyAtTheEndWhenTheCaretIsNearTheStart) {
  std::string line(5000, 'b');
  line[3] = 'X';
  Error e;
  e.diagnostics.push_back(diagnostic_at(4, line));
  auto [text, caret] = quoted(e);
  EXPECT_EQ(text.substr(0, 3), "  b");
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  EXPECT_EQ(text[caret.size() - 1], 'X');
}

TEST(RenderDiagnostics, TheWindowDoesNotSplitAUtf8Character) {
  std::string line;
  for (int i = 0; i < 400; ++i) line += "\xC3\xA9";  // é
  line += "X";
  for (int i = 0; i < 400; ++i) line += "\xC3\xA9";
  Error e;
  e.diagnostics.push_back(diagnostic_at(801, line));
  auto [text, caret] = quoted(e);
  // Every é in the window is whole: the byte count after "  ..." is even
  // on both sides of the X.
  size_t x = text.find('X');
  ASSERT_NE(x, std::string::npos);
  EXPECT_EQ((x - 5) % 2, 0u);
  EXPECT_EQ((text.size() - 3 - x - 1) % 2, 0u);
  // One space per character before the caret: "  ..." is 5, each é is one.
  EXPECT_EQ(caret.size() - 1, 5 + (x - 5) / 2);
}

TEST(RenderDiagnostics, AWindowQuotedByTheProducerKeepsItsCaretColumn) {
  std::string line(2000, 'c');
  line[1500] = 'X';
  Diagnostic d = diagnostic_at(1501, "");
  quote_source_line(d, line);
  EXPECT_LE(d.source_line.size(), kQuotedLineWidth + 6);
  EXPECT_NE(d.source_column, 0u);
  Error e;
  e.diagnostics.push_back(d);
  auto [text, caret] = quoted(e);
  EXPECT_EQ(text[caret.size() - 1], 'X');
}

TEST(RenderDiagnostics, AtMostTwentyDiagnosticsThenACount) {
  Error e;
  for (int i = 0; i < 50; ++i) e.diagnostics.push_back(diagnostic_at(1, "x"));
  std::string out = e.render_diagnostics();
  size_t shown = 0;
  for (size_t at = out.find("error: bad"); at != std::string::npos; at = out.find("error: bad", at + 1)) ++shown;
  EXPECT_EQ(shown, kMaxRenderedDiagnostics);
  EXPECT_NE(out.find("... and 30 more errors\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace raya::messages
