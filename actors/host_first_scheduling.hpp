// The "hostFirst" scheduler policy: CAF's work sharing (one run queue for
// all workers, so busy sandboxes get equal shares) with two lanes. Any actor
// that is not a sandbox — the host's actors, supervisors, the Runtime's
// bridge — runs before every waiting sandbox slice, so a host actor's ping
// waits for at most the slices already running, not for a round of all
// busy sandboxes (1,000 spinning sandboxes at 10k-step slices are ~9 ms per
// round on 2 cores, and a request and its reply each waited for one under
// plain sharing). A host that keeps its own actors busy all the time would
// starve the sandboxes, so every kHostStreak host jobs in a row let one
// sandbox slice through (TwoLaneRunQueue).
//
// Installed by configure() (schedulerPolicy "hostFirst", the default);
// CAF 0.17 takes a scheduler from actor_system_config::module_factories.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include <caf/actor_system_config.hpp>
#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>

namespace raya::actors {

/// True if the job is a sandbox (a context actor); defined beside it.
bool is_sandbox_job(const caf::resumable* job) noexcept;

/// The run queue of hostFirst: two FIFO lanes. pop() takes host jobs first,
/// except that after kHostStreak host jobs in a row while sandboxes wait, one
/// sandbox job goes. Not thread-safe (the policy holds its lock).
class TwoLaneRunQueue {
 public:
  static constexpr uint32_t kHostStreak = 64;

  void push(caf::resumable* job, bool sandbox) { (sandbox ? sandboxes_ : host_).push_back(job); }

  bool empty() const noexcept { return host_.empty() && sandboxes_.empty(); }

  /// The next job, or nullptr if both lanes are empty.
  caf::resumable* pop() {
    std::deque<caf::resumable*>* lane = &sandboxes_;
    if (!host_.empty() && (sandboxes_.empty() || host_streak_ < kHostStreak)) {
      lane = &host_;
      host_streak_ = sandboxes_.empty() ? 0 : host_streak_ + 1;  // counts only while sandboxes wait
    } else {
      host_streak_ = 0;
    }
    if (lane->empty()) return nullptr;
    caf::resumable* job = lane->front();
    lane->pop_front();
    return job;
  }

 private:
  std::deque<caf::resumable*> host_;
  std::deque<caf::resumable*> sandboxes_;
  uint32_t host_streak_ = 0;
};

class HostFirstSharing : public caf::policy::unprofiled {
 public:
  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {}
    std::mutex lock;
    std::condition_variable cv;
    TwoLaneRunQueue queue;
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
  };

  template <class Coordinator>
  void enqueue(Coordinator* self, caf::resumable* job) {
    const bool sandbox = is_sandbox_job(job);
    coordinator_data& q = d(self);
    // Notified under the lock, as CAF's work_sharing does: notified after
    // it, a spawn storm ran 3x slower (the woken worker and the enqueuing
    // thread then fight for the lock).
    std::lock_guard guard(q.lock);
    q.queue.push(job, sandbox);
    q.cv.notify_one();
  }

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    enqueue(self, job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);  // to the back of its lane
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    coordinator_data& q = d(self->parent());
    std::unique_lock guard(q.lock);
    q.cv.wait(guard, [&] { return !q.queue.empty(); });
    return q.queue.pop();
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker*, UnaryFunction) {}

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    coordinator_data& q = d(self);
    std::lock_guard guard(q.lock);
    while (caf::resumable* job = q.queue.pop()) f(job);
  }
};

/// Makes `cfg`'s actor system schedule with HostFirstSharing.
void use_host_first_scheduling(caf::actor_system_config& cfg);

}  // namespace raya::actors
