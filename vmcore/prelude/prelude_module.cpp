#include <cstdio>
#include <cstdlib>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/prelude/prelude.hpp"

namespace raya::vm {

std::shared_ptr<const Module> prelude_module() {
  // Decoded once per process; C++ guarantees thread-safe initialisation.
  static const std::shared_ptr<const Module> module = []() -> std::shared_ptr<const Module> {
    std::span<const uint8_t> bytes = prelude_bytecode();
    if (bytes.empty()) return nullptr;
    Result<Module> decoded = load_module(bytes);
    if (!decoded) {
      // The prelude is built with the library; failing here is a build bug.
      std::fprintf(stderr, "raya: the built-in prelude is corrupt: %s\n", decoded.error().message.c_str());
      std::abort();
    }
    return std::make_shared<const Module>(std::move(decoded).value());
  }();
  return module;
}

}  // namespace raya::vm
