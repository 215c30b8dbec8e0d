// Destructuring: declaring and binding object/array patterns.
#include "vmcore/compiler/codegen.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm::compiler {

void CodeGen::collect_pattern_names(const Pattern& p, std::vector<std::string>& out) { pattern_names(p, out); }

void CodeGen::declare_pattern(const Pattern& p, bool is_const) {
  // File-level declarations are globals, declared before code generation.
  if (fs_->is_file_top && fs_->scopes.empty()) return;
  std::vector<std::string> names;
  pattern_names(p, names);
  for (const std::string& n : names) declare_local(n, is_const, true, p.pos);
}

void CodeGen::declare_pattern_with_cells(const Pattern& p, bool is_const) {
  if (fs_->is_file_top && fs_->scopes.empty()) return;
  size_t first_new = fs_->scopes.back().vars.size();
  declare_pattern(p, is_const);
  auto& vars = fs_->scopes.back().vars;
  for (size_t i = first_new; i < vars.size(); ++i) {
    if (!vars[i].is_cell) continue;
    uint16_t level = fs_->next_reg;
    uint16_t empty = alloc_reg(p.pos);
    emit(Opcode::LoadEmpty, empty);
    emit(Opcode::NewCell, vars[i].reg, empty);
    free_regs_to(level);
  }
}

void CodeGen::assign_member(const MemberExpr& m, uint16_t value) {
  uint16_t level = fs_->next_reg;
  if (m.object->kind == ExprKind::Super) {
    error(m.pos, "assigning to 'super' properties is not supported");
    return;
  }
  uint16_t obj = expr_any(*m.object);
  if (m.computed) {
    uint16_t k = expr_any(*m.computed);
    note_expr(*m.object);
    emit(Opcode::SetElem, obj, k, value);
  } else {
    note_expr(*m.object);
    emit(Opcode::SetProp, obj, new_cache(m.property), value);
  }
  free_regs_to(level);
}

void CodeGen::bind_pattern(const Pattern& p, uint16_t src, bool is_declaration) {
  uint16_t level = fs_->next_reg;
  switch (p.kind) {
    case PatternKind::Identifier: {
      const std::string& name = p.as<IdentifierPattern>().name;
      store_binding(resolve(name, p.pos), src, name, p.pos, is_declaration);
      if (is_declaration)
        if (LocalVar* v = find_local(fs_, name)) v->initialized = true;
      break;
    }
    case PatternKind::Member:
      assign_member(*p.as<MemberPattern>().member, src);
      break;
    case PatternKind::Object: {
      const auto& o = p.as<ObjectPattern>();
      uint16_t value = alloc_reg(p.pos);
      std::vector<uint16_t> computed_keys;
      for (const ObjectPatternProperty& prop : o.properties) {
        uint16_t inner = fs_->next_reg;
        switch (prop.key.kind) {
          case PropertyKeyKind::Identifier:
          case PropertyKeyKind::String:
            emit(Opcode::GetProp, value, src, new_cache_u16(prop.key.string_value));
            break;
          case PropertyKeyKind::Number: {
            uint16_t k = alloc_reg(prop.pos);
            load_int(k, prop.key.number_value);
            emit(Opcode::GetElem, value, src, k);
            break;
          }
          case PropertyKeyKind::Computed: {
            // Keep computed keys alive for a ...rest exclusion list.
            free_regs_to(inner);
            uint16_t k = alloc_reg(prop.pos);
            expr_to(*prop.key.computed, k);
            emit(Opcode::GetElem, value, src, k);
            computed_keys.push_back(k);
            inner = fs_->next_reg;
            break;
          }
        }
        if (prop.default_value) {
          size_t skip = emit_jump(Opcode::JmpIfNotUndef, value);
          expr_to(*prop.default_value, value);
          patch_to_here(skip);
        }
        bind_pattern(*prop.target, value, is_declaration);
        free_regs_to(inner);
      }
      if (o.rest) {
        uint16_t excluded = alloc_reg(p.pos);
        uint16_t k = alloc_reg(p.pos);
        emit(Opcode::NewArray, excluded, uint16_t(o.properties.size()));
        size_t computed_index = 0;
        for (const ObjectPatternProperty& prop : o.properties) {
          switch (prop.key.kind) {
            case PropertyKeyKind::Identifier:
            case PropertyKeyKind::String:
              load_constant(k, constant_string(prop.key.string_value));
              emit(Opcode::ArrayPush, excluded, k);
              break;
            case PropertyKeyKind::Number:
              load_constant(k, constant_string_utf8(number_to_string(prop.key.number_value)));
              emit(Opcode::ArrayPush, excluded, k);
              break;
            case PropertyKeyKind::Computed:
              emit(Opcode::ToString, k, computed_keys[computed_index++]);
              emit(Opcode::ArrayPush, excluded, k);
              break;
          }
        }
        emit(Opcode::ObjectRest, value, src, excluded);
        bind_pattern(*o.rest, value, is_declaration);
      } else if (o.properties.empty()) {
        // `const {} = null` must still throw.
        emit(Opcode::GetProp, value, src, new_cache("constructor"));
      }
      break;
    }
    case PatternKind::Array: {
      const auto& a = p.as<ArrayPattern>();
      // Materialise the iterable once (arrays, strings, Maps, Sets alike).
      uint16_t items = alloc_reg(p.pos);
      emit(Opcode::ArrayRest, items, src, 0);
      uint16_t value = alloc_reg(p.pos);
      uint16_t index = alloc_reg(p.pos);
      for (size_t i = 0; i < a.elements.size(); ++i) {
        const ArrayPatternElement& el = a.elements[i];
        if (!el.target) continue;
        load_int(index, double(i));
        emit(Opcode::GetElem, value, items, index);
        if (el.default_value) {
          size_t skip = emit_jump(Opcode::JmpIfNotUndef, value);
          expr_to(*el.default_value, value);
          patch_to_here(skip);
        }
        bind_pattern(*el.target, value, is_declaration);
      }
      if (a.rest) {
        emit(Opcode::ArrayRest, value, items, uint16_t(std::min<size_t>(a.elements.size(), 65535)));
        bind_pattern(*a.rest, value, is_declaration);
      }
      break;
    }
  }
  free_regs_to(level);
}

}  // namespace raya::vm::compiler
