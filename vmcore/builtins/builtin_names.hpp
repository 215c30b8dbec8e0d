// The global names every context defines (what `Math` or `console` resolves
// to). The compiler uses this list to tell a builtin from an undeclared name
// at compile time; Context::load() resolves the same names at link time and
// rejects a module that asks for one it lacks.
#pragma once

#include <string_view>

namespace raya::vm {

inline constexpr std::string_view kBuiltinNames[] = {
    "Math",       "JSON",        "console",        "Object",      "Array",      "String",
    "Number",     "Boolean",     "Map",            "Set",         "Error",      "TypeError",
    "RangeError", "ReferenceError", "SyntaxError", "parseInt",    "parseFloat", "isNaN",
    "isFinite",   "NaN",         "Infinity",
};

/// Extra names only the prelude may use (natives that serve the prelude).
inline constexpr std::string_view kPreludeBuiltinNames[] = {"__sortDefault", "__arrayFrom"};

}  // namespace raya::vm
