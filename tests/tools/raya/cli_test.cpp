// `raya run` as a user runs it (issue 10, items 2-4 and 12-15): what it
// reads, what it prints and how it exits, for the cases that need files
// made at run time (devices, directories, FIFOs, symbolic links). Each case
// runs build/bin/raya in a fresh temporary directory.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef RAYA_BINARY
#error "RAYA_BINARY must name the raya executable"
#endif

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;     // exit status; -1 if killed or signalled
  int signal = 0;      // the signal that ended it, if any
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RayaCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "raya-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    dir_ = root_ / "program";
    fs::create_directories(dir_);
    fs::create_directories(root_ / "outside");
    write(root_ / "outside" / "secret.raya", "export const secret = \"TOPSECRET\";\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

  /// Runs `raya ARGS...` in the program directory, output to files; killed
  /// after a minute (a hang guard: every case here ends at once or hangs).
  Outcome raya(const std::vector<std::string>& args) {
    Outcome r;
    std::vector<std::string> argv{RAYA_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c;
    for (std::string& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    fs::path out = root_ / "stdout", err = root_ / "stderr";
    pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      int in = ::open("/dev/null", O_RDONLY);
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(in, 0), ::dup2(o, 1), ::dup2(e, 2);
      if (::chdir(dir_.c_str()) != 0) ::_exit(126);
      ::execv(c[0], c.data());
      ::_exit(127);
    }
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << "raya did not end within a minute";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(-pid, SIGKILL);  // anything left in its group
    if (WIFEXITED(status)) r.status = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  Outcome run_program(const std::string& text, std::vector<std::string> flags = {}) {
    write(dir_ / "main.raya", text);
    flags.insert(flags.begin(), "run");
    flags.push_back("main.raya");
    return raya(flags);
  }

  static bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

  fs::path root_, dir_;
};

// --- item 3: what the command reads ---------------------------------------

TEST_F(RayaCli, RunOfDevZeroIsRefusedNotReadUntilTheProcessAborts) {
  Outcome r = raya({"run", "/dev/zero"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_TRUE(has(r.err, "cannot read '/dev/zero': it is a device, not a regular file")) << r.err;
}

TEST_F(RayaCli, RunOfADirectoryIsRefusedNotRunAsAnEmptyProgram) {
  Outcome r = raya({"run", dir_.string()});
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_TRUE(has(r.err, "it is a directory, not a regular file")) << r.err;
}

TEST_F(RayaCli, ABytecodeFileThatIsADeviceIsRefused) {
  fs::create_symlink("/dev/zero", dir_ / "zero.ryb");
  Outcome r = raya({"run", "zero.ryb"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_TRUE(has(r.err, "not a regular file")) << r.err;
}

TEST_F(RayaCli, AConfigThatIsADeviceIsRefused) {
  Outcome r = run_program("return 1;\n", {"--config", "/dev/zero"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.status, 64) << r.err;
  EXPECT_TRUE(has(r.err, "cannot read /dev/zero: it is a device, not a regular file")) << r.err;
}

TEST_F(RayaCli, AnImportOfDevZeroIsACompileError) {
  Outcome r = run_program("import x from \"../../../../../../../../../dev/zero\";\nreturn x;\n", {"--grant", "none"});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, "Cannot import '../../../../../../../../../dev/zero'")) << r.err;
}

TEST_F(RayaCli, AnImportOfAFifoIsACompileErrorNotAHang) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo.raya").c_str(), 0600), 0);
  Outcome r = run_program("import x from \"./fifo.raya\";\nreturn x;\n");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, "Cannot import './fifo.raya': it is a pipe, not a regular file")) << r.err;
}

// --- item 2: imports stay inside the entry file's directory ------------------

TEST_F(RayaCli, AnImportLeavingTheDirectoryNeverReachesTheFile) {
  Outcome r = run_program("import * as m from \"../outside/secret.raya\";\nreturn m.secret;\n",
                      {"--grant", "none", "--print-result"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, "Cannot import '../outside/secret.raya'")) << r.err;
  EXPECT_FALSE(has(r.out + r.err, "TOPSECRET"));
}

TEST_F(RayaCli, ASymbolicLinkLeadingOutsideIsRefused) {
  fs::create_symlink(root_ / "outside" / "secret.raya", dir_ / "link.raya");
  fs::create_directory_symlink(root_ / "outside", dir_ / "linked");
  Outcome r = run_program("import * as a from \"./link.raya\";\nimport * as b from \"./linked/secret.raya\";\nreturn a;\n",
                      {"--print-result"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, "Cannot import './link.raya': it leads outside the program's directory")) << r.err;
  EXPECT_TRUE(has(r.err, "Cannot import './linked/secret.raya'")) << r.err;
  EXPECT_FALSE(has(r.out + r.err, "TOPSECRET"));
}

TEST_F(RayaCli, ImportsInsideTheDirectoryTreeStillWork) {
  fs::create_directories(dir_ / "lib");
  write(dir_ / "lib" / "util.raya", "export const v = 41;\n");
  Outcome r = run_program("import { v } from \"./lib/util\";\nreturn v + 1;\n", {"--print-result"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
}

// --- item 4: results --------------------------------------------------------

constexpr const char* kSharedDag = "let o: any = { v: 1 };\nfor (let i = 0; i < 40; i++) o = { a: o, b: o };\nreturn o;\n";

TEST_F(RayaCli, AHugeResultNobodyPrintsIsNeverConverted) {
  Outcome r = run_program(kSharedDag);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(RayaCli, APrintedResultIsCappedAtTheHeapLimit) {
  Outcome r = run_program(kSharedDag, {"--print-result", "--max-heap", "1M"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "error: MarshalError: result: value too large to convert to JSON (more than 1048576 bytes"))
      << r.err;
  EXPECT_LT(r.out.size() + r.err.size(), 4096u);
}

// --- item 12: limits exit 3 ----------------------------------------------------

TEST_F(RayaCli, AProgramLargerThanTheHeapIsALimitNotARetry) {
  Outcome r = run_program("return 1;\n", {"--max-heap", "1"});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(has(r.err, "error: HeapLimitExceeded: the program (")) << r.err;
  EXPECT_TRUE(has(r.err, "does not fit the heap limit of 1 bytes")) << r.err;
  EXPECT_FALSE(has(r.err, "retry"));
}

// --- item 13: the main task's failure ends the run --------------------------

TEST_F(RayaCli, MainFailingEndsTheRunWhileOtherTasksSleep) {
  Outcome r = run_program(
      "import { sleep } from \"raya:task\";\n"
      "async function tick() { while (true) { console.log(\"tick\"); await sleep(100000); } }\n"
      "export function main() { tick(); throw new Error(\"main failed\"); }\n");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "error: Error: main failed")) << r.err;
}

TEST_F(RayaCli, TopLevelCodeFailingEndsTheRunWhileOtherTasksSleep) {
  Outcome r = run_program(
      "import { sleep } from \"raya:task\";\n"
      "async function tick() { while (true) await sleep(100000); }\n"
      "tick();\nthrow new Error(\"top failed\");\n");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "error: Error: top failed")) << r.err;
}

// --- item 14: what is printed on the program's behalf is escaped ------------

TEST_F(RayaCli, ErrorMessagesCannotForgeLinesOrDriveTheTerminal) {
  Outcome r = run_program("throw new Error(\"x\\x1b[31mred\\x07\\nerror: forged\\u2028\\u202e\");\n", {"--grant", "none"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "error: Error: x\\x1b[31mred\\x07\\nerror: forged\\u2028\\u202e\n")) << r.err;
  EXPECT_FALSE(has(r.err, "\x1b"));
  EXPECT_FALSE(has(r.err, "\x07"));
  EXPECT_FALSE(has(r.err, "\nerror: forged"));
}

TEST_F(RayaCli, UnawaitedFailuresAreEscapedToo) {
  Outcome r = run_program("async function f() { throw new Error(\"a\\x1bb\\nc\"); }\nf();\n");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "error: unawaited task failed: Error: a\\x1bb\\nc\n")) << r.err;
}

TEST_F(RayaCli, CompileDiagnosticsAreEscaped) {
  Outcome r = run_program("let a = 1;\nlet \x1b[2J = 2;\n");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_FALSE(has(r.err, "\x1b"));
  EXPECT_TRUE(has(r.err, "\\x1b[2J")) << r.err;
}

TEST_F(RayaCli, ConsoleOutputKeepsNewlinesAndTabsButNotOtherControls) {
  Outcome r = run_program("console.log(\"a\\tb\\nc\\x1b[2Jd\\re\");\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "a\tb\nc\\x1b[2Jd\\re\n");
}

TEST_F(RayaCli, TheResultLineStaysJsonWithoutRawSeparators) {
  Outcome r = run_program("return \"a\\u2028b\\u0085\";\n", {"--print-result"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "\"a\\u2028b\\u0085\"\n");
}

TEST_F(RayaCli, StacksNameThePreludeNotTheBuildMachinesPath) {
  Outcome r = run_program("[1, 2].map((x) => { throw new Error(\"in map\"); });\n");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(has(r.err, "(<prelude>:")) << r.err;
  EXPECT_FALSE(has(r.err, "prelude.raya")) << r.err;
}

TEST_F(RayaCli, TheDisassemblyEscapesTheProgramsNamesAndStrings) {
  write(dir_ / "d.raya", "export function \xe2\x80\xae" "evil() { return \"a\\x1bb\"; }\n");
  Outcome compiled = raya({"compile", "d.raya", "-o", "d.ryb"});
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  Outcome r = raya({"disasm", "d.ryb"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, "\\u202eevil")) << r.out;
  EXPECT_FALSE(has(r.out, "\xe2\x80\xae"));
  EXPECT_FALSE(has(r.out, "\x1b"));
}

TEST_F(RayaCli, TheCaretStillPointsAtTheColumnAfterEscapedCharacters) {
  Outcome r = run_program("let s = \"\x1b\x1b\"; let = 2;\n");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_TRUE(has(r.err, "main.raya:1:19: error: ")) << r.err;
  EXPECT_TRUE(has(r.err, "\n  let s = \"\\x1b\\x1b\"; let = 2;\n                          ^\n")) << r.err;
}

// --- item 15: --stats in every ending ----------------------------------------

TEST_F(RayaCli, StatsArePrintedWhenTheRunTimesOut) {
  Outcome r = run_program("while (true) {}\n", {"--timeout", "100ms", "--stats"});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(has(r.err, "error: Timeout:")) << r.err;
  EXPECT_TRUE(has(r.err, "\"stepsExecuted\":")) << r.err;
}

TEST_F(RayaCli, StatsArePrintedOnEveryOtherEndingToo) {
  for (const auto& [program, status] : std::vector<std::pair<std::string, int>>{
           {"return 1;\n", 0}, {"null.x;\n", 1}, {"while (true) {}\n", 3}}) {
    Outcome r = run_program(program, {"--stats", "--max-steps", "100000"});
    EXPECT_EQ(r.status, status) << program << r.err;
    EXPECT_TRUE(has(r.err, "\"stepsExecuted\":")) << program << r.err;
  }
}

}  // namespace
