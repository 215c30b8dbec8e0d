// The periodic check of CompileBudget (see compile_budget.hpp).
#include "vmcore/compiler/compile_budget.hpp"

namespace raya::vm::compiler {

bool CompileBudget::check() {
  uint64_t work = pending_;
  pending_ = 0;
  if (options_.deadline && std::chrono::steady_clock::now() >= *options_.deadline) {
    stop(messages::make_error(messages::ErrorCode::Timeout, "compilation did not finish before its deadline"));
    return false;
  }
  if (options_.keep_going && !options_.keep_going(work)) {
    stop(messages::make_error(messages::ErrorCode::CompileError, "compilation cancelled by its caller"));
    return false;
  }
  return true;
}

}  // namespace raya::vm::compiler
