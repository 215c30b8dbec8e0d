// Files as units of a bundle: top-level names become globals, exports map
// names to global slots, imports alias another file's slots (live bindings).
#include <algorithm>

#include "vmcore/compiler/codegen.hpp"

namespace raya::vm::compiler {

namespace {

const Stmt* unwrap(const Stmt* s) {
  if (s->kind == StmtKind::ExportDecl) return s->as<ExportDeclStmt>().declaration.get();
  if (s->kind == StmtKind::ExportDefault && s->as<ExportDefaultStmt>().declaration)
    return s->as<ExportDefaultStmt>().declaration.get();
  return s;
}

/// The names each `raya:` module exports (the VM registers "raya:<m>.<name>").
const std::vector<std::string>* vm_module_exports(const std::string& specifier) {
  static const std::vector<std::string> kTask = {"sleep", "yieldNow"};
  if (specifier == "raya:task") return &kTask;
  return nullptr;
}

}  // namespace

bool is_vm_module(const std::string& specifier) {
  return specifier.rfind("host:", 0) == 0 || specifier.rfind("raya:", 0) == 0;
}

uint16_t CodeGen::builtin_import_index(const std::string& name) {
  auto it = builtin_imports_.find(name);
  if (it != builtin_imports_.end()) return it->second;
  auto idx = uint16_t(module_.builtin_imports.size());
  module_.builtin_imports.push_back(name);
  builtin_imports_[name] = idx;
  return idx;
}

void CodeGen::bind_vm_module_import(FileUnit& file, const ImportStmt& imp) {
  bool is_host = imp.source.rfind("host:", 0) == 0;
  const std::vector<std::string>* exports = is_host ? nullptr : vm_module_exports(imp.source);
  if (!is_host && exports == nullptr) return;  // reported by the bundler
  auto bind = [&](const std::string& local, std::string builtin, SourcePos pos) {
    if (file.top.count(local)) {
      error(pos, "Import declaration conflicts with local declaration of '" + local + "'");
      return;
    }
    FileBinding b;
    b.kind = FileBinding::Kind::Builtin;
    b.is_const = true;
    b.builtin = std::move(builtin);
    file.top[local] = b;
  };
  if (is_host) {
    if (!imp.default_local.empty() || !imp.namespace_local.empty()) {
      error(imp.pos, "host capabilities are imported by name: import { name } from \"host:\"");
      return;
    }
    for (const ImportSpecifier& spec : imp.named) {
      bind(spec.local, "host:" + spec.imported, spec.pos);
      // Recorded even if never used: least privilege is checked against
      // what a module asks for, before anything runs.
      builtin_import_index("host:" + spec.imported);
    }
    return;
  }
  if (!imp.default_local.empty()) error(imp.pos, "Module '" + imp.source + "' has no default export");
  for (const ImportSpecifier& spec : imp.named) {
    if (std::find(exports->begin(), exports->end(), spec.imported) == exports->end()) {
      error(spec.pos, "Module '" + imp.source + "' has no exported member '" + spec.imported + "'");
      continue;
    }
    bind(spec.local, imp.source + "." + spec.imported, spec.pos);
  }
  if (!imp.namespace_local.empty()) bind(imp.namespace_local, imp.source, imp.pos);
}

void CodeGen::declare_file(FileUnit& file) {
  file_ = &file;
  auto declare = [&](const std::string& name, bool is_const, SourcePos pos) -> uint32_t {
    if (file.top.count(name)) {
      error(pos, "Cannot redeclare '" + name + "'");
      return file.top[name].index;
    }
    uint32_t slot = uint32_t(module_.globals.size());
    module_.globals.push_back(Global{file.path + ":" + name, uint8_t(is_const ? kGlobalConst : 0)});
    file.top[name] = FileBinding{FileBinding::Kind::Global, slot, is_const};
    return slot;
  };
  for (const StmtPtr& sp : file.program->body) {
    const Stmt* s = unwrap(sp.get());
    std::vector<std::string> names;
    bool is_const = false;
    SourcePos pos = s->pos;
    switch (s->kind) {
      case StmtKind::VarDecl:
        is_const = s->as<VarDeclStmt>().decl_kind == DeclKind::Const;
        for (const auto& d : s->as<VarDeclStmt>().declarators) {
          pattern_names(*d.target, names);
          pos = d.target->pos;
        }
        break;
      case StmtKind::FunctionDecl: names.push_back(s->as<FunctionDeclStmt>().function->name); break;
      case StmtKind::ClassDecl: names.push_back(s->as<ClassDeclStmt>().klass->name); break;
      case StmtKind::EnumDecl:
        names.push_back(s->as<EnumDeclStmt>().name);
        is_const = true;
        break;
      default: break;
    }
    for (const std::string& n : names) {
      if (n.empty()) continue;
      uint32_t slot = declare(n, is_const, pos);
      if (sp->kind == StmtKind::ExportDecl) file.exports[n] = slot;
    }
    if (sp->kind == StmtKind::ExportDefault) {
      uint32_t slot = declare("*default*", true, sp->pos);
      file.exports["default"] = slot;
    }
  }
}

void CodeGen::resolve_exports(FileUnit& file, std::vector<std::unique_ptr<FileUnit>>& files) {
  file_ = &file;
  files_ = &files;
  size_t dep = 0;
  for (const StmtPtr& sp : file.program->body) {
    if (sp->kind == StmtKind::Import) {
      const auto& imp = sp->as<ImportStmt>();
      if (is_vm_module(imp.source)) {
        bind_vm_module_import(file, imp);
        continue;
      }
      if (dep >= file.dependencies.size()) continue;
      FileUnit& from = *files[file.dependencies[dep++]];
      auto bind = [&](const std::string& imported, const std::string& local, SourcePos pos) {
        auto it = from.exports.find(imported);
        if (it == from.exports.end()) {
          error(pos, "Module '" + imp.source + "' has no exported member '" + imported + "'");
          return;
        }
        if (file.top.count(local)) {
          error(pos, "Import declaration conflicts with local declaration of '" + local + "'");
          return;
        }
        file.top[local] = FileBinding{FileBinding::Kind::Global, it->second, true};
      };
      if (!imp.default_local.empty()) bind("default", imp.default_local, imp.pos);
      for (const ImportSpecifier& spec : imp.named) bind(spec.imported, spec.local, spec.pos);
      if (!imp.namespace_local.empty()) {
        uint32_t slot = uint32_t(module_.globals.size());
        module_.globals.push_back(Global{file.path + ":* as " + imp.namespace_local, kGlobalConst});
        file.top[imp.namespace_local] = FileBinding{FileBinding::Kind::Namespace, from.file_index, true, slot};
      }
    } else if (sp->kind == StmtKind::ExportNamed) {
      const auto& ex = sp->as<ExportNamedStmt>();
      if (!ex.source.empty()) {
        if (is_vm_module(ex.source)) continue;  // refused by the bundler
        if (dep >= file.dependencies.size()) continue;
        FileUnit& from = *files[file.dependencies[dep++]];
        if (ex.is_star) {
          if (!ex.star_as.empty()) {
            error(ex.pos, "'export * as' is not supported; import the namespace and export it");
            continue;
          }
          for (const auto& [name, slot] : from.exports)
            if (name != "default") file.exports[name] = slot;
          continue;
        }
        for (const ExportSpecifier& spec : ex.specifiers) {
          auto it = from.exports.find(spec.local);
          if (it == from.exports.end()) {
            error(spec.pos, "Module '" + ex.source + "' has no exported member '" + spec.local + "'");
          } else {
            file.exports[spec.exported] = it->second;
          }
        }
      }
    }
  }
  // Local `export { a as b }` after imports are known (it may re-export an import).
  for (const StmtPtr& sp : file.program->body) {
    if (sp->kind != StmtKind::ExportNamed) continue;
    const auto& ex = sp->as<ExportNamedStmt>();
    if (!ex.source.empty()) continue;
    for (const ExportSpecifier& spec : ex.specifiers) {
      auto it = file.top.find(spec.local);
      if (it == file.top.end() || it->second.kind != FileBinding::Kind::Global) {
        error(spec.pos, "Cannot export '" + spec.local + "': no such top-level declaration");
      } else {
        file.exports[spec.exported] = it->second.index;
      }
    }
  }
  file.exports_resolved = true;
}

uint32_t CodeGen::compile_file(FileUnit& file, std::vector<std::unique_ptr<FileUnit>>& files) {
  file_ = &file;
  files_ = &files;
  FunctionState state;
  state.is_file_top = true;
  state.captured = &free_names_.captured_by_file(*file.program);
  state.proto.name = "<module>";
  state.proto.file = file.file_index;
  state.proto.line = 1;
  state.proto.column = 1;
  state.proto.flags = kFunctionIsModuleInit;
  uint32_t index = uint32_t(module_.functions.size());
  module_.functions.emplace_back();
  fs_ = &state;
  // Namespace objects (`import * as ns`) first: one per import, with live
  // getters, so every use sees the same object and current values.
  for (const auto& [local, binding] : file.top) {
    if (binding.kind != FileBinding::Kind::Namespace) continue;
    FileUnit& from = *files[binding.index];
    uint16_t obj = alloc_reg({});
    emit(Opcode::NewObject, obj);
    for (const auto& [exported, slot] : from.exports)
      emit(Opcode::DefineExport, obj, name_constant(exported), uint16_t(slot));
    emit(Opcode::SetGlobal, obj, uint16_t(binding.object_slot), 0);
    free_regs_to(obj);
  }
  hoist_declarations(file.program->body);
  statements(file.program->body);
  emit(Opcode::ReturnUndef);
  fs_ = nullptr;
  state.proto.register_count = std::max<uint16_t>(state.max_reg, 2);
  module_.functions[index] = std::move(state.proto);
  file.init_function = index;
  return index;
}

uint32_t CodeGen::emit_entry(const std::vector<uint32_t>& init_functions, uint32_t result_file) {
  FunctionProto proto;
  proto.name = "<entry>";
  proto.file = result_file;
  proto.flags = kFunctionIsModuleInit;
  proto.register_count = 3;
  for (uint32_t f : init_functions) {
    proto.code.push_back(encode(Opcode::Closure, 1, uint16_t(f)));
    proto.code.push_back(encode(Opcode::LoadUndef, 2));
    proto.code.push_back(encode(Opcode::Call, 1, 0));
  }
  if (init_functions.empty()) proto.code.push_back(encode(Opcode::LoadUndef, 1));
  proto.code.push_back(encode(Opcode::Return, 1));
  module_.functions.push_back(std::move(proto));
  return uint32_t(module_.functions.size() - 1);
}

}  // namespace raya::vm::compiler
