// Statements: declarations, control flow, blocks, and statement lists with
// error recovery. Automatic semicolon insertion happens in consume_semicolon
// (parser.cpp) plus the restricted productions handled here (return, break,
// continue and throw followed by a line break).
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

namespace {

// Restores top_level_ when a statement is done, so only the program's own
// statement loop sees it set.
class TopLevelReset {
 public:
  explicit TopLevelReset(bool& flag) : flag_(flag), saved_(flag) { flag = false; }
  ~TopLevelReset() { flag_ = saved_; }
  bool was_top_level() const { return saved_; }

 private:
  bool& flag_;
  bool saved_;
};

bool is_loop_start(TokenKind k) {
  return k == TokenKind::KwFor || k == TokenKind::KwWhile || k == TokenKind::KwDo;
}

}  // namespace

StmtPtr Parser::parse_statement() {
  DepthGuard guard(*this);
  if (!guard.ok()) return nullptr;
  TopLevelReset top(top_level_);
  SourcePos start = pos();
  switch (kind()) {
    case TokenKind::LBrace: {
      auto block = parse_block("block");
      return block;
    }
    case TokenKind::Semicolon:
      advance();
      return make_node<EmptyStmt>(start);
    case TokenKind::KwConst:
      if (peek(1).kind == TokenKind::KwEnum) {
        advance();
        return parse_enum(true);
      }
      return parse_var_declaration(false);
    case TokenKind::KwLet:
      return parse_var_declaration(false);
    case TokenKind::KwVar:
      if (!in_ambient_) report(start, "var is not supported; use let or const");
      return parse_var_declaration(false);
    case TokenKind::KwFunction: {
      bool has_body = false;
      auto fn = parse_function_after_keyword(start, false, true, true, has_body);
      if (!has_body) return nullptr;  // an overload signature
      auto decl = make_node<FunctionDeclStmt>(start);
      decl->function = std::move(fn);
      return decl;
    }
    case TokenKind::KwClass: {
      auto decl = make_node<ClassDeclStmt>(start);
      decl->klass = parse_class(start, true);
      return decl;
    }
    case TokenKind::KwIf: return parse_if();
    case TokenKind::KwWhile: return parse_while();
    case TokenKind::KwDo: return parse_do_while();
    case TokenKind::KwFor: return parse_for();
    case TokenKind::KwSwitch: return parse_switch();
    case TokenKind::KwTry: return parse_try();
    case TokenKind::KwReturn: return parse_return();
    case TokenKind::KwThrow: return parse_throw();
    case TokenKind::KwBreak:
    case TokenKind::KwContinue: return parse_break_continue();
    case TokenKind::KwEnum: return parse_enum(false);
    case TokenKind::KwImport:
      if (peek(1).kind == TokenKind::LParen || peek(1).kind == TokenKind::Dot) break;
      if (!top.was_top_level()) {
        report(start, "import declarations may only appear at the top level of a module");
      }
      return parse_import();
    case TokenKind::KwExport:
      if (!top.was_top_level()) {
        report(start, "export declarations may only appear at the top level of a module");
      }
      return parse_export();
    case TokenKind::KwDebugger:
      advance();
      consume_semicolon("'debugger'");
      return make_node<EmptyStmt>(start);
    case TokenKind::KwWith:
      error(start, "'with' statements are not supported");
      return nullptr;
    case TokenKind::Identifier: {
      const Token& next = peek(1);
      if (next.kind == TokenKind::Colon) return parse_labeled();
      bool same_line = !next.newline_before;
      if (at_word("async") && next.kind == TokenKind::KwFunction && same_line) {
        advance();
        bool has_body = false;
        auto fn = parse_function_after_keyword(start, true, true, true, has_body);
        if (!has_body) return nullptr;
        auto decl = make_node<FunctionDeclStmt>(start);
        decl->function = std::move(fn);
        return decl;
      }
      if (at_word("type") && next.kind == TokenKind::Identifier && same_line) {
        skip_type_alias();
        return nullptr;
      }
      if (at_word("interface") && next.kind == TokenKind::Identifier && same_line) {
        skip_interface();
        return nullptr;
      }
      if (at_word("declare") && at_ambient_declaration_start()) {
        skip_ambient_declaration();
        return nullptr;
      }
      if (at_word("abstract") && next.kind == TokenKind::KwClass && same_line) {
        advance();
        auto decl = make_node<ClassDeclStmt>(start);
        decl->klass = parse_class(start, true);
        return decl;
      }
      if ((at_word("namespace") || at_word("module")) && same_line &&
          (next.kind == TokenKind::Identifier || next.kind == TokenKind::String)) {
        error(start, "TypeScript namespaces are not supported; use modules");
        return nullptr;
      }
      break;
    }
    default:
      break;
  }
  return parse_expression_statement();
}

StmtPtr Parser::parse_expression_statement() {
  SourcePos start = pos();
  auto stmt = make_node<ExprStmt>(start);
  stmt->expr = parse_expression();
  if (!bailing()) consume_semicolon("expression");
  return stmt;
}

void Parser::parse_statement_list(std::vector<StmtPtr>& out, SourcePos open, std::string_view what) {
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile)) {
    if (bailing()) return;
    size_t start = index_;
    StmtPtr stmt = parse_statement();
    if (stmt) out.push_back(std::move(stmt));
    if (speculating_ && spec_failed_) return;
    if (panic_) synchronize(start);
    if (index_ == start) advance();
  }
  expect_close(TokenKind::RBrace, open, what);
}

std::unique_ptr<BlockStmt> Parser::parse_block(std::string_view context) {
  SourcePos open = pos();
  auto block = make_node<BlockStmt>(open);
  if (!at(TokenKind::LBrace)) {
    error(open, "expected '{' " + std::string(context) + ", found " + found());
    return block;
  }
  advance();
  parse_statement_list(block->body, open, "block");
  return block;
}

// The body of if/while/for/labels: declarations need their own block there.
StmtPtr Parser::parse_sub_statement(std::string_view context) {
  SourcePos start = pos();
  StmtPtr stmt = parse_statement();
  if (!stmt) return make_node<EmptyStmt>(start);
  if (stmt->kind == StmtKind::VarDecl || stmt->kind == StmtKind::ClassDecl ||
      stmt->kind == StmtKind::FunctionDecl) {
    report(start, "a declaration cannot be the body of " + std::string(context) +
                      "; wrap it in braces");
  }
  return stmt;
}

StmtPtr Parser::parse_loop_body() {
  ++jumps_.loops;
  ++jumps_.breakables;
  StmtPtr body = parse_sub_statement("a loop");
  --jumps_.loops;
  --jumps_.breakables;
  return body;
}

std::unique_ptr<VarDeclStmt> Parser::parse_var_declaration(bool in_for_head) {
  SourcePos start = pos();
  auto decl = make_node<VarDeclStmt>(start);
  decl->decl_kind = at(TokenKind::KwConst) ? DeclKind::Const : DeclKind::Let;
  advance();
  do {
    if (bailing()) break;
    VarDeclarator d;
    d.pos = pos();
    d.target = parse_binding_pattern();
    eat(TokenKind::Bang);  // definite assignment: let x!: T
    if (eat(TokenKind::Colon)) parse_type();
    if (eat(TokenKind::Assign)) {
      d.init = parse_assignment();
    } else if (!in_for_head && !in_ambient_ && !bailing()) {
      if (d.target->kind != PatternKind::Identifier) {
        report(d.pos, "a destructuring declaration needs an initializer");
      } else if (decl->decl_kind == DeclKind::Const) {
        report(d.pos, "const '" + d.target->as<IdentifierPattern>().name + "' must be initialized");
      }
    }
    decl->declarators.push_back(std::move(d));
  } while (eat(TokenKind::Comma));
  if (!in_for_head && !bailing()) consume_semicolon("variable declaration");
  return decl;
}

// An `else if` chain is flat, not nesting: it is parsed in a loop, each link
// becoming the previous one's alternate (later passes walk it iteratively).
StmtPtr Parser::parse_if() {
  auto first = make_node<IfStmt>(pos());
  IfStmt* stmt = first.get();
  for (;;) {
    advance();  // 'if'
    expect(TokenKind::LParen, "after 'if'");
    {
      AllowInGuard in(*this, true);
      stmt->test = parse_expression();
    }
    expect(TokenKind::RParen, "after if condition");
    if (bailing()) return first;
    stmt->consequent = parse_sub_statement("an if statement");
    if (bailing() || !eat(TokenKind::KwElse)) return first;
    if (!at(TokenKind::KwIf)) {
      stmt->alternate = parse_sub_statement("an else clause");
      return first;
    }
    auto next = make_node<IfStmt>(pos());
    IfStmt* link = next.get();
    stmt->alternate = std::move(next);
    stmt = link;
  }
}

StmtPtr Parser::parse_while() {
  auto stmt = make_node<WhileStmt>(pos());
  advance();
  expect(TokenKind::LParen, "after 'while'");
  {
    AllowInGuard in(*this, true);
    stmt->test = parse_expression();
  }
  expect(TokenKind::RParen, "after while condition");
  if (bailing()) return stmt;
  stmt->body = parse_loop_body();
  return stmt;
}

StmtPtr Parser::parse_do_while() {
  auto stmt = make_node<DoWhileStmt>(pos());
  advance();
  stmt->body = parse_loop_body();
  if (bailing()) return stmt;
  expect(TokenKind::KwWhile, "after the body of a do statement");
  expect(TokenKind::LParen, "after 'while'");
  {
    AllowInGuard in(*this, true);
    stmt->test = parse_expression();
  }
  expect(TokenKind::RParen, "after do-while condition");
  eat(TokenKind::Semicolon);  // `do x; while (c) y` needs no ';' (ES2015 ASI)
  return stmt;
}

StmtPtr Parser::parse_for() {
  SourcePos start = pos();
  advance();
  bool is_await = false;
  if (at_word("await")) {
    is_await = true;
    advance();
  }
  expect(TokenKind::LParen, "after 'for'");
  if (bailing()) return nullptr;

  StmtPtr init;
  auto make_each = [&](bool is_of) {
    auto each = std::make_unique<ForEachStmt>(is_of ? StmtKind::ForOf : StmtKind::ForIn, start);
    each->is_await = is_await;
    return each;
  };
  auto finish_each = [&](std::unique_ptr<ForEachStmt> each) -> StmtPtr {
    advance();  // 'of' / 'in'
    if (each->is_of()) {
      AllowInGuard in(*this, true);
      each->iterable = parse_assignment();
    } else {
      AllowInGuard in(*this, true);
      each->iterable = parse_expression();
    }
    expect(TokenKind::RParen, each->is_of() ? "after for-of head" : "after for-in head");
    if (bailing()) return each;
    each->body = parse_loop_body();
    return each;
  };
  auto at_of_or_in = [&] { return at(TokenKind::KwIn) || at_word("of"); };

  if (at(TokenKind::KwLet) || at(TokenKind::KwConst) || at(TokenKind::KwVar)) {
    if (at(TokenKind::KwVar)) report(pos(), "var is not supported; use let or const");
    std::unique_ptr<VarDeclStmt> decl;
    {
      AllowInGuard in(*this, false);
      decl = parse_var_declaration(true);
    }
    if (bailing()) return nullptr;
    if (at_of_or_in()) {
      auto each = make_each(at_word("of"));
      if (decl->declarators.size() != 1) {
        report(decl->pos, "a for-of or for-in loop declares exactly one variable");
      }
      VarDeclarator& d = decl->declarators.front();
      if (d.init) report(d.pos, "a for-of or for-in variable cannot have an initializer");
      each->has_declaration = true;
      each->decl_kind = decl->decl_kind;
      each->target = std::move(d.target);
      return finish_each(std::move(each));
    }
    for (const VarDeclarator& d : decl->declarators) {
      if (d.init || in_ambient_) continue;
      if (d.target->kind != PatternKind::Identifier) {
        report(d.pos, "a destructuring declaration needs an initializer");
      } else if (decl->decl_kind == DeclKind::Const) {
        report(d.pos, "const '" + d.target->as<IdentifierPattern>().name + "' must be initialized");
      }
    }
    init = std::move(decl);
  } else if (!at(TokenKind::Semicolon)) {
    SourcePos init_pos = pos();
    const Token& after = token_after_match();
    if ((at(TokenKind::LBracket) || at(TokenKind::LBrace)) &&
        (after.kind == TokenKind::KwIn || after.is_word("of"))) {
      auto each = make_each(after.is_word("of"));
      each->target = at(TokenKind::LBracket) ? parse_array_pattern(false) : parse_object_pattern(false);
      if (bailing()) return nullptr;
      return finish_each(std::move(each));
    }
    ExprPtr expr;
    {
      AllowInGuard in(*this, false);
      expr = parse_expression();
    }
    if (bailing()) return nullptr;
    if (at_of_or_in()) {
      auto each = make_each(at_word("of"));
      each->target = to_assignment_target(std::move(expr));
      return finish_each(std::move(each));
    }
    auto stmt = make_node<ExprStmt>(init_pos);
    stmt->expr = std::move(expr);
    init = std::move(stmt);
  }

  auto loop = make_node<ForStmt>(start);
  loop->init = std::move(init);
  expect(TokenKind::Semicolon, "after for-loop initializer");
  AllowInGuard in(*this, true);
  if (!at(TokenKind::Semicolon) && !bailing()) loop->test = parse_expression();
  expect(TokenKind::Semicolon, "after for-loop condition");
  if (!at(TokenKind::RParen) && !bailing()) loop->update = parse_expression();
  expect(TokenKind::RParen, "after for-loop update");
  if (bailing()) return loop;
  loop->body = parse_loop_body();
  return loop;
}

StmtPtr Parser::parse_switch() {
  auto stmt = make_node<SwitchStmt>(pos());
  advance();
  expect(TokenKind::LParen, "after 'switch'");
  {
    AllowInGuard in(*this, true);
    stmt->discriminant = parse_expression();
  }
  expect(TokenKind::RParen, "after switch value");
  SourcePos open = pos();
  if (!expect(TokenKind::LBrace, "to start the switch body")) return stmt;
  ++jumps_.breakables;
  bool seen_default = false;
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
    SwitchCase c;
    c.pos = pos();
    if (eat(TokenKind::KwCase)) {
      AllowInGuard in(*this, true);
      c.test = parse_expression();
    } else if (eat(TokenKind::KwDefault)) {
      if (seen_default) report(c.pos, "a switch may have only one default clause");
      seen_default = true;
    } else {
      error(pos(), "expected 'case', 'default' or '}' in switch, found " + found());
      break;
    }
    if (!expect(TokenKind::Colon, c.test ? "after case value" : "after 'default'")) break;
    while (!at(TokenKind::KwCase) && !at(TokenKind::KwDefault) && !at(TokenKind::RBrace) &&
           !at(TokenKind::EndOfFile)) {
      if (bailing()) break;
      size_t start = index_;
      StmtPtr s = parse_statement();
      if (s) c.body.push_back(std::move(s));
      if (speculating_ && spec_failed_) break;
      if (panic_) synchronize(start);
      if (index_ == start) advance();
    }
    stmt->cases.push_back(std::move(c));
  }
  --jumps_.breakables;
  expect_close(TokenKind::RBrace, open, "switch body");
  return stmt;
}

StmtPtr Parser::parse_try() {
  auto stmt = make_node<TryStmt>(pos());
  advance();
  stmt->block = parse_block("after 'try'");
  if (bailing()) return stmt;
  if (eat(TokenKind::KwCatch)) {
    stmt->has_catch = true;
    if (eat(TokenKind::LParen)) {
      stmt->catch_param = parse_binding_pattern();
      if (eat(TokenKind::Colon)) parse_type();
      expect(TokenKind::RParen, "after catch parameter");
    }
    stmt->handler = parse_block("to start the catch block");
  }
  if (eat(TokenKind::KwFinally)) stmt->finalizer = parse_block("after 'finally'");
  if (!stmt->has_catch && !stmt->finalizer) {
    error(pos(), "expected 'catch' or 'finally' after try block, found " + found());
  }
  return stmt;
}

StmtPtr Parser::parse_return() {
  auto stmt = make_node<ReturnStmt>(pos());
  advance();
  // Restricted production: a line break after `return` ends the statement.
  if (!at(TokenKind::Semicolon) && !at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) &&
      !cur().newline_before) {
    AllowInGuard in(*this, true);
    stmt->value = parse_expression();
  }
  if (!bailing()) consume_semicolon("return statement");
  return stmt;
}

StmtPtr Parser::parse_throw() {
  auto stmt = make_node<ThrowStmt>(pos());
  advance();
  if (cur().newline_before || at(TokenKind::EndOfFile)) {
    error(pos(), "a line break is not allowed between 'throw' and its value");
    return stmt;
  }
  AllowInGuard in(*this, true);
  stmt->value = parse_expression();
  if (!bailing()) consume_semicolon("throw statement");
  return stmt;
}

StmtPtr Parser::parse_break_continue() {
  SourcePos start = pos();
  bool is_break = at(TokenKind::KwBreak);
  advance();
  std::string label;
  if (at(TokenKind::Identifier) && !cur().newline_before) {
    label = cur().text;
    SourcePos label_pos = pos();
    advance();
    const Label* found_label = nullptr;
    for (auto it = jumps_.labels.rbegin(); it != jumps_.labels.rend(); ++it) {
      if (it->name == label) {
        found_label = &*it;
        break;
      }
    }
    if (!found_label) {
      report(label_pos, "undefined label '" + label + "'");
    } else if (!is_break && !found_label->is_loop) {
      report(label_pos, "'continue' label '" + label + "' does not name a loop");
    }
  } else if (is_break && jumps_.breakables == 0) {
    report(start, "'break' outside a loop or switch");
  } else if (!is_break && jumps_.loops == 0) {
    report(start, "'continue' outside a loop");
  }
  if (!bailing()) consume_semicolon(is_break ? "'break'" : "'continue'");
  if (is_break) {
    auto stmt = make_node<BreakStmt>(start);
    stmt->label = std::move(label);
    return stmt;
  }
  auto stmt = make_node<ContinueStmt>(start);
  stmt->label = std::move(label);
  return stmt;
}

StmtPtr Parser::parse_labeled() {
  auto stmt = make_node<LabeledStmt>(pos());
  stmt->label = cur().text;
  for (const Label& l : jumps_.labels) {
    if (l.name == stmt->label) report(stmt->pos, "label '" + stmt->label + "' is already in use");
  }
  advance();  // label
  advance();  // ':'
  // `a: b: for (...)` makes both a and b loop labels.
  size_t ahead = 0;
  while (peek(ahead).kind == TokenKind::Identifier && peek(ahead + 1).kind == TokenKind::Colon) ahead += 2;
  jumps_.labels.push_back(Label{stmt->label, is_loop_start(peek(ahead).kind)});
  stmt->body = parse_sub_statement("a labeled statement");
  jumps_.labels.pop_back();
  return stmt;
}

}  // namespace raya::vm::compiler::detail
