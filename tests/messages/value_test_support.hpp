// Shared by the messages::Value tests (JSON in tests/messages, marshalling
// in tests/vmcore/interp): values print as their JSON in failure messages,
// and RandomValues makes random trees for the round-trip fuzz tests. It is
// seeded, so a failure replays; the awkward cases are over-represented: '$' keys and keys that
// mean something elsewhere ("__proto__", "0"), NaN/Infinity/-0.0/subnormal
// doubles, extreme ints, multi-byte and control characters.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <ostream>
#include <limits>
#include <random>
#include <string>

#include "messages/value.hpp"

namespace raya::messages {

/// GoogleTest prints values through this (found by argument lookup).
inline void PrintTo(const Value& v, std::ostream* os) { *os << to_json(v); }

namespace testing {

struct RandomValueOptions {
  /// Ints are drawn from [-max_int, max_int], the bounds included.
  int64_t max_int = std::numeric_limits<int64_t>::max();
  /// Whether doubles may be integral (2.0, 0.0). A Raya context has one
  /// number type, so such a double comes back from it as an Int.
  bool integral_doubles = true;
};

class RandomValues {
 public:
  explicit RandomValues(uint32_t seed, RandomValueOptions options = {}) : rng_(seed), options_(options) {}

  /// A tree whose containers nest at most 6 deep below `depth` 0: mostly
  /// containers near the root, only scalars at the bottom.
  Value tree(int depth) {
    int kind = depth >= 6 ? pick(7) : depth < 4 && pick(3) != 0 ? 7 + pick(2) : pick(9);
    switch (kind) {
      case 0: return Value();
      case 1: return Value(pick(2) == 1);
      case 2: return Value(random_int());
      case 3: return Value(random_double());
      case 4: return Value(random_string());
      case 5: {
        Value::Bytes b(size_t(pick(12)));
        for (auto& byte : b) byte = uint8_t(pick(256));
        return Value(std::move(b));
      }
      case 6: return Value(ForeignHandle{u64(), u64()});
      case 7: {
        Value::Array a;
        for (int i = pick(6); i > 0; --i) a.push_back(tree(depth + 1));
        return Value(std::move(a));
      }
      default: {
        Value::Map m;
        for (int i = pick(6); i > 0; --i) {
          std::string key = random_key();
          bool taken = std::any_of(m.begin(), m.end(), [&](const auto& member) { return member.first == key; });
          if (!taken) m.emplace_back(std::move(key), tree(depth + 1));
        }
        return Value(std::move(m));
      }
    }
  }

 private:
  int pick(int n) { return int(rng_() % uint32_t(n)); }
  uint64_t u64() { return uint64_t(rng_()) << 32 | rng_(); }

  int64_t random_int() {
    int64_t max = options_.max_int;
    switch (pick(4)) {
      case 0: return pick(200) - 100;
      case 1: return max;
      case 2: return max == std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::min() : -max;
      default: {
        // Magnitudes of every size, not just huge ones.
        uint64_t magnitude = (u64() >> pick(64)) % (uint64_t(max) + 1);
        return pick(2) ? int64_t(magnitude) : -int64_t(magnitude);
      }
    }
  }

  double random_double() {
    for (;;) {
      double d = candidate_double();
      bool negative_zero = d == 0 && std::signbit(d);
      if (options_.integral_doubles || !std::isfinite(d) || d != std::trunc(d) || negative_zero) return d;
    }
  }

  double candidate_double() {
    switch (pick(6)) {
      case 0: return std::nan("");
      case 1: return pick(2) ? HUGE_VAL : -HUGE_VAL;
      case 2: return pick(2) ? 0.0 : -0.0;
      case 3: return double(pick(2000) - 1000) + (pick(2) ? 0.5 : 0.0);
      case 4: {
        uint64_t bits = u64();  // any bit pattern, subnormals included
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return std::isnan(d) ? 1.5 : d;
      }
      default: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
    }
  }

  std::string random_string() {
    static const char* const pieces[] = {"a", "Z", "0", " ", "\"", "\\", "\n", "\x01", "$", "/", "\xC3\xA9",
                                         "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"};
    std::string s;
    for (int i = pick(8); i > 0; --i) s += pieces[pick(int(std::size(pieces)))];
    return s;
  }

  std::string random_key() {
    static const char* const keys[] = {"a", "b", "id", "length", "__proto__", "constructor", "0", "1", "10",
                                       "$", "$map", "$bytes", "$double", "$handle", "$x", "", "a b",
                                       "\xC3\xA9t\xC3\xA9", "\xF0\x9F\x98\x80", "registry", "token"};
    return keys[pick(int(std::size(keys)))];
  }

  std::mt19937 rng_;
  RandomValueOptions options_;
};

}  // namespace testing
}  // namespace raya::messages
