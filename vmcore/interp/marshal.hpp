// Marshalling: Raya values <-> messages::Value, the only form in which data
// leaves or enters a context (task arguments and results, host calls).
//
// marshal() deep-copies: shared substructure is copied once per reference,
// a cycle is an error. Only data crosses: null/undefined, booleans,
// numbers, strings, Bytes, foreign handles, arrays and plain objects (whose
// prototype is Object.prototype or null; their enumerable own properties in
// insertion order; an own getter or setter, enumerable or not, is an error).
// Functions, classes, class instances, Maps, Sets, errors, tasks and
// iterators are bound to this context and are MarshalErrors naming the path
// ("args[0].items[3].name: a function cannot be marshalled").
//
// Conversions at the boundary:
//  - numbers: an int, or an integral double that is not -0 with |x| <= 2^53,
//    becomes Int; other doubles (fractions, beyond 2^53, NaN, the
//    infinities, -0) stay Double. Raya has one number type, so a Double 2.0
//    sent in comes back out as Int 2, and an Int beyond +-2^53 cannot come
//    in at all.
//  - strings are UTF-16 inside and UTF-8 outside: a lone surrogate becomes
//    U+FFFD, and so does ill-formed UTF-8 coming in. Two keys of one object
//    that only differ in lone surrogates would collide: a MarshalError.
//  - undefined, array holes (Value::empty()) and null all become Null.
//
// The produced tree is bounded (see marshal_size_limit): sharing can make
// it exponentially larger than the heap it came from. Neither direction
// charges steps; callers charge MarshalStats::nodes as they see fit.
#pragma once

#include <cstdint>
#include <string_view>

#include "messages/value.hpp"
#include "vmcore/result.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

class Context;

/// The work one marshal or unmarshal call did.
struct MarshalStats {
  uint64_t nodes = 0;  // values produced or consumed, containers included
  uint64_t bytes = 0;  // estimated tree size: 16 per node + string, key and bytes lengths
};

/// Deep-copies a Raya value into the boundary form. `root` names the value in
/// error paths ("args", "result"). Errors are messages::Error with code
/// ErrorCode::MarshalError, `path` set (e.g. "args[0].items[3].name") and a
/// message that names the path and the reason. Does not allocate in the
/// context's heap (and so never collects).
Result<messages::Value> marshal(Context& ctx, Value v, std::string_view root);
Result<messages::Value> marshal(Context& ctx, Value v, std::string_view root, MarshalStats& stats);

/// Allocates the Raya form of `m` in ctx (charged to its heap). Never ends the
/// context: a heap limit hit while unmarshalling returns an Error with code
/// HeapLimitExceeded (catch VmFatal inside), and the partial garbage is left
/// for the GC. The returned Value is NOT rooted: root it before allocating again.
/// Other errors are MarshalErrors whose path starts at `root` ("value" when
/// not given): an Int beyond +-2^53 (not exactly a Raya number) and nesting
/// deeper than messages::kMaxValueDepth.
Result<Value> unmarshal(Context& ctx, const messages::Value& m);
Result<Value> unmarshal(Context& ctx, const messages::Value& m, std::string_view root, MarshalStats& stats);

/// The most bytes (MarshalStats::bytes) one marshal may produce: the
/// context's max_heap_bytes, or 1 GiB if its heap is unlimited.
uint64_t marshal_size_limit(const Context& ctx);

}  // namespace raya::vm
