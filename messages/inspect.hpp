// CAF 0.17.6 `inspect` overloads for every boundary type, so actors can send
// them in messages and CAF can serialize them between nodes. Registration
// (the portable names) is in caf_types.cpp; only targets that link CAF
// include this header.
//
// Most records are a plain field list. Three things are not, because CAF
// 0.17.6's defaults are unsafe for data from another node:
//  - doubles: CAF's IEEE-754 packing (caf/detail/ieee_754.hpp) loops forever
//    on an infinity, turns NaN into -1.0, -0.0 into 0.0 and subnormals into
//    garbage. Value writes a double's bit pattern as a uint64 instead.
//  - byte vectors: CAF resizes a std::vector<uint8_t> to the length the
//    bytes claim (up to 4 GiB) before checking there is data for it. Value's
//    strings and bytes, and ModuleSource::bytes, use our own length prefix
//    and grow in chunks only as data actually arrives.
//  - enums: CAF casts any byte to the enum. Records holding an enum check it
//    after loading (a load_callback) and fail with sec::invalid_argument.
//    An enum cannot have an inspect of its own in 0.17.6: it would make
//    CAF's enum overload of apply() ambiguous; a bare ErrorCode message
//    therefore carries any byte (error_code_name says "UnknownError").
//
// Value is recursive. Its wire form, written by detail::save_value:
//   tag (uint8: Value::Kind), then per kind: nothing (null); uint8 0/1
//   (bool); int64; the double's bits as uint64; length + bytes (string,
//   bytes); length + elements (array); length + (key string, value) pairs
//   (map); registry and token as uint64 (handle). Lengths are unsigned
//   LEB128 (at most 10 bytes), CAF's own sequence sizes are not used: they
//   are 32-bit and their decoder shifts out of range on hostile input.
// Loading recurses once per array/map level and stops beyond
// kMaxValueDepth; a bad tag, a bad bool, a duplicate map key or truncated
// data is an error, never undefined behaviour.
#pragma once

#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "messages/capability_call.hpp"
#include "messages/context_report.hpp"
#include "messages/error.hpp"
#include "messages/module_source.hpp"
#include "messages/task_result.hpp"
#include "messages/value.hpp"
#include "messages/vm_options.hpp"

namespace raya::messages {

namespace detail {

template <class Inspector>
inline constexpr bool is_caf_saver = std::is_base_of_v<caf::serializer, Inspector>;
template <class Inspector>
inline constexpr bool is_caf_loader = std::is_base_of_v<caf::deserializer, Inspector>;

inline caf::error malformed(std::string what) {
  return caf::make_error(caf::sec::invalid_argument, "raya: " + std::move(what));
}

/// Bytes read per step of a string or byte block: what a lying length
/// prefix can make us allocate ahead of the data.
inline constexpr size_t kBlockChunkBytes = 64 * 1024;

inline caf::error save_length(caf::serializer& f, uint64_t n) {
  uint8_t buf[10];
  size_t used = 0;
  do {
    uint8_t low7 = uint8_t(n & 0x7F);
    n >>= 7;
    buf[used++] = n != 0 ? uint8_t(low7 | 0x80) : low7;
  } while (n != 0);
  return f.apply_raw(used, buf);
}

inline caf::error load_length(caf::deserializer& f, uint64_t& n) {
  n = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    uint8_t byte = 0;
    if (auto err = f.apply(byte)) return err;
    if (shift == 63 && byte > 1) break;  // the 10th byte may only hold bit 63
    n |= uint64_t(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return caf::none;
  }
  return malformed("length prefix beyond 64 bits");
}

/// A std::string or std::vector<uint8_t>: length, then the raw bytes.
template <class Block>
caf::error save_block(caf::serializer& f, const Block& block) {
  if (auto err = save_length(f, block.size())) return err;
  if (block.empty()) return caf::none;
  return f.apply_raw(block.size(), const_cast<typename Block::value_type*>(block.data()));
}

template <class Block>
caf::error load_block(caf::deserializer& f, Block& block) {
  uint64_t n = 0;
  if (auto err = load_length(f, n)) return err;
  block.clear();
  while (block.size() < n) {
    size_t step = size_t(std::min<uint64_t>(n - block.size(), kBlockChunkBytes));
    size_t old_size = block.size();
    block.resize(old_size + step);
    if (auto err = f.apply_raw(step, block.data() + old_size)) return err;
  }
  return caf::none;
}

/// ModuleSource::bytes through save_block/load_block (see the file comment).
struct ByteBlock {
  std::vector<uint8_t>* bytes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ByteBlock& x) {
  if constexpr (is_caf_saver<Inspector>) return save_block(f, *x.bytes);
  else if constexpr (is_caf_loader<Inspector>) return load_block(f, *x.bytes);
  else return f(caf::meta::type_name("bytes"), x.bytes->size());  // printing: a module's size says enough
}

/// `depth` is the nesting level an array or map here has (the root is 1).
inline caf::error save_value(caf::serializer& f, const Value& v, uint32_t depth) {
  uint8_t tag = uint8_t(v.kind());
  if (auto err = f.apply(tag)) return err;
  switch (v.kind()) {
    case Value::Kind::Null: return caf::none;
    case Value::Kind::Bool: {
      uint8_t b = v.as_bool() ? 1 : 0;
      return f.apply(b);
    }
    case Value::Kind::Int: {
      int64_t i = v.as_int();
      return f.apply(i);
    }
    case Value::Kind::Double: {
      uint64_t bits = std::bit_cast<uint64_t>(v.as_double());
      return f.apply(bits);
    }
    case Value::Kind::String: return save_block(f, v.as_string());
    case Value::Kind::Bytes: return save_block(f, v.as_bytes());
    case Value::Kind::Handle: {
      ForeignHandle h = v.as_handle();
      return f(h.registry, h.token);
    }
    case Value::Kind::Array: {
      if (depth > kMaxValueDepth) return malformed("value nested deeper than kMaxValueDepth");
      const Value::Array& items = v.as_array();
      if (auto err = save_length(f, items.size())) return err;
      for (const Value& item : items)
        if (auto err = save_value(f, item, depth + 1)) return err;
      return caf::none;
    }
    case Value::Kind::Map: {
      if (depth > kMaxValueDepth) return malformed("value nested deeper than kMaxValueDepth");
      const Value::Map& members = v.as_map();
      if (auto err = save_length(f, members.size())) return err;
      for (const auto& [key, item] : members) {
        if (auto err = save_block(f, key)) return err;
        if (auto err = save_value(f, item, depth + 1)) return err;
      }
      return caf::none;
    }
  }
  return malformed("value of unknown kind");
}

/// Map keys must be unique (Value's invariant); checked once the map is
/// read, by sorting views of its keys.
inline bool has_unique_keys(const Value::Map& members) {
  std::vector<std::string_view> keys;
  keys.reserve(members.size());
  for (const auto& member : members) keys.emplace_back(member.first);
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
}

/// Containers are not reserved to their claimed length: each element costs
/// at least one input byte, so memory stays proportional to the input.
inline caf::error load_value(caf::deserializer& f, Value& out, uint32_t depth) {
  uint8_t tag = 0;
  if (auto err = f.apply(tag)) return err;
  switch (tag) {
    case uint8_t(Value::Kind::Null): out = Value(); return caf::none;
    case uint8_t(Value::Kind::Bool): {
      uint8_t b = 0;
      if (auto err = f.apply(b)) return err;
      if (b > 1) return malformed("bool byte " + std::to_string(b));
      out = Value(b == 1);
      return caf::none;
    }
    case uint8_t(Value::Kind::Int): {
      int64_t i = 0;
      if (auto err = f.apply(i)) return err;
      out = Value(i);
      return caf::none;
    }
    case uint8_t(Value::Kind::Double): {
      uint64_t bits = 0;
      if (auto err = f.apply(bits)) return err;
      out = Value(std::bit_cast<double>(bits));
      return caf::none;
    }
    case uint8_t(Value::Kind::String): {
      std::string s;
      if (auto err = load_block(f, s)) return err;
      out = Value(std::move(s));
      return caf::none;
    }
    case uint8_t(Value::Kind::Bytes): {
      Value::Bytes b;
      if (auto err = load_block(f, b)) return err;
      out = Value(std::move(b));
      return caf::none;
    }
    case uint8_t(Value::Kind::Handle): {
      ForeignHandle h;
      if (auto err = f(h.registry, h.token)) return err;
      out = Value(h);
      return caf::none;
    }
    case uint8_t(Value::Kind::Array): {
      if (depth > kMaxValueDepth) return malformed("value nested deeper than kMaxValueDepth");
      uint64_t n = 0;
      if (auto err = load_length(f, n)) return err;
      Value::Array items;
      for (uint64_t i = 0; i < n; ++i)
        if (auto err = load_value(f, items.emplace_back(), depth + 1)) return err;
      out = Value(std::move(items));
      return caf::none;
    }
    case uint8_t(Value::Kind::Map): {
      if (depth > kMaxValueDepth) return malformed("value nested deeper than kMaxValueDepth");
      uint64_t n = 0;
      if (auto err = load_length(f, n)) return err;
      Value::Map members;
      for (uint64_t i = 0; i < n; ++i) {
        auto& member = members.emplace_back();
        if (auto err = load_block(f, member.first)) return err;
        if (auto err = load_value(f, member.second, depth + 1)) return err;
      }
      if (!has_unique_keys(members)) return malformed("duplicate key in a map value");
      out = Value(std::move(members));
      return caf::none;
    }
  }
  return malformed("unknown value kind tag " + std::to_string(tag));
}

}  // namespace detail

// --- printing --------------------------------------------------------------
// CAF's deep_to_string (logs, test failures) finds these by argument lookup.

inline std::string to_string(ErrorCode code) { return std::string(error_code_name(code)); }
inline std::string to_string(ModuleSource::Kind kind) {
  return kind == ModuleSource::Kind::Source ? "Source" : kind == ModuleSource::Kind::Bytecode ? "Bytecode" : "?";
}
inline std::string to_string(ContextReport::State state) {
  switch (state) {
    case ContextReport::State::Running: return "Running";
    case ContextReport::State::Terminated: return "Terminated";
    case ContextReport::State::Failed: return "Failed";
  }
  return "?";
}

// --- inspect -----------------------------------------------------------------

/// Binary: detail::save_value / load_value (see the top of this file).
/// Printing: the JSON form.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Value& x) {
  if constexpr (detail::is_caf_saver<Inspector>) {
    return detail::save_value(f, x, 1);
  } else if constexpr (detail::is_caf_loader<Inspector>) {
    Value loaded;  // `x` changes only on success
    if (auto err = detail::load_value(f, loaded, 1)) return err;
    x = std::move(loaded);
    return caf::none;
  } else {
    return f(caf::meta::type_name("raya.Value"), to_json(x));
  }
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ForeignHandle& x) {
  return f(caf::meta::type_name("raya.ForeignHandle"), x.registry, x.token);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Diagnostic& x) {
  return f(caf::meta::type_name("raya.Diagnostic"), x.file, x.line, x.column, x.message, x.source_line,
                            x.source_column);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Error& x) {
  auto check_code = [&x]() -> caf::error {
    if (is_known_error_code(x.code)) return caf::none;
    return detail::malformed("unknown error code " + std::to_string(unsigned(x.code)));
  };
  return f(caf::meta::type_name("raya.Error"), x.code, x.message, x.diagnostics, x.offset, x.name, x.stack,
           x.context_id, x.task_id, x.limit, x.used, x.path, caf::meta::load_callback(check_code));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VmOptions& x) {
  return f(caf::meta::type_name("raya.VmOptions"), x.max_heap_bytes, x.max_tasks, x.max_step_budget,
           x.max_cpu_time_ms, x.max_call_depth, x.terminate_on_task_limit, x.random_seed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VmStats& x) {
  return f(caf::meta::type_name("raya.VmStats"), x.heap_bytes_used, x.peak_heap_bytes, x.tasks, x.tasks_created,
           x.steps_executed, x.cpu_time_us, x.gc_count, x.gc_pause_us_total, x.gc_pause_us_max, x.limits);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TaskResult& x) {
  return f(caf::meta::type_name("raya.TaskResult"), x.context_id, x.task_id, x.ok, x.value, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Started& x) {
  return f(caf::meta::type_name("raya.Started"), x.ok, x.task_id, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ModuleSource& x) {
  auto check_kind = [&x]() -> caf::error {
    if (x.kind == ModuleSource::Kind::Source || x.kind == ModuleSource::Kind::Bytecode) return caf::none;
    return detail::malformed("unknown module source kind " + std::to_string(unsigned(x.kind)));
  };
  detail::ByteBlock bytes{&x.bytes};
  return f(caf::meta::type_name("raya.ModuleSource"), x.kind, x.path, x.text, bytes,
           caf::meta::load_callback(check_kind));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ModuleInfo& x) {
  return f(caf::meta::type_name("raya.ModuleInfo"), x.path, x.exports, x.capabilities);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, LoadResult& x) {
  return f(caf::meta::type_name("raya.LoadResult"), x.ok, x.info, x.value, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CapabilityCall& x) {
  return f(caf::meta::type_name("raya.CapabilityCall"), x.context_id, x.request_id, x.task_id, x.capability,
           x.args);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CapabilityResult& x) {
  return f(caf::meta::type_name("raya.CapabilityResult"), x.ok, x.value, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ContextReport& x) {
  auto check_state = [&x]() -> caf::error {
    switch (x.state) {
      case ContextReport::State::Running:
      case ContextReport::State::Terminated:
      case ContextReport::State::Failed: return caf::none;
    }
    return detail::malformed("unknown context state " + std::to_string(unsigned(x.state)));
  };
  return f(caf::meta::type_name("raya.ContextReport"), x.context_id, x.name, x.state, x.restarts, x.stats,
           x.error, caf::meta::load_callback(check_state));
}

}  // namespace raya::messages
