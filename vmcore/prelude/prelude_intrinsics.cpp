// Prelude intrinsics (see prelude_intrinsics.hpp): each wraps an original
// builtin method and calls it with its first argument as `this`.
#include "vmcore/prelude/prelude_intrinsics.hpp"

#include <string>

#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {

namespace {

/// magic_ of a wrapper whose target ignores `this` (a static method).
constexpr uint32_t kStatic = 1;

/// Calls the wrapped native (data_) with `this` = the first argument (or
/// undefined for a static method) and the remaining arguments.
bool call_wrapped(Context& ctx, CallArgs& call) {
  NativeFunction* self = call.callee;
  if (self == nullptr || !is_native(self->data_))
    return ctx.throw_type_error("internal error: a prelude intrinsic lost its target");
  NativeFunction* target = as_native(self->data_);
  const bool is_static = self->magic_ == kStatic;
  CallArgs inner{is_static ? Value::undefined() : call.arg(0), call.args, call.count};
  if (!is_static && call.count > 0) {
    inner.args = call.args + 1;
    inner.count = call.count - 1;
  }
  inner.callee = target;
  if (!target->fn_(ctx, inner)) return false;
  call.result = inner.result;
  return true;
}

/// Defines builtin `name` wrapping method `method` of `on` as installed now.
void wrap(Context& ctx, Object* on, std::string_view name, std::string_view method, uint32_t magic = 0) {
  if (on == nullptr) return;
  Value original;
  if (!ctx.lookup_property(on, ctx.intern_ascii(method), original) || !is_native(original)) return;
  Rooted<Value> keep(ctx, original);
  NativeFunction* fn = ctx.new_native(name, call_wrapped, 1);
  fn->data_ = keep.get();
  fn->magic_ = magic;
  ctx.define_builtin(name, Value::object(fn));
}

}  // namespace

void install_prelude_intrinsics(Context& ctx) {
  Object* array_class = nullptr;
  Value array_value;
  if (ctx.lookup_builtin("Array", array_value) && is_plain_object(array_value)) array_class = as_object(array_value);
  wrap(ctx, ctx.array_prototype(), "__push", "push");
  wrap(ctx, ctx.array_prototype(), "__slice", "slice");
  wrap(ctx, array_class, "__isArray", "isArray", kStatic);
  wrap(ctx, ctx.map_prototype(), "__mapEntries", "entries");
  wrap(ctx, ctx.map_prototype(), "__mapHas", "has");
  wrap(ctx, ctx.map_prototype(), "__mapGet", "get");
  wrap(ctx, ctx.set_prototype(), "__setValues", "values");
  wrap(ctx, ctx.set_prototype(), "__setHas", "has");
}

}  // namespace raya::vm
