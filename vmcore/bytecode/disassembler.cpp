// Renders a Module as text. Everything an operand refers to is looked up
// with a range check first, so an unverified (even hostile) module prints
// "?" where a verified one would print a name.
#include "vmcore/bytecode/disassembler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

namespace raya::vm {
namespace {

constexpr size_t kQuotedUnitsInOperands = 40;

/// "r3", "k5", "->17": a prefix and a number.
std::string tagged(const char* prefix, int64_t v) {
  std::string out = prefix;
  out += std::to_string(v);
  return out;
}

void append_hex(std::string& out, const char* prefix, uint32_t v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%0*X", prefix, digits, unsigned(v));
  out += buf;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

/// A UTF-16 string as UTF-8 with lone surrogates, quotes and control
/// characters escaped; at most `max_units` units (`*cut` says if that left
/// some out).
std::string escaped(const std::u16string& s, size_t max_units, bool* cut) {
  std::string out;
  size_t i = 0;
  for (; i < s.size() && i < max_units; ++i) {
    const char16_t u = s[i];
    switch (u) {
      case u'"': out += "\\\""; continue;
      case u'\\': out += "\\\\"; continue;
      case u'\n': out += "\\n"; continue;
      case u'\r': out += "\\r"; continue;
      case u'\t': out += "\\t"; continue;
      default: break;
    }
    if (u < 0x20 || u == 0x7F) {
      append_hex(out, "\\x", u, 2);
    } else if (u >= 0xD800 && u <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((uint32_t(u) - 0xD800) << 10) + (uint32_t(s[i + 1]) - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      append_hex(out, "\\u", u, 4);
    } else {
      append_utf8(out, u);
    }
  }
  *cut = i < s.size();
  return out;
}

/// "text", or "text"... when shortened to `max_units`.
std::string quote(const std::u16string& s, size_t max_units = SIZE_MAX) {
  bool cut = false;
  std::string body = escaped(s, max_units, &cut);
  return "\"" + body + "\"" + (cut ? "..." : "");
}

/// A name from the module; control bytes are escaped (names are not
/// checked until verification, and this may print unverified modules).
std::string name_of(std::string_view s) {
  if (s.empty()) return "<anonymous>";
  std::string out;
  for (char ch : s) {
    if (uint8_t(ch) < 0x20 || uint8_t(ch) == 0x7F) {
      append_hex(out, "\\x", uint8_t(ch), 2);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0 && std::signbit(d)) return "-0";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

std::string constant_value(const Module& m, uint32_t k, size_t max_units = SIZE_MAX) {
  if (k >= m.constants.size()) return "?";
  const Constant& c = m.constants[k];
  if (c.kind == Constant::Kind::Number) return number(c.number);
  if (c.kind == Constant::Kind::String) return quote(c.string, max_units);
  return "?";
}

std::string function_ref(const Module& m, uint32_t fi) {
  return tagged("f", fi) + " <" + (fi < m.functions.size() ? name_of(m.functions[fi].name) : "?") + ">";
}

std::string flag_names(uint16_t flags) {
  static constexpr std::pair<uint16_t, const char*> kNames[] = {
      {kFunctionHasRest, "rest"},           {kFunctionIsArrow, "arrow"},
      {kFunctionIsClassCtor, "class-ctor"}, {kFunctionIsDerivedCtor, "derived-ctor"},
      {kFunctionIsAsync, "async"},          {kFunctionIsModuleInit, "module-init"},
      {kFunctionIsMethod, "method"},
  };
  std::string out;
  uint16_t known = 0;
  for (auto [bit, name] : kNames) {
    known |= bit;
    if ((flags & bit) == 0) continue;
    out += out.empty() ? "" : " ";
    out += name;
  }
  if ((flags & ~known) != 0) {
    out += out.empty() ? "" : " ";
    append_hex(out, "unknown:0x", flags & ~known, 4);
  }
  return out;
}

std::string operand(const Module& m, const FunctionProto& f, uint32_t pc, OperandKind kind, uint16_t v,
                    int32_t jump_offset) {
  switch (kind) {
    case OperandKind::Unused: return "";
    case OperandKind::Register:
    case OperandKind::CallWindow: return tagged("r", v);
    case OperandKind::Constant: return tagged("k", v) + " (" + constant_value(m, v, kQuotedUnitsInOperands) + ")";
    case OperandKind::Function: return function_ref(m, v);
    case OperandKind::Cache: {
      std::string out = tagged("ic", v) + " (";
      const bool named = v < f.ic_names.size() && f.ic_names[v] < m.constants.size() &&
                         m.constants[f.ic_names[v]].kind == Constant::Kind::String;
      if (!named) return out + "?)";
      bool cut = false;
      out += "." + escaped(m.constants[f.ic_names[v]].string, kQuotedUnitsInOperands, &cut);
      return out + (cut ? "...)" : ")");
    }
    case OperandKind::Global:
      return tagged("g", v) + " (" + (v < m.globals.size() ? name_of(m.globals[v].name) : "?") + ")";
    case OperandKind::Upvalue: return tagged("u", v);
    case OperandKind::Builtin:
      if (v < m.builtin_imports.size()) return "builtin " + name_of(m.builtin_imports[v]);
      return tagged("b", v) + " (?)";
    case OperandKind::Imm: return tagged("#", int16_t(v));
    case OperandKind::Count: return std::to_string(v);
    case OperandKind::Jump16:
    case OperandKind::Jump32: return tagged("->", int64_t(pc) + 1 + jump_offset);
    case OperandKind::Constant32: {
      const uint32_t k = uint32_t(jump_offset);  // the 32-bit field (b and c)
      return tagged("k", k) + " (" + constant_value(m, k, kQuotedUnitsInOperands) + ")";
    }
  }
  return "?";
}

std::string instruction(const Module& m, const FunctionProto& f, uint32_t pc) {
  const Instr word = f.code[pc];
  if (op_bits(word) >= kOpcodeCount) {
    std::string out = "<invalid opcode ";
    append_hex(out, "0x", op_bits(word), 4);
    append_hex(out, "> word 0x", uint32_t(word >> 32), 8);
    append_hex(out, "", uint32_t(word), 8);
    return out;
  }
  const OpcodeInfo& info = opcode_info(op_of(word));
  std::string out(info.name);
  const std::string operands[3] = {
      operand(m, f, pc, info.a, arg_a(word), 0),
      operand(m, f, pc, info.b, arg_b(word),
              info.b == OperandKind::Jump32 || info.b == OperandKind::Constant32 ? arg_sbc(word) : 0),
      info.b == OperandKind::Jump32 || info.b == OperandKind::Constant32
          ? std::string()
          : operand(m, f, pc, info.c, arg_c(word), arg_sc(word)),
  };
  bool first = true;
  for (const std::string& o : operands) {
    if (o.empty()) continue;
    if (first) {
      out.resize(std::max<size_t>(out.size(), 14), ' ');
      out += ' ';
    } else {
      out += ", ";
    }
    out += o;
    first = false;
  }
  return out;
}

void append_function(std::string& out, const Module& m, uint32_t fi) {
  const FunctionProto& f = m.functions[fi];
  out += "\nfunction " + function_ref(m, fi) + "  ";
  out += (f.file < m.files.size() ? name_of(m.files[f.file]) : "file#" + std::to_string(f.file) + "?");
  out += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  if (f.flags != 0) out += "  [" + flag_names(f.flags) + "]";
  out += "\n  params " + std::to_string(f.param_count) + ", registers " + std::to_string(f.register_count) + "\n";

  if (!f.captures.empty()) {
    out += "  captures:";
    for (size_t i = 0; i < f.captures.size(); ++i) {
      const Capture& c = f.captures[i];
      const char* from = c.from == Capture::From::ParentRegister  ? "r"
                         : c.from == Capture::From::ParentUpvalue ? "u"
                                                                  : "?";
      out += (i ? ", u" : " u") + std::to_string(i) + " = parent " + from + std::to_string(c.index);
    }
    out += "\n";
  }
  if (!f.ic_names.empty()) {
    out += "  inline caches:";
    for (size_t i = 0; i < f.ic_names.size(); ++i)
      out += (i ? ", " : " ") + tagged("ic", i) + " = " + tagged("k", f.ic_names[i]) + " " +
             constant_value(m, f.ic_names[i], kQuotedUnitsInOperands);
    out += "\n";
  }
  for (const Handler& h : f.handlers) {
    out += "  handler [" + std::to_string(h.start_pc) + ", " + std::to_string(h.end_pc) + ") ->" +
           std::to_string(h.handler_pc) + ", exception in r" + std::to_string(h.exception_register) + "\n";
  }

  out += "  code (" + std::to_string(f.code.size()) + " instructions):\n";
  size_t next_line = 0;
  uint32_t line = 0;
  bool has_line = false;
  for (uint32_t pc = 0; pc < f.code.size(); ++pc) {
    while (next_line < f.lines.size() && f.lines[next_line].pc <= pc) {
      line = f.lines[next_line++].line;
      has_line = true;
    }
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "  %5u  ", unsigned(pc));
    out += prefix;
    std::string line_column = has_line ? tagged("L", line) : "";
    line_column.resize(std::max<size_t>(line_column.size(), 6), ' ');
    out += line_column + " " + instruction(m, f, pc) + "\n";
  }
}

}  // namespace

std::string disassemble(const Module& m) {
  std::string out = "; .ryb module: " + std::to_string(m.functions.size()) + " functions, " +
                    std::to_string(m.constants.size()) + " constants\n";
  // One header table: its title, then "(none)" or one line per entry.
  auto table = [&out](const char* title, size_t count, auto&& line) {
    out += title;
    out += count == 0 ? ": (none)\n" : ":\n";
    for (size_t i = 0; i < count; ++i) out += "  " + line(i) + "\n";
  };
  table("files", m.files.size(), [&](size_t i) { return std::to_string(i) + "  " + name_of(m.files[i]); });
  table("globals", m.globals.size(), [&](size_t i) {
    std::string line = tagged("g", i) + "  " + name_of(m.globals[i].name);
    if (m.globals[i].flags & kGlobalConst) line += "  const";
    if (m.globals[i].flags & ~kGlobalConst)
      append_hex(line, "  unknown-flags:0x", m.globals[i].flags & ~kGlobalConst, 2);
    return line;
  });
  table("exports", m.exports.size(), [&](size_t i) {
    const Export& e = m.exports[i];
    return name_of(e.name) + " -> " + tagged("g", e.global) + " (" +
           (e.global < m.globals.size() ? name_of(m.globals[e.global].name) : "?") + ")";
  });
  table("builtin imports", m.builtin_imports.size(),
        [&](size_t i) { return tagged("b", i) + "  " + name_of(m.builtin_imports[i]); });
  table("host imports", m.host_imports.size(),
        [&](size_t i) { return tagged("h", i) + "  " + name_of(m.host_imports[i]); });
  out += "entry: " + function_ref(m, m.entry_function) + "\n";
  table("constants", m.constants.size(), [&](size_t k) {
    const Constant& c = m.constants[k];
    const char* kind = c.kind == Constant::Kind::Number ? "number" : c.kind == Constant::Kind::String ? "string" : "?";
    return tagged("k", k) + "  " + kind + " " + constant_value(m, uint32_t(k));
  });
  for (uint32_t fi = 0; fi < m.functions.size(); ++fi) append_function(out, m, fi);
  return out;
}

std::string disassemble_instruction(const Module& m, uint32_t function_index, uint32_t pc) {
  if (function_index >= m.functions.size() || pc >= m.functions[function_index].code.size()) return "<no instruction>";
  return instruction(m, m.functions[function_index], pc);
}

}  // namespace raya::vm
