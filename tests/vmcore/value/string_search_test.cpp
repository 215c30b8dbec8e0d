// The two-way search agrees with a naive search on random and adversarial
// inputs (forward and backward, every start position), and its metered work
// is linear: the quadratic case of issue 10 reports O(n + m) units.
#include "vmcore/value/string_search.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace raya::vm {
namespace {

size_t naive_find(std::u16string_view h, std::u16string_view n, size_t from) {
  if (from > h.size()) from = h.size();
  for (size_t j = from; j + n.size() <= h.size(); ++j)
    if (h.substr(j, n.size()) == n) return j;
  return kNotFound;
}

size_t naive_rfind(std::u16string_view h, std::u16string_view n, size_t from) {
  if (n.size() > h.size()) return kNotFound;
  size_t j = std::min(from, h.size() - n.size());
  for (;; --j) {
    if (h.substr(j, n.size()) == n) return j;
    if (j == 0) return kNotFound;
  }
}

void check_all_starts(std::u16string_view h, std::u16string_view n) {
  for (size_t from = 0; from <= h.size() + 1; ++from) {
    ASSERT_EQ(string_find(h, n, from), naive_find(h, n, from)) << "forward from " << from;
    ASSERT_EQ(string_rfind(h, n, from), naive_rfind(h, n, from)) << "backward from " << from;
  }
}

std::u16string random_text(std::mt19937& rng, size_t length, const std::u16string& alphabet) {
  std::u16string s;
  for (size_t i = 0; i < length; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
  return s;
}

TEST(StringSearch, AgreesWithNaiveSearchOnRandomSmallAlphabets) {
  std::mt19937 rng(12345);
  const std::u16string alphabets[] = {u"a", u"ab", u"abc", u"\xD83D\xDE00", u"a\xFFFF\x0100"};
  for (int round = 0; round < 3000; ++round) {
    const std::u16string& alphabet = alphabets[round % 5];
    std::u16string h = random_text(rng, rng() % 40, alphabet);
    std::u16string n = random_text(rng, rng() % 8, alphabet);
    check_all_starts(h, n);
    // A needle cut out of the haystack is always found.
    if (!h.empty()) {
      size_t a = rng() % h.size(), len = rng() % (h.size() - a + 1);
      check_all_starts(h, h.substr(a, len));
    }
  }
}

TEST(StringSearch, AgreesWithNaiveSearchOnPeriodicAndAdversarialNeedles) {
  const std::u16string needles[] = {u"aaaa",     u"aaab",       u"baaa",        u"abab",     u"ababa",
                                    u"abaabaab", u"aabaabaaa",  u"abcabcabd",   u"zzzzzzza", u"abba",
                                    u"aXaXaXaX", u"aaaaaaaaab", u"\xD800\xDC00", u"\xDC00\xD800"};
  const std::u16string hays[] = {u"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", u"abababababababababababab",
                                 u"abaabaabaabaabaabaabaab",          u"zzzzzzzzzzzzzzzzzzzzzzzzza",
                                 u"aXaXaXaXaXaXaXbaXaXaXaX",          u"\xD800\xDC00\xD800\xDC00\xDC00\xD800x",
                                 u"abcabcabcabcabdabcabd",            u""};
  for (const auto& h : hays)
    for (const auto& n : needles) check_all_starts(h, n);
}

TEST(StringSearch, EmptyNeedleAndNeedleLongerThanHaystack) {
  EXPECT_EQ(string_find(u"abc", u"", 0), 0u);
  EXPECT_EQ(string_find(u"abc", u"", 2), 2u);
  EXPECT_EQ(string_find(u"abc", u"", 9), 3u);
  EXPECT_EQ(string_rfind(u"abc", u"", 9), 3u);
  EXPECT_EQ(string_rfind(u"abc", u"", 1), 1u);
  EXPECT_EQ(string_find(u"ab", u"abc", 0), kNotFound);
  EXPECT_EQ(string_rfind(u"ab", u"abc", 5), kNotFound);
  EXPECT_EQ(string_find(u"", u"", 0), 0u);
}

TEST(StringSearch, SearcherFindsEveryOccurrenceInTurn) {
  std::u16string h = u"aXXaXXXaXXaXX";
  StringSearcher s(u"aXX", false, {});
  std::vector<size_t> found;
  for (size_t at = s.find(h, 0); at != kNotFound; at = s.find(h, at + 1)) found.push_back(at);
  EXPECT_EQ(found, (std::vector<size_t>{0, 3, 7, 10}));
}

struct Units {
  uint64_t total = 0;
  SearchMeter meter() {
    return SearchMeter{[](void* self, uint64_t u) { static_cast<Units*>(self)->total += u; }, this};
  }
};

TEST(StringSearch, QuadraticCaseOfIssue10IsLinear) {
  // "a".repeat(1e6).includes("a".repeat(5e5) + "b"): a naive search reads
  // 5e11 units; two-way reports (and does) work linear in n + m.
  std::u16string h(1000000, u'a');
  std::u16string n(500000, u'a');
  n.push_back(u'b');
  Units units;
  EXPECT_EQ(string_find(h, n, 0, units.meter()), kNotFound);
  EXPECT_LE(units.total, 2 * h.size() + 2 * n.size() + kSearchChunk * kSearchUnitsPerPosition);
  EXPECT_GE(units.total, h.size() - n.size());
  Units back;
  std::u16string rn = u"b" + std::u16string(500000, u'a');
  EXPECT_EQ(string_rfind(h, rn, h.size(), back.meter()), kNotFound);
  EXPECT_LE(back.total, 2 * h.size() + 2 * rn.size() + kSearchChunk * kSearchUnitsPerPosition);
}

TEST(StringSearch, MeterIsCalledBeforeEachChunkAndCanStopTheSearch) {
  std::u16string h(10 * kSearchChunk, u'a');
  struct Stop {};
  int calls = 0;
  SearchMeter meter{[](void* c, uint64_t) {
                      if (++*static_cast<int*>(c) == 3) throw Stop{};
                    },
                    &calls};
  EXPECT_THROW(string_find(h, u"ab", 0, meter), Stop);
  EXPECT_EQ(calls, 3);  // the needle's preprocessing, then two chunks scanned
}

TEST(StringSearch, AFoundEarlyMatchPaysForOneChunkAtMost) {
  std::u16string h(10 * kSearchChunk, u'a');
  h[5] = u'b';
  Units units;
  EXPECT_EQ(string_find(h, u"ab", 0, units.meter()), 4u);
  EXPECT_LE(units.total, kSearchChunk * kSearchUnitsPerPosition + 4);
}

}  // namespace
}  // namespace raya::vm
