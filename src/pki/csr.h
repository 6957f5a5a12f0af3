// PKCS#10 certification requests (RFC 2986): a strict parser for the requests that
// applicants and other tools (`openssl req -new`) send to hetong's CA, the proof-of-possession
// check (the request's signature under its own subject key), and the builder behind
// `hetong csr new`.
//
// Requested subject alternative names (dNSName, iPAddress, rfc822Name) are read from the
// PKCS#9 extensionRequest attribute (1.2.840.113549.1.9.14). Other attributes are listed by
// OID only; their values (a challengePassword, for instance) are never kept. SM2 requests are
// signed and checked with the GM/T 0009 default ID 1234567812345678, as every SM2 signature
// in hetong's PKI; OpenSSL 3.0 signs with an empty ID unless given
// `-sigopt distid:1234567812345678`, and such a request is refused with that hint.
//
// Thread-safety: CertificationRequest is an immutable value after parsing; BuildCsr is a pure
// function (the Signer must be thread-safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace hetong::pki {

// PKCS#9 extensionRequest attribute.
inline constexpr std::string_view kExtensionRequestOid = "1.2.840.113549.1.9.14";

// The subject alternative names a request asks for.
struct SubjectAltNames {
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // dotted IPv4 (other lengths: hex, as Certificate)
  std::vector<std::string> emails;
  bool empty() const { return dns_names.empty() && ip_addresses.empty() && emails.empty(); }
};

class CertificationRequest {
 public:
  // DER, or PEM "CERTIFICATE REQUEST" (also the legacy "NEW CERTIFICATE REQUEST").
  // InvalidArgument "malformed certificate request: ..." for anything else.
  static StatusOr<CertificationRequest> Parse(ByteView der_or_pem);

  const Bytes& der() const { return der_; }
  // certificationRequestInfo, DER: what the signature covers.
  const Bytes& cri_der() const { return cri_; }
  const Bytes& subject_der() const { return subject_der_; }
  const DistinguishedName& subject() const { return subject_; }
  const crypto::PublicKey& public_key() const { return *public_key_; }
  const Bytes& spki_der() const { return spki_der_; }
  // OIDs of every attribute, in order (values are not kept).
  const std::vector<std::string>& attribute_oids() const { return attribute_oids_; }
  // The extensions of the extensionRequest attribute (empty when absent).
  const std::vector<Extension>& requested_extensions() const { return requested_extensions_; }
  // The requested subject alternative names (empty when none are requested).
  const SubjectAltNames& requested_san() const { return san_; }
  const std::string& signature_oid() const { return signature_oid_; }
  const Bytes& signature_params() const { return signature_params_; }  // DER; empty if absent/NULL
  const Bytes& signature() const { return signature_; }

  // Checks the request's signature with its own subject key (SM2: default ID). OK when it
  // verifies; InvalidArgument otherwise, with a hint when an SM2 request was signed with
  // OpenSSL's empty ID.
  Status VerifyProofOfPossession() const;

  std::string ToPem() const;  // "CERTIFICATE REQUEST"

 private:
  CertificationRequest() = default;

  Bytes der_, cri_, subject_der_, spki_der_;
  DistinguishedName subject_;
  std::shared_ptr<crypto::PublicKey> public_key_;
  std::vector<std::string> attribute_oids_;
  std::vector<Extension> requested_extensions_;
  SubjectAltNames san_;
  std::string signature_oid_;
  Bytes signature_params_, signature_;
};

// Builds a PKCS#10 request for `subject` and the signer's public key, signed by `signer`
// (which must use the default SM2 ID for SM2 keys: the result is checked before it is
// returned). `san` goes into an extensionRequest attribute when not empty; IP addresses are
// dotted IPv4. Returns the DER; InvalidArgument for an empty request or a bad name.
StatusOr<Bytes> BuildCsr(const crypto::Signer& signer, const DistinguishedName& subject,
                         const SubjectAltNames& san = {});

}  // namespace hetong::pki
