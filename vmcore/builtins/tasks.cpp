// Tasks in the standard library: the methods of task handles (isDone,
// cancel) and the `raya:task` module (sleep, yieldNow). The module's names
// are builtins named "raya:task.<name>" (and "raya:task" for the namespace
// object) that the compiler binds `import ... from "raya:task"` to.
#include <cmath>

#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"

namespace raya::vm {

namespace {

bool this_task(Context& ctx, const CallArgs& call, std::string_view method, Task*& out) {
  if (!is_task(call.this_value))
    return builtins::throw_wrong_kind(ctx, method, "this", "a task", call.this_value);
  out = as_task(call.this_value);
  return true;
}

bool task_is_done(Context& ctx, CallArgs& call) {
  Task* t = nullptr;
  if (!this_task(ctx, call, "Task.prototype.isDone", t)) return false;
  call.result = Value::boolean(t->finished());
  return true;
}

/// True if the task was stopped, false if it had already finished. A task
/// that cancels itself stops at once.
bool task_cancel(Context& ctx, CallArgs& call) {
  Task* t = nullptr;
  if (!this_task(ctx, call, "Task.prototype.cancel", t)) return false;
  if (t == ctx.current_task()) return ctx.cancel_current_task();
  call.result = Value::boolean(ctx.cancel_task(t));
  return true;
}

/// sleep(ms): blocks the calling task for at least `ms` milliseconds (a timer
/// request to the embedding). Negative and NaN delays sleep 0 ms.
bool task_sleep(Context& ctx, CallArgs& call) {
  double ms = 0;
  if (call.count > 0 && !call.args[0].is_undefined() &&
      !builtins::number_arg(ctx, call, 0, "sleep", "ms", ms))
    return false;
  constexpr double kMaxDelayMs = 1e15;  // ~31,000 years: effectively forever
  uint64_t delay = std::isnan(ms) || ms <= 0 ? 0 : ms >= kMaxDelayMs ? uint64_t(kMaxDelayMs) : uint64_t(std::ceil(ms));
  return ctx.suspend_for_timer(delay);
}

/// yieldNow(): lets every other ready task run before this one continues.
bool task_yield_now(Context& ctx, CallArgs&) { return ctx.yield_current_task(); }

}  // namespace

void install_tasks(Context& ctx) {
  Object* proto = ctx.task_prototype();
  ctx.define_native_method(proto, "isDone", task_is_done, 0);
  ctx.define_native_method(proto, "cancel", task_cancel, 0);

  Rooted<Object*> module(ctx, ctx.new_plain_object());
  struct Export {
    const char* name;
    NativeFn fn;
    uint16_t arity;
  };
  for (const Export& e : {Export{"sleep", task_sleep, 1}, Export{"yieldNow", task_yield_now, 0}}) {
    NativeFunction* fn = ctx.define_native_method(module.get(), e.name, e.fn, e.arity);
    ctx.define_builtin(std::string("raya:task.") + e.name, Value::object(fn));
  }
  ctx.define_builtin("raya:task", Value::object(module.get()));
}

}  // namespace raya::vm
