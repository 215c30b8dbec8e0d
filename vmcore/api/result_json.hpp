// The JSON form of a result (`raya run --print-result`, VmContext::ResultForm::Json):
// JSON.stringify's rules, except that undefined (and anything JSON cannot
// express) at the top level prints as null.
#pragma once

#include <string>

#include "vmcore/interp/context.hpp"

namespace raya::vm {

/// Appends the JSON text of `v`; false (with `error` set) for cycles,
/// nesting deeper than 1000 levels, or text longer than
/// marshal_size_limit(ctx) (the heap limit, or 1 GiB; the message names it).
bool result_to_json(Context& ctx, Value v, std::string& out, std::string& error);

}  // namespace raya::vm
