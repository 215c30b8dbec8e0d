// Assignments (plain, compound, logical, destructuring) and ++/--.
#include "vmcore/compiler/codegen.hpp"
#include "vmcore/compiler/codegen_util.hpp"

namespace raya::vm::compiler {

void CodeGen::assign(const AssignExpr& e, uint16_t dest, bool want_result) {
  uint16_t level = fs_->next_reg;
  const Pattern& target = *e.target;
  mark_line(e.pos);
  if (e.op == AssignOp::Assign) {
    if (target.kind == PatternKind::Identifier) {
      const std::string& name = target.as<IdentifierPattern>().name;
      Binding b = resolve(name, target.pos);
      if (b.kind == Binding::Kind::Local && !b.maybe_uninitialized && !b.is_const && writes_dest_last(*e.value)) {
        expr_to(*e.value, uint16_t(b.index));
        if (want_result && dest != b.index) emit(Opcode::Mov, dest, uint16_t(b.index));
        free_regs_to(level);
        return;
      }
      uint16_t v = alloc_reg(e.pos);
      if ((e.value->kind == ExprKind::Arrow || e.value->kind == ExprKind::Function) &&
          anonymous_function_name(*e.value).empty()) {
        const FunctionNode& fn = e.value->kind == ExprKind::Arrow ? *e.value->as<ArrowFunctionExpr>().function
                                                                  : *e.value->as<FunctionExpr>().function;
        emit_closure(fn, v, name);
      } else {
        expr_to(*e.value, v);
      }
      store_binding(b, v, name, target.pos, false);
      if (want_result) emit(Opcode::Mov, dest, v);
      free_regs_to(level);
      return;
    }
    if (target.kind == PatternKind::Member) {
      const MemberExpr& m = *target.as<MemberPattern>().member;
      if (m.object->kind == ExprKind::Identifier && resolve_in(fs_, m.object->as<IdentifierExpr>().name).kind ==
                                                        Binding::Kind::Missing) {
        auto it = file_->top.find(m.object->as<IdentifierExpr>().name);
        if (it != file_->top.end() && it->second.kind == FileBinding::Kind::Namespace) {
          error(e.pos, "Cannot assign to '" + m.object->as<IdentifierExpr>().name +
                           "." + m.property + "' because it is a read-only import");
          free_regs_to(level);
          return;
        }
      }
      // Object and key may stay in their variables' registers unless the
      // value expression could reassign those variables first.
      bool value_assigns = has_assignment(*e.value);
      uint16_t obj;
      if (value_assigns) {
        obj = alloc_reg(e.pos);
        expr_to(*m.object, obj);
      } else {
        obj = expr_any(*m.object);
      }
      uint16_t key = 0;
      bool computed = m.computed != nullptr && m.computed->kind != ExprKind::String;
      if (computed) {
        if (value_assigns) {
          key = alloc_reg(e.pos);
          expr_to(*m.computed, key);
        } else {
          key = expr_any(*m.computed);
        }
      }
      uint16_t v;
      if (want_result) {
        v = alloc_reg(e.pos);
        expr_to(*e.value, v);
      } else {
        v = expr_any(*e.value);
      }
      mark_line(e.pos);
      note_expr(*m.object);
      if (m.object->kind == ExprKind::Super) {
        error(e.pos, "assigning to 'super' properties is not supported");
      } else if (computed) {
        emit(Opcode::SetElem, obj, key, v);
      } else if (m.computed) {
        emit(Opcode::SetProp, obj, new_cache_u16(m.computed->as<StringExpr>().value), v);
      } else {
        emit(Opcode::SetProp, obj, new_cache(m.property), v);
      }
      if (want_result) emit(Opcode::Mov, dest, v);
      free_regs_to(level);
      return;
    }
    uint16_t v = alloc_reg(e.pos);
    expr_to(*e.value, v);
    bind_pattern(target, v, false);
    if (want_result) emit(Opcode::Mov, dest, v);
    free_regs_to(level);
    return;
  }

  // Compound assignment: read, combine, write back.
  Opcode op = Opcode::Nop;
  switch (e.op) {
    case AssignOp::Add: op = Opcode::Add; break;
    case AssignOp::Sub: op = Opcode::Sub; break;
    case AssignOp::Mul: op = Opcode::Mul; break;
    case AssignOp::Div: op = Opcode::Div; break;
    case AssignOp::Mod: op = Opcode::Mod; break;
    case AssignOp::Exp: op = Opcode::Pow; break;
    case AssignOp::Shl: op = Opcode::Shl; break;
    case AssignOp::Shr: op = Opcode::Shr; break;
    case AssignOp::UShr: op = Opcode::UShr; break;
    case AssignOp::BitAnd: op = Opcode::BitAnd; break;
    case AssignOp::BitOr: op = Opcode::BitOr; break;
    case AssignOp::BitXor: op = Opcode::BitXor; break;
    default: break;
  }
  bool is_logical = e.op == AssignOp::And || e.op == AssignOp::Or || e.op == AssignOp::Nullish;
  Opcode skip = e.op == AssignOp::And ? Opcode::JmpIfNot : e.op == AssignOp::Or ? Opcode::JmpIf : Opcode::JmpIfNotNullish;

  uint16_t cur = alloc_reg(e.pos);
  if (target.kind == PatternKind::Identifier) {
    const std::string& name = target.as<IdentifierPattern>().name;
    Binding b = resolve(name, target.pos);
    if (b.is_const) {
      error(target.pos, "Cannot assign to '" + name + "' because it is a constant");
      free_regs_to(level);
      return;
    }
    if (!is_logical && b.kind == Binding::Kind::Local && !b.maybe_uninitialized && !has_assignment(*e.value)) {
      // x op= v on a plain local: combine in place.
      uint16_t reg = uint16_t(b.index);
      int32_t imm = 0;
      if ((op == Opcode::Add || op == Opcode::Sub) && is_small_int(*e.value, imm)) {
        emit(Opcode::AddI, reg, reg, uint16_t(int16_t(op == Opcode::Add ? imm : -imm)));
      } else {
        uint16_t r = expr_any(*e.value);
        emit(op, reg, reg, r);
      }
      if (want_result && dest != reg) emit(Opcode::Mov, dest, reg);
      free_regs_to(level);
      return;
    }
    load_binding(b, cur, name, target.pos);
    if (is_logical) {
      size_t j = emit_jump(skip, cur);
      expr_to(*e.value, cur);
      store_binding(b, cur, name, target.pos, false);
      patch_to_here(j);
    } else {
      int32_t imm = 0;
      if ((op == Opcode::Add || op == Opcode::Sub) && is_small_int(*e.value, imm)) {
        emit(Opcode::AddI, cur, cur, uint16_t(int16_t(op == Opcode::Add ? imm : -imm)));
      } else {
        uint16_t r = expr_any(*e.value);
        emit(op, cur, cur, r);
      }
      store_binding(b, cur, name, target.pos, false);
    }
    if (want_result) emit(Opcode::Mov, dest, cur);
    free_regs_to(level);
    return;
  }
  if (target.kind != PatternKind::Member) {
    error(e.pos, "invalid compound assignment target");
    free_regs_to(level);
    return;
  }
  const MemberExpr& m = *target.as<MemberPattern>().member;
  uint16_t obj = alloc_reg(e.pos);
  expr_to(*m.object, obj);
  uint16_t key = 0;
  uint16_t ic = 0;
  bool computed = m.computed != nullptr;
  if (computed) {
    key = alloc_reg(e.pos);
    expr_to(*m.computed, key);
    note_expr(*m.object);
    emit(Opcode::GetElem, cur, obj, key);
  } else {
    ic = new_cache(m.property);
    note_expr(*m.object);
    emit(Opcode::GetProp, cur, obj, ic);
  }
  size_t j = 0;
  if (is_logical) {
    j = emit_jump(skip, cur);
    expr_to(*e.value, cur);
  } else {
    uint16_t r = expr_any(*e.value);
    emit(op, cur, cur, r);
  }
  if (computed) {
    emit(Opcode::SetElem, obj, key, cur);
  } else {
    emit(Opcode::SetProp, obj, new_cache(m.property), cur);  // a cache per instruction
  }
  if (is_logical) patch_to_here(j);
  if (want_result) emit(Opcode::Mov, dest, cur);
  free_regs_to(level);
}

void CodeGen::update(const UpdateExpr& e, uint16_t dest, bool want_result) {
  uint16_t level = fs_->next_reg;
  int16_t delta = e.is_increment ? 1 : -1;
  mark_line(e.pos);
  if (e.target->kind == ExprKind::Identifier) {
    const std::string& name = e.target->as<IdentifierExpr>().name;
    Binding b = resolve(name, e.target->pos);
    if (b.is_const) {
      error(e.target->pos, "Cannot assign to '" + name + "' because it is a constant");
      return;
    }
    if (b.kind == Binding::Kind::Local && !b.maybe_uninitialized) {
      uint16_t reg = uint16_t(b.index);
      if (want_result && !e.is_prefix) {
        emit(Opcode::Plus, dest, reg);
        emit(Opcode::Inc, reg, dest, uint16_t(delta));
      } else {
        emit(Opcode::Inc, reg, reg, uint16_t(delta));
        if (want_result && dest != reg) emit(Opcode::Mov, dest, reg);
      }
      return;
    }
    uint16_t cur = alloc_reg(e.pos);
    load_binding(b, cur, name, e.target->pos);
    uint16_t old = alloc_reg(e.pos);
    emit(Opcode::Plus, old, cur);
    emit(Opcode::Inc, cur, old, uint16_t(delta));
    store_binding(b, cur, name, e.target->pos, false);
    if (want_result) emit(Opcode::Mov, dest, e.is_prefix ? cur : old);
    free_regs_to(level);
    return;
  }
  if (e.target->kind != ExprKind::Member) {
    error(e.pos, "invalid increment/decrement target");
    return;
  }
  const MemberExpr& m = e.target->as<MemberExpr>();
  uint16_t obj = expr_any(*m.object);
  uint16_t cur = alloc_reg(e.pos);
  uint16_t key = 0, ic = 0;
  if (m.computed) {
    key = expr_any(*m.computed);
    emit(Opcode::GetElem, cur, obj, key);
  } else {
    ic = new_cache(m.property);
    emit(Opcode::GetProp, cur, obj, ic);
  }
  uint16_t old = alloc_reg(e.pos);
  emit(Opcode::Plus, old, cur);
  emit(Opcode::Inc, cur, old, uint16_t(delta));
  if (m.computed) {
    emit(Opcode::SetElem, obj, key, cur);
  } else {
    emit(Opcode::SetProp, obj, new_cache(m.property), cur);  // a cache per instruction
  }
  if (want_result) emit(Opcode::Mov, dest, e.is_prefix ? cur : old);
  free_regs_to(level);
}

}  // namespace raya::vm::compiler
