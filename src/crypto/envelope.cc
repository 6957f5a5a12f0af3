#include "crypto/envelope.h"

#include <openssl/cms.h>

#include "base/der.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "crypto/openssl_util.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"

namespace hetong::crypto {

namespace der = base::der;

namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, OsslDeleter<CMS_ContentInfo, CMS_ContentInfo_free>>;

Status Malformed(const std::string& what) {
  return InvalidArgumentError("malformed envelope: " + what);
}

StatusOr<Bytes> SealSm2(const EnvelopeRecipient& to, ByteView plaintext, Rng& rng) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes cek, RandomSecret(rng, kSm4KeySize));
  HETONG_ASSIGN_OR_RETURN(Bytes iv, RandomBytes(rng, kSm4BlockSize));
  HETONG_ASSIGN_OR_RETURN(Bytes encrypted_key,
                          Sm2Encrypt(to.key, cek.Reveal(SecretAccess::Unsafe())));
  HETONG_ASSIGN_OR_RETURN(Bytes ciphertext, Sm4CbcEncrypt(cek, iv, plaintext, Padding::kPkcs7));
  Bytes recipient;
  if (to.certificate) {
    recipient = der::Seq(
        {der::Integer(1),
         der::Seq({to.certificate->issuer_der, der::UnsignedInteger(to.certificate->serial)}),
         AlgorithmIdentifier(oid::kSm2Encrypt, false), der::OctetString(encrypted_key)});
  } else {
    recipient =
        der::Seq({der::Integer(2), der::Tlv(der::ContextTag(0, false), KeyIdentifier(to.key)),
                  AlgorithmIdentifier(oid::kSm2Encrypt, false), der::OctetString(encrypted_key)});
  }
  Bytes eci =
      der::Seq({der::Oid(oid::kSm2Data), der::Seq({der::Oid(oid::kSm4Cbc), der::OctetString(iv)}),
                der::Tlv(der::ContextTag(0, false), ciphertext)});
  Bytes enveloped = der::Seq({der::Integer(1), der::SetOf({recipient}), eci});
  return der::Seq({der::Oid(oid::kSm2EnvelopedData), der::Explicit(0, enveloped)});
}

StatusOr<Bytes> SealCms(const EnvelopeRecipient& to, ByteView plaintext) {
  if (!to.certificate) {
    return InvalidArgumentError("RSA and EC envelopes need the recipient's certificate (--cert)");
  }
  const unsigned char* p = to.certificate->der.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(to.certificate->der.size())));  // NOLINT
  if (!x) return OpensslError("bad recipient certificate", StatusCode::kInvalidArgument);
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> certs(
      sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
  sk_X509_push(certs.get(), x.get());
  BioPtr in = MemBio(plaintext);
  CmsPtr cms(CMS_encrypt(certs.get(), in.get(), EVP_aes_256_cbc(), CMS_BINARY));
  if (!cms) return OpensslError("cannot build the CMS envelope");
  unsigned char* out = nullptr;
  int n = i2d_CMS_ContentInfo(cms.get(), &out);
  if (n <= 0) return OpensslError("cannot encode the CMS envelope");
  Bytes der_out(out, out + n);
  OPENSSL_free(out);
  return der_out;
}

struct Sm2Recipient {
  Bytes issuer_der, serial, key_id;
  std::string alg;
  Bytes encrypted_key;
};

StatusOr<SecretBytes> OpenSm2(const PrivateKey& key, der::Reader& ci) {
  HETONG_ASSIGN_OR_RETURN(der::Reader ex, ci.ReadConstructed(der::ContextTag(0, true)));
  HETONG_ASSIGN_OR_RETURN(der::Reader env, ex.ReadSequence());
  HETONG_RETURN_IF_ERROR(ex.ExpectEnd("envelope"));
  HETONG_ASSIGN_OR_RETURN(int64_t version, env.ReadSmallInteger());
  (void)version;
  HETONG_ASSIGN_OR_RETURN(der::Reader ris, env.ReadSet());
  std::vector<Sm2Recipient> recipients;
  while (!ris.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Reader ri, ris.ReadSequence());
    Sm2Recipient rcp;
    HETONG_ASSIGN_OR_RETURN(int64_t rv, ri.ReadSmallInteger());
    (void)rv;
    if (ri.PeekIs(der::kSequence)) {
      HETONG_ASSIGN_OR_RETURN(der::Reader ias, ri.ReadSequence());
      HETONG_ASSIGN_OR_RETURN(der::Element issuer, ias.ReadElement(der::kSequence));
      rcp.issuer_der = ToBytes(issuer.tlv);
      HETONG_ASSIGN_OR_RETURN(rcp.serial, ias.ReadUnsignedInteger());
    } else {
      HETONG_ASSIGN_OR_RETURN(ByteView ski, ri.Read(der::ContextTag(0, false)));
      rcp.key_id = ToBytes(ski);
    }
    HETONG_ASSIGN_OR_RETURN(der::Reader alg, ri.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(rcp.alg, alg.ReadOid());
    HETONG_ASSIGN_OR_RETURN(ByteView ek, ri.ReadOctetString());
    rcp.encrypted_key = ToBytes(ek);
    HETONG_RETURN_IF_ERROR(ri.ExpectEnd("RecipientInfo"));
    recipients.push_back(std::move(rcp));
  }
  HETONG_ASSIGN_OR_RETURN(der::Reader eci, env.ReadSequence());
  HETONG_ASSIGN_OR_RETURN(std::string ctype, eci.ReadOid());
  (void)ctype;
  HETONG_ASSIGN_OR_RETURN(der::Reader calg, eci.ReadSequence());
  HETONG_ASSIGN_OR_RETURN(std::string cipher, calg.ReadOid());
  if (cipher != oid::kSm4Cbc)
    return UnimplementedError("the envelope's content cipher is not supported (SM4-CBC is)");
  HETONG_ASSIGN_OR_RETURN(ByteView iv, calg.ReadOctetString());
  HETONG_ASSIGN_OR_RETURN(ByteView ciphertext, eci.Read(der::ContextTag(0, false)));
  if (iv.size() != kSm4BlockSize) return Malformed("the SM4-CBC IV is not 16 bytes");

  Bytes own_id = KeyIdentifier(key.public_key());
  Status last = NotFoundError("the envelope is not addressed to this key");
  for (const auto& rcp : recipients) {
    if (rcp.alg != oid::kSm2Encrypt && rcp.alg != oid::kSm2KeyExchange && rcp.alg != oid::kSm2)
      continue;
    if (!rcp.key_id.empty() && rcp.key_id != own_id) continue;
    auto cek = Sm2Decrypt(key, rcp.encrypted_key);
    if (!cek.ok()) {
      last = cek.status();
      continue;
    }
    if (cek->size() != kSm4KeySize)
      return DataLossError("the envelope's content key is not an SM4 key");
    auto plain = Sm4CbcDecrypt(*cek, iv, ciphertext, Padding::kPkcs7);
    if (!plain.ok()) return DataLossError("the envelope content does not decrypt (damaged data)");
    SecretBytes out = SecretBytes::Copy(*plain);
    SecureWipe(*plain);
    return out;
  }
  if (last.code() == StatusCode::kDataLoss) {
    return NotFoundError("the envelope is not addressed to this key");
  }
  return last;
}

StatusOr<SecretBytes> OpenCms(const PrivateKey& key, ByteView envelope) {
  const unsigned char* p = envelope.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(envelope.size())));  // NOLINT
  if (!cms) return OpensslError("malformed CMS envelope", StatusCode::kInvalidArgument);
  BIO* out = BIO_new(BIO_s_secmem());
  if (!out) out = BIO_new(BIO_s_mem());
  BioPtr out_owner(out);
  if (CMS_decrypt(cms.get(), key.evp(), nullptr, nullptr, out, CMS_BINARY) != 1) {
    ClearOpensslErrors();
    return NotFoundError(
        "the envelope does not open with this key (not addressed to it, or damaged)");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);  // NOLINT
  SecretBytes plain =
      SecretBytes::Copy(ByteView(reinterpret_cast<uint8_t*>(data), static_cast<size_t>(n)));
  if (n > 0) OPENSSL_cleanse(data, static_cast<size_t>(n));
  return plain;
}

}  // namespace

StatusOr<Bytes> SealEnvelope(const EnvelopeRecipient& to, ByteView plaintext, Rng& rng) {
  if (to.certificate && !to.certificate->public_key.Equals(to.key)) {
    return InvalidArgumentError("the recipient certificate does not match the recipient key");
  }
  if (to.key.type() == KeyType::kSm2) return SealSm2(to, plaintext, rng);
  return SealCms(to, plaintext);
}

StatusOr<SecretBytes> OpenEnvelope(const PrivateKey& key, ByteView envelope) {
  der::Reader top(envelope);
  auto ci = top.ReadSequence();
  if (!ci.ok() || !top.ExpectEnd("envelope").ok()) return Malformed("not a DER ContentInfo");
  der::Reader peek = *ci;
  auto type = peek.ReadOid();
  if (!type.ok()) return Malformed("no content type");
  if (*type == oid::kSm2EnvelopedData ||
      (*type == oid::kEnvelopedData && key.type() == KeyType::kSm2)) {
    if (key.type() != KeyType::kSm2)
      return InvalidArgumentError("an SM2 envelope needs an SM2 key");
    auto r = OpenSm2(key, peek);
    if (!r.ok() && *type == oid::kEnvelopedData &&
        (r.status().code() == StatusCode::kInvalidArgument ||
         r.status().code() == StatusCode::kUnimplemented)) {
      // An RFC 5652 envelope in a shape an SM2 recipient never gets (key agreement, other
      // recipients): it is not for this key.
      return NotFoundError("the envelope is not addressed to this key");
    }
    if (!r.ok() && r.status().code() == StatusCode::kInvalidArgument &&
        r.status().message().rfind("DER", 0) == 0) {
      return Malformed(r.status().message());
    }
    return r;
  }
  if (*type != oid::kEnvelopedData) return Malformed("not an EnvelopedData");
  return OpenCms(key, envelope);
}

}  // namespace hetong::crypto
