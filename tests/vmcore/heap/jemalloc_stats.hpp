// What the process really holds, from jemalloc's own statistics: the tests
// that check that nothing leaks across context terminations compare it
// before and after many contexts. In builds without jemalloc (sanitizers)
// RAYA_NO_JEMALLOC is defined and those tests skip.
#pragma once

#include <cstddef>
#include <cstdint>

#ifndef RAYA_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace raya::vm::test {

/// Bytes jemalloc has handed out and not got back, after flushing this
/// thread's cache (cached blocks count as allocated until flushed). False
/// if the statistics are not available.
inline bool jemalloc_allocated(uint64_t& out) {
#ifdef RAYA_NO_JEMALLOC
  (void)out;
  return false;
#else
  if (mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0) != 0) return false;
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  if (mallctl("epoch", &epoch, &size, &epoch, size) != 0) return false;
  size_t allocated = 0;
  size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) != 0) return false;
  out = allocated;
  return true;
#endif
}

}  // namespace raya::vm::test
