// The context actor's requests, slices and ending (see context_actor.hpp).
#include "actors/context_actor.hpp"

#include <atomic>
#include <random>

#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>

#include "actors/context_actor_impl.hpp"
#include "actors/payload_size.hpp"

namespace raya::actors {

using messages::ErrorCode;
using messages::make_error;

namespace {

std::atomic<uint64_t> next_context_id{1u << 20};  // standalone contexts; supervisors number from 1

messages::TaskResult failed_task(uint64_t context_id, messages::TaskId task, messages::Error error) {
  messages::TaskResult r;
  r.context_id = context_id;
  r.task_id = task;
  r.error = std::move(error);
  return r;
}

messages::LoadResult failed_load(messages::Error error) {
  messages::LoadResult r;
  r.error = std::move(error);
  return r;
}

messages::Error refused(uint64_t bytes, uint64_t limit) {
  messages::Error e = make_error(
      ErrorCode::QuotaExceeded,
      "request refused: its " + std::to_string(bytes) +
          " bytes of payload would take the context past its heap budget of " + std::to_string(limit) +
          " bytes (heap in use plus requests already queued); retry once it has caught up");
  e.limit = limit;
  e.used = bytes;
  return e;
}

}  // namespace

context_actor spawn_context(caf::actor_system& system, ContextSpec spec) {
  return system.spawn<ContextActor>(std::move(spec));
}

ContextActor::ContextActor(caf::actor_config& cfg, ContextSpec spec)
    : context_actor::base(cfg), spec_(std::move(spec)) {
  if (spec_.context_id == 0) spec_.context_id = next_context_id++;
  if (spec_.slice_steps == 0) spec_.slice_steps = 10'000;
  if (!spec_.interrupt) spec_.interrupt = std::make_shared<vm::Interrupt>();
  set_down_handler([this](caf::down_msg& down) { on_capability_down(down); });
  // A stray error message must not end the context (CAF's default quits).
  set_error_handler([](caf::error&) {});
  // An exit message (a linked actor, the system shutting down, a client)
  // ends it properly: every waiter is answered.
  set_exit_handler([this](caf::exit_msg& msg) {
    if (!ended_)
      end(make_error(ErrorCode::Terminated, "the context was stopped: " + home_system().render(msg.reason)), false);
  });
  // An exception escaping a handler (a host hook that throws, bad_alloc)
  // fails the context with an error its waiters get. Running the host out
  // of memory is a heap limit like any other (the OS's, below maxHeapBytes).
  set_exception_handler([this](std::exception_ptr& eptr) -> caf::error {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(eptr);
    } catch (const std::bad_alloc&) {
      if (!ended_) end(host_out_of_memory(), true);
      return caf::make_error(caf::sec::runtime_error, "out of memory");
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    if (!ended_) end(make_error(ErrorCode::Terminated, "the context stopped on a host exception: " + what), true);
    return caf::make_error(caf::sec::runtime_error, what);
  });
  // A process-wide random key (reading the OS's entropy per context cost
  // ~40 µs: most of a spawn) and a counter give every context its own
  // unpredictable token sequence.
  static const uint64_t key = [] {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ rd();
  }();
  static std::atomic<uint64_t> contexts{0};
  token_state_ = key ^ (contexts.fetch_add(1, std::memory_order_relaxed) * 0xd1b54a32d192ed03ull);
  token_state_ = next_token();  // mixed: neighbouring contexts' seeds do not look alike
}

messages::Error ContextActor::host_out_of_memory() const {
  const uint64_t used = vm_ ? vm_->heap_bytes_used() : 0;
  const uint64_t limit = spec_.options.max_heap_bytes;
  messages::Error e = make_error(
      ErrorCode::HeapLimitExceeded,
      "the host ran out of memory while the context held " + std::to_string(used) + " bytes of heap (" +
          (limit == messages::VmOptions::kUnlimited ? std::string("it has no heap limit")
                                                    : "its heap limit: " + std::to_string(limit) + " bytes") +
          ")");
  e.limit = spec_.options.max_heap_bytes;
  e.used = used;
  return e;
}

bool ContextActor::from_self() {
  return current_sender() == caf::strong_actor_ptr{ctrl()};
}

uint64_t ContextActor::next_token() {
  // splitmix64 over a random seed: tokens cannot be guessed from each other.
  uint64_t z = (token_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

ContextActor::~ContextActor() = default;

// --- back-pressure ------------------------------------------------------------

void ContextActor::enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) {
  // The context's clock (arm_clock) fires as a CAF timeout, which the
  // behavior never sees: hand it on as a timer message, still sent by this
  // actor (the clock's sender is the actor itself; anyone else's is ignored).
  if (ptr->content().type_token() == caf::make_type_token<caf::timeout_msg>() &&
      ptr->content().get_as<caf::timeout_msg>(0).type == timer_atom::value)
    return context_actor::base::enqueue(
        caf::make_mailbox_element(std::move(ptr->sender), caf::make_message_id(), {}, timer_atom::value), eu);
  const uint64_t limit = spec_.options.max_heap_bytes;
  if (limit == messages::VmOptions::kUnlimited) return context_actor::base::enqueue(std::move(ptr), eu);

  // Only requests carrying a payload are sized; everything else passes.
  const caf::type_erased_tuple& content = ptr->content();
  uint64_t bytes = 0;
  caf::message reply;
  if (content.match_elements<run_atom, std::string, ValueList>()) {
    bytes = payload_size(content.get_as<ValueList>(2));
  } else if (content.match_elements<spawn_atom, std::string, ValueList>()) {
    bytes = payload_size(content.get_as<ValueList>(2));
  } else if (content.match_elements<load_atom, messages::ModuleSource>()) {
    bytes = payload_size(content.get_as<messages::ModuleSource>(1));
  } else {
    return context_actor::base::enqueue(std::move(ptr), eu);
  }

  uint64_t queued = queued_bytes_.load(std::memory_order_relaxed);
  for (;;) {
    if (heap_used_.load(std::memory_order_relaxed) + queued + bytes > limit) break;
    if (queued_bytes_.compare_exchange_weak(queued, queued + bytes, std::memory_order_relaxed))
      return context_actor::base::enqueue(std::move(ptr), eu);
  }

  // Refused: answer the request right here, on the sender's thread, the way
  // a response promise would (an asynchronous send has no one to tell).
  caf::mailbox_element& m = *ptr;
  if (!m.mid.is_request()) return;
  messages::Error error = refused(bytes, limit);
  if (content.match_elements<load_atom, messages::ModuleSource>())
    reply = caf::make_message(failed_load(std::move(error)));
  else if (content.match_elements<spawn_atom, std::string, ValueList>())
    reply = caf::make_message(messages::Started{false, 0, std::move(error)});
  else
    reply = caf::make_message(failed_task(spec_.context_id, 0, std::move(error)));
  auto stages = std::move(m.stages);
  if (!stages.empty()) {
    caf::strong_actor_ptr next = std::move(stages.back());
    stages.pop_back();
    next->enqueue(caf::make_mailbox_element(std::move(m.sender), m.mid, std::move(stages), std::move(reply)), eu);
  } else if (m.sender) {
    m.sender->enqueue(caf::make_mailbox_element(caf::strong_actor_ptr{ctrl()}, m.mid.response_id(),
                                                {}, std::move(reply)),
                      eu);
  }
}

// --- the interface ----------------------------------------------------------

ContextActor::behavior_type ContextActor::make_behavior() {
  return {
      [this](load_atom, const messages::ModuleSource& module) { return on_load(module); },
      [this](run_atom, const std::string& name, const ValueList& args) { return on_run(name, args); },
      [this](spawn_atom, const std::string& name, const ValueList& args) { return on_spawn(name, args); },
      [this](await_atom, messages::TaskId task) { return on_await(task); },
      [this](cancel_atom, messages::TaskId task) { return on_cancel(task); },
      [this](stats_atom) { return current_stats(); },
      [this](terminate_atom) { return on_terminate(); },
      [this](resume_atom) {
        if (!from_self() || !slice_scheduled_) return;  // only the resume this actor scheduled
        slice_scheduled_ = false;
        if (!ended_) run_slice();
      },
      [this](timer_atom) {
        if (from_self()) on_due();
      },
      [this](reply_atom, uint64_t id, uint64_t token, const messages::CapabilityResult& result) {
        auto it = pending_.find(id);
        if (it != pending_.end() && it->second.token == token) answer(id, result);
      },
  };
}

void ContextActor::release_payload(uint64_t bytes) {
  if (budgeted()) queued_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

caf::result<messages::LoadResult> ContextActor::on_load(const messages::ModuleSource& module) {
  release_payload_of(module);
  if (ended_) return failed_load(ended_error());
  vm::Result<vm::TaskId> id =
      module.kind == messages::ModuleSource::Kind::Source
          ? vm().load_source(module.path, module.text)  // no reader: its imports read no file
          : vm().load_bytecode(module.bytes);
  if (!id) return failed_load(id.error());
  LoadPromise promise = make_response_promise<messages::LoadResult>();
  load_waiters_.emplace(*id, promise);
  run_soon();
  return promise;
}

caf::result<messages::TaskResult> ContextActor::on_run(const std::string& name, const ValueList& args) {
  release_payload_of(args);
  if (ended_) return failed_task(spec_.context_id, 0, ended_error());
  vm::Result<vm::TaskId> id = vm().start(name, args);
  publish_heap_use();  // the arguments moved from the queue into the heap
  if (!id) return failed_task(spec_.context_id, 0, id.error());
  TaskPromise promise = make_response_promise<messages::TaskResult>();
  task_waiters_[*id].push_back(promise);
  run_soon();
  return promise;
}

messages::Started ContextActor::on_spawn(const std::string& name, const ValueList& args) {
  release_payload_of(args);
  if (ended_) return messages::Started{false, 0, ended_error()};
  vm::Result<vm::TaskId> id = vm().start(name, args);
  publish_heap_use();
  if (!id) return messages::Started{false, 0, id.error()};
  spawned_.insert(*id);
  run_soon();
  return messages::Started{true, *id, {}};
}

caf::result<messages::TaskResult> ContextActor::on_await(messages::TaskId task) {
  if (auto it = unclaimed_.find(task); it != unclaimed_.end()) {
    messages::TaskResult r = std::move(it->second);
    unclaimed_.erase(it);
    uint64_t bytes = payload_size(r);
    unclaimed_bytes_ -= bytes;
    release_payload(bytes);
    return r;
  }
  if (ended_) return failed_task(spec_.context_id, task, ended_error());
  if (spawned_.count(task) && idle_) {
    // Spawned, unfinished, and the context is idle: it can never finish.
    TaskPromise promise = make_response_promise<messages::TaskResult>();
    task_waiters_[task].push_back(promise);
    fail_deadlocked();
    return promise;
  }
  if (!spawned_.count(task))
    return failed_task(spec_.context_id, task,
                       make_error(ErrorCode::RuntimeError, "no task " + std::to_string(task) +
                                                               " to await: it was never spawned, or its result "
                                                               "was already taken"));
  TaskPromise promise = make_response_promise<messages::TaskResult>();
  task_waiters_[task].push_back(promise);
  return promise;
}

bool ContextActor::on_cancel(messages::TaskId task) {
  if (ended_ || !vm_) return false;
  bool cancelled = vm_->cancel(task);
  if (cancelled) run_soon();  // the cancellation wakes its awaiters
  return cancelled;
}

messages::VmStats ContextActor::on_terminate() {
  if (!ended_) end(make_error(ErrorCode::Terminated, "the context was terminated"), false);
  return final_stats_;
}

// --- driving the VM ---------------------------------------------------------

vm::VmContext& ContextActor::vm() {
  if (!vm_) {
    // Only capabilities the registry has are granted, so importing a name
    // nobody registered fails at load with CapabilityDenied, like an
    // ungranted one.
    std::vector<std::string> grants;
    bool console = false;
    for (const std::string& g : spec_.grants) {
      if (g == "console" && spec_.console) console = true;
      else if (spec_.capabilities && spec_.capabilities->contains(g)) grants.push_back(g);
    }
    vm_ = std::make_unique<vm::VmContext>(spec_.options, std::move(grants), spec_.context_id);
    vm_->set_interrupt(spec_.interrupt);
    if (console) {
      vm_->set_console([this](int level, std::string_view line) { spec_.console(spec_.context_id, level, line); });
    }
    if (spec_.results_as_json) vm_->set_result_form(vm::VmContext::ResultForm::Json);
    if (spec_.discard_results) vm_->set_result_form(vm::VmContext::ResultForm::Discarded);
    publish_heap_use();
  }
  return *vm_;
}

void ContextActor::run_soon() {
  // Each message handled runs at most one slice; more work goes through the
  // mailbox (resume), behind everyone else's turn.
  if (!slice_scheduled_ && !ended_) run_slice();
}

void ContextActor::schedule_slice() {
  if (slice_scheduled_ || ended_) return;
  slice_scheduled_ = true;
  send(this, resume_atom::value);
}

void ContextActor::run_slice() {
  if (!vm_ || ended_) return;
  vm::RunOutcome outcome = vm_->run(spec_.slice_steps);
  deliver_finished();
  // Capability answers given during dispatch (synchronous functions,
  // refusals) only mark that the next slice has work; they run no Raya.
  in_dispatch_ = true;
  answered_in_slice_ = false;
  for (vm::HostRequest& request : vm_->take_host_requests()) {
    dispatch(request);
    if (ended_) return;
  }
  in_dispatch_ = false;
  if (const messages::Error* fatal = vm_->fatal()) {
    // Stopped through its interrupt (a terminate that could not wait for
    // the slice's end): terminated, not failed, so it is not restarted.
    const bool interrupted = fatal->code == ErrorCode::Terminated && spec_.interrupt &&
                             spec_.interrupt->pending() == vm::InterruptReason::Terminate;
    return end(*fatal, !interrupted);
  }
  publish_heap_use();
  // The VM knows best what waits on the host: a request it withdrew (its
  // task was cancelled) may still be in pending_ until its answer comes.
  idle_ = outcome.kind == vm::RunOutcome::Kind::Done && !answered_in_slice_;
  if (idle_) {
    report_unobserved();
    flush_held();
    fail_deadlocked();
  }
  if (outcome.kind == vm::RunOutcome::Kind::Yielded || answered_in_slice_) schedule_slice();
}

void ContextActor::report_unobserved() {
  // Only when idle (or ending): a failed task may still be awaited by a task
  // that has not got there yet; once nothing can run, no one will.
  if (!spec_.on_unobserved_failure || !vm_) return;
  for (messages::Error& e : vm_->take_unobserved_failures()) spec_.on_unobserved_failure(spec_.context_id, e);
}

void ContextActor::flush_held(const messages::Error* instead) {
  std::vector<std::function<void(const messages::Error*)>> held = std::move(held_);
  held_.clear();
  for (auto& deliver : held) deliver(instead);
}

void ContextActor::fail_deadlocked() {
  // Idle with nothing pending on the host: every unfinished task waits on
  // tasks that can never finish. Answer their waiters now instead of never.
  std::vector<messages::TaskId> stuck;
  for (const auto& [id, waiters] : task_waiters_) stuck.push_back(id);
  for (const auto& [id, promise] : load_waiters_) stuck.push_back(id);
  if (stuck.empty()) return;
  const uint64_t blocked = vm_->stats().tasks;
  messages::Error e = make_error(ErrorCode::RuntimeError,
                                 "the task waits for tasks that can never finish (" + std::to_string(blocked) +
                                     " blocked task" + (blocked == 1 ? "" : "s") + ")");
  e.name = "Deadlock";
  e.context_id = spec_.context_id;
  for (messages::TaskId id : stuck) {
    e.task_id = id;
    if (auto w = task_waiters_.find(id); w != task_waiters_.end()) {
      for (TaskPromise& p : w->second) p.deliver(failed_task(spec_.context_id, id, e));
      task_waiters_.erase(w);
    }
    if (auto l = load_waiters_.find(id); l != load_waiters_.end()) {
      l->second.deliver(failed_load(e));
      load_waiters_.erase(l);
    }
    spawned_.erase(id);
    (void)vm_->cancel(id);  // its outcome (Cancelled) now has no one to tell
  }
  (void)vm_->take_finished();
}

void ContextActor::deliver_finished() {
  for (vm::TaskOutcome& done : vm_->take_finished()) {
    if (auto load = load_waiters_.find(done.id); load != load_waiters_.end()) {
      messages::LoadResult r;
      r.ok = done.ok;
      if (done.ok) {
        r.info = vm_->module_info();
        r.value = std::move(done.value);
      } else {
        r.error = std::move(done.error);
      }
      if (spec_.answer_when_idle && r.ok) {
        held_.push_back([promise = load->second, r = std::move(r)](const messages::Error* instead) mutable {
          promise.deliver(instead ? failed_load(*instead) : std::move(r));
        });
      } else {
        load->second.deliver(std::move(r));
      }
      load_waiters_.erase(load);
      continue;
    }
    messages::TaskResult r;
    r.context_id = spec_.context_id;
    r.task_id = done.id;
    r.ok = done.ok;
    r.value = std::move(done.value);
    r.error = std::move(done.error);
    bool spawned = spawned_.erase(done.id) > 0;
    auto waiters = task_waiters_.find(done.id);
    if (waiters != task_waiters_.end()) {
      if (spec_.answer_when_idle && r.ok) {
        held_.push_back([promises = std::move(waiters->second), r = std::move(r),
                         context = spec_.context_id](const messages::Error* instead) mutable {
          for (TaskPromise& p : promises) p.deliver(instead ? failed_task(context, r.task_id, *instead) : r);
        });
      } else {
        for (size_t i = 0; i + 1 < waiters->second.size(); ++i) waiters->second[i].deliver(r);
        waiters->second.back().deliver(std::move(r));
      }
      task_waiters_.erase(waiters);
    } else if (spawned) {
      // Kept until awaited; it counts against the heap budget meanwhile
      // (a failure's error text included).
      uint64_t bytes = payload_size(r);
      unclaimed_bytes_ += bytes;
      if (budgeted()) queued_bytes_.fetch_add(bytes, std::memory_order_relaxed);
      unclaimed_.emplace(done.id, std::move(r));
    }
  }
}

void ContextActor::publish_heap_use() {
  // Only admission control (enqueue) reads it, and only under a finite budget.
  if (vm_ && budgeted()) heap_used_.store(vm_->heap_bytes_used(), std::memory_order_relaxed);
}

messages::VmStats ContextActor::current_stats() const {
  if (vm_) return vm_->stats();
  if (ended_) return final_stats_;
  messages::VmStats s;
  s.limits = spec_.options;
  return s;
}

messages::Error ContextActor::ended_error() const { return end_error_; }

void ContextActor::end(messages::Error error, bool failed) {
  if (ended_) return;
  ended_ = true;
  failed_ = failed;
  if (error.context_id == 0) error.context_id = spec_.context_id;
  end_error_ = error;
  final_stats_ = current_stats();
  report_unobserved();
  if (vm_) {
    vm_->terminate();  // frees every object; withdraws its host requests
    final_stats_.heap_bytes_used = 0;
    vm_.reset();
  }
  // The supervisor hears first, so anyone who learns of the end from a
  // reply and then asks it for reports finds the final one.
  if (spec_.reporter) {
    messages::ContextReport report;
    report.context_id = spec_.context_id;
    report.name = spec_.name;
    report.state = failed ? messages::ContextReport::State::Failed : messages::ContextReport::State::Terminated;
    report.stats = final_stats_;
    if (failed) report.error = error;
    // Sent with this actor as the sender, so the supervisor can tell a real
    // last word from a forged one.
    if (caf::strong_actor_ptr to = caf::actor_cast<caf::strong_actor_ptr>(spec_.reporter))
      to->enqueue(caf::make_mailbox_element(caf::strong_actor_ptr{ctrl()}, caf::message_id(), {},  // an asynchronous message of normal priority

                                            ended_atom::value, std::move(report)),
                  context());
  }
  // Held for idleness (a whole program's run): a program that ended on a
  // limit failed as a whole, even if some of its tasks had finished.
  flush_held(failed ? &error : nullptr);
  for (auto& [id, promise] : load_waiters_) promise.deliver(failed_load(error));
  load_waiters_.clear();
  for (auto& [id, promises] : task_waiters_)
    for (TaskPromise& p : promises) p.deliver(failed_task(spec_.context_id, id, error));
  task_waiters_.clear();
  spawned_.clear();
  unclaimed_.clear();
  pending_.clear();  // late answers find nothing and are dropped
  dues_.clear();     // (CAF drops the clock's timeout when the actor quits)
  usage_.clear();
  if (spec_.capabilities) spec_.capabilities->release_context(spec_.context_id);
  // Requests already queued (sent before anyone knew) get the ended error
  // rather than CAF's bounce; the resume sent now comes after all of them.
  // (Not while CAF is already tearing the actor down: on_exit.)
  if (exiting_) return;
  become(ended_behavior());
  send(this, resume_atom::value);
}

ContextActor::behavior_type ContextActor::ended_behavior() {
  return {
      [this](load_atom, const messages::ModuleSource& module) {
        release_payload_of(module);
        return failed_load(end_error_);
      },
      [this](run_atom, const std::string&, const ValueList& args) {
        release_payload_of(args);
        return failed_task(spec_.context_id, 0, end_error_);
      },
      [this](spawn_atom, const std::string&, const ValueList& args) {
        release_payload_of(args);
        return messages::Started{false, 0, end_error_};
      },
      [this](await_atom, messages::TaskId task) { return failed_task(spec_.context_id, task, end_error_); },
      [](cancel_atom, messages::TaskId) { return false; },
      [this](stats_atom) { return final_stats_; },
      [this](terminate_atom) { return final_stats_; },
      [this](resume_atom) {
        if (from_self()) quit();
      },
      [](timer_atom) {},
      [](reply_atom, uint64_t, uint64_t, const messages::CapabilityResult&) {},
  };
}

void ContextActor::on_exit() {
  // Quitting without end() (killed, the system shutting down): still
  // answer every waiter, free the VM and the handles, and report.
  exiting_ = true;
  if (!ended_) end(make_error(ErrorCode::Terminated, "the context actor stopped"), false);
}

}  // namespace raya::actors
