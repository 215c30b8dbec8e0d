// Language test driver: every tests/lang/**/*.raya and tests/hostile/**/*.raya
// file is one GoogleTest test (and, through tests/CMakeLists.txt, one CTest
// test named lang/<path> or hostile/<path>). The driver runs
// `raya run [flags] FILE` as a subprocess, with the working directory the
// suite's folder (tests/lang or tests/hostile) and FILE the path relative to
// it, and checks the expectations written as comments in the file:
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
//   // expect stderr lacks: TEXT  stderr does not contain TEXT (any number).
//   // expect steps at most: N    the run's stepsExecuted is at most N.
//   // expect heap at most: N     the run's peakHeapBytes is at most N.
//                                 (For these two the driver adds --stats and
//                                 reads the JSON object on stderr's last line.)
//   // expect output at most: N   stdout and stderr together are at most N bytes.
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
// from the build: 10, more for sanitizer and GC-stress builds), and a chatty
// one as soon as it has written more than kOutputCapBytes: the hostile suite
// runs programs written to hurt their host, and this process is a host too.
// RAYA_LANG_TEST_BINARY, if set, replaces the raya binary chosen at build time.
//
// Usage: raya_lang_tests [gtest flags] [[SUITE/]RELATIVE_PATH.raya ...]
// SUITE is `lang` (the default, so `classes/fields.raya` still names
// tests/lang/classes/fields.raya) or `hostile`. With paths, only those files
// are registered (CTest runs one file per process); without, every file of
// both suites is.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fcntl.h>
#include <sys/stat.h>
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
#ifndef RAYA_HOSTILE_TEST_DIR
#error "RAYA_HOSTILE_TEST_DIR must name tests/hostile"
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
  std::vector<std::string> stderr_lacks;
  std::optional<uint64_t> max_steps;         // stepsExecuted at most
  std::optional<uint64_t> max_heap;          // peakHeapBytes at most
  std::optional<uint64_t> max_output_bytes;  // stdout + stderr at most
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

// A bound: digits, with `_` allowed as a separator (`5_000_000`).
std::optional<uint64_t> parse_bound(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  return std::stoull(digits);
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
    } else if (kind == "expect stderr lacks") {
      if (trim(text).empty()) e.problems.push_back(where() + "`expect stderr lacks` wants a text");
      e.stderr_lacks.push_back(trim(text));
    } else if (kind == "expect steps at most" || kind == "expect heap at most" ||
               kind == "expect output at most") {
      std::optional<uint64_t>& bound =
          kind == "expect steps at most" ? e.max_steps : kind == "expect heap at most" ? e.max_heap : e.max_output_bytes;
      if (bound) e.problems.push_back(where() + "second `" + kind + "`");
      bound = parse_bound(trim(text));
      if (!bound) e.problems.push_back(where() + "`" + kind + "` wants a whole number (digits, `_` allowed)");
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
  int exit_status = -1;     // valid when !signalled && !timed_out && !output_capped
  int signal_number = 0;    // valid when signalled
  bool signalled = false;
  bool timed_out = false;
  bool output_capped = false;  // killed for writing more than kOutputCapBytes
  bool spawn_failed = false;
  uint64_t output_bytes = 0;   // stdout + stderr as written (before any cut)
  std::string out;
  std::string err;
};

// The most a program may write to stdout and stderr together before it is
// killed, and the most of each stream this process reads back. Far above any
// test's output, far below what would hurt the test process or the machine.
constexpr uint64_t kOutputCapBytes = 4u << 20;

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

// An unlinked temp file: nothing is left behind whatever happens to us.
int make_temp_file() {
  std::string path = (fs::temp_directory_path() / "raya-lang-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd >= 0) ::unlink(path.c_str());
  return fd;
}

uint64_t file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? uint64_t(st.st_size) : 0;
}

// At most `limit` bytes from the start of the file.
std::string read_capped(int fd, uint64_t limit) {
  std::string text(std::min(file_size(fd), limit), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pread(fd, text.data() + done, text.size() - done, off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += size_t(n);
  }
  text.resize(done);
  return text;
}

// Runs argv in cwd with stdout and stderr going to temp files (no pipes, so
// a chatty program cannot deadlock against us), kills its whole process
// group after the timeout or once it has written more than kOutputCapBytes,
// and caps its file size and address space so a runaway program fails its
// test instead of the machine.
ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd, double timeout_s) {
  ProcessResult result;
  const int out_fd = make_temp_file();
  const int err_fd = make_temp_file();
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
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
    // A backstop for the polling below: between two polls a program cannot
    // write more than this to either stream (it gets SIGXFSZ / EFBIG).
    rlimit file_limit{4 * kOutputCapBytes, 4 * kOutputCapBytes};
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
  if (pid < 0) {
    ::close(out_fd);
    ::close(err_fd);
    result.spawn_failed = true;
    result.err = "fork failed";
    return result;
  }
  ::setpgid(pid, pid);  // also from here, so the kill below cannot miss

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
  int status = 0;
  auto pause = std::chrono::microseconds(200);
  auto kill_group = [&] {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  };
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (file_size(out_fd) + file_size(err_fd) > kOutputCapBytes) {
      result.output_capped = true;
      kill_group();
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      kill_group();
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
  ::kill(-pid, SIGKILL);  // anything the program left behind in its group

  if (!result.timed_out && !result.output_capped) {
    if (WIFEXITED(status)) {
      result.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signalled = true;
      result.signal_number = WTERMSIG(status);
    }
  }
  result.output_bytes = file_size(out_fd) + file_size(err_fd);
  if (result.output_bytes > kOutputCapBytes && !result.output_capped && !result.timed_out) {
    // It finished between two polls, but wrote too much all the same.
    result.output_capped = true;
  }
  result.out = read_capped(out_fd, kOutputCapBytes);
  result.err = read_capped(err_fd, kOutputCapBytes);
  ::close(out_fd);
  ::close(err_fd);
  return result;
}

std::string describe_status(const ProcessResult& r) {
  if (r.spawn_failed) return "could not start (" + r.err + ")";
  if (r.timed_out) return "timed out (killed)";
  if (r.output_capped)
    return "killed after writing " + std::to_string(r.output_bytes) + " bytes (more than the driver's cap of " +
           std::to_string(kOutputCapBytes) + ")";
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

// At most `limit` bytes of a stream for a failure message, cut in the middle.
std::string clip(const std::string& text, size_t limit = 4096) {
  if (text.size() <= limit) return text;
  return text.substr(0, limit / 2) + "\n  [... " + std::to_string(text.size() - limit) + " bytes cut ...]\n" +
         text.substr(text.size() - limit / 2);
}

// The `--stats` object: the last non-empty stderr line, parsed as JSON.
std::optional<boost::json::object> stats_of(const std::string& err) {
  std::vector<std::string> lines = split_lines(err);
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(lines.back(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::optional<uint64_t> stat_field(const boost::json::object& stats, const char* key) {
  const boost::json::value* v = stats.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return uint64_t(v->as_int64());
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// The test

// A folder of .raya files run the same way: tests/lang (behaviour) or
// tests/hostile (programs written to hurt the host).
struct Suite {
  std::string name;
  fs::path root;
};

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all = {{"lang", RAYA_LANG_TEST_DIR}, {"hostile", RAYA_HOSTILE_TEST_DIR}};
  return all;
}

class LangTest : public testing::Test {
 public:
  LangTest(Suite suite, std::string relative_path)
      : suite_(std::move(suite)), relative_path_(std::move(relative_path)) {}

  void TestBody() override {
    const fs::path& root = suite_.root;
    const std::string source = read_file(root / relative_path_);
    const Expectations e = parse_expectations(source);
    for (const std::string& problem : e.problems) ADD_FAILURE() << relative_path_ << ": " << problem;
    if (!e.problems.empty()) return;

    const bool wants_stats = e.max_steps || e.max_heap;
    std::vector<std::string> argv = {raya_binary(), "run"};
    if (e.result_json) argv.push_back("--print-result");
    if (wants_stats) argv.push_back("--stats");
    argv.insert(argv.end(), e.args.begin(), e.args.end());
    argv.push_back(relative_path_);

    const ProcessResult r = run_process(argv, root, timeout_seconds());
    const std::string context = "\n  command: (cd " + root.string() + " && " + shell_quote(argv) +
                                ")\n  status:  " + describe_status(r) + "\n  stdout:\n" + clip(r.out) +
                                "\n  stderr:\n" + clip(r.err);

    ASSERT_FALSE(r.spawn_failed) << context;
    ASSERT_FALSE(r.timed_out) << "the program did not finish within " << timeout_seconds()
                              << " s (RAYA_LANG_TEST_TIMEOUT)" << context;
    ASSERT_FALSE(r.output_capped) << "the program's output was cut off" << context;
    ASSERT_FALSE(r.signalled) << "the raya process crashed" << context;

    int expected_status = 0;
    if (e.runtime_error) expected_status = 1;
    if (e.compile_error) expected_status = 2;
    if (e.exit_status) expected_status = *e.exit_status;
    EXPECT_EQ(r.exit_status, expected_status) << context;

    std::string err_text = r.err;
    if (wants_stats) check_stats(e, r, context, err_text);

    if (e.max_output_bytes) {
      // The program's output: the --stats line the driver asked for is not.
      const uint64_t stats_bytes = r.err.size() - err_text.size();
      EXPECT_LE(r.output_bytes - std::min<uint64_t>(stats_bytes, r.output_bytes), *e.max_output_bytes)
          << "stdout + stderr are too long" << context;
    }

    check_stdout(e, r, context);

    const std::vector<std::string> err_lines = split_lines(err_text);
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
      EXPECT_NE(err_text.find(text), std::string::npos) << "stderr should contain `" << text << "`" << context;
    for (const std::string& text : e.stderr_lacks)
      EXPECT_EQ(err_text.find(text), std::string::npos) << "stderr should not contain `" << text << "`" << context;
  }

 private:
  // Checks the bounds against the `--stats` line, then drops that line from
  // `err_text` so the other stderr expectations see only the program's.
  void check_stats(const Expectations& e, const ProcessResult& r, const std::string& context, std::string& err_text) {
    const std::optional<boost::json::object> stats = stats_of(r.err);
    if (!stats) {
      ADD_FAILURE() << "no --stats JSON object on the last stderr line" << context;
      return;
    }
    auto check = [&](const std::optional<uint64_t>& bound, const char* key) {
      if (!bound) return;
      const std::optional<uint64_t> value = stat_field(*stats, key);
      if (!value) {
        ADD_FAILURE() << "--stats has no whole number `" << key << "`" << context;
        return;
      }
      EXPECT_LE(*value, *bound) << key << " is over the file's bound" << context;
    };
    check(e.max_steps, "stepsExecuted");
    check(e.max_heap, "peakHeapBytes");
    const size_t end = err_text.find_last_not_of("\r\n");
    const size_t line_start = end == std::string::npos ? 0 : err_text.rfind('\n', end);
    err_text.resize(line_start == std::string::npos ? 0 : line_start + 1);
  }

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
          << "result\n    " << clip(result, 4096) << "\n  should be\n    " << *e.result_json << context;
    }
    const size_t common = std::min(lines.size(), e.stdout_lines.size());
    for (size_t i = 0; i < common; ++i) {
      if (lines[i] != e.stdout_lines[i]) {
        ADD_FAILURE() << "stdout line " << i + 1 << "\n    " << clip(lines[i], 4096) << "\n  should be\n    "
                      << e.stdout_lines[i] << context;
        return;
      }
    }
    if (lines.size() > common)
      ADD_FAILURE() << "unexpected extra stdout line " << common + 1 << ": " << clip(lines[common], 4096) << context;
    else if (e.stdout_lines.size() > common)
      ADD_FAILURE() << "missing stdout line " << common + 1 << ": " << e.stdout_lines[common] << context;
  }

  Suite suite_;
  std::string relative_path_;
};

// A module asked for by name (CTest registers every file outside _support/):
// reported as skipped, since it only makes sense imported.
class SkippedModule : public LangTest {
 public:
  SkippedModule(Suite suite, std::string path, std::string reason)
      : LangTest(std::move(suite), std::move(path)), reason_(std::move(reason)) {}
  void TestBody() override { GTEST_SKIP() << reason_; }

 private:
  std::string reason_;
};

class MissingFile : public LangTest {
 public:
  MissingFile(Suite suite, std::string path) : LangTest(suite, path), path_(suite.name + "/" + path) {}
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

// Relative paths (from the suite's root) of every file some test imports
// with a relative specifier: `from "./x.raya"`, `import "../y.raya"`.
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

// `hostile/x.raya` names a file of the hostile suite, `lang/x.raya` or a
// bare `x.raya` one of tests/lang.
std::pair<const Suite*, std::string> suite_of(const std::string& requested) {
  for (const Suite& suite : suites()) {
    const std::string prefix = suite.name + "/";
    if (requested.compare(0, prefix.size(), prefix) == 0) return {&suite, requested.substr(prefix.size())};
  }
  return {&suites().front(), requested};
}

void register_test(const Suite& suite, const std::string& path, const std::set<std::string>& modules,
                   bool explicitly_requested) {
  const fs::path relative(path);
  const std::string file = (suite.root / relative).string();
  const char* group = suite.name.c_str();
  std::string skip_reason;
  if (in_support_folder(relative)) skip_reason = "module in a _support/ folder, imported by other tests";
  if (modules.count(relative.lexically_normal().generic_string())) skip_reason = "module imported by another test";
  if (!skip_reason.empty()) {
    if (!explicitly_requested) return;  // a full run simply leaves modules out
    testing::RegisterTest(group, path.c_str(), nullptr, nullptr, file.c_str(), 1,
                          [=]() -> LangTest* { return new SkippedModule(suite, path, skip_reason); });
    return;
  }
  if (!fs::is_regular_file(suite.root / relative)) {
    testing::RegisterTest(group, path.c_str(), nullptr, nullptr, file.c_str(), 1,
                          [=]() -> LangTest* { return new MissingFile(suite, path); });
    return;
  }
  testing::RegisterTest(group, path.c_str(), nullptr, nullptr, file.c_str(), 1,
                        [=]() -> LangTest* { return new LangTest(suite, path); });
}

void register_tests(const std::vector<std::string>& requested) {
  for (const Suite& suite : suites()) {
    const std::vector<fs::path> files = all_test_files(suite.root);
    const std::set<std::string> modules = imported_modules(suite.root, files);
    if (requested.empty()) {
      for (const fs::path& f : files) register_test(suite, f.generic_string(), modules, false);
      continue;
    }
    for (const std::string& name : requested) {
      auto [named_suite, path] = suite_of(name);
      if (named_suite == &suite) register_test(suite, path, modules, true);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::vector<std::string> requested(argv + 1, argv + argc);
  register_tests(requested);
  return RUN_ALL_TESTS();
}
