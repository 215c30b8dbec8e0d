// The interpreter's side of tasks: calling an async function spawns a task,
// and `await` reads a finished task or blocks the current one. Scheduling and
// waking live in task_scheduler.cpp.
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/interpreter.hpp"

namespace raya::vm {

Interpreter::CallResult Interpreter::spawn_async(uint32_t window, uint32_t argc) {
  Task* task = ctx_.spawn_call(task_.stack[window], task_.stack[window + 1], task_.stack.data() + window + 2, argc);
  if (task == nullptr) return CallResult::Threw;
  task_.stack[window] = Value::object(task);
  return CallResult::Returned;
}

namespace {

bool throw_self_await(Context& ctx) { return ctx.throw_type_error("a task cannot await itself"); }

}  // namespace

Interpreter::AwaitResult Interpreter::await_value(Value v, Value& out) {
  if (is_task(v)) {
    Task* t = as_task(v);
    if (t == &task_) return throw_self_await(ctx_), AwaitResult::Threw;
    ctx_.observe(t);
    if (t->state == TaskState::Done) {
      out = t->result;
      return AwaitResult::Ready;
    }
    if (t->state == TaskState::Failed) return ctx_.throw_value(t->exception), AwaitResult::Threw;
    // Blocked before registering: add_waiter drops entries of tasks that are not.
    task_.state = TaskState::Blocked;
    task_.blocked_on = BlockReason::Await;
    task_.awaiting = v;
    task_.await_pending = 1;
    ctx_.add_waiter(t, &task_, ++task_.wait_epoch);
    return AwaitResult::Blocked;
  }
  if (!is_array(v)) {
    out = v.is_empty() ? Value::undefined() : v;
    return AwaitResult::Ready;
  }
  // `await [t1, t2, ...]`: every task's value in order (other elements pass
  // through); the first failed task (in array order) rethrows at once, as
  // Promise.all rejects on the first rejection.
  Array* array = as_array(v);
  ctx_.charge_steps(array->length_ / Context::kUnitsPerStep);
  uint32_t pending = 0;
  for (uint32_t i = 0; i < array->length_; ++i) {
    Value e = array->elements_[i];
    if (!is_task(e)) continue;
    Task* t = as_task(e);
    if (t == &task_) return throw_self_await(ctx_), AwaitResult::Threw;
    ctx_.observe(t);
    if (t->state == TaskState::Failed) return ctx_.throw_value(t->exception), AwaitResult::Threw;
    if (t->state != TaskState::Done) ++pending;
  }
  if (pending > 0) {
    // Registered with every unfinished task: woken when the last finishes or
    // any fails; the Await then runs again and rescans.
    // Blocked before registering: add_waiter drops entries of tasks that are not.
    task_.state = TaskState::Blocked;
    task_.blocked_on = BlockReason::Await;
    task_.awaiting = v;
    // Each distinct task counts once, however often the array repeats it.
    uint64_t epoch = ++task_.wait_epoch;
    Rooted<Value> source(ctx_, v);
    uint32_t registered = 0;
    for (uint32_t i = 0; i < as_array(source.get())->length_; ++i) {
      Value e = as_array(source.get())->elements_[i];
      if (is_task(e) && !as_task(e)->finished() && ctx_.add_waiter(as_task(e), &task_, epoch)) ++registered;
    }
    task_.await_pending = registered;
    return AwaitResult::Blocked;
  }
  Rooted<Value> source(ctx_, v);
  uint32_t n = array->length_;
  Array* results = ctx_.new_array(n, n);
  array = as_array(source.get());
  for (uint32_t i = 0; i < n && i < array->length_; ++i) {
    Value e = array->elements_[i];
    results->elements_[i] = is_task(e) ? as_task(e)->result : (e.is_empty() ? Value::undefined() : e);
  }
  out = Value::object(results);
  return AwaitResult::Ready;
}

}  // namespace raya::vm
