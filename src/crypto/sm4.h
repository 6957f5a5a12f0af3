// SM4 (GB/T 32907-2016) in the modes hetong uses: ECB and CBC (PKCS#7 padding or none),
// CTR, and the authenticated modes GCM (NIST SP 800-38D) and CCM (SP 800-38C) as RFC 8998
// and GB/T 36624-2018 profile them.
//
// ECB/CBC/CTR are OpenSSL's EVP ciphers. OpenSSL 3.0 has no SM4-GCM/CCM, so GCM is built
// from OpenSSL's GHASH (CRYPTO_gcm128, which uses carry-less multiplication where the CPU
// has it) over an SM4 counter-mode function of ours, and CCM from SM4-CBC-MAC and SM4-CTR.
// These functions are the SM4 interface of hetong: a faster engine can replace the
// implementation behind them without touching callers.
//
// Authenticated decryption checks the tag before releasing any plaintext: on a wrong tag
// it returns kDataLoss and no output.
//
// Thread-safety: pure functions.
#pragma once

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::crypto {

inline constexpr size_t kSm4KeySize = 16;
inline constexpr size_t kSm4BlockSize = 16;
inline constexpr size_t kGcmTagSize = 16;

enum class Padding { kPkcs7, kNone };

StatusOr<Bytes> Sm4EcbEncrypt(const SecretBytes& key, ByteView in, Padding padding);
StatusOr<Bytes> Sm4EcbDecrypt(const SecretBytes& key, ByteView in, Padding padding);
StatusOr<Bytes> Sm4CbcEncrypt(const SecretBytes& key, ByteView iv, ByteView in, Padding padding);
StatusOr<Bytes> Sm4CbcDecrypt(const SecretBytes& key, ByteView iv, ByteView in, Padding padding);
// CTR with a 128-bit big-endian counter block (encryption and decryption are the same).
StatusOr<Bytes> Sm4Ctr(const SecretBytes& key, ByteView iv, ByteView in);

// GCM: returns ciphertext || tag. Any IV length from 1 byte up (12 is recommended);
// tag_size 12..16.
StatusOr<Bytes> Sm4GcmEncrypt(const SecretBytes& key, ByteView iv, ByteView aad, ByteView plaintext,
                              size_t tag_size = kGcmTagSize);
// `sealed` is ciphertext || tag.
StatusOr<Bytes> Sm4GcmDecrypt(const SecretBytes& key, ByteView iv, ByteView aad, ByteView sealed,
                              size_t tag_size = kGcmTagSize);
// Same, for secret plaintexts (wrapped keys): the result never sits in a plain vector.
StatusOr<SecretBytes> Sm4GcmDecryptSecret(const SecretBytes& key, ByteView iv, ByteView aad,
                                          ByteView sealed, size_t tag_size = kGcmTagSize);

// CCM: nonce 7..13 bytes, tag_size 4..16 and even. Returns ciphertext || tag.
StatusOr<Bytes> Sm4CcmEncrypt(const SecretBytes& key, ByteView nonce, ByteView aad,
                              ByteView plaintext, size_t tag_size = 16);
StatusOr<Bytes> Sm4CcmDecrypt(const SecretBytes& key, ByteView nonce, ByteView aad, ByteView sealed,
                              size_t tag_size = 16);

}  // namespace hetong::crypto
