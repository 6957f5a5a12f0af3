// OCSP responder (RFC 6960) for the issuing CAs of the instance.
//
// Every request is answered with a DER OCSPResponse: malformedRequest for bytes that do not
// parse, unauthorized for a CertID whose issuer is not one of ours, otherwise a
// BasicOCSPResponse signed by the CA's delegated responder (EKU OCSPSigning, ocsp-nocheck)
// with good / revoked (time, reason) / unknown for each CertID (SHA-1, SHA-256 or SM3
// CertIDs), thisUpdate = now, nextUpdate = now + validity, and the nonce echoed.
//
// Speed: the status of a serial is looked up on every request (an indexed query), but a
// signed response for a request without nonce is cached and reused as long as the status is
// unchanged and the response is not near its nextUpdate (80% of its validity) — the signing,
// which dominates the cost, is then skipped.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"

namespace hetong::ocsp {

// Answers whether a serial (INTEGER contents) issued by CA `ca_name` is good / revoked.
class StatusLookup {
 public:
  struct Result {
    pki::OcspCertStatus status = pki::OcspCertStatus::kUnknown;
    base::TimePoint revoked_at{};
    int reason = 0;
  };
  virtual ~StatusLookup() = default;
  virtual StatusOr<Result> Lookup(const std::string& ca_name, ByteView serial) = 0;
};

struct ResponderIdentity {
  std::string ca_name;         // the issuing CA this responder answers for
  pki::Certificate issuer;     // the issuing CA's certificate
  pki::Certificate responder;  // the delegated responder certificate
  std::shared_ptr<const crypto::Signer> signer;
};

struct ResponderOptions {
  std::chrono::seconds validity = std::chrono::hours(1);
  double reuse_fraction = 0.8;  // reuse a cached response until this share of its validity
  size_t max_cache_entries = 100000;
};

class OcspResponder {
 public:
  OcspResponder(StatusLookup& lookup, const base::Clock& clock, ResponderOptions options = {})
      : lookup_(lookup), clock_(clock), options_(options) {}

  // Replaces the set of identities (at start and when responder certificates are renewed).
  void SetIdentities(std::vector<ResponderIdentity> identities);
  // Always a DER OCSPResponse.
  Bytes Respond(ByteView request_der);
  void ClearCache();

  struct Stats {
    uint64_t requests = 0, cache_hits = 0, signed_responses = 0, errors = 0;
  };
  Stats stats() const;

 private:
  struct Identity;
  struct CacheEntry {
    pki::OcspCertStatus status;
    base::TimePoint revoked_at;
    base::TimePoint reuse_until;
    Bytes der;
  };
  const Identity* FindIssuer(const pki::CertId& id) const;

  StatusLookup& lookup_;
  const base::Clock& clock_;
  ResponderOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Identity>> identities_;
  std::map<Bytes, CacheEntry> cache_;  // key: encoded CertID
  Stats stats_;
};

}  // namespace hetong::ocsp
