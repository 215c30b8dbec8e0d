// Callables and captured variables.
//  - Closure: a compiled function plus the cells it captured. Captured
//    variables live in Cells so closures share them by reference and a fresh
//    Cell per loop iteration gives `for (let ...)` its per-iteration binding.
//  - NativeFunction: a C++ builtin. Natives never call back into Raya (the
//    prelude, written in Raya, implements the higher-order builtins), so the
//    interpreter never recurses on the C++ stack.
#pragma once

#include <cstdint>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

class Context;
struct ModuleInstance;
struct FunctionCaches;
struct String;
struct Class;

struct Cell : HeapObject {
  Value value_;
  explicit Cell(Value v) : HeapObject(ObjectKind::Cell), value_(v) {}
};

struct Closure : HeapObject {
  const FunctionProto* proto_;
  ModuleInstance* module_;
  FunctionCaches* caches_;           // this function's inline caches in module_ (stable)
  Value home_ = Value::undefined();  // home object of a method (for super lookups)
  Class* owner_class_ = nullptr;     // for class constructors: their class
  uint32_t upvalue_count_;

  Closure(const FunctionProto* proto, ModuleInstance* module, FunctionCaches* caches, uint32_t upvalue_count)
      : HeapObject(ObjectKind::Closure), proto_(proto), module_(module), caches_(caches), upvalue_count_(upvalue_count) {
    for (uint32_t i = 0; i < upvalue_count; ++i) upvalues()[i] = nullptr;
  }
  Cell** upvalues() { return reinterpret_cast<Cell**>(this + 1); }
};

/// Arguments of a native call. `args` points into the caller's registers.
struct NativeFunction;

struct CallArgs {
  Value this_value;
  Value* args;
  uint32_t count;
  Value result = Value::undefined();
  NativeFunction* callee = nullptr;  // set where a native needs its own data_ (accessors)
  Value arg(uint32_t i) const { return i < count ? args[i] : Value::undefined(); }
};

/// Returns false when it threw (the exception is pending in the Context).
using NativeFn = bool (*)(Context& ctx, CallArgs& call);

struct NativeFunction : HeapObject {
  NativeFn fn_;
  String* name_;
  uint16_t arity_;
  bool is_constructor_ = false;  // may be used with new / super()
  Value data_ = Value::undefined();  // native-specific (e.g. the module of a live export)
  uint32_t magic_ = 0;               // native-specific small integer (e.g. a global slot)

  NativeFunction(NativeFn fn, String* name, uint16_t arity)
      : HeapObject(ObjectKind::NativeFunction), fn_(fn), name_(name), arity_(arity) {}
};

inline bool is_closure(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Closure; }
inline Closure* as_closure(Value v) { return static_cast<Closure*>(v.as_object()); }
inline bool is_native(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::NativeFunction; }
inline NativeFunction* as_native(Value v) { return static_cast<NativeFunction*>(v.as_object()); }
inline bool is_cell(Value v) { return v.is_object() && v.as_object()->kind() == ObjectKind::Cell; }
inline Cell* as_cell(Value v) { return static_cast<Cell*>(v.as_object()); }
inline bool is_callable(Value v) {
  if (!v.is_object()) return false;
  ObjectKind k = v.as_object()->kind();
  return k == ObjectKind::Closure || k == ObjectKind::NativeFunction || k == ObjectKind::Class;
}

}  // namespace raya::vm
