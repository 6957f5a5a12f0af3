// File helpers with the durability rules of the store: atomic replace (write a temporary
// file, fsync, rename, fsync the directory), explicit permissions, and errors that name the
// path and the system error.
//
// Thread-safety: functions only; concurrent writers to the same path race like rename(2).
#pragma once

#include <sys/types.h>

#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::base {

StatusOr<Bytes> ReadFile(const std::string& path);
StatusOr<std::string> ReadFileToString(const std::string& path);
// Reads all of standard input.
StatusOr<Bytes> ReadStdin();

// Writes `data` to `path` atomically and durably, creating it with `mode`.
Status WriteFileAtomic(const std::string& path, ByteView data, mode_t mode = 0644);
// Creates `path` exclusively (fails with AlreadyExists if it exists), durably.
Status WriteFileExclusive(const std::string& path, ByteView data, mode_t mode);
// Writes to standard output.
Status WriteStdout(ByteView data);

// mkdir -p with `mode` for the directories it creates.
Status MakeDirs(const std::string& path, mode_t mode = 0755);
bool PathExists(const std::string& path);
// fsync of a directory (after creating or renaming entries in it).
Status SyncDir(const std::string& dir);

// Status for a failed system call: "<what> '<path>': <strerror>".
Status ErrnoStatus(int err, const std::string& what, const std::string& path);

}  // namespace hetong::base
