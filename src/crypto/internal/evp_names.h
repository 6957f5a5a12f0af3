// Maps hetong's algorithm enums to OpenSSL EVP objects (crypto-internal).
#pragma once

#include <openssl/evp.h>

#include "crypto/hash.h"

namespace hetong::crypto::internal {

inline const EVP_MD* EvpMd(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::kSm3:
      return EVP_sm3();
    case HashAlgorithm::kSha1:
      return EVP_sha1();
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace hetong::crypto::internal
