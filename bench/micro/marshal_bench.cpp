// Marshalling micro-benchmarks: the cost of moving data across a context
// boundary, on one ~1 MB tree — 2,000 records of
// {id, name, email, description, tags: [...], nested: {score, active,
// counts: [...], owner: {first, last}, note}} — the shape of a typical task
// argument or result.
//
//   Marshal/Unmarshal  messages::Value -> Raya heap (allocation, interning
//                      keys, UTF-8 -> UTF-16); garbage from earlier
//                      iterations is collected as it goes, as in real use.
//   Marshal/Marshal    Raya heap -> messages::Value (deep copy, cycle check).
//   Marshal/ToJson     messages::Value -> JSON text.
//   Marshal/FromJson   JSON text -> messages::Value.
//
// bytes_per_second counts the JSON text of the tree (the same figure for all
// four), so the rows compare directly.
#include <benchmark/benchmark.h>

#include <string>

#include "messages/value.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/interp/marshal.hpp"

namespace raya::vm {
namespace {

using M = messages::Value;

constexpr int kRecords = 2000;

M make_records() {
  static const char* const kTags[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
  M::Array records;
  records.reserve(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    M::Array tags;
    for (int t = 0; t < 2 + i % 4; ++t) tags.emplace_back(kTags[(i + t) % 6]);
    M::Array counts;
    for (int c = 0; c < 12; ++c) counts.emplace_back(int64_t(i * 8 + c));
    std::string id = std::to_string(i);
    records.emplace_back(M::Map{
        {"id", M(int64_t(i))},
        {"name", M("Record number " + id + " \xE2\x80\x94 caf\xC3\xA9 edition")},
        {"email", M("user" + id + "@example.com")},
        {"description", M("Record " + id + " of the benchmark set: a paragraph of ordinary text, the kind a "
                                            "task result carries, with a little punctuation and no escapes.")},
        {"tags", M(std::move(tags))},
        {"nested",
         M::Map{{"score", M(i * 0.25 + 0.125)},
                {"active", M(i % 3 == 0)},
                {"counts", M(std::move(counts))},
                {"owner", M::Map{{"first", M("Ada" + id)}, {"last", M("Lovelace")}}},
                {"note", M("lorem ipsum dolor sit amet, consectetur adipiscing elit")}}},
    });
  }
  return M(M::Map{{"records", M(std::move(records))}});
}

const M& records() {
  static const M tree = make_records();
  return tree;
}

int64_t json_size() {
  static const int64_t size = int64_t(messages::to_json(records()).size());
  return size;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * json_size());
  state.counters["json_bytes"] = double(json_size());
}

void BM_Marshal_Unmarshal(benchmark::State& state) {
  Context ctx;
  for (auto _ : state) {
    Result<Value> v = unmarshal(ctx, records());
    if (!v.ok()) {
      state.SkipWithError(v.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(v.value());
  }
  report(state);
}
BENCHMARK(BM_Marshal_Unmarshal)->Name("Marshal/Unmarshal")->Unit(benchmark::kMillisecond);

void BM_Marshal_Marshal(benchmark::State& state) {
  Context ctx;
  Result<Value> v = unmarshal(ctx, records());
  if (!v.ok()) {
    state.SkipWithError(v.error().to_string().c_str());
    return;
  }
  Rooted<Value> held(ctx, v.value());
  // A round trip that changes the tree is a bug, not a figure.
  Result<M> check = marshal(ctx, held, "args");
  if (!check.ok() || !(check.value() == records())) {
    state.SkipWithError("marshal(unmarshal(tree)) != tree");
    return;
  }
  for (auto _ : state) {
    Result<M> m = marshal(ctx, held, "args");
    benchmark::DoNotOptimize(m.ok());
  }
  report(state);
}
BENCHMARK(BM_Marshal_Marshal)->Name("Marshal/Marshal")->Unit(benchmark::kMillisecond);

void BM_Marshal_ToJson(benchmark::State& state) {
  for (auto _ : state) {
    std::string text = messages::to_json(records());
    benchmark::DoNotOptimize(text.data());
  }
  report(state);
}
BENCHMARK(BM_Marshal_ToJson)->Name("Marshal/ToJson")->Unit(benchmark::kMillisecond);

void BM_Marshal_FromJson(benchmark::State& state) {
  const std::string text = messages::to_json(records());
  M check;
  std::string error;
  if (!messages::value_from_json(text, check, error) || !(check == records())) {
    state.SkipWithError(("from_json(to_json(tree)) != tree: " + error).c_str());
    return;
  }
  for (auto _ : state) {
    M out;
    bool ok = messages::value_from_json(text, out, error);
    benchmark::DoNotOptimize(ok);
  }
  report(state);
}
BENCHMARK(BM_Marshal_FromJson)->Name("Marshal/FromJson")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace raya::vm
