// Mutation tests for the whole load path: encode a few valid modules, damage
// the bytes at thousands of deterministic positions, and check that every
// result either fails cleanly with a VerifyError or loads a module that
// verifies (and round-trips, and disassembles). With the checksum resealed
// after each mutation, the damage reaches the section parser and the
// verifier instead of stopping at the checksum. Run under ASan/UBSan
// (RAYA_SANITIZE) to turn "did not crash" into "did not misbehave".
#include <gtest/gtest.h>

#include <array>

#include "tests/vmcore/bytecode/module_builder.hpp"
#include "vmcore/bytecode/decoder.hpp"
#include "vmcore/bytecode/disassembler.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/bytecode/verifier.hpp"

namespace raya::vm {
namespace {

/// splitmix64: tiny, and the same sequence on every platform (unlike the
/// standard distributions).
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  uint64_t state_;
};

constexpr int kMutationsPerSample = 3000;

/// One random edit somewhere in bytes[0, limit): flip a bit, set a byte,
/// insert or delete a byte, or overwrite a u32 with a boundary value.
void mutate(std::vector<uint8_t>& bytes, size_t limit, Prng& rng) {
  const size_t at = size_t(rng.below(limit));
  switch (rng.below(5)) {
    case 0: bytes[at] ^= uint8_t(1u << rng.below(8)); break;
    case 1: bytes[at] = uint8_t(rng.next()); break;
    case 2: bytes.insert(bytes.begin() + at, uint8_t(rng.next())); break;
    case 3: bytes.erase(bytes.begin() + at); break;
    default: {
      const uint32_t values[] = {0, 1, 2, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, uint32_t(bytes.size())};
      const uint32_t v = values[rng.below(std::size(values))];
      for (size_t i = 0; i < 4 && at + i < limit; ++i) bytes[at + i] = uint8_t(v >> (8 * i));
      break;
    }
  }
}

struct Outcomes {
  int unchanged = 0, decode_errors = 0, verify_errors = 0, loaded = 0, disassembled = 0;
};

/// Loads `bytes` and checks the contract; returns which way it went.
void check_load(const std::vector<uint8_t>& bytes, Outcomes& out) {
  detail::RybLayout layout;
  Result<Module> decoded = detail::decode_module(bytes, &layout);
  if (!decoded.ok()) {
    ASSERT_EQ(decoded.error().code, ErrorCode::VerifyError);
    ASSERT_LE(decoded.error().offset, bytes.size());
    ASSERT_FALSE(decoded.error().message.empty());
    ++out.decode_errors;
    return;
  }
  // Whatever decodes must disassemble safely, verified or not (a third of
  // them suffice, and keep the test fast in debug builds).
  if (++out.disassembled % 3 == 0) {
    EXPECT_FALSE(disassemble(decoded.value()).empty());
  }
  Result<Module> loaded = load_module(bytes);
  if (!loaded.ok()) {
    ASSERT_EQ(loaded.error().code, ErrorCode::VerifyError);
    ASSERT_LT(loaded.error().offset, bytes.size());
    ++out.verify_errors;
    return;
  }
  ++out.loaded;
  ASSERT_TRUE(verify_module(loaded.value()).ok());
  // Compared as bytes: a damaged number may be a NaN, and NaN != NaN makes
  // Module::operator== false for a module and its own copy.
  const std::vector<uint8_t> canonical = encode_module(loaded.value());
  Result<Module> again = decode_module(canonical);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(encode_module(again.value()), canonical);
}

TEST(RybMutation, DamagedBytesAreCaughtByTheChecksum) {
  Prng rng(1);
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> original = encode_module(module);
    for (int i = 0; i < kMutationsPerSample; ++i) {
      std::vector<uint8_t> bytes = original;
      mutate(bytes, bytes.size(), rng);
      if (bytes == original) continue;
      Result<Module> r = load_module(bytes);
      ASSERT_FALSE(r.ok()) << "mutation " << i << " loaded";
      ASSERT_EQ(r.error().code, ErrorCode::VerifyError);
    }
  }
}

TEST(RybMutation, ResealedDamageFailsCleanlyOrLoadsAVerifiedModule) {
  Prng rng(2);
  Outcomes total;
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> original = encode_module(module);
    for (int i = 0; i < kMutationsPerSample; ++i) {
      std::vector<uint8_t> bytes = original;
      mutate(bytes, bytes.size() - ryb::kChecksumBytes, rng);
      reseal_checksum(bytes);
      if (bytes == original) {
        ++total.unchanged;
        continue;
      }
      SCOPED_TRACE("mutation " + std::to_string(i));
      check_load(bytes, total);
      if (HasFatalFailure()) return;
    }
  }
  // All three paths must have been exercised, or the test proves little.
  EXPECT_GT(total.decode_errors, 1000);
  EXPECT_GT(total.verify_errors, 500);
  EXPECT_GT(total.loaded, 100);
  std::cout << "  decode errors " << total.decode_errors << ", verify errors " << total.verify_errors << ", loaded "
            << total.loaded << ", unchanged " << total.unchanged << "\n";
}

TEST(RybMutation, ResealedDamageInCodeWordsIsCaughtByTheVerifier) {
  // Aim at instruction words only: these always decode, so the verifier
  // alone stands between them and the interpreter.
  Prng rng(3);
  Outcomes total;
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> original = encode_module(module);
    detail::RybLayout layout;
    ASSERT_TRUE(detail::decode_module(original, &layout).ok());
    for (int i = 0; i < kMutationsPerSample / 3; ++i) {
      const size_t f = rng.below(module.functions.size());
      const size_t word = rng.below(module.functions[f].code.size());
      std::vector<uint8_t> bytes = original;
      bytes[layout.code_offsets[f] + word * 8 + rng.below(8)] ^= uint8_t(1u << rng.below(8));
      reseal_checksum(bytes);
      check_load(bytes, total);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(total.decode_errors, 0);
  EXPECT_GT(total.verify_errors, 2000);
}

/// An independent statement of the rules the interpreter cannot live
/// without, checked on every module the verifier accepts.
void expect_safe_to_run(const Module& m) {
  ASSERT_LT(m.entry_function, m.functions.size());
  for (const FunctionProto& f : m.functions) {
    ASSERT_FALSE(f.code.empty());
    ASSERT_LE(f.register_count, kMaxFrameRegisters);
    for (size_t pc = 0; pc < f.code.size(); ++pc) {
      const Instr w = f.code[pc];
      ASSERT_LT(op_bits(w), kOpcodeCount);
      const OpcodeInfo& info = opcode_info(op_of(w));
      const std::array<std::pair<OperandKind, uint16_t>, 3> fields = {
          {{info.a, arg_a(w)}, {info.b, arg_b(w)}, {info.c, arg_c(w)}}};
      for (auto [kind, v] : fields) {
        if (kind == OperandKind::Register) {
          ASSERT_LT(v, f.register_count);
        }
        if (kind == OperandKind::CallWindow) {
          const uint32_t args = info.b == OperandKind::Count ? arg_b(w) : 1;
          ASSERT_LE(v + 2u + args, f.register_count);
        }
        if (kind == OperandKind::Constant) {
          ASSERT_LT(v, m.constants.size());
        }
        if (kind == OperandKind::Function) {
          ASSERT_LT(v, m.functions.size());
        }
        if (kind == OperandKind::Cache) {
          ASSERT_LT(v, f.ic_names.size());
        }
        if (kind == OperandKind::Global) {
          ASSERT_LT(v, m.globals.size());
        }
        if (kind == OperandKind::Upvalue) {
          ASSERT_LT(v, f.captures.size());
        }
        if (kind == OperandKind::Builtin) {
          ASSERT_LT(v, m.builtin_imports.size());
        }
      }
      int64_t target = -1;
      if (info.b == OperandKind::Jump32) target = int64_t(pc) + 1 + arg_sbc(w);
      if (info.c == OperandKind::Jump16) target = int64_t(pc) + 1 + arg_sc(w);
      if (target != -1) {
        ASSERT_GE(target, 0);
        ASSERT_LT(target, int64_t(f.code.size()));
      }
    }
    const Opcode last = op_of(f.code.back());
    ASSERT_TRUE(last == Opcode::Jmp || last == Opcode::Return || last == Opcode::ReturnUndef || last == Opcode::Throw);
    for (const Handler& h : f.handlers) {
      ASSERT_LT(h.start_pc, h.end_pc);
      ASSERT_LE(h.end_pc, f.code.size());
      ASSERT_LT(h.handler_pc, f.code.size());
      ASSERT_LT(h.exception_register, f.register_count);
    }
    for (uint32_t k : f.ic_names) ASSERT_LT(k, m.constants.size());
  }
}

TEST(RybMutation, RandomInstructionsThatVerifyAreSafeToRun) {
  // Module-level fuzzing of the verifier: random words with small operands
  // (so that many are in range), random side-table edits.
  Prng rng(4);
  int accepted = 0, rejected = 0;
  for (auto& [name, module] : testing::sample_modules()) {
    SCOPED_TRACE(name);
    for (int i = 0; i < kMutationsPerSample; ++i) {
      Module m = module;
      FunctionProto& f = m.functions[rng.below(m.functions.size())];
      auto small = [&rng]() { return uint16_t(rng.below(4) == 0 ? rng.next() : rng.below(10)); };
      switch (rng.below(4)) {
        case 0:
        case 1: {
          // One draw per statement: argument evaluation order is unspecified.
          const size_t pc = rng.below(f.code.size());
          const auto op = Opcode(rng.below(kOpcodeCount + 2));
          const uint16_t a = small(), b = small();
          const uint16_t c = rng.below(3) == 0 ? uint16_t(-small()) : small();
          f.code[pc] = encode(op, a, b, c);
          break;
        }
        case 2: {
          Handler h;
          h.start_pc = uint32_t(rng.below(20));
          h.end_pc = uint32_t(rng.below(20));
          h.handler_pc = uint32_t(rng.below(20));
          h.exception_register = small();
          f.handlers.push_back(h);
          break;
        }
        default: {
          const auto from = Capture::From(rng.below(2));
          f.captures.push_back({from, small()});
          break;
        }
      }
      Status s = verify_module(m);
      if (!s.ok()) {
        ASSERT_EQ(s.error().code, ErrorCode::VerifyError);
        ++rejected;
        continue;
      }
      ++accepted;
      expect_safe_to_run(m);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(accepted, 500);
  EXPECT_GT(rejected, 500);
}

}  // namespace
}  // namespace raya::vm
