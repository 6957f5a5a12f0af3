#include "app/platform.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "api/pki_routes.h"
#include "app/http_provider.h"
#include "app/instance_fetcher.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "document/pdf/verifier.h"
#include "evidence/package.h"
#include "identity/credentials.h"
#include "identity/verification.h"
#include "pki/oids.h"
#include "tsa/client.h"

namespace hetong::app {

namespace {

// A new certificate for a held key, with the subject and profile of its latest one.
StatusOr<ca::IssuedCertificate> RenewKeyCertificate(ca::CertificateAuthority& ca,
                                                    keycenter::KeyCenter& keys,
                                                    const std::string& key_id) {
  HETONG_ASSIGN_OR_RETURN(auto certs, ca.CertificatesOfKey(key_id));
  if (certs.empty()) return FailedPreconditionError("the key has no certificate to renew");
  HETONG_ASSIGN_OR_RETURN(pki::Certificate last, pki::Certificate::Parse(certs.front().der));
  auto profile = pki::ProfileFromName(certs.front().profile);
  if (!profile) return InternalError("unknown profile of the key's certificate");
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, keys.PublicKeyOf(key_id));
  pki::IssueRequest req;
  req.profile = *profile;
  req.subject = last.subject();
  req.subject_key = pub;
  req.demo = std::find(last.policies().begin(), last.policies().end(), pki::oid::kPolicyDemo) !=
             last.policies().end();
  return ca.IssueForKey(req, certs.front().ca, key_id);
}

// Revokes every valid certificate of a held key and retires the key.
Status RevokeAndRetire(ca::CertificateAuthority& ca, keycenter::KeyCenter& keys,
                       const std::string& key_id, pki::CrlReason reason) {
  HETONG_ASSIGN_OR_RETURN(auto certs, ca.CertificatesOfKey(key_id));
  for (const auto& c : certs) {
    if (c.status == "valid") HETONG_RETURN_IF_ERROR(ca.Revoke(c.serial_hex, reason));
  }
  return keys.Retire(key_id);
}

// Gives a verified person or organisation a key in the key center (owner: the account) and a
// certificate from the instance's issuing CA of the configured family.
class AccountCredentialIssuer final : public identity::CredentialIssuer {
 public:
  AccountCredentialIssuer(keycenter::KeyCenter& keys, ca::CertificateAuthority& ca,
                          crypto::KeySpec spec, const identity::IdentityService** service)
      : keys_(keys), ca_(ca), spec_(spec), service_(service) {}

  StatusOr<Issued> Issue(const identity::Account& a, bool sandbox) override {
    HETONG_ASSIGN_OR_RETURN(SecretBytes number, (*service_)->IdNumberOf(a));
    pki::DistinguishedName dn;
    dn.Country("CN");
    bool person = a.kind == identity::AccountKind::kPerson;
    if (!person) {
      dn.Organization(a.name);
      dn.OrganizationIdentifier("USCCN-" +
                                std::string(number.RevealString(SecretAccess::Unsafe())));
    }
    if (sandbox) dn.OrganizationalUnit("SANDBOX - identity not verified (demo instance)");
    dn.CommonName(a.name);
    if (person) {
      // Not the identity card number itself (certificates travel inside signed files): a
      // digest of it that anyone who knows the number can check (docs/formats/identity.md).
      dn.SerialNumber(identity::IdNumberDigest(number.RevealString(SecretAccess::Unsafe())));
    }
    HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key,
                            keys_.GenerateKey(spec_, "account/" + a.id, a.id));
    HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, keys_.PublicKeyOf(key.id));
    pki::IssueRequest req;
    req.profile = person ? pki::Profile::kPersonal : pki::Profile::kOrganization;
    req.demo = sandbox;  // the demo policy as well as the SANDBOX unit
    req.subject = dn;
    req.subject_key = pub;
    auto issued = ca_.IssueForKey(req, "", key.id);
    if (!issued.ok()) {
      (void)keys_.Retire(key.id);
      return issued.status();
    }
    return Issued{key.id, issued->serial_hex};
  }

  StatusOr<Issued> Renew(const identity::Account& a) override {
    HETONG_ASSIGN_OR_RETURN(ca::IssuedCertificate c, RenewKeyCertificate(ca_, keys_, a.key_id));
    return Issued{a.key_id, c.serial_hex};
  }

  Status Revoke(const identity::Account& a, int reason) override {
    return RevokeAndRetire(ca_, keys_, a.key_id, static_cast<pki::CrlReason>(reason));
  }

 private:
  keycenter::KeyCenter& keys_;
  ca::CertificateAuthority& ca_;
  crypto::KeySpec spec_;
  const identity::IdentityService** service_;
};

}  // namespace

Platform::~Platform() = default;

ca::CaSettings Platform::SettingsFrom(const store::Instance& instance) {
  ca::CaSettings s;
  s.public_url = instance.config().GetOr("instance.public_url", "http://127.0.0.1:8080");
  while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
  s.instance_name = instance.config().GetOr("instance.name", "hetong");
  s.demo = instance.demo();
  return s;
}

Status Platform::Bootstrap(const std::string& dir) {
  HETONG_ASSIGN_OR_RETURN(auto instance, store::Instance::Open(dir, false));
  store::SqlKeyRepository key_repo(*instance);
  store::SqlCaRepository ca_repo(*instance);
  keycenter::SoftwareDevice device(instance->master_key().Clone(), crypto::DefaultRng());
  keycenter::KeyCenter keys(device, key_repo, base::SystemClock::Get(), crypto::DefaultRng());
  ca::CaSettings settings = SettingsFrom(*instance);
  HETONG_RETURN_IF_ERROR(ca::CertificateAuthority::Bootstrap(
      keys, ca_repo, settings, base::SystemClock::Get(), crypto::DefaultRng()));
  HETONG_ASSIGN_OR_RETURN(
      auto ca, ca::CertificateAuthority::Open(keys, ca_repo, settings, base::SystemClock::Get(),
                                              crypto::DefaultRng()));
  for (const char* family : {"sm2", "rsa"}) {
    HETONG_RETURN_IF_ERROR(ca->EnsureServiceCertificate(std::string(family) + "-ocsp",
                                                        std::string(family) + "-ca",
                                                        pki::Profile::kOcspSigner)
                               .status());
    HETONG_RETURN_IF_ERROR(ca->EnsureServiceCertificate(std::string(family) + "-tsa",
                                                        std::string(family) + "-ca",
                                                        pki::Profile::kTsa)
                               .status());
  }
  return ca->PublishDueCrls().status();
}

StatusOr<std::unique_ptr<Platform>> Platform::Open(const std::string& dir, bool serving) {
  std::unique_ptr<Platform> p(new Platform());
  HETONG_ASSIGN_OR_RETURN(p->instance_, store::Instance::Open(dir, serving));
  p->key_repo_ = std::make_unique<store::SqlKeyRepository>(*p->instance_);
  p->ca_repo_ = std::make_unique<store::SqlCaRepository>(*p->instance_);
  p->device_ = std::make_unique<keycenter::SoftwareDevice>(p->instance_->master_key().Clone(),
                                                           crypto::DefaultRng());
  p->keys_ = std::make_unique<keycenter::KeyCenter>(*p->device_, *p->key_repo_,
                                                    base::SystemClock::Get(), crypto::DefaultRng());
  HETONG_ASSIGN_OR_RETURN(
      p->ca_, ca::CertificateAuthority::Open(*p->keys_, *p->ca_repo_, SettingsFrom(*p->instance_),
                                             base::SystemClock::Get(), crypto::DefaultRng()));
  p->status_lookup_ = std::make_unique<ocsp::CaStatusLookup>(*p->ca_);
  ocsp::ResponderOptions opts;
  auto minutes = p->instance_->config().GetInt("ocsp.validity_minutes", 60);
  if (!minutes.ok()) return minutes.status();
  if (*minutes < 1) return InvalidArgumentError("ocsp.validity_minutes must be at least 1");
  opts.validity = std::chrono::minutes(*minutes);
  p->ocsp_ =
      std::make_unique<ocsp::OcspResponder>(*p->status_lookup_, base::SystemClock::Get(), opts);
  HETONG_RETURN_IF_ERROR(p->OpenIdentity());
  return p;
}

StatusOr<Platform::TlsMaterial> Platform::InstanceTlsCredentials(
    const std::vector<std::string>& names) {
  if (names.empty()) return InvalidArgumentError("a TLS certificate needs a host name or address");
  std::string key_path = instance_->dir() + "/keys/tls.key";
  std::string cert_path = instance_->dir() + "/keys/tls.crt";
  SecretBytes key_pem;
  if (auto existing = base::ReadFileToString(key_path); existing.ok()) {
    key_pem = SecretBytes::Copy(*existing);
    std::fill(existing->begin(), existing->end(), '\0');
  } else {
    HETONG_ASSIGN_OR_RETURN(crypto::PrivateKey k,
                            crypto::PrivateKey::Generate(crypto::KeySpec::kEcdsaP256));
    HETONG_ASSIGN_OR_RETURN(key_pem, k.ToPkcs8Pem());
    HETONG_RETURN_IF_ERROR(
        base::WriteFileAtomic(key_path, key_pem.Reveal(SecretAccess::Unsafe()), 0600));
    spdlog::info("tls: made a new server key in {}", key_path);
  }
  HETONG_ASSIGN_OR_RETURN(
      crypto::PrivateKey key,
      crypto::PrivateKey::FromPem(key_pem.RevealString(SecretAccess::Unsafe())));
  crypto::PublicKey pub = key.public_key();
  std::vector<std::string> dns, ips;
  for (const auto& n : names) {
    bool ip = !n.empty() && n.find_first_not_of("0123456789.") == std::string::npos;
    (ip ? ips : dns).push_back(n);
  }
  // Reuse the certificate while it is for this key and these names and not near its end.
  bool fresh = false;
  if (auto der = base::ReadFileToString(cert_path); der.ok()) {
    auto cert = pki::Certificate::Parse(AsBytes(*der));
    if (cert.ok() && cert->public_key().Equals(pub) && cert->dns_names() == dns &&
        cert->ip_addresses() == ips &&
        cert->not_after() - clock().Now() > std::chrono::hours(24 * 30)) {
      fresh = true;
    }
  }
  if (!fresh) {
    pki::IssueRequest req;
    req.profile = pki::Profile::kTls;
    req.subject.Country("CN")
        .Organization(instance_->config().GetOr("instance.name", "hetong"))
        .CommonName(names.front());
    req.subject_key = pub;
    req.dns_names = dns;
    req.ip_addresses = ips;
    HETONG_ASSIGN_OR_RETURN(ca::IssuedCertificate issued, ca_->IssueForKey(req, "rsa-ca", ""));
    HETONG_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::Parse(issued.der));
    std::string pem = cert.ToPem();
    HETONG_RETURN_IF_ERROR(base::WriteFileAtomic(cert_path, AsBytes(pem), 0644));
    spdlog::info("tls: issued the server certificate {} for {}", issued.serial_hex,
                 fmt::join(names, ", "));
  }
  HETONG_ASSIGN_OR_RETURN(std::string leaf, base::ReadFileToString(cert_path));
  HETONG_ASSIGN_OR_RETURN(ca::Authority issuing, ca_->Find("rsa-ca"));
  return TlsMaterial{leaf + issuing.cert.ToPem(),
                     std::make_shared<const SecretBytes>(std::move(key_pem))};
}

StatusOr<pki::Certificate> Platform::EncryptionCertificate() {
  HETONG_ASSIGN_OR_RETURN(
      ca::Authority a,
      ca_->EnsureServiceCertificate("sm2-encryption", "sm2-ca", pki::Profile::kEncryption));
  return a.cert;
}

StatusOr<SecretBytes> Platform::OpenEnvelope(ByteView envelope) {
  HETONG_RETURN_IF_ERROR(EncryptionCertificate().status());
  HETONG_ASSIGN_OR_RETURN(ca::Authority a, ca_->Find("sm2-encryption"));
  auto opened = keys_->OpenEnvelope(a.record.key_id, envelope);
  if (!opened.ok() && opened.status().code() != StatusCode::kInvalidArgument) {
    return InvalidArgumentError(
        "the envelope does not open with the platform's current encryption key (GET "
        "/api/v1/encryption-certificate)");
  }
  return opened;
}

Status Platform::OpenIdentity() {
  const base::Config& cfg = instance_->config();
  identity::Settings settings;
  settings.demo = instance_->demo();
  settings.issuer = cfg.GetOr("instance.name", "hetong");
  HETONG_ASSIGN_OR_RETURN(int64_t iterations,
                          cfg.GetInt("identity.password_iterations", settings.password_iterations));
  if (iterations < 10'000 || iterations > 10'000'000) {
    return InvalidArgumentError("identity.password_iterations must be 10000..10000000");
  }
  settings.password_iterations = static_cast<uint32_t>(iterations);
  HETONG_ASSIGN_OR_RETURN(int64_t failures, cfg.GetInt("identity.max_failed_logins", 5));
  HETONG_ASSIGN_OR_RETURN(int64_t lockout, cfg.GetInt("identity.lockout_minutes", 15));
  HETONG_ASSIGN_OR_RETURN(int64_t ttl, cfg.GetInt("identity.session_hours", 12));
  if (failures < 1 || failures > 100 || lockout < 1 || lockout > 1440 || ttl < 1 || ttl > 720) {
    return InvalidArgumentError(
        "identity.max_failed_logins (1..100), identity.lockout_minutes (1..1440) and "
        "identity.session_hours (1..720) are out of range");
  }
  settings.max_failed_logins = static_cast<int>(failures);
  settings.lockout = std::chrono::minutes(lockout);
  settings.session_ttl = std::chrono::hours(ttl);
  std::string alg = cfg.GetOr("identity.key_algorithm", "sm2");
  auto spec = crypto::KeySpecFromName(alg);
  if (!spec || (*spec != crypto::KeySpec::kSm2 && *spec != crypto::KeySpec::kRsa2048 &&
                *spec != crypto::KeySpec::kRsa3072)) {
    return InvalidArgumentError("identity.key_algorithm must be sm2, rsa2048 or rsa3072");
  }
  identity_repo_ = std::make_unique<store::SqlIdentityRepository>(*instance_);
  idempotency_ = std::make_unique<store::SqlIdempotencyStore>(*instance_);
  identity_ = std::make_unique<identity::IdentityService>(*identity_repo_, base::SystemClock::Get(),
                                                          crypto::DefaultRng(),
                                                          instance_->master_key(), settings);
  identity_service_ = identity_.get();
  issuer_ = std::make_unique<AccountCredentialIssuer>(*keys_, *ca_, *spec, &identity_service_);
  identity_->SetIssuer(issuer_.get());
  identity_->AddProvider(std::make_unique<identity::ManualProvider>());
  if (settings.demo) identity_->AddProvider(std::make_unique<identity::SandboxProvider>(true));
  // Certificate authentication trusts the external CAs imported as anchors, not the
  // instance's own roots (whose user keys the platform holds).
  ca::CertificateAuthority* ca = ca_.get();
  cert_auth_ = std::make_unique<identity::CertificateAuthenticator>(
      *identity_, *identity_repo_,
      [ca] {
        std::vector<pki::Certificate> anchors;
        for (const auto& a : ca->authorities()) {
          if (a.record.role == "anchor") anchors.push_back(a.cert);
        }
        return anchors;
      },
      instance_->instance_id(), base::SystemClock::Get(), crypto::DefaultRng());
  identity_->AddProvider(std::make_unique<identity::CertificateProvider>(*cert_auth_));
  // The operator's HTTP adapter for a real provider (app/http_provider.h).
  if (std::string name = cfg.GetOr("identity.http_provider", ""); !name.empty()) {
    std::string url = cfg.GetOr("identity.http_provider_url", "");
    bool ok_name =
        name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        });
    if (!ok_name || url.empty() || name == "manual" || name == "sandbox" || name == "certificate") {
      return InvalidArgumentError(
          "identity.http_provider is a new provider name (a-z, 0-9, - and _) and needs "
          "identity.http_provider_url");
    }
    identity_->AddProvider(std::make_unique<HttpVerificationProvider>(
        name, url, cfg.GetOr("identity.http_provider_key", "")));
  }
  signing_ = std::make_unique<identity::SigningService>(
      *identity_, *identity_repo_, *keys_, base::SystemClock::Get(), crypto::DefaultRng());
  return OpenContracts();
}

StatusOr<std::string> Platform::VerifyPdf(ByteView pdf) {
  std::string_view head(reinterpret_cast<const char*>(pdf.data()),
                        std::min<size_t>(pdf.size(), 1024));
  if (head.find("%PDF-") == std::string_view::npos) {
    return InvalidArgumentError("the file is not a PDF (no %PDF- header)");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(crypto::DefaultRng(), 8));
  std::string path = instance_->dir() + "/tmp/.verify-" + base::HexEncode(r) + ".pdf";
  HETONG_RETURN_IF_ERROR(base::WriteFileAtomic(path, pdf, 0600));
  document::pdf::PdfVerifyOptions opts;
  opts.anchors = ca_->TrustAnchors();
  opts.intermediates = ca_->Intermediates();
  auto report = document::pdf::VerifyPdf(path, opts);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!report.ok())
    return InvalidArgumentError("the PDF cannot be read: " + report.status().message());
  return report->ToJson();
}

Status Platform::OpenContracts() {
  contract::ContractService::Options options;
  options.public_url = ca_->settings().public_url;
  options.work_dir = instance_->dir() + "/tmp";
  HETONG_RETURN_IF_ERROR(base::MakeDirs(options.work_dir, 0700));
  HETONG_ASSIGN_OR_RETURN(int64_t max_mb,
                          instance_->config().GetInt("contracts.max_document_mb", 64));
  if (max_mb < 1 || max_mb > 1024) {
    return InvalidArgumentError("contracts.max_document_mb must be 1..1024");
  }
  options.max_document_bytes = static_cast<size_t>(max_mb) << 20;
  contract_repo_ = std::make_unique<store::SqlContractRepository>(*instance_);
  blob_adapter_ = std::make_unique<BlobStoreAdapter>(instance_->blobs());
  signing_env_ = std::make_unique<PlatformSigningEnvironment>(*this);
  contracts_ = std::make_unique<contract::ContractService>(
      *contract_repo_, *blob_adapter_, *identity_, *signing_, *signing_env_,
      instance_->master_key(), base::SystemClock::Get(), crypto::DefaultRng(), std::move(options));
  // Seals.
  seal_repo_ = std::make_unique<store::SqlSealRepository>(*instance_);
  seal_directory_ = std::make_unique<seal::RepositoryDirectory>(*identity_repo_);
  seals_ = std::make_unique<seal::SealService>(*seal_repo_, *seal_directory_,
                                               base::SystemClock::Get(), crypto::DefaultRng());
  seal_access_ = std::make_unique<SealAccessAdapter>(*seals_);
  contracts_->SetSeals(seal_access_.get());
  // The evidence log.
  evidence_repo_ = std::make_unique<store::SqlEvidenceRepository>(*instance_);
  evidence_log_ = std::make_unique<evidence::EvidenceLog>(*evidence_repo_, instance_->instance_id(),
                                                          base::SystemClock::Get());
  evidence_sink_ = std::make_unique<EvidenceSinkAdapter>(*evidence_log_);
  contracts_->SetEvidence(evidence_sink_.get());
  // Identity's steps (registration, verification, login, grants, key use and changes) and
  // the seals' (created, suspended, revoked, grants restricted) too.
  evidence::EvidenceLog* log = evidence_log_.get();
  auto audit = [log](const std::string& type, const std::string& subject, const std::string& actor,
                     const std::string& details) {
    auto appended =
        log->Append(evidence::Event{type, subject, actor, base::SystemClock::Get().Now(), details});
    if (!appended.ok()) {
      spdlog::warn("evidence: {} of {} not appended: {}", type, subject,
                   appended.status().message());
    }
  };
  identity_->SetAudit(audit);
  seals_->SetAudit(audit);
  return OkStatus();
}

Status Platform::OpenNotifications() {
  if (notifier_) return OkStatus();
  outbox_repo_ = std::make_unique<store::SqlOutboxRepository>(*instance_);
  webhook_repo_ = std::make_unique<store::SqlWebhookRepository>(*instance_);
  HETONG_ASSIGN_OR_RETURN(
      notifier_, notify::Notifier::Create(instance_->config(), instance_->dir(),
                                          instance_->master_key(), *outbox_repo_, *webhook_repo_,
                                          base::SystemClock::Get(), crypto::DefaultRng()));
  notifier_adapter_ = std::make_unique<NotifierAdapter>(
      *identity_repo_, *notifier_, base::SystemClock::Get(), crypto::DefaultRng());
  contracts_->SetNotifier(notifier_adapter_.get());
  return OkStatus();
}

StatusOr<std::pair<std::shared_ptr<const crypto::Signer>, std::vector<pki::Certificate>>>
Platform::EvidenceSigner() {
  // One signer per process: the scheduler and the packages use the same key and certificate
  // (a renewal near the certificate's end takes effect at the next start).
  std::lock_guard<std::mutex> lock(evidence_signer_mu_);
  if (evidence_signer_) return *evidence_signer_;
  HETONG_ASSIGN_OR_RETURN(
      ca::Authority a,
      ca_->EnsureServiceCertificate("sm2-evidence", "sm2-ca", pki::Profile::kEvidenceLog));
  HETONG_ASSIGN_OR_RETURN(auto signer, ca_->SignerOf(a));
  std::vector<pki::Certificate> chain = {a.cert};
  for (auto& c : ca_->Intermediates()) {
    if (c.subject_der() == a.cert.issuer_der()) chain.push_back(std::move(c));
  }
  evidence_signer_ = std::make_pair(std::move(signer), std::move(chain));
  return *evidence_signer_;
}

StatusOr<Bytes> Platform::EvidencePackage(const std::string& actor,
                                          const std::string& contract_id) {
  HETONG_ASSIGN_OR_RETURN(contract::Contract c, contracts_->Get(actor, contract_id));
  HETONG_ASSIGN_OR_RETURN(Bytes pdf, contracts_->ContractPdf(actor, contract_id));
  // Recording the export also appends any event whose evidence append failed before.
  HETONG_RETURN_IF_ERROR(contracts_->Record(c, "evidence.exported", actor, "{}"));
  HETONG_ASSIGN_OR_RETURN(auto signer, EvidenceSigner());
  HETONG_ASSIGN_OR_RETURN(tsa::TimeStampAuthority * t, tsa());
  evidence::PackageInputs in;
  {
    std::lock_guard<std::mutex> lock(evidence_mu_);
    in.subject = contract_id;
    Status collected = evidence::CollectFromLog(*evidence_log_, contract_id, in);
    if (collected.code() == StatusCode::kFailedPrecondition) {
      // The latest head does not cover the newest events yet: sign one now.
      tsa::LocalTimestampSource stamps(*t, crypto::DefaultRng());
      HETONG_RETURN_IF_ERROR(evidence_log_->SignHead(*signer.first, &stamps).status());
      in = evidence::PackageInputs{};
      in.subject = contract_id;
      collected = evidence::CollectFromLog(*evidence_log_, contract_id, in);
    }
    HETONG_RETURN_IF_ERROR(collected);
  }
  in.document = std::move(pdf);
  in.document_name = "contract.pdf";
  in.created_at = base::SystemClock::Get().Now();
  in.log_chain = signer.second;
  for (const auto& a : ca_->authorities()) {
    if (a.record.name == "sm2-tsa" || a.record.name == "rsa-tsa") in.tsa_chain.push_back(a.cert);
  }
  for (auto& ca : ca_->Intermediates()) in.tsa_chain.push_back(ca);
  in.roots = ca_->TrustAnchors();
  return evidence::BuildPackage(in);
}

StatusOr<tsa::TimeStampAuthority*> Platform::tsa() {
  std::lock_guard<std::mutex> lock(tsa_mu_);
  if (tsa_) return tsa_.get();
  std::vector<tsa::TsaSigner> signers;
  for (const char* family : {"sm2", "rsa"}) {
    HETONG_ASSIGN_OR_RETURN(ca::Authority a, ca_->EnsureServiceCertificate(
                                                 std::string(family) + "-tsa",
                                                 std::string(family) + "-ca", pki::Profile::kTsa));
    HETONG_ASSIGN_OR_RETURN(auto signer, ca_->SignerOf(a));
    HETONG_ASSIGN_OR_RETURN(ca::Authority issuing, ca_->Find(std::string(family) + "-ca"));
    signers.push_back({family, a.cert, signer, {issuing.cert}});
  }
  tsa::TsaSettings settings;
  const base::Config& cfg = instance_->config();
  settings.sha2_family = cfg.GetOr("tsa.sha2_family", "rsa");
  if (settings.sha2_family != "rsa" && settings.sha2_family != "sm2") {
    return InvalidArgumentError("tsa.sha2_family must be rsa or sm2");
  }
  HETONG_ASSIGN_OR_RETURN(int64_t accuracy_ms, cfg.GetInt("tsa.accuracy_ms", 1000));
  if (accuracy_ms < 1 || accuracy_ms > 60000)
    return InvalidArgumentError("tsa.accuracy_ms must be 1..60000");
  settings.accuracy = {static_cast<int>(accuracy_ms / 1000), static_cast<int>(accuracy_ms % 1000),
                       0};
  token_log_ = std::make_unique<store::SqlTokenLog>(*instance_);
  HETONG_ASSIGN_OR_RETURN(tsa_,
                          tsa::TimeStampAuthority::Create(settings, std::move(signers), *token_log_,
                                                          base::SystemClock::Get()));
  return tsa_.get();
}

Status Platform::RefreshOcspResponders(bool renew) {
  std::vector<ocsp::ResponderIdentity> ids;
  for (const auto& a : ca_->authorities()) {
    if (a.record.role != "issuing") continue;
    std::string name = a.record.family + "-ocsp";
    auto found = renew
                     ? ca_->EnsureServiceCertificate(name, a.record.name, pki::Profile::kOcspSigner)
                     : ca_->Find(name);
    if (!renew && !found.ok())
      continue;  // without a responder, OCSP requests are refused; CRLs remain
    HETONG_ASSIGN_OR_RETURN(ca::Authority responder, std::move(found));
    HETONG_ASSIGN_OR_RETURN(auto signer, ca_->SignerOf(responder));
    ids.push_back({a.record.name, a.cert, responder.cert, signer});
  }
  ocsp_->SetIdentities(std::move(ids));
  return OkStatus();
}

StatusOr<pki::HttpFetcher*> Platform::fetcher(bool signing) {
  std::lock_guard<std::mutex> lock(fetcher_mu_);
  if (fetcher_) return fetcher_.get();
  // Verifying changes nothing in the instance: no certificate is renewed for it.
  HETONG_RETURN_IF_ERROR(RefreshOcspResponders(/*renew=*/signing));
  router_ = std::make_unique<api::Router>();
  api::RegisterPkiRoutes(*router_, *ca_, *ocsp_);
  if (signing) {
    HETONG_ASSIGN_OR_RETURN(tsa::TimeStampAuthority * t, tsa());
    api::RegisterTsaRoute(*router_, *t);
  }
  fetcher_ = std::make_unique<InstanceFetcher>(ca_->settings().public_url, *router_);
  return fetcher_.get();
}

namespace {

constexpr std::string_view kSignerLabel = "signer/";

Status CheckSignerName(const std::string& name) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  bool ok = !name.empty() && name.size() <= 64 && alnum(name[0]);
  for (char c : name) ok = ok && (alnum(c) || c == '.' || c == '_' || c == '-');
  if (!ok) {
    return InvalidArgumentError(
        "a signer name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<std::string>> Platform::SignerNames() {
  HETONG_ASSIGN_OR_RETURN(auto records, key_repo_->ListByOwner("platform"));
  std::vector<std::string> out;
  for (const auto& r : records) {
    if (r.status == "active" && r.label.rfind(kSignerLabel, 0) == 0)
      out.push_back(r.label.substr(kSignerLabel.size()));
  }
  return out;
}

StatusOr<Platform::SigningIdentity> Platform::EnrollSigner(const std::string& name,
                                                           const pki::DistinguishedName& subject,
                                                           crypto::KeySpec spec,
                                                           pki::Profile profile) {
  HETONG_RETURN_IF_ERROR(CheckSignerName(name));
  if (profile != pki::Profile::kPersonal && profile != pki::Profile::kOrganization) {
    return InvalidArgumentError("a signer's certificate profile is personal or org");
  }
  HETONG_ASSIGN_OR_RETURN(auto names, SignerNames());
  for (const auto& n : names) {
    if (n == name) return AlreadyExistsError("the signer '" + name + "' exists");
  }
  HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key,
                          keys_->GenerateKey(spec, std::string(kSignerLabel) + name, "platform"));
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, keys_->PublicKeyOf(key.id));
  pki::IssueRequest req;
  req.profile = profile;
  req.subject = subject;
  req.subject_key = pub;
  auto issued = ca_->IssueForKey(req, "", key.id);
  if (!issued.ok()) {
    (void)keys_->Retire(key.id);  // no half-enrolled signer
    return issued.status();
  }
  return FindSigner(name);
}

StatusOr<keycenter::KeyRecord> Platform::SignerKey(const std::string& name) {
  HETONG_RETURN_IF_ERROR(CheckSignerName(name));
  HETONG_ASSIGN_OR_RETURN(auto records, key_repo_->ListByOwner("platform"));
  for (const auto& r : records) {
    if (r.status == "active" && r.label == std::string(kSignerLabel) + name) return r;
  }
  return NotFoundError("no signer named '" + name + "' (see 'hetong signer list')");
}

StatusOr<Platform::SigningIdentity> Platform::RenewSigner(const std::string& name) {
  HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key, SignerKey(name));
  HETONG_ASSIGN_OR_RETURN(auto certs, ca_->CertificatesOfKey(key.id));
  if (certs.empty())
    return FailedPreconditionError("the signer '" + name + "' has no certificate to renew");
  HETONG_RETURN_IF_ERROR(RenewKeyCertificate(*ca_, *keys_, key.id).status());
  return FindSigner(name);
}

Status Platform::RetireSigner(const std::string& name) {
  HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key, SignerKey(name));
  return RevokeAndRetire(*ca_, *keys_, key.id, pki::CrlReason::kCessationOfOperation);
}

StatusOr<Platform::SigningIdentity> Platform::FindSigner(const std::string& name) {
  HETONG_ASSIGN_OR_RETURN(keycenter::KeyRecord key_record, SignerKey(name));
  const keycenter::KeyRecord* key = &key_record;
  HETONG_ASSIGN_OR_RETURN(auto certs, ca_->CertificatesOfKey(key->id));
  base::TimePoint now = clock().Now();
  for (const auto& c : certs) {
    if (c.status != "valid" || c.not_before > now || c.not_after < now) continue;
    HETONG_ASSIGN_OR_RETURN(auto signer, keys_->SignerFor(key->id));
    HETONG_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::Parse(c.der));
    HETONG_ASSIGN_OR_RETURN(ca::Authority issuer, ca_->Find(c.ca));
    return SigningIdentity{name, key->id, std::move(signer), std::move(cert), {issuer.cert}};
  }
  return FailedPreconditionError("the signer '" + name +
                                 "' has no valid certificate (revoked or expired)");
}

}  // namespace hetong::app
