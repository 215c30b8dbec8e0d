// CAF type registration for every boundary type, in one place. Call
// register_message_types(cfg) on an actor_system_config before creating the
// actor system (raya::actors::Runtime does it for you).
#pragma once

namespace caf {
class actor_system_config;
}

namespace raya::messages {

void register_message_types(caf::actor_system_config& cfg);

}  // namespace raya::messages
