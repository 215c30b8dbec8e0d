// The lexer: UTF-8 source text to a vector of tokens.
//
// It reports malformed input (bad numbers, unterminated strings and comments,
// stray characters, invalid UTF-8) to the DiagnosticSink and keeps going, so
// the parser still sees a token stream ending in EndOfFile and can report its
// own errors in the same run. Template literals are tracked with a stack of
// brace depths, so `${ {a: `x${y}`} }` nests correctly without parser help.
#pragma once

#include <vector>

#include "vmcore/compiler/source.hpp"
#include "vmcore/compiler/token.hpp"

namespace raya::vm::compiler {

class CompileBudget;

/// Tokenizes the whole file. The result always ends with one EndOfFile token
/// (early, if `budget` stops compilation: one unit per token).
std::vector<Token> tokenize(const SourceFile& file, DiagnosticSink& sink, CompileBudget* budget = nullptr);

}  // namespace raya::vm::compiler
