// Task: one green thread of a context. A task owns its frame stack and its
// register file, so it can stop at any safe point and resume later; the
// same heap object is the Raya-visible task handle (`const t = f();` where
// f is async), which is why tasks are garbage collected like any value:
// a task lives while it can still run (the context's scheduler holds it),
// while the embedding holds it, or while a Raya value refers to it.
//
// States:  Ready --(await / sleep / host call)--> Blocked --(wake)--> Ready
//          Ready --(return)--> Done,  --(uncaught throw / cancel)--> Failed
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

struct Closure;

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
  kFrameTaskStart = 1 << 3,      // call_value: run an async function's body in
                                 // this (new) task instead of spawning another
};

/// A task's frames: a vector whose push is guaranteed to inline (a call per
/// Raya call costs the interpreter ~2x on call-heavy code when the compiler
/// decides not to inline std::vector::push_back into the dispatch loop).
class FrameStack {
 public:
  [[gnu::always_inline]] void push_back(const Frame& f) {
    if (size_ == storage_.size()) [[unlikely]]
      grow();
    storage_[size_++] = f;
  }
  void pop_back() { --size_; }
  Frame& back() { return storage_[size_ - 1]; }
  const Frame& back() const { return storage_[size_ - 1]; }
  Frame& operator[](size_t i) { return storage_[i]; }
  const Frame& operator[](size_t i) const { return storage_[i]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  /// Clears and gives the memory back.
  void release() {
    size_ = 0;
    std::vector<Frame>().swap(storage_);
  }
  const Frame* begin() const { return storage_.data(); }
  const Frame* end() const { return storage_.data() + size_; }

 private:
  [[gnu::noinline]] void grow() { storage_.resize(std::max<size_t>(8, storage_.size() * 2)); }

  std::vector<Frame> storage_;  // every slot constructed; [0, size_) in use
  size_t size_ = 0;
};

enum class TaskState : uint8_t { Ready, Blocked, Done, Failed };

/// Why a Blocked task waits.
enum class BlockReason : uint8_t {
  None,
  Await,     // `await` on unfinished tasks (Task::awaiting); re-runs the await
  Adopt,     // returned a task handle: finishes as that task finishes
  Timer,     // sleep(ms): a timer request to the embedding
  HostCall,  // a `host:` capability call: a host request to the embedding
};

struct Task : HeapObject {
  uint64_t id = 0;
  TaskState state = TaskState::Ready;
  BlockReason blocked_on = BlockReason::None;
  bool in_ready_queue = false;
  bool observed = false;          // awaited by a task or held by the embedding
  bool cancel_requested = false;  // cancelled itself while running
  bool held = false;              // the embedding holds it (Context::held_)
  bool counted_unobserved = false;  // in Context::unobserved_failure_count_
  uint32_t live_index = ~0u;      // position in Context::live_tasks_ while unfinished
  uint64_t wait_epoch = 0;        // bumped at each block: stale waiter entries are ignored (64-bit: never wraps)
  uint32_t await_pending = 0;     // Await on an array: registrations not yet finished
  bool has_resume_exception = false;  // resume by throwing `resume_exception`
  Value resume_exception = Value::undefined();
  std::vector<Value> stack;  // registers of every frame (charged to the heap)
  size_t stack_charged = 0;
  FrameStack frames;
  Value result = Value::undefined();
  Value exception = Value::undefined();
  Value awaiting = Value::undefined();  // the task or array an Await/Adopt waits on
  struct Waiter {
    Task* task;
    uint64_t epoch;  // the waiter's wait_epoch when it registered
  };
  std::vector<Waiter> waiters;          // tasks blocked until this one finishes
  size_t waiters_charged = 0;           // bytes of `waiters` charged to the heap
  // The last registration, so one await registers once per distinct task
  // even when an awaited array repeats it.
  Task* last_waiter = nullptr;
  uint64_t last_waiter_epoch = 0;
  uint64_t host_request = 0;            // Timer/HostCall: the request id
  uint64_t host_payload_charged = 0;    // HostCall: bytes of its pending arguments charged to the heap
  uint32_t resume_slot = 0;             // Timer/HostCall: stack index of the call's result
  /// End of the argument windows written above the top frame's registers
  /// and not yet inside a frame (spread calls, getter/setter and task
  /// starts): the collector keeps [0, this) too. Reset once a frame is entered.
  uint32_t args_top = 0;

  Task() : HeapObject(ObjectKind::Task) {}
  bool finished() const { return state == TaskState::Done || state == TaskState::Failed; }

  /// Whether an entry no longer stands for a blocked waiter (it woke for
  /// another reason, e.g. an `await [...]` woken by a failure).
  static bool is_stale(const Waiter& w) {
    return w.task->wait_epoch != w.epoch || w.task->state != TaskState::Blocked;
  }
};

/// How console.log shows a task handle: "[Task 3 done]".
inline std::string task_description(const Task* t) {
  static const char* const kStates[] = {"ready", "blocked", "done", "failed"};
  return "[Task " + std::to_string(t->id) + " " + kStates[int(t->state)] + "]";
}

inline bool is_task(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Task; }
inline Task* as_task(Value v) { return static_cast<Task*>(v.as_object()); }

}  // namespace raya::vm
