// The abstract syntax tree produced by the parser and consumed by the scope
// resolver and the code generator.
//
// Conventions (what consumers may rely on):
// - Ownership: a tree. Every child is owned by exactly one std::unique_ptr
//   (ExprPtr, StmtPtr, PatternPtr, ...) or held by value in a std::vector of
//   small records (Param, ObjectProperty, ...). Node addresses are stable for
//   the life of the Program, so later stages may key side tables by pointer.
// - Dispatch: Expr, Stmt and Pattern are base structs with a `kind` field; each
//   concrete node names its kind as `kKind`. `switch (e.kind)` and then
//   `e.as<BinaryExpr>()` (a checked static_cast) or static_cast directly.
// - Every node and record carries `pos`, where its source text starts.
// - Text: identifiers, property names, labels and module specifiers are UTF-8
//   std::string. String literal values and template chunks are "cooked"
//   std::u16string (escapes resolved, UTF-16 code units, so `\u{1F600}` is a
//   surrogate pair and a lone `\uD800` survives). Numbers are double.
// - Nullable children are documented "(null: ...)"; everything else is non-null
//   in a Program returned by a successful parse. A failed parse returns no AST.
// - TypeScript-only syntax leaves no trace: annotations, `type`, `interface`,
//   `declare`, overload signatures, `x as T`, `x!`, `x satisfies T`, `<T>x`
//   and type arguments are consumed by the parser and dropped. `undefined` is
//   an ordinary IdentifierExpr. Parentheses leave no node either.
// - Depth: the parser caps nesting (kMaxNestingDepth), so consumers may recurse
//   over nested constructs. Flat chains are not nesting and are unbounded
//   (`a + b + ...`, `a && b && ...`, `o.p.q...`, `f()()...`, `else if`): they
//   form a spine through BinaryExpr/LogicalExpr::left, MemberExpr::object,
//   CallExpr::callee and IfStmt::alternate. Consumers walk a spine in a loop
//   (see chain_spine() and codegen's binary/member chains), never by recursion,
//   and these nodes' destructors take their spine apart iteratively.
// - Optional chains follow ESTree's ChainExpression: each MemberExpr/CallExpr
//   link written with `?.` has `optional = true`, and the outermost link of a
//   chain containing any optional link is wrapped in one OptionalChainExpr.
//   Evaluating the wrapper evaluates its chain; when an optional link finds
//   its object/callee null or undefined, the whole wrapper yields undefined.
//   `(a?.b).c` ends the chain at the parenthesis, as in JavaScript.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vmcore/compiler/source.hpp"

namespace raya::vm::compiler {

struct Expr;
struct Stmt;
struct Pattern;
struct FunctionNode;
struct ClassNode;
struct MemberExpr;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using PatternPtr = std::unique_ptr<Pattern>;

// ---------------------------------------------------------------------------
// Base structs

enum class ExprKind : uint8_t {
  Number,          // NumberExpr
  String,          // StringExpr
  Template,        // TemplateExpr          `a${b}c`
  Bool,            // BoolExpr              true / false
  Null,            // NullExpr
  Identifier,      // IdentifierExpr        (also `undefined`)
  This,            // ThisExpr
  Super,           // SuperExpr             only as callee of CallExpr or object of MemberExpr
  Array,           // ArrayExpr
  Object,          // ObjectExpr
  Function,        // FunctionExpr          function (...) {...}
  Arrow,           // ArrowFunctionExpr     (...) => ...
  Class,           // ClassExpr
  Unary,           // UnaryExpr             - + ! ~ typeof void delete
  Update,          // UpdateExpr            ++x x++ --x x--
  Binary,          // BinaryExpr
  Logical,         // LogicalExpr           && || ??
  Assign,          // AssignExpr            = += ... &&= ||= ??=
  Conditional,     // ConditionalExpr       c ? a : b
  Call,            // CallExpr              f(...), f?.(...), super(...)
  New,             // NewExpr
  Member,          // MemberExpr            a.b a[b] a?.b a?.[b] super.b
  OptionalChain,   // OptionalChainExpr     end of a chain with ?. links
  Await,           // AwaitExpr
  Sequence,        // SequenceExpr          a, b
  Spread,          // SpreadExpr            ...x (array elements, call/new arguments only)
};

struct Expr {
  ExprKind kind;
  SourcePos pos;

  Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  template <class T>
  T& as() {
    assert(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    assert(kind == T::kKind);
    return static_cast<const T&>(*this);
  }
  template <class T>
  bool is() const {
    return kind == T::kKind;
  }
};

template <ExprKind K>
struct ExprOf : Expr {
  static constexpr ExprKind kKind = K;
  explicit ExprOf(SourcePos p) : Expr(K, p) {}
};

enum class StmtKind : uint8_t {
  VarDecl,        // VarDeclStmt           let / const
  FunctionDecl,   // FunctionDeclStmt      function f() {} / async function
  ClassDecl,      // ClassDeclStmt
  Expression,     // ExprStmt
  Block,          // BlockStmt
  If,             // IfStmt
  While,          // WhileStmt
  DoWhile,        // DoWhileStmt
  For,            // ForStmt               for (init; test; update)
  ForOf,          // ForEachStmt           for (x of y)
  ForIn,          // ForEachStmt           for (k in o)
  Switch,         // SwitchStmt
  Break,          // BreakStmt
  Continue,       // ContinueStmt
  Labeled,        // LabeledStmt
  Return,         // ReturnStmt
  Throw,          // ThrowStmt
  Try,            // TryStmt
  Empty,          // EmptyStmt             ;
  EnumDecl,       // EnumDeclStmt
  Import,         // ImportStmt
  ExportDecl,     // ExportDeclStmt        export let/const/function/class/enum
  ExportNamed,    // ExportNamedStmt       export { a as b } [from "m"], export * from "m"
  ExportDefault,  // ExportDefaultStmt     export default ...
};

struct Stmt {
  StmtKind kind;
  SourcePos pos;

  Stmt(StmtKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <class T>
  T& as() {
    assert(T::matches(kind));
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    assert(T::matches(kind));
    return static_cast<const T&>(*this);
  }
  template <class T>
  bool is() const {
    return T::matches(kind);
  }
};

template <StmtKind K>
struct StmtOf : Stmt {
  static constexpr StmtKind kKind = K;
  static constexpr bool matches(StmtKind k) { return k == K; }
  explicit StmtOf(SourcePos p) : Stmt(K, p) {}
};

enum class PatternKind : uint8_t {
  Identifier,  // IdentifierPattern   x
  Member,      // MemberPattern       a.b / a[i] (assignment targets only, never in declarations)
  Object,      // ObjectPattern       {a, b: c = 1, [k]: d, ...rest}
  Array,       // ArrayPattern        [x, , y = 2, ...tail]
};

struct Pattern {
  PatternKind kind;
  SourcePos pos;

  Pattern(PatternKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Pattern() = default;
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  template <class T>
  T& as() {
    assert(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& as() const {
    assert(kind == T::kKind);
    return static_cast<const T&>(*this);
  }
  template <class T>
  bool is() const {
    return kind == T::kKind;
  }
};

template <PatternKind K>
struct PatternOf : Pattern {
  static constexpr PatternKind kKind = K;
  explicit PatternOf(SourcePos p) : Pattern(K, p) {}
};

// ---------------------------------------------------------------------------
// Shared records

/// The name of an object-literal property, pattern property, class member or
/// enum member.
enum class PropertyKeyKind : uint8_t {
  Identifier,  // a / if / constructor        name and string_value set
  String,      // "a-b"                       string_value set
  Number,      // 1 / 0x10 / 1.5              number_value set (canonical name is JS ToString)
  Computed,    // [expr]                      computed set
};

struct PropertyKey {
  SourcePos pos;
  PropertyKeyKind kind = PropertyKeyKind::Identifier;
  std::string name;              // Identifier keys (UTF-8)
  std::u16string string_value;   // Identifier and String keys (UTF-16)
  double number_value = 0;       // Number keys
  ExprPtr computed;              // Computed keys
};

/// One function parameter: `x`, `x = 1`, `x?: T`, `...xs`, `{a, b}`,
/// `public x` (a constructor parameter property).
struct Param {
  SourcePos pos;
  PatternPtr target;        // identifier or destructuring pattern
  ExprPtr default_value;    // (null: none)
  bool is_rest = false;     // ...xs (always the last parameter, no default)
  bool is_optional = false; // x?: T (no run-time effect; reads as undefined when missing)
  /// `constructor(public x)` / private / protected / readonly: TypeScript
  /// assigns `this.x = x` at the start of the constructor body (after the
  /// super(...) call in a derived class). Target is then an IdentifierPattern.
  bool is_parameter_property = false;
};

enum class FunctionKind : uint8_t {
  Normal,       // function declaration or expression
  Arrow,        // arrow function (lexical this/arguments/super)
  Method,       // object-literal or class method
  Getter,       // get x() {}
  Setter,       // set x(v) {}
  Constructor,  // class constructor
};

/// Everything a function has, shared by declarations, expressions, arrows,
/// methods, accessors and constructors.
struct FunctionNode {
  SourcePos pos;                 // `function`, `async`, the first parameter token, or the method name
  SourcePos end_pos;             // closing brace (or start of the expression body)
  std::string name;              // empty when anonymous (methods: the key name if not computed)
  FunctionKind kind = FunctionKind::Normal;
  bool is_async = false;
  std::vector<Param> params;
  std::vector<StmtPtr> body;     // block body (empty for expression-bodied arrows)
  ExprPtr expression_body;       // (null unless an arrow with an expression body: `x => x + 1`)
};

// ---------------------------------------------------------------------------
// Expressions

struct NumberExpr : ExprOf<ExprKind::Number> {
  using ExprOf::ExprOf;
  double value = 0;
};

struct StringExpr : ExprOf<ExprKind::String> {
  using ExprOf::ExprOf;
  std::u16string value;
};

/// `quasis[0] ${exprs[0]} quasis[1] ... quasis[n]`; quasis.size() == exprs.size() + 1.
struct TemplateExpr : ExprOf<ExprKind::Template> {
  using ExprOf::ExprOf;
  std::vector<std::u16string> quasis;
  std::vector<ExprPtr> exprs;
};

struct BoolExpr : ExprOf<ExprKind::Bool> {
  using ExprOf::ExprOf;
  bool value = false;
};

struct NullExpr : ExprOf<ExprKind::Null> {
  using ExprOf::ExprOf;
};

struct IdentifierExpr : ExprOf<ExprKind::Identifier> {
  using ExprOf::ExprOf;
  std::string name;
};

struct ThisExpr : ExprOf<ExprKind::This> {
  using ExprOf::ExprOf;
};

struct SuperExpr : ExprOf<ExprKind::Super> {
  using ExprOf::ExprOf;
};

/// Elements may be SpreadExpr. (Holes `[1, , 2]` are a compile error.)
struct ArrayExpr : ExprOf<ExprKind::Array> {
  using ExprOf::ExprOf;
  std::vector<ExprPtr> elements;
};

enum class PropertyKind : uint8_t {
  Init,    // key: value, or shorthand `a` (then shorthand = true, value is IdentifierExpr)
  Method,  // key() {}             value is FunctionExpr (FunctionKind::Method)
  Getter,  // get key() {}         value is FunctionExpr (FunctionKind::Getter)
  Setter,  // set key(v) {}        value is FunctionExpr (FunctionKind::Setter)
  Spread,  // ...value             key unused
};

struct ObjectProperty {
  SourcePos pos;
  PropertyKind kind = PropertyKind::Init;
  PropertyKey key;
  ExprPtr value;
  bool shorthand = false;
};

struct ObjectExpr : ExprOf<ExprKind::Object> {
  using ExprOf::ExprOf;
  std::vector<ObjectProperty> properties;
};

struct FunctionExpr : ExprOf<ExprKind::Function> {
  using ExprOf::ExprOf;
  std::unique_ptr<FunctionNode> function;
};

struct ArrowFunctionExpr : ExprOf<ExprKind::Arrow> {
  using ExprOf::ExprOf;
  std::unique_ptr<FunctionNode> function;  // kind == FunctionKind::Arrow
};

struct ClassExpr : ExprOf<ExprKind::Class> {
  using ExprOf::ExprOf;
  std::unique_ptr<ClassNode> klass;
};

enum class UnaryOp : uint8_t { Minus, Plus, Not, BitNot, Typeof, Void, Delete };

struct UnaryExpr : ExprOf<ExprKind::Unary> {
  using ExprOf::ExprOf;
  UnaryOp op = UnaryOp::Minus;
  ExprPtr operand;
};

/// ++x / x++ / --x / x--; target is an IdentifierExpr or a non-optional MemberExpr.
struct UpdateExpr : ExprOf<ExprKind::Update> {
  using ExprOf::ExprOf;
  bool is_increment = true;
  bool is_prefix = true;
  ExprPtr target;
};

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Mod, Exp,
  Eq, NotEq, StrictEq, StrictNotEq,  // `==` is strict in Raya, like `===`
  Lt, LtEq, Gt, GtEq,
  BitAnd, BitOr, BitXor, Shl, Shr, UShr,
  In, Instanceof,
};

struct BinaryExpr : ExprOf<ExprKind::Binary> {
  using ExprOf::ExprOf;
  ~BinaryExpr() override;  // iterative over the spine (ast_teardown.cpp)
  BinaryOp op = BinaryOp::Add;
  ExprPtr left;
  ExprPtr right;
};

enum class LogicalOp : uint8_t { And, Or, Nullish };

struct LogicalExpr : ExprOf<ExprKind::Logical> {
  using ExprOf::ExprOf;
  ~LogicalExpr() override;  // iterative over the spine (ast_teardown.cpp)
  LogicalOp op = LogicalOp::And;
  ExprPtr left;
  ExprPtr right;
};

enum class AssignOp : uint8_t {
  Assign,                                      // =
  Add, Sub, Mul, Div, Mod, Exp,                // += -= *= /= %= **=
  Shl, Shr, UShr, BitAnd, BitOr, BitXor,       // <<= >>= >>>= &= |= ^=
  And, Or, Nullish,                            // &&= ||= ??= (short-circuit)
};

/// target is IdentifierPattern or MemberPattern for every op; Object/Array
/// patterns appear only with AssignOp::Assign (`[a, b] = [b, a]`).
struct AssignExpr : ExprOf<ExprKind::Assign> {
  using ExprOf::ExprOf;
  AssignOp op = AssignOp::Assign;
  PatternPtr target;
  ExprPtr value;
};

struct ConditionalExpr : ExprOf<ExprKind::Conditional> {
  using ExprOf::ExprOf;
  ExprPtr test;
  ExprPtr consequent;
  ExprPtr alternate;
};

/// callee(args); args may be SpreadExpr. callee is SuperExpr for super(...).
/// optional: written `callee?.(args)`.
struct CallExpr : ExprOf<ExprKind::Call> {
  using ExprOf::ExprOf;
  ~CallExpr() override;  // iterative over the spine (ast_teardown.cpp)
  ExprPtr callee;
  std::vector<ExprPtr> args;
  bool optional = false;
};

/// new callee(args); `new C` without parentheses has no args.
struct NewExpr : ExprOf<ExprKind::New> {
  using ExprOf::ExprOf;
  ExprPtr callee;
  std::vector<ExprPtr> args;
};

/// object.property, object[computed], object?.property, object?.[computed].
/// object is SuperExpr for super.x / super[x].
struct MemberExpr : ExprOf<ExprKind::Member> {
  using ExprOf::ExprOf;
  ~MemberExpr() override;  // iterative over the spine (ast_teardown.cpp)
  ExprPtr object;
  std::string property;  // when computed is null (any identifier name, keywords included)
  ExprPtr computed;      // (null: not computed)
  bool optional = false;
};

/// Marks the end of an optional chain; see the header comment.
struct OptionalChainExpr : ExprOf<ExprKind::OptionalChain> {
  using ExprOf::ExprOf;
  ExprPtr expr;  // a MemberExpr or CallExpr
};

struct AwaitExpr : ExprOf<ExprKind::Await> {
  using ExprOf::ExprOf;
  ExprPtr operand;
};

/// a, b, c: evaluates each, yields the last (at least two exprs).
struct SequenceExpr : ExprOf<ExprKind::Sequence> {
  using ExprOf::ExprOf;
  std::vector<ExprPtr> exprs;
};

struct SpreadExpr : ExprOf<ExprKind::Spread> {
  using ExprOf::ExprOf;
  ExprPtr argument;
};

// ---------------------------------------------------------------------------
// Patterns (binding and assignment targets)

struct IdentifierPattern : PatternOf<PatternKind::Identifier> {
  using PatternOf::PatternOf;
  std::string name;
};

struct MemberPattern : PatternOf<PatternKind::Member> {
  using PatternOf::PatternOf;
  std::unique_ptr<MemberExpr> member;  // never optional, never a chain
};

struct ObjectPatternProperty {
  SourcePos pos;
  PropertyKey key;
  PatternPtr target;       // for shorthand `{a}` an IdentifierPattern named like the key
  ExprPtr default_value;   // (null: none)
  bool shorthand = false;
};

struct ObjectPattern : PatternOf<PatternKind::Object> {
  using PatternOf::PatternOf;
  std::vector<ObjectPatternProperty> properties;
  PatternPtr rest;  // (null: no ...rest); IdentifierPattern (or MemberPattern in assignments)
};

struct ArrayPatternElement {
  SourcePos pos;
  PatternPtr target;       // (null: a hole, `[a, , b]`)
  ExprPtr default_value;   // (null: none)
};

struct ArrayPattern : PatternOf<PatternKind::Array> {
  using PatternOf::PatternOf;
  std::vector<ArrayPatternElement> elements;
  PatternPtr rest;  // (null: no ...rest); any pattern
};

// ---------------------------------------------------------------------------
// Classes

enum class ClassMemberKind : uint8_t {
  Constructor,  // function set (FunctionKind::Constructor), key is "constructor"
  Method,       // function set
  Getter,       // function set
  Setter,       // function set
  Field,        // value is the initializer (null: none, the field starts undefined)
};

struct ClassMember {
  SourcePos pos;
  ClassMemberKind kind = ClassMemberKind::Method;
  bool is_static = false;
  PropertyKey key;
  std::unique_ptr<FunctionNode> function;  // all kinds but Field
  ExprPtr value;                           // Field only
};

struct ClassNode {
  SourcePos pos;
  std::string name;          // empty for an anonymous class expression
  ExprPtr super_class;       // (null: no extends)
  std::vector<ClassMember> members;  // source order; abstract members and overloads dropped
};

// ---------------------------------------------------------------------------
// Statements

enum class DeclKind : uint8_t { Let, Const };

struct VarDeclarator {
  SourcePos pos;
  PatternPtr target;  // IdentifierPattern, ObjectPattern or ArrayPattern
  ExprPtr init;       // (null: none; `let x;`, or the head of for-of/in)
};

struct VarDeclStmt : StmtOf<StmtKind::VarDecl> {
  using StmtOf::StmtOf;
  DeclKind decl_kind = DeclKind::Let;
  std::vector<VarDeclarator> declarators;  // at least one
};

struct FunctionDeclStmt : StmtOf<StmtKind::FunctionDecl> {
  using StmtOf::StmtOf;
  std::unique_ptr<FunctionNode> function;  // name non-empty except under `export default`
};

struct ClassDeclStmt : StmtOf<StmtKind::ClassDecl> {
  using StmtOf::StmtOf;
  std::unique_ptr<ClassNode> klass;  // name non-empty except under `export default`
};

struct ExprStmt : StmtOf<StmtKind::Expression> {
  using StmtOf::StmtOf;
  ExprPtr expr;
};

struct BlockStmt : StmtOf<StmtKind::Block> {
  using StmtOf::StmtOf;
  std::vector<StmtPtr> body;
};

struct IfStmt : StmtOf<StmtKind::If> {
  using StmtOf::StmtOf;
  ~IfStmt() override;  // iterative over an else-if chain (ast_teardown.cpp)
  ExprPtr test;
  StmtPtr consequent;
  StmtPtr alternate;  // (null: no else)
};

struct WhileStmt : StmtOf<StmtKind::While> {
  using StmtOf::StmtOf;
  ExprPtr test;
  StmtPtr body;
};

struct DoWhileStmt : StmtOf<StmtKind::DoWhile> {
  using StmtOf::StmtOf;
  StmtPtr body;
  ExprPtr test;
};

struct ForStmt : StmtOf<StmtKind::For> {
  using StmtOf::StmtOf;
  StmtPtr init;    // (null: none) VarDeclStmt or ExprStmt
  ExprPtr test;    // (null: none, loop forever)
  ExprPtr update;  // (null: none)
  StmtPtr body;
};

/// for (let/const target of/in iterable) body, or for (target of/in iterable)
/// body when there is no declaration (target is then an assignment pattern:
/// identifier, member or destructuring).
struct ForEachStmt : Stmt {
  static constexpr bool matches(StmtKind k) { return k == StmtKind::ForOf || k == StmtKind::ForIn; }
  ForEachStmt(StmtKind k, SourcePos p) : Stmt(k, p) {}
  bool is_of() const { return kind == StmtKind::ForOf; }

  bool has_declaration = false;
  DeclKind decl_kind = DeclKind::Const;  // meaningful when has_declaration
  PatternPtr target;
  ExprPtr iterable;   // the object for for-in
  StmtPtr body;
  bool is_await = false;  // for await (...) (parsed; semantics up to codegen)
};

struct SwitchCase {
  SourcePos pos;
  ExprPtr test;  // (null: default)
  std::vector<StmtPtr> body;
};

struct SwitchStmt : StmtOf<StmtKind::Switch> {
  using StmtOf::StmtOf;
  ExprPtr discriminant;
  std::vector<SwitchCase> cases;  // source order; at most one default
};

struct BreakStmt : StmtOf<StmtKind::Break> {
  using StmtOf::StmtOf;
  std::string label;  // empty: no label
};

struct ContinueStmt : StmtOf<StmtKind::Continue> {
  using StmtOf::StmtOf;
  std::string label;  // empty: no label
};

struct LabeledStmt : StmtOf<StmtKind::Labeled> {
  using StmtOf::StmtOf;
  std::string label;
  StmtPtr body;
};

struct ReturnStmt : StmtOf<StmtKind::Return> {
  using StmtOf::StmtOf;
  ExprPtr value;  // (null: return;)
};

struct ThrowStmt : StmtOf<StmtKind::Throw> {
  using StmtOf::StmtOf;
  ExprPtr value;
};

struct TryStmt : StmtOf<StmtKind::Try> {
  using StmtOf::StmtOf;
  std::unique_ptr<BlockStmt> block;
  bool has_catch = false;
  PatternPtr catch_param;                 // (null: `catch {` or no catch)
  std::unique_ptr<BlockStmt> handler;     // (null: no catch)
  std::unique_ptr<BlockStmt> finalizer;   // (null: no finally); handler or finalizer is set
};

struct EmptyStmt : StmtOf<StmtKind::Empty> {
  using StmtOf::StmtOf;
};

/// One enum member. The parser folds constant initializers: members without
/// one continue the numbering (previous numeric value + 1, first 0); numeric
/// literals, negated numeric literals and string literals fold too. When
/// has_constant is false, init must be evaluated by the consumer.
struct EnumMember {
  SourcePos pos;
  std::string name;        // UTF-8 (from an identifier or a string key)
  ExprPtr init;            // (null: none written)
  bool has_constant = false;
  bool is_string = false;  // constant is string_value, else number_value
  double number_value = 0;
  std::u16string string_value;
};

struct EnumDeclStmt : StmtOf<StmtKind::EnumDecl> {
  using StmtOf::StmtOf;
  std::string name;
  std::vector<EnumMember> members;
  bool is_const = false;  // `const enum` (same run-time behaviour here)
};

struct ImportSpecifier {
  SourcePos pos;
  std::string imported;  // name in the exporting module ("default" for default imports)
  std::string local;     // binding in this module
};

/// import d, { a, b as c } from "m";   import * as ns from "m";   import "m";
/// Type-only imports (`import type ...`, `{ type X }`) are dropped.
struct ImportStmt : StmtOf<StmtKind::Import> {
  using StmtOf::StmtOf;
  std::string source;                     // module specifier as written ("./x.raya", "host:", "raya:task")
  std::string default_local;              // (empty: no default import)
  std::string namespace_local;            // (empty: no `* as ns`)
  std::vector<ImportSpecifier> named;     // { a, b as c }
};

/// export <declaration>: VarDeclStmt, FunctionDeclStmt, ClassDeclStmt or
/// EnumDeclStmt; every name it declares is exported under the same name.
struct ExportDeclStmt : StmtOf<StmtKind::ExportDecl> {
  using StmtOf::StmtOf;
  StmtPtr declaration;
};

struct ExportSpecifier {
  SourcePos pos;
  std::string local;     // name in this module (or in `source` for re-exports)
  std::string exported;  // name other modules import
};

/// export { a, b as c };  export { a } from "m";  export * from "m";
/// export * as ns from "m".
struct ExportNamedStmt : StmtOf<StmtKind::ExportNamed> {
  using StmtOf::StmtOf;
  std::vector<ExportSpecifier> specifiers;
  std::string source;           // (empty: not a re-export)
  bool is_star = false;         // export * from "m" (specifiers empty)
  std::string star_as;          // export * as ns from "m" (empty otherwise)
};

/// export default <expr>;  export default function f() {}  export default class C {}
/// Exactly one of expr / declaration is set. A named function or class is a
/// FunctionDeclStmt / ClassDeclStmt (also binding its name locally); an
/// anonymous one becomes a FunctionExpr / ClassExpr in expr.
struct ExportDefaultStmt : StmtOf<StmtKind::ExportDefault> {
  using StmtOf::StmtOf;
  ExprPtr expr;
  StmtPtr declaration;
};

// ---------------------------------------------------------------------------

/// One parsed source file.
struct Program {
  std::shared_ptr<const SourceFile> source;
  std::vector<StmtPtr> body;
};

// ---------------------------------------------------------------------------
// Debug printing (ast.cpp): a compact S-expression form used by the tests,
// e.g. `(let x=(+ 1 2))`, `(call (. console log) "hi")`, `(for-of const [a _ b] xs (block))`.

std::string dump_expr(const Expr& expr);
std::string dump_pattern(const Pattern& pattern);
std::string dump_stmt(const Stmt& stmt);
/// One line per top-level statement.
std::string dump_program(const Program& program);

/// The child a flat chain continues through (BinaryExpr/LogicalExpr left,
/// MemberExpr object, CallExpr callee), or null for any other node.
const Expr* chain_spine(const Expr& e);

}  // namespace raya::vm::compiler
// AST-READY
