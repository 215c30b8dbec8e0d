// Issue 10, items 9 and 11: a caller can bound compilation. CompileOptions
// caps the program's source size (so the compiler's memory, proportional to
// it), stops at a deadline with ErrorCode::Timeout, and reports its work to a
// keep_going callback that may cancel it. Every check is deterministic: an
// instant in the past, a callback that says no, a cap smaller than the text.
// Also: one error in a huge one-line literal stays small when rendered.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "vmcore/compiler/compiler.hpp"

namespace raya::vm {
namespace {

using compiler::CompileOptions;

std::string many_statements(int n) {
  std::string source = "let a = 0;\n";
  for (int i = 0; i < n; ++i) source += "a = a + 1;\n";
  return source + "return a;\n";
}

TEST(CompileBounds, APassedDeadlineStopsCompilationWithTimeout) {
  CompileOptions options;
  options.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto compiled = compiler::compile_source("slow.raya", many_statements(20000), options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().code, messages::ErrorCode::Timeout);
  EXPECT_NE(compiled.error().message.find("deadline"), std::string::npos);
}

TEST(CompileBounds, AFutureDeadlineLetsCompilationFinish) {
  CompileOptions options;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  EXPECT_TRUE(compiler::compile_source("ok.raya", many_statements(20000), options).ok());
}

TEST(CompileBounds, KeepGoingIsToldTheWorkAndCanCancel) {
  uint64_t reported = 0;
  int calls = 0;
  CompileOptions options;
  options.keep_going = [&](uint64_t work) {
    reported += work;
    ++calls;
    return true;
  };
  ASSERT_TRUE(compiler::compile_source("ok.raya", many_statements(20000), options).ok());
  // ~6 tokens per statement, lexed and parsed, then a few instructions each.
  EXPECT_GT(reported, 200000u);
  EXPECT_GT(calls, 10);

  int refused_calls = 0;
  options.keep_going = [&](uint64_t) {
    ++refused_calls;
    return false;
  };
  auto cancelled = compiler::compile_source("cancel.raya", many_statements(20000), options);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, messages::ErrorCode::CompileError);
  EXPECT_NE(cancelled.error().message.find("cancelled"), std::string::npos);
  ASSERT_FALSE(cancelled.error().diagnostics.empty());
  EXPECT_EQ(refused_calls, 1) << "asked once, then it stays stopped";
}

TEST(CompileBounds, SourceLargerThanTheCapIsRefusedBeforeLexing) {
  CompileOptions options;
  options.max_source_bytes = 1000;
  std::string source = many_statements(200);
  ASSERT_GT(source.size(), 1000u);
  auto compiled = compiler::compile_source("big.raya", source, options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().code, messages::ErrorCode::CompileError);
  EXPECT_NE(compiled.error().message.find("max_source_bytes"), std::string::npos) << compiled.error().message;
  ASSERT_EQ(compiled.error().diagnostics.size(), 1u);
  EXPECT_EQ(compiled.error().diagnostics[0].file, "big.raya");
}

TEST(CompileBounds, TheCapCountsImportedFilesToo) {
  CompileOptions options;
  options.max_source_bytes = 1000;
  std::string lib = "export const v = 1;\n" + std::string(900, ' ') + "\n";
  options.read_file = [&](const std::string& path) {
    return path == "lib.raya" ? compiler::FileLookup::found(lib) : compiler::FileLookup::missing();
  };
  std::string entry = "import { v } from \"./lib.raya\";\n" + std::string(200, ' ') + "\nreturn v;\n";
  auto compiled = compiler::compile_source("main.raya", entry, options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("max_source_bytes"), std::string::npos) << compiled.error().message;
  options.max_source_bytes = 2000;
  EXPECT_TRUE(compiler::compile_source("main.raya", entry, options).ok());
}

TEST(CompileBounds, TheDefaultCapIsSixteenMebibytes) {
  EXPECT_EQ(CompileOptions{}.max_source_bytes, size_t(16) << 20);
}

TEST(CompileBounds, AnErrorInAHugeOneLineLiteralRendersSmall) {
  // The reported amplification: 6.9 MB of one-line source gave 344 MB of
  // stderr (50 diagnostics, each quoting the whole line).
  std::string source = "let x = [";
  for (int i = 0; i < 500000; ++i) source += "0x, ";  // a lexical error each
  source += "];\n";
  auto compiled = compiler::compile_source("wide.raya", source);
  ASSERT_FALSE(compiled.ok());
  for (const auto& d : compiled.error().diagnostics) EXPECT_LE(d.source_line.size(), 200u);
  std::string rendered = compiled.error().render_diagnostics();
  EXPECT_LT(rendered.size(), 20000u);
  EXPECT_NE(rendered.find("more error"), std::string::npos);
}

}  // namespace
}  // namespace raya::vm
