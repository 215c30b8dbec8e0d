// Naming tokens for error messages (see token.hpp).
#include "vmcore/compiler/token.hpp"

namespace raya::vm::compiler {

std::string_view token_kind_spelling(TokenKind kind) {
  using K = TokenKind;
  switch (kind) {
    case K::EndOfFile: return "end of file";
    case K::Identifier: return "identifier";
    case K::PrivateName: return "private name";
    case K::Number: return "number";
    case K::String: return "string";
    case K::NoSubstitutionTemplate: case K::TemplateHead: return "template literal";
    case K::TemplateMiddle: case K::TemplateTail: return "template continuation";
    case K::KwBreak: return "break";
    case K::KwCase: return "case";
    case K::KwCatch: return "catch";
    case K::KwClass: return "class";
    case K::KwConst: return "const";
    case K::KwContinue: return "continue";
    case K::KwDebugger: return "debugger";
    case K::KwDefault: return "default";
    case K::KwDelete: return "delete";
    case K::KwDo: return "do";
    case K::KwElse: return "else";
    case K::KwEnum: return "enum";
    case K::KwExport: return "export";
    case K::KwExtends: return "extends";
    case K::KwFalse: return "false";
    case K::KwFinally: return "finally";
    case K::KwFor: return "for";
    case K::KwFunction: return "function";
    case K::KwIf: return "if";
    case K::KwImport: return "import";
    case K::KwIn: return "in";
    case K::KwInstanceof: return "instanceof";
    case K::KwLet: return "let";
    case K::KwNew: return "new";
    case K::KwNull: return "null";
    case K::KwReturn: return "return";
    case K::KwSuper: return "super";
    case K::KwSwitch: return "switch";
    case K::KwThis: return "this";
    case K::KwThrow: return "throw";
    case K::KwTrue: return "true";
    case K::KwTry: return "try";
    case K::KwTypeof: return "typeof";
    case K::KwVar: return "var";
    case K::KwVoid: return "void";
    case K::KwWhile: return "while";
    case K::KwWith: return "with";
    case K::LBrace: return "{";
    case K::RBrace: return "}";
    case K::LParen: return "(";
    case K::RParen: return ")";
    case K::LBracket: return "[";
    case K::RBracket: return "]";
    case K::Semicolon: return ";";
    case K::Comma: return ",";
    case K::Dot: return ".";
    case K::Ellipsis: return "...";
    case K::Question: return "?";
    case K::QuestionDot: return "?.";
    case K::Colon: return ":";
    case K::Arrow: return "=>";
    case K::At: return "@";
    case K::Lt: return "<";
    case K::Gt: return ">";
    case K::LtEq: return "<=";
    case K::GtEq: return ">=";
    case K::EqEq: return "==";
    case K::NotEq: return "!=";
    case K::EqEqEq: return "===";
    case K::NotEqEq: return "!==";
    case K::Plus: return "+";
    case K::Minus: return "-";
    case K::Star: return "*";
    case K::Slash: return "/";
    case K::Percent: return "%";
    case K::StarStar: return "**";
    case K::PlusPlus: return "++";
    case K::MinusMinus: return "--";
    case K::Shl: return "<<";
    case K::Shr: return ">>";
    case K::UShr: return ">>>";
    case K::Amp: return "&";
    case K::Pipe: return "|";
    case K::Caret: return "^";
    case K::Bang: return "!";
    case K::Tilde: return "~";
    case K::AmpAmp: return "&&";
    case K::PipePipe: return "||";
    case K::QuestionQuestion: return "??";
    case K::Assign: return "=";
    case K::PlusAssign: return "+=";
    case K::MinusAssign: return "-=";
    case K::StarAssign: return "*=";
    case K::SlashAssign: return "/=";
    case K::PercentAssign: return "%=";
    case K::StarStarAssign: return "**=";
    case K::ShlAssign: return "<<=";
    case K::ShrAssign: return ">>=";
    case K::UShrAssign: return ">>>=";
    case K::AmpAssign: return "&=";
    case K::PipeAssign: return "|=";
    case K::CaretAssign: return "^=";
    case K::AmpAmpAssign: return "&&=";
    case K::PipePipeAssign: return "||=";
    case K::QuestionQuestionAssign: return "?\?=";
  }
  return "token";
}

std::string describe_token(const Token& token, std::string_view source_text) {
  if (token.kind == TokenKind::EndOfFile) return "end of file";
  std::string_view text;
  if (token.offset <= source_text.size()) {
    text = source_text.substr(token.offset, token.length);
  }
  if (text.empty()) text = token_kind_spelling(token.kind);
  // Shorten long tokens (strings, templates) without splitting a UTF-8 sequence.
  constexpr size_t kMaxShown = 24;
  std::string shown(text);
  if (shown.size() > kMaxShown) {
    size_t cut = kMaxShown;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
    shown = shown.substr(0, cut) + "...";
  }
  for (char& c : shown) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return "'" + shown + "'";
}

}  // namespace raya::vm::compiler
