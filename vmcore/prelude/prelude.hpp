// The prelude: builtins written in Raya (prelude.raya), compiled to bytecode
// at build time by raya_prelude_compiler and linked in as a byte array, so
// contexts never compile it at run time. Every context runs it once at
// creation and installs its exported `<Target>_<method>` functions as
// methods (see the convention at the top of prelude.raya).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "vmcore/bytecode/module.hpp"

namespace raya::vm {

/// The encoded prelude (empty in the prelude compiler itself).
std::span<const uint8_t> prelude_bytecode();

/// The decoded and verified prelude, shared by every context of the process
/// (null if the build has no prelude).
std::shared_ptr<const Module> prelude_module();

}  // namespace raya::vm
