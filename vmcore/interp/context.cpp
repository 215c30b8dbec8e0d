// Context construction, teardown, GC roots, strings and the task runner glue.
#include "vmcore/interp/context.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>

#include "vmcore/builtins/builtins.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/prelude/prelude.hpp"
#include "vmcore/prelude/prelude_intrinsics.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

Context::Context(ContextOptions options)
    : options_(options), heap_(Heap::kUnlimited), random_state_(options.random_seed ^ 0x9E3779B97F4A7C15ull) {
  heap_.set_root_provider(this);
  // Builtins are created without a limit so even a tiny max_heap_bytes gives
  // a usable context; they count towards the heap afterwards.
  Heap::NoGcScope no_gc(heap_);
  interned_.reserve(1024);  // the builtins intern ~700 names: no rehashing on the way
  empty_string_ = intern(u"");
  length_key_ = intern_ascii("length");
  size_key_ = intern_ascii("size");
  name_key_ = intern_ascii("name");
  prototype_key_ = intern_ascii("prototype");
  message_key_ = intern_ascii("message");
  stack_key_ = intern_ascii("stack");
  create_builtins();
  install_builtins(*this);
  install_prelude_intrinsics(*this);  // the methods as they are now, before any program runs
  load_prelude();
  heap_.set_max_bytes(options_.max_heap_bytes);
}

void Context::load_prelude() {
  std::shared_ptr<const Module> prelude = prelude_module();
  if (!prelude) return;
  // The prelude is the runtime's code, not the program's: none of the
  // program's limits apply to it (a step budget or CPU time of almost
  // nothing, or maxTasks 0, must still give a context whose program then
  // runs into that limit), and what it used is not counted (see below).
  const ContextOptions program_limits = options_;
  options_.max_steps = ~uint64_t(0);
  options_.max_cpu_time_ms = ~uint64_t(0);
  options_.max_tasks = ContextOptions{}.max_tasks;
  options_.terminate_on_task_limit = false;
  options_.max_call_depth = ContextOptions{}.max_call_depth;
  Result<Task*> loaded = load(prelude);
  RunOutcome outcome = loaded ? run_to_completion() : RunOutcome{RunOutcome::Kind::Fatal, 0};
  options_ = program_limits;
  if (outcome.kind != RunOutcome::Kind::Done || (*loaded)->state != TaskState::Done) {
    set_fatal(ErrorCode::RuntimeError, "the built-in prelude failed to initialise");
    return;
  }
  held_.clear();
  (*loaded)->held = false;
  next_task_id_ = 1;  // the prelude's task is not the program's
  cpu_time_us_ = 0;
  cpu_time_ns_ = 0;
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
  heap_.free_all();
}

void Context::trace_roots(Marker& m) {
  // Tasks that can still run (ready or blocked: the ready queue and the
  // host-request table are subsets), tasks the embedding holds, and failures
  // waiting to be reported. Finished tasks live while something refers to them.
  for (Task* t : live_tasks_) m.mark(t);
  for (Task* t : held_) m.mark(t);
  for (Task* t : unobserved_failures_) m.mark(t);
  m.mark(current_task_);
  m.mark(task_prototype_);
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

namespace {

/// The clock a slice is timed with. The calling thread's CPU time is exact
/// (whatever else the machine does) but costs a system call (~0.5 µs on a
/// VM, twice per slice: 17% of a busy context's time with 10k-step
/// slices), so it is read only where a CPU limit must be enforced;
/// otherwise the slice's monotonic time (vDSO, ~20 ns) is what VmStats
/// reports — CPU time plus any time the OS took the thread away.
uint64_t slice_clock_ns(bool thread_cpu) {
  timespec ts{};
  clock_gettime(thread_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

}  // namespace

uint64_t Context::monotonic_now_ns() { return slice_clock_ns(false); }

RunOutcome Context::run(uint64_t budget) {
  cpu_limited_ = options_.max_cpu_time_ms != ~uint64_t(0);
  uint64_t start = slice_clock_ns(cpu_limited_);
  if (cpu_limited_) {
    // The CPU limit inside the slice (poll_limits): no sooner than the
    // allowance left can have been spent in wall time.
    slice_cpu_start_ns_ = start;
    const uint64_t limit_ns = options_.max_cpu_time_ms * 1000000;
    const uint64_t left_ns = limit_ns > cpu_time_ns_ ? limit_ns - cpu_time_ns_ : 0;
    cpu_check_at_ns_ = monotonic_now_ns() + left_ns;
  }
  RunOutcome outcome;
  // An interrupt or a deadline that came between slices ends the context
  // before it runs anything more.
  if (VmFatal hit = dead_ ? VmFatal{ErrorCode::None, {}} : poll_limits(); hit.code != ErrorCode::None) {
    set_fatal(hit.code, hit.message, hit.limit, hit.used);
    outcome.kind = RunOutcome::Kind::Fatal;
  } else {
    outcome = run_slice(budget);
  }
  poll_credit_ = kPollSteps;
  cpu_time_ns_ += slice_clock_ns(cpu_limited_) - start;
  cpu_time_us_ = cpu_time_ns_ / 1000;
  if (!dead_ && cpu_limited_ && cpu_time_us_ > options_.max_cpu_time_ms * 1000) {
    set_fatal(ErrorCode::CpuTimeExceeded,
              "CPU time limit of " + std::to_string(options_.max_cpu_time_ms) + " ms exceeded (" +
                  std::to_string(cpu_time_us_ / 1000) + " ms used)",
              options_.max_cpu_time_ms, cpu_time_us_ / 1000);
    outcome.kind = RunOutcome::Kind::Fatal;
  }
  return outcome;
}

VmFatal Context::poll_limits() {
  switch (interrupt_->pending()) {
    case InterruptReason::None: break;
    case InterruptReason::Terminate: return VmFatal{ErrorCode::Terminated, "the context was terminated"};
    case InterruptReason::Timeout:
      return VmFatal{ErrorCode::Timeout, "the context was stopped: it ran past its host's deadline"};
  }
  if (deadline_ns_ == 0 && !cpu_limited_) return VmFatal{ErrorCode::None, {}};
  const uint64_t now = monotonic_now_ns();
  if (deadline_ns_ != 0 && now >= deadline_ns_)
    return VmFatal{ErrorCode::Timeout, "the context ran past its deadline"};
  if (cpu_limited_ && now >= cpu_check_at_ns_) {
    const uint64_t used_ns = cpu_time_ns_ + (slice_clock_ns(true) - slice_cpu_start_ns_);
    const uint64_t limit_ns = options_.max_cpu_time_ms * 1000000;
    if (used_ns / 1000 > options_.max_cpu_time_ms * 1000) {
      return VmFatal{ErrorCode::CpuTimeExceeded,
                     "CPU time limit of " + std::to_string(options_.max_cpu_time_ms) + " ms exceeded (" +
                         std::to_string(used_ns / 1000000) + " ms used)",
                     options_.max_cpu_time_ms, used_ns / 1000000};
    }
    // Not yet: the rest of the allowance cannot be spent sooner than this.
    // (At least 100 µs on, so a thread the OS keeps off the CPU does not
    // read its CPU clock at every poll.)
    cpu_check_at_ns_ = now + std::max<uint64_t>(limit_ns + 1000 - used_ns, 100000);
  }
  return VmFatal{ErrorCode::None, {}};
}

void Context::charge_slow(uint64_t steps) {
  if (!metering_) {
    // Outside a task (the embedding converting a result, a task finishing):
    // nothing here may throw; the steps are counted with the next slice's.
    poll_credit_ = kPollSteps;
    return;
  }
  if (poll_credit_ <= 0) {
    poll_credit_ = kPollSteps;
    if (VmFatal hit = poll_limits(); hit.code != ErrorCode::None) throw hit;
  }
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
  s.tasks = live_tasks_.size();
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
  s.limits.max_tasks = options_.max_tasks;
  s.limits.terminate_on_task_limit = options_.terminate_on_task_limit;
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
