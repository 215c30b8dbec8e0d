// Parser core: token access, error reporting and recovery, the entry points.
// Grammar lives in parser_statements.cpp, parser_expressions.cpp,
// parser_literals.cpp, parser_functions.cpp, parser_modules.cpp and
// parser_types.cpp.
#include "vmcore/compiler/parser.hpp"

#include "vmcore/compiler/compile_budget.hpp"
#include "vmcore/compiler/lexer.hpp"
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler {

namespace detail {

std::u16string utf8_to_utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    auto b0 = static_cast<unsigned char>(text[i]);
    char32_t cp = 0xFFFD;
    size_t len = 1;
    if (b0 < 0x80) {
      cp = b0;
    } else {
      size_t need = (b0 & 0xE0) == 0xC0 ? 1 : (b0 & 0xF0) == 0xE0 ? 2 : (b0 & 0xF8) == 0xF0 ? 3 : 0;
      if (need > 0 && i + need < text.size()) {
        char32_t v = b0 & (0x3F >> need);
        bool ok = true;
        for (size_t k = 1; k <= need; ++k) {
          auto b = static_cast<unsigned char>(text[i + k]);
          if ((b & 0xC0) != 0x80) ok = false;
          v = (v << 6) | (b & 0x3F);
        }
        if (ok) {
          cp = v;
          len = need + 1;
        }
      }
    }
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp > 0x10FFFF ? 0xFFFD : cp));
    }
    i += len;
  }
  return out;
}

std::string utf16_to_utf8(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t cp = text[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

namespace {

bool is_opener(TokenKind k) {
  return k == TokenKind::LParen || k == TokenKind::LBracket || k == TokenKind::LBrace ||
         k == TokenKind::TemplateHead;
}

// The opener a closer pairs with; a TemplateMiddle closes a TemplateHead or
// TemplateMiddle and opens again.
bool closes(TokenKind closer, TokenKind opener) {
  switch (closer) {
    case TokenKind::RParen: return opener == TokenKind::LParen;
    case TokenKind::RBracket: return opener == TokenKind::LBracket;
    case TokenKind::RBrace: return opener == TokenKind::LBrace;
    case TokenKind::TemplateMiddle:
    case TokenKind::TemplateTail:
      return opener == TokenKind::TemplateHead || opener == TokenKind::TemplateMiddle;
    default: return false;
  }
}

// Keywords that begin a statement: a good place to resume after an error.
bool starts_statement(const Token& t) {
  switch (t.kind) {
    case TokenKind::KwLet: case TokenKind::KwConst: case TokenKind::KwVar:
    case TokenKind::KwFunction: case TokenKind::KwClass: case TokenKind::KwIf:
    case TokenKind::KwFor: case TokenKind::KwWhile: case TokenKind::KwDo:
    case TokenKind::KwReturn: case TokenKind::KwThrow: case TokenKind::KwTry:
    case TokenKind::KwSwitch: case TokenKind::KwBreak: case TokenKind::KwContinue:
    case TokenKind::KwImport: case TokenKind::KwExport: case TokenKind::KwEnum:
      return true;
    default:
      return false;
  }
}

}  // namespace

Parser::Parser(std::shared_ptr<const SourceFile> file, DiagnosticSink& sink, CompileBudget* budget)
    : file_(std::move(file)), sink_(sink), budget_(budget) {
  tokens_ = tokenize(*file_, sink_, budget_);
  // Pair brackets once, so "what follows the matching ')'" is O(1); that is
  // how arrow functions and destructuring assignments are recognised.
  match_.assign(tokens_.size(), kNoMatch);
  std::vector<uint32_t> open;
  for (uint32_t i = 0; i < tokens_.size(); ++i) {
    TokenKind k = tokens_[i].kind;
    if (!open.empty() && closes(k, tokens_[open.back()].kind)) {
      match_[open.back()] = i;
      match_[i] = open.back();
      open.pop_back();
    } else if (k == TokenKind::TemplateMiddle || k == TokenKind::TemplateTail) {
      // Unbalanced inside the template: drop the stray openers, then pair.
      while (!open.empty() && !closes(k, tokens_[open.back()].kind)) open.pop_back();
      if (!open.empty()) {
        match_[open.back()] = i;
        match_[i] = open.back();
        open.pop_back();
      }
    }
    if (is_opener(k) || k == TokenKind::TemplateMiddle) open.push_back(i);
  }
}

// ---------------------------------------------------------------------------
// Tokens

const Token& Parser::peek(size_t ahead) const {
  size_t i = index_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

void Parser::advance() {
  if (has_split_) {
    has_split_ = false;
  }
  if (index_ + 1 < tokens_.size()) ++index_;
  // Stopped (deadline, cancelled): jump to the end; every production ends there.
  if (budget_ != nullptr && !budget_->charge()) index_ = tokens_.size() - 1;
}

bool Parser::eat(TokenKind k) {
  if (!at(k)) return false;
  advance();
  return true;
}

bool Parser::eat_word(std::string_view word) {
  if (!at_word(word)) return false;
  advance();
  return true;
}

std::string Parser::found() const { return describe_token(cur(), file_->text()); }

std::string Parser::spelling(TokenKind k) const {
  return "'" + std::string(token_kind_spelling(k)) + "'";
}

bool Parser::expect(TokenKind k, std::string_view context) {
  if (eat(k)) return true;
  std::string message = "expected " + spelling(k);
  if (!context.empty()) message += " " + std::string(context);
  error(pos(), message + ", found " + found());
  return false;
}

bool Parser::expect_close(TokenKind k, SourcePos open, std::string_view what) {
  if (eat(k)) return true;
  std::string where = std::string(what) + " started at line " + std::to_string(open.line);
  if (at(TokenKind::EndOfFile)) {
    // Only the innermost unclosed bracket is worth a message.
    if (speculating_) {
      spec_failed_ = true;
      return false;
    }
    if (!eof_reported_ && !panic_) {
      error(pos(), "unexpected end of file in " + where);
      eof_reported_ = true;
    }
    panic_ = true;
  } else {
    error(pos(), "expected " + spelling(k) + " to close " + where + ", found " + found());
  }
  return false;
}

void Parser::consume_semicolon(std::string_view after_what) {
  if (eat(TokenKind::Semicolon)) return;
  // Automatic semicolon insertion: before '}', at the end, after a newline.
  if (at(TokenKind::RBrace) || at(TokenKind::EndOfFile) || cur().newline_before) return;
  error(pos(), "expected ';' after " + std::string(after_what) + ", found " + found());
}

const Token& Parser::token_after_match() const {
  if (has_split_) return tokens_.back();
  uint32_t m = match_[index_];
  if (m == kNoMatch || m + 1 >= tokens_.size()) return tokens_.back();
  return tokens_[m + 1];
}

bool Parser::eat_closing_angle() {
  TokenKind rest;
  switch (kind()) {
    case TokenKind::Gt: advance(); return true;
    case TokenKind::Shr: rest = TokenKind::Gt; break;
    case TokenKind::UShr: rest = TokenKind::Shr; break;
    case TokenKind::GtEq: rest = TokenKind::Assign; break;
    case TokenKind::ShrAssign: rest = TokenKind::GtEq; break;
    case TokenKind::UShrAssign: rest = TokenKind::ShrAssign; break;
    default: return false;
  }
  Token split = cur();
  split.kind = rest;
  split.offset += 1;
  split.length -= 1;
  split.pos.column += 1;
  split.newline_before = false;
  split_token_ = std::move(split);
  has_split_ = true;
  return true;
}

// ---------------------------------------------------------------------------
// Errors and recovery

void Parser::error(SourcePos at, std::string message) {
  if (speculating_) {
    spec_failed_ = true;
    return;
  }
  if (panic_) return;
  sink_.error(at, std::move(message));
  panic_ = true;
}

void Parser::report(SourcePos at, std::string message) {
  if (panic_ || (speculating_ && spec_failed_)) return;
  sink_.error(at, std::move(message));
}

bool Parser::bailing() const {
  if (speculating_) return spec_failed_;
  return panic_ || sink_.is_full();
}

void Parser::synchronize(size_t statement_start) {
  panic_ = false;
  has_split_ = false;
  size_t start = index_;
  while (!at(TokenKind::EndOfFile)) {
    const Token& t = cur();
    if (t.kind == TokenKind::Semicolon) {
      advance();
      return;
    }
    if (t.kind == TokenKind::RBrace) {
      // A '}' whose '{' lies inside the failed statement is not ours to stop at.
      uint32_t opener = match_[index_];
      if (opener == kNoMatch || opener < statement_start) return;
    }
    if (index_ != start && t.newline_before && starts_statement(t)) return;
    if (is_opener(t.kind) && match_[index_] != kNoMatch) {
      index_ = match_[index_];  // skip the whole bracketed group
    }
    advance();
  }
}

void Parser::synchronize_class_member() {
  panic_ = false;
  has_split_ = false;
  size_t start = index_;
  while (!at(TokenKind::EndOfFile) && !at(TokenKind::RBrace)) {
    if (eat(TokenKind::Semicolon)) return;
    if (index_ != start && cur().newline_before) return;
    if (is_opener(kind()) && match_[index_] != kNoMatch) index_ = match_[index_];
    advance();
  }
}

Parser::State Parser::save() const { return State{index_, has_split_, split_token_}; }

void Parser::restore(const State& s) {
  index_ = s.index;
  has_split_ = s.has_split;
  split_token_ = s.split_token;
}

Parser::DepthGuard::DepthGuard(Parser& p) : parser_(p), ok_(true) {
  if (++parser_.depth_ > kMaxNestingDepth) {
    ok_ = false;
    parser_.error(parser_.pos(), "nesting too deep (more than " +
                                     std::to_string(kMaxNestingDepth) + " levels)");
  }
}

Parser::FunctionScopeGuard::FunctionScopeGuard(Parser& p)
    : parser_(p),
      saved_jumps_(std::move(p.jumps_)),
      saved_allow_in_(p.allow_in_),
      saved_top_level_(p.top_level_) {
  p.jumps_ = JumpContext{};
  p.allow_in_ = true;
  p.top_level_ = false;
}

Parser::FunctionScopeGuard::~FunctionScopeGuard() {
  parser_.jumps_ = std::move(saved_jumps_);
  parser_.allow_in_ = saved_allow_in_;
  parser_.top_level_ = saved_top_level_;
}

// ---------------------------------------------------------------------------
// Program

std::unique_ptr<Program> Parser::parse_program() {
  auto program = std::make_unique<Program>();
  program->source = file_;
  while (!at(TokenKind::EndOfFile) && !sink_.is_full()) {
    size_t start = index_;
    top_level_ = true;
    StmtPtr stmt = parse_statement();
    top_level_ = false;
    if (stmt) program->body.push_back(std::move(stmt));
    if (panic_) synchronize(start);
    if (index_ == start) {
      // parse_statement reported the token it could not use; step over it.
      advance();
    }
  }
  return program;
}

}  // namespace detail

std::unique_ptr<Program> parse_program_into(std::shared_ptr<const SourceFile> file,
                                            DiagnosticSink& sink, CompileBudget* budget) {
  detail::Parser parser(std::move(file), sink, budget);
  auto program = parser.parse_program();
  sink.sort_by_position();
  return program;
}

Result<std::unique_ptr<Program>> parse_program(std::shared_ptr<const SourceFile> file) {
  DiagnosticSink sink(*file);
  auto program = parse_program_into(file, sink);
  if (sink.has_errors()) return sink.to_error();
  return program;
}

Result<std::unique_ptr<Program>> parse_program(std::string name, std::string text) {
  return parse_program(std::make_shared<const SourceFile>(std::move(name), std::move(text)));
}

}  // namespace raya::vm::compiler
