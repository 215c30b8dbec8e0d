#include "messages/caf_types.hpp"
#include <caf/actor_system_config.hpp>
namespace raya::messages {
void register_message_types(caf::actor_system_config&) {}
}
