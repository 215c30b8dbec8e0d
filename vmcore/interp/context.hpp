// Context: one VmContext — a heap, the modules loaded into it, its tasks and
// its builtins — as a synchronous, deterministic object. Nothing here knows
// about threads or actors: the embedding calls run(budget) and decides what
// to do with the outcome.
//
// Lifecycle: construct with ContextOptions, load() a verified Module (its
// top-level code becomes a task), run() until the task is done, call
// exported functions with call_export(), read the result. Destroying the
// Context frees every object it owns.
//
// Internally this header is also the runtime API the interpreter and the
// builtins use (allocation, strings, properties, errors).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/vm_options.hpp"
#include "vmcore/bytecode/module.hpp"
#include "vmcore/heap/heap.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/host_request.hpp"
#include "vmcore/interp/interrupt.hpp"
#include "vmcore/interp/module_instance.hpp"
#include "vmcore/interp/task.hpp"
#include "vmcore/object/array.hpp"
#include "vmcore/object/bytes.hpp"
#include "vmcore/object/collections.hpp"
#include "vmcore/object/function.hpp"
#include "vmcore/object/object.hpp"
#include "vmcore/object/string.hpp"
#include "vmcore/result.hpp"

namespace raya::vm {

struct ContextOptions {
  uint64_t max_heap_bytes = 64ull << 20;
  uint64_t max_steps = ~uint64_t(0);  // cumulative instruction budget
  uint64_t max_cpu_time_ms = ~uint64_t(0);  // CPU time of this context's run() slices
  uint32_t max_call_depth = 10000;
  uint32_t max_tasks = 1000;  // live (unfinished) tasks at once
  bool terminate_on_task_limit = false;  // end the context instead of a catchable error
  uint64_t random_seed = 0x5eed;
  uint64_t context_id = 1;

  /// The limits of a messages::VmOptions (the boundary form) for vmcore.
  static ContextOptions from(const messages::VmOptions& o) {
    ContextOptions c;
    c.max_heap_bytes = o.max_heap_bytes;
    c.max_steps = o.max_step_budget;
    c.max_cpu_time_ms = o.max_cpu_time_ms;
    c.max_call_depth = o.max_call_depth;
    c.max_tasks = o.max_tasks;
    c.terminate_on_task_limit = o.terminate_on_task_limit;
    c.random_seed = o.random_seed;
    return c;
  }
};

/// What one run() call did.
struct RunOutcome {
  enum class Kind : uint8_t {
    Done,     // idle: no task can run and none waits on the host (all
              // finished, or the rest await each other: a deadlock)
    Yielded,  // the slice budget ran out with tasks still ready; run() again
    Waiting,  // no task is ready; some wait on host requests (host calls,
              // timers): complete one, then run() again
    Fatal,    // a limit or internal error ended the context: see fatal()
  };
  Kind kind = Kind::Done;
  uint64_t steps = 0;
};

/// The standard error classes, indexed for native code.
enum class ErrorType : uint8_t { Error, TypeError, RangeError, ReferenceError, SyntaxError, Count_ };

class Context final : public RootProvider {
 public:
  explicit Context(ContextOptions options = {});
  ~Context() override;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // --- embedding API -------------------------------------------------------

  /// Grants a capability: `host:` imports of that name resolve to a host
  /// call (see HostRequest). Grant before load(); loading a module that
  /// imports an ungranted capability fails with CapabilityDenied.
  void grant(std::string capability) { grants_.insert(std::move(capability)); }
  bool granted(std::string_view capability) const { return grants_.count(std::string(capability)) != 0; }

  /// Links a verified module (resolving its builtin and `host:` imports) and
  /// queues a task running its top-level code, which the embedding holds
  /// (see release_task). Errors: VerifyError for unknown builtins,
  /// CapabilityDenied for ungranted capabilities, TaskLimitExceeded.
  Result<Task*> load(std::shared_ptr<const Module> module);
  /// Runs ready tasks round-robin for at most about `budget` steps.
  RunOutcome run(uint64_t budget);
  /// Runs until no task is ready (see RunOutcome::Kind) or a limit ends the
  /// context. Does not wait for host requests.
  RunOutcome run_to_completion();
  /// The most recently started task the embedding holds (a module's
  /// top-level code, or an export call).
  Task* main_task() { return held_.empty() ? nullptr : held_.back(); }
  /// Starts a task calling an exported function of the last loaded module
  /// (an async function's task is the call's task). The task is queued and
  /// held for the embedding until release_task. Returns nullptr if there is
  /// no such exported function, or the context is dead; a failure to start
  /// (e.g. the task limit) gives a task that has already failed.
  /// Finished tasks the embedding still holds are released first unless
  /// `keep_finished` (the legacy single-call pattern: read, then call again).
  Task* start_export_call(std::string_view name, const std::vector<Value>& args, bool keep_finished = false);
  bool has_export(std::string_view name) const;
  /// Whether the export `name` of the last loaded module can be called now:
  /// Uninitialized while the module's top-level code has not set it yet.
  enum class ExportState : uint8_t { Missing, Uninitialized, NotCallable, Callable };
  ExportState export_state(std::string_view name) const;
  /// Lets the collector free a task the embedding no longer needs.
  void release_task(Task* task);
  /// Cancels an unfinished task: it fails with a `Cancelled` error that its
  /// awaiters receive; its pending host request is dropped (completing it
  /// later reports an unknown id). Returns false if it had already finished.
  bool cancel_task(Task* task);
  /// cancel_task for the embedding, outside run(): false on a dead context,
  /// and a heap limit hit while cancelling ends the context (see fatal()).
  bool cancel_from_host(Task* task);

  /// Requests issued by blocked tasks since the last call, in order.
  std::vector<HostRequest> take_host_requests();
  /// Completes a request: the task resumes with `result` (unmarshalled into
  /// this context; a result that does not fit the heap ends the context) or
  /// throws `error` as a Raya error whose name is the error's kind
  /// (CapabilityFailed, Timeout, ...). Unknown ids (completed already, or
  /// dropped by a cancel) give an error and leave the context unchanged.
  Status complete_host_request(uint64_t id, const messages::Value& result);
  Status fail_host_request(uint64_t id, const Error& error);
  /// Host requests issued and not yet completed.
  size_t pending_host_requests() const { return host_waits_.size(); }

  /// Failed tasks that no task awaited and the embedding does not hold
  /// (the first 100; unobserved_failure_count() counts all). Awaiting such a
  /// task later removes it from this list.
  const std::vector<Task*>& unobserved_failures() const { return unobserved_failures_; }
  uint64_t unobserved_failure_count() const { return unobserved_failure_count_; }
  /// The errors of unobserved_failures() (with task ids), which are then forgotten.
  std::vector<Error> take_unobserved_failures();
  /// runtime_error_of a failed task's exception, with the task's id.
  Error task_error(const Task* task);
  /// Live (unfinished) tasks.
  size_t live_tasks() const { return live_tasks_.size(); }
  /// The error that ended the context (after RunOutcome::Kind::Fatal).
  const Error& fatal() const { return fatal_; }
  /// Converts a failed task's exception to a RuntimeError (name, message, stack).
  Error runtime_error_of(Value exception);

  uint64_t steps_executed() const { return steps_executed_; }

  /// Builtins whose work grows with their input charge for it here (about
  /// one step per element or per 16 code units touched), before doing the
  /// work, in chunks (see metering.hpp). Exceeding the cumulative step
  /// budget ends the context (throws VmFatal(StepBudgetExceeded) to the
  /// run() boundary), so `"x".repeat(1e9)` under a budget stops before it
  /// starts. Within budget, the steps count towards the current slice like
  /// executed instructions. Every kPollSteps charged steps it also polls
  /// the interrupt, the deadline and the CPU limit (poll_limits), so a long
  /// builtin stops within a chunk of any of them. The common path is two
  /// subtractions and two compares. Outside run() nothing is thrown: the
  /// steps are counted and the limits are checked at the next slice.
  /// `steps` must stay below 2^62 (no input is that large).
  void charge_steps(uint64_t steps) {
    native_steps_ += steps;
    poll_credit_ -= int64_t(steps);
    if (poll_credit_ <= 0 || int64_t(native_steps_) - safe_point_fuel_ > native_slack_) [[unlikely]]
      charge_slow(steps);
  }
  /// For long native work that was paid for up front (the default sort):
  /// called between pieces of it, ends the context (throws VmFatal) on an
  /// interrupt, a passed deadline or the CPU limit, as a charge would.
  /// Outside a running task it does nothing.
  void poll_limits_in_native() {
    if (!metering_) return;
    poll_credit_ = kPollSteps;
    if (VmFatal hit = poll_limits(); hit.code != ErrorCode::None) throw hit;
  }
  static constexpr uint64_t kUnitsPerStep = 16;
  /// Steps of work (instructions or charged native steps) between two polls
  /// of the interrupt, the deadline and the CPU limit. A poll is a relaxed
  /// atomic load, plus a vDSO clock read when a deadline or CPU limit is
  /// set: ~0 next to 4096 steps (~25 µs of a plain loop), and at most a few
  /// hundred microseconds of the slowest charged work.
  static constexpr int64_t kPollSteps = 4096;

  // --- stopping a running slice ---------------------------------------------

  /// The handle another thread may use to stop this context's running
  /// slice (see interrupt.hpp). The slice ends within one poll with
  /// Terminated (or Timeout), and the context is over.
  const std::shared_ptr<Interrupt>& interrupt() const { return interrupt_; }
  /// Uses an interrupt the embedding made (e.g. before the context existed).
  void set_interrupt(std::shared_ptr<Interrupt> interrupt) {
    if (interrupt) interrupt_ = std::move(interrupt);
  }
  /// A wall-clock deadline on CLOCK_MONOTONIC (monotonic_now_ns(); 0 for
  /// none): work past it ends the context with Timeout, checked at every poll.
  void set_deadline_ns(uint64_t monotonic_ns) { deadline_ns_ = monotonic_ns; }
  static uint64_t monotonic_now_ns();
  /// The deepest prototype chain: an object may have at most this many
  /// prototypes above it (class extends past it is a RangeError; other ways
  /// of making one end the context). Every chain walk is bounded by it.
  static constexpr uint32_t kMaxPrototypeDepth = 1000;
  /// Prototype links a property lookup walks for free; each further link
  /// costs a step (charge_steps).
  static constexpr uint32_t kFreePrototypeLinks = 4;
  /// The largest array length; beyond it index writes are RangeErrors.
  static constexpr uint32_t kMaxArrayLength = 1u << 28;
  uint64_t cpu_time_us() const { return cpu_time_us_; }
  /// Counters and limits in their boundary form.
  messages::VmStats stats() const;
  Heap& heap() { return heap_; }
  const ContextOptions& options() const { return options_; }

  // --- runtime API for the interpreter and the builtins ---------------------

  String* new_string(std::u16string_view units);
  String* new_string_ascii(std::string_view ascii);
  String* new_string_utf8(std::string_view utf8);
  /// Allocates an uninitialised string of `length` units for the caller to fill.
  String* new_string_uninit(uint32_t length);
  String* intern(std::u16string_view units);
  String* intern_ascii(std::string_view ascii);
  String* empty_string() { return empty_string_; }
  /// Interned property names used by the runtime itself (always alive).
  String* message_key() const { return message_key_; }
  String* stack_key() const { return stack_key_; }
  String* name_key() const { return name_key_; }
  /// One-unit strings for code units < 256 are cached.
  String* char_string(char16_t unit);

  Object* new_object(Object* proto, uint32_t inline_slots = 4);
  Object* new_plain_object() { return new_object(object_prototype_); }
  Array* new_array(uint32_t length, uint32_t capacity = 0);
  void array_push(Array* array, Value v);
  void array_reserve(Array* array, uint32_t capacity);
  void array_set_length(Array* array, uint32_t length);
  NativeFunction* new_native(std::string_view name, NativeFn fn, uint16_t arity);
  Class* new_class(String* name, Class* parent, Value constructor);
  MapObject* new_map(bool is_set);
  /// A Bytes object holding a copy of `data` (charged to the heap).
  Bytes* new_bytes(std::span<const uint8_t> data);
  void map_changed(MapObject* map);  // re-charge its table after growth

  /// Own or inherited property; false (undefined in `out`) if absent. Does not
  /// call getters: an accessor yields the Accessor itself via `found_accessor`.
  bool lookup_property(Object* obj, String* key, Value& out, Object** holder = nullptr,
                       PropertyInfo* info = nullptr);
  /// Defines or overwrites an own data property (no setters, no frozen check).
  void define_own_property(Object* obj, String* key, Value value, uint8_t flags = kPropEnumerable);
  /// Keys of own enumerable properties in insertion order.
  std::vector<String*> own_enumerable_keys(Object* obj);
  /// The prototype used for property lookups on a primitive or object value.
  Object* prototype_for(Value v);

  /// Property key for a computed access (`o[k]`): strings are interned,
  /// numbers become their canonical string.
  String* to_property_key(Value key);

  // Errors: these set the pending exception and return false, so natives can
  // `return ctx.throw_type_error("...")`.
  bool throw_value(Value exception);
  bool throw_error(ErrorType type, std::string_view message);
  bool throw_type_error(std::string_view message) { return throw_error(ErrorType::TypeError, message); }
  bool throw_range_error(std::string_view message) { return throw_error(ErrorType::RangeError, message); }
  Value make_error(ErrorType type, std::string_view message);
  /// An Error whose `name` is one of DESIGN.md's error kinds that has no
  /// class of its own in Raya (CapabilityDenied, MarshalError, ...).
  bool throw_named_error(std::string_view name, std::string_view message);
  Value make_named_error(std::string_view name, std::string_view message);
  Value take_pending_exception();
  Class* error_class(ErrorType type) { return error_classes_[size_t(type)]; }
  static std::string error_class_name(ErrorType type);
  /// Raya stack trace of the current task ("    at f (file:line:col)" lines):
  /// the innermost kMaxStackFrames frames, then "    ... N more frames".
  /// Charged per frame and byte.
  std::string capture_stack_trace();
  static constexpr int kMaxStackFrames = 50;

  // Conversions and comparisons with Raya semantics.
  String* to_string(Value v);          // String(v)
  std::string to_display_utf8(Value v);  // for messages and console output
  std::string describe_for_error(Value v);  // short "value kind" for TypeErrors
  String* typeof_string(Value v);
  static bool is_truthy(Value v);
  static bool strict_equals(Value a, Value b);
  uint64_t next_random();  // per-context deterministic generator

  // Builtins.
  Object* object_prototype() const { return object_prototype_; }
  Object* array_prototype() const { return array_prototype_; }
  Object* string_prototype() const { return string_prototype_; }
  Object* number_prototype() const { return number_prototype_; }
  Object* boolean_prototype() const { return boolean_prototype_; }
  Object* function_prototype() const { return function_prototype_; }
  Object* map_prototype() const { return map_prototype_; }
  Object* set_prototype() const { return set_prototype_; }
  /// Registers a global builtin name (Math, console, ...) for builtin imports.
  void define_builtin(std::string_view name, Value value);
  bool lookup_builtin(std::string_view name, Value& out) const;
  /// Adds a method to a builtin prototype or namespace object.
  NativeFunction* define_native_method(Object* target, std::string_view name, NativeFn fn, uint16_t arity);
  /// Lines written by console.* (the CLI prints them; later a capability).
  using ConsoleSink = void (*)(void* user, int level, std::string_view line);
  void set_console_sink(ConsoleSink sink, void* user) { console_sink_ = sink; console_user_ = user; }
  void console_write(int level, std::string_view line);
  /// Whether this context was granted the `console` capability.
  bool has_console() const { return console_sink_ != nullptr; }

  /// Invalidate prototype-holder inline caches (a prototype was written).
  void bump_proto_epoch() { ++proto_epoch_; }
  uint64_t proto_epoch() const { return proto_epoch_; }

  // GC roots held by native code across allocations (see roots.hpp).
  std::vector<Value*>& value_roots() { return value_roots_; }
  std::vector<HeapObject**>& object_roots() { return object_roots_; }

  Task* current_task() { return current_task_; }

  // Task suspension, for natives. Each returns false, which the native
  // returns: the interpreter then stops the task at this call (the call's
  // result is filled in when it resumes) instead of throwing. Natives called
  // other than directly by a Raya call instruction cannot suspend (TypeError).
  bool suspend_for_timer(uint64_t delay_ms);
  bool suspend_for_host_call(std::string_view capability, messages::Value args, uint64_t payload_bytes = 0);
  bool yield_current_task();
  /// Cancels `task` from Raya code (task.cancel()); the running task may
  /// cancel itself, which stops it at once.
  bool cancel_current_task();
  /// Marks a task as awaited (its failure is then not reported as unobserved).
  void observe(Task* task);
  Object* task_prototype() const { return task_prototype_; }

  // RootProvider
  void trace_roots(Marker& marker) override;
  void sweep_weak() override;

 private:
  friend class Interpreter;
  friend struct ContextAccess;

  void create_builtins();
  void load_prelude();
  RunOutcome run_slice(uint64_t budget);
  /// charge_steps past its fast path: a poll due, or the step budget reached.
  void charge_slow(uint64_t steps);
  /// The interrupt, the wall-clock deadline and the CPU limit: the error
  /// that ends the context if one of them is reached, else code None.
  VmFatal poll_limits();
  RunOutcome run_task(Task& task, uint64_t budget);
  /// A new live task with an empty stack. Over the task limit: throws the
  /// catchable TaskLimitExceeded and returns nullptr (or ends the context,
  /// by option).
  Task* new_task();
  /// Starts `callee` (an async closure, or any function for the embedding)
  /// as a new queued task with the given this and arguments.
  Task* spawn_call(Value callee, Value self, const Value* args, uint32_t argc);
  void make_ready(Task* task);
  /// Bookkeeping once a task is Done or Failed: adoption of a returned
  /// task, waking awaiters, unobserved failures, freeing its stack.
  void on_task_finished(Task* task);
  void fail_task(Task* task, Value exception);
  void unlink_live(Task* task);
  void hold(Task* task);
  /// Registers `waiter` (blocked, with `epoch`) on `target`; false if it was
  /// already registered for this wait. Stale entries are dropped whenever the
  /// list would grow, and the list's memory is charged to the heap.
  bool add_waiter(Task* target, Task* waiter, uint64_t epoch);
  void free_waiters(Task* task);
  /// The native a granted `host:` import resolves to.
  Value make_host_function(const std::string& capability);
  /// The task blocked on host request `id`, removed from the table; nullptr if unknown.
  Task* take_host_wait(uint64_t id);
  /// Blocks the current task on `request` (given an id here) and stops it.
  bool block_on_request(HostRequest request);
  Status fail_host_request_of(Task* task, const Error& error);
  void grow_stack(Task& task, size_t needed);
  Shape* root_shape_for(Object* proto);
  Shape* add_property_shape(Shape* from, String* key, uint8_t flags);
  void ensure_slot_capacity(Object* obj, uint32_t needed);
  void convert_to_dictionary(Object* obj);
  bool push_call_frame(Task& task, Value callee, uint32_t window, uint32_t argc, uint8_t flags);
  void set_fatal(ErrorCode code, std::string message, uint64_t limit = 0, uint64_t used = 0);

  ContextOptions options_;
  Heap heap_;
  Error fatal_;
  bool dead_ = false;
  uint64_t steps_executed_ = 0;
  uint64_t cpu_time_us_ = 0;  // time spent inside run(): see slice_clock_ns in context.cpp
  uint64_t cpu_time_ns_ = 0;
  // Published by the interpreter at safe points, for charge_steps().
  int64_t slice_budget_ = 0;
  int64_t safe_point_fuel_ = 0;
  uint64_t native_steps_ = 0;  // charged by builtins, not yet taken by the interpreter
  // The step budget as charge_steps' fast path sees it: over budget iff
  // native_steps_ - safe_point_fuel_ > native_slack_ (set by run_task to
  // max_steps - steps_executed_ - the task's fuel; huge outside a task).
  int64_t native_slack_ = kNoSlackLimit;
  static constexpr int64_t kNoSlackLimit = INT64_MAX / 4;
  bool metering_ = false;  // inside run_task: charge_steps may end the context
  int64_t poll_credit_ = kPollSteps;  // steps until the next poll
  std::shared_ptr<Interrupt> interrupt_ = std::make_shared<Interrupt>();
  uint64_t deadline_ns_ = 0;  // CLOCK_MONOTONIC; 0: none
  // The running slice's clocks, for the CPU limit inside a slice: CPU time
  // cannot grow faster than wall time, so the thread's CPU clock (a system
  // call) is read only once the wall clock reaches cpu_check_at_ns_.
  bool cpu_limited_ = false;
  uint64_t slice_cpu_start_ns_ = 0;
  uint64_t cpu_check_at_ns_ = 0;
  uint64_t random_state_;
  uint64_t proto_epoch_ = 1;  // 64-bit: a wrapped epoch would revive stale caches
  uint64_t next_task_id_ = 1;

  std::vector<Task*> live_tasks_;  // every unfinished task (roots); Task::live_index
  std::deque<Task*> ready_;        // round-robin run queue
  std::vector<Task*> held_;        // started by the embedding, until released
  std::unordered_map<uint64_t, Task*> host_waits_;  // request id -> blocked task
  std::vector<HostRequest> host_requests_;          // not yet taken by the embedding
  std::vector<Task*> unobserved_failures_;
  uint64_t unobserved_failure_count_ = 0;
  uint64_t next_request_id_ = 1;
  std::set<std::string> grants_;
  Task* current_task_ = nullptr;
  bool suspending_ = false;         // a native asked to stop the current task
  bool suspendable_call_ = false;   // the running native was called by a call instruction
  uint32_t suspend_slot_ = 0;       // that call's result slot
  Object* task_prototype_ = nullptr;
  std::vector<ModuleInstance*> modules_;
  Value pending_exception_ = Value::undefined();
  bool has_pending_exception_ = false;

  struct InternHash {
    using is_transparent = void;
    size_t operator()(const String* s) const { return s->hash(); }
    size_t operator()(std::u16string_view v) const { return String::hash_units(v); }
  };
  struct InternEq {
    using is_transparent = void;
    bool operator()(const String* a, const String* b) const { return a->view() == b->view(); }
    bool operator()(const String* a, std::u16string_view b) const { return a->view() == b; }
    bool operator()(std::u16string_view a, const String* b) const { return a == b->view(); }
  };
  std::unordered_set<String*, InternHash, InternEq> interned_;
  String* empty_string_ = nullptr;
  String* char_strings_[256] = {};
  std::unordered_map<Object*, Shape*> root_shapes_;  // empty shape per prototype
  Shape* null_proto_root_ = nullptr;

  std::unordered_map<std::string, Value> builtins_;
  Object* object_prototype_ = nullptr;
  Object* array_prototype_ = nullptr;
  Object* string_prototype_ = nullptr;
  Object* number_prototype_ = nullptr;
  Object* boolean_prototype_ = nullptr;
  Object* function_prototype_ = nullptr;
  Object* map_prototype_ = nullptr;
  Object* set_prototype_ = nullptr;
  Class* error_classes_[size_t(ErrorType::Count_)] = {};

  // Interned names the interpreter compares by pointer.
  String* length_key_ = nullptr;
  String* size_key_ = nullptr;
  String* name_key_ = nullptr;
  String* prototype_key_ = nullptr;
  String* message_key_ = nullptr;
  String* stack_key_ = nullptr;

  std::vector<const Array*> joining_;  // arrays being converted to strings (cycle guard)

  std::vector<Value*> value_roots_;
  std::vector<HeapObject**> object_roots_;
  ConsoleSink console_sink_ = nullptr;
  void* console_user_ = nullptr;
};

}  // namespace raya::vm
