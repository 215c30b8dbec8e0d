// Substring search in linear time: the two-way algorithm of Crochemore and
// Perrin (as glibc's memmem uses), written for UTF-16 code units.
//
// Why not std::u16string_view::find: it compares the needle at every
// position, O(n·m) — "a".repeat(1e6).includes("a".repeat(5e5) + "b") ran
// for minutes in one uninterruptible call. Two-way reads each haystack unit
// a bounded number of times (at most about 2n + m comparisons in all) and
// needs O(1) extra memory.
//
// Metering: the search reports the work it is about to do through a
// SearchMeter before doing it, in chunks of at most kSearchChunk haystack
// positions, so a builtin can charge steps (and stop on a limit, which
// throws out of the meter) between chunks. The units reported are code
// units the search may read: the needle's preprocessing (2m) first, then
// 2 per haystack position scanned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace raya::vm {

/// Where a search reports work before doing it (may throw to stop it).
struct SearchMeter {
  void (*charge)(void* user, uint64_t units) = nullptr;
  void* user = nullptr;
  void operator()(uint64_t units) const {
    if (charge != nullptr && units != 0) charge(user, units);
  }
};

/// Haystack positions scanned between two meter reports.
inline constexpr size_t kSearchChunk = 1u << 14;

/// Code units a search reports per haystack position it scans.
inline constexpr uint64_t kSearchUnitsPerPosition = 2;

inline constexpr size_t kNotFound = static_cast<size_t>(-1);

/// A needle preprocessed once (its critical factorization), for searching
/// one or many haystacks (split and replaceAll search the same needle again
/// and again). Keeps a view: the needle's units must outlive the searcher.
class StringSearcher {
 public:
  /// `reversed` searches from the end: find() then gives the LAST
  /// occurrence (lastIndexOf).
  StringSearcher(std::u16string_view needle, bool reversed, SearchMeter meter);

  /// First occurrence of the needle in haystack starting at or after
  /// `from` (reversed: last occurrence starting at or before `from`);
  /// kNotFound if none. An empty needle is found at `from` (clamped to the
  /// haystack's length).
  size_t find(std::u16string_view haystack, size_t from) const;

 private:
  size_t find_forward(std::u16string_view haystack, size_t from) const;
  size_t find_backward(std::u16string_view haystack, size_t from) const;

  std::u16string_view needle_;
  bool reversed_;
  SearchMeter meter_;
  size_t suffix_ = 0;  // critical position: needle = needle[0, suffix) needle[suffix, m)
  size_t period_ = 1;
  bool periodic_ = false;  // the whole needle has period period_
};

/// One-shot helpers.
size_t string_find(std::u16string_view haystack, std::u16string_view needle, size_t from, SearchMeter meter = {});
size_t string_rfind(std::u16string_view haystack, std::u16string_view needle, size_t from,
                    SearchMeter meter = {});

}  // namespace raya::vm
