// JSON forms of the boundary records — errors, task and load results, module
// sources, capability calls, context reports — for tools and gateways that
// speak JSON rather than CAF. Keys are camelCase, as in vm_options.hpp; a
// Value inside a record uses Value's own JSON form (value.hpp), VmStats its
// to_json form. Enums are written by name: an error code as its stable
// name ("HeapLimitExceeded"), ModuleSource::Kind as "Source" / "Bytecode",
// ContextReport::State as "Running" / "Terminated" / "Failed".
//
// Optional parts are left out when they hold nothing: an Error writes code
// and message, then only the detail fields that are set; a result writes
// "value" when ok (or non-null) and "error" when not ok (or non-empty).
// Reading takes absent keys as their defaults, so every record reads back
// equal to what was written.
//
// Two layers: to_json / from_json on text, and to_json_value /
// from_json_value on a Boost.JSON value to embed in a larger document.
// Boost 1.81's own parser may read a double one ulp off; text read with
// parse_json_exact (or from_json) keeps a Value's doubles exact.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "messages/capability_call.hpp"
#include "messages/context_report.hpp"
#include "messages/error.hpp"
#include "messages/module_source.hpp"
#include "messages/task_result.hpp"
#include "messages/value.hpp"
#include "messages/vm_options.hpp"

namespace raya::messages {

/// Compact JSON text of a record.
std::string to_json(const Diagnostic& x);
std::string to_json(const Error& x);
std::string to_json(const TaskResult& x);
std::string to_json(const Started& x);
std::string to_json(const ModuleSource& x);
std::string to_json(const ModuleInfo& x);
std::string to_json(const LoadResult& x);
std::string to_json(const CapabilityCall& x);
std::string to_json(const CapabilityResult& x);
std::string to_json(const ContextReport& x);

/// Reads a record from JSON text. On error returns false, leaves `out` as
/// it was and sets `error` to a message naming the key's path first
/// ("error.diagnostics[0].line: expected a whole number from 0 to
/// 4294967295, got -1"; "code: unknown error code \"Nope\""). Unknown keys,
/// duplicate keys and values of the wrong type are errors.
bool from_json(std::string_view json, Diagnostic& out, std::string& error);
bool from_json(std::string_view json, Error& out, std::string& error);
bool from_json(std::string_view json, TaskResult& out, std::string& error);
bool from_json(std::string_view json, Started& out, std::string& error);
bool from_json(std::string_view json, ModuleSource& out, std::string& error);
bool from_json(std::string_view json, ModuleInfo& out, std::string& error);
bool from_json(std::string_view json, LoadResult& out, std::string& error);
bool from_json(std::string_view json, CapabilityCall& out, std::string& error);
bool from_json(std::string_view json, CapabilityResult& out, std::string& error);
bool from_json(std::string_view json, ContextReport& out, std::string& error);

/// The same forms as Boost.JSON values. Value, VmOptions and VmStats are
/// here too so that a document can embed them; their text forms are
/// to_json / value_from_json / vm_options_from_json / vm_stats_from_json.
boost::json::value to_json_value(const Value& x);
boost::json::value to_json_value(const VmOptions& x);
boost::json::value to_json_value(const VmStats& x);
boost::json::value to_json_value(const Diagnostic& x);
boost::json::value to_json_value(const Error& x);
boost::json::value to_json_value(const TaskResult& x);
boost::json::value to_json_value(const Started& x);
boost::json::value to_json_value(const ModuleSource& x);
boost::json::value to_json_value(const ModuleInfo& x);
boost::json::value to_json_value(const LoadResult& x);
boost::json::value to_json_value(const CapabilityCall& x);
boost::json::value to_json_value(const CapabilityResult& x);
boost::json::value to_json_value(const ContextReport& x);

/// As from_json, from a parsed document. Error paths start at `json`.
bool from_json_value(const boost::json::value& json, Value& out, std::string& error);
bool from_json_value(const boost::json::value& json, VmOptions& out, std::string& error);
bool from_json_value(const boost::json::value& json, VmStats& out, std::string& error);
bool from_json_value(const boost::json::value& json, Diagnostic& out, std::string& error);
bool from_json_value(const boost::json::value& json, Error& out, std::string& error);
bool from_json_value(const boost::json::value& json, TaskResult& out, std::string& error);
bool from_json_value(const boost::json::value& json, Started& out, std::string& error);
bool from_json_value(const boost::json::value& json, ModuleSource& out, std::string& error);
bool from_json_value(const boost::json::value& json, ModuleInfo& out, std::string& error);
bool from_json_value(const boost::json::value& json, LoadResult& out, std::string& error);
bool from_json_value(const boost::json::value& json, CapabilityCall& out, std::string& error);
bool from_json_value(const boost::json::value& json, CapabilityResult& out, std::string& error);
bool from_json_value(const boost::json::value& json, ContextReport& out, std::string& error);

/// Parses JSON text like boost::json::parse, except that doubles are read
/// exactly, a duplicate key in an object is an error (Boost keeps the
/// last), and nesting may go as deep as a Value at kMaxValueDepth inside
/// a record needs, no deeper. Iterative: deep text never deepens the stack.
bool parse_json_exact(std::string_view json, boost::json::value& out, std::string& error);

}  // namespace raya::messages
