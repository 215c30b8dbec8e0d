// S-expression printing of the AST, for tests and debugging. The format is
// for people; nothing parses it back.
#include <charconv>
#include <string>

#include "vmcore/compiler/ast.hpp"

namespace raya::vm::compiler {

namespace {

std::string number_text(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string quote(const std::u16string& text) {
  std::string out = "\"";
  for (char16_t c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      static const char* digits = "0123456789abcdef";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += digits[(c >> shift) & 15];
    }
  }
  return out + "\"";
}

std::string dump_key(const PropertyKey& key) {
  switch (key.kind) {
    case PropertyKeyKind::Identifier: return key.name;
    case PropertyKeyKind::String: return quote(key.string_value);
    case PropertyKeyKind::Number: return number_text(key.number_value);
    case PropertyKeyKind::Computed: return "[" + dump_expr(*key.computed) + "]";
  }
  return "?";
}

std::string dump_body(const std::vector<StmtPtr>& body) {
  std::string out;
  for (const auto& s : body) out += " " + dump_stmt(*s);
  return out;
}

std::string dump_params(const std::vector<Param>& params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (i) out += " ";
    if (p.is_parameter_property) out += "+";
    if (p.is_rest) out += "...";
    out += dump_pattern(*p.target);
    if (p.is_optional) out += "?";
    if (p.default_value) out += "=" + dump_expr(*p.default_value);
  }
  return out + ")";
}

std::string dump_function(const FunctionNode& fn) {
  std::string out = "(";
  switch (fn.kind) {
    case FunctionKind::Normal: out += "function"; break;
    case FunctionKind::Arrow: out += "arrow"; break;
    case FunctionKind::Method: out += "method"; break;
    case FunctionKind::Getter: out += "get"; break;
    case FunctionKind::Setter: out += "set"; break;
    case FunctionKind::Constructor: out += "constructor"; break;
  }
  if (fn.is_async) out += " async";
  if (!fn.name.empty() && fn.kind != FunctionKind::Arrow) out += " " + fn.name;
  out += " " + dump_params(fn.params);
  if (fn.expression_body) {
    out += " " + dump_expr(*fn.expression_body);
  } else {
    out += dump_body(fn.body);
  }
  return out + ")";
}

std::string dump_class(const ClassNode& klass) {
  std::string out = "(class";
  if (!klass.name.empty()) out += " " + klass.name;
  if (klass.super_class) out += " (extends " + dump_expr(*klass.super_class) + ")";
  for (const ClassMember& m : klass.members) {
    out += " ";
    if (m.kind == ClassMemberKind::Field) {
      out += std::string("(field ") + (m.is_static ? "static " : "") + dump_key(m.key);
      if (m.value) out += " " + dump_expr(*m.value);
      out += ")";
    } else {
      std::string fn = dump_function(*m.function);
      if (m.is_static) fn.insert(1, "static ");
      out += fn;
    }
  }
  return out + ")";
}

const char* binary_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
    case BinaryOp::Exp: return "**";
    case BinaryOp::Eq: return "==";
    case BinaryOp::NotEq: return "!=";
    case BinaryOp::StrictEq: return "===";
    case BinaryOp::StrictNotEq: return "!==";
    case BinaryOp::Lt: return "<";
    case BinaryOp::LtEq: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::GtEq: return ">=";
    case BinaryOp::BitAnd: return "&";
    case BinaryOp::BitOr: return "|";
    case BinaryOp::BitXor: return "^";
    case BinaryOp::Shl: return "<<";
    case BinaryOp::Shr: return ">>";
    case BinaryOp::UShr: return ">>>";
    case BinaryOp::In: return "in";
    case BinaryOp::Instanceof: return "instanceof";
  }
  return "?";
}

const char* assign_name(AssignOp op) {
  switch (op) {
    case AssignOp::Assign: return "=";
    case AssignOp::Add: return "+=";
    case AssignOp::Sub: return "-=";
    case AssignOp::Mul: return "*=";
    case AssignOp::Div: return "/=";
    case AssignOp::Mod: return "%=";
    case AssignOp::Exp: return "**=";
    case AssignOp::Shl: return "<<=";
    case AssignOp::Shr: return ">>=";
    case AssignOp::UShr: return ">>>=";
    case AssignOp::BitAnd: return "&=";
    case AssignOp::BitOr: return "|=";
    case AssignOp::BitXor: return "^=";
    case AssignOp::And: return "&&=";
    case AssignOp::Or: return "||=";
    case AssignOp::Nullish: return "?" "?=";
  }
  return "?";
}

std::string dump_args(const std::vector<ExprPtr>& args) {
  std::string out;
  for (const auto& a : args) out += " " + dump_expr(*a);
  return out;
}

std::string opt(const Stmt* s) { return s ? dump_stmt(*s) : "_"; }
std::string opt(const Expr* e) { return e ? dump_expr(*e) : "_"; }

}  // namespace

std::string dump_expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number: return number_text(e.as<NumberExpr>().value);
    case ExprKind::String: return quote(e.as<StringExpr>().value);
    case ExprKind::Template: {
      const auto& t = e.as<TemplateExpr>();
      std::string out = "(template " + quote(t.quasis[0]);
      for (size_t i = 0; i < t.exprs.size(); ++i) {
        out += " " + dump_expr(*t.exprs[i]);
        if (i + 1 < t.quasis.size()) out += " " + quote(t.quasis[i + 1]);
      }
      return out + ")";
    }
    case ExprKind::Bool: return e.as<BoolExpr>().value ? "true" : "false";
    case ExprKind::Null: return "null";
    case ExprKind::Identifier: return e.as<IdentifierExpr>().name;
    case ExprKind::This: return "this";
    case ExprKind::Super: return "super";
    case ExprKind::Array: return "(array" + dump_args(e.as<ArrayExpr>().elements) + ")";
    case ExprKind::Object: {
      std::string out = "(object";
      for (const ObjectProperty& p : e.as<ObjectExpr>().properties) {
        switch (p.kind) {
          case PropertyKind::Init:
            out += p.shorthand ? " " + dump_key(p.key) : " " + dump_key(p.key) + ":" + dump_expr(*p.value);
            break;
          case PropertyKind::Spread: out += " (spread " + dump_expr(*p.value) + ")"; break;
          default: out += " " + dump_key(p.key) + ":" + dump_expr(*p.value); break;
        }
      }
      return out + ")";
    }
    case ExprKind::Function: return dump_function(*e.as<FunctionExpr>().function);
    case ExprKind::Arrow: return dump_function(*e.as<ArrowFunctionExpr>().function);
    case ExprKind::Class: return dump_class(*e.as<ClassExpr>().klass);
    case ExprKind::Unary: {
      const auto& u = e.as<UnaryExpr>();
      const char* names[] = {"-", "+", "!", "~", "typeof", "void", "delete"};
      return std::string("(") + names[static_cast<int>(u.op)] + " " + dump_expr(*u.operand) + ")";
    }
    case ExprKind::Update: {
      const auto& u = e.as<UpdateExpr>();
      std::string op = u.is_increment ? "++" : "--";
      return "(" + (u.is_prefix ? op + "pre" : "post" + op) + " " + dump_expr(*u.target) + ")";
    }
    case ExprKind::Binary: {
      const auto& b = e.as<BinaryExpr>();
      return std::string("(") + binary_name(b.op) + " " + dump_expr(*b.left) + " " + dump_expr(*b.right) + ")";
    }
    case ExprKind::Logical: {
      const auto& l = e.as<LogicalExpr>();
      const char* name = l.op == LogicalOp::And ? "&&" : l.op == LogicalOp::Or ? "||" : "??";
      return std::string("(") + name + " " + dump_expr(*l.left) + " " + dump_expr(*l.right) + ")";
    }
    case ExprKind::Assign: {
      const auto& a = e.as<AssignExpr>();
      return std::string("(") + assign_name(a.op) + " " + dump_pattern(*a.target) + " " + dump_expr(*a.value) + ")";
    }
    case ExprKind::Conditional: {
      const auto& c = e.as<ConditionalExpr>();
      return "(? " + dump_expr(*c.test) + " " + dump_expr(*c.consequent) + " " + dump_expr(*c.alternate) + ")";
    }
    case ExprKind::Call: {
      const auto& c = e.as<CallExpr>();
      return std::string(c.optional ? "(call?. " : "(call ") + dump_expr(*c.callee) + dump_args(c.args) + ")";
    }
    case ExprKind::New: {
      const auto& n = e.as<NewExpr>();
      return "(new " + dump_expr(*n.callee) + dump_args(n.args) + ")";
    }
    case ExprKind::Member: {
      const auto& m = e.as<MemberExpr>();
      if (m.computed) {
        return std::string(m.optional ? "(?.[] " : "([] ") + dump_expr(*m.object) + " " + dump_expr(*m.computed) + ")";
      }
      return std::string(m.optional ? "(?. " : "(. ") + dump_expr(*m.object) + " " + m.property + ")";
    }
    case ExprKind::OptionalChain: return "(chain " + dump_expr(*e.as<OptionalChainExpr>().expr) + ")";
    case ExprKind::Await: return "(await " + dump_expr(*e.as<AwaitExpr>().operand) + ")";
    case ExprKind::Sequence: return "(seq" + dump_args(e.as<SequenceExpr>().exprs) + ")";
    case ExprKind::Spread: return "(spread " + dump_expr(*e.as<SpreadExpr>().argument) + ")";
  }
  return "?";
}

std::string dump_pattern(const Pattern& p) {
  switch (p.kind) {
    case PatternKind::Identifier: return p.as<IdentifierPattern>().name;
    case PatternKind::Member: return dump_expr(*p.as<MemberPattern>().member);
    case PatternKind::Object: {
      const auto& o = p.as<ObjectPattern>();
      std::string out = "{";
      bool first = true;
      for (const ObjectPatternProperty& prop : o.properties) {
        if (!first) out += " ";
        first = false;
        out += prop.shorthand ? dump_key(prop.key) : dump_key(prop.key) + ":" + dump_pattern(*prop.target);
        if (prop.default_value) out += "=" + dump_expr(*prop.default_value);
      }
      if (o.rest) out += std::string(first ? "" : " ") + "..." + dump_pattern(*o.rest);
      return out + "}";
    }
    case PatternKind::Array: {
      const auto& a = p.as<ArrayPattern>();
      std::string out = "[";
      bool first = true;
      for (const ArrayPatternElement& el : a.elements) {
        if (!first) out += " ";
        first = false;
        out += el.target ? dump_pattern(*el.target) : "_";
        if (el.default_value) out += "=" + dump_expr(*el.default_value);
      }
      if (a.rest) out += std::string(first ? "" : " ") + "..." + dump_pattern(*a.rest);
      return out + "]";
    }
  }
  return "?";
}

std::string dump_stmt(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::VarDecl: {
      const auto& v = s.as<VarDeclStmt>();
      std::string out = v.decl_kind == DeclKind::Const ? "(const" : "(let";
      for (const VarDeclarator& d : v.declarators) {
        out += " " + dump_pattern(*d.target);
        if (d.init) out += "=" + dump_expr(*d.init);
      }
      return out + ")";
    }
    case StmtKind::FunctionDecl: return dump_function(*s.as<FunctionDeclStmt>().function);
    case StmtKind::ClassDecl: return dump_class(*s.as<ClassDeclStmt>().klass);
    case StmtKind::Expression: return dump_expr(*s.as<ExprStmt>().expr);
    case StmtKind::Block: return "(block" + dump_body(s.as<BlockStmt>().body) + ")";
    case StmtKind::If: {
      const auto& i = s.as<IfStmt>();
      std::string out = "(if " + dump_expr(*i.test) + " " + dump_stmt(*i.consequent);
      if (i.alternate) out += " " + dump_stmt(*i.alternate);
      return out + ")";
    }
    case StmtKind::While: {
      const auto& w = s.as<WhileStmt>();
      return "(while " + dump_expr(*w.test) + " " + dump_stmt(*w.body) + ")";
    }
    case StmtKind::DoWhile: {
      const auto& d = s.as<DoWhileStmt>();
      return "(do " + dump_stmt(*d.body) + " " + dump_expr(*d.test) + ")";
    }
    case StmtKind::For: {
      const auto& f = s.as<ForStmt>();
      return "(for " + opt(f.init.get()) + " " + opt(f.test.get()) + " " + opt(f.update.get()) + " " +
             dump_stmt(*f.body) + ")";
    }
    case StmtKind::ForOf:
    case StmtKind::ForIn: {
      const auto& f = s.as<ForEachStmt>();
      std::string out = f.is_of() ? "(for-of " : "(for-in ";
      if (f.is_await) out += "await ";
      out += f.has_declaration ? (f.decl_kind == DeclKind::Const ? "const " : "let ") : "";
      return out + dump_pattern(*f.target) + " " + dump_expr(*f.iterable) + " " + dump_stmt(*f.body) + ")";
    }
    case StmtKind::Switch: {
      const auto& sw = s.as<SwitchStmt>();
      std::string out = "(switch " + dump_expr(*sw.discriminant);
      for (const SwitchCase& c : sw.cases) {
        out += c.test ? " (case " + dump_expr(*c.test) : std::string(" (default");
        out += dump_body(c.body) + ")";
      }
      return out + ")";
    }
    case StmtKind::Break: {
      const auto& b = s.as<BreakStmt>();
      return b.label.empty() ? "(break)" : "(break " + b.label + ")";
    }
    case StmtKind::Continue: {
      const auto& c = s.as<ContinueStmt>();
      return c.label.empty() ? "(continue)" : "(continue " + c.label + ")";
    }
    case StmtKind::Labeled: {
      const auto& l = s.as<LabeledStmt>();
      return "(label " + l.label + " " + dump_stmt(*l.body) + ")";
    }
    case StmtKind::Return: {
      const auto& r = s.as<ReturnStmt>();
      return r.value ? "(return " + dump_expr(*r.value) + ")" : "(return)";
    }
    case StmtKind::Throw: return "(throw " + dump_expr(*s.as<ThrowStmt>().value) + ")";
    case StmtKind::Try: {
      const auto& t = s.as<TryStmt>();
      std::string out = "(try " + dump_stmt(*t.block);
      if (t.has_catch) {
        out += " (catch " + (t.catch_param ? dump_pattern(*t.catch_param) : std::string("_")) + " " +
               dump_stmt(*t.handler) + ")";
      }
      if (t.finalizer) out += " (finally " + dump_stmt(*t.finalizer) + ")";
      return out + ")";
    }
    case StmtKind::Empty: return "(empty)";
    case StmtKind::EnumDecl: {
      const auto& en = s.as<EnumDeclStmt>();
      std::string out = std::string(en.is_const ? "(const-enum " : "(enum ") + en.name;
      for (const EnumMember& m : en.members) {
        out += " " + m.name + "=";
        if (!m.has_constant) {
          out += m.init ? "(eval " + dump_expr(*m.init) + ")" : "?";
        } else if (m.is_string) {
          out += quote(m.string_value);
        } else {
          out += number_text(m.number_value);
        }
      }
      return out + ")";
    }
    case StmtKind::Import: {
      const auto& im = s.as<ImportStmt>();
      std::string out = "(import \"" + im.source + "\"";
      if (!im.default_local.empty()) out += " default:" + im.default_local;
      if (!im.namespace_local.empty()) out += " *:" + im.namespace_local;
      for (const ImportSpecifier& spec : im.named) {
        out += " " + spec.imported;
        if (spec.local != spec.imported) out += ":" + spec.local;
      }
      return out + ")";
    }
    case StmtKind::ExportDecl: return "(export " + dump_stmt(*s.as<ExportDeclStmt>().declaration) + ")";
    case StmtKind::ExportNamed: {
      const auto& ex = s.as<ExportNamedStmt>();
      std::string out = "(export-named";
      if (ex.is_star) out += ex.star_as.empty() ? " *" : " *:" + ex.star_as;
      for (const ExportSpecifier& spec : ex.specifiers) {
        out += " " + spec.local;
        if (spec.exported != spec.local) out += ":" + spec.exported;
      }
      if (!ex.source.empty()) out += " from \"" + ex.source + "\"";
      return out + ")";
    }
    case StmtKind::ExportDefault: {
      const auto& ex = s.as<ExportDefaultStmt>();
      return "(export-default " + (ex.expr ? dump_expr(*ex.expr) : dump_stmt(*ex.declaration)) + ")";
    }
  }
  return "?";
}

std::string dump_program(const Program& program) {
  std::string out;
  for (const auto& s : program.body) {
    if (!out.empty()) out += "\n";
    out += dump_stmt(*s);
  }
  return out;
}

}  // namespace raya::vm::compiler
