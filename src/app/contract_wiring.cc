#include "app/contract_wiring.h"

#include "app/platform.h"
#include "crypto/random.h"
#include "pki/revocation.h"
#include "tsa/client.h"

namespace hetong::app {

StatusOr<pki::TimestampSource*> PlatformSigningEnvironment::Timestamps() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!timestamps_) {
    HETONG_ASSIGN_OR_RETURN(tsa::TimeStampAuthority * t, platform_.tsa());
    timestamps_ = std::make_unique<tsa::LocalTimestampSource>(*t, crypto::DefaultRng());
  }
  return timestamps_.get();
}

StatusOr<contract::ValidationData> PlatformSigningEnvironment::Validation() {
  HETONG_ASSIGN_OR_RETURN(pki::HttpFetcher * fetcher, platform_.fetcher(/*signing=*/true));
  contract::ValidationData v;
  v.owner = std::make_shared<pki::OnlineRevocation>(*fetcher, crypto::DefaultRng());
  v.source.anchors = platform_.ca().TrustAnchors();
  v.source.intermediates = platform_.ca().Intermediates();
  v.source.revocation = v.owner.get();
  return v;
}

StatusOr<std::pair<pki::Certificate, std::vector<pki::Certificate>>>
PlatformSigningEnvironment::CertificateOf(const identity::Account& account) {
  if (account.cert_serial.empty()) {
    return FailedPreconditionError(account.name + " has no certificate yet");
  }
  HETONG_ASSIGN_OR_RETURN(auto issued, platform_.ca().FindCertificate(account.cert_serial));
  if (!issued || issued->status != "valid") {
    return FailedPreconditionError("the certificate of " + account.name +
                                   " is revoked or missing; renew it first");
  }
  HETONG_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::Parse(issued->der));
  std::vector<pki::Certificate> chain;
  for (auto& ca : platform_.ca().Intermediates()) {
    if (ca.subject_der() == cert.issuer_der()) chain.push_back(std::move(ca));
  }
  return std::make_pair(std::move(cert), std::move(chain));
}

}  // namespace hetong::app
