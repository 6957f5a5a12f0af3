// Contracts (电子合同) of GM/Y 5013-2024 §5.1.2 and §5.3.1: an uploaded PDF, the parties who
// sign it (persons, or persons signing for an organisation), where each one's signature goes,
// and the signing flow with its states:
//
//   draft --send--> sent --first signature--> partially_signed --last signature--> completed
//   draft|sent|partially_signed --revoke (creator)--> revoked
//   sent|partially_signed --reject (a party whose turn it is)--> rejected
//   sent|partially_signed --deadline passes--> expired
//
// completed, revoked, rejected and expired are final. A sequential flow lets the parties sign
// in their order; parallel in any order; single has exactly one party. The repository
// interface is implemented by store/sql_contract.h.
//
// Thread-safety: plain data and an interface; implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"

namespace hetong::contract {

// An uploaded PDF. The blob store holds it under the SM3 of the stored bytes: the PDF itself,
// or for an organisation with encrypted archiving its SM4-GCM ciphertext (docs/formats/
// contracts.md), with the per-document key wrapped under the organisation's tenant key.
struct Document {
  std::string id;        // "doc-" + 24 hex
  std::string owner_id;  // the uploader (a person)
  std::string org_id;    // the organisation it was uploaded for, or empty
  std::string file_name;
  std::string sm3;   // of the PDF (hex)
  std::string blob;  // blob store name (SM3 hex of the stored bytes)
  int64_t size = 0;
  int pages = 0;
  Bytes wrapped_key;  // empty: stored in the clear
  base::TimePoint created_at{};
};

enum class Flow { kSequential, kParallel, kSingle };
std::string_view FlowName(Flow f);
StatusOr<Flow> ParseFlow(std::string_view name);

enum class State { kDraft, kSent, kPartiallySigned, kCompleted, kRejected, kRevoked, kExpired };
std::string_view StateName(State s);
StatusOr<State> ParseState(std::string_view name);
bool IsFinal(State s);

struct Field {
  int page = 1;                                // 1-based
  double x = 0, y = 0, width = 0, height = 0;  // PDF points from the page's lower-left corner
};

struct Party {
  int index = 0;          // 0-based; the signing order of a sequential flow
  std::string person_id;  // who signs
  std::string org_id;     // non-empty: the person signs for this organisation
  std::string name;       // display name at creation (the person, or the organisation)
  Field field;
  std::string status = "pending";  // pending | signed | rejected
  std::optional<base::TimePoint> signed_at;
  std::string signature_id;  // identity::SignatureRecord of the PDF signature
  std::string seal_id;       // the seal or "handwritten" / "personal-seal" shown
};

struct Contract {
  std::string id;  // "ctr-" + 24 hex
  std::string title;
  std::string creator_id;     // a person
  std::string org_id;         // the organisation it was created for, or empty
  std::string contract_type;  // free text, e.g. "purchase"; grants may be limited to types
  std::string document_id;
  // The current PDF: the upload, then each signed version.
  std::string current_sm3;
  std::string current_blob;
  Bytes current_wrapped_key;
  Flow flow = Flow::kSequential;
  State state = State::kDraft;
  std::optional<base::TimePoint> deadline;
  std::string reason;  // of a rejection or revocation
  std::vector<Party> parties;
  int64_t version = 0;  // bumped by every update (optimistic concurrency)
  base::TimePoint created_at{};
  base::TimePoint updated_at{};
  std::optional<base::TimePoint> sent_at;
  std::optional<base::TimePoint> completed_at;
};

// One entry of a contract's timeline; the same event is in the evidence log at `leaf_index`.
struct ContractEvent {
  std::string contract_id;
  int64_t seq = 0;
  std::string type;  // contract.created, .sent, .viewed, .signed, .rejected, .revoked, ...
  std::string actor;
  base::TimePoint at{};
  std::string details;  // JSON object
  int64_t leaf_index = -1;
};

// A single-use invitation link sent to a party (stored as the SM3 of the token).
struct Invitation {
  std::string token_hash;
  std::string contract_id;
  int party = 0;
  base::TimePoint created_at{};
  base::TimePoint expires_at{};
};

struct ContractFilter {
  std::string visible_to;  // a person: contracts they created, are a party of, or of their orgs
  std::vector<std::string> org_ids;  // organisations where visible_to may see every contract
  std::string org_id;                // only contracts of this organisation
  std::optional<State> state;
  std::string search;    // substring of the title
  std::string awaiting;  // a person: only contracts waiting for their signature now
  int limit = 50;
  int64_t offset = 0;
};

struct OrgStatistics {
  int64_t total = 0;
  std::vector<std::pair<std::string, int64_t>> by_state;
  int64_t signatures = 0;
  double median_hours_to_complete = 0;  // sent -> completed, completed contracts
};

// Content-addressed storage of PDF bytes (store::BlobStore behind an adapter).
class BlobStorage {
 public:
  virtual ~BlobStorage() = default;
  // Stores the bytes and returns their name (SM3 hex).
  virtual StatusOr<std::string> Put(ByteView data) = 0;
  // DataLoss when the stored bytes no longer match their name.
  virtual StatusOr<Bytes> Get(const std::string& name) = 0;
};

class ContractRepository {
 public:
  virtual ~ContractRepository() = default;
  virtual Status InsertDocument(const Document& d) = 0;
  virtual StatusOr<std::optional<Document>> GetDocument(const std::string& id) = 0;
  virtual Status InsertContract(const Contract& c, const ContractEvent& created) = 0;
  virtual StatusOr<std::optional<Contract>> GetContract(const std::string& id) = 0;
  // Writes `c` (state, current version, parties) if its stored version is `c.version - 1`,
  // with the event, in one transaction; Aborted when another update came first.
  virtual Status UpdateContract(const Contract& c, const ContractEvent& event) = 0;
  virtual Status AddEvent(const ContractEvent& event) = 0;
  virtual Status SetEventLeaf(const std::string& contract_id, int64_t seq, int64_t leaf) = 0;
  virtual StatusOr<std::vector<ContractEvent>> Events(const std::string& contract_id) = 0;
  // Events of any contract not yet in the evidence log (leaf_index -1), oldest first.
  virtual StatusOr<std::vector<ContractEvent>> PendingEvents(int limit) = 0;
  virtual StatusOr<std::vector<Contract>> List(const ContractFilter& filter) = 0;
  // Contracts in sent or partially_signed whose deadline is before `now`.
  virtual StatusOr<std::vector<std::string>> Overdue(base::TimePoint now, int limit) = 0;
  virtual StatusOr<OrgStatistics> Statistics(const std::string& org_id) = 0;
  virtual Status InsertInvitation(const Invitation& i) = 0;
  // Marks the invitation used and returns it, once; nullopt when unknown or already used.
  virtual StatusOr<std::optional<Invitation>> TakeInvitation(const std::string& token_hash,
                                                             base::TimePoint at) = 0;
  virtual StatusOr<bool> EncryptedArchive(const std::string& org_id) = 0;
  virtual Status SetEncryptedArchive(const std::string& org_id, bool on) = 0;
};

}  // namespace hetong::contract
