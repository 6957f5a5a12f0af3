#include "evidence/log.h"

#include <algorithm>

namespace hetong::evidence {

namespace {

class RepoNodes final : public NodeSource {
 public:
  explicit RepoNodes(EvidenceRepository& repo) : repo_(repo) {}
  StatusOr<std::vector<Bytes>> GetNodes(std::span<const NodeId> ids) override {
    auto nodes = repo_.GetNodes(ids);
    if (!nodes.ok() && nodes.status().code() == StatusCode::kNotFound) {
      return DataLossError("the evidence log's store lacks a tree node it should hold");
    }
    return nodes;
  }

 private:
  EvidenceRepository& repo_;
};

constexpr int kMaxEventsPerSubject = 10000;

}  // namespace

EvidenceLog::EvidenceLog(EvidenceRepository& repo, std::string log_id, const base::Clock& clock)
    : repo_(repo), log_id_(std::move(log_id)), clock_(clock) {}

StatusOr<AppendedEvent> EvidenceLog::Append(const Event& event) {
  HETONG_ASSIGN_OR_RETURN(Event e, NormalizeEvent(event));
  std::lock_guard<std::mutex> lock(append_mu_);
  for (int attempt = 0; attempt < 64; ++attempt) {
    HETONG_ASSIGN_OR_RETURN(uint64_t size, repo_.Size());
    HETONG_ASSIGN_OR_RETURN(std::optional<uint64_t> last, repo_.LastIndexFor(e.subject));
    LoggedEvent logged;
    logged.index = size;
    logged.event = e;
    logged.previous = last ? static_cast<int64_t>(*last) : -1;
    logged.leaf_hash = hasher_.HashLeaf(EncodeLeaf(e, logged.previous));
    std::vector<NodeId> siblings = LeftSiblingsFor(size);
    RepoNodes nodes(repo_);
    HETONG_ASSIGN_OR_RETURN(std::vector<Bytes> sibling_hashes, nodes.GetNodes(siblings));
    std::vector<Bytes> completed = CompleteNodes(hasher_, logged.leaf_hash, sibling_hashes);
    std::vector<NodeId> ids = NodesCompletedBy(size);
    Status s = repo_.AppendLeaf(logged, ids, completed);
    if (s.ok()) return logged;
    if (s.code() != StatusCode::kAborted) return s;
  }
  return AbortedError("the evidence log is busy (concurrent appends); try again");
}

StatusOr<std::vector<LoggedEvent>> EvidenceLog::EventsFor(const std::string& subject) {
  return repo_.EventsFor(subject, 0, kMaxEventsPerSubject);
}

StatusOr<std::vector<LoggedEvent>> EvidenceLog::NewestEventsFor(const std::string& subject,
                                                                uint64_t skip, int limit,
                                                                uint64_t before) {
  if (limit < 1 || limit > kMaxEventsPerSubject) {
    return InvalidArgumentError("ask for 1 to " + std::to_string(kMaxEventsPerSubject) +
                                " events at a time");
  }
  // SQL integers are signed 64-bit; no log comes near 2^62 events.
  constexpr uint64_t kMax = uint64_t{1} << 62;
  return repo_.NewestEventsFor(subject, std::min(before, kMax), std::min(skip, kMax), limit);
}

StatusOr<LoggedEvent> EvidenceLog::Get(uint64_t index) {
  HETONG_ASSIGN_OR_RETURN(std::optional<LoggedEvent> e, repo_.GetEvent(index));
  if (!e) return NotFoundError("no event " + std::to_string(index) + " in the evidence log");
  return std::move(*e);
}

StatusOr<uint64_t> EvidenceLog::Size() { return repo_.Size(); }

Status EvidenceLog::CheckSize(uint64_t tree_size) {
  HETONG_ASSIGN_OR_RETURN(uint64_t size, repo_.Size());
  if (tree_size > size) {
    return OutOfRangeError("the evidence log has " + std::to_string(size) + " entries, not " +
                           std::to_string(tree_size));
  }
  return OkStatus();
}

StatusOr<Bytes> EvidenceLog::Root(uint64_t tree_size) {
  HETONG_RETURN_IF_ERROR(CheckSize(tree_size));
  RepoNodes nodes(repo_);
  return RootAt(hasher_, nodes, tree_size);
}

StatusOr<std::vector<Bytes>> EvidenceLog::InclusionProof(uint64_t index, uint64_t tree_size) {
  HETONG_RETURN_IF_ERROR(CheckSize(tree_size));
  RepoNodes nodes(repo_);
  return MakeInclusionProof(hasher_, nodes, index, tree_size);
}

StatusOr<std::vector<Bytes>> EvidenceLog::ConsistencyProof(uint64_t first, uint64_t second) {
  HETONG_RETURN_IF_ERROR(CheckSize(second));
  RepoNodes nodes(repo_);
  return MakeConsistencyProof(hasher_, nodes, first, second);
}

StatusOr<SignedTreeHead> EvidenceLog::SignHead(const crypto::Signer& signer,
                                               pki::TimestampSource* tsa) {
  std::lock_guard<std::mutex> lock(head_mu_);
  HETONG_ASSIGN_OR_RETURN(uint64_t size, repo_.Size());
  HETONG_ASSIGN_OR_RETURN(std::optional<SignedTreeHead> latest, repo_.LatestHead());
  if (latest && latest->tree_size == size) return std::move(*latest);
  if (latest && latest->tree_size > size) {
    return DataLossError("the evidence log is smaller than its latest signed tree head");
  }
  RepoNodes nodes(repo_);
  HETONG_ASSIGN_OR_RETURN(Bytes root, RootAt(hasher_, nodes, size));
  if (latest) {
    // The tree we are about to sign must extend the one we signed before.
    HETONG_ASSIGN_OR_RETURN(Bytes old_root, RootAt(hasher_, nodes, latest->tree_size));
    HETONG_ASSIGN_OR_RETURN(auto proof,
                            MakeConsistencyProof(hasher_, nodes, latest->tree_size, size));
    if (old_root != latest->root ||
        !VerifyConsistency(hasher_, latest->tree_size, size, proof, latest->root, root).ok()) {
      return DataLossError(
          "the evidence log's store no longer matches its latest signed tree head; "
          "it was altered or damaged: restore it from a backup");
    }
  }
  SignedTreeHead head;
  head.log_id = log_id_;
  head.hash = std::string(crypto::HashName(hasher_.algorithm()));
  head.tree_size = size;
  head.root = root;
  head.timestamp = clock_.Now();
  if (latest && head.timestamp < latest->timestamp) head.timestamp = latest->timestamp;
  HETONG_RETURN_IF_ERROR(SignTreeHead(head, signer));
  if (tsa) {
    auto token = tsa->Timestamp(crypto::HashAlgorithm::kSm3, crypto::Sm3(head.signature));
    if (!token.ok()) {
      return UnavailableError("the tree head could not be time-stamped: " +
                              token.status().message());
    }
    head.timestamp_token = std::move(*token);
  }
  HETONG_RETURN_IF_ERROR(repo_.InsertHead(head));
  return head;
}

StatusOr<std::optional<SignedTreeHead>> EvidenceLog::LatestHead() { return repo_.LatestHead(); }

StatusOr<std::optional<SignedTreeHead>> EvidenceLog::HeadAt(uint64_t tree_size) {
  return repo_.HeadAt(tree_size);
}

StatusOr<std::optional<SignedTreeHead>> EvidenceLog::HeadCovering(uint64_t index) {
  return repo_.FirstHeadCovering(index + 1);
}

StatusOr<std::vector<SignedTreeHead>> EvidenceLog::ListHeads(uint64_t before, int limit) {
  if (limit <= 0 || limit > 1000) return InvalidArgumentError("limit must be 1 to 1000");
  return repo_.ListHeads(before, limit);
}

}  // namespace hetong::evidence
