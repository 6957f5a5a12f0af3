#include "app/contract_wiring.h"

#include "app/platform.h"
#include "base/encoding.h"
#include "crypto/random.h"
#include "document/pdf/appearance.h"
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

StatusOr<std::pair<std::string, document::pdf::RgbaImage>> SealAccessAdapter::Picture(
    const std::string& actor, const std::string& seal_id) {
  HETONG_ASSIGN_OR_RETURN(Bytes png, seals_.Image(actor, seal_id));
  HETONG_ASSIGN_OR_RETURN(document::pdf::RgbaImage image, document::pdf::DecodePng(png));
  return std::make_pair(seal_id, std::move(image));
}

StatusOr<std::pair<std::string, document::pdf::RgbaImage>> SealAccessAdapter::PersonalSeal(
    const std::string& person_id) {
  HETONG_ASSIGN_OR_RETURN(seal::Seal s, seals_.EnsurePersonalSeal(person_id));
  return Picture(person_id, s.id);
}

StatusOr<std::pair<std::string, document::pdf::RgbaImage>> SealAccessAdapter::OrgSeal(
    const std::string& person_id, const std::string& org_id, const std::string& seal_id,
    const std::string& contract_type) {
  std::string chosen = seal_id;
  if (chosen.empty()) {
    // The organisation's first active seal the person may use.
    HETONG_ASSIGN_OR_RETURN(auto all, seals_.List(person_id, org_id, 100, 0));
    Status last = FailedPreconditionError(
        "the organisation has no active seal; an admin creates one (POST "
        "/api/v1/orgs/{id}/seals)");
    for (const auto& s : all) {
      auto ok = seals_.Authorize(person_id, s.id, contract_type);
      if (ok.ok()) {
        chosen = s.id;
        break;
      }
      last = ok.status();
    }
    if (chosen.empty()) return last;
  } else {
    HETONG_RETURN_IF_ERROR(seals_.Authorize(person_id, chosen, contract_type).status());
  }
  return Picture(person_id, chosen);
}

Status SealAccessAdapter::RecordUse(const std::string& seal_id, const std::string& person_id,
                                    const std::string& org_id, const std::string& contract_id,
                                    const std::string& contract_type,
                                    const std::string& document_sm3) {
  seal::SealUse use;
  use.seal_id = seal_id;
  use.actor_id = person_id;
  use.org_id = org_id;
  use.contract_id = contract_id;
  use.subject = contract_id;
  use.purpose = "contract.sign";
  use.document_digest = "sm3:" + document_sm3;
  if (!org_id.empty()) {
    auto auth = seals_.Authorize(person_id, seal_id, contract_type);
    if (auth.ok()) use.grant_id = auth->grant_id;
  }
  return seals_.RecordUse(std::move(use)).status();
}

StatusOr<int64_t> EvidenceSinkAdapter::Record(const std::string& type, const std::string& subject,
                                              const std::string& actor, base::TimePoint at,
                                              const std::string& details_json) {
  evidence::Event e{type, subject, actor, at, details_json};
  HETONG_ASSIGN_OR_RETURN(evidence::AppendedEvent appended, log_.Append(e));
  return static_cast<int64_t>(appended.index);
}

Status NotifierAdapter::Email(const identity::Account& to, const std::string& subject,
                              const std::string& body) {
  if (to.email.empty()) return OkStatus();
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  identity::OutboxMessage m;
  m.id = "msg-" + base::HexEncode(r);
  m.channel = "email";
  m.recipient = to.email;
  m.subject = subject;
  m.body = body;
  m.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertOutbox(m));
  notifier_.NotifyOutbox();
  return OkStatus();
}

Status NotifierAdapter::OrgEvent(const std::string& org_id, const std::string& type,
                                 const std::string& payload_json) {
  nlohmann::json data = nlohmann::json::parse(payload_json, nullptr, false);
  if (data.is_discarded()) return InvalidArgumentError("the event payload is not JSON");
  return notifier_.webhooks().Enqueue(org_id, type, data).status();
}

}  // namespace hetong::app
