// console.log / info / warn / error / debug: formats the arguments like
// node's console (strings as they are, other values through inspect, joined
// by spaces; a first string argument may hold %s %d %i %f %o %O %c %%
// specifiers) and hands the line to ctx.console_write with a level:
// 0 log/debug, 1 info, 2 warn, 3 error. Whether the context may use the
// console at all (the `console` capability) is decided by the embedding's
// sink, not here.
#include <cmath>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/inspect.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

std::string format_number_for_console(double d) {
  if (d == 0 && std::signbit(d)) return "-0";
  return number_to_string(d);
}

/// One %-specifier applied to its argument (node's formatWithOptions).
std::string apply_specifier(Context& ctx, char spec, Value arg) {
  switch (spec) {
    case 's':
      if (is_string(arg)) return utf16_to_utf8(as_string(arg)->view());
      if (arg.is_number()) return format_number_for_console(arg.to_double());
      if (!arg.is_object()) return display_value(ctx, arg);
      return inspect_value(ctx, arg, InspectOptions{.depth = 0});
    case 'd':
      return arg.is_number() ? format_number_for_console(arg.to_double()) : "NaN";
    case 'i':
      return arg.is_number() ? format_number_for_console(std::trunc(arg.to_double())) : "NaN";
    case 'f':
      return arg.is_number() ? format_number_for_console(arg.to_double()) : "NaN";
    case 'o':
      return inspect_value(ctx, arg, InspectOptions{.depth = 4});
    case 'O':
      return inspect_value(ctx, arg);
    default:  // 'c': CSS, consumed and not shown
      return "";
  }
}

std::string format_line(Context& ctx, const CallArgs& call) {
  std::string line;
  uint32_t next = 0;
  if (call.count > 0 && is_string(call.args[0])) {
    std::string text = utf16_to_utf8(as_string(call.args[0])->view());
    next = 1;
    if (text.find('%') != std::string::npos && call.count > 1) {
      for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 1 < text.size()) {
          char spec = text[i + 1];
          if (spec == '%') {
            line += '%';
            ++i;
            continue;
          }
          if (std::string_view("sdifoOc").find(spec) != std::string_view::npos && next < call.count) {
            line += apply_specifier(ctx, spec, call.args[next++]);
            ++i;
            continue;
          }
        }
        line += c;
      }
    } else {
      line = std::move(text);
    }
  }
  for (; next < call.count; ++next) {
    if (!line.empty() || next != 0) line += ' ';
    line += display_value(ctx, call.args[next]);
  }
  return line;
}

template <int Level>
bool console_method(Context& ctx, CallArgs& call) {
  if (!ctx.has_console()) {
    return ctx.throw_named_error("CapabilityDenied", "console is not granted to this context");
  }
  // Strings are converted unit by unit (other values pay in inspect).
  uint64_t units = 0;
  for (uint32_t i = 0; i < call.count; ++i)
    if (is_string(call.args[i])) units += as_string(call.args[i])->length_;
  builtins::charge(ctx, call.count, builtins::kPerElement);
  builtins::charge(ctx, units, builtins::kPerUnits);
  std::string line = format_line(ctx, call);
  ctx.console_write(Level, line);
  call.result = Value::undefined();
  return true;
}

}  // namespace

void install_console(Context& ctx) {
  Rooted<Object*> console(ctx, ctx.new_plain_object());
  ctx.define_native_method(console, "log", console_method<0>, 0);
  ctx.define_native_method(console, "debug", console_method<0>, 0);
  ctx.define_native_method(console, "info", console_method<1>, 0);
  ctx.define_native_method(console, "warn", console_method<2>, 0);
  ctx.define_native_method(console, "error", console_method<3>, 0);
  ctx.define_builtin("console", Value::object(console.get()));
}

}  // namespace raya::vm
