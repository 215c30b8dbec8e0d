// What VmContext reads and hands out (issue 10, items 2 and 4): load_source
// reads no file unless the embedder passes a reader, and results are capped
// (or not converted at all) however large sharing makes them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/vmcore/api/vm_context_test_support.hpp"
#include "vmcore/compiler/file_reader.hpp"

namespace raya::vm::vm_context_test {
namespace {

namespace fs = std::filesystem;

/// A temporary directory holding lib.raya (and its removal).
struct TempProgram {
  fs::path dir;
  TempProgram() {
    std::string pattern = (fs::temp_directory_path() / "raya-vmctx-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir = pattern;
    std::ofstream(dir / "lib.raya") << "export const fromDisk = 41;\n";
  }
  ~TempProgram() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

constexpr const char* kImportsLib = "import { fromDisk } from \"./lib.raya\";\nreturn fromDisk + 1;\n";

TEST(VmContextFiles, LoadSourceReadsNoFileByDefault) {
  TempProgram program;
  VmContext vm(messages::VmOptions{});
  // lib.raya exists right next to the path the source claims: still not read.
  Result<TaskId> r = vm.load_source((program.dir / "main.raya").string(), kImportsLib);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::CompileError);
  ASSERT_EQ(r.error().diagnostics.size(), 1u);
  EXPECT_NE(r.error().diagnostics[0].message.find("Cannot import './lib.raya'"), std::string::npos)
      << r.error().diagnostics[0].message;
}

TEST(VmContextFiles, LoadSourceReadsImportsThroughTheReaderTheEmbedderPasses) {
  TempProgram program;
  Embedding e;
  Result<TaskId> id = e.vm.load_source((program.dir / "main.raya").string(), kImportsLib,
                                       compiler::directory_reader(program.dir.string()));
  ASSERT_TRUE(id.ok()) << id.error().render_diagnostics();
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(*id)), "42");
}

TEST(VmContextFiles, TheDirectoryReaderKeepsImportsInsideItsRoot) {
  TempProgram program;
  fs::create_directory(program.dir / "sub");
  VmContext vm(messages::VmOptions{});
  Result<TaskId> r = vm.load_source((program.dir / "sub" / "main.raya").string(), kImportsLib,
                                    compiler::directory_reader((program.dir / "sub").string()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().diagnostics[0].message.find("Cannot find module './lib.raya'"), std::string::npos)
      << r.error().diagnostics[0].message;
  Result<TaskId> up = vm.load_source((program.dir / "sub" / "main.raya").string(),
                                     "import { fromDisk } from \"../lib.raya\";\nreturn fromDisk;\n",
                                     compiler::directory_reader((program.dir / "sub").string()));
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.error().diagnostics[0].message.find("outside the program's directory"), std::string::npos)
      << up.error().diagnostics[0].message;
}

// 2^40 objects by sharing, in a few hundred bytes of heap.
constexpr const char* kSharedDag =
    "let o: any = { v: 1 };\nfor (let i = 0; i < 40; i++) o = { a: o, b: o };\nreturn o;\n";

messages::VmOptions small_heap() {
  messages::VmOptions o;
  o.max_heap_bytes = 1u << 20;
  return o;
}

TEST(VmContextFiles, AJsonResultLargerThanTheHeapLimitIsAMarshalErrorNamingIt) {
  Embedding e(small_heap());
  e.vm.set_result_form(VmContext::ResultForm::Json);
  TaskId id = e.load(kSharedDag);
  e.run_until_idle();
  messages::Error error = e.expect_error(id);
  EXPECT_EQ(error.code, ErrorCode::MarshalError);
  EXPECT_NE(error.message.find("more than 1048576 bytes"), std::string::npos) << error.message;
}

TEST(VmContextFiles, AMarshalledResultLargerThanTheHeapLimitIsAMarshalErrorToo) {
  Embedding e(small_heap());
  TaskId id = e.load(kSharedDag);
  e.run_until_idle();
  messages::Error error = e.expect_error(id);
  EXPECT_EQ(error.code, ErrorCode::MarshalError);
  EXPECT_NE(error.message.find("1048576"), std::string::npos) << error.message;
}

TEST(VmContextFiles, AJsonResultWithinTheLimitIsWhole) {
  Embedding e(small_heap());
  e.vm.set_result_form(VmContext::ResultForm::Json);
  TaskId id = e.load("let o: any = { v: 1 };\nfor (let i = 0; i < 3; i++) o = { a: o, b: o };\nreturn o;\n");
  e.run_until_idle();
  M v = e.expect_value(id);
  ASSERT_TRUE(v.is_string());
  EXPECT_EQ(v.as_string().size(), 133u) << v.as_string();
}

TEST(VmContextFiles, DiscardedResultsAreNeverConverted) {
  // Neither the exponential DAG nor a function (a MarshalError when
  // marshalled) costs anything: the value is simply not looked at.
  Embedding e(small_heap());
  e.vm.set_result_form(VmContext::ResultForm::Discarded);
  TaskId dag = e.load(kSharedDag);
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(dag)), "null");
  TaskId fn = e.load("return function () {};\n");
  e.run_until_idle();
  EXPECT_EQ(json(e.expect_value(fn)), "null");
}

}  // namespace
}  // namespace raya::vm::vm_context_test
