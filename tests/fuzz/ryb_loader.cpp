// Fuzz target: .ryb bytes -> decoder + verifier (load_module), and running
// whatever verifies under tight limits. Oracles: nothing crashes (ASan,
// UBSan), a verified module re-encodes to bytes that load again, and the
// disassembler can print it.
#include <memory>
#include <span>

#include "tests/fuzz/fuzz_support.hpp"
#include "vmcore/api/vm_context.hpp"
#include "vmcore/bytecode/disassembler.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace raya;
  vm::Result<vm::Module> module = vm::load_module(std::span<const uint8_t>(data, size));
  if (!module) return 0;
  (void)vm::disassemble(*module);
  const std::vector<uint8_t> again = vm::encode_module(*module);
  if (!vm::load_module(again)) fuzz::fail("a verified module, re-encoded, does not load");

  vm::VmContext context(fuzz::tight_limits(), {"log"});
  context.set_console([](int, std::string_view) {});
  if (!context.load(std::make_shared<const vm::Module>(std::move(*module)))) return 0;
  (void)context.start("main", {});
  fuzz::drive(context);
  return 0;
}
