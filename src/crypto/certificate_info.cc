#include "crypto/certificate_info.h"

#include <openssl/x509v3.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {

namespace der = base::der;

Bytes KeyIdentifier(const PublicKey& key) {
  Bytes spki = key.ToSpkiDer();
  der::Reader r(spki);
  auto seq = r.ReadSequence();
  HETONG_CHECK(seq.ok());
  HETONG_CHECK(seq->ReadAny().ok());  // algorithm
  auto bits = seq->ReadBitString();
  HETONG_CHECK(bits.ok());
  return Hash(HashAlgorithm::kSha1, *bits);
}

StatusOr<CertificateInfo> ParseCertificateInfo(ByteView data) {
  Bytes der_bytes;
  if (base::LooksLikePem(data)) {
    auto d = base::PemDecode(ToString(data), "CERTIFICATE");
    if (!d.ok()) return InvalidArgumentError("expected a PEM 'CERTIFICATE' block");
    der_bytes = std::move(*d);
  } else {
    der_bytes = ToBytes(data);
  }
  const unsigned char* p = der_bytes.data();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der_bytes.size())));  // NOLINT
  if (!x) return OpensslError("not a valid X.509 certificate", StatusCode::kInvalidArgument);
  if (p != der_bytes.data() + der_bytes.size()) {
    return InvalidArgumentError("trailing data after the certificate");
  }
  auto name_der = [](const X509_NAME* n) {
    unsigned char* buf = nullptr;
    int len = i2d_X509_NAME(n, &buf);
    Bytes out;
    if (len > 0) out.assign(buf, buf + len);
    OPENSSL_free(buf);
    return out;
  };
  Bytes issuer = name_der(X509_get_issuer_name(x.get()));
  Bytes subject = name_der(X509_get_subject_name(x.get()));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get());
  BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return OpensslError("bad certificate serial number", StatusCode::kInvalidArgument);
  Bytes serial_bytes =
      BnToBytes(bn.get(), static_cast<size_t>(std::max(1, BN_num_bytes(bn.get()))));
  EVP_PKEY* pkey = X509_get_pubkey(x.get());  // new reference
  if (!pkey)
    return OpensslError("the certificate's public key is unusable", StatusCode::kInvalidArgument);
  HETONG_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::FromEvp(pkey));
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x.get());
  Bytes key_id;
  if (ski) {
    key_id.assign(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  } else {
    key_id = KeyIdentifier(pub);
  }
  ClearOpensslErrors();
  return CertificateInfo{std::move(der_bytes),    std::move(issuer), std::move(subject),
                         std::move(serial_bytes), std::move(key_id), std::move(pub)};
}

}  // namespace hetong::crypto
