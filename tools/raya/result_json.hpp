// The JSON form of a program's result for `raya run --print-result`:
// JSON.stringify's rules, except that undefined (and anything JSON cannot
// express) at the top level prints as null.
#pragma once

#include <string>

#include "vmcore/interp/context.hpp"

namespace raya::cli {

/// Appends the JSON text of `v`; false (with `error` set) for cycles or
/// nesting deeper than 1000 levels.
bool result_to_json(vm::Context& ctx, vm::Value v, std::string& out, std::string& error);

}  // namespace raya::cli
