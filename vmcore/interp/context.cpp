// Context construction, teardown, GC roots, strings and the task runner glue.
#include "vmcore/interp/context.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>

#include "vmcore/builtins/builtins.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/prelude/prelude.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

Context::Context(ContextOptions options)
    : options_(options), heap_(Heap::kUnlimited), random_state_(options.random_seed ^ 0x9E3779B97F4A7C15ull) {
  heap_.set_root_provider(this);
  // Builtins are created without a limit so even a tiny max_heap_bytes gives
  // a usable context; they count towards the heap afterwards.
  Heap::NoGcScope no_gc(heap_);
  empty_string_ = intern(u"");
  length_key_ = intern_ascii("length");
  size_key_ = intern_ascii("size");
  name_key_ = intern_ascii("name");
  prototype_key_ = intern_ascii("prototype");
  message_key_ = intern_ascii("message");
  stack_key_ = intern_ascii("stack");
  create_builtins();
  install_builtins(*this);
  load_prelude();
  heap_.set_max_bytes(options_.max_heap_bytes);
}

void Context::load_prelude() {
  std::shared_ptr<const Module> prelude = prelude_module();
  if (!prelude) return;
  Status loaded = load(prelude);
  RunOutcome outcome = loaded ? run_to_completion() : RunOutcome{RunOutcome::Kind::Fatal, 0};
  if (outcome.kind != RunOutcome::Kind::Done || tasks_.back()->state != TaskState::Done) {
    set_fatal(ErrorCode::RuntimeError, "the built-in prelude failed to initialise");
    return;
  }
  for (auto& task : tasks_) heap_.charge_external(-int64_t(task->stack_charged));
  tasks_.clear();
  next_task_id_ = 1;  // the prelude's task is not the program's
  cpu_time_us_ = 0;
  // Install `<Target>_<method>` exports as non-enumerable methods.
  ModuleInstance* mi = modules_.back();
  for (const Export& e : mi->module_->exports) {
    size_t underscore = e.name.find('_');
    if (underscore == std::string::npos) continue;
    std::string target = e.name.substr(0, underscore);
    std::string method = e.name.substr(underscore + 1);
    Object* on = nullptr;
    if (target == "Array") on = array_prototype_;
    else if (target == "String") on = string_prototype_;
    else if (target == "Map") on = map_prototype_;
    else if (target == "Set") on = set_prototype_;
    else if (target == "ArrayStatic") {
      Value array_class;
      if (lookup_builtin("Array", array_class) && is_plain_object(array_class)) on = as_object(array_class);
    }
    if (on == nullptr) continue;
    Value fn = mi->globals_[e.global];
    if (is_closure(fn)) as_closure(fn)->home_ = Value::object(on);
    define_own_property(on, intern_ascii(method), fn, 0);
  }
  steps_executed_ = 0;
}

Context::~Context() {
  tasks_.clear();
  heap_.free_all();
}

void Context::trace_roots(Marker& m) {
  for (auto& task : tasks_) {
    for (const Frame& f : task->frames) m.mark(f.closure);
    // The whole register stack, not just the live frames: a frame's
    // registers are not cleared on entry, so slots above the top frame hold
    // values that a later frame may expose to the collector before writing
    // them. Keeping their objects alive (rather than freeing them while they
    // are still referenced) is what keeps that safe.
    m.mark_range(task->stack.data(), task->stack.data() + task->stack.size());
    m.mark(task->result);
    m.mark(task->exception);
  }
  for (ModuleInstance* mi : modules_) m.mark(mi);
  m.mark(pending_exception_);
  m.mark(empty_string_);
  m.mark(length_key_);
  m.mark(size_key_);
  m.mark(name_key_);
  m.mark(prototype_key_);
  m.mark(message_key_);
  m.mark(stack_key_);
  for (String* s : char_strings_) m.mark(s);
  for (auto& [name, value] : builtins_) m.mark(value);
  m.mark(object_prototype_);
  m.mark(array_prototype_);
  m.mark(string_prototype_);
  m.mark(number_prototype_);
  m.mark(boolean_prototype_);
  m.mark(function_prototype_);
  m.mark(map_prototype_);
  m.mark(set_prototype_);
  m.mark(null_proto_root_);
  for (Class* c : error_classes_) m.mark(c);
  for (Value* v : value_roots_) m.mark(*v);
  for (HeapObject** o : object_roots_) m.mark(*o);
}

void Context::sweep_weak() {
  for (auto it = interned_.begin(); it != interned_.end();) {
    if (!(*it)->marked_)
      it = interned_.erase(it);
    else
      ++it;
  }
  for (auto it = root_shapes_.begin(); it != root_shapes_.end();) {
    if (!it->first->marked_ || !it->second->marked_)
      it = root_shapes_.erase(it);
    else
      ++it;
  }
}

void Context::set_fatal(ErrorCode code, std::string message, uint64_t limit, uint64_t used) {
  dead_ = true;
  fatal_ = messages::make_error(code, std::move(message));
  fatal_.context_id = options_.context_id;
  fatal_.limit = limit;
  fatal_.used = used;
}

// --- strings ---------------------------------------------------------------

String* Context::new_string_uninit(uint32_t length) {
  if (length > (1u << 29)) {
    throw VmFatal{ErrorCode::HeapLimitExceeded, "string of " + std::to_string(length) + " code units is too long",
                  1u << 29, length};
  }
  return heap_.make_with_extra<String>(size_t(length) * sizeof(char16_t), length);
}

String* Context::new_string(std::u16string_view units) {
  String* s = new_string_uninit(uint32_t(units.size()));
  if (!units.empty()) std::memcpy(s->data(), units.data(), units.size() * sizeof(char16_t));
  return s;
}

String* Context::new_string_ascii(std::string_view ascii) {
  String* s = new_string_uninit(uint32_t(ascii.size()));
  for (size_t i = 0; i < ascii.size(); ++i) s->data()[i] = char16_t(uint8_t(ascii[i]));
  return s;
}

String* Context::new_string_utf8(std::string_view utf8) { return new_string(utf8_to_utf16(utf8)); }

String* Context::intern(std::u16string_view units) {
  auto it = interned_.find(units);
  if (it != interned_.end()) return *it;
  String* s = new_string(units);
  s->flags_ |= kStringInterned;
  s->hash();
  interned_.insert(s);
  return s;
}

String* Context::intern_ascii(std::string_view ascii) {
  std::u16string units(ascii.begin(), ascii.end());
  return intern(units);
}

String* Context::char_string(char16_t unit) {
  if (unit < 256) {
    if (char_strings_[unit] == nullptr) {
      char16_t c = unit;
      char_strings_[unit] = intern(std::u16string_view(&c, 1));
    }
    return char_strings_[unit];
  }
  return new_string(std::u16string_view(&unit, 1));
}

// --- tasks -------------------------------------------------------------------

Task* Context::new_task() {
  // Finished tasks have been read by the embedding by the time it starts
  // another one; keeping them would grow the heap with every call.
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if ((*it)->state != TaskState::Ready && *it != nullptr) {
      heap_.charge_external(-int64_t((*it)->stack_charged));
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
  auto task = std::make_unique<Task>();
  task->id = next_task_id_++;
  tasks_.push_back(std::move(task));
  return tasks_.back().get();
}

void Context::grow_stack(Task& task, size_t needed) {
  if (needed <= task.stack.size()) return;
  size_t want = std::max<size_t>(needed, task.stack.size() * 2);
  want = std::max<size_t>(want, 256);
  size_t new_bytes = want * sizeof(Value);
  heap_.charge_external(int64_t(new_bytes) - int64_t(task.stack_charged));
  task.stack_charged = new_bytes;
  task.stack.resize(want, Value::undefined());
}

Status Context::load(std::shared_ptr<const Module> module) {
  if (dead_) return fatal_;
  try {
    Rooted<ModuleInstance*> mi(*this, heap_.make<ModuleInstance>(module));
    mi->builtins_.reserve(module->builtin_imports.size());
    for (const std::string& name : module->builtin_imports) {
      Value v;
      if (!lookup_builtin(name, v)) {
        Error e = messages::make_error(ErrorCode::VerifyError, "module imports unknown builtin '" + name + "'");
        return e;
      }
      mi->builtins_.push_back(v);
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
    Rooted<Closure*> closure(*this, heap_.make_with_extra<Closure>(0, &entry, mi.get(), &mi->function_caches_[module->entry_function], 0));
    Task* task = new_task();
    grow_stack(*task, entry.register_count + 1);
    task->stack[0] = Value::object(closure.get());
    task->stack[1] = Value::undefined();
    task->frames.push_back(Frame{closure.get(), 0, 1, 0, kFrameBoundary});
    return Ok{};
  } catch (const VmFatal& f) {
    set_fatal(f.code, f.message, f.limit, f.used);
    return fatal_;
  }
}

bool Context::has_export(std::string_view name) const {
  if (modules_.empty()) return false;
  for (const Export& e : modules_.back()->module_->exports)
    if (e.name == name) return true;
  return false;
}

bool Context::start_export_call(std::string_view name, const std::vector<Value>& args) {
  if (modules_.empty() || dead_) return false;
  ModuleInstance* mi = modules_.back();
  for (const Export& e : mi->module_->exports) {
    if (e.name != name) continue;
    Value fn = mi->globals_[e.global];
    if (!is_callable(fn)) return false;
    Task* task = new_task();
    try {
      {
        // The caller's argument Values are not rooted until they are on the stack.
        Heap::NoGcScope no_gc(heap_);
        grow_stack(*task, args.size() + 3);
      }
      task->stack[0] = fn;
      task->stack[1] = Value::undefined();
      for (size_t i = 0; i < args.size(); ++i) task->stack[2 + i] = args[i];
      current_task_ = task;
      if (!push_call_frame(*task, fn, 0, uint32_t(args.size()), kFrameBoundary)) {
        task->state = TaskState::Failed;
        task->exception = take_pending_exception();
      } else if (task->frames.empty()) {
        // A native function completed synchronously.
        task->state = TaskState::Done;
        task->result = task->stack[0];
      }
    } catch (const VmFatal& f) {
      set_fatal(f.code, f.message, f.limit, f.used);
    }
    current_task_ = nullptr;
    return true;
  }
  return false;
}

namespace {

/// CPU time of the calling thread: what this context's slice consumed,
/// whatever else the machine (or other contexts on other threads) does.
uint64_t thread_cpu_time_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000 + uint64_t(ts.tv_nsec) / 1000;
}

}  // namespace

RunOutcome Context::run(uint64_t budget) {
  uint64_t cpu_start = thread_cpu_time_us();
  RunOutcome outcome = run_slice(budget);
  cpu_time_us_ += thread_cpu_time_us() - cpu_start;
  if (!dead_ && options_.max_cpu_time_ms != ~uint64_t(0) && cpu_time_us_ > options_.max_cpu_time_ms * 1000) {
    set_fatal(ErrorCode::CpuTimeExceeded,
              "CPU time limit of " + std::to_string(options_.max_cpu_time_ms) + " ms exceeded (" +
                  std::to_string(cpu_time_us_ / 1000) + " ms used)",
              options_.max_cpu_time_ms, cpu_time_us_ / 1000);
    outcome.kind = RunOutcome::Kind::Fatal;
  }
  return outcome;
}

RunOutcome Context::run_slice(uint64_t budget) {
  RunOutcome outcome;
  if (dead_) {
    outcome.kind = RunOutcome::Kind::Fatal;
    return outcome;
  }
  for (auto& task : tasks_) {
    if (task->state != TaskState::Ready) continue;
    // A task that finished on straight-line code may overspend its slice a
    // little; the next task must not get the wrapped-around remainder.
    if (outcome.steps >= budget) {
      outcome.kind = RunOutcome::Kind::Yielded;
      return outcome;
    }
    uint64_t left = budget - outcome.steps;
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
    RunOutcome r = run_task(*task, left);
    outcome.steps += r.steps;
    if (r.kind == RunOutcome::Kind::Fatal) {
      outcome.kind = RunOutcome::Kind::Fatal;
      return outcome;
    }
    if (r.kind == RunOutcome::Kind::Yielded) {
      outcome.kind = RunOutcome::Kind::Yielded;
      return outcome;
    }
  }
  outcome.kind = RunOutcome::Kind::Done;
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

void Context::charge_steps(uint64_t steps) {
  native_steps_ += steps;
  if (options_.max_steps == ~uint64_t(0)) return;
  uint64_t used_in_slice = uint64_t(std::max<int64_t>(0, slice_budget_ - safe_point_fuel_)) + native_steps_;
  if (steps_executed_ + used_in_slice > options_.max_steps) {
    throw VmFatal{ErrorCode::StepBudgetExceeded,
                  "step budget of " + std::to_string(options_.max_steps) + " steps exhausted (a builtin needed " +
                      std::to_string(steps) + " more)",
                  options_.max_steps, steps_executed_ + used_in_slice};
  }
}

messages::VmStats Context::stats() const {
  messages::VmStats s;
  const HeapStats& h = heap_.stats();
  s.heap_bytes_used = h.bytes_used;
  s.peak_heap_bytes = h.peak_bytes;
  for (const auto& task : tasks_)
    if (task->state == TaskState::Ready) ++s.tasks;
  s.tasks_created = next_task_id_ - 1;
  s.steps_executed = steps_executed_;
  s.cpu_time_us = cpu_time_us_;
  s.gc_count = h.gc_count;
  s.gc_pause_us_total = h.gc_pause_total_us;
  s.gc_pause_us_max = h.gc_pause_max_us;
  s.limits.max_heap_bytes = options_.max_heap_bytes;
  s.limits.max_step_budget = options_.max_steps;
  s.limits.max_cpu_time_ms = options_.max_cpu_time_ms;
  s.limits.max_call_depth = options_.max_call_depth;
  s.limits.random_seed = options_.random_seed;
  return s;
}

uint64_t Context::next_random() {
  // xorshift64*: deterministic per seed, so runs and snapshots replay.
  random_state_ ^= random_state_ >> 12;
  random_state_ ^= random_state_ << 25;
  random_state_ ^= random_state_ >> 27;
  return random_state_ * 0x2545F4914F6CDD1Dull;
}

void Context::console_write(int level, std::string_view line) {
  if (console_sink_ != nullptr) console_sink_(console_user_, level, line);
}

void Context::define_builtin(std::string_view name, Value value) { builtins_[std::string(name)] = value; }

bool Context::lookup_builtin(std::string_view name, Value& out) const {
  auto it = builtins_.find(std::string(name));
  if (it == builtins_.end()) return false;
  out = it->second;
  return true;
}

}  // namespace raya::vm
