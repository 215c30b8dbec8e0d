// Foreign handles through real contexts: a capability returns
// make_handle(call, object) to Raya, the program holds it and passes it back,
// and resolve gives the object back only for calls from the context it was
// made for. When a context ends (terminated or failed) its handles are
// released and the host objects freed.
#include <gtest/gtest.h>

#include "tests/actors/actor_test_support.hpp"

namespace raya::actors {
namespace {

using namespace test;  // NOLINT: test helpers
using messages::CapabilityCall;

struct File {
  std::string name;
};

constexpr const char* kProgram = R"(
import { open, readName } from "host:";
let kept = null;
export async function roundTrip(name: string): Promise<string> { const h = await open(name); return await readName(h); }
export async function keep(name: string): Promise<number> { kept = await open(name); return 1; }
export async function readKept(): Promise<string> { return await readName(kept); }
export async function handOut(name: string) { return await open(name); }
export async function readThis(h): Promise<string> {
  try { return await readName(h); } catch (e) { return e.name + ": " + e.message; }
}
export function spin() { while (true) {} }
)";

class ForeignHandles : public ::testing::Test {
 protected:
  ForeignHandles() : registry_(std::make_shared<CapabilityRegistry>()) {
    CapabilityRegistry* reg = registry_.get();
    registry_->add("open", [this, reg](const CapabilityCall& call) {
      auto file = std::make_shared<File>(File{call.args.at(0).as_string()});
      opened_.push_back(file);
      return reg->make_handle(call, file);
    });
    registry_->add("readName", [reg](const CapabilityCall& call) {
      std::shared_ptr<File> file = reg->resolve<File>(call, call.args.at(0));
      if (!file)
        throw CapabilityError(messages::make_error(ErrorCode::CapabilityDenied, "not a file handle of this context"));
      return Value(file->name);
    });
  }

  context_actor context(messages::VmOptions options = {}) {
    ContextSpec spec;
    spec.name = "handles";
    spec.options = options;
    spec.grants = {"open", "readName"};
    spec.capabilities = registry_;
    context_actor c = spawn_context(*sys_, std::move(spec));
    EXPECT_TRUE(load(*sys_, c, kProgram).ok);
    return c;
  }

  /// Every File opened so far is freed (nothing but the test's weak view).
  bool all_files_freed() const {
    for (const auto& f : opened_)
      if (!f.expired()) return false;
    return true;
  }

  TestSystem sys_;
  std::shared_ptr<CapabilityRegistry> registry_;
  std::vector<std::weak_ptr<File>> opened_;  // touched on one context's thread at a time
};

TEST_F(ForeignHandles, HandleReturnedToRayaAndPassedBackResolvesToItsObject) {
  context_actor c = context();
  EXPECT_EQ(run(*sys_, c, "roundTrip", {Value("a.txt")}).value, Value("a.txt"));
  ASSERT_TRUE(run(*sys_, c, "keep", {Value("kept.txt")}).ok);
  EXPECT_EQ(run(*sys_, c, "readKept").value, Value("kept.txt"));
  EXPECT_EQ(registry_->handle_count(), 2u);
  terminate(*sys_, c);
}

TEST_F(ForeignHandles, HandleHandedToTheHostWorksOnlyInTheContextThatMadeIt) {
  context_actor a = context();
  context_actor b = context();
  messages::TaskResult out = run(*sys_, a, "handOut", {Value("secret.txt")});
  ASSERT_TRUE(out.ok) << describe(out.error);
  ASSERT_TRUE(out.value.is_handle()) << messages::to_json(out.value);
  EXPECT_EQ(out.value.as_handle().registry, registry_->id());
  EXPECT_EQ(run(*sys_, a, "readThis", {out.value}).value, Value("secret.txt"));
  EXPECT_EQ(run(*sys_, b, "readThis", {out.value}).value,
            Value("CapabilityDenied: not a file handle of this context"));
  // A forged token is refused as well.
  messages::ForeignHandle forged = out.value.as_handle();
  forged.token ^= 1;
  EXPECT_EQ(run(*sys_, a, "readThis", {Value(forged)}).value,
            Value("CapabilityDenied: not a file handle of this context"));
  terminate(*sys_, a);
  terminate(*sys_, b);
}

TEST_F(ForeignHandles, TerminatingAContextReleasesItsHandlesAndFreesTheObjects) {
  context_actor a = context();
  context_actor b = context();
  ASSERT_TRUE(run(*sys_, a, "keep", {Value("1")}).ok);
  ASSERT_TRUE(run(*sys_, a, "keep", {Value("2")}).ok);
  ASSERT_TRUE(run(*sys_, b, "keep", {Value("3")}).ok);
  EXPECT_EQ(registry_->handle_count(), 3u);
  terminate(*sys_, a);
  EXPECT_EQ(registry_->handle_count(), 1u);
  // b's handle survives a's end.
  EXPECT_EQ(run(*sys_, b, "readKept").value, Value("3"));
  terminate(*sys_, b);
  EXPECT_EQ(registry_->handle_count(), 0u);
  EXPECT_TRUE(all_files_freed());
}

TEST_F(ForeignHandles, ContextEndedByALimitReleasesItsHandles) {
  messages::VmOptions o;
  o.max_step_budget = 2'000'000;
  context_actor c = context(o);
  ASSERT_TRUE(run(*sys_, c, "keep", {Value("x")}).ok);
  EXPECT_EQ(registry_->handle_count(), 1u);
  messages::TaskResult r = run(*sys_, c, "spin");
  EXPECT_EQ(r.error.code, ErrorCode::StepBudgetExceeded) << describe(r.error);
  // The context releases its handles right after answering its waiters.
  EXPECT_TRUE(eventually([&] { return registry_->handle_count() == 0; })) << registry_->handle_count();
  EXPECT_TRUE(eventually([&] { return all_files_freed(); }));
}

TEST_F(ForeignHandles, HandleOfAnotherRegistryDoesNotResolve) {
  CapabilityRegistry other;
  CapabilityCall call;
  call.context_id = 7;
  messages::Value h = other.make_handle(call, std::make_shared<File>(File{"elsewhere"}));
  EXPECT_EQ(registry_->resolve<File>(call, h), nullptr);
  EXPECT_NE(other.resolve<File>(call, h), nullptr);
  // The right registry and context, but the wrong type.
  EXPECT_EQ(other.resolve<int>(call, h), nullptr);
}

}  // namespace
}  // namespace raya::actors
