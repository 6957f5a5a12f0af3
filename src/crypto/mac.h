// HMAC (RFC 2104) with SM3 (GM/T 0042-2015) or SHA-2, and the key-derivation functions:
// the SM3 KDF of GB/T 32918.4-2016 §5.4.3 and PBKDF2 (RFC 8018) with HMAC-SM3 or
// HMAC-SHA-256.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/hash.h"

namespace hetong::crypto {

Bytes Hmac(HashAlgorithm alg, ByteView key, ByteView data);
inline Bytes HmacSm3(ByteView key, ByteView data) { return Hmac(HashAlgorithm::kSm3, key, data); }
// Constant-time check of an HMAC tag.
bool HmacVerify(HashAlgorithm alg, ByteView key, ByteView data, ByteView tag);

// KDF(Z, klen) = SM3(Z || 00000001) || SM3(Z || 00000002) || ... truncated to `length` bytes.
SecretBytes Sm3Kdf(ByteView z, size_t length);

// PBKDF2 with HMAC-<prf>. Fails for iterations < 1 or length 0.
StatusOr<SecretBytes> Pbkdf2(HashAlgorithm prf, const SecretBytes& password, ByteView salt,
                             uint32_t iterations, size_t length);

}  // namespace hetong::crypto
