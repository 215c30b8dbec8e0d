// Recursive natives against input nested 100,000 deep (issue 10, items 1
// and 8): printing, JSON.stringify / JSON.parse, String() of nested arrays,
// sorting them, marshalling a result out, the JSON form of a result, the
// collector, a deep prototype chain, and new Error at depth. Each must end
// with a clear error (or a bounded answer) long before the C++ stack is at
// risk, so every case runs on a thread with a 1 MiB stack (an eighth of a
// CAF worker's): a recursion per level would overflow it and crash.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>

#include "tests/small_stack.hpp"
#include "vmcore/api/vm_context.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"

namespace raya::vm {
namespace {

/// Runs `body` on a thread with a small stack (1 MiB; more under sanitizers).
void on_small_stack(const std::function<void()>& body) { test::run_with_small_stack(body); }

/// The program's prefix: `deep` is an array nested 100,000 levels deep.
constexpr const char* kDeepArray = "let deep = []; for (let i = 0; i < 100000; i++) deep = [deep];\n";

struct Ran {
  RunOutcome outcome;
  TaskState state = TaskState::Ready;
  Error error;
  std::string logged;
};

/// Compiles and runs `text` to completion in a Context (on this thread).
Ran run(const std::string& text, ContextOptions options = {}) {
  Ran r;
  Context ctx(options);
  ctx.set_console_sink(
      [](void* user, int, std::string_view line) {
        auto* out = static_cast<std::string*>(user);
        if (out->size() < (1u << 20)) out->append(line).push_back('\n');
      },
      &r.logged);
  auto module = compiler::compile_source("main.raya", text);
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().to_string());
  if (!module.ok()) return r;
  Result<Task*> task = ctx.load(std::make_shared<const Module>(std::move(module).value()));
  EXPECT_TRUE(task.ok());
  if (!task.ok()) return r;
  r.outcome = ctx.run_to_completion();
  r.state = (*task)->state;
  if (r.state == TaskState::Failed) r.error = ctx.task_error(*task);
  return r;
}

TEST(DeepInputRecursion, JsonStringifyOfADeepArrayIsARangeError) {
  on_small_stack([] {
    Ran r = run(std::string(kDeepArray) + "return JSON.stringify(deep);");
    EXPECT_EQ(r.state, TaskState::Failed);
    EXPECT_EQ(r.error.name, "RangeError");
    EXPECT_NE(r.error.message.find("nesting deeper than"), std::string::npos) << r.error.message;
  });
}

TEST(DeepInputRecursion, JsonParseOfDeepBracketsIsARangeError) {
  on_small_stack([] {
    Ran r = run("return JSON.parse('['.repeat(100000) + ']'.repeat(100000));");
    EXPECT_EQ(r.state, TaskState::Failed);
    EXPECT_EQ(r.error.name, "RangeError");
    // Unclosed as well: the depth is refused before the end is looked for.
    Ran open = run("return JSON.parse('[[[[' + '['.repeat(100000));");
    EXPECT_EQ(open.state, TaskState::Failed);
    Ran objects = run("return JSON.parse('{\"a\":'.repeat(100000) + '1' + '}'.repeat(100000));");
    EXPECT_EQ(objects.state, TaskState::Failed);
    EXPECT_EQ(objects.error.name, "RangeError");
  });
}

TEST(DeepInputRecursion, PrintingADeepArrayIsBounded) {
  on_small_stack([] {
    Ran r = run(std::string(kDeepArray) + "console.log(deep); console.error(deep); return 1;");
    EXPECT_EQ(r.state, TaskState::Done);
    EXPECT_LT(r.logged.size(), 1000u);  // collapsed to [Array] below the depth
  });
}

TEST(DeepInputRecursion, StringOfADeepArrayIsBounded) {
  on_small_stack([] {
    // String() and + stop converting below a depth (cycles and depth give "").
    Ran r = run(std::string(kDeepArray) + "return String(deep).length + ('' + deep).length;");
    EXPECT_EQ(r.state, TaskState::Done);
    // join is a RangeError past its nesting bound.
    Ran join = run(std::string(kDeepArray) + "return deep.join('-').length;");
    EXPECT_EQ(join.state, TaskState::Failed);
    EXPECT_EQ(join.error.name, "RangeError");
  });
}

TEST(DeepInputRecursion, SortingDeepArraysIsBounded) {
  on_small_stack([] {
    Ran r = run(std::string(kDeepArray) + "const a = [deep, deep, [deep], 1]; a.sort(); return a.length;");
    EXPECT_EQ(r.state, TaskState::Done);
  });
}

TEST(DeepInputRecursion, ADeepLinkedListIsCollectedWithoutRecursion) {
  on_small_stack([] {
    ContextOptions options;
    options.max_heap_bytes = 256u << 20;
    Ran r = run(
        "let head = null;\n"
        "for (let i = 0; i < 300000; i++) head = { next: head };\n"
        "let junk = 0; for (let i = 0; i < 200000; i++) { const o = { a: [i] }; junk += o.a.length; }\n"
        "return junk;\n",
        options);
    EXPECT_EQ(r.state, TaskState::Done);
  });
}

TEST(DeepInputRecursion, MarshallingADeepResultIsAMarshalError) {
  on_small_stack([] {
    for (auto form : {VmContext::ResultForm::Marshalled, VmContext::ResultForm::Json}) {
      VmContext vm(messages::VmOptions{});
      vm.set_result_form(form);
      ASSERT_TRUE(vm.load_source("main.raya", std::string(kDeepArray) +
                                                  "export function main() { return deep; }\n"
                                                  "export function thrown() { throw deep; }\n"));
      vm.run(~uint64_t(0));
      vm.take_finished();
      ASSERT_TRUE(vm.start("main", {}));
      ASSERT_TRUE(vm.start("thrown", {}));
      vm.run(~uint64_t(0));
      std::vector<TaskOutcome> done = vm.take_finished();
      ASSERT_EQ(done.size(), 2u);
      EXPECT_FALSE(done[0].ok);
      EXPECT_EQ(done[0].error.code, ErrorCode::MarshalError) << done[0].error.to_string();
      EXPECT_FALSE(done[1].ok);  // the thrown value is shown, bounded
    }
  });
}

TEST(DeepInputRecursion, ADeepArgumentIsRefused) {
  // Deeper than messages::kMaxValueDepth. A host-made value (the decoders
  // refuse deeper ones), on this thread: its own destructor recurses.
  messages::Value deep{messages::Value::Array{}};
  for (int i = 0; i < 3000; ++i) {
    messages::Value::Array wrap;
    wrap.push_back(std::move(deep));
    deep = messages::Value{std::move(wrap)};
  }
  VmContext vm(messages::VmOptions{});
  ASSERT_TRUE(vm.load_source("main.raya", "export function main(x) { return 1; }\n"));
  vm.run(~uint64_t(0));
  vm.take_finished();
  Result<TaskId> started = vm.start("main", {deep});
  if (started) {
    vm.run(~uint64_t(0));
    std::vector<TaskOutcome> done = vm.take_finished();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_FALSE(done[0].ok);
  } else {
    EXPECT_EQ(started.error().code, ErrorCode::MarshalError) << started.error().to_string();
  }
}

}  // namespace
}  // namespace raya::vm
