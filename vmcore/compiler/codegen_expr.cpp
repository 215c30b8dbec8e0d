// Expressions: operators, calls (method calls use CallMethod with an inline
// cache), member access, optional chains, literals and assignments.
#include <algorithm>
#include <cmath>

#include "vmcore/compiler/codegen.hpp"
#include "vmcore/compiler/codegen_util.hpp"
#include "vmcore/value/unicode.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm::compiler {


bool CodeGen::is_temporary(uint16_t reg) const {
  for (size_t i = fs_->scopes.size(); i-- > 0;) {
    const auto& vars = fs_->scopes[i].vars;
    if (!vars.empty()) return reg > vars.back().reg && reg >= fs_->scopes.back().reg_base;
  }
  return reg >= (fs_->scopes.empty() ? 1 : fs_->scopes.back().reg_base);
}

uint16_t CodeGen::call_window(uint16_t dest, uint16_t size, SourcePos pos) {
  // A call whose result goes to the topmost temporary can use that register
  // as its window start: the result then lands in place, with no Mov.
  if (dest + 1 == fs_->next_reg && is_temporary(dest)) {
    alloc_regs(uint16_t(size - 1), pos);
    return dest;
  }
  return alloc_regs(size, pos);
}

uint16_t CodeGen::expr_any(const Expr& e) {
  if (e.kind == ExprKind::Identifier) {
    const std::string& name = e.as<IdentifierExpr>().name;
    Binding b = resolve(name, e.pos);
    if (b.kind == Binding::Kind::Local && !b.maybe_uninitialized) return uint16_t(b.index);
    uint16_t r = alloc_reg(e.pos);
    load_binding(b, r, name, e.pos);
    return r;
  }
  if (e.kind == ExprKind::This && !fs_->has_super_flag) {
    Binding b = resolve("this", e.pos);
    if (b.kind == Binding::Kind::Local) return uint16_t(b.index);
  }
  uint16_t r = alloc_reg(e.pos);
  expr_to(e, r);
  return r;
}

void CodeGen::expr_discard(const Expr& e) {
  uint16_t level = fs_->next_reg;
  switch (e.kind) {
    case ExprKind::Assign:
      assign(e.as<AssignExpr>(), 0, false);
      break;
    case ExprKind::Update:
      update(e.as<UpdateExpr>(), 0, false);
      break;
    default: {
      uint16_t r = alloc_reg(e.pos);
      expr_to(e, r);
      break;
    }
  }
  free_regs_to(level);
}

void CodeGen::expr_to(const Expr& e, uint16_t dest) {
  if (budget_ != nullptr && budget_->stopped()) return;
  uint16_t level = fs_->next_reg;
  switch (e.kind) {
    case ExprKind::Number:
      load_int(dest, e.as<NumberExpr>().value);
      break;
    case ExprKind::String:
      load_constant(dest, constant_string(e.as<StringExpr>().value));
      break;
    case ExprKind::Template:
      template_literal(e.as<TemplateExpr>(), dest);
      break;
    case ExprKind::Bool:
      emit(e.as<BoolExpr>().value ? Opcode::LoadTrue : Opcode::LoadFalse, dest);
      break;
    case ExprKind::Null:
      emit(Opcode::LoadNull, dest);
      break;
    case ExprKind::Identifier: {
      const std::string& name = e.as<IdentifierExpr>().name;
      mark_line(e.pos);
      load_binding(resolve(name, e.pos), dest, name, e.pos);
      break;
    }
    case ExprKind::This:
      load_this(dest, e.pos);
      break;
    case ExprKind::Super:
      error(e.pos, "'super' must be followed by a call or a property access");
      break;
    case ExprKind::Array:
      array_literal(e.as<ArrayExpr>(), dest);
      break;
    case ExprKind::Object:
      object_literal(e.as<ObjectExpr>(), dest);
      break;
    case ExprKind::Function: {
      const FunctionNode& fn = *e.as<FunctionExpr>().function;
      if (!fn.name.empty() && is_captured(fn.name)) {
        // A named function expression sees its own name: bind it in a cell
        // of a tiny scope around the closure.
        push_scope();
        LocalVar& self = declare_local(fn.name, true, false, e.pos);
        uint16_t cell = self.reg;
        uint16_t tmp = alloc_reg(e.pos);
        emit(Opcode::LoadEmpty, tmp);
        emit(Opcode::NewCell, cell, tmp);
        fs_->scopes.back().vars.back().initialized = true;
        emit_closure(fn, tmp);
        emit(Opcode::SetCell, cell, tmp);
        emit(Opcode::Mov, dest, tmp);
        pop_scope();
      } else {
        emit_closure(fn, dest);
      }
      break;
    }
    case ExprKind::Arrow:
      emit_closure(*e.as<ArrowFunctionExpr>().function, dest);
      break;
    case ExprKind::Class:
      compile_class(*e.as<ClassExpr>().klass, dest);
      break;
    case ExprKind::Unary:
      unary(e.as<UnaryExpr>(), dest);
      break;
    case ExprKind::Update:
      update(e.as<UpdateExpr>(), dest, true);
      break;
    case ExprKind::Binary:
      binary(e.as<BinaryExpr>(), dest);
      break;
    case ExprKind::Logical:
      logical(e.as<LogicalExpr>(), dest);
      break;
    case ExprKind::Assign:
      assign(e.as<AssignExpr>(), dest, true);
      break;
    case ExprKind::Conditional: {
      const auto& c = e.as<ConditionalExpr>();
      std::vector<size_t> to_else;
      branch_if_false(*c.test, to_else);
      expr_to(*c.consequent, dest);
      size_t to_end = emit_jump(Opcode::Jmp);
      for (size_t j : to_else) patch_to_here(j);
      expr_to(*c.alternate, dest);
      patch_to_here(to_end);
      break;
    }
    case ExprKind::Call:
      call(e.as<CallExpr>(), dest, nullptr);
      break;
    case ExprKind::New:
      new_expr(e.as<NewExpr>(), dest);
      break;
    case ExprKind::Member:
      member(e.as<MemberExpr>(), dest, nullptr);
      break;
    case ExprKind::OptionalChain: {
      std::vector<size_t> exits;
      chain(*e.as<OptionalChainExpr>().expr, dest, &exits);
      if (!exits.empty()) {
        size_t to_end = emit_jump(Opcode::Jmp);
        for (size_t x : exits) patch_to_here(x);
        emit(Opcode::LoadUndef, dest);
        patch_to_here(to_end);
      }
      break;
    }
    case ExprKind::Await: {
      // Allowed in async functions and in a file's top-level code (which
      // runs as a task too); not in nested plain functions or arrows.
      bool allowed = fs_->is_file_top || (fs_->node != nullptr && fs_->node->is_async);
      if (!allowed) {
        error(e.pos, "'await' expressions are only allowed within async functions and at the top levels of modules");
        break;
      }
      uint16_t operand = expr_any(*e.as<AwaitExpr>().operand);
      emit(Opcode::Await, dest, operand);
      break;
    }
    case ExprKind::Sequence: {
      const auto& seq = e.as<SequenceExpr>();
      for (size_t i = 0; i + 1 < seq.exprs.size(); ++i) expr_discard(*seq.exprs[i]);
      expr_to(*seq.exprs.back(), dest);
      break;
    }
    case ExprKind::Spread:
      error(e.pos, "spread ('...') is only allowed in array literals, calls and object literals");
      break;
  }
  free_regs_to(level);
}

void CodeGen::chain(const Expr& e, uint16_t dest, std::vector<size_t>* chain_exits) {
  if (e.kind == ExprKind::Member) {
    member(e.as<MemberExpr>(), dest, chain_exits);
  } else if (e.kind == ExprKind::Call) {
    call(e.as<CallExpr>(), dest, chain_exits);
  } else {
    expr_to(e, dest);
  }
}

void CodeGen::unary(const UnaryExpr& e, uint16_t dest) {
  switch (e.op) {
    case UnaryOp::Minus: {
      if (e.operand->kind == ExprKind::Number) {
        load_int(dest, -e.operand->as<NumberExpr>().value);
        return;
      }
      uint16_t r = expr_any(*e.operand);
      emit(Opcode::Neg, dest, r);
      return;
    }
    case UnaryOp::Plus: emit(Opcode::Plus, dest, expr_any(*e.operand)); return;
    case UnaryOp::Not: emit(Opcode::Not, dest, expr_any(*e.operand)); return;
    case UnaryOp::BitNot: emit(Opcode::BitNot, dest, expr_any(*e.operand)); return;
    case UnaryOp::Typeof: {
      if (e.operand->kind == ExprKind::Identifier) {
        const std::string& name = e.operand->as<IdentifierExpr>().name;
        Binding b = resolve_in(fs_, name);
        bool known = b.kind != Binding::Kind::Missing || file_->top.count(name) || name == "undefined" ||
                     std::find(builtin_names_.begin(), builtin_names_.end(), name) != builtin_names_.end();
        if (!known) {
          load_constant(dest, constant_string(u"undefined"));
          return;
        }
      }
      emit(Opcode::Typeof, dest, expr_any(*e.operand));
      return;
    }
    case UnaryOp::Void:
      expr_discard(*e.operand);
      emit(Opcode::LoadUndef, dest);
      return;
    case UnaryOp::Delete:
      error(e.pos, "the 'delete' operator is not supported in Raya; use a Map for dynamic keys");
      return;
  }
}

// A left-deep chain `a + b - c ...` is compiled in a loop down its spine
// (ast.hpp: chains are not depth-bounded): the innermost link as usual, then
// each outer link applied to the running value in one temporary.
void CodeGen::binary(const BinaryExpr& e, uint16_t dest) {
  if (e.left->kind == ExprKind::Binary) {
    std::vector<const BinaryExpr*> links;  // outermost first
    for (const Expr* at = &e; at->kind == ExprKind::Binary; at = at->as<BinaryExpr>().left.get())
      links.push_back(&at->as<BinaryExpr>());
    uint16_t level = fs_->next_reg;
    uint16_t acc = alloc_reg(e.pos);
    const BinaryExpr& innermost = *links.back();
    binary_with_left(innermost, binary_left(innermost), acc);
    for (size_t i = links.size() - 1; i-- > 0;) {
      uint16_t inner = fs_->next_reg;
      binary_with_left(*links[i], acc, i == 0 ? dest : acc);
      free_regs_to(inner);
    }
    free_regs_to(level);
    return;
  }
  binary_with_left(e, binary_left(e), dest);
}

// The register holding a binary's left operand: a copy when the right
// operand may assign the variable the left one reads.
uint16_t CodeGen::binary_left(const BinaryExpr& e) {
  if (has_assignment(*e.right)) {
    uint16_t l = alloc_reg(e.pos);
    expr_to(*e.left, l);
    return l;
  }
  return expr_any(*e.left);
}

void CodeGen::binary_with_left(const BinaryExpr& e, uint16_t l, uint16_t dest) {
  int32_t imm = 0;
  if ((e.op == BinaryOp::Add || e.op == BinaryOp::Sub) && is_small_int(*e.right, imm)) {
    mark_line(e.pos);
    emit(Opcode::AddI, dest, l, uint16_t(int16_t(e.op == BinaryOp::Add ? imm : -imm)));
    return;
  }
  // A number literal on the right uses the constant form of the operator.
  if (e.right->kind == ExprKind::Number) {
    Opcode kop = Opcode::Nop;
    switch (e.op) {
      case BinaryOp::Add: kop = Opcode::AddK; break;
      case BinaryOp::Sub: kop = Opcode::SubK; break;
      case BinaryOp::Mul: kop = Opcode::MulK; break;
      case BinaryOp::Div: kop = Opcode::DivK; break;
      case BinaryOp::Mod: kop = Opcode::ModK; break;
      case BinaryOp::BitAnd: kop = Opcode::BitAndK; break;
      case BinaryOp::BitOr: kop = Opcode::BitOrK; break;
      case BinaryOp::BitXor: kop = Opcode::BitXorK; break;
      case BinaryOp::Shl: kop = Opcode::ShlK; break;
      case BinaryOp::Shr: kop = Opcode::ShrK; break;
      case BinaryOp::UShr: kop = Opcode::UShrK; break;
      default: break;
    }
    // (The K forms hold a 16-bit constant index; past that, the plain form.)
    uint32_t k = kop != Opcode::Nop ? constant_number(e.right->as<NumberExpr>().value) : 0;
    if (kop != Opcode::Nop && k <= 0xFFFF) {
      mark_line(e.pos);
      emit(kop, dest, l, uint16_t(k));
      return;
    }
  }
  uint16_t r = expr_any(*e.right);
  mark_line(e.pos);
  switch (e.op) {
    case BinaryOp::Add: emit(Opcode::Add, dest, l, r); return;
    case BinaryOp::Sub: emit(Opcode::Sub, dest, l, r); return;
    case BinaryOp::Mul: emit(Opcode::Mul, dest, l, r); return;
    case BinaryOp::Div: emit(Opcode::Div, dest, l, r); return;
    case BinaryOp::Mod: emit(Opcode::Mod, dest, l, r); return;
    case BinaryOp::Exp: emit(Opcode::Pow, dest, l, r); return;
    case BinaryOp::Eq:
    case BinaryOp::StrictEq: emit(Opcode::Eq, dest, l, r); return;
    case BinaryOp::NotEq:
    case BinaryOp::StrictNotEq: emit(Opcode::Ne, dest, l, r); return;
    case BinaryOp::Lt: emit(Opcode::Lt, dest, l, r); return;
    case BinaryOp::LtEq: emit(Opcode::Le, dest, l, r); return;
    case BinaryOp::Gt: emit(Opcode::Lt, dest, r, l); return;
    case BinaryOp::GtEq: emit(Opcode::Le, dest, r, l); return;
    case BinaryOp::BitAnd: emit(Opcode::BitAnd, dest, l, r); return;
    case BinaryOp::BitOr: emit(Opcode::BitOr, dest, l, r); return;
    case BinaryOp::BitXor: emit(Opcode::BitXor, dest, l, r); return;
    case BinaryOp::Shl: emit(Opcode::Shl, dest, l, r); return;
    case BinaryOp::Shr: emit(Opcode::Shr, dest, l, r); return;
    case BinaryOp::UShr: emit(Opcode::UShr, dest, l, r); return;
    case BinaryOp::In: emit(Opcode::In, dest, l, r); return;
    case BinaryOp::Instanceof: emit(Opcode::InstanceOf, dest, l, r); return;
  }
}

// `a && b || c ...` left-deep: the same code recursion would emit, in a loop.
void CodeGen::logical(const LogicalExpr& e, uint16_t dest) {
  std::vector<const LogicalExpr*> links;  // outermost first
  const Expr* at = &e;
  for (; at->kind == ExprKind::Logical; at = at->as<LogicalExpr>().left.get())
    links.push_back(&at->as<LogicalExpr>());
  expr_to(*at, dest);
  for (size_t i = links.size(); i-- > 0;) {
    const LogicalExpr& link = *links[i];
    Opcode skip = link.op == LogicalOp::And ? Opcode::JmpIfNot
                  : link.op == LogicalOp::Or ? Opcode::JmpIf
                                             : Opcode::JmpIfNotNullish;
    size_t j = emit_jump(skip, dest);
    expr_to(*link.right, dest);
    patch_to_here(j);
  }
}

void CodeGen::template_literal(const TemplateExpr& e, uint16_t dest) {
  uint16_t level = fs_->next_reg;
  uint16_t acc = alloc_reg(e.pos);
  uint16_t part = alloc_reg(e.pos);
  load_constant(acc, constant_string(e.quasis[0]));
  for (size_t i = 0; i < e.exprs.size(); ++i) {
    uint16_t inner = fs_->next_reg;
    uint16_t v = expr_any(*e.exprs[i]);
    emit(Opcode::ToString, part, v);
    free_regs_to(inner);
    emit(Opcode::Add, acc, acc, part);
    if (!e.quasis[i + 1].empty()) {
      load_constant(part, constant_string(e.quasis[i + 1]));
      emit(Opcode::Add, acc, acc, part);
    }
  }
  emit(Opcode::Mov, dest, acc);
  free_regs_to(level);
}

// Literals are built straight in dest: callers only pass a dest that the
// literal's own elements cannot read (a temporary, or a variable still in its
// temporal dead zone; assignments to live variables go through a temporary).
void CodeGen::array_literal(const ArrayExpr& e, uint16_t dest) {
  uint16_t level = fs_->next_reg;
  uint16_t arr = dest;
  emit(Opcode::NewArray, arr, uint16_t(std::min<size_t>(e.elements.size(), 65535)));
  for (const ExprPtr& el : e.elements) {
    uint16_t inner = fs_->next_reg;
    if (el->kind == ExprKind::Spread) {
      uint16_t r = expr_any(*el->as<SpreadExpr>().argument);
      emit(Opcode::ArraySpread, arr, r);
    } else {
      uint16_t r = expr_any(*el);
      emit(Opcode::ArrayPush, arr, r);
    }
    free_regs_to(inner);
  }
  free_regs_to(level);
}

void CodeGen::property_key(const PropertyKey& key, uint16_t dest) {
  switch (key.kind) {
    case PropertyKeyKind::Identifier:
    case PropertyKeyKind::String:
      load_constant(dest, constant_string(key.string_value));
      return;
    case PropertyKeyKind::Number:
      load_constant(dest, constant_string_utf8(number_to_string(key.number_value)));
      return;
    case PropertyKeyKind::Computed:
      expr_to(*key.computed, dest);
      return;
  }
}

void CodeGen::object_literal(const ObjectExpr& e, uint16_t dest) {
  uint16_t level = fs_->next_reg;
  uint16_t obj = dest;
  emit(Opcode::NewObject, obj);
  for (const ObjectProperty& p : e.properties) {
    uint16_t inner = fs_->next_reg;
    mark_line(p.pos);
    switch (p.kind) {
      case PropertyKind::Init: {
        bool static_key = p.key.kind == PropertyKeyKind::Identifier || p.key.kind == PropertyKeyKind::String;
        uint16_t v = alloc_reg(p.pos);
        if ((p.value->kind == ExprKind::Arrow || p.value->kind == ExprKind::Function) &&
            anonymous_function_name(*p.value).empty() && static_key) {
          const FunctionNode& fn = p.value->kind == ExprKind::Arrow ? *p.value->as<ArrowFunctionExpr>().function
                                                                   : *p.value->as<FunctionExpr>().function;
          emit_closure(fn, v, p.key.name.empty() ? "" : p.key.name);
        } else {
          expr_to(*p.value, v);
        }
        if (static_key) {
          emit(Opcode::SetProp, obj, new_cache_u16(p.key.string_value), v);
        } else {
          uint16_t k = alloc_reg(p.pos);
          property_key(p.key, k);
          emit(Opcode::SetElem, obj, k, v);
        }
        break;
      }
      case PropertyKind::Method:
      case PropertyKind::Getter:
      case PropertyKind::Setter: {
        uint16_t k = alloc_reg(p.pos);
        property_key(p.key, k);
        uint16_t f = alloc_reg(p.pos);
        const FunctionNode& fn = *p.value->as<FunctionExpr>().function;
        emit_closure(fn, f, fn.name.empty() ? p.key.name : fn.name);
        // Object-literal methods are ordinary enumerable properties (unlike
        // class methods); accessors get their own opcodes.
        Opcode op = p.kind == PropertyKind::Method   ? Opcode::SetElem
                    : p.kind == PropertyKind::Getter ? Opcode::DefineGetter
                                                     : Opcode::DefineSetter;
        emit(op, obj, k, f);
        break;
      }
      case PropertyKind::Spread: {
        uint16_t v = expr_any(*p.value);
        emit(Opcode::ObjectSpread, obj, v);
        break;
      }
    }
    free_regs_to(inner);
  }
  free_regs_to(level);
}

bool CodeGen::emit_arguments(const std::vector<ExprPtr>& args, uint16_t window, uint16_t& argc, SourcePos pos) {
  bool spread = false;
  for (const ExprPtr& a : args)
    if (a->kind == ExprKind::Spread) spread = true;
  if (!spread) {
    for (size_t i = 0; i < args.size(); ++i) expr_to(*args[i], uint16_t(window + 2 + i));
    argc = uint16_t(args.size());
    return false;
  }
  uint16_t arr = uint16_t(window + 2);
  emit(Opcode::NewArray, arr, uint16_t(std::min<size_t>(args.size(), 65535)));
  for (const ExprPtr& a : args) {
    uint16_t inner = fs_->next_reg;
    if (a->kind == ExprKind::Spread) {
      emit(Opcode::ArraySpread, arr, expr_any(*a->as<SpreadExpr>().argument));
    } else {
      emit(Opcode::ArrayPush, arr, expr_any(*a));
    }
    free_regs_to(inner);
  }
  argc = 0;
  (void)pos;
  return true;
}

namespace {

/// The link a member/call link is compiled on top of when that is itself a
/// member/call link (`o.p` under `o.p.q`, `o.f` under `o.f()`), else null.
/// Links on namespaces, `super` and other objects end the chain.
const Expr* link_below(const Expr& e) {
  auto is_link = [](const Expr& x) { return x.kind == ExprKind::Member || x.kind == ExprKind::Call; };
  if (e.kind == ExprKind::Member) {
    const Expr& object = *e.as<MemberExpr>().object;
    return is_link(object) ? &object : nullptr;
  }
  if (e.kind != ExprKind::Call) return nullptr;
  const Expr& callee = *e.as<CallExpr>().callee;
  if (callee.kind == ExprKind::Member) {
    const Expr& object = *callee.as<MemberExpr>().object;
    return is_link(object) ? &object : nullptr;
  }
  return callee.kind == ExprKind::Call ? &callee : nullptr;
}

/// Chains up to this many links use the ordinary (recursive) code; longer
/// ones the loop, whose code differs only by a Mov per call.
constexpr size_t kRecursiveChainLinks = 64;

}  // namespace

bool CodeGen::long_chain(const Expr& e, uint16_t dest, std::vector<size_t>* chain_exits) {
  size_t n = 0;
  for (const Expr* at = &e; at != nullptr && n <= kRecursiveChainLinks; at = link_below(*at)) ++n;
  if (n <= kRecursiveChainLinks) return false;
  std::vector<const Expr*> links;  // outermost first
  const Expr* at = &e;
  for (const Expr* below = link_below(*at); below != nullptr; below = link_below(*at)) {
    links.push_back(at);
    at = below;
  }
  uint16_t level = fs_->next_reg;
  uint16_t acc = alloc_reg(e.pos);
  chain(*at, acc, chain_exits);  // the innermost link: its object is no link
  for (size_t i = links.size(); i-- > 0;) {
    uint16_t target = i == 0 ? dest : acc;
    if (links[i]->kind == ExprKind::Member) {
      member(links[i]->as<MemberExpr>(), target, chain_exits, acc);
    } else {
      call(links[i]->as<CallExpr>(), target, chain_exits, acc);
    }
  }
  free_regs_to(level);
  return true;
}

void CodeGen::call(const CallExpr& e, uint16_t dest, std::vector<size_t>* chain_exits, int object_reg) {
  if (object_reg < 0 && long_chain(e, dest, chain_exits)) return;
  uint16_t level = fs_->next_reg;
  bool spread = false;
  for (const ExprPtr& a : e.args)
    if (a->kind == ExprKind::Spread) spread = true;
  if (e.args.size() > 60000) {
    error(e.pos, "too many arguments");
    return;
  }
  uint16_t window = call_window(dest, uint16_t(2 + (spread ? 1 : e.args.size())), e.pos);
  uint16_t argc = 0;
  bool plain_function = false;  // this = undefined: CallFn sets it itself
  const Expr& callee = *e.callee;

  if (callee.kind == ExprKind::Super) {
    if (fs_->ctor_class == nullptr || !fs_->is_derived_ctor) {
      error(e.pos, "'super' calls are only allowed in the constructor of a derived class");
      free_regs_to(level);
      return;
    }
    spread = emit_arguments(e.args, window, argc, e.pos);
    mark_line(e.pos);
    if (spread) {
      emit(Opcode::SuperCallSpread, window);
    } else {
      emit(Opcode::SuperCall, window, argc);
    }
    if (fs_->has_super_flag) emit(Opcode::LoadTrue, fs_->super_flag_reg);
    emit_field_initializers(*fs_->ctor_class);
    load_this(dest, e.pos);
    free_regs_to(level);
    return;
  }

  if (callee.kind == ExprKind::Member && callee.as<MemberExpr>().object->kind != ExprKind::Super) {
    const MemberExpr& m = callee.as<MemberExpr>();
    // Receiver in window+1, method looked up by name (CallMethod) or key.
    if (object_reg >= 0) {
      emit(Opcode::Mov, uint16_t(window + 1), uint16_t(object_reg));
    } else if (chain_exits != nullptr && (m.object->kind == ExprKind::Member || m.object->kind == ExprKind::Call)) {
      chain(*m.object, uint16_t(window + 1), chain_exits);
    } else {
      expr_to(*m.object, uint16_t(window + 1));
    }
    if (m.optional && chain_exits != nullptr) chain_exits->push_back(emit_jump(Opcode::JmpIfNullish, uint16_t(window + 1)));
    bool direct_method = !m.computed && !e.optional && !spread && !caches_exhausted();
    if (direct_method) {
      emit_arguments(e.args, window, argc, e.pos);
      mark_line(e.pos);
      note_expr(callee);
      if (caches_exhausted()) {
        // The arguments used up the caches: look the method up uncached.
        get_named(window, uint16_t(window + 1), utf8_to_utf16(m.property));
        emit(Opcode::Call, window, argc);
      } else {
        emit(Opcode::CallMethod, window, argc, new_cache(m.property));
      }
      if (dest != window) emit(Opcode::Mov, dest, window);
      free_regs_to(level);
      return;
    }
    if (m.computed) {
      uint16_t inner = fs_->next_reg;
      uint16_t k = expr_any(*m.computed);
      emit(Opcode::GetElem, window, uint16_t(window + 1), k);
      free_regs_to(inner);
    } else {
      get_named(window, uint16_t(window + 1), utf8_to_utf16(m.property));
    }
  } else if (callee.kind == ExprKind::Member) {
    // super.method(...): this stays the current this.
    const MemberExpr& m = callee.as<MemberExpr>();
    if (m.computed) {
      error(e.pos, "computed 'super[...]' calls are not supported");
    } else {
      emit(Opcode::GetSuper, window, new_cache(m.property));
    }
    load_this(uint16_t(window + 1), e.pos);
  } else {
    if (object_reg >= 0) {
      if (object_reg != window) emit(Opcode::Mov, window, uint16_t(object_reg));
    } else if (chain_exits != nullptr && (callee.kind == ExprKind::Call)) {
      chain(callee, window, chain_exits);
    } else {
      expr_to(callee, window);
    }
    plain_function = true;
    if (spread) emit(Opcode::LoadUndef, uint16_t(window + 1));
  }
  if (e.optional && chain_exits != nullptr) chain_exits->push_back(emit_jump(Opcode::JmpIfNullish, window));
  spread = emit_arguments(e.args, window, argc, e.pos);
  mark_line(e.pos);
  note_expr(callee);
  if (spread) {
    emit(Opcode::CallSpread, window);
  } else {
    emit(plain_function ? Opcode::CallFn : Opcode::Call, window, argc);
  }
  if (dest != window) emit(Opcode::Mov, dest, window);
  free_regs_to(level);
}

void CodeGen::new_expr(const NewExpr& e, uint16_t dest) {
  uint16_t level = fs_->next_reg;
  bool spread = false;
  for (const ExprPtr& a : e.args)
    if (a->kind == ExprKind::Spread) spread = true;
  uint16_t window = call_window(dest, uint16_t(2 + (spread ? 1 : e.args.size())), e.pos);
  expr_to(*e.callee, window);
  uint16_t argc = 0;
  spread = emit_arguments(e.args, window, argc, e.pos);
  mark_line(e.pos);
  note_expr(*e.callee);
  if (spread) {
    emit(Opcode::NewSpread, window);
  } else {
    emit(Opcode::New, window, argc);
  }
  if (dest != window) emit(Opcode::Mov, dest, window);
  free_regs_to(level);
}

void CodeGen::member(const MemberExpr& e, uint16_t dest, std::vector<size_t>* chain_exits, int object_reg) {
  if (object_reg < 0 && long_chain(e, dest, chain_exits)) return;
  uint16_t level = fs_->next_reg;
  if (e.object->kind == ExprKind::Super) {
    if (e.computed) {
      error(e.pos, "computed 'super[...]' access is not supported");
    } else {
      emit(Opcode::GetSuper, dest, new_cache(e.property));
    }
    return;
  }
  // m.x on an `import * as m` namespace reads the live global directly.
  if (!e.computed && e.object->kind == ExprKind::Identifier) {
    const std::string& name = e.object->as<IdentifierExpr>().name;
    if (resolve_in(fs_, name).kind == Binding::Kind::Missing) {
      auto it = file_->top.find(name);
      if (it != file_->top.end() && it->second.kind == FileBinding::Kind::Namespace) {
        FileUnit& f = *(*files_)[it->second.index];
        auto ex = f.exports.find(e.property);
        if (ex == f.exports.end()) {
          error(e.pos, "module '" + f.path + "' has no export named '" + e.property + "'");
        } else {
          emit(Opcode::GetGlobal, dest, uint16_t(ex->second));
        }
        return;
      }
    }
  }
  uint16_t obj;
  if (object_reg >= 0) {
    obj = uint16_t(object_reg);
  } else if (chain_exits != nullptr && (e.object->kind == ExprKind::Member || e.object->kind == ExprKind::Call)) {
    obj = alloc_reg(e.pos);
    chain(*e.object, obj, chain_exits);
  } else {
    obj = expr_any(*e.object);
  }
  if (e.optional && chain_exits != nullptr) chain_exits->push_back(emit_jump(Opcode::JmpIfNullish, obj));
  mark_line(e.pos);
  if (!e.computed || e.computed->kind == ExprKind::String) {
    note_expr(*e.object);
  }
  if (!e.computed) {
    get_named(dest, obj, utf8_to_utf16(e.property));
  } else if (e.computed->kind == ExprKind::String) {
    get_named(dest, obj, e.computed->as<StringExpr>().value);
  } else {
    uint16_t k = expr_any(*e.computed);
    note_expr(*e.object);
    emit(Opcode::GetElem, dest, obj, k);
  }
  free_regs_to(level);
}

}  // namespace raya::vm::compiler
