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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/vm_options.hpp"
#include "vmcore/bytecode/module.hpp"
#include "vmcore/heap/heap.hpp"
#include "vmcore/interp/module_instance.hpp"
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
  uint64_t random_seed = 0x5eed;
  uint64_t context_id = 1;

  /// The limits of a messages::VmOptions (the boundary form) for vmcore.
  static ContextOptions from(const messages::VmOptions& o) {
    ContextOptions c;
    c.max_heap_bytes = o.max_heap_bytes;
    c.max_steps = o.max_step_budget;
    c.max_cpu_time_ms = o.max_cpu_time_ms;
    c.max_call_depth = o.max_call_depth;
    c.random_seed = o.random_seed;
    return c;
  }
};

/// A frame of a task: registers at stack[base .. base + register_count).
struct Frame {
  Closure* closure;
  uint32_t pc;           // next instruction to execute (saved on calls)
  uint32_t base;         // index of r0 (this) in the task's stack
  uint32_t result_slot;  // where the return value goes in the stack
  uint8_t flags;
};
enum FrameFlags : uint8_t {
  kFrameConstruct = 1 << 0,      // `new`: a non-object return gives `this`
  kFrameDiscardResult = 1 << 1,  // setter calls: the result is dropped
  kFrameBoundary = 1 << 2,       // returning from this frame ends the task
};

enum class TaskState : uint8_t { Ready, Done, Failed };

struct Task {
  uint64_t id = 0;
  TaskState state = TaskState::Ready;
  std::vector<Value> stack;  // registers of every frame (charged to the heap)
  size_t stack_charged = 0;
  std::vector<Frame> frames;
  Value result = Value::undefined();
  Value exception = Value::undefined();
};

/// What one run() call did.
struct RunOutcome {
  enum class Kind : uint8_t {
    Done,     // every task finished (or failed: see the task)
    Yielded,  // the slice budget ran out; call run() again
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

  /// Links a verified module (resolving its builtin imports) and queues a
  /// task running its top-level code. Errors: VerifyError for unknown builtins.
  Status load(std::shared_ptr<const Module> module);
  /// Runs ready tasks for at most `budget` steps.
  RunOutcome run(uint64_t budget);
  /// Runs until every task is done or a limit ends the context.
  RunOutcome run_to_completion();
  /// The most recently started task (a module's top-level code, or an
  /// export call). Starting a new task releases the finished ones, so read
  /// a result before starting the next call.
  Task* main_task() { return tasks_.empty() ? nullptr : tasks_.back().get(); }
  /// Starts a task calling an exported function of the last loaded module.
  /// Returns false if there is no such exported function.
  bool start_export_call(std::string_view name, const std::vector<Value>& args);
  bool has_export(std::string_view name) const;
  /// The error that ended the context (after RunOutcome::Kind::Fatal).
  const Error& fatal() const { return fatal_; }
  /// Converts a failed task's exception to a RuntimeError (name, message, stack).
  Error runtime_error_of(Value exception);

  uint64_t steps_executed() const { return steps_executed_; }

  /// Builtins whose work grows with their input charge for it here (about
  /// one step per element or per 16 code units touched), before doing the
  /// work where they can. Exceeding the cumulative step budget ends the
  /// context (throws VmFatal(StepBudgetExceeded) to the run() boundary), so
  /// `"x".repeat(1e9)` under a budget stops before it starts. Within budget,
  /// the steps count towards the current slice like executed instructions.
  void charge_steps(uint64_t steps);
  static constexpr uint64_t kUnitsPerStep = 16;
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
  Value take_pending_exception();
  Class* error_class(ErrorType type) { return error_classes_[size_t(type)]; }
  static std::string error_class_name(ErrorType type);
  /// Raya stack trace of the current task ("    at f (file:line:col)" lines).
  std::string capture_stack_trace();

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

  // RootProvider
  void trace_roots(Marker& marker) override;
  void sweep_weak() override;

 private:
  friend class Interpreter;
  friend struct ContextAccess;

  void create_builtins();
  void load_prelude();
  RunOutcome run_slice(uint64_t budget);
  RunOutcome run_task(Task& task, uint64_t budget);
  Task* new_task();
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
  uint64_t cpu_time_us_ = 0;  // thread CPU time spent inside run()
  // Published by the interpreter at safe points, for charge_steps().
  int64_t slice_budget_ = 0;
  int64_t safe_point_fuel_ = 0;
  uint64_t native_steps_ = 0;  // charged by builtins, not yet taken by the interpreter
  uint64_t random_state_;
  uint64_t proto_epoch_ = 1;  // 64-bit: a wrapped epoch would revive stale caches
  uint64_t next_task_id_ = 1;

  std::vector<std::unique_ptr<Task>> tasks_;
  Task* current_task_ = nullptr;
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
