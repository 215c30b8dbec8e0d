// Functions, parameters, closures and classes.
#include "vmcore/compiler/codegen.hpp"

namespace raya::vm::compiler {

uint32_t CodeGen::compile_function(const FunctionNode& fn, const ClassNode* ctor_of, bool is_derived,
                                   const std::string& name_override) {
  FunctionState state;
  state.parent = fs_;
  state.node = &fn;
  state.is_arrow = fn.kind == FunctionKind::Arrow;
  state.ctor_class = ctor_of;
  state.is_derived_ctor = is_derived;
  state.captured = &free_names_.captured_by(fn);
  state.proto.name = ctor_of != nullptr ? (ctor_of->name.empty() ? "<class>" : ctor_of->name)
                                         : (!fn.name.empty() ? fn.name : name_override);
  state.proto.file = file_->file_index;
  state.proto.line = fn.pos.line;
  state.proto.column = fn.pos.column;
  if (fn.is_async) {
    if (ctor_of != nullptr || fn.kind == FunctionKind::Getter || fn.kind == FunctionKind::Setter)
      error(fn.pos, "'async' modifier cannot be used here");
    else
      state.proto.flags |= kFunctionIsAsync;
  }
  if (state.is_arrow) state.proto.flags |= kFunctionIsArrow;
  if (fn.kind == FunctionKind::Method || fn.kind == FunctionKind::Getter || fn.kind == FunctionKind::Setter)
    state.proto.flags |= kFunctionIsMethod;
  if (ctor_of != nullptr) state.proto.flags |= kFunctionIsClassCtor;
  if (is_derived) state.proto.flags |= kFunctionIsDerivedCtor;
  uint32_t index = uint32_t(module_.functions.size());
  module_.functions.emplace_back();  // reserved; filled when done
  state.proto_index = index;

  FunctionState* saved = fs_;
  fs_ = &state;
  push_scope();
  emit_params(fn);
  if (is_derived) {
    // `this` is in its temporal dead zone until super() returns.
    state.super_flag_reg = alloc_reg(fn.pos);
    state.has_super_flag = true;
    emit(Opcode::LoadEmpty, state.super_flag_reg);
  }
  if (ctor_of != nullptr && !is_derived) emit_field_initializers(*ctor_of);
  if (fn.expression_body) {
    uint16_t r = expr_any(*fn.expression_body);
    emit(Opcode::Return, r);
  } else {
    predeclare_block(fn.body);
    hoist_declarations(fn.body);
    statements(fn.body);
    mark_line(fn.end_pos);
    emit(Opcode::ReturnUndef);
  }
  pop_scope();
  fs_ = saved;
  state.proto.register_count = std::max<uint16_t>(state.max_reg, uint16_t(1 + state.proto.param_count + 1));
  module_.functions[index] = std::move(state.proto);
  return index;
}

void CodeGen::emit_params(const FunctionNode& fn) {
  // Calls pass at most 60,000 arguments (CodeGen::call), and the count must
  // fit the 16-bit register operands below.
  if (fn.params.size() > 60000) {
    error(fn.pos, "too many parameters (more than 60000)");
    return;
  }
  // r1..rN receive the arguments; a rest parameter gets the array after them.
  uint16_t declared = 0;
  bool has_rest = false;
  for (const Param& p : fn.params) {
    if (p.is_rest) {
      has_rest = true;
    } else {
      ++declared;
    }
  }
  fs_->proto.param_count = declared;
  if (has_rest) fs_->proto.flags |= kFunctionHasRest;
  uint16_t first = alloc_regs(uint16_t(declared + (has_rest ? 1 : 0)), fn.pos);
  // `this` captured by an arrow: box it before anything can capture it.
  if (!fs_->is_arrow && is_captured("this")) {
    uint16_t cell = alloc_reg(fn.pos);
    emit(Opcode::NewCell, cell, 0);
    fs_->this_in_cell = true;
    fs_->this_cell_reg = cell;
  }
  // Simple parameters are locals at their argument registers.
  BlockScope& scope = fs_->scopes.back();
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const Param& p = fn.params[i];
    if (p.target->kind != PatternKind::Identifier) continue;
    const std::string& name = p.target->as<IdentifierPattern>().name;
    if (scope.find(name)) error(p.pos, "Duplicate parameter name '" + name + "'");
    scope.add(LocalVar{name, uint16_t(first + i), false, false, true, false});
  }
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const Param& p = fn.params[i];
    uint16_t reg = uint16_t(first + i);
    if (p.default_value) {
      size_t skip = emit_jump(Opcode::JmpIfNotUndef, reg);
      expr_to(*p.default_value, reg);
      patch_to_here(skip);
    }
    if (p.target->kind == PatternKind::Identifier) {
      const std::string& name = p.target->as<IdentifierPattern>().name;
      if (is_captured(name)) {
        uint16_t cell = alloc_reg(p.pos);
        emit(Opcode::NewCell, cell, reg);
        // Duplicates were reported above; the latest of the name is the one found.
        if (LocalVar* v = fs_->scopes.back().find(name)) {
          v->reg = cell;
          v->is_cell = true;
        }
      }
    } else {
      declare_pattern_with_cells(*p.target, false);
      bind_pattern(*p.target, reg, true);
    }
    if (p.is_parameter_property && p.target->kind == PatternKind::Identifier) {
      uint16_t level = fs_->next_reg;
      uint16_t self = alloc_reg(p.pos);
      uint16_t v = alloc_reg(p.pos);
      load_this(self, p.pos);
      const std::string& name = p.target->as<IdentifierPattern>().name;
      load_binding(resolve(name, p.pos), v, name, p.pos);
      emit(Opcode::SetProp, self, new_cache(name), v);
      free_regs_to(level);
    }
  }
}

void CodeGen::emit_closure(const FunctionNode& fn, uint16_t dest, const std::string& name_override) {
  uint32_t index = compile_function(fn, nullptr, false, name_override);
  mark_line(fn.pos);
  emit(Opcode::Closure, dest, uint16_t(index));
}

void CodeGen::emit_field_initializers(const ClassNode& cls) {
  uint16_t level = fs_->next_reg;
  uint16_t self = alloc_reg(cls.pos);
  uint16_t v = alloc_reg(cls.pos);
  bool loaded_this = false;
  for (const ClassMember& m : cls.members) {
    if (m.kind != ClassMemberKind::Field || m.is_static) continue;
    if (!loaded_this) {
      load_this(self, m.pos);
      loaded_this = true;
    }
    mark_line(m.pos);
    if (m.value) {
      expr_to(*m.value, v);
    } else {
      emit(Opcode::LoadUndef, v);
    }
    if (m.key.kind == PropertyKeyKind::Identifier || m.key.kind == PropertyKeyKind::String) {
      emit(Opcode::SetProp, self, new_cache_u16(m.key.string_value), v);
    } else {
      uint16_t k = alloc_reg(m.pos);
      property_key(m.key, k);
      emit(Opcode::SetElem, self, k, v);
    }
  }
  // Constructor parameter properties of a derived class run after super().
  free_regs_to(level);
}

void CodeGen::compile_class(const ClassNode& cls, uint16_t dest) {
  uint16_t level = fs_->next_reg;
  uint16_t klass = alloc_reg(cls.pos);
  uint16_t parent = alloc_reg(cls.pos);
  if (cls.super_class) {
    expr_to(*cls.super_class, parent);
  } else {
    emit(Opcode::LoadEmpty, parent);
  }
  bool derived = cls.super_class != nullptr;
  const ClassMember* ctor = nullptr;
  for (const ClassMember& m : cls.members)
    if (m.kind == ClassMemberKind::Constructor) ctor = &m;
  if (ctor != nullptr) {
    uint32_t idx = compile_function(*ctor->function, &cls, derived, cls.name);
    emit(Opcode::Closure, klass, uint16_t(idx));
  } else {
    // The implicit constructor: constructor(...args) { super(...args); fields }
    FunctionNode synthetic;
    synthetic.pos = cls.pos;
    synthetic.end_pos = cls.pos;
    synthetic.name = cls.name;
    synthetic.kind = FunctionKind::Constructor;
    FunctionState state;
    state.parent = fs_;
    state.node = &synthetic;
    state.ctor_class = &cls;
    state.is_derived_ctor = derived;
    static const NameSet kNothingCaptured;
    state.captured = &kNothingCaptured;
    state.proto.name = cls.name;
    state.proto.file = file_->file_index;
    state.proto.line = cls.pos.line;
    state.proto.column = cls.pos.column;
    state.proto.flags = kFunctionIsClassCtor | (derived ? kFunctionIsDerivedCtor : 0) | kFunctionHasRest;
    uint32_t index = uint32_t(module_.functions.size());
    module_.functions.emplace_back();
    FunctionState* saved = fs_;
    fs_ = &state;
    push_scope();
    uint16_t args = alloc_reg(cls.pos);
    if (derived) {
      uint16_t window = alloc_regs(3, cls.pos);
      emit(Opcode::Mov, uint16_t(window + 2), args);
      emit(Opcode::SuperCallSpread, window);
    }
    // Field initializers may capture `this` in arrows; the synthetic
    // constructor has no analysis, so they read r0 directly.
    emit_field_initializers(cls);
    emit(Opcode::ReturnUndef);
    pop_scope();
    fs_ = saved;
    state.proto.register_count = std::max<uint16_t>(state.max_reg, 2);
    module_.functions[index] = std::move(state.proto);
    emit(Opcode::Closure, klass, uint16_t(index));
  }
  mark_line(cls.pos);
  emit(Opcode::NewClass, klass, parent, name_constant(cls.name));
  uint16_t proto = alloc_reg(cls.pos);
  bool have_proto = false;
  uint16_t key = alloc_reg(cls.pos);
  uint16_t fn_reg = alloc_reg(cls.pos);
  for (const ClassMember& m : cls.members) {
    if (m.kind == ClassMemberKind::Constructor) continue;
    mark_line(m.pos);
    if (m.kind == ClassMemberKind::Field) {
      if (!m.is_static) continue;
      if (m.value) {
        expr_to(*m.value, fn_reg);
      } else {
        emit(Opcode::LoadUndef, fn_reg);
      }
      property_key(m.key, key);
      emit(Opcode::SetElem, klass, key, fn_reg);
      continue;
    }
    uint16_t target = klass;
    if (!m.is_static) {
      if (!have_proto) {
        emit(Opcode::GetProp, proto, klass, new_cache("prototype"));
        have_proto = true;
      }
      target = proto;
    }
    property_key(m.key, key);
    uint32_t idx = compile_function(*m.function, nullptr, false, m.key.name);
    emit(Opcode::Closure, fn_reg, uint16_t(idx));
    Opcode op = m.kind == ClassMemberKind::Getter   ? Opcode::DefineGetter
                : m.kind == ClassMemberKind::Setter ? Opcode::DefineSetter
                                                    : Opcode::DefineMethod;
    emit(op, target, key, fn_reg);
  }
  if (dest != klass) emit(Opcode::Mov, dest, klass);
  free_regs_to(level);
}

}  // namespace raya::vm::compiler
