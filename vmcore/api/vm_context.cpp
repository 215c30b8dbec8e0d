// VmContext: the embedding facade over Context (see vm_context.hpp). Its job
// is the boundary: marshalling arguments in and results out, holding the
// tasks the embedding started until their outcome is reported, and turning
// a terminated context into Terminated errors instead of dangling pointers.
#include "vmcore/api/vm_context.hpp"

#include <algorithm>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/interp/marshal.hpp"

namespace raya::vm {

VmContext::VmContext(const messages::VmOptions& options, std::vector<std::string> grants, uint64_t context_id) {
  ContextOptions copts = ContextOptions::from(options);
  copts.context_id = context_id;
  ctx_ = std::make_unique<Context>(copts);
  for (std::string& g : grants) ctx_->grant(std::move(g));
}

VmContext::~VmContext() = default;

Status VmContext::check_alive() const {
  if (ctx_ == nullptr) return end_;
  if (ctx_->fatal().code != ErrorCode::None) return ctx_->fatal();
  return Ok{};
}

Result<TaskId> VmContext::hold_started(Task* task) {
  started_[task->id] = task;  // Context::hold keeps it alive until released
  return task->id;
}

Result<TaskId> VmContext::load(std::shared_ptr<const Module> module) {
  if (Status s = check_alive(); !s) return s.error();
  Result<Task*> task = ctx_->load(std::move(module));
  if (!task) return task.error();
  return hold_started(*task);
}

Result<TaskId> VmContext::load_bytecode(std::span<const uint8_t> bytes) {
  Result<Module> module = load_module(bytes);
  if (!module) return module.error();
  return load(std::make_shared<const Module>(std::move(*module)));
}

Result<TaskId> VmContext::load_source(const std::string& path, const std::string& source) {
  Result<Module> module = compiler::compile_source(path, source);
  if (!module) return module.error();
  return load(std::make_shared<const Module>(std::move(*module)));
}

Result<TaskId> VmContext::start(std::string_view name, const std::vector<messages::Value>& args) {
  if (Status s = check_alive(); !s) return s.error();
  if (!ctx_->has_export(name))
    return messages::make_error(ErrorCode::RuntimeError, "the program exports no function '" + std::string(name) + "'");
  // The unmarshalled arguments stay rooted (as one array) until the task
  // holds them on its stack.
  Result<Value> list = unmarshal(*ctx_, messages::Value(messages::Value::Array(args)));
  if (!list) return list.error();
  Rooted<Value> keep(*ctx_, *list);
  Array* array = as_array(keep.get());
  std::vector<Value> values(array->elements_, array->elements_ + array->length_);
  Task* task = ctx_->start_export_call(name, values, /*keep_finished=*/true);
  if (task == nullptr) {
    if (Status s = check_alive(); !s) return s.error();
    return messages::make_error(ErrorCode::RuntimeError, "the export '" + std::string(name) + "' is not a function");
  }
  return hold_started(task);
}

RunOutcome VmContext::run(uint64_t budget) {
  if (ctx_ == nullptr) return RunOutcome{RunOutcome::Kind::Fatal, 0};
  return ctx_->run(budget);
}

std::vector<HostRequest> VmContext::take_host_requests() {
  if (ctx_ == nullptr) return {};
  return ctx_->take_host_requests();
}

Status VmContext::complete(uint64_t request_id, const messages::Value& result) {
  if (Status s = check_alive(); !s) return s;
  return ctx_->complete_host_request(request_id, result);
}

Status VmContext::fail(uint64_t request_id, const messages::Error& error) {
  if (Status s = check_alive(); !s) return s;
  return ctx_->fail_host_request(request_id, error);
}

std::vector<TaskOutcome> VmContext::take_finished() {
  std::vector<TaskOutcome> out;
  if (ctx_ == nullptr) return out;
  std::vector<TaskId> done;
  for (const auto& [id, task] : started_)
    if (task->finished()) done.push_back(id);
  std::sort(done.begin(), done.end());
  for (TaskId id : done) {
    Task* task = started_[id];
    TaskOutcome o;
    o.id = id;
    if (task->state == TaskState::Done) {
      Result<messages::Value> v = marshal(*ctx_, task->result, "result");
      o.ok = v.ok();
      if (v.ok()) o.value = std::move(*v);
      else o.error = v.error();
    } else {
      o.error = ctx_->task_error(task);
    }
    o.error.context_id = ctx_->options().context_id;
    if (!o.ok) o.error.task_id = id;
    ctx_->release_task(task);
    started_.erase(id);
    out.push_back(std::move(o));
  }
  return out;
}

bool VmContext::cancel(TaskId id) {
  if (ctx_ == nullptr) return false;
  auto it = started_.find(id);
  if (it == started_.end()) return false;
  return ctx_->cancel_task(it->second);
}

std::vector<messages::Error> VmContext::take_unobserved_failures() {
  if (ctx_ == nullptr) return {};
  return ctx_->take_unobserved_failures();
}

messages::VmStats VmContext::stats() const { return ctx_ == nullptr ? final_stats_ : ctx_->stats(); }

const messages::Error* VmContext::fatal() const {
  if (ctx_ == nullptr) return &end_;
  return ctx_->fatal().code == ErrorCode::None ? nullptr : &ctx_->fatal();
}

void VmContext::terminate() {
  if (ctx_ == nullptr) return;
  final_stats_ = ctx_->stats();
  final_stats_.heap_bytes_used = 0;
  final_stats_.tasks = 0;
  end_ = ctx_->fatal().code != ErrorCode::None ? ctx_->fatal()
                                               : messages::make_error(ErrorCode::Terminated, "the context was terminated");
  started_.clear();
  ctx_.reset();  // frees every object, task and pending request it owns
}

}  // namespace raya::vm
