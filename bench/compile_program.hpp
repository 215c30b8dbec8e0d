// The compile + verify step every benchmark shares: a program that does not
// compile or verify is reported with its diagnostics instead of timed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::vm::bench {

/// Compiles and verifies `source`, named `path` in diagnostics; null (with
/// `error` set) on failure.
inline std::shared_ptr<const Module> compile_program(std::string_view source, std::string& error,
                                                     const std::string& path = "bench.raya") {
  Result<Module> compiled = compiler::compile_source(path, std::string(source));
  if (!compiled.ok()) {
    error = "compile error: " + compiled.error().render_diagnostics();
    return nullptr;
  }
  Status verified = verify_module(compiled.value());
  if (!verified.ok()) {
    error = "verify error: " + verified.error().to_string();
    return nullptr;
  }
  return std::make_shared<const Module>(std::move(compiled).value());
}

}  // namespace raya::vm::bench
