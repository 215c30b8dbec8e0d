// Runs a function on a thread with a small, fixed stack. The compiler and
// deep-input tests use it to prove that nesting is bounded by a limit, not by
// luck: code that recursed per input level would overflow 1 MiB long before
// 100,000 levels, and the test would crash. Sanitizer builds use 16 MiB:
// their frames are several times larger, and the bound is proven by the
// Release build.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <functional>
#include <stdexcept>

namespace raya::vm::test {

// Sanitizer builds use several times more stack per frame: the bound they
// prove is the same (100,000 levels would still need far more than this).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RAYA_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define RAYA_TEST_SANITIZED 1
#endif
#endif
#ifdef RAYA_TEST_SANITIZED
inline constexpr size_t kSmallStackBytes = size_t(16) << 20;
#else
inline constexpr size_t kSmallStackBytes = size_t(1) << 20;
#endif

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
