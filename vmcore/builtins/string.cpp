// String.prototype methods and the String statics (fromCharCode,
// fromCodePoint). Strings are UTF-16 code-unit sequences; positions and
// lengths are in code units as in JavaScript. `length` and s[i] belong to
// the interpreter.
//
// Differences from JavaScript, all from "no implicit coercions": search
// strings, patterns and fill strings must be strings and positions numbers
// (TypeError otherwise); replace/replaceAll take string patterns and string
// replacements only (regular expressions and replacement functions are not
// supported). Results longer than kMaxStringLength are a RangeError raised
// before allocating (repeat, padStart, padEnd, replaceAll, concat).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/string_search.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

using builtins::charge;
using builtins::charged_chunks;
using builtins::clamp_absolute;
using builtins::clamp_relative;
using builtins::kPerAllocatingElement;
using builtins::kPerMappedUnits;
using builtins::kPerUnits;
using builtins::integer_arg;
using builtins::StringBuilder;
using builtins::throw_wrong_kind;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string where(const char* method) { return std::string("String.prototype.") + method; }
// The same text for argument checks on the hot path: built once per call
// site (thread-safe static), not on every call.
#define RAYA_WHERE(method)                                                    \
  ([]() -> std::string_view {                                                 \
    static const std::string text = std::string("String.prototype.") + (method);             \
    return text;                                                              \
  }())

bool this_string(Context& ctx, const CallArgs& call, const char* method, String*& out) {
  if (!is_string(call.this_value)) return throw_wrong_kind(ctx, where(method), "'this'", "a string", call.this_value);
  out = as_string(call.this_value);
  return true;
}

/// A search string argument (indexOf, includes, split, replace, ...).
bool search_arg(Context& ctx, const CallArgs& call, uint32_t index, const char* method, const char* what,
                String*& out) {
  Value v = call.arg(index);
  if (is_string(v)) {
    out = as_string(v);
    return true;
  }
  return throw_wrong_kind(ctx, where(method), what, "a string", v);
}

/// s[begin, end) without copying when it is all of s or one unit; a copy
/// is paid for before it is made.
String* substring_of(Context& ctx, String* s, uint32_t begin, uint32_t end) {
  if (begin == 0 && end == s->length_) return s;
  if (end <= begin) return ctx.empty_string();
  if (end - begin == 1) return ctx.char_string(s->data()[begin]);
  Rooted<String*> root(ctx, s);
  charge(ctx, end - begin, kPerUnits);
  return ctx.new_string(root->view().substr(begin, end - begin));
}

/// A SearchMeter charging the context for the code units a search reads.
SearchMeter search_meter(Context& ctx) {
  return SearchMeter{[](void* c, uint64_t units) { charge(*static_cast<Context*>(c), units, kPerUnits); }, &ctx};
}

// --- characters -------------------------------------------------------------------------

bool string_char_at(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double pos;
  if (!this_string(ctx, call, "charAt", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("charAt"), "index", pos))
    return false;
  call.result = pos < 0 || pos >= s->length_ ? Value::object(ctx.empty_string())
                                             : Value::object(ctx.char_string(s->data()[uint32_t(pos)]));
  return true;
}

bool string_char_code_at(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double pos;
  if (!this_string(ctx, call, "charCodeAt", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("charCodeAt"), "index", pos))
    return false;
  call.result = pos < 0 || pos >= s->length_ ? Value::from_double(std::numeric_limits<double>::quiet_NaN())
                                             : Value::int32(s->data()[uint32_t(pos)]);
  return true;
}

bool string_code_point_at(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double pos;
  if (!this_string(ctx, call, "codePointAt", s) ||
      !integer_arg(ctx, call, 0, 0, RAYA_WHERE("codePointAt"), "index", pos))
    return false;
  call.result = pos < 0 || pos >= s->length_ ? Value::undefined()
                                             : Value::int32(int32_t(decode_code_point(s->view(), size_t(pos)).value));
  return true;
}

bool string_at(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double pos;
  if (!this_string(ctx, call, "at", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("at"), "index", pos)) return false;
  if (pos < 0) pos += s->length_;
  call.result = pos < 0 || pos >= s->length_ ? Value::undefined() : Value::object(ctx.char_string(s->data()[uint32_t(pos)]));
  return true;
}

// --- searching -----------------------------------------------------------------------------

bool string_index_of(Context& ctx, CallArgs& call) {
  String *s = nullptr, *search = nullptr;
  double from;
  if (!this_string(ctx, call, "indexOf", s) || !search_arg(ctx, call, 0, "indexOf", "search string", search) ||
      !integer_arg(ctx, call, 1, 0, RAYA_WHERE("indexOf"), "position", from))
    return false;
  uint32_t start = clamp_absolute(from, s->length_);
  size_t found = string_find(s->view(), search->view(), start, search_meter(ctx));
  call.result = Value::number(found == kNotFound ? -1.0 : double(found));
  return true;
}

bool string_last_index_of(Context& ctx, CallArgs& call) {
  String *s = nullptr, *search = nullptr;
  if (!this_string(ctx, call, "lastIndexOf", s) || !search_arg(ctx, call, 0, "lastIndexOf", "search string", search))
    return false;
  double from = kInfinity;
  Value pos = call.arg(1);
  if (pos.is_number()) {
    double d = pos.to_double();
    from = d != d ? kInfinity : std::trunc(d);
  } else if (!pos.is_undefined()) {
    return throw_wrong_kind(ctx, RAYA_WHERE("lastIndexOf"), "position", "a number", pos);
  }
  uint32_t start = clamp_absolute(from, s->length_);
  size_t found = string_rfind(s->view(), search->view(), start, search_meter(ctx));
  call.result = Value::number(found == kNotFound ? -1.0 : double(found));
  return true;
}

bool string_includes(Context& ctx, CallArgs& call) {
  String *s = nullptr, *search = nullptr;
  double from;
  if (!this_string(ctx, call, "includes", s) || !search_arg(ctx, call, 0, "includes", "search string", search) ||
      !integer_arg(ctx, call, 1, 0, RAYA_WHERE("includes"), "position", from))
    return false;
  uint32_t start = clamp_absolute(from, s->length_);
  call.result = Value::boolean(string_find(s->view(), search->view(), start, search_meter(ctx)) != kNotFound);
  return true;
}

bool string_starts_with(Context& ctx, CallArgs& call) {
  String *s = nullptr, *search = nullptr;
  double from;
  if (!this_string(ctx, call, "startsWith", s) || !search_arg(ctx, call, 0, "startsWith", "search string", search) ||
      !integer_arg(ctx, call, 1, 0, RAYA_WHERE("startsWith"), "position", from))
    return false;
  uint32_t start = clamp_absolute(from, s->length_);
  std::u16string_view rest = s->view().substr(start);
  if (rest.size() >= search->length_) charge(ctx, search->length_, kPerUnits);
  call.result = Value::boolean(rest.starts_with(search->view()));
  return true;
}

bool string_ends_with(Context& ctx, CallArgs& call) {
  String *s = nullptr, *search = nullptr;
  if (!this_string(ctx, call, "endsWith", s) || !search_arg(ctx, call, 0, "endsWith", "search string", search))
    return false;
  double end_pos;
  if (!integer_arg(ctx, call, 1, double(s->length_), RAYA_WHERE("endsWith"), "end position", end_pos)) return false;
  uint32_t end = clamp_absolute(end_pos, s->length_);
  if (end >= search->length_) charge(ctx, search->length_, kPerUnits);
  call.result = Value::boolean(s->view().substr(0, end).ends_with(search->view()));
  return true;
}

// --- substrings ------------------------------------------------------------------------------

bool string_slice(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double start, end;
  if (!this_string(ctx, call, "slice", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("slice"), "start", start) ||
      !integer_arg(ctx, call, 1, double(s->length_), RAYA_WHERE("slice"), "end", end))
    return false;
  call.result = Value::object(substring_of(ctx, s, clamp_relative(start, s->length_), clamp_relative(end, s->length_)));
  return true;
}

bool string_substring(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double start, end;
  if (!this_string(ctx, call, "substring", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("substring"), "start", start) ||
      !integer_arg(ctx, call, 1, double(s->length_), RAYA_WHERE("substring"), "end", end))
    return false;
  uint32_t a = clamp_absolute(start, s->length_), b = clamp_absolute(end, s->length_);
  call.result = Value::object(substring_of(ctx, s, std::min(a, b), std::max(a, b)));
  return true;
}

bool string_substr(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double start, length;
  if (!this_string(ctx, call, "substr", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("substr"), "start", start) ||
      !integer_arg(ctx, call, 1, kInfinity, RAYA_WHERE("substr"), "length", length))
    return false;
  uint32_t begin = clamp_relative(start, s->length_);
  double count = std::clamp(length, 0.0, double(s->length_ - begin));
  call.result = Value::object(substring_of(ctx, s, begin, begin + uint32_t(count)));
  return true;
}

// --- split -----------------------------------------------------------------------------------

bool string_split(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  if (!this_string(ctx, call, "split", s)) return false;
  Value separator = call.arg(0);
  if (!separator.is_undefined() && !is_string(separator))
    return throw_wrong_kind(ctx, RAYA_WHERE("split"), "separator", "a string (regular expressions are not supported)",
                            separator);
  uint32_t limit = 0xFFFFFFFFu;
  Value limit_arg = call.arg(1);
  if (limit_arg.is_number()) {
    limit = to_uint32(limit_arg.to_double());
  } else if (!limit_arg.is_undefined()) {
    return throw_wrong_kind(ctx, RAYA_WHERE("split"), "limit", "a number", limit_arg);
  }
  Rooted<String*> text(ctx, s);
  Rooted<Array*> parts(ctx, ctx.new_array(0));
  call.result = Value::object(parts.get());
  if (limit == 0) return true;
  if (separator.is_undefined()) {
    ctx.array_push(parts, Value::object(text.get()));
    return true;
  }
  Rooted<String*> sep(ctx, as_string(separator));
  uint32_t length = text->length_;
  if (sep->length_ == 0) {
    // One string per code unit: each piece is an allocation.
    uint32_t n = std::min(length, limit);
    ctx.array_reserve(parts, n);
    charged_chunks(ctx, n, kPerAllocatingElement, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) ctx.array_push(parts, Value::object(ctx.char_string(text->data()[i])));
      return true;
    });
    return true;
  }
  if (length == 0) {
    ctx.array_push(parts, Value::object(text.get()));
    return true;
  }
  // The searcher keeps a view of the separator's units: `sep` is rooted and
  // strings do not move.
  StringSearcher searcher(sep->view(), false, search_meter(ctx));
  size_t begin = 0;
  for (;;) {
    size_t found = searcher.find(text->view(), begin);
    size_t end = found == kNotFound ? length : found;
    charge(ctx, 1, kPerAllocatingElement);  // the piece and its slot
    ctx.array_push(parts, Value::object(substring_of(ctx, text, uint32_t(begin), uint32_t(end))));
    if (parts->length_ >= limit || found == kNotFound) break;
    begin = found + sep->length_;
  }
  return true;
}

// --- replace -----------------------------------------------------------------------------------

/// The replacement string argument; functions are refused by name.
bool replacement_arg(Context& ctx, const CallArgs& call, const char* method, String*& out) {
  Value v = call.arg(1);
  if (is_string(v)) {
    out = as_string(v);
    return true;
  }
  if (is_callable(v))
    return ctx.throw_type_error(where(method) + ": replacement functions are not supported; use a string");
  return throw_wrong_kind(ctx, where(method), "replacement", "a string", v);
}

/// GetSubstitution without captures: $$ -> $, $& -> the match, $` -> text
/// before it, $' -> text after it; anything else ($1, $<name>) stays literal.
bool append_substitution(StringBuilder& out, std::u16string_view text, size_t position, size_t match_length,
                         std::u16string_view replacement) {
  for (size_t i = 0; i < replacement.size(); ++i) {
    char16_t c = replacement[i];
    if (c == u'$' && i + 1 < replacement.size()) {
      char16_t next = replacement[i + 1];
      if (next == u'$') {
        out.append(u'$');
        ++i;
        continue;
      }
      if (next == u'&') {
        out.append(text.substr(position, match_length));
        ++i;
        continue;
      }
      if (next == u'`') {
        out.append(text.substr(0, position));
        ++i;
        continue;
      }
      if (next == u'\'') {
        out.append(text.substr(position + match_length));
        ++i;
        continue;
      }
    }
    if (!out.append(c)) return false;
  }
  return !out.overflowed();
}

bool replace_impl(Context& ctx, CallArgs& call, bool all) {
  const char* method = all ? "replaceAll" : "replace";
  String *s = nullptr, *pattern = nullptr, *replacement = nullptr;
  if (!this_string(ctx, call, method, s)) return false;
  if (!is_string(call.arg(0)))
    return throw_wrong_kind(ctx, where(method), "pattern", "a string (regular expressions are not supported)",
                            call.arg(0));
  pattern = as_string(call.arg(0));
  if (!replacement_arg(ctx, call, method, replacement)) return false;
  Rooted<String*> text_root(ctx, s), pattern_root(ctx, pattern), replacement_root(ctx, replacement);
  std::u16string_view text = s->view(), search = pattern->view(), with = replacement->view();

  StringSearcher searcher(search, false, search_meter(ctx));
  size_t first = search.size() > text.size() ? kNotFound : searcher.find(text, 0);
  if (first == kNotFound) {
    call.result = call.this_value;
    return true;
  }
  StringBuilder out(ctx);
  size_t copied = 0;  // text before this has been emitted
  size_t position = first;
  size_t advance = std::max<size_t>(1, search.size());
  while (position != kNotFound) {
    out.append(text.substr(copied, position - copied));
    if (!append_substitution(out, text, position, search.size(), with)) break;
    copied = position + search.size();
    if (!all) break;
    size_t next = position + advance;
    position = next > text.size() ? kNotFound : searcher.find(text, next);
  }
  out.append(text.substr(copied));
  String* result = out.finish();
  if (result == nullptr) return false;
  call.result = Value::object(result);
  return true;
}

bool string_replace(Context& ctx, CallArgs& call) { return replace_impl(ctx, call, false); }
bool string_replace_all(Context& ctx, CallArgs& call) { return replace_impl(ctx, call, true); }

// --- building -----------------------------------------------------------------------------------

bool string_repeat(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  double count;
  if (!this_string(ctx, call, "repeat", s) || !integer_arg(ctx, call, 0, 0, RAYA_WHERE("repeat"), "count", count))
    return false;
  if (count < 0 || std::isinf(count))
    return ctx.throw_range_error("Invalid count value: " + number_to_string(call.arg(0).to_double()));
  uint32_t unit_length = s->length_;
  if (count == 0 || unit_length == 0) {
    call.result = Value::object(ctx.empty_string());
    return true;
  }
  if (count == 1) {
    call.result = call.this_value;
    return true;
  }
  if (!builtins::check_string_length(ctx, uint64_t(unit_length) * uint64_t(std::min(count, 1e10)))) return false;
  uint32_t total = unit_length * uint32_t(count);
  charge(ctx, total, kPerUnits);  // before building it
  Rooted<String*> source(ctx, s);
  String* out = ctx.new_string_uninit(total);
  // Doubling copy: log2(count) memcpys.
  std::memcpy(out->data(), source->data(), unit_length * sizeof(char16_t));
  uint32_t filled = unit_length;
  while (filled < total) {
    uint32_t chunk = std::min(filled, total - filled);
    std::memcpy(out->data() + filled, out->data(), chunk * sizeof(char16_t));
    filled += chunk;
  }
  call.result = Value::object(out);
  return true;
}

bool pad_impl(Context& ctx, CallArgs& call, bool at_start) {
  const char* method = at_start ? "padStart" : "padEnd";
  String* s = nullptr;
  double target;
  if (!this_string(ctx, call, method, s) || !integer_arg(ctx, call, 0, 0, where(method), "target length", target))
    return false;
  std::u16string_view fill = u" ";
  Value fill_arg = call.arg(1);
  if (is_string(fill_arg)) {
    fill = as_string(fill_arg)->view();
  } else if (!fill_arg.is_undefined()) {
    return throw_wrong_kind(ctx, where(method), "pad string", "a string", fill_arg);
  }
  if (target <= s->length_ || fill.empty()) {
    call.result = call.this_value;
    return true;
  }
  if (!builtins::check_string_length(ctx, uint64_t(std::min(target, 1e10)))) return false;
  uint32_t total = uint32_t(target);
  uint32_t pad_length = total - s->length_;
  Rooted<String*> source(ctx, s);
  charge(ctx, total, kPerUnits);  // before building it
  Rooted<Value> fill_root(ctx, fill_arg);  // keeps `fill` alive when it is an argument string
  String* out = ctx.new_string_uninit(total);
  char16_t* pad = out->data() + (at_start ? 0 : source->length_);
  // The fill string once, then doubling copies of what is already there.
  uint32_t filled = std::min<uint32_t>(pad_length, uint32_t(fill.size()));
  std::memcpy(pad, fill.data(), filled * sizeof(char16_t));
  while (filled < pad_length) {
    uint32_t chunk = std::min(filled, pad_length - filled);
    std::memcpy(pad + filled, pad, chunk * sizeof(char16_t));
    filled += chunk;
  }
  std::memcpy(out->data() + (at_start ? pad_length : 0), source->data(), source->length_ * sizeof(char16_t));
  call.result = Value::object(out);
  return true;
}

bool string_pad_start(Context& ctx, CallArgs& call) { return pad_impl(ctx, call, true); }
bool string_pad_end(Context& ctx, CallArgs& call) { return pad_impl(ctx, call, false); }

bool trim_impl(Context& ctx, CallArgs& call, const char* method, bool start, bool end) {
  String* s = nullptr;
  if (!this_string(ctx, call, method, s)) return false;
  Rooted<String*> text(ctx, s);
  uint32_t begin = 0, finish = s->length_;
  // Whitespace is scanned a chunk at a time, each chunk paid for first.
  if (start)
    charged_chunks(ctx, finish, builtins::kPerScannedUnits, [&](uint64_t, uint64_t e) {
      while (begin < e && begin < finish && is_js_whitespace(text->data()[begin])) ++begin;
      return begin == e;
    });
  if (end)
    charged_chunks(ctx, finish - begin, builtins::kPerScannedUnits, [&](uint64_t, uint64_t e) {
      uint32_t stop = uint32_t(s->length_ - e);
      while (finish > begin && finish > stop && is_js_whitespace(text->data()[finish - 1])) --finish;
      return finish == stop && finish > begin;
    });
  call.result = Value::object(substring_of(ctx, text, begin, finish));
  return true;
}

bool string_trim(Context& ctx, CallArgs& call) { return trim_impl(ctx, call, "trim", true, true); }
bool string_trim_start(Context& ctx, CallArgs& call) { return trim_impl(ctx, call, "trimStart", true, false); }
bool string_trim_end(Context& ctx, CallArgs& call) { return trim_impl(ctx, call, "trimEnd", false, true); }

bool case_impl(Context& ctx, CallArgs& call, const char* method, bool upper) {
  String* s = nullptr;
  if (!this_string(ctx, call, method, s)) return false;
  // Mapping, comparing and copying: paid for before, at the mapped-unit price.
  charge(ctx, s->length_, kPerMappedUnits);
  std::u16string mapped = upper ? to_upper(s->view()) : to_lower(s->view());
  if (mapped == s->view()) {
    call.result = call.this_value;
    return true;
  }
  if (!builtins::check_string_length(ctx, mapped.size())) return false;
  call.result = Value::object(ctx.new_string(mapped));
  return true;
}

bool string_to_upper_case(Context& ctx, CallArgs& call) { return case_impl(ctx, call, "toUpperCase", true); }
bool string_to_lower_case(Context& ctx, CallArgs& call) { return case_impl(ctx, call, "toLowerCase", false); }

/// concat converts its arguments the way `+` does (String(x)).
bool string_concat(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  if (!this_string(ctx, call, "concat", s)) return false;
  StringBuilder out(ctx);
  out.append(s->view());
  for (uint32_t i = 0; i < call.count && !out.overflowed(); ++i) out.append(ctx.to_string(call.args[i])->view());
  String* result = out.finish();
  if (result == nullptr) return false;
  call.result = Value::object(result);
  return true;
}

bool string_locale_compare(Context& ctx, CallArgs& call) {
  String *s = nullptr, *other = nullptr;
  if (!this_string(ctx, call, "localeCompare", s) || !search_arg(ctx, call, 0, "localeCompare", "argument", other))
    return false;
  charge(ctx, std::min(s->length_, other->length_), kPerUnits);
  int c = s->view().compare(other->view());
  call.result = Value::int32(c < 0 ? -1 : c > 0 ? 1 : 0);
  return true;
}

bool string_to_string(Context& ctx, CallArgs& call) {
  String* s = nullptr;
  if (!this_string(ctx, call, "toString", s)) return false;
  call.result = call.this_value;
  return true;
}

// --- statics -----------------------------------------------------------------------------------

bool string_from_char_code(Context& ctx, CallArgs& call) {
  charge(ctx, call.count, builtins::kPerElement);
  std::u16string units;
  units.reserve(call.count);
  for (uint32_t i = 0; i < call.count; ++i) {
    Value v = call.args[i];
    if (!v.is_number()) return throw_wrong_kind(ctx, "String.fromCharCode", "code unit", "a number", v);
    units.push_back(char16_t(to_uint32(v.to_double()) & 0xFFFF));
  }
  call.result = units.size() == 1 ? Value::object(ctx.char_string(units[0])) : Value::object(ctx.new_string(units));
  return true;
}

bool string_from_code_point(Context& ctx, CallArgs& call) {
  charge(ctx, call.count, builtins::kPerElement);
  std::u16string units;
  units.reserve(call.count);
  for (uint32_t i = 0; i < call.count; ++i) {
    Value v = call.args[i];
    if (!v.is_number()) return throw_wrong_kind(ctx, "String.fromCodePoint", "code point", "a number", v);
    double d = v.to_double();
    if (!(d >= 0 && d <= 0x10FFFF) || std::trunc(d) != d)
      return ctx.throw_range_error("Invalid code point " + number_to_string(d));
    append_code_point(units, char32_t(d));
  }
  call.result = units.size() == 1 ? Value::object(ctx.char_string(units[0])) : Value::object(ctx.new_string(units));
  return true;
}

}  // namespace

void install_string(Context& ctx) {
  struct Method {
    const char* name;
    NativeFn fn;
    uint16_t arity;
  };
  static const Method kMethods[] = {
      {"charAt", string_char_at, 1},
      {"charCodeAt", string_char_code_at, 1},
      {"codePointAt", string_code_point_at, 1},
      {"at", string_at, 1},
      {"indexOf", string_index_of, 1},
      {"lastIndexOf", string_last_index_of, 1},
      {"includes", string_includes, 1},
      {"startsWith", string_starts_with, 1},
      {"endsWith", string_ends_with, 1},
      {"slice", string_slice, 2},
      {"substring", string_substring, 2},
      {"substr", string_substr, 2},
      {"split", string_split, 2},
      {"replace", string_replace, 2},
      {"replaceAll", string_replace_all, 2},
      {"repeat", string_repeat, 1},
      {"padStart", string_pad_start, 2},
      {"padEnd", string_pad_end, 2},
      {"trim", string_trim, 0},
      {"trimStart", string_trim_start, 0},
      {"trimEnd", string_trim_end, 0},
      {"toUpperCase", string_to_upper_case, 0},
      {"toLowerCase", string_to_lower_case, 0},
      {"concat", string_concat, 1},
      {"localeCompare", string_locale_compare, 1},
      {"toString", string_to_string, 0},
      {"valueOf", string_to_string, 0},
  };
  for (const Method& m : kMethods) ctx.define_native_method(ctx.string_prototype(), m.name, m.fn, m.arity);

  Value string_class;
  if (ctx.lookup_builtin("String", string_class) && is_class(string_class)) {
    Rooted<Class*> cls(ctx, as_class(string_class));
    ctx.define_native_method(cls, "fromCharCode", string_from_char_code, 1);
    ctx.define_native_method(cls, "fromCodePoint", string_from_code_point, 1);
  }
}

}  // namespace raya::vm

#undef RAYA_WHERE
