// The verifier: one pass over the module tables, then one pass per function
// over its side tables and its code, driven by the operand kinds that
// opcodes.def declares. The first failure wins.
//
// Names are checked (non-empty where required, valid UTF-8) before anything
// else so that later messages can quote them safely.
#include "vmcore/bytecode/verifier.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vmcore/bytecode/decoder.hpp"

namespace raya::vm {
namespace {

// The verifier reads S operands only in field a (with the argument count in
// b, or one spread array when b is unused) and L operands only in field b
// (spanning c). Fail the build if opcodes.def ever breaks that.
constexpr bool operand_layout_is_supported() {
  for (const OpcodeInfo& info : kOpcodeInfo) {
    if (info.b == OperandKind::CallWindow || info.c == OperandKind::CallWindow) return false;
    if (info.a == OperandKind::CallWindow && info.b != OperandKind::Count && info.b != OperandKind::Unused)
      return false;
    if (info.a == OperandKind::Jump32 || info.c == OperandKind::Jump32) return false;
    if (info.b == OperandKind::Jump32 && info.c != OperandKind::Unused) return false;
    if (info.a == OperandKind::Constant32 || info.c == OperandKind::Constant32) return false;
    if (info.b == OperandKind::Constant32 && info.c != OperandKind::Unused) return false;
  }
  return true;
}
static_assert(operand_layout_is_supported(), "verifier.cpp assumes S only in a and L only in b");

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = uint8_t(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = uint8_t(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

/// A name as quoted in messages: at most 60 bytes, cut on a character.
std::string shown(std::string_view name) {
  if (name.empty()) return "<anonymous>";
  if (name.size() <= 60) return std::string(name);
  size_t cut = 57;
  while (cut > 0 && (uint8_t(name[cut]) & 0xC0) == 0x80) --cut;
  return std::string(name.substr(0, cut)) + "...";
}

bool is_terminator(Opcode op) {
  return op == Opcode::Jmp || op == Opcode::Return || op == Opcode::ReturnUndef || op == Opcode::Throw;
}

class Verifier {
 public:
  explicit Verifier(const Module& m) : m_(m) {}

  Status run(detail::VerifySite* site) {
    if (!names() || !module_tables() || !entry()) return finish(site);
    summarise_captures();
    for (uint32_t fi = 0; fi < m_.functions.size(); ++fi) {
      if (!function(fi)) return finish(site);
    }
    return Ok{};
  }

 private:
  // --- failures ---
  Status finish(detail::VerifySite* site) {
    if (site != nullptr) *site = site_;
    return std::move(*error_);
  }
  bool fail(ryb::SectionKind section, std::string message) {
    site_ = {section, -1, -1};
    error_ = make_error(ErrorCode::VerifyError, std::move(message));
    return false;
  }
  std::string function_label(uint32_t fi) const {
    return "function " + std::to_string(fi) + " (" + shown(m_.functions[fi].name) + ")";
  }
  bool fail_function(uint32_t fi, std::string reason) {
    fail(ryb::SectionKind::Functions, function_label(fi) + ": " + reason);
    site_.function = fi;
    return false;
  }
  bool fail_instr(uint32_t fi, uint32_t pc, std::string reason) {
    fail(ryb::SectionKind::Functions, function_label(fi) + ", pc " + std::to_string(pc) + ": " + reason);
    site_.function = fi;
    site_.pc = pc;
    error_->offset = pc;
    return false;
  }

  // --- module tables ---
  bool name(ryb::SectionKind section, const char* element, size_t index, std::string_view name, bool may_be_empty) {
    if (name.empty() && !may_be_empty)
      return fail(section, std::string(element) + " " + std::to_string(index) + ": empty name");
    if (!is_valid_utf8(name))
      return fail(section, std::string(element) + " " + std::to_string(index) + ": name is not valid UTF-8");
    return true;
  }
  bool names() {
    using K = ryb::SectionKind;
    for (size_t i = 0; i < m_.files.size(); ++i)
      if (!name(K::Files, "file", i, m_.files[i], false)) return false;
    for (size_t i = 0; i < m_.globals.size(); ++i)
      if (!name(K::Globals, "global", i, m_.globals[i].name, false)) return false;
    for (size_t i = 0; i < m_.exports.size(); ++i)
      if (!name(K::Exports, "export", i, m_.exports[i].name, false)) return false;
    for (size_t i = 0; i < m_.builtin_imports.size(); ++i)
      if (!name(K::BuiltinImports, "builtin import", i, m_.builtin_imports[i], false)) return false;
    for (size_t i = 0; i < m_.host_imports.size(); ++i)
      if (!name(K::HostImports, "host import", i, m_.host_imports[i], false)) return false;
    for (size_t i = 0; i < m_.functions.size(); ++i)
      if (!name(K::Functions, "function", i, m_.functions[i].name, true)) return false;
    return true;
  }

  bool module_tables() {
    using K = ryb::SectionKind;
    for (size_t i = 0; i < m_.constants.size(); ++i) {
      const Constant& k = m_.constants[i];
      const std::string what = "constant " + std::to_string(i);
      if (k.kind == Constant::Kind::Number) {
        if (!k.string.empty()) return fail(K::Constants, what + ": a number constant carries a string");
      } else if (k.kind == Constant::Kind::String) {
        if (k.number != 0 || std::signbit(k.number))
          return fail(K::Constants, what + ": a string constant carries a number");
      } else {
        return fail(K::Constants, what + ": unknown constant kind " + std::to_string(int(k.kind)));
      }
    }
    for (size_t i = 0; i < m_.globals.size(); ++i) {
      if ((m_.globals[i].flags & ~kKnownGlobalFlags) != 0)
        return fail(K::Globals, "global " + std::to_string(i) + " (" + shown(m_.globals[i].name) + "): unknown flags " +
                                    std::to_string(m_.globals[i].flags));
    }
    std::set<std::string_view> export_names;
    for (size_t i = 0; i < m_.exports.size(); ++i) {
      const Export& e = m_.exports[i];
      const std::string what = "export " + std::to_string(i) + " (" + shown(e.name) + ")";
      if (e.global >= m_.globals.size())
        return fail(K::Exports, what + ": global g" + std::to_string(e.global) + " out of range (" +
                                    std::to_string(m_.globals.size()) + " globals)");
      if (!export_names.insert(e.name).second) return fail(K::Exports, what + ": exported twice");
    }
    return true;
  }

  bool entry() {
    if (m_.entry_function >= m_.functions.size())
      return fail(ryb::SectionKind::Entry, "entry function f" + std::to_string(m_.entry_function) + " out of range (" +
                                               std::to_string(m_.functions.size()) + " functions)");
    if (!m_.functions[m_.entry_function].captures.empty())
      return fail(ryb::SectionKind::Entry,
                  "entry " + function_label(m_.entry_function) + " has captures, but nothing encloses it");
    return true;
  }

  // --- one function ---
  bool function(uint32_t fi) {
    const FunctionProto& f = m_.functions[fi];
    if ((f.flags & ~kKnownFunctionFlags) != 0) return fail_function(fi, "unknown flags " + std::to_string(f.flags));
    if (f.file >= m_.files.size())
      return fail_function(
          fi, "file " + std::to_string(f.file) + " out of range (" + std::to_string(m_.files.size()) + " files)");
    const uint32_t min_registers = 1 + uint32_t(f.param_count) + (f.has(kFunctionHasRest) ? 1 : 0);
    if (f.register_count < min_registers)
      return fail_function(fi, "register_count " + std::to_string(f.register_count) + " leaves no room for this" +
                                   " and the parameters (needs " + std::to_string(min_registers) + ")");
    if (f.register_count > kMaxFrameRegisters)
      return fail_function(fi, "register_count " + std::to_string(f.register_count) + " exceeds the limit of " +
                                   std::to_string(kMaxFrameRegisters));
    if (f.code.empty()) return fail_function(fi, "no code");

    for (size_t i = 0; i < f.ic_names.size(); ++i) {
      const uint32_t k = f.ic_names[i];
      if (k >= m_.constants.size())
        return fail_function(fi, "inline cache ic" + std::to_string(i) + " names constant k" + std::to_string(k) +
                                     ", out of range (" + std::to_string(m_.constants.size()) + " constants)");
      if (m_.constants[k].kind != Constant::Kind::String)
        return fail_function(fi, "inline cache ic" + std::to_string(i) + " names constant k" + std::to_string(k) +
                                     ", which is not a string");
    }
    for (size_t i = 0; i < f.captures.size(); ++i) {
      const Capture::From from = f.captures[i].from;
      if (from != Capture::From::ParentRegister && from != Capture::From::ParentUpvalue)
        return fail_function(fi, "capture u" + std::to_string(i) + " has unknown source " + std::to_string(int(from)));
    }
    const size_t code_size = f.code.size();
    for (size_t i = 0; i < f.handlers.size(); ++i) {
      const Handler& h = f.handlers[i];
      const std::string what = "handler " + std::to_string(i) + " ";
      if (!(h.start_pc < h.end_pc && h.end_pc <= code_size))
        return fail_function(fi, what + "range [" + std::to_string(h.start_pc) + ", " + std::to_string(h.end_pc) +
                                     ") is empty or outside the code (" + std::to_string(code_size) + " instructions)");
      if (h.handler_pc >= code_size)
        return fail_function(fi, what + "target " + std::to_string(h.handler_pc) + " is outside the code (" +
                                     std::to_string(code_size) + " instructions)");
      if (h.exception_register >= f.register_count)
        return fail_function(fi, what + "exception register r" + std::to_string(h.exception_register) +
                                     " is outside the frame (" + std::to_string(f.register_count) + " registers)");
    }
    for (size_t i = 0; i < f.lines.size(); ++i) {
      const LineEntry& l = f.lines[i];
      if (l.pc >= code_size)
        return fail_function(fi, "line entry " + std::to_string(i) + " at pc " + std::to_string(l.pc) +
                                     " is outside the code (" + std::to_string(code_size) + " instructions)");
      if (i > 0 && l.pc < f.lines[i - 1].pc)
        return fail_function(fi, "line table is not sorted by pc (entry " + std::to_string(i) + ")");
    }

    for (size_t i = 0; i < f.expr_names.size(); ++i) {
      const ExprName& e = f.expr_names[i];
      if (e.pc >= code_size)
        return fail_function(fi, "expression name " + std::to_string(i) + " at pc " + std::to_string(e.pc) +
                                     " is outside the code (" + std::to_string(code_size) + " instructions)");
      if (i > 0 && e.pc <= f.expr_names[i - 1].pc)
        return fail_function(fi, "expression names are not strictly sorted by pc (entry " + std::to_string(i) + ")");
      if (e.name >= m_.constants.size() || m_.constants[e.name].kind != Constant::Kind::String)
        return fail_function(fi, "expression name " + std::to_string(i) + " is not a string constant");
    }

    cache_owner_.assign(f.ic_names.size(), UINT32_MAX);
    for (uint32_t pc = 0; pc < code_size; ++pc) {
      if (!instruction(fi, pc)) return false;
    }
    const Opcode last = op_of(f.code.back());
    if (!is_terminator(last))
      return fail_instr(fi, uint32_t(code_size - 1),
                        std::string(opcode_info(last).name) +
                            " falls through off the end (the last instruction must be Jmp, Return, "
                            "ReturnUndef or Throw)");
    return true;
  }

  // --- one instruction ---
  bool instruction(uint32_t fi, uint32_t pc) {
    const FunctionProto& f = m_.functions[fi];
    const Instr word = f.code[pc];
    if (op_bits(word) >= kOpcodeCount) return fail_instr(fi, pc, "invalid opcode " + std::to_string(op_bits(word)));
    const Opcode op = op_of(word);
    const OpcodeInfo& info = opcode_info(op);
    const std::string op_name(info.name);

    if (!operand(fi, pc, info, 'a', info.a, arg_a(word)) || !operand(fi, pc, info, 'b', info.b, arg_b(word)))
      return false;
    if (info.b == OperandKind::Constant32) {
      const uint32_t k = uint32_t(arg_sbc(word));
      if (k >= m_.constants.size())
        return fail_instr(fi, pc, op_name + ": operand bc k" + std::to_string(k) + " out of range (" +
                                      std::to_string(m_.constants.size()) + " constants)");
    } else if (info.b != OperandKind::Jump32 && !operand(fi, pc, info, 'c', info.c, arg_c(word))) {
      return false;
    }

    // Call windows: r[a] callee/result, r[a+1] this, then b arguments, or one
    // spread array when b is unused.
    if (info.a == OperandKind::CallWindow) {
      const uint32_t a = arg_a(word);
      const uint32_t args = info.b == OperandKind::Count ? arg_b(word) : 1;
      if (a + 2 + args > f.register_count)
        return fail_instr(fi, pc,
                          op_name + ": call window r" + std::to_string(a) + "..r" + std::to_string(a + 1 + args) +
                              " exceeds the frame (" + std::to_string(f.register_count) + " registers)");
    }
    // Jumps land on an instruction of this function.
    int64_t offset = 0;
    bool jumps = true;
    if (info.b == OperandKind::Jump32) {
      offset = arg_sbc(word);
    } else if (info.c == OperandKind::Jump16) {
      offset = arg_sc(word);
    } else {
      jumps = false;
    }
    if (jumps) {
      const int64_t target = int64_t(pc) + 1 + offset;
      if (target < 0 || target >= int64_t(f.code.size()))
        return fail_instr(fi, pc,
                          op_name + ": jump target " + std::to_string(target) + " is outside the code (" +
                              std::to_string(f.code.size()) + " instructions)");
    }
    // Constants whose kind the interpreter relies on.
    if (op == Opcode::CheckInit && !is_string_constant(arg_b(word)))
      return fail_instr(fi, pc, "CheckInit: k" + std::to_string(arg_b(word)) + " is not a string (the name)");
    if (op == Opcode::NewClass && !is_string_constant(arg_c(word)))
      return fail_instr(fi, pc, "NewClass: k" + std::to_string(arg_c(word)) + " is not a string (the class name)");
    // A closure captures from this frame: its capture list must fit here.
    // The per-function maxima keep this O(1) per Closure; the loop below
    // only runs to name the offending capture.
    if (op == Opcode::Closure) {
      const uint32_t gi = arg_b(word);
      const FunctionProto& g = m_.functions[gi];
      if (max_captured_register_[gi] < int32_t(f.register_count) &&
          max_captured_upvalue_[gi] < int32_t(f.captures.size()))
        return true;
      for (size_t i = 0; i < g.captures.size(); ++i) {
        const Capture& c = g.captures[i];
        const bool from_register = c.from == Capture::From::ParentRegister;
        const size_t limit = from_register ? f.register_count : f.captures.size();
        if (c.index >= limit)
          return fail_instr(fi, pc,
                            "Closure of " + function_label(gi) + ": capture u" + std::to_string(i) + " reads " +
                                (from_register ? "r" : "u") + std::to_string(c.index) + ", but this function has " +
                                std::to_string(limit) + (from_register ? " registers" : " upvalues"));
      }
    }
    return true;
  }

  /// The largest parent register and parent upvalue each function captures
  /// (-1 when none), so that every Closure site is checked in O(1).
  void summarise_captures() {
    max_captured_register_.assign(m_.functions.size(), -1);
    max_captured_upvalue_.assign(m_.functions.size(), -1);
    for (size_t gi = 0; gi < m_.functions.size(); ++gi) {
      for (const Capture& c : m_.functions[gi].captures) {
        auto& max = c.from == Capture::From::ParentRegister ? max_captured_register_ : max_captured_upvalue_;
        max[gi] = std::max(max[gi], int32_t(c.index));
      }
    }
  }

  std::vector<uint32_t> cache_owner_;  // per inline cache of the current function: the pc using it

  bool is_string_constant(uint32_t k) const {
    return k < m_.constants.size() && m_.constants[k].kind == Constant::Kind::String;
  }

  bool operand(uint32_t fi, uint32_t pc, const OpcodeInfo& info, char field, OperandKind kind, uint16_t v) {
    const FunctionProto& f = m_.functions[fi];
    auto out_of_range = [&](const char* prefix, size_t limit, const char* what) {
      return fail_instr(fi, pc,
                        std::string(info.name) + ": operand " + field + " " + prefix + std::to_string(v) +
                            " out of range (" + std::to_string(limit) + " " + what + ")");
    };
    switch (kind) {
      case OperandKind::Unused:
        if (v != 0)
          return fail_instr(
              fi, pc,
              std::string(info.name) + ": unused operand " + field + " is " + std::to_string(v) + ", must be 0");
        return true;
      case OperandKind::Register:
      case OperandKind::CallWindow: return v < f.register_count || out_of_range("r", f.register_count, "registers");
      case OperandKind::Constant: return v < m_.constants.size() || out_of_range("k", m_.constants.size(), "constants");
      case OperandKind::Function: return v < m_.functions.size() || out_of_range("f", m_.functions.size(), "functions");
      case OperandKind::Cache:
        if (v >= f.ic_names.size()) return out_of_range("ic", f.ic_names.size(), "inline caches");
        // Each cache belongs to one instruction: the interpreter's fast paths
        // trust that the entry was filled by an instruction of their own kind.
        if (cache_owner_[v] != UINT32_MAX)
          return fail_instr(fi, pc,
                            std::string(info.name) + ": inline cache ic" + std::to_string(v) +
                                " is already used by the instruction at pc " + std::to_string(cache_owner_[v]));
        cache_owner_[v] = pc;
        return true;
      case OperandKind::Global: return v < m_.globals.size() || out_of_range("g", m_.globals.size(), "globals");
      case OperandKind::Upvalue: return v < f.captures.size() || out_of_range("u", f.captures.size(), "upvalues");
      case OperandKind::Builtin:
        return v < m_.builtin_imports.size() || out_of_range("b", m_.builtin_imports.size(), "builtin imports");
      case OperandKind::Imm:
      case OperandKind::Count:
      case OperandKind::Jump16:  // target checked by the caller
      case OperandKind::Jump32:
      case OperandKind::Constant32: return true;  // spans b and c: checked by the caller
    }
    return true;
  }

  const Module& m_;
  detail::VerifySite site_;
  std::optional<Error> error_;
  std::vector<int32_t> max_captured_register_;
  std::vector<int32_t> max_captured_upvalue_;
};

}  // namespace

Status verify_module(const Module& module) { return detail::verify_module(module, nullptr); }

Result<Module> load_module(std::span<const uint8_t> bytes) {
  detail::RybLayout layout;
  Result<Module> decoded = detail::decode_module(bytes, &layout);
  if (!decoded) return decoded;
  detail::VerifySite site;
  Status verified = detail::verify_module(decoded.value(), &site);
  if (verified) return decoded;

  // Report the verifier's failure at the bytes it concerns.
  Error e = verified.take_error();
  if (site.function >= 0 && site.pc >= 0) {
    e.offset = uint64_t(layout.code_offsets[site.function]) + uint64_t(site.pc) * sizeof(Instr);
  } else if (site.function >= 0) {
    e.offset = layout.function_offsets[site.function];
  } else {
    e.offset = layout.section_offsets[uint32_t(site.section) - ryb::kFirstSectionKind];
  }
  return e;
}

namespace detail {

Status verify_module(const Module& module, VerifySite* site) { return Verifier(module).run(site); }

}  // namespace detail
}  // namespace raya::vm
