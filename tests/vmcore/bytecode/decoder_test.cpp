// Decoding hostile bytes: every malformed input gives a VerifyError with the
// byte offset of the problem, and nothing a file claims is allocated before
// it is checked against the bytes that are really there.
#include "vmcore/bytecode/decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/vmcore/bytecode/module_builder.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/version.hpp"

namespace raya::vm {
namespace {

using Section = std::pair<uint32_t, std::vector<uint8_t>>;

uint32_t read_u32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}
void write_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}
size_t entry_at(uint32_t i) { return ryb::kHeaderBytes + i * ryb::kSectionEntryBytes; }

/// Offset of section `kind`'s payload in well-formed bytes.
size_t section_offset(const std::vector<uint8_t>& bytes, ryb::SectionKind kind) {
  for (uint32_t i = 0; i < read_u32(bytes, 8); ++i)
    if (read_u32(bytes, entry_at(i)) == uint32_t(kind)) return read_u32(bytes, entry_at(i) + 4);
  ADD_FAILURE() << "no section " << ryb::section_name(kind);
  return 0;
}

/// The sections of well-formed bytes, in table order.
std::vector<Section> split(const std::vector<uint8_t>& bytes) {
  std::vector<Section> out;
  for (uint32_t i = 0; i < read_u32(bytes, 8); ++i) {
    const size_t offset = read_u32(bytes, entry_at(i) + 4), length = read_u32(bytes, entry_at(i) + 8);
    out.push_back({read_u32(bytes, entry_at(i)), {bytes.begin() + offset, bytes.begin() + offset + length}});
  }
  return out;
}

/// A file with exactly these sections, laid out in this order.
std::vector<uint8_t> assemble(const std::vector<Section>& sections) {
  std::vector<uint8_t> out = {'R', 'A', 'Y', 'B', uint8_t(kRybFormatVersion), uint8_t(kRybFormatVersion >> 8), 0, 0};
  out.resize(ryb::kHeaderBytes + sections.size() * ryb::kSectionEntryBytes);
  write_u32(out, 8, uint32_t(sections.size()));
  for (uint32_t i = 0; i < sections.size(); ++i) {
    write_u32(out, entry_at(i), sections[i].first);
    write_u32(out, entry_at(i) + 4, uint32_t(out.size()));
    write_u32(out, entry_at(i) + 8, uint32_t(sections[i].second.size()));
    out.insert(out.end(), sections[i].second.begin(), sections[i].second.end());
  }
  out.resize(out.size() + ryb::kChecksumBytes);
  reseal_checksum(out);
  return out;
}

/// Expects a VerifyError at `offset` whose message contains `reason`.
void expect_rejected(const std::vector<uint8_t>& bytes, uint64_t offset, std::string_view reason) {
  Result<Module> r = decode_module(bytes);
  ASSERT_FALSE(r.ok()) << "expected: " << reason;
  EXPECT_EQ(r.error().code, ErrorCode::VerifyError);
  EXPECT_EQ(r.error().offset, offset) << r.error().message;
  EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
}

std::vector<uint8_t> fib_bytes() { return encode_module(testing::fib_module()); }

TEST(Decoder, RejectsEmptyInput) { expect_rejected({}, 0, "truncated"); }

TEST(Decoder, RejectsBadMagic) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes[2] = 'X';
  expect_rejected(bytes, 0, "bad magic");
  expect_rejected({'R', 'A', 'Y', 'C'}, 0, "bad magic");
  expect_rejected({'\x7f', 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "bad magic");
}

TEST(Decoder, RejectsAHeaderWithNoRoomForAChecksum) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes.resize(19);
  expect_rejected(bytes, 19, "truncated");
}

TEST(Decoder, RejectsUnknownFormatVersion) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes[4] = uint8_t(kRybFormatVersion + 1);
  reseal_checksum(bytes);
  expect_rejected(bytes, 4, "unsupported .ryb format version");
}

TEST(Decoder, RejectsChecksumMismatch) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes[bytes.size() / 2] ^= 0x10;
  expect_rejected(bytes, bytes.size() - 8, "checksum mismatch");
  bytes = fib_bytes();
  bytes.back() ^= 1;
  expect_rejected(bytes, bytes.size() - 8, "checksum mismatch");
}

TEST(Decoder, RejectsTruncationAtEveryByteOffset) {
  for (auto& [name, module] : testing::sample_modules()) {
    const std::vector<uint8_t> bytes = encode_module(module);
    for (size_t n = 0; n < bytes.size(); ++n) {
      Result<Module> r = decode_module(std::span(bytes).first(n));
      ASSERT_FALSE(r.ok()) << name << " truncated to " << n;
      ASSERT_EQ(r.error().code, ErrorCode::VerifyError);
      ASSERT_LE(r.error().offset, n);
    }
  }
}

TEST(Decoder, RejectsTruncationEvenWhenTheChecksumIsRecomputed) {
  for (auto& [name, module] : testing::sample_modules()) {
    const std::vector<uint8_t> bytes = encode_module(module);
    const size_t body = bytes.size() - ryb::kChecksumBytes;
    for (size_t n = 0; n < body; ++n) {
      std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
      cut.resize(n + ryb::kChecksumBytes);
      reseal_checksum(cut);
      Result<Module> r = decode_module(cut);
      ASSERT_FALSE(r.ok()) << name << " truncated to " << n;
      ASSERT_EQ(r.error().code, ErrorCode::VerifyError);
      ASSERT_LE(r.error().offset, cut.size());
    }
  }
}

TEST(Decoder, RejectsNonzeroHeaderFlags) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes[6] = 1;
  reseal_checksum(bytes);
  expect_rejected(bytes, 6, "header flags");
}

TEST(Decoder, RejectsMoreSectionsThanKinds) {
  std::vector<uint8_t> bytes = fib_bytes();
  write_u32(bytes, 8, 0xFFFFFFFF);
  reseal_checksum(bytes);
  expect_rejected(bytes, 8, "section count 4294967295");
}

TEST(Decoder, RejectsASectionTableLongerThanTheFile) {
  std::vector<uint8_t> bytes = {'R', 'A', 'Y', 'B', uint8_t(kRybFormatVersion), 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
  bytes.resize(bytes.size() + 8);
  reseal_checksum(bytes);
  expect_rejected(bytes, 8, "truncated section table");
}

TEST(Decoder, RejectsUnknownSectionKind) {
  std::vector<Section> sections = split(fib_bytes());
  sections[7].first = 99;
  expect_rejected(assemble(sections), entry_at(7), "unknown section kind 99");
  sections[7].first = uint32_t(ryb::SectionKind::Entry);
  sections[3].first = 0;
  expect_rejected(assemble(sections), entry_at(3), "unknown section kind 0");
}

TEST(Decoder, RejectsDuplicateSection) {
  std::vector<Section> sections = split(fib_bytes());
  sections[7] = sections[2];
  expect_rejected(assemble(sections), entry_at(7), "duplicate section Functions");
}

TEST(Decoder, RejectsMissingSection) {
  std::vector<Section> sections = split(fib_bytes());
  sections.erase(sections.begin() + 4);
  expect_rejected(assemble(sections), 8, "missing section Exports");
}

TEST(Decoder, AcceptsSectionsInAnyOrder) {
  std::vector<Section> sections = split(fib_bytes());
  std::reverse(sections.begin(), sections.end());
  Result<Module> r = decode_module(assemble(sections));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), testing::fib_module());
}

TEST(Decoder, RejectsOverlappingSections) {
  std::vector<uint8_t> bytes = fib_bytes();
  // Globals starts inside Functions.
  write_u32(bytes, entry_at(3) + 4, read_u32(bytes, entry_at(2) + 4) + 1);
  reseal_checksum(bytes);
  expect_rejected(bytes, entry_at(3), "section Globals overlaps section Functions");
}

TEST(Decoder, RejectsStrayBytesBetweenSections) {
  std::vector<uint8_t> bytes = fib_bytes();
  // Exports starts one byte late and is one byte shorter.
  write_u32(bytes, entry_at(4) + 4, read_u32(bytes, entry_at(4) + 4) + 1);
  write_u32(bytes, entry_at(4) + 8, read_u32(bytes, entry_at(4) + 8) - 1);
  reseal_checksum(bytes);
  expect_rejected(bytes, entry_at(4), "1 stray bytes between section Globals and section Exports");
}

TEST(Decoder, RejectsStrayBytesAfterTheLastSection) {
  std::vector<uint8_t> bytes = fib_bytes();
  bytes.insert(bytes.end() - 8, {0, 0, 0});
  reseal_checksum(bytes);
  expect_rejected(bytes, bytes.size() - 11, "3 stray bytes after section Entry");
}

TEST(Decoder, RejectsSectionReachingIntoTheChecksum) {
  std::vector<uint8_t> bytes = fib_bytes();
  write_u32(bytes, entry_at(7) + 8, 5);  // Entry claims one checksum byte
  reseal_checksum(bytes);
  expect_rejected(bytes, entry_at(7), "lies outside the payload");
}

TEST(Decoder, RejectsSectionStartingInsideTheTable) {
  std::vector<uint8_t> bytes = fib_bytes();
  write_u32(bytes, entry_at(0) + 4, 0);
  reseal_checksum(bytes);
  expect_rejected(bytes, entry_at(0), "lies outside the payload");
}

TEST(Decoder, RejectsSectionWhoseEndOverflows32Bits) {
  std::vector<uint8_t> bytes = fib_bytes();
  write_u32(bytes, entry_at(7) + 8, 0xFFFFFFFF);
  reseal_checksum(bytes);
  expect_rejected(bytes, entry_at(7), "lies outside the payload");
}

TEST(Decoder, RejectsHugeConstantCountWithoutAllocating) {
  std::vector<uint8_t> bytes = fib_bytes();
  const size_t at = section_offset(bytes, ryb::SectionKind::Constants);
  write_u32(bytes, at, 0xFFFFFFFF);
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "Constants section, constants: count 4294967295 needs at least");
}

TEST(Decoder, RejectsHugeStringLengthWithoutAllocating) {
  std::vector<uint8_t> bytes = fib_bytes();
  const size_t at = section_offset(bytes, ryb::SectionKind::Files) + 4;  // length of files[0]
  write_u32(bytes, at, 0xFFFFFFFF);
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "Files section, file 0: length 4294967295 needs at least 4294967295 bytes");
}

TEST(Decoder, RejectsHugeStringConstantWithoutAllocating) {
  testing::ModuleBuilder b;
  b.string(u"\u1234");
  std::vector<uint8_t> bytes = encode_module(b.build());
  const size_t at = section_offset(bytes, ryb::SectionKind::Constants) + 5;  // count, tag
  write_u32(bytes, at, 0x80000000);
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "constant 0, string: length 2147483648 needs at least 4294967296 bytes");
}

TEST(Decoder, RejectsHugeCodeLengthWithoutAllocating) {
  std::vector<uint8_t> bytes = fib_bytes();
  // Functions: count, then function 0: name "main", 3 x u16, 3 x u32, code count.
  const size_t at = section_offset(bytes, ryb::SectionKind::Functions) + 4 + 4 + 4 + 6 + 12;
  ASSERT_EQ(read_u32(bytes, at), testing::fib_module().functions[0].code.size());
  write_u32(bytes, at, 0x20000000);
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "function 0, code: count 536870912");
}

TEST(Decoder, RejectsEveryHugeCountInEveryTable) {
  // Whatever u32 of the sample is blown up to 2^32-1, decoding fails or
  // succeeds without ever trusting it (run under ASan to see allocations).
  const std::vector<uint8_t> bytes = encode_module(testing::object_module());
  const size_t body = bytes.size() - ryb::kChecksumBytes;
  for (size_t at = ryb::kHeaderBytes; at + 4 <= body; ++at) {
    std::vector<uint8_t> patched = bytes;
    write_u32(patched, at, 0xFFFFFFFF);
    reseal_checksum(patched);
    Result<Module> r = decode_module(patched);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::VerifyError);
    }
  }
}

TEST(Decoder, RejectsUnknownConstantTag) {
  std::vector<uint8_t> bytes = fib_bytes();
  const size_t at = section_offset(bytes, ryb::SectionKind::Constants) + 4;
  bytes[at] = 3;
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "unknown constant tag 3");
}

TEST(Decoder, AcceptsUtf16FormOfALatin1String) {
  // Only the encoder promises the compact form; readers take either.
  testing::ModuleBuilder b;
  b.string(u"ab");
  std::vector<Section> sections = split(encode_module(b.build()));
  sections[1].second = {1, 0, 0, 0, uint8_t(ryb::ConstantTag::Utf16), 2, 0, 0, 0, 'a', 0, 'b', 0};
  Result<Module> r = decode_module(assemble(sections));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().constants[0].string, u"ab");
}

TEST(Decoder, RejectsUnknownCaptureSource) {
  std::vector<uint8_t> bytes = encode_module(testing::closure_module());
  const Module m = testing::closure_module();
  // Find function 2's capture record by decoding with a layout and walking
  // from its code: captures follow the code words and their count.
  detail::RybLayout layout;
  ASSERT_TRUE(detail::decode_module(bytes, &layout).ok());
  const size_t at = layout.code_offsets[2] + m.functions[2].code.size() * 8 + 4;
  ASSERT_EQ(bytes[at], 0);  // ParentRegister
  bytes[at] = 2;
  reseal_checksum(bytes);
  expect_rejected(bytes, at, "unknown capture source 2");
}

TEST(Decoder, RejectsUnusedBytesAtTheEndOfASection) {
  std::vector<Section> sections = split(fib_bytes());
  sections[7].second.push_back(0);  // Entry: u32 plus one stray byte
  const std::vector<uint8_t> bytes = assemble(sections);
  expect_rejected(bytes, bytes.size() - 9, "Entry section: 1 unused bytes at the end");
}

TEST(Decoder, RejectsSectionTooShortForItsCount) {
  std::vector<Section> sections = split(fib_bytes());
  sections[7].second.resize(2);  // Entry needs a u32
  const std::vector<uint8_t> bytes = assemble(sections);
  expect_rejected(bytes, bytes.size() - 10, "Entry section, entry function: truncated");
}

TEST(Decoder, RecordsWhereEachFunctionsCodeStarts) {
  const Module m = testing::class_module();
  const std::vector<uint8_t> bytes = encode_module(m);
  detail::RybLayout layout;
  ASSERT_TRUE(detail::decode_module(bytes, &layout).ok());
  ASSERT_EQ(layout.code_offsets.size(), m.functions.size());
  for (size_t f = 0; f < m.functions.size(); ++f) {
    uint64_t first = 0;
    for (int i = 0; i < 8; ++i) first |= uint64_t(bytes[layout.code_offsets[f] + i]) << (8 * i);
    EXPECT_EQ(first, m.functions[f].code[0]) << f;
  }
}

}  // namespace
}  // namespace raya::vm
