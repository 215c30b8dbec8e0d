// Mutation tests over COMPILED modules, all the way to execution.
// ryb_mutation_test.cpp damages hand-built modules and stops at the loader;
// here realistic programs (classes, closures, try/catch, loops, strings,
// collections) are compiled, encoded, damaged at thousands of deterministic
// positions, resealed so the damage gets past the checksum, and then either
// rejected cleanly by load_module (a VerifyError) or — when the damaged
// module still verifies — run in a Context with small limits. Any outcome of
// the run is acceptable (done, failed task, a fatal limit); crashing is not.
// The verifier promises structural safety; the interpreter must supply the
// rest (kinds, initialisation, limits). Run under ASan/UBSan (RAYA_SANITIZE)
// to turn "did not crash" into "did not misbehave".
#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "vmcore/bytecode/decoder.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/ryb_format.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

/// splitmix64: the same sequence on every platform.
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

// Four programs of the kind people write, each exporting main().
constexpr const char* kClasses = R"(
class Account {
  static opened = 0;
  private history: number[] = [];
  constructor(public owner: string, private balance: number) { Account.opened++; }
  deposit(n: number) {
    if (n <= 0) throw new RangeError("deposit must be positive");
    this.balance += n;
    this.history.push(n);
    return this;
  }
  get total() { return this.balance; }
  toString() { return `${this.owner}: ${this.balance}`; }
}
class Savings extends Account {
  constructor(owner: string, private rate: number) { super(owner, 100); }
  accrue() { return this.deposit(Math.floor(this.total * this.rate)); }
}
export function main() {
  const accounts = [new Account("ann", 10), new Savings("bob", 0.5)];
  accounts[0].deposit(5).deposit(7);
  (accounts[1] as Savings).accrue();
  return accounts.map((a) => a.toString()).join("; ") + " / " + Account.opened;
}
)";

constexpr const char* kClosures = R"(
function memoize(f: (n: number) => number) {
  const cache = new Map<number, number>();
  return (n: number) => {
    if (cache.has(n)) return cache.get(n)!;
    const v = f(n);
    cache.set(n, v);
    return v;
  };
}
const fib = memoize((n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2)));
function counterFactory() {
  let count = 0;
  return { inc: () => ++count, get: () => count };
}
export function main() {
  const counters = [counterFactory(), counterFactory()];
  for (let i = 0; i < 10; i++) counters[i % 2].inc();
  const adders: ((x: number) => number)[] = [];
  for (let i = 0; i < 5; i++) adders.push((x) => x + i);
  return [fib(30), counters[0].get(), adders.reduce((t, f) => f(t), 0)].join(",");
}
)";

constexpr const char* kErrors = R"(
class ParseError extends Error {
  constructor(public line: number, message: string) {
    super(message);
    this.name = "ParseError";
  }
}
function parseLine(line: string, n: number) {
  const parts = line.split("=");
  if (parts.length !== 2) throw new ParseError(n, "expected key=value");
  const value = Number(parts[1].trim());
  if (Number.isNaN(value)) throw new TypeError("not a number: " + parts[1]);
  return { key: parts[0].trim(), value };
}
export function main() {
  const text = "a = 1\nb = 2\nbroken\nc = x\nd = 4";
  const good: string[] = [];
  const bad: string[] = [];
  let finallyRan = 0;
  text.split("\n").forEach((line, i) => {
    try {
      const { key, value } = parseLine(line, i + 1);
      good.push(key + value);
    } catch (e) {
      bad.push(e instanceof ParseError ? e.name + "@" + e.line : e.name);
    } finally {
      finallyRan++;
    }
  });
  return JSON.stringify({ good, bad, finallyRan });
}
)";

constexpr const char* kLoops = R"(
function sieve(limit: number) {
  const composite: boolean[] = [];
  const primes: number[] = [];
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j <= limit; j += i) composite[j] = true;
  }
  return primes;
}
function wordFreq(text: string) {
  const freq: Record<string, number> = {};
  for (const w of text.toLowerCase().split(" ")) {
    if (w === "") continue;
    freq[w] = (freq[w] ?? 0) + 1;
  }
  let best = "";
  for (const k in freq) if (best === "" || freq[k] > freq[best]) best = k;
  return best;
}
export function main() {
  let s = 0;
  outer: for (let i = 0; i < 10; i++) {
    let j = 0;
    while (true) {
      if (j > i) continue outer;
      if (i * j > 30) break outer;
      s += i ^ j;
      j++;
    }
  }
  const ps = sieve(200);
  const label = s > 100 ? "big" : "small";
  switch (ps.length % 3) {
    case 0: return label + ps.length;
    case 1: return label + "-" + wordFreq("the cat and the hat and the bat");
    default: return label + ps[ps.length - 1];
  }
}
)";

struct Sample {
  const char* name;
  const char* source;
  const char* expected;  // main()'s result, to check the undamaged program
};

const std::array<Sample, 4> kSamples = {{
    {"classes", kClasses, "ann: 22; bob: 150 / 2"},
    {"closures", kClosures, "832040,5,10"},
    {"errors", kErrors, "{\"good\":[\"a1\",\"b2\",\"d4\"],\"bad\":[\"ParseError@3\",\"TypeError\"],\"finallyRan\":5}"},
    {"loops", kLoops, "small-the"},
}};

constexpr uint64_t kMaxSteps = 100000;
constexpr uint64_t kMaxHeapBytes = 8u << 20;

struct Outcomes {
  int unchanged = 0, rejected = 0, load_refused = 0, ran = 0, finished = 0, failed = 0, fatal = 0;
};

/// Runs a verified module the way an embedding would: top-level code, then
/// main() if it is exported; reads any error the way the CLI does.
void run_safely(const Module& module, Outcomes& out, std::string* result = nullptr) {
  ContextOptions options;
  options.max_steps = kMaxSteps;
  options.max_heap_bytes = kMaxHeapBytes;
  Context ctx(options);
  auto loaded = ctx.load(std::make_shared<const Module>(module));
  if (!loaded.ok()) {
    // Verified modules can still be refused at link time (an unknown
    // builtin name), and only cleanly.
    EXPECT_NE(loaded.error().code, ErrorCode::None);
    ++out.load_refused;
    return;
  }
  ++out.ran;
  RunOutcome r = ctx.run_to_completion();
  if (r.kind == RunOutcome::Kind::Done && ctx.main_task()->state == TaskState::Done && ctx.has_export("main")) {
    if (ctx.start_export_call("main", {})) r = ctx.run_to_completion();
  }
  if (r.kind == RunOutcome::Kind::Fatal) {
    ++out.fatal;
    EXPECT_TRUE(messages::is_limit_error(ctx.fatal().code) || ctx.fatal().code == ErrorCode::RuntimeError)
        << ctx.fatal().to_string();
    EXPECT_LE(ctx.steps_executed(), kMaxSteps + 1000);
    return;
  }
  ASSERT_EQ(r.kind, RunOutcome::Kind::Done);
  Task* task = ctx.main_task();
  ASSERT_NE(task, nullptr);
  if (task->state == TaskState::Failed) {
    ++out.failed;
    Error e = ctx.runtime_error_of(task->exception);
    EXPECT_EQ(e.code, ErrorCode::RuntimeError);
    return;
  }
  if (task->state == TaskState::Blocked) {
    // A damaged Await can wait on a task that never finishes: idle, not hung.
    ++out.failed;
    return;
  }
  ASSERT_EQ(task->state, TaskState::Done);
  ++out.finished;
  if (result != nullptr) *result = ctx.to_display_utf8(task->result);
}

std::vector<uint8_t> compile_sample(const Sample& sample) {
  Result<Module> compiled = compiler::compile_source(std::string(sample.name) + ".raya", sample.source);
  if (!compiled.ok()) {
    ADD_FAILURE() << sample.name << ":\n" << compiled.error().render_diagnostics();
    return {};
  }
  return encode_module(compiled.value());
}

/// One edit somewhere in bytes[0, limit): flip a bit, set a byte, insert or
/// delete a byte, or overwrite a u32 with a boundary value.
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

/// load_module then, if it verified, run it.
void check(const std::vector<uint8_t>& bytes, Outcomes& out) {
  Result<Module> loaded = load_module(bytes);
  if (!loaded.ok()) {
    ASSERT_EQ(loaded.error().code, ErrorCode::VerifyError);
    ASSERT_LE(loaded.error().offset, bytes.size());
    ++out.rejected;
    return;
  }
  run_safely(loaded.value(), out);
}

void print(const char* what, const Outcomes& o) {
  std::cout << "  " << what << ": rejected " << o.rejected << ", refused at load " << o.load_refused << ", ran "
            << o.ran << " (finished " << o.finished << ", failed " << o.failed << ", fatal " << o.fatal
            << "), unchanged " << o.unchanged << "\n";
}

TEST(CompiledMutation, UndamagedSamplesRunToTheirExpectedResults) {
  for (const Sample& sample : kSamples) {
    SCOPED_TRACE(sample.name);
    std::vector<uint8_t> bytes = compile_sample(sample);
    Result<Module> loaded = load_module(bytes);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    Outcomes out;
    std::string result;
    run_safely(loaded.value(), out, &result);
    EXPECT_EQ(out.finished, 1);
    EXPECT_EQ(result, sample.expected);
  }
}

TEST(CompiledMutation, ResealedDamageAnywhereFailsCleanlyOrRunsSafely) {
  Prng rng(11);
  Outcomes total;
  for (const Sample& sample : kSamples) {
    SCOPED_TRACE(sample.name);
    const std::vector<uint8_t> original = compile_sample(sample);
    ASSERT_FALSE(original.empty());
    for (int i = 0; i < 600; ++i) {
      std::vector<uint8_t> bytes = original;
      mutate(bytes, bytes.size() - ryb::kChecksumBytes, rng);
      reseal_checksum(bytes);
      if (bytes == original) {
        ++total.unchanged;
        continue;
      }
      SCOPED_TRACE("mutation " + std::to_string(i));
      check(bytes, total);
      if (HasFatalFailure()) return;
    }
  }
  print("anywhere", total);
  EXPECT_GT(total.rejected, 1000);
  EXPECT_GT(total.ran, 50);  // enough damaged modules got through to prove something
}

TEST(CompiledMutation, DamagedInstructionsThatVerifyRunWithoutCrashing) {
  // Aim at instruction words only: they always decode, so the verifier and
  // then the interpreter are all that stand between them and a crash.
  Prng rng(12);
  Outcomes total;
  for (const Sample& sample : kSamples) {
    SCOPED_TRACE(sample.name);
    const std::vector<uint8_t> original = compile_sample(sample);
    ASSERT_FALSE(original.empty());
    detail::RybLayout layout;
    Result<Module> decoded = detail::decode_module(original, &layout);
    ASSERT_TRUE(decoded.ok());
    const Module& module = decoded.value();
    for (int i = 0; i < 800; ++i) {
      const size_t f = rng.below(module.functions.size());
      const size_t word = rng.below(module.functions[f].code.size());
      std::vector<uint8_t> bytes = original;
      const size_t at = layout.code_offsets[f] + word * 8;
      switch (rng.below(3)) {
        case 0:  // one bit anywhere in the word
          bytes[at + rng.below(8)] ^= uint8_t(1u << rng.below(8));
          break;
        case 1:  // a small change to one operand (a, b or c): stays in range more often
          bytes[at + 2 + 2 * rng.below(3)] += uint8_t(1 + rng.below(3));
          break;
        default:  // another opcode with the same operands
          bytes[at] = uint8_t(rng.below(kOpcodeCount));
          bytes[at + 1] = 0;
          break;
      }
      reseal_checksum(bytes);
      if (bytes == original) {
        ++total.unchanged;
        continue;
      }
      SCOPED_TRACE("mutation " + std::to_string(i) + " in function " + std::to_string(f) + " pc " +
                   std::to_string(word));
      check(bytes, total);
      if (HasFatalFailure()) return;
    }
  }
  print("code words", total);
  EXPECT_GT(total.ran, 600);
  EXPECT_GT(total.rejected, 500);
}

TEST(CompiledMutation, DamagedConstantsAndSideTablesRunWithoutCrashing) {
  // Module-level edits the byte format cannot express by accident: swap
  // constants between kinds, retarget handlers and captures, shuffle
  // line tables. Whatever verifies must run safely.
  Prng rng(13);
  Outcomes total;
  for (const Sample& sample : kSamples) {
    SCOPED_TRACE(sample.name);
    Result<Module> compiled = compiler::compile_source(std::string(sample.name) + ".raya", sample.source);
    ASSERT_TRUE(compiled.ok());
    const Module& original = compiled.value();
    for (int i = 0; i < 150; ++i) {
      Module m = original;
      FunctionProto& f = m.functions[rng.below(m.functions.size())];
      switch (rng.below(5)) {
        case 0: {
          Constant& k = m.constants[rng.below(m.constants.size())];
          k = k.kind == Constant::Kind::Number ? Constant::of_string(u"\u00e9x") : Constant::of_number(-0.0);
          break;
        }
        case 1:
          if (!f.handlers.empty()) {
            Handler& h = f.handlers[rng.below(f.handlers.size())];
            h.handler_pc = uint32_t(rng.below(f.code.size()));
            h.exception_register = uint16_t(rng.below(f.register_count));
          }
          break;
        case 2:
          if (!f.captures.empty()) {
            Capture& c = f.captures[rng.below(f.captures.size())];
            c.index = uint16_t(rng.below(8));
          }
          break;
        case 3:
          f.register_count = uint16_t(f.register_count + rng.below(3)) - uint16_t(rng.below(3));
          break;
        default:
          if (!f.lines.empty()) f.lines[rng.below(f.lines.size())].line = uint32_t(rng.next());
          break;
      }
      SCOPED_TRACE("edit " + std::to_string(i));
      if (!verify_module(m).ok()) {
        ++total.rejected;
        continue;
      }
      run_safely(m, total);
      if (HasFatalFailure()) return;
    }
  }
  print("side tables", total);
  EXPECT_GT(total.ran, 200);
}

}  // namespace
}  // namespace raya::vm
