// Private to vmcore/builtins: one install function per area of the standard
// library, plus the small argument and string-building helpers the natives
// share (defined in builtins.cpp).
//
// Conventions every native here follows:
//  - No implicit coercions: an argument of the wrong kind is a TypeError
//    naming the method ("String.prototype.repeat: count must be a number,
//    got string \"3\""). String(x), Number(x) and Boolean(x) are the explicit
//    conversions.
//  - Every heap pointer or Value held across an allocation is Rooted; values
//    in call.args (and call.this_value) live in the caller's registers.
//  - A result that would be longer than kMaxStringLength code units is a
//    RangeError raised before anything is allocated.
//  - Work that grows with the input is paid for before it is done, in
//    chunks (vmcore/interp/metering.hpp), at the prices of
//    vmcore/builtins/cost.hpp: every loop over elements, entries,
//    properties or code units goes through charged_chunks / ChargedLoop /
//    charge. A new native also gets a row in
//    tests/vmcore/builtins/builtin_cost_rows.hpp (the cost table test fails
//    for an installed native without one; `make bench-cost` times the row).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vmcore/interp/context.hpp"

namespace raya::vm {

void install_object(Context& ctx);
void install_math(Context& ctx);
void install_number(Context& ctx);  // Number, String(), Boolean(), numeric globals
void install_string(Context& ctx);
void install_array(Context& ctx);
void install_collections(Context& ctx);
void install_json(Context& ctx);
void install_console(Context& ctx);
void install_tasks(Context& ctx);  // task handle methods, the raya:task module

namespace builtins {

/// Longest string a builtin creates (the heap's own hard limit).
inline constexpr uint32_t kMaxStringLength = 1u << 29;
/// Longest array a builtin creates (object_ops.cpp refuses larger buffers).
inline constexpr uint32_t kMaxArrayLength = 1u << 28;

/// Creates a builtin class `name` whose constructor_ is a native (callable
/// with and without `new`, see builtins.cpp) and registers it as a global
/// builtin. With `prototype` set, the class uses that existing core
/// prototype (so `[] instanceof Array` and `m instanceof Map` hold) and the
/// prototype's non-enumerable `constructor` points back at the class.
Class* define_builtin_class(Context& ctx, std::string_view name, NativeFn ctor, uint16_t arity,
                            Object* prototype);

/// Defines a non-enumerable data property (constants on Math, Number, ...).
void define_constant(Context& ctx, Object* target, std::string_view name, Value value);

/// Argument `index` as an integer, ToIntegerOrInfinity without coercion:
/// undefined gives `fallback`, NaN gives 0, other numbers are truncated
/// (±Infinity stays). Anything else is a TypeError "<where>: <what> must be a
/// number, got ...".
bool integer_arg(Context& ctx, const CallArgs& call, uint32_t index, double fallback, std::string_view where,
                 std::string_view what, double& out);
/// Argument `index` as a number (any number, no default).
bool number_arg(Context& ctx, const CallArgs& call, uint32_t index, std::string_view where, std::string_view what,
                double& out);
/// Argument `index` as a string (no default).
bool string_arg(Context& ctx, const CallArgs& call, uint32_t index, std::string_view where, std::string_view what,
                String*& out);
/// TypeError "<where>: <what> must be <expected>, got <description of v>".
bool throw_wrong_kind(Context& ctx, std::string_view where, std::string_view what, std::string_view expected,
                      Value v);

/// A relative position (negative counts back from `length`) clamped to
/// [0, length], as slice() and friends use it.
uint32_t clamp_relative(double position, uint32_t length);
/// A position clamped to [0, length] (substring(), indexOf's start).
uint32_t clamp_absolute(double position, uint32_t length);

/// Checks a result length computed before allocating: false with a pending
/// RangeError "Invalid string length" beyond kMaxStringLength. A string that
/// could never fit in the heap ends the context (VmFatal) as the allocation
/// itself would, without building it first.
bool check_string_length(Context& ctx, uint64_t units);

/// Collects the code units of a string result, refusing anything longer than
/// kMaxStringLength (or the heap) while it grows, so a runaway join() or
/// replaceAll() fails before it is materialised. Appended units are paid for
/// (one step per Context::kUnitsPerStep) before they are copied.
class StringBuilder {
 public:
  explicit StringBuilder(Context& ctx) : ctx_(ctx) {}
  /// False once the result is too long; the error is raised by finish().
  bool append(std::u16string_view units);
  bool append(char16_t unit) { return append(std::u16string_view(&unit, 1)); }
  bool append_ascii(std::string_view ascii);
  bool overflowed() const { return overflowed_; }
  std::u16string& units() { return units_; }
  /// The heap string, or null with a pending RangeError after an overflow.
  String* finish();

 private:
  Context& ctx_;
  std::u16string units_;
  uint64_t prepaid_ = 0;  // units already paid for and not yet appended
  bool overflowed_ = false;
};

/// True for a canonical array index ("0", "17"; not "01", "-1", "1.5").
bool is_array_index_key(const String* key, uint32_t* index = nullptr);
/// Properties (enumerable or not, deleted dictionary entries too) that
/// collecting an object's keys visits: what a key walk pays for.
uint64_t own_property_count(const Object* obj);
/// Own enumerable keys in JavaScript's order: array-index keys ascending,
/// then the other keys in insertion order (Object.keys, JSON.stringify and
/// console output agree with node).
std::vector<String*> ordered_own_keys(Context& ctx, Object* obj);
/// Own data property value; false for an absent or accessor property
/// (`is_accessor` tells which).
bool own_data_property(Context& ctx, Object* obj, String* key, Value& out, bool* is_accessor = nullptr);

/// The decimal text of a number as UTF-16 (Number::toString, no heap).
std::u16string number_to_u16(double d);
/// Canonical string of an index ("0", "12") as an interned key.
String* index_key(Context& ctx, uint32_t index);

/// Array.prototype.sort's default order (exported as the `__sortDefault`
/// builtin for the prelude): elements compared as String(x) by UTF-16 code
/// units, undefined last, stable. False with a pending error (frozen array).
bool sort_array_default(Context& ctx, Array* array);

}  // namespace builtins
}  // namespace raya::vm
