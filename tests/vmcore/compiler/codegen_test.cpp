// The compiler as a whole: compile_source on small programs. Errors must
// come back as CompileError diagnostics with file:line:col and a message
// (several per run where the compiler can go on); multi-file programs are
// bundled through CompileOptions::read_file, with imports as live bindings;
// and whatever the compiler produces must pass the verifier and survive an
// encode/load round trip unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmcore/bytecode/encoder.hpp"
#include "vmcore/bytecode/verifier.hpp"
#include "vmcore/compiler/compiler.hpp"
#include "vmcore/interp/context.hpp"
#include "vmcore/value/unicode.hpp"

namespace raya::vm {
namespace {

using compiler::compile_source;
using compiler::CompileOptions;

/// In-memory files for multi-file programs; counts how often each is read.
struct Files {
  std::map<std::string, std::string> texts;
  std::map<std::string, int> reads;

  CompileOptions options() {
    CompileOptions o;
    o.read_file = [this](const std::string& path) {
      ++reads[path];
      auto it = texts.find(path);
      if (it == texts.end()) return compiler::FileLookup::missing();
      return compiler::FileLookup::found(it->second);
    };
    return o;
  }
};

/// The compile error of `source`, failing the test if it compiled.
Error compile_error(const std::string& source, const CompileOptions& options = {},
                    const std::string& path = "main.raya") {
  Result<Module> r = compile_source(path, source, options);
  if (r.ok()) {
    ADD_FAILURE() << "compiled without errors";
    return Error{};
  }
  return r.error();
}

/// Compiles and runs `source`; returns the result as display text ("" and a
/// test failure when compiling or running fails).
std::string run_to_text(const std::string& source, const CompileOptions& options = {},
                        const std::string& path = "main.raya") {
  Result<Module> r = compile_source(path, source, options);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().render_diagnostics();
    return "";
  }
  Context ctx;
  auto loaded = ctx.load(std::make_shared<const Module>(std::move(r).value()));
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error().to_string();
    return "";
  }
  if (ctx.run_to_completion().kind != RunOutcome::Kind::Done) {
    ADD_FAILURE() << ctx.fatal().to_string();
    return "";
  }
  Task* task = ctx.main_task();
  if (task->state != TaskState::Done) {
    Error e = ctx.runtime_error_of(task->exception);
    ADD_FAILURE() << e.name << ": " << e.message << "\n" << e.stack;
    return "";
  }
  return ctx.to_display_utf8(task->result);
}

// --- compile errors -----------------------------------------------------------------

TEST(Codegen, UndeclaredNameIsReportedWithFileLineAndColumn) {
  Error e = compile_error("let a = 1;\nreturn a + missing;\n");
  EXPECT_EQ(e.code, ErrorCode::CompileError);
  ASSERT_EQ(e.diagnostics.size(), 1u);
  const messages::Diagnostic& d = e.diagnostics[0];
  EXPECT_EQ(d.file, "main.raya");
  EXPECT_EQ(d.line, 2u);
  EXPECT_EQ(d.column, 12u);
  EXPECT_EQ(d.message, "Cannot find name 'missing'");
  EXPECT_EQ(d.source_line, "return a + missing;");
  EXPECT_EQ(e.message, "main.raya:2:12: Cannot find name 'missing'");
}

TEST(Codegen, UndeclaredNameInsideANestedFunctionIsReported) {
  Error e = compile_error("function outer() {\n  return () => {\n    return nope;\n  };\n}\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 3u);
  EXPECT_EQ(e.diagnostics[0].column, 12u);
  EXPECT_EQ(e.diagnostics[0].message, "Cannot find name 'nope'");
}

TEST(Codegen, AssigningAConstIsACompileError) {
  Error e = compile_error("const limit = 3;\nlimit = 4;\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].column, 1u);
  EXPECT_EQ(e.diagnostics[0].message, "Cannot assign to 'limit' because it is a constant");
}

TEST(Codegen, CompoundAssignmentAndIncrementOfAConstAreCompileErrors) {
  Error e = compile_error("const limit = 3;\nlimit += 1;\nlimit++;\n--limit;\n");
  ASSERT_EQ(e.diagnostics.size(), 3u) << e.render_diagnostics();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(e.diagnostics[i].line, i + 2);
    EXPECT_NE(e.diagnostics[i].message.find("'limit' because it is a constant"), std::string::npos)
        << e.diagnostics[i].message;
  }
}

TEST(Codegen, AssigningAConstCapturedByAClosureIsACompileError) {
  Error e = compile_error("const total = 0;\nconst add = (n: number) => { total = total + n; };\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].message, "Cannot assign to 'total' because it is a constant");
}

TEST(Codegen, DuplicateLetInTheSameScopeIsACompileError) {
  Error e = compile_error("let x = 1;\nlet x = 2;\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].column, 5u);
  EXPECT_NE(e.diagnostics[0].message.find("Cannot redeclare"), std::string::npos) << e.diagnostics[0].message;
  EXPECT_NE(e.diagnostics[0].message.find("'x'"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, DuplicateLetInsideABlockIsACompileError) {
  Error e = compile_error("function f() {\n  let y = 1;\n  const y = 2;\n  return y;\n}\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 3u);
  EXPECT_NE(e.diagnostics[0].message.find("Cannot redeclare"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, ShadowingInAnInnerBlockIsNotAnError) {
  EXPECT_EQ(run_to_text("let x = 1;\n{\n  let x = 2;\n  x = x + 1;\n}\nreturn x;\n"), "1");
}

TEST(Codegen, BreakOutsideALoopIsACompileError) {
  Error e = compile_error("let x = 1;\nbreak;\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].column, 1u);
  EXPECT_NE(e.diagnostics[0].message.find("'break' outside"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, BreakInsideAFunctionInsideALoopIsStillOutsideALoop) {
  Error e = compile_error("for (let i = 0; i < 3; i++) {\n  const f = () => { break; };\n}\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("'break' outside"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, ContinueOutsideALoopIsACompileError) {
  Error e = compile_error("function f() {\n  continue;\n}\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("'continue' outside"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, BreakToAnUnknownLabelIsACompileError) {
  Error e = compile_error("while (true) {\n  break nowhere;\n}\n");
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].line, 2u);
}

TEST(Codegen, SeveralErrorsAreReportedInOneRunInSourceOrder) {
  Error e = compile_error(
      "const a = 1;\n"
      "a = 2;\n"
      "return b + c;\n");
  ASSERT_EQ(e.diagnostics.size(), 3u) << e.render_diagnostics();
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].message, "Cannot assign to 'a' because it is a constant");
  EXPECT_EQ(e.diagnostics[1].line, 3u);
  EXPECT_EQ(e.diagnostics[1].column, 8u);
  EXPECT_EQ(e.diagnostics[1].message, "Cannot find name 'b'");
  EXPECT_EQ(e.diagnostics[2].line, 3u);
  EXPECT_EQ(e.diagnostics[2].column, 12u);
  EXPECT_EQ(e.diagnostics[2].message, "Cannot find name 'c'");
  // The summary message names the first one.
  EXPECT_EQ(e.message, "main.raya:2:1: Cannot assign to 'a' because it is a constant");
}

TEST(Codegen, SeveralErrorsInDifferentFunctionsAreAllReported) {
  Error e = compile_error(
      "function f() { return one; }\n"
      "function g() { return two; }\n"
      "class C { m() { return three; } }\n");
  ASSERT_EQ(e.diagnostics.size(), 3u) << e.render_diagnostics();
  EXPECT_EQ(e.diagnostics[0].line, 1u);
  EXPECT_EQ(e.diagnostics[1].line, 2u);
  EXPECT_EQ(e.diagnostics[2].line, 3u);
}

TEST(Codegen, RenderedDiagnosticPutsTheCaretUnderTheColumn) {
  Error e = compile_error("let total = 0;\ntotal = total + oops;\n");
  EXPECT_EQ(e.render_diagnostics(),
            "main.raya:2:17: error: Cannot find name 'oops'\n"
            "  total = total + oops;\n"
            "                  ^\n");
}

TEST(Codegen, ColumnsCountUtf8BytesOfTheLine) {
  // "\u00e9" is two bytes in UTF-8: the column of `nope` is 28, not 27.
  Error e = compile_error("const s = \"\u00e9\"; return s + nope;\n");
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].column, 28u);
  EXPECT_EQ(e.diagnostics[0].source_line, "const s = \"\u00e9\"; return s + nope;");
}

TEST(Codegen, RenderedCaretKeepsTabsSoItLinesUp) {
  Error e = compile_error("\tlet a = 1;\n\treturn a + zz;\n");
  EXPECT_EQ(e.render_diagnostics(),
            "main.raya:2:13: error: Cannot find name 'zz'\n"
            "  \treturn a + zz;\n"
            "  \t           ^\n");
}

TEST(Codegen, RenderedCaretLinesUpUnderNonAsciiText) {
  // Regression test (fixed): Error::render_diagnostics (messages/error.cpp) writes one space per
  // UTF-8 byte before the caret, so after non-ASCII text on the line the
  // caret lands right of the error: here one column per "\u00e9". It should
  // write one space per character (the column itself rightly counts bytes).
  Error e = compile_error("const s = \"\u00e9\u00e9\"; return s + nope;\n");
  EXPECT_EQ(e.render_diagnostics(),
            "main.raya:1:30: error: Cannot find name 'nope'\n"
            "  const s = \"\u00e9\u00e9\"; return s + nope;\n"
            "  " + std::string(27, ' ') + "^\n");
}

TEST(Codegen, DuplicateParameterNameIsACompileError) {
  Error e = compile_error("function f(a: number, a: number) { return a; }\n");
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_NE(e.diagnostics[0].message.find("Duplicate parameter name 'a'"), std::string::npos)
      << e.diagnostics[0].message;
}

TEST(Codegen, SuperCallOutsideADerivedConstructorIsACompileError) {
  Error e = compile_error("class A {\n  constructor() {\n    super();\n  }\n}\n");
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].line, 3u);
  EXPECT_NE(e.diagnostics[0].message.find("'super'"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, SyntaxErrorIsReportedWithItsLocation) {
  Error e = compile_error("let a = 1;\nlet b = (a + ;\n");
  EXPECT_EQ(e.code, ErrorCode::CompileError);
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].file, "main.raya");
  EXPECT_EQ(e.diagnostics[0].line, 2u);
}

// --- bundles of several files ----------------------------------------------------------------

TEST(Codegen, NamedImportsBindToTheExportingFile) {
  Files files;
  files.texts["lib.raya"] =
      "export const PI = 3;\n"
      "export function area(r: number) { return PI * r * r; }\n";
  EXPECT_EQ(run_to_text("import { area, PI as pi } from \"./lib.raya\";\nreturn area(2) + pi;\n", files.options()),
            "15");
}

TEST(Codegen, ImportWithoutAnExtensionFindsTheRayaFile) {
  Files files;
  files.texts["util/strings.raya"] = "export function shout(s: string) { return s.toUpperCase() + \"!\"; }\n";
  EXPECT_EQ(run_to_text("import { shout } from \"./util/strings\";\nreturn shout(\"hey\");\n", files.options()), "HEY!");
}

TEST(Codegen, RelativeImportsResolveAgainstTheImportingFile) {
  Files files;
  files.texts["app/a.raya"] = "import { b } from \"../lib/b.raya\";\nexport const a = \"a\" + b;\n";
  files.texts["lib/b.raya"] = "import { c } from \"./c.raya\";\nexport const b = \"b\" + c;\n";
  files.texts["lib/c.raya"] = "export const c = \"c\";\n";
  EXPECT_EQ(run_to_text("import { a } from \"./a.raya\";\nreturn a;\n", files.options(), "app/main.raya"), "abc");
}

TEST(Codegen, DefaultExportIsImportedUnderAnyName) {
  Files files;
  files.texts["greet.raya"] = "export default function greet(name: string) { return \"hello \" + name; }\n";
  EXPECT_EQ(run_to_text("import hi from \"./greet.raya\";\nreturn hi(\"raya\");\n", files.options()), "hello raya");
}

TEST(Codegen, DefaultExportOfAnExpressionIsImported) {
  Files files;
  files.texts["config.raya"] = "export default { port: 8080, host: \"local\" };\n";
  EXPECT_EQ(run_to_text("import config from \"./config.raya\";\nreturn config.host + \":\" + config.port;\n",
                        files.options()),
            "local:8080");
}

TEST(Codegen, NamespaceImportExposesEveryExport) {
  Files files;
  files.texts["math2.raya"] =
      "export function double(x: number) { return x * 2; }\n"
      "export const ten = 10;\n"
      "export default 100;\n";
  EXPECT_EQ(run_to_text("import * as m from \"./math2.raya\";\nreturn m.double(m.ten) + m.default;\n",
                        files.options()),
            "120");
}

TEST(Codegen, ReExportedBindingsAreImportable) {
  Files files;
  files.texts["impl.raya"] = "export const secret = 41;\n";
  files.texts["index.raya"] = "export { secret as answer } from \"./impl.raya\";\n";
  EXPECT_EQ(run_to_text("import { answer } from \"./index.raya\";\nreturn answer + 1;\n", files.options()), "42");
}

TEST(Codegen, ImportedLetIsALiveBinding) {
  Files files;
  files.texts["counter.raya"] =
      "export let count = 0;\n"
      "export function increment() { count += 1; }\n";
  EXPECT_EQ(run_to_text("import { count, increment } from \"./counter.raya\";\n"
                        "const before = count;\nincrement();\nincrement();\nreturn before + \",\" + count;\n",
                        files.options()),
            "0,2");
}

TEST(Codegen, NamespaceMemberReadIsALiveBinding) {
  Files files;
  files.texts["counter.raya"] = "export let count = 0;\nexport function increment() { count += 1; }\n";
  EXPECT_EQ(run_to_text("import * as c from \"./counter.raya\";\nc.increment();\nreturn c.count;\n", files.options()),
            "1");
}

TEST(Codegen, NamespaceObjectUsedAsAValueIsLiveAndHasOneIdentity) {
  // Regression test (fixed): `import * as ns` materialises a fresh snapshot object each time
  // `ns` is used as a value (NewObject + a copy of every export), so a
  // namespace stored in a variable does not see later updates and two uses
  // are not the same object. JavaScript gives [1, 1, true].
  Files files;
  files.texts["counter.raya"] = "export let count = 0;\nexport function increment() { count += 1; }\n";
  EXPECT_EQ(run_to_text("import * as c from \"./counter.raya\";\nconst saved = c;\nc.increment();\n"
                        "return [saved.count, c.count, saved === c].join(\",\");\n",
                        files.options()),
            "1,1,true");
}

TEST(Codegen, AssigningToANamedImportIsACompileError) {
  Files files;
  files.texts["counter.raya"] = "export let count = 0;\n";
  Error e = compile_error("import { count } from \"./counter.raya\";\ncount = 5;\n", files.options());
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].file, "main.raya");
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("Cannot assign to 'count'"), std::string::npos)
      << e.diagnostics[0].message;
}

TEST(Codegen, AssigningToANamespaceMemberIsRejected) {
  // Regression test (fixed): `ns.count = 5` on an `import * as ns` namespace compiles to a
  // SetProp on a throw-away snapshot object, so the write is silently lost
  // (the program then reads 0). Assigning a named import is a compile
  // error ("Cannot assign to 'count' because it is a constant"); the same
  // write through the namespace should be rejected too (JavaScript throws
  // a TypeError; a compile error fits Raya better).
  Files files;
  files.texts["counter.raya"] = "export let count = 0;\n";
  Result<Module> r =
      compile_source("main.raya", "import * as c from \"./counter.raya\";\nc.count = 5;\nreturn c.count;\n",
                     files.options());
  ASSERT_FALSE(r.ok()) << "compiled; the program returns " << run_to_text(
                              "import * as c from \"./counter.raya\";\nc.count = 5;\nreturn c.count;\n",
                              files.options());
  EXPECT_EQ(r.error().diagnostics[0].line, 2u);
}

TEST(Codegen, ImportingAMissingExportIsACompileErrorAtTheImport) {
  Files files;
  files.texts["lib.raya"] = "export const present = 1;\n";
  Error e = compile_error("let x = 0;\nimport { present, absent } from \"./lib.raya\";\nreturn present;\n",
                          files.options());
  ASSERT_EQ(e.diagnostics.size(), 1u) << e.render_diagnostics();
  EXPECT_EQ(e.diagnostics[0].file, "main.raya");
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("has no exported member 'absent'"), std::string::npos)
      << e.diagnostics[0].message;
}

TEST(Codegen, ImportingADefaultThatDoesNotExistIsACompileError) {
  Files files;
  files.texts["lib.raya"] = "export const present = 1;\n";
  Error e = compile_error("import lib from \"./lib.raya\";\nreturn lib;\n", files.options());
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].line, 1u);
  EXPECT_NE(e.diagnostics[0].message.find("default"), std::string::npos) << e.diagnostics[0].message;
}

TEST(Codegen, ReadingAMissingNamespaceMemberIsACompileError) {
  Files files;
  files.texts["lib.raya"] = "export const present = 1;\n";
  Error e = compile_error("import * as lib from \"./lib.raya\";\nreturn lib.absent;\n", files.options());
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("no export named 'absent'"), std::string::npos)
      << e.diagnostics[0].message;
}

TEST(Codegen, MissingFileIsACompileErrorAtTheImport) {
  Files files;
  Error e = compile_error("// header\nimport { x } from \"./nowhere.raya\";\nreturn x;\n", files.options());
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].file, "main.raya");
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_NE(e.diagnostics[0].message.find("Cannot find module './nowhere.raya'"), std::string::npos)
      << e.diagnostics[0].message;
  EXPECT_GE(files.reads["nowhere.raya"], 1);
}

TEST(Codegen, NonRelativeImportIsACompileError) {
  Error e = compile_error("import { chunk } from \"lodash\";\nreturn chunk;\n");
  ASSERT_FALSE(e.diagnostics.empty());
  EXPECT_EQ(e.diagnostics[0].line, 1u);
  EXPECT_NE(e.diagnostics[0].message.find("Cannot find module 'lodash'"), std::string::npos)
      << e.diagnostics[0].message;
}

TEST(Codegen, ErrorsInAnImportedFileNameThatFile) {
  Files files;
  files.texts["lib/broken.raya"] = "export function f() {\n  return undefinedThing;\n}\n";
  Error e = compile_error("import { f } from \"./lib/broken.raya\";\nreturn f();\n", files.options());
  ASSERT_EQ(e.diagnostics.size(), 1u) << e.render_diagnostics();
  EXPECT_EQ(e.diagnostics[0].file, "lib/broken.raya");
  EXPECT_EQ(e.diagnostics[0].line, 2u);
  EXPECT_EQ(e.diagnostics[0].column, 10u);
  EXPECT_EQ(e.diagnostics[0].source_line, "  return undefinedThing;");
}

TEST(Codegen, ErrorsInSeveralFilesAreAllReported) {
  Files files;
  files.texts["a.raya"] = "export const a = missingA;\n";
  files.texts["b.raya"] = "export const b = missingB;\n";
  Error e = compile_error("import { a } from \"./a.raya\";\nimport { b } from \"./b.raya\";\nreturn a + b;\n",
                          files.options());
  ASSERT_EQ(e.diagnostics.size(), 2u) << e.render_diagnostics();
  std::vector<std::string> where = {e.diagnostics[0].file, e.diagnostics[1].file};
  std::sort(where.begin(), where.end());
  EXPECT_EQ(where, (std::vector<std::string>{"a.raya", "b.raya"}));
}

TEST(Codegen, ImportCycleCompilesAndCallsAcrossItWork) {
  Files files;
  files.texts["even.raya"] =
      "import { isOdd } from \"./odd.raya\";\n"
      "export function isEven(n: number): boolean { return n === 0 ? true : isOdd(n - 1); }\n";
  files.texts["odd.raya"] =
      "import { isEven } from \"./even.raya\";\n"
      "export function isOdd(n: number): boolean { return n === 0 ? false : isEven(n - 1); }\n";
  EXPECT_EQ(run_to_text("import { isEven } from \"./even.raya\";\nreturn [isEven(10), isEven(7)].join(\",\");\n",
                        files.options()),
            "true,false");
  // Each file is read once, however many times it is imported.
  EXPECT_EQ(files.reads["even.raya"], 1);
  EXPECT_EQ(files.reads["odd.raya"], 1);
}

TEST(Codegen, ImportCycleThroughTheEntryFileSeesLiveBindings) {
  // main imports lib, lib imports main back: lib's top-level code runs
  // first and reads main's `label` later, through a live binding, after
  // main has assigned it.
  Files files;
  files.texts["lib.raya"] =
      "import { label } from \"./main.raya\";\n"
      "export function describe() { return \"label=\" + label; }\n";
  EXPECT_EQ(run_to_text("import { describe } from \"./lib.raya\";\n"
                        "export let label = \"first\";\n"
                        "label = \"second\";\n"
                        "return describe();\n",
                        files.options()),
            "label=second");
}

TEST(Codegen, ImportCycleReadingABindingBeforeItsInitialisationIsAReferenceError) {
  Files files;
  files.texts["lib.raya"] = "import { late } from \"./main.raya\";\nexport const early = late + 1;\n";
  Result<Module> r = compile_source("main.raya", "import { early } from \"./lib.raya\";\nexport const late = 1;\n",
                                    files.options());
  ASSERT_TRUE(r.ok()) << r.error().render_diagnostics();
  Context ctx;
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(std::move(r).value())).ok());
  ASSERT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Done);
  ASSERT_EQ(ctx.main_task()->state, TaskState::Failed);
  Error e = ctx.runtime_error_of(ctx.main_task()->exception);
  EXPECT_EQ(e.name, "ReferenceError");
  EXPECT_NE(e.message.find("late"), std::string::npos) << e.message;
}

TEST(Codegen, SharedDependencyRunsItsTopLevelCodeOnce) {
  Files files;
  files.texts["log.raya"] = "export const lines: string[] = [];\n";
  files.texts["a.raya"] = "import { lines } from \"./log.raya\";\nlines.push(\"a\");\nexport const a = 1;\n";
  files.texts["b.raya"] = "import { lines } from \"./log.raya\";\nlines.push(\"b\");\nexport const b = 2;\n";
  EXPECT_EQ(run_to_text("import { a } from \"./a.raya\";\nimport { b } from \"./b.raya\";\n"
                        "import { lines } from \"./log.raya\";\nreturn lines.join(\"\") + (a + b);\n",
                        files.options()),
            "ab3");
  EXPECT_EQ(files.reads["log.raya"], 1);
}

TEST(Codegen, OnlyTheEntryFilesExportsBecomeModuleExports) {
  Files files;
  files.texts["lib.raya"] = "export function helper() { return 1; }\n";
  Result<Module> r = compile_source(
      "main.raya", "import { helper } from \"./lib.raya\";\nexport function main() { return helper(); }\nexport const v = 2;\n",
      files.options());
  ASSERT_TRUE(r.ok()) << r.error().render_diagnostics();
  std::vector<std::string> names;
  for (const Export& e : r.value().exports) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"main", "v"}));
  EXPECT_EQ(r.value().files.size(), 2u);
}

// --- what the code generator produces --------------------------------------------------------

/// Programs that together use most of the language.
const std::vector<std::pair<std::string, std::string>>& sample_programs() {
  static const std::vector<std::pair<std::string, std::string>> programs = {
      {"classes", R"(
class Shape {
  static count = 0;
  name: string;
  constructor(name: string) { this.name = name; Shape.count++; }
  area(): number { return 0; }
  describe() { return `${this.name} with area ${this.area()}`; }
  get kind() { return "shape"; }
}
class Rect extends Shape {
  constructor(public w: number, public h: number) { super("rect"); }
  area() { return this.w * this.h; }
  describe() { return super.describe() + "!"; }
}
const shapes: Shape[] = [new Rect(2, 3), new Shape("dot")];
return shapes.map((s) => s.describe()).join("; ") + " " + Shape.count + " " + shapes[0].kind;
)"},
      {"closures", R"(
function counter(start: number) {
  let n = start;
  return { next: () => ++n, reset() { n = start; } };
}
const c = counter(5);
c.next(); c.next();
const fns: (() => number)[] = [];
for (let i = 0; i < 3; i++) fns.push(() => i * 10);
c.reset();
return [c.next(), ...fns.map((f) => f())].join(",");
)"},
      {"control", R"(
let out = "";
outer: for (let i = 0; i < 5; i++) {
  for (let j = 0; j < 5; j++) {
    if (j > i) continue outer;
    if (i === 4) break outer;
    out += j;
  }
}
let k = 0;
do { k += 2; } while (k < 7);
switch (k) {
  case 8: out += "eight";
  case 9: out += "-fall"; break;
  default: out += "other";
}
return out;
)"},
      {"errors", R"(
class AppError extends Error {
  constructor(public code: number, message: string) { super(message); this.name = "AppError"; }
}
function risky(n: number) {
  if (n % 3 === 0) throw new AppError(n, "bad " + n);
  return n;
}
const log: string[] = [];
for (let i = 1; i <= 6; i++) {
  try {
    log.push(String(risky(i)));
  } catch (e) {
    if (e instanceof AppError) log.push(e.name + ":" + e.code);
    else throw e;
  } finally {
    log.push("f");
  }
}
return log.join(" ");
)"},
      {"data", R"(
const { a, b: { c = 5, ...others }, ...rest } = { a: 1, b: { d: 2, e: 3 }, f: 4, g: 5 };
const [x, , y = 9, ...tail] = [10, 20, undefined, 40, 50];
const m = new Map<string, number>();
m.set("one", 1).set("two", 2);
const s = new Set([1, 2, 2, 3]);
let keys = "";
for (const k in { p: 1, q: 2 }) keys += k;
for (const [name, v] of m) keys += name + v;
const obj = { ...rest, x, [`k${y}`]: tail.length };
return JSON.stringify({ a, c, others, obj, size: s.size, keys, opt: (obj as any).missing?.deep ?? "none" });
)"},
      {"enums_and_types", R"(
enum Color { Red, Green = 5, Blue }
enum Dir { Up = "UP", Down = "DOWN" }
type Pair<T> = [T, T];
interface Named { name: string }
declare const ambient: number;
function first<T>(p: Pair<T>): T { return p[0]; }
const n: Named = { name: "n" };
let v: number = 0;
v ||= 3; v &&= v + 1; v ??= 100;
return [Color.Blue, Dir.Down, first<number>([7, 8]), n.name, v, typeof v, 2 ** 10, 7 >>> 1, ~5].join("|");
)"},
  };
  return programs;
}

Module compile_sample(const std::string& name, const std::string& text) {
  Result<Module> r = compile_source(name + ".raya", text);
  EXPECT_TRUE(r.ok()) << name << ":\n" << (r.ok() ? "" : r.error().render_diagnostics());
  return r.ok() ? std::move(r).value() : Module{};
}

TEST(Codegen, SampleProgramsRunToTheirExpectedResults) {
  const std::map<std::string, std::string> expected = {
      {"classes", "rect with area 6!; dot with area 0 2 shape"},
      {"closures", "6,0,10,20"},
      {"control", "0010120123eight-fall"},
      {"errors", "1 f 2 f AppError:3 f 4 f 5 f AppError:6 f"},
      {"data",
       "{\"a\":1,\"c\":5,\"others\":{\"d\":2,\"e\":3},\"obj\":{\"f\":4,\"g\":5,\"x\":10,\"k9\":2},\"size\":3,"
       "\"keys\":\"pqone1two2\",\"opt\":\"none\"}"},
      {"enums_and_types", "6|DOWN|7|n|4|number|1024|3|-6"},
  };
  for (const auto& [name, text] : sample_programs()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(run_to_text(text, {}, name + ".raya"), expected.at(name));
  }
}

TEST(Codegen, EveryCompiledProgramPassesTheVerifier) {
  for (const auto& [name, text] : sample_programs()) {
    SCOPED_TRACE(name);
    Module m = compile_sample(name, text);
    ASSERT_FALSE(m.functions.empty());
    Status s = verify_module(m);
    EXPECT_TRUE(s.ok()) << s.error().message;
  }
}

TEST(Codegen, EveryCompiledBundlePassesTheVerifier) {
  Files files;
  files.texts["shapes.raya"] =
      "export class Circle { constructor(public r: number) {} area() { return 3 * this.r * this.r; } }\n"
      "export default function unit() { return new Circle(1); }\n";
  files.texts["util.raya"] = "import unit, { Circle } from \"./shapes.raya\";\nexport const all = [unit(), new Circle(2)];\n";
  Result<Module> r = compile_source(
      "main.raya", "import { all } from \"./util.raya\";\nimport * as s from \"./shapes.raya\";\n"
                   "export function total() { return all.reduce((t, c) => t + c.area(), 0) + s.default().r; }\n",
      files.options());
  ASSERT_TRUE(r.ok()) << r.error().render_diagnostics();
  Status s = verify_module(r.value());
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST(Codegen, CompiledModulesRoundTripThroughRybBytesUnchanged) {
  for (const auto& [name, text] : sample_programs()) {
    SCOPED_TRACE(name);
    Module m = compile_sample(name, text);
    std::vector<uint8_t> bytes = encode_module(m);
    Result<Module> loaded = load_module(bytes);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message << " at byte " << loaded.error().offset;
    EXPECT_TRUE(loaded.value() == m);
    EXPECT_EQ(encode_module(loaded.value()), bytes);
  }
}

TEST(Codegen, CompilingTheSameSourceTwiceGivesIdenticalBytes) {
  for (const auto& [name, text] : sample_programs()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(encode_module(compile_sample(name, text)), encode_module(compile_sample(name, text)));
  }
}

TEST(Codegen, ModuleLoadedFromBytesRunsLikeTheOriginal) {
  const auto& [name, text] = sample_programs()[0];
  Module m = compile_sample(name, text);
  Result<Module> loaded = load_module(encode_module(m));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  Context ctx;
  ASSERT_TRUE(ctx.load(std::make_shared<const Module>(std::move(loaded).value())).ok());
  ASSERT_EQ(ctx.run_to_completion().kind, RunOutcome::Kind::Done);
  ASSERT_EQ(ctx.main_task()->state, TaskState::Done);
  EXPECT_EQ(ctx.to_display_utf8(ctx.main_task()->result), "rect with area 6!; dot with area 0 2 shape");
}

TEST(Codegen, FunctionsRecordTheirNameAndDeclarationLine) {
  Module m = compile_sample("lines", "// one\n// two\nfunction helper(a: number, b: number) {\n  return a + b;\n}\n"
                                     "const arrow = (x: number) => x;\n");
  const FunctionProto* helper = nullptr;
  for (const FunctionProto& f : m.functions)
    if (f.name == "helper") helper = &f;
  ASSERT_NE(helper, nullptr);
  EXPECT_EQ(helper->line, 3u);
  EXPECT_EQ(helper->param_count, 2u);
  EXPECT_EQ(m.files.at(helper->file), "lines.raya");
  ASSERT_FALSE(helper->lines.empty());
  EXPECT_EQ(helper->lines.front().line, 4u);  // the body's first statement
}

}  // namespace
}  // namespace raya::vm
