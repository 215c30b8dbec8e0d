// The plugin host's closing table: one row per sandbox, from the
// supervisor's ContextReports, with the limits each sandbox got (after
// clamping) next to what it used.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "messages/context_report.hpp"

namespace plugin_host {

/// What the host knows about a row that the report does not say.
struct RowNote {
  std::string profile;  // "strict", "plugin+" (+: explicit options or grants on top)
  std::string outcome;  // "ok", "StepBudgetExceeded", "CapabilityDenied (load)", ...
};

/// Prints the table, rows ordered by sandbox name.
void print_stats_table(std::vector<raya::messages::ContextReport> reports,
                       const std::map<std::string, RowNote>& notes);

}  // namespace plugin_host
