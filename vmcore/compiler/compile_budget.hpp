// CompileBudget: how the compiler stages honour CompileOptions' deadline and
// keep_going callback. Each stage charges its work (tokens lexed, tokens
// consumed, statements compiled); every kCompileWorkQuantum units the budget
// checks the clock and asks the caller. Once stopped it stays stopped, and the
// stages wind down quickly (the lexer ends the token stream, the parser jumps
// to the end of file, the code generator skips what is left); the driver then
// reports stop_error() instead of whatever those shortcuts caused.
#pragma once

#include <cstdint>
#include <optional>

#include "messages/error.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::vm::compiler {

class CompileBudget {
 public:
  explicit CompileBudget(const CompileOptions& options) : options_(options) {}

  /// Counts `units` of work; false once compilation must stop.
  bool charge(uint64_t units = 1) {
    if (stop_) return false;
    pending_ += units;
    if (pending_ < CompileOptions::kCompileWorkQuantum) return true;
    return check();
  }
  bool stopped() const { return stop_.has_value(); }
  /// Why compilation stopped (Timeout or CompileError), once stopped().
  const std::optional<messages::Error>& stop_error() const { return stop_; }
  /// Stops with `error` (e.g. a source-size cap), unless already stopped.
  void stop(messages::Error error) {
    if (!stop_) stop_ = std::move(error);
  }

 private:
  bool check();

  const CompileOptions& options_;
  uint64_t pending_ = 0;
  std::optional<messages::Error> stop_;
};

}  // namespace raya::vm::compiler
