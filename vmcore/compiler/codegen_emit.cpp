// Instruction emission, jumps, constants, registers and line tables.
#include <cmath>
#include <cstring>

#include "vmcore/compiler/codegen.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm::compiler {

namespace {
// Below the verifier's kMaxFrameRegisters (65000), leaving room for the
// call windows a function's deepest expression needs.
constexpr uint16_t kMaxRegisters = 64000;
// Constants per program: LoadKW reaches 32 bits; this keeps the table (and
// the .ryb) proportionate to what generated programs need.
constexpr uint32_t kMaxConstants = uint32_t(1) << 22;
}

CodeGen::CodeGen(Module& module, std::vector<std::string> builtin_names, bool is_prelude)
    : module_(module), builtin_names_(std::move(builtin_names)), is_prelude_(is_prelude) {}

void CodeGen::error(SourcePos pos, std::string message) {
  if (file_ != nullptr) file_->sink->error(pos, std::move(message));
}

size_t CodeGen::emit(Opcode op, uint16_t a, uint16_t b, uint16_t c) {
  if (budget_ != nullptr) budget_->charge();
  fs_->proto.code.push_back(encode(op, a, b, c));
  return fs_->proto.code.size() - 1;
}

size_t CodeGen::emit_jump(Opcode op, uint16_t a) {
  fs_->proto.code.push_back(encode_long(op, a, 0));
  return fs_->proto.code.size() - 1;
}

size_t CodeGen::emit_jump16(Opcode op, uint16_t a, uint16_t b) {
  fs_->proto.code.push_back(encode(op, a, b, 0));
  return fs_->proto.code.size() - 1;
}

void CodeGen::patch_to(size_t at, size_t target) {
  Instr& ins = fs_->proto.code[at];
  int64_t offset = int64_t(target) - int64_t(at) - 1;
  Opcode op = op_of(ins);
  if (opcode_info(op).c == OperandKind::Jump16) {
    if (offset < INT16_MIN || offset > INT16_MAX) {
      error({fs_->last_line, fs_->last_column}, "function body too large for a conditional jump; split it up");
      return;
    }
    ins = encode(op, arg_a(ins), arg_b(ins), uint16_t(int16_t(offset)));
  } else {
    ins = encode_long(op, arg_a(ins), int32_t(offset));
  }
}

void CodeGen::patch_to_here(size_t at) { patch_to(at, here()); }

void CodeGen::emit_jump_back(Opcode op, uint16_t a, size_t target) {
  size_t at = emit_jump(op, a);
  patch_to(at, target);
}

void CodeGen::mark_line(SourcePos pos) {
  if (pos.line == 0) return;
  if (pos.line == fs_->last_line && pos.column == fs_->last_column) return;
  auto& lines = fs_->proto.lines;
  uint32_t pc = uint32_t(here());
  if (!lines.empty() && lines.back().pc == pc) {
    lines.back().line = pos.line;
    lines.back().column = pos.column;
  } else {
    lines.push_back(LineEntry{pc, pos.line, pos.column});
  }
  fs_->last_line = pos.line;
  fs_->last_column = pos.column;
}

namespace {

std::string describe_expr(const Expr& e, int depth = 0) {
  if (depth > 6) return "";
  switch (e.kind) {
    case ExprKind::Identifier: return e.as<IdentifierExpr>().name;
    case ExprKind::This: return "this";
    case ExprKind::Super: return "super";
    case ExprKind::Member: {
      const auto& m = e.as<MemberExpr>();
      std::string obj = describe_expr(*m.object, depth + 1);
      if (obj.empty()) return "";
      std::string dot = m.optional ? "?." : ".";
      if (!m.computed) return obj + dot + m.property;
      std::string key = describe_expr(*m.computed, depth + 1);
      return obj + (m.optional ? "?.[" : "[") + (key.empty() ? "..." : key) + "]";
    }
    case ExprKind::Call: {
      std::string callee = describe_expr(*e.as<CallExpr>().callee, depth + 1);
      return callee.empty() ? "" : callee + "(...)";
    }
    case ExprKind::OptionalChain: return describe_expr(*e.as<OptionalChainExpr>().expr, depth + 1);
    case ExprKind::Number: {
      double d = e.as<NumberExpr>().value;
      if (d == double(int64_t(d)) && d > -1e15 && d < 1e15) return std::to_string(int64_t(d));
      return "";
    }
    default: return "";
  }
}

}  // namespace

void CodeGen::note_expr(const Expr& e) {
  std::string text = describe_expr(e);
  if (text.empty() || text.size() > 120) return;
  uint32_t pc = uint32_t(here());
  auto& names = fs_->proto.expr_names;
  if (!names.empty() && names.back().pc == pc) return;
  names.push_back(ExprName{pc, constant_string_utf8(text)});
}

uint32_t CodeGen::constant_number(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  auto it = number_constants_.find(bits);
  if (it != number_constants_.end()) return it->second;
  if (module_.constants.size() >= kMaxConstants) {
    error({fs_->last_line, fs_->last_column}, "too many constants in one program (more than " +
                                                  std::to_string(kMaxConstants) + ")");
    return 0;
  }
  uint32_t idx = uint32_t(module_.constants.size());
  module_.constants.push_back(Constant::of_number(d));
  number_constants_[bits] = idx;
  return idx;
}

uint32_t CodeGen::constant_string(const std::u16string& s) {
  auto it = string_constants_.find(s);
  if (it != string_constants_.end()) return it->second;
  if (module_.constants.size() >= kMaxConstants) {
    error({fs_ ? fs_->last_line : 0, fs_ ? fs_->last_column : 0},
          "too many constants in one program (more than " + std::to_string(kMaxConstants) + ")");
    return 0;
  }
  uint32_t idx = uint32_t(module_.constants.size());
  module_.constants.push_back(Constant::of_string(s));
  string_constants_[s] = idx;
  return idx;
}

uint32_t CodeGen::constant_string_utf8(const std::string& s) { return constant_string(utf8_to_utf16(s)); }

void CodeGen::load_constant(uint16_t reg, uint32_t k) {
  if (k <= 0xFFFF) {
    emit(Opcode::LoadK, reg, uint16_t(k));
  } else {
    if (budget_ != nullptr) budget_->charge();
    fs_->proto.code.push_back(encode_long(Opcode::LoadKW, reg, int32_t(k)));
  }
}

uint16_t CodeGen::name_constant(const std::string& s) {
  uint32_t k = constant_string_utf8(s);
  if (k > 0xFFFF) {
    error({fs_ ? fs_->last_line : 0, fs_ ? fs_->last_column : 0},
          "too many constants before the name '" + s + "' (names need one of the first 65536)");
    return 0;
  }
  return uint16_t(k);
}

uint16_t CodeGen::new_cache_u16(const std::u16string& name) {
  auto& names = fs_->proto.ic_names;
  if (names.size() >= 65535) {
    error({fs_->last_line, fs_->last_column}, "too many property accesses in one function");
    return 0;
  }
  names.push_back(constant_string(name));
  return uint16_t(names.size() - 1);
}

uint16_t CodeGen::new_cache(const std::string& name) { return new_cache_u16(utf8_to_utf16(name)); }

void CodeGen::get_named(uint16_t dest, uint16_t obj, const std::u16string& name) {
  if (!caches_exhausted()) {
    emit(Opcode::GetProp, dest, obj, new_cache_u16(name));
    return;
  }
  uint16_t level = fs_->next_reg;
  uint16_t key = alloc_reg({fs_->last_line, fs_->last_column});
  load_constant(key, constant_string(name));
  emit(Opcode::GetElem, dest, obj, key);
  free_regs_to(level);
}

uint16_t CodeGen::alloc_reg(SourcePos pos) { return alloc_regs(1, pos); }

uint16_t CodeGen::alloc_regs(uint16_t n, SourcePos pos) {
  uint16_t r = fs_->next_reg;
  if (uint32_t(r) + n > kMaxRegisters) {
    error(pos, "function needs more than " + std::to_string(kMaxRegisters) + " registers; split it up");
    return uint16_t(kMaxRegisters - n);
  }
  fs_->next_reg = uint16_t(r + n);
  if (fs_->next_reg > fs_->max_reg) fs_->max_reg = fs_->next_reg;
  return r;
}

void CodeGen::load_int(uint16_t reg, double value) {
  if (value >= -32768 && value <= 32767 && value == std::floor(value) && !(value == 0 && std::signbit(value))) {
    emit(Opcode::LoadInt, reg, uint16_t(int16_t(value)));
  } else {
    load_constant(reg, constant_number(value));
  }
}

}  // namespace raya::vm::compiler
