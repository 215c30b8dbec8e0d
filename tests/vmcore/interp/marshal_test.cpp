// Marshalling between Raya values and messages::Value: every conversion
// rule, every kind that cannot cross (with the exact path in the error),
// cycles, the size bound on shared substructure, the depth cap, heap limits
// while unmarshalling, the Raya view of Bytes, and random round trips.
// Run it under -DRAYA_GC_STRESS=ON too: unmarshal allocates at every step.
#include "vmcore/interp/marshal.hpp"

#include <cmath>
#include <limits>

#include "tests/messages/value_test_support.hpp"
#include "tests/vmcore/interp/context_test_support.hpp"
#include "vmcore/object/foreign_handle.hpp"

namespace raya::vm {
namespace {

using context_test::result_of;
using context_test::run_program;
using context_test::utf8_of;
using M = messages::Value;
using MArray = messages::Value::Array;
using MMap = messages::Value::Map;
using MBytes = messages::Value::Bytes;

/// Runs `source` and marshals its result as "args".
Result<M> marshal_result(Context& ctx, std::string_view source) {
  Value v = result_of(ctx, source);
  return marshal(ctx, v, "args");
}

M marshal_ok(Context& ctx, std::string_view source) {
  Result<M> r = marshal_result(ctx, source);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().to_string();
    return M();
  }
  return std::move(r).value();
}

/// Expects a MarshalError at `path` with exactly `message`.
void expect_marshal_error(const Result<M>& r, std::string_view path, std::string_view message) {
  ASSERT_FALSE(r.ok()) << messages::to_json(r.value());
  EXPECT_EQ(r.error().code, ErrorCode::MarshalError);
  EXPECT_EQ(r.error().path, path);
  EXPECT_EQ(r.error().message, message);
}

/// Loads a program exporting `f`, so tests can hand it unmarshalled values.
void load_probe(Context& ctx, std::string_view source) {
  ASSERT_EQ(run_program(ctx, source).kind, RunOutcome::Kind::Done) << ctx.fatal().to_string();
}

/// Calls the exported f(arg) and returns its result (held by the task).
Value call_f(Context& ctx, Value arg) {
  Rooted<Value> a(ctx, arg);
  EXPECT_TRUE(ctx.start_export_call("f", {a.get()}));
  EXPECT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Done) << ctx.fatal().to_string();
  Task* task = ctx.main_task();
  EXPECT_EQ(task->state, TaskState::Done) << ctx.runtime_error_of(task->exception).to_string();
  return task->result;
}

/// Unmarshals `m`, calls f with it and marshals what f returns.
M through_f(Context& ctx, const M& m) {
  Result<Value> v = unmarshal(ctx, m);
  if (!v.ok()) {
    ADD_FAILURE() << v.error().to_string();
    return M();
  }
  Result<M> back = marshal(ctx, call_f(ctx, v.value()), "result");
  if (!back.ok()) {
    ADD_FAILURE() << back.error().to_string();
    return M();
  }
  return std::move(back).value();
}

Result<M> marshal_value(Context& ctx, Value v) { return marshal(ctx, v, "args"); }

/// A program returning `levels` arrays nested in each other.
std::string nested_arrays_program(int levels) {
  return "let x: any = [];\nfor (let i = 1; i < " + std::to_string(levels) + "; i++) x = [x];\nreturn x;";
}

// --- marshal: what crosses ------------------------------------------------------

TEST(Marshal, PrimitivesBecomeTheirBoundaryKinds) {
  Context ctx;
  EXPECT_EQ(marshal_ok(ctx, "return [undefined, null, true, false, 7, -5, 2.5, \"hi\"];"),
            M(MArray{M(), M(), true, false, 7, -5, 2.5, "hi"}));
}

TEST(Marshal, IntegralNumbersUpTo2To53BecomeInts) {
  Context ctx;
  auto of = [&](double d) { return marshal_value(ctx, Value::raw_double(d)).value(); };
  EXPECT_EQ(of(1099511627776.0), M(int64_t(1099511627776)));
  EXPECT_EQ(of(9007199254740992.0), M(int64_t(9007199254740992)));
  EXPECT_EQ(of(-9007199254740992.0), M(int64_t(-9007199254740992)));
  EXPECT_EQ(of(3.0), M(3));
  EXPECT_EQ(marshal_value(ctx, Value::int32(INT32_MIN)).value(), M(int64_t(INT32_MIN)));
}

TEST(Marshal, OtherNumbersStayDoubles) {
  Context ctx;
  auto of = [&](double d) { return marshal_value(ctx, Value::from_double(d)).value(); };
  EXPECT_EQ(of(9007199254740994.0), M(9007199254740994.0));
  EXPECT_TRUE(of(9007199254740994.0).is_double());
  EXPECT_EQ(of(1e300), M(1e300));
  EXPECT_EQ(of(0.5), M(0.5));
  M negative_zero = of(-0.0);
  ASSERT_TRUE(negative_zero.is_double());
  EXPECT_TRUE(std::signbit(negative_zero.as_double()));
  EXPECT_TRUE(std::isnan(of(std::nan("")).as_double()));
  EXPECT_EQ(of(HUGE_VAL), M(HUGE_VAL));
  EXPECT_EQ(of(-HUGE_VAL), M(-HUGE_VAL));
}

TEST(Marshal, StringsBecomeUtf8) {
  Context ctx;
  EXPECT_EQ(marshal_ok(ctx, "return [\"\", \"caf\\u00e9\", \"\\u{1F600}\", \"a\\nb\"];"),
            M(MArray{"", "caf\xC3\xA9", "\xF0\x9F\x98\x80", "a\nb"}));
}

TEST(Marshal, LoneSurrogatesBecomeReplacementCharacters) {
  Context ctx;
  const char16_t units[] = {u'a', 0xD800, u'b', 0xDC00, 0xD83D, 0xDE00, 0xDBFF};
  String* s = ctx.new_string(std::u16string_view(units, 7));
  EXPECT_EQ(marshal_value(ctx, Value::object(s)).value(),
            M("a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xF0\x9F\x98\x80\xEF\xBF\xBD"));
}

TEST(Marshal, BytesAndForeignHandlesCrossAsThemselves) {
  Context ctx;
  const uint8_t data[] = {0, 1, 255};
  Rooted<Value> bytes(ctx, Value::object(ctx.new_bytes(data)));
  Rooted<Value> handle(ctx, Value::object(ctx.heap().make<ForeignHandle>(7, UINT64_MAX)));
  Rooted<Array*> pair(ctx, ctx.new_array(2));
  pair->elements_[0] = bytes;
  pair->elements_[1] = handle;
  EXPECT_EQ(marshal_value(ctx, Value::object(pair.get())).value(),
            M(MArray{MBytes{0, 1, 255}, messages::ForeignHandle{7, UINT64_MAX}}));
}

TEST(Marshal, ArrayHolesAndUndefinedElementsBecomeNull) {
  Context ctx;
  Array* a = ctx.new_array(3);
  a->elements_[0] = Value::empty();
  a->elements_[2] = Value::int32(1);
  EXPECT_EQ(marshal_value(ctx, Value::object(a)).value(), M(MArray{M(), M(), 1}));
  EXPECT_EQ(marshal_ok(ctx, "const a = new Array(2); return a;"), M(MArray{M(), M()}));
}

TEST(Marshal, PlainObjectsKeepTheirKeyOrder) {
  Context ctx;
  EXPECT_EQ(marshal_ok(ctx, "const o: any = {z: 1, a: {nested: [true]}, m: null}; o.b = 2; o[\"1\"] = 3; return o;"),
            M(MMap{{"z", 1}, {"a", MMap{{"nested", MArray{true}}}}, {"m", M()}, {"b", 2}, {"1", 3}}));
}

TEST(Marshal, NullPrototypeAndDictionaryObjectsArePlain) {
  Context ctx;
  EXPECT_EQ(marshal_ok(ctx, "const o = Object.create(null); o.k = 1; return o;"), M(MMap{{"k", 1}}));
  M big = marshal_ok(ctx, "const o: any = {}; for (let i = 0; i < 100; i++) o[\"k\" + (99 - i)] = i; return o;");
  ASSERT_TRUE(big.is_map());
  ASSERT_EQ(big.as_map().size(), 100u);
  EXPECT_EQ(big.as_map()[0], (std::pair<std::string, M>{"k99", 0}));
  EXPECT_EQ(big.as_map()[99], (std::pair<std::string, M>{"k0", 99}));
}

TEST(Marshal, NonEnumerablePropertiesAreLeftOut) {
  Context ctx;
  Rooted<Object*> o(ctx, ctx.new_plain_object());
  ctx.define_own_property(o, ctx.intern_ascii("shown"), Value::int32(1));
  ctx.define_own_property(o, ctx.intern_ascii("hidden"), Value::int32(2), 0);
  EXPECT_EQ(marshal_value(ctx, Value::object(o.get())).value(), M(MMap{{"shown", 1}}));
}

TEST(Marshal, SharedSubstructureIsCopiedPerReference) {
  Context ctx;
  EXPECT_EQ(marshal_ok(ctx, "const x = {a: 1}; return {p: x, q: [x, x]};"),
            M(MMap{{"p", MMap{{"a", 1}}}, {"q", MArray{MMap{{"a", 1}}, MMap{{"a", 1}}}}}));
}

TEST(Marshal, StatsCountNodesAndEstimatedBytes) {
  Context ctx;
  Value v = result_of(ctx, "return {ab: [1, \"xyz\"]};");
  MarshalStats stats;
  ASSERT_TRUE(marshal(ctx, v, "args", stats).ok());
  EXPECT_EQ(stats.nodes, 4u);                // map, array, 1, "xyz"
  EXPECT_EQ(stats.bytes, 4u * 16 + 2 + 3);   // + key "ab" + "xyz"
}

// --- marshal: what does not cross -------------------------------------------------

/// A program whose result must not marshal, where, and why: the message is
/// "<path>: <reason>".
struct Rejection {
  const char* source;
  const char* path;
  const char* reason;
};

void expect_rejected(const Rejection& c) {
  SCOPED_TRACE(c.source);
  Context ctx;
  expect_marshal_error(marshal_result(ctx, c.source), c.path, std::string(c.path) + ": " + c.reason);
}

constexpr const char* kOnlyData = " cannot be marshalled (only plain objects, arrays and primitives)";

TEST(Marshal, FunctionsAreErrorsNamingThePath) {
  expect_rejected({"return {a: [1, () => 1]};", "args.a[1]", "a function cannot be marshalled"});
  expect_rejected({"return [{f: Math.max}];", "args[0].f", "a function cannot be marshalled"});
}

TEST(Marshal, ClassesAndTheirInstancesAreErrors) {
  expect_rejected({"class A {}\nreturn {k: A};", "args.k", "a class cannot be marshalled"});
  std::string point = std::string("an instance of class Point") + kOnlyData;
  expect_rejected({"class Point { x = 1; }\nreturn {items: [{name: new Point()}]};", "args.items[0].name",
                   point.c_str()});
  std::string b = std::string("an instance of class B") + kOnlyData;
  expect_rejected({"class A {}\nclass B extends A {}\nreturn [new B()];", "args[0]", b.c_str()});
  std::string custom = std::string("an object whose prototype is not Object.prototype") + kOnlyData;
  expect_rejected({"const proto = {}; return [Object.create(proto)];", "args[0]", custom.c_str()});
}

TEST(Marshal, ErrorObjectsAreErrors) {
  std::string type_error = std::string("an instance of class TypeError") + kOnlyData;
  expect_rejected({"return {e: new TypeError(\"bad\")};", "args.e", type_error.c_str()});
  expect_rejected({"let caught: any = null;\nconst n: any = null;\ntry { n.x; } catch (e) { caught = e; }\n"
                   "return [caught];",
                   "args[0]", type_error.c_str()});
}

TEST(Marshal, MapsAndSetsAreErrors) {
  expect_rejected({"return {m: new Map()};", "args.m", "a Map cannot be marshalled"});
  expect_rejected({"return [1, new Set([1])];", "args[1]", "a Set cannot be marshalled"});
}

TEST(Marshal, TasksAndIteratorsAreErrors) {
  Context ctx;
  Rooted<Array*> source(ctx, ctx.new_array(0));
  Rooted<Value> iterator(ctx, Value::object(ctx.heap().make<Iterator>(Value::object(source.get()),
                                                                      Iterator::Over::Array)));
  expect_marshal_error(marshal(ctx, iterator, "result"), "result", "result: an iterator cannot be marshalled");
  // A whole Task: the collector and the finalizer treat every object of
  // that kind as one (a bare header of that kind was freed as a Task).
  Rooted<Value> task(ctx, Value::object(ctx.heap().make<Task>()));
  expect_marshal_error(marshal(ctx, task, "result"), "result", "result: a task cannot be marshalled");
}

TEST(Marshal, GettersAndSettersAreErrors) {
  expect_rejected({"return {ok: 1, inner: {get x() { return 1; }}};", "args.inner.x",
                   "a getter/setter property cannot be marshalled"});
  expect_rejected({"return {set y(v: number) {}};", "args.y", "a getter/setter property cannot be marshalled"});
  // Enumerable ones too (live module exports are defined that way).
  Context ctx;
  Rooted<Object*> o(ctx, ctx.new_plain_object());
  Rooted<Accessor*> accessor(ctx, ctx.heap().make<Accessor>());
  ctx.define_own_property(o, ctx.intern_ascii("live"), Value::object(accessor.get()), kPropAccessor | kPropEnumerable);
  expect_marshal_error(marshal_value(ctx, Value::object(o.get())), "args.live",
                       "args.live: a getter/setter property cannot be marshalled");
}

TEST(Marshal, KeysThatDifferOnlyInLoneSurrogatesCollide) {
  Context ctx;
  Rooted<Object*> o(ctx, ctx.new_plain_object());
  const char16_t first[] = {0xD800};
  const char16_t second[] = {0xD801};
  ctx.define_own_property(o, ctx.intern(std::u16string_view(first, 1)), Value::int32(1));
  ctx.define_own_property(o, ctx.intern(std::u16string_view(second, 1)), Value::int32(2));
  Result<M> r = marshal_value(ctx, Value::object(o.get()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "args[\"\xEF\xBF\xBD\"]: another key of this object has the same UTF-8 form (lone "
                               "surrogates become U+FFFD)");
}

TEST(Marshal, CyclesAreErrorsNamingBothEnds) {
  struct Cycle {
    const char* source;
    const char* path;
    const char* back_to;
  };
  const Cycle cycles[] = {
      {"const o: any = {a: {}}; o.a.b = o.a; return o;", "args.a.b", "args.a"},
      {"const a: any[] = [1]; a.push(a); return a;", "args[1]", "args"},
      {"const o: any = {}; o[\"a b\"] = [o]; return o;", "args[\"a b\"][0]", "args"},
  };
  for (const Cycle& c : cycles) {
    Context ctx;
    expect_marshal_error(marshal_result(ctx, c.source), c.path,
                         std::string("cycle: ") + c.path + " refers back to " + c.back_to);
  }
}

TEST(Marshal, CyclesFarDownAPathAreFound) {
  // Beyond the first levels the open containers are looked up by hash.
  Context ctx;
  std::string expected_back = "args", expected_path = "args";
  for (int i = 0; i < 40; ++i) {
    expected_path += ".n";
    if (i < 25) expected_back += ".n";
  }
  expect_marshal_error(marshal_result(ctx, R"(
const root: any = {};
let node: any = root;
let target: any = null;
for (let i = 0; i < 40; i++) {
  if (i == 25) target = node;
  if (i == 39) { node.n = target; break; }
  node.n = {};
  node = node.n;
}
return root;
)"),
                       expected_path, "cycle: " + expected_path + " refers back to " + expected_back);
}

TEST(Marshal, ExponentialSharingFailsFastOnTheSizeBound) {
  // 2^60 leaves by reference, 61 arrays in the heap: the copy would never
  // end; it stops at the byte bound (the heap limit) instead.
  ContextOptions options;
  options.max_heap_bytes = 8 << 20;
  Context ctx(options);
  Result<M> r = marshal_result(ctx, "let x: any = [1];\nfor (let i = 0; i < 60; i++) x = [x, x];\nreturn x;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::MarshalError);
  std::string prefix = "value too large to marshal (more than 8388608 bytes) at args[";
  EXPECT_EQ(r.error().message.substr(0, prefix.size()), prefix);
  EXPECT_EQ(r.error().message, "value too large to marshal (more than 8388608 bytes) at " + r.error().path);
}

TEST(Marshal, SharedLargeStringsCountTowardsTheSizeBound) {
  ContextOptions options;
  options.max_heap_bytes = 16 << 20;
  Context ctx(options);
  Result<M> r = marshal_result(ctx, "const s = \"x\".repeat(1000000);\nconst a: string[] = [];\n"
                                    "for (let i = 0; i < 40; i++) a.push(s);\nreturn {list: a};");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "args.list[16]");
  EXPECT_EQ(r.error().message, "value too large to marshal (more than 16777216 bytes) at args.list[16]");
}

TEST(Marshal, AnUnlimitedHeapBoundsOutputAtOneGiB) {
  ContextOptions options;
  options.max_heap_bytes = Heap::kUnlimited;
  Context unlimited(options);
  EXPECT_EQ(marshal_size_limit(unlimited), 1ull << 30);
  Context limited;
  EXPECT_EQ(marshal_size_limit(limited), limited.options().max_heap_bytes);
}

TEST(Marshal, NestingIsCappedAtTheMaximumDepth) {
  Context ctx;
  // 1000 arrays deep is fine...
  M ok = marshal_ok(ctx, nested_arrays_program(1000));
  EXPECT_TRUE(ok.is_array());
  // ...1001 is not; the error names the container that is one too deep.
  Result<M> r = marshal_result(ctx, "let x: any = {};\nfor (let i = 1; i < 1001; i++) x = {k: x};\nreturn x;");
  std::string path = "args";
  for (int i = 0; i < 1000; ++i) path += ".k";
  expect_marshal_error(r, path, path + ": nested deeper than 1000 levels");
}

// Far beyond the cap; collecting at every allocation makes building the
// nest quadratic, so a stress build builds less of it.
#ifdef RAYA_GC_STRESS
constexpr int kHostileLevels = 3000;
#else
constexpr int kHostileLevels = 100000;
#endif

TEST(Marshal, DeepNestingBeyondTheCapStopsAtTheCap) {
  Context ctx;
  Result<M> r = marshal_result(ctx, nested_arrays_program(kHostileLevels));
  std::string path = "args";
  for (int i = 0; i < 1000; ++i) path += "[0]";
  expect_marshal_error(r, path, path + ": nested deeper than 1000 levels");
}

// --- unmarshal ---------------------------------------------------------------------

TEST(Unmarshal, ScalarsBecomeRayaValues) {
  Context ctx;
  EXPECT_TRUE(unmarshal(ctx, M()).value().is_null());
  EXPECT_TRUE(unmarshal(ctx, M(true)).value().is_true());
  Value small = unmarshal(ctx, M(-7)).value();
  ASSERT_TRUE(small.is_int());
  EXPECT_EQ(small.as_int(), -7);
  Value big = unmarshal(ctx, M(int64_t(1) << 40)).value();
  ASSERT_TRUE(big.is_double());
  EXPECT_EQ(big.as_double(), 1099511627776.0);
  EXPECT_EQ(unmarshal(ctx, M(int64_t(1) << 53)).value().to_double(), 9007199254740992.0);
  EXPECT_EQ(unmarshal(ctx, M(-(int64_t(1) << 53))).value().to_double(), -9007199254740992.0);
  EXPECT_EQ(unmarshal(ctx, M(2.5)).value().as_double(), 2.5);
  // An integral double is just a number: the VM keeps it as an int.
  Value two = unmarshal(ctx, M(2.0)).value();
  ASSERT_TRUE(two.is_int());
  EXPECT_EQ(two.as_int(), 2);
  Value negative_zero = unmarshal(ctx, M(-0.0)).value();
  ASSERT_TRUE(negative_zero.is_double());
  EXPECT_TRUE(std::signbit(negative_zero.as_double()));
  EXPECT_TRUE(std::isnan(unmarshal(ctx, M(std::nan(""))).value().as_double()));
}

TEST(Unmarshal, IntegersBeyond2To53AreErrorsNamingThePath) {
  Context ctx;
  Result<Value> r = unmarshal(ctx, M((int64_t(1) << 53) + 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::MarshalError);
  EXPECT_EQ(r.error().path, "value");
  EXPECT_EQ(r.error().message,
            "value: integer 9007199254740993 cannot be represented exactly (Raya numbers are doubles)");
  MarshalStats stats;
  r = unmarshal(ctx, M(MMap{{"a", MArray{1, 2, std::numeric_limits<int64_t>::min()}}}), "result", stats);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "result.a[2]");
  EXPECT_EQ(r.error().message,
            "result.a[2]: integer -9223372036854775808 cannot be represented exactly (Raya numbers are doubles)");
}

TEST(Unmarshal, StringsAreDecodedFromUtf8) {
  Context ctx;
  EXPECT_EQ(utf8_of(unmarshal(ctx, M("caf\xC3\xA9 \xF0\x9F\x98\x80")).value()), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  Value s = unmarshal(ctx, M("\xF0\x9F\x98\x80")).value();
  EXPECT_EQ(as_string(s)->length(), 2u);  // a surrogate pair inside
}

TEST(Unmarshal, IllFormedUtf8BecomesReplacementCharacters) {
  Context ctx;
  Value s = unmarshal(ctx, M("a\xFF" "b\xED\xA0\x80")).value();
  EXPECT_EQ(as_string(s)->view(), u"a\uFFFDb\uFFFD\uFFFD\uFFFD");
}

TEST(Unmarshal, ArraysAndMapsBecomeArraysAndPlainObjects) {
  Context ctx;
  load_probe(ctx, "export function f(v: any) { return [Array.isArray(v.list), v.list.length, Object.keys(v)]; }");
  EXPECT_EQ(through_f(ctx, M(MMap{{"z", 1}, {"list", MArray{1, "x", M()}}, {"a", MMap{}}})),
            M(MArray{true, 3, MArray{"z", "list", "a"}}));
}

TEST(Unmarshal, AProtoKeyIsAnOrdinaryProperty) {
  Context ctx;
  load_probe(ctx, "export function f(v: any) { return [Object.keys(v), v[\"__proto__\"], v.toString == Object.prototype.toString]; }");
  EXPECT_EQ(through_f(ctx, M(MMap{{"__proto__", MMap{{"polluted", true}}}})),
            M(MArray{MArray{"__proto__"}, MMap{{"polluted", true}}, true}));
  Result<Value> v = unmarshal(ctx, M(MMap{{"__proto__", 1}}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(as_object(v.value())->proto(), ctx.object_prototype());
}

TEST(Unmarshal, HandlesBecomeForeignHandleObjectsAndComeBack) {
  Context ctx;
  Result<Value> v = unmarshal(ctx, M(messages::ForeignHandle{3, 99}));
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(is_foreign_handle(v.value()));
  EXPECT_EQ(as_foreign_handle(v.value())->registry_, 3u);
  EXPECT_EQ(as_foreign_handle(v.value())->token_, 99u);
  load_probe(ctx, "export function f(h: any) { return [typeof h, h, {again: h}]; }");
  messages::ForeignHandle h{1, UINT64_MAX};
  EXPECT_EQ(through_f(ctx, M(h)), M(MArray{"object", h, MMap{{"again", h}}}));
}

TEST(Unmarshal, NestingDeeperThanTheCapIsAnError) {
  Context ctx;
  M deep = M(MArray{});
  for (uint32_t i = 1; i < messages::kMaxValueDepth; ++i) deep = M(MArray{std::move(deep)});
  EXPECT_TRUE(unmarshal(ctx, deep).ok());
  deep = M(MArray{std::move(deep)});
  Result<Value> r = unmarshal(ctx, deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::MarshalError);
  std::string path = "value";
  for (uint32_t i = 0; i < messages::kMaxValueDepth; ++i) path += "[0]";
  EXPECT_EQ(r.error().message, path + ": nested deeper than 1000 levels");
}

TEST(Unmarshal, AHeapLimitIsAnErrorAndTheContextLivesOn) {
  ContextOptions options;
  {
    Context probe;
    options.max_heap_bytes = probe.heap().bytes_used() + (1 << 20);
  }
  Context ctx(options);
  uint64_t baseline = ctx.heap().bytes_used();
  // About 4 MB of strings and arrays for a 1 MB allowance.
  MArray rows;
  for (int i = 0; i < 2000; ++i) rows.push_back(MMap{{"name", std::string(1000, 'x')}, {"i", i}});
  MarshalStats stats;
  Result<Value> r = unmarshal(ctx, M(MMap{{"rows", std::move(rows)}}), "args", stats);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(r.error().limit, options.max_heap_bytes);
  EXPECT_EQ(r.error().path.rfind("args.rows[", 0), 0u) << r.error().path;
  EXPECT_NE(r.error().message.find("(while unmarshalling args.rows["), std::string::npos) << r.error().message;
  EXPECT_GT(stats.nodes, 100u);
  // The context is not dead: it collects the partial copy and runs code.
  EXPECT_EQ(ctx.fatal().code, ErrorCode::None);
  ctx.heap().collect();
  EXPECT_LT(ctx.heap().bytes_used(), baseline + 64 * 1024);
  Value v = result_of(ctx, "let s = 0; for (let i = 0; i < 100; i++) s += i; return s;");
  ASSERT_TRUE(v.is_int());
  EXPECT_EQ(v.as_int(), 4950);
  EXPECT_TRUE(unmarshal(ctx, M(MArray{1, "small"})).ok());
}

TEST(Unmarshal, AHugeByteBufferHitsTheHeapLimit) {
  ContextOptions options;
  options.max_heap_bytes = 16 << 20;
  Context ctx(options);
  Result<Value> r = unmarshal(ctx, M(MBytes(32 << 20, 7)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::HeapLimitExceeded);
  EXPECT_EQ(r.error().path, "value");
}

// --- Bytes seen from Raya ----------------------------------------------------------

TEST(Unmarshal, BytesAreReadOnlyByteSequencesInRaya) {
  Context ctx;
  load_probe(ctx, R"(
export function f(b: any) {
  const out: any[] = [typeof b, b.length, b[0], b[2], b[3], b[-1], b[1.5], b["length"], String(b), `${b}`];
  try { b[0] = 1; } catch (e) { out.push(e.message); }
  try { b.length = 0; } catch (e) { out.push(e.message); }
  try { b.extra = 0; } catch (e) { out.push(e.message); }
  out.push(b.missing);
  return out;
}
)");
  EXPECT_EQ(through_f(ctx, M(MBytes{0, 128, 255})),
            M(MArray{"object", 3, 0, 255, M(), M(), M(), 3, "[Bytes 3]", "[Bytes 3]", "Bytes are immutable",
                     "Bytes are immutable", "Bytes are immutable", M()}));
}

TEST(Unmarshal, BytesComeBackUnchanged) {
  Context ctx;
  load_probe(ctx, "export function f(v: any) { return {copy: v.b, n: v.b.length}; }");
  MBytes data;
  for (int i = 0; i < 300; ++i) data.push_back(uint8_t(i * 7));
  EXPECT_EQ(through_f(ctx, M(MMap{{"b", data}})), M(MMap{{"copy", data}, {"n", 300}}));
}

// --- random round trips --------------------------------------------------------------

/// Raya has one number type, so an integral Double (2.0) comes back as Int
/// 2, and an Int beyond 2^53 does not fit: the random trees here have ints
/// within +-2^53 and only doubles that stay doubles (non-integral ones, NaN,
/// the infinities, -0.0). Everything else survives exactly.
constexpr messages::testing::RandomValueOptions kBoundaryValues{int64_t(1) << 53, false};

TEST(MarshalRoundTrip, RandomValuesSurviveUnmarshalAndMarshal) {
  // Collecting at every allocation is slow; fewer trees still cover the
  // rooting of every kind.
#ifdef RAYA_GC_STRESS
  constexpr int kTrees = 200;
#else
  constexpr int kTrees = 2000;
#endif
  Context ctx;
  messages::testing::RandomValues random(42, kBoundaryValues);
  for (int i = 0; i < kTrees; ++i) {
    M original = random.tree(0);
    SCOPED_TRACE("tree " + std::to_string(i) + ": " + messages::to_json(original));
    Result<Value> raya = unmarshal(ctx, original);
    ASSERT_TRUE(raya.ok()) << raya.error().to_string();
    Rooted<Value> held(ctx, raya.value());
    Result<M> back = marshal(ctx, held, "value");
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(back.value(), original);
    // And through the JSON text of both sides.
    M parsed;
    std::string error;
    ASSERT_TRUE(messages::value_from_json(messages::to_json(back.value()), parsed, error)) << error;
    Result<Value> again = unmarshal(ctx, parsed);
    ASSERT_TRUE(again.ok()) << again.error().to_string();
    Result<M> final_form = marshal(ctx, again.value(), "value");
    ASSERT_TRUE(final_form.ok());
    EXPECT_EQ(messages::to_json(final_form.value()), messages::to_json(original));
  }
}

}  // namespace
}  // namespace raya::vm
