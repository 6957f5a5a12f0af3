// A small zip reader and writer over libzip for evidence packages. The reader is for hostile
// input: it caps the number of entries and each entry's size (reading at most cap + 1 bytes,
// whatever the archive claims), accepts only plain relative names made of [A-Za-z0-9._-]
// segments, refuses duplicates, encryption and methods other than store/deflate, and checks
// CRCs. Directory entries are skipped.
//
// Thread-safety: functions only.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"

namespace hetong::evidence::internal {

struct ZipEntry {
  std::string name;
  Bytes data;
};

// Deflated entries in the given order, every timestamp `mtime` (reproducible output).
StatusOr<Bytes> WriteZip(const std::vector<ZipEntry>& entries, base::TimePoint mtime);

struct ZipLimits {
  size_t max_entries = 64;
  // The largest size allowed for an entry of this name.
  std::function<uint64_t(const std::string& name)> max_size;
};

// InvalidArgument (saying what is wrong) for anything but a sound archive within the limits.
StatusOr<std::vector<ZipEntry>> ReadZip(ByteView zip, const ZipLimits& limits);

// Whether `name` is a plain relative path of [A-Za-z0-9._-] segments, none "." or "..".
bool SafeEntryName(std::string_view name);

}  // namespace hetong::evidence::internal
