// Glue between OpenSSL and hetong: owning smart pointers for OpenSSL objects, and the one
// helper that turns the OpenSSL error queue into a Status (and clears the queue).
//
// Only crypto/ and pki/ include this header (and <openssl/*.h>).
//
// Thread-safety: the error queue is per thread; everything here is thread-compatible.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::crypto {

template <typename T, void (*F)(T*)>
struct OsslDeleter {
  void operator()(T* p) const {
    if (p) F(p);
  }
};

inline void FreeBnClear(BIGNUM* b) { BN_clear_free(b); }

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EvpCipherCtxPtr =
    std::unique_ptr<EVP_CIPHER_CTX, OsslDeleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, OsslDeleter<EVP_MAC, EVP_MAC_free>>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OsslDeleter<EVP_MAC_CTX, EVP_MAC_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, OsslDeleter<BIGNUM, FreeBnClear>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, OsslDeleter<BN_CTX, BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, OsslDeleter<EC_GROUP, EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, OsslDeleter<EC_POINT, EC_POINT_clear_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO, BIO_free_all>>;

// Builds a Status from the OpenSSL error queue (and empties it):
// "<what>: <first OpenSSL reason>" with `code`. The reason strings are OpenSSL's own
// fixed texts, never input data.
Status OpensslError(std::string_view what, StatusCode code = StatusCode::kInternal);
// Empties the error queue (after an expected failure).
void ClearOpensslErrors();

// BIGNUM from big-endian bytes; bytes from a BIGNUM left-padded to `len`.
BnPtr BnFromBytes(ByteView bytes);
Bytes BnToBytes(const BIGNUM* bn, size_t len);
SecretBytes BnToSecret(const BIGNUM* bn, size_t len);

// A memory BIO over `data` (read-only) and the contents of a memory BIO.
BioPtr MemBio(ByteView data);
Bytes BioContents(BIO* bio);

}  // namespace hetong::crypto
