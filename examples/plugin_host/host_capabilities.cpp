// The plugin host's capabilities (see host_capabilities.hpp). Each checks
// its arguments itself: they come from untrusted code, and a wrong one is a
// CapabilityError the calling task can catch, never a crash.
#include "examples/plugin_host/host_capabilities.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

namespace plugin_host {

using raya::actors::CapabilityError;
using raya::actors::CapabilityRegistry;
using raya::messages::CapabilityCall;
using raya::messages::CapabilityResult;
using raya::messages::ErrorCode;
using raya::messages::Value;

// --- PluginNames, KvStore -------------------------------------------------

void PluginNames::set(uint64_t context_id, std::string name) {
  std::lock_guard lock(mutex_);
  names_[context_id] = std::move(name);
}

std::string PluginNames::of(uint64_t context_id) const {
  std::lock_guard lock(mutex_);
  auto it = names_.find(context_id);
  return it != names_.end() ? it->second : "context " + std::to_string(context_id);
}

std::optional<Value> KvStore::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void KvStore::put(const std::string& key, Value value) {
  std::lock_guard lock(mutex_);
  entries_[key] = std::move(value);
}

int HostState::log_lines_of(const std::string& name) {
  std::lock_guard lock(log_mutex);
  auto it = log_lines.find(name);
  return it != log_lines.end() ? it->second : 0;
}

void HostState::print(const std::string& name, const std::string& line) {
  std::lock_guard lock(log_mutex);  // whole lines, never interleaved
  log_lines[name]++;
  std::printf("  [%s] %s\n", name.c_str(), line.c_str());
  std::fflush(stdout);
}

// --- PriceDesk --------------------------------------------------------------

PriceDesk::PriceDesk(std::map<std::string, int64_t> cents_by_item, std::chrono::milliseconds delay)
    : cents_by_item_(std::move(cents_by_item)), delay_(delay), thread_([this] { serve(); }) {}

PriceDesk::~PriceDesk() { stop(); }

void PriceDesk::ask(std::string item, CapabilityRegistry::Reply reply) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Question{std::move(item), std::move(reply)});
      wake_.notify_one();
      return;
    }
  }
  reply(CapabilityResult::failure(raya::messages::make_error(ErrorCode::CapabilityFailed, "the price desk is closed")));
}

void PriceDesk::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PriceDesk::serve() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Question q = std::move(queue_.front());
    queue_.pop_front();
    const bool closing = stopping_;
    lock.unlock();
    if (closing) {
      q.reply(CapabilityResult::failure(
          raya::messages::make_error(ErrorCode::CapabilityFailed, "the price desk closed before answering")));
    } else {
      std::this_thread::sleep_for(delay_);  // the "remote" service thinking
      auto it = cents_by_item_.find(q.item);
      q.reply(it != cents_by_item_.end()
                  ? CapabilityResult::success(Value(it->second))
                  : CapabilityResult::failure(raya::messages::make_error(ErrorCode::CapabilityFailed,
                                                                         "no price for '" + q.item + "'")));
    }
    lock.lock();
  }
}

// --- the capabilities -------------------------------------------------------

namespace {

[[noreturn]] void bad_call(const CapabilityCall& call, const std::string& why) {
  throw CapabilityError(raya::messages::make_error(ErrorCode::CapabilityFailed, call.capability + ": " + why));
}

const Value& arg(const CapabilityCall& call, size_t i) {
  if (call.args.size() <= i) bad_call(call, "expected at least " + std::to_string(i + 1) + " argument(s)");
  return call.args[i];
}

const std::string& string_arg(const CapabilityCall& call, size_t i) {
  const Value& v = arg(call, i);
  if (!v.is_string()) bad_call(call, "argument " + std::to_string(i + 1) + " must be a string");
  return v.as_string();
}

/// A whole number (Raya numbers reach the host as Int, or as Double when
/// they left the 32-bit fast path).
int64_t whole_arg(const CapabilityCall& call, size_t i) {
  const Value& v = arg(call, i);
  if (v.is_int()) return v.as_int();
  if (v.is_double() && std::trunc(v.as_double()) == v.as_double() && std::fabs(v.as_double()) < 9e15)
    return int64_t(v.as_double());
  bad_call(call, "argument " + std::to_string(i + 1) + " must be a whole number");
}

/// Text of a log argument: strings as they are, anything else as JSON.
std::string text_of(const Value& v) { return v.is_string() ? v.as_string() : raya::messages::to_json(v); }

}  // namespace

const std::vector<std::string>& all_capability_names() {
  static const std::vector<std::string> kNames = {"log",       "kvGet",      "kvPut",      "fetchPrice",
                                                  "openLedger", "ledgerAdd", "ledgerTotal"};
  return kNames;
}

void register_capabilities(CapabilityRegistry& registry, HostState& host) {
  registry.add("log", [&host](const CapabilityCall& call) {
    std::string line;
    for (const Value& v : call.args) {
      if (!line.empty()) line += ' ';
      line += text_of(v);
    }
    host.print(host.names.of(call.context_id), line);
    return Value();
  });

  registry.add("kvGet", [&host](const CapabilityCall& call) {
    return host.kv.get(string_arg(call, 0)).value_or(Value());
  });
  registry.add("kvPut", [&host](const CapabilityCall& call) {
    host.kv.put(string_arg(call, 0), arg(call, 1));
    return Value();
  });

  // Answered from the price desk's thread, a few milliseconds later. The
  // limits apply per sandbox: at most 8 questions in flight (a ninth fails
  // at once with QuotaExceeded) and none may take over 5 s (Timeout).
  raya::actors::CapabilityLimits price_limits;
  price_limits.max_concurrent = 8;
  price_limits.timeout = std::chrono::milliseconds(5000);
  registry.add_async(
      "fetchPrice",
      [&host](const CapabilityCall& call, CapabilityRegistry::Reply reply) {
        host.prices.ask(string_arg(call, 0), std::move(reply));
      },
      price_limits);

  registry.add("openLedger", [&registry](const CapabilityCall& call) {
    auto ledger = std::make_shared<Ledger>();
    ledger->name = string_arg(call, 0);
    return registry.make_handle(call, std::move(ledger));
  });
  // resolve() gives the Ledger back only for a handle this registry made
  // for this very context; a forged value or another plugin's handle is
  // nullptr.
  auto ledger_of = [&registry](const CapabilityCall& call) {
    std::shared_ptr<Ledger> ledger = registry.resolve<Ledger>(call, arg(call, 0));
    if (!ledger) bad_call(call, "argument 1 is not a ledger handle of this plugin");
    return ledger;
  };
  registry.add("ledgerAdd", [ledger_of](const CapabilityCall& call) {
    std::shared_ptr<Ledger> ledger = ledger_of(call);
    int64_t cents = whole_arg(call, 1);
    std::lock_guard lock(ledger->mutex);
    ledger->total_cents += cents;
    ledger->entries++;
    return Value(ledger->total_cents);
  });
  registry.add("ledgerTotal", [ledger_of](const CapabilityCall& call) {
    std::shared_ptr<Ledger> ledger = ledger_of(call);
    std::lock_guard lock(ledger->mutex);
    return Value(Value::Map{{"ledger", ledger->name},
                            {"entries", int64_t(ledger->entries)},
                            {"cents", ledger->total_cents}});
  });
}

}  // namespace plugin_host
