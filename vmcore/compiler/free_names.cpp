#include "vmcore/compiler/free_names.hpp"

namespace raya::vm::compiler {

void pattern_names(const Pattern& p, std::vector<std::string>& out) {
  switch (p.kind) {
    case PatternKind::Identifier:
      out.push_back(p.as<IdentifierPattern>().name);
      return;
    case PatternKind::Member:
      return;
    case PatternKind::Object: {
      const auto& o = p.as<ObjectPattern>();
      for (const auto& prop : o.properties) pattern_names(*prop.target, out);
      if (o.rest) pattern_names(*o.rest, out);
      return;
    }
    case PatternKind::Array: {
      const auto& a = p.as<ArrayPattern>();
      for (const auto& el : a.elements)
        if (el.target) pattern_names(*el.target, out);
      if (a.rest) pattern_names(*a.rest, out);
      return;
    }
  }
}

namespace {

/// Names declared directly in a statement list (function-level declarations).
void top_level_declarations(const std::vector<StmtPtr>& body, NameSet& out) {
  std::vector<std::string> names;
  for (const StmtPtr& s : body) {
    const Stmt* stmt = s.get();
    if (stmt->kind == StmtKind::ExportDecl) stmt = stmt->as<ExportDeclStmt>().declaration.get();
    if (stmt->kind == StmtKind::ExportDefault) {
      const auto& d = stmt->as<ExportDefaultStmt>();
      if (!d.declaration) continue;
      stmt = d.declaration.get();
    }
    switch (stmt->kind) {
      case StmtKind::VarDecl:
        for (const auto& d : stmt->as<VarDeclStmt>().declarators) pattern_names(*d.target, names);
        break;
      case StmtKind::FunctionDecl:
        names.push_back(stmt->as<FunctionDeclStmt>().function->name);
        break;
      case StmtKind::ClassDecl:
        names.push_back(stmt->as<ClassDeclStmt>().klass->name);
        break;
      case StmtKind::EnumDecl:
        names.push_back(stmt->as<EnumDeclStmt>().name);
        break;
      default:
        break;
    }
  }
  for (auto& n : names) out.insert(std::move(n));
}

}  // namespace

const NameSet& FreeNames::captured_by_file(const Program& program) {
  auto it = files_.find(&program);
  if (it != files_.end()) return it->second;
  NameSet refs, captured;
  for (const StmtPtr& s : program.body) walk_stmt(*s, refs, captured);
  return files_[&program] = std::move(captured);
}

const NameSet& FreeNames::captured_by(const FunctionNode& fn) { return analyze(fn).captured; }

FreeNames::Info& FreeNames::analyze(const FunctionNode& fn) {
  Info& info = functions_[&fn];
  if (info.done) return info;
  info.done = true;
  NameSet refs, captured;
  for (const Param& p : fn.params) {
    walk_pattern(*p.target, refs, captured);
    if (p.default_value) walk_expr(*p.default_value, refs, captured);
  }
  for (const StmtPtr& s : fn.body) walk_stmt(*s, refs, captured);
  if (fn.expression_body) walk_expr(*fn.expression_body, refs, captured);
  NameSet declared;
  std::vector<std::string> params;
  for (const Param& p : fn.params) pattern_names(*p.target, params);
  declared.insert(params.begin(), params.end());
  top_level_declarations(fn.body, declared);
  if (fn.kind != FunctionKind::Arrow) declared.insert("this");
  Info& again = functions_[&fn];  // the map may have rehashed during the walk
  for (const std::string& r : refs)
    if (!declared.count(r)) again.free.insert(r);
  again.captured = std::move(captured);
  return again;
}

void FreeNames::walk_function(const FunctionNode& fn, NameSet& refs, NameSet& captured) {
  const NameSet& free = analyze(fn).free;
  for (const std::string& n : free) {
    refs.insert(n);
    captured.insert(n);
  }
}

void FreeNames::walk_class(const ClassNode& c, NameSet& refs, NameSet& captured) {
  if (c.super_class) walk_expr(*c.super_class, refs, captured);
  for (const ClassMember& m : c.members) {
    if (m.key.computed) walk_expr(*m.key.computed, refs, captured);
    if (m.function) walk_function(*m.function, refs, captured);
    if (m.value) {
      // Instance field initializers run inside the constructor (a nested
      // function); static ones run here but are treated the same way.
      NameSet inner_refs, inner_captured;
      walk_expr(*m.value, inner_refs, inner_captured);
      for (const std::string& n : inner_refs) {
        refs.insert(n);
        captured.insert(n);
      }
    }
  }
}

void FreeNames::walk_key(const PropertyKey& k, NameSet& refs, NameSet& captured) {
  if (k.computed) walk_expr(*k.computed, refs, captured);
}

void FreeNames::walk_pattern(const Pattern& p, NameSet& refs, NameSet& captured) {
  switch (p.kind) {
    case PatternKind::Identifier:
      refs.insert(p.as<IdentifierPattern>().name);
      return;
    case PatternKind::Member:
      walk_expr(*p.as<MemberPattern>().member, refs, captured);
      return;
    case PatternKind::Object: {
      const auto& o = p.as<ObjectPattern>();
      for (const auto& prop : o.properties) {
        walk_key(prop.key, refs, captured);
        walk_pattern(*prop.target, refs, captured);
        if (prop.default_value) walk_expr(*prop.default_value, refs, captured);
      }
      if (o.rest) walk_pattern(*o.rest, refs, captured);
      return;
    }
    case PatternKind::Array: {
      const auto& a = p.as<ArrayPattern>();
      for (const auto& el : a.elements) {
        if (el.target) walk_pattern(*el.target, refs, captured);
        if (el.default_value) walk_expr(*el.default_value, refs, captured);
      }
      if (a.rest) walk_pattern(*a.rest, refs, captured);
      return;
    }
  }
}

void FreeNames::walk_expr(const Expr& top, NameSet& refs, NameSet& captured) {
  // A flat chain is walked down its spine in a loop (ast.hpp: chains are not
  // depth-bounded); only each link's side children recurse.
  const Expr* link = &top;
  while (const Expr* next = chain_spine(*link)) {
    switch (link->kind) {
      case ExprKind::Binary: walk_expr(*link->as<BinaryExpr>().right, refs, captured); break;
      case ExprKind::Logical: walk_expr(*link->as<LogicalExpr>().right, refs, captured); break;
      case ExprKind::Call:
        for (const auto& a : link->as<CallExpr>().args) walk_expr(*a, refs, captured);
        break;
      case ExprKind::Member:
        if (link->as<MemberExpr>().computed) walk_expr(*link->as<MemberExpr>().computed, refs, captured);
        break;
      default: break;
    }
    link = next;
  }
  const Expr& e = *link;
  switch (e.kind) {
    case ExprKind::Number:
    case ExprKind::String:
    case ExprKind::Bool:
    case ExprKind::Null:
      return;
    case ExprKind::Template:
      for (const auto& x : e.as<TemplateExpr>().exprs) walk_expr(*x, refs, captured);
      return;
    case ExprKind::Identifier:
      refs.insert(e.as<IdentifierExpr>().name);
      return;
    case ExprKind::This:
    case ExprKind::Super:
      refs.insert("this");
      return;
    case ExprKind::Array:
      for (const auto& x : e.as<ArrayExpr>().elements) walk_expr(*x, refs, captured);
      return;
    case ExprKind::Object:
      for (const auto& p : e.as<ObjectExpr>().properties) {
        walk_key(p.key, refs, captured);
        if (p.value) walk_expr(*p.value, refs, captured);
      }
      return;
    case ExprKind::Function:
      walk_function(*e.as<FunctionExpr>().function, refs, captured);
      return;
    case ExprKind::Arrow:
      walk_function(*e.as<ArrowFunctionExpr>().function, refs, captured);
      return;
    case ExprKind::Class:
      walk_class(*e.as<ClassExpr>().klass, refs, captured);
      return;
    case ExprKind::Unary:
      walk_expr(*e.as<UnaryExpr>().operand, refs, captured);
      return;
    case ExprKind::Update:
      walk_expr(*e.as<UpdateExpr>().target, refs, captured);
      return;
    case ExprKind::Binary:
      walk_expr(*e.as<BinaryExpr>().left, refs, captured);
      walk_expr(*e.as<BinaryExpr>().right, refs, captured);
      return;
    case ExprKind::Logical:
      walk_expr(*e.as<LogicalExpr>().left, refs, captured);
      walk_expr(*e.as<LogicalExpr>().right, refs, captured);
      return;
    case ExprKind::Assign:
      walk_pattern(*e.as<AssignExpr>().target, refs, captured);
      walk_expr(*e.as<AssignExpr>().value, refs, captured);
      return;
    case ExprKind::Conditional: {
      const auto& c = e.as<ConditionalExpr>();
      walk_expr(*c.test, refs, captured);
      walk_expr(*c.consequent, refs, captured);
      walk_expr(*c.alternate, refs, captured);
      return;
    }
    case ExprKind::Call: {
      const auto& c = e.as<CallExpr>();
      walk_expr(*c.callee, refs, captured);
      for (const auto& a : c.args) walk_expr(*a, refs, captured);
      return;
    }
    case ExprKind::New: {
      const auto& c = e.as<NewExpr>();
      walk_expr(*c.callee, refs, captured);
      for (const auto& a : c.args) walk_expr(*a, refs, captured);
      return;
    }
    case ExprKind::Member: {
      const auto& m = e.as<MemberExpr>();
      walk_expr(*m.object, refs, captured);
      if (m.computed) walk_expr(*m.computed, refs, captured);
      return;
    }
    case ExprKind::OptionalChain:
      walk_expr(*e.as<OptionalChainExpr>().expr, refs, captured);
      return;
    case ExprKind::Await:
      walk_expr(*e.as<AwaitExpr>().operand, refs, captured);
      return;
    case ExprKind::Sequence:
      for (const auto& x : e.as<SequenceExpr>().exprs) walk_expr(*x, refs, captured);
      return;
    case ExprKind::Spread:
      walk_expr(*e.as<SpreadExpr>().argument, refs, captured);
      return;
  }
}

void FreeNames::walk_stmt(const Stmt& s, NameSet& refs, NameSet& captured) {
  switch (s.kind) {
    case StmtKind::VarDecl:
      for (const auto& d : s.as<VarDeclStmt>().declarators) {
        walk_pattern(*d.target, refs, captured);
        if (d.init) walk_expr(*d.init, refs, captured);
      }
      return;
    case StmtKind::FunctionDecl: {
      const auto& f = *s.as<FunctionDeclStmt>().function;
      refs.insert(f.name);
      walk_function(f, refs, captured);
      return;
    }
    case StmtKind::ClassDecl: {
      const auto& c = *s.as<ClassDeclStmt>().klass;
      refs.insert(c.name);
      walk_class(c, refs, captured);
      return;
    }
    case StmtKind::Expression:
      walk_expr(*s.as<ExprStmt>().expr, refs, captured);
      return;
    case StmtKind::Block:
      for (const auto& x : s.as<BlockStmt>().body) walk_stmt(*x, refs, captured);
      return;
    case StmtKind::If: {
      // An else-if chain is flat: a loop, not recursion.
      const Stmt* link = &s;
      while (link && link->kind == StmtKind::If) {
        const auto& i = link->as<IfStmt>();
        walk_expr(*i.test, refs, captured);
        walk_stmt(*i.consequent, refs, captured);
        link = i.alternate.get();
      }
      if (link) walk_stmt(*link, refs, captured);
      return;
    }
    case StmtKind::While:
      walk_expr(*s.as<WhileStmt>().test, refs, captured);
      walk_stmt(*s.as<WhileStmt>().body, refs, captured);
      return;
    case StmtKind::DoWhile:
      walk_stmt(*s.as<DoWhileStmt>().body, refs, captured);
      walk_expr(*s.as<DoWhileStmt>().test, refs, captured);
      return;
    case StmtKind::For: {
      const auto& f = s.as<ForStmt>();
      if (f.init) walk_stmt(*f.init, refs, captured);
      if (f.test) walk_expr(*f.test, refs, captured);
      if (f.update) walk_expr(*f.update, refs, captured);
      walk_stmt(*f.body, refs, captured);
      return;
    }
    case StmtKind::ForOf:
    case StmtKind::ForIn: {
      const auto& f = s.as<ForEachStmt>();
      walk_pattern(*f.target, refs, captured);
      walk_expr(*f.iterable, refs, captured);
      walk_stmt(*f.body, refs, captured);
      return;
    }
    case StmtKind::Switch: {
      const auto& sw = s.as<SwitchStmt>();
      walk_expr(*sw.discriminant, refs, captured);
      for (const auto& c : sw.cases) {
        if (c.test) walk_expr(*c.test, refs, captured);
        for (const auto& x : c.body) walk_stmt(*x, refs, captured);
      }
      return;
    }
    case StmtKind::Labeled:
      walk_stmt(*s.as<LabeledStmt>().body, refs, captured);
      return;
    case StmtKind::Return:
      if (s.as<ReturnStmt>().value) walk_expr(*s.as<ReturnStmt>().value, refs, captured);
      return;
    case StmtKind::Throw:
      walk_expr(*s.as<ThrowStmt>().value, refs, captured);
      return;
    case StmtKind::Try: {
      const auto& t = s.as<TryStmt>();
      walk_stmt(*t.block, refs, captured);
      if (t.catch_param) walk_pattern(*t.catch_param, refs, captured);
      if (t.handler) walk_stmt(*t.handler, refs, captured);
      if (t.finalizer) walk_stmt(*t.finalizer, refs, captured);
      return;
    }
    case StmtKind::EnumDecl:
      refs.insert(s.as<EnumDeclStmt>().name);
      for (const auto& m : s.as<EnumDeclStmt>().members)
        if (m.init) walk_expr(*m.init, refs, captured);
      return;
    case StmtKind::ExportDecl:
      walk_stmt(*s.as<ExportDeclStmt>().declaration, refs, captured);
      return;
    case StmtKind::ExportDefault: {
      const auto& d = s.as<ExportDefaultStmt>();
      if (d.expr) walk_expr(*d.expr, refs, captured);
      if (d.declaration) walk_stmt(*d.declaration, refs, captured);
      return;
    }
    case StmtKind::ExportNamed:
      for (const auto& sp : s.as<ExportNamedStmt>().specifiers) refs.insert(sp.local);
      return;
    case StmtKind::Break:
    case StmtKind::Continue:
    case StmtKind::Empty:
    case StmtKind::Import:
      return;
  }
}

}  // namespace raya::vm::compiler
