// The contract service: documents, contracts and their signing flow (contract.h, flow.h),
// and the signing itself (GM/Y 5013-2024 §5.3.1.5-5.3.1.6): the signer confirms intent for
// a signing statement (contract, party, the exact document version), the platform places the
// signer's appearance (their personal seal, a handwritten signature image, or an organisation
// seal they are granted) and signs the PDF at PAdES B-LT with the signer's key through the
// key center (identity::SigningService); the last signature makes the file B-LTA. Every step
// is recorded in the contract's timeline and in the evidence log, and the parties are told
// (outbox, webhooks).
//
// Documents of an organisation with encrypted archiving (report §5.3.1.8) are stored as
// SM4-GCM ciphertext under a per-document key, which is wrapped (SM4-GCM) under the
// organisation's tenant key, derived from the instance master key with SM3-KDF.
//
// Thread-safety: safe for concurrent use; signatures of one contract are serialised.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/rng.h"
#include "base/secret_bytes.h"
#include "contract/contract.h"
#include "document/pdf/appearance.h"
#include "document/pdf/signer.h"
#include "identity/intent.h"
#include "identity/service.h"
#include "pki/certificate.h"
#include "pki/tsp.h"

namespace hetong::contract {

// Seal images and their use (implemented over seal::SealService by the platform).
class SealAccess {
 public:
  virtual ~SealAccess() = default;
  // The person's personal seal (made from their verified name on first use): id and image.
  virtual StatusOr<std::pair<std::string, document::pdf::RgbaImage>> PersonalSeal(
      const std::string& person_id) = 0;
  // An organisation seal `person_id` may use for `contract_type` now; PermissionDenied or
  // FailedPrecondition with the reason otherwise. An empty seal_id: the organisation's first
  // active seal the person may use.
  virtual StatusOr<std::pair<std::string, document::pdf::RgbaImage>> OrgSeal(
      const std::string& person_id, const std::string& org_id, const std::string& seal_id,
      const std::string& contract_type) = 0;
  virtual Status RecordUse(const std::string& seal_id, const std::string& person_id,
                           const std::string& org_id, const std::string& contract_id,
                           const std::string& contract_type, const std::string& document_sm3) = 0;
};

// The evidence log (implemented over evidence::EvidenceLog): returns the leaf index.
class EvidenceSink {
 public:
  virtual ~EvidenceSink() = default;
  virtual StatusOr<int64_t> Record(const std::string& type, const std::string& subject,
                                   const std::string& actor, base::TimePoint at,
                                   const std::string& details_json) = 0;
};

// Messages to people and organisations (implemented over the outbox and webhooks).
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual Status Email(const identity::Account& to, const std::string& subject,
                       const std::string& body) = 0;
  virtual Status OrgEvent(const std::string& org_id, const std::string& type,
                          const std::string& payload_json) = 0;
};

// Validation data for one signature; `owner` keeps the revocation checker alive (a fresh one per
// signature: it collects the responses it used, which go into that file's DSS).
struct ValidationData {
  document::pdf::ValidationDataSource source;
  std::shared_ptr<pki::RevocationChecker> owner;
};

// What the PDF signer needs from the platform.
class SigningEnvironment {
 public:
  virtual ~SigningEnvironment() = default;
  virtual StatusOr<pki::TimestampSource*> Timestamps() = 0;
  virtual StatusOr<ValidationData> Validation() = 0;
  // The account's current certificate and its issuer chain (without the root).
  virtual StatusOr<std::pair<pki::Certificate, std::vector<pki::Certificate>>> CertificateOf(
      const identity::Account& account) = 0;
};

struct ContractDraft {
  std::string title;
  std::string document_id;
  std::string org_id;  // create for this organisation (the creator is a member)
  std::string contract_type;
  Flow flow = Flow::kSequential;
  std::optional<base::TimePoint> deadline;
  std::vector<Party> parties;  // index, status and signature fields are set by Create
};

struct Appearance {
  std::string kind;       // personal-seal | handwritten | seal
  std::string seal_id;    // kind seal (empty: the first one granted)
  Bytes handwritten_png;  // kind handwritten
};

struct SignRequest {
  int party = -1;  // -1: the caller's party whose turn it is
  std::string intent_token;
  Appearance appearance;
};

struct SignOutcome {
  Contract contract;
  int party = 0;
  std::string signature_id;
  bool completed = false;
};

// The statement a signer confirms intent for (see docs/formats/contracts.md).
struct SigningStatement {
  std::string text;     // UTF-8, one "key: value" per line
  std::string sm3_hex;  // what /intents binds to
  int party = 0;
};

class ContractService {
 public:
  struct Options {
    std::string public_url;  // for invitation links, e.g. https://sign.example.com
    size_t max_document_bytes = 64 << 20;
    std::string work_dir;  // temporary files while signing
  };

  ContractService(ContractRepository& repo, BlobStorage& blobs, identity::IdentityService& identity,
                  identity::SigningService& signing, SigningEnvironment& env,
                  const SecretBytes& master_key, const base::Clock& clock, Rng& rng,
                  Options options);

  identity::IdentityService& identity() { return identity_; }
  size_t max_document_bytes() const { return options_.max_document_bytes; }
  void SetSeals(SealAccess* seals) { seals_ = seals; }
  void SetEvidence(EvidenceSink* evidence) { evidence_ = evidence; }
  void SetNotifier(Notifier* notifier) { notifier_ = notifier; }

  // ---- documents ----
  // A PDF upload (checked: it parses, has pages, is not encrypted). `org_id`: uploaded for an
  // organisation the actor is a member of.
  StatusOr<Document> Upload(const std::string& actor, const std::string& org_id,
                            const std::string& file_name, ByteView pdf);
  // The document's or contract's current PDF bytes, for those who may see it.
  StatusOr<Bytes> ContractPdf(const std::string& actor, const std::string& contract_id);

  // ---- contracts ----
  StatusOr<Contract> Create(const std::string& actor, ContractDraft draft);
  StatusOr<Contract> Get(const std::string& actor, const std::string& id);
  StatusOr<std::vector<Contract>> List(const std::string& actor, ContractFilter filter);
  StatusOr<std::vector<ContractEvent>> Timeline(const std::string& actor, const std::string& id);
  StatusOr<Contract> Send(const std::string& actor, const std::string& id);
  StatusOr<SigningStatement> Statement(const std::string& actor, const std::string& id, int party);
  StatusOr<SignOutcome> Sign(const std::string& actor, const std::string& id, SignRequest req);
  StatusOr<Contract> Reject(const std::string& actor, const std::string& id, int party,
                            const std::string& reason);
  StatusOr<Contract> Revoke(const std::string& actor, const std::string& id,
                            const std::string& reason);
  // Appends timeline events that did not reach the evidence log when they happened (the
  // server calls it every minute); returns how many.
  StatusOr<int> CatchUpEvidence();
  // Moves overdue contracts to expired (the server calls it every minute); returns how many.
  StatusOr<int> ExpireOverdue();
  StatusOr<OrgStatistics> Statistics(const std::string& actor, const std::string& org_id);
  Status SetEncryptedArchive(const std::string& actor, const std::string& org_id, bool on);
  StatusOr<bool> EncryptedArchive(const std::string& actor, const std::string& org_id);
  // Accepts an invitation token (single use) sent to a party: the actor must be that party.
  StatusOr<Contract> AcceptInvitation(const std::string& actor, const std::string& token);

  // Whether `actor` may see the contract (creator, party, member of its or a party's org).
  StatusOr<bool> MaySee(const std::string& actor, const Contract& c);
  // Records an event in the timeline and the evidence log (used by the API for views and by
  // the evidence package builder).
  Status Record(const Contract& c, const std::string& type, const std::string& actor,
                const std::string& details_json);

 private:
  struct StoredPdf {
    std::string sm3, blob;
    Bytes wrapped_key;
  };
  StatusOr<StoredPdf> StorePdf(const std::string& org_id, const std::string& object_id,
                               ByteView pdf);
  StatusOr<Bytes> LoadPdf(const std::string& org_id, const std::string& object_id,
                          const std::string& blob, const std::string& sm3, ByteView wrapped_key);
  StatusOr<SecretBytes> TenantKey(const std::string& org_id) const;
  StatusOr<Contract> MustGet(const std::string& id);
  StatusOr<Contract> Visible(const std::string& actor, const std::string& id);
  Status RequireManager(const std::string& actor, const Contract& c);
  StatusOr<Contract> Commit(Contract c, const std::string& type, const std::string& actor,
                            const std::string& details_json);
  void Announce(const Contract& c, const std::string& type, const std::string& details_json);
  void InviteNext(const Contract& c);
  StatusOr<int> AppendToLog(const std::vector<ContractEvent>& pending);
  StatusOr<std::string> NewId(std::string_view prefix);
  std::shared_ptr<std::mutex> ContractLock(const std::string& id);

  ContractRepository& repo_;
  BlobStorage& blobs_;
  identity::IdentityService& identity_;
  identity::SigningService& signing_;
  SigningEnvironment& env_;
  SecretBytes tenant_root_;
  const base::Clock& clock_;
  Rng& rng_;
  Options options_;
  SealAccess* seals_ = nullptr;
  EvidenceSink* evidence_ = nullptr;
  Notifier* notifier_ = nullptr;
  std::mutex evidence_mu_;
  std::mutex locks_mu_;
  std::map<std::string, std::weak_ptr<std::mutex>> locks_;
};

}  // namespace hetong::contract
