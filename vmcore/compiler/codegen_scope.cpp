// Scopes, declarations, hoisting and name resolution.
#include <algorithm>

#include "vmcore/compiler/codegen.hpp"

namespace raya::vm::compiler {

bool CodeGen::is_captured(const std::string& name) const {
  return fs_->captured != nullptr && fs_->captured->count(name) != 0;
}

void CodeGen::push_scope() { fs_->scopes.push_back(BlockScope{{}, fs_->next_reg, {}}); }

void CodeGen::pop_scope() {
  fs_->next_reg = fs_->scopes.back().reg_base;
  fs_->scopes.pop_back();
}

LocalVar& CodeGen::declare_local(const std::string& name, bool is_const, bool is_lexical, SourcePos pos) {
  BlockScope& scope = fs_->scopes.back();
  if (LocalVar* v = scope.find(name)) {
    error(pos, "Cannot redeclare block-scoped variable '" + name + "'");
    return *v;
  }
  // Locals must sit below every temporary: the scope's registers grow from
  // its base, and declarations happen at statement boundaries.
  uint16_t reg = alloc_reg(pos);
  return scope.add(LocalVar{name, reg, is_captured(name), is_const, false, is_lexical});
}

namespace {

const Stmt* unwrap_export(const Stmt* s) {
  if (s->kind == StmtKind::ExportDecl) return s->as<ExportDeclStmt>().declaration.get();
  if (s->kind == StmtKind::ExportDefault && s->as<ExportDefaultStmt>().declaration)
    return s->as<ExportDefaultStmt>().declaration.get();
  return s;
}

}  // namespace

void CodeGen::predeclare_block(const std::vector<StmtPtr>& body) {
  // Declare every lexical name of the block first so that uses before the
  // declaration (in hoisted functions, or in TDZ) resolve to it.
  size_t first_new = fs_->scopes.back().vars.size();
  for (const StmtPtr& sp : body) {
    const Stmt* s = unwrap_export(sp.get());
    switch (s->kind) {
      case StmtKind::VarDecl: {
        const auto& d = s->as<VarDeclStmt>();
        for (const auto& decl : d.declarators) declare_pattern(*decl.target, d.decl_kind == DeclKind::Const);
        break;
      }
      case StmtKind::FunctionDecl:
        declare_local(s->as<FunctionDeclStmt>().function->name, false, false, s->pos);
        break;
      case StmtKind::ClassDecl:
        declare_local(s->as<ClassDeclStmt>().klass->name, false, true, s->pos);
        break;
      case StmtKind::EnumDecl:
        declare_local(s->as<EnumDeclStmt>().name, true, true, s->pos);
        break;
      default:
        break;
    }
  }
  // Captured variables get their cells now (holding <empty> until declared),
  // so closures created before the declaration share them.
  auto& vars = fs_->scopes.back().vars;
  for (size_t i = first_new; i < vars.size(); ++i) {
    if (!vars[i].is_cell) continue;
    uint16_t level = fs_->next_reg;
    uint16_t empty = alloc_reg({});
    emit(Opcode::LoadEmpty, empty);
    emit(Opcode::NewCell, vars[i].reg, empty);
    free_regs_to(level);
  }
}

void CodeGen::hoist_declarations(const std::vector<StmtPtr>& body) {
  for (const StmtPtr& sp : body) {
    const Stmt* s = unwrap_export(sp.get());
    if (s->kind != StmtKind::FunctionDecl) continue;
    const FunctionNode& fn = *s->as<FunctionDeclStmt>().function;
    Binding b = resolve(fn.name, s->pos);
    uint16_t level = fs_->next_reg;
    uint16_t tmp = alloc_reg(s->pos);
    emit_closure(fn, tmp);
    store_binding(b, tmp, fn.name, s->pos, true);
    free_regs_to(level);
    if (LocalVar* v = find_local(fs_, fn.name)) v->initialized = true;
  }
}

LocalVar* CodeGen::find_local(FunctionState* fs, const std::string& name) {
  for (size_t i = fs->scopes.size(); i-- > 0;)
    if (LocalVar* v = fs->scopes[i].find(name)) return v;
  return nullptr;
}

Binding CodeGen::resolve_in(FunctionState* fs, const std::string& name) {
  Binding b;
  if (name == "this" && !fs->is_arrow) {
    if (fs->is_file_top) {
      b.kind = Binding::Kind::Undefined;
      return b;
    }
    b.kind = fs->this_in_cell ? Binding::Kind::Cell : Binding::Kind::Local;
    b.index = fs->this_in_cell ? fs->this_cell_reg : 0;
    return b;
  }
  if (name != "this") {
    if (LocalVar* v = find_local(fs, name)) {
      b.kind = v->is_cell ? Binding::Kind::Cell : Binding::Kind::Local;
      b.index = v->reg;
      b.is_const = v->is_const;
      b.maybe_uninitialized = !v->initialized;
      return b;
    }
  }
  if (fs->parent == nullptr) return b;  // Missing: try file scope and builtins
  Binding outer = resolve_in(fs->parent, name);
  uint8_t from;
  switch (outer.kind) {
    case Binding::Kind::Cell: from = uint8_t(Capture::From::ParentRegister); break;
    case Binding::Kind::Upvalue: from = uint8_t(Capture::From::ParentUpvalue); break;
    case Binding::Kind::Local:
      // The free-name analysis is conservative, so this means a bug in it.
      error({fs->last_line, fs->last_column}, "internal compiler error: '" + name + "' captured but not boxed");
      return outer;
    default:
      return outer;
  }
  auto key = std::make_pair(from, uint16_t(outer.index));
  auto it = fs->upvalue_of.find(key);
  uint16_t idx;
  if (it != fs->upvalue_of.end()) {
    idx = it->second;
  } else {
    idx = uint16_t(fs->proto.captures.size());
    fs->proto.captures.push_back(Capture{Capture::From(from), uint16_t(outer.index)});
    fs->upvalue_of[key] = idx;
  }
  Binding up;
  up.kind = Binding::Kind::Upvalue;
  up.index = idx;
  up.is_const = outer.is_const;
  // From inside a closure we cannot know whether the declaration ran yet.
  LocalVar* v = name == "this" ? nullptr : find_local(fs->parent, name);
  up.maybe_uninitialized = outer.kind == Binding::Kind::Upvalue ? outer.maybe_uninitialized
                                                               : (v != nullptr && v->is_lexical);
  return up;
}

Binding CodeGen::resolve(const std::string& name, SourcePos pos) {
  Binding b = resolve_in(fs_, name);
  if (b.kind != Binding::Kind::Missing) return b;
  auto it = file_->top.find(name);
  if (it != file_->top.end() && it->second.kind == FileBinding::Kind::Builtin) {
    b.kind = Binding::Kind::Builtin;
    b.index = builtin_import_index(it->second.builtin);
    b.is_const = true;
    return b;
  }
  if (it != file_->top.end()) {
    b.kind = it->second.kind == FileBinding::Kind::Namespace ? Binding::Kind::Namespace : Binding::Kind::Global;
    b.index = it->second.kind == FileBinding::Kind::Namespace ? it->second.object_slot : it->second.index;
    b.is_const = it->second.is_const;
    return b;
  }
  if (name == "undefined") {
    b.kind = Binding::Kind::Undefined;
    b.is_const = true;
    return b;
  }
  if (std::find(builtin_names_.begin(), builtin_names_.end(), name) != builtin_names_.end()) {
    b.kind = Binding::Kind::Builtin;
    b.index = builtin_import_index(name);
    b.is_const = true;
    return b;
  }
  error(pos, "Cannot find name '" + name + "'");
  b.kind = Binding::Kind::Undefined;
  return b;
}

void CodeGen::load_this(uint16_t dest, SourcePos pos) {
  if (fs_->has_super_flag) emit(Opcode::CheckInit, fs_->super_flag_reg, name_constant("this"));
  Binding b = resolve("this", pos);
  switch (b.kind) {
    case Binding::Kind::Local:
      if (dest != b.index) emit(Opcode::Mov, dest, uint16_t(b.index));
      return;
    case Binding::Kind::Cell: emit(Opcode::GetCell, dest, uint16_t(b.index)); return;
    case Binding::Kind::Upvalue: emit(Opcode::GetUpval, dest, uint16_t(b.index)); return;
    default: emit(Opcode::LoadUndef, dest); return;
  }
}

void CodeGen::load_binding(const Binding& b, uint16_t dest, const std::string& name, SourcePos pos) {
  switch (b.kind) {
    case Binding::Kind::Local:
      if (b.maybe_uninitialized) {
        emit(Opcode::LoadEmpty, dest);
        emit(Opcode::CheckInit, dest, name_constant(name));
        return;
      }
      if (dest != b.index) emit(Opcode::Mov, dest, uint16_t(b.index));
      return;
    case Binding::Kind::Cell:
      emit(Opcode::GetCell, dest, uint16_t(b.index));
      if (b.maybe_uninitialized) emit(Opcode::CheckInit, dest, name_constant(name));
      return;
    case Binding::Kind::Upvalue:
      emit(Opcode::GetUpval, dest, uint16_t(b.index));
      if (b.maybe_uninitialized) emit(Opcode::CheckInit, dest, name_constant(name));
      return;
    case Binding::Kind::Global:
      emit(Opcode::GetGlobal, dest, uint16_t(b.index));
      return;
    case Binding::Kind::Builtin:
      emit(Opcode::GetBuiltin, dest, uint16_t(b.index));
      return;
    case Binding::Kind::Namespace:
      // The file's one namespace object (built at its start, live getters).
      emit(Opcode::GetGlobal, dest, uint16_t(b.index));
      return;
    case Binding::Kind::Undefined:
    case Binding::Kind::Missing:
      emit(Opcode::LoadUndef, dest);
      return;
  }
}

void CodeGen::store_binding(const Binding& b, uint16_t src, const std::string& name, SourcePos pos, bool is_init) {
  if (!is_init && b.is_const) {
    error(pos, "Cannot assign to '" + name + "' because it is a constant");
    return;
  }
  switch (b.kind) {
    case Binding::Kind::Local:
      if (!is_init && b.maybe_uninitialized) {
        uint16_t level = fs_->next_reg;
        uint16_t tmp = alloc_reg(pos);
        emit(Opcode::LoadEmpty, tmp);
        emit(Opcode::CheckInit, tmp, name_constant(name));
        free_regs_to(level);
      }
      if (src != b.index) emit(Opcode::Mov, uint16_t(b.index), src);
      return;
    case Binding::Kind::Cell:
      emit(Opcode::SetCell, uint16_t(b.index), src);
      return;
    case Binding::Kind::Upvalue:
      if (!is_init && b.maybe_uninitialized) {
        uint16_t level = fs_->next_reg;
        uint16_t tmp = alloc_reg(pos);
        emit(Opcode::GetUpval, tmp, uint16_t(b.index));
        emit(Opcode::CheckInit, tmp, name_constant(name));
        free_regs_to(level);
      }
      emit(Opcode::SetUpval, src, uint16_t(b.index));
      return;
    case Binding::Kind::Global:
      emit(Opcode::SetGlobal, src, uint16_t(b.index), is_init ? 0 : 1);
      return;
    case Binding::Kind::Builtin:
    case Binding::Kind::Namespace:
    case Binding::Kind::Undefined:
      error(pos, "Cannot assign to '" + name + "'");
      return;
    case Binding::Kind::Missing:
      return;
  }
}

}  // namespace raya::vm::compiler
