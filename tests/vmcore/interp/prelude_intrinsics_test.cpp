// The prelude's builtins (sort, filter, map, forEach, ...) must not call
// anything a program can replace (issue 10, item 16): they reach push,
// slice, Array.isArray and Map/Set methods through intrinsics bound at link
// time (vmcore/prelude/prelude_intrinsics.hpp), so replacing the methods
// on the prototypes does not change their results.
#include <gtest/gtest.h>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/prelude/prelude_intrinsics.hpp"

namespace raya::vm {
namespace {

std::string run_program(Context& ctx, const std::string& text) {
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().to_string());
  if (!module.ok()) return "";
  Result<Task*> task = ctx.load(std::make_shared<const Module>(std::move(module).value()));
  EXPECT_TRUE(task.ok());
  if (!task.ok()) return "";
  ctx.run_to_completion();
  if ((*task)->state != TaskState::Done) return "failed: " + ctx.task_error(*task).to_string();
  return ctx.to_display_utf8((*task)->result);
}

constexpr const char* kUses =
    "const out = [];\n"
    "const add = (x) => { out[out.length] = String(x); };\n"
    "add([3, 1, 2].sort((a, b) => a - b).join(','));\n"
    "add([3, undefined, 1].sort((a, b) => a - b).join(','));\n"
    "add([3, 1, 2].toSorted((a, b) => b - a).join(','));\n"
    "add([1, 2, 3, 4].filter((x) => x % 2 === 0).join(','));\n"
    "add([1, 2, 3].map((x) => x * 10).join(','));\n"
    "add([1, [2, 3], 4].flatMap((x) => x).join(','));\n"
    "add([1, 2, 3].reduce((a, b) => a + b, 0));\n"
    "add([1, 2, 3].find((x) => x > 1));\n"
    "let seen = 0; [1, 2, 3].forEach((x) => { seen += x; }); add(seen);\n"
    "const m = new Map([['a', 1], ['b', 2]]); let ms = ''; m.forEach((v, k) => { ms += k + v; }); add(ms);\n"
    "const s = new Set([4, 5]); let st = 0; s.forEach((v) => { st += v; }); add(st);\n"
    "return out.join(' ');\n";

constexpr const char* kOverrides =
    "Array.prototype.push = function () { throw new Error('push overridden'); };\n"
    "Array.prototype.pop = function () { throw new Error('pop overridden'); };\n"
    "Array.prototype.slice = function () { return ['slice overridden']; };\n"
    "Math.min = function () { return 0; };\n"
    "Array.isArray = function () { return false; };\n"
    "Map.prototype.has = function () { return false; };\n"
    "Map.prototype.get = function () { return 'get overridden'; };\n"
    "Map.prototype.entries = function () { return []; };\n"
    "Set.prototype.has = function () { return false; };\n"
    "Set.prototype.values = function () { return []; };\n";

TEST(PreludeIntrinsics, OverriddenMethodsDoNotChangeThePreludesResults) {
  Context plain;
  const std::string expected = run_program(plain, kUses);
  ASSERT_EQ(expected, "1,2,3 1,3, 3,2,1 2,4 10,20,30 1,2,3,4 6 2 6 a1b2 9");
  Context overridden;
  EXPECT_EQ(run_program(overridden, std::string(kOverrides) + kUses), expected);
}

TEST(PreludeIntrinsics, EveryIntrinsicIsDefined) {
  Context ctx;
  for (std::string_view name : kPreludeIntrinsicNames) {
    Value v;
    EXPECT_TRUE(ctx.lookup_builtin(name, v)) << name;
  }
}

}  // namespace
}  // namespace raya::vm
