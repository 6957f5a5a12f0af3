// SM2 beyond plain signing (which is in signature.h): the Z value and message digest of
// GB/T 32918.2, public-key encryption of GB/T 32918.4 with the GM/T 0009 DER SM2Cipher
// (C1C3C2), and conversions between the DER forms and the raw forms that SDF/SKF devices use
// (r||s signatures; C1||C3||C2 or the pre-standard C1||C2||C3 ciphertexts).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace hetong::crypto {

// Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA).
StatusOr<Bytes> Sm2ZValue(const PublicKey& key, std::string_view id = kDefaultSm2Id);
// e = SM3(Z_A || M): what an SM2 signature actually signs.
StatusOr<Bytes> Sm2MessageDigest(const PublicKey& key, ByteView message,
                                 std::string_view id = kDefaultSm2Id);
// Verifies an SM2 signature over a precomputed digest e (collaborative signing, devices).
Status Sm2VerifyDigest(const PublicKey& key, ByteView e, ByteView signature_der);

// Encrypts to an SM2 public key; returns the DER SM2Cipher.
StatusOr<Bytes> Sm2Encrypt(const PublicKey& key, ByteView plaintext);
// Decrypts a DER SM2Cipher: kInvalidArgument for malformed input, kDataLoss when C3 does
// not match (wrong key or modified ciphertext).
StatusOr<SecretBytes> Sm2Decrypt(const PrivateKey& key, ByteView ciphertext);

enum class Sm2CipherLayout { kC1C3C2, kC1C2C3 };
StatusOr<Bytes> Sm2CiphertextToRaw(ByteView der, Sm2CipherLayout layout);
StatusOr<Bytes> Sm2CiphertextFromRaw(ByteView raw, Sm2CipherLayout layout);
// 64-byte r||s and back.
StatusOr<Bytes> Sm2SignatureToRaw(ByteView der);
StatusOr<Bytes> Sm2SignatureFromRaw(ByteView raw);

}  // namespace hetong::crypto
