// Module syntax (import, export), enums, and the TypeScript declarations that
// leave nothing behind (type aliases, interfaces, `declare ...`).
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

std::string Parser::parse_module_specifier(std::string_view after_what) {
  if (!at(TokenKind::String)) {
    error(pos(), "expected a module specifier string " + std::string(after_what) + ", found " + found());
    return {};
  }
  std::string specifier = utf16_to_utf8(cur().value);
  advance();
  // Import attributes (`with { type: "json" }`) carry nothing for Raya.
  if ((at(TokenKind::KwWith) || (at_word("assert") && !cur().newline_before)) &&
      peek(1).kind == TokenKind::LBrace) {
    advance();
    uint32_t close = match_[index_];
    if (close == kNoMatch) {
      error(pos(), "unterminated import attributes");
      return specifier;
    }
    index_ = close;
    advance();
  }
  return specifier;
}

StmtPtr Parser::parse_import() {
  SourcePos start = pos();
  auto stmt = make_node<ImportStmt>(start);
  advance();  // 'import'
  if (at(TokenKind::String)) {
    stmt->source = parse_module_specifier("");
    if (!bailing()) consume_semicolon("import declaration");
    return stmt;
  }
  bool type_only = false;
  if (at_word("type") && !(peek(1).is_word("from") && peek(2).kind == TokenKind::String) &&
      (peek(1).kind == TokenKind::Identifier || peek(1).kind == TokenKind::LBrace ||
       peek(1).kind == TokenKind::Star)) {
    type_only = true;
    advance();
  }
  bool any_clause = false;
  if (is_binding_identifier(cur())) {
    if (peek(1).kind == TokenKind::Assign) {
      error(start, "'import x = require(...)' is not supported; use an import declaration");
      return nullptr;
    }
    stmt->default_local = cur().text;
    advance();
    any_clause = true;
    if (!eat(TokenKind::Comma)) goto from_clause;
  }
  if (at(TokenKind::Star)) {
    advance();
    if (!eat_word("as")) {
      error(pos(), "expected 'as' after '*' in import, found " + found());
      return nullptr;
    }
    if (!is_binding_identifier(cur())) {
      error(pos(), "expected a name after 'import * as', found " + found());
      return nullptr;
    }
    stmt->namespace_local = cur().text;
    advance();
    any_clause = true;
  } else if (at(TokenKind::LBrace)) {
    SourcePos open = pos();
    advance();
    any_clause = true;
    while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
      ImportSpecifier spec;
      spec.pos = pos();
      bool specifier_type_only = false;
      // `{ type X }` imports a type only; `{ type }` and `{ type as x }` import "type".
      if (at_word("type") && (peek(1).is_identifier_name() || peek(1).kind == TokenKind::String) &&
          !peek(1).is_word("as")) {
        specifier_type_only = true;
        advance();
      }
      bool imported_is_binding = is_binding_identifier(cur());
      if (cur().is_identifier_name()) {
        spec.imported = cur().text;
      } else if (at(TokenKind::String)) {
        spec.imported = utf16_to_utf8(cur().value);
      } else {
        error(pos(), "expected a name to import, found " + found());
        break;
      }
      advance();
      if (eat_word("as")) {
        if (!is_binding_identifier(cur())) {
          error(pos(), "expected a local name after 'as', found " + found());
          break;
        }
        spec.local = cur().text;
        advance();
      } else if (!imported_is_binding) {
        error(pos(), "expected 'as' to give '" + spec.imported + "' a local name, found " + found());
        break;
      } else {
        spec.local = spec.imported;
      }
      if (!specifier_type_only) stmt->named.push_back(std::move(spec));
      if (at(TokenKind::RBrace)) break;
      if (!eat(TokenKind::Comma)) {
        error(pos(), "expected ',' or '}' in import list, found " + found());
        break;
      }
    }
    if (!bailing()) expect_close(TokenKind::RBrace, open, "import list");
  }
  if (!any_clause) {
    error(pos(), "expected a name, '{' or '*' after 'import', found " + found());
    return nullptr;
  }
from_clause:
  if (bailing()) return nullptr;
  if (!eat_word("from")) {
    error(pos(), "expected 'from' after import list, found " + found());
    return nullptr;
  }
  stmt->source = parse_module_specifier("after 'from'");
  if (!bailing()) consume_semicolon("import declaration");
  if (type_only) return nullptr;
  return stmt;
}

StmtPtr Parser::parse_export() {
  SourcePos start = pos();
  advance();  // 'export'
  const Token& next = peek(1);
  bool next_same_line = !next.newline_before;

  if (eat(TokenKind::KwDefault)) {
    auto stmt = make_node<ExportDefaultStmt>(start);
    SourcePos decl_start = pos();
    bool is_async_fn = at_word("async") && peek(1).kind == TokenKind::KwFunction &&
                       !peek(1).newline_before;
    if (at(TokenKind::KwFunction) || is_async_fn) {
      if (is_async_fn) advance();
      bool has_body = false;
      auto fn = parse_function_after_keyword(decl_start, is_async_fn, false, true, has_body);
      if (!has_body) return nullptr;
      if (fn->name.empty()) {
        auto expr = make_node<FunctionExpr>(decl_start);
        expr->function = std::move(fn);
        stmt->expr = std::move(expr);
      } else {
        auto decl = make_node<FunctionDeclStmt>(decl_start);
        decl->function = std::move(fn);
        stmt->declaration = std::move(decl);
      }
      return stmt;
    }
    if (at(TokenKind::KwClass) ||
        (at_word("abstract") && peek(1).kind == TokenKind::KwClass && !peek(1).newline_before)) {
      if (at_word("abstract")) advance();
      auto klass = parse_class(decl_start, false);
      if (klass->name.empty()) {
        auto expr = make_node<ClassExpr>(decl_start);
        expr->klass = std::move(klass);
        stmt->expr = std::move(expr);
      } else {
        auto decl = make_node<ClassDeclStmt>(decl_start);
        decl->klass = std::move(klass);
        stmt->declaration = std::move(decl);
      }
      return stmt;
    }
    if (at_word("interface") && peek(1).kind == TokenKind::Identifier) {
      skip_interface();
      return nullptr;
    }
    stmt->expr = parse_assignment();
    if (!bailing()) consume_semicolon("export default expression");
    return stmt;
  }

  if (at(TokenKind::Star)) {
    auto stmt = make_node<ExportNamedStmt>(start);
    stmt->is_star = true;
    advance();
    if (eat_word("as")) {
      if (cur().is_identifier_name()) {
        stmt->star_as = cur().text;
      } else if (at(TokenKind::String)) {
        stmt->star_as = utf16_to_utf8(cur().value);
      } else {
        error(pos(), "expected a name after 'export * as', found " + found());
        return nullptr;
      }
      advance();
    }
    if (!eat_word("from")) {
      error(pos(), "expected 'from' after 'export *', found " + found());
      return nullptr;
    }
    stmt->source = parse_module_specifier("after 'from'");
    if (!bailing()) consume_semicolon("export declaration");
    return stmt;
  }

  bool type_only = false;
  if (at_word("type") && next.kind == TokenKind::LBrace) {
    type_only = true;
    advance();
  }
  if (at(TokenKind::LBrace)) {
    auto stmt = make_node<ExportNamedStmt>(start);
    SourcePos open = pos();
    advance();
    bool has_non_identifier_local = false;
    SourcePos bad_local_pos;
    while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
      ExportSpecifier spec;
      spec.pos = pos();
      bool specifier_type_only = false;
      if (at_word("type") && (peek(1).is_identifier_name() || peek(1).kind == TokenKind::String) &&
          !peek(1).is_word("as")) {
        specifier_type_only = true;
        advance();
      }
      if (cur().is_identifier_name()) {
        if (!is_binding_identifier(cur()) && !has_non_identifier_local) {
          has_non_identifier_local = true;
          bad_local_pos = pos();
        }
        spec.local = cur().text;
      } else if (at(TokenKind::String)) {
        if (!has_non_identifier_local) {
          has_non_identifier_local = true;
          bad_local_pos = pos();
        }
        spec.local = utf16_to_utf8(cur().value);
      } else {
        error(pos(), "expected a name to export, found " + found());
        break;
      }
      advance();
      spec.exported = spec.local;
      if (eat_word("as")) {
        if (cur().is_identifier_name()) {
          spec.exported = cur().text;
        } else if (at(TokenKind::String)) {
          spec.exported = utf16_to_utf8(cur().value);
        } else {
          error(pos(), "expected a name after 'as', found " + found());
          break;
        }
        advance();
      }
      if (!specifier_type_only) stmt->specifiers.push_back(std::move(spec));
      if (at(TokenKind::RBrace)) break;
      if (!eat(TokenKind::Comma)) {
        error(pos(), "expected ',' or '}' in export list, found " + found());
        break;
      }
    }
    if (!bailing()) expect_close(TokenKind::RBrace, open, "export list");
    if (bailing()) return nullptr;
    if (eat_word("from")) {
      stmt->source = parse_module_specifier("after 'from'");
    } else if (has_non_identifier_local) {
      report(bad_local_pos, "only local names can be exported without 'from'");
    }
    if (!bailing()) consume_semicolon("export declaration");
    if (type_only) return nullptr;
    return stmt;
  }

  // export <declaration>
  if (at_word("type") && next.kind == TokenKind::Identifier && next_same_line) {
    skip_type_alias();
    return nullptr;
  }
  if (at_word("interface") && next.kind == TokenKind::Identifier && next_same_line) {
    skip_interface();
    return nullptr;
  }
  if (at_word("declare") && at_ambient_declaration_start()) {
    skip_ambient_declaration();
    return nullptr;
  }
  if (at(TokenKind::Assign)) {
    error(start, "'export =' is not supported; use 'export default'");
    return nullptr;
  }
  bool is_declaration =
      at(TokenKind::KwLet) || at(TokenKind::KwConst) || at(TokenKind::KwVar) ||
      at(TokenKind::KwFunction) || at(TokenKind::KwClass) || at(TokenKind::KwEnum) ||
      (at_word("async") && next.kind == TokenKind::KwFunction && next_same_line) ||
      (at_word("abstract") && next.kind == TokenKind::KwClass && next_same_line);
  if (!is_declaration) {
    error(pos(), "expected a declaration, '{', '*' or 'default' after 'export', found " + found());
    return nullptr;
  }
  StmtPtr declaration = parse_statement();
  if (!declaration) return nullptr;  // an overload signature
  auto stmt = make_node<ExportDeclStmt>(start);
  stmt->declaration = std::move(declaration);
  return stmt;
}

StmtPtr Parser::parse_enum(bool is_const) {
  SourcePos start = pos();
  auto stmt = make_node<EnumDeclStmt>(start);
  stmt->is_const = is_const;
  advance();  // 'enum'
  if (!is_binding_identifier(cur())) {
    error(pos(), "expected an enum name, found " + found());
    return stmt;
  }
  stmt->name = cur().text;
  advance();
  SourcePos open = pos();
  if (!expect(TokenKind::LBrace, "after enum name")) return stmt;
  bool previous_is_number = true;
  double previous = -1;
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
    EnumMember member;
    member.pos = pos();
    if (cur().is_identifier_name()) {
      member.name = cur().text;
    } else if (at(TokenKind::String)) {
      member.name = utf16_to_utf8(cur().value);
    } else {
      error(pos(), "expected an enum member name, found " + found());
      break;
    }
    advance();
    if (eat(TokenKind::Assign)) {
      member.init = parse_assignment();
      const Expr* init = member.init.get();
      double sign = 1;
      if (init->kind == ExprKind::Unary) {
        const auto& unary = init->as<UnaryExpr>();
        if ((unary.op == UnaryOp::Minus || unary.op == UnaryOp::Plus) &&
            unary.operand->kind == ExprKind::Number) {
          sign = unary.op == UnaryOp::Minus ? -1 : 1;
          init = unary.operand.get();
        }
      }
      if (init->kind == ExprKind::Number) {
        member.has_constant = true;
        member.number_value = sign * init->as<NumberExpr>().value;
      } else if (init->kind == ExprKind::String) {
        member.has_constant = true;
        member.is_string = true;
        member.string_value = init->as<StringExpr>().value;
      } else if (init->kind == ExprKind::Template && init->as<TemplateExpr>().exprs.empty()) {
        member.has_constant = true;
        member.is_string = true;
        member.string_value = init->as<TemplateExpr>().quasis.front();
      }
    } else if (previous_is_number) {
      member.has_constant = true;
      member.number_value = previous + 1;
    } else {
      report(member.pos, "enum member '" + member.name +
                             "' needs an initializer because the previous member is not a number");
    }
    previous_is_number = member.has_constant && !member.is_string;
    previous = member.number_value;
    stmt->members.push_back(std::move(member));
    if (at(TokenKind::RBrace)) break;
    if (!eat(TokenKind::Comma)) {
      error(pos(), "expected ',' or '}' after enum member, found " + found());
      break;
    }
  }
  if (!bailing()) expect_close(TokenKind::RBrace, open, "enum body");
  return stmt;
}

void Parser::skip_type_alias() {
  advance();  // 'type'
  advance();  // name
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (!expect(TokenKind::Assign, "in type alias")) return;
  parse_type();
  if (!bailing()) consume_semicolon("type alias");
}

void Parser::skip_interface() {
  advance();  // 'interface'
  advance();  // name
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (eat(TokenKind::KwExtends)) {
    do {
      parse_type();
    } while (!bailing() && eat(TokenKind::Comma));
  }
  if (bailing()) return;
  if (!at(TokenKind::LBrace)) {
    error(pos(), "expected '{' to start the interface body, found " + found());
    return;
  }
  parse_object_type();
}

bool Parser::at_ambient_declaration_start() const {
  const Token& next = peek(1);
  if (next.newline_before) return false;
  switch (next.kind) {
    case TokenKind::KwLet: case TokenKind::KwConst: case TokenKind::KwVar:
    case TokenKind::KwFunction: case TokenKind::KwClass: case TokenKind::KwEnum:
      return true;
    case TokenKind::Identifier:
      return next.text == "module" || next.text == "namespace" || next.text == "global" ||
             next.text == "abstract" || next.text == "type" || next.text == "interface" ||
             next.text == "async";
    default:
      return false;
  }
}

// `declare ...`: parsed as an ambient declaration (no bodies, no
// initializers needed) and dropped. Module and namespace blocks are skipped.
void Parser::skip_ambient_declaration() {
  advance();  // 'declare'
  if (at_word("module") || at_word("namespace") || at_word("global")) {
    advance();
    while (at(TokenKind::Identifier) || at(TokenKind::String) || at(TokenKind::Dot)) advance();
    if (at(TokenKind::LBrace)) {
      uint32_t close = match_[index_];
      if (close == kNoMatch) {
        error(pos(), "unexpected end of file in declaration block started at line " +
                         std::to_string(pos().line));
        return;
      }
      index_ = close;
      advance();
      return;
    }
    consume_semicolon("declaration");
    return;
  }
  bool saved = in_ambient_;
  in_ambient_ = true;
  StmtPtr dropped = parse_statement();
  in_ambient_ = saved;
}

}  // namespace raya::vm::compiler::detail
