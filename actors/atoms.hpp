// The atoms that name the runtime's messages (CAF 0.17 atoms: at most 10
// characters). One list, so every interface spells a verb the same way.
#pragma once

#include <caf/atom.hpp>

namespace raya::actors {

using load_atom = caf::atom_constant<caf::atom("load")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using spawn_atom = caf::atom_constant<caf::atom("spawn")>;
using await_atom = caf::atom_constant<caf::atom("await")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using terminate_atom = caf::atom_constant<caf::atom("terminate")>;
using call_atom = caf::atom_constant<caf::atom("call")>;  // a capability call to a capability actor

// Internal to the context actor (it sends them to itself).
using resume_atom = caf::atom_constant<caf::atom("resume")>;          // run the next slice
using timer_atom = caf::atom_constant<caf::atom("timer")>;            // a sleep or call deadline is due
using reply_atom = caf::atom_constant<caf::atom("capreply")>;         // a capability's answer
using ended_atom = caf::atom_constant<caf::atom("ended")>;            // context -> supervisor: I ended

}  // namespace raya::actors
