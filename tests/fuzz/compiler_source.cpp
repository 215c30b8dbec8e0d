// Fuzz target: source text -> compiler front end (lexer, parser, resolver,
// code generator), and running what compiles under tight limits. No disk
// access: imports are refused by the read_file hook. Oracles: nothing
// crashes; what compiles passes the verifier and survives a .ryb round trip
// (a compiled module the verifier rejects is a compiler bug).
#include <memory>
#include <optional>
#include <string>

#include "tests/fuzz/fuzz_support.hpp"
#include "vmcore/api/vm_context.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace raya;
  const std::string text(fuzz::as_text(data, size));
  vm::compiler::CompileOptions options;
  // No read_file: the compiler reads no file (an import is a compile error).
  vm::Result<vm::Module> module = vm::compiler::compile_source("fuzz.raya", text, options);
  if (!module) return 0;
  if (vm::Status verified = vm::verify_module(*module); !verified)
    fuzz::fail("the verifier rejects a compiled module: " + verified.error().message);
  if (!vm::load_module(vm::encode_module(*module))) fuzz::fail("a compiled module does not survive .ryb encoding");

  vm::VmContext context(fuzz::tight_limits(), {"log"});
  context.set_console([](int, std::string_view) {});
  if (!context.load(std::make_shared<const vm::Module>(std::move(*module)))) return 0;
  (void)context.start("main", {});
  fuzz::drive(context);
  return 0;
}
