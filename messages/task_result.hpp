// How a task ended, and how a request to start one went: the replies of a
// context's run / await / spawn requests. Plain data; errors are values here,
// never exceptions, so they cross actor (and later network) boundaries.
#pragma once

#include <cstdint>

#include "messages/error.hpp"
#include "messages/value.hpp"

namespace raya::messages {

/// Task ids are numbered per context by the API that started the task.
using TaskId = uint64_t;
/// Context ids are unique within one supervisor (and so one runtime).
using ContextId = uint64_t;

/// The end of a task: its result, or the error that ended it.
struct TaskResult {
  ContextId context_id = 0;
  TaskId task_id = 0;
  bool ok = false;
  Value value;  // ok: the task's result (undefined becomes null)
  Error error;  // !ok: RuntimeError (uncaught Raya error), a limit error, Terminated, ...

  friend bool operator==(const TaskResult&, const TaskResult&) = default;
};

/// The reply to spawn: the new task's id, or why it could not start.
struct Started {
  bool ok = false;
  TaskId task_id = 0;
  Error error;

  friend bool operator==(const Started&, const Started&) = default;
};

}  // namespace raya::messages
