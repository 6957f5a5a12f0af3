#include "ca/authority.h"

#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "pki/csr.h"

namespace hetong::ca {

namespace {

struct Family {
  const char* name;
  crypto::KeySpec spec;
  const char* label;
};
constexpr Family kFamilies[] = {{"sm2", crypto::KeySpec::kSm2, "SM2"},
                                {"rsa", crypto::KeySpec::kRsa3072, "RSA"}};

pki::DistinguishedName CaName(const CaSettings& s, const std::string& what) {
  pki::DistinguishedName dn;
  dn.Country("CN").Organization(s.instance_name);
  if (s.demo) dn.OrganizationalUnit("DEMO - not for production use");
  dn.CommonName(s.instance_name + " " + what);
  return dn;
}

IssuedCertificate Record(const pki::Certificate& c, const std::string& ca, pki::Profile profile,
                         std::optional<int64_t> request_id, const std::string& key_id) {
  IssuedCertificate r;
  r.ca = ca;
  r.serial_hex = c.SerialHex();
  r.subject = c.subject().ToString();
  r.profile = std::string(pki::ProfileName(profile));
  r.not_before = c.not_before();
  r.not_after = c.not_after();
  r.der = c.der();
  r.fingerprint = c.Fingerprint();
  r.request_id = request_id;
  r.key_id = key_id;
  return r;
}

}  // namespace

std::string SerialHex(ByteView serial) { return base::HexEncode(serial); }

std::string CertificateAuthority::CrlUrl(std::string_view ca) const {
  return settings_.public_url + "/pki/crl/" + std::string(ca) + ".crl";
}
std::string CertificateAuthority::CaCertUrl(std::string_view ca) const {
  return settings_.public_url + "/pki/ca/" + std::string(ca) + ".crt";
}
std::string CertificateAuthority::OcspUrl() const { return settings_.public_url + "/pki/ocsp"; }

Status CertificateAuthority::Bootstrap(keycenter::KeyCenter& keys, CaRepository& repo,
                                       const CaSettings& settings, const base::Clock& clock,
                                       Rng& rng) {
  HETONG_ASSIGN_OR_RETURN(auto existing, repo.ListAuthorities());
  if (!existing.empty()) return AlreadyExistsError("the CA hierarchy already exists");
  for (const Family& f : kFamilies) {
    // Root.
    HETONG_ASSIGN_OR_RETURN(
        keycenter::KeyRecord root_key,
        keys.GenerateKey(f.spec, "ca/" + std::string(f.name) + "-root", "platform"));
    HETONG_ASSIGN_OR_RETURN(auto root_signer, keys.SignerFor(root_key.id));
    pki::IssueRequest rr;
    rr.profile = pki::Profile::kRoot;
    rr.subject = CaName(settings, std::string(f.label) + " Root CA");
    rr.subject_key = root_signer->public_key();
    pki::IssuerContext self;
    self.signer = root_signer.get();
    HETONG_ASSIGN_OR_RETURN(Bytes root_der, pki::IssueCertificate(rr, self, clock, rng));
    HETONG_ASSIGN_OR_RETURN(pki::Certificate root, pki::Certificate::Parse(root_der));
    std::string root_name = std::string(f.name) + "-root";
    HETONG_RETURN_IF_ERROR(
        repo.InsertAuthority({root_name, f.name, "root", root_key.id, "", root_der, clock.Now()}));
    // Issuing CA.
    HETONG_ASSIGN_OR_RETURN(
        keycenter::KeyRecord ca_key,
        keys.GenerateKey(f.spec, "ca/" + std::string(f.name) + "-ca", "platform"));
    HETONG_ASSIGN_OR_RETURN(crypto::PublicKey ca_pub, keys.PublicKeyOf(ca_key.id));
    pki::IssueRequest cr;
    cr.profile = pki::Profile::kIssuingCa;
    cr.subject = CaName(settings, std::string(f.label) + " Issuing CA");
    cr.subject_key = ca_pub;
    pki::IssuerContext by_root;
    by_root.signer = root_signer.get();
    by_root.certificate = &root;
    by_root.crl_url = settings.public_url + "/pki/crl/" + root_name + ".crl";
    by_root.ca_issuers_url = settings.public_url + "/pki/ca/" + root_name + ".crt";
    HETONG_ASSIGN_OR_RETURN(Bytes ca_der, pki::IssueCertificate(cr, by_root, clock, rng));
    HETONG_ASSIGN_OR_RETURN(pki::Certificate ca_cert, pki::Certificate::Parse(ca_der));
    std::string ca_name = std::string(f.name) + "-ca";
    HETONG_RETURN_IF_ERROR(repo.InsertAuthority(
        {ca_name, f.name, "issuing", ca_key.id, root_name, ca_der, clock.Now()}));
    HETONG_RETURN_IF_ERROR(repo.InsertCertificate(
        Record(ca_cert, root_name, pki::Profile::kIssuingCa, {}, ca_key.id)));
    spdlog::info("CA: created {} ({}) and {} ({})", root_name, root.Fingerprint(), ca_name,
                 ca_cert.Fingerprint());
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Open(
    keycenter::KeyCenter& keys, CaRepository& repo, CaSettings settings, const base::Clock& clock,
    Rng& rng) {
  std::unique_ptr<CertificateAuthority> ca(
      new CertificateAuthority(keys, repo, std::move(settings), clock, rng));
  HETONG_RETURN_IF_ERROR(ca->Reload());
  if (ca->authorities_.empty()) {
    return FailedPreconditionError(
        "this instance has no CA yet (it was created before the CA existed); "
        "run 'hetong ca init --data DIR'");
  }
  return ca;
}

Status CertificateAuthority::Reload() {
  HETONG_ASSIGN_OR_RETURN(auto records, repo_.ListAuthorities());
  std::vector<Authority> loaded;
  for (auto& r : records) {
    auto cert = pki::Certificate::Parse(r.cert_der);
    if (!cert.ok()) return DataLossError("CA '" + r.name + "': stored certificate is damaged");
    loaded.push_back(Authority{std::move(r), std::move(*cert)});
  }
  std::lock_guard<std::mutex> lock(mu_);
  authorities_ = std::move(loaded);
  return OkStatus();
}

std::vector<Authority> CertificateAuthority::authorities() const {
  std::lock_guard<std::mutex> lock(mu_);
  return authorities_;
}

StatusOr<Authority> CertificateAuthority::Find(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : authorities_) {
    if (a.record.name == name) return a;
  }
  std::string known;
  for (const auto& a : authorities_) known += (known.empty() ? "" : ", ") + a.record.name;
  return NotFoundError("no CA named '" + std::string(name) + "' (known: " + known + ")");
}

StatusOr<Authority> CertificateAuthority::IssuingCaFor(crypto::KeyType type) const {
  return Find(type == crypto::KeyType::kSm2 ? "sm2-ca" : "rsa-ca");
}

std::vector<pki::Certificate> CertificateAuthority::TrustAnchors() const {
  std::vector<pki::Certificate> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : authorities_) {
    if (a.record.role == "root" || a.record.role == "anchor") out.push_back(a.cert);
  }
  return out;
}

std::vector<pki::Certificate> CertificateAuthority::Intermediates() const {
  std::vector<pki::Certificate> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : authorities_) {
    if (a.record.role == "issuing") out.push_back(a.cert);
  }
  return out;
}

pki::IssuerContext CertificateAuthority::IssuerContextFor(const Authority& issuer,
                                                          const crypto::Signer* signer) const {
  pki::IssuerContext ctx;
  ctx.signer = signer;
  ctx.certificate = &issuer.cert;
  ctx.crl_url = CrlUrl(issuer.record.name);
  ctx.ca_issuers_url = CaCertUrl(issuer.record.name);
  ctx.ocsp_url = OcspUrl();
  return ctx;
}

StatusOr<std::shared_ptr<const crypto::Signer>> CertificateAuthority::SignerOf(const Authority& a) {
  if (a.record.key_id.empty())
    return FailedPreconditionError("'" + a.record.name + "' has no key here");
  return keys_.SignerFor(a.record.key_id);
}

StatusOr<IssuedCertificate> CertificateAuthority::IssueLocked(const pki::IssueRequest& request,
                                                              const Authority& issuer,
                                                              std::optional<int64_t> request_id,
                                                              const std::string& key_id) {
  if (issuer.record.role != "issuing" && issuer.record.role != "root") {
    return FailedPreconditionError("'" + issuer.record.name + "' does not issue certificates");
  }
  HETONG_ASSIGN_OR_RETURN(auto signer, SignerOf(issuer));
  pki::IssueRequest req = request;
  req.demo = req.demo || settings_.demo;
  HETONG_ASSIGN_OR_RETURN(
      Bytes der, pki::IssueCertificate(req, IssuerContextFor(issuer, signer.get()), clock_, rng_));
  HETONG_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::Parse(der));
  IssuedCertificate rec = Record(cert, issuer.record.name, req.profile, request_id, key_id);
  spdlog::info("CA {}: issued {} certificate {} for {}", issuer.record.name, rec.profile,
               rec.serial_hex, rec.subject);
  return rec;
}

StatusOr<int64_t> CertificateAuthority::SubmitRequest(ByteView csr_bytes, pki::Profile profile,
                                                      const std::string& ca,
                                                      const std::string& requester) {
  if (profile == pki::Profile::kRoot || profile == pki::Profile::kIssuingCa) {
    return PermissionDeniedError("CA certificates are not issued from requests");
  }
  HETONG_ASSIGN_OR_RETURN(pki::CertificationRequest csr,
                          pki::CertificationRequest::Parse(csr_bytes));
  HETONG_RETURN_IF_ERROR(csr.VerifyProofOfPossession());
  if (csr.subject().empty()) return InvalidArgumentError("the request has an empty subject name");
  HETONG_ASSIGN_OR_RETURN(Authority issuer,
                          ca.empty() ? IssuingCaFor(csr.public_key().type()) : Find(ca));
  CertRequest r;
  r.ca = issuer.record.name;
  r.profile = std::string(pki::ProfileName(profile));
  r.csr_der = csr.der();
  r.subject = csr.subject().ToString();
  r.requester = requester;
  r.created_at = clock_.Now();
  return repo_.InsertRequest(r);
}

StatusOr<IssuedCertificate> CertificateAuthority::ApproveRequest(int64_t id,
                                                                 const std::string& approver) {
  HETONG_ASSIGN_OR_RETURN(CertRequest r, repo_.GetRequest(id));
  if (r.state != "pending") {
    return FailedPreconditionError("request " + std::to_string(id) + " is " + r.state +
                                   ", not pending");
  }
  HETONG_ASSIGN_OR_RETURN(pki::CertificationRequest csr,
                          pki::CertificationRequest::Parse(r.csr_der));
  auto profile = pki::ProfileFromName(r.profile);
  if (!profile) return DataLossError("request " + std::to_string(id) + " has an unknown profile");
  HETONG_ASSIGN_OR_RETURN(Authority issuer, Find(r.ca));
  pki::IssueRequest req;
  req.profile = *profile;
  req.subject = csr.subject();
  req.subject_key = csr.public_key();
  req.dns_names = csr.requested_san().dns_names;
  req.ip_addresses = csr.requested_san().ip_addresses;
  req.emails = csr.requested_san().emails;
  std::lock_guard<std::mutex> lock(mu_);
  HETONG_ASSIGN_OR_RETURN(IssuedCertificate cert, IssueLocked(req, issuer, id, ""));
  r.state = "issued";
  r.decided_by = approver;
  r.decided_at = clock_.Now();
  r.serial_hex = cert.serial_hex;
  HETONG_RETURN_IF_ERROR(repo_.CompleteRequest(r, cert));
  return cert;
}

Status CertificateAuthority::RejectRequest(int64_t id, const std::string& approver,
                                           const std::string& reason) {
  HETONG_ASSIGN_OR_RETURN(CertRequest r, repo_.GetRequest(id));
  if (r.state != "pending") {
    return FailedPreconditionError("request " + std::to_string(id) + " is " + r.state +
                                   ", not pending");
  }
  r.state = "rejected";
  r.decided_by = approver;
  r.reason = reason;
  r.decided_at = clock_.Now();
  return repo_.UpdateRequest(r);
}

StatusOr<std::vector<CertRequest>> CertificateAuthority::PendingRequests(int limit) {
  return repo_.ListRequests("pending", limit);
}

StatusOr<IssuedCertificate> CertificateAuthority::IssueFromCsr(ByteView csr, pki::Profile profile,
                                                               const std::string& ca,
                                                               const std::string& operator_name) {
  HETONG_ASSIGN_OR_RETURN(int64_t id, SubmitRequest(csr, profile, ca, operator_name));
  return ApproveRequest(id, operator_name);
}

StatusOr<IssuedCertificate> CertificateAuthority::IssueForKey(const pki::IssueRequest& request,
                                                              const std::string& ca,
                                                              const std::string& key_id) {
  if (!request.subject_key) return InvalidArgumentError("no subject key");
  HETONG_ASSIGN_OR_RETURN(Authority issuer,
                          ca.empty() ? IssuingCaFor(request.subject_key->type()) : Find(ca));
  std::lock_guard<std::mutex> lock(mu_);
  HETONG_ASSIGN_OR_RETURN(IssuedCertificate cert,
                          IssueLocked(request, issuer, std::nullopt, key_id));
  HETONG_RETURN_IF_ERROR(repo_.InsertCertificate(cert));
  return cert;
}

StatusOr<std::optional<IssuedCertificate>> CertificateAuthority::FindCertificate(
    const std::string& serial_hex) {
  HETONG_ASSIGN_OR_RETURN(auto found, repo_.FindBySerial(serial_hex));
  if (found.empty()) return std::optional<IssuedCertificate>();
  return std::optional<IssuedCertificate>(found.front());
}

Status CertificateAuthority::Revoke(const std::string& serial_hex, pki::CrlReason reason,
                                    std::optional<base::TimePoint> at) {
  if (reason == pki::CrlReason::kRemoveFromCrl) {
    return InvalidArgumentError(
        "removeFromCRL is only meaningful in delta CRLs, which hetong does not publish");
  }
  std::string serial;
  for (char c : serial_hex) {
    if (c != ':' && c != ' ')
      serial.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!base::HexDecode(serial).ok() || serial.empty())
    return InvalidArgumentError("the serial must be hexadecimal");
  HETONG_ASSIGN_OR_RETURN(auto found, repo_.FindBySerial(serial));
  if (found.empty())
    return NotFoundError("no certificate with serial " + serial + " was issued here");
  if (found.size() > 1) return FailedPreconditionError("serial " + serial + " is ambiguous");
  const IssuedCertificate& c = found.front();
  base::TimePoint when = at.value_or(clock_.Now());
  if (when > clock_.Now() + std::chrono::minutes(5))
    return InvalidArgumentError("the revocation time is in the future");
  if (when < c.not_before)
    return InvalidArgumentError("the revocation time is before the certificate was valid");
  HETONG_RETURN_IF_ERROR(repo_.Revoke(c.ca, c.serial_hex, when, static_cast<int>(reason)));
  spdlog::info("CA {}: revoked {} ({})", c.ca, c.serial_hex, pki::CrlReasonName(reason));
  // Republish the CRL so that it reflects the revocation at once.
  HETONG_ASSIGN_OR_RETURN(Authority issuer, Find(c.ca));
  std::lock_guard<std::mutex> lock(mu_);
  return PublishCrlLocked(issuer).status();
}

StatusOr<CertificateStatus> CertificateAuthority::StatusOf(const std::string& ca, ByteView serial) {
  HETONG_ASSIGN_OR_RETURN(auto found, repo_.FindCertificate(ca, SerialHex(serial)));
  CertificateStatus s;
  if (!found) return s;  // unknown
  if (found->status == "revoked" && found->revoked_at) {
    s.state = CertificateStatus::State::kRevoked;
    s.revoked_at = *found->revoked_at;
    s.reason = found->reason;
  } else {
    s.state = CertificateStatus::State::kGood;
  }
  return s;
}

StatusOr<Bytes> CertificateAuthority::PublishCrlLocked(const Authority& ca) {
  if (ca.record.role != "issuing" && ca.record.role != "root") {
    return FailedPreconditionError("'" + ca.record.name + "' does not publish a CRL");
  }
  HETONG_ASSIGN_OR_RETURN(auto signer, SignerOf(ca));
  HETONG_ASSIGN_OR_RETURN(auto revoked, repo_.ListRevoked(ca.record.name));
  std::vector<pki::RevokedEntry> entries;
  for (const auto& r : revoked) {
    auto serial = base::HexDecode(r.serial_hex);
    if (!serial.ok() || !r.revoked_at) continue;
    pki::RevokedEntry e;
    e.serial = std::move(*serial);
    e.revocation_time = *r.revoked_at;
    e.reason = pki::CrlReasonFromCode(r.reason).value_or(pki::CrlReason::kUnspecified);
    entries.push_back(std::move(e));
  }
  HETONG_ASSIGN_OR_RETURN(int64_t number, repo_.NextCrlNumber(ca.record.name));
  base::TimePoint now = std::chrono::floor<std::chrono::seconds>(clock_.Now());
  base::TimePoint next = now + settings_.crl_validity;
  HETONG_ASSIGN_OR_RETURN(Bytes der, pki::BuildCrl(*signer, ca.cert, number, now, next, entries));
  HETONG_RETURN_IF_ERROR(repo_.InsertCrl({ca.record.name, number, now, next, der}));
  spdlog::info("CA {}: published CRL #{} ({} revoked, next update {})", ca.record.name, number,
               entries.size(), base::FormatRfc3339(next));
  return der;
}

StatusOr<Bytes> CertificateAuthority::PublishCrl(const std::string& ca) {
  HETONG_ASSIGN_OR_RETURN(Authority a, Find(ca));
  std::lock_guard<std::mutex> lock(mu_);
  return PublishCrlLocked(a);
}

StatusOr<Bytes> CertificateAuthority::CurrentCrl(const std::string& ca) {
  HETONG_ASSIGN_OR_RETURN(Authority a, Find(ca));
  HETONG_ASSIGN_OR_RETURN(auto latest, repo_.LatestCrl(ca));
  base::TimePoint now = clock_.Now();
  if (latest && now < latest->this_update + (latest->next_update - latest->this_update) / 2) {
    return latest->der;
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Another thread may have published meanwhile.
  HETONG_ASSIGN_OR_RETURN(auto again, repo_.LatestCrl(ca));
  if (again && now < again->this_update + (again->next_update - again->this_update) / 2)
    return again->der;
  return PublishCrlLocked(a);
}

StatusOr<int> CertificateAuthority::PublishDueCrls() {
  int published = 0;
  for (const auto& a : authorities()) {
    if (a.record.role != "issuing" && a.record.role != "root") continue;
    HETONG_ASSIGN_OR_RETURN(auto latest, repo_.LatestCrl(a.record.name));
    if (latest &&
        clock_.Now() < latest->this_update + (latest->next_update - latest->this_update) / 2)
      continue;
    std::lock_guard<std::mutex> lock(mu_);
    HETONG_RETURN_IF_ERROR(PublishCrlLocked(a).status());
    ++published;
  }
  return published;
}

StatusOr<Authority> CertificateAuthority::EnsureServiceCertificate(
    const std::string& name, const std::string& parent, pki::Profile profile,
    std::chrono::seconds renew_before) {
  auto existing = Find(name);
  if (existing.ok() && existing->cert.not_after() - clock_.Now() > renew_before) {
    // A revoked service certificate (e.g. a suspected TSA key) is replaced at once.
    auto status = StatusOf(existing->record.parent, existing->cert.serial());
    if (!status.ok() || status->state != CertificateStatus::State::kRevoked) return *existing;
    spdlog::warn("CA: the certificate of {} is revoked; issuing a new one with a new key", name);
  }
  HETONG_ASSIGN_OR_RETURN(Authority issuer, Find(parent));
  crypto::KeySpec spec =
      issuer.record.family == "sm2" ? crypto::KeySpec::kSm2 : crypto::KeySpec::kRsa3072;
  HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key,
                          keys_.GenerateKey(spec, "ca/" + name, "platform"));
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, keys_.PublicKeyOf(key.id));
  pki::IssueRequest req;
  req.profile = profile;
  std::string label = issuer.record.family == "sm2" ? "SM2" : "RSA";
  std::string what = profile == pki::Profile::kTsa          ? label + " Time-Stamping Authority"
                     : profile == pki::Profile::kOcspSigner ? label + " OCSP Responder"
                     : profile == pki::Profile::kEncryption ? label + " Platform Encryption"
                                                            : label + " " + name;
  req.subject = CaName(settings_, what);
  req.subject_key = pub;
  IssuedCertificate cert;
  {
    std::lock_guard<std::mutex> lock(mu_);
    HETONG_ASSIGN_OR_RETURN(cert, IssueLocked(req, issuer, std::nullopt, key.id));
  }
  HETONG_RETURN_IF_ERROR(repo_.InsertCertificate(cert));
  std::string role = profile == pki::Profile::kTsa          ? "tsa"
                     : profile == pki::Profile::kOcspSigner ? "ocsp"
                                                            : "service";
  if (existing.ok()) {
    HETONG_RETURN_IF_ERROR(repo_.ReplaceAuthorityCertificate(name, key.id, cert.der));
    (void)keys_.Retire(existing->record.key_id);
  } else {
    HETONG_RETURN_IF_ERROR(repo_.InsertAuthority(
        {name, issuer.record.family, role, key.id, parent, cert.der, clock_.Now()}));
  }
  HETONG_RETURN_IF_ERROR(Reload());
  return Find(name);
}

StatusOr<Authority> CertificateAuthority::ImportTrustAnchor(ByteView bytes,
                                                            const std::string& name) {
  HETONG_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::Parse(bytes));
  if (!cert.is_ca()) return InvalidArgumentError("the certificate is not a CA certificate");
  if (!cert.unknown_critical().empty()) {
    return InvalidArgumentError(
        "the CA certificate has a critical extension hetong does not understand");
  }
  if (cert.IsSelfIssued() && !cert.VerifySignedBy(cert.public_key()).ok()) {
    return InvalidArgumentError("the self-signed CA certificate's signature does not verify");
  }
  if (name.empty() || name.find('/') != std::string::npos)
    return InvalidArgumentError("give the anchor a simple name");
  if (Find(name).ok()) return AlreadyExistsError("a CA named '" + name + "' exists");
  HETONG_RETURN_IF_ERROR(
      repo_.InsertAuthority({name, "external", "anchor", "", "", cert.der(), clock_.Now()}));
  spdlog::info("CA: imported trust anchor {} ({})", name, cert.subject().ToString());
  HETONG_RETURN_IF_ERROR(Reload());
  return Find(name);
}

}  // namespace hetong::ca
