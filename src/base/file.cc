#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hetong::base {

Status ErrnoStatus(int err, const std::string& what, const std::string& path) {
  std::string msg = what + " '" + path + "': " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return NotFoundError(msg);
    case EACCES:
    case EPERM:
      return PermissionDeniedError(msg);
    case EEXIST:
      return AlreadyExistsError(msg);
    case ENOSPC:
    case EDQUOT:
      return ResourceExhaustedError(msg);
    case EISDIR:
    case ENOTDIR:
    case ENAMETOOLONG:
      return InvalidArgumentError(msg);
    default:
      return InternalError(msg);
  }
}

namespace {

Status ReadAllFd(int fd, Bytes& out, const std::string& path) {
  uint8_t buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot read", path);
    }
    if (n == 0) return OkStatus();
    out.insert(out.end(), buf, buf + n);
  }
}

Status WriteAllFd(int fd, ByteView data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot write", path);
    }
    off += static_cast<size_t>(n);
  }
  return OkStatus();
}

std::string DirOf(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

StatusOr<Bytes> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError("'" + path + "' is a directory, not a file");
  }
  Bytes out;
  if (st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  Status s = ReadAllFd(fd, out, path);
  ::close(fd);
  HETONG_RETURN_IF_ERROR(s);
  return out;
}

StatusOr<std::string> ReadFileToString(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(Bytes b, ReadFile(path));
  return std::string(b.begin(), b.end());
}

StatusOr<Bytes> ReadStdin() {
  Bytes out;
  HETONG_RETURN_IF_ERROR(ReadAllFd(0, out, "<stdin>"));
  return out;
}

Status WriteStdout(ByteView data) { return WriteAllFd(1, data, "<stdout>"); }

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open directory", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "cannot sync directory", dir);
  return OkStatus();
}

Status WriteFileAtomic(const std::string& path, ByteView data, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", tmp);
  Status s = WriteAllFd(fd, data, tmp);
  if (s.ok() && ::fchmod(fd, mode) != 0) s = ErrnoStatus(errno, "cannot chmod", tmp);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "cannot sync", tmp);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoStatus(errno, "cannot rename into", path);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDir(DirOf(path));
}

Status WriteFileExclusive(const std::string& path, ByteView data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", path);
  Status s = WriteAllFd(fd, data, path);
  if (s.ok() && ::fchmod(fd, mode) != 0) s = ErrnoStatus(errno, "cannot chmod", path);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(errno, "cannot sync", path);
  ::close(fd);
  if (!s.ok()) {
    ::unlink(path.c_str());
    return s;
  }
  return SyncDir(DirOf(path));
}

Status MakeDirs(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::path cur;
  for (const auto& part : p) {
    cur /= part;
    if (cur.empty() || std::filesystem::exists(cur, ec)) continue;
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "cannot create directory", cur.string());
    }
  }
  return OkStatus();
}

bool PathExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace hetong::base
