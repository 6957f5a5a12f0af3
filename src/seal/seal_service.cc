#include "seal/seal_service.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/log.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "seal/seal_image.h"

namespace hetong::seal {

using identity::Account;
using identity::AccountKind;
using identity::Grant;
using identity::Role;

namespace {

constexpr size_t kMaxNameLength = 32;     // code points of a display name
constexpr size_t kMaxReasonBytes = 200;   // status reasons
constexpr size_t kMaxSubjectBytes = 200;  // usage subjects
constexpr size_t kMaxIdBytes = 64;        // ids given by other modules
constexpr size_t kMaxGrantSeals = 100;

// Decodes UTF-8; nullopt when malformed or when it holds a control character (C0, DEL, C1).
std::optional<std::u32string> DecodeText(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (b < 0x80) {
      cp = b;
      n = 1;
    } else if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1F;
      n = 2;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0F;
      n = 3;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07;
      n = 4;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return std::nullopt;
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// A display name: 1..kMaxNameLength code points, valid UTF-8, no control characters, not
// only spaces. Returns it trimmed of surrounding spaces.
StatusOr<std::string> CheckName(const std::string& name) {
  size_t start = name.find_first_not_of(' ');
  size_t end = name.find_last_not_of(' ');
  if (start == std::string::npos) return InvalidArgumentError("a seal name is required");
  std::string n = name.substr(start, end - start + 1);
  auto cps = DecodeText(n);
  if (!cps) return InvalidArgumentError("a seal name is UTF-8 text without control characters");
  if (cps->size() > kMaxNameLength) {
    return InvalidArgumentError("a seal name has at most " + std::to_string(kMaxNameLength) +
                                " characters");
  }
  return n;
}

// Free text of at most `max_bytes` (a reason, a subject): valid UTF-8 without control
// characters.
Status CheckText(const std::string& text, std::string_view what, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgumentError(std::string(what) + " has at most " + std::to_string(max_bytes) +
                                " bytes");
  }
  if (!DecodeText(text)) {
    return InvalidArgumentError(std::string(what) + " is UTF-8 text without control characters");
  }
  return OkStatus();
}

// An identifier from another module: visible ASCII, at most kMaxIdBytes.
Status CheckId(const std::string& id, std::string_view what) {
  bool ok = id.size() <= kMaxIdBytes;
  for (unsigned char c : id) ok = ok && c > 0x20 && c < 0x7F;
  if (!ok) {
    return InvalidArgumentError(std::string(what) + " is at most " + std::to_string(kMaxIdBytes) +
                                " visible ASCII characters");
  }
  return OkStatus();
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Status CheckDigest(const std::string& digest) {
  if (digest.empty()) return OkStatus();
  for (std::string_view prefix : {"sm3:", "sha256:"}) {
    if (digest.starts_with(prefix)) {
      std::string_view hex = std::string_view(digest).substr(prefix.size());
      if (hex.size() == 64 && IsLowerHex(hex)) return OkStatus();
    }
  }
  return InvalidArgumentError(
      "a document digest is sm3: or sha256: followed by 64 lowercase hex digits");
}

Status CheckPurpose(const std::string& purpose) {
  bool ok = !purpose.empty() && purpose.size() <= 64;
  for (char c : purpose) {
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  }
  if (!ok) return InvalidArgumentError("a purpose is 1-64 of a-z, 0-9, '.', '_', '-'");
  return OkStatus();
}

bool Manages(Role role) { return static_cast<int>(role) <= static_cast<int>(Role::kSealManager); }

}  // namespace

SealService::SealService(SealRepository& repo, AccountDirectory& accounts, const base::Clock& clock,
                         Rng& rng, SealSettings settings)
    : repo_(repo), accounts_(accounts), clock_(clock), rng_(rng), settings_(settings) {}

StatusOr<std::string> SealService::NewId(std::string_view prefix) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  return std::string(prefix) + base::HexEncode(r);
}

// ---- access ----

StatusOr<Account> SealService::VisibleOwner(const std::string& actor, const std::string& owner_id) {
  HETONG_ASSIGN_OR_RETURN(auto owner, accounts_.GetAccount(owner_id));
  if (!owner) return NotFoundError("no such account");
  if (owner->kind == AccountKind::kPerson) {
    if (owner->id != actor) return NotFoundError("no such account");
    return *owner;
  }
  HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(owner->id, actor));
  if (!member) return NotFoundError("no such organisation");
  return *owner;
}

StatusOr<Account> SealService::ManagedOwner(const std::string& actor, const std::string& owner_id) {
  HETONG_ASSIGN_OR_RETURN(Account owner, VisibleOwner(actor, owner_id));
  if (owner.kind == AccountKind::kOrg) {
    HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(owner.id, actor));
    if (!member || !Manages(member->role)) {
      return PermissionDeniedError(
          "managing the organisation's seals needs the admin or seal_manager role");
    }
  }
  if (owner.status != "active") return FailedPreconditionError("the account is deregistered");
  if (owner.verification != "verified") {
    return FailedPreconditionError(
        owner.kind == AccountKind::kOrg
            ? "the organisation has not passed real-name verification; a seal names it, so "
              "verify it first"
            : "you have not passed real-name verification; a seal names you, so verify first");
  }
  return owner;
}

StatusOr<Seal> SealService::VisibleSeal(const std::string& actor, const std::string& seal_id,
                                        bool manage) {
  HETONG_ASSIGN_OR_RETURN(auto seal, repo_.Get(seal_id));
  if (!seal) return NotFoundError("no such seal");
  auto owner = VisibleOwner(actor, seal->owner_id);
  if (!owner.ok()) {
    if (owner.status().code() == StatusCode::kNotFound) return NotFoundError("no such seal");
    return owner.status();
  }
  if (manage && owner->kind == AccountKind::kOrg) {
    HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(owner->id, actor));
    if (!member || !Manages(member->role)) {
      return PermissionDeniedError(
          "managing the organisation's seals needs the admin or seal_manager role");
    }
  }
  return *seal;
}

// ---- creating ----

StatusOr<Seal> SealService::Store(const Account& owner, const std::string& actor, Seal seal,
                                  const Bytes& png) {
  HETONG_ASSIGN_OR_RETURN(int64_t count, repo_.CountUnrevoked(owner.id));
  if (count >= settings_.max_seals_per_owner) {
    return ResourceExhaustedError("an account has at most " +
                                  std::to_string(settings_.max_seals_per_owner) +
                                  " seals that are not revoked; revoke one first");
  }
  HETONG_ASSIGN_OR_RETURN(seal.id, NewId("seal-"));
  seal.owner_id = owner.id;
  seal.owner_name = owner.name;
  seal.image_sm3 = base::HexEncode(crypto::Sm3(png));
  seal.image_size = static_cast<int64_t>(png.size());
  seal.status = SealStatus::kActive;
  seal.created_by = actor;
  seal.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.Insert(seal, png));
  Audit("seal.created", owner.id, actor,
        R"({"seal_id":")" + seal.id + R"(","kind":")" + std::string(SealKindName(seal.kind)) +
            R"(","name":")" + base::JsonEscape(seal.name) + R"(","image_sm3":")" + seal.image_sm3 +
            "\"}");
  return seal;
}

StatusOr<Seal> SealService::GeneratePersonal(const Account& person, const std::string& actor,
                                             std::string name) {
  auto chars = PersonalSealCharacters(person.name);
  if (!chars.ok()) {
    return FailedPreconditionError(
        "a name seal is drawn from 2 to 4 Chinese characters, and the verified name is not; "
        "upload a picture of your seal instead");
  }
  if (name.empty()) name = EncodeUtf8(*chars);
  PersonalSealSpec spec;
  spec.name = person.name;
  spec.size_px = settings_.personal_size_px;
  spec.rgb = settings_.rgb;
  HETONG_ASSIGN_OR_RETURN(document::pdf::RgbaImage image, RenderPersonalSeal(spec));
  HETONG_ASSIGN_OR_RETURN(Bytes png, document::pdf::EncodePng(image));
  Seal seal;
  seal.kind = SealKind::kPersonal;
  seal.name = std::move(name);
  seal.width = image.width;
  seal.height = image.height;
  return Store(person, actor, std::move(seal), png);
}

StatusOr<Seal> SealService::CreateGenerated(const std::string& actor, const std::string& owner_id,
                                            const GenerateRequest& request) {
  HETONG_ASSIGN_OR_RETURN(Account owner, ManagedOwner(actor, owner_id));
  std::string name;
  if (!request.name.empty()) {
    HETONG_ASSIGN_OR_RETURN(name, CheckName(request.name));
  }
  if (owner.kind == AccountKind::kPerson) {
    if (!request.center_text.empty() || !request.seal_code.empty()) {
      return InvalidArgumentError("only an organisation's seal has a title and a seal code");
    }
    return GeneratePersonal(owner, actor, std::move(name));
  }
  auto org_name = DecodeText(owner.name);
  if (!org_name || org_name->size() > CompanySealSpec::kMaxOrganizationLength) {
    return FailedPreconditionError(
        "the organisation's verified name is longer than a round seal holds (" +
        std::to_string(CompanySealSpec::kMaxOrganizationLength) +
        " characters); upload a picture of the seal instead");
  }
  CompanySealSpec spec;
  spec.organization = owner.name;
  spec.center_text = request.center_text;
  spec.seal_code = request.seal_code;
  spec.size_px = settings_.company_size_px;
  spec.rgb = settings_.rgb;
  HETONG_ASSIGN_OR_RETURN(document::pdf::RgbaImage image, RenderCompanySeal(spec));
  HETONG_ASSIGN_OR_RETURN(Bytes png, document::pdf::EncodePng(image));
  Seal seal;
  seal.kind = SealKind::kCompany;
  seal.name = !name.empty() ? name : !spec.center_text.empty() ? spec.center_text : "公章";
  seal.seal_code = spec.seal_code;
  seal.center_text = spec.center_text;
  seal.width = image.width;
  seal.height = image.height;
  return Store(owner, actor, std::move(seal), png);
}

StatusOr<Seal> SealService::Upload(const std::string& actor, const std::string& owner_id,
                                   const UploadRequest& request) {
  HETONG_ASSIGN_OR_RETURN(Account owner, ManagedOwner(actor, owner_id));
  std::string name = "上传印章";
  if (!request.name.empty()) {
    HETONG_ASSIGN_OR_RETURN(name, CheckName(request.name));
  }
  HETONG_ASSIGN_OR_RETURN(
      document::pdf::RgbaImage image,
      PrepareUploadedImage(request.png, settings_.upload, request.keep_background));
  HETONG_ASSIGN_OR_RETURN(Bytes png, document::pdf::EncodePng(image));
  Seal seal;
  seal.kind = SealKind::kUploaded;
  seal.name = std::move(name);
  seal.width = image.width;
  seal.height = image.height;
  return Store(owner, actor, std::move(seal), png);
}

StatusOr<Seal> SealService::EnsurePersonalSeal(const std::string& person_id) {
  std::lock_guard<std::mutex> lock(ensure_mu_);
  HETONG_ASSIGN_OR_RETURN(auto person, accounts_.GetAccount(person_id));
  if (!person || person->kind != AccountKind::kPerson) return NotFoundError("no such person");
  if (person->status != "active") return FailedPreconditionError("the account is deregistered");
  if (person->verification != "verified") {
    return FailedPreconditionError(
        "a personal seal is made from a verified name; pass real-name verification first");
  }
  constexpr int kBatch = 100;
  bool suspended = false;
  for (int64_t offset = 0;; offset += kBatch) {
    HETONG_ASSIGN_OR_RETURN(auto seals, repo_.ListByOwner(person_id, kBatch, offset));
    for (const Seal& s : seals) {
      if (s.status == SealStatus::kActive) return s;
      suspended = suspended || s.status == SealStatus::kSuspended;
    }
    if (seals.size() < static_cast<size_t>(kBatch)) break;
  }
  if (suspended) {
    return FailedPreconditionError("all your seals are suspended; reactivate one to sign with it");
  }
  return GeneratePersonal(*person, person_id, "");
}

// ---- reading ----

StatusOr<std::vector<Seal>> SealService::List(const std::string& actor, const std::string& owner_id,
                                              int limit, int64_t offset) {
  HETONG_RETURN_IF_ERROR(VisibleOwner(actor, owner_id).status());
  return repo_.ListByOwner(owner_id, limit, offset);
}

StatusOr<std::vector<Seal>> SealService::MySeals(const std::string& actor, int limit,
                                                 int64_t offset) {
  HETONG_ASSIGN_OR_RETURN(auto me, accounts_.GetAccount(actor));
  if (!me || me->kind != AccountKind::kPerson) return NotFoundError("no such person");
  if (me->status == "active" && me->verification == "verified") {
    auto ensured = EnsurePersonalSeal(actor);
    // A name that cannot be drawn, or suspended seals, still leave a list to show.
    if (!ensured.ok() && ensured.status().code() != StatusCode::kFailedPrecondition) {
      return ensured.status();
    }
  }
  return repo_.ListByOwner(actor, limit, offset);
}

StatusOr<Seal> SealService::Get(const std::string& actor, const std::string& seal_id) {
  return VisibleSeal(actor, seal_id, /*manage=*/false);
}

StatusOr<Bytes> SealService::Image(const std::string& actor, const std::string& seal_id) {
  HETONG_ASSIGN_OR_RETURN(Seal seal, VisibleSeal(actor, seal_id, /*manage=*/false));
  HETONG_ASSIGN_OR_RETURN(auto png, repo_.Image(seal.id));
  if (!png) return DataLossError("the picture of seal " + seal.id + " is missing");
  if (base::HexEncode(crypto::Sm3(*png)) != seal.image_sm3) {
    return DataLossError("the picture of seal " + seal.id + " does not match its SM3 digest");
  }
  return std::move(*png);
}

StatusOr<std::vector<SealUse>> SealService::Usage(const std::string& actor,
                                                  const std::string& seal_id, int limit,
                                                  int64_t offset) {
  HETONG_ASSIGN_OR_RETURN(Seal seal, VisibleSeal(actor, seal_id, /*manage=*/true));
  return repo_.ListUses(seal.id, limit, offset);
}

// ---- managing ----

StatusOr<Seal> SealService::SetStatus(const std::string& actor, const std::string& seal_id,
                                      SealStatus status, const std::string& reason) {
  HETONG_ASSIGN_OR_RETURN(Seal seal, VisibleSeal(actor, seal_id, /*manage=*/true));
  HETONG_RETURN_IF_ERROR(CheckText(reason, "a reason", kMaxReasonBytes));
  if (seal.status == status) return seal;
  if (!TransitionAllowed(seal.status, status)) {
    return FailedPreconditionError("the seal is revoked; a revoked seal stays revoked");
  }
  if (status == SealStatus::kRevoked && reason.empty()) {
    return InvalidArgumentError("revoking a seal needs a reason");
  }
  SealStatus expected = seal.status;
  base::TimePoint now = clock_.Now();
  seal.status = status;
  seal.status_reason = reason;
  seal.status_changed_by = actor;
  seal.status_changed_at = now;
  if (status == SealStatus::kRevoked) {
    seal.revoked_at = now;
    seal.revoked_by = actor;
    seal.revoked_reason = reason;
  }
  HETONG_RETURN_IF_ERROR(repo_.UpdateStatus(seal, expected));
  Audit("seal.status_changed", seal.owner_id, actor,
        R"({"seal_id":")" + seal.id + R"(","name":")" + base::JsonEscape(seal.name) +
            R"(","status":")" + std::string(SealStatusName(status)) + R"(","reason":")" +
            base::JsonEscape(reason) + "\"}");
  return seal;
}

StatusOr<std::vector<std::string>> SealService::RestrictGrant(
    const std::string& actor, const std::string& org_id, const std::string& grant_id,
    const std::vector<std::string>& seal_ids) {
  HETONG_ASSIGN_OR_RETURN(Account org, VisibleOwner(actor, org_id));
  if (org.kind != AccountKind::kOrg) return NotFoundError("no such organisation");
  HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(org.id, actor));
  if (!member || !Manages(member->role)) {
    return PermissionDeniedError("restricting grants needs the admin or seal_manager role");
  }
  HETONG_ASSIGN_OR_RETURN(auto grant, accounts_.GetGrant(grant_id));
  if (!grant || grant->org_id != org.id) return NotFoundError("no such grant");
  if (grant->revoked_at) return FailedPreconditionError("the grant is revoked");
  std::vector<std::string> ids = seal_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() > kMaxGrantSeals) {
    return InvalidArgumentError("a grant is restricted to at most " +
                                std::to_string(kMaxGrantSeals) + " seals");
  }
  for (const std::string& id : ids) {
    HETONG_RETURN_IF_ERROR(CheckId(id, "a seal id"));
    HETONG_ASSIGN_OR_RETURN(auto seal, repo_.Get(id));
    if (!seal || seal->owner_id != org.id) {
      return NotFoundError("the organisation has no seal " + id);
    }
    if (seal->status == SealStatus::kRevoked) {
      return FailedPreconditionError("seal " + id + " is revoked");
    }
  }
  HETONG_ASSIGN_OR_RETURN(std::vector<std::string> before, repo_.GrantSeals(grant->id));
  std::sort(before.begin(), before.end());
  if (before == ids) return ids;  // no change, nothing to record
  HETONG_RETURN_IF_ERROR(repo_.SetGrantSeals(grant->id, ids));
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "\"" : ",\"") + id + "\"";
  Audit("grant.seals_restricted", org.id, actor,
        R"({"grant_id":")" + grant->id + R"(","person_id":")" + grant->person_id +
            R"(","seal_ids":[)" + list + "]}");
  return ids;
}

StatusOr<std::vector<std::string>> SealService::GrantSeals(const std::string& actor,
                                                           const std::string& org_id,
                                                           const std::string& grant_id) {
  HETONG_ASSIGN_OR_RETURN(Account org, VisibleOwner(actor, org_id));
  if (org.kind != AccountKind::kOrg) return NotFoundError("no such organisation");
  HETONG_ASSIGN_OR_RETURN(auto grant, accounts_.GetGrant(grant_id));
  if (!grant || grant->org_id != org.id) return NotFoundError("no such grant");
  HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(org.id, actor));
  if (grant->person_id != actor && (!member || !Manages(member->role))) {
    return PermissionDeniedError("another member's grant is for admins and seal managers");
  }
  return repo_.GrantSeals(grant->id);
}

// ---- using ----

StatusOr<Authorization> SealService::Authorize(const std::string& actor, const std::string& seal_id,
                                               const std::string& contract_type) {
  HETONG_ASSIGN_OR_RETURN(auto seal, repo_.Get(seal_id));
  if (!seal) return NotFoundError("no such seal");
  HETONG_ASSIGN_OR_RETURN(auto owner, accounts_.GetAccount(seal->owner_id));
  if (!owner) return NotFoundError("no such seal");
  auto usable = [&]() -> Status {
    if (owner->status != "active") {
      return FailedPreconditionError("the seal's owner is deregistered");
    }
    if (seal->status != SealStatus::kActive) {
      return FailedPreconditionError("the seal is " + std::string(SealStatusName(seal->status)) +
                                     "; only an active seal can be used");
    }
    return OkStatus();
  };

  if (owner->kind == AccountKind::kPerson) {
    if (owner->id != actor) {
      return PermissionDeniedError("a personal seal is used only by its owner");
    }
    HETONG_RETURN_IF_ERROR(usable());
    return Authorization{std::move(*seal), ""};
  }

  HETONG_ASSIGN_OR_RETURN(auto member, accounts_.GetMember(owner->id, actor));
  if (!member) {
    return PermissionDeniedError(
        "the person is not a member of the organisation that owns the seal");
  }
  HETONG_RETURN_IF_ERROR(usable());
  if (member->role == Role::kViewer) {
    return PermissionDeniedError("viewers cannot use the organisation's seals");
  }
  HETONG_ASSIGN_OR_RETURN(auto grants, accounts_.ListGrants(owner->id));
  std::stable_sort(grants.begin(), grants.end(),
                   [](const Grant& a, const Grant& b) { return a.created_at < b.created_at; });
  base::TimePoint now = clock_.Now();
  bool any = false, current = false, typed = false;
  for (const Grant& g : grants) {
    if (g.person_id != actor || g.revoked_at) continue;
    any = true;
    if (g.not_after && *g.not_after <= now) continue;
    current = true;
    if (!g.contract_types.empty() && std::find(g.contract_types.begin(), g.contract_types.end(),
                                               contract_type) == g.contract_types.end()) {
      continue;
    }
    typed = true;
    HETONG_ASSIGN_OR_RETURN(auto restricted, repo_.GrantSeals(g.id));
    if (!restricted.empty() &&
        std::find(restricted.begin(), restricted.end(), seal->id) == restricted.end()) {
      continue;
    }
    return Authorization{std::move(*seal), g.id};
  }
  if (!any) {
    return PermissionDeniedError("the person holds no grant of the organisation's seal");
  }
  if (!current) return PermissionDeniedError("the person's grants of the seal have expired");
  if (!typed) {
    return PermissionDeniedError(
        contract_type.empty()
            ? "the person's grants are limited to contract types, and this use has none"
            : "no grant of the person covers contracts of this type");
  }
  return PermissionDeniedError(
      "the person's grants are restricted to other seals of the organisation");
}

StatusOr<SealUse> SealService::RecordUse(SealUse use) {
  HETONG_RETURN_IF_ERROR(CheckId(use.seal_id, "a seal id"));
  if (use.actor_id.empty()) return InvalidArgumentError("a seal use names the person");
  HETONG_RETURN_IF_ERROR(CheckId(use.actor_id, "an actor id"));
  HETONG_RETURN_IF_ERROR(CheckId(use.org_id, "an organisation id"));
  HETONG_RETURN_IF_ERROR(CheckId(use.grant_id, "a grant id"));
  HETONG_RETURN_IF_ERROR(CheckId(use.contract_id, "a contract id"));
  HETONG_RETURN_IF_ERROR(CheckText(use.subject, "a subject", kMaxSubjectBytes));
  HETONG_RETURN_IF_ERROR(CheckPurpose(use.purpose));
  HETONG_RETURN_IF_ERROR(CheckDigest(use.document_digest));
  HETONG_ASSIGN_OR_RETURN(auto seal, repo_.Get(use.seal_id));
  if (!seal) return NotFoundError("no such seal");
  HETONG_ASSIGN_OR_RETURN(auto owner, accounts_.GetAccount(seal->owner_id));
  if (owner && owner->kind == AccountKind::kOrg) use.org_id = owner->id;
  HETONG_ASSIGN_OR_RETURN(use.id, NewId("use-"));
  use.used_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertUse(use));
  return use;
}

}  // namespace hetong::seal
