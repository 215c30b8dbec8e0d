// VmContext: the C++ embedding API of vmcore — one sandboxed Raya VM as a
// plain, single-threaded object. It is what the actor layer wraps (one
// VmContext per context actor) and what the `raya` command drives; read it
// top to bottom to embed Raya without actors.
//
// Everything that crosses this API is boundary data (messages::Value,
// messages::VmOptions/VmStats, messages::Error): no Raya value ever leaves the
// context, and arguments are deep-copied in. Nothing here blocks or starts a
// thread: the embedding decides when to run and when time passes (run()
// reads clocks to count CPU time and for an optional deadline). The one
// thing another thread may do is stop a running slice, through
// interrupt_handle().
//
// A typical host loop:
//
//   VmContext vm(options, {"log"});                 // limits + granted capabilities
//   auto init = vm.load_source("plugin.raya", text); // compile, verify, link; top-level code queued
//   auto call = vm.start("main", {messages::Value(42)});
//   for (;;) {
//     RunOutcome r = vm.run(100'000);                // a slice: at most ~100k steps
//     for (HostRequest& req : vm.take_host_requests())
//       ...  // a capability call: later vm.complete(req.id, value) or vm.fail(req.id, error)
//            // a timer (sleep): vm.complete(req.id, {}) once req.delay_ms have passed
//     for (TaskOutcome& done : vm.take_finished()) ...  // results of load/start tasks
//     if (r.kind == RunOutcome::Kind::Fatal) ...      // a limit ended it: vm.fatal()
//     if (r.kind == RunOutcome::Kind::Done) break;    // nothing can run, nothing pending
//     // Waiting: every task waits on a request — wait for the host, then loop
//   }
//   vm.terminate();                                  // or let it go out of scope
//
// Limits (messages::VmOptions): maxHeapBytes (live data after a full GC;
// exceeding it ends the context), maxTasks (live tasks; one more throws a
// catchable TaskLimitExceeded in the creating task, or ends the context with
// terminateOnTaskLimit), maxStepBudget (cumulative instructions, including
// the work of builtins; ends the context), maxCpuTimeMs (CPU time of run()
// slices; ends the context), maxCallDepth (catchable RangeError).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/error.hpp"
#include "messages/module_source.hpp"
#include "messages/value.hpp"
#include "messages/vm_options.hpp"
#include "vmcore/bytecode/module.hpp"
#include "vmcore/compiler/file_reader.hpp"
#include "vmcore/interp/host_request.hpp"
#include "vmcore/interp/interrupt.hpp"
#include "vmcore/result.hpp"

namespace raya::vm {

class Context;
struct Task;
struct RunOutcome;

/// A task started through this API (load or start). Numbered by the
/// VmContext; HostRequest::task_id numbers the Raya tasks themselves (a
/// program's own tasks included), which is a different series.
using TaskId = uint64_t;

/// How a task the embedding started ended.
struct TaskOutcome {
  TaskId id = 0;
  bool ok = false;
  messages::Value value;  // ok: the task's result (undefined becomes null)
  /// !ok: the task's error. An uncaught Raya error is a RuntimeError with the
  /// error's name, message, Raya stack, context id and task id (a cancelled
  /// task's name is "Cancelled"); a result that cannot be marshalled is a
  /// MarshalError naming the path ("result.callback").
  messages::Error error;
};

class VmContext {
 public:
  /// A fresh context: builtins installed, nothing loaded. `grants` are the
  /// `host:` capabilities its programs may import.
  explicit VmContext(const messages::VmOptions& options, std::vector<std::string> grants = {},
                     uint64_t context_id = 1);
  ~VmContext();
  VmContext(const VmContext&) = delete;
  VmContext& operator=(const VmContext&) = delete;

  // --- host hooks ----------------------------------------------------------

  /// Where console.log / console.error lines go (level 0 log, 1 info, 2
  /// warn, 3 error). Without one, console calls throw CapabilityDenied: the
  /// console is a capability too.
  using ConsoleFunction = std::function<void(int level, std::string_view line)>;
  void set_console(ConsoleFunction console);

  /// How results are reported: Marshalled (messages::Value trees; functions
  /// and class instances are MarshalErrors), Json: a string holding the
  /// result's JSON text by JSON.stringify's rules (functions dropped, class
  /// instances as their fields, undefined at the top as null), which is what
  /// `raya run --print-result` prints, or Discarded: not converted at all
  /// (every successful outcome's value is null), for an embedding that only
  /// needs to know how a task ended. Marshalled and Json results are capped
  /// at marshal_size_limit() (the heap limit, or 1 GiB): shared sub-objects
  /// can make a result exponentially larger than the heap it lives in; a
  /// larger one is a MarshalError naming the limit.
  enum class ResultForm : uint8_t { Marshalled, Json, Discarded };
  void set_result_form(ResultForm form) { result_form_ = form; }

  // --- loading -----------------------------------------------------------
  // Each load links the module and queues a task running its top-level code
  // (which may await); its outcome arrives through take_finished(). Exports
  // of the most recently loaded module are what start() calls.

  /// A module already decoded and verified (decode_and_verify_module).
  Result<TaskId> load(std::shared_ptr<const Module> module);
  /// `.ryb` bytes: decoded and verified first (VerifyError with an offset).
  Result<TaskId> load_bytecode(std::span<const uint8_t> bytes);
  /// Raya source: compiled first (CompileError with diagnostics). It reads
  /// no file unless given a reader: by default an import of another file is
  /// a CompileError naming the import, so compiling untrusted text never
  /// touches the disk. To allow imports, pass one explicitly, e.g.
  /// compiler::directory_reader(dir) (only files inside dir, symbolic links
  /// resolved; see vmcore/compiler/file_reader.hpp) or in-memory files.
  Result<TaskId> load_source(const std::string& path, const std::string& source,
                             compiler::FileReader imports = {});

  /// The most recently loaded module's path, exports and `host:` imports.
  const messages::ModuleInfo& module_info() const { return module_info_; }

  // --- calling -------------------------------------------------------------

  /// Queues a task calling the exported function `name` with deep copies of
  /// `args` (charged to this context's heap). If the module's top-level code
  /// has not yet set that export, the call waits until it has (and fails
  /// with the initialisation's error if that fails first). Errors: RuntimeError if there
  /// is no such exported function, HeapLimitExceeded if the arguments do not
  /// fit, MarshalError for integers a Raya number cannot hold exactly,
  /// Terminated / the fatal error once the context ended. Over the task
  /// limit the call still gets an id: its outcome is a TaskLimitExceeded
  /// failure (or the context ends, with terminateOnTaskLimit).
  Result<TaskId> start(std::string_view name, const std::vector<messages::Value>& args);

  // --- running -------------------------------------------------------------

  /// Runs ready tasks round-robin for about `budget` steps (a slice).
  RunOutcome run(uint64_t budget);

  /// The context's interrupt, for another thread: interrupt->request(
  /// InterruptReason::Terminate) stops a running slice within one poll
  /// (~4096 steps of work, well under a millisecond, even inside a long
  /// builtin) and ends the context with Terminated (Timeout for
  /// InterruptReason::Timeout); a run() after that returns Fatal at once.
  /// The handle stays valid after the VmContext is gone.
  std::shared_ptr<Interrupt> interrupt_handle() const { return interrupt_; }
  /// Uses `interrupt` (made by the embedding, e.g. before this existed)
  /// instead of the context's own.
  void set_interrupt(std::shared_ptr<Interrupt> interrupt);
  /// A wall-clock deadline (steady_clock): work still running at it ends
  /// the context with Timeout, checked at every poll, so within a
  /// millisecond of it at any slice size.
  void set_deadline(std::chrono::steady_clock::time_point deadline);

  /// Requests of blocked tasks issued since the last call (see HostRequest).
  std::vector<HostRequest> take_host_requests();
  /// Completes a request: the task resumes with a deep copy of `result`
  /// (ignored for timers). A result too large for the heap ends the context.
  Status complete(uint64_t request_id, const messages::Value& result);
  /// Fails a request: the task throws an Error named after `error.code`
  /// (e.g. CapabilityFailed) with `error.message`, catchable in Raya.
  Status fail(uint64_t request_id, const messages::Error& error);

  // --- results ---------------------------------------------------------------

  /// Tasks started by load/start that have finished since the last call,
  /// in id order. Each is reported once and then forgotten.
  std::vector<TaskOutcome> take_finished();
  /// Cancels a task started by load/start: it fails with "Cancelled" (its
  /// pending request, if any, is withdrawn). False if unknown or finished.
  bool cancel(TaskId id);
  /// Failed tasks no one awaited (not started by the embedding): their
  /// errors, each reported once.
  std::vector<messages::Error> take_unobserved_failures();

  // --- observing and ending ------------------------------------------------

  messages::VmStats stats() const;
  /// Just the heap figure of stats(), cheap enough to read after every slice.
  uint64_t heap_bytes_used() const;
  /// The error that ended the context (a limit, or terminate()), or nullptr.
  const messages::Error* fatal() const;
  /// Frees everything the context owns now. Later calls fail with Terminated.
  void terminate();
  bool terminated() const { return ctx_ == nullptr; }

 private:
  /// A task started through the API, or a call waiting for the module's
  /// top-level code to finish.
  struct Started {
    Task* task = nullptr;  // held by the Context until reported
    std::string export_name;
    std::vector<messages::Value> args;
    std::optional<TaskOutcome> outcome;  // decided without running (a failed deferred call)
  };
  TaskId add_started(Task* task);
  Result<Task*> start_now(std::string_view name, const std::vector<messages::Value>& args);
  /// Starts deferred calls once the module's top-level code has finished.
  /// True if any started.
  bool start_deferred_calls();
  Status check_alive() const;

  std::unique_ptr<Context> ctx_;
  std::shared_ptr<Interrupt> interrupt_;  // ctx_'s, kept past terminate()
  std::map<TaskId, Started> started_;
  TaskId next_id_ = 1;
  Task* init_task_ = nullptr;  // the latest module's top-level code, until reported
  bool init_failed_ = false;   // once reported: how it ended
  messages::Error init_error_;
  messages::VmStats final_stats_;
  messages::Error end_;  // Terminated, once terminate() ran
  messages::ModuleInfo module_info_;
  ConsoleFunction console_;
  ResultForm result_form_ = ResultForm::Marshalled;
};

}  // namespace raya::vm
