// Free-name analysis: for every function, the names that functions nested
// inside it mention without declaring them at their own top level. A local
// whose name is in that set is stored in a Cell so closures share it.
//
// Conservative by design: block-level declarations inside a nested function
// are not subtracted, so a name may be reported free although it is not.
// That only costs a Cell, never correctness.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "vmcore/compiler/ast.hpp"

namespace raya::vm::compiler {

using NameSet = std::unordered_set<std::string>;

class FreeNames {
 public:
  /// Names captured from the top level of a file by its functions.
  const NameSet& captured_by_file(const Program& program);
  /// Names captured from `fn`'s locals by functions nested inside it. The
  /// pseudo-name "this" stands for the function's `this` used by arrows.
  const NameSet& captured_by(const FunctionNode& fn);

 private:
  struct Info {
    NameSet free;      // what the function mentions but does not declare
    NameSet captured;  // what functions nested in it mention freely
    bool done = false;
  };
  Info& analyze(const FunctionNode& fn);
  void walk_stmt(const Stmt& s, NameSet& refs, NameSet& captured);
  void walk_expr(const Expr& e, NameSet& refs, NameSet& captured);
  void walk_pattern(const Pattern& p, NameSet& refs, NameSet& captured);
  void walk_key(const PropertyKey& k, NameSet& refs, NameSet& captured);
  void walk_function(const FunctionNode& fn, NameSet& refs, NameSet& captured);
  void walk_class(const ClassNode& c, NameSet& refs, NameSet& captured);

  std::unordered_map<const FunctionNode*, Info> functions_;
  std::unordered_map<const Program*, NameSet> files_;
};

/// Names a pattern binds (identifiers in declaration position).
void pattern_names(const Pattern& p, std::vector<std::string>& out);

}  // namespace raya::vm::compiler
