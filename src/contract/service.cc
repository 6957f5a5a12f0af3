#include "contract/service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "contract/flow.h"
#include "crypto/hash.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/sm4.h"
#include "document/pdf/appearance_cairo.h"
#include "document/pdf/pdf_file.h"
#include "identity/credentials.h"

namespace hetong::contract {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr size_t kGcmIv = 12;
constexpr auto kInvitationLifetime = std::chrono::hours(24 * 30);

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A temporary file removed when it goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& dir, std::string_view tag, Rng& rng) {
    auto r = crypto::RandomBytes(rng, 8);
    path_ = (fs::path(dir) / ("." + std::string(tag) + "-" +
                              (r.ok() ? base::HexEncode(*r) : std::to_string(getpid())) + ".pdf"))
                .string();
  }
  ~TempFile() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The platform's signer for one signature: the key center signs the data the PDF signer
// hands it (the CMS SignedAttributes) under the signer's intent for the statement; for an
// organisation party the member signs first and then the organisation's key (identity/
// intent.h), and the organisation's signature goes into the PDF.
class IntentSigner final : public crypto::Signer {
 public:
  IntentSigner(identity::SigningService& signing, std::string actor, std::string org_id,
               std::string statement_sm3, std::string token, std::string contract_type,
               const crypto::PublicKey& key)
      : signing_(signing),
        actor_(std::move(actor)),
        org_id_(std::move(org_id)),
        statement_(std::move(statement_sm3)),
        token_(std::move(token)),
        contract_type_(std::move(contract_type)),
        key_(key) {}

  StatusOr<Bytes> Sign(ByteView message) const override {
    if (org_id_.empty()) {
      HETONG_ASSIGN_OR_RETURN(
          auto r, signing_.SignAsPersonForStatement(actor_, message, statement_, token_));
      record_id = r.record.id;
      return r.record.signature;
    }
    HETONG_ASSIGN_OR_RETURN(
        auto r, signing_.SignForOrgForStatement(actor_, org_id_, message, statement_, token_,
                                                contract_type_));
    record_id = r.org.record.id;
    member_record_id = r.person.record.id;
    return r.org.record.signature;
  }
  crypto::SignatureAlgorithm algorithm() const override {
    return crypto::DefaultSignatureAlgorithm(key_.type());
  }
  const crypto::PublicKey& public_key() const override { return key_; }

  mutable std::string record_id;
  mutable std::string member_record_id;

 private:
  identity::SigningService& signing_;
  std::string actor_, org_id_, statement_, token_, contract_type_;
  const crypto::PublicKey& key_;
};

SecretBytes DeriveTenantRoot(const SecretBytes& master) {
  Bytes z(master.Reveal(SecretAccess::Unsafe()).begin(),
          master.Reveal(SecretAccess::Unsafe()).end());
  std::string_view label = "hetong tenant key root";
  z.insert(z.end(), label.begin(), label.end());
  SecretBytes k = crypto::Sm3Kdf(z, 32);
  std::fill(z.begin(), z.end(), 0);
  return k;
}

StatusOr<std::string> CleanText(const std::string& s, std::string_view what, size_t max,
                                bool required) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) {
    if (required) return InvalidArgumentError(std::string(what) + " is required");
    return std::string();
  }
  std::string t = s.substr(a, s.find_last_not_of(" \t") - a + 1);
  if (t.size() > max) {
    return InvalidArgumentError(std::string(what) + " has at most " + std::to_string(max) +
                                " bytes");
  }
  for (unsigned char c : t) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError(std::string(what) + " has no control characters");
    }
  }
  HETONG_RETURN_IF_ERROR(document::pdf::DecodeUtf8Text(t, std::string(what)).status());
  return t;
}

json PartyEventJson(const Party& p) {
  json j = {{"party", p.index}, {"person_id", p.person_id}};
  if (!p.org_id.empty()) j["org_id"] = p.org_id;
  return j;
}

}  // namespace

ContractService::ContractService(ContractRepository& repo, BlobStorage& blobs,
                                 identity::IdentityService& identity,
                                 identity::SigningService& signing, SigningEnvironment& env,
                                 const SecretBytes& master_key, const base::Clock& clock, Rng& rng,
                                 Options options)
    : repo_(repo),
      blobs_(blobs),
      identity_(identity),
      signing_(signing),
      env_(env),
      tenant_root_(DeriveTenantRoot(master_key)),
      clock_(clock),
      rng_(rng),
      options_(std::move(options)) {}

StatusOr<std::string> ContractService::NewId(std::string_view prefix) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  return std::string(prefix) + base::HexEncode(r);
}

std::shared_ptr<std::mutex> ContractService::ContractLock(const std::string& id) {
  std::lock_guard<std::mutex> lock(locks_mu_);
  if (locks_.size() > 10'000) {
    std::erase_if(locks_, [](const auto& kv) { return kv.second.expired(); });
  }
  auto& w = locks_[id];
  auto m = w.lock();
  if (!m) {
    m = std::make_shared<std::mutex>();
    w = m;
  }
  return m;
}

// ---- storage of PDFs ----

StatusOr<SecretBytes> ContractService::TenantKey(const std::string& org_id) const {
  // HMAC-SM3(tenant root, "tenant:" org id), truncated to an SM4 key.
  std::string label = "tenant:" + org_id;
  Bytes mac = crypto::HmacSm3(tenant_root_.Reveal(SecretAccess::Unsafe()), AsBytes(label));
  SecretBytes k = SecretBytes::Copy(ByteView(mac).subspan(0, 16));
  std::fill(mac.begin(), mac.end(), 0);
  return k;
}

StatusOr<ContractService::StoredPdf> ContractService::StorePdf(const std::string& org_id,
                                                               const std::string& object_id,
                                                               ByteView pdf) {
  StoredPdf out;
  out.sm3 = base::HexEncode(crypto::Sm3(pdf));
  bool encrypt = false;
  if (!org_id.empty()) {
    HETONG_ASSIGN_OR_RETURN(encrypt, repo_.EncryptedArchive(org_id));
  }
  if (!encrypt) {
    HETONG_ASSIGN_OR_RETURN(out.blob, blobs_.Put(pdf));
    return out;
  }
  HETONG_ASSIGN_OR_RETURN(SecretBytes dek, crypto::RandomSecret(rng_, 16));
  HETONG_ASSIGN_OR_RETURN(Bytes iv, crypto::RandomBytes(rng_, kGcmIv));
  std::string aad = "hetong document " + object_id + " " + out.sm3;
  HETONG_ASSIGN_OR_RETURN(Bytes ct, crypto::Sm4GcmEncrypt(dek, iv, AsBytes(aad), pdf));
  Bytes stored = iv;
  stored.insert(stored.end(), ct.begin(), ct.end());
  HETONG_ASSIGN_OR_RETURN(SecretBytes kek, TenantKey(org_id));
  HETONG_ASSIGN_OR_RETURN(Bytes wiv, crypto::RandomBytes(rng_, kGcmIv));
  std::string waad = "hetong document key " + object_id;
  HETONG_ASSIGN_OR_RETURN(Bytes wrapped, crypto::Sm4GcmEncrypt(kek, wiv, AsBytes(waad),
                                                               dek.Reveal(SecretAccess::Unsafe())));
  out.wrapped_key = wiv;
  out.wrapped_key.insert(out.wrapped_key.end(), wrapped.begin(), wrapped.end());
  HETONG_ASSIGN_OR_RETURN(out.blob, blobs_.Put(stored));
  return out;
}

StatusOr<Bytes> ContractService::LoadPdf(const std::string& org_id, const std::string& object_id,
                                         const std::string& blob, const std::string& sm3,
                                         ByteView wrapped_key) {
  HETONG_ASSIGN_OR_RETURN(Bytes stored, blobs_.Get(blob));
  if (wrapped_key.empty()) return stored;
  if (wrapped_key.size() <= kGcmIv || stored.size() <= kGcmIv) {
    return DataLossError("the stored document " + object_id + " is damaged");
  }
  HETONG_ASSIGN_OR_RETURN(SecretBytes kek, TenantKey(org_id));
  std::string waad = "hetong document key " + object_id;
  auto dek = crypto::Sm4GcmDecryptSecret(kek, wrapped_key.subspan(0, kGcmIv), AsBytes(waad),
                                         wrapped_key.subspan(kGcmIv));
  if (!dek.ok()) return DataLossError("the key of document " + object_id + " does not unwrap");
  std::string aad = "hetong document " + object_id + " " + sm3;
  auto pdf = crypto::Sm4GcmDecrypt(*dek, ByteView(stored).subspan(0, kGcmIv), AsBytes(aad),
                                   ByteView(stored).subspan(kGcmIv));
  if (!pdf.ok()) return DataLossError("the stored document " + object_id + " does not decrypt");
  return pdf;
}

// ---- documents ----

StatusOr<Document> ContractService::Upload(const std::string& actor, const std::string& org_id,
                                           const std::string& file_name, ByteView pdf) {
  HETONG_ASSIGN_OR_RETURN(identity::Account me, identity_.GetAccount(actor));
  if (me.kind != identity::AccountKind::kPerson) {
    return PermissionDeniedError("documents are uploaded by persons");
  }
  if (!org_id.empty()) {
    HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(org_id, actor));
    if (!role) return NotFoundError("no such organisation");
    if (*role == identity::Role::kViewer) {
      return PermissionDeniedError("viewers cannot upload documents for the organisation");
    }
  }
  if (pdf.empty()) return InvalidArgumentError("the body is empty: send the PDF file");
  if (pdf.size() > options_.max_document_bytes) {
    return InvalidArgumentError("a document has at most " +
                                std::to_string(options_.max_document_bytes >> 20) + " MiB");
  }
  std::string_view head(reinterpret_cast<const char*>(pdf.data()),
                        std::min<size_t>(pdf.size(), 1024));
  if (head.find("%PDF-") == std::string_view::npos) {
    return InvalidArgumentError("the file is not a PDF (no %PDF- header)");
  }
  HETONG_ASSIGN_OR_RETURN(
      std::string name,
      CleanText(file_name.empty() ? "contract.pdf" : file_name, "file_name", 200, true));
  Document d;
  HETONG_ASSIGN_OR_RETURN(d.id, NewId("doc-"));
  {
    TempFile tmp(options_.work_dir, "upload", rng_);
    HETONG_RETURN_IF_ERROR(base::WriteFileAtomic(tmp.path(), pdf, 0600));
    HETONG_ASSIGN_OR_RETURN(document::pdf::PdfFacts facts, document::pdf::InspectPdf(tmp.path()));
    if (facts.encrypted) {
      return InvalidArgumentError("the PDF is encrypted; upload it without a password");
    }
    d.pages = facts.pages;
    if (d.pages < 1) return InvalidArgumentError("the PDF has no pages");
  }
  HETONG_ASSIGN_OR_RETURN(StoredPdf stored, StorePdf(org_id, d.id, pdf));
  d.owner_id = actor;
  d.org_id = org_id;
  d.file_name = name;
  d.sm3 = stored.sm3;
  d.blob = stored.blob;
  d.size = static_cast<int64_t>(pdf.size());
  d.wrapped_key = std::move(stored.wrapped_key);
  d.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertDocument(d));
  if (evidence_) {
    auto leaf = evidence_->Record("document.uploaded", d.id, actor, d.created_at,
                                  Dump({{"sm3", d.sm3}, {"size", d.size}, {"pages", d.pages}}));
    if (!leaf.ok()) spdlog::warn("contract: evidence of {}: {}", d.id, leaf.status().message());
  }
  return d;
}

StatusOr<Bytes> ContractService::ContractPdf(const std::string& actor,
                                             const std::string& contract_id) {
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, contract_id));
  return LoadPdf(c.org_id, c.id, c.current_blob, c.current_sm3, c.current_wrapped_key);
}

// ---- visibility ----

StatusOr<bool> ContractService::MaySee(const std::string& actor, const Contract& c) {
  if (c.creator_id == actor) return true;
  for (const Party& p : c.parties) {
    if (p.person_id == actor) return true;
  }
  std::vector<std::string> orgs;
  if (!c.org_id.empty()) orgs.push_back(c.org_id);
  for (const Party& p : c.parties) {
    if (!p.org_id.empty()) orgs.push_back(p.org_id);
  }
  for (const auto& o : orgs) {
    HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(o, actor));
    if (role) return true;
  }
  return false;
}

StatusOr<Contract> ContractService::MustGet(const std::string& id) {
  HETONG_ASSIGN_OR_RETURN(auto c, repo_.GetContract(id));
  if (!c) return NotFoundError("no such contract");
  return *std::move(c);
}

StatusOr<Contract> ContractService::Visible(const std::string& actor, const std::string& id) {
  HETONG_ASSIGN_OR_RETURN(Contract c, MustGet(id));
  HETONG_ASSIGN_OR_RETURN(bool ok, MaySee(actor, c));
  // Outsiders learn nothing, not even that the contract exists.
  if (!ok) return NotFoundError("no such contract");
  return c;
}

Status ContractService::RequireManager(const std::string& actor, const Contract& c) {
  if (c.creator_id == actor) return OkStatus();
  if (!c.org_id.empty()) {
    HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(c.org_id, actor));
    if (role && *role == identity::Role::kAdmin) return OkStatus();
  }
  return PermissionDeniedError(
      "only the contract's creator or an admin of its organisation can do this");
}

// ---- events ----

Status ContractService::Record(const Contract& c, const std::string& type, const std::string& actor,
                               const std::string& details_json) {
  ContractEvent e{c.id, 0, type, actor, clock_.Now(), details_json, -1};
  HETONG_RETURN_IF_ERROR(repo_.AddEvent(e));
  Announce(c, type, details_json);
  return OkStatus();
}

StatusOr<Contract> ContractService::Commit(Contract c, const std::string& type,
                                           const std::string& actor,
                                           const std::string& details_json) {
  ++c.version;
  ContractEvent e{c.id, 0, type, actor, clock_.Now(), details_json, -1};
  HETONG_RETURN_IF_ERROR(repo_.UpdateContract(c, e));
  Announce(c, type, details_json);
  return c;
}

// After the commit: the evidence log, then the organisations' webhooks. A failure here does
// not undo the committed step; it is logged (the timeline row keeps leaf_index -1 and the
// server's evidence catch-up appends it later).
void ContractService::Announce(const Contract& c, const std::string& type,
                               const std::string& details_json) {
  if (evidence_) {
    auto events = repo_.Events(c.id);
    if (events.ok()) {
      std::vector<ContractEvent> pending;
      for (ContractEvent& e : *events) {
        if (e.leaf_index < 0) pending.push_back(std::move(e));
      }
      (void)AppendToLog(pending);
    }
  }
  if (notifier_) {
    json payload = {{"contract_id", c.id},
                    {"title", c.title},
                    {"state", std::string(StateName(c.state))},
                    {"event", type}};
    json details = json::parse(details_json, nullptr, false);
    if (!details.is_discarded()) payload["details"] = details;
    std::vector<std::string> orgs;
    if (!c.org_id.empty()) orgs.push_back(c.org_id);
    for (const Party& p : c.parties) {
      if (!p.org_id.empty() && std::find(orgs.begin(), orgs.end(), p.org_id) == orgs.end()) {
        orgs.push_back(p.org_id);
      }
    }
    for (const auto& o : orgs) {
      Status s = notifier_->OrgEvent(o, type, Dump(payload));
      if (!s.ok()) spdlog::warn("contract: webhook for {}: {}", o, s.message());
    }
  }
}

// Appends timeline rows that are not in the evidence log yet, in order; one at a time for the
// whole service, so that no row is appended twice.
StatusOr<int> ContractService::AppendToLog(const std::vector<ContractEvent>& pending) {
  std::lock_guard<std::mutex> lock(evidence_mu_);
  int n = 0;
  for (const ContractEvent& e : pending) {
    // Re-read under the lock: another thread may have appended it meanwhile.
    HETONG_ASSIGN_OR_RETURN(auto events, repo_.Events(e.contract_id));
    auto it = std::find_if(events.begin(), events.end(),
                           [&](const ContractEvent& x) { return x.seq == e.seq; });
    if (it == events.end() || it->leaf_index >= 0) continue;
    auto leaf = evidence_->Record(e.type, e.contract_id, e.actor, e.at, e.details);
    if (!leaf.ok()) {
      spdlog::warn("contract: evidence of {} {}: {}", e.contract_id, e.type,
                   leaf.status().message());
      return leaf.status();
    }
    HETONG_RETURN_IF_ERROR(repo_.SetEventLeaf(e.contract_id, e.seq, *leaf));
    ++n;
  }
  return n;
}

StatusOr<int> ContractService::CatchUpEvidence() {
  if (!evidence_) return 0;
  HETONG_ASSIGN_OR_RETURN(auto pending, repo_.PendingEvents(1000));
  return AppendToLog(pending);
}

// Emails an invitation with a single-use link to each party who may sign now.
void ContractService::InviteNext(const Contract& c) {
  if (!notifier_) return;
  for (int i : PartiesToSign(c)) {
    const Party& p = c.parties[static_cast<size_t>(i)];
    auto person = identity_.GetAccount(p.person_id);
    auto token = identity::NewToken(rng_);
    if (!person.ok() || !token.ok()) continue;
    Invitation inv{token->hash, c.id, i, clock_.Now(), clock_.Now() + kInvitationLifetime};
    if (c.deadline && *c.deadline < inv.expires_at) inv.expires_at = *c.deadline;
    Status s = repo_.InsertInvitation(inv);
    if (!s.ok()) {
      spdlog::warn("contract: invitation for {}: {}", c.id, s.message());
      continue;
    }
    std::string link = options_.public_url + "/sign/" + c.id + "?invitation=" +
                       std::string(token->token.RevealString(SecretAccess::Unsafe()));
    std::string who = p.org_id.empty() ? "" : "（代表 " + p.name + "）";
    std::string body = person->name + "，您好：\n\n您有一份待签署的合同《" + c.title + "》" + who +
                       "。\n请打开以下链接查看并签署（链接仅可使用一次）：\n" + link +
                       "\n\nYou are invited to sign \"" + c.title +
                       "\". Open the link above (single use) to read and sign it.\n";
    s = notifier_->Email(*person, "待签署合同：" + c.title, body);
    if (!s.ok()) spdlog::warn("contract: invitation email for {}: {}", c.id, s.message());
  }
}

// ---- contracts ----

StatusOr<Contract> ContractService::Create(const std::string& actor, ContractDraft draft) {
  HETONG_ASSIGN_OR_RETURN(identity::Account me, identity_.GetAccount(actor));
  if (me.kind != identity::AccountKind::kPerson) {
    return PermissionDeniedError("contracts are created by persons");
  }
  Contract c;
  HETONG_ASSIGN_OR_RETURN(c.title, CleanText(draft.title, "title", 200, true));
  HETONG_ASSIGN_OR_RETURN(c.contract_type,
                          CleanText(draft.contract_type, "contract_type", 64, false));
  HETONG_ASSIGN_OR_RETURN(auto doc, repo_.GetDocument(draft.document_id));
  if (!doc ||
      (doc->owner_id != actor &&
       (doc->org_id.empty() || !identity_.RoleOf(doc->org_id, actor).value_or(std::nullopt)))) {
    return NotFoundError("no such document: upload it first (POST /api/v1/documents)");
  }
  if (!draft.org_id.empty()) {
    HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(draft.org_id, actor));
    if (!role) return NotFoundError("no such organisation");
    if (*role == identity::Role::kViewer) {
      return PermissionDeniedError("viewers cannot create contracts for the organisation");
    }
  }
  if (doc->org_id != draft.org_id) {
    return InvalidArgumentError(
        "the document was uploaded for another organisation (or none); upload it for this one");
  }
  HETONG_RETURN_IF_ERROR(ValidateParties(draft.flow, draft.parties));
  base::TimePoint now = clock_.Now();
  if (draft.deadline && *draft.deadline <= now) {
    return InvalidArgumentError("the deadline is in the past");
  }
  for (size_t i = 0; i < draft.parties.size(); ++i) {
    Party& p = draft.parties[i];
    std::string at = "party " + std::to_string(i + 1) + ": ";
    auto person = identity_.GetAccount(p.person_id);
    if (!person.ok() || person->kind != identity::AccountKind::kPerson ||
        person->status != "active") {
      return InvalidArgumentError(at + "no such person");
    }
    if (p.field.page > doc->pages) {
      return InvalidArgumentError(at + "the document has " + std::to_string(doc->pages) + " pages");
    }
    p.index = static_cast<int>(i);
    p.status = "pending";
    p.signed_at.reset();
    p.signature_id.clear();
    p.seal_id.clear();
    p.name = person->name;
    if (!p.org_id.empty()) {
      HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(p.org_id, p.person_id));
      if (!role) return InvalidArgumentError(at + "the person is not a member of the organisation");
      HETONG_ASSIGN_OR_RETURN(identity::Account org, identity_.GetAccount(p.org_id));
      p.name = org.name;
    }
  }
  HETONG_ASSIGN_OR_RETURN(c.id, NewId("ctr-"));
  c.creator_id = actor;
  c.org_id = draft.org_id;
  c.document_id = doc->id;
  // The contract's first version is its own copy, so that its key (when encrypted) names it.
  HETONG_ASSIGN_OR_RETURN(Bytes pdf,
                          LoadPdf(doc->org_id, doc->id, doc->blob, doc->sm3, doc->wrapped_key));
  HETONG_ASSIGN_OR_RETURN(StoredPdf stored, StorePdf(c.org_id, c.id, pdf));
  c.current_sm3 = stored.sm3;
  c.current_blob = stored.blob;
  c.current_wrapped_key = std::move(stored.wrapped_key);
  c.flow = draft.flow;
  c.state = State::kDraft;
  c.deadline = draft.deadline;
  c.parties = std::move(draft.parties);
  c.version = 1;
  c.created_at = now;
  c.updated_at = now;
  json parties = json::array();
  for (const Party& p : c.parties) parties.push_back(PartyEventJson(p));
  json details = {{"title", c.title},
                  {"document_sm3", c.current_sm3},
                  {"flow", std::string(FlowName(c.flow))},
                  {"parties", parties}};
  ContractEvent e{c.id, 0, "contract.created", actor, now, Dump(details), -1};
  HETONG_RETURN_IF_ERROR(repo_.InsertContract(c, e));
  Announce(c, e.type, e.details);
  return c;
}

StatusOr<Contract> ContractService::Get(const std::string& actor, const std::string& id) {
  return Visible(actor, id);
}

StatusOr<std::vector<Contract>> ContractService::List(const std::string& actor,
                                                      ContractFilter filter) {
  filter.visible_to = actor;
  HETONG_ASSIGN_OR_RETURN(auto memberships, identity_.Memberships(actor));
  filter.org_ids.clear();
  for (const auto& m : memberships) filter.org_ids.push_back(m.org_id);
  if (!filter.org_id.empty() && std::find(filter.org_ids.begin(), filter.org_ids.end(),
                                          filter.org_id) == filter.org_ids.end()) {
    return NotFoundError("no such organisation");
  }
  return repo_.List(filter);
}

StatusOr<std::vector<ContractEvent>> ContractService::Timeline(const std::string& actor,
                                                               const std::string& id) {
  HETONG_RETURN_IF_ERROR(Visible(actor, id).status());
  return repo_.Events(id);
}

StatusOr<Contract> ContractService::Send(const std::string& actor, const std::string& id) {
  auto lock = ContractLock(id);
  std::lock_guard<std::mutex> guard(*lock);
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, id));
  HETONG_RETURN_IF_ERROR(RequireManager(actor, c));
  HETONG_RETURN_IF_ERROR(contract::Send(c, clock_.Now()));
  HETONG_ASSIGN_OR_RETURN(c, Commit(std::move(c), "contract.sent", actor, "{}"));
  InviteNext(c);
  return c;
}

StatusOr<SigningStatement> ContractService::Statement(const std::string& actor,
                                                      const std::string& id, int party) {
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, id));
  HETONG_ASSIGN_OR_RETURN(int idx, SigningParty(c, actor, party));
  const Party& p = c.parties[static_cast<size_t>(idx)];
  SigningStatement s;
  s.party = idx;
  s.text = "hetong signing statement v1\ncontract: " + c.id + "\ntitle: " + c.title +
           "\nparty: " + std::to_string(idx) + "\nsigner: " + p.person_id +
           "\non-behalf-of: " + (p.org_id.empty() ? p.person_id : p.org_id) +
           "\ndocument-sm3: " + c.current_sm3 + "\n";
  s.sm3_hex = base::HexEncode(crypto::Sm3(AsBytes(s.text)));
  return s;
}

StatusOr<SignOutcome> ContractService::Sign(const std::string& actor, const std::string& id,
                                            SignRequest req) {
  auto lock = ContractLock(id);
  std::lock_guard<std::mutex> guard(*lock);
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, id));
  base::TimePoint now = clock_.Now();
  if (Overdue(c, now)) {
    return FailedPreconditionError(
        "the contract's deadline has passed; it can no longer be signed");
  }
  HETONG_ASSIGN_OR_RETURN(SigningStatement st, Statement(actor, id, req.party));
  const Party party = c.parties[static_cast<size_t>(st.party)];
  if (req.intent_token.empty()) {
    return PermissionDeniedError(
        "confirm your intent to sign first (POST /api/v1/contracts/{id}/intent) and send the "
        "intent token");
  }
  HETONG_ASSIGN_OR_RETURN(identity::Account signer_person, identity_.GetAccount(actor));
  const std::string& key_owner = party.org_id.empty() ? actor : party.org_id;
  HETONG_ASSIGN_OR_RETURN(identity::Account owner, identity_.GetAccount(key_owner));
  if (owner.verification != "verified" || owner.key_id.empty()) {
    return FailedPreconditionError(
        (party.org_id.empty() ? std::string("you") : "the organisation") +
        " must pass real-name verification first; the key and certificate come with it");
  }
  if (!party.org_id.empty()) {
    // Before anything is prepared or an intent spent (the key center checks it again).
    HETONG_RETURN_IF_ERROR(identity_.ActiveGrant(party.org_id, actor, c.contract_type).status());
  }

  // The appearance.
  std::string appearance_id;
  document::pdf::RgbaImage image;
  const Appearance& ap = req.appearance;
  std::string kind = ap.kind.empty() ? (party.org_id.empty() ? "personal-seal" : "seal") : ap.kind;
  if (kind == "seal") {
    if (party.org_id.empty()) {
      return InvalidArgumentError("an organisation seal is used only when signing for it");
    }
    if (!seals_) return FailedPreconditionError("this instance has no seals");
    HETONG_ASSIGN_OR_RETURN(auto s,
                            seals_->OrgSeal(actor, party.org_id, ap.seal_id, c.contract_type));
    appearance_id = s.first;
    image = std::move(s.second);
  } else if (kind == "personal-seal") {
    if (!seals_) return FailedPreconditionError("this instance has no seals");
    HETONG_ASSIGN_OR_RETURN(auto s, seals_->PersonalSeal(actor));
    appearance_id = s.first;
    image = std::move(s.second);
  } else if (kind == "handwritten") {
    if (ap.handwritten_png.empty()) {
      return InvalidArgumentError("a handwritten signature needs its PNG image");
    }
    if (ap.handwritten_png.size() > (2u << 20)) {
      return InvalidArgumentError("a handwritten signature image has at most 2 MiB");
    }
    auto decoded = document::pdf::DecodePng(ap.handwritten_png);
    if (!decoded.ok()) {
      return InvalidArgumentError("the handwritten signature is not a usable PNG: " +
                                  decoded.status().message());
    }
    if (decoded->width > 4096 || decoded->height > 4096) {
      return InvalidArgumentError("a handwritten signature image has at most 4096 pixels a side");
    }
    appearance_id = "handwritten:" + base::HexEncode(crypto::Sm3(ap.handwritten_png));
    image = *std::move(decoded);
  } else {
    return InvalidArgumentError("appearance kind is personal-seal, handwritten or seal");
  }
  document::pdf::AppearanceSpec spec;
  spec.image = std::move(image);
  spec.text_lines = {(party.org_id.empty() ? "签署人：" : "签署方：") + party.name,
                     "时间：" + base::FormatRfc3339(now + std::chrono::hours(8)).substr(0, 10)};
  spec.width_pt = party.field.width;
  spec.height_pt = party.field.height;
  spec.dpi = 150;
  spec.layout = document::pdf::AppearanceSpec::Layout::kImageAboveText;
  HETONG_ASSIGN_OR_RETURN(document::pdf::RgbaImage rendered, document::pdf::RenderAppearance(spec));

  // The signature.
  HETONG_ASSIGN_OR_RETURN(auto cert_chain, env_.CertificateOf(owner));
  HETONG_ASSIGN_OR_RETURN(pki::TimestampSource * tsa, env_.Timestamps());
  HETONG_ASSIGN_OR_RETURN(ValidationData validation, env_.Validation());
  HETONG_ASSIGN_OR_RETURN(
      Bytes pdf, LoadPdf(c.org_id, c.id, c.current_blob, c.current_sm3, c.current_wrapped_key));
  TempFile in(options_.work_dir, "sign-in", rng_), out(options_.work_dir, "sign-out", rng_);
  HETONG_RETURN_IF_ERROR(base::WriteFileAtomic(in.path(), pdf, 0600));
  bool last = std::count_if(c.parties.begin(), c.parties.end(),
                            [](const Party& p) { return p.status != "signed"; }) == 1;
  document::pdf::PdfSignOptions opts;
  opts.level = last ? document::pdf::PadesLevel::kBLTA : document::pdf::PadesLevel::kBLT;
  opts.visible =
      document::pdf::VisibleSignature{party.field.page,  party.field.x,      party.field.y,
                                      party.field.width, party.field.height, std::move(rendered)};
  opts.field_name = "hetong-party-" + std::to_string(party.index + 1);
  opts.name = party.org_id.empty() ? party.name : party.name + " / " + signer_person.name;
  opts.reason = "签署合同 " + c.title;
  opts.location = options_.public_url;
  opts.signing_time = now;
  opts.chain = cert_chain.second;
  opts.timestamps = tsa;
  opts.validation = validation.source;
  IntentSigner signer(signing_, actor, party.org_id, st.sm3_hex, req.intent_token, c.contract_type,
                      cert_chain.first.public_key());
  auto signed_result =
      document::pdf::SignPdf(in.path(), out.path(), signer, cert_chain.first, opts);
  if (!signed_result.ok()) {
    if (signer.record_id.empty()) return signed_result.status();
    return Status(signed_result.status().code(),
                  "the key signed but the PDF could not be completed (" +
                      signed_result.status().message() + "); confirm your intent again and retry");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes signed_pdf, base::ReadFile(out.path()));
  HETONG_ASSIGN_OR_RETURN(StoredPdf stored, StorePdf(c.org_id, c.id, signed_pdf));

  std::string before = c.current_sm3;
  c.current_sm3 = stored.sm3;
  c.current_blob = stored.blob;
  c.current_wrapped_key = std::move(stored.wrapped_key);
  HETONG_ASSIGN_OR_RETURN(bool completed,
                          RecordSignature(c, party.index, signer.record_id, appearance_id, now));
  json details = PartyEventJson(party);
  details["signature_id"] = signer.record_id;
  if (!signer.member_record_id.empty()) details["member_signature_id"] = signer.member_record_id;
  details["statement_sm3"] = st.sm3_hex;
  details["document_sm3_before"] = before;
  details["document_sm3"] = c.current_sm3;
  details["appearance"] = appearance_id;
  details["level"] = std::string(document::pdf::PadesLevelName(opts.level));
  HETONG_ASSIGN_OR_RETURN(c, Commit(std::move(c), "contract.signed", actor, Dump(details)));
  if (seals_ && kind != "handwritten") {
    Status s =
        seals_->RecordUse(appearance_id, actor, party.org_id, c.id, c.contract_type, c.current_sm3);
    if (!s.ok()) spdlog::warn("contract: seal use of {}: {}", appearance_id, s.message());
  }
  if (completed) {
    HETONG_RETURN_IF_ERROR(
        Record(c, "contract.completed", "system", Dump({{"document_sm3", c.current_sm3}})));
    if (notifier_) {
      std::vector<std::string> told;
      auto tell = [&](const std::string& person) {
        if (std::find(told.begin(), told.end(), person) != told.end()) return;
        told.push_back(person);
        auto a = identity_.GetAccount(person);
        if (a.ok()) {
          (void)notifier_->Email(*a, "合同已签署完成：" + c.title,
                                 a->name + "，您好：\n\n合同《" + c.title +
                                     "》已由全部签署方签署完成。\nThe contract \"" + c.title +
                                     "\" has been signed by every party.\n" + options_.public_url +
                                     "/contracts/" + c.id + "\n");
        }
      };
      tell(c.creator_id);
      for (const Party& p : c.parties) tell(p.person_id);
    }
  } else if (c.flow == Flow::kSequential) {
    InviteNext(c);  // parallel parties were all invited when the contract was sent
  }
  spdlog::info("contract: {} signed {} as party {} ({})", actor, c.id, party.index,
               document::pdf::PadesLevelName(opts.level));
  return SignOutcome{c, party.index, signer.record_id, completed};
}

StatusOr<Contract> ContractService::Reject(const std::string& actor, const std::string& id,
                                           int party, const std::string& reason) {
  auto lock = ContractLock(id);
  std::lock_guard<std::mutex> guard(*lock);
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, id));
  HETONG_ASSIGN_OR_RETURN(std::string why, CleanText(reason, "reason", 500, true));
  HETONG_ASSIGN_OR_RETURN(int idx, SigningParty(c, actor, party));
  HETONG_RETURN_IF_ERROR(contract::Reject(c, idx, why, clock_.Now()));
  json details = PartyEventJson(c.parties[static_cast<size_t>(idx)]);
  details["reason"] = why;
  return Commit(std::move(c), "contract.rejected", actor, Dump(details));
}

StatusOr<Contract> ContractService::Revoke(const std::string& actor, const std::string& id,
                                           const std::string& reason) {
  auto lock = ContractLock(id);
  std::lock_guard<std::mutex> guard(*lock);
  HETONG_ASSIGN_OR_RETURN(Contract c, Visible(actor, id));
  HETONG_RETURN_IF_ERROR(RequireManager(actor, c));
  HETONG_ASSIGN_OR_RETURN(std::string why, CleanText(reason, "reason", 500, true));
  HETONG_RETURN_IF_ERROR(contract::Revoke(c, why, clock_.Now()));
  return Commit(std::move(c), "contract.revoked", actor, Dump({{"reason", why}}));
}

StatusOr<int> ContractService::ExpireOverdue() {
  base::TimePoint now = clock_.Now();
  HETONG_ASSIGN_OR_RETURN(auto ids, repo_.Overdue(now, 100));
  int n = 0;
  for (const auto& id : ids) {
    auto lock = ContractLock(id);
    std::lock_guard<std::mutex> guard(*lock);
    HETONG_ASSIGN_OR_RETURN(Contract c, MustGet(id));
    if (!contract::Expire(c, now).ok()) continue;
    auto done = Commit(std::move(c), "contract.expired", "system", "{}");
    if (done.ok()) ++n;
  }
  return n;
}

StatusOr<OrgStatistics> ContractService::Statistics(const std::string& actor,
                                                    const std::string& org_id) {
  HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(org_id, actor));
  if (!role) return NotFoundError("no such organisation");
  return repo_.Statistics(org_id);
}

Status ContractService::SetEncryptedArchive(const std::string& actor, const std::string& org_id,
                                            bool on) {
  HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(org_id, actor));
  if (!role) return NotFoundError("no such organisation");
  if (*role != identity::Role::kAdmin) {
    return PermissionDeniedError("only an admin changes the organisation's archive settings");
  }
  return repo_.SetEncryptedArchive(org_id, on);
}

StatusOr<bool> ContractService::EncryptedArchive(const std::string& actor,
                                                 const std::string& org_id) {
  HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(org_id, actor));
  if (!role) return NotFoundError("no such organisation");
  return repo_.EncryptedArchive(org_id);
}

StatusOr<Contract> ContractService::AcceptInvitation(const std::string& actor,
                                                     const std::string& token) {
  if (token.empty() || token.size() > 128) {
    return InvalidArgumentError("the invitation token is missing or malformed");
  }
  std::string hash = identity::TokenHash(token);
  HETONG_ASSIGN_OR_RETURN(auto inv, repo_.TakeInvitation(hash, clock_.Now()));
  if (!inv || inv->expires_at <= clock_.Now()) {
    return NotFoundError(
        "the invitation link was used already or has expired; log in to see "
        "the contracts waiting for you");
  }
  HETONG_ASSIGN_OR_RETURN(Contract c, MustGet(inv->contract_id));
  if (static_cast<size_t>(inv->party) >= c.parties.size() ||
      c.parties[static_cast<size_t>(inv->party)].person_id != actor) {
    return PermissionDeniedError("this invitation is for another person");
  }
  HETONG_RETURN_IF_ERROR(
      Record(c, "contract.viewed", actor, Dump({{"party", inv->party}, {"via", "invitation"}})));
  return c;
}

}  // namespace hetong::contract
