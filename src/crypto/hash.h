// Message digests: SM3 (GB/T 32905-2016) and the SHA-2 family (FIPS 180-4), with their
// object identifiers, through OpenSSL's EVP. SHA-1 is available for reading old signatures
// and for certificate key identifiers (RFC 5280 §4.2.1.2), never for new signatures.
//
// Thread-safety: Hasher is a single-owner object; the free functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::crypto {

enum class HashAlgorithm { kSm3, kSha1, kSha256, kSha384, kSha512 };

std::string_view HashName(HashAlgorithm alg);  // "sm3", "sha256", ...
size_t HashSize(HashAlgorithm alg);            // 32, 20, 32, 48, 64
std::string_view HashOid(HashAlgorithm alg);   // dotted OID
std::optional<HashAlgorithm> HashFromName(std::string_view name);
std::optional<HashAlgorithm> HashFromOid(std::string_view dotted);

// Incremental hashing (for large inputs, e.g. PDF byte ranges).
class Hasher {
 public:
  static StatusOr<Hasher> Create(HashAlgorithm alg);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void Update(ByteView data);
  Bytes Finish();  // the Hasher may not be used afterwards
  HashAlgorithm algorithm() const { return alg_; }

 private:
  Hasher(HashAlgorithm alg, void* ctx) : alg_(alg), ctx_(ctx) {}
  HashAlgorithm alg_;
  void* ctx_;  // EVP_MD_CTX*
};

Bytes Hash(HashAlgorithm alg, ByteView data);
Bytes Sm3(ByteView data);
Bytes Sha256(ByteView data);

}  // namespace hetong::crypto
