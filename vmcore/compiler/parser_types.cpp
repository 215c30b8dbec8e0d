// The TypeScript type grammar, parsed only to be skipped: unions,
// intersections, arrays, tuples, function and constructor types, object type
// literals and mapped types, generics, literal types, typeof, keyof,
// indexed access, conditional types and template literal types. Nothing is
// recorded; a type is correct when its tokens are consumed exactly.
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

namespace {

bool starts_type_member_name(const Token& t) {
  return t.is_identifier_name() || t.kind == TokenKind::String || t.kind == TokenKind::Number;
}

}  // namespace

void Parser::parse_type() {
  DepthGuard guard(*this);
  if (!guard.ok()) return;
  // Function and constructor types.
  if (at(TokenKind::Lt) || (at(TokenKind::LParen) && token_after_match().kind == TokenKind::Arrow)) {
    parse_function_type_rest();
    return;
  }
  if (at(TokenKind::KwNew) || (at_word("abstract") && peek(1).kind == TokenKind::KwNew)) {
    if (at_word("abstract")) advance();
    advance();  // 'new'
    parse_function_type_rest();
    return;
  }
  parse_union_type();
  // Conditional type: Check extends Constraint ? True : False.
  if (!no_conditional_type_ && at(TokenKind::KwExtends) && !cur().newline_before && !bailing()) {
    advance();
    bool saved = no_conditional_type_;
    no_conditional_type_ = true;  // `A extends B extends C ? ...` needs parentheses
    parse_type();
    no_conditional_type_ = saved;
    if (!expect(TokenKind::Question, "in conditional type")) return;
    parse_type();
    if (!expect(TokenKind::Colon, "in conditional type")) return;
    parse_type();
  }
}

// `<T>(a: A) => R` or `(a: A) => R` after any `new`.
void Parser::parse_function_type_rest() {
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (!at(TokenKind::LParen)) {
    error(pos(), "expected '(' in function type, found " + found());
    return;
  }
  std::vector<Param> ignored;
  parse_params(ignored, FunctionKind::Arrow);
  if (!expect(TokenKind::Arrow, "in function type")) return;
  parse_return_type();
}

// A return type may be a type predicate: `x is T`, `asserts x`, `asserts x is T`.
void Parser::parse_return_type() {
  if (at_word("asserts") && (peek(1).kind == TokenKind::Identifier || peek(1).kind == TokenKind::KwThis) &&
      !peek(1).newline_before) {
    advance();
    advance();
    if (eat_word("is")) parse_type();
    return;
  }
  if ((at(TokenKind::Identifier) || at(TokenKind::KwThis)) && peek(1).is_word("is") &&
      !peek(1).newline_before) {
    advance();
    advance();
  }
  parse_type();
}

void Parser::parse_union_type() {
  eat(TokenKind::Pipe);  // leading '|' is allowed
  parse_intersection_type();
  while (!bailing() && eat(TokenKind::Pipe)) parse_intersection_type();
}

void Parser::parse_intersection_type() {
  eat(TokenKind::Amp);
  parse_type_operator();
  while (!bailing() && eat(TokenKind::Amp)) parse_type_operator();
}

void Parser::parse_type_operator() {
  if ((at_word("keyof") || at_word("unique") || at_word("readonly")) && !bailing()) {
    const Token& next = peek(1);
    bool operand_follows = next.kind != TokenKind::Comma && next.kind != TokenKind::RParen &&
                           next.kind != TokenKind::RBracket && next.kind != TokenKind::Gt &&
                           next.kind != TokenKind::Semicolon && next.kind != TokenKind::Assign &&
                           next.kind != TokenKind::Pipe && next.kind != TokenKind::Amp &&
                           next.kind != TokenKind::RBrace && next.kind != TokenKind::EndOfFile;
    if (operand_follows) {
      DepthGuard guard(*this);
      if (!guard.ok()) return;
      advance();
      parse_type_operator();
      return;
    }
  }
  if (at_word("infer") && peek(1).kind == TokenKind::Identifier) {
    advance();
    advance();
    // `infer U extends C` takes the constraint unless a `?` shows that the
    // `extends` starts a conditional type instead.
    if (at(TokenKind::KwExtends)) {
      speculate([&] {
        advance();
        bool saved = no_conditional_type_;
        no_conditional_type_ = true;
        parse_type_operator();
        no_conditional_type_ = saved;
        return !at(TokenKind::Question);
      });
    }
    return;
  }
  parse_postfix_type();
}

void Parser::parse_postfix_type() {
  parse_primary_type();
  while (!bailing() && at(TokenKind::LBracket) && !cur().newline_before) {
    advance();
    if (eat(TokenKind::RBracket)) continue;  // T[]
    parse_type();                            // T[K]
    if (!expect(TokenKind::RBracket, "after indexed access type")) return;
  }
}

// `.Name` segments and type arguments after a type name.
void Parser::parse_type_reference_tail() {
  while (!bailing() && at(TokenKind::Dot)) {
    advance();
    if (!cur().is_identifier_name()) {
      error(pos(), "expected a name after '.' in type, found " + found());
      return;
    }
    advance();
  }
  if (at(TokenKind::Lt) && !cur().newline_before && !bailing()) parse_type_arguments();
}

void Parser::parse_primary_type() {
  if (bailing()) return;
  DepthGuard guard(*this);  // `typeof import`, parenthesised, object and tuple types nest here
  if (!guard.ok()) return;
  switch (kind()) {
    case TokenKind::Identifier:
      advance();
      parse_type_reference_tail();
      return;
    case TokenKind::KwVoid: case TokenKind::KwNull: case TokenKind::KwThis:
    case TokenKind::KwTrue: case TokenKind::KwFalse: case TokenKind::String:
    case TokenKind::Number: case TokenKind::NoSubstitutionTemplate:
      advance();
      return;
    case TokenKind::Minus:
      advance();
      if (!at(TokenKind::Number)) {
        error(pos(), "expected a number after '-' in type, found " + found());
        return;
      }
      advance();
      return;
    case TokenKind::KwTypeof:
      advance();
      if (at(TokenKind::KwImport)) {
        parse_primary_type();
        return;
      }
      if (!cur().is_identifier_name()) {
        error(pos(), "expected a name after 'typeof' in type, found " + found());
        return;
      }
      advance();
      parse_type_reference_tail();
      return;
    case TokenKind::KwImport:
      // import("module").Name<T>
      advance();
      if (!expect(TokenKind::LParen, "after 'import' in type")) return;
      if (!expect(TokenKind::String, "in import type")) return;
      if (!expect(TokenKind::RParen, "in import type")) return;
      parse_type_reference_tail();
      return;
    case TokenKind::TemplateHead: {
      // Template literal type `a${T}b`.
      advance();
      for (;;) {
        parse_type();
        if (bailing()) return;
        if (eat(TokenKind::TemplateTail)) return;
        if (!eat(TokenKind::TemplateMiddle)) {
          error(pos(), "expected '}' in template literal type, found " + found());
          return;
        }
      }
    }
    case TokenKind::LParen: {
      SourcePos open = pos();
      advance();
      bool saved = no_conditional_type_;
      no_conditional_type_ = false;
      parse_type();
      no_conditional_type_ = saved;
      expect_close(TokenKind::RParen, open, "parenthesized type");
      return;
    }
    case TokenKind::LBracket:
      parse_tuple_type();
      return;
    case TokenKind::LBrace:
      parse_object_type();
      return;
    case TokenKind::EndOfFile:
      error(pos(), "unexpected end of file: expected a type");
      return;
    default:
      error(pos(), "expected a type, found " + found());
      return;
  }
}

void Parser::parse_tuple_type() {
  SourcePos open = pos();
  advance();  // '['
  bool saved = no_conditional_type_;
  no_conditional_type_ = false;
  while (!at(TokenKind::RBracket) && !at(TokenKind::EndOfFile) && !bailing()) {
    eat(TokenKind::Ellipsis);
    // Named member `name: T` / `name?: T`.
    if (cur().is_identifier_name() &&
        (peek(1).kind == TokenKind::Colon ||
         (peek(1).kind == TokenKind::Question && peek(2).kind == TokenKind::Colon))) {
      advance();
      eat(TokenKind::Question);
      advance();  // ':'
    }
    parse_type();
    eat(TokenKind::Question);  // optional element T?
    if (at(TokenKind::RBracket) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      error(pos(), "expected ',' or ']' in tuple type, found " + found());
      break;
    }
  }
  no_conditional_type_ = saved;
  if (!bailing()) expect_close(TokenKind::RBracket, open, "tuple type");
}

void Parser::parse_object_type() {
  SourcePos open = pos();
  advance();  // '{'
  bool saved = no_conditional_type_;
  no_conditional_type_ = false;
  AllowInGuard in(*this, true);
  // Mapped type: { readonly [K in T as N]?: U }
  {
    size_t ahead = 0;
    if (peek(0).kind == TokenKind::Plus || peek(0).kind == TokenKind::Minus) ++ahead;
    if (peek(ahead).is_word("readonly")) ++ahead;
    if (peek(ahead).kind == TokenKind::LBracket && peek(ahead + 1).kind == TokenKind::Identifier &&
        peek(ahead + 2).kind == TokenKind::KwIn) {
      for (size_t i = 0; i < ahead; ++i) advance();
      advance();  // '['
      advance();  // K
      advance();  // in
      parse_type();
      if (eat_word("as")) parse_type();
      if (!expect(TokenKind::RBracket, "in mapped type")) {
        no_conditional_type_ = saved;
        return;
      }
      if (at(TokenKind::Plus) || at(TokenKind::Minus)) advance();
      eat(TokenKind::Question);
      if (eat(TokenKind::Colon)) parse_type();
      if (!eat(TokenKind::Semicolon)) eat(TokenKind::Comma);
      no_conditional_type_ = saved;
      if (!bailing()) expect_close(TokenKind::RBrace, open, "mapped type");
      return;
    }
  }
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
    size_t before = index_;
    if (at(TokenKind::LParen) || at(TokenKind::Lt)) {
      // Call signature.
      if (at(TokenKind::Lt)) parse_type_parameters();
      std::vector<Param> ignored;
      if (!at(TokenKind::LParen)) {
        error(pos(), "expected '(' in call signature, found " + found());
        break;
      }
      parse_params(ignored, FunctionKind::Arrow);
      if (eat(TokenKind::Colon)) parse_return_type();
    } else if (at(TokenKind::KwNew) &&
               (peek(1).kind == TokenKind::LParen || peek(1).kind == TokenKind::Lt)) {
      // Construct signature.
      advance();
      if (at(TokenKind::Lt)) parse_type_parameters();
      std::vector<Param> ignored;
      if (!at(TokenKind::LParen)) {
        error(pos(), "expected '(' in construct signature, found " + found());
        break;
      }
      parse_params(ignored, FunctionKind::Arrow);
      if (eat(TokenKind::Colon)) parse_return_type();
    } else {
      while ((at_word("readonly") || at_word("get") || at_word("set")) &&
             (starts_type_member_name(peek(1)) || peek(1).kind == TokenKind::LBracket) &&
             !peek(1).newline_before) {
        advance();
      }
      if (at(TokenKind::LBracket)) {
        // Index signature [k: K]: T, or a computed name [Symbol.iterator].
        advance();
        if (at(TokenKind::Identifier) && peek(1).kind == TokenKind::Colon) {
          advance();
          advance();
          parse_type();
        } else {
          parse_assignment();
        }
        if (!expect(TokenKind::RBracket, "in type member")) break;
      } else if (starts_type_member_name(cur())) {
        advance();
      } else {
        error(pos(), "expected a member in object type, found " + found());
        break;
      }
      eat(TokenKind::Question);
      if (at(TokenKind::LParen) || at(TokenKind::Lt)) {
        // Method signature.
        if (at(TokenKind::Lt)) parse_type_parameters();
        std::vector<Param> ignored;
        if (!at(TokenKind::LParen)) {
          error(pos(), "expected '(' in method signature, found " + found());
          break;
        }
        parse_params(ignored, FunctionKind::Arrow);
        if (eat(TokenKind::Colon)) parse_return_type();
      } else if (eat(TokenKind::Colon)) {
        parse_type();
      }
    }
    if (bailing()) break;
    if (eat(TokenKind::Semicolon) || eat(TokenKind::Comma)) continue;
    if (at(TokenKind::RBrace)) continue;
    if (cur().newline_before) {
      if (index_ == before) advance();
      continue;
    }
    error(pos(), "expected ';' or '}' after type member, found " + found());
    break;
  }
  no_conditional_type_ = saved;
  if (!bailing()) expect_close(TokenKind::RBrace, open, "object type");
}

void Parser::parse_type_parameters() {
  SourcePos open = pos();
  advance();  // '<'
  bool saved = no_conditional_type_;
  no_conditional_type_ = false;
  while (!bailing()) {
    while ((at_word("const") || at(TokenKind::KwConst) || at_word("in") || at(TokenKind::KwIn) ||
            at_word("out")) &&
           peek(1).kind == TokenKind::Identifier) {
      advance();
    }
    if (!at(TokenKind::Identifier)) {
      error(pos(), "expected a type parameter name, found " + found());
      break;
    }
    advance();
    if (eat(TokenKind::KwExtends)) parse_type();
    if (eat(TokenKind::Assign)) parse_type();
    if (!eat(TokenKind::Comma)) break;
    if (at(TokenKind::Gt)) break;  // trailing comma: <T,>
  }
  no_conditional_type_ = saved;
  if (bailing()) return;
  if (!eat_closing_angle()) {
    error(pos(), "expected '>' to close type parameters started at line " +
                     std::to_string(open.line) + ", found " + found());
  }
}

void Parser::parse_type_arguments() {
  SourcePos open = pos();
  // `a < b < c ...` tries type arguments at every '<'; remembering where a
  // speculative attempt failed keeps that linear instead of quadratic.
  size_t start_index = index_;
  if (speculating_ && !has_split_ && type_arguments_failed_.count(start_index)) {
    error(open, "not type arguments");
    return;
  }
  bool failed_before = spec_failed_;
  advance();  // '<'
  bool saved = no_conditional_type_;
  no_conditional_type_ = false;
  while (!bailing()) {
    parse_type();
    if (!eat(TokenKind::Comma)) break;
    if (at(TokenKind::Gt)) break;
  }
  no_conditional_type_ = saved;
  if (!bailing() && !eat_closing_angle()) {
    error(pos(), "expected '>' to close type arguments started at line " +
                     std::to_string(open.line) + ", found " + found());
  }
  if (speculating_ && !failed_before && spec_failed_) type_arguments_failed_.insert(start_index);
}

}  // namespace raya::vm::compiler::detail
