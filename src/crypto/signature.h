// Digital signatures: SM2 with SM3 (GB/T 32918.2-2016, with the signer's ID and Z_A; DER
// SEQUENCE{r,s} per GM/T 0009), RSA PKCS#1 v1.5 and PSS (RFC 8017), ECDSA (FIPS 186-4) with
// SHA-2, through OpenSSL. Signer and Verifier are the interfaces the rest of hetong holds;
// a key center or an HSM can implement Signer without exposing its key.
//
// Verification returns OK for a valid signature; InvalidArgument "malformed signature" for
// bytes that are not a well-formed signature (non-DER, r or s out of range, wrong length),
// and InvalidArgument "signature does not verify" for a well-formed signature that does not
// match. SHA-1 algorithms are accepted for verification of old data only.
//
// Thread-safety: Signer and Verifier objects are immutable and safe to share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace hetong::crypto {

// GM/T 0009-2012 default signer identity.
inline constexpr std::string_view kDefaultSm2Id = "1234567812345678";

enum class SignatureAlgorithm {
  kSm2Sm3,
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kRsaPkcs1Sha1,  // verification of legacy data only
  kEcdsaSha1,     // verification of legacy data only
};

std::string_view SignatureAlgorithmName(
    SignatureAlgorithm alg);  // "sm2-sm3", "rsa-pkcs1-sha256"...
HashAlgorithm SignatureHash(SignatureAlgorithm alg);
// The algorithm hetong uses by default for a key type: SM2->SM2-SM3, RSA->PKCS#1 SHA-256,
// P-256->ECDSA SHA-256, P-384->ECDSA SHA-384.
SignatureAlgorithm DefaultSignatureAlgorithm(KeyType type);
// Whether `alg` can be used with a key of `type`.
bool SignatureFitsKey(SignatureAlgorithm alg, KeyType type);

class Signer {
 public:
  virtual ~Signer() = default;
  virtual StatusOr<Bytes> Sign(ByteView message) const = 0;
  virtual SignatureAlgorithm algorithm() const = 0;
  virtual const PublicKey& public_key() const = 0;
};

class Verifier {
 public:
  virtual ~Verifier() = default;
  virtual Status Verify(ByteView message, ByteView signature) const = 0;
};

// `sm2_id` is used only for SM2.
StatusOr<std::unique_ptr<Signer>> NewSigner(const PrivateKey& key, SignatureAlgorithm alg,
                                            std::string_view sm2_id = kDefaultSm2Id);
StatusOr<std::unique_ptr<Signer>> NewSigner(const PrivateKey& key);  // default algorithm
StatusOr<std::unique_ptr<Verifier>> NewVerifier(const PublicKey& key, SignatureAlgorithm alg,
                                                std::string_view sm2_id = kDefaultSm2Id);

Status VerifySignature(const PublicKey& key, SignatureAlgorithm alg, ByteView message,
                       ByteView signature, std::string_view sm2_id = kDefaultSm2Id);

// Parses a DER ECDSA/SM2 signature strictly (minimal INTEGERs, no trailing data) into
// 32-byte r and s (for 256-bit curves; `scalar_size` bytes in general).
struct EcSignatureParts {
  Bytes r;
  Bytes s;
};
StatusOr<EcSignatureParts> ParseEcSignatureDer(ByteView der, size_t scalar_size = 32);
Bytes EncodeEcSignatureDer(ByteView r, ByteView s);

}  // namespace hetong::crypto
