// Statements: declarations, control flow, loops, switch, labels,
// try/catch/finally (with finally blocks inlined at every exit), enums.
#include <algorithm>

#include "vmcore/compiler/codegen.hpp"

namespace raya::vm::compiler {

void CodeGen::statements(const std::vector<StmtPtr>& body) {
  for (const StmtPtr& s : body) {
    if (file_->sink->is_full()) return;
    statement(*s);
  }
}

void CodeGen::block_body(const std::vector<StmtPtr>& body) {
  push_scope();
  predeclare_block(body);
  hoist_declarations(body);
  statements(body);
  pop_scope();
}

void CodeGen::statement(const Stmt& s) {
  if (budget_ != nullptr && budget_->stopped()) return;
  mark_line(s.pos);
  uint16_t level = fs_->next_reg;
  switch (s.kind) {
    case StmtKind::VarDecl:
      var_decl(s.as<VarDeclStmt>());
      break;
    case StmtKind::FunctionDecl:
      break;  // hoisted to the start of its scope
    case StmtKind::ClassDecl: {
      const ClassNode& cls = *s.as<ClassDeclStmt>().klass;
      uint16_t tmp = alloc_reg(s.pos);
      compile_class(cls, tmp);
      store_binding(resolve(cls.name, s.pos), tmp, cls.name, s.pos, true);
      if (LocalVar* v = find_local(fs_, cls.name)) v->initialized = true;
      break;
    }
    case StmtKind::Expression:
      expr_discard(*s.as<ExprStmt>().expr);
      break;
    case StmtKind::Block:
      block_body(s.as<BlockStmt>().body);
      break;
    case StmtKind::If:
      if_stmt(s.as<IfStmt>());
      break;
    case StmtKind::While:
      while_stmt(s.as<WhileStmt>(), {});
      break;
    case StmtKind::DoWhile:
      do_while_stmt(s.as<DoWhileStmt>(), {});
      break;
    case StmtKind::For:
      for_stmt(s.as<ForStmt>(), {});
      break;
    case StmtKind::ForOf:
    case StmtKind::ForIn:
      for_each_stmt(s.as<ForEachStmt>(), {});
      break;
    case StmtKind::Switch:
      switch_stmt(s.as<SwitchStmt>(), {});
      break;
    case StmtKind::Break:
      break_continue(s.as<BreakStmt>().label, true, s.pos);
      break;
    case StmtKind::Continue:
      break_continue(s.as<ContinueStmt>().label, false, s.pos);
      break;
    case StmtKind::Labeled:
      labeled_stmt(s.as<LabeledStmt>());
      break;
    case StmtKind::Return:
      return_stmt(s.as<ReturnStmt>());
      break;
    case StmtKind::Throw: {
      uint16_t r = expr_any(*s.as<ThrowStmt>().value);
      mark_line(s.pos);
      emit(Opcode::Throw, r);
      break;
    }
    case StmtKind::Try:
      try_stmt(s.as<TryStmt>());
      break;
    case StmtKind::Empty:
      break;
    case StmtKind::EnumDecl:
      enum_decl(s.as<EnumDeclStmt>());
      break;
    case StmtKind::Import:
      break;  // resolved when the file was declared
    case StmtKind::ExportDecl:
      statement(*s.as<ExportDeclStmt>().declaration);
      break;
    case StmtKind::ExportNamed:
      break;  // resolved when the file was declared
    case StmtKind::ExportDefault:
      export_default(s.as<ExportDefaultStmt>());
      break;
  }
  free_regs_to(level);
}

void CodeGen::var_decl(const VarDeclStmt& decl) {
  bool is_const = decl.decl_kind == DeclKind::Const;
  for (const VarDeclarator& d : decl.declarators) {
    uint16_t level = fs_->next_reg;
    mark_line(d.pos);
    // A simple `let x = e` evaluates straight into x's register.
    if (d.target->kind == PatternKind::Identifier) {
      const std::string& name = d.target->as<IdentifierPattern>().name;
      Binding b = resolve(name, d.pos);
      if (b.kind == Binding::Kind::Local) {
        if (d.init) {
          expr_to(*d.init, uint16_t(b.index));
        } else {
          emit(Opcode::LoadUndef, uint16_t(b.index));
        }
        if (LocalVar* v = find_local(fs_, name)) v->initialized = true;
        free_regs_to(level);
        continue;
      }
    }
    uint16_t tmp = alloc_reg(d.pos);
    if (d.init) {
      expr_to(*d.init, tmp);
    } else {
      emit(Opcode::LoadUndef, tmp);
    }
    (void)is_const;
    bind_pattern(*d.target, tmp, true);
    free_regs_to(level);
  }
}

void CodeGen::branch_if_false(const Expr& test, std::vector<size_t>& false_jumps) {
  // Comparisons jump directly; everything else tests truthiness.
  if (test.kind == ExprKind::Binary) {
    const auto& b = test.as<BinaryExpr>();
    Opcode op = Opcode::Nop;
    bool swap = false;
    switch (b.op) {
      case BinaryOp::Lt: op = Opcode::JNLt; break;
      case BinaryOp::LtEq: op = Opcode::JNLe; break;
      case BinaryOp::Gt: op = Opcode::JNLt; swap = true; break;
      case BinaryOp::GtEq: op = Opcode::JNLe; swap = true; break;
      case BinaryOp::Eq:
      case BinaryOp::StrictEq: op = Opcode::JNe; break;
      case BinaryOp::NotEq:
      case BinaryOp::StrictNotEq: op = Opcode::JEq; break;
      default: break;
    }
    if (op != Opcode::Nop) {
      uint16_t level = fs_->next_reg;
      uint16_t l = expr_any(*b.left);
      uint16_t r = expr_any(*b.right);
      mark_line(b.pos);
      false_jumps.push_back(swap ? emit_jump16(op, r, l) : emit_jump16(op, l, r));
      free_regs_to(level);
      return;
    }
  }
  if (test.kind == ExprKind::Unary && test.as<UnaryExpr>().op == UnaryOp::Not) {
    uint16_t level = fs_->next_reg;
    uint16_t r = expr_any(*test.as<UnaryExpr>().operand);
    false_jumps.push_back(emit_jump(Opcode::JmpIf, r));
    free_regs_to(level);
    return;
  }
  uint16_t level = fs_->next_reg;
  uint16_t r = expr_any(test);
  false_jumps.push_back(emit_jump(Opcode::JmpIfNot, r));
  free_regs_to(level);
}

void CodeGen::branch_back_if_true(const Expr& test, size_t target) {
  int64_t offset = int64_t(target) - int64_t(here()) - 1;
  if (test.kind == ExprKind::Binary && offset >= INT16_MIN) {
    const auto& b = test.as<BinaryExpr>();
    Opcode op = Opcode::Nop;
    bool swap = false;
    switch (b.op) {
      case BinaryOp::Lt: op = Opcode::JLt; break;
      case BinaryOp::LtEq: op = Opcode::JLe; break;
      case BinaryOp::Gt: op = Opcode::JLt; swap = true; break;
      case BinaryOp::GtEq: op = Opcode::JLe; swap = true; break;
      case BinaryOp::Eq:
      case BinaryOp::StrictEq: op = Opcode::JEq; break;
      case BinaryOp::NotEq:
      case BinaryOp::StrictNotEq: op = Opcode::JNe; break;
      default: break;
    }
    if (op != Opcode::Nop) {
      uint16_t level = fs_->next_reg;
      uint16_t l = expr_any(*b.left);
      uint16_t r = expr_any(*b.right);
      mark_line(b.pos);
      size_t at = swap ? emit_jump16(op, r, l) : emit_jump16(op, l, r);
      free_regs_to(level);
      if (int64_t(target) - int64_t(at) - 1 >= INT16_MIN) {
        patch_to(at, target);
        return;
      }
      // Too far for a 16-bit jump: skip over a long one instead.
      fs_->proto.code.pop_back();
      std::vector<size_t> exits;
      branch_if_false(test, exits);
      emit_jump_back(Opcode::Jmp, 0, target);
      for (size_t e : exits) patch_to_here(e);
      return;
    }
  }
  uint16_t level = fs_->next_reg;
  uint16_t r = expr_any(test);
  emit_jump_back(Opcode::JmpIf, r, target);
  free_regs_to(level);
}

// An else-if chain is flat (ast.hpp): compiled link by link in a loop, every
// taken branch jumping to the one common end.
void CodeGen::if_stmt(const IfStmt& first) {
  std::vector<size_t> to_end;
  const IfStmt* s = &first;
  for (;;) {
    if (s != &first) mark_line(s->pos);
    std::vector<size_t> to_else;
    branch_if_false(*s->test, to_else);
    statement(*s->consequent);
    if (!s->alternate) {
      for (size_t j : to_else) patch_to_here(j);
      break;
    }
    to_end.push_back(emit_jump(Opcode::Jmp));
    for (size_t j : to_else) patch_to_here(j);
    if (s->alternate->kind != StmtKind::If) {
      statement(*s->alternate);
      break;
    }
    s = &s->alternate->as<IfStmt>();
  }
  for (size_t j : to_end) patch_to_here(j);
}

namespace {

/// Loop condition at the bottom: `if (test) goto body` (a backward jump, so
/// fuel is checked once per iteration).
}  // namespace

void CodeGen::while_stmt(const WhileStmt& s, std::vector<std::string> labels) {
  size_t to_test = emit_jump(Opcode::Jmp);
  size_t body = here();
  fs_->targets.push_back(JumpTarget{std::move(labels), true, true, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  statement(*s.body);
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  patch_to_here(to_test);
  for (size_t c : target.continues) patch_to_here(c);
  branch_back_if_true(*s.test, body);
  for (size_t b : target.breaks) patch_to_here(b);
}

void CodeGen::do_while_stmt(const DoWhileStmt& s, std::vector<std::string> labels) {
  size_t body = here();
  fs_->targets.push_back(JumpTarget{std::move(labels), true, true, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  statement(*s.body);
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  for (size_t c : target.continues) patch_to_here(c);
  branch_back_if_true(*s.test, body);
  for (size_t b : target.breaks) patch_to_here(b);
}

void CodeGen::for_stmt(const ForStmt& s, std::vector<std::string> labels) {
  push_scope();
  std::vector<LocalVar*> per_iteration;
  if (s.init) {
    if (s.init->kind == StmtKind::VarDecl) {
      const auto& d = s.init->as<VarDeclStmt>();
      for (const auto& decl : d.declarators) declare_pattern(*decl.target, d.decl_kind == DeclKind::Const);
      for (LocalVar& v : fs_->scopes.back().vars) {
        if (!v.is_cell) continue;
        uint16_t level = fs_->next_reg;
        uint16_t e = alloc_reg(s.pos);
        emit(Opcode::LoadEmpty, e);
        emit(Opcode::NewCell, v.reg, e);
        free_regs_to(level);
      }
      var_decl(d);
    } else {
      statement(*s.init);
    }
  }
  // Captured loop variables get a fresh cell per iteration (JavaScript's
  // per-iteration bindings): copied just before the update expression.
  std::vector<uint16_t> cell_regs;
  for (LocalVar& v : fs_->scopes.back().vars)
    if (v.is_cell) cell_regs.push_back(v.reg);

  size_t to_test = emit_jump(Opcode::Jmp);
  size_t body = here();
  fs_->targets.push_back(JumpTarget{std::move(labels), true, true, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  statement(*s.body);
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  for (size_t c : target.continues) patch_to_here(c);
  if (!cell_regs.empty()) {
    uint16_t level = fs_->next_reg;
    uint16_t tmp = alloc_reg(s.pos);
    for (uint16_t reg : cell_regs) {
      emit(Opcode::GetCell, tmp, reg);
      emit(Opcode::NewCell, reg, tmp);
    }
    free_regs_to(level);
  }
  if (s.update) expr_discard(*s.update);
  patch_to_here(to_test);
  if (s.test) {
    branch_back_if_true(*s.test, body);
  } else {
    emit_jump_back(Opcode::Jmp, 0, body);
  }
  for (size_t b : target.breaks) patch_to_here(b);
  pop_scope();
}

void CodeGen::for_each_stmt(const ForEachStmt& s, std::vector<std::string> labels) {
  if (s.is_await) {
    error(s.pos, "'for await' is not supported: Raya has no async iterators; await the tasks first "
                 "(for (const x of await tasks))");
    return;
  }
  uint16_t outer_level = fs_->next_reg;
  uint16_t iter = alloc_reg(s.pos);
  {
    uint16_t level = fs_->next_reg;
    uint16_t src = expr_any(*s.iterable);
    mark_line(s.pos);
    if (s.is_of()) {
      note_expr(*s.iterable);
      emit(Opcode::GetIter, iter, src);
    } else {
      uint16_t keys = alloc_reg(s.pos);
      emit(Opcode::ForInKeys, keys, src);
      emit(Opcode::GetIter, iter, keys);
    }
    free_regs_to(level);
  }
  uint16_t value = alloc_reg(s.pos);
  size_t head = here();
  size_t exit = emit_jump16(Opcode::IterNext, value, iter);
  fs_->targets.push_back(JumpTarget{std::move(labels), true, true, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  push_scope();
  if (s.has_declaration) {
    declare_pattern_with_cells(*s.target, s.decl_kind == DeclKind::Const);
    bind_pattern(*s.target, value, true);
  } else {
    bind_pattern(*s.target, value, false);
  }
  if (s.body->kind == StmtKind::Block) {
    const auto& body = s.body->as<BlockStmt>().body;
    push_scope();
    predeclare_block(body);
    hoist_declarations(body);
    statements(body);
    pop_scope();
  } else {
    statement(*s.body);
  }
  pop_scope();
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  for (size_t c : target.continues) patch_to(c, head);
  emit_jump_back(Opcode::Jmp, 0, head);
  patch_to_here(exit);
  for (size_t b : target.breaks) patch_to_here(b);
  free_regs_to(outer_level);
}

namespace {
/// Up to this many cases a switch's tests jump straight to the bodies.
constexpr size_t kShortSwitchCases = 1000;
}  // namespace

void CodeGen::switch_stmt(const SwitchStmt& s, std::vector<std::string> labels) {
  uint16_t level = fs_->next_reg;
  uint16_t disc = alloc_reg(s.pos);
  expr_to(*s.discriminant, disc);
  // Tests in order; each match jumps to its body. Bodies share one scope.
  // A big switch (generated code: tens of thousands of cases) puts its
  // bodies beyond a conditional jump's 16-bit reach, so each test skips over
  // an unconditional long jump instead (`JNe +1; Jmp body`).
  const bool long_jumps = s.cases.size() > kShortSwitchCases;
  std::vector<size_t> to_body(s.cases.size(), SIZE_MAX);
  size_t default_index = SIZE_MAX;
  for (size_t i = 0; i < s.cases.size(); ++i) {
    const SwitchCase& c = s.cases[i];
    if (!c.test) {
      default_index = i;
      continue;
    }
    uint16_t inner = fs_->next_reg;
    uint16_t t = expr_any(*c.test);
    if (long_jumps) {
      size_t skip = emit_jump16(Opcode::JNe, disc, t);
      to_body[i] = emit_jump(Opcode::Jmp);
      patch_to_here(skip);
    } else {
      to_body[i] = emit_jump16(Opcode::JEq, disc, t);
    }
    free_regs_to(inner);
  }
  size_t to_default = emit_jump(Opcode::Jmp);
  fs_->targets.push_back(JumpTarget{std::move(labels), false, true, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  push_scope();
  std::vector<StmtPtr> dummy;
  for (const SwitchCase& c : s.cases) {
    for (const StmtPtr& st : c.body) (void)st;
  }
  // Declarations anywhere in the switch belong to its one block.
  for (const SwitchCase& c : s.cases) predeclare_block(c.body);
  for (const SwitchCase& c : s.cases) hoist_declarations(c.body);
  for (size_t i = 0; i < s.cases.size(); ++i) {
    if (i == default_index) {
      patch_to_here(to_default);
      to_default = SIZE_MAX;
    } else {
      patch_to_here(to_body[i]);
    }
    statements(s.cases[i].body);
  }
  pop_scope();
  if (to_default != SIZE_MAX) patch_to_here(to_default);
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  for (size_t b : target.breaks) patch_to_here(b);
  free_regs_to(level);
}

void CodeGen::labeled_stmt(const LabeledStmt& s) {
  std::vector<std::string> labels{s.label};
  const Stmt* body = s.body.get();
  while (body->kind == StmtKind::Labeled) {
    labels.push_back(body->as<LabeledStmt>().label);
    body = body->as<LabeledStmt>().body.get();
  }
  mark_line(body->pos);
  switch (body->kind) {
    case StmtKind::While: while_stmt(body->as<WhileStmt>(), labels); return;
    case StmtKind::DoWhile: do_while_stmt(body->as<DoWhileStmt>(), labels); return;
    case StmtKind::For: for_stmt(body->as<ForStmt>(), labels); return;
    case StmtKind::ForOf:
    case StmtKind::ForIn: for_each_stmt(body->as<ForEachStmt>(), labels); return;
    case StmtKind::Switch: switch_stmt(body->as<SwitchStmt>(), labels); return;
    default: break;
  }
  fs_->targets.push_back(JumpTarget{labels, false, false, {}, {}, fs_->tries.size(), fs_->scopes.size()});
  statement(*body);
  JumpTarget target = std::move(fs_->targets.back());
  fs_->targets.pop_back();
  for (size_t b : target.breaks) patch_to_here(b);
}

void CodeGen::open_try_range(TryContext& t) {
  if (t.range_open) return;
  t.range_open = true;
  t.range_start = uint32_t(here());
}

void CodeGen::close_try_range(TryContext& t) {
  if (!t.range_open) return;
  t.range_open = false;
  if (here() > t.range_start) t.ranges.push_back({t.range_start, uint32_t(here())});
}

void CodeGen::emit_exit_through_tries(size_t down_to_depth) {
  // Leaving try regions: each one stops protecting this code, and its
  // finally block (if any) runs here, before the jump.
  std::vector<size_t> closed;
  for (size_t i = fs_->tries.size(); i-- > down_to_depth;) {
    close_try_range(fs_->tries[i]);
    closed.push_back(i);
    if (fs_->tries[i].has_finally) {
      // The finally block itself runs outside this try but inside the outer ones.
      std::vector<TryContext> saved(fs_->tries.begin() + long(i), fs_->tries.end());
      const BlockStmt* fin = fs_->tries[i].finalizer;
      fs_->tries.resize(i);
      block_body(fin->body);
      for (auto& t : saved) fs_->tries.push_back(std::move(t));
    }
  }
  (void)closed;
}

void CodeGen::break_continue(const std::string& label, bool is_break, SourcePos pos) {
  for (size_t i = fs_->targets.size(); i-- > 0;) {
    JumpTarget& t = fs_->targets[i];
    bool matches = label.empty() ? (is_break ? t.accepts_unlabeled_break : t.is_loop)
                                 : std::find(t.labels.begin(), t.labels.end(), label) != t.labels.end();
    if (!matches) continue;
    if (!is_break && !t.is_loop) {
      error(pos, "continue target '" + label + "' is not a loop");
      return;
    }
    size_t depth = t.try_depth;
    emit_exit_through_tries(depth);
    size_t j = emit_jump(Opcode::Jmp);
    (is_break ? fs_->targets[i].breaks : fs_->targets[i].continues).push_back(j);
    for (size_t k = depth; k < fs_->tries.size(); ++k) open_try_range(fs_->tries[k]);
    return;
  }
  error(pos, label.empty() ? (is_break ? "'break' outside of a loop or switch" : "'continue' outside of a loop")
                           : "undefined label '" + label + "'");
}

void CodeGen::return_stmt(const ReturnStmt& s) {
  uint16_t level = fs_->next_reg;
  bool in_try = !fs_->tries.empty();
  if (s.value) {
    uint16_t r;
    if (in_try) {
      r = alloc_reg(s.pos);
      expr_to(*s.value, r);
    } else {
      r = expr_any(*s.value);
    }
    mark_line(s.pos);
    if (in_try) emit_exit_through_tries(0);
    emit(Opcode::Return, r);
  } else {
    if (in_try) emit_exit_through_tries(0);
    if (fs_->ctor_class != nullptr) {
      emit(Opcode::ReturnUndef);
    } else {
      emit(Opcode::ReturnUndef);
    }
  }
  for (auto& t : fs_->tries) open_try_range(t);
  free_regs_to(level);
}

void CodeGen::try_stmt(const TryStmt& s) {
  uint16_t level = fs_->next_reg;
  uint16_t exc = alloc_reg(s.pos);
  if (s.finalizer) {
    fs_->tries.push_back(TryContext{true, s.finalizer.get(), false, 0, {}});
    open_try_range(fs_->tries.back());
  }
  size_t finally_depth = fs_->tries.size();
  // try { block } catch (e) { handler }
  if (s.handler) {
    fs_->tries.push_back(TryContext{false, nullptr, false, 0, {}});
    open_try_range(fs_->tries.back());
    block_body(s.block->body);
    close_try_range(fs_->tries.back());
    TryContext inner = std::move(fs_->tries.back());
    fs_->tries.pop_back();
    size_t to_end = emit_jump(Opcode::Jmp);
    uint32_t handler_pc = uint32_t(here());
    for (auto& [start, end] : inner.ranges)
      fs_->proto.handlers.push_back(Handler{start, end, handler_pc, exc});
    push_scope();
    if (s.catch_param) {
      declare_pattern_with_cells(*s.catch_param, false);
      bind_pattern(*s.catch_param, exc, true);
    }
    const auto& body = s.handler->body;
    predeclare_block(body);
    hoist_declarations(body);
    statements(body);
    pop_scope();
    patch_to_here(to_end);
  } else {
    block_body(s.block->body);
  }
  if (s.finalizer) {
    (void)finally_depth;
    close_try_range(fs_->tries.back());
    TryContext outer = std::move(fs_->tries.back());
    fs_->tries.pop_back();
    // Normal completion runs the finally block and continues.
    block_body(s.finalizer->body);
    size_t to_end = emit_jump(Opcode::Jmp);
    // Exceptional completion runs it and rethrows.
    uint32_t handler_pc = uint32_t(here());
    for (auto& [start, end] : outer.ranges)
      fs_->proto.handlers.push_back(Handler{start, end, handler_pc, exc});
    if (outer.ranges.empty()) {
      // Nothing was protected (an empty try): the handler is unreachable,
      // but keep the code well-formed.
    }
    block_body(s.finalizer->body);
    emit(Opcode::Throw, exc);
    patch_to_here(to_end);
  }
  free_regs_to(level);
}

void CodeGen::enum_decl(const EnumDeclStmt& s) {
  // enum E { A, B = 5, C = "x" } is a frozen-shape object { A: 0, B: 5, C: "x" }
  // plus reverse mappings for numeric members, as TypeScript does.
  uint16_t obj = alloc_reg(s.pos);
  emit(Opcode::NewObject, obj);
  uint16_t val = alloc_reg(s.pos);
  uint16_t key = alloc_reg(s.pos);
  for (const EnumMember& m : s.members) {
    if (m.has_constant) {
      if (m.is_string) {
        load_constant(val, constant_string(m.string_value));
      } else {
        load_int(val, m.number_value);
      }
    } else if (m.init) {
      expr_to(*m.init, val);
    } else {
      emit(Opcode::LoadUndef, val);
    }
    emit(Opcode::SetProp, obj, new_cache(m.name), val);
    if (!m.is_string) {
      load_constant(key, constant_string_utf8(m.name));
      emit(Opcode::SetElem, obj, val, key);
    }
  }
  store_binding(resolve(s.name, s.pos), obj, s.name, s.pos, true);
  if (LocalVar* v = find_local(fs_, s.name)) v->initialized = true;
}

void CodeGen::export_default(const ExportDefaultStmt& s) {
  if (s.declaration) {
    statement(*s.declaration);
    const Stmt& d = *s.declaration;
    std::string name = d.kind == StmtKind::FunctionDecl ? d.as<FunctionDeclStmt>().function->name
                                                        : d.as<ClassDeclStmt>().klass->name;
    auto it = file_->top.find("*default*");
    if (it != file_->top.end() && file_->top.count(name)) {
      uint16_t tmp = alloc_reg(s.pos);
      load_binding(resolve(name, s.pos), tmp, name, s.pos);
      emit(Opcode::SetGlobal, tmp, uint16_t(it->second.index), 0);
    }
    return;
  }
  uint16_t tmp = alloc_reg(s.pos);
  expr_to(*s.expr, tmp);
  auto it = file_->top.find("*default*");
  if (it != file_->top.end()) emit(Opcode::SetGlobal, tmp, uint16_t(it->second.index), 0);
}

}  // namespace raya::vm::compiler
