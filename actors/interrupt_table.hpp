// InterruptTable: the interrupts of a supervisor's live contexts by id, so
// a thread outside the actor system (Sandbox::terminate, the CLI's
// --timeout) can stop a context's running slice at once instead of waiting
// for a worker to take the terminate message. Shared between a Runtime and
// its supervisor; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "vmcore/interp/interrupt.hpp"

namespace raya::actors {

class InterruptTable {
 public:
  /// Registers (or replaces, on a restart) the interrupt of context `id`.
  void set(uint64_t id, std::shared_ptr<vm::Interrupt> interrupt) {
    std::lock_guard lock(mutex_);
    table_[id] = std::move(interrupt);
  }
  void remove(uint64_t id) {
    std::lock_guard lock(mutex_);
    table_.erase(id);
  }
  /// Stops context `id`'s running slice (no-op for an unknown id).
  void request(uint64_t id, vm::InterruptReason reason) {
    std::lock_guard lock(mutex_);
    if (auto it = table_.find(id); it != table_.end()) it->second->request(reason);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<uint64_t, std::shared_ptr<vm::Interrupt>> table_;
};

}  // namespace raya::actors
