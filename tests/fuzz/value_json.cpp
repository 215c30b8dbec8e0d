// Fuzz target: JSON text -> messages::Value (value_from_json) and every
// boundary type's JSON reader (boundary_json.hpp, vm_options.hpp). Oracles:
// nothing crashes; whatever parses prints (to_json) as text that parses back
// to an equal value, and a Value prints the same the second time.
#include <string>

#include "messages/boundary_json.hpp"
#include "messages/value.hpp"
#include "messages/vm_options.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

template <class T, class Read>
void round_trip(std::string_view json, Read read, const char* type) {
  T out;
  std::string error;
  if (!read(json, out, error)) return;
  const std::string printed = raya::messages::to_json(out);
  T back;
  if (!read(printed, back, error))
    raya::fuzz::fail(std::string(type) + ": to_json wrote text from_json refuses: " + error + "\n" + printed);
  if (!(back == out)) raya::fuzz::fail(std::string(type) + ": a JSON round trip changed the record: " + printed);
}

template <class T>
void parse_as(std::string_view json, const char* type) {
  round_trip<T>(
      json, [](std::string_view j, T& out, std::string& e) { return raya::messages::from_json(j, out, e); }, type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace raya;
  using namespace raya::messages;
  const std::string_view json = fuzz::as_text(data, size);
  Value value;
  std::string error;
  if (value_from_json(json, value, error)) {
    const std::string printed = to_json(value);
    Value back;
    if (!value_from_json(printed, back, error)) fuzz::fail("to_json wrote text value_from_json refuses: " + error);
    if (!(back == value)) fuzz::fail("a JSON round trip changed the value: " + printed);
    if (to_json(back) != printed) fuzz::fail("to_json is not stable across a round trip: " + printed);
  }
  parse_as<Diagnostic>(json, "Diagnostic");
  parse_as<Error>(json, "Error");
  parse_as<TaskResult>(json, "TaskResult");
  parse_as<Started>(json, "Started");
  parse_as<ModuleSource>(json, "ModuleSource");
  parse_as<ModuleInfo>(json, "ModuleInfo");
  parse_as<LoadResult>(json, "LoadResult");
  parse_as<CapabilityCall>(json, "CapabilityCall");
  parse_as<CapabilityResult>(json, "CapabilityResult");
  parse_as<ContextReport>(json, "ContextReport");
  round_trip<VmOptions>(json, vm_options_from_json, "VmOptions");
  round_trip<VmStats>(json, vm_stats_from_json, "VmStats");
  return 0;
}
