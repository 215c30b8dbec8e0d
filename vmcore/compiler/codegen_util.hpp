// Small predicates over expressions that several code generator files use
// (which operand may stay in a variable's register, which literal is an
// immediate). Internal to the compiler.
#pragma once

#include <cstdint>
#include <string>

#include "vmcore/compiler/ast.hpp"

namespace raya::vm::compiler {

/// Does evaluating `e` assign any variable? (Then an operand evaluated before
/// it must be copied, not read from the variable's register later.)
bool has_assignment(const Expr& e);
/// True when compiling `e` into dest writes dest only with its final
/// instruction, so dest may be a variable that `e` itself reads.
bool writes_dest_last(const Expr& e);
/// A number literal that fits a signed 16-bit immediate.
bool is_small_int(const Expr& e, int32_t& out);
/// The declared name of a function or arrow expression ("" if anonymous).
std::string anonymous_function_name(const Expr& value);

}  // namespace raya::vm::compiler
