// The wiring of a hetong instance: the store, repositories, key center, CA and OCSP
// responder, assembled from an instance directory. Used by `hetong serve` and by the
// administrative commands (`hetong ca ...`).
//
// Thread-safety: the components are safe for concurrent use once opened.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "app/contract_wiring.h"
#include "base/clock.h"
#include "base/status.h"
#include "ca/authority.h"
#include "evidence/log.h"
#include "identity/certificate_auth.h"
#include "identity/intent.h"
#include "identity/service.h"
#include "keycenter/key_center.h"
#include "notify/notifier.h"
#include "ocsp/ca_status_lookup.h"
#include "ocsp/responder.h"
#include "pki/revocation.h"
#include "seal/seal_service.h"
#include "store/instance.h"
#include "store/sql_contract.h"
#include "store/sql_evidence.h"
#include "store/sql_identity.h"
#include "store/sql_notify.h"
#include "store/sql_repositories.h"
#include "store/sql_seal.h"
#include "tsa/authority.h"

namespace hetong::app {

class Platform {
 public:
  // `serving`: take the instance's serving lock.
  static StatusOr<std::unique_ptr<Platform>> Open(const std::string& dir, bool serving);
  // Creates the CA hierarchy and service certificates of a freshly initialised instance.
  static Status Bootstrap(const std::string& dir);
  ~Platform();

  store::Instance& instance() { return *instance_; }
  keycenter::KeyCenter& keys() { return *keys_; }
  ca::CertificateAuthority& ca() { return *ca_; }
  ocsp::OcspResponder& ocsp() { return *ocsp_; }
  // Persons, organisations, sessions (identity/service.h), with the instance's providers and
  // a credential issuer that gives verified accounts a key and a certificate.
  identity::IdentityService& identity() { return *identity_; }
  identity::SigningService& signing() { return *signing_; }
  // Documents and contracts (contract/service.h), with PDF signing through this instance's
  // TSA and revocation data.
  contract::ContractService& contracts() { return *contracts_; }
  seal::SealService& seals() { return *seals_; }
  evidence::EvidenceLog& evidence() { return *evidence_log_; }
  // Email, SMS and webhooks (notify/notifier.h), set up by `hetong serve` (which starts and
  // stops its threads) from the smtp.*, sms.* and notify.* keys; other commands send nothing.
  Status OpenNotifications();
  notify::Notifier& notifier() { return *notifier_; }
  // The evidence log's tree-head signer: an SM2 key in the key center with a certificate of
  // the evidence profile from sm2-ca (renewed like the service certificates).
  StatusOr<std::pair<std::shared_ptr<const crypto::Signer>, std::vector<pki::Certificate>>>
  EvidenceSigner();
  // The evidence package (zip) of a contract `actor` may see: its current PDF, its events
  // with inclusion proofs in the latest signed tree head (signed now if it does not cover
  // them yet), the certificates.
  StatusOr<Bytes> EvidencePackage(const std::string& actor, const std::string& contract_id);
  // Validates any PDF against this instance's trust anchors (and those imported), with the
  // validation data embedded in the file: the report as JSON (POST /api/v1/verify).
  StatusOr<std::string> VerifyPdf(ByteView pdf);
  identity::CertificateAuthenticator& certificate_auth() { return *cert_auth_; }
  api::IdempotencyStore& idempotency() { return *idempotency_; }
  // The TSA (created on first use: it needs the TSA certificates).
  StatusOr<tsa::TimeStampAuthority*> tsa();
  const base::Clock& clock() const { return base::SystemClock::Get(); }

  // The HTTPS server's certificate chain and key for `server.tls = instance`: an ECDSA P-256
  // key in DIR/keys/tls.key (0600, made once) and a certificate of the TLS profile from the
  // RSA issuing CA in DIR/keys/tls.crt, issued again when missing, within 30 days of its end,
  // or when `names` (DNS names and IP addresses) changed.
  struct TlsMaterial {
    std::string chain_pem;
    std::shared_ptr<const SecretBytes> key_pem;
  };
  StatusOr<TlsMaterial> InstanceTlsCredentials(const std::vector<std::string>& names);

  // The platform's SM2 encryption certificate (profile encryption, from sm2-ca, renewed like
  // the service certificates), to which clients address envelopes around sensitive fields;
  // and the opening of such an envelope with its key in the key center.
  StatusOr<pki::Certificate> EncryptionCertificate();
  StatusOr<SecretBytes> OpenEnvelope(ByteView envelope);

  // Installs the OCSP responder certificate of every issuing CA; with `renew`, first makes
  // sure each is current (issuing a new one when it is near its end or revoked).
  Status RefreshOcspResponders(bool renew = true);

  // HTTP for revocation data and time-stamps: the instance's own URLs are answered in
  // process (see instance_fetcher.h). `signing`: also the TSA, and service certificates are
  // renewed when due; otherwise (verifying) the instance is not changed.
  StatusOr<pki::HttpFetcher*> fetcher(bool signing);

  // Signing identities whose keys the platform holds in its key center (e.g. an
  // organisation's seal key), each with a certificate from the instance CA.
  struct SigningIdentity {
    std::string name;
    std::string key_id;
    std::shared_ptr<const crypto::Signer> signer;
    pki::Certificate certificate;
    std::vector<pki::Certificate> chain;  // the issuing CA (the root is a trust anchor)
  };
  // A new key of `spec` and a certificate of `profile` (personal or org) for `subject`.
  StatusOr<SigningIdentity> EnrollSigner(const std::string& name,
                                         const pki::DistinguishedName& subject,
                                         crypto::KeySpec spec, pki::Profile profile);
  // NotFound when there is no such signer; FailedPrecondition when its certificate is
  // revoked or expired.
  StatusOr<SigningIdentity> FindSigner(const std::string& name);
  StatusOr<std::vector<std::string>> SignerNames();
  // A new certificate for the signer's key (same subject and profile), e.g. before expiry.
  StatusOr<SigningIdentity> RenewSigner(const std::string& name);
  // Revokes the signer's certificates (cessationOfOperation) and retires its key; the name
  // can then be enrolled again.
  Status RetireSigner(const std::string& name);

 private:
  Platform() = default;
  static ca::CaSettings SettingsFrom(const store::Instance& instance);
  Status OpenIdentity();
  Status OpenContracts();
  StatusOr<keycenter::KeyRecord> SignerKey(const std::string& name);
  std::unique_ptr<store::Instance> instance_;
  std::unique_ptr<store::SqlKeyRepository> key_repo_;
  std::unique_ptr<store::SqlCaRepository> ca_repo_;
  std::unique_ptr<keycenter::SoftwareDevice> device_;
  std::unique_ptr<keycenter::KeyCenter> keys_;
  std::unique_ptr<ca::CertificateAuthority> ca_;
  std::unique_ptr<ocsp::StatusLookup> status_lookup_;
  std::unique_ptr<ocsp::OcspResponder> ocsp_;
  std::unique_ptr<store::SqlTokenLog> token_log_;
  std::unique_ptr<store::SqlIdentityRepository> identity_repo_;
  std::unique_ptr<identity::CredentialIssuer> issuer_;
  std::unique_ptr<identity::IdentityService> identity_;
  const identity::IdentityService* identity_service_ = nullptr;
  std::unique_ptr<identity::SigningService> signing_;
  std::unique_ptr<store::SqlContractRepository> contract_repo_;
  std::unique_ptr<BlobStoreAdapter> blob_adapter_;
  std::unique_ptr<PlatformSigningEnvironment> signing_env_;
  std::unique_ptr<contract::ContractService> contracts_;
  std::unique_ptr<store::SqlSealRepository> seal_repo_;
  std::unique_ptr<seal::RepositoryDirectory> seal_directory_;
  std::unique_ptr<seal::SealService> seals_;
  std::unique_ptr<SealAccessAdapter> seal_access_;
  std::unique_ptr<store::SqlEvidenceRepository> evidence_repo_;
  std::unique_ptr<evidence::EvidenceLog> evidence_log_;
  std::unique_ptr<EvidenceSinkAdapter> evidence_sink_;
  std::mutex evidence_mu_;
  std::mutex evidence_signer_mu_;
  std::optional<std::pair<std::shared_ptr<const crypto::Signer>, std::vector<pki::Certificate>>>
      evidence_signer_;
  std::unique_ptr<store::SqlOutboxRepository> outbox_repo_;
  std::unique_ptr<store::SqlWebhookRepository> webhook_repo_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<NotifierAdapter> notifier_adapter_;
  std::unique_ptr<identity::CertificateAuthenticator> cert_auth_;
  std::unique_ptr<store::SqlIdempotencyStore> idempotency_;
  std::unique_ptr<tsa::TimeStampAuthority> tsa_;
  std::mutex tsa_mu_;
  std::unique_ptr<api::Router> router_;
  std::unique_ptr<pki::HttpFetcher> fetcher_;
  std::mutex fetcher_mu_;
};

}  // namespace hetong::app
