// Content-addressed blob store: each blob is a file named by the lowercase hex SM3 of its
// contents under <dir>/<first 2 hex>/<next 2 hex>/<hash>. Writes are atomic and durable
// (temporary file, fsync, rename, fsync of the directory); reads re-check the hash, so a
// damaged file is reported (kDataLoss), never served. Per-object encryption comes with the
// contract module (documents of organisations that ask for encrypted archiving).
//
// Thread-safety: safe for concurrent use (identical concurrent writes are idempotent).
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::store {

class BlobStore {
 public:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}

  // Stores `data` (if not already there) and returns its SM3 hex name.
  StatusOr<std::string> Put(ByteView data) const;
  StatusOr<Bytes> Get(std::string_view sm3_hex) const;
  bool Has(std::string_view sm3_hex) const;

 private:
  StatusOr<std::string> PathFor(std::string_view sm3_hex) const;
  std::string dir_;
};

}  // namespace hetong::store
