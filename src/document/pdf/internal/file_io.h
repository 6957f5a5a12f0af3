// File plumbing for the PDF signer (document-internal): copy, append, patch in place, and
// hash byte ranges by streaming.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/hash.h"

namespace hetong::document::pdf::internal {

Status CopyFile(const std::string& from, const std::string& to);
// Appends `data`; returns the offset at which it starts.
StatusOr<uint64_t> AppendToFile(const std::string& path, ByteView data);
Status PatchFile(const std::string& path, uint64_t offset, ByteView data);
Status TruncateFile(const std::string& path, uint64_t size);
Status SyncFile(const std::string& path);
StatusOr<uint64_t> FileSize(const std::string& path);
// Digest of the concatenation of [offset, offset+length) ranges of the file.
StatusOr<Bytes> HashRanges(const std::string& path,
                           const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                           crypto::HashAlgorithm alg);

}  // namespace hetong::document::pdf::internal
