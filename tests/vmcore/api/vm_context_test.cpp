// VmContext end to end, as an embedding uses it: loading (source, bytecode
// and their errors), starting exported functions with marshalled arguments
// and reading marshalled results, host requests (capability calls and
// timers) answered, failed, refused and withdrawn, cancellation,
// unobserved failures, what run() reports, and terminate(): afterwards the
// context refuses work, still reports its stats, and has returned every byte
// to jemalloc; a context ended by a limit leaves others in the thread alone.
#include "vmcore/api/vm_context.hpp"

#include <string>
#include <vector>

#include "tests/vmcore/api/vm_context_test_support.hpp"
#include "tests/vmcore/heap/jemalloc_stats.hpp"
#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/compiler/compiler.hpp"

namespace raya::vm {
namespace {

using namespace vm_context_test;  // NOLINT: test helpers
using test::jemalloc_allocated;

// --- loading ---------------------------------------------------------------------------------

TEST(VmContext, LoadedTopLevelCodeIsATaskWhoseReturnValueIsReported) {
  Embedding e;
  TaskId id = e.load("const xs = [1, 2, 3];\nreturn { sum: xs[0] + xs[1] + xs[2], label: \"top\" };\n");
  EXPECT_NE(id, 0u);
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(json(e.expect_value(id)), json(M(MMap{{"sum", 6}, {"label", "top"}})));
  // Reported once, then forgotten.
  EXPECT_TRUE(e.vm.take_finished().empty());
}

TEST(VmContext, TopLevelCodeWithoutAReturnGivesNull) {
  Embedding e;
  TaskId id = e.load("let x = 1;\n");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(id)), json(M()));
}

TEST(VmContext, SourceWithASyntaxErrorGivesCompileErrorWithItsLocation) {
  VmContext vm(messages::VmOptions{});
  Result<TaskId> r = vm.load_source("plugin.raya", "let a = 1;\nlet b = (2 + ;\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::CompileError);
  ASSERT_FALSE(r.error().diagnostics.empty());
  const messages::Diagnostic& d = r.error().diagnostics.front();
  EXPECT_EQ(d.file, "plugin.raya");
  EXPECT_EQ(d.line, 2u);
  EXPECT_GT(d.column, 0u);
  EXPECT_FALSE(d.message.empty());
  // Nothing was loaded: the context is still usable.
  EXPECT_EQ(vm.fatal(), nullptr);
  EXPECT_TRUE(vm.load_source("plugin.raya", "return 1;\n").ok());
}

TEST(VmContext, BytecodeOfACompiledModuleRunsLikeItsSource) {
  Result<Module> compiled = compiler::compile_source("lib.raya", "export function twice(x) { return 2 * x; }\nreturn 7;\n");
  ASSERT_TRUE(compiled.ok()) << compiled.error().render_diagnostics();
  std::vector<uint8_t> bytes = encode_module(*compiled);
  Embedding e;
  Result<TaskId> id = e.vm.load_bytecode(bytes);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(*id)), json(M(7)));
  EXPECT_EQ(json(e.call("twice", {M(21)})), json(M(42)));
}

TEST(VmContext, CorruptBytecodeGivesVerifyErrorAndLeavesTheContextUsable) {
  Result<Module> compiled = compiler::compile_source("lib.raya", "return 7;\n");
  ASSERT_TRUE(compiled.ok());
  std::vector<uint8_t> bytes = encode_module(*compiled);
  VmContext vm(messages::VmOptions{});
  std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + bytes.size() / 2);
  Result<TaskId> r = vm.load_bytecode(truncated);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::VerifyError);
  EXPECT_FALSE(r.error().message.empty());
  std::vector<uint8_t> not_ryb = {'n', 'o', 't', ' ', 'r', 'y', 'b'};
  Result<TaskId> r2 = vm.load_bytecode(not_ryb);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::VerifyError);
  EXPECT_EQ(vm.fatal(), nullptr);
  EXPECT_TRUE(vm.load_bytecode(bytes).ok());
}

TEST(VmContext, ImportOfAnUngrantedCapabilityGivesCapabilityDeniedNamingIt) {
  VmContext vm(messages::VmOptions{}, {"log"});
  Result<TaskId> r = vm.load_source("main.raya", "import { log, fetchUrl } from \"host:\";\nlog(fetchUrl(\"x\"));\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::CapabilityDenied);
  EXPECT_NE(r.error().message.find("'fetchUrl'"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("'log'"), std::string::npos) << r.error().message;
  EXPECT_EQ(vm.fatal(), nullptr);
}

TEST(VmContext, StartOfAnUnknownExportIsRefusedNamingIt) {
  Embedding e;
  e.load_and_run("export function main() { return 1; }\nexport const answer = 42;\n");
  Result<TaskId> r = e.vm.start("mian", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::RuntimeError);
  EXPECT_NE(r.error().message.find("'mian'"), std::string::npos) << r.error().message;
  Result<TaskId> r2 = e.vm.start("answer", {});
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("'answer'"), std::string::npos) << r2.error().message;
  EXPECT_EQ(json(e.call("main")), json(M(1)));
}

TEST(VmContext, StartBeforeAnythingIsLoadedIsRefused) {
  VmContext vm(messages::VmOptions{});
  Result<TaskId> r = vm.start("main", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::RuntimeError);
}

// --- arguments and results -------------------------------------------------------------------

TEST(VmContext, ArgumentsOfEveryKindArriveAndComeBackUnchanged) {
  Embedding e;
  e.load_and_run("export function echo(...args) { return args; }\n");
  MArray args = {M(),
                 M(true),
                 M(false),
                 M(42),
                 M(int64_t(1) << 40),
                 M(-2.5),
                 M("héllo ✓"),
                 M(MBytes{0, 1, 254, 255}),
                 M(MArray{M(1), M("two"), M(MArray{})}),
                 M(MMap{{"b", M(1)}, {"a", M(MArray{M(2)})}, {"nested", M(MMap{{"k", M("v")}})}}),
                 M(messages::ForeignHandle{7, 99})};
  EXPECT_EQ(json(e.call("echo", args)), json(M(args)));
}

TEST(VmContext, ArgumentsAreOrdinaryRayaValuesInsideTheTask) {
  Embedding e;
  e.load_and_run(R"(
export function describe(n, d, s, b, xs, m, bytes) {
  return [typeof n, n + 1, d * 2, s.length, s.toUpperCase(), b ? "yes" : "no",
          xs.length, xs[1], Object.keys(m).join(","), m.inner.k, bytes.length, bytes[1]];
}
)");
  M v = e.call("describe", {M(41), M(1.25), M("abc"), M(true), M(MArray{M(1), M("x")}),
                            M(MMap{{"z", M(1)}, {"inner", M(MMap{{"k", M(5)}})}}), M(MBytes{9, 8, 7})});
  EXPECT_EQ(json(v), json(M(MArray{"number", 42, 2.5, 3, "ABC", "yes", 2, "x", "z,inner", 5, 3, 8})));
}

TEST(VmContext, ArgumentsAreCopiesThatTheTaskMayChange) {
  Embedding e;
  e.load_and_run("export function grow(xs) { xs.push(4); return xs.length; }\n");
  MArray xs = {M(1), M(2), M(3)};
  EXPECT_EQ(json(e.call("grow", {M(xs)})), json(M(4)));
  EXPECT_EQ(xs.size(), 3u);
  EXPECT_EQ(json(e.call("grow", {M(xs)})), json(M(4)));  // each call gets its own copy
}

TEST(VmContext, AnIntegerThatARayaNumberCannotHoldIsAMarshalErrorAtStart) {
  Embedding e;
  e.load_and_run("export function f(x) { return x; }\n");
  Result<TaskId> r = e.vm.start("f", {M(1), M(MMap{{"big", M((int64_t(1) << 53) + 1)}})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::MarshalError);
  EXPECT_NE(r.error().path.find("big"), std::string::npos) << r.error().path;
  EXPECT_EQ(e.vm.fatal(), nullptr);
  EXPECT_EQ(json(e.call("f", {M(3)})), json(M(3)));
}

TEST(VmContext, AsyncExportGivesItsValueNotATaskHandle) {
  Embedding e;
  e.load_and_run(R"(
import { yieldNow } from "raya:task";
async function half(x) { await yieldNow(); return x / 2; }
export async function main(x) {
  const a = await half(x);
  const b = await half(a);
  return { a, b };
}
)");
  EXPECT_EQ(json(e.call("main", {M(12)})), json(M(MMap{{"a", M(6)}, {"b", M(3)}})));
}

TEST(VmContext, ExportReturningATaskGivesThatTasksValue) {
  Embedding e;
  e.load_and_run("async function later(x) { return x + 1; }\nexport function main(x) { return later(x); }\n");
  EXPECT_EQ(json(e.call("main", {M(1)})), json(M(2)));
}

TEST(VmContext, AResultThatCannotBeMarshalledIsAMarshalErrorWithItsPath) {
  Embedding e;
  e.load_and_run("export function main() { return { name: \"x\", handlers: [1, () => 2] }; }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  messages::Error err = e.expect_error(id);
  EXPECT_EQ(err.code, ErrorCode::MarshalError);
  EXPECT_EQ(err.path, "result.handlers[1]");
  EXPECT_EQ(err.task_id, id);
  EXPECT_EQ(e.vm.fatal(), nullptr);
}

TEST(VmContext, AnUncaughtErrorIsARuntimeErrorWithNameMessageStackAndIds) {
  messages::VmOptions options;
  VmContext vm(options, {}, /*context_id=*/77);
  ASSERT_TRUE(vm.load_source("main.raya", "export function main() { null.x; }\n").ok());
  while (vm.run(1u << 20).kind == Kind::Yielded) {
  }
  (void)vm.take_finished();
  Result<TaskId> id = vm.start("main", {});
  ASSERT_TRUE(id.ok());
  while (vm.run(1u << 20).kind == Kind::Yielded) {
  }
  std::vector<TaskOutcome> done = vm.take_finished();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].ok);
  EXPECT_EQ(done[0].error.code, ErrorCode::RuntimeError);
  EXPECT_EQ(done[0].error.name, "TypeError");
  EXPECT_FALSE(done[0].error.message.empty());
  EXPECT_NE(done[0].error.stack.find("main"), std::string::npos) << done[0].error.stack;
  EXPECT_EQ(done[0].error.context_id, 77u);
  EXPECT_EQ(done[0].error.task_id, *id);
}

TEST(VmContext, FinishedTasksAreReportedInIdOrder) {
  Embedding e;
  e.load_and_run(R"(
import { yieldNow } from "raya:task";
export async function slow(x) { for (let i = 0; i < 5; i++) await yieldNow(); return x; }
export function fast(x) { return x; }
)");
  TaskId a = e.start("slow", {M(1)});
  TaskId b = e.start("fast", {M(2)});
  ASSERT_LT(a, b);
  while (e.vm.run(1u << 20).kind == Kind::Yielded) {
  }
  std::vector<TaskOutcome> done = e.vm.take_finished();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].id, a);
  EXPECT_EQ(done[1].id, b);
}

// --- host calls ------------------------------------------------------------------------------

constexpr const char* kHostCallProgram = R"(
import { lookup } from "host:";
export async function main(key) {
  const found = await lookup(key, 3, [true, null]);
  return { key, found, doubled: found.n * 2 };
}
)";

TEST(VmContext, HostCallIssuesARequestWithTheCapabilityAndItsArgumentsAsAnArray) {
  Embedding e({}, {"lookup"});
  e.load_and_run(kHostCallProgram);
  TaskId id = e.start("main", {M("user:1")});
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  HostRequest req = e.only_request();
  EXPECT_EQ(req.kind, HostRequest::Kind::Call);
  EXPECT_EQ(req.capability, "lookup");
  EXPECT_EQ(req.task_id, id);
  EXPECT_EQ(json(req.args), json(M(MArray{M("user:1"), M(3), M(MArray{M(true), M()})})));
  EXPECT_EQ(e.done.count(id), 0u);
}

TEST(VmContext, CompletingAHostCallResumesTheTaskWithTheValue) {
  Embedding e({}, {"lookup"});
  e.load_and_run(kHostCallProgram);
  TaskId id = e.start("main", {M("user:1")});
  e.run_until_idle();
  EXPECT_EQ(e.answer(M(MMap{{"n", M(21)}})).kind, Kind::Done);
  EXPECT_EQ(json(e.expect_value(id)), json(M(MMap{{"key", M("user:1")}, {"found", M(MMap{{"n", M(21)}})}, {"doubled", M(42)}})));
}

TEST(VmContext, AHostCallIsAnExpressionWhoseValueNeedsNoAwait) {
  Embedding e({}, {"add"});
  e.load_and_run("import { add } from \"host:\";\nexport function main() { return add(1, 2) * 10; }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  e.answer(M(3));
  EXPECT_EQ(json(e.expect_value(id)), json(M(30)));
}

TEST(VmContext, FailingAHostCallThrowsACatchableCapabilityFailed) {
  Embedding e({}, {"lookup"});
  e.load_and_run(R"(
import { lookup } from "host:";
export function main() {
  try {
    return lookup("k");
  } catch (e) {
    return [e.name, e.message, e instanceof Error];
  }
}
)");
  TaskId id = e.start("main");
  e.run_until_idle();
  e.answer_with_error(messages::make_error(ErrorCode::CapabilityFailed, "backend unavailable"));
  EXPECT_EQ(json(e.expect_value(id)), json(M(MArray{"CapabilityFailed", "backend unavailable", true})));
}

TEST(VmContext, AnUncaughtHostCallFailureFailsTheTaskWithThatName) {
  Embedding e({}, {"lookup"});
  e.load_and_run("import { lookup } from \"host:\";\nexport function main() { return lookup(1); }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  e.answer_with_error(messages::make_error(ErrorCode::Timeout, "too slow"));
  messages::Error err = e.expect_error(id);
  EXPECT_EQ(err.name, "Timeout");
  EXPECT_EQ(err.message, "too slow");
  EXPECT_NE(err.stack.find("main"), std::string::npos) << err.stack;
}

TEST(VmContext, AHostCallWithAFunctionArgumentThrowsACatchableMarshalErrorAndIssuesNoRequest) {
  Embedding e({}, {"register"});
  e.load_and_run(R"(
import { register } from "host:";
export function main() {
  try {
    register("ok", { onEvent: () => 1 });
    return "sent";
  } catch (e) {
    return [e.name, e.message];
  }
}
)");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_TRUE(e.requests.empty());
  M v = e.expect_value(id);
  ASSERT_TRUE(v.is_array());
  ASSERT_EQ(v.as_array().size(), 2u);
  EXPECT_EQ(json(v.as_array()[0]), json(M("MarshalError")));
  EXPECT_NE(v.as_array()[1].as_string().find("args[1].onEvent"), std::string::npos) << v.as_array()[1].as_string();
}

TEST(VmContext, AHostCallResultThatCannotBecomeARayaValueFailsTheCallInsideTheTask) {
  Embedding e({}, {"get"});
  e.load_and_run(R"(
import { get } from "host:";
export function main() {
  try { return get(); } catch (e) { return e.name; }
}
)");
  TaskId id = e.start("main");
  e.run_until_idle();
  e.answer(M(MArray{M(int64_t(1) << 60)}));
  EXPECT_EQ(json(e.expect_value(id)), json(M("MarshalError")));
}

TEST(VmContext, ManyPendingHostCallsCanBeCompletedInAnyOrder) {
  Embedding e({}, {"fetch"});
  e.load_and_run(R"(
import { fetch } from "host:";
async function one(i) { return fetch(i); }
export async function main() {
  const ts = [];
  for (let i = 0; i < 5; i++) ts.push(one(i));
  return await ts;
}
)");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  ASSERT_EQ(e.requests.size(), 5u);
  std::vector<HostRequest> reqs = e.requests;
  e.requests.clear();
  for (size_t i = reqs.size(); i-- > 0;) {
    const int64_t arg = reqs[i].args.as_array()[0].as_int();
    ASSERT_TRUE(e.vm.complete(reqs[i].id, M(arg * 100)).ok());
    Kind k = e.run_until_idle().kind;
    EXPECT_EQ(k, i == 0 ? Kind::Done : Kind::Waiting);
  }
  EXPECT_EQ(json(e.expect_value(id)), json(M(MArray{0, 100, 200, 300, 400})));
}

// --- timers ------------------------------------------------------------------------------------

TEST(VmContext, SleepIssuesATimerRequestAndCompletingItResumesTheTask) {
  Embedding e;
  e.load_and_run(R"(
import { sleep } from "raya:task";
export async function main() {
  const before = "slept";
  const v = await sleep(25);
  return [before, v === undefined];
}
)");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  HostRequest req = e.only_request();
  EXPECT_EQ(req.kind, HostRequest::Kind::Timer);
  EXPECT_EQ(req.delay_ms, 25u);
  EXPECT_EQ(req.task_id, id);
  // Time passes only when the embedding says so: running again does nothing.
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  EXPECT_EQ(e.done.count(id), 0u);
  // A timer's completion value is ignored.
  ASSERT_TRUE(e.vm.complete(req.id, M("ignored")).ok());
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(json(e.expect_value(id)), json(M(MArray{"slept", true})));
}

TEST(VmContext, FractionalAndNegativeSleepsRoundToWholeMilliseconds) {
  Embedding e;
  e.load_and_run(R"(
import { sleep } from "raya:task";
export async function main() { await sleep(2.1); await sleep(-5); return 1; }
)");
  TaskId id = e.start("main");
  e.run_until_idle();
  HostRequest first = e.only_request();
  EXPECT_EQ(first.delay_ms, 3u);
  ASSERT_TRUE(e.vm.complete(first.id, M()).ok());
  e.run_until_idle();
  HostRequest second = e.only_request();
  EXPECT_EQ(second.delay_ms, 0u);
  ASSERT_TRUE(e.vm.complete(second.id, M()).ok());
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(id)), json(M(1)));
}

// --- request ids -----------------------------------------------------------------------------

TEST(VmContext, CompletingAnUnknownRequestIdIsAnErrorAndChangesNothing) {
  Embedding e({}, {"get"});
  e.load_and_run("import { get } from \"host:\";\nexport function main() { return get(); }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  HostRequest req = e.only_request();
  const messages::VmStats before = e.vm.stats();
  Status s = e.vm.complete(req.id + 1000, M(1));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(std::to_string(req.id + 1000)), std::string::npos) << s.error().message;
  EXPECT_FALSE(e.vm.fail(req.id + 1000, messages::make_error(ErrorCode::CapabilityFailed, "x")).ok());
  EXPECT_EQ(e.vm.stats(), before);
  EXPECT_EQ(e.vm.fatal(), nullptr);
  // The real request is still pending and still works.
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  ASSERT_TRUE(e.vm.complete(req.id, M(5)).ok());
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(id)), json(M(5)));
}

TEST(VmContext, CompletingARequestTwiceIsAnErrorAndDoesNotResumeTheTaskAgain) {
  Embedding e({}, {"get"});
  e.load_and_run(R"(
import { get } from "host:";
let calls = 0;
export function main() { calls++; const v = get(); return [v, calls]; }
)");
  TaskId id = e.start("main");
  e.run_until_idle();
  HostRequest req = e.only_request();
  ASSERT_TRUE(e.vm.complete(req.id, M("first")).ok());
  Status again = e.vm.complete(req.id, M("second"));
  EXPECT_FALSE(again.ok());
  Status failed = e.vm.fail(req.id, messages::make_error(ErrorCode::CapabilityFailed, "late"));
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(json(e.expect_value(id)), json(M(MArray{"first", 1})));
  EXPECT_FALSE(e.vm.complete(req.id, M("third")).ok());
}

// --- cancel ------------------------------------------------------------------------------------

TEST(VmContext, CancellingATaskBlockedOnAHostCallWithdrawsTheRequest) {
  Embedding e({}, {"get"});
  e.load_and_run("import { get } from \"host:\";\nexport function main() { return get(); }\n");
  TaskId id = e.start("main");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Waiting);
  HostRequest req = e.only_request();
  EXPECT_TRUE(e.vm.cancel(id));
  // Nothing waits on the host any more.
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  messages::Error err = e.expect_error(id);
  EXPECT_EQ(err.name, "Cancelled");
  EXPECT_EQ(err.task_id, id);
  EXPECT_FALSE(e.vm.complete(req.id, M(1)).ok());
  EXPECT_FALSE(e.vm.fail(req.id, messages::make_error(ErrorCode::CapabilityFailed, "x")).ok());
  EXPECT_EQ(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.stats().tasks, 0u);
}

TEST(VmContext, CancellingBeforeTheRequestWasTakenWithdrawsItFromTheQueue) {
  Embedding e({}, {"get"});
  e.load_and_run("import { get } from \"host:\";\nexport function main() { return get(); }\n");
  TaskId id = e.start("main");
  EXPECT_EQ(e.vm.run(1u << 20).kind, Kind::Waiting);
  EXPECT_TRUE(e.vm.cancel(id));
  EXPECT_TRUE(e.vm.take_host_requests().empty());
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(e.expect_error(id).name, "Cancelled");
}

TEST(VmContext, CancellingASleepingTaskWithdrawsItsTimer) {
  Embedding e;
  e.load_and_run("import { sleep } from \"raya:task\";\nexport async function main() { await sleep(1000); return 1; }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  HostRequest timer = e.only_request();
  EXPECT_TRUE(e.vm.cancel(id));
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(e.expect_error(id).name, "Cancelled");
  EXPECT_FALSE(e.vm.complete(timer.id, M()).ok());
}

TEST(VmContext, CancelOfAnUnknownOrFinishedTaskReturnsFalse) {
  Embedding e;
  e.load_and_run("export function main() { return 1; }\n");
  EXPECT_FALSE(e.vm.cancel(12345));
  TaskId id = e.start("main");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(id)), json(M(1)));
  EXPECT_FALSE(e.vm.cancel(id));  // finished and reported
}

TEST(VmContext, CancellingAQueuedTaskMeansItNeverRuns) {
  Embedding e;
  e.load_and_run("let runs = 0;\nexport function main() { runs++; return runs; }\nexport function count() { return runs; }\n");
  TaskId id = e.start("main");
  EXPECT_TRUE(e.vm.cancel(id));
  e.run_until_idle();
  EXPECT_EQ(e.expect_error(id).name, "Cancelled");
  EXPECT_EQ(json(e.call("count")), json(M(0)));
}

// --- unobserved failures -----------------------------------------------------------------------

TEST(VmContext, ANeverAwaitedFailedTaskIsReportedOnceWithItsTaskId) {
  Embedding e;
  TaskId main = e.load(R"(
async function lost() { throw new RangeError("nobody listens"); }
lost();
return "main finished";
)");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(main)), json(M("main finished")));
  std::vector<messages::Error> failures = e.vm.take_unobserved_failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].name, "RangeError");
  EXPECT_EQ(failures[0].message, "nobody listens");
  EXPECT_NE(failures[0].task_id, 0u);
  EXPECT_NE(failures[0].task_id, main);
  EXPECT_TRUE(e.vm.take_unobserved_failures().empty());
}

TEST(VmContext, AnAwaitedFailureIsNotReportedAsUnobserved) {
  Embedding e;
  TaskId main = e.load(R"(
import { yieldNow } from "raya:task";
async function fails() { throw new Error("handled"); }
// Awaited before it fails, and awaited long after it failed.
const t = fails();
try { await t; } catch (err) {}
let late = fails();
await yieldNow();
try { await late; } catch (err) {}
return "ok";
)");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(main)), json(M("ok")));
  EXPECT_TRUE(e.vm.take_unobserved_failures().empty());
}

TEST(VmContext, AFailedTaskTheEmbeddingStartedIsItsOutcomeNotAnUnobservedFailure) {
  Embedding e;
  e.load_and_run("export function main() { throw new Error(\"for the host\"); }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  EXPECT_EQ(e.expect_error(id).message, "for the host");
  EXPECT_TRUE(e.vm.take_unobserved_failures().empty());
}

// --- run outcomes ------------------------------------------------------------------------------

TEST(VmContext, RunWithASmallBudgetYieldsAndFinishesOverSeveralSlices) {
  Embedding e;
  TaskId id = e.load("let s = 0;\nfor (let i = 0; i < 5000; i++) s += i;\nreturn s;\n");
  RunOutcome first = e.vm.run(500);
  EXPECT_EQ(first.kind, Kind::Yielded);
  EXPECT_GE(first.steps, 500u);
  EXPECT_LT(first.steps, 600u);
  int slices = 1;
  RunOutcome r = first;
  while (r.kind == Kind::Yielded) {
    r = e.vm.run(500);
    ++slices;
    ASSERT_LT(slices, 10000);
  }
  EXPECT_EQ(r.kind, Kind::Done);
  EXPECT_GT(slices, 5);
  e.collect();
  EXPECT_EQ(json(e.expect_value(id)), json(M(5000 * 4999 / 2)));
}

TEST(VmContext, RunIsWaitingWhileARequestIsPendingAndDoneWhenIdle) {
  Embedding e({}, {"get"});
  e.load_and_run("import { get } from \"host:\";\nexport function main() { return get(); }\n");
  RunOutcome idle = e.vm.run(1000);
  EXPECT_EQ(idle.kind, Kind::Done);
  EXPECT_EQ(idle.steps, 0u);
  TaskId id = e.start("main");
  RunOutcome waiting = e.vm.run(1000);
  EXPECT_EQ(waiting.kind, Kind::Waiting);
  EXPECT_GT(waiting.steps, 0u);
  RunOutcome still = e.vm.run(1000);
  EXPECT_EQ(still.kind, Kind::Waiting);
  EXPECT_EQ(still.steps, 0u);
  e.collect();
  EXPECT_EQ(e.answer(M(1)).kind, Kind::Done);
  EXPECT_EQ(json(e.expect_value(id)), json(M(1)));
}

TEST(VmContext, TasksAwaitingEachOtherForeverAreDoneNotWaiting) {
  Embedding e;
  TaskId id = e.load(R"(
let b: any = null;
async function a() { await null; return await b; }
const ta = a();
b = (async () => await ta)();
return await ta;
)");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Done);
  EXPECT_EQ(e.done.count(id), 0u);  // deadlocked: never finishes
  EXPECT_EQ(e.vm.stats().tasks, 3u);
}

// --- terminate ---------------------------------------------------------------------------------

TEST(VmContext, AfterTerminateEveryCallFailsWithTerminated) {
  Embedding e({}, {"get"});
  e.load_and_run("import { get } from \"host:\";\nexport function main() { return get(); }\n");
  TaskId id = e.start("main");
  e.run_until_idle();
  HostRequest req = e.only_request();
  e.vm.terminate();
  EXPECT_TRUE(e.vm.terminated());
  ASSERT_NE(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::Terminated);
  Result<TaskId> loaded = e.vm.load_source("main.raya", "return 1;\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::Terminated);
  Result<TaskId> started = e.vm.start("main", {});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::Terminated);
  Status completed = e.vm.complete(req.id, M(1));
  ASSERT_FALSE(completed.ok());
  EXPECT_EQ(completed.error().code, ErrorCode::Terminated);
  Status failed = e.vm.fail(req.id, messages::make_error(ErrorCode::CapabilityFailed, "x"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::Terminated);
  EXPECT_EQ(e.vm.run(1000).kind, Kind::Fatal);
  EXPECT_TRUE(e.vm.take_host_requests().empty());
  EXPECT_TRUE(e.vm.take_finished().empty());
  EXPECT_TRUE(e.vm.take_unobserved_failures().empty());
  EXPECT_FALSE(e.vm.cancel(id));
  e.vm.terminate();  // twice is harmless
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::Terminated);
}

TEST(VmContext, StatsStillAnswerAfterTerminate) {
  messages::VmOptions options;
  options.max_tasks = 77;
  Embedding e(options);
  e.load_and_run("async function f(i) { return i; }\nfor (let i = 0; i < 5; i++) await f(i);\n");
  const messages::VmStats before = e.vm.stats();
  EXPECT_EQ(before.tasks_created, 6u);
  e.vm.terminate();
  const messages::VmStats after = e.vm.stats();
  EXPECT_EQ(after.tasks_created, before.tasks_created);
  EXPECT_EQ(after.steps_executed, before.steps_executed);
  EXPECT_EQ(after.gc_count, before.gc_count);
  EXPECT_EQ(after.peak_heap_bytes, before.peak_heap_bytes);
  EXPECT_EQ(after.heap_bytes_used, 0u);
  EXPECT_EQ(after.tasks, 0u);
  EXPECT_EQ(after.limits.max_tasks, 77u);
}

TEST(VmContext, TerminatingAContextEndedByALimitKeepsTheLimitAsItsError) {
  messages::VmOptions options;
  options.max_step_budget = 10000;
  Embedding e(options);
  e.load("while (true) {}\n");
  EXPECT_EQ(e.run_until_idle().kind, Kind::Fatal);
  ASSERT_NE(e.vm.fatal(), nullptr);
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::StepBudgetExceeded);
  Result<TaskId> r = e.vm.start("main", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::StepBudgetExceeded);
  e.vm.terminate();
  EXPECT_EQ(e.vm.fatal()->code, ErrorCode::StepBudgetExceeded);
  EXPECT_EQ(e.vm.start("main", {}).error().code, ErrorCode::StepBudgetExceeded);
}


/// Tasks blocked every way a task can block when the context ends: on host
/// calls (taken and not yet taken), on timers, awaiting each other, adopting
/// a blocked task, and ready tasks that never got their turn.
constexpr const char* kBlockedEverywhere = R"(
import { sleep } from "raya:task";
import { get } from "host:";
async function onHost(i) { const keep = { i, text: "held " + i }; return [keep, get(i)]; }
async function onTimer(i) { const keep = [i, i + 1]; await sleep(1000 + i); return keep; }
async function adopt(i) { return onHost(100 + i); }
const hosts = [];
for (let i = 0; i < 5; i++) hosts.push(onHost(i));
const timers = [];
for (let i = 0; i < 5; i++) timers.push(onTimer(i));
const adopters = [adopt(1), adopt(2)];
const all = (async () => await [...hosts, ...timers, ...adopters])();
export function spin() { while (true) {} }
return await all;
)";

TEST(VmContext, TerminateWithTasksBlockedOnHostCallsAndTimersReturnsEveryByteToJemalloc) {
#ifdef RAYA_NO_JEMALLOC
  GTEST_SKIP() << "built without jemalloc (sanitizer build)";
#else
  Result<Module> compiled = compiler::compile_source("main.raya", kBlockedEverywhere);
  ASSERT_TRUE(compiled.ok()) << compiled.error().render_diagnostics();
  auto module = std::make_shared<const Module>(std::move(compiled).value());
  auto one_cycle = [&module](bool take_requests) {
    VmContext vm(messages::VmOptions{}, {"get"});
    Result<TaskId> id = vm.load(module);
    if (!id) return false;
    if (vm.run(1u << 20).kind != Kind::Waiting) return false;
    if (take_requests && vm.take_host_requests().size() != 12) return false;
    if (!vm.start("spin", {})) return false;
    if (vm.run(1000).kind != Kind::Yielded) return false;  // spin is ready, not finished
    if (vm.stats().tasks < 15) return false;
    vm.terminate();
    return vm.stats().heap_bytes_used == 0;
  };
  // One round first, so one-time initialisation is not mistaken for a leak.
  ASSERT_TRUE(one_cycle(true));
  ASSERT_TRUE(one_cycle(false));
  uint64_t baseline = 0;
  if (!jemalloc_allocated(baseline)) GTEST_SKIP() << "jemalloc statistics are not available";
  bool all_ok = true;
  for (int i = 0; i < 200; ++i) all_ok = one_cycle(i % 2 == 0) && all_ok;
  uint64_t after = 0;
  ASSERT_TRUE(jemalloc_allocated(after));
  ASSERT_TRUE(all_ok);
  // A leak of one small object per cycle would show as >= 3 KiB.
  EXPECT_LT(int64_t(after) - int64_t(baseline), 2048) << "baseline " << baseline << ", after 200 cycles " << after;
#endif
}

// --- limits in one context, another context in the same thread ---------------------------------

/// A healthy context next to the one that hits a limit: its answers must
/// not change, before or after.
void expect_healthy(Embedding& healthy, int64_t n) {
  EXPECT_EQ(json(healthy.call("sum", {M(n)})), json(M(n * (n + 1) / 2)));
  std::string last = "w";
  last += std::to_string(n - 1);
  EXPECT_EQ(json(healthy.call("words", {M(n)})), json(M(MMap{{"count", M(n)}, {"last", M(last)}})));
}

constexpr const char* kHealthyProgram = R"(
async function add(a, b) { return a + b; }
export async function sum(n) { let s = 0; for (let i = 1; i <= n; i++) s = await add(s, i); return s; }
export function words(n) { const ws = []; for (let i = 0; i < n; i++) ws.push("w" + i); return { count: ws.length, last: ws[n - 1] }; }
)";

/// Runs `failing` in a fresh context with `options` until a limit ends it;
/// a context created before and one created after keep working.
void expect_limit_leaves_others_working(const messages::VmOptions& options, const std::string& failing,
                                        ErrorCode expected) {
  Embedding before;
  before.load_and_run(kHealthyProgram);
  expect_healthy(before, 100);
  {
    Embedding bad(options);
    bad.load(failing);
    EXPECT_EQ(bad.run_until_idle(100000).kind, Kind::Fatal);
    ASSERT_NE(bad.vm.fatal(), nullptr);
    EXPECT_EQ(bad.vm.fatal()->code, expected) << bad.vm.fatal()->to_string();
    expect_healthy(before, 200);
    bad.vm.terminate();
  }
  expect_healthy(before, 300);
  Embedding after;
  after.load_and_run(kHealthyProgram);
  expect_healthy(after, 400);
}

TEST(VmContext, AHeapLimitInOneContextLeavesAnotherWorking) {
  messages::VmOptions options;
  options.max_heap_bytes = 256u << 10;
  expect_limit_leaves_others_working(options, "const kept = [];\nwhile (true) kept.push({ n: kept.length });\n",
                                     ErrorCode::HeapLimitExceeded);
}

TEST(VmContext, AStepLimitInOneContextLeavesAnotherWorking) {
  messages::VmOptions options;
  options.max_step_budget = 50000;
  expect_limit_leaves_others_working(options, "let i = 0;\nwhile (true) i++;\n", ErrorCode::StepBudgetExceeded);
}

TEST(VmContext, ATaskLimitThatTerminatesInOneContextLeavesAnotherWorking) {
  messages::VmOptions options;
  options.max_tasks = 20;
  options.terminate_on_task_limit = true;
  expect_limit_leaves_others_working(options, "async function f() { return 1; }\nconst ts = [];\nwhile (true) ts.push(f());\n",
                                     ErrorCode::TaskLimitExceeded);
}

TEST(VmContext, ACpuTimeLimitInOneContextLeavesAnotherWorking) {
  messages::VmOptions options;
  options.max_cpu_time_ms = 5;
  expect_limit_leaves_others_working(options, "while (true) {}\n", ErrorCode::CpuTimeExceeded);
}

}  // namespace
}  // namespace raya::vm
