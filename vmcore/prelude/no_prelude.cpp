// The prelude compiler links this instead of the generated prelude: it is
// the program that produces the prelude, so it runs without one.
#include "vmcore/prelude/prelude.hpp"

namespace raya::vm {
std::span<const uint8_t> prelude_bytecode() { return {}; }
}  // namespace raya::vm
