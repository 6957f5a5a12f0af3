// X.509 v3 certificates (RFC 5280): a strict parser of our own (every certificate hetong
// handles, including external CAs' and fuzzed input, goes through it) exposing the fields
// path validation and the signers need, and signature checking with the SM2 ID rule of
// GM/T 0009 (SM2 signatures in certificates, CRLs and OCSP responses use the default ID
// 1234567812345678).
//
// Thread-safety: immutable value after parsing; safe to share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "pki/name.h"

namespace hetong::pki {

// KeyUsage bits (RFC 5280 §4.2.1.3).
enum KeyUsageBit : int {
  kDigitalSignature = 0,
  kNonRepudiation = 1,
  kKeyEncipherment = 2,
  kDataEncipherment = 3,
  kKeyAgreement = 4,
  kKeyCertSign = 5,
  kCrlSign = 6,
};

struct Extension {
  std::string oid;
  bool critical = false;
  Bytes value;  // contents of extnValue
};

class Certificate {
 public:
  // DER, or PEM "CERTIFICATE".
  static StatusOr<Certificate> Parse(ByteView data);
  // Every certificate in a PEM bundle (or a single DER certificate).
  static StatusOr<std::vector<Certificate>> ParseAll(ByteView data);

  const Bytes& der() const { return der_; }
  const Bytes& tbs_der() const { return tbs_; }
  int version() const { return version_; }         // 1..3
  const Bytes& serial() const { return serial_; }  // INTEGER contents as encoded
  std::string SerialHex() const;
  const Bytes& issuer_der() const { return issuer_der_; }
  const Bytes& subject_der() const { return subject_der_; }
  const DistinguishedName& issuer() const { return issuer_; }
  const DistinguishedName& subject() const { return subject_; }
  base::TimePoint not_before() const { return not_before_; }
  base::TimePoint not_after() const { return not_after_; }
  const crypto::PublicKey& public_key() const { return *public_key_; }
  const Bytes& spki_der() const { return spki_der_; }
  const std::string& signature_oid() const { return signature_oid_; }
  const Bytes& signature_params() const { return signature_params_; }
  const Bytes& signature() const { return signature_; }
  const std::vector<Extension>& extensions() const { return extensions_; }
  const Extension* FindExtension(std::string_view oid) const;

  // Decoded extensions (absent -> empty / nullopt).
  bool is_ca() const { return is_ca_; }
  std::optional<int> path_len() const { return path_len_; }
  bool has_basic_constraints() const { return has_basic_constraints_; }
  std::optional<uint16_t> key_usage() const { return key_usage_; }  // bit i = KeyUsageBit i
  bool HasKeyUsage(KeyUsageBit bit) const { return !key_usage_ || (*key_usage_ >> bit) & 1; }
  const std::vector<std::string>& ext_key_usage() const { return eku_; }
  bool eku_critical() const { return eku_critical_; }
  const Bytes& subject_key_id() const { return ski_; }
  const Bytes& authority_key_id() const { return aki_; }
  const std::vector<std::string>& crl_urls() const { return crl_urls_; }
  const std::vector<std::string>& ocsp_urls() const { return ocsp_urls_; }
  const std::vector<std::string>& ca_issuer_urls() const { return ca_issuer_urls_; }
  const std::vector<std::string>& policies() const { return policies_; }
  const std::vector<std::string>& dns_names() const { return dns_names_; }
  const std::vector<std::string>& ip_addresses() const { return ips_; }
  const std::vector<std::string>& emails() const { return emails_; }
  bool ocsp_nocheck() const { return ocsp_nocheck_; }
  // The SM3 hash carried by hetong's signing-evidence extension (event certificates).
  const Bytes& signing_evidence_hash() const { return evidence_hash_; }
  // Critical extensions hetong does not understand (a certificate with any is unusable).
  const std::vector<std::string>& unknown_critical() const { return unknown_critical_; }

  bool IsSelfIssued() const;
  bool ValidAt(base::TimePoint t) const { return t >= not_before_ && t <= not_after_; }
  // SM3 of the DER, lowercase hex (how hetong names a certificate in logs and the API).
  std::string Fingerprint() const;
  std::string ToPem() const;

  // The signature algorithm, given the issuer key type; nullopt if unsupported.
  std::optional<crypto::SignatureAlgorithm> SignatureAlgorithm(crypto::KeyType issuer_key) const;
  // Checks this certificate's signature with the issuer's key (SM2: default ID).
  Status VerifySignedBy(const crypto::PublicKey& issuer_key) const;

 private:
  Certificate() = default;
  Status ParseExtensions(ByteView seq_contents);

  Bytes der_, tbs_, serial_, issuer_der_, subject_der_, spki_der_;
  int version_ = 1;
  DistinguishedName issuer_, subject_;
  base::TimePoint not_before_{}, not_after_{};
  std::shared_ptr<crypto::PublicKey> public_key_;
  std::string signature_oid_;
  Bytes signature_params_, signature_;
  std::vector<Extension> extensions_;
  bool is_ca_ = false, has_basic_constraints_ = false, eku_critical_ = false, ocsp_nocheck_ = false;
  std::optional<int> path_len_;
  std::optional<uint16_t> key_usage_;
  std::vector<std::string> eku_, crl_urls_, ocsp_urls_, ca_issuer_urls_, policies_, dns_names_,
      ips_, emails_, unknown_critical_;
  Bytes ski_, aki_, evidence_hash_;
};

// Signature algorithm identifiers shared by certificates, CRLs and OCSP responses.
std::optional<crypto::SignatureAlgorithm> SignatureAlgorithmFromOid(std::string_view oid,
                                                                    ByteView params,
                                                                    crypto::KeyType key);
// Verifies `signature` over `tbs` by `key` for the algorithm named by `oid` (SM2: default ID).
Status VerifyTbsSignature(const crypto::PublicKey& key, std::string_view oid, ByteView params,
                          ByteView tbs, ByteView signature);

}  // namespace hetong::pki
