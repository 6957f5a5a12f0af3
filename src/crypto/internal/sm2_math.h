// SM2 arithmetic on OpenSSL's EC_GROUP/EC_POINT/BIGNUM (crypto-internal): the curve
// (the recommended sm2p256v1, or the example curves of GB/T 32918 for known-answer tests),
// Z values, point encoding with validation, and the signature / encryption equations with
// a caller-supplied k.
//
// The functions taking k exist for known-answer tests and for protocols that manage their own
// nonces (key exchange, collaborative signing). They are not reachable from the CLI or the
// API: production SM2 signing and encryption go through OpenSSL's EVP (sm2.h).
//
// Thread-safety: a Sm2Curve is immutable after creation and safe to share.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/openssl_util.h"
#include "crypto/signature.h"

namespace hetong::crypto::internal {

struct Sm2CurveParams {
  std::string_view p, a, b, gx, gy, n;  // hex
};

class Sm2Curve {
 public:
  static const Sm2Curve& Recommended();
  static StatusOr<std::unique_ptr<Sm2Curve>> FromParams(const Sm2CurveParams& params);

  const EC_GROUP* group() const { return group_.get(); }
  const BIGNUM* order() const { return EC_GROUP_get0_order(group_.get()); }
  size_t field_bytes() const { return field_bytes_; }

  // Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5).
  Bytes ZValue(ByteView id, const EC_POINT* pub) const;
  // Uncompressed 04||X||Y; rejects other forms, points off the curve and infinity.
  StatusOr<EcPointPtr> DecodePoint(ByteView encoded) const;
  Bytes EncodePoint(const EC_POINT* point) const;
  // Affine coordinates as field_bytes() big-endian each.
  void Coordinates(const EC_POINT* point, Bytes* x, Bytes* y) const;
  // g_scalar*G + p_scalar*P (either term may be null).
  EcPointPtr Mul(const BIGNUM* g_scalar, const EC_POINT* p, const BIGNUM* p_scalar) const;
  EcPointPtr Add(const EC_POINT* a, const EC_POINT* b) const;
  EcPointPtr Negate(const EC_POINT* a) const;
  bool IsInfinity(const EC_POINT* p) const { return EC_POINT_is_at_infinity(group_.get(), p) == 1; }
  // Random scalar in [1, n-1].
  StatusOr<BnPtr> RandomScalar() const;

 private:
  explicit Sm2Curve(EcGroupPtr group);
  EcGroupPtr group_;
  size_t field_bytes_;
  Bytes abxy_;  // a || b || xG || yG, for Z
};

// (r, s) of GB/T 32918.2 §6.1 for digest e (already SM3(Z||M)) and nonce k.
StatusOr<EcSignatureParts> SignDigestWithK(const Sm2Curve& curve, const BIGNUM* d, ByteView e,
                                           const BIGNUM* k);
// GB/T 32918.2 §7.1 on digest e: OK or "signature does not verify".
Status VerifyDigest(const Sm2Curve& curve, const EC_POINT* pub, ByteView e, ByteView r, ByteView s);
// GB/T 32918.4 §6.1 with nonce k; returns the GM/T 0009 DER SM2Cipher (C1C3C2).
StatusOr<Bytes> EncryptWithK(const Sm2Curve& curve, const EC_POINT* pub, ByteView msg,
                             const BIGNUM* k);
// GB/T 32918.4 §7.1 on a DER SM2Cipher, on any curve.
StatusOr<SecretBytes> Decrypt(const Sm2Curve& curve, const BIGNUM* d, ByteView der);

// The private scalar of an SM2 key (for protocols that need it, such as key exchange).
StatusOr<BnPtr> PrivateScalar(const PrivateKey& key);
StatusOr<EcPointPtr> PublicPoint(const Sm2Curve& curve, const PublicKey& key);

}  // namespace hetong::crypto::internal
