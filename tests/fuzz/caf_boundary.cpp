// Fuzz target: CAF deserialization (caf::binary_deserializer) of every
// boundary type messages/caf_types.cpp registers, as they arrive from
// another node. The first byte chooses the type; the last choice is a whole
// caf::message, whose element types are named in the bytes and looked up in
// a system that registered ours. Oracles: nothing crashes, hangs or
// allocates beyond the input's size; what loads saves, loads back equal and
// saves to the same bytes.
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include <string>
#include <vector>

#include "messages/caf_types.hpp"
#include "messages/inspect.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace raya::messages;
using Bytes = std::vector<char>;

/// caf::message needs a system that knows the type names. Created once and
/// never destroyed: CAF 0.17.6 crashes destroying a system during static
/// destruction.
caf::actor_system& the_system() {
  static caf::actor_system* system = [] {
    auto* config = new caf::actor_system_config;
    config->set("scheduler.max-threads", 1);
    register_message_types(*config);
    return new caf::actor_system(*config);
  }();
  return *system;
}

template <class T>
Bytes save_or_fail(T& x, const char* type) {
  Bytes buf;
  caf::binary_serializer sink{the_system(), buf};
  if (sink(x)) raya::fuzz::fail(std::string(type) + ": what loaded does not save");
  return buf;
}

template <class T>
void round_trip(const char* data, size_t size, const char* type) {
  T loaded{};
  caf::binary_deserializer source{the_system(), data, size};
  if (source(loaded)) return;
  const Bytes saved = save_or_fail(loaded, type);
  T back{};
  caf::binary_deserializer again{the_system(), saved};
  if (again(back) || again.remaining() != 0) raya::fuzz::fail(std::string(type) + ": what saved does not load");
  if constexpr (!std::is_same_v<T, caf::message>) {
    if (!(back == loaded)) raya::fuzz::fail(std::string(type) + ": a round trip changed it");
  }
  if (save_or_fail(back, type) != saved) raya::fuzz::fail(std::string(type) + ": saving is not stable");
}

using Loader = void (*)(const char*, size_t, const char*);
struct Choice {
  const char* name;
  Loader load;
};

const Choice kChoices[] = {
    {"ValueList", round_trip<std::vector<Value>>},
    {"Value", round_trip<Value>},
    {"ForeignHandle", round_trip<ForeignHandle>},
    {"ErrorCode", round_trip<ErrorCode>},
    {"Diagnostic", round_trip<Diagnostic>},
    {"Error", round_trip<Error>},
    {"VmOptions", round_trip<VmOptions>},
    {"VmStats", round_trip<VmStats>},
    {"TaskResult", round_trip<TaskResult>},
    {"Started", round_trip<Started>},
    {"ModuleSource", round_trip<ModuleSource>},
    {"ModuleInfo", round_trip<ModuleInfo>},
    {"LoadResult", round_trip<LoadResult>},
    {"CapabilityCall", round_trip<CapabilityCall>},
    {"CapabilityResult", round_trip<CapabilityResult>},
    {"ContextReportList", round_trip<std::vector<ContextReport>>},
    {"ContextReport", round_trip<ContextReport>},
    {"caf::message", round_trip<caf::message>},
};
constexpr size_t kChoiceCount = sizeof(kChoices) / sizeof(kChoices[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Choice& choice = kChoices[data[0] % kChoiceCount];
  choice.load(reinterpret_cast<const char*>(data + 1), size - 1, choice.name);
  return 0;
}
