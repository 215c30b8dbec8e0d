// VmContext: the embedding facade over Context (see vm_context.hpp). Its job
// is the boundary: marshalling arguments in and results out, holding the
// tasks the embedding started until their outcome is reported, and turning
// a terminated context into Terminated errors instead of dangling pointers.
#include "vmcore/api/vm_context.hpp"

#include <algorithm>

#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/interp/marshal.hpp"
#include "vmcore/api/result_json.hpp"

namespace raya::vm {

VmContext::VmContext(const messages::VmOptions& options, std::vector<std::string> grants, uint64_t context_id) {
  ContextOptions copts = ContextOptions::from(options);
  copts.context_id = context_id;
  ctx_ = std::make_unique<Context>(copts);
  interrupt_ = ctx_->interrupt();
  for (std::string& g : grants) ctx_->grant(std::move(g));
}

void VmContext::set_interrupt(std::shared_ptr<Interrupt> interrupt) {
  if (!interrupt) return;
  interrupt_ = interrupt;
  if (ctx_ != nullptr) ctx_->set_interrupt(std::move(interrupt));
}

void VmContext::set_deadline(std::chrono::steady_clock::time_point deadline) {
  if (ctx_ == nullptr) return;
  // steady_clock is CLOCK_MONOTONIC (libstdc++ on Linux), as Context's clock.
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  ctx_->set_deadline_ns(ns <= 0 ? 1 : uint64_t(ns));
}

VmContext::~VmContext() = default;

void VmContext::set_console(ConsoleFunction console) {
  console_ = std::move(console);
  if (ctx_ == nullptr) return;
  if (console_) {
    ctx_->set_console_sink(
        [](void* self, int level, std::string_view line) { static_cast<VmContext*>(self)->console_(level, line); },
        this);
  } else {
    ctx_->set_console_sink(nullptr, nullptr);
  }
}

Status VmContext::check_alive() const {
  if (ctx_ == nullptr) return end_;
  if (ctx_->fatal().code != ErrorCode::None) return ctx_->fatal();
  return Ok{};
}

TaskId VmContext::add_started(Task* task) {
  TaskId id = next_id_++;
  started_[id].task = task;  // Context::hold keeps it alive until released
  return id;
}

Result<TaskId> VmContext::load(std::shared_ptr<const Module> module) {
  if (Status s = check_alive(); !s) return s.error();
  messages::ModuleInfo info;
  if (!module->files.empty()) info.path = module->files.front();
  for (const Export& e : module->exports) info.exports.push_back(e.name);
  // `host:` imports are recorded among the builtin imports, prefixed.
  for (const std::string& b : module->builtin_imports)
    if (b.rfind("host:", 0) == 0) info.capabilities.push_back(b.substr(5));
  Result<Task*> task = ctx_->load(std::move(module));
  if (!task) return task.error();
  module_info_ = std::move(info);
  init_task_ = *task;
  init_failed_ = false;
  return add_started(*task);
}

Result<TaskId> VmContext::load_bytecode(std::span<const uint8_t> bytes) {
  Result<Module> module = load_module(bytes);
  if (!module) return module.error();
  return load(std::make_shared<const Module>(std::move(*module)));
}

Result<TaskId> VmContext::load_source(const std::string& path, const std::string& source,
                                      compiler::FileReader imports) {
  compiler::CompileOptions options;
  options.read_file = std::move(imports);
  Result<Module> module = compiler::compile_source(path, source, options);
  if (!module) return module.error();
  return load(std::make_shared<const Module>(std::move(*module)));
}

Result<TaskId> VmContext::start(std::string_view name, const std::vector<messages::Value>& args) {
  if (Status s = check_alive(); !s) return s.error();
  Context::ExportState state = ctx_->export_state(name);
  if (state == Context::ExportState::Missing)
    return messages::make_error(ErrorCode::RuntimeError, "the program exports no function '" + std::string(name) + "'");
  if (state == Context::ExportState::Uninitialized && init_task_ != nullptr && !init_task_->finished()) {
    // Exports are set by the top-level code (function declarations first
    // thing): call once it has set this one.
    TaskId id = next_id_++;
    started_[id].export_name = std::string(name);
    started_[id].args = args;
    return id;
  }
  Result<Task*> task = start_now(name, args);
  if (!task) return task.error();
  return add_started(*task);
}

Result<Task*> VmContext::start_now(std::string_view name, const std::vector<messages::Value>& args) {
  // Each unmarshalled argument stays rooted (in one array) while the next
  // is built and until the task holds them on its stack.
  Array* holder = nullptr;
  try {
    holder = ctx_->new_array(0, uint32_t(args.size()));  // capacity for all: pushes never allocate
  } catch (const VmFatal& f) {
    Error e = messages::make_error(f.code, "the arguments do not fit the heap: " + f.message);
    e.limit = f.limit;
    e.used = f.used;
    return e;
  }
  Rooted<Array*> list(*ctx_, holder);
  for (size_t i = 0; i < args.size(); ++i) {
    Result<Value> v = unmarshal(*ctx_, args[i]);
    if (!v) {
      Error e = v.error();
      e.message = "argument " + std::to_string(i) + ": " + e.message;
      return e;
    }
    ctx_->array_push(list.get(), *v);
  }
  std::vector<Value> values(list->elements_, list->elements_ + list->length_);
  Task* task = ctx_->start_export_call(name, values, /*keep_finished=*/true);
  if (task == nullptr) {
    if (Status s = check_alive(); !s) return s.error();
    return messages::make_error(ErrorCode::RuntimeError, "the export '" + std::string(name) + "' is not a function");
  }
  return task;
}

bool VmContext::start_deferred_calls() {
  bool init_finished = init_task_ == nullptr || init_task_->finished();
  bool init_failed = init_task_ != nullptr ? init_task_->state == TaskState::Failed : init_failed_;
  bool started = false;
  for (auto& [id, entry] : started_) {
    if (entry.task != nullptr || entry.outcome || entry.export_name.empty()) continue;
    bool callable = ctx_->export_state(entry.export_name) == Context::ExportState::Callable;
    if (!callable && !init_finished) continue;  // still initialising
    TaskOutcome failed;
    failed.id = id;
    if (!callable && init_failed) {
      failed.error = init_task_ != nullptr ? ctx_->task_error(init_task_) : init_error_;
      failed.error.message = "cannot call '" + entry.export_name +
                             "': the module's top-level code failed: " + failed.error.name + ": " + failed.error.message;
      entry.outcome = std::move(failed);
      continue;
    }
    Result<Task*> task = start_now(entry.export_name, entry.args);
    if (!task) {
      failed.error = task.error();
      entry.outcome = std::move(failed);
      continue;
    }
    entry.task = *task;
    entry.args.clear();
    started = true;
  }
  return started;
}

RunOutcome VmContext::run(uint64_t budget) {
  if (ctx_ == nullptr) return RunOutcome{RunOutcome::Kind::Fatal, 0};
  start_deferred_calls();
  RunOutcome r = ctx_->run(budget);
  // Calls that waited for the top-level code are runnable now.
  if (r.kind != RunOutcome::Kind::Fatal && start_deferred_calls()) r.kind = RunOutcome::Kind::Yielded;
  return r;
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
  for (auto it = started_.begin(); it != started_.end();) {
    Started& entry = it->second;
    if (entry.outcome) {
      entry.outcome->error.task_id = it->first;
      entry.outcome->error.context_id = ctx_->options().context_id;
      out.push_back(std::move(*entry.outcome));
      it = started_.erase(it);
      continue;
    }
    if (entry.task == nullptr || !entry.task->finished()) {
      ++it;
      continue;
    }
    Task* task = entry.task;
    TaskOutcome o;
    o.id = it->first;
    if (task->state == TaskState::Done) {
      if (result_form_ == ResultForm::Discarded) {
        o.ok = true;  // nobody needs the value: it is never converted
      } else if (result_form_ == ResultForm::Json) {
        std::string json, why;
        o.ok = result_to_json(*ctx_, task->result, json, why);
        if (o.ok) o.value = messages::Value(std::move(json));
        else o.error = messages::make_error(ErrorCode::MarshalError, "result: " + why);
      } else {
        Result<messages::Value> v = marshal(*ctx_, task->result, "result");
        o.ok = v.ok();
        if (v.ok()) o.value = std::move(*v);
        else o.error = v.error();
      }
    } else {
      o.error = ctx_->task_error(task);
    }
    o.error.context_id = ctx_->options().context_id;
    if (!o.ok) o.error.task_id = it->first;  // the id the embedding knows
    if (task == init_task_) {
      // Reported: keep only what deferred calls need, not its result.
      init_failed_ = !o.ok;
      if (!o.ok) init_error_ = o.error;
      init_task_ = nullptr;
    }
    ctx_->release_task(task);
    out.push_back(std::move(o));
    it = started_.erase(it);
  }
  return out;
}

bool VmContext::cancel(TaskId id) {
  if (!check_alive()) return false;
  auto it = started_.find(id);
  if (it == started_.end() || it->second.outcome) return false;
  if (it->second.task == nullptr) {
    TaskOutcome o;
    o.id = id;
    o.error = messages::make_error(ErrorCode::RuntimeError, "the call was cancelled before it started");
    o.error.name = "Cancelled";
    it->second.outcome = std::move(o);
    return true;
  }
  return ctx_->cancel_from_host(it->second.task);
}

std::vector<messages::Error> VmContext::take_unobserved_failures() {
  if (ctx_ == nullptr) return {};
  return ctx_->take_unobserved_failures();
}

uint64_t VmContext::heap_bytes_used() const { return ctx_ == nullptr ? 0 : ctx_->heap().bytes_used(); }

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
  init_task_ = nullptr;
  ctx_.reset();  // frees every object, task and pending request it owns
}

}  // namespace raya::vm
