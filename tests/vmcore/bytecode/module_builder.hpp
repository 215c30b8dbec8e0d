// Test helpers for the bytecode suites: a small builder that assembles a
// Module by hand (jumps by absolute target, lines by current pc), and a few
// sample modules that exercise every table of the format. Each sample has
// its listing in a comment; they are valid, so tests can break one thing at
// a time and expect exactly that to be reported.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vmcore/bytecode/module.hpp"

namespace raya::vm::testing {

class FunctionBuilder {
 public:
  FunctionBuilder(Module& m, uint32_t index) : m_(&m), index_(index) {}

  FunctionProto& proto() { return m_->functions[index_]; }
  uint32_t index() const { return index_; }
  uint32_t pc() const { return uint32_t(m_->functions[index_].code.size()); }

  FunctionBuilder& op(Opcode op, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0) {
    proto().code.push_back(encode(op, a, b, c));
    return *this;
  }
  /// A jump with an L operand (Jmp, JmpIf, ...) to absolute pc `target`.
  FunctionBuilder& jump(Opcode op, uint16_t a, int64_t target) {
    proto().code.push_back(encode_long(op, a, int32_t(target - (int64_t(pc()) + 1))));
    return *this;
  }
  /// A jump with a J operand in c (JLt, IterNext, ...) to absolute pc `target`.
  FunctionBuilder& jump16(Opcode op, uint16_t a, uint16_t b, int64_t target) {
    proto().code.push_back(encode(op, a, b, uint16_t(int16_t(target - (int64_t(pc()) + 1)))));
    return *this;
  }
  /// Instructions from the current pc on come from `line`.
  FunctionBuilder& line(uint32_t line, uint32_t column = 1) {
    proto().lines.push_back({pc(), line, column});
    return *this;
  }
  FunctionBuilder& capture_register(uint16_t r) {
    proto().captures.push_back({Capture::From::ParentRegister, r});
    return *this;
  }
  FunctionBuilder& capture_upvalue(uint16_t u) {
    proto().captures.push_back({Capture::From::ParentUpvalue, u});
    return *this;
  }
  /// A new inline cache naming string constant `k`; returns its index.
  uint16_t ic(uint32_t k) {
    proto().ic_names.push_back(k);
    return uint16_t(proto().ic_names.size() - 1);
  }
  FunctionBuilder& handler(uint32_t start, uint32_t end, uint32_t target, uint16_t exception_register) {
    proto().handlers.push_back({start, end, target, exception_register});
    return *this;
  }

 private:
  Module* m_;
  uint32_t index_;
};

class ModuleBuilder {
 public:
  ModuleBuilder() { m_.files.push_back("main.raya"); }

  uint32_t file(std::string name) { return push(m_.files, std::move(name)); }
  uint16_t number(double d) { return uint16_t(push(m_.constants, Constant::of_number(d))); }
  uint16_t string(std::u16string s) { return uint16_t(push(m_.constants, Constant::of_string(std::move(s)))); }
  uint16_t global(std::string name, uint8_t flags = 0) {
    return uint16_t(push(m_.globals, Global{std::move(name), flags}));
  }
  void export_global(std::string name, uint32_t global) { m_.exports.push_back({std::move(name), global}); }
  uint16_t builtin(std::string name) { return uint16_t(push(m_.builtin_imports, std::move(name))); }
  uint32_t host(std::string name) { return push(m_.host_imports, std::move(name)); }

  FunctionBuilder function(std::string name, uint16_t params, uint16_t registers, uint16_t flags = 0,
                           uint32_t file = 0) {
    FunctionProto f;
    f.name = std::move(name);
    f.param_count = params;
    f.register_count = registers;
    f.flags = flags;
    f.file = file;
    f.line = uint32_t(m_.functions.size() + 1);
    f.column = 1;
    m_.functions.push_back(std::move(f));
    return FunctionBuilder(m_, uint32_t(m_.functions.size() - 1));
  }
  FunctionBuilder function_at(uint32_t index) { return FunctionBuilder(m_, index); }
  void entry(uint32_t f) { m_.entry_function = f; }

  Module& module() { return m_; }
  Module build() { return m_; }

 private:
  template <class T>
  static uint32_t push(std::vector<T>& v, T x) {
    v.push_back(std::move(x));
    return uint32_t(v.size() - 1);
  }
  Module m_;
};

// The smallest valid module:
//   function f0 <main> [module-init]  params 0, registers 1
//     0  ReturnUndef
inline Module minimal_module() {
  ModuleBuilder b;
  b.function("main", 0, 1, kFunctionIsModuleInit).op(Opcode::ReturnUndef);
  return b.build();
}

// Recursion through a global, calls, a short conditional jump.
//   globals: g0 main.raya:fib          exports: fib -> g0
//   function f0 <main> [module-init]  params 0, registers 4
//     0  Closure    r1, f1 <fib>
//     1  SetGlobal  r1, g0, 0
//     2  GetGlobal  r1, g0
//     3  LoadUndef  r2
//     4  LoadK      r3, k0 (30)
//     5  Call       r1, 1
//     6  Return     r1
//   function f1 <fib>  params 1, registers 6
//     0  LoadInt    r2, #2
//     1  JLt        r1, r2, ->12
//     2  GetGlobal  r2, g0
//     3  LoadUndef  r3
//     4  AddI       r4, r1, #-1
//     5  Call       r2, 1
//     6  GetGlobal  r3, g0
//     7  LoadUndef  r4
//     8  AddI       r5, r1, #-2
//     9  Call       r3, 1
//    10  Add        r2, r2, r3
//    11  Return     r2
//    12  Return     r1
inline Module fib_module() {
  ModuleBuilder b;
  const uint16_t k30 = b.number(30);
  const uint16_t g = b.global("main.raya:fib");
  b.export_global("fib", g);
  auto main = b.function("main", 0, 4, kFunctionIsModuleInit);
  auto fib = b.function("fib", 1, 6);
  main.line(1).op(Opcode::Closure, 1, uint16_t(fib.index())).op(Opcode::SetGlobal, 1, g);
  main.line(6).op(Opcode::GetGlobal, 1, g).op(Opcode::LoadUndef, 2).op(Opcode::LoadK, 3, k30);
  main.op(Opcode::Call, 1, 1).op(Opcode::Return, 1);
  fib.line(2).op(Opcode::LoadInt, 2, 2).jump16(Opcode::JLt, 1, 2, 12);
  fib.line(3).op(Opcode::GetGlobal, 2, g).op(Opcode::LoadUndef, 3).op(Opcode::AddI, 4, 1, uint16_t(-1));
  fib.op(Opcode::Call, 2, 1).op(Opcode::GetGlobal, 3, g).op(Opcode::LoadUndef, 4);
  fib.op(Opcode::AddI, 5, 1, uint16_t(-2)).op(Opcode::Call, 3, 1).op(Opcode::Add, 2, 2, 3).op(Opcode::Return, 2);
  fib.line(4).op(Opcode::Return, 1);
  return b.build();
}

// Closures: a register captured into a cell, an upvalue captured again.
//   globals: g0 main.raya:makeCounter
//   function f0 <main> [module-init]  params 0, registers 2
//     0  Closure      r1, f1 <makeCounter>
//     1  SetGlobal    r1, g0, 0
//     2  ReturnUndef
//   function f1 <makeCounter>  params 1, registers 4
//     0  NewCell      r2, r1
//     1  Closure      r3, f2 <anonymous>
//     2  Return       r3
//   function f2 <anonymous> [arrow]  params 0, registers 3, captures u0 = parent r2
//     0  GetUpval     r1, u0
//     1  AddI         r1, r1, #1
//     2  SetUpval     r1, u0
//     3  Closure      r2, f3 <peek>
//     4  Return       r1
//   function f3 <peek> [arrow]  params 0, registers 2, captures u0 = parent u0
//     0  GetUpval     r1, u0
//     1  Return       r1
inline Module closure_module() {
  ModuleBuilder b;
  const uint16_t g = b.global("main.raya:makeCounter");
  auto main = b.function("main", 0, 2, kFunctionIsModuleInit);
  auto make = b.function("makeCounter", 1, 4);
  auto counter = b.function("", 0, 3, kFunctionIsArrow);
  auto peek = b.function("peek", 0, 2, kFunctionIsArrow);
  main.op(Opcode::Closure, 1, uint16_t(make.index())).op(Opcode::SetGlobal, 1, g).op(Opcode::ReturnUndef);
  make.op(Opcode::NewCell, 2, 1).op(Opcode::Closure, 3, uint16_t(counter.index())).op(Opcode::Return, 3);
  counter.capture_register(2);
  counter.op(Opcode::GetUpval, 1, 0).op(Opcode::AddI, 1, 1, 1).op(Opcode::SetUpval, 1, 0);
  counter.op(Opcode::Closure, 2, uint16_t(peek.index())).op(Opcode::Return, 1);
  peek.capture_upvalue(0);
  peek.op(Opcode::GetUpval, 1, 0).op(Opcode::Return, 1);
  return b.build();
}

// Objects, inline caches, builtins, try/catch, Latin-1 and UTF-16 strings,
// a second file, a rest parameter, a host import.
//   files: main.raya, lib.raya    builtins: b0 Math, b1 console    host: log
//   constants: k0 "x", k1 "h\u00e9llo", k2 "\u65e5\u672c", k3 "log", k4 1.5, k5 "abs"
//   globals: g0 lib.raya:obj const    exports: obj -> g0
//   function f0 <main> [module-init]  params 0, registers 6
//     ics: ic0 "x", ic1 "abs", ic2 "log";  handler [4, 9) ->9, exception in r5
//     0  NewObject    r1
//     1  LoadK        r2, k4 (1.5)
//     2  SetProp      r1, ic0 (.x), r2
//     3  SetGlobal    r1, g0, 0
//     4  LoadUndef    r2
//     5  GetBuiltin   r3, builtin Math
//     6  LoadK        r4, k2 ("日本")
//     7  CallMethod   r2, 1, ic1 (.abs)
//     8  Throw        r2
//     9  GetBuiltin   r3, builtin console
//    10  Mov          r4, r5
//    11  CallMethod   r2, 1, ic2 (.log)
//    12  ReturnUndef
//   function f1 <helper> [rest]  lib.raya, params 1, registers 3
//     0  LoadK        r1, k1 ("héllo")
//     1  Return       r2
inline Module object_module() {
  ModuleBuilder b;
  const uint32_t lib = b.file("lib.raya");
  const uint16_t kx = b.string(u"x");
  const uint16_t khello = b.string(u"h\u00e9llo");
  const uint16_t kjapan = b.string(u"\u65e5\u672c");
  const uint16_t klog = b.string(u"log");
  const uint16_t k15 = b.number(1.5);
  const uint16_t kabs = b.string(u"abs");
  const uint16_t math = b.builtin("Math");
  const uint16_t console = b.builtin("console");
  b.host("log");
  const uint16_t g = b.global("lib.raya:obj", kGlobalConst);
  b.export_global("obj", g);
  auto main = b.function("main", 0, 6, kFunctionIsModuleInit);
  const uint16_t ic_x = main.ic(kx), ic_abs = main.ic(kabs), ic_log = main.ic(klog);
  main.line(1, 1).op(Opcode::NewObject, 1).op(Opcode::LoadK, 2, k15).op(Opcode::SetProp, 1, ic_x, 2);
  main.op(Opcode::SetGlobal, 1, g);
  main.line(2, 5).op(Opcode::LoadUndef, 2).op(Opcode::GetBuiltin, 3, math).op(Opcode::LoadK, 4, kjapan);
  main.op(Opcode::CallMethod, 2, 1, ic_abs).op(Opcode::Throw, 2);
  main.line(3, 3).op(Opcode::GetBuiltin, 3, console).op(Opcode::Mov, 4, 5).op(Opcode::CallMethod, 2, 1, ic_log);
  main.op(Opcode::ReturnUndef);
  main.handler(4, 9, 9, 5);
  auto helper = b.function("helper", 1, 3, kFunctionHasRest, lib);
  helper.op(Opcode::LoadK, 1, khello).op(Opcode::Return, 2);
  return b.build();
}

// Classes, methods, super, an iteration loop with a backward jump.
//   constants: k0 "Base", k1 "Derived", k2 "greet", k3 "items"
//   globals: g0 main.raya:Base, g1 main.raya:Derived const
//   function f0 <main> [module-init]  params 0, registers 8
//     0  Closure      r1, f1 <Base>
//     1  LoadEmpty    r2
//     2  NewClass     r1, r2, k0 ("Base")
//     3  Closure      r3, f3 <greet>
//     4  LoadK        r4, k2 ("greet")
//     5  DefineMethod r1, r4, r3
//     6  SetGlobal    r1, g0, 0
//     7  Closure      r2, f2 <Derived>
//     8  NewClass     r2, r1, k1 ("Derived")
//     9  SetGlobal    r2, g1, 1
//    10  NewArray     r3, 2
//    11  LoadInt      r4, #1
//    12  ArrayPush    r3, r4
//    13  GetIter      r4, r3
//    14  IterNext     r5, r4, ->19
//    15  Mov          r6, r2
//    16  New          r6, 0
//    17  CheckInit    r6, k1 ("Derived")
//    18  Jmp          ->14
//    19  ReturnUndef
//   function f1 <Base> [class-ctor]  params 0, registers 1
//     0  Return       r0
//   function f2 <Derived> [class-ctor derived-ctor]  params 1, registers 5
//     0  Mov          r4, r1
//     1  SuperCall    r2, 1
//     2  Return       r0
//   function f3 <greet> [method]  params 0, registers 3
//     ics: ic0 "greet"
//     0  GetSuper     r1, ic0 (.greet)
//     1  LoadK        r2, k3 ("items")
//     2  Return       r1
inline Module class_module() {
  ModuleBuilder b;
  const uint16_t kbase = b.string(u"Base");
  const uint16_t kderived = b.string(u"Derived");
  const uint16_t kgreet = b.string(u"greet");
  const uint16_t kitems = b.string(u"items");
  const uint16_t gbase = b.global("main.raya:Base");
  const uint16_t gderived = b.global("main.raya:Derived", kGlobalConst);
  auto main = b.function("main", 0, 8, kFunctionIsModuleInit);
  auto base = b.function("Base", 0, 1, kFunctionIsClassCtor);
  auto derived = b.function("Derived", 1, 5, kFunctionIsClassCtor | kFunctionIsDerivedCtor);
  auto greet = b.function("greet", 0, 3, kFunctionIsMethod);
  main.op(Opcode::Closure, 1, uint16_t(base.index())).op(Opcode::LoadEmpty, 2).op(Opcode::NewClass, 1, 2, kbase);
  main.op(Opcode::Closure, 3, uint16_t(greet.index())).op(Opcode::LoadK, 4, kgreet);
  main.op(Opcode::DefineMethod, 1, 4, 3).op(Opcode::SetGlobal, 1, gbase);
  main.op(Opcode::Closure, 2, uint16_t(derived.index())).op(Opcode::NewClass, 2, 1, kderived);
  main.op(Opcode::SetGlobal, 2, gderived, 1).op(Opcode::NewArray, 3, 2).op(Opcode::LoadInt, 4, 1);
  main.op(Opcode::ArrayPush, 3, 4).op(Opcode::GetIter, 4, 3).jump16(Opcode::IterNext, 5, 4, 19);
  main.op(Opcode::Mov, 6, 2).op(Opcode::New, 6, 0).op(Opcode::CheckInit, 6, kderived).jump(Opcode::Jmp, 0, 14);
  main.op(Opcode::ReturnUndef);
  base.op(Opcode::Return, 0);
  derived.op(Opcode::Mov, 4, 1).op(Opcode::SuperCall, 2, 1).op(Opcode::Return, 0);
  const uint16_t ic_greet = greet.ic(kgreet);
  greet.op(Opcode::GetSuper, 1, ic_greet).op(Opcode::LoadK, 2, kitems).op(Opcode::Return, 1);
  return b.build();
}

inline std::vector<std::pair<const char*, Module>> sample_modules() {
  return {{"minimal", minimal_module()},
          {"fib", fib_module()},
          {"closure", closure_module()},
          {"object", object_module()},
          {"class", class_module()}};
}

}  // namespace raya::vm::testing
