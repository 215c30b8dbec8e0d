// Every boundary type's portable CAF name, in one place. The name is what
// travels between nodes ("raya.TaskResult"), so renaming one breaks talking
// to nodes that still use the old name; add new types, never rename.
//
// CAF 0.17.6's add_message_type<T>(name) also registers std::vector<T> as
// "std::vector<name>" and stream<T> as "stream<name>". The name a type is
// sent under is the first one registered for it (later ones only add
// aliases for loading), so the list types come before their element types:
// otherwise std::vector<Value> would travel as "std::vector<raya.Value>"
// instead of "raya.ValueList". The serialization itself is in inspect.hpp.

// GCC 12 thinks CAF's loader for std::vector<ErrorCode> (registered along
// with ErrorCode) reads an element before setting it; it does not. The
// warning points into libstdc++, so only a file-wide pragma silences it.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "messages/caf_types.hpp"

#include <caf/actor_system_config.hpp>

#include <vector>

#include "messages/inspect.hpp"

namespace raya::messages {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<std::vector<Value>>("raya.ValueList");
  cfg.add_message_type<Value>("raya.Value");
  cfg.add_message_type<ForeignHandle>("raya.ForeignHandle");
  cfg.add_message_type<ErrorCode>("raya.ErrorCode");
  cfg.add_message_type<Diagnostic>("raya.Diagnostic");
  cfg.add_message_type<Error>("raya.Error");
  cfg.add_message_type<VmOptions>("raya.VmOptions");
  cfg.add_message_type<VmStats>("raya.VmStats");
  cfg.add_message_type<TaskResult>("raya.TaskResult");
  cfg.add_message_type<Started>("raya.Started");
  cfg.add_message_type<ModuleSource>("raya.ModuleSource");
  cfg.add_message_type<ModuleInfo>("raya.ModuleInfo");
  cfg.add_message_type<LoadResult>("raya.LoadResult");
  cfg.add_message_type<CapabilityCall>("raya.CapabilityCall");
  cfg.add_message_type<CapabilityResult>("raya.CapabilityResult");
  cfg.add_message_type<std::vector<ContextReport>>("raya.ContextReportList");
  cfg.add_message_type<ContextReport>("raya.ContextReport");
}

}  // namespace raya::messages
