#include "vmcore/api/result_json.hpp"

#include <cmath>
#include <vector>

#include "vmcore/interp/marshal.hpp"
#include "vmcore/value/json_text.hpp"
#include "vmcore/value/number_format.hpp"

namespace raya::vm {

namespace {


class Writer {
 public:
  Writer(Context& ctx, std::string& out, uint64_t limit) : ctx_(ctx), out_(out), limit_(limit) {}

  /// Writes v; false if v has no JSON form (undefined, functions) and
  /// nothing was written.
  bool write(Value v, int depth) {
    if (over_limit(0)) return true;
    if (depth > 1000) {
      error = "result is nested more than 1000 levels deep";
      failed = true;
      return true;
    }
    if (v.is_undefined() || v.is_empty()) return false;
    if (v.is_null()) {
      out_ += "null";
      return true;
    }
    if (v.is_bool()) {
      out_ += v.is_true() ? "true" : "false";
      return true;
    }
    if (v.is_number()) {
      double d = v.to_double();
      out_ += std::isfinite(d) ? number_to_string(d) : "null";
      return true;
    }
    vm::HeapObject* h = v.as_object();
    switch (h->kind()) {
      case vm::ObjectKind::String: {
        // Checked before (a string is at least as long quoted) and after
        // (escapes make it longer), so the text never grows far past the cap.
        auto* s = static_cast<vm::String*>(h);
        if (over_limit(s->view().size())) return true;
        vm::append_json_quoted(out_, s->view());
        over_limit(0);
        return true;
      }
      case vm::ObjectKind::Array: {
        if (!enter(h)) return true;
        auto* a = static_cast<vm::Array*>(h);
        out_ += '[';
        for (uint32_t i = 0; i < a->length_ && !failed; ++i) {
          if (i) out_ += ',';
          if (!write(a->elements_[i], depth + 1)) out_ += "null";
        }
        out_ += ']';
        leave();
        return true;
      }
      case vm::ObjectKind::Object:
      case vm::ObjectKind::Class: {
        if (h->kind() == vm::ObjectKind::Class) return false;
        if (!enter(h)) return true;
        auto* o = static_cast<vm::Object*>(h);
        out_ += '{';
        bool first = true;
        for (vm::String* key : ctx_.own_enumerable_keys(o)) {
          Value pv;
          vm::PropertyInfo info{};
          ctx_.lookup_property(o, key, pv, nullptr, &info);
          if (info.flags & vm::kPropAccessor) continue;
          size_t mark = out_.size();
          if (!first) out_ += ',';
          if (over_limit(key->view().size())) break;
          vm::append_json_quoted(out_, key->view());
          out_ += ':';
          if (!write(pv, depth + 1)) {
            out_.resize(mark);
            continue;
          }
          first = false;
          if (failed) break;
        }
        out_ += '}';
        leave();
        return true;
      }
      case vm::ObjectKind::Map:
      case vm::ObjectKind::Set:
        out_ += "{}";
        return true;
      default:
        return false;  // functions and other context-bound values
    }
  }

  std::string error;
  bool failed = false;

 private:
  bool enter(vm::HeapObject* h) {
    for (vm::HeapObject* p : path_) {
      if (p == h) {
        error = "result contains a cycle and cannot be printed as JSON";
        failed = true;
        return false;
      }
    }
    path_.push_back(h);
    return true;
  }
  void leave() { path_.pop_back(); }

  /// True (and failed) once the text, with `adding` more bytes, would pass
  /// the cap. Sharing makes a DAG of n objects print 2^n of them: the cap,
  /// not the heap, bounds the work and the memory.
  bool over_limit(uint64_t adding) {
    if (failed) return true;
    if (out_.size() + adding <= limit_) return false;
    error = "value too large to convert to JSON (more than " + std::to_string(limit_) +
            " bytes, the limit for a result: the context's heap limit, or 1 GiB)";
    failed = true;
    return true;
  }

  Context& ctx_;
  std::string& out_;
  uint64_t limit_;
  std::vector<vm::HeapObject*> path_;
};

}  // namespace

bool result_to_json(Context& ctx, Value v, std::string& out, std::string& error) {
  Heap::NoGcScope no_gc(ctx.heap());
  Writer w(ctx, out, out.size() + marshal_size_limit(ctx));
  if (!w.write(v, 0)) out += "null";
  if (w.failed) {
    error = w.error;
    return false;
  }
  return true;
}

}  // namespace raya::vm
