// Rooted<T>: keeps a heap pointer or Value alive (and visible to the
// collector) while native code allocates. Roots are registered in LIFO order
// on the context and must be destroyed in reverse order of creation, which
// C++ scoping gives for free.
//
//   Rooted<Array*> out(ctx, ctx.new_array(0));
//   String* s = ctx.new_string(u"x");   // may collect: `out` survives
#pragma once

#include <type_traits>

#include "vmcore/interp/context.hpp"

namespace raya::vm {

template <class T>
class Rooted {
 public:
  Rooted(Context& ctx, T value) : ctx_(ctx), value_(value) {
    if constexpr (std::is_same_v<T, Value>) {
      ctx_.value_roots().push_back(&value_);
    } else {
      ctx_.object_roots().push_back(reinterpret_cast<HeapObject**>(&value_));
    }
  }
  ~Rooted() {
    if constexpr (std::is_same_v<T, Value>) {
      ctx_.value_roots().pop_back();
    } else {
      ctx_.object_roots().pop_back();
    }
  }
  Rooted(const Rooted&) = delete;
  Rooted& operator=(const Rooted&) = delete;

  T get() const { return value_; }
  operator T() const { return value_; }
  T operator->() const { return value_; }
  Rooted& operator=(T v) {
    value_ = v;
    return *this;
  }

 private:
  Context& ctx_;
  T value_;
};

}  // namespace raya::vm
