// Reading source files (issue 10, items 2 and 3): only regular files within
// a cap, imports only inside the entry file's directory tree (symbolic links
// resolved), and no file at all without a reader. Files, links and FIFOs are
// made at run time in a fresh temporary directory.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "vmcore/compiler/compiler.hpp"
#include "vmcore/compiler/file_reader.hpp"

namespace raya::vm::compiler {
namespace {

namespace fs = std::filesystem;
using Kind = FileLookup::Kind;

/// A temporary directory tree: root/program (the program's directory) and
/// root/outside (the host's files), removed afterwards.
class FileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "raya-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    program_ = root_ / "program";
    outside_ = root_ / "outside";
    fs::create_directories(program_ / "lib");
    fs::create_directories(outside_);
    write(outside_ / "secret.raya", "export const secret = \"TOPSECRET\";\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }

  /// Compiles `text` as program/main.raya with imports read from program/.
  Result<Module> compile_main(const std::string& text) {
    write(program_ / "main.raya", text);
    return compile_file((program_ / "main.raya").string());
  }

  static std::string all_diagnostics(const Result<Module>& r) {
    return r.ok() ? std::string("(compiled)") : r.error().render_diagnostics();
  }

  fs::path root_, program_, outside_;
};

TEST_F(FileReaderTest, ReadsARegularFile) {
  write(program_ / "a.raya", "let a = 1;\n");
  FileLookup file = read_regular_file((program_ / "a.raya").string(), 100);
  ASSERT_EQ(file.kind, Kind::Found) << file.reason;
  EXPECT_EQ(file.text, "let a = 1;\n");
}

TEST_F(FileReaderTest, AMissingFileIsMissingNotRefused) {
  EXPECT_EQ(read_regular_file((program_ / "nowhere.raya").string(), 100).kind, Kind::Missing);
}

TEST_F(FileReaderTest, ADirectoryIsRefusedNotReadAsEmpty) {
  FileLookup file = read_regular_file(program_.string(), 100);
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_EQ(file.reason, "it is a directory, not a regular file");
}

TEST_F(FileReaderTest, DevZeroIsRefusedWithoutReadingIt) {
  FileLookup file = read_regular_file("/dev/zero", kMaxSourceFileBytes);
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_EQ(file.reason, "it is a device, not a regular file");
}

TEST_F(FileReaderTest, AFifoIsRefusedWithoutWaitingForAWriter) {
  fs::path fifo = program_ / "fifo.raya";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  FileLookup file = read_regular_file(fifo.string(), 100);
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_EQ(file.reason, "it is a pipe, not a regular file");
}

TEST_F(FileReaderTest, AFileLargerThanTheCapIsRefused) {
  write(program_ / "big.raya", std::string(101, 'x'));
  FileLookup file = read_regular_file((program_ / "big.raya").string(), 100);
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_EQ(file.reason, "it is larger than the limit of 100 bytes");
  write(program_ / "fits.raya", std::string(100, 'x'));
  EXPECT_EQ(read_regular_file((program_ / "fits.raya").string(), 100).kind, Kind::Found);
}

TEST_F(FileReaderTest, AProcFileThatClaimsZeroBytesIsStillCapped) {
  // /proc files report size 0 whatever they hold: the read itself stops.
  FileLookup file = read_regular_file("/proc/self/maps", 16);
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_EQ(file.reason, "it is larger than the limit of 16 bytes");
}

TEST_F(FileReaderTest, DirectoryReaderReadsFilesBelowItsRoot) {
  write(program_ / "lib" / "util.raya", "export const u = 1;\n");
  FileReader reader = directory_reader(program_.string());
  FileLookup file = reader((program_ / "lib" / "util.raya").string());
  ASSERT_EQ(file.kind, Kind::Found) << file.reason;
  EXPECT_EQ(file.text, "export const u = 1;\n");
}

TEST_F(FileReaderTest, DirectoryReaderRefusesAPathOutsideItsRoot) {
  FileReader reader = directory_reader(program_.string());
  FileLookup file = reader((program_ / ".." / "outside" / "secret.raya").lexically_normal().string());
  EXPECT_EQ(file.kind, Kind::Refused);
  EXPECT_NE(file.reason.find("outside the program's directory"), std::string::npos) << file.reason;
  // A sibling whose name starts like the root is outside too.
  fs::create_directories(root_ / "program2");
  write(root_ / "program2" / "x.raya", "let x;\n");
  EXPECT_EQ(reader((root_ / "program2" / "x.raya").string()).kind, Kind::Refused);
}

TEST_F(FileReaderTest, DirectoryReaderRefusesASymbolicLinkLeadingOutside) {
  fs::create_symlink(outside_ / "secret.raya", program_ / "link.raya");
  fs::create_directory_symlink(outside_, program_ / "linked_dir");
  FileReader reader = directory_reader(program_.string());
  for (const fs::path& p : {program_ / "link.raya", program_ / "linked_dir" / "secret.raya"}) {
    FileLookup file = reader(p.string());
    EXPECT_EQ(file.kind, Kind::Refused) << p;
    EXPECT_EQ(file.reason, "it leads outside the program's directory through a symbolic link");
    EXPECT_EQ(file.text, "");
  }
}

TEST_F(FileReaderTest, DirectoryReaderFollowsASymbolicLinkThatStaysInside) {
  write(program_ / "lib" / "real.raya", "export const r = 2;\n");
  fs::create_symlink(program_ / "lib" / "real.raya", program_ / "alias.raya");
  FileLookup file = directory_reader(program_.string())((program_ / "alias.raya").string());
  ASSERT_EQ(file.kind, Kind::Found) << file.reason;
  EXPECT_EQ(file.text, "export const r = 2;\n");
}

TEST_F(FileReaderTest, ImportLeavingTheEntryDirectoryIsACompileErrorNamingIt) {
  Result<Module> r = compile_main("import { secret } from \"../outside/secret.raya\";\nreturn secret;\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().diagnostics.size(), 1u) << all_diagnostics(r);
  const messages::Diagnostic& d = r.error().diagnostics[0];
  EXPECT_EQ(d.line, 1u);
  EXPECT_NE(d.message.find("Cannot import '../outside/secret.raya'"), std::string::npos) << d.message;
  EXPECT_EQ(all_diagnostics(r).find("TOPSECRET"), std::string::npos);
}

TEST_F(FileReaderTest, ImportOfEtcPasswdNeverQuotesIt) {
  Result<Module> r = compile_main("import * as p from \"../../../../../../../../../../etc/passwd\";\nreturn p;\n");
  ASSERT_FALSE(r.ok());
  std::string text = all_diagnostics(r);
  EXPECT_NE(text.find("Cannot import '../../../../../../../../../../etc/passwd'"), std::string::npos) << text;
  EXPECT_EQ(text.find("root:"), std::string::npos) << text;
  EXPECT_EQ(r.error().diagnostics.size(), 1u) << text;
}

TEST_F(FileReaderTest, ImportThroughASymbolicLinkOutsideIsACompileError) {
  fs::create_symlink(outside_ / "secret.raya", program_ / "link.raya");
  fs::create_symlink("/dev/zero", program_ / "zero.raya");
  Result<Module> r = compile_main(
      "import { secret } from \"./link.raya\";\nimport z from \"./zero.raya\";\nreturn secret;\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().diagnostics.size(), 2u) << all_diagnostics(r);
  EXPECT_NE(r.error().diagnostics[0].message.find("symbolic link"), std::string::npos);
  EXPECT_NE(r.error().diagnostics[1].message.find("Cannot import './zero.raya'"), std::string::npos);
  EXPECT_EQ(all_diagnostics(r).find("TOPSECRET"), std::string::npos);
}

TEST_F(FileReaderTest, ImportOfADirectoryOrAFifoIsACompileError) {
  ASSERT_EQ(::mkfifo((program_ / "fifo.raya").c_str(), 0600), 0);
  Result<Module> r = compile_main("import a from \"./lib\";\nimport b from \"./fifo.raya\";\nreturn 1;\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().diagnostics.size(), 2u) << all_diagnostics(r);
  EXPECT_EQ(r.error().diagnostics[0].message, "Cannot import './lib': it is a directory, not a regular file");
  EXPECT_EQ(r.error().diagnostics[1].message, "Cannot import './fifo.raya': it is a pipe, not a regular file");
}

TEST_F(FileReaderTest, ImportsInsideTheEntryDirectoryStillWork) {
  write(program_ / "lib" / "util.raya", "export function twice(x: number): number { return 2 * x; }\n");
  write(program_ / "lib" / "more.raya", "import { twice } from \"./util.raya\";\nexport const four = twice(2);\n");
  Result<Module> r = compile_main("import { four } from \"./lib/more\";\nreturn four;\n");
  EXPECT_TRUE(r.ok()) << all_diagnostics(r);
}

TEST_F(FileReaderTest, CompileFileRefusesAnEntryThatIsNotARegularFile) {
  for (const std::string& entry : {program_.string(), std::string("/dev/zero")}) {
    Result<Module> r = compile_file(entry);
    ASSERT_FALSE(r.ok()) << entry;
    EXPECT_EQ(r.error().code, ErrorCode::CompileError);
    EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
  }
}

TEST_F(FileReaderTest, WithoutAReaderCompileSourceReadsNoFile) {
  // The file exists right where the import points: it is still not read.
  write(program_ / "lib" / "util.raya", "export const u = 1;\n");
  Result<Module> r = compile_source((program_ / "main.raya").string(),
                                    "import { u } from \"./lib/util.raya\";\nreturn u;\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().diagnostics.size(), 1u) << all_diagnostics(r);
  EXPECT_EQ(r.error().diagnostics[0].message,
            "Cannot import './lib/util.raya': this compilation reads no files (the embedder gave the compiler no "
            "file reader)");
}

TEST_F(FileReaderTest, AReaderThatThrowsFailsTheImportNotTheProcess) {
  CompileOptions options;
  options.read_file = [](const std::string&) -> FileLookup { throw std::runtime_error("disk on fire"); };
  Result<Module> r = compile_source("main.raya", "import { u } from \"./u.raya\";\nreturn u;\n", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().diagnostics[0].message, "Cannot import './u.raya': reading it failed (disk on fire)");
}

TEST_F(FileReaderTest, TheProgramsSourceFilesTogetherAreCapped) {
  // Five in-memory files of 3 MiB each pass the per-file cap but not the
  // program's (CompileOptions::max_source_bytes, 8 MiB): the import that
  // passes it is named.
  const std::string big = "// " + std::string(3u << 20, 'x') + "\nexport const v = 1;\n";
  CompileOptions options;
  options.read_file = [&big](const std::string&) { return FileLookup::found(big); };
  std::string main;
  for (int i = 0; i < 5; ++i) main += "import { v as v" + std::to_string(i) + " } from \"./f" + std::to_string(i) + ".raya\";\n";
  Result<Module> r = compile_source("main.raya", main + "return 1;\n", options);
  ASSERT_FALSE(r.ok());
  bool capped = false;
  for (const auto& d : r.error().diagnostics)
    capped |= d.message.find("would total more than 8388608 bytes") != std::string::npos;
  EXPECT_TRUE(capped) << all_diagnostics(r).substr(0, 2000);
}

}  // namespace
}  // namespace raya::vm::compiler
