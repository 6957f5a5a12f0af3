// Revocation sources for path validation (path.h):
//
// - CapturedRevocation: CRLs and OCSP responses captured earlier (embedded in a signed PDF's
//   DSS, in an evidence package, or given on the command line), for offline validation;
// - OnlineRevocation: fetches OCSP (from the certificate's AIA) and then CRLs (from its CRL
//   distribution points) through an HttpFetcher, and keeps what it used so that callers can
//   embed it (long-term validation).
//
// Rules applied to every piece of revocation data:
// - its signature must verify: a CRL by the certificate's issuer; an OCSP response by the
//   issuer or by a responder certificate the issuer delegated (EKU OCSPSigning, valid at
//   producedAt);
// - it must be about this certificate (OCSP CertID, CRL issuer name and key identifier);
// - it must speak for the validation time T: issued at or after T (then its revocation times
//   tell whether the certificate was revoked before T), or current at T
//   (thisUpdate <= T <= nextUpdate). Anything else is stale and ignored, with the reason
//   reported. OCSP is preferred over CRLs.
//
// Thread-safety: CapturedRevocation is immutable after construction; OnlineRevocation
// serialises its cache.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/ocsp.h"
#include "pki/path.h"

namespace hetong::pki {

// Decides revocation of `cert` from one CRL / one OCSP response, or says why it cannot.
RevocationCheck CheckWithCrl(const Crl& crl, const Certificate& cert, const Certificate& issuer,
                             base::TimePoint when);
RevocationCheck CheckWithOcsp(const OcspResponse& response, const Certificate& cert,
                              const Certificate& issuer, base::TimePoint when,
                              const std::optional<Bytes>& expected_nonce = std::nullopt);

class CapturedRevocation final : public RevocationChecker {
 public:
  // DER CRLs and OCSP responses; unparsable items are ignored (and counted).
  CapturedRevocation(const std::vector<Bytes>& crls, const std::vector<Bytes>& ocsp_responses);
  RevocationCheck Check(const Certificate& cert, const Certificate& issuer,
                        base::TimePoint when) override;
  size_t ignored() const { return ignored_; }

 private:
  std::vector<Crl> crls_;
  std::vector<OcspResponse> ocsp_;
  size_t ignored_ = 0;
};

// HTTP access for online checks: GET url, or POST body with content type. Returns the
// response body of a 200 answer.
class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  virtual StatusOr<Bytes> Get(const std::string& url) = 0;
  virtual StatusOr<Bytes> Post(const std::string& url, const std::string& content_type,
                               ByteView body) = 0;
};

class OnlineRevocation final : public RevocationChecker {
 public:
  OnlineRevocation(HttpFetcher& fetcher, Rng& rng) : fetcher_(fetcher), rng_(rng) {}
  RevocationCheck Check(const Certificate& cert, const Certificate& issuer,
                        base::TimePoint when) override;
  // DER of every CRL / OCSP response that decided a check (for embedding).
  std::vector<Bytes> used_crls() const;
  std::vector<Bytes> used_ocsp_responses() const;

 private:
  HttpFetcher& fetcher_;
  Rng& rng_;
  mutable std::mutex mu_;
  std::map<std::string, Bytes> crl_cache_;  // url -> DER
  std::vector<Bytes> used_crls_, used_ocsp_;
};

}  // namespace hetong::pki
