// Primary expressions and literals: numbers, strings, templates, array and
// object literals (with methods and accessors), parentheses, function and
// class expressions.
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

ExprPtr Parser::parse_primary() {
  SourcePos start = pos();
  // Every bracketed construct (parentheses, literals, function and class
  // expressions, templates) nests through here: one guard bounds them all.
  DepthGuard guard(*this);
  if (!guard.ok()) return error_expr(start);
  const Token& t = cur();
  switch (t.kind) {
    case TokenKind::Number: {
      auto e = make_node<NumberExpr>(start);
      e->value = t.number;
      advance();
      return e;
    }
    case TokenKind::String: {
      auto e = make_node<StringExpr>(start);
      e->value = t.value;
      advance();
      return e;
    }
    case TokenKind::NoSubstitutionTemplate:
    case TokenKind::TemplateHead:
      return parse_template();
    case TokenKind::KwTrue:
    case TokenKind::KwFalse: {
      auto e = make_node<BoolExpr>(start);
      e->value = t.kind == TokenKind::KwTrue;
      advance();
      return e;
    }
    case TokenKind::KwNull:
      advance();
      return make_node<NullExpr>(start);
    case TokenKind::KwThis:
      advance();
      return make_node<ThisExpr>(start);
    case TokenKind::KwSuper: {
      TokenKind next = peek(1).kind;
      if (next != TokenKind::LParen && next != TokenKind::Dot && next != TokenKind::LBracket) {
        error(start, "'super' must be followed by an argument list or a member access");
        return error_expr(start);
      }
      advance();
      return make_node<SuperExpr>(start);
    }
    case TokenKind::Identifier: {
      if (t.is_word("async") && peek(1).kind == TokenKind::KwFunction && !peek(1).newline_before) {
        advance();
        bool has_body = false;
        auto e = make_node<FunctionExpr>(start);
        e->function = parse_function_after_keyword(start, true, false, false, has_body);
        return e;
      }
      auto e = make_node<IdentifierExpr>(start);
      e->name = t.text;
      advance();
      return e;
    }
    case TokenKind::LParen: return parse_paren();
    case TokenKind::LBracket: return parse_array_literal();
    case TokenKind::LBrace: return parse_object_literal();
    case TokenKind::KwFunction: {
      bool has_body = false;
      auto e = make_node<FunctionExpr>(start);
      e->function = parse_function_after_keyword(start, false, false, false, has_body);
      return e;
    }
    case TokenKind::KwClass: {
      auto e = make_node<ClassExpr>(start);
      e->klass = parse_class(start, false);
      return e;
    }
    case TokenKind::KwNew: return parse_new();
    case TokenKind::KwImport:
      error(start, "dynamic import() is not supported; use an import declaration");
      return error_expr(start);
    case TokenKind::PrivateName:
      error(start, "private names (#x) are not supported; use a normal property");
      return error_expr(start);
    case TokenKind::At:
      error(start, "decorators are not supported");
      return error_expr(start);
    case TokenKind::EndOfFile:
      error(start, "unexpected end of file: expected an expression");
      return error_expr(start);
    default:
      error(start, "expected an expression, found " + found());
      return error_expr(start);
  }
}

ExprPtr Parser::parse_paren() {
  SourcePos open = pos();
  advance();
  AllowInGuard in(*this, true);
  if (at(TokenKind::RParen)) {
    error(pos(), "expected an expression inside '()'");
    return error_expr(open);
  }
  ExprPtr expr = parse_expression();
  if (!bailing()) expect_close(TokenKind::RParen, open, "parenthesized expression");
  return expr;
}

ExprPtr Parser::parse_array_literal() {
  SourcePos open = pos();
  auto array = make_node<ArrayExpr>(open);
  advance();
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RBracket) && !at(TokenKind::EndOfFile) && !bailing()) {
    if (at(TokenKind::Comma)) {
      report(pos(), "empty array elements (holes) are not supported; write undefined");
      advance();
      continue;
    }
    if (at(TokenKind::Ellipsis)) {
      auto spread = make_node<SpreadExpr>(pos());
      advance();
      spread->argument = parse_assignment();
      array->elements.push_back(std::move(spread));
    } else {
      array->elements.push_back(parse_assignment());
    }
    if (at(TokenKind::RBracket) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ',' or ']' after array element, found " + found());
      return array;
    }
  }
  if (!bailing()) expect_close(TokenKind::RBracket, open, "array literal");
  return array;
}

bool Parser::is_property_name_start(const Token& t) const {
  return t.is_identifier_name() || t.kind == TokenKind::String || t.kind == TokenKind::Number ||
         t.kind == TokenKind::LBracket || t.kind == TokenKind::PrivateName;
}

bool Parser::parse_property_key(PropertyKey& key) {
  key.pos = pos();
  const Token& t = cur();
  if (t.is_identifier_name()) {
    key.kind = PropertyKeyKind::Identifier;
    key.name = t.text;
    key.string_value = utf8_to_utf16(t.text);
    advance();
    return true;
  }
  switch (t.kind) {
    case TokenKind::String:
      key.kind = PropertyKeyKind::String;
      key.string_value = t.value;
      advance();
      return true;
    case TokenKind::Number:
      key.kind = PropertyKeyKind::Number;
      key.number_value = t.number;
      advance();
      return true;
    case TokenKind::LBracket: {
      key.kind = PropertyKeyKind::Computed;
      advance();
      AllowInGuard in(*this, true);
      key.computed = parse_assignment();
      return expect(TokenKind::RBracket, "after computed property name");
    }
    case TokenKind::PrivateName:
      error(pos(), "private names (#x) are not supported; use a normal property");
      return false;
    default:
      error(pos(), "expected a property name, found " + found());
      return false;
  }
}

ExprPtr Parser::parse_object_literal() {
  SourcePos open = pos();
  auto object = make_node<ObjectExpr>(open);
  advance();
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
    ObjectProperty prop;
    prop.pos = pos();
    if (eat(TokenKind::Ellipsis)) {
      prop.kind = PropertyKind::Spread;
      prop.value = parse_assignment();
    } else {
      bool is_async = false;
      const Token& next = peek(1);
      bool prefix_applies = (is_property_name_start(next) || next.kind == TokenKind::Star) &&
                            !next.newline_before;
      if ((at_word("get") || at_word("set")) && is_property_name_start(next)) {
        prop.kind = at_word("get") ? PropertyKind::Getter : PropertyKind::Setter;
        advance();
      } else if (at_word("async") && prefix_applies) {
        is_async = true;
        advance();
      }
      if (at(TokenKind::Star)) {
        error(pos(), "generator functions are not supported");
        break;
      }
      bool key_is_identifier = at(TokenKind::Identifier);
      if (!parse_property_key(prop.key)) break;
      if (prop.kind == PropertyKind::Getter || prop.kind == PropertyKind::Setter ||
          at(TokenKind::LParen) || at(TokenKind::Lt)) {
        FunctionKind fk = prop.kind == PropertyKind::Getter   ? FunctionKind::Getter
                          : prop.kind == PropertyKind::Setter ? FunctionKind::Setter
                                                              : FunctionKind::Method;
        if (prop.kind == PropertyKind::Init) prop.kind = PropertyKind::Method;
        bool has_body = false;
        auto fn = make_node<FunctionExpr>(prop.pos);
        fn->function = parse_method(fk, is_async, prop.key, prop.pos, false, has_body);
        prop.value = std::move(fn);
      } else if (is_async) {
        error(pos(), "expected '(' after async method name, found " + found());
      } else if (eat(TokenKind::Colon)) {
        prop.value = parse_assignment();
      } else if (key_is_identifier && (at(TokenKind::Comma) || at(TokenKind::RBrace))) {
        prop.shorthand = true;
        auto ident = make_node<IdentifierExpr>(prop.key.pos);
        ident->name = prop.key.name;
        prop.value = std::move(ident);
      } else if (key_is_identifier && at(TokenKind::Assign)) {
        error(pos(), "'=' in an object literal is only allowed when destructuring");
      } else {
        error(pos(), "expected ':' after property name, found " + found());
      }
    }
    object->properties.push_back(std::move(prop));
    if (at(TokenKind::RBrace) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ',' or '}' after property, found " + found());
      return object;
    }
  }
  if (!bailing()) expect_close(TokenKind::RBrace, open, "object literal");
  return object;
}

ExprPtr Parser::parse_template() {
  SourcePos start = pos();
  auto tmpl = make_node<TemplateExpr>(start);
  tmpl->quasis.push_back(cur().value);
  if (at(TokenKind::NoSubstitutionTemplate)) {
    advance();
    return tmpl;
  }
  advance();  // TemplateHead
  AllowInGuard in(*this, true);
  for (;;) {
    tmpl->exprs.push_back(parse_expression());
    if (bailing()) break;
    if (at(TokenKind::TemplateMiddle)) {
      tmpl->quasis.push_back(cur().value);
      advance();
      continue;
    }
    if (at(TokenKind::TemplateTail)) {
      tmpl->quasis.push_back(cur().value);
      advance();
      break;
    }
    error(pos(), "expected '}' to close '${' in template literal, found " + found());
    break;
  }
  while (tmpl->quasis.size() < tmpl->exprs.size() + 1) tmpl->quasis.emplace_back();
  return tmpl;
}

}  // namespace raya::vm::compiler::detail
