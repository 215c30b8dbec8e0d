// Iterative destruction of flat chains. A chain of 100,000 `a + a + ...`
// terms is a left-deep tree; freeing it through the default unique_ptr
// destructors would recurse once per link and overflow the stack. Each chain
// node instead detaches its spine child and frees the chain in a loop, so
// every destructor call sees a node whose spine is already empty.
#include "vmcore/compiler/ast.hpp"

namespace raya::vm::compiler {

namespace {

ExprPtr detach_spine(Expr& e) {
  switch (e.kind) {
    case ExprKind::Binary: return std::move(static_cast<BinaryExpr&>(e).left);
    case ExprKind::Logical: return std::move(static_cast<LogicalExpr&>(e).left);
    case ExprKind::Member: return std::move(static_cast<MemberExpr&>(e).object);
    case ExprKind::Call: return std::move(static_cast<CallExpr&>(e).callee);
    default: return nullptr;
  }
}

void free_chain(ExprPtr link) {
  while (link) {
    ExprPtr next = detach_spine(*link);
    link = std::move(next);  // frees the old link: its spine is empty now
  }
}

}  // namespace

const Expr* chain_spine(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Binary: return static_cast<const BinaryExpr&>(e).left.get();
    case ExprKind::Logical: return static_cast<const LogicalExpr&>(e).left.get();
    case ExprKind::Member: return static_cast<const MemberExpr&>(e).object.get();
    case ExprKind::Call: return static_cast<const CallExpr&>(e).callee.get();
    default: return nullptr;
  }
}

BinaryExpr::~BinaryExpr() { free_chain(std::move(left)); }
LogicalExpr::~LogicalExpr() { free_chain(std::move(left)); }
MemberExpr::~MemberExpr() { free_chain(std::move(object)); }
CallExpr::~CallExpr() { free_chain(std::move(callee)); }

IfStmt::~IfStmt() {
  StmtPtr link = std::move(alternate);
  while (link) {
    StmtPtr next;
    if (link->kind == StmtKind::If) next = std::move(static_cast<IfStmt&>(*link).alternate);
    link = std::move(next);
  }
}

}  // namespace raya::vm::compiler
