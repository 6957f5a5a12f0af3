#include "crypto/internal/sm2_math.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "base/der.h"
#include "crypto/hash.h"
#include "crypto/mac.h"

namespace hetong::crypto::internal {

namespace der = base::der;

Sm2Curve::Sm2Curve(EcGroupPtr group) : group_(std::move(group)) {
  field_bytes_ = static_cast<size_t>((EC_GROUP_get_degree(group_.get()) + 7) / 8);
  BnPtr p(BN_new()), a(BN_new()), b(BN_new());
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(EC_GROUP_get_curve(group_.get(), p.get(), a.get(), b.get(), ctx.get()) == 1);
  Bytes gx, gy;
  Coordinates(EC_GROUP_get0_generator(group_.get()), &gx, &gy);
  abxy_ = Concat(BnToBytes(a.get(), field_bytes_), BnToBytes(b.get(), field_bytes_), gx, gy);
}

const Sm2Curve& Sm2Curve::Recommended() {
  static const Sm2Curve* curve = new Sm2Curve(EcGroupPtr(EC_GROUP_new_by_curve_name(NID_sm2)));
  return *curve;
}

StatusOr<std::unique_ptr<Sm2Curve>> Sm2Curve::FromParams(const Sm2CurveParams& params) {
  auto bn = [](std::string_view hex) {
    BIGNUM* b = nullptr;
    std::string h(hex);
    HETONG_CHECK(BN_hex2bn(&b, h.c_str()) > 0);
    return BnPtr(b);
  };
  BnPtr p = bn(params.p), a = bn(params.a), b = bn(params.b), gx = bn(params.gx),
        gy = bn(params.gy), n = bn(params.n);
  BnCtxPtr ctx(BN_CTX_new());
  EcGroupPtr group(EC_GROUP_new_curve_GFp(p.get(), a.get(), b.get(), ctx.get()));
  if (!group) return OpensslError("bad curve parameters");
  EcPointPtr g(EC_POINT_new(group.get()));
  if (EC_POINT_set_affine_coordinates(group.get(), g.get(), gx.get(), gy.get(), ctx.get()) != 1) {
    return OpensslError("the generator is not on the curve");
  }
  BnPtr one(BN_new());
  BN_one(one.get());
  if (EC_GROUP_set_generator(group.get(), g.get(), n.get(), one.get()) != 1) {
    return OpensslError("bad generator");
  }
  return std::unique_ptr<Sm2Curve>(new Sm2Curve(std::move(group)));
}

void Sm2Curve::Coordinates(const EC_POINT* point, Bytes* x, Bytes* y) const {
  BnPtr bx(BN_new()), by(BN_new());
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(
      EC_POINT_get_affine_coordinates(group_.get(), point, bx.get(), by.get(), ctx.get()) == 1);
  *x = BnToBytes(bx.get(), field_bytes_);
  *y = BnToBytes(by.get(), field_bytes_);
}

Bytes Sm2Curve::ZValue(ByteView id, const EC_POINT* pub) const {
  Bytes xa, ya;
  Coordinates(pub, &xa, &ya);
  Bytes input;
  AppendU16Be(input, static_cast<uint16_t>(id.size() * 8));
  Append(input, id);
  Append(input, abxy_);
  Append(input, xa);
  Append(input, ya);
  return Sm3(input);
}

StatusOr<EcPointPtr> Sm2Curve::DecodePoint(ByteView encoded) const {
  if (encoded.size() != 1 + 2 * field_bytes_ || encoded[0] != 0x04) {
    return InvalidArgumentError("an SM2 point must be uncompressed: 04 || X || Y");
  }
  EcPointPtr p(EC_POINT_new(group_.get()));
  BnCtxPtr ctx(BN_CTX_new());
  if (EC_POINT_oct2point(group_.get(), p.get(), encoded.data(), encoded.size(), ctx.get()) != 1 ||
      EC_POINT_is_on_curve(group_.get(), p.get(), ctx.get()) != 1 || IsInfinity(p.get())) {
    ClearOpensslErrors();
    return InvalidArgumentError("the point is not on the SM2 curve");
  }
  return p;
}

Bytes Sm2Curve::EncodePoint(const EC_POINT* point) const {
  Bytes out(1 + 2 * field_bytes_);
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(EC_POINT_point2oct(group_.get(), point, POINT_CONVERSION_UNCOMPRESSED, out.data(),
                                  out.size(), ctx.get()) == out.size());
  return out;
}

EcPointPtr Sm2Curve::Mul(const BIGNUM* g_scalar, const EC_POINT* p, const BIGNUM* p_scalar) const {
  EcPointPtr out(EC_POINT_new(group_.get()));
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(EC_POINT_mul(group_.get(), out.get(), g_scalar, p, p_scalar, ctx.get()) == 1);
  return out;
}

EcPointPtr Sm2Curve::Add(const EC_POINT* a, const EC_POINT* b) const {
  EcPointPtr out(EC_POINT_new(group_.get()));
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(EC_POINT_add(group_.get(), out.get(), a, b, ctx.get()) == 1);
  return out;
}

EcPointPtr Sm2Curve::Negate(const EC_POINT* a) const {
  EcPointPtr out(EC_POINT_dup(a, group_.get()));
  BnCtxPtr ctx(BN_CTX_new());
  HETONG_CHECK(EC_POINT_invert(group_.get(), out.get(), ctx.get()) == 1);
  return out;
}

StatusOr<BnPtr> Sm2Curve::RandomScalar() const {
  BnPtr k(BN_secure_new());
  do {
    if (BN_priv_rand_range(k.get(), order()) != 1) {
      return OpensslError("random scalar generation failed", StatusCode::kUnavailable);
    }
  } while (BN_is_zero(k.get()));
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  return k;
}

StatusOr<EcSignatureParts> SignDigestWithK(const Sm2Curve& curve, const BIGNUM* d, ByteView e,
                                           const BIGNUM* k) {
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  EcPointPtr kg = curve.Mul(k, nullptr, nullptr);
  Bytes x1, y1;
  curve.Coordinates(kg.get(), &x1, &y1);
  BnPtr ebn = BnFromBytes(e), x1bn = BnFromBytes(x1);
  BnPtr r(BN_new()), s(BN_new()), tmp(BN_new()), dp1(BN_new()), inv(BN_new());
  BN_mod_add(r.get(), ebn.get(), x1bn.get(), n, ctx.get());
  BN_add(tmp.get(), r.get(), k);
  if (BN_is_zero(r.get()) || BN_cmp(tmp.get(), n) == 0) {
    return FailedPreconditionError("r = 0 or r + k = n: choose another k");
  }
  // s = (1 + d)^-1 (k - r d) mod n
  BN_copy(dp1.get(), d);
  BN_add_word(dp1.get(), 1);
  if (!BN_mod_inverse(inv.get(), dp1.get(), n, ctx.get()))
    return OpensslError("1 + d not invertible");
  BN_mod_mul(tmp.get(), r.get(), d, n, ctx.get());
  BN_mod_sub(tmp.get(), k, tmp.get(), n, ctx.get());
  BN_mod_mul(s.get(), inv.get(), tmp.get(), n, ctx.get());
  if (BN_is_zero(s.get())) return FailedPreconditionError("s = 0: choose another k");
  size_t len = static_cast<size_t>(BN_num_bytes(n));
  return EcSignatureParts{BnToBytes(r.get(), len), BnToBytes(s.get(), len)};
}

Status VerifyDigest(const Sm2Curve& curve, const EC_POINT* pub, ByteView e, ByteView r,
                    ByteView s) {
  const Status mismatch = InvalidArgumentError("signature does not verify");
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  BnPtr rb = BnFromBytes(r), sb = BnFromBytes(s);
  if (BN_is_zero(rb.get()) || BN_is_zero(sb.get()) || BN_cmp(rb.get(), n) >= 0 ||
      BN_cmp(sb.get(), n) >= 0) {
    return mismatch;
  }
  BnPtr t(BN_new());
  BN_mod_add(t.get(), rb.get(), sb.get(), n, ctx.get());
  if (BN_is_zero(t.get())) return mismatch;
  EcPointPtr pt = curve.Mul(sb.get(), pub, t.get());
  if (curve.IsInfinity(pt.get())) return mismatch;
  Bytes x1, y1;
  curve.Coordinates(pt.get(), &x1, &y1);
  BnPtr rr(BN_new()), ebn = BnFromBytes(e), x1bn = BnFromBytes(x1);
  BN_mod_add(rr.get(), ebn.get(), x1bn.get(), n, ctx.get());
  if (BN_cmp(rr.get(), rb.get()) != 0) return mismatch;
  return OkStatus();
}

StatusOr<Bytes> EncryptWithK(const Sm2Curve& curve, const EC_POINT* pub, ByteView msg,
                             const BIGNUM* k) {
  if (msg.empty()) return InvalidArgumentError("SM2 cannot encrypt an empty message");
  EcPointPtr c1 = curve.Mul(k, nullptr, nullptr);
  EcPointPtr kp = curve.Mul(nullptr, pub, k);
  Bytes x1, y1, x2, y2;
  curve.Coordinates(c1.get(), &x1, &y1);
  curve.Coordinates(kp.get(), &x2, &y2);
  SecretBytes t = Sm3Kdf(Concat(x2, y2), msg.size());
  auto tv = t.Reveal(SecretAccess::Unsafe());
  bool all_zero = true;
  for (uint8_t v : tv) all_zero = all_zero && v == 0;
  if (all_zero) return FailedPreconditionError("KDF output is zero: choose another k");
  Bytes c2(msg.size());
  for (size_t i = 0; i < msg.size(); ++i) c2[i] = msg[i] ^ tv[i];
  Bytes c3 = Sm3(Concat(x2, msg, y2));
  return der::Seq({der::UnsignedInteger(x1), der::UnsignedInteger(y1), der::OctetString(c3),
                   der::OctetString(c2)});
}

StatusOr<SecretBytes> Decrypt(const Sm2Curve& curve, const BIGNUM* d, ByteView ciphertext) {
  const Status bad = InvalidArgumentError("malformed SM2 ciphertext");
  der::Reader outer(ciphertext);
  auto seq = outer.ReadSequence();
  if (!seq.ok() || !outer.ExpectEnd("ciphertext").ok()) return bad;
  auto x = seq->ReadUnsignedInteger();
  auto y = seq->ReadUnsignedInteger();
  auto c3 = seq->ReadOctetString();
  auto c2 = seq->ReadOctetString();
  if (!x.ok() || !y.ok() || !c3.ok() || !c2.ok() || !seq->ExpectEnd("ciphertext").ok() ||
      c3->size() != 32 || c2->empty() || x->size() > curve.field_bytes() ||
      y->size() > curve.field_bytes()) {
    return bad;
  }
  Bytes point{0x04};
  Append(point, Bytes(curve.field_bytes() - x->size(), 0));
  Append(point, *x);
  Append(point, Bytes(curve.field_bytes() - y->size(), 0));
  Append(point, *y);
  auto c1 = curve.DecodePoint(point);
  if (!c1.ok()) return InvalidArgumentError("malformed SM2 ciphertext: C1 is not on the curve");
  EcPointPtr s = curve.Mul(nullptr, c1->get(), d);
  Bytes x2, y2;
  curve.Coordinates(s.get(), &x2, &y2);
  SecretBytes t = Sm3Kdf(Concat(x2, y2), c2->size());
  SecretBytes m(c2->size());
  auto mv = m.RevealMutable(SecretAccess::Unsafe());
  auto tv = t.Reveal(SecretAccess::Unsafe());
  for (size_t i = 0; i < mv.size(); ++i) mv[i] = (*c2)[i] ^ tv[i];
  Bytes u = Sm3(Concat(x2, ByteView(mv), y2));
  if (!ConstantTimeEquals(u, *c3)) {
    return DataLossError("SM2 decryption failed: wrong key or the ciphertext was modified");
  }
  return m;
}

StatusOr<BnPtr> PrivateScalar(const PrivateKey& key) {
  if (key.type() != KeyType::kSm2) return InvalidArgumentError("not an SM2 key");
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key.evp(), OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) {
    return OpensslError("cannot read the SM2 private key");
  }
  BN_set_flags(d, BN_FLG_CONSTTIME);
  return BnPtr(d);
}

StatusOr<EcPointPtr> PublicPoint(const Sm2Curve& curve, const PublicKey& key) {
  if (key.type() != KeyType::kSm2) return InvalidArgumentError("not an SM2 key");
  HETONG_ASSIGN_OR_RETURN(Bytes point, key.EcPoint());
  return curve.DecodePoint(point);
}

}  // namespace hetong::crypto::internal
