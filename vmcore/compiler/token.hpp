// Token: what the lexer hands the parser.
//
// The lexer splits a whole file up front (Raya has no regular-expression
// literals, so no token depends on parser state), which lets the parser look
// ahead and backtrack by index. Reserved words get their own kinds; the
// contextual words of JavaScript and TypeScript (as, async, await, from, get,
// of, set, type, interface, declare, readonly, ...) are Identifier tokens and
// the parser recognises them by text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vmcore/compiler/source.hpp"

namespace raya::vm::compiler {

enum class TokenKind : uint8_t {
  EndOfFile,
  Identifier,
  PrivateName,  // #name (lexed so the parser can say it is unsupported)
  Number,
  String,
  // Template literals: `abc` is NoSubstitutionTemplate; `a${ is TemplateHead,
  // }b${ is TemplateMiddle, }c` is TemplateTail. value holds the cooked chunk.
  NoSubstitutionTemplate,
  TemplateHead,
  TemplateMiddle,
  TemplateTail,

  // Reserved words.
  KwBreak, KwCase, KwCatch, KwClass, KwConst, KwContinue, KwDebugger, KwDefault,
  KwDelete, KwDo, KwElse, KwEnum, KwExport, KwExtends, KwFalse, KwFinally, KwFor,
  KwFunction, KwIf, KwImport, KwIn, KwInstanceof, KwLet, KwNew, KwNull, KwReturn,
  KwSuper, KwSwitch, KwThis, KwThrow, KwTrue, KwTry, KwTypeof, KwVar, KwVoid,
  KwWhile, KwWith,

  // Punctuators.
  LBrace, RBrace, LParen, RParen, LBracket, RBracket,
  Semicolon, Comma, Dot, Ellipsis, Question, QuestionDot, Colon, Arrow, At,
  Lt, Gt, LtEq, GtEq, EqEq, NotEq, EqEqEq, NotEqEq,
  Plus, Minus, Star, Slash, Percent, StarStar, PlusPlus, MinusMinus,
  Shl, Shr, UShr, Amp, Pipe, Caret, Bang, Tilde, AmpAmp, PipePipe, QuestionQuestion,
  Assign, PlusAssign, MinusAssign, StarAssign, SlashAssign, PercentAssign,
  StarStarAssign, ShlAssign, ShrAssign, UShrAssign, AmpAssign, PipeAssign,
  CaretAssign, AmpAmpAssign, PipePipeAssign, QuestionQuestionAssign,
};

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  bool newline_before = false;  // a line terminator (or a comment holding one) precedes it
  SourcePos pos;
  uint32_t offset = 0;  // byte offset of the token in the source text
  uint32_t length = 0;  // bytes
  std::string text;     // Identifier, PrivateName (without '#') and keywords: the name (UTF-8)
  double number = 0;    // Number
  std::u16string value; // String and template chunks: the cooked text

  bool is(TokenKind k) const { return kind == k; }
  bool is_keyword() const { return kind >= TokenKind::KwBreak && kind <= TokenKind::KwWith; }
  /// An identifier or a reserved word: usable as a property name (`a.if`).
  bool is_identifier_name() const { return kind == TokenKind::Identifier || is_keyword(); }
  /// An Identifier token spelled `word` (contextual keywords).
  bool is_word(std::string_view word) const { return kind == TokenKind::Identifier && text == word; }
};

/// The spelling of a punctuator or keyword ("=>", "if"), or a description of
/// the other kinds ("identifier", "number", "end of file").
std::string_view token_kind_spelling(TokenKind kind);

/// How error messages name a token: its source text in quotes ("'{'",
/// "'foo'", "'42'"; long text is shortened) or "end of file".
std::string describe_token(const Token& token, std::string_view source_text);

}  // namespace raya::vm::compiler
