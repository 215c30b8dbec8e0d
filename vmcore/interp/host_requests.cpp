// Host requests: how a task stops for something only the embedding can do
// (a `host:` capability call, a timer for sleep) and how it resumes. See
// host_request.hpp for the protocol.
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/interp/marshal.hpp"

namespace raya::vm {

namespace {

/// `host:` imports resolve to this native; data_ holds the capability name.
bool call_host_capability(Context& ctx, CallArgs& call) {
  std::string capability = ctx.to_display_utf8(call.callee->data_);
  Rooted<Array*> args(ctx, ctx.new_array(0, call.count));
  for (uint32_t i = 0; i < call.count; ++i) args->elements_[i] = call.args[i];
  args->length_ = call.count;
  MarshalStats stats;
  Result<messages::Value> marshalled = marshal(ctx, Value::object(args.get()), "args", stats);
  // The copy is work proportional to its size, and it is memory this
  // context holds until the host answers: charge both.
  ctx.charge_steps(stats.nodes + stats.bytes / Context::kUnitsPerStep);
  if (!marshalled) return ctx.throw_named_error("MarshalError", marshalled.error().message);
  return ctx.suspend_for_host_call(capability, std::move(*marshalled), stats.bytes);
}

}  // namespace

Value Context::make_host_function(const std::string& capability) {
  Rooted<NativeFunction*> fn(*this, new_native(capability, call_host_capability, 0));
  fn->data_ = Value::object(intern_ascii(capability));
  return Value::object(fn.get());
}

namespace {

bool cannot_suspend(Context& ctx, std::string_view what) {
  return ctx.throw_type_error(std::string(what) + " must be called directly from Raya code");
}

}  // namespace

bool Context::block_on_request(HostRequest request) {
  Task* task = current_task_;
  request.id = next_request_id_++;
  request.task_id = task->id;
  task->state = TaskState::Blocked;
  task->blocked_on = request.kind == HostRequest::Kind::Timer ? BlockReason::Timer : BlockReason::HostCall;
  task->host_request = request.id;
  ++task->wait_epoch;
  host_waits_[request.id] = task;
  host_requests_.push_back(std::move(request));
  suspending_ = true;
  return false;
}

bool Context::suspend_for_timer(uint64_t delay_ms) {
  if (!suspendable_call_ || current_task_ == nullptr) return cannot_suspend(*this, "sleep()");
  HostRequest request;
  request.kind = HostRequest::Kind::Timer;
  request.delay_ms = delay_ms;
  return block_on_request(std::move(request));
}

bool Context::suspend_for_host_call(std::string_view capability, messages::Value args, uint64_t payload_bytes) {
  if (!suspendable_call_ || current_task_ == nullptr) return cannot_suspend(*this, std::string(capability) + "()");
  // Pending arguments count against the heap until the request is answered
  // (or withdrawn): many calls in flight cannot hold more than the limit.
  heap_.charge_external(int64_t(payload_bytes));
  current_task_->host_payload_charged = payload_bytes;
  HostRequest request;
  request.kind = HostRequest::Kind::Call;
  request.capability = std::string(capability);
  request.args = std::move(args);
  return block_on_request(std::move(request));
}

bool Context::yield_current_task() {
  if (!suspendable_call_ || current_task_ == nullptr) return cannot_suspend(*this, "yieldNow()");
  suspending_ = true;  // stays Ready: the scheduler queues it behind the others
  return false;
}

std::vector<HostRequest> Context::take_host_requests() {
  std::vector<HostRequest> out;
  out.swap(host_requests_);
  return out;
}

Task* Context::take_host_wait(uint64_t id) {
  auto it = host_waits_.find(id);
  if (it == host_waits_.end()) return nullptr;
  Task* task = it->second;
  host_waits_.erase(it);
  heap_.charge_external(-int64_t(task->host_payload_charged));
  task->host_payload_charged = 0;
  // A request the embedding has not taken yet is withdrawn with it.
  std::erase_if(host_requests_, [&](const HostRequest& r) { return r.id == id; });
  return task;
}

namespace {

Error unknown_request(uint64_t id) {
  return messages::make_error(ErrorCode::RuntimeError,
                              "no pending host request " + std::to_string(id) +
                                  " (it was completed already, or its task was cancelled or ended)");
}

}  // namespace

Status Context::complete_host_request(uint64_t id, const messages::Value& result) {
  if (dead_) return fatal_;
  Task* task = take_host_wait(id);
  if (task == nullptr) return unknown_request(id);
  Rooted<Task*> keep(*this, task);
  Value value = Value::undefined();
  if (task->blocked_on == BlockReason::HostCall) {
    Result<Value> v = unmarshal(*this, result);
    if (!v) {
      if (v.error().code == ErrorCode::HeapLimitExceeded) {
        // The result does not fit this context's heap: as if the task had
        // allocated it, the context ends.
        set_fatal(v.error().code, "a host call result did not fit: " + v.error().message, v.error().limit,
                  v.error().used);
        return fatal_;
      }
      Error e = v.error();
      e.message = "result of host capability call: " + e.message;
      return fail_host_request_of(task, e);
    }
    value = *v;
  }
  task->stack[task->resume_slot] = value;
  make_ready(task);
  return Ok{};
}

Status Context::fail_host_request(uint64_t id, const Error& error) {
  if (dead_) return fatal_;
  Task* task = take_host_wait(id);
  if (task == nullptr) return unknown_request(id);
  if (error.code == ErrorCode::None) {
    // An error without a kind is still a failed capability call.
    Error e = error;
    e.code = ErrorCode::CapabilityFailed;
    return fail_host_request_of(task, e);
  }
  return fail_host_request_of(task, error);
}

Status Context::fail_host_request_of(Task* task, const Error& error) {
  Rooted<Task*> keep(*this, task);
  // The error's stack trace is the blocked task's: it throws at its call.
  Task* saved = current_task_;
  current_task_ = task;
  try {
    Value exception = make_named_error(messages::error_code_name(error.code), error.message);
    task->resume_exception = exception;
    task->has_resume_exception = true;
  } catch (const VmFatal& f) {
    current_task_ = saved;
    set_fatal(f.code, f.message, f.limit, f.used);
    return fatal_;
  }
  current_task_ = saved;
  make_ready(task);
  return Ok{};
}

}  // namespace raya::vm
