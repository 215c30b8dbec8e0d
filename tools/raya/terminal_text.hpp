// What the `raya` command prints on a program's behalf (error names,
// messages and stacks, compile diagnostics, unawaited-failure lines, console
// output, the result line) passes through here first, so a program cannot
// drive the user's terminal or forge the command's own lines: control
// characters are written as escapes instead of raw bytes.
//
// Escaped: C0 controls (as \n, \r, \t or \x1b), DEL (\x7f), C1 controls
// (U+0080..U+009F, as \u009b), the line and paragraph separators U+2028 and
// U+2029, and the bidirectional marks and overrides (U+061C, U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069) that reorder how a line reads. A byte
// that is not part of valid UTF-8 is written as \xNN (a lone 0x9b is CSI to
// some terminals). Backslashes are left alone.
#pragma once

#include <string>
#include <string_view>

#include "messages/error.hpp"

namespace raya::cli {

/// One line of text: everything above is escaped, newlines and tabs too.
std::string escape_text(std::string_view text);

/// Several lines (console output, a Raya stack): keeps \n and \t, escapes
/// the rest (\r included: it would overwrite the line).
std::string escape_lines(std::string_view text);

/// The --print-result line, already JSON: escapes what JSON leaves raw
/// (DEL, C1, U+2028/2029, bidi marks) as \uXXXX, so it stays valid JSON that
/// parses to the same value.
std::string escape_json(std::string_view json);

/// Writes a CompileError's diagnostics to stderr (FILE:LINE:COL: error: ...,
/// the line and a caret), each field escaped; the caret still points at the
/// column it named.
void print_diagnostics(const messages::Error& error);

}  // namespace raya::cli
