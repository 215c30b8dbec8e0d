#include "vmcore/compiler/lexer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace raya::vm::compiler;

namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::vector<raya::messages::Diagnostic> diagnostics;
};

Lexed lex(std::string text) {
  SourceFile file("t.raya", std::move(text));
  DiagnosticSink sink(file);
  Lexed out;
  out.tokens = tokenize(file, sink);
  out.diagnostics = sink.diagnostics();
  return out;
}

std::vector<TokenKind> kinds(std::string text) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(std::move(text)).tokens) out.push_back(t.kind);
  return out;
}

double number_of(std::string text) {
  Lexed l = lex(std::move(text));
  EXPECT_TRUE(l.diagnostics.empty()) << l.diagnostics.front().message;
  EXPECT_EQ(l.tokens.front().kind, TokenKind::Number);
  return l.tokens.front().number;
}

std::u16string string_of(std::string text) {
  Lexed l = lex(std::move(text));
  EXPECT_TRUE(l.diagnostics.empty()) << l.diagnostics.front().message;
  return l.tokens.front().value;
}

std::string first_error(std::string text) {
  Lexed l = lex(std::move(text));
  return l.diagnostics.empty() ? "" : l.diagnostics.front().message;
}

using K = TokenKind;

}  // namespace

TEST(Lexer, EmptyInputGivesOnlyEndOfFile) {
  EXPECT_EQ(kinds(""), std::vector<K>{K::EndOfFile});
  EXPECT_EQ(kinds("  \n\t // comment\n /* block */ "), std::vector<K>{K::EndOfFile});
}

TEST(Lexer, IdentifiersKeywordsAndContextualWords) {
  Lexed l = lex("foo $bar _baz x1 if let of async type");
  std::vector<K> expected = {K::Identifier, K::Identifier, K::Identifier, K::Identifier, K::KwIf,
                             K::KwLet,      K::Identifier, K::Identifier, K::Identifier, K::EndOfFile};
  ASSERT_EQ(l.tokens.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(l.tokens[i].kind, expected[i]) << i;
  EXPECT_EQ(l.tokens[1].text, "$bar");
  EXPECT_EQ(l.tokens[4].text, "if");
  EXPECT_TRUE(l.tokens[6].is_word("of"));
}

TEST(Lexer, UnicodeLettersFormIdentifiers) {
  Lexed l = lex("let café = π;");
  EXPECT_TRUE(l.diagnostics.empty());
  EXPECT_EQ(l.tokens[1].kind, K::Identifier);
  EXPECT_EQ(l.tokens[1].text, "café");
  EXPECT_EQ(l.tokens[3].text, "π");
}

TEST(Lexer, PunctuatorsUseMaximalMunch) {
  EXPECT_EQ(kinds("?. ?? ?\?= &&= ||= ** **= >>> >>>= => ... >>= <<= === !=="),
            (std::vector<K>{K::QuestionDot, K::QuestionQuestion, K::QuestionQuestionAssign,
                            K::AmpAmpAssign, K::PipePipeAssign, K::StarStar, K::StarStarAssign,
                            K::UShr, K::UShrAssign, K::Arrow, K::Ellipsis, K::ShrAssign,
                            K::ShlAssign, K::EqEqEq, K::NotEqEq, K::EndOfFile}));
  EXPECT_EQ(kinds("a++ + ++b"), (std::vector<K>{K::Identifier, K::PlusPlus, K::Plus, K::PlusPlus,
                                                K::Identifier, K::EndOfFile}));
}

TEST(Lexer, QuestionDotBeforeDigitIsAConditional) {
  EXPECT_EQ(kinds("a?.5:1"), (std::vector<K>{K::Identifier, K::Question, K::Number, K::Colon,
                                             K::Number, K::EndOfFile}));
  EXPECT_EQ(number_of(".5"), 0.5);
}

TEST(Lexer, DecimalNumbers) {
  EXPECT_EQ(number_of("0"), 0);
  EXPECT_EQ(number_of("42"), 42);
  EXPECT_EQ(number_of("1.5"), 1.5);
  EXPECT_EQ(number_of("1."), 1);
  EXPECT_EQ(number_of("1e3"), 1000);
  EXPECT_EQ(number_of("2.5E-3"), 0.0025);
  EXPECT_EQ(number_of("1_000_000"), 1000000);
  EXPECT_EQ(number_of("0.1"), 0.1);
  EXPECT_TRUE(std::isinf(number_of("1e400")));
  EXPECT_EQ(number_of("1e-400"), 0);
}

TEST(Lexer, RadixNumbers) {
  EXPECT_EQ(number_of("0xff"), 255);
  EXPECT_EQ(number_of("0XFF_FF"), 65535);
  EXPECT_EQ(number_of("0o17"), 15);
  EXPECT_EQ(number_of("0b1010"), 10);
  // Beyond 2^53 the value rounds like JavaScript's.
  EXPECT_EQ(number_of("0x20000000000001"), 9007199254740992.0);
  EXPECT_EQ(number_of("0x20000000000003"), 9007199254740996.0);
  EXPECT_EQ(number_of("0xFFFFFFFFFFFFFFFFFF"), 4722366482869645213696.0);
}

TEST(Lexer, RejectsMalformedNumbers) {
  EXPECT_EQ(first_error("1__0"), "numeric separator '_' must be between digits");
  EXPECT_EQ(first_error("1_"), "numeric separator '_' must be between digits");
  EXPECT_EQ(first_error("0x"), "expected digits after '0x'");
  EXPECT_EQ(first_error("0b"), "expected digits after '0b'");
  EXPECT_EQ(first_error("1e"), "missing digits in the exponent of a number");
  EXPECT_EQ(first_error("017"), "numbers may not start with 0 (write 0o17 for an octal number)");
  EXPECT_EQ(first_error("3in x"), "an identifier cannot start right after a number");
  EXPECT_EQ(first_error("10n"), "BigInt literals are not supported");
}

TEST(Lexer, StringEscapes) {
  EXPECT_EQ(string_of(R"("a\nb\tc\rd\be\ff\vg\0")"), u"a\nb\tc\rd\be\ff\vg" + std::u16string(1, u'\0'));
  EXPECT_EQ(string_of(R"('\\ \' \"')"), u"\\ ' \"");
  EXPECT_EQ(string_of(R"("\u0041\x42\u{43}")"), u"ABC");
  EXPECT_EQ(string_of(R"("\u{1F600}")"), u"\U0001F600");
  EXPECT_EQ(string_of(R"("\u{1F600}")").size(), 2u);  // a surrogate pair
  EXPECT_EQ(string_of(R"("\uD800")").size(), 1u);     // a lone surrogate survives
  EXPECT_EQ(string_of("\"line\\\ncontinued\""), u"linecontinued");
  EXPECT_EQ(string_of("\"é😀\""), u"é\U0001F600");
  EXPECT_EQ(string_of(R"("\q")"), u"q");
}

TEST(Lexer, RejectsBadStrings) {
  EXPECT_EQ(first_error("\"abc"), "unterminated string literal");
  EXPECT_EQ(first_error("'abc\n'"), "unterminated string literal");
  EXPECT_EQ(first_error(R"("\x4")"), "invalid \\x escape: expected two hex digits");
  EXPECT_EQ(first_error(R"("\u12")"), "invalid Unicode escape: expected four hex digits after \\u");
  EXPECT_EQ(first_error(R"("\u{110000}")"),
            "invalid Unicode escape: expected \\u{X} with X at most 10FFFF");
  EXPECT_EQ(first_error(R"("\07")"), "octal escape sequences are not allowed (use \\x or \\u)");
}

TEST(Lexer, TemplateWithoutSubstitutions) {
  Lexed l = lex("`a\\tb\nc`");
  ASSERT_EQ(l.tokens[0].kind, K::NoSubstitutionTemplate);
  EXPECT_EQ(l.tokens[0].value, u"a\tb\nc");
}

TEST(Lexer, TemplateSubstitutionsNestWithBracesAndTemplates) {
  Lexed l = lex("`a${ {x: `in${y}`}.x }b${z}c`");
  EXPECT_TRUE(l.diagnostics.empty());
  std::vector<K> expected = {K::TemplateHead, K::LBrace, K::Identifier, K::Colon, K::TemplateHead,
                             K::Identifier, K::TemplateTail, K::RBrace, K::Dot, K::Identifier,
                             K::TemplateMiddle, K::Identifier, K::TemplateTail, K::EndOfFile};
  ASSERT_EQ(l.tokens.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(l.tokens[i].kind, expected[i]) << i;
  EXPECT_EQ(l.tokens[0].value, u"a");
  EXPECT_EQ(l.tokens[4].value, u"in");
  EXPECT_EQ(l.tokens[10].value, u"b");
  EXPECT_EQ(l.tokens[12].value, u"c");
}

TEST(Lexer, TemplateNormalisesCarriageReturns) {
  EXPECT_EQ(lex("`a\r\nb\rc`").tokens[0].value, u"a\nb\nc");
}

TEST(Lexer, ReportsUnterminatedTemplateAndComment) {
  EXPECT_EQ(first_error("`abc"), "unterminated template literal");
  EXPECT_EQ(first_error("`a${b}c"), "unterminated template literal");
  EXPECT_EQ(first_error("/* never closed"), "unterminated comment");
}

TEST(Lexer, TracksNewlinesBeforeTokensForAsi) {
  Lexed l = lex("a\nb /* x\n */ c // d\ne f");
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_FALSE(l.tokens[0].newline_before);
  EXPECT_TRUE(l.tokens[1].newline_before);
  EXPECT_TRUE(l.tokens[2].newline_before);  // a comment holding a newline counts
  EXPECT_TRUE(l.tokens[3].newline_before);
  EXPECT_FALSE(l.tokens[4].newline_before);
}

TEST(Lexer, PositionsAreOneBasedLineAndByteColumn) {
  Lexed l = lex("let x\n  = 'é' + y;");
  EXPECT_EQ(l.tokens[0].pos, (SourcePos{1, 1}));
  EXPECT_EQ(l.tokens[1].pos, (SourcePos{1, 5}));
  EXPECT_EQ(l.tokens[2].pos, (SourcePos{2, 3}));
  EXPECT_EQ(l.tokens[3].pos, (SourcePos{2, 5}));
  EXPECT_EQ(l.tokens[4].pos, (SourcePos{2, 10}));  // 'é' is 4 bytes with quotes
}

TEST(Lexer, ReportsStrayCharactersAndKeepsGoing) {
  Lexed l = lex("a ` b");
  EXPECT_EQ(l.diagnostics.size(), 1u);
  l = lex("a \x01 b");
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].message, "unexpected character '\\x01'");
  EXPECT_EQ(l.diagnostics[0].column, 3u);
  EXPECT_EQ(l.tokens.size(), 3u);
}

TEST(Lexer, ReportsInvalidUtf8) {
  EXPECT_EQ(first_error("let \xff = 1"), "invalid UTF-8 byte in source");
  EXPECT_EQ(first_error("'\xc3'"), "invalid UTF-8 byte in source");
}

TEST(Lexer, SkipsByteOrderMarkAndHashbang) {
  EXPECT_EQ(kinds("\xEF\xBB\xBF#!/usr/bin/env raya\nx"), (std::vector<K>{K::Identifier, K::EndOfFile}));
}

TEST(Lexer, PrivateNamesAndDecoratorsAreTokens) {
  EXPECT_EQ(kinds("#x @d"), (std::vector<K>{K::PrivateName, K::At, K::Identifier, K::EndOfFile}));
}

TEST(Lexer, DescribesTokensForMessages) {
  SourceFile file("t.raya", "foo { 'a very long string literal indeed'");
  DiagnosticSink sink(file);
  auto tokens = tokenize(file, sink);
  EXPECT_EQ(describe_token(tokens[0], file.text()), "'foo'");
  EXPECT_EQ(describe_token(tokens[1], file.text()), "'{'");
  EXPECT_EQ(describe_token(tokens[2], file.text()), "''a very long string lite...'");
  EXPECT_EQ(describe_token(tokens[3], file.text()), "end of file");
}

TEST(SourceFile, SplitsLinesForCarets) {
  SourceFile file("f.raya", "one\r\ntwo\nthree");
  EXPECT_EQ(file.line_count(), 3u);
  EXPECT_EQ(file.line(1), "one");
  EXPECT_EQ(file.line(2), "two");
  EXPECT_EQ(file.line(3), "three");
  EXPECT_EQ(file.line(4), "");
  EXPECT_EQ(file.pos_at(5), (SourcePos{2, 1}));
}

TEST(DiagnosticSink, StopsAtTheCap) {
  SourceFile file("f.raya", "x");
  DiagnosticSink sink(file, 3);
  for (int i = 0; i < 10; ++i) sink.error(SourcePos{1, 1}, "e");
  EXPECT_EQ(sink.count(), 3u);
  EXPECT_TRUE(sink.is_full());
  auto error = sink.to_error();
  EXPECT_EQ(error.code, raya::messages::ErrorCode::CompileError);
  EXPECT_EQ(error.diagnostics.size(), 3u);
  EXPECT_EQ(error.diagnostics[0].source_line, "x");
}
