// The parser: tokens to an AST (ast.hpp) for one source file.
//
// Recursive descent over a token vector produced up front by the lexer, with
// backtracking where TypeScript needs it (arrow functions with return types,
// generic arrows, type arguments on calls). TypeScript-only syntax is parsed
// by a real type grammar and dropped. The parser reports many errors per run:
// after a syntax error it skips to the next statement boundary and goes on,
// up to the DiagnosticSink's cap. It never crashes, hangs or recurses without
// bound: nesting deeper than kMaxNestingDepth is an error, every loop consumes
// a token or stops, and backtracking is memoised so it stays polynomial.
//
// Scope rules (undeclared names, assigning a const, duplicate declarations)
// are left to the resolver. The parser does check what is purely syntactic:
// break/continue targets, `var`, rest-element placement, import/export only
// at top level, const and destructuring declarations having initializers.
#pragma once

#include <memory>
#include <string>

#include "vmcore/compiler/ast.hpp"
#include "vmcore/compiler/source.hpp"
#include "vmcore/result.hpp"

namespace raya::vm::compiler {

class CompileBudget;

/// How deep statements, expressions, patterns and types may nest. Every
/// recursive production counts (a parenthesis or bracket counts twice: the
/// expression and the primary), and flat chains (`a + b + ...`, `o.p.q`,
/// `else if`) do not. Measured in a release build, programs nested to this
/// limit in every production compile in under 512 KiB of stack, far below
/// the 8 MiB of a main or worker thread (sanitizer builds need ~3x).
inline constexpr int kMaxNestingDepth = 500;

/// Parses one file. On any lexical or syntax error returns a CompileError
/// whose diagnostics list every problem found (FILE:LINE:COL, message, line).
Result<std::unique_ptr<Program>> parse_program(std::shared_ptr<const SourceFile> file);

/// Convenience: parse `text` as a file named `name`.
Result<std::unique_ptr<Program>> parse_program(std::string name, std::string text);

/// Parses into `sink` instead of returning an error (a later stage may want
/// to add its own diagnostics to the same list). Returns the program even
/// when errors were reported; it must then not be compiled.
/// `budget` (optional) is charged one unit per token lexed and per token
/// consumed; once it stops, the parse ends at once.
std::unique_ptr<Program> parse_program_into(std::shared_ptr<const SourceFile> file,
                                            DiagnosticSink& sink, CompileBudget* budget = nullptr);

}  // namespace raya::vm::compiler
