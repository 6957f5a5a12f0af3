#include "store/blob_store.h"

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/hash.h"

namespace hetong::store {

StatusOr<std::string> BlobStore::PathFor(std::string_view h) const {
  if (h.size() != 64) return InvalidArgumentError("a blob name is 64 hex digits (SM3)");
  for (char c : h) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return InvalidArgumentError("a blob name is 64 lowercase hex digits (SM3)");
    }
  }
  return dir_ + "/" + std::string(h.substr(0, 2)) + "/" + std::string(h.substr(2, 2)) + "/" +
         std::string(h);
}

StatusOr<std::string> BlobStore::Put(ByteView data) const {
  std::string hash = base::HexEncode(crypto::Sm3(data));
  HETONG_ASSIGN_OR_RETURN(std::string path, PathFor(hash));
  if (base::PathExists(path)) return hash;
  std::string parent = path.substr(0, path.rfind('/'));
  HETONG_RETURN_IF_ERROR(base::MakeDirs(parent, 0700));
  HETONG_RETURN_IF_ERROR(base::WriteFileAtomic(path, data, 0600));
  return hash;
}

StatusOr<Bytes> BlobStore::Get(std::string_view sm3_hex) const {
  HETONG_ASSIGN_OR_RETURN(std::string path, PathFor(sm3_hex));
  auto data = base::ReadFile(path);
  if (!data.ok()) {
    if (data.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no blob " + std::string(sm3_hex));
    }
    return data.status();
  }
  if (base::HexEncode(crypto::Sm3(*data)) != sm3_hex) {
    return DataLossError("blob " + std::string(sm3_hex) + " is damaged on disk (hash mismatch)");
  }
  return data;
}

bool BlobStore::Has(std::string_view sm3_hex) const {
  auto path = PathFor(sm3_hex);
  return path.ok() && base::PathExists(*path);
}

}  // namespace hetong::store
