#include "vmcore/compiler/codegen_util.hpp"

#include <cmath>

namespace raya::vm::compiler {

bool has_assignment(const Expr& top) {
  // Down a flat chain's spine in a loop (chains are not depth-bounded).
  const Expr* link = &top;
  while (const Expr* next = chain_spine(*link)) {
    switch (link->kind) {
      case ExprKind::Binary:
        if (has_assignment(*link->as<BinaryExpr>().right)) return true;
        break;
      case ExprKind::Logical:
        if (has_assignment(*link->as<LogicalExpr>().right)) return true;
        break;
      case ExprKind::Call:
        for (const auto& a : link->as<CallExpr>().args)
          if (has_assignment(*a)) return true;
        break;
      case ExprKind::Member:
        if (link->as<MemberExpr>().computed && has_assignment(*link->as<MemberExpr>().computed)) return true;
        break;
      default: break;
    }
    link = next;
  }
  const Expr& e = *link;
  switch (e.kind) {
    case ExprKind::Assign:
    case ExprKind::Update:
      return true;
    case ExprKind::Binary:
      return has_assignment(*e.as<BinaryExpr>().left) || has_assignment(*e.as<BinaryExpr>().right);
    case ExprKind::Logical:
      return has_assignment(*e.as<LogicalExpr>().left) || has_assignment(*e.as<LogicalExpr>().right);
    case ExprKind::Unary:
      return has_assignment(*e.as<UnaryExpr>().operand);
    case ExprKind::Conditional: {
      const auto& c = e.as<ConditionalExpr>();
      return has_assignment(*c.test) || has_assignment(*c.consequent) || has_assignment(*c.alternate);
    }
    case ExprKind::Call: {
      const auto& c = e.as<CallExpr>();
      if (has_assignment(*c.callee)) return true;
      for (const auto& a : c.args)
        if (has_assignment(*a)) return true;
      return false;
    }
    case ExprKind::Member: {
      const auto& m = e.as<MemberExpr>();
      return has_assignment(*m.object) || (m.computed && has_assignment(*m.computed));
    }
    case ExprKind::Sequence:
      for (const auto& x : e.as<SequenceExpr>().exprs)
        if (has_assignment(*x)) return true;
      return false;
    case ExprKind::Template:
      for (const auto& x : e.as<TemplateExpr>().exprs)
        if (has_assignment(*x)) return true;
      return false;
    case ExprKind::Array:
      for (const auto& x : e.as<ArrayExpr>().elements)
        if (has_assignment(*x)) return true;
      return false;
    case ExprKind::Object:
    case ExprKind::OptionalChain:
    case ExprKind::New:
    case ExprKind::Spread:
    case ExprKind::Await:
      return true;  // conservative
    default:
      return false;
  }
}

bool writes_dest_last(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number:
    case ExprKind::String:
    case ExprKind::Bool:
    case ExprKind::Null:
    case ExprKind::Identifier:
    case ExprKind::This:
    case ExprKind::Binary:
    case ExprKind::Unary:
    case ExprKind::Call:
    case ExprKind::New:
    case ExprKind::Member:
    case ExprKind::Function:
    case ExprKind::Arrow:
      return true;
    default:
      return false;
  }
}

bool is_small_int(const Expr& e, int32_t& out) {
  if (e.kind != ExprKind::Number) return false;
  double d = e.as<NumberExpr>().value;
  if (d >= -32767 && d <= 32767 && d == std::floor(d) && !(d == 0 && std::signbit(d))) {
    out = int32_t(d);
    return true;
  }
  return false;
}

std::string anonymous_function_name(const Expr& value) {
  if (value.kind == ExprKind::Arrow) return value.as<ArrowFunctionExpr>().function->name;
  if (value.kind == ExprKind::Function) return value.as<FunctionExpr>().function->name;
  return "x";
}


}  // namespace raya::vm::compiler
