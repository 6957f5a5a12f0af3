// Asymmetric keys: SM2 (GB/T 32918, curve sm2p256v1), RSA (2048/3072/4096) and ECDSA
// P-256, in standard encodings that `openssl` reads and writes: PKCS#8 (RFC 5958, optionally
// password-encrypted with PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC), SubjectPublicKeyInfo
// (RFC 5280), PEM (RFC 7468). Also reads traditional "EC/RSA PRIVATE KEY" files.
//
// Following Tink, the private key type is separate from the public one, a private key never
// leaves crypto/ as bytes except through the explicit, secret-typed export functions, and
// callers that only sign hold a `Signer` (signature.h), not a key.
//
// Thread-safety: keys are immutable after creation and may be shared across threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace hetong::crypto {

enum class KeyType { kSm2, kRsa, kEcP256, kEcP384 };
// What to generate.
enum class KeySpec { kSm2, kRsa2048, kRsa3072, kRsa4096, kEcdsaP256 };

std::string_view KeyTypeName(KeyType type);  // "SM2", "RSA", "EC P-256", "EC P-384"
std::string_view KeySpecName(KeySpec spec);  // "sm2", "rsa2048", "rsa3072", "rsa4096", "ecdsa-p256"
std::optional<KeySpec> KeySpecFromName(std::string_view name);

class PublicKey {
 public:
  static StatusOr<PublicKey> FromSpkiDer(ByteView der);
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
  static StatusOr<PublicKey> FromPem(std::string_view pem);
  // PEM or DER, detected.
  static StatusOr<PublicKey> Parse(ByteView data);
  // SM2 public key from the uncompressed point 04 || X || Y (65 bytes).
  static StatusOr<PublicKey> FromSm2Point(ByteView point);

  PublicKey(const PublicKey& other);
  PublicKey& operator=(const PublicKey& other);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

  KeyType type() const { return type_; }
  int bits() const;
  Bytes ToSpkiDer() const;
  std::string ToPem() const;
  // Uncompressed EC point (SM2 and ECDSA keys only).
  StatusOr<Bytes> EcPoint() const;
  // Lowercase hex SM3 of the SubjectPublicKeyInfo DER: how logs and the API name a key.
  std::string Fingerprint() const;
  bool Equals(const PublicKey& other) const;

  // For crypto/ and pki/ only: the OpenSSL key (not owned).
  evp_pkey_st* evp() const { return pkey_; }
  // Takes one reference of `pkey`.
  static StatusOr<PublicKey> FromEvp(evp_pkey_st* pkey);

 private:
  PublicKey(evp_pkey_st* pkey, KeyType type) : pkey_(pkey), type_(type) {}
  evp_pkey_st* pkey_ = nullptr;
  KeyType type_ = KeyType::kSm2;
};

class PrivateKey {
 public:
  static StatusOr<PrivateKey> Generate(KeySpec spec);
  // PKCS#8 PEM ("PRIVATE KEY" or "ENCRYPTED PRIVATE KEY") or traditional PEM.
  // `passphrase` is needed for encrypted keys.
  static StatusOr<PrivateKey> FromPem(std::string_view pem,
                                      const SecretBytes* passphrase = nullptr);
  // PKCS#8 DER (PrivateKeyInfo, or EncryptedPrivateKeyInfo with a passphrase).
  static StatusOr<PrivateKey> FromPkcs8Der(ByteView der, const SecretBytes* passphrase = nullptr);
  // PEM or DER, detected.
  static StatusOr<PrivateKey> Parse(ByteView data, const SecretBytes* passphrase = nullptr);
  // SM2 private key from its 32-byte scalar d (1 <= d <= n-2).
  static StatusOr<PrivateKey> FromSm2Scalar(const SecretBytes& d);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey();

  // Another handle to the same key (reference-counted, no copy of the secret).
  PrivateKey Share() const;

  KeyType type() const { return type_; }
  const PublicKey& public_key() const { return public_key_; }

  // PKCS#8 PEM; encrypted (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256 with 200,000 iterations)
  // when a passphrase is given.
  StatusOr<SecretBytes> ToPkcs8Pem(const SecretBytes* passphrase = nullptr) const;
  StatusOr<SecretBytes> ToPkcs8Der() const;

  // For crypto/ and pki/ only.
  evp_pkey_st* evp() const { return pkey_; }
  static StatusOr<PrivateKey> FromEvp(evp_pkey_st* pkey);  // takes one reference

 private:
  PrivateKey(evp_pkey_st* pkey, KeyType type, PublicKey pub)
      : pkey_(pkey), type_(type), public_key_(std::move(pub)) {}
  evp_pkey_st* pkey_ = nullptr;
  KeyType type_ = KeyType::kSm2;
  PublicKey public_key_;
};

}  // namespace hetong::crypto
