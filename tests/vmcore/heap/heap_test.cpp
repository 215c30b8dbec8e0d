// Heap accounting and collection, seen two ways: through HeapStats (what
// the heap believes it holds) and through jemalloc's own statistics (what
// the process really holds). DESIGN.md promises that bytes are charged at
// jemalloc's size class, that collection runs before any heap-limit
// decision, and that terminating a context frees every object it owns —
// nothing leaks across terminations.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/heap/heap.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/heap/vm_fatal.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/object/function.hpp"
#include "tests/vmcore/heap/jemalloc_stats.hpp"

namespace raya::vm {
namespace {

using test::jemalloc_allocated;

/// Roots for a stand-alone Heap: exactly the objects in `live`.
class ListRoots final : public RootProvider {
 public:
  std::vector<HeapObject*> live;
  void trace_roots(Marker& marker) override {
    for (HeapObject* o : live) marker.mark(o);
  }
  void sweep_weak() override {}
};

/// The size class the heap charges for an allocation of `bytes`.
size_t size_class(size_t bytes) {
#ifndef RAYA_NO_JEMALLOC
  return nallocx(bytes, 0);
#else
  return (bytes + 15) & ~size_t(15);
#endif
}

// --- HeapStats through a Context ----------------------------------------------------

TEST(Heap, StringIsChargedAtItsAllocatorSizeClass) {
  Context ctx;
  for (uint32_t length : {0u, 1u, 7u, 100u, 5000u}) {
    ctx.heap().collect();  // no garbage left for a GC-stress collection to free
    const uint64_t before = ctx.heap().bytes_used();
    Rooted<String*> s(ctx, ctx.new_string_uninit(length));
    EXPECT_EQ(ctx.heap().bytes_used() - before, size_class(sizeof(String) + length * sizeof(char16_t)))
        << "length " << length;
  }
}

TEST(Heap, BytesUsedGrowsWithEveryAllocation) {
  Context ctx;
  Rooted<Array*> keep(ctx, ctx.new_array(0));
  uint64_t last = ctx.heap().bytes_used();
  for (int i = 0; i < 50; ++i) {
    ctx.array_push(keep, Value::object(ctx.new_plain_object()));
    ctx.array_push(keep, Value::object(ctx.new_string_ascii("entry number " + std::to_string(i))));
    const uint64_t now = ctx.heap().bytes_used();
    EXPECT_GT(now, last) << "after round " << i;
    last = now;
  }
}

TEST(Heap, ObjectsLiveCountsEachNewObject) {
  Context ctx;
  Rooted<Object*> warm(ctx, ctx.new_plain_object());  // creates the root shape once
  const uint64_t before = ctx.heap().stats().objects_live;
  Rooted<Object*> a(ctx, ctx.new_plain_object());
  Rooted<String*> b(ctx, ctx.new_string_ascii("b"));
  Rooted<Array*> c(ctx, ctx.new_array(0, 16));  // elements are a buffer, not an object
  EXPECT_EQ(ctx.heap().stats().objects_live, before + 3);
}

TEST(Heap, ArrayElementBufferIsChargedAndReleasedWithTheArray) {
  Context ctx;
  ctx.heap().collect();
  const uint64_t before = ctx.heap().bytes_used();
  {
    Rooted<Array*> big(ctx, ctx.new_array(0, 10000));
    EXPECT_GE(ctx.heap().bytes_used() - before, 10000 * sizeof(Value));
  }
  ctx.heap().collect();
  EXPECT_EQ(ctx.heap().bytes_used(), before);
}

TEST(Heap, CollectFreesUnreachableObjectsExactly) {
  Context ctx;
  ctx.heap().collect();
  const HeapStats before = ctx.heap().stats();
  for (int i = 0; i < 1000; ++i) {
    Array* a = ctx.new_array(0, 8);
    ctx.array_push(a, Value::int32(i));  // a is unrooted: garbage once the loop moves on
  }
  EXPECT_GT(ctx.heap().bytes_used(), before.bytes_used);
  ctx.heap().collect();
  EXPECT_EQ(ctx.heap().bytes_used(), before.bytes_used);
  EXPECT_EQ(ctx.heap().stats().objects_live, before.objects_live);
}

TEST(Heap, CollectKeepsRootedObjectsAndEverythingTheyReach) {
  Context ctx;
  ctx.heap().collect();  // start from no garbage
  Rooted<Array*> keep(ctx, ctx.new_array(0));
  for (int i = 0; i < 200; ++i) {
    Rooted<Object*> o(ctx, ctx.new_plain_object());
    Rooted<String*> label(ctx, ctx.new_string_ascii("item-" + std::to_string(i)));
    ctx.define_own_property(o, ctx.intern_ascii("label"), Value::object(label.get()));
    ctx.array_push(keep, Value::object(o.get()));
  }
  const uint64_t live = ctx.heap().bytes_used();
  ctx.heap().collect();
  EXPECT_EQ(ctx.heap().bytes_used(), live);  // nothing here was garbage
  ASSERT_EQ(keep->length_, 200u);
  for (uint32_t i = 0; i < 200; i += 37) {
    Value label;
    ASSERT_TRUE(ctx.lookup_property(as_object(keep->elements_[i]), ctx.intern_ascii("label"), label));
    ASSERT_TRUE(is_string(label));
    const std::string expected = "item-" + std::to_string(i);
    EXPECT_EQ(as_string(label)->view(), std::u16string(expected.begin(), expected.end()));
  }
}

TEST(Heap, UnreachableCyclesAreCollected) {
  Context ctx;
  ctx.heap().collect();
  const HeapStats before = ctx.heap().stats();
  {
    Rooted<Object*> a(ctx, ctx.new_plain_object());
    Rooted<Object*> b(ctx, ctx.new_plain_object());
    ctx.define_own_property(a, ctx.intern_ascii("other"), Value::object(b.get()));
    ctx.define_own_property(b, ctx.intern_ascii("other"), Value::object(a.get()));
    Rooted<Array*> self(ctx, ctx.new_array(0));
    ctx.array_push(self, Value::object(self.get()));
  }
  ctx.heap().collect();
  EXPECT_EQ(ctx.heap().stats().objects_live, before.objects_live);
  EXPECT_EQ(ctx.heap().bytes_used(), before.bytes_used);
}

TEST(Heap, EachCollectionIncrementsGcCount) {
  Context ctx;
  const uint64_t before = ctx.heap().stats().gc_count;
  ctx.heap().collect();
  ctx.heap().collect();
  ctx.heap().collect();
  EXPECT_EQ(ctx.heap().stats().gc_count, before + 3);
}

TEST(Heap, AllocationDebtTriggersACollectionWithoutAnExplicitCall) {
  Context ctx;
  const uint64_t before = ctx.heap().stats().gc_count;
  for (int i = 0; i < 20000; ++i) ctx.new_string_uninit(32);  // ~1.5 MB of garbage
  EXPECT_GT(ctx.heap().stats().gc_count, before);
  EXPECT_LT(ctx.heap().bytes_used(), 1u << 20);
}

TEST(Heap, PeakBytesIsTheHighWaterMark) {
  Context ctx;
  uint64_t highest = ctx.heap().bytes_used();
  {
    Rooted<Array*> keep(ctx, ctx.new_array(0));
    for (int i = 0; i < 1000; ++i) {
      ctx.array_push(keep, Value::object(ctx.new_string_uninit(64)));
      highest = std::max(highest, ctx.heap().bytes_used());
      ASSERT_GE(ctx.heap().stats().peak_bytes, ctx.heap().bytes_used());
    }
  }
  ctx.heap().collect();
  EXPECT_LT(ctx.heap().bytes_used(), highest);
  EXPECT_GE(ctx.heap().stats().peak_bytes, highest);
}

TEST(Heap, ProgramStatsShowCollectionsAndAPeakAboveTheFinalUse) {
  Result<Module> m = compiler::compile_source("main.raya", R"(
let kept: any[] = [];
for (let round = 0; round < 40; round++) {
  const garbage: any[] = [];
  for (let i = 0; i < 500; i++) garbage.push({ i, s: "v" + i });
  kept.push(garbage.length);
}
return kept.length;
)");
  ASSERT_TRUE(m.ok()) << m.error().render_diagnostics();
  Context ctx;
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(std::move(m).value())).ok());
  ASSERT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Done);
  const HeapStats& stats = ctx.heap().stats();
  EXPECT_GT(stats.gc_count, 0u);
  EXPECT_GE(stats.peak_bytes, stats.bytes_used);
  EXPECT_GT(stats.objects_live, 0u);
  const uint64_t used = stats.bytes_used;
  ctx.heap().collect();
  EXPECT_LE(ctx.heap().bytes_used(), used);
}

// --- a stand-alone Heap ------------------------------------------------------------------

TEST(Heap, ChargeExternalAddsAndReleasesBytes) {
  Heap heap;
  heap.charge_external(1000);
  EXPECT_EQ(heap.bytes_used(), 1000u);
  EXPECT_EQ(heap.stats().peak_bytes, 1000u);
  heap.charge_external(-600);
  EXPECT_EQ(heap.bytes_used(), 400u);
  EXPECT_EQ(heap.stats().peak_bytes, 1000u);
  heap.charge_external(-400);
  EXPECT_EQ(heap.bytes_used(), 0u);
}

TEST(Heap, FreeAllReleasesEveryObject) {
  ListRoots roots;
  Heap heap;
  heap.set_root_provider(&roots);
  for (int i = 0; i < 100; ++i) roots.live.push_back(heap.make<Cell>(Value::int32(i)));
  EXPECT_EQ(heap.stats().objects_live, 100u);
  EXPECT_EQ(heap.bytes_used(), 100 * size_class(sizeof(Cell)));
  heap.free_all();
  roots.live.clear();
  EXPECT_EQ(heap.stats().objects_live, 0u);
  EXPECT_EQ(heap.bytes_used(), 0u);
}

TEST(Heap, CollectionFollowsReferencesBetweenObjects) {
  ListRoots roots;
  Heap heap;
  heap.set_root_provider(&roots);
  // A chain root -> c1 -> c2 -> ... -> c50, plus 50 cells that become
  // unreachable. Everything stays rooted while it is built, so the test
  // also holds when every allocation collects (RAYA_GC_STRESS).
  Cell* head = heap.make<Cell>(Value::undefined());
  roots.live.push_back(head);
  Cell* tail = head;
  for (int i = 0; i < 50; ++i) {
    Cell* next = heap.make<Cell>(Value::undefined());
    tail->value_ = Value::object(next);
    tail = next;
    roots.live.push_back(tail);
    roots.live.push_back(heap.make<Cell>(Value::int32(i)));
  }
  EXPECT_EQ(heap.stats().objects_live, 101u);
  roots.live.assign(1, head);
  const uint64_t collections = heap.stats().gc_count;
  heap.collect();
  EXPECT_EQ(heap.stats().objects_live, 51u);
  EXPECT_EQ(heap.stats().gc_count, collections + 1);
}

TEST(Heap, LimitIsDecidedAfterCollectingGarbage) {
  ListRoots roots;
  Heap heap(64 * 1024);
  heap.set_root_provider(&roots);
  // Twenty times the limit in total, almost all of it garbage at once.
  const size_t cell_bytes = size_class(sizeof(Cell));
  const size_t count = 20 * 64 * 1024 / cell_bytes;
  for (size_t i = 0; i < count; ++i) {
    Cell* c = heap.make<Cell>(Value::int32(int32_t(i)));
    if (i % 1000 == 0) roots.live.push_back(c);  // a little stays live
  }
  EXPECT_GT(heap.stats().gc_count, 0u);
  EXPECT_LE(heap.stats().peak_bytes, 64u * 1024);
}

TEST(Heap, LimitExceededWhenTheLiveDataDoesNotFitThrowsHeapLimitExceeded) {
  ListRoots roots;
  Heap heap(64 * 1024);
  heap.set_root_provider(&roots);
  bool failed = false;
  VmFatal fatal;
  try {
    for (int i = 0; i < 100000; ++i) roots.live.push_back(heap.make<Cell>(Value::int32(i)));
  } catch (const VmFatal& f) {
    failed = true;
    fatal = f;
  }
  ASSERT_TRUE(failed);
  EXPECT_EQ(fatal.code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(fatal.limit, 64u * 1024);
  EXPECT_GT(fatal.used, 64u * 1024);
  EXPECT_GT(heap.stats().gc_count, 0u);  // it tried to collect first
  EXPECT_LE(heap.bytes_used(), 64u * 1024);
  EXPECT_EQ(heap.stats().objects_live, roots.live.size());  // the failed request left nothing behind
}

TEST(Heap, OversizedBufferRequestFailsWithoutAllocating) {
  ListRoots roots;
  Heap heap(1u << 20);
  heap.set_root_provider(&roots);
  size_t charged = 0;
  EXPECT_THROW(heap.allocate_buffer(size_t(1) << 30, charged), VmFatal);
  EXPECT_EQ(heap.bytes_used(), 0u);
}

TEST(Heap, NoGcScopeDefersCollection) {
  ListRoots roots;
  Heap heap;
  heap.set_root_provider(&roots);
  {
    Heap::NoGcScope no_gc(heap);
    for (int i = 0; i < 40000; ++i) heap.make<Cell>(Value::int32(i));  // well past the first threshold
    EXPECT_EQ(heap.stats().gc_count, 0u);
  }
  heap.make<Cell>(Value::int32(0));
  EXPECT_EQ(heap.stats().gc_count, 1u);
  EXPECT_EQ(heap.stats().objects_live, 1u);
}

// --- pause statistics: counted, never timed (benchmarks measure them) ----------------------

TEST(Heap, PauseBucketsArePowersOfTwoMicroseconds) {
  EXPECT_EQ(GcPauseHistogram::bucket_of(0), 0u);  // under 1 µs
  EXPECT_EQ(GcPauseHistogram::bucket_of(1), 1u);  // [1, 2)
  EXPECT_EQ(GcPauseHistogram::bucket_of(2), 2u);  // [2, 4)
  EXPECT_EQ(GcPauseHistogram::bucket_of(3), 2u);
  EXPECT_EQ(GcPauseHistogram::bucket_of(4), 3u);
  EXPECT_EQ(GcPauseHistogram::bucket_of(1000), 10u);  // [512, 1024)
  EXPECT_EQ(GcPauseHistogram::bucket_of(~uint64_t(0)), GcPauseHistogram::kBuckets - 1);
  for (size_t i = 0; i + 1 < GcPauseHistogram::kBuckets; ++i) {
    const uint64_t upper = GcPauseHistogram::upper_bound_us(i);
    EXPECT_EQ(GcPauseHistogram::bucket_of(upper - 1), i) << "bucket " << i;
    EXPECT_EQ(GcPauseHistogram::bucket_of(upper), i + 1) << "bucket " << i;
  }
  EXPECT_EQ(GcPauseHistogram::upper_bound_us(GcPauseHistogram::kBuckets - 1), ~uint64_t(0));
}

TEST(Heap, PauseQuantileIsTheUpperBoundOfTheBucketHoldingThatRank) {
  GcPauseHistogram h;
  EXPECT_EQ(h.quantile_upper_bound_us(0.5), 0u);  // no collections yet
  for (int i = 0; i < 90; ++i) h.record(5);        // [4, 8)
  for (int i = 0; i < 9; ++i) h.record(100);       // [64, 128)
  h.record(3000);                                  // [2048, 4096)
  EXPECT_EQ(h.total(), 100u);
  EXPECT_EQ(h.quantile_upper_bound_us(0.5), 8u);
  EXPECT_EQ(h.quantile_upper_bound_us(0.9), 8u);
  EXPECT_EQ(h.quantile_upper_bound_us(0.91), 128u);
  EXPECT_EQ(h.quantile_upper_bound_us(0.99), 128u);
  EXPECT_EQ(h.quantile_upper_bound_us(1.0), 4096u);
}

TEST(Heap, PauseHistogramCountsEveryCollectionOnce) {
  ListRoots roots;
  Heap heap;
  heap.set_root_provider(&roots);
  for (int i = 0; i < 100000; ++i) heap.make<Cell>(Value::int32(i));  // some automatic collections
  for (int i = 0; i < 5; ++i) heap.collect();
  const HeapStats& stats = heap.stats();
  EXPECT_GE(stats.gc_count, 6u);
  EXPECT_EQ(stats.gc_pause_histogram.total(), stats.gc_count);
  EXPECT_EQ(&heap.gc_pause_histogram(), &stats.gc_pause_histogram);
  // The longest pause lies in the last non-empty bucket.
  size_t last = 0;
  for (size_t i = 0; i < GcPauseHistogram::kBuckets; ++i)
    if (stats.gc_pause_histogram.counts[i] != 0) last = i;
  EXPECT_EQ(GcPauseHistogram::bucket_of(stats.gc_pause_max_us), last);
}

TEST(Heap, GcObserverSeesEveryCollectionWithItsBytes) {
  ListRoots roots;
  Heap heap;
  heap.set_root_provider(&roots);
  std::vector<GcEvent> events;
  heap.set_gc_observer([&events](const GcEvent& e) { events.push_back(e); });
  roots.live.push_back(heap.make<Cell>(Value::int32(0)));
  for (int i = 0; i < 100; ++i) heap.make<Cell>(Value::int32(i));  // garbage
  const uint64_t before = heap.bytes_used();
  heap.collect();
  ASSERT_EQ(events.size(), heap.stats().gc_count);
  EXPECT_EQ(events.back().bytes_before, before);
  EXPECT_EQ(events.back().bytes_after, heap.bytes_used());
  EXPECT_EQ(events.back().bytes_after, size_class(sizeof(Cell)));  // only the rooted cell is left
  uint64_t total_us = 0;
  for (const GcEvent& e : events) total_us += e.pause_ns / 1000;
  EXPECT_EQ(total_us, heap.stats().gc_pause_total_us);

  heap.set_gc_observer(nullptr);  // unset: collections go on unobserved
  heap.collect();
  EXPECT_EQ(events.size() + 1, heap.stats().gc_count);
}

// --- jemalloc's view: nothing leaks across terminations ------------------------------------


constexpr const char* kAllocatingProgram = R"(
class Node {
  constructor(public value: number, public next: Node | null) {}
  sum(): number { return this.value + (this.next === null ? 0 : this.next.sum()); }
}
let list: Node | null = null;
for (let i = 0; i < 50; i++) list = new Node(i, list);
const words: string[] = [];
for (let i = 0; i < 100; i++) words.push("word-" + i + "-" + "x".repeat(i % 7));
const index = new Map<string, number>();
for (const w of words) index.set(w, w.length);
const seen = new Set<number>();
for (const w of words) seen.add(w.length);
const adders = words.map((w, i) => (x: number) => x + i + w.length);
const nested = { a: [1, [2, [3, { deep: "yes" }]]], b: { c: { d: words.slice(0, 5) } } };
let caught = "";
try { (null as any).boom; } catch (e) { caught = e.name; }
const text = JSON.stringify(nested) + caught;
export function again() {
  return adders.reduce((t, f) => f(t), 0) + index.size + seen.size + text.length;
}
return list === null ? 0 : list.sum();
)";

TEST(Heap, DestroyedContextsReturnEveryByteToJemalloc) {
#ifdef RAYA_NO_JEMALLOC
  GTEST_SKIP() << "built without jemalloc (sanitizer build)";
#else
  Result<Module> compiled = compiler::compile_source("main.raya", kAllocatingProgram);
  ASSERT_TRUE(compiled.ok()) << compiled.error().render_diagnostics();
  auto module = std::make_shared<const Module>(std::move(compiled).value());
  auto use_one_context = [&module]() {
    Context ctx;
    if (!ctx.load(module).ok()) return false;
    if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) return false;
    if (ctx.main_task()->state != TaskState::Done || ctx.main_task()->result.to_double() != 1225) return false;
    if (!ctx.start_export_call("again", {})) return false;
    if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) return false;
    return ctx.main_task()->state == TaskState::Done;
  };
  // One context first, so one-time initialisation (the shared prelude,
  // caches of the runtime libraries) is not mistaken for a leak.
  ASSERT_TRUE(use_one_context());
  uint64_t baseline = 0;
  if (!jemalloc_allocated(baseline)) GTEST_SKIP() << "jemalloc statistics are not available";
  bool all_ok = true;
  for (int i = 0; i < 200; ++i) all_ok = use_one_context() && all_ok;
  uint64_t after = 0;
  ASSERT_TRUE(jemalloc_allocated(after));
  ASSERT_TRUE(all_ok);
  // A leak of even one small object per context would show as >= 3 KiB.
  const int64_t growth = int64_t(after) - int64_t(baseline);
  EXPECT_LT(growth, 2048) << "baseline " << baseline << ", after 200 contexts " << after;
#endif
}

TEST(Heap, ContextEndedByAHeapLimitAlsoReturnsEveryByte) {
#ifdef RAYA_NO_JEMALLOC
  GTEST_SKIP() << "built without jemalloc (sanitizer build)";
#else
  Result<Module> compiled =
      compiler::compile_source("main.raya", "const kept: any[] = [];\nwhile (true) kept.push({ s: \"v\" + kept.length });\n");
  ASSERT_TRUE(compiled.ok()) << compiled.error().render_diagnostics();
  auto module = std::make_shared<const Module>(std::move(compiled).value());
  auto use_one_context = [&module]() {
    ContextOptions options;
    options.max_heap_bytes = 256 * 1024;
    Context ctx(options);
    if (!ctx.load(module).ok()) return false;
    return ctx.run_to_completion().kind == RunOutcome::Kind::Fatal &&
           ctx.fatal().code == ErrorCode::HeapLimitExceeded;
  };
  ASSERT_TRUE(use_one_context());
  uint64_t baseline = 0;
  if (!jemalloc_allocated(baseline)) GTEST_SKIP() << "jemalloc statistics are not available";
  bool all_ok = true;
  for (int i = 0; i < 50; ++i) all_ok = use_one_context() && all_ok;
  uint64_t after = 0;
  ASSERT_TRUE(jemalloc_allocated(after));
  ASSERT_TRUE(all_ok);
  EXPECT_LT(int64_t(after) - int64_t(baseline), 2048) << "baseline " << baseline << ", after " << after;
#endif
}

TEST(Heap, LiveContextHoldsAtLeastWhatItsHeapReports) {
#ifdef RAYA_NO_JEMALLOC
  GTEST_SKIP() << "built without jemalloc (sanitizer build)";
#else
  // The first context decodes the shared prelude once per process; that is
  // not a per-context cost, so warm it up before measuring.
  { Context warm_up; }
  uint64_t before = 0;
  if (!jemalloc_allocated(before)) GTEST_SKIP() << "jemalloc statistics are not available";
  uint64_t during = 0, heap_bytes = 0;
  {
    auto ctx = std::make_unique<Context>();
    Rooted<Array*> keep(*ctx, ctx->new_array(0));
    for (int i = 0; i < 20000; ++i) ctx->array_push(keep, Value::object(ctx->new_string_ascii("some text")));
    heap_bytes = ctx->heap().bytes_used();
    ASSERT_TRUE(jemalloc_allocated(during));
  }
  uint64_t after = 0;
  ASSERT_TRUE(jemalloc_allocated(after));
  // Every charged byte is a real allocation (plus the C++ side of the
  // context, which the heap does not see).
  EXPECT_GE(during - before, heap_bytes);
  EXPECT_LT(int64_t(after) - int64_t(before), 2048);
#endif
}

}  // namespace
}  // namespace raya::vm
