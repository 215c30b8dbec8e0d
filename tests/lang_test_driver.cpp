// Language test driver: every tests/lang/**/*.raya file is one GoogleTest
// test (and, through tests/CMakeLists.txt, one CTest test named
// lang/<path>). The driver runs `raya run [flags] FILE` as a subprocess, with
// the working directory tests/lang and FILE the path relative to it, and
// checks the expectations written as comments in the file:
//
//   // expect: TEXT               one stdout line (console.log output), in
//                                 order; stdout must be exactly these lines.
//   // expect result: JSON        run with --print-result; the last stdout
//                                 line must be JSON (compared as text, then
//                                 as parsed JSON so spacing does not matter).
//   // expect runtime error: Name: message
//                                 exit status 1 and the first stderr line is
//                                 `error: Name: message`.
//   // expect compile error: LINE:COL: message
//                                 exit status 2 and a stderr line is
//                                 `FILE:LINE:COL: error: message`.
//   // expect exit: N             the exit status (e.g. 3 for a resource limit);
//                                 overrides the status implied above.
//   // expect stderr: TEXT        stderr contains TEXT (any number of these).
//   // args: --max-steps 1000     extra command-line flags (split on spaces).
//   // node: ...                  ignored here; read by lang/check_with_node.js.
//
// In `runtime error` and `compile error` texts, `...` matches any run of
// characters: `TypeError: ...` checks only the name, `TypeError: Cannot...`
// a prefix, `TypeError: ...nothingHere...` a key phrase. Without an expected
// error, the exit status must be 0. A directive may also follow code on the
// same line (`console.log(1); // expect: 1`).
//
// Files in a `_support/` folder, and files another test imports through a
// relative path, are modules: they are not run on their own.
//
// A hanging program is killed after RAYA_LANG_TEST_TIMEOUT seconds (default
// from the build: 10, more for sanitizer and GC-stress builds).
// RAYA_LANG_TEST_BINARY, if set, replaces the raya binary chosen at build time.
//
// Usage: raya_lang_tests [gtest flags] [RELATIVE_PATH.raya ...]
// With paths, only those files are registered (CTest runs one file per
// process); without, every file under tests/lang is.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef RAYA_BINARY
#error "RAYA_BINARY must name the raya executable"
#endif
#ifndef RAYA_LANG_TEST_DIR
#error "RAYA_LANG_TEST_DIR must name tests/lang"
#endif
#ifndef RAYA_LANG_TEST_TIMEOUT_S
#define RAYA_LANG_TEST_TIMEOUT_S 10
#endif

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------
// Expectations

struct Expectations {
  std::vector<std::string> stdout_lines;
  std::optional<std::string> result_json;
  std::optional<std::string> runtime_error;  // "Name: message"
  std::optional<std::string> compile_error;  // "LINE:COL: message"
  std::optional<int> exit_status;
  std::vector<std::string> stderr_contains;
  std::vector<std::string> args;
  std::vector<std::string> problems;  // malformed directives, reported as failures
};

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string trim(std::string s) {
  s = trim_right(std::move(s));
  size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A directive is `//`, optional spaces, then `expect`, `args:` or `node:`.
// Everything after the directive's colon (minus one space) is its text; for
// `expect:` lines it is kept byte for byte (trailing spaces dropped).
Expectations parse_expectations(const std::string& source) {
  static const std::regex directive(R"(//\s*(expect\b[^:]*|args|node):\s?(.*)$)");
  Expectations e;
  int line_number = 0;
  for (const std::string& line : split_lines(source)) {
    ++line_number;
    std::smatch m;
    if (!std::regex_search(line, m, directive)) continue;
    const std::string kind = trim(m[1].str());
    const std::string text = trim_right(m[2].str());
    auto where = [&] { return "line " + std::to_string(line_number) + ": "; };
    if (kind == "expect") {
      e.stdout_lines.push_back(text);
    } else if (kind == "expect result") {
      if (e.result_json) e.problems.push_back(where() + "second `expect result`");
      e.result_json = trim(text);
    } else if (kind == "expect runtime error") {
      if (e.runtime_error) e.problems.push_back(where() + "second `expect runtime error`");
      e.runtime_error = trim(text);
    } else if (kind == "expect compile error") {
      static const std::regex location(R"(^\d+:\d+: .+)");
      if (!std::regex_match(trim(text), location))
        e.problems.push_back(where() + "`expect compile error` wants `LINE:COL: message`");
      e.compile_error = trim(text);
    } else if (kind == "expect exit") {
      try {
        e.exit_status = std::stoi(trim(text));
      } catch (const std::exception&) {
        e.problems.push_back(where() + "`expect exit` wants a number");
      }
    } else if (kind == "expect stderr") {
      e.stderr_contains.push_back(trim(text));
    } else if (kind == "args") {
      for (std::string& word : split_words(text)) e.args.push_back(std::move(word));
    } else if (kind == "node") {
      // For the node cross-check only.
    } else {
      e.problems.push_back(where() + "unknown directive `" + kind + ":`");
    }
  }
  if (e.runtime_error && e.compile_error)
    e.problems.push_back("both a runtime and a compile error are expected");
  if (e.result_json && (e.runtime_error || e.compile_error))
    e.problems.push_back("a result and an error are both expected");
  return e;
}

// `...` in a pattern matches any run of characters; the rest must match
// exactly, anchored at both ends.
bool matches_with_ellipses(const std::string& pattern, const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dots; (dots = pattern.find("...", start)) != std::string::npos; start = dots + 3)
    parts.push_back(pattern.substr(start, dots - start));
  parts.push_back(pattern.substr(start));
  if (parts.size() == 1) return pattern == text;
  if (text.compare(0, parts.front().size(), parts.front()) != 0) return false;
  size_t pos = parts.front().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    size_t found = text.find(parts[i], pos);
    if (found == std::string::npos) return false;
    pos = found + parts[i].size();
  }
  const std::string& last = parts.back();
  return text.size() >= pos + last.size() &&
         text.compare(text.size() - last.size(), last.size(), last) == 0;
}

// Text first; then both sides re-serialized, so spacing does not matter but
// key order (insertion order, part of Raya's semantics) still does.
bool same_json(const std::string& expected, const std::string& actual) {
  if (expected == actual) return true;
  boost::system::error_code ec1, ec2;
  boost::json::value a = boost::json::parse(expected, ec1);
  boost::json::value b = boost::json::parse(actual, ec2);
  return !ec1 && !ec2 && boost::json::serialize(a) == boost::json::serialize(b);
}

// ---------------------------------------------------------------------------
// Subprocess

struct ProcessResult {
  int exit_status = -1;     // valid when !signalled && !timed_out
  int signal_number = 0;    // valid when signalled
  bool signalled = false;
  bool timed_out = false;
  bool spawn_failed = false;
  std::string out;
  std::string err;
};

double timeout_seconds() {
  if (const char* env = std::getenv("RAYA_LANG_TEST_TIMEOUT")) {
    double value = std::atof(env);
    if (value > 0) return value;
  }
  return RAYA_LANG_TEST_TIMEOUT_S;
}

// RAYA_LANG_TEST_BINARY runs the same tests against another raya build.
std::string raya_binary() {
  const char* env = std::getenv("RAYA_LANG_TEST_BINARY");
  return env && *env ? std::string(env) : std::string(RAYA_BINARY);
}

std::string make_temp_file(int& fd) {
  std::string path = (fs::temp_directory_path() / "raya-lang-XXXXXX").string();
  fd = ::mkstemp(path.data());
  return path;
}

// Runs argv in cwd with stdout and stderr going to temp files (no pipes, so
// a chatty program cannot deadlock against us), kills its whole process
// group after the timeout, and caps its output and address space so a
// runaway program fails its test instead of the machine.
ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd, double timeout_s) {
  ProcessResult result;
  int out_fd = -1, err_fd = -1;
  const std::string out_path = make_temp_file(out_fd);
  const std::string err_path = make_temp_file(err_fd);
  if (out_fd < 0 || err_fd < 0) {
    result.spawn_failed = true;
    result.err = "cannot create temp files";
    return result;
  }

  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    rlimit file_limit{64L << 20, 64L << 20};
    ::setrlimit(RLIMIT_FSIZE, &file_limit);
#ifndef RAYA_LANG_TEST_SANITIZED
    // Sanitizers reserve terabytes of address space; elsewhere 8 GiB is far
    // above any test and far below the machine.
    rlimit memory_limit{8L << 30, 8L << 30};
    ::setrlimit(RLIMIT_AS, &memory_limit);
#endif
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(c_argv[0], c_argv.data());
    ::dprintf(2, "cannot exec %s\n", c_argv[0]);
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) {
    result.spawn_failed = true;
    result.err = "fork failed";
    return result;
  }
  ::setpgid(pid, pid);  // also from here, so the kill below cannot miss

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  int status = 0;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
  ::kill(-pid, SIGKILL);  // anything the program left behind in its group

  if (!result.timed_out) {
    if (WIFEXITED(status)) {
      result.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signalled = true;
      result.signal_number = WTERMSIG(status);
    }
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return result;
}

std::string describe_status(const ProcessResult& r) {
  if (r.spawn_failed) return "could not start (" + r.err + ")";
  if (r.timed_out) return "timed out (killed)";
  if (r.signalled) return std::string("killed by signal ") + ::strsignal(r.signal_number);
  return "exit status " + std::to_string(r.exit_status);
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    line += arg.find_first_of(" \t'\"$") == std::string::npos ? arg : "'" + arg + "'";
  }
  return line;
}

// ---------------------------------------------------------------------------
// The test

class LangTest : public testing::Test {
 public:
  explicit LangTest(std::string relative_path) : relative_path_(std::move(relative_path)) {}

  void TestBody() override {
    const fs::path root = RAYA_LANG_TEST_DIR;
    const std::string source = read_file(root / relative_path_);
    const Expectations e = parse_expectations(source);
    for (const std::string& problem : e.problems) ADD_FAILURE() << relative_path_ << ": " << problem;
    if (!e.problems.empty()) return;

    std::vector<std::string> argv = {raya_binary(), "run"};
    if (e.result_json) argv.push_back("--print-result");
    argv.insert(argv.end(), e.args.begin(), e.args.end());
    argv.push_back(relative_path_);

    const ProcessResult r = run_process(argv, root, timeout_seconds());
    const std::string context = "\n  command: (cd " + root.string() + " && " + shell_quote(argv) +
                                ")\n  status:  " + describe_status(r) + "\n  stdout:\n" + r.out +
                                "\n  stderr:\n" + r.err;

    ASSERT_FALSE(r.spawn_failed) << context;
    ASSERT_FALSE(r.timed_out) << "the program did not finish within " << timeout_seconds()
                              << " s (RAYA_LANG_TEST_TIMEOUT)" << context;
    ASSERT_FALSE(r.signalled) << "the raya process crashed" << context;

    int expected_status = 0;
    if (e.runtime_error) expected_status = 1;
    if (e.compile_error) expected_status = 2;
    if (e.exit_status) expected_status = *e.exit_status;
    EXPECT_EQ(r.exit_status, expected_status) << context;

    check_stdout(e, r, context);

    const std::vector<std::string> err_lines = split_lines(r.err);
    if (e.runtime_error) {
      const std::string pattern = "error: " + *e.runtime_error;
      const std::string first = err_lines.empty() ? std::string() : err_lines.front();
      EXPECT_TRUE(matches_with_ellipses(pattern, first))
          << "first stderr line\n    " << first << "\n  should be\n    " << pattern << context;
    }
    if (e.compile_error) {
      const size_t colon = e.compile_error->find(": ");
      const std::string location = e.compile_error->substr(0, colon);
      const std::string message = e.compile_error->substr(colon + 2);
      const std::string pattern = relative_path_ + ":" + location + ": error: " + message;
      const bool found = std::any_of(err_lines.begin(), err_lines.end(), [&](const std::string& l) {
        return matches_with_ellipses(pattern, l);
      });
      EXPECT_TRUE(found) << "no stderr line matches\n    " << pattern << context;
    }
    for (const std::string& text : e.stderr_contains)
      EXPECT_NE(r.err.find(text), std::string::npos) << "stderr should contain `" << text << "`" << context;
  }

 private:
  void check_stdout(const Expectations& e, const ProcessResult& r, const std::string& context) {
    std::vector<std::string> lines = split_lines(r.out);
    if (e.result_json) {
      if (lines.empty()) {
        ADD_FAILURE() << "expected the result " << *e.result_json << " on the last stdout line, got no output"
                      << context;
        return;
      }
      const std::string result = lines.back();
      lines.pop_back();
      EXPECT_TRUE(same_json(*e.result_json, result))
          << "result\n    " << result << "\n  should be\n    " << *e.result_json << context;
    }
    const size_t common = std::min(lines.size(), e.stdout_lines.size());
    for (size_t i = 0; i < common; ++i) {
      if (lines[i] != e.stdout_lines[i]) {
        ADD_FAILURE() << "stdout line " << i + 1 << "\n    " << lines[i] << "\n  should be\n    "
                      << e.stdout_lines[i] << context;
        return;
      }
    }
    if (lines.size() > common)
      ADD_FAILURE() << "unexpected extra stdout line " << common + 1 << ": " << lines[common] << context;
    else if (e.stdout_lines.size() > common)
      ADD_FAILURE() << "missing stdout line " << common + 1 << ": " << e.stdout_lines[common] << context;
  }

  std::string relative_path_;
};

// A module asked for by name (CTest registers every file outside _support/):
// reported as skipped, since it only makes sense imported.
class SkippedModule : public LangTest {
 public:
  SkippedModule(std::string path, std::string reason) : LangTest(std::move(path)), reason_(std::move(reason)) {}
  void TestBody() override { GTEST_SKIP() << reason_; }

 private:
  std::string reason_;
};

class MissingFile : public LangTest {
 public:
  explicit MissingFile(std::string path) : LangTest(path), path_(std::move(path)) {}
  void TestBody() override { ADD_FAILURE() << "no such test file: " << path_; }

 private:
  std::string path_;
};

// ---------------------------------------------------------------------------
// Discovery

bool in_support_folder(const fs::path& relative) {
  for (const fs::path& part : relative.parent_path())
    if (part == "_support") return true;
  return false;
}

// Relative paths (from tests/lang) of every file some test imports with a
// relative specifier: `from "./x.raya"`, `import "../y.raya"`.
std::set<std::string> imported_modules(const fs::path& root, const std::vector<fs::path>& files) {
  static const std::regex import_spec(R"((?:from|import)\s*\(?\s*["'](\.\.?/[^"']+)["'])");
  std::set<std::string> imported;
  for (const fs::path& relative : files) {
    const std::string source = read_file(root / relative);
    for (auto it = std::sregex_iterator(source.begin(), source.end(), import_spec); it != std::sregex_iterator();
         ++it) {
      fs::path target = (relative.parent_path() / (*it)[1].str()).lexically_normal();
      imported.insert(target.generic_string());
    }
  }
  return imported;
}

std::vector<fs::path> all_test_files(const fs::path& root) {
  std::vector<fs::path> files;
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".raya")
      files.push_back(entry.path().lexically_relative(root));
  std::sort(files.begin(), files.end());
  return files;
}

void register_tests(const std::vector<std::string>& requested) {
  const fs::path root = RAYA_LANG_TEST_DIR;
  const std::vector<fs::path> files = all_test_files(root);
  const std::set<std::string> modules = imported_modules(root, files);

  std::vector<std::string> chosen;
  if (requested.empty()) {
    for (const fs::path& f : files) chosen.push_back(f.generic_string());
  } else {
    chosen = requested;
  }
  for (const std::string& path : chosen) {
    const fs::path relative(path);
    const std::string file = (root / relative).string();
    std::string skip_reason;
    if (in_support_folder(relative)) skip_reason = "module in a _support/ folder, imported by other tests";
    if (modules.count(relative.lexically_normal().generic_string()))
      skip_reason = "module imported by another test";
    if (!skip_reason.empty()) {
      if (requested.empty()) continue;  // a full run simply leaves modules out
      testing::RegisterTest("lang", path.c_str(), nullptr, nullptr, file.c_str(), 1,
                            [=]() -> LangTest* { return new SkippedModule(path, skip_reason); });
      continue;
    }
    if (!fs::is_regular_file(root / relative)) {
      testing::RegisterTest("lang", path.c_str(), nullptr, nullptr, file.c_str(), 1,
                            [=]() -> LangTest* { return new MissingFile(path); });
      continue;
    }
    testing::RegisterTest("lang", path.c_str(), nullptr, nullptr, file.c_str(), 1,
                          [=]() -> LangTest* { return new LangTest(path); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::vector<std::string> requested(argv + 1, argv + argc);
  register_tests(requested);
  return RUN_ALL_TESTS();
}
