// The platform's side of the contract service's interfaces (contract/service.h): PDF bytes
// in the instance's blob store, and the signing environment (the instance TSA, its CA
// certificates and revocation data answered in process).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <mutex>

#include "contract/service.h"
#include "evidence/log.h"
#include "identity/identity.h"
#include "notify/notifier.h"
#include "seal/seal_service.h"
#include "store/blob_store.h"

namespace hetong::app {

class Platform;

class BlobStoreAdapter final : public contract::BlobStorage {
 public:
  explicit BlobStoreAdapter(const store::BlobStore& blobs) : blobs_(blobs) {}
  StatusOr<std::string> Put(ByteView data) override { return blobs_.Put(data); }
  StatusOr<Bytes> Get(const std::string& name) override { return blobs_.Get(name); }

 private:
  const store::BlobStore& blobs_;
};

class PlatformSigningEnvironment final : public contract::SigningEnvironment {
 public:
  explicit PlatformSigningEnvironment(Platform& platform) : platform_(platform) {}
  StatusOr<pki::TimestampSource*> Timestamps() override;
  StatusOr<contract::ValidationData> Validation() override;
  StatusOr<std::pair<pki::Certificate, std::vector<pki::Certificate>>> CertificateOf(
      const identity::Account& account) override;

 private:
  Platform& platform_;
  std::mutex mu_;
  std::unique_ptr<pki::TimestampSource> timestamps_;
};

// Seals for the signing flow over seal::SealService: the person's default seal, an
// organisation seal the signer is authorised to use, and the usage log.
class SealAccessAdapter final : public contract::SealAccess {
 public:
  explicit SealAccessAdapter(seal::SealService& seals) : seals_(seals) {}
  StatusOr<std::pair<std::string, document::pdf::RgbaImage>> PersonalSeal(
      const std::string& person_id) override;
  StatusOr<std::pair<std::string, document::pdf::RgbaImage>> OrgSeal(
      const std::string& person_id, const std::string& org_id, const std::string& seal_id,
      const std::string& contract_type) override;
  Status RecordUse(const std::string& seal_id, const std::string& person_id,
                   const std::string& org_id, const std::string& contract_id,
                   const std::string& contract_type, const std::string& document_sm3) override;

 private:
  StatusOr<std::pair<std::string, document::pdf::RgbaImage>> Picture(const std::string& actor,
                                                                     const std::string& seal_id);
  seal::SealService& seals_;
};

// Contract events into the evidence log.
class EvidenceSinkAdapter final : public contract::EvidenceSink {
 public:
  explicit EvidenceSinkAdapter(evidence::EvidenceLog& log) : log_(log) {}
  StatusOr<int64_t> Record(const std::string& type, const std::string& subject,
                           const std::string& actor, base::TimePoint at,
                           const std::string& details_json) override;

 private:
  evidence::EvidenceLog& log_;
};

// Invitations and notices by email through the outbox; organisation events to webhooks.
class NotifierAdapter final : public contract::Notifier {
 public:
  NotifierAdapter(identity::IdentityRepository& repo, notify::Notifier& notifier,
                  const base::Clock& clock, Rng& rng)
      : repo_(repo), notifier_(notifier), clock_(clock), rng_(rng) {}
  Status Email(const identity::Account& to, const std::string& subject,
               const std::string& body) override;
  Status OrgEvent(const std::string& org_id, const std::string& type,
                  const std::string& payload_json) override;

 private:
  identity::IdentityRepository& repo_;
  notify::Notifier& notifier_;
  const base::Clock& clock_;
  Rng& rng_;
};

}  // namespace hetong::app
