// A module sent to a context (source text or verified-at-load `.ryb` bytes)
// and what loading it produced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/error.hpp"
#include "messages/value.hpp"

namespace raya::messages {

struct ModuleSource {
  enum class Kind : uint8_t { Source = 0, Bytecode = 1 };
  Kind kind = Kind::Source;
  std::string path;            // for diagnostics; Source: imports resolve relative to it
  std::string text;            // Source: Raya source text
  std::vector<uint8_t> bytes;  // Bytecode: a `.ryb` module (verified before it runs)

  static ModuleSource from_source(std::string path, std::string text) {
    ModuleSource m;
    m.kind = Kind::Source;
    m.path = std::move(path);
    m.text = std::move(text);
    return m;
  }
  static ModuleSource from_bytecode(std::string path, std::vector<uint8_t> bytes) {
    ModuleSource m;
    m.kind = Kind::Bytecode;
    m.path = std::move(path);
    m.bytes = std::move(bytes);
    return m;
  }
  /// Bytes this source occupies (what it costs a mailbox to hold it).
  uint64_t size_bytes() const { return path.size() + text.size() + bytes.size(); }

  friend bool operator==(const ModuleSource&, const ModuleSource&) = default;
};

/// What a loaded module offers and needs.
struct ModuleInfo {
  std::string path;
  std::vector<std::string> exports;       // exported names, in declaration order
  std::vector<std::string> capabilities;  // its `host:` imports (all granted, or it would not load)

  friend bool operator==(const ModuleInfo&, const ModuleInfo&) = default;
};

/// The reply to load: answered once the module's top-level code has run
/// (ok), or with the CompileError / VerifyError / CapabilityDenied /
/// top-level RuntimeError / limit error that stopped it.
struct LoadResult {
  bool ok = false;
  ModuleInfo info;
  Value value;  // ok: what the top-level code returned (null if nothing)
  Error error;

  friend bool operator==(const LoadResult&, const LoadResult&) = default;
};

}  // namespace raya::messages
