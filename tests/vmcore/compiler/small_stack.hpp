// Runs a function on a thread with a small, fixed stack. The compiler tests
// use it to prove that nesting is bounded by a limit, not by luck: a compile
// that recursed per input level would overflow 1 MiB long before 100,000
// levels, and the test would crash instead of failing quietly.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <functional>
#include <stdexcept>

namespace raya::vm::test {

inline constexpr size_t kSmallStackBytes = size_t(1) << 20;

inline void run_with_small_stack(const std::function<void()>& body, size_t stack_bytes = kSmallStackBytes) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&body));
  pthread_attr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("pthread_create failed");
  pthread_join(thread, nullptr);
}

}  // namespace raya::vm::test
