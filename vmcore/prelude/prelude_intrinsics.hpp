// Prelude intrinsics: the natives prelude.raya calls instead of methods a
// program can replace. A prelude function that called `result.push(x)` or
// `map.has(k)` would look the method up on the prototype at call time, so a
// program that replaced Array.prototype.push would change what
// [3,1,2].sort(cmp) does. Each intrinsic is the builtin method as it was
// when the context was created, bound at link time as a prelude-only
// builtin import (`__push(array, x)` = the original push with `array` as
// `this`), so nothing a program does to prototypes or globals reaches it.
#pragma once

#include <string_view>

namespace raya::vm {

class Context;

/// Names of the intrinsics (the prelude compiler accepts them as builtins).
inline constexpr std::string_view kPreludeIntrinsicNames[] = {
    "__push", "__slice", "__isArray", "__mapEntries", "__mapHas", "__mapGet", "__setValues", "__setHas",
};

/// Defines the intrinsics as builtins of `ctx`, from the methods installed
/// on its prototypes now. Call after install_builtins and before the
/// prelude is loaded.
void install_prelude_intrinsics(Context& ctx);

}  // namespace raya::vm
