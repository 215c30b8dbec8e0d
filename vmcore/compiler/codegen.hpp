// The code generator's internals, shared by codegen_*.cpp. Not a public API:
// use compiler.hpp.
//
// One pass over each function's AST emits register bytecode. Scope
// resolution happens during that pass; the only look-ahead is the free-name
// analysis (free_names.hpp), which tells each function which of its locals
// some nested function mentions — those live in Cells so closures share them
// by reference. The analysis is conservative (it may box a variable that is
// not really captured), never the other way round.
//
// Registers: r0 is `this`, r1..rN the parameters, then locals in
// declaration order, then temporaries. Allocation is a stack: a statement's
// temporaries are released when it ends, a block's locals when it closes.
// Call windows (callee, this, args) are always taken at the top of that
// stack, so a spread call may write arguments above them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/compiler/ast.hpp"
#include "vmcore/compiler/compile_budget.hpp"
#include "vmcore/compiler/free_names.hpp"
#include "vmcore/compiler/source.hpp"

namespace raya::vm::compiler {

/// What a name refers to at one point of the program.
struct Binding {
  enum class Kind : uint8_t { Local, Cell, Upvalue, Global, Builtin, Namespace, Undefined, Missing };
  Kind kind = Kind::Missing;
  uint32_t index = 0;     // register, upvalue, global slot, builtin import, or file (Namespace)
  bool is_const = false;
  bool maybe_uninitialized = false;  // let/const that may be read in its TDZ
};

/// A top-level name of one file: a global slot, or an import alias.
struct FileBinding {
  enum class Kind : uint8_t { Global, Namespace, Builtin } kind = Kind::Global;
  uint32_t index = 0;  // global slot, or file index for namespaces
  bool is_const = false;
  uint32_t object_slot = 0;  // namespaces: hidden global holding the namespace object
  std::string builtin;       // Builtin: the VM builtin's name ("raya:task.sleep", "host:log")
};

/// `raya:` modules and `host:` capabilities are provided by the VM, not by
/// files: the bundler does not load them and their names bind to builtins.
bool is_vm_module(const std::string& specifier);

struct FileUnit {
  std::string path;
  uint32_t file_index = 0;
  std::shared_ptr<const SourceFile> source;
  std::unique_ptr<Program> program;
  std::unique_ptr<DiagnosticSink> sink;
  std::unordered_map<std::string, FileBinding> top;      // top-level names
  std::map<std::string, uint32_t> exports;               // exported name -> global slot
  std::vector<uint32_t> dependencies;                    // files imported, in order
  uint32_t init_function = 0;
  bool exports_resolved = false;
};

struct LocalVar {
  std::string name;
  uint16_t reg = 0;
  bool is_cell = false;
  bool is_const = false;
  bool initialized = false;  // declaration already emitted (TDZ over)
  bool is_lexical = false;   // let/const/class: reads may need a TDZ check
};

struct BlockScope {
  std::vector<LocalVar> vars;
  uint16_t reg_base = 0;
  /// name -> index in vars (the latest of that name), so declaring and
  /// looking up a name is O(1) per scope however many locals it holds.
  std::unordered_map<std::string, size_t> index;

  LocalVar* find(const std::string& name) {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &vars[it->second];
  }
  LocalVar& add(LocalVar v) {
    index[v.name] = vars.size();
    vars.push_back(std::move(v));
    return vars.back();
  }
};

/// A break/continue destination: a loop, a switch, or a labeled statement.
struct JumpTarget {
  std::vector<std::string> labels;
  bool is_loop = false;
  bool accepts_unlabeled_break = false;  // loops and switches
  std::vector<size_t> breaks;            // instructions to patch to the end
  std::vector<size_t> continues;         // instructions to patch to the continue point
  size_t try_depth = 0;                  // active try contexts when entered
  size_t scope_depth = 0;
};

/// An active try region. Its protected ranges are closed around code that
/// leaves it (inlined finally blocks), so a handler never covers its own
/// finally code.
struct TryContext {
  bool has_finally = false;
  const BlockStmt* finalizer = nullptr;
  bool range_open = false;
  uint32_t range_start = 0;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
};

struct FunctionState {
  FunctionState* parent = nullptr;
  FunctionProto proto;
  uint32_t proto_index = 0;
  const FunctionNode* node = nullptr;  // null for a file's top-level code
  bool is_file_top = false;
  bool is_arrow = false;
  const ClassNode* ctor_class = nullptr;  // constructor: its class (field initializers)
  bool is_derived_ctor = false;
  const std::unordered_set<std::string>* captured = nullptr;
  std::vector<BlockScope> scopes;
  uint16_t next_reg = 1;
  uint16_t max_reg = 1;
  std::map<std::pair<uint8_t, uint16_t>, uint16_t> upvalue_of;  // capture source -> index
  std::vector<JumpTarget> targets;
  std::vector<TryContext> tries;
  std::unordered_map<uint64_t, uint32_t> ic_of_name;  // name constant -> first cache (GetProp reuse is not allowed; see new_cache)
  uint32_t last_line = 0;
  uint32_t last_column = 0;
  bool this_in_cell = false;
  bool has_super_flag = false;  // derived constructor: set once super() ran
  uint16_t super_flag_reg = 0;
  uint16_t this_cell_reg = 0;
};

class CodeGen {
 public:
  CodeGen(Module& module, std::vector<std::string> builtin_names, bool is_prelude);

  /// Pass 1 for one file: declare its top-level names as globals.
  void declare_file(FileUnit& file);
  /// Pass 1b: exports (needs every file's declarations for re-exports).
  void resolve_exports(FileUnit& file, std::vector<std::unique_ptr<FileUnit>>& files);
  void bind_vm_module_import(FileUnit& file, const ImportStmt& imp);
  uint16_t builtin_import_index(const std::string& name);
  /// Pass 2: emit the file's top-level code as a function; returns its index.
  uint32_t compile_file(FileUnit& file, std::vector<std::unique_ptr<FileUnit>>& files);
  /// The bundle's entry: runs each file's top level in order.
  uint32_t emit_entry(const std::vector<uint32_t>& init_functions, uint32_t result_file);
  /// Charged one unit per instruction; once it stops, statements and
  /// expressions left are skipped (the driver reports why).
  void set_budget(CompileBudget* budget) { budget_ = budget; }

 private:
  // --- emission (codegen_emit.cpp) ---
  size_t emit(Opcode op, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0);
  size_t emit_jump(Opcode op, uint16_t a = 0);     // L-form, to be patched
  size_t emit_jump16(Opcode op, uint16_t a, uint16_t b);  // J-form, to be patched
  void patch_to_here(size_t at);
  void patch_to(size_t at, size_t target);
  void emit_jump_back(Opcode op, uint16_t a, size_t target);
  size_t here() const { return fs_->proto.code.size(); }
  void mark_line(SourcePos pos);
  /// Names `e` (as source-like text) for error messages about the next
  /// instruction, e.g. "settings.network" or "callback".
  void note_expr(const Expr& e);
  /// Constant-table indexes (up to kMaxConstants). LoadK's operand has 16
  /// bits: load_constant() uses LoadKW past that. Instructions naming a
  /// constant in a 16-bit field (CheckInit, NewClass, DefineExport) use
  /// name_constant(), an error past 65535.
  uint32_t constant_number(double d);
  uint32_t constant_string(const std::u16string& s);
  uint32_t constant_string_utf8(const std::string& s);
  void load_constant(uint16_t reg, uint32_t k);
  uint16_t name_constant(const std::string& s);
  uint16_t new_cache(const std::string& name);
  /// A function has room for 65535 inline caches (16-bit operand); past
  /// that, property reads and method calls use the uncached GetElem form.
  bool caches_exhausted() const { return fs_->proto.ic_names.size() >= 65535; }
  /// dest = obj[name] through a cache, or uncached once they ran out.
  void get_named(uint16_t dest, uint16_t obj, const std::u16string& name);
  uint16_t new_cache_u16(const std::u16string& name);
  uint16_t alloc_reg(SourcePos pos);
  uint16_t alloc_regs(uint16_t n, SourcePos pos);
  void free_regs_to(uint16_t level) { fs_->next_reg = level; }
  void error(SourcePos pos, std::string message);
  void load_int(uint16_t reg, double value);

  // --- scopes and names (codegen_scope.cpp) ---
  void push_scope();
  void pop_scope();
  LocalVar& declare_local(const std::string& name, bool is_const, bool is_lexical, SourcePos pos);
  void hoist_declarations(const std::vector<StmtPtr>& body);
  void predeclare_block(const std::vector<StmtPtr>& body);
  Binding resolve(const std::string& name, SourcePos pos);
  Binding resolve_in(FunctionState* fs, const std::string& name);
  LocalVar* find_local(FunctionState* fs, const std::string& name);
  void load_binding(const Binding& b, uint16_t dest, const std::string& name, SourcePos pos);
  void store_binding(const Binding& b, uint16_t src, const std::string& name, SourcePos pos, bool is_init);
  void load_this(uint16_t dest, SourcePos pos);
  bool is_captured(const std::string& name) const;

  // --- functions (codegen_function.cpp) ---
  uint32_t compile_function(const FunctionNode& fn, const ClassNode* ctor_of, bool is_derived,
                            const std::string& name_override);
  void emit_closure(const FunctionNode& fn, uint16_t dest, const std::string& name_override = "");
  void emit_params(const FunctionNode& fn);
  void emit_field_initializers(const ClassNode& cls);
  void compile_class(const ClassNode& cls, uint16_t dest);

  // --- statements (codegen_stmt.cpp) ---
  void statement(const Stmt& s);
  void statements(const std::vector<StmtPtr>& body);
  void var_decl(const VarDeclStmt& decl);
  void if_stmt(const IfStmt& s);
  void while_stmt(const WhileStmt& s, std::vector<std::string> labels);
  void do_while_stmt(const DoWhileStmt& s, std::vector<std::string> labels);
  void for_stmt(const ForStmt& s, std::vector<std::string> labels);
  void for_each_stmt(const ForEachStmt& s, std::vector<std::string> labels);
  void switch_stmt(const SwitchStmt& s, std::vector<std::string> labels);
  void labeled_stmt(const LabeledStmt& s);
  void break_continue(const std::string& label, bool is_break, SourcePos pos);
  void return_stmt(const ReturnStmt& s);
  void try_stmt(const TryStmt& s);
  void enum_decl(const EnumDeclStmt& s);
  void export_default(const ExportDefaultStmt& s);
  void emit_exit_through_tries(size_t down_to_depth);
  void open_try_range(TryContext& t);
  void close_try_range(TryContext& t);
  void block_body(const std::vector<StmtPtr>& body);
  void branch_if_false(const Expr& test, std::vector<size_t>& false_jumps);
  /// Loop bottoms: jump back to `target` when `test` holds (one instruction
  /// for comparisons, so each iteration pays a single dispatch for it).
  void branch_back_if_true(const Expr& test, size_t target);

  // --- expressions (codegen_expr.cpp) ---
  void expr_to(const Expr& e, uint16_t dest);
  uint16_t expr_any(const Expr& e);  // a register holding the value (maybe a local's)
  bool is_temporary(uint16_t reg) const;
  uint16_t call_window(uint16_t dest, uint16_t size, SourcePos pos);
  void expr_discard(const Expr& e);
  void binary(const BinaryExpr& e, uint16_t dest);
  uint16_t binary_left(const BinaryExpr& e);
  void binary_with_left(const BinaryExpr& e, uint16_t left, uint16_t dest);
  void logical(const LogicalExpr& e, uint16_t dest);
  void assign(const AssignExpr& e, uint16_t dest, bool want_result);
  void update(const UpdateExpr& e, uint16_t dest, bool want_result);
  /// call() and member(): `object_reg` >= 0 when the receiver/callee (the
  /// link below on a chain's spine) is already in that register.
  void call(const CallExpr& e, uint16_t dest, std::vector<size_t>* chain_exits, int object_reg = -1);
  void new_expr(const NewExpr& e, uint16_t dest);
  void member(const MemberExpr& e, uint16_t dest, std::vector<size_t>* chain_exits, int object_reg = -1);
  /// A long `o.p.q()...` chain compiled link by link in a loop; false when
  /// the chain is short enough for the ordinary recursion.
  bool long_chain(const Expr& e, uint16_t dest, std::vector<size_t>* chain_exits);
  void template_literal(const TemplateExpr& e, uint16_t dest);
  void array_literal(const ArrayExpr& e, uint16_t dest);
  void object_literal(const ObjectExpr& e, uint16_t dest);
  void property_key(const PropertyKey& key, uint16_t dest);
  void unary(const UnaryExpr& e, uint16_t dest);
  bool emit_arguments(const std::vector<ExprPtr>& args, uint16_t window, uint16_t& argc, SourcePos pos);
  void chain(const Expr& e, uint16_t dest, std::vector<size_t>* chain_exits);

  // --- patterns (codegen_pattern.cpp) ---
  /// Declares the names a pattern binds in the current scope (not emitted).
  void declare_pattern(const Pattern& p, bool is_const);
  /// declare_pattern, then a fresh Cell for each captured name (for bindings
  /// made by code that runs each time: for-of heads, catch, parameters).
  void declare_pattern_with_cells(const Pattern& p, bool is_const);
  /// Stores the value in `src` into the pattern's targets.
  void bind_pattern(const Pattern& p, uint16_t src, bool is_declaration);
  void assign_member(const MemberExpr& m, uint16_t value);
  void collect_pattern_names(const Pattern& p, std::vector<std::string>& out);

  Module& module_;
  CompileBudget* budget_ = nullptr;
  std::vector<std::string> builtin_names_;
  bool is_prelude_;
  FreeNames free_names_;
  FileUnit* file_ = nullptr;
  std::vector<std::unique_ptr<FileUnit>>* files_ = nullptr;
  FunctionState* fs_ = nullptr;
  std::unordered_map<uint64_t, uint32_t> number_constants_;
  std::map<std::u16string, uint32_t> string_constants_;
  std::unordered_map<std::string, uint16_t> builtin_imports_;
};

}  // namespace raya::vm::compiler
