// Writes the .ryb layout described in ryb_format.hpp. Each section is built
// in its own buffer first so the section table can be written with final
// offsets; the sections then follow in kind order, then the checksum.
#include "vmcore/bytecode/encoder.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <string_view>

#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/version.hpp"

namespace raya::vm {
namespace {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    for (int i = 0; i < 2; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  /// A count or length; the format stores it as u32.
  void size(size_t n) {
    assert(n <= UINT32_MAX && "module too large for the .ryb format");
    u32(uint32_t(n));
  }
  void str(std::string_view s) {
    size(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void bytes(const std::vector<uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }

  std::vector<uint8_t>& buffer() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

void write_strings(ByteWriter& w, const std::vector<std::string>& strings) {
  w.size(strings.size());
  for (const std::string& s : strings) w.str(s);
}

void write_constant(ByteWriter& w, const Constant& k) {
  if (k.kind == Constant::Kind::Number) {
    w.u8(uint8_t(ryb::ConstantTag::Number));
    w.u64(std::bit_cast<uint64_t>(k.number));
    return;
  }
  bool fits_latin1 = true;
  for (char16_t unit : k.string) fits_latin1 = fits_latin1 && unit <= 0xFF;
  w.u8(uint8_t(fits_latin1 ? ryb::ConstantTag::Latin1 : ryb::ConstantTag::Utf16));
  w.size(k.string.size());
  for (char16_t unit : k.string) {
    if (fits_latin1) {
      w.u8(uint8_t(unit));
    } else {
      w.u16(uint16_t(unit));
    }
  }
}

void write_function(ByteWriter& w, const FunctionProto& f) {
  w.str(f.name);
  w.u16(f.param_count);
  w.u16(f.register_count);
  w.u16(f.flags);
  w.u32(f.file);
  w.u32(f.line);
  w.u32(f.column);
  w.size(f.code.size());
  for (Instr i : f.code) w.u64(i);
  w.size(f.captures.size());
  for (const Capture& c : f.captures) {
    w.u8(uint8_t(c.from));
    w.u16(c.index);
  }
  w.size(f.ic_names.size());
  for (uint32_t k : f.ic_names) w.u32(k);
  w.size(f.handlers.size());
  for (const Handler& h : f.handlers) {
    w.u32(h.start_pc);
    w.u32(h.end_pc);
    w.u32(h.handler_pc);
    w.u16(h.exception_register);
  }
  w.size(f.lines.size());
  for (const LineEntry& l : f.lines) {
    w.u32(l.pc);
    w.u32(l.line);
    w.u32(l.column);
  }
  w.size(f.expr_names.size());
  for (const ExprName& e : f.expr_names) {
    w.u32(e.pc);
    w.u32(e.name);
  }
}

std::vector<uint8_t> encode_section(const Module& m, ryb::SectionKind kind) {
  ByteWriter w;
  switch (kind) {
    case ryb::SectionKind::Files: write_strings(w, m.files); break;
    case ryb::SectionKind::Constants:
      w.size(m.constants.size());
      for (const Constant& k : m.constants) write_constant(w, k);
      break;
    case ryb::SectionKind::Functions:
      w.size(m.functions.size());
      for (const FunctionProto& f : m.functions) write_function(w, f);
      break;
    case ryb::SectionKind::Globals:
      w.size(m.globals.size());
      for (const Global& g : m.globals) {
        w.str(g.name);
        w.u8(g.flags);
      }
      break;
    case ryb::SectionKind::Exports:
      w.size(m.exports.size());
      for (const Export& e : m.exports) {
        w.str(e.name);
        w.u32(e.global);
      }
      break;
    case ryb::SectionKind::BuiltinImports: write_strings(w, m.builtin_imports); break;
    case ryb::SectionKind::HostImports: write_strings(w, m.host_imports); break;
    case ryb::SectionKind::Entry: w.u32(m.entry_function); break;
  }
  return std::move(w.buffer());
}

}  // namespace

std::vector<uint8_t> encode_module(const Module& module) {
  std::array<std::vector<uint8_t>, ryb::kSectionKindCount> sections;
  for (uint32_t i = 0; i < ryb::kSectionKindCount; ++i)
    sections[i] = encode_section(module, ryb::SectionKind(ryb::kFirstSectionKind + i));

  ByteWriter w;
  for (uint8_t b : ryb::kMagic) w.u8(b);
  w.u16(kRybFormatVersion);
  w.u16(0);  // header flags
  w.u32(ryb::kSectionKindCount);
  size_t offset = ryb::kHeaderBytes + ryb::kSectionEntryBytes * ryb::kSectionKindCount;
  for (uint32_t i = 0; i < ryb::kSectionKindCount; ++i) {
    w.u32(ryb::kFirstSectionKind + i);
    w.size(offset);
    w.size(sections[i].size());
    offset += sections[i].size();
  }
  for (const auto& section : sections) w.bytes(section);
  w.u64(ryb::fnv1a64(w.buffer()));
  return std::move(w.buffer());
}

void reseal_checksum(std::vector<uint8_t>& bytes) {
  if (bytes.size() < ryb::kChecksumBytes) return;
  size_t body = bytes.size() - ryb::kChecksumBytes;
  uint64_t sum = ryb::fnv1a64(std::span<const uint8_t>(bytes.data(), body));
  for (size_t i = 0; i < ryb::kChecksumBytes; ++i) bytes[body + i] = uint8_t(sum >> (8 * i));
}

}  // namespace raya::vm
