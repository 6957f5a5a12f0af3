#include "crypto/sm2.h"

#include "base/der.h"
#include "crypto/hash.h"
#include "crypto/internal/sm2_math.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {

namespace der = base::der;
using internal::Sm2Curve;

StatusOr<Bytes> Sm2ZValue(const PublicKey& key, std::string_view id) {
  if (id.size() > 8191) return InvalidArgumentError("the SM2 ID is too long");
  const Sm2Curve& curve = Sm2Curve::Recommended();
  HETONG_ASSIGN_OR_RETURN(EcPointPtr p, internal::PublicPoint(curve, key));
  return curve.ZValue(AsBytes(id), p.get());
}

StatusOr<Bytes> Sm2MessageDigest(const PublicKey& key, ByteView message, std::string_view id) {
  HETONG_ASSIGN_OR_RETURN(Bytes z, Sm2ZValue(key, id));
  auto h = Hasher::Create(HashAlgorithm::kSm3);
  HETONG_RETURN_IF_ERROR(h.status());
  h->Update(z);
  h->Update(message);
  return h->Finish();
}

Status Sm2VerifyDigest(const PublicKey& key, ByteView e, ByteView signature_der) {
  if (e.size() != 32) return InvalidArgumentError("an SM2 digest is 32 bytes");
  HETONG_ASSIGN_OR_RETURN(EcSignatureParts parts, ParseEcSignatureDer(signature_der));
  const Sm2Curve& curve = Sm2Curve::Recommended();
  HETONG_ASSIGN_OR_RETURN(EcPointPtr p, internal::PublicPoint(curve, key));
  return internal::VerifyDigest(curve, p.get(), e, parts.r, parts.s);
}

StatusOr<Bytes> Sm2Encrypt(const PublicKey& key, ByteView plaintext) {
  if (key.type() != KeyType::kSm2) return InvalidArgumentError("SM2 encryption needs an SM2 key");
  if (plaintext.empty()) return InvalidArgumentError("SM2 cannot encrypt an empty message");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.evp(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1)
    return OpensslError("cannot start SM2 encryption");
  size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()) != 1) {
    return OpensslError("SM2 encryption failed");
  }
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()) != 1) {
    return OpensslError("SM2 encryption failed");
  }
  out.resize(len);
  return out;
}

StatusOr<SecretBytes> Sm2Decrypt(const PrivateKey& key, ByteView ciphertext) {
  if (key.type() != KeyType::kSm2) return InvalidArgumentError("SM2 decryption needs an SM2 key");
  // Our own strict decoder and C3 check: OpenSSL's accepts some non-DER encodings and does
  // not distinguish malformed input from a wrong key.
  HETONG_ASSIGN_OR_RETURN(BnPtr d, internal::PrivateScalar(key));
  return internal::Decrypt(Sm2Curve::Recommended(), d.get(), ciphertext);
}

StatusOr<Bytes> Sm2CiphertextToRaw(ByteView ciphertext, Sm2CipherLayout layout) {
  const Status bad = InvalidArgumentError("malformed SM2 ciphertext");
  der::Reader outer(ciphertext);
  auto seq = outer.ReadSequence();
  if (!seq.ok() || !outer.ExpectEnd("ciphertext").ok()) return bad;
  auto x = seq->ReadUnsignedInteger();
  auto y = seq->ReadUnsignedInteger();
  auto c3 = seq->ReadOctetString();
  auto c2 = seq->ReadOctetString();
  if (!x.ok() || !y.ok() || !c3.ok() || !c2.ok() || !seq->ExpectEnd("ciphertext").ok() ||
      x->size() > 32 || y->size() > 32 || c3->size() != 32) {
    return bad;
  }
  Bytes out{0x04};
  Append(out, Bytes(32 - x->size(), 0));
  Append(out, *x);
  Append(out, Bytes(32 - y->size(), 0));
  Append(out, *y);
  if (layout == Sm2CipherLayout::kC1C3C2) {
    Append(out, *c3);
    Append(out, *c2);
  } else {
    Append(out, *c2);
    Append(out, *c3);
  }
  return out;
}

StatusOr<Bytes> Sm2CiphertextFromRaw(ByteView raw, Sm2CipherLayout layout) {
  if (raw.size() < 65 + 32 + 1 || raw[0] != 0x04) {
    return InvalidArgumentError(
        "a raw SM2 ciphertext is 04 || X || Y || C3 || C2 (at least 98 bytes)");
  }
  ByteView x = raw.subspan(1, 32), y = raw.subspan(33, 32);
  ByteView c3, c2;
  if (layout == Sm2CipherLayout::kC1C3C2) {
    c3 = raw.subspan(65, 32);
    c2 = raw.subspan(97);
  } else {
    c2 = raw.subspan(65, raw.size() - 97);
    c3 = raw.subspan(raw.size() - 32);
  }
  return der::Seq({der::UnsignedInteger(x), der::UnsignedInteger(y), der::OctetString(c3),
                   der::OctetString(c2)});
}

StatusOr<Bytes> Sm2SignatureToRaw(ByteView sig) {
  HETONG_ASSIGN_OR_RETURN(EcSignatureParts p, ParseEcSignatureDer(sig));
  return Concat(p.r, p.s);
}

StatusOr<Bytes> Sm2SignatureFromRaw(ByteView raw) {
  if (raw.size() != 64) return InvalidArgumentError("a raw SM2 signature is 64 bytes: r || s");
  return EncodeEcSignatureDer(raw.first(32), raw.subspan(32));
}

}  // namespace hetong::crypto
