// Reads the .ryb layout described in ryb_format.hpp, distrusting every byte.
//
// The one rule that keeps hostile input cheap: a count is compared with the
// bytes left in its section (count * smallest encoding of one element) before
// anything is reserved, so a claimed 2^32 elements fails at once instead of
// allocating. The first failure wins; later reads are skipped by returning
// false all the way up (no exceptions, STYLE.md "Errors").
#include "vmcore/bytecode/decoder.hpp"

#include <algorithm>
#include <bit>
#include <optional>
#include <string>

#include "vmcore/version.hpp"

namespace raya::vm {
namespace {

// Smallest encoding of one element, for the count checks.
constexpr size_t kMinStringBytes = 4;    // u32 length
constexpr size_t kMinConstantBytes = 5;  // tag + u32 length of an empty string
constexpr size_t kMinFunctionBytes = 4 + 2 + 2 + 2 + 4 + 4 + 4 + 5 * 4;
constexpr size_t kInstrBytes = 8;
constexpr size_t kCaptureBytes = 3;
constexpr size_t kIcNameBytes = 4;
constexpr size_t kHandlerBytes = 14;
constexpr size_t kLineEntryBytes = 12;
constexpr uint32_t kExprNameBytes = 8;  // u32 pc, u32 constant
constexpr size_t kMinGlobalBytes = kMinStringBytes + 1;
constexpr size_t kMinExportBytes = kMinStringBytes + 4;

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool fail(size_t offset, std::string reason) {
    if (!error_.has_value()) {
      Error e = make_error(ErrorCode::VerifyError, std::move(reason));
      e.offset = offset;
      error_ = std::move(e);
    }
    return false;
  }
  Error take_error() { return std::move(*error_); }

  // --- the section being read: [pos_, end_) ---
  void enter(ryb::SectionKind kind, size_t begin, size_t end) {
    section_ = kind;
    in_section_ = true;
    pos_ = begin;
    end_ = end;
  }
  size_t left() const { return end_ - pos_; }

  /// "Functions section, function 3 name: " — where a failure happened.
  std::string where(std::string_view what) const {
    std::string out = in_section_ ? std::string(ryb::section_name(section_)) + " section" : "header";
    if (context_ != nullptr) out += ", " + std::string(context_) + " " + std::to_string(context_index_);
    if (!what.empty()) out += ", " + std::string(what);
    return out + ": ";
  }
  /// Names the element being read ("function", 3), formatted only on failure.
  void set_context(const char* element, uint32_t index) {
    context_ = element;
    context_index_ = index;
  }
  void clear_context() { context_ = nullptr; }

  bool need(size_t n, std::string_view what) {
    if (n <= left()) return true;
    return fail(pos_,
                where(what) + "truncated: needs " + std::to_string(n) + " bytes, " + std::to_string(left()) + " left");
  }
  template <class T>
  bool uint(T& out, std::string_view what) {
    if (!need(sizeof(T), what)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t(bytes_[pos_ + i]) << (8 * i);
    out = T(v);
    pos_ += sizeof(T);
    return true;
  }
  /// A u32 count of elements that take at least `min_bytes` each ("count"),
  /// or of the units of a string ("length").
  bool count(uint32_t& n, size_t min_bytes, std::string_view what, const char* noun = "count") {
    size_t at = pos_;
    if (!uint(n, what)) return false;
    if (uint64_t(n) * min_bytes <= left()) return true;
    return fail(at, where(what) + noun + " " + std::to_string(n) + " needs at least " +
                        std::to_string(uint64_t(n) * min_bytes) + " bytes, " + std::to_string(left()) + " left");
  }
  bool str(std::string& out, std::string_view what) {
    uint32_t n = 0;
    if (!count(n, 1, what, "length")) return false;
    out.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool strings(std::vector<std::string>& out, const char* element) {
    uint32_t n = 0;
    if (!count(n, kMinStringBytes, std::string(element) + "s")) return false;
    out.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      set_context(element, i);
      if (!str(out[i], "")) return false;
    }
    return true;
  }
  bool finish_section() {
    clear_context();
    if (left() == 0) return true;
    return fail(pos_, where("") + std::to_string(left()) + " unused bytes at the end");
  }

  bool constant(Constant& k) {
    size_t at = pos_;
    uint8_t tag = 0;
    if (!uint(tag, "tag")) return false;
    switch (ryb::ConstantTag(tag)) {
      case ryb::ConstantTag::Number: {
        uint64_t bits = 0;
        if (!uint(bits, "number")) return false;
        k = Constant::of_number(std::bit_cast<double>(bits));
        return true;
      }
      case ryb::ConstantTag::Latin1:
      case ryb::ConstantTag::Utf16: {
        size_t unit_bytes = ryb::ConstantTag(tag) == ryb::ConstantTag::Latin1 ? 1 : 2;
        uint32_t n = 0;
        if (!count(n, unit_bytes, "string", "length")) return false;
        std::u16string s(n, u'\0');
        for (uint32_t i = 0; i < n; ++i) {
          const uint8_t* p = bytes_.data() + pos_ + i * unit_bytes;
          s[i] = unit_bytes == 1 ? char16_t(p[0]) : char16_t(p[0] | (p[1] << 8));
        }
        pos_ += size_t(n) * unit_bytes;
        k = Constant::of_string(std::move(s));
        return true;
      }
    }
    return fail(at, where("") + "unknown constant tag " + std::to_string(tag));
  }

  bool function(FunctionProto& f, uint32_t& code_offset) {
    uint32_t n = 0;
    if (!str(f.name, "name") || !uint(f.param_count, "param count") || !uint(f.register_count, "register count") ||
        !uint(f.flags, "flags") || !uint(f.file, "file") || !uint(f.line, "line") || !uint(f.column, "column"))
      return false;

    // After each count check the elements are known to fit, so the reads
    // inside the loops below cannot fail.
    if (!count(n, kInstrBytes, "code")) return false;
    code_offset = uint32_t(pos_);
    f.code.resize(n);
    for (Instr& i : f.code) uint(i, "code");

    if (!count(n, kCaptureBytes, "captures")) return false;
    f.captures.resize(n);
    for (Capture& c : f.captures) {
      size_t at = pos_;
      uint8_t from = 0;
      uint(from, "capture");
      if (from > uint8_t(Capture::From::ParentUpvalue))
        return fail(at, where("capture") + "unknown capture source " + std::to_string(from));
      c.from = Capture::From(from);
      uint(c.index, "capture");
    }

    if (!count(n, kIcNameBytes, "inline caches")) return false;
    f.ic_names.resize(n);
    for (uint32_t& k : f.ic_names) uint(k, "inline caches");

    if (!count(n, kHandlerBytes, "handlers")) return false;
    f.handlers.resize(n);
    for (Handler& h : f.handlers) {
      uint(h.start_pc, "handler");
      uint(h.end_pc, "handler");
      uint(h.handler_pc, "handler");
      uint(h.exception_register, "handler");
    }

    if (!count(n, kLineEntryBytes, "line table")) return false;
    f.lines.resize(n);
    for (LineEntry& l : f.lines) {
      uint(l.pc, "line table");
      uint(l.line, "line table");
      uint(l.column, "line table");
    }

    if (!count(n, kExprNameBytes, "expression names")) return false;
    f.expr_names.resize(n);
    for (ExprName& e : f.expr_names) {
      uint(e.pc, "expression names");
      uint(e.name, "expression names");
    }
    return true;
  }

  bool section(ryb::SectionKind kind, Module& m, detail::RybLayout& layout) {
    uint32_t n = 0;
    switch (kind) {
      case ryb::SectionKind::Files: return strings(m.files, "file");
      case ryb::SectionKind::Constants:
        if (!count(n, kMinConstantBytes, "constants")) return false;
        m.constants.resize(n);
        for (uint32_t i = 0; i < n; ++i) {
          set_context("constant", i);
          if (!constant(m.constants[i])) return false;
        }
        return true;
      case ryb::SectionKind::Functions:
        if (!count(n, kMinFunctionBytes, "functions")) return false;
        m.functions.resize(n);
        layout.function_offsets.resize(n);
        layout.code_offsets.resize(n);
        for (uint32_t i = 0; i < n; ++i) {
          set_context("function", i);
          layout.function_offsets[i] = uint32_t(pos_);
          if (!function(m.functions[i], layout.code_offsets[i])) return false;
        }
        return true;
      case ryb::SectionKind::Globals:
        if (!count(n, kMinGlobalBytes, "globals")) return false;
        m.globals.resize(n);
        for (uint32_t i = 0; i < n; ++i) {
          set_context("global", i);
          if (!str(m.globals[i].name, "name") || !uint(m.globals[i].flags, "flags")) return false;
        }
        return true;
      case ryb::SectionKind::Exports:
        if (!count(n, kMinExportBytes, "exports")) return false;
        m.exports.resize(n);
        for (uint32_t i = 0; i < n; ++i) {
          set_context("export", i);
          if (!str(m.exports[i].name, "name") || !uint(m.exports[i].global, "global")) return false;
        }
        return true;
      case ryb::SectionKind::BuiltinImports: return strings(m.builtin_imports, "builtin import");
      case ryb::SectionKind::HostImports: return strings(m.host_imports, "host import");
      case ryb::SectionKind::Entry: return uint(m.entry_function, "entry function");
    }
    return fail(pos_, "unknown section");  // unreachable: kinds are checked first
  }

  // Checks the fixed header, the checksum and the section table, and fills
  // `begin`/`end` per kind. Nothing is allocated from a claimed size here.
  bool header(std::array<size_t, ryb::kSectionKindCount>& begin, std::array<size_t, ryb::kSectionKindCount>& end) {
    const size_t size = bytes_.size();
    for (size_t i = 0; i < sizeof(ryb::kMagic) && i < size; ++i) {
      if (bytes_[i] != ryb::kMagic[i]) return fail(0, "not a .ryb module (bad magic)");
    }
    if (size < ryb::kHeaderBytes + ryb::kChecksumBytes)
      return fail(size, "truncated: " + std::to_string(size) + " bytes is shorter than any .ryb module");
    const uint16_t version = uint16_t(bytes_[4] | (bytes_[5] << 8));
    if (version != kRybFormatVersion)
      return fail(4, "unsupported .ryb format version " + std::to_string(version) + " (this VM reads " +
                         std::to_string(kRybFormatVersion) + ")");

    const size_t body = size - ryb::kChecksumBytes;
    uint64_t stored = 0;
    for (size_t i = 0; i < ryb::kChecksumBytes; ++i) stored |= uint64_t(bytes_[body + i]) << (8 * i);
    if (stored != ryb::fnv1a64(bytes_.first(body)))
      return fail(body, "checksum mismatch (the module is corrupt or truncated)");

    // From here on every read is inside the size checked above or the
    // section-table length checked below, so the reads cannot fail.
    pos_ = 6;
    end_ = body;
    uint16_t flags = 0;
    uint32_t n = 0;
    uint(flags, "");
    if (flags != 0) return fail(6, "unknown header flags " + std::to_string(flags));
    size_t count_at = pos_;
    uint(n, "");
    if (n > ryb::kSectionKindCount)
      return fail(count_at, "section count " + std::to_string(n) + " exceeds the " +
                                std::to_string(ryb::kSectionKindCount) + " known sections");
    if (uint64_t(n) * ryb::kSectionEntryBytes > left())
      return fail(count_at, "truncated section table: " + std::to_string(n) + " entries");
    const size_t table_end = pos_ + size_t(n) * ryb::kSectionEntryBytes;

    struct Entry {
      size_t at, begin, end;
      uint32_t kind;
    };
    std::vector<Entry> entries;
    std::array<bool, ryb::kSectionKindCount> seen{};
    for (uint32_t i = 0; i < n; ++i) {
      Entry e{pos_, 0, 0, 0};
      uint32_t offset = 0, length = 0;
      uint(e.kind, "");
      uint(offset, "");
      uint(length, "");
      if (e.kind < ryb::kFirstSectionKind || e.kind >= ryb::kFirstSectionKind + ryb::kSectionKindCount)
        return fail(e.at, "unknown section kind " + std::to_string(e.kind));
      const std::string name(ryb::section_name(ryb::SectionKind(e.kind)));
      if (seen[e.kind - ryb::kFirstSectionKind]) return fail(e.at, "duplicate section " + name);
      seen[e.kind - ryb::kFirstSectionKind] = true;
      e.begin = offset;
      e.end = size_t(offset) + length;
      if (e.begin < table_end || e.end > body)
        return fail(e.at, "section " + name + " [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                              ") lies outside the payload [" + std::to_string(table_end) + ", " + std::to_string(body) +
                              ")");
      entries.push_back(e);
    }
    for (uint32_t k = 0; k < ryb::kSectionKindCount; ++k) {
      if (!seen[k])
        return fail(count_at,
                    "missing section " + std::string(ryb::section_name(ryb::SectionKind(k + ryb::kFirstSectionKind))));
    }

    // The payloads must tile [table_end, body): sort by start, then every
    // section begins exactly where the previous one ended.
    std::sort(entries.begin(), entries.end(),
              [](const Entry& x, const Entry& y) { return x.begin != y.begin ? x.begin < y.begin : x.end < y.end; });
    size_t expected = table_end;
    std::string previous = "the section table";
    for (const Entry& e : entries) {
      const std::string name(ryb::section_name(ryb::SectionKind(e.kind)));
      if (e.begin < expected) return fail(e.at, "section " + name + " overlaps " + previous);
      if (e.begin > expected)
        return fail(e.at,
                    std::to_string(e.begin - expected) + " stray bytes between " + previous + " and section " + name);
      expected = e.end;
      previous = "section " + name;
      begin[e.kind - ryb::kFirstSectionKind] = e.begin;
      end[e.kind - ryb::kFirstSectionKind] = e.end;
    }
    if (expected != body) return fail(expected, std::to_string(body - expected) + " stray bytes after " + previous);
    return true;
  }

  Result<Module> run(detail::RybLayout& layout) {
    std::array<size_t, ryb::kSectionKindCount> begin{}, end{};
    if (!header(begin, end)) return take_error();
    Module m;
    for (uint32_t k = 0; k < ryb::kSectionKindCount; ++k) {
      const auto kind = ryb::SectionKind(k + ryb::kFirstSectionKind);
      layout.section_offsets[k] = uint32_t(begin[k]);
      enter(kind, begin[k], end[k]);
      clear_context();
      if (!section(kind, m, layout) || !finish_section()) return take_error();
    }
    return m;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  size_t end_ = 0;
  ryb::SectionKind section_ = ryb::SectionKind::Files;
  bool in_section_ = false;
  const char* context_ = nullptr;
  uint32_t context_index_ = 0;
  std::optional<Error> error_;
};

}  // namespace

Result<Module> decode_module(std::span<const uint8_t> bytes) {
  detail::RybLayout layout;
  return detail::decode_module(bytes, &layout);
}

namespace detail {

Result<Module> decode_module(std::span<const uint8_t> bytes, RybLayout* layout) {
  RybLayout scratch;
  Decoder decoder(bytes);
  return decoder.run(layout != nullptr ? *layout : scratch);
}

}  // namespace detail
}  // namespace raya::vm
