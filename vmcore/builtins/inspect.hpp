// inspect: a readable rendering of any Raya value for console output and the
// CLI, modelled on node's util.inspect (compact mode 3, 80 columns):
//   [ 1, 2, 3 ]   { a: 1, b: 'x' }   Point { x: 1 }   Map(1) { 'k' => 1 }
//   Set(2) { 1, 2 }   [Function: f]   [class A extends B]   <ref *1> { me: [Circular *1] }
// Nested values deeper than `depth` collapse to [Object], [Array], [Point].
// Errors print their stack (or "Name: message"). It creates no heap objects
// and never calls Raya code (getters show as [Getter]).
#pragma once

#include <cstdint>
#include <string>

#include "vmcore/value/value.hpp"

namespace raya::vm {

class Context;

struct InspectOptions {
  /// Nesting levels shown below the top value (node's default is 2).
  uint32_t depth = 2;
  /// Elements shown per array, Map or Set before "... n more items".
  uint32_t max_items = 100;
  /// Line width for deciding between one line and one entry per line.
  uint32_t break_length = 80;
};

/// util.inspect(v): strings are quoted ('it''s' style escapes as in node).
std::string inspect_value(Context& ctx, Value v, const InspectOptions& options = {});

/// How console.log shows one argument: strings as they are, every other
/// value as inspect_value.
std::string display_value(Context& ctx, Value v, const InspectOptions& options = {});

}  // namespace raya::vm
