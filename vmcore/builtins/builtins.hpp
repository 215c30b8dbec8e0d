// Builtins: the standard library every context starts with (LANGUAGE.md
// "Builtins"). Natives are C++ functions that never call back into Raya;
// the higher-order builtins live in the Raya prelude (prelude.raya).
#pragma once

namespace raya::vm {

class Context;

/// Installs every native builtin (globals, prototype methods) into a fresh
/// context. Called once by the Context constructor after the core
/// prototypes and error classes exist.
void install_builtins(Context& ctx);

}  // namespace raya::vm
