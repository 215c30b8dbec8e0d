// ModuleInstance: a Module loaded into one context — the shared, verified
// code plus this context's materialised constants (heap strings), global
// slots, resolved builtin imports and inline caches. Closures point at their
// ModuleInstance; the interpreter keeps the current one's arrays in locals.
#pragma once

#include <memory>
#include <vector>

#include "vmcore/bytecode/module.hpp"
#include "vmcore/heap/heap_object.hpp"
#include "vmcore/value/value.hpp"

namespace raya::vm {

struct Shape;
struct Object;
struct String;

/// One property-access site's memory of the last shape it saw. `holder` is
/// set when the property was found on a prototype (valid while the
/// context's prototype epoch is unchanged).
struct InlineCache {
  Shape* shape = nullptr;
  Object* holder = nullptr;
  Shape* transition = nullptr;  // SetProp: shape after adding the property
  uint32_t slot = 0;
  uint64_t epoch = 0;
};

struct FunctionCaches {
  std::vector<InlineCache> caches;
  std::vector<String*> names;  // interned property name of each cache
};

struct ModuleInstance : HeapObject {
  std::shared_ptr<const Module> module_;
  std::vector<Value> constants_;
  std::vector<Value> globals_;
  std::vector<Value> builtins_;
  std::vector<FunctionCaches> function_caches_;

  explicit ModuleInstance(std::shared_ptr<const Module> module)
      : HeapObject(ObjectKind::ModuleInstance), module_(std::move(module)) {}
};

}  // namespace raya::vm
