// Certificate profiles of hetong's CA and the issuance of certificates from them
// (RFC 5280 extensions; docs/formats/certificates.md lists every profile's extensions).
//
//   root      self-signed CA; BC critical CA:TRUE; KU critical keyCertSign, cRLSign
//   ca        issuing CA; BC CA:TRUE pathlen 0; KU keyCertSign, cRLSign; CRLDP + caIssuers of the
//   root personal  1 year; KU critical digitalSignature, nonRepudiation; EKU emailProtection,
//             documentSigning, clientAuth; CRLDP, AIA (OCSP, caIssuers)
//   org       1 year; as personal, organisation policy
//   event     24 hours; as personal, plus the signing-evidence extension (SM3 of the evidence
//             collected at signing, GM/Y 5013 §5.3.4.2)
//   tsa       KU critical digitalSignature, nonRepudiation; EKU critical timeStamping only
//   ocsp      KU critical digitalSignature; EKU OCSPSigning; id-pkix-ocsp-nocheck
//   tls       KU critical digitalSignature (+keyEncipherment for RSA); EKU serverAuth; SAN
//   evidence  5 years; KU critical digitalSignature, nonRepudiation; EKU critical
//             id-kp-hetongEvidenceLog only (signs the evidence log's tree heads)
// Every certificate has a random positive 128-bit serial, SKI, and (below the root) AKI.
//
// Thread-safety: pure functions; the Signer must be thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/status.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace hetong::pki {

enum class Profile {
  kRoot,
  kIssuingCa,
  kPersonal,
  kOrganization,
  kEvent,
  kTsa,
  kOcspSigner,
  kTls,
  // The platform's encryption certificate: keyUsage keyEncipherment + dataEncipherment, for
  // the SM2 envelopes clients wrap sensitive fields in.
  kEncryption,
  // The evidence log's tree-head signer (docs/formats/evidence.md).
  kEvidenceLog,
};

std::string_view ProfileName(
    Profile p);  // "root", "ca", "personal", "org", "event", "tsa", "ocsp", "tls", "evidence"
std::optional<Profile> ProfileFromName(std::string_view name);
std::chrono::seconds DefaultValidity(Profile p);

// Who signs: the CA's signer, its certificate (absent for a self-signed root) and the URLs of
// this instance under which its CRL and certificate are published.
struct IssuerContext {
  const crypto::Signer* signer = nullptr;
  const Certificate* certificate = nullptr;  // null: self-signed (root profile)
  std::string crl_url;                       // e.g. https://host/pki/crl/sm2-ca.crl
  std::string ca_issuers_url;                // e.g. https://host/pki/ca/sm2-ca.crt
  std::string ocsp_url;                      // e.g. https://host/pki/ocsp
};

struct IssueRequest {
  Profile profile = Profile::kPersonal;
  DistinguishedName subject;
  std::optional<crypto::PublicKey> subject_key;  // required
  std::optional<base::TimePoint> not_before;     // default: now − 1 minute
  std::optional<base::TimePoint> not_after;      // default: not_before + DefaultValidity
  std::vector<std::string> dns_names;            // SAN (tls)
  std::vector<std::string> ip_addresses;         // SAN (tls), dotted IPv4
  std::vector<std::string> emails;               // SAN (personal, org, event)
  Bytes evidence_hash;                           // event profile: SM3 of the signing evidence
  bool demo = false;                             // adds the demo policy (sandbox identities)
  // For a CA certificate issued by a root: the root's CRL/caIssuers URLs go into it.
  std::optional<int> path_len;
};

// Issues a certificate (returns its DER). The validity is capped at the issuer's notAfter;
// fails if the subject key and profile do not fit (e.g. TLS without a SAN).
StatusOr<Bytes> IssueCertificate(const IssueRequest& request, const IssuerContext& issuer,
                                 const base::Clock& clock, Rng& rng);

// The subjectPublicKeyInfo key identifier used for SKI/AKI: SHA-1 of the key bits.
Bytes KeyId(const crypto::PublicKey& key);

}  // namespace hetong::pki
