// Certification path validation (RFC 5280 §6, the parts hetong needs): builds a chain from a
// target certificate through intermediates to a trust anchor, then checks every link at a
// given time — signatures (SM2 with the GM/T 0009 default ID, RSA, ECDSA), validity, name
// chaining and key identifiers, basic constraints and path length, key usage and extended
// key usage for the purpose, unknown critical extensions — and revocation through a
// RevocationChecker (online, or from data captured earlier, see revocation.h).
//
// The result says exactly which certificate failed and why. Revocation is judged at the
// validation time: a certificate revoked after that time was valid at it.
//
// Thread-safety: ValidatePath is reentrant; the checker must be thread-safe if shared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "pki/certificate.h"

namespace hetong::pki {

enum class KeyPurpose {
  kAny,              // only CA checks on the chain
  kDocumentSigning,  // digitalSignature or nonRepudiation; EKU absent or emailProtection,
                     // documentSigning, any
  kTimeStamping,     // EKU timeStamping (and it must be the only one, RFC 3161 §2.3)
  kOcspSigning,      // EKU OCSPSigning
  kServerAuth,       // EKU serverAuth
  kClientAuth,       // EKU clientAuth
};

// How revocation of one certificate was established.
struct RevocationCheck {
  enum class State { kGood, kRevoked, kUnknown };
  State state = State::kUnknown;
  std::string source;  // "ocsp", "crl", or "" when unknown
  std::optional<base::TimePoint> revoked_at;
  int reason = 0;                 // CRLReason value when revoked
  std::string detail;             // why unknown, or where it came from
  base::TimePoint produced_at{};  // thisUpdate / producedAt of the data used
  Bytes evidence;                 // the DER of the CRL or OCSP response used
};

class RevocationChecker {
 public:
  virtual ~RevocationChecker() = default;
  // Revocation status of `cert` (issued by `issuer`) as it stood at `when`.
  virtual RevocationCheck Check(const Certificate& cert, const Certificate& issuer,
                                base::TimePoint when) = 0;
};

enum class RevocationPolicy {
  kNone,        // do not check
  kRequire,     // every non-anchor certificate must be shown not revoked
  kBestEffort,  // revoked fails; unknown is reported but accepted
};

struct ValidationOptions {
  base::TimePoint time{};
  KeyPurpose purpose = KeyPurpose::kAny;
  RevocationPolicy revocation = RevocationPolicy::kNone;
  RevocationChecker* checker = nullptr;
  int max_depth = 8;
};

enum class PathError {
  kOk,
  kNoChain,  // no path to a trust anchor (missing issuer, or no anchor)
  kBadSignature,
  kNotYetValid,
  kExpired,
  kNotCa,  // an issuer that is not a CA (basicConstraints cA false or absent)
  kPathLength,
  kKeyUsage,
  kExtendedKeyUsage,
  kUnknownCriticalExtension,
  kUnsupportedAlgorithm,
  kRevoked,
  kRevocationUnknown,
};
std::string_view PathErrorName(PathError e);

struct ValidationResult {
  PathError error = PathError::kNoChain;
  int depth = 0;                   // the certificate concerned: 0 = target, chain.size()-1 = anchor
  std::string message;             // for people
  std::vector<Certificate> chain;  // target first, anchor last (when built)
  std::vector<RevocationCheck> revocation;  // per certificate below the anchor
  bool ok() const { return error == PathError::kOk; }
};

ValidationResult ValidatePath(const Certificate& target,
                              const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& anchors,
                              const ValidationOptions& options);

}  // namespace hetong::pki
