#include "document/pdf/internal/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"

namespace hetong::document::pdf::internal {

namespace {

Status WriteAll(int fd, const uint8_t* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return base::ErrnoStatus(errno, "cannot write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return OkStatus();
}

}  // namespace

Status CopyFile(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return base::ErrnoStatus(errno, "cannot open", from);
  // The copy gets the source's permission bits (a signed file replacing its input keeps them).
  struct stat st {};
  mode_t mode = ::fstat(in, &st) == 0 ? (st.st_mode & 0777) : 0644;
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    int err = errno;
    ::close(in);
    return base::ErrnoStatus(err, "cannot create", to);
  }
  (void)::fchmod(out, mode);
  std::vector<uint8_t> buf(1 << 20);
  Status s;
  while (true) {
    ssize_t r = ::read(in, buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      s = base::ErrnoStatus(errno, "cannot read", from);
      break;
    }
    if (r == 0) break;
    s = WriteAll(out, buf.data(), static_cast<size_t>(r), to);
    if (!s.ok()) break;
  }
  ::close(in);
  ::close(out);
  return s;
}

StatusOr<uint64_t> AppendToFile(const std::string& path, ByteView data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  struct stat st {};
  ::fstat(fd, &st);
  Status s = WriteAll(fd, data.data(), data.size(), path);
  ::close(fd);
  HETONG_RETURN_IF_ERROR(s);
  return static_cast<uint64_t>(st.st_size);
}

Status PatchFile(const std::string& path, uint64_t offset, ByteView data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return base::ErrnoStatus(err, "cannot write", path);
    }
    done += static_cast<size_t>(w);
  }
  ::close(fd);
  return OkStatus();
}

Status TruncateFile(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
    return base::ErrnoStatus(errno, "cannot truncate", path);
  return OkStatus();
}

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return base::ErrnoStatus(err, "cannot sync", path);
  return OkStatus();
}

StatusOr<uint64_t> FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return base::ErrnoStatus(errno, "cannot stat", path);
  return static_cast<uint64_t>(st.st_size);
}

StatusOr<Bytes> HashRanges(const std::string& path,
                           const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                           crypto::HashAlgorithm alg) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  HETONG_ASSIGN_OR_RETURN(crypto::Hasher h, crypto::Hasher::Create(alg));
  std::vector<uint8_t> buf(1 << 20);
  for (auto [offset, length] : ranges) {
    uint64_t done = 0;
    while (done < length) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), length - done));
      ssize_t r = ::pread(fd, buf.data(), want, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return base::ErrnoStatus(err, "cannot read", path);
      }
      if (r == 0) {
        ::close(fd);
        return OutOfRangeError("the byte range runs past the end of the file");
      }
      h.Update(ByteView(buf.data(), static_cast<size_t>(r)));
      done += static_cast<uint64_t>(r);
    }
  }
  ::close(fd);
  return h.Finish();
}

}  // namespace hetong::document::pdf::internal
