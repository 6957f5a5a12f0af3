#include "crypto/hash.h"

#include <utility>

#include "crypto/internal/evp_names.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {

std::string_view HashName(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSm3:
      return "sm3";
    case HashAlgorithm::kSha1:
      return "sha1";
    case HashAlgorithm::kSha256:
      return "sha256";
    case HashAlgorithm::kSha384:
      return "sha384";
    case HashAlgorithm::kSha512:
      return "sha512";
  }
  return "?";
}

size_t HashSize(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSm3:
      return 32;
    case HashAlgorithm::kSha1:
      return 20;
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha384:
      return 48;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

std::string_view HashOid(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSm3:
      return "1.2.156.10197.1.401";
    case HashAlgorithm::kSha1:
      return "1.3.14.3.2.26";
    case HashAlgorithm::kSha256:
      return "2.16.840.1.101.3.4.2.1";
    case HashAlgorithm::kSha384:
      return "2.16.840.1.101.3.4.2.2";
    case HashAlgorithm::kSha512:
      return "2.16.840.1.101.3.4.2.3";
  }
  return "";
}

std::optional<HashAlgorithm> HashFromName(std::string_view name) {
  for (auto a : {HashAlgorithm::kSm3, HashAlgorithm::kSha1, HashAlgorithm::kSha256,
                 HashAlgorithm::kSha384, HashAlgorithm::kSha512}) {
    if (HashName(a) == name) return a;
  }
  if (name == "sha-256") return HashAlgorithm::kSha256;
  return std::nullopt;
}

std::optional<HashAlgorithm> HashFromOid(std::string_view dotted) {
  for (auto a : {HashAlgorithm::kSm3, HashAlgorithm::kSha1, HashAlgorithm::kSha256,
                 HashAlgorithm::kSha384, HashAlgorithm::kSha512}) {
    if (HashOid(a) == dotted) return a;
  }
  // SM3 "keyless use" arc seen in Chinese TSAs and seals (reference facts §1.4).
  if (dotted == "1.2.156.10197.1.401.1") return HashAlgorithm::kSm3;
  return std::nullopt;
}

StatusOr<Hasher> Hasher::Create(HashAlgorithm alg) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return OpensslError("cannot allocate a digest context");
  if (EVP_DigestInit_ex(ctx, internal::EvpMd(alg), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return OpensslError("cannot start digest");
  }
  return Hasher(alg, ctx);
}

Hasher::Hasher(Hasher&& o) noexcept : alg_(o.alg_), ctx_(std::exchange(o.ctx_, nullptr)) {}

Hasher& Hasher::operator=(Hasher&& o) noexcept {
  if (this != &o) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
    alg_ = o.alg_;
    ctx_ = std::exchange(o.ctx_, nullptr);
  }
  return *this;
}

Hasher::~Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Hasher::Update(ByteView data) {
  HETONG_CHECK(ctx_ != nullptr);
  HETONG_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) == 1);
}

Bytes Hasher::Finish() {
  HETONG_CHECK(ctx_ != nullptr);
  Bytes out(HashSize(alg_));
  unsigned int n = 0;
  HETONG_CHECK(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &n) == 1);
  HETONG_CHECK(n == out.size());
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
  ctx_ = nullptr;
  return out;
}

Bytes Hash(HashAlgorithm alg, ByteView data) {
  Bytes out(HashSize(alg));
  unsigned int n = 0;
  HETONG_CHECK(
      EVP_Digest(data.data(), data.size(), out.data(), &n, internal::EvpMd(alg), nullptr) == 1);
  return out;
}

Bytes Sm3(ByteView data) { return Hash(HashAlgorithm::kSm3, data); }
Bytes Sha256(ByteView data) { return Hash(HashAlgorithm::kSha256, data); }

}  // namespace hetong::crypto
