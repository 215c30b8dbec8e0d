// What a boundary value costs to hold: the bytes its strings and buffers
// occupy plus a fixed charge per node (the node itself and its container
// slot). Strings count 2.5 bytes per UTF-8 byte: the VM stores text as
// UTF-16, and the allocator rounds a large block up to its size class (up
// to a quarter more); bytes count 1.25. A request admitted against the heap
// budget must not turn out larger once unmarshalled there. It is how queued request payloads and kept results are counted
// against a context's heap budget before they reach the heap. Iterative, so
// a deep value cannot overflow the stack.
#pragma once

#include <cstdint>
#include <vector>

#include "messages/module_source.hpp"
#include "messages/task_result.hpp"
#include "messages/value.hpp"

namespace raya::actors {

inline constexpr uint64_t kPayloadNodeBytes = 32;

inline uint64_t text_cost(uint64_t utf8_bytes) { return 2 * utf8_bytes + utf8_bytes / 2; }

inline uint64_t payload_size(const messages::Value& root) {
  uint64_t total = 0;
  std::vector<const messages::Value*> pending{&root};
  while (!pending.empty()) {
    const messages::Value* v = pending.back();
    pending.pop_back();
    total += kPayloadNodeBytes;
    switch (v->kind()) {
      case messages::Value::Kind::String: total += text_cost(v->as_string().size()); break;
      case messages::Value::Kind::Bytes: total += v->as_bytes().size() + v->as_bytes().size() / 4; break;
      case messages::Value::Kind::Array:
        for (const messages::Value& e : v->as_array()) pending.push_back(&e);
        break;
      case messages::Value::Kind::Map:
        for (const auto& [key, e] : v->as_map()) {
          total += text_cost(key.size());
          pending.push_back(&e);
        }
        break;
      default: break;
    }
  }
  return total;
}

inline uint64_t payload_size(const std::vector<messages::Value>& values) {
  uint64_t total = kPayloadNodeBytes;
  for (const messages::Value& v : values) total += payload_size(v);
  return total;
}

inline uint64_t payload_size(const messages::TaskResult& result) {
  const messages::Error& e = result.error;
  return payload_size(result.value) +
         text_cost(e.message.size() + e.name.size() + e.stack.size() + e.path.size());
}

inline uint64_t payload_size(const messages::ModuleSource& module) {
  return kPayloadNodeBytes + module.size_bytes();
}

}  // namespace raya::actors
