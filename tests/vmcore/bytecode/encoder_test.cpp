// Encoding: round trips, determinism and the compact string forms.
#include "vmcore/bytecode/encoder.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "tests/vmcore/bytecode/module_builder.hpp"
#include "vmcore/bytecode/decoder.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/version.hpp"

namespace raya::vm {
namespace {

using testing::ModuleBuilder;

uint32_t read_u32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

/// Payload length of section `kind`, read from the section table.
uint32_t section_length(const std::vector<uint8_t>& bytes, ryb::SectionKind kind) {
  const uint32_t n = read_u32(bytes, 8);
  for (uint32_t i = 0; i < n; ++i) {
    const size_t entry = ryb::kHeaderBytes + i * ryb::kSectionEntryBytes;
    if (read_u32(bytes, entry) == uint32_t(kind)) return read_u32(bytes, entry + 8);
  }
  return 0;
}

TEST(Encoder, RoundTripsEverySampleModule) {
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(verify_module(module).ok()) << verify_module(module).error().message;
    Result<Module> decoded = decode_module(encode_module(module));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), module);
  }
}

TEST(Encoder, GivesTheSameBytesForEqualModules) {
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> first = encode_module(module);
    Module copy = module;
    EXPECT_EQ(encode_module(copy), first);
    EXPECT_EQ(encode_module(decode_module(first).value()), first);
  }
}

TEST(Encoder, RoundTripsAnEmptyModule) {
  const Module empty;
  Result<Module> decoded = decode_module(encode_module(empty));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value(), empty);
}

TEST(Encoder, StartsWithMagicVersionAndEndsWithChecksum) {
  const std::vector<uint8_t> bytes = encode_module(testing::fib_module());
  ASSERT_GT(bytes.size(), 20u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "RAYB");
  EXPECT_EQ(bytes[4] | bytes[5] << 8, kRybFormatVersion);
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i) stored |= uint64_t(bytes[bytes.size() - 8 + i]) << (8 * i);
  EXPECT_EQ(stored, ryb::fnv1a64(std::span(bytes).first(bytes.size() - 8)));
}

TEST(Encoder, StoresLatin1StringsWithOneBytePerUnit) {
  ModuleBuilder b;
  b.string(u"caf\u00e9 au lait");  // 12 units, all <= 0xFF
  const std::vector<uint8_t> bytes = encode_module(b.build());
  // count + tag + length + 12 bytes
  EXPECT_EQ(section_length(bytes, ryb::SectionKind::Constants), 4u + 1 + 4 + 12);
  EXPECT_EQ(decode_module(bytes).value().constants[0].string, u"caf\u00e9 au lait");
}

TEST(Encoder, StoresOtherStringsAsUtf16WithTwoBytesPerUnit) {
  ModuleBuilder b;
  b.string(u"a\u20ac\U0001F600");  // 4 units: a, euro sign, a surrogate pair
  const std::vector<uint8_t> bytes = encode_module(b.build());
  EXPECT_EQ(section_length(bytes, ryb::SectionKind::Constants), 4u + 1 + 4 + 8);
  EXPECT_EQ(decode_module(bytes).value().constants[0].string, u"a\u20ac\U0001F600");
}

TEST(Encoder, KeepsLoneSurrogatesAndNulUnits) {
  ModuleBuilder b;
  b.string(std::u16string(u"\xD800x\0y", 4));
  b.string(u"");
  const Module m = b.build();
  EXPECT_EQ(decode_module(encode_module(m)).value(), m);
}

TEST(Encoder, KeepsTheExactBitsOfNumbers) {
  const double payload_nan = std::bit_cast<double>(uint64_t(0x7FF8000000000123));
  const double values[] = {
      -0.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(), payload_nan, 1e308,
      -1.5};
  ModuleBuilder b;
  for (double d : values) b.number(d);
  const Module decoded = decode_module(encode_module(b.build())).value();
  ASSERT_EQ(decoded.constants.size(), std::size(values));
  for (size_t i = 0; i < std::size(values); ++i)
    EXPECT_EQ(std::bit_cast<uint64_t>(decoded.constants[i].number), std::bit_cast<uint64_t>(values[i])) << i;
}

TEST(Encoder, KeepsFieldsAtTheirLimits) {
  ModuleBuilder b;
  auto f = b.function(std::string(1000, 'n'), 65535, 65535, 0xFFFF, 0xFFFFFFFF);
  f.proto().line = 0xFFFFFFFF;
  f.proto().column = 0xFFFFFFFE;
  f.op(Opcode::Nop, 0xFFFF, 0xFFFF, 0xFFFF).capture_upvalue(0xFFFF).handler(0xFFFFFFFF, 1, 2, 0xFFFF);
  f.proto().code.push_back(~Instr(0));
  f.proto().ic_names.push_back(0xFFFFFFFF);
  f.proto().lines.push_back({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF});
  b.global("g", 0xFF);
  b.export_global("e", 0xFFFFFFFF);
  b.entry(0xFFFFFFFF);
  const Module m = b.build();
  EXPECT_EQ(decode_module(encode_module(m)).value(), m);
}

TEST(Encoder, ResealedChecksumLetsPatchedBytesDecode) {
  std::vector<uint8_t> bytes = encode_module(testing::minimal_module());
  const size_t entry_section = read_u32(bytes, ryb::kHeaderBytes + 7 * ryb::kSectionEntryBytes + 4);
  bytes[entry_section] = 7;  // entry_function = 7
  EXPECT_FALSE(decode_module(bytes).ok());
  reseal_checksum(bytes);
  Result<Module> decoded = decode_module(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().entry_function, 7u);
}

TEST(Encoder, ResealIgnoresBuffersShorterThanAChecksum) {
  std::vector<uint8_t> tiny = {1, 2, 3};
  reseal_checksum(tiny);
  EXPECT_EQ(tiny, (std::vector<uint8_t>{1, 2, 3}));
}

}  // namespace
}  // namespace raya::vm
