// Installs the hostFirst scheduler (see host_first_scheduling.hpp).
#include "actors/host_first_scheduling.hpp"

#include <typeinfo>

#include <caf/actor_system.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "actors/context_actor_impl.hpp"

namespace raya::actors {

bool is_sandbox_job(const caf::resumable* job) noexcept {
  // CAF runs a spawned actor as the most derived object (actor_storage
  // holds it as a member), so one type comparison tells a context actor.
  return typeid(*job) == typeid(ContextActor);
}

void use_host_first_scheduling(caf::actor_system_config& cfg) {
  cfg.module_factories.push_back([](caf::actor_system& system) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<HostFirstSharing>(system);
  });
}

}  // namespace raya::actors
