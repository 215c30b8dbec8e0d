// Writes the binary and JSON seed inputs of value_json, value_binary and
// caf_boundary (the .raya and .ryb seeds come from tests/lang and `raya
// compile`). Not part of the build; run once by hand when the wire forms
// change, from the repository root after a Release build:
//   g++ -std=c++20 -I. tests/fuzz/tools/make_seeds.cpp -o /tmp/make_seeds \
//     build/messages/libraya_messages_caf.a build/messages/libraya_messages.a \
//     -lcaf_core -lboost_json -lpthread && /tmp/make_seeds tests/fuzz/corpus
#include <caf/actor_system_config.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include "messages/boundary_json.hpp"
#include "messages/caf_types.hpp"
#include "messages/inspect.hpp"
using namespace raya::messages;
caf::actor_system* sys;
std::string out;
template <class T> std::vector<char> save(T x) { std::vector<char> b; caf::binary_serializer s{*sys, b}; if (s(x)) abort(); return b; }
void write(const std::string& path, const std::string& bytes) { std::ofstream(out + "/" + path, std::ios::binary) << bytes; }
void write(const std::string& path, const std::vector<char>& b, int prefix = -1) {
  std::string s; if (prefix >= 0) s += char(prefix); s.append(b.begin(), b.end()); write(path, s);
}
int main(int, char** argv) {
  out = argv[1];
  caf::actor_system_config cfg; cfg.set("scheduler.max-threads", 1); register_message_types(cfg);
  sys = new caf::actor_system(cfg);
  Value::Map m; m.emplace_back("name", Value("tea")); m.emplace_back("cents", Value(int64_t(250)));
  m.emplace_back("tags", Value(Value::Array{Value("a"), Value(true), Value()}));
  Value obj(m);
  Value::Map dollar; dollar.emplace_back("$bytes", Value("x"));
  std::vector<std::pair<std::string, Value>> values = {
    {"null", Value()}, {"bool", Value(true)}, {"int", Value(int64_t(-42))}, {"int_max", Value(std::numeric_limits<int64_t>::max())},
    {"double", Value(3.25)}, {"nan", Value(std::nan(""))}, {"inf", Value(-INFINITY)}, {"string", Value("h\xc3\xa9llo \"q\"\n")},
    {"bytes", Value(Value::Bytes{0, 1, 2, 255})}, {"handle", Value(ForeignHandle{7, 99})},
    {"array", Value(Value::Array{Value(int64_t(1)), Value(2.5), Value("x"), Value(Value::Array{})})},
    {"map", obj}, {"dollar_map", Value(dollar)},
    {"nested", Value(Value::Array{obj, Value(Value::Array{obj, Value(Value::Map{})})})},
  };
  for (auto& [n, v] : values) {
    write("value_json/" + n + ".json", to_json(v));
    write("value_binary/" + n + ".bin", save(v));
  }
  Error err = make_error(ErrorCode::RuntimeError, "boom"); err.name = "TypeError"; err.stack = "at f (a.raya:1:2)\n";
  Diagnostic d; d.file = "a.raya"; d.message = "unexpected token"; d.source_line = "let = 1;";
  Error cerr = make_error(ErrorCode::CompileError, "1 error"); cerr.diagnostics.push_back(d);
  VmOptions opts; opts.max_heap_bytes = 1 << 20; opts.max_step_budget = 1000;
  VmStats st; st.steps_executed = 12; st.peak_heap_bytes = 4096; st.limits = opts;
  TaskResult tr; tr.ok = true; tr.context_id = 3; tr.task_id = 4; tr.value = obj;
  TaskResult tf; tf.ok = false; tf.error = err;
  Started sd; sd.ok = true; sd.task_id = 9;
  ModuleSource ms = ModuleSource::from_source("p.raya", "export function f() { return 1; }");
  ModuleSource mb = ModuleSource::from_bytecode("p.ryb", std::vector<uint8_t>{0x52, 0x59, 0x42, 0});
  ModuleInfo mi; mi.path = "p.raya"; mi.exports = {"main", "f"}; mi.capabilities = {"log"};
  LoadResult lr; lr.ok = true; lr.info = mi; lr.value = Value(int64_t(1));
  LoadResult lf; lf.ok = false; lf.error = cerr;
  CapabilityCall cc; cc.capability = "log"; cc.args = {Value("x"), obj};
  CapabilityResult cr; cr.ok = true; cr.value = Value("ok");
  ContextReport rep; rep.name = "tiny"; rep.state = ContextReport::State::Failed; rep.stats = st; rep.error = err;
  write("value_json/error.json", to_json(err)); write("value_json/compile_error.json", to_json(cerr));
  write("value_json/diagnostic.json", to_json(d)); write("value_json/vm_options.json", to_json(opts));
  write("value_json/vm_stats.json", to_json(st)); write("value_json/task_result_ok.json", to_json(tr));
  write("value_json/task_result_failed.json", to_json(tf)); write("value_json/started.json", to_json(sd));
  write("value_json/module_source.json", to_json(ms)); write("value_json/module_bytecode.json", to_json(mb));
  write("value_json/module_info.json", to_json(mi)); write("value_json/load_result.json", to_json(lr));
  write("value_json/load_failed.json", to_json(lf)); write("value_json/capability_call.json", to_json(cc));
  write("value_json/capability_result.json", to_json(cr)); write("value_json/context_report.json", to_json(rep));
  // caf_boundary: first byte = index in kChoices.
  int i = 0;
  write("caf_boundary/00_value_list.bin", save(std::vector<Value>{obj, Value(1.5)}), i++);
  write("caf_boundary/01_value.bin", save(values[13].second), i++);
  write("caf_boundary/02_handle.bin", save(ForeignHandle{1, 2}), i++);
  write("caf_boundary/03_error_code.bin", save(ErrorCode::HeapLimitExceeded), i++);
  write("caf_boundary/04_diagnostic.bin", save(d), i++);
  write("caf_boundary/05_error.bin", save(cerr), i++);
  write("caf_boundary/06_vm_options.bin", save(opts), i++);
  write("caf_boundary/07_vm_stats.bin", save(st), i++);
  write("caf_boundary/08_task_result.bin", save(tr), i++);
  write("caf_boundary/09_started.bin", save(sd), i++);
  write("caf_boundary/10_module_source.bin", save(mb), i++);
  write("caf_boundary/11_module_info.bin", save(mi), i++);
  write("caf_boundary/12_load_result.bin", save(lf), i++);
  write("caf_boundary/13_capability_call.bin", save(cc), i++);
  write("caf_boundary/14_capability_result.bin", save(cr), i++);
  write("caf_boundary/15_context_reports.bin", save(std::vector<ContextReport>{rep, rep}), i++);
  write("caf_boundary/16_context_report.bin", save(rep), i++);
  write("caf_boundary/17_message.bin", save(caf::make_message(tr, std::vector<Value>{obj}, err)), i++);
  printf("ok\n");
  _exit(0);
}
