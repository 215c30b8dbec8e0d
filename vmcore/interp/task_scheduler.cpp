// Tasks of a context: creation, the round-robin run queue, finishing (with
// adoption of returned tasks and waking of awaiters), cancellation, and the
// embedding's view (load, export calls, held tasks). The interpreter side of
// `await` and async calls is in interpreter_tasks.cpp; host requests are in
// host_requests.cpp.
#include <algorithm>

#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/interp/interpreter.hpp"

namespace raya::vm {

namespace {

/// Steps a task runs before the next ready task gets its turn.
constexpr uint64_t kTaskQuantum = 10000;
/// Failed, never-awaited tasks kept for the report (the rest are counted).
constexpr size_t kMaxUnobservedKept = 100;

}  // namespace

Task* Context::new_task() {
  if (live_tasks_.size() >= options_.max_tasks) {
    std::string message = "cannot create task: limit of " + std::to_string(options_.max_tasks) +
                          " live tasks reached";
    if (options_.terminate_on_task_limit)
      throw VmFatal{ErrorCode::TaskLimitExceeded, message, options_.max_tasks, live_tasks_.size() + 1};
    throw_named_error("TaskLimitExceeded", message);
    return nullptr;
  }
  Task* task = heap_.make<Task>();
  task->id = next_task_id_++;
  task->live_index = uint32_t(live_tasks_.size());
  live_tasks_.push_back(task);
  return task;
}

void Context::unlink_live(Task* task) {
  if (task->live_index == ~0u) return;
  Task* last = live_tasks_.back();
  live_tasks_[task->live_index] = last;
  last->live_index = task->live_index;
  live_tasks_.pop_back();
  task->live_index = ~0u;
}

void Context::grow_stack(Task& task, size_t needed) {
  if (needed <= task.stack.size()) return;
  // Small first: a context may hold thousands of short tasks.
  size_t want = std::max<size_t>(needed, task.stack.size() * 2);
  want = std::max<size_t>(want, 16);
  size_t new_bytes = want * sizeof(Value);
  heap_.charge_external(int64_t(new_bytes) - int64_t(task.stack_charged));
  task.stack_charged = new_bytes;
  task.stack.resize(want, Value::undefined());
}

Task* Context::spawn_call(Value callee, Value self, const Value* args, uint32_t argc) {
  Rooted<Value> fn(*this, callee);
  Rooted<Value> this_value(*this, self);
  Task* task = new_task();
  if (task == nullptr) return nullptr;
  {
    // `args` may point at another task's registers: no collection until copied.
    Heap::NoGcScope no_gc(heap_);
    grow_stack(*task, size_t(argc) + 3);
    task->stack[0] = fn;
    task->stack[1] = this_value;
    for (uint32_t i = 0; i < argc; ++i) task->stack[2 + i] = args[i];
    task->args_top = argc + 2;
  }
  Rooted<Task*> keep(*this, task);
  Task* saved = current_task_;
  current_task_ = task;
  Interpreter interp(*this, *task);
  Interpreter::CallResult r = interp.call_value(0, argc, kFrameBoundary | kFrameTaskStart);
  current_task_ = saved;
  if (r == Interpreter::CallResult::Threw) {
    fail_task(task, take_pending_exception());
    on_task_finished(task);
  } else if (r == Interpreter::CallResult::Returned) {
    // A native function completed at once.
    task->state = TaskState::Done;
    task->result = task->stack[0];
    on_task_finished(task);
  } else {
    make_ready(task);
  }
  return task;
}

bool Context::add_waiter(Task* target, Task* waiter, uint64_t epoch) {
  if (target->last_waiter == waiter && target->last_waiter_epoch == epoch) return false;
  auto& list = target->waiters;
  for (size_t i = list.size(); i > 0 && i + 8 > list.size(); --i)  // recent entries: repeats in one array
    if (list[i - 1].task == waiter && list[i - 1].epoch == epoch) return false;
  if (list.size() == list.capacity()) {
    std::erase_if(list, Task::is_stale);
    if (list.size() == list.capacity()) {
      size_t grown = std::max<size_t>(4, list.capacity() * 2);
      Rooted<Task*> t(*this, target);
      Rooted<Task*> w(*this, waiter);
      heap_.charge_external(int64_t((grown - list.capacity()) * sizeof(Task::Waiter)));
      target = t;
      waiter = w;
      target->waiters.reserve(grown);
      target->waiters_charged = grown * sizeof(Task::Waiter);
    }
  }
  target->waiters.push_back({waiter, epoch});
  target->last_waiter = waiter;
  target->last_waiter_epoch = epoch;
  return true;
}

void Context::free_waiters(Task* task) {
  std::vector<Task::Waiter>().swap(task->waiters);
  heap_.charge_external(-int64_t(task->waiters_charged));
  task->waiters_charged = 0;
  task->last_waiter = nullptr;
}

void Context::make_ready(Task* task) {
  if (task->state == TaskState::Blocked) ++task->wait_epoch;  // other registrations go stale
  task->state = TaskState::Ready;
  task->blocked_on = BlockReason::None;
  task->awaiting = Value::undefined();
  if (!task->in_ready_queue) {
    task->in_ready_queue = true;
    ready_.push_back(task);
  }
}

void Context::fail_task(Task* task, Value exception) {
  task->frames.clear();
  task->state = TaskState::Failed;
  task->exception = exception;
}

void Context::on_task_finished(Task* first) {
  std::vector<Task*> work{first};
  while (!work.empty()) {
    Task* task = work.back();
    work.pop_back();
    // An async function that returns a task finishes as that task does, as
    // a promise resolved with a promise would.
    if (task->state == TaskState::Done && is_task(task->result)) {
      Task* other = as_task(task->result);
      observe(other);
      if (other == task) {
        Rooted<Task*> keep(*this, task);
        fail_task(task, make_error(ErrorType::TypeError, "a task cannot finish with its own handle"));
      } else if (other->finished()) {
        task->state = other->state;
        task->result = other->result;
        task->exception = other->exception;
      } else {
        task->frames.clear();
        task->state = TaskState::Blocked;
        task->blocked_on = BlockReason::Adopt;
        task->awaiting = task->result;
        task->result = Value::undefined();
        add_waiter(other, task, ++task->wait_epoch);
        continue;
      }
    }
    unlink_live(task);
    task->frames.clear();
    task->frames.release();
    heap_.charge_external(-int64_t(task->stack_charged));
    task->stack_charged = 0;
    std::vector<Value>().swap(task->stack);
    task->awaiting = Value::undefined();
    for (const Task::Waiter& w : task->waiters) {
      Task* waiter = w.task;
      if (waiter->wait_epoch != w.epoch || waiter->state != TaskState::Blocked) continue;  // stale
      if (waiter->blocked_on == BlockReason::Adopt) {
        waiter->state = task->state;
        waiter->result = task->result;
        waiter->exception = task->exception;
        waiter->blocked_on = BlockReason::None;
        work.push_back(waiter);
      } else if (waiter->blocked_on == BlockReason::Await) {
        // An await on an array wakes when all are done or one failed; the
        // Await instruction then runs again and reads the outcomes.
        if (task->state == TaskState::Failed || --waiter->await_pending == 0) make_ready(waiter);
      }
    }
    free_waiters(task);
    if (task->state == TaskState::Failed && !task->observed) {
      ++unobserved_failure_count_;
      task->counted_unobserved = true;
      if (unobserved_failures_.size() < kMaxUnobservedKept) unobserved_failures_.push_back(task);
    }
  }
}

void Context::observe(Task* task) {
  if (task->observed) return;
  task->observed = true;
  if (task->counted_unobserved) {
    task->counted_unobserved = false;
    --unobserved_failure_count_;
    auto it = std::find(unobserved_failures_.begin(), unobserved_failures_.end(), task);
    if (it != unobserved_failures_.end()) unobserved_failures_.erase(it);
  }
}

Error Context::task_error(const Task* task) {
  Error e = runtime_error_of(task->exception);
  e.task_id = task->id;
  return e;
}

std::vector<Error> Context::take_unobserved_failures() {
  std::vector<Error> out;
  for (Task* t : unobserved_failures_) {
    out.push_back(task_error(t));
    t->counted_unobserved = false;
    --unobserved_failure_count_;
  }
  unobserved_failures_.clear();
  return out;
}

bool Context::cancel_task(Task* task) {
  if (task->finished()) return false;
  if (task == current_task_) {
    // Running: it stops at its current call (see cancel_current_task).
    task->cancel_requested = true;
    return true;
  }
  Rooted<Task*> keep(*this, task);
  Value error = make_named_error("Cancelled", "task " + std::to_string(task->id) + " was cancelled");
  if (task->in_ready_queue) {
    ready_.erase(std::find(ready_.begin(), ready_.end(), task));
    task->in_ready_queue = false;
  }
  if (task->blocked_on == BlockReason::Timer || task->blocked_on == BlockReason::HostCall)
    take_host_wait(task->host_request);  // withdrawn, its payload uncharged
  ++task->wait_epoch;  // its own await registrations go stale
  task->blocked_on = BlockReason::None;
  task->cancel_requested = false;
  task->observed = true;  // whoever cancelled it knows
  fail_task(task, error);
  on_task_finished(task);
  return true;
}

bool Context::cancel_from_host(Task* task) {
  if (dead_) return false;
  try {
    return cancel_task(task);
  } catch (const VmFatal& f) {
    set_fatal(f.code, f.message, f.limit, f.used);
    return false;
  }
}

bool Context::cancel_current_task() {
  if (!suspendable_call_ || current_task_ == nullptr)
    return throw_type_error("a task can only cancel itself from a direct call of cancel()");
  current_task_->cancel_requested = true;
  suspending_ = true;
  return false;
}

// --- the embedding's view -----------------------------------------------------

Result<Task*> Context::load(std::shared_ptr<const Module> module) {
  if (dead_) return fatal_;
  try {
    Rooted<ModuleInstance*> mi(*this, heap_.make<ModuleInstance>(module));
    mi->builtins_.reserve(module->builtin_imports.size());
    std::vector<std::string> denied;
    for (const std::string& name : module->builtin_imports) {
      Value v = Value::undefined();
      if (name.rfind("host:", 0) == 0) {
        std::string capability = name.substr(5);
        if (!granted(capability)) {
          denied.push_back(capability);
        } else {
          v = make_host_function(capability);
        }
      } else if (!lookup_builtin(name, v)) {
        return messages::make_error(ErrorCode::VerifyError, "module imports unknown builtin '" + name + "'");
      }
      mi->builtins_.push_back(v);
    }
    if (!denied.empty()) {
      std::string list;
      for (const std::string& d : denied) list += (list.empty() ? "'" : ", '") + d + "'";
      return messages::make_error(ErrorCode::CapabilityDenied,
                                  "module imports host " + std::string(denied.size() == 1 ? "capability " : "capabilities ") +
                                      list + ", which this context was not granted");
    }
    mi->constants_.assign(module->constants.size(), Value::undefined());
    mi->globals_.assign(module->globals.size(), Value::empty());
    for (size_t i = 0; i < module->constants.size(); ++i) {
      const Constant& k = module->constants[i];
      mi->constants_[i] = k.kind == Constant::Kind::Number ? Value::number(k.number)
                                                           : Value::object(intern(k.string));
    }
    mi->function_caches_.resize(module->functions.size());
    for (size_t f = 0; f < module->functions.size(); ++f) {
      const FunctionProto& proto = module->functions[f];
      FunctionCaches& fc = mi->function_caches_[f];
      fc.caches.assign(proto.ic_names.size(), InlineCache{});
      for (uint32_t k : proto.ic_names) fc.names.push_back(as_string(mi->constants_[k]));
    }
    modules_.push_back(mi);
    const FunctionProto& entry = module->functions[module->entry_function];
    Rooted<Closure*> closure(*this, heap_.make_with_extra<Closure>(0, &entry, mi.get(),
                                                                    &mi->function_caches_[module->entry_function], 0));
    Task* task = spawn_call(Value::object(closure.get()), Value::undefined(), nullptr, 0);
    if (task == nullptr) {
      Value exc = take_pending_exception();
      return runtime_error_of(exc);
    }
    hold(task);
    return task;
  } catch (const VmFatal& f) {
    set_fatal(f.code, f.message, f.limit, f.used);
    return fatal_;
  }
}

void Context::hold(Task* task) {
  task->held = true;
  observe(task);
  held_.push_back(task);
}

void Context::release_task(Task* task) {
  auto it = std::find(held_.begin(), held_.end(), task);
  if (it == held_.end()) return;
  held_.erase(it);
  task->held = false;
}

bool Context::has_export(std::string_view name) const {
  if (modules_.empty()) return false;
  for (const Export& e : modules_.back()->module_->exports)
    if (e.name == name) return true;
  return false;
}

Context::ExportState Context::export_state(std::string_view name) const {
  if (modules_.empty()) return ExportState::Missing;
  const ModuleInstance* mi = modules_.back();
  for (const Export& e : mi->module_->exports) {
    if (e.name != name) continue;
    Value v = mi->globals_[e.global];
    if (v.is_empty()) return ExportState::Uninitialized;
    return is_callable(v) ? ExportState::Callable : ExportState::NotCallable;
  }
  return ExportState::Missing;
}

Task* Context::start_export_call(std::string_view name, const std::vector<Value>& args, bool keep_finished) {
  if (modules_.empty() || dead_) return nullptr;
  ModuleInstance* mi = modules_.back();
  for (const Export& e : mi->module_->exports) {
    if (e.name != name) continue;
    Value fn = mi->globals_[e.global];
    if (!is_callable(fn)) return nullptr;
    if (!keep_finished) {
      for (Task* t : held_)
        if (t->finished()) t->held = false;
      std::erase_if(held_, [](Task* t) { return !t->held; });
    }
    try {
      Task* task = spawn_call(fn, Value::undefined(), args.data(), uint32_t(args.size()));
      if (task == nullptr) {
        // Over the task limit: report it as a task that failed at once.
        Rooted<Value> error(*this, take_pending_exception());
        Heap::NoGcScope no_gc(heap_);
        task = heap_.make<Task>();
        task->id = next_task_id_++;
        fail_task(task, error);
      }
      hold(task);
      return task;
    } catch (const VmFatal& f) {
      set_fatal(f.code, f.message, f.limit, f.used);
      return nullptr;
    }
  }
  return nullptr;
}

// --- running ------------------------------------------------------------------

RunOutcome Context::run_slice(uint64_t budget) {
  RunOutcome outcome;
  if (dead_) {
    outcome.kind = RunOutcome::Kind::Fatal;
    return outcome;
  }
  while (!ready_.empty()) {
    // A task that finished on straight-line code may overspend its slice a
    // little; the next task must not get the wrapped-around remainder.
    if (outcome.steps >= budget) {
      outcome.kind = RunOutcome::Kind::Yielded;
      return outcome;
    }
    uint64_t left = std::min(budget - outcome.steps, kTaskQuantum);
    if (options_.max_steps != ~uint64_t(0)) {
      uint64_t remaining = options_.max_steps > steps_executed_ ? options_.max_steps - steps_executed_ : 0;
      if (remaining == 0) {
        set_fatal(ErrorCode::StepBudgetExceeded,
                  "step budget of " + std::to_string(options_.max_steps) + " steps exhausted",
                  options_.max_steps, steps_executed_);
        outcome.kind = RunOutcome::Kind::Fatal;
        return outcome;
      }
      left = std::min(left, remaining);
    }
    Task* task = ready_.front();
    ready_.pop_front();
    task->in_ready_queue = false;
    if (task->state != TaskState::Ready) continue;
    RunOutcome r = run_task(*task, left);
    outcome.steps += r.steps;
    if (r.kind == RunOutcome::Kind::Fatal) {
      outcome.kind = RunOutcome::Kind::Fatal;
      return outcome;
    }
    // The interpreter's poll: a task runs at most kTaskQuantum steps before
    // it comes back here, whatever the slice's budget, so an interrupt, a
    // deadline or the CPU limit is noticed within ~10k steps (~0.1 ms) even
    // in a 10M-step slice. (Builtins poll in charge_steps.)
    poll_credit_ -= int64_t(std::min<uint64_t>(r.steps, uint64_t(kPollSteps)));
    if (poll_credit_ <= 0) {
      poll_credit_ = kPollSteps;
      if (VmFatal hit = poll_limits(); hit.code != ErrorCode::None) {
        set_fatal(hit.code, hit.message, hit.limit, hit.used);
        outcome.kind = RunOutcome::Kind::Fatal;
        return outcome;
      }
    }
    try {
      // Finishing and cancelling allocate (error objects): at the heap
      // limit that ends the context here, as it would inside the task.
      if (task->cancel_requested) {
        cancel_task(task);
      } else if (task->finished()) {
        on_task_finished(task);
      } else if (task->state == TaskState::Ready) {
        make_ready(task);  // its quantum ran out, or it yielded: to the back of the queue
      }
    } catch (const VmFatal& f) {
      set_fatal(f.code, f.message, f.limit, f.used);
      outcome.kind = RunOutcome::Kind::Fatal;
      return outcome;
    }
    // Blocked tasks are made ready by whatever they wait for.
  }
  outcome.kind = host_waits_.empty() ? RunOutcome::Kind::Done : RunOutcome::Kind::Waiting;
  return outcome;
}

RunOutcome Context::run_to_completion() {
  RunOutcome total;
  for (;;) {
    RunOutcome r = run(1u << 24);
    total.steps += r.steps;
    if (r.kind != RunOutcome::Kind::Yielded) {
      total.kind = r.kind;
      return total;
    }
  }
}

}  // namespace raya::vm
