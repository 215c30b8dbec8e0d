// Bounded, confined reading of source files (see file_reader.hpp).
#include "vmcore/compiler/file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>
#include <system_error>

namespace raya::vm::compiler {

namespace {

namespace fs = std::filesystem;

/// Closes a descriptor on every path out.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string describe_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory, not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device, not a regular file";
  if (S_ISFIFO(mode)) return "it is a pipe, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

std::string too_large(uint64_t max_bytes) {
  return "it is larger than the limit of " + std::to_string(max_bytes) + " bytes";
}

bool is_missing(int error) { return error == ENOENT || error == ENOTDIR; }

/// True if `path` is `root` or lies below it; both absolute and normalised.
bool is_within(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

/// "/a/b/" -> "/a/b": lexically_normal keeps a trailing separator.
fs::path normalised(const fs::path& p) {
  fs::path n = p.lexically_normal();
  if (!n.has_filename() && n.has_parent_path() && n != n.root_path()) n = n.parent_path();
  return n;
}

FileLookup read_open_file(int fd, uint64_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return FileLookup::refused(std::string("it cannot be read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return FileLookup::refused(describe_kind(st.st_mode));
  if (st.st_size < 0 || uint64_t(st.st_size) > max_bytes) return FileLookup::refused(too_large(max_bytes));
  // The size is a hint (files under /proc say 0, a file may grow while
  // read): the read itself stops one byte past the limit.
  std::string text;
  text.reserve(size_t(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileLookup::refused(std::string("it cannot be read: ") + std::strerror(errno));
    }
    if (n == 0) break;
    if (text.size() + size_t(n) > max_bytes) return FileLookup::refused(too_large(max_bytes));
    text.append(buffer, size_t(n));
  }
  return FileLookup::found(std::move(text));
}

}  // namespace

FileLookup read_regular_file(const std::string& path, uint64_t max_bytes) {
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check
    // below refuses it anyway.
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (file.fd < 0) {
      if (is_missing(errno)) return FileLookup::missing();
      return FileLookup::refused(std::string("it cannot be opened: ") + std::strerror(errno));
    }
    return read_open_file(file.fd, max_bytes);
  } catch (const std::bad_alloc&) {
    return FileLookup::refused("it cannot be read: out of memory");
  }
}

FileReader directory_reader(const std::string& root) {
  std::error_code ec;
  fs::path lexical_root = normalised(fs::absolute(root.empty() ? fs::path(".") : fs::path(root), ec));
  fs::path real_root = ec ? fs::path() : normalised(fs::canonical(lexical_root, ec));
  if (ec) {
    std::string why = "the program's directory cannot be resolved (" + ec.message() + ")";
    return [why](const std::string&) { return FileLookup::refused(why); };
  }
  return [lexical_root, real_root](const std::string& path) -> FileLookup {
    try {
      // Lexically first: a path that names a place outside is refused
      // before anything there is even looked at.
      std::error_code ec;
      fs::path absolute = normalised(fs::absolute(path, ec));
      if (ec || !is_within(absolute, lexical_root))
        return FileLookup::refused("it is outside the program's directory (imports resolve only inside the "
                                   "entry file's directory tree)");
      fs::path real = fs::canonical(absolute, ec);
      if (ec) {
        if (is_missing(ec.value())) return FileLookup::missing();
        return FileLookup::refused("it cannot be resolved (" + ec.message() + ")");
      }
      if (!is_within(real, real_root))
        return FileLookup::refused("it leads outside the program's directory through a symbolic link");
      return read_regular_file(real.string(), kMaxSourceFileBytes);
    } catch (const std::exception&) {
      return FileLookup::refused("it cannot be resolved (out of memory)");
    }
  };
}

}  // namespace raya::vm::compiler
