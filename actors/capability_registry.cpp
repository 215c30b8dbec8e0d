#include "actors/capability_registry.hpp"

#include <atomic>
#include <random>

namespace raya::actors {

namespace {

std::atomic<uint64_t> next_registry_id{1};

// splitmix64: a fast, well-mixed step; seeded from std::random_device so
// tokens cannot be predicted from one another or across runs.
uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

CapabilityRegistry::CapabilityRegistry() : id_(next_registry_id++) {
  std::random_device rd;
  token_state_ = (uint64_t(rd()) << 32) ^ rd();
}

void CapabilityRegistry::put(std::shared_ptr<Entry> entry) {
  std::unique_lock lock(mutex_);
  std::string name = entry->name;
  entries_[std::move(name)] = std::move(entry);
}

void CapabilityRegistry::add(std::string name, Function fn, CapabilityLimits limits) {
  auto e = std::make_shared<Entry>();
  e->name = std::move(name);
  e->kind = Entry::Kind::Function;
  e->function = std::move(fn);
  e->limits = limits;
  put(std::move(e));
}

void CapabilityRegistry::add_async(std::string name, AsyncFunction fn, CapabilityLimits limits) {
  auto e = std::make_shared<Entry>();
  e->name = std::move(name);
  e->kind = Entry::Kind::AsyncFunction;
  e->async_function = std::move(fn);
  e->limits = limits;
  put(std::move(e));
}

void CapabilityRegistry::add_actor(std::string name, capability_actor actor, CapabilityLimits limits) {
  auto e = std::make_shared<Entry>();
  e->name = std::move(name);
  e->kind = Entry::Kind::Actor;
  e->actor = std::move(actor);
  e->limits = limits;
  put(std::move(e));
}

bool CapabilityRegistry::remove(std::string_view name) {
  std::unique_lock lock(mutex_);
  return entries_.erase(std::string(name)) > 0;
}

std::shared_ptr<const CapabilityRegistry::Entry> CapabilityRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(std::string(name));
  return it == entries_.end() ? nullptr : it->second;
}

messages::ForeignHandle CapabilityRegistry::mint(uint64_t context_id, std::type_index type,
                                                 std::shared_ptr<void> object) {
  std::unique_lock lock(mutex_);
  uint64_t token;
  do token = splitmix(token_state_);
  while (token == 0 || handles_.count(token));
  handles_.emplace(token, Held{context_id, type, std::move(object)});
  tokens_by_context_[context_id].push_back(token);
  return messages::ForeignHandle{id_, token};
}

std::shared_ptr<void> CapabilityRegistry::lookup(uint64_t context_id, std::type_index type,
                                                 const messages::Value& handle) const {
  if (!handle.is_handle() || handle.as_handle().registry != id_) return nullptr;
  std::shared_lock lock(mutex_);
  auto it = handles_.find(handle.as_handle().token);
  if (it == handles_.end() || it->second.context_id != context_id || it->second.type != type) return nullptr;
  return it->second.object;
}

bool CapabilityRegistry::release(const messages::Value& handle) {
  if (!handle.is_handle() || handle.as_handle().registry != id_) return false;
  std::unique_lock lock(mutex_);
  auto it = handles_.find(handle.as_handle().token);
  if (it == handles_.end()) return false;
  auto tokens = tokens_by_context_.find(it->second.context_id);
  if (tokens != tokens_by_context_.end()) {
    std::erase(tokens->second, it->first);
    if (tokens->second.empty()) tokens_by_context_.erase(tokens);
  }
  handles_.erase(it);
  return true;
}

void CapabilityRegistry::release_context(uint64_t context_id) {
  std::vector<std::shared_ptr<void>> dropped;  // destroyed outside the lock
  std::unique_lock lock(mutex_);
  auto tokens = tokens_by_context_.find(context_id);
  if (tokens == tokens_by_context_.end()) return;
  for (uint64_t token : tokens->second) {
    auto it = handles_.find(token);
    if (it == handles_.end()) continue;  // released one by one already
    dropped.push_back(std::move(it->second.object));
    handles_.erase(it);
  }
  tokens_by_context_.erase(tokens);
  lock.unlock();
}

size_t CapabilityRegistry::handle_count() const {
  std::shared_lock lock(mutex_);
  return handles_.size();
}

}  // namespace raya::actors
