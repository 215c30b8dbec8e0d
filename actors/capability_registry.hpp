// CapabilityRegistry: the host functions sandboxes may call. A Raya program
// imports them statically (`import { query } from "host:"`); a context is
// spawned with the names it is granted, and loading a module that imports an
// ungranted (or unregistered) name fails with CapabilityDenied before any of
// its code runs.
//
// A capability is one of:
//  - a Function: called on the calling context's worker thread, so it must
//    be quick (microseconds). Return the result; throw CapabilityError for a
//    specific error, or any exception for CapabilityFailed.
//  - an AsyncFunction: called the same way, but answers later, from any
//    thread, through the Reply it is given (exactly once; a Reply dropped
//    unanswered fails the call with CapabilityFailed).
//  - a capability actor: a CAF actor receiving (call_atom, CapabilityCall)
//    and replying with a CapabilityResult. An actor that dies, or replies
//    with an error, fails the call with CapabilityFailed.
// In every case the calling Raya task is suspended (never the worker
// thread) and resumes with the value, or throws a catchable error.
//
// Limits per capability apply per context: max concurrent calls and calls
// per second (over either, the call fails at once with QuotaExceeded), and a
// timeout (the call fails with Timeout; a late answer is dropped).
//
// Foreign handles: a capability may return make_handle(call, object), an
// opaque value the sandbox can hold and pass back but never look into;
// resolve<T>(call, value) gives the object back — only to this registry,
// only for calls from the context it was made for.
//
// Register everything before spawning contexts; lookups are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "messages/capability_call.hpp"
#include "messages/inspect.hpp"

namespace raya::actors {

/// Throw from a Function to fail the call with a specific error (the task
/// throws a Raya error named after error.code, e.g. "QuotaExceeded").
class CapabilityError : public std::runtime_error {
 public:
  explicit CapabilityError(messages::Error error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const messages::Error& error() const { return error_; }

 private:
  messages::Error error_;
};

/// The interface a capability actor implements.
using capability_actor =
    caf::typed_actor<caf::replies_to<call_atom, messages::CapabilityCall>::with<messages::CapabilityResult>>;

struct CapabilityLimits {
  uint32_t max_concurrent = 0;                    // calls in flight per context; 0 = unlimited
  double calls_per_second = 0;                    // sustained rate per context; 0 = unlimited
  uint32_t burst = 0;                             // calls allowed at once above the rate (0: max(1, rate))
  /// 0 = none: a call the host never answers then waits as long as its
  /// context lives (an actor capability that dies still fails the call).
  std::chrono::milliseconds timeout{0};
};

class CapabilityRegistry {
 public:
  using Function = std::function<messages::Value(const messages::CapabilityCall&)>;
  /// Answers a call once, from any thread.
  using Reply = std::function<void(messages::CapabilityResult)>;
  using AsyncFunction = std::function<void(const messages::CapabilityCall&, Reply)>;

  struct Entry {
    enum class Kind : uint8_t { Function, AsyncFunction, Actor };
    std::string name;
    Kind kind = Kind::Function;
    Function function;
    AsyncFunction async_function;
    capability_actor actor;
    CapabilityLimits limits;
  };

  CapabilityRegistry();
  CapabilityRegistry(const CapabilityRegistry&) = delete;
  CapabilityRegistry& operator=(const CapabilityRegistry&) = delete;

  /// Registers (or replaces) a capability. Names are what `host:` imports use.
  void add(std::string name, Function fn, CapabilityLimits limits = {});
  void add_async(std::string name, AsyncFunction fn, CapabilityLimits limits = {});
  void add_actor(std::string name, capability_actor actor, CapabilityLimits limits = {});
  bool remove(std::string_view name);

  /// The capability `name`, or nullptr. The entry stays valid while held.
  std::shared_ptr<const Entry> find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  // --- foreign handles -----------------------------------------------------

  /// An opaque handle to `object`, usable only by the context that made `call`.
  template <class T>
  messages::Value make_handle(const messages::CapabilityCall& call, std::shared_ptr<T> object) {
    return messages::Value(mint(call.context_id, std::type_index(typeid(T)), std::move(object)));
  }
  /// The object behind `handle` if it is one of this registry's handles, made
  /// for the calling context, of type T; otherwise nullptr.
  template <class T>
  std::shared_ptr<T> resolve(const messages::CapabilityCall& call, const messages::Value& handle) const {
    return std::static_pointer_cast<T>(lookup(call.context_id, std::type_index(typeid(T)), handle));
  }
  /// Drops one handle (later resolves fail). False if unknown.
  bool release(const messages::Value& handle);
  /// Drops every handle made for a context (called when it ends).
  void release_context(uint64_t context_id);
  /// Live handles (for tests and stats).
  size_t handle_count() const;
  uint64_t id() const { return id_; }

 private:
  struct Held {
    uint64_t context_id;
    std::type_index type;
    std::shared_ptr<void> object;
  };
  messages::ForeignHandle mint(uint64_t context_id, std::type_index type, std::shared_ptr<void> object);
  std::shared_ptr<void> lookup(uint64_t context_id, std::type_index type, const messages::Value& handle) const;
  void put(std::shared_ptr<Entry> entry);

  const uint64_t id_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>, std::hash<std::string>> entries_;
  std::unordered_map<uint64_t, Held> handles_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> tokens_by_context_;  // so ending a context is cheap
  uint64_t token_state_;  // token generator state (unguessable tokens)
};

}  // namespace raya::actors
