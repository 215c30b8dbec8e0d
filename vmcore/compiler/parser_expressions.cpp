// Expressions: precedence climbing for binary operators, the call/member
// chain (optional chaining, type arguments), and the places where
// TypeScript needs lookahead: arrow functions are recognised from the token
// after the matching ')' ('=>' for sure, ':' maybe: then a memoised
// speculative parse decides) and destructuring assignments from a '=' after
// the matching ']' or '}'. Literals live in parser_literals.cpp.
#include "vmcore/compiler/parser_detail.hpp"

namespace raya::vm::compiler::detail {

namespace {

int binary_precedence(TokenKind k) {
  switch (k) {
    case TokenKind::QuestionQuestion: return 1;
    case TokenKind::PipePipe: return 2;
    case TokenKind::AmpAmp: return 3;
    case TokenKind::Pipe: return 4;
    case TokenKind::Caret: return 5;
    case TokenKind::Amp: return 6;
    case TokenKind::EqEq: case TokenKind::NotEq: case TokenKind::EqEqEq: case TokenKind::NotEqEq:
      return 7;
    case TokenKind::Lt: case TokenKind::Gt: case TokenKind::LtEq: case TokenKind::GtEq:
    case TokenKind::KwInstanceof: case TokenKind::KwIn:
      return 8;
    case TokenKind::Shl: case TokenKind::Shr: case TokenKind::UShr: return 9;
    case TokenKind::Plus: case TokenKind::Minus: return 10;
    case TokenKind::Star: case TokenKind::Slash: case TokenKind::Percent: return 11;
    case TokenKind::StarStar: return 12;
    default: return 0;
  }
}
constexpr int kRelationalPrecedence = 8;  // where TypeScript's `as` binds

BinaryOp binary_op_of(TokenKind k) {
  switch (k) {
    case TokenKind::Plus: return BinaryOp::Add;
    case TokenKind::Minus: return BinaryOp::Sub;
    case TokenKind::Star: return BinaryOp::Mul;
    case TokenKind::Slash: return BinaryOp::Div;
    case TokenKind::Percent: return BinaryOp::Mod;
    case TokenKind::StarStar: return BinaryOp::Exp;
    case TokenKind::EqEq: return BinaryOp::Eq;
    case TokenKind::NotEq: return BinaryOp::NotEq;
    case TokenKind::EqEqEq: return BinaryOp::StrictEq;
    case TokenKind::NotEqEq: return BinaryOp::StrictNotEq;
    case TokenKind::Lt: return BinaryOp::Lt;
    case TokenKind::LtEq: return BinaryOp::LtEq;
    case TokenKind::Gt: return BinaryOp::Gt;
    case TokenKind::GtEq: return BinaryOp::GtEq;
    case TokenKind::Amp: return BinaryOp::BitAnd;
    case TokenKind::Pipe: return BinaryOp::BitOr;
    case TokenKind::Caret: return BinaryOp::BitXor;
    case TokenKind::Shl: return BinaryOp::Shl;
    case TokenKind::Shr: return BinaryOp::Shr;
    case TokenKind::UShr: return BinaryOp::UShr;
    case TokenKind::KwIn: return BinaryOp::In;
    default: return BinaryOp::Instanceof;
  }
}

bool assign_op_of(TokenKind k, AssignOp& op) {
  switch (k) {
    case TokenKind::Assign: op = AssignOp::Assign; return true;
    case TokenKind::PlusAssign: op = AssignOp::Add; return true;
    case TokenKind::MinusAssign: op = AssignOp::Sub; return true;
    case TokenKind::StarAssign: op = AssignOp::Mul; return true;
    case TokenKind::SlashAssign: op = AssignOp::Div; return true;
    case TokenKind::PercentAssign: op = AssignOp::Mod; return true;
    case TokenKind::StarStarAssign: op = AssignOp::Exp; return true;
    case TokenKind::ShlAssign: op = AssignOp::Shl; return true;
    case TokenKind::ShrAssign: op = AssignOp::Shr; return true;
    case TokenKind::UShrAssign: op = AssignOp::UShr; return true;
    case TokenKind::AmpAssign: op = AssignOp::BitAnd; return true;
    case TokenKind::PipeAssign: op = AssignOp::BitOr; return true;
    case TokenKind::CaretAssign: op = AssignOp::BitXor; return true;
    case TokenKind::AmpAmpAssign: op = AssignOp::And; return true;
    case TokenKind::PipePipeAssign: op = AssignOp::Or; return true;
    case TokenKind::QuestionQuestionAssign: op = AssignOp::Nullish; return true;
    default: return false;
  }
}

}  // namespace

ExprPtr Parser::error_expr(SourcePos at) {
  auto e = make_node<IdentifierExpr>(at);
  e->name = "<error>";
  return e;
}

bool Parser::can_start_expression(const Token& t) const {
  switch (t.kind) {
    case TokenKind::Identifier: case TokenKind::Number: case TokenKind::String:
    case TokenKind::NoSubstitutionTemplate: case TokenKind::TemplateHead:
    case TokenKind::KwThis: case TokenKind::KwSuper: case TokenKind::KwNew:
    case TokenKind::KwFunction: case TokenKind::KwClass: case TokenKind::KwTrue:
    case TokenKind::KwFalse: case TokenKind::KwNull: case TokenKind::KwTypeof:
    case TokenKind::KwVoid: case TokenKind::KwDelete: case TokenKind::LParen:
    case TokenKind::LBracket: case TokenKind::LBrace: case TokenKind::Plus:
    case TokenKind::Minus: case TokenKind::Bang: case TokenKind::Tilde:
    case TokenKind::PlusPlus: case TokenKind::MinusMinus: case TokenKind::Lt:
      return true;
    default:
      return false;
  }
}

bool Parser::is_simple_target(const Expr& e) const {
  if (e.kind == ExprKind::Identifier) return true;
  return e.kind == ExprKind::Member && !e.as<MemberExpr>().optional;
}

PatternPtr Parser::to_assignment_target(ExprPtr expr) {
  SourcePos at = expr ? expr->pos : pos();
  if (expr && expr->kind == ExprKind::Identifier) {
    auto p = make_node<IdentifierPattern>(at);
    p->name = std::move(expr->as<IdentifierExpr>().name);
    return p;
  }
  if (expr && expr->kind == ExprKind::Member && !expr->as<MemberExpr>().optional) {
    auto p = make_node<MemberPattern>(at);
    p->member.reset(static_cast<MemberExpr*>(expr.release()));
    return p;
  }
  report(at, "invalid assignment target");
  auto p = make_node<IdentifierPattern>(at);
  p->name = "<error>";
  return p;
}

ExprPtr Parser::parse_expression() {
  SourcePos start = pos();
  ExprPtr first = parse_assignment();
  if (!at(TokenKind::Comma) || bailing()) return first;
  auto seq = make_node<SequenceExpr>(start);
  seq->exprs.push_back(std::move(first));
  while (!bailing() && eat(TokenKind::Comma)) seq->exprs.push_back(parse_assignment());
  return seq;
}

ExprPtr Parser::parse_assignment() {
  DepthGuard guard(*this);
  if (!guard.ok()) return error_expr(pos());
  if (ExprPtr arrow = try_parse_arrow()) return arrow;
  SourcePos start = pos();
  if ((at(TokenKind::LBracket) || at(TokenKind::LBrace)) &&
      token_after_match().kind == TokenKind::Assign) {
    auto assign = make_node<AssignExpr>(start);
    assign->target = at(TokenKind::LBracket) ? parse_array_pattern(false) : parse_object_pattern(false);
    expect(TokenKind::Assign, "after destructuring pattern");
    assign->value = bailing() ? error_expr(pos()) : parse_assignment();
    return assign;
  }
  ExprPtr left = parse_conditional();
  AssignOp op;
  if (bailing() || !assign_op_of(kind(), op)) return left;
  advance();
  auto assign = make_node<AssignExpr>(start);
  assign->op = op;
  assign->target = to_assignment_target(std::move(left));
  assign->value = parse_assignment();
  return assign;
}

ExprPtr Parser::try_parse_arrow() {
  const Token& t = cur();
  auto after_parens = [&](size_t paren_index) {
    uint32_t m = paren_index < match_.size() ? match_[paren_index] : kNoMatch;
    if (m == kNoMatch || m + 1 >= tokens_.size()) return TokenKind::EndOfFile;
    return tokens_[m + 1].kind;
  };
  if (has_split_) return nullptr;
  if (t.kind == TokenKind::Identifier && peek(1).kind == TokenKind::Arrow) {
    return parse_arrow_speculatively(false);
  }
  if (t.is_word("async") && !peek(1).newline_before) {
    const Token& next = peek(1);
    if (next.kind == TokenKind::Identifier && peek(2).kind == TokenKind::Arrow) {
      return parse_arrow_speculatively(true);
    }
    if (next.kind == TokenKind::LParen) {
      TokenKind after = after_parens(index_ + 1);
      if (after == TokenKind::Arrow || after == TokenKind::Colon) return parse_arrow_speculatively(true);
    }
    if (next.kind == TokenKind::Lt) return parse_arrow_speculatively(true);
    return nullptr;
  }
  if (t.kind == TokenKind::LParen) {
    TokenKind after = after_parens(index_);
    if (after == TokenKind::Arrow || after == TokenKind::Colon) return parse_arrow_speculatively(false);
  }
  if (t.kind == TokenKind::Lt) return parse_arrow_speculatively(false);
  return nullptr;
}

// Parses an arrow function if one starts here, else returns null with the
// position unchanged. `x =>` and `(...) =>` are certain and parsed directly,
// so errors in their parameters are reported as such; `(...):` and `<T>`
// are tried speculatively, and the outcome is memoised per token so nested
// attempts cannot go exponential.
ExprPtr Parser::parse_arrow_speculatively(bool is_async) {
  SourcePos start = pos();
  size_t key = index_;
  size_t head = index_ + (is_async ? 1 : 0);
  bool definite = false;
  if (tokens_[head].kind == TokenKind::Identifier && peek(is_async ? 2 : 1).kind == TokenKind::Arrow) {
    definite = true;
  } else if (tokens_[head].kind == TokenKind::LParen && match_[head] != kNoMatch &&
             match_[head] + 1 < tokens_.size() &&
             tokens_[match_[head] + 1].kind == TokenKind::Arrow) {
    definite = true;
  }
  auto fn = std::make_unique<FunctionNode>();
  fn->pos = start;
  fn->kind = FunctionKind::Arrow;
  fn->is_async = is_async;
  auto parse_head = [&] {
    if (is_async) advance();
    return parse_arrow_head(*fn);
  };
  auto memo = arrow_memo_.find(key);
  if (definite || (memo != arrow_memo_.end() && memo->second)) {
    parse_head();
  } else {
    if (memo != arrow_memo_.end()) return nullptr;
    bool ok = speculate(parse_head);
    arrow_memo_[key] = ok;
    if (!ok) return nullptr;
  }
  return finish_arrow(std::move(fn));
}

bool Parser::parse_arrow_head(FunctionNode& fn) {
  if (at(TokenKind::Lt)) parse_type_parameters();
  if (at(TokenKind::Identifier) && peek(1).kind == TokenKind::Arrow) {
    Param p;
    p.pos = pos();
    auto target = make_node<IdentifierPattern>(pos());
    target->name = cur().text;
    p.target = std::move(target);
    fn.params.push_back(std::move(p));
    advance();
  } else {
    if (!at(TokenKind::LParen)) {
      error(pos(), "expected '(' to start arrow function parameters, found " + found());
      return false;
    }
    parse_params(fn.params, FunctionKind::Arrow);
    if (eat(TokenKind::Colon)) parse_return_type();
  }
  if (bailing()) return false;
  if (!at(TokenKind::Arrow)) {
    error(pos(), "expected '=>' after arrow function parameters, found " + found());
    return false;
  }
  if (cur().newline_before) {
    error(pos(), "a line break is not allowed before '=>'");
    return false;
  }
  advance();
  return true;
}

ExprPtr Parser::finish_arrow(std::unique_ptr<FunctionNode> fn) {
  if (!bailing()) parse_arrow_body(*fn);
  auto arrow = make_node<ArrowFunctionExpr>(fn->pos);
  arrow->function = std::move(fn);
  return arrow;
}

void Parser::parse_arrow_body(FunctionNode& fn) {
  if (at(TokenKind::LBrace)) {
    parse_function_body(fn);
    return;
  }
  bool saved_allow_in = allow_in_;  // a concise body keeps the surrounding [In] flag
  FunctionScopeGuard scope(*this);
  allow_in_ = saved_allow_in;
  fn.end_pos = pos();
  fn.expression_body = parse_assignment();
}

ExprPtr Parser::parse_conditional() {
  SourcePos start = pos();
  ExprPtr test = parse_binary(0);
  if (!at(TokenKind::Question) || bailing()) return test;
  advance();
  auto cond = make_node<ConditionalExpr>(start);
  cond->test = std::move(test);
  {
    AllowInGuard in(*this, true);
    cond->consequent = parse_assignment();
  }
  if (!bailing()) expect(TokenKind::Colon, "in conditional expression");
  cond->alternate = bailing() ? error_expr(pos()) : parse_assignment();
  return cond;
}

ExprPtr Parser::parse_binary(int min_precedence) {
  SourcePos start = pos();
  TokenKind first = kind();
  bool starts_with_unary = first == TokenKind::Minus || first == TokenKind::Plus ||
                           first == TokenKind::Bang || first == TokenKind::Tilde ||
                           first == TokenKind::KwTypeof || first == TokenKind::KwVoid ||
                           first == TokenKind::KwDelete ||
                           (at_word("await") && can_start_expression(peek(1)));
  ExprPtr left = parse_unary();
  int wraps = 0;
  while (!bailing()) {
    // TypeScript `x as T`, `x as const`, `x satisfies T`: parsed and dropped.
    if ((at_word("as") || at_word("satisfies")) && !cur().newline_before &&
        kRelationalPrecedence > min_precedence) {
      advance();
      if (!eat(TokenKind::KwConst)) parse_type();
      continue;
    }
    TokenKind op = kind();
    int precedence = binary_precedence(op);
    if (precedence == 0 || precedence <= min_precedence) break;
    if (op == TokenKind::KwIn && !allow_in_) break;
    SourcePos op_pos = pos();
    advance();
    ExprPtr right;
    if (op == TokenKind::StarStar) {
      if (starts_with_unary && wraps == 0) {
        report(op_pos, "a unary operator before '**' needs parentheses, e.g. (-x) ** 2");
      }
      DepthGuard guard(*this);  // '**' is right-associative: recursion per operator
      if (!guard.ok()) break;
      right = parse_binary(precedence - 1);
    } else {
      right = parse_binary(precedence);
    }
    if (op == TokenKind::AmpAmp || op == TokenKind::PipePipe || op == TokenKind::QuestionQuestion) {
      auto logical = make_node<LogicalExpr>(start);
      logical->op = op == TokenKind::AmpAmp ? LogicalOp::And
                    : op == TokenKind::PipePipe ? LogicalOp::Or
                                                : LogicalOp::Nullish;
      logical->left = std::move(left);
      logical->right = std::move(right);
      left = std::move(logical);
    } else {
      auto binary = make_node<BinaryExpr>(start);
      binary->op = binary_op_of(op);
      binary->left = std::move(left);
      binary->right = std::move(right);
      left = std::move(binary);
    }
    ++wraps;  // not nesting: later passes walk a chain's left spine iteratively (ast.hpp)
  }
  return left;
}

ExprPtr Parser::parse_unary() {
  SourcePos start = pos();
  UnaryOp op;
  switch (kind()) {
    case TokenKind::Minus: op = UnaryOp::Minus; break;
    case TokenKind::Plus: op = UnaryOp::Plus; break;
    case TokenKind::Bang: op = UnaryOp::Not; break;
    case TokenKind::Tilde: op = UnaryOp::BitNot; break;
    case TokenKind::KwTypeof: op = UnaryOp::Typeof; break;
    case TokenKind::KwVoid: op = UnaryOp::Void; break;
    case TokenKind::KwDelete: op = UnaryOp::Delete; break;
    case TokenKind::PlusPlus:
    case TokenKind::MinusMinus: {
      DepthGuard guard(*this);
      if (!guard.ok()) return error_expr(start);
      bool is_increment = at(TokenKind::PlusPlus);
      advance();
      auto update = make_node<UpdateExpr>(start);
      update->is_increment = is_increment;
      update->is_prefix = true;
      update->target = parse_unary();
      if (!bailing() && !is_simple_target(*update->target)) {
        report(update->target->pos, std::string("invalid operand for '") +
                                        (is_increment ? "++" : "--") + "'");
      }
      return update;
    }
    case TokenKind::Lt: {
      // Old-style type assertion `<T>expr` (a generic arrow was ruled out).
      DepthGuard guard(*this);
      if (!guard.ok()) return error_expr(start);
      advance();
      parse_type();
      if (!eat_closing_angle()) {
        error(pos(), "expected '>' after the type in a type assertion, found " + found());
        return error_expr(start);
      }
      return parse_unary();
    }
    case TokenKind::Identifier:
      if (at_word("await") && can_start_expression(peek(1))) {
        DepthGuard guard(*this);
        if (!guard.ok()) return error_expr(start);
        advance();
        auto await = make_node<AwaitExpr>(start);
        await->operand = parse_unary();
        return await;
      }
      return parse_postfix();
    default:
      return parse_postfix();
  }
  DepthGuard guard(*this);
  if (!guard.ok()) return error_expr(start);
  advance();
  auto unary = make_node<UnaryExpr>(start);
  unary->op = op;
  unary->operand = parse_unary();
  return unary;
}

ExprPtr Parser::parse_postfix() {
  SourcePos start = pos();
  ExprPtr expr = parse_lhs();
  // Restricted production: `a \n ++b` is `a; ++b`.
  if ((at(TokenKind::PlusPlus) || at(TokenKind::MinusMinus)) && !cur().newline_before && !bailing()) {
    bool is_increment = at(TokenKind::PlusPlus);
    if (!is_simple_target(*expr)) {
      report(pos(), std::string("invalid operand for '") + (is_increment ? "++" : "--") + "'");
    }
    advance();
    auto update = make_node<UpdateExpr>(start);
    update->is_increment = is_increment;
    update->is_prefix = false;
    update->target = std::move(expr);
    return update;
  }
  return expr;
}

ExprPtr Parser::parse_lhs() {
  SourcePos start = pos();
  ExprPtr expr = at(TokenKind::KwNew) ? parse_new() : parse_primary();
  return parse_call_tail(std::move(expr), start, true);
}

bool Parser::try_skip_call_type_arguments(bool for_new) {
  return speculate([&] {
    parse_type_arguments();
    if (spec_failed_) return false;
    if (at(TokenKind::LParen)) return true;
    // `new Map<string, number>` may end right there.
    return for_new && (!can_start_expression(cur()) || cur().newline_before);
  });
}

ExprPtr Parser::parse_call_tail(ExprPtr expr, SourcePos start, bool allow_calls) {
  bool in_optional_chain = false;
  for (;;) {
    if (bailing()) break;
    switch (kind()) {
      case TokenKind::Dot: {
        advance();
        auto member = make_node<MemberExpr>(start);
        member->object = std::move(expr);
        if (cur().is_identifier_name()) {
          member->property = cur().text;
          advance();
        } else if (at(TokenKind::PrivateName)) {
          error(pos(), "private names (#x) are not supported; use a normal property");
        } else {
          error(pos(), "expected property name after '.', found " + found());
        }
        expr = std::move(member);
        break;
      }
      case TokenKind::QuestionDot: {
        if (!allow_calls) {
          error(pos(), "optional chaining is not allowed in the callee of 'new'");
          break;
        }
        advance();
        in_optional_chain = true;
        if (at(TokenKind::Lt) && !try_skip_call_type_arguments(false)) {
          error(pos(), "expected '(' after type arguments, found " + found());
          break;
        }
        if (at(TokenKind::LParen)) {
          auto call = make_node<CallExpr>(start);
          call->callee = std::move(expr);
          call->optional = true;
          parse_arguments(call->args);
          expr = std::move(call);
        } else if (at(TokenKind::LBracket)) {
          advance();
          auto member = make_node<MemberExpr>(start);
          member->object = std::move(expr);
          member->optional = true;
          AllowInGuard in(*this, true);
          member->computed = parse_expression();
          expect(TokenKind::RBracket, "after computed property");
          expr = std::move(member);
        } else if (cur().is_identifier_name()) {
          auto member = make_node<MemberExpr>(start);
          member->object = std::move(expr);
          member->optional = true;
          member->property = cur().text;
          advance();
          expr = std::move(member);
        } else {
          error(pos(), "expected property name, '[' or '(' after '?.', found " + found());
        }
        break;
      }
      case TokenKind::LBracket: {
        advance();
        auto member = make_node<MemberExpr>(start);
        member->object = std::move(expr);
        AllowInGuard in(*this, true);
        member->computed = parse_expression();
        expect(TokenKind::RBracket, "after computed property");
        expr = std::move(member);
        break;
      }
      case TokenKind::LParen: {
        if (!allow_calls) goto done;
        auto call = make_node<CallExpr>(start);
        call->callee = std::move(expr);
        parse_arguments(call->args);
        expr = std::move(call);
        break;
      }
      case TokenKind::NoSubstitutionTemplate:
      case TokenKind::TemplateHead:
        error(pos(), "tagged templates are not supported");
        break;
      case TokenKind::Bang:
        // TypeScript non-null assertion `x!`.
        if (cur().newline_before) goto done;
        advance();
        break;
      case TokenKind::Lt:
        if (!allow_calls || !try_skip_call_type_arguments(false)) goto done;
        break;
      default:
        goto done;
    }
  }
done:
  if (in_optional_chain) {
    auto chain = make_node<OptionalChainExpr>(start);
    chain->expr = std::move(expr);
    return chain;
  }
  return expr;
}

ExprPtr Parser::parse_new() {
  SourcePos start = pos();
  DepthGuard guard(*this);
  if (!guard.ok()) return error_expr(start);
  advance();  // 'new'
  if (at(TokenKind::Dot)) {
    error(pos(), "new.target is not supported");
    return error_expr(start);
  }
  SourcePos callee_start = pos();
  ExprPtr callee = at(TokenKind::KwNew) ? parse_new() : parse_primary();
  callee = parse_call_tail(std::move(callee), callee_start, false);
  if (at(TokenKind::Lt)) try_skip_call_type_arguments(true);
  auto expr = make_node<NewExpr>(start);
  expr->callee = std::move(callee);
  if (at(TokenKind::LParen) && !bailing()) parse_arguments(expr->args);
  return expr;
}

void Parser::parse_arguments(std::vector<ExprPtr>& args) {
  SourcePos open = pos();
  advance();  // '('
  AllowInGuard in(*this, true);
  while (!at(TokenKind::RParen) && !at(TokenKind::EndOfFile) && !bailing()) {
    if (at(TokenKind::Ellipsis)) {
      auto spread = make_node<SpreadExpr>(pos());
      advance();
      spread->argument = parse_assignment();
      args.push_back(std::move(spread));
    } else {
      args.push_back(parse_assignment());
    }
    if (at(TokenKind::RParen) || bailing()) break;
    if (!eat(TokenKind::Comma)) {
      if (at(TokenKind::EndOfFile)) break;
      error(pos(), "expected ')' after arguments, found " + found());
      return;
    }
  }
  if (!bailing()) expect_close(TokenKind::RParen, open, "argument list");
}

}  // namespace raya::vm::compiler::detail
