#include "vmcore/heap/heap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "vmcore/heap/vm_fatal.hpp"

#ifndef RAYA_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace raya::vm {

namespace {

// The allocator seam: jemalloc's sized API normally, malloc under sanitizers.
size_t size_class(size_t bytes) {
#ifndef RAYA_NO_JEMALLOC
  return nallocx(bytes, 0);
#else
  return (bytes + 15) & ~size_t(15);
#endif
}
void* raw_allocate(size_t bytes) {
#ifndef RAYA_NO_JEMALLOC
  return mallocx(bytes, 0);
#else
  return std::malloc(bytes);
#endif
}
void raw_free(void* p, size_t charged) {
#ifndef RAYA_NO_JEMALLOC
  sdallocx(p, charged, 0);
#else
  (void)charged;
  std::free(p);
#endif
}

}  // namespace

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::String: return "String";
    case ObjectKind::Object: return "Object";
    case ObjectKind::Class: return "Class";
    case ObjectKind::Array: return "Array";
    case ObjectKind::Closure: return "Closure";
    case ObjectKind::NativeFunction: return "NativeFunction";
    case ObjectKind::Cell: return "Cell";
    case ObjectKind::Shape: return "Shape";
    case ObjectKind::Accessor: return "Accessor";
    case ObjectKind::Map: return "Map";
    case ObjectKind::Set: return "Set";
    case ObjectKind::Iterator: return "Iterator";
    case ObjectKind::ModuleInstance: return "ModuleInstance";
    case ObjectKind::Task: return "Task";
    case ObjectKind::Bytes: return "Bytes";
    case ObjectKind::ForeignHandle: return "ForeignHandle";
  }
  return "?";
}

Heap::Heap(uint64_t max_bytes) : max_bytes_(max_bytes) {}

Heap::~Heap() { free_all(); }

void Heap::account(int64_t delta) {
  stats_.bytes_used = uint64_t(int64_t(stats_.bytes_used) + delta);
  if (stats_.bytes_used > stats_.peak_bytes) stats_.peak_bytes = stats_.bytes_used;
}

void Heap::ensure_room(size_t charged) {
#ifdef RAYA_GC_STRESS
  constexpr bool stress = true;
#else
  constexpr bool stress = false;
#endif
  bool over_limit = stats_.bytes_used + charged > max_bytes_;
  if ((stress || over_limit || stats_.bytes_used + charged >= next_gc_at_) && no_gc_depth_ == 0 &&
      !collecting_ && roots_ != nullptr) {
    collect();
    over_limit = stats_.bytes_used + charged > max_bytes_;
  }
  if (over_limit) {
    throw VmFatal{messages::ErrorCode::HeapLimitExceeded,
                  "heap limit of " + std::to_string(max_bytes_) + " bytes exceeded: " +
                      std::to_string(stats_.bytes_used) + " bytes live after collection, " +
                      std::to_string(charged) + " more requested",
                  max_bytes_, stats_.bytes_used + charged};
  }
}

void* Heap::allocate_object_memory(size_t size, uint32_t& charged) {
  size_t cls = size_class(size);
  ensure_room(cls);
  void* mem = raw_allocate(size);
  if (mem == nullptr) throw VmFatal{messages::ErrorCode::HeapLimitExceeded, "out of memory", max_bytes_, 0};
  charged = uint32_t(cls);
  account(int64_t(cls));
  return mem;
}

void* Heap::allocate_buffer(size_t bytes, size_t& charged) {
  size_t cls = size_class(bytes == 0 ? 1 : bytes);
  ensure_room(cls);
  void* mem = raw_allocate(bytes == 0 ? 1 : bytes);
  if (mem == nullptr) throw VmFatal{messages::ErrorCode::HeapLimitExceeded, "out of memory", max_bytes_, 0};
  charged = cls;
  account(int64_t(cls));
  return mem;
}

void Heap::free_buffer(void* p, size_t charged) {
  if (p == nullptr) return;
  raw_free(p, charged);
  account(-int64_t(charged));
}

void Heap::charge_external(int64_t delta_bytes) {
  if (delta_bytes > 0) ensure_room(size_t(delta_bytes));
  account(delta_bytes);
}

void Heap::collect() {
  if (roots_ == nullptr || collecting_) return;
  collecting_ = true;
  auto start = std::chrono::steady_clock::now();
  const uint64_t bytes_before = stats_.bytes_used;
  Marker marker(*this);
  roots_->trace_roots(marker);
  marker.drain();
  roots_->sweep_weak();
  sweep();
  // Grow threshold: collect again once the heap has doubled (at least 256 KiB more).
  uint64_t grow = stats_.bytes_used < 128 * 1024 ? 256 * 1024 : stats_.bytes_used;
  next_gc_at_ = stats_.bytes_used + grow;
  auto ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count());
  const uint64_t us = ns / 1000;
  ++stats_.gc_count;
  stats_.gc_pause_total_us += us;
  if (us > stats_.gc_pause_max_us) stats_.gc_pause_max_us = us;
  stats_.gc_pause_histogram.record(us);
  collecting_ = false;
  if (gc_observer_) gc_observer_(GcEvent{ns, bytes_before, stats_.bytes_used});
}

uint64_t GcPauseHistogram::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  return n;
}

uint64_t GcPauseHistogram::quantile_upper_bound_us(double q) const {
  const uint64_t n = total();
  if (n == 0) return 0;
  // Nearest rank: the smallest bucket by which ceil(q * n) pauses are counted.
  auto rank = uint64_t(std::ceil(std::clamp(q, 0.0, 1.0) * double(n)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts[i];
    if (seen >= rank) return upper_bound_us(i);
  }
  return upper_bound_us(kBuckets - 1);
}

void Marker::drain() {
  while (!stack_.empty()) {
    HeapObject* obj = stack_.back();
    stack_.pop_back();
    trace_object(obj, *this);
  }
}

void Heap::free_object(HeapObject* obj) {
  uint32_t charged = obj->charged_bytes_;
  finalize_object(obj, *this);
  raw_free(obj, charged);
  account(-int64_t(charged));
  --stats_.objects_live;
}

void Heap::sweep() {
  HeapObject** link_ptr = &objects_;
  while (HeapObject* obj = *link_ptr) {
    if (obj->marked_) {
      obj->marked_ = 0;
      link_ptr = &obj->next_in_heap_;
    } else {
      *link_ptr = obj->next_in_heap_;
      free_object(obj);
    }
  }
}

void Heap::free_all() {
  while (HeapObject* obj = objects_) {
    objects_ = obj->next_in_heap_;
    free_object(obj);
  }
}

}  // namespace raya::vm
