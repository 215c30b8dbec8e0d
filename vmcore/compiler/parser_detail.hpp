// The Parser class shared by the parser_*.cpp files. Not part of the API;
// include parser.hpp instead.
//
// Error handling has two levels. error() is a syntax error: it enters panic
// mode, every parse function then returns quickly (bailing()), and the
// nearest statement list calls synchronize() to skip to a statement
// boundary. report() is an error after which the parse is still in step
// (`var`, a hole in an array literal, an invalid assignment target); parsing
// just continues. While speculating (trying an arrow function, type
// arguments), error() only marks the attempt as failed and report()s are
// discarded if the attempt is abandoned.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vmcore/compiler/ast.hpp"
#include "vmcore/compiler/parser.hpp"
#include "vmcore/compiler/token.hpp"

namespace raya::vm::compiler::detail {

std::u16string utf8_to_utf16(std::string_view text);
std::string utf16_to_utf8(std::u16string_view text);

class Parser {
 public:
  Parser(std::shared_ptr<const SourceFile> file, DiagnosticSink& sink, CompileBudget* budget = nullptr);
  std::unique_ptr<Program> parse_program();

 private:
  // ---- Tokens (parser.cpp)
  const Token& cur() const { return has_split_ ? split_token_ : tokens_[index_]; }
  const Token& peek(size_t ahead) const;
  TokenKind kind() const { return cur().kind; }
  bool at(TokenKind k) const { return cur().kind == k; }
  bool at_word(std::string_view word) const { return cur().is_word(word); }
  SourcePos pos() const { return cur().pos; }
  void advance();
  bool eat(TokenKind k);
  bool eat_word(std::string_view word);
  /// Consumes `k` or reports "expected 'k' <context>, found X".
  bool expect(TokenKind k, std::string_view context);
  /// Consumes the closer of a bracket opened at `open`, or reports
  /// "unexpected end of file in <what> started at line N" / "expected ...".
  bool expect_close(TokenKind k, SourcePos open, std::string_view what);
  /// Accepts ';' or an automatically inserted one; else reports an error.
  void consume_semicolon(std::string_view after_what);
  /// The token just after the bracket matching the one at the current index
  /// (EndOfFile if unmatched).
  const Token& token_after_match() const;
  std::string found() const;  // describe the current token
  std::string spelling(TokenKind k) const;
  /// Splits '>>', '>=', ... so a type argument list can take one '>'.
  bool eat_closing_angle();

  // ---- Errors and recovery (parser.cpp)
  void error(SourcePos at, std::string message);
  void report(SourcePos at, std::string message);
  bool bailing() const;
  void synchronize(size_t statement_start);
  void synchronize_class_member();

  struct State {
    size_t index;
    bool has_split;
    Token split_token;
  };
  State save() const;
  void restore(const State& s);

  template <class F>
  bool speculate(F&& attempt) {
    State saved = save();
    size_t diagnostics_before = sink_.count();
    bool was_speculating = speculating_;
    bool was_failed = spec_failed_;
    speculating_ = true;
    spec_failed_ = false;
    bool ok = attempt() && !spec_failed_;
    speculating_ = was_speculating;
    spec_failed_ = was_failed;
    if (!ok) {
      restore(saved);
      sink_.truncate(diagnostics_before);
    }
    return ok;
  }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p);
    ~DepthGuard() { --parser_.depth_; }
    bool ok() const { return ok_; }

   private:
    Parser& parser_;
    bool ok_;
  };

  class AllowInGuard {
   public:
    AllowInGuard(Parser& p, bool allow) : parser_(p), saved_(p.allow_in_) { p.allow_in_ = allow; }
    ~AllowInGuard() { parser_.allow_in_ = saved_; }

   private:
    Parser& parser_;
    bool saved_;
  };

  // break/continue bookkeeping, reset at each function boundary.
  struct Label {
    std::string name;
    bool is_loop;
  };
  struct JumpContext {
    int loops = 0;
    int breakables = 0;  // loops and switches
    std::vector<Label> labels;
  };
  class FunctionScopeGuard {
   public:
    explicit FunctionScopeGuard(Parser& p);
    ~FunctionScopeGuard();

   private:
    Parser& parser_;
    JumpContext saved_jumps_;
    bool saved_allow_in_;
    bool saved_top_level_;
  };

  // ---- Statements (parser_statements.cpp)
  StmtPtr parse_statement();
  void parse_statement_list(std::vector<StmtPtr>& out, SourcePos open, std::string_view what);
  std::unique_ptr<BlockStmt> parse_block(std::string_view context);
  StmtPtr parse_sub_statement(std::string_view context);
  std::unique_ptr<VarDeclStmt> parse_var_declaration(bool in_for_head);
  StmtPtr parse_if();
  StmtPtr parse_while();
  StmtPtr parse_do_while();
  StmtPtr parse_for();
  StmtPtr parse_switch();
  StmtPtr parse_try();
  StmtPtr parse_return();
  StmtPtr parse_throw();
  StmtPtr parse_break_continue();
  StmtPtr parse_labeled();
  StmtPtr parse_expression_statement();
  StmtPtr parse_loop_body();

  // ---- Modules and TypeScript declarations (parser_modules.cpp)
  StmtPtr parse_import();
  StmtPtr parse_export();
  StmtPtr parse_enum(bool is_const);
  void skip_type_alias();
  void skip_interface();
  void skip_ambient_declaration();
  bool at_ambient_declaration_start() const;
  std::string parse_module_specifier(std::string_view after_what);

  // ---- Expressions (parser_expressions.cpp; primaries and literals in parser_literals.cpp)
  ExprPtr parse_expression();
  ExprPtr parse_assignment();
  ExprPtr parse_conditional();
  ExprPtr parse_binary(int min_precedence);
  ExprPtr parse_unary();
  ExprPtr parse_postfix();
  ExprPtr parse_lhs();
  ExprPtr parse_call_tail(ExprPtr expr, SourcePos start, bool allow_calls);
  ExprPtr parse_new();
  ExprPtr parse_primary();
  ExprPtr parse_paren();
  ExprPtr parse_array_literal();
  ExprPtr parse_object_literal();
  ExprPtr parse_template();
  void parse_arguments(std::vector<ExprPtr>& args);
  bool parse_property_key(PropertyKey& key);
  ExprPtr try_parse_arrow();
  ExprPtr parse_arrow_speculatively(bool is_async);
  bool parse_arrow_head(FunctionNode& fn);
  void parse_arrow_body(FunctionNode& fn);
  ExprPtr finish_arrow(std::unique_ptr<FunctionNode> fn);
  bool try_skip_call_type_arguments(bool for_new);
  PatternPtr to_assignment_target(ExprPtr expr);
  bool is_simple_target(const Expr& e) const;
  ExprPtr error_expr(SourcePos at);
  bool can_start_expression(const Token& t) const;

  // ---- Functions, classes, patterns (parser_functions.cpp)
  std::unique_ptr<FunctionNode> parse_function_after_keyword(SourcePos start, bool is_async,
                                                             bool name_required, bool body_optional,
                                                             bool& has_body);
  bool parse_function_rest(FunctionNode& fn, bool body_optional);
  void parse_function_body(FunctionNode& fn);
  void parse_params(std::vector<Param>& params, FunctionKind kind);
  std::unique_ptr<FunctionNode> parse_method(FunctionKind kind, bool is_async, const PropertyKey& key,
                                             SourcePos start, bool body_optional, bool& has_body);
  std::unique_ptr<ClassNode> parse_class(SourcePos start, bool name_required);
  void parse_class_member(ClassNode& klass);
  PatternPtr parse_binding_pattern();
  PatternPtr parse_pattern_element(bool binding);
  PatternPtr parse_array_pattern(bool binding);
  PatternPtr parse_object_pattern(bool binding);
  bool is_binding_identifier(const Token& t) const;
  bool is_property_name_start(const Token& t) const;

  // ---- Types, parsed and dropped (parser_types.cpp)
  void parse_type();
  void parse_return_type();
  void parse_type_parameters();
  void parse_type_arguments();
  void parse_union_type();
  void parse_intersection_type();
  void parse_type_operator();
  void parse_postfix_type();
  void parse_primary_type();
  void parse_object_type();
  void parse_tuple_type();
  void parse_function_type_rest();
  void parse_type_reference_tail();

  // ---- State
  std::shared_ptr<const SourceFile> file_;
  DiagnosticSink& sink_;
  CompileBudget* budget_ = nullptr;
  std::vector<Token> tokens_;
  std::vector<uint32_t> match_;  // index of the matching bracket, or kNoMatch
  size_t index_ = 0;
  bool has_split_ = false;
  Token split_token_;

  bool panic_ = false;
  bool speculating_ = false;
  bool spec_failed_ = false;
  int depth_ = 0;
  bool allow_in_ = true;
  bool top_level_ = false;
  bool in_ambient_ = false;
  bool no_conditional_type_ = false;
  bool eof_reported_ = false;  // "unexpected end of file" is said once
  JumpContext jumps_;
  std::unordered_map<size_t, bool> arrow_memo_;  // token index -> "is an arrow head"
  std::unordered_set<size_t> type_arguments_failed_;  // '<' indexes that are not type arguments

  static constexpr uint32_t kNoMatch = 0xFFFFFFFFu;
};

template <class T>
std::unique_ptr<T> make_node(SourcePos pos) {
  return std::make_unique<T>(pos);
}

}  // namespace raya::vm::compiler::detail
