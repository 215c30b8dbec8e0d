// Interpreter: runs one task of a context for a bounded number of steps.
//
// The hot loop (interpreter.cpp) keeps pc, the register window and the
// current function's constants and inline caches in locals; everything that
// is rare or long lives in interpreter_slow_paths.cpp. Raya-to-Raya calls push
// a Frame on the task and continue in the same loop — the C++ stack never
// grows with Raya recursion — so a task can stop at any call or back-edge
// and resume later.
//
// Fuel: the loop counts executed instructions exactly but only does the
// arithmetic at taken jumps, calls and returns (pc - block_start), and only
// checks the remaining budget at backward jumps and calls. A build configured
// with -DRAYA_FUEL_METERING=OFF leaves all of that out, to measure what it
// costs (bench/README.md); it is for benchmarks only, since its tasks cannot
// be preempted and step limits do not work.
#pragma once

#include <algorithm>
#include <cstdint>

#include "vmcore/interp/context.hpp"

namespace raya::vm {

/// Operators handled by Interpreter::arith_slow / compare_slow.
enum ArithOp { kSub, kMul, kDiv, kMod, kPow, kBitAnd, kBitOr, kBitXor, kShl, kShr, kUShr, kAddNumber };
enum CompareOp { kLt, kLe };

class Interpreter {
 public:
  Interpreter(Context& ctx, Task& task) : ctx_(ctx), task_(task) {}

  /// Runs until the task finishes, fails, or `budget` steps are used.
  RunOutcome run(uint64_t budget);

  enum class CallResult : uint8_t { Threw, Returned, PushedFrame };
  /// Calls stack[window] with this = stack[window+1] and argc args after it
  /// (absolute stack indexes). Used by the loop and to start tasks.
  CallResult call_value(uint32_t window_abs, uint32_t argc, uint8_t flags);

 private:
  // --- slow paths (interpreter_slow_paths.cpp); false = exception pending ---

  bool get_property(Value receiver, String* key, InlineCache* ic, Value& out, uint32_t result_slot,
                    CallResult& how);
  bool set_property(Value receiver, String* key, InlineCache* ic, Value value, CallResult& how);
  bool get_element(Value receiver, Value key, Value& out, uint32_t result_slot, CallResult& how);
  bool set_element(Value receiver, Value key, Value value, CallResult& how);
  bool throw_nullish_access(Value receiver, const std::string& key, bool is_write);
  bool lookup_method(Value receiver, String* key, InlineCache* ic, Value& out);
  CallResult construct(uint32_t window_abs, uint32_t argc);
  CallResult super_call(uint32_t window_abs, uint32_t argc);
  /// Replaces a spread call's array argument r[window+2] by its elements.
  bool spread_arguments(uint32_t window_abs, uint32_t& argc);
  bool enter_closure(Closure* closure, uint32_t new_base, uint32_t argc, uint32_t result_slot, uint8_t flags);

  bool arith_slow(int op, Value a, Value b, Value& out);
  bool add_slow(Value a, Value b, Value& out);
  bool compare_slow(int op, Value a, Value b, bool& out);
  bool unary_slow(int op, Value a, Value& out);
  bool op_in(Value key, Value obj, Value& out);
  bool op_instanceof(Value obj, Value cls, Value& out);
  bool get_iterator(Value iterable, Value& out);
  bool iterator_next(Value iterator, Value& out, bool& done);
  bool for_in_keys(Value obj, Value& out);
  bool array_spread(Value target, Value source);
  bool read_for_copy(Value source, String* key, Value& out);
  bool object_spread(Value target, Value source);
  bool object_rest(Value source, Value excluded, Value& out);
  bool array_rest(Value source, uint32_t from, Value& out);
  bool define_accessor(Value target, Value key, Value fn, bool is_getter);
  bool define_method(Value target, Value key, Value fn);
  bool define_export(Value target, Value name, uint32_t global);
  bool new_class(Value ctor, Value parent, String* name, Value& out);
  bool get_super(String* key, Value& out);
  Value new_closure(uint32_t function_index);

  /// `await v` (interpreter_tasks.cpp). Blocked: the task must stop and
  /// run the Await again when woken.
  enum class AwaitResult : uint8_t { Ready, Blocked, Threw };
  AwaitResult await_value(Value v, Value& out);
  /// Calls an async closure: a new queued task; its handle in stack[window].
  CallResult spawn_async(uint32_t window, uint32_t argc);

  /// Finds a handler for the pending exception, unwinding frames. Returns
  /// false when the task failed (no handler anywhere).
  bool unwind(Value exception);
  void finish_task(Value result);

  Frame& top() { return task_.frames.back(); }
  /// Where a method call on `receiver` starts its lookup (the object itself,
  /// or the prototype of an array, string, number, Map or Set).
  Object* method_base(Value receiver);
  /// Source text of the expression the current instruction works on (from
  /// the function's expression-name table), or "" if unknown.
  std::string current_expression();
  Value* regs() { return task_.stack.data() + top().base; }

  Context& ctx_;
  Task& task_;
};

}  // namespace raya::vm
