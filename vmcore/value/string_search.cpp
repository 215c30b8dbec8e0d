// The two-way string matching algorithm (Crochemore & Perrin, "Two-way
// string-matching", J. ACM 38(3), 1991), following the structure of its
// usual presentation: a critical factorization of the needle computed from
// two maximal suffixes, then a scan of the right part left to right and of
// the left part right to left, with a memory of the matched prefix when the
// needle is periodic. The backward search (lastIndexOf) is the same
// algorithm over reversed views of the needle and the haystack.
#include "vmcore/value/string_search.hpp"

#include <algorithm>

namespace raya::vm {

namespace {

/// Units in order.
struct Forward {
  const char16_t* p;
  char16_t operator[](size_t i) const { return p[i]; }
};

/// Units from the last one back: r[i] is p[size - 1 - i].
struct Backward {
  const char16_t* last;
  char16_t operator[](size_t i) const { return *(last - i); }
};

/// The maximal suffix of needle[0, m) for the order `less` (or its
/// reverse), returning its start and setting `period` to the period of that
/// suffix. Standard formulation with max_suffix starting "before" index 0.
template <class Needle>
size_t maximal_suffix(const Needle& needle, size_t m, bool reversed_order, size_t& period) {
  size_t max_suffix = static_cast<size_t>(-1);  // wraps: max_suffix + k is k - 1
  size_t j = 0, k = 1, p = 1;
  while (j + k < m) {
    char16_t a = needle[j + k];
    char16_t b = needle[max_suffix + k];
    bool advance = reversed_order ? b < a : a < b;
    if (advance) {
      j += k;
      k = 1;
      p = j - max_suffix;
    } else if (a == b) {
      if (k != p) {
        ++k;
      } else {
        j += p;
        k = 1;
      }
    } else {
      max_suffix = j++;
      k = p = 1;
    }
  }
  period = p;
  return max_suffix + 1;
}

/// The critical factorization: the later of the two maximal suffixes, with
/// the period of the right part.
template <class Needle>
size_t critical_factorization(const Needle& needle, size_t m, size_t& period) {
  size_t p1 = 1, p2 = 1;
  size_t s1 = maximal_suffix(needle, m, false, p1);
  size_t s2 = maximal_suffix(needle, m, true, p2);
  if (s1 >= s2) {
    period = p1;
    return s1;
  }
  period = p2;
  return s2;
}

/// Charges positions [j, ...) a chunk at a time before they are scanned.
struct PositionMeter {
  const SearchMeter& meter;
  size_t last;            // the last position that can match
  size_t charged_to = 0;  // positions below this are paid for
  void before(size_t j) {
    if (j < charged_to) return;
    size_t next = std::min(last + 1, j + kSearchChunk);
    meter(uint64_t(next - j) * kSearchUnitsPerPosition);
    charged_to = next;
  }
};

template <class Needle, class Hay>
size_t two_way(const Needle& needle, size_t m, const Hay& hay, size_t n, size_t suffix, size_t period,
               bool periodic, const SearchMeter& meter) {
  if (m > n) return kNotFound;
  PositionMeter pm{meter, n - m};
  if (m == 1) {
    char16_t c = needle[0];
    for (size_t j = 0; j < n; ++j) {
      pm.before(j);
      if (hay[j] == c) return j;
    }
    return kNotFound;
  }
  size_t j = 0;
  if (periodic) {
    // The needle has period `period`: after a full match of the right part
    // and a mismatch or match of the left, the next `m - period` units are
    // known to match (memory).
    size_t memory = 0;
    while (j <= n - m) {
      pm.before(j);
      size_t i = std::max(suffix, memory);
      while (i < m && needle[i] == hay[i + j]) ++i;
      if (i >= m) {
        i = suffix;
        while (i > memory && needle[i - 1] == hay[i - 1 + j]) --i;
        if (i <= memory) return j;
        j += period;
        memory = m - period;
      } else {
        j += i - suffix + 1;
        memory = 0;
      }
    }
  } else {
    // Not periodic: the shift after a full right-part match is larger than
    // either part, so no memory is needed.
    size_t shift = std::max(suffix, m - suffix) + 1;
    while (j <= n - m) {
      pm.before(j);
      size_t i = suffix;
      while (i < m && needle[i] == hay[i + j]) ++i;
      if (i >= m) {
        i = suffix;
        while (i > 0 && needle[i - 1] == hay[i - 1 + j]) --i;
        if (i == 0) return j;
        j += shift;
      } else {
        j += i - suffix + 1;
      }
    }
  }
  return kNotFound;
}

template <class Needle>
void preprocess(const Needle& needle, size_t m, size_t& suffix, size_t& period, bool& periodic) {
  if (m < 2) {
    suffix = 0;
    period = 1;
    periodic = false;
    return;
  }
  suffix = critical_factorization(needle, m, period);
  // The right part has period `period`; the whole needle has it when the
  // left part repeats one period later (suffix + period <= m always holds).
  periodic = suffix + period <= m;
  for (size_t i = 0; periodic && i < suffix; ++i)
    if (needle[i] != needle[i + period]) periodic = false;
}

}  // namespace

StringSearcher::StringSearcher(std::u16string_view needle, bool reversed, SearchMeter meter)
    : needle_(needle), reversed_(reversed), meter_(meter) {
  size_t m = needle.size();
  if (m < 2) return;
  meter_(uint64_t(m) * 2);  // two maximal-suffix passes, each reading about m units
  if (reversed)
    preprocess(Backward{needle.data() + m - 1}, m, suffix_, period_, periodic_);
  else
    preprocess(Forward{needle.data()}, m, suffix_, period_, periodic_);
}

size_t StringSearcher::find(std::u16string_view haystack, size_t from) const {
  return reversed_ ? find_backward(haystack, from) : find_forward(haystack, from);
}

size_t StringSearcher::find_forward(std::u16string_view haystack, size_t from) const {
  size_t n = haystack.size(), m = needle_.size();
  if (from > n) from = n;
  if (m == 0) return from;
  size_t found = two_way(Forward{needle_.data()}, m, Forward{haystack.data() + from}, n - from, suffix_, period_,
                         periodic_, meter_);
  return found == kNotFound ? kNotFound : found + from;
}

size_t StringSearcher::find_backward(std::u16string_view haystack, size_t from) const {
  size_t n = haystack.size(), m = needle_.size();
  if (m > n) return kNotFound;
  if (from > n - m) from = n - m;
  if (m == 0) return from;
  // The last occurrence starting at or before `from` ends at or before
  // limit: the first occurrence of the reversed needle in the reversed
  // haystack[0, limit).
  size_t limit = from + m;
  size_t found = two_way(Backward{needle_.data() + m - 1}, m, Backward{haystack.data() + limit - 1}, limit, suffix_,
                         period_, periodic_, meter_);
  return found == kNotFound ? kNotFound : limit - found - m;
}

size_t string_find(std::u16string_view haystack, std::u16string_view needle, size_t from, SearchMeter meter) {
  if (from > haystack.size()) from = haystack.size();
  if (needle.size() > haystack.size() - from) return kNotFound;  // no preprocessing for nothing
  return StringSearcher(needle, false, meter).find(haystack, from);
}

size_t string_rfind(std::u16string_view haystack, std::u16string_view needle, size_t from, SearchMeter meter) {
  if (needle.size() > haystack.size()) return kNotFound;
  return StringSearcher(needle, true, meter).find(haystack, from);
}

}  // namespace raya::vm
