// inspect: node's util.inspect algorithm (lib/internal/util/inspect.js,
// compact mode 3) reduced to Raya's value kinds. What is kept, because it
// decides the shape of the output people compare against node: quoting and
// escaping of strings, identifier-like keys bare, the "3 innermost levels on
// one line if they fit in 80 columns" rule (reduce_to_single_string), the
// column grouping of arrays with more than 6 elements, [Circular *n] with
// <ref *n> markers, depth cut-offs ([Object], [Array], [Point]) and "... n
// more items". Left out: colours, long-string splitting, showHidden.
//
// Nothing here runs Raya code or creates objects (at most a property name
// gets interned), so the walk holds raw pointers: everything it visits is
// reachable from the rooted argument and the collector does not move objects.
//
// The walk pays as it goes (cost.hpp): kPerInspectedValue for every value
// and property shown, before it is formatted; the code units of every
// string quoted, and of every entry's text each time a container copies it
// into its own; prototype chains and Map/Set entries walked. Only
// max_items elements of an array, Map or Set are shown, but an object shows
// all its properties and depth multiplies the elements: console.log of a
// big nested value under a small budget ends with StepBudgetExceeded.
#include "vmcore/builtins/inspect.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

#include "vmcore/builtins/cost.hpp"
#include "vmcore/builtins/install.hpp"
#include "vmcore/heap/roots.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/number_format.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {

namespace {

using builtins::charge;
using builtins::kPerElement;
using builtins::kPerInspectedValue;
using builtins::kPerScannedUnits;
using builtins::kPerUnits;

/// Length as JavaScript counts it (UTF-16 units) of UTF-8 text.
size_t js_length(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // a 4-byte sequence is a surrogate pair
  }
  return n;
}

void append_hex_escape(std::string& out, const char* prefix, uint32_t value, int digits) {
  static const char kHex[] = "0123456789ABCDEF";
  out += prefix;
  for (int i = digits - 1; i >= 0; --i) out += kHex[(value >> (4 * i)) & 0xF];
}

/// node's strEscape: single quotes unless the text contains one (then double
/// quotes, then backticks), C0/C1 controls as \xNN, lone surrogates as \uXXXX.
std::string quote_string(std::u16string_view text) {
  bool has_single = text.find(u'\'') != std::u16string_view::npos;
  char quote = '\'';
  if (has_single) {
    if (text.find(u'"') == std::u16string_view::npos)
      quote = '"';
    else if (text.find(u'`') == std::u16string_view::npos && text.find(u"${") == std::u16string_view::npos)
      quote = '`';
  }
  std::string out(1, quote);
  size_t run_start = 0;
  auto flush = [&](size_t end) {
    if (end > run_start) append_utf16_as_utf8(out, text.substr(run_start, end - run_start));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char16_t c = text[i];
    const char* escape = nullptr;
    bool hex = false, lone_surrogate = false;
    switch (c) {
      case u'\b': escape = "\\b"; break;
      case u'\t': escape = "\\t"; break;
      case u'\n': escape = "\\n"; break;
      case u'\f': escape = "\\f"; break;
      case u'\r': escape = "\\r"; break;
      case u'\\': escape = "\\\\"; break;
      default:
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
          hex = true;
        } else if (c == char16_t(quote)) {
          escape = quote == '\'' ? "\\'" : quote == '"' ? "\\\"" : "\\`";
        } else if (is_high_surrogate(c)) {
          if (i + 1 < text.size() && is_low_surrogate(text[i + 1]))
            ++i;  // a pair: copied with the run
          else
            lone_surrogate = true;
        } else if (is_low_surrogate(c)) {
          lone_surrogate = true;
        }
    }
    if (escape == nullptr && !hex && !lone_surrogate) continue;
    flush(i);
    if (escape != nullptr)
      out += escape;
    else if (hex)
      append_hex_escape(out, "\\x", c, 2);
    else
      append_hex_escape(out, "\\u", c, 4);
    run_start = i + 1;
  }
  flush(text.size());
  out += quote;
  return out;
}

bool is_identifier_key(std::u16string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char16_t c = key[i];
    bool alpha = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
    if (!alpha && !(i > 0 && c >= u'0' && c <= u'9')) return false;
  }
  return true;
}

std::string format_number(double d) {
  if (d == 0 && std::signbit(d)) return "-0";
  return number_to_string(d);
}

class Inspector {
 public:
  Inspector(Context& ctx, const InspectOptions& options) : ctx_(ctx), options_(options) {}

  /// node's formatValue; `level` is its recurseTimes.
  std::string format(Value v, uint32_t level) {
    charge(ctx_, 1, kPerInspectedValue);
    if (!v.is_object()) return format_primitive(v);
    HeapObject* o = v.as_object();
    if (o->kind() == ObjectKind::String) return quote(as_string(v)->view());
    if (std::find(seen_.begin(), seen_.end(), o) != seen_.end()) {
      auto it = circular_.find(o);
      int index = it != circular_.end() ? it->second : int(circular_.size()) + 1;
      circular_.emplace(o, index);
      return "[Circular *" + std::to_string(index) + "]";
    }
    return format_raw(o, level);
  }

 private:
  enum class Extras { Object, Array };

  /// quote_string, paid for: every unit is tested, and copied or escaped.
  std::string quote(std::u16string_view text) {
    charge(ctx_, text.size(), kPerScannedUnits);
    return quote_string(text);
  }

  std::string format_primitive(Value v) {
    if (v.is_undefined() || v.is_empty()) return "undefined";
    if (v.is_null()) return "null";
    if (v.is_bool()) return v.is_true() ? "true" : "false";
    if (v.is_int()) return std::to_string(v.as_int());
    return format_number(v.as_double());
  }

  /// The class name of an object's constructor ("Object" for plain objects),
  /// or empty for a null prototype.
  std::string constructor_name(Object* obj) {
    // Own `constructor` of each prototype: one walk of the chain (a lookup
    // from every link would be quadratic in its depth).
    for (Object* p = obj->proto(); p != nullptr; p = p->proto()) {
      Value ctor;
      if (own_property(p, ctx_constructor_key(), ctor) && is_class(ctor))
        return utf16_to_utf8(as_class(ctor)->name_->view());
    }
    return obj->proto() == nullptr ? "" : "Object";
  }

  static bool own_property(Object* o, String* key, Value& out) {
    if (o->dict_) {
      auto it = o->dict_->index.find(key);
      if (it == o->dict_->index.end()) return false;
      out = o->dict_->entries[it->second].value;
      return true;
    }
    PropertyInfo info;
    if (!o->shape_->lookup(key, info)) return false;
    out = o->slots_[info.slot];
    return true;
  }

  String* ctx_constructor_key() {
    // Interned at context creation (every class prototype has the key), so
    // intern_ascii only finds it and does not allocate.
    if (constructor_key_ == nullptr) constructor_key_ = ctx_.intern_ascii("constructor");
    return constructor_key_;
  }

  bool is_error(Object* obj) {
    Object* error_proto = ctx_.error_class(ErrorType::Error)->prototype_;
    for (Object* p = obj->proto(); p != nullptr; p = p->proto())
      if (p == error_proto) return true;
    return false;
  }

  std::string function_base(HeapObject* o) {
    if (o->kind() == ObjectKind::Class) {
      Class* cls = static_cast<Class*>(o);
      std::string base = "[class ";
      base += cls->name_ != nullptr && cls->name_->length_ != 0 ? utf16_to_utf8(cls->name_->view()) : "(anonymous)";
      if (cls->parent_ != nullptr) base += " extends " + utf16_to_utf8(cls->parent_->name_->view());
      return base + "]";
    }
    std::string type = "Function", name;
    if (o->kind() == ObjectKind::Closure) {
      const FunctionProto* proto = static_cast<Closure*>(o)->proto_;
      if (proto->has(kFunctionIsAsync)) type = "AsyncFunction";
      name = proto->name;
    } else {
      name = utf16_to_utf8(static_cast<NativeFunction*>(o)->name_->view());
    }
    return "[" + type + (name.empty() ? " (anonymous)" : ": " + name) + "]";
  }

  std::string error_base(Object* obj) {
    Value stack;
    std::string text;
    if (builtins::own_data_property(ctx_, obj, ctx_.intern_ascii("stack"), stack) && is_string(stack)) {
      // Converted, then copied again to indent it.
      charge(ctx_, 2 * uint64_t(as_string(stack)->length_), kPerUnits);
      text = utf16_to_utf8(as_string(stack)->view());
    } else {
      Value name, message;
      ctx_.lookup_property(obj, ctx_.intern_ascii("name"), name);
      ctx_.lookup_property(obj, ctx_.intern_ascii("message"), message);
      uint64_t units = (is_string(name) ? as_string(name)->length_ : 0) +
                       (is_string(message) ? as_string(message)->length_ : 0);
      charge(ctx_, 2 * units, kPerUnits);
      text = is_string(name) ? utf16_to_utf8(as_string(name)->view()) : "Error";
      if (is_string(message) && as_string(message)->length_ != 0)
        text += ": " + utf16_to_utf8(as_string(message)->view());
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.find("\n    at") == std::string::npos) text = "[" + text + "]";
    if (indentation_ != 0) {
      std::string indented;
      for (char c : text) {
        indented += c;
        if (c == '\n') indented.append(indentation_, ' ');
      }
      text = std::move(indented);
    }
    return text;
  }

  /// `key: value` for an own property of obj.
  std::string format_property(Object* obj, String* key, uint32_t level) {
    // The property's lookup and line; its value pays in format().
    charge(ctx_, 1, kPerInspectedValue);
    charge(ctx_, key->length_, kPerScannedUnits);
    std::string name = is_identifier_key(key->view()) ? utf16_to_utf8(key->view()) : quote_string(key->view());
    Value value;
    Object* holder = nullptr;
    PropertyInfo info{};
    ctx_.lookup_property(obj, key, value, &holder, &info);
    std::string str;
    if (info.flags & kPropAccessor) {
      auto* accessor = static_cast<Accessor*>(value.as_object());
      bool get = !accessor->getter_.is_undefined(), set = !accessor->setter_.is_undefined();
      str = get && set ? "[Getter/Setter]" : get ? "[Getter]" : set ? "[Setter]" : "undefined";
    } else {
      indentation_ += 2;
      str = format(value, level);
      indentation_ -= 2;
    }
    return name + ": " + str;
  }

  std::string more_items(uint32_t remaining) {
    return "... " + std::to_string(remaining) + " more item" + (remaining > 1 ? "s" : "");
  }

  /// node's formatRaw.
  std::string format_raw(HeapObject* o, uint32_t level) {
    std::vector<String*> keys;
    std::string base, prefix;
    std::string open = "{", close = "}";
    Extras extras = Extras::Object;
    std::string depth_name;  // what the value collapses to below the depth limit
    bool all_numbers = false;
    Object* obj = is_object_like(o) ? static_cast<Object*>(o) : nullptr;
    if (obj != nullptr) keys = builtins::ordered_own_keys(ctx_, obj);

    switch (o->kind()) {
      case ObjectKind::Array: {
        Array* a = static_cast<Array*>(o);
        if (a->length_ == 0) return "[]";
        open = "[";
        close = "]";
        extras = Extras::Array;
        depth_name = "[Array]";
        break;
      }
      case ObjectKind::Map:
      case ObjectKind::Set: {
        auto* m = static_cast<MapObject*>(o);
        prefix = std::string(m->is_set() ? "Set" : "Map") + "(" + std::to_string(m->table_.size()) + ") ";
        if (m->table_.size() == 0) return prefix + "{}";
        open = prefix + "{";
        depth_name = m->is_set() ? "[Set]" : "[Map]";
        break;
      }
      case ObjectKind::Closure:
      case ObjectKind::NativeFunction:
        return function_base(o);
      case ObjectKind::Class:
        base = function_base(o);
        if (keys.empty()) return base;
        depth_name = "[Function]";
        break;
      case ObjectKind::Object: {
        // Two walks of the prototype chain (constructor_name, is_error).
        charge(ctx_, 2 * uint64_t(obj->shape_->proto_depth_), kPerElement);
        std::string ctor = constructor_name(obj);
        if (is_error(obj)) {
          base = error_base(obj);
          if (keys.empty()) return base;
          depth_name = "[" + (ctor.empty() ? std::string("Error") : ctor) + "]";
        } else if (ctor.empty()) {
          open = "[Object: null prototype] {";
          if (keys.empty()) return open + "}";
          depth_name = "[Object: null prototype]";
        } else if (ctor == "Object") {
          if (keys.empty()) return "{}";
          depth_name = "[Object]";
        } else {
          if (keys.empty()) return ctor + " {}";
          open = ctor + " {";
          depth_name = "[" + ctor + "]";
        }
        break;
      }
      case ObjectKind::Iterator: return "[Iterator]";
      case ObjectKind::Task: return task_description(static_cast<const Task*>(o));
      case ObjectKind::Bytes: return "[Bytes " + std::to_string(static_cast<const Bytes*>(o)->length_) + "]";
      case ObjectKind::ForeignHandle: return "[ForeignHandle]";
      default: return "[object]";
    }

    if (level > options_.depth) return depth_name;
    ++level;
    seen_.push_back(o);
    current_depth_ = level;
    std::vector<std::string> output;
    if (o->kind() == ObjectKind::Array) {
      Array* a = static_cast<Array*>(o);
      uint32_t shown = std::min(a->length_, options_.max_items);
      indentation_ += 2;
      for (uint32_t i = 0; i < shown; ++i) output.push_back(format(a->elements_[i], level));
      indentation_ -= 2;
      if (a->length_ > shown) output.push_back(more_items(a->length_ - shown));
      all_numbers = true;
      for (uint32_t i = 0; i < a->length_ && i < output.size(); ++i)
        if (!a->elements_[i].is_number()) all_numbers = false;
    } else if (o->kind() == ObjectKind::Map || o->kind() == ObjectKind::Set) {
      auto* m = static_cast<MapObject*>(o);
      uint32_t shown = 0, total = m->table_.size();
      uint64_t scanned = 0;
      indentation_ += 2;
      for (const OrderedTable::Entry& e : m->table_.entries()) {
        // Deleted entries are skipped, one step per kUnitsPerStep of them
        // (paid before each run of them is read).
        if (scanned++ % Context::kUnitsPerStep == 0) ctx_.charge_steps(1);
        if (e.deleted) continue;
        if (shown == options_.max_items) break;
        ++shown;
        if (m->is_set())
          output.push_back(format(e.key, level));
        else
          output.push_back(format(e.key, level) + " => " + format(e.value, level));
      }
      indentation_ -= 2;
      if (total > shown) output.push_back(more_items(total - shown));
    }
    for (String* key : keys) output.push_back(format_property(obj, key, level));

    auto circular = circular_.find(o);
    if (circular != circular_.end()) {
      std::string reference = "<ref *" + std::to_string(circular->second) + ">";
      base = base.empty() ? reference : reference + " " + base;
    }
    seen_.pop_back();
    return reduce_to_single_string(output, base, open, close, extras, level, all_numbers);
  }

  static bool is_below_break_length(const std::vector<std::string>& output, size_t start, const std::string& base,
                                    size_t break_length) {
    size_t total = output.size() + start;
    if (total + output.size() > break_length) return false;
    for (const std::string& entry : output) {
      total += js_length(entry);
      if (total > break_length) return false;
    }
    return base.find('\n') == std::string::npos;
  }

  /// node's groupArrayElements: more than 6 short entries are laid out in
  /// aligned columns (numbers right-aligned).
  std::vector<std::string> group_array_elements(const std::vector<std::string>& output, bool has_more,
                                                bool all_numbers) {
    size_t total_length = 0, max_length = 0;
    size_t output_length = has_more ? output.size() - 1 : output.size();
    constexpr size_t kSeparatorSpace = 2;
    std::vector<size_t> data_len(output_length);
    for (size_t i = 0; i < output_length; ++i) {
      size_t len = js_length(output[i]);
      data_len[i] = len;
      total_length += len + kSeparatorSpace;
      max_length = std::max(max_length, len);
    }
    size_t actual_max = max_length + kSeparatorSpace;
    if (actual_max * 3 + indentation_ < options_.break_length &&
        (double(total_length) / double(actual_max) > 5 || max_length <= 6)) {
      double approx_char_heights = 2.5, average_bias = std::sqrt(double(actual_max) - double(total_length) / double(output.size()));
      double biased_max = std::max(double(actual_max) - 3 - average_bias, 1.0);
      double columns_d = std::min({std::round(std::sqrt(approx_char_heights * biased_max * double(output_length)) / biased_max),
                                   std::floor(double(options_.break_length - indentation_) / double(actual_max)),
                                   3.0 * 4, 15.0});
      size_t columns = columns_d < 1 ? 1 : size_t(columns_d);
      if (columns <= 1) return output;
      std::vector<size_t> max_line_length;
      for (size_t i = 0; i < columns; ++i) {
        size_t line_length = 0;
        for (size_t j = i; j < output.size(); j += columns)
          if (j < output_length && data_len[j] > line_length) line_length = data_len[j];
        max_line_length.push_back(line_length + kSeparatorSpace);
      }
      std::vector<std::string> grouped;
      for (size_t i = 0; i < output_length; i += columns) {
        size_t max = std::min(i + columns, output_length);
        std::string line;
        size_t j = i;
        for (; j < max - 1; ++j) {
          std::string cell = output[j] + ", ";
          size_t pad = max_line_length[j - i] > data_len[j] + 2 ? max_line_length[j - i] - data_len[j] - 2 : 0;
          if (all_numbers)
            line += std::string(pad, ' ') + cell;
          else
            line += cell + std::string(pad, ' ');
        }
        if (all_numbers) {
          size_t width = max_line_length[j - i] - kSeparatorSpace;
          size_t pad = width > data_len[j] ? width - data_len[j] : 0;
          line += std::string(pad, ' ') + output[j];
        } else {
          line += output[j];
        }
        grouped.push_back(std::move(line));
      }
      if (has_more) grouped.push_back(output.back());
      return grouped;
    }
    return output;
  }

  std::string reduce_to_single_string(std::vector<std::string> output, const std::string& base,
                                      const std::string& open, const std::string& close, Extras extras,
                                      uint32_t level, bool all_numbers) {
    size_t entries = output.size();
    // The entries' text is measured, grouped into columns and joined into
    // this container's: a few passes over it, paid for at every level.
    uint64_t units = 0;
    for (const std::string& entry : output) units += entry.size();
    charge(ctx_, 4 * units, kPerUnits);
    if (extras == Extras::Array && entries > 6) {
      bool has_more = !output.empty() && output.back().starts_with("... ") &&
                      output.back().find(" more item") != std::string::npos;
      output = group_array_elements(output, has_more, all_numbers);
    }
    if (current_depth_ - level < 3 && entries == output.size()) {
      size_t start = output.size() + indentation_ + js_length(open) + js_length(base) + 10;
      if (is_below_break_length(output, start, base, options_.break_length)) {
        std::string joined;
        for (size_t i = 0; i < output.size(); ++i) {
          if (i != 0) joined += ", ";
          joined += output[i];
        }
        if (joined.find('\n') == std::string::npos)
          return (base.empty() ? "" : base + " ") + open + " " + joined + " " + close;
      }
    }
    std::string indentation(indentation_ + 1, ' ');
    indentation[0] = '\n';
    std::string result = (base.empty() ? "" : base + " ") + open + indentation + "  ";
    for (size_t i = 0; i < output.size(); ++i) {
      if (i != 0) {
        result += ',';
        result += indentation;
        result += "  ";
      }
      result += output[i];
    }
    result += indentation + close;
    return result;
  }

  Context& ctx_;
  InspectOptions options_;
  String* constructor_key_ = nullptr;
  size_t indentation_ = 0;
  uint32_t current_depth_ = 0;
  std::vector<HeapObject*> seen_;
  std::unordered_map<HeapObject*, int> circular_;
};

}  // namespace

std::string inspect_value(Context& ctx, Value v, const InspectOptions& options) {
  // Looking up a key that is not interned yet allocates it; keep the value
  // (and so everything the walk visits) alive regardless.
  Rooted<Value> root(ctx, v);
  Inspector inspector(ctx, options);
  return inspector.format(v, 0);
}

std::string display_value(Context& ctx, Value v, const InspectOptions& options) {
  if (is_string(v)) return utf16_to_utf8(as_string(v)->view());
  return inspect_value(ctx, v, options);
}

}  // namespace raya::vm
