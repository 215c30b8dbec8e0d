#include "vmcore/version.hpp"

namespace raya::vm {
const char* version_string() { return kVersionString; }
}  // namespace raya::vm
