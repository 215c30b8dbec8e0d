// Functions, parameters, classes and destructuring patterns.
//
// Patterns come in two flavours sharing one parser: binding patterns (let,
// const, parameters, catch) whose leaves are names, and assignment patterns
// (`[a, b.c] = ...`, `for ([k, v] of ...)`) whose leaves may also be member
// expressions.
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

namespace {

bool is_parameter_modifier(const Token& t) {
  return t.is_word("public") || t.is_word("private") || t.is_word("protected") ||
         t.is_word("readonly") || t.is_word("override");
}

bool is_class_modifier(const Token& t) {
  return t.is_word("public") || t.is_word("private") || t.is_word("protected") ||
         t.is_word("readonly") || t.is_word("abstract") || t.is_word("override") ||
         t.is_word("declare") || t.is_word("static") || t.is_word("accessor");
}

std::string key_function_name(const PropertyKey& key) {
  switch (key.kind) {
    case PropertyKeyKind::Identifier: return key.name;
    case PropertyKeyKind::String: return utf16_to_utf8(key.string_value);
    default: return {};
  }
}

bool key_is(const PropertyKey& key, std::string_view name) {
  return (key.kind == PropertyKeyKind::Identifier && key.name == name) ||
         (key.kind == PropertyKeyKind::String && utf16_to_utf8(key.string_value) == name);
}

}  // namespace

bool Parser::is_binding_identifier(const Token& t) const { return t.kind == TokenKind::Identifier; }

// ---------------------------------------------------------------------------
// Functions

std::unique_ptr<FunctionNode> Parser::parse_function_after_keyword(SourcePos start, bool is_async,
                                                                   bool name_required,
                                                                   bool body_optional,
                                                                   bool& has_body) {
  auto fn = std::make_unique<FunctionNode>();
  fn->pos = start;
  fn->kind = FunctionKind::Normal;
  fn->is_async = is_async;
  has_body = false;
  advance();  // 'function'
  if (at(TokenKind::Star)) {
    error(pos(), "generator functions are not supported");
    return fn;
  }
  if (is_binding_identifier(cur())) {
    fn->name = cur().text;
    advance();
  } else if (name_required) {
    error(pos(), "expected a function name after 'function', found " + found());
    return fn;
  }
  has_body = parse_function_rest(*fn, body_optional);
  return fn;
}

// Type parameters, parameters, return type and body. Returns false when
// there is no body (an overload signature or abstract/ambient declaration,
// allowed only when body_optional).
bool Parser::parse_function_rest(FunctionNode& fn, bool body_optional) {
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (!at(TokenKind::LParen)) {
    error(pos(), "expected '(' to start the parameter list, found " + found());
    return false;
  }
  parse_params(fn.params, fn.kind);
  if (!bailing() && eat(TokenKind::Colon)) parse_return_type();
  if (bailing()) return false;
  if (at(TokenKind::LBrace)) {
    parse_function_body(fn);
    return true;
  }
  if (body_optional || in_ambient_) {
    consume_semicolon("function signature");
    return false;
  }
  error(pos(), "expected '{' to start the function body, found " + found());
  return false;
}

void Parser::parse_function_body(FunctionNode& fn) {
  SourcePos open = pos();
  advance();  // '{'
  FunctionScopeGuard scope(*this);
  bool saved_ambient = in_ambient_;
  in_ambient_ = false;
  parse_statement_list(fn.body, open, "function body");
  in_ambient_ = saved_ambient;
  // The '}' was just consumed (or is missing); point at it for implicit returns.
  fn.end_pos = index_ > 0 ? tokens_[index_ - 1].pos : open;
}

void Parser::parse_params(std::vector<Param>& params, FunctionKind kind) {
  SourcePos open = pos();
  advance();  // '('
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RParen) && !at(TokenKind::EndOfFile) && !bailing()) {
    Param p;
    p.pos = pos();
    if (at(TokenKind::At)) {
      error(pos(), "decorators are not supported");
      return;
    }
    if (at(TokenKind::KwThis)) {
      // TypeScript `this: T` parameter: a type declaration only.
      advance();
      if (eat(TokenKind::Colon)) parse_type();
    } else {
      while (is_parameter_modifier(cur()) &&
             (peek(1).kind == TokenKind::Identifier || peek(1).kind == TokenKind::LBrace ||
              peek(1).kind == TokenKind::LBracket)) {
        p.is_parameter_property = true;
        advance();
      }
      if (p.is_parameter_property && kind != FunctionKind::Constructor) {
        report(p.pos, "parameter properties (public/private/readonly x) are only allowed in constructors");
      }
      if (eat(TokenKind::Ellipsis)) p.is_rest = true;
      p.target = parse_binding_pattern();
      if (p.is_parameter_property && p.target->kind != PatternKind::Identifier) {
        report(p.pos, "a parameter property must be a simple name");
      }
      if (eat(TokenKind::Question)) p.is_optional = true;
      if (eat(TokenKind::Colon)) parse_type();
      if (at(TokenKind::Assign)) {
        if (p.is_rest) report(pos(), "a rest parameter cannot have a default value");
        advance();
        p.default_value = parse_assignment();
      }
      bool is_rest = p.is_rest;
      params.push_back(std::move(p));
      if (is_rest && !at(TokenKind::RParen) && !bailing()) {
        report(pos(), "a rest parameter must be the last parameter");
      }
    }
    if (at(TokenKind::RParen) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ',' or ')' after parameter, found " + found());
      return;
    }
  }
  if (!bailing()) expect_close(TokenKind::RParen, open, "parameter list");
  if (kind == FunctionKind::Getter && !params.empty()) {
    report(open, "a getter takes no parameters");
  } else if (kind == FunctionKind::Setter && params.size() != 1) {
    report(open, "a setter takes exactly one parameter");
  }
}

std::unique_ptr<FunctionNode> Parser::parse_method(FunctionKind kind, bool is_async,
                                                   const PropertyKey& key, SourcePos start,
                                                   bool body_optional, bool& has_body) {
  auto fn = std::make_unique<FunctionNode>();
  fn->pos = start;
  fn->kind = kind;
  fn->is_async = is_async;
  fn->name = key_function_name(key);
  has_body = parse_function_rest(*fn, body_optional);
  return fn;
}

// ---------------------------------------------------------------------------
// Classes

std::unique_ptr<ClassNode> Parser::parse_class(SourcePos start, bool name_required) {
  auto klass = std::make_unique<ClassNode>();
  klass->pos = start;
  // `class extends class extends ...` nests through the extends clause.
  DepthGuard guard(*this);
  if (!guard.ok()) return klass;
  advance();  // 'class'
  if (is_binding_identifier(cur()) && !at_word("implements")) {
    klass->name = cur().text;
    advance();
  } else if (name_required) {
    error(pos(), "expected a class name after 'class', found " + found());
    return klass;
  }
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (eat(TokenKind::KwExtends)) {
    klass->super_class = parse_lhs();
    if (at(TokenKind::Lt)) parse_type_arguments();
  }
  if (eat_word("implements")) {
    do {
      parse_type();
    } while (!bailing() && eat(TokenKind::Comma));
  }
  if (bailing()) return klass;
  SourcePos open = pos();
  if (!expect(TokenKind::LBrace, "to start the class body")) return klass;
  FunctionScopeGuard scope(*this);
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile)) {
    if (bailing()) {
      if (speculating_ || sink_.is_full()) break;
      synchronize_class_member();
      continue;
    }
    if (eat(TokenKind::Semicolon)) continue;
    size_t before = index_;
    parse_class_member(*klass);
    if (index_ == before && !bailing()) {
      error(pos(), "unexpected " + found() + " in class body");
    }
  }
  if (!bailing()) expect_close(TokenKind::RBrace, open, "class body");
  return klass;
}

void Parser::parse_class_member(ClassNode& klass) {
  SourcePos start = pos();
  if (at(TokenKind::At)) {
    error(pos(), "decorators are not supported");
    return;
  }
  bool is_static = false;
  bool is_abstract = false;  // abstract or declare: no run-time member
  while (is_class_modifier(cur()) && !peek(1).newline_before &&
         (is_property_name_start(peek(1)) || peek(1).kind == TokenKind::Star ||
          peek(1).kind == TokenKind::LBrace)) {
    if (at_word("static")) {
      if (peek(1).kind == TokenKind::LBrace) {
        error(pos(), "static initialization blocks are not supported");
        return;
      }
      is_static = true;
    } else if (at_word("abstract") || at_word("declare")) {
      is_abstract = true;
    }
    advance();
  }
  // Index signature `[key: string]: T;`.
  if (at(TokenKind::LBracket) && peek(1).kind == TokenKind::Identifier &&
      peek(2).kind == TokenKind::Colon) {
    advance();
    advance();
    advance();
    parse_type();
    expect(TokenKind::RBracket, "after index signature parameter");
    if (eat(TokenKind::Colon)) parse_type();
    if (!bailing()) consume_semicolon("index signature");
    return;
  }
  ClassMember member;
  member.pos = start;
  member.is_static = is_static;
  member.kind = ClassMemberKind::Method;
  bool is_async = false;
  const Token& next = peek(1);
  if ((at_word("get") || at_word("set")) && is_property_name_start(next) && !next.newline_before) {
    member.kind = at_word("get") ? ClassMemberKind::Getter : ClassMemberKind::Setter;
    advance();
  } else if (at_word("async") && (is_property_name_start(next) || next.kind == TokenKind::Star) &&
             !next.newline_before) {
    is_async = true;
    SourcePos async_pos = pos();
    advance();
    if ((at_word("get") || at_word("set")) && is_property_name_start(peek(1)) && !peek(1).newline_before) {
      report(async_pos, "'async' modifier cannot be used here");
      member.kind = at_word("get") ? ClassMemberKind::Getter : ClassMemberKind::Setter;
      is_async = false;
      advance();
    }
  }
  if (at(TokenKind::Star)) {
    error(pos(), "generator methods are not supported");
    return;
  }
  if (!parse_property_key(member.key)) return;
  if (at(TokenKind::Question) || at(TokenKind::Bang)) advance();  // optional / definite marks
  bool is_method = member.kind != ClassMemberKind::Method || at(TokenKind::LParen) ||
                   at(TokenKind::Lt);
  if (is_method) {
    FunctionKind fk = member.kind == ClassMemberKind::Getter   ? FunctionKind::Getter
                      : member.kind == ClassMemberKind::Setter ? FunctionKind::Setter
                                                               : FunctionKind::Method;
    if (member.kind == ClassMemberKind::Method && !is_static && key_is(member.key, "constructor")) {
      member.kind = ClassMemberKind::Constructor;
      fk = FunctionKind::Constructor;
      if (is_async) report(start, "'async' modifier cannot appear on a constructor declaration");
    }
    bool has_body = false;
    member.function = parse_method(fk, is_async, member.key, start, true, has_body);
    if (has_body && is_abstract) report(start, "an abstract method cannot have a body");
    if (!has_body || is_abstract) return;  // overload signature or abstract member
    klass.members.push_back(std::move(member));
    return;
  }
  if (is_async) {
    error(pos(), "expected '(' after async method name, found " + found());
    return;
  }
  member.kind = ClassMemberKind::Field;
  if (key_is(member.key, "constructor")) report(member.key.pos, "a class field cannot be named 'constructor'");
  if (eat(TokenKind::Colon)) parse_type();
  if (eat(TokenKind::Assign)) {
    // An initializer runs like a method body: `this` is the instance.
    FunctionScopeGuard scope(*this);
    member.value = parse_assignment();
  }
  if (bailing()) return;
  consume_semicolon("class field");
  if (!is_abstract) klass.members.push_back(std::move(member));
}

// ---------------------------------------------------------------------------
// Patterns

PatternPtr Parser::parse_binding_pattern() {
  DepthGuard guard(*this);
  SourcePos start = pos();
  if (guard.ok()) {
    if (at(TokenKind::LBracket)) return parse_array_pattern(true);
    if (at(TokenKind::LBrace)) return parse_object_pattern(true);
    if (is_binding_identifier(cur())) {
      auto p = make_node<IdentifierPattern>(start);
      p->name = cur().text;
      advance();
      return p;
    }
    if (cur().is_keyword()) {
      error(start, "'" + cur().text + "' is a reserved word and cannot be used as a name");
    } else {
      error(start, "expected a name or a destructuring pattern, found " + found());
    }
  }
  auto p = make_node<IdentifierPattern>(start);
  p->name = "<error>";
  return p;
}

// One leaf or nested pattern inside an array/object pattern.
PatternPtr Parser::parse_pattern_element(bool binding) {
  if (binding) return parse_binding_pattern();
  DepthGuard guard(*this);
  SourcePos start = pos();
  if (!guard.ok()) {
    auto p = make_node<IdentifierPattern>(start);
    p->name = "<error>";
    return p;
  }
  if (at(TokenKind::LBracket) || at(TokenKind::LBrace)) {
    // Nested pattern, unless it is the start of a member target like `[a][0]`.
    TokenKind after = token_after_match().kind;
    if (after == TokenKind::Comma || after == TokenKind::RBracket || after == TokenKind::RBrace ||
        after == TokenKind::Assign || after == TokenKind::EndOfFile) {
      return at(TokenKind::LBracket) ? parse_array_pattern(false) : parse_object_pattern(false);
    }
  }
  return to_assignment_target(parse_lhs());
}

PatternPtr Parser::parse_array_pattern(bool binding) {
  SourcePos open = pos();
  auto pattern = make_node<ArrayPattern>(open);
  advance();  // '['
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RBracket) && !at(TokenKind::EndOfFile) && !bailing()) {
    if (at(TokenKind::Comma)) {
      ArrayPatternElement hole;
      hole.pos = pos();
      pattern->elements.push_back(std::move(hole));
      advance();
      continue;
    }
    if (eat(TokenKind::Ellipsis)) {
      pattern->rest = parse_pattern_element(binding);
      if (at(TokenKind::Assign)) report(pos(), "a rest element cannot have a default value");
      if (at(TokenKind::Comma)) report(pos(), "a rest element must be last in an array pattern");
      break;
    }
    ArrayPatternElement element;
    element.pos = pos();
    element.target = parse_pattern_element(binding);
    if (eat(TokenKind::Assign)) element.default_value = parse_assignment();
    pattern->elements.push_back(std::move(element));
    if (at(TokenKind::RBracket) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ',' or ']' in array pattern, found " + found());
      return pattern;
    }
  }
  if (!bailing()) expect_close(TokenKind::RBracket, open, "array pattern");
  return pattern;
}

PatternPtr Parser::parse_object_pattern(bool binding) {
  SourcePos open = pos();
  auto pattern = make_node<ObjectPattern>(open);
  advance();  // '{'
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !bailing()) {
    if (eat(TokenKind::Ellipsis)) {
      SourcePos rest_pos = pos();
      pattern->rest = parse_pattern_element(binding);
      if (!bailing() && pattern->rest->kind != PatternKind::Identifier &&
          pattern->rest->kind != PatternKind::Member) {
        report(rest_pos, "the rest element of an object pattern must be a name");
      }
      if (at(TokenKind::Comma)) report(pos(), "a rest element must be last in an object pattern");
      break;
    }
    ObjectPatternProperty prop;
    prop.pos = pos();
    bool key_is_identifier = at(TokenKind::Identifier);
    if (!parse_property_key(prop.key)) break;
    if (eat(TokenKind::Colon)) {
      prop.target = parse_pattern_element(binding);
    } else if (key_is_identifier) {
      prop.shorthand = true;
      auto target = make_node<IdentifierPattern>(prop.key.pos);
      target->name = prop.key.name;
      prop.target = std::move(target);
    } else {
      error(pos(), "expected ':' after property name in object pattern, found " + found());
      break;
    }
    if (eat(TokenKind::Assign)) prop.default_value = parse_assignment();
    pattern->properties.push_back(std::move(prop));
    if (at(TokenKind::RBrace) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ',' or '}' in object pattern, found " + found());
      return pattern;
    }
  }
  if (!bailing()) expect_close(TokenKind::RBrace, open, "object pattern");
  return pattern;
}

}  // namespace raya::vm::compiler::detail
