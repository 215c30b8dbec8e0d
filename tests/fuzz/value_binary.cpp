// Fuzz target: bytes -> messages::Value through its CAF wire form
// (messages/inspect.hpp: tags, LEB128 lengths, chunked blocks), as a Value
// arrives from another node. Oracles: nothing crashes or allocates beyond
// the input's size; a Value that loads saves to bytes that load back equal
// and save the same.
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <string>
#include <vector>

#include "messages/inspect.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace raya;
  messages::Value value;
  caf::binary_deserializer source{nullptr, reinterpret_cast<const char*>(data), size};
  if (source(value)) return 0;
  std::vector<char> saved;
  caf::binary_serializer sink{nullptr, saved};
  if (sink(value)) fuzz::fail("a Value that loaded does not save");
  messages::Value back;
  caf::binary_deserializer again{nullptr, saved};
  if (again(back)) fuzz::fail("a saved Value does not load");
  if (again.remaining() != 0) fuzz::fail("loading a saved Value leaves bytes unread");
  if (!(back == value)) fuzz::fail("a binary round trip changed the value: " + messages::to_json(back));
  std::vector<char> resaved;
  caf::binary_serializer sink2{nullptr, resaved};
  if (sink2(back) || resaved != saved) fuzz::fail("saving is not stable across a round trip");
  return 0;
}
