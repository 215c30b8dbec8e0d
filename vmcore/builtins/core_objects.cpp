// The core prototypes and the standard error classes, created before any
// other builtin so install_builtins() can attach methods to them.
#include "vmcore/builtins/cost.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {

namespace {

/// new Error(message): `this` is the instance `new` allocated.
bool error_constructor(Context& ctx, CallArgs& call) {
  if (!is_plain_object(call.this_value)) return ctx.throw_type_error("Error constructor requires 'new'");
  Rooted<Object*> self(ctx, as_object(call.this_value));
  Value message_arg = call.arg(0);
  Rooted<String*> message(ctx, message_arg.is_undefined() ? ctx.empty_string() : ctx.to_string(message_arg));
  // The message is copied into the stack string (twice converted).
  builtins::charge(ctx, uint64_t(message->length_) * 2, builtins::kPerUnits);
  if (!message_arg.is_undefined())
    ctx.define_own_property(self, ctx.intern_ascii("message"), Value::object(message.get()), 0);
  // The stack string starts with "Name: message" like V8's.
  Value name;
  ctx.lookup_property(self, ctx.intern_ascii("name"), name);
  std::string head = is_string(name) ? ctx.to_display_utf8(name) : "Error";
  if (message->length_ != 0) head += ": " + ctx.to_display_utf8(Value::object(message.get()));
  String* stack = ctx.new_string_utf8(head + "\n" + ctx.capture_stack_trace());
  ctx.define_own_property(self, ctx.intern_ascii("stack"), Value::object(stack), 0);
  call.result = call.this_value;
  return true;
}

}  // namespace

void Context::create_builtins() {
  object_prototype_ = new_object(nullptr, 8);
  function_prototype_ = new_object(object_prototype_, 4);
  array_prototype_ = new_object(object_prototype_, 4);
  string_prototype_ = new_object(object_prototype_, 4);
  number_prototype_ = new_object(object_prototype_, 4);
  boolean_prototype_ = new_object(object_prototype_, 4);
  map_prototype_ = new_object(object_prototype_, 4);
  set_prototype_ = new_object(object_prototype_, 4);
  task_prototype_ = new_object(object_prototype_, 4);
  for (Object* p : {object_prototype_, function_prototype_, array_prototype_, string_prototype_,
                    number_prototype_, boolean_prototype_, map_prototype_, set_prototype_, task_prototype_})
    p->flags_ |= kObjectIsPrototype;

  for (size_t i = 0; i < size_t(ErrorType::Count_); ++i) {
    auto type = ErrorType(i);
    std::string name = error_class_name(type);
    NativeFunction* ctor = new_native(name, error_constructor, 1);
    ctor->is_constructor_ = true;
    Class* parent = i == 0 ? nullptr : error_classes_[0];
    Class* cls = new_class(intern_ascii(name), parent, Value::object(ctor));
    define_own_property(cls->prototype_, intern_ascii("name"), Value::object(intern_ascii(name)), 0);
    if (i == 0) define_own_property(cls->prototype_, intern_ascii("message"), Value::object(empty_string_), 0);
    error_classes_[i] = cls;
    define_builtin(name, Value::object(cls));
  }
}

}  // namespace raya::vm
