// Calls, construction, closures, classes and exception unwinding: the parts
// of the interpreter that push and pop frames.
#include <algorithm>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/module_instance.hpp"
#include "vmcore/interp/interpreter.hpp"

namespace raya::vm {

namespace {

}  // namespace

std::string Interpreter::current_expression() {
  if (task_.frames.empty()) return "";
  const Frame& f = task_.frames.back();
  const FunctionProto* proto = f.closure->proto_;
  uint32_t pc = f.pc == 0 ? 0 : f.pc - 1;
  const auto& names = proto->expr_names;
  auto it = std::lower_bound(names.begin(), names.end(), pc,
                             [](const ExprName& e, uint32_t p) { return e.pc < p; });
  if (it == names.end() || it->pc != pc) return "";
  Value text = f.closure->module_->constants_[it->name];
  return is_string(text) ? ctx_.to_display_utf8(text) : "";
}

namespace {

std::string not_a(Context& ctx, const std::string& expr, Value v, const char* what) {
  if (expr.empty()) return ctx.describe_for_error(v) + " is not " + what;
  return expr + " is not " + what + " (it is " + ctx.describe_for_error(v) + ")";
}

}  // namespace

bool Context::push_call_frame(Task& task, Value callee, uint32_t window, uint32_t argc, uint8_t flags) {
  Interpreter interp(*this, task);
  return interp.call_value(window, argc, flags) != Interpreter::CallResult::Threw;
}

bool Interpreter::enter_closure(Closure* closure, uint32_t new_base, uint32_t argc, uint32_t result_slot,
                                uint8_t flags) {
  const FunctionProto* proto = closure->proto_;
  // Until the frame exists, its callee, this and arguments sit above the
  // caller's registers: keep them in the collector's view (see Task::args_top).
  task_.args_top = std::max<uint32_t>(task_.args_top, new_base + 1 + argc);
  if (task_.frames.size() >= ctx_.options_.max_call_depth) {
    ctx_.throw_range_error("Maximum call stack size exceeded");
    return false;
  }
  size_t needed = size_t(new_base) + proto->register_count + 1;
  if (needed > task_.stack.size()) {
    Rooted<Closure*> keep(ctx_, closure);
    ctx_.grow_stack(task_, needed);
  }
  Value* regs = task_.stack.data() + new_base;
  for (uint32_t i = argc; i < proto->param_count; ++i) regs[1 + i] = Value::undefined();
  task_.frames.push_back(Frame{closure, 0, new_base, result_slot, flags});
  if (proto->has(kFunctionHasRest)) {
    uint32_t rest_count = argc > proto->param_count ? argc - proto->param_count : 0;
    Array* rest = ctx_.new_array(0, rest_count);
    regs = task_.stack.data() + new_base;
    for (uint32_t i = 0; i < rest_count; ++i) rest->elements_[i] = regs[1 + proto->param_count + i];
    rest->length_ = rest_count;
    regs[1 + proto->param_count] = Value::object(rest);
  }
  // The arguments now live in the frame (or its rest array).
  task_.args_top = 0;
  return true;
}

Interpreter::CallResult Interpreter::call_value(uint32_t window, uint32_t argc, uint8_t flags) {
  Value callee = task_.stack[window];
  if (callee.is_object()) {
    switch (callee.as_object()->kind()) {
      case ObjectKind::Closure: {
        Closure* c = as_closure(callee);
        if (c->proto_->has(kFunctionIsClassCtor)) {
          ctx_.throw_type_error("Class constructor " + c->proto_->name + " cannot be invoked without 'new'");
          return CallResult::Threw;
        }
        if (c->proto_->has(kFunctionIsAsync) && !(flags & kFrameTaskStart)) return spawn_async(window, argc);
        if (!enter_closure(c, window + 1, argc, window, flags & ~kFrameTaskStart)) return CallResult::Threw;
        return CallResult::PushedFrame;
      }
      case ObjectKind::NativeFunction: {
        NativeFunction* f = as_native(callee);
        CallArgs call{task_.stack[window + 1], task_.stack.data() + window + 2, argc};
        call.callee = f;
        // Only a call instruction of the running task can be suspended: its
        // result slot is where the value arrives on resume.
        ctx_.suspendable_call_ = !(flags & kFrameTaskStart) && &task_ == ctx_.current_task_;
        bool ok;
        try {
          ok = f->fn_(ctx_, call);
        } catch (const VmRangeError& e) {
          ok = ctx_.throw_range_error(e.message);
        }
        ctx_.suspendable_call_ = false;
        if (!ok) {
          if (ctx_.suspending_) {
            task_.stack[window] = Value::undefined();
            task_.resume_slot = window;
          }
          return CallResult::Threw;
        }
        task_.stack[window] = call.result;
        return CallResult::Returned;
      }
      case ObjectKind::Class: {
        // Builtin classes with native constructors double as conversion
        // functions (Number(x), String(x), Array(n)); user classes need new.
        Class* cls = as_class(callee);
        if (is_native(cls->constructor_)) {
          NativeFunction* f = as_native(cls->constructor_);
          CallArgs call{Value::undefined(), task_.stack.data() + window + 2, argc};
          if (!f->fn_(ctx_, call)) return CallResult::Threw;
          task_.stack[window] = call.result;
          return CallResult::Returned;
        }
        ctx_.throw_type_error("Class constructor " + ctx_.to_display_utf8(Value::object(cls->name_)) +
                              " cannot be invoked without 'new'");
        return CallResult::Threw;
      }
      default:
        break;
    }
  }
  ctx_.throw_type_error(not_a(ctx_, current_expression(), callee, "a function"));
  return CallResult::Threw;
}

Interpreter::CallResult Interpreter::construct(uint32_t window, uint32_t argc) {
  Value callee = task_.stack[window];
  if (!is_class(callee)) {
    if (is_closure(callee) && !as_closure(callee)->proto_->has(kFunctionIsArrow) &&
        !as_closure(callee)->proto_->has(kFunctionIsMethod) && !as_closure(callee)->proto_->has(kFunctionIsAsync)) {
      // `new f()` on a plain function: an object with Object.prototype.
      Object* self = ctx_.new_plain_object();
      task_.stack[window + 1] = Value::object(self);
      if (!enter_closure(as_closure(task_.stack[window]), window + 1, argc, window, kFrameConstruct))
        return CallResult::Threw;
      return CallResult::PushedFrame;
    }
    ctx_.throw_type_error(not_a(ctx_, current_expression(), callee, "a constructor"));
    return CallResult::Threw;
  }
  Class* cls = as_class(callee);
  Value ctor = cls->constructor_;
  if (is_native(ctor)) {
    NativeFunction* f = as_native(ctor);
    Object* self = ctx_.new_object(as_class(task_.stack[window])->prototype_, 4);
    task_.stack[window + 1] = Value::object(self);
    f = as_native(as_class(task_.stack[window])->constructor_);
    CallArgs call{task_.stack[window + 1], task_.stack.data() + window + 2, argc};
    if (!f->fn_(ctx_, call)) return CallResult::Threw;
    task_.stack[window] = call.result.is_object() ? call.result : task_.stack[window + 1];
    return CallResult::Returned;
  }
  if (!is_closure(ctor)) {
    ctx_.throw_type_error("class has no constructor");
    return CallResult::Threw;
  }
  Object* self = ctx_.new_object(cls->prototype_, cls->instance_slot_hint_);
  task_.stack[window + 1] = Value::object(self);
  cls = as_class(task_.stack[window]);
  if (!enter_closure(as_closure(cls->constructor_), window + 1, argc, window, kFrameConstruct))
    return CallResult::Threw;
  return CallResult::PushedFrame;
}

Interpreter::CallResult Interpreter::super_call(uint32_t window, uint32_t argc) {
  Frame& f = top();
  Class* owner = f.closure->owner_class_;
  if (owner == nullptr || owner->parent_ == nullptr) {
    ctx_.throw_error(ErrorType::SyntaxError, "'super' call outside of a derived class constructor");
    return CallResult::Threw;
  }
  Value self = task_.stack[f.base];
  Value ctor = owner->parent_->constructor_;
  task_.stack[window] = ctor;
  task_.stack[window + 1] = self;
  if (is_native(ctor)) {
    CallArgs call{self, task_.stack.data() + window + 2, argc};
    if (!as_native(ctor)->fn_(ctx_, call)) return CallResult::Threw;
    task_.stack[window] = self;
    return CallResult::Returned;
  }
  if (!is_closure(ctor)) {
    ctx_.throw_type_error("parent class has no constructor");
    return CallResult::Threw;
  }
  if (!enter_closure(as_closure(ctor), window + 1, argc, window, kFrameConstruct)) return CallResult::Threw;
  return CallResult::PushedFrame;
}

bool Interpreter::spread_arguments(uint32_t window, uint32_t& argc) {
  Value args = task_.stack[window + 2];
  if (!is_array(args)) return ctx_.throw_type_error("spread argument is not iterable");
  uint32_t n = as_array(args)->length_;
  if (n > 65000) return ctx_.throw_range_error("too many arguments in spread call");
  // The arguments must sit in the window; make room above the caller's frame.
  size_t needed = size_t(window) + 2 + n + 1;
  if (needed > task_.stack.size()) {
    Rooted<Value> keep(ctx_, args);
    ctx_.grow_stack(task_, needed);
    args = keep;
  }
  // Registers above the caller's own may be overwritten: the window is the
  // caller's last registers by construction (the code generator puts spread
  // windows at the top of the frame).
  // Up to 65,000 values are copied here and usually once more by the callee
  // (its rest array, an async call's task stack): paid for before, in
  // chunks, at two steps per argument. A call without spread copies at most
  // the arguments its instructions wrote, which they paid for.
  Array* arr = as_array(args);
  builtins::charged_chunks(ctx_, n, builtins::kPerSpreadArgument, [&](uint64_t b, uint64_t e) {
    std::copy(arr->elements_ + b, arr->elements_ + e, task_.stack.begin() + ptrdiff_t(window + 2 + b));
    return true;
  });
  argc = n;
  task_.args_top = std::max<uint32_t>(task_.args_top, window + 2 + n);
  return true;
}

Value Interpreter::new_closure(uint32_t function_index) {
  Frame& f = top();
  ModuleInstance* mi = f.closure->module_;
  const FunctionProto* proto = &mi->module_->functions[function_index];
  uint32_t n = uint32_t(proto->captures.size());
  // Validate captures before allocating (bytecode could be hostile).
  Value* regs = task_.stack.data() + f.base;
  for (const Capture& cap : proto->captures) {
    if (cap.from == Capture::From::ParentRegister) {
      if (!is_cell(regs[cap.index])) {
        ctx_.throw_type_error("internal error: captured register does not hold a cell");
        return Value::undefined();
      }
    } else if (cap.index >= f.closure->upvalue_count_) {
      ctx_.throw_type_error("internal error: captured upvalue out of range");
      return Value::undefined();
    }
  }
  Closure* c = ctx_.heap().make_with_extra<Closure>(n * sizeof(Cell*), proto, mi, &mi->function_caches_[function_index], n);
  Frame& g = top();
  regs = task_.stack.data() + g.base;
  for (uint32_t i = 0; i < n; ++i) {
    const Capture& cap = proto->captures[i];
    c->upvalues()[i] = cap.from == Capture::From::ParentRegister ? as_cell(regs[cap.index])
                                                                 : g.closure->upvalues()[cap.index];
  }
  return Value::object(c);
}

bool Interpreter::new_class(Value ctor, Value parent, String* name, Value& out) {
  Class* parent_class = nullptr;
  if (!parent.is_empty()) {
    if (!is_class(parent)) {
      return ctx_.throw_type_error("Class extends value " + ctx_.describe_for_error(parent) +
                                   " is not a class");
    }
    parent_class = as_class(parent);
    // Every prototype chain is bounded (Context::kMaxPrototypeDepth): here
    // the bound is a catchable error rather than the end of the context.
    const uint32_t depth = std::max<uint32_t>(parent_class->shape_->proto_depth_,
                                              parent_class->prototype_->shape_->proto_depth_) + 2;
    if (depth > Context::kMaxPrototypeDepth) {
      return ctx_.throw_range_error("class hierarchy too deep: a prototype chain may be at most " +
                                    std::to_string(Context::kMaxPrototypeDepth) + " objects long");
    }
  }
  Rooted<Value> ctor_root(ctx_, ctor);
  Class* cls = ctx_.new_class(name, parent_class, ctor);
  if (is_closure(ctor_root.get())) {
    Closure* c = as_closure(ctor_root.get());
    c->owner_class_ = cls;
    c->home_ = Value::object(cls->prototype_);
  }
  out = Value::object(cls);
  return true;
}

bool Interpreter::define_method(Value target, Value key, Value fn) {
  if (!is_plain_object(target)) return ctx_.throw_type_error("cannot define a method on a non-object");
  Rooted<Value> t(ctx_, target);
  Rooted<Value> f(ctx_, fn);
  String* k = ctx_.to_property_key(key);
  if (is_closure(f.get())) as_closure(f.get())->home_ = t.get();
  ctx_.define_own_property(as_object(t.get()), k, f.get(), 0);
  return true;
}

namespace {

/// Getter of a namespace object's property: reads the exporting module's
/// global slot (data_ = the ModuleInstance, magic_ = the slot), so
/// `import * as ns` sees live bindings like named imports do.
bool live_export_getter(Context& ctx, CallArgs& call) {
  NativeFunction* self = call.callee;
  if (self == nullptr || !self->data_.is_object() ||
      self->data_.as_object()->kind() != ObjectKind::ModuleInstance) {
    return ctx.throw_type_error("internal error: live export getter without its module");
  }
  auto* mi = static_cast<ModuleInstance*>(self->data_.as_object());
  if (self->magic_ >= mi->globals_.size()) return ctx.throw_type_error("internal error: bad export slot");
  Value v = mi->globals_[self->magic_];
  if (v.is_empty()) {
    return ctx.throw_error(ErrorType::ReferenceError, "Cannot access '" + mi->module_->globals[self->magic_].name +
                                                          "' before initialization");
  }
  call.result = v;
  return true;
}

}  // namespace

bool Interpreter::define_export(Value target, Value name, uint32_t global) {
  if (!is_plain_object(target) || !is_string(name)) return ctx_.throw_type_error("internal error: bad DefineExport");
  Rooted<Value> t(ctx_, target);
  Rooted<String*> key(ctx_, ctx_.to_property_key(name));
  Rooted<NativeFunction*> getter(ctx_, ctx_.new_native(ctx_.to_display_utf8(name), live_export_getter, 0));
  getter->data_ = Value::object(top().closure->module_);
  getter->magic_ = global;
  Accessor* acc = ctx_.heap().make<Accessor>();
  acc->getter_ = Value::object(getter.get());
  ctx_.define_own_property(as_object(t.get()), key, Value::object(acc), kPropAccessor | kPropEnumerable);
  return true;
}

bool Interpreter::define_accessor(Value target, Value key, Value fn, bool is_getter) {
  if (!is_plain_object(target)) return ctx_.throw_type_error("cannot define an accessor on a non-object");
  Rooted<Value> t(ctx_, target);
  Rooted<Value> f(ctx_, fn);
  Rooted<String*> k(ctx_, ctx_.to_property_key(key));
  if (is_closure(f.get())) as_closure(f.get())->home_ = t.get();
  Object* obj = as_object(t.get());
  Value existing;
  PropertyInfo info{};
  Object* holder = nullptr;
  Accessor* acc = nullptr;
  if (ctx_.lookup_property(obj, k, existing, &holder, &info) && holder == obj && (info.flags & kPropAccessor)) {
    acc = static_cast<Accessor*>(existing.as_object());
  } else {
    acc = ctx_.heap().make<Accessor>();
    Rooted<Accessor*> a(ctx_, acc);
    ctx_.define_own_property(as_object(t.get()), k, Value::object(acc), kPropAccessor);
    acc = a;
  }
  (is_getter ? acc->getter_ : acc->setter_) = f.get();
  ctx_.bump_proto_epoch();
  return true;
}

bool Interpreter::get_super(String* key, Value& out) {
  Value home = top().closure->home_;
  if (!is_plain_object(home)) return ctx_.throw_error(ErrorType::SyntaxError, "'super' outside of a method");
  Object* start = as_object(home)->proto();
  if (start == nullptr) {
    out = Value::undefined();
    return true;
  }
  Value v;
  PropertyInfo info{};
  if (ctx_.lookup_property(start, key, v, nullptr, &info) && (info.flags & kPropAccessor)) {
    return ctx_.throw_type_error("super accessors are not supported");
  }
  out = v;
  return true;
}

bool Interpreter::unwind(Value exception) {
  Rooted<Value> exc(ctx_, exception);
  while (!task_.frames.empty()) {
    Frame& f = task_.frames.back();
    const FunctionProto* proto = f.closure->proto_;
    uint32_t pc = f.pc == 0 ? 0 : f.pc - 1;
    for (const Handler& h : proto->handlers) {
      if (pc >= h.start_pc && pc < h.end_pc) {
        task_.stack[f.base + h.exception_register] = exc.get();
        f.pc = h.handler_pc;
        return true;
      }
    }
    bool boundary = (f.flags & kFrameBoundary) != 0;
    task_.frames.pop_back();
    if (boundary) break;
  }
  task_.frames.clear();
  task_.state = TaskState::Failed;
  task_.exception = exc.get();
  return false;
}

void Interpreter::finish_task(Value result) {
  task_.frames.clear();
  task_.state = TaskState::Done;
  task_.result = result;
}

}  // namespace raya::vm
