// X.509 v2 certificate revocation lists (RFC 5280 §5): the builder hetong's CA publishes
// CRLs with, and a strict parser for CRLs from any CA (including `openssl ca -gencrl`).
//
// hetong's CRLs are complete (not delta) CRLs with the crlExtensions authorityKeyIdentifier
// (keyIdentifier = the CA certificate's subjectKeyIdentifier) and cRLNumber, and per entry a
// reasonCode (omitted for unspecified, as §5.3.1 recommends) and an optional invalidityDate.
// SM2 CRLs are signed and checked with the GM/T 0009 default ID 1234567812345678 (OpenSSL 3.0
// cannot check those itself; `openssl pkeyutl -rawin -pkeyopt distid:...` over tbs_der() can).
//
// Serial numbers are INTEGER contents as encoded, the form Certificate::serial() returns.
//
// Thread-safety: Crl is an immutable value after parsing; the free functions are pure (the
// Signer must be thread-safe).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace hetong::pki {

// CRLReason (RFC 5280 §5.3.1); 7 is not used.
enum class CrlReason : int {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,
  kRemoveFromCrl = 8,
  kPrivilegeWithdrawn = 9,
  kAaCompromise = 10,
};

// RFC 5280 names: "unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
// "superseded", "cessationOfOperation", "certificateHold", "removeFromCRL",
// "privilegeWithdrawn", "aACompromise" (also what `openssl ca -crl_reason` takes).
std::string_view CrlReasonName(CrlReason reason);
std::optional<CrlReason> CrlReasonFromName(std::string_view name);
std::optional<CrlReason> CrlReasonFromCode(int64_t code);
// The CRLReason ENUMERATED (its full DER), shared by CRL entries and OCSP RevokedInfo.
Bytes EncodeCrlReason(CrlReason reason);
// InvalidArgument for anything but a DER ENUMERATED holding a defined reason.
StatusOr<CrlReason> DecodeCrlReason(ByteView enumerated_der);

struct RevokedEntry {
  Bytes serial;  // INTEGER contents, as Certificate::serial()
  base::TimePoint revocation_time{};
  CrlReason reason = CrlReason::kUnspecified;
  std::optional<base::TimePoint> invalidity_date;
};

// Builds and signs a complete v2 CRL of `ca_cert` (whose key `ca_signer` holds). Times are
// truncated to seconds. Fails with InvalidArgument when the signer does not hold the CA
// certificate's key, the CA may not sign CRLs, next_update is not after this_update,
// crl_number is negative, a serial is not a minimal DER INTEGER or appears twice, or an entry
// uses removeFromCRL (delta CRLs only).
StatusOr<Bytes> BuildCrl(const crypto::Signer& ca_signer, const Certificate& ca_cert,
                         int64_t crl_number, base::TimePoint this_update,
                         base::TimePoint next_update, const std::vector<RevokedEntry>& revoked);

class Crl {
 public:
  // DER, or PEM "X509 CRL". InvalidArgument "malformed CRL: ..." for anything else (including
  // a serial number listed twice).
  static StatusOr<Crl> Parse(ByteView der_or_pem);

  const Bytes& der() const { return der_; }
  const Bytes& tbs_der() const { return tbs_; }  // tbsCertList: what the signature covers
  int version() const { return version_; }       // 1 or 2
  const Bytes& issuer_der() const { return issuer_der_; }
  const DistinguishedName& issuer() const { return issuer_; }
  base::TimePoint this_update() const { return this_update_; }
  const std::optional<base::TimePoint>& next_update() const { return next_update_; }
  // cRLNumber as a big-endian magnitude without leading zeros (up to 20 octets).
  const std::optional<Bytes>& crl_number() const { return crl_number_; }
  // cRLNumber when it fits in an int64_t.
  std::optional<int64_t> CrlNumberValue() const;
  const Bytes& authority_key_id() const { return aki_; }  // empty when absent
  const std::vector<RevokedEntry>& entries() const { return entries_; }
  const std::vector<Extension>& extensions() const { return extensions_; }
  // Critical CRL or entry extensions hetong does not process (a delta CRL indicator, an
  // issuing distribution point, an indirect CRL's certificateIssuer...): a CRL with any of
  // them must not be used for revocation decisions (RFC 5280 §5.2).
  const std::vector<std::string>& unknown_critical() const { return unknown_critical_; }
  const std::string& signature_oid() const { return signature_oid_; }
  const Bytes& signature_params() const { return signature_params_; }  // DER; empty if absent/NULL
  const Bytes& signature() const { return signature_; }

  // The entry for `serial` (INTEGER contents), if the CRL lists it.
  std::optional<RevokedEntry> Find(ByteView serial) const;

  // Checks the CRL's signature with the issuer's key (SM2: default ID). OK or InvalidArgument.
  Status VerifySignedBy(const crypto::PublicKey& issuer_key) const;

  std::string ToPem() const;  // "X509 CRL"

 private:
  Crl() = default;

  Bytes der_, tbs_, issuer_der_, aki_;
  int version_ = 1;
  DistinguishedName issuer_;
  base::TimePoint this_update_{};
  std::optional<base::TimePoint> next_update_;
  std::optional<Bytes> crl_number_;
  std::vector<RevokedEntry> entries_;
  std::map<Bytes, size_t> index_;  // serial -> entries_ position
  std::vector<Extension> extensions_;
  std::vector<std::string> unknown_critical_;
  std::string signature_oid_;
  Bytes signature_params_, signature_;
};

}  // namespace hetong::pki
