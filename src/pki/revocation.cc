#include "pki/revocation.h"

#include <algorithm>

#include "crypto/random.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace {

constexpr auto kClockSkew = std::chrono::minutes(5);

using State = RevocationCheck::State;

RevocationCheck Unknown(std::string why) {
  RevocationCheck r;
  r.state = State::kUnknown;
  r.detail = std::move(why);
  return r;
}

// Whether data produced at `this_update` (valid until `next_update`) speaks for time `when`.
bool Covers(base::TimePoint this_update, const std::optional<base::TimePoint>& next_update,
            base::TimePoint when, std::string* why) {
  if (this_update + kClockSkew >= when) return true;     // issued at or after T
  if (next_update && when <= *next_update) return true;  // current at T
  *why =
      "stale: issued " + base::FormatRfc3339(this_update) +
      (next_update ? ", next update was due " + base::FormatRfc3339(*next_update) : std::string()) +
      ", before " + base::FormatRfc3339(when);
  return false;
}

}  // namespace

RevocationCheck CheckWithCrl(const Crl& crl, const Certificate& cert, const Certificate& issuer,
                             base::TimePoint when) {
  if (!NamesMatch(crl.issuer_der(), cert.issuer_der()))
    return Unknown("the CRL is from another issuer");
  if (!crl.authority_key_id().empty() && !issuer.subject_key_id().empty() &&
      crl.authority_key_id() != issuer.subject_key_id()) {
    return Unknown("the CRL is signed by another key of the issuer");
  }
  if (!crl.unknown_critical().empty()) {
    return Unknown("the CRL has a critical extension hetong does not process (" +
                   crl.unknown_critical()[0] + ")");
  }
  if (!crl.VerifySignedBy(issuer.public_key()).ok())
    return Unknown("the CRL signature does not verify");
  if (!issuer.HasKeyUsage(kCrlSign)) return Unknown("the issuer may not sign CRLs (keyUsage)");
  std::string why;
  if (!Covers(crl.this_update(), crl.next_update(), when, &why)) return Unknown("CRL " + why);
  RevocationCheck r;
  r.source = "crl";
  r.produced_at = crl.this_update();
  r.evidence = crl.der();
  if (auto e = crl.Find(cert.serial())) {
    if (e->reason == CrlReason::kRemoveFromCrl) {
      r.state = State::kGood;
      r.detail = "removed from the CRL";
      return r;
    }
    r.state = State::kRevoked;
    r.revoked_at = e->revocation_time;
    r.reason = static_cast<int>(e->reason);
    r.detail = "listed on the CRL of " + base::FormatRfc3339(crl.this_update()) + " (" +
               std::string(CrlReasonName(e->reason)) + ")";
    return r;
  }
  r.state = State::kGood;
  r.detail = "not on the CRL of " + base::FormatRfc3339(crl.this_update());
  return r;
}

RevocationCheck CheckWithOcsp(const OcspResponse& resp, const Certificate& cert,
                              const Certificate& issuer, base::TimePoint when,
                              const std::optional<Bytes>& expected_nonce) {
  if (!resp.successful()) {
    return Unknown("the OCSP responder answered " +
                   std::string(OcspResponseStatusName(resp.status())));
  }
  const SingleResponse* single = resp.Find(cert, issuer);
  if (!single) return Unknown("the OCSP response is about another certificate");
  if (expected_nonce && resp.nonce() != expected_nonce)
    return Unknown("the OCSP response nonce does not match");
  // Who signed: the issuer itself, or a delegated responder certified by the issuer.
  bool verified = false;
  if (resp.ResponderIs(issuer) && resp.VerifySignedBy(issuer.public_key()).ok()) {
    verified = true;
  } else {
    for (const auto& rc : resp.certs()) {
      if (!resp.ResponderIs(rc)) continue;
      const auto& eku = rc.ext_key_usage();
      bool ocsp_signer = std::find(eku.begin(), eku.end(), oid::kKpOcspSigning) != eku.end();
      if (!ocsp_signer || !NamesMatch(rc.issuer_der(), issuer.subject_der()) ||
          !rc.VerifySignedBy(issuer.public_key()).ok() || !rc.ValidAt(resp.produced_at()) ||
          !rc.HasKeyUsage(kDigitalSignature)) {
        continue;
      }
      if (resp.VerifySignedBy(rc.public_key()).ok()) {
        verified = true;
        break;
      }
    }
  }
  if (!verified)
    return Unknown("the OCSP response is not signed by the issuer or a responder it authorised");
  std::string why;
  if (!Covers(single->this_update, single->next_update, when, &why))
    return Unknown("OCSP response " + why);
  RevocationCheck r;
  r.source = "ocsp";
  r.produced_at = resp.produced_at();
  r.evidence = resp.der();
  switch (single->status) {
    case OcspCertStatus::kGood:
      r.state = State::kGood;
      r.detail = "OCSP good at " + base::FormatRfc3339(resp.produced_at());
      break;
    case OcspCertStatus::kRevoked:
      r.state = State::kRevoked;
      r.revoked_at = single->revocation_time;
      r.reason = single->revocation_reason ? static_cast<int>(*single->revocation_reason) : 0;
      r.detail = "OCSP revoked";
      break;
    case OcspCertStatus::kUnknown:
      return Unknown("the OCSP responder does not know the certificate");
  }
  return r;
}

CapturedRevocation::CapturedRevocation(const std::vector<Bytes>& crls,
                                       const std::vector<Bytes>& ocsp) {
  for (const auto& d : crls) {
    auto c = Crl::Parse(d);
    if (c.ok()) {
      crls_.push_back(std::move(*c));
    } else {
      ++ignored_;
    }
  }
  for (const auto& d : ocsp) {
    auto o = OcspResponse::Parse(d);
    if (o.ok()) {
      ocsp_.push_back(std::move(*o));
    } else {
      ++ignored_;
    }
  }
}

RevocationCheck CapturedRevocation::Check(const Certificate& cert, const Certificate& issuer,
                                          base::TimePoint when) {
  std::vector<std::string> reasons;
  // OCSP first, then CRLs; among usable answers a revocation wins.
  std::optional<RevocationCheck> good;
  for (const auto& o : ocsp_) {
    RevocationCheck r = CheckWithOcsp(o, cert, issuer, when);
    if (r.state == State::kRevoked) return r;
    if (r.state == State::kGood && !good) good = r;
    if (r.state == State::kUnknown) reasons.push_back(r.detail);
  }
  for (const auto& c : crls_) {
    RevocationCheck r = CheckWithCrl(c, cert, issuer, when);
    if (r.state == State::kRevoked) return r;
    if (r.state == State::kGood && !good) good = r;
    if (r.state == State::kUnknown) reasons.push_back(r.detail);
  }
  if (good) return *good;
  if (reasons.empty()) return Unknown("no captured CRL or OCSP response for this certificate");
  // The most specific reason (e.g. "stale") is more useful than "another certificate".
  for (const auto& why : reasons) {
    if (why.find("another") == std::string::npos) return Unknown(why);
  }
  return Unknown(reasons.front());
}

RevocationCheck OnlineRevocation::Check(const Certificate& cert, const Certificate& issuer,
                                        base::TimePoint when) {
  std::vector<std::string> reasons;
  for (const auto& url : cert.ocsp_urls()) {
    auto id = CertId::For(cert, issuer);
    if (!id.ok()) break;
    auto nonce_bytes = crypto::RandomBytes(rng_, 16);
    if (!nonce_bytes.ok()) break;
    std::optional<Bytes> nonce = MakeOcspNonce(*nonce_bytes);
    auto req = BuildOcspRequest({*id}, nonce);
    if (!req.ok()) break;
    auto body = fetcher_.Post(url, "application/ocsp-request", *req);
    if (!body.ok()) {
      reasons.push_back("OCSP " + url + ": " + body.status().message());
      continue;
    }
    auto resp = OcspResponse::Parse(*body);
    if (!resp.ok()) {
      reasons.push_back("OCSP " + url + ": " + resp.status().message());
      continue;
    }
    RevocationCheck r =
        CheckWithOcsp(*resp, cert, issuer, when, resp->nonce() ? nonce : std::nullopt);
    if (r.state != State::kUnknown) {
      std::lock_guard<std::mutex> lock(mu_);
      used_ocsp_.push_back(resp->der());
      return r;
    }
    reasons.push_back(r.detail);
  }
  for (const auto& url : cert.crl_urls()) {
    Bytes der;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = crl_cache_.find(url);
      if (it != crl_cache_.end()) der = it->second;
    }
    if (der.empty()) {
      auto body = fetcher_.Get(url);
      if (!body.ok()) {
        reasons.push_back("CRL " + url + ": " + body.status().message());
        continue;
      }
      der = std::move(*body);
    }
    auto crl = Crl::Parse(der);
    if (!crl.ok()) {
      reasons.push_back("CRL " + url + ": " + crl.status().message());
      continue;
    }
    RevocationCheck r = CheckWithCrl(*crl, cert, issuer, when);
    if (r.state != State::kUnknown) {
      std::lock_guard<std::mutex> lock(mu_);
      crl_cache_[url] = der;
      used_crls_.push_back(der);
      return r;
    }
    reasons.push_back(r.detail);
  }
  if (reasons.empty()) return Unknown("the certificate names no OCSP responder and no CRL");
  std::string all;
  for (const auto& r : reasons) all += (all.empty() ? "" : "; ") + r;
  return Unknown(all);
}

std::vector<Bytes> OnlineRevocation::used_crls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_crls_;
}

std::vector<Bytes> OnlineRevocation::used_ocsp_responses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_ocsp_;
}

}  // namespace hetong::pki
