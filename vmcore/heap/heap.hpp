// Heap: the memory of one context. Every object and every out-of-line buffer
// (array elements, property slots, task stacks) is charged at the size class
// jemalloc really hands out (nallocx), so bytes_used() is exact.
//
// Collection (mark_sweep.cpp) is precise and non-moving. It can run at any
// allocation, so native code that holds object pointers across an allocation
// keeps them in Rooted<> locals (roots.hpp). A request that would exceed
// max_heap_bytes first triggers a full collection; only if the live data plus
// the request still does not fit does the allocation fail, by throwing
// VmFatal (vm_fatal.hpp) to the Context::run boundary, which ends the context.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <utility>
#include <vector>

#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

class Marker;

/// Everything the collector needs from its owner besides the heap itself.
class RootProvider {
 public:
  virtual ~RootProvider() = default;
  virtual void trace_roots(Marker& marker) = 0;
  /// Called after marking, before sweeping: drop weak references (interned strings).
  virtual void sweep_weak() = 0;
};

/// Collection pauses by length, in power-of-two microsecond buckets:
/// bucket 0 counts pauses under 1 µs, bucket i (1 ≤ i < kBuckets - 1) those
/// in [2^(i-1), 2^i) µs, and the last one everything from 2^22 µs (about
/// 4 s) up. Recording is one increment per collection; the buckets are
/// wide, so a quantile read from them is only good to a factor of two
/// (exact pauses: Heap::set_gc_observer).
struct GcPauseHistogram {
  static constexpr size_t kBuckets = 24;
  std::array<uint64_t, kBuckets> counts{};

  static size_t bucket_of(uint64_t pause_us) {
    return std::min<size_t>(size_t(std::bit_width(pause_us)), kBuckets - 1);
  }
  /// Exclusive upper bound of a bucket in µs; the last one has none (UINT64_MAX).
  static uint64_t upper_bound_us(size_t bucket) {
    return bucket + 1 < kBuckets ? uint64_t(1) << bucket : ~uint64_t(0);
  }
  void record(uint64_t pause_us) { ++counts[bucket_of(pause_us)]; }
  uint64_t total() const;
  /// The upper bound of the bucket holding the q-quantile pause (0 < q ≤ 1,
  /// nearest rank): that share of the pauses was shorter. 0 when empty.
  uint64_t quantile_upper_bound_us(double q) const;
};

struct HeapStats {
  uint64_t bytes_used = 0;
  uint64_t peak_bytes = 0;
  uint64_t gc_count = 0;
  uint64_t gc_pause_total_us = 0;
  uint64_t gc_pause_max_us = 0;
  GcPauseHistogram gc_pause_histogram;  // every collection, gc_count in all
  uint64_t objects_live = 0;
};

/// What one collection did, for a GC observer.
struct GcEvent {
  uint64_t pause_ns = 0;  // wall time of the whole collection
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
};

class Heap {
 public:
  static constexpr uint64_t kUnlimited = ~uint64_t(0);

  explicit Heap(uint64_t max_bytes = kUnlimited);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  void set_root_provider(RootProvider* roots) { roots_ = roots; }
  void set_max_bytes(uint64_t max_bytes) { max_bytes_ = max_bytes; }
  uint64_t max_bytes() const { return max_bytes_; }

  /// Allocates and constructs a T (a HeapObject subclass) with `extra` bytes of
  /// trailing storage. May collect; may throw VmFatal(HeapLimitExceeded).
  template <class T, class... Args>
  T* make_with_extra(size_t extra, Args&&... args) {
    size_t size = sizeof(T) + extra;
    uint32_t charged = 0;
    void* mem = allocate_object_memory(size, charged);
    T* obj = new (mem) T(std::forward<Args>(args)...);
    obj->charged_bytes_ = charged;
    link(obj);
    return obj;
  }
  template <class T, class... Args>
  T* make(Args&&... args) {
    return make_with_extra<T>(0, std::forward<Args>(args)...);
  }

  /// Out-of-line buffers owned by an object (elements, slots). `charged` is
  /// what to hand back to free_buffer.
  void* allocate_buffer(size_t bytes, size_t& charged);
  void free_buffer(void* p, size_t charged);

  /// Charges memory held by C++ containers inside objects (hash tables of
  /// Map/Set, shape tables). Negative deltas release. May collect.
  void charge_external(int64_t delta_bytes);

  /// Full mark-sweep collection.
  void collect();
  /// Frees every object (context termination). The heap is empty afterwards.
  void free_all();

  const HeapStats& stats() const { return stats_; }
  uint64_t bytes_used() const { return stats_.bytes_used; }
  const GcPauseHistogram& gc_pause_histogram() const { return stats_.gc_pause_histogram; }

  /// Called at the end of every collection (benchmarks and tracing record
  /// exact pauses with it); empty to stop. The observer must not touch this
  /// heap. Costs one test per collection when unset.
  using GcObserver = std::function<void(const GcEvent&)>;
  void set_gc_observer(GcObserver observer) { gc_observer_ = std::move(observer); }

  /// Disallows collection while a native step has unrooted pointers that it
  /// cannot easily root (used sparingly).
  struct NoGcScope {
    explicit NoGcScope(Heap& h) : heap(h) { ++heap.no_gc_depth_; }
    ~NoGcScope() { --heap.no_gc_depth_; }
    Heap& heap;
  };

 private:
  void* allocate_object_memory(size_t size, uint32_t& charged);
  void ensure_room(size_t charged);
  void link(HeapObject* obj) {
    obj->next_in_heap_ = objects_;
    objects_ = obj;
    ++stats_.objects_live;
  }
  void account(int64_t delta);
  void sweep();
  void free_object(HeapObject* obj);

  friend class Marker;
  HeapObject* objects_ = nullptr;
  RootProvider* roots_ = nullptr;
  uint64_t max_bytes_;
  uint64_t next_gc_at_ = 256 * 1024;  // collect when bytes_used reaches this
  int no_gc_depth_ = 0;
  bool collecting_ = false;
  HeapStats stats_;
  GcObserver gc_observer_;
};

/// Marks reachable objects with an explicit stack (no recursion).
class Marker {
 public:
  explicit Marker(Heap& heap) : heap_(heap) {}
  void mark(Value v) {
    if (v.is_object()) mark(v.as_object());
  }
  void mark(const HeapObject* obj) {
    if (obj != nullptr && !obj->marked_) {
      const_cast<HeapObject*>(obj)->marked_ = 1;
      stack_.push_back(const_cast<HeapObject*>(obj));
    }
  }
  void mark_range(const Value* begin, const Value* end) {
    for (const Value* p = begin; p != end; ++p) mark(*p);
  }
  void drain();

 private:
  Heap& heap_;
  std::vector<HeapObject*> stack_;
};

/// Visits the references held by one object (defined in mark_sweep.cpp, next
/// to every kind's layout).
void trace_object(HeapObject* obj, Marker& marker);
/// Releases one object's out-of-line memory and runs its destructor.
void finalize_object(HeapObject* obj, Heap& heap);

}  // namespace raya::vm
