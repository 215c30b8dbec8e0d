// The host side of the plugin host: the state behind its capabilities and
// the capabilities themselves, as plugins import them (`import { log } from
// "host:"`). What a plugin may import is decided per sandbox by its grants
// (main.cpp); this file only says what each capability does.
//
//   log(message)              prints "[plugin] message" (the name comes from
//                             the calling context's id)
//   kvGet(key) / kvPut(k, v)  a string-keyed map shared by every plugin
//   fetchPrice(item)          answered later, by a price desk on its own thread
//   openLedger(name)          a foreign handle to a host Ledger object...
//   ledgerAdd(h, cents)       ...which only the plugin that opened it can
//   ledgerTotal(h)            pass back; anything else is refused
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "actors/capability_registry.hpp"
#include "messages/value.hpp"

namespace plugin_host {

/// Which plugin a context is: capability calls carry only the context id.
class PluginNames {
 public:
  void set(uint64_t context_id, std::string name);
  std::string of(uint64_t context_id) const;

 private:
  mutable std::mutex mutex_;
  std::map<uint64_t, std::string> names_;
};

/// The map behind kvGet/kvPut. Values are boundary values (deep copies).
class KvStore {
 public:
  std::optional<raya::messages::Value> get(const std::string& key) const;
  void put(const std::string& key, raya::messages::Value value);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, raya::messages::Value> entries_;
};

/// A host object a plugin holds only as an opaque foreign handle.
struct Ledger {
  std::string name;
  std::mutex mutex;
  int64_t total_cents = 0;
  uint32_t entries = 0;
};

/// A slow service with a thread of its own: each question is answered
/// `delay` after the previous one, in arrival order, through the Reply the
/// capability was given — so the calling Raya task waits while its worker
/// thread runs other sandboxes.
class PriceDesk {
 public:
  PriceDesk(std::map<std::string, int64_t> cents_by_item, std::chrono::milliseconds delay);
  ~PriceDesk();  // stop()
  void ask(std::string item, raya::actors::CapabilityRegistry::Reply reply);
  /// Answers what is queued with an error, then joins the thread.
  void stop();

 private:
  struct Question {
    std::string item;
    raya::actors::CapabilityRegistry::Reply reply;
  };
  void serve();

  const std::map<std::string, int64_t> cents_by_item_;
  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Question> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

/// Everything the capabilities touch. Outlives the calls: main() stops the
/// price desk only after every plugin has finished.
struct HostState {
  PluginNames names;
  KvStore kv;
  PriceDesk prices;
  /// log() lines per plugin name (to show a plugin that never ran).
  std::map<std::string, int> log_lines;
  std::mutex log_mutex;

  explicit HostState(std::map<std::string, int64_t> price_list)
      : prices(std::move(price_list), std::chrono::milliseconds(2)) {}
  int log_lines_of(const std::string& name);
  /// Prints "  [name] line" as one whole line and counts it.
  void print(const std::string& name, const std::string& line);
};

/// Registers log, kvGet, kvPut, fetchPrice, openLedger, ledgerAdd and
/// ledgerTotal on `registry`, all backed by `host`.
void register_capabilities(raya::actors::CapabilityRegistry& registry, HostState& host);

/// The names register_capabilities registers.
const std::vector<std::string>& all_capability_names();

}  // namespace plugin_host
