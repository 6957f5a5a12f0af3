// SealService: creating, listing, suspending and revoking seals, restricting grants to
// seals, deciding who may use a seal, and its usage log (seal.h has the data;
// docs/formats/seals.md the rules).
//
// Like identity's service, every method that acts for someone takes the acting person's
// account id and checks it itself: callers (the API, the signing flow) authenticate, this
// service authorises. Errors: InvalidArgument for bad input, NotFound for a seal, owner or
// grant the actor cannot see (another tenant's seals are NotFound, not PermissionDenied),
// PermissionDenied for a role or grant that does not allow the action, FailedPrecondition
// for a state that does not (a suspended seal, an unverified owner, revoked is final),
// ResourceExhausted past the number of seals an owner may have.
//
// Thread-safety: safe for concurrent use if the repository, directory and rng are.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/status.h"
#include "seal/seal.h"
#include "seal/upload_image.h"

namespace hetong::seal {

struct SealSettings {
  int company_size_px = 512;
  int personal_size_px = 256;
  uint32_t rgb = 0xD0021B;  // ink colour of generated seals
  UploadLimits upload;
  // Seals an owner may have that are not revoked.
  int64_t max_seals_per_owner = 50;
};

// A seal generated from the owner's verified name: a company seal for an organisation, a
// personal name seal for a person.
struct GenerateRequest {
  std::string name;         // display name; empty: 公章 / the person's name
  std::string center_text;  // company seals: title under the star, e.g. 合同专用章
  std::string seal_code;    // company seals: "" or 13 digits
};

struct UploadRequest {
  std::string name;  // display name; empty: 上传印章
  Bytes png;
  bool keep_background = false;  // keep an opaque background instead of removing white
};

// The outcome of Authorize: the seal, and for an organisation's seal the grant that allows
// the use (to record with it).
struct Authorization {
  Seal seal;
  std::string grant_id;
};

class SealService {
 public:
  // `repo`, `accounts`, `clock` and `rng` are not owned and must outlive the service.
  SealService(SealRepository& repo, AccountDirectory& accounts, const base::Clock& clock, Rng& rng,
              SealSettings settings = {});

  // Where seal steps go for the owner's audit trail (the evidence log, as for identity's
  // steps): "seal.created", "seal.status_changed" and "grant.seals_restricted", with the
  // owner as subject and a JSON object of details (ids, name, kind, status, reason).
  using AuditHook = std::function<void(const std::string& type, const std::string& subject,
                                       const std::string& actor, const std::string& details)>;
  void SetAudit(AuditHook hook) { audit_ = std::move(hook); }

  // ---- creating ----
  // A generated seal for `owner_id`: a round company seal drawn with the organisation's
  // verified name (actor: an admin or seal manager), or a square name seal of a person
  // (actor: the person). FailedPrecondition for an owner without real-name verification or
  // a name the picture cannot hold (upload an image instead).
  StatusOr<Seal> CreateGenerated(const std::string& actor, const std::string& owner_id,
                                 const GenerateRequest& request);
  // An uploaded picture (upload_image.h) as a seal of `owner_id`; same actors as above.
  StatusOr<Seal> Upload(const std::string& actor, const std::string& owner_id,
                        const UploadRequest& request);
  // The default seal of a person for the signing flow: their oldest active seal, or a new
  // generated personal seal when they own none that is not revoked. FailedPrecondition when
  // the person is not verified, all their seals are suspended, or their name cannot be drawn.
  StatusOr<Seal> EnsurePersonalSeal(const std::string& person_id);

  // ---- reading ----
  // The seals of `owner_id`, oldest first: an organisation's for its members, a person's
  // for the person.
  StatusOr<std::vector<Seal>> List(const std::string& actor, const std::string& owner_id, int limit,
                                   int64_t offset);
  // The actor's own seals, after EnsurePersonalSeal when the actor is verified and its
  // name can be drawn (otherwise the list as it is).
  StatusOr<std::vector<Seal>> MySeals(const std::string& actor, int limit, int64_t offset);
  StatusOr<Seal> Get(const std::string& actor, const std::string& seal_id);
  // The PNG picture, checked against image_sm3 (DataLoss when it does not match).
  StatusOr<Bytes> Image(const std::string& actor, const std::string& seal_id);
  // The usage log, newest first (admins and seal managers; a person for their own seals).
  StatusOr<std::vector<SealUse>> Usage(const std::string& actor, const std::string& seal_id,
                                       int limit, int64_t offset);

  // ---- managing ----
  // Suspends, reactivates or revokes (reason required; final). Same status: no change.
  StatusOr<Seal> SetStatus(const std::string& actor, const std::string& seal_id, SealStatus status,
                           const std::string& reason);
  // Restricts grant `grant_id` of `org_id` to `seal_ids` (the organisation's seals that are
  // not revoked); an empty list lifts the restriction. Returns the stored list.
  StatusOr<std::vector<std::string>> RestrictGrant(const std::string& actor,
                                                   const std::string& org_id,
                                                   const std::string& grant_id,
                                                   const std::vector<std::string>& seal_ids);
  // The seals grant `grant_id` is restricted to (empty: all the organisation's seals).
  StatusOr<std::vector<std::string>> GrantSeals(const std::string& actor, const std::string& org_id,
                                                const std::string& grant_id);

  // ---- using ----
  // May `actor` apply `seal_id` now, for a contract of `contract_type` ("" for none)?
  // PermissionDenied or FailedPrecondition with the reason otherwise.
  StatusOr<Authorization> Authorize(const std::string& actor, const std::string& seal_id,
                                    const std::string& contract_type);
  // Appends to the usage log (after Authorize and the signature). Fills id and used_at, and
  // for an organisation's seal org_id. InvalidArgument for malformed fields, NotFound for an
  // unknown seal. Does not check permission again: the use has happened.
  StatusOr<SealUse> RecordUse(SealUse use);

 private:
  StatusOr<std::string> NewId(std::string_view prefix);
  // The owner account, NotFound unless the actor may see it (a member of the organisation,
  // or the person themselves).
  StatusOr<identity::Account> VisibleOwner(const std::string& actor, const std::string& owner_id);
  // The owner account, after checking that the actor may manage its seals and that it is
  // active and verified.
  StatusOr<identity::Account> ManagedOwner(const std::string& actor, const std::string& owner_id);
  // A seal the actor may see (NotFound otherwise) and, with `manage`, manage.
  StatusOr<Seal> VisibleSeal(const std::string& actor, const std::string& seal_id, bool manage);
  StatusOr<Seal> Store(const identity::Account& owner, const std::string& actor, Seal seal,
                       const Bytes& png);
  StatusOr<Seal> GeneratePersonal(const identity::Account& person, const std::string& actor,
                                  std::string name);

  void Audit(const std::string& type, const std::string& subject, const std::string& actor,
             const std::string& details) const {
    if (audit_) audit_(type, subject, actor, details);
  }

  AuditHook audit_;
  SealRepository& repo_;
  AccountDirectory& accounts_;
  const base::Clock& clock_;
  Rng& rng_;
  SealSettings settings_;
  // Serialises EnsurePersonalSeal within this process (one default seal per person).
  std::mutex ensure_mu_;
};

}  // namespace hetong::seal
