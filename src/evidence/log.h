// EvidenceLog: the platform's append-only, tamper-evident record of events (GM/Y 5013 §5.1.3:
// the whole history of a contract must be checkable by a third party). Events become leaves
// of an RFC 9162 Merkle tree (SM3, merkle.h) kept by an EvidenceRepository; the log serves
// roots, inclusion proofs and consistency proofs for any past size from O(log n) stored
// hashes, and signs tree heads (tree_head.h) that a TSA time-stamps.
//
// Append is durable when it returns (the repository has committed) and appends are
// serialised; another process appending to the same store is detected and retried.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/signature.h"
#include "evidence/event.h"
#include "evidence/merkle.h"
#include "evidence/repository.h"
#include "evidence/tree_head.h"
#include "pki/tsp.h"

namespace hetong::evidence {

class EvidenceLog {
 public:
  // `log_id` names this log in every tree head (the instance id). The clock stamps heads.
  EvidenceLog(EvidenceRepository& repo, std::string log_id, const base::Clock& clock);

  // Appends an event (normalised, see event.h); InvalidArgument for a bad event.
  StatusOr<AppendedEvent> Append(const Event& event);
  // The subject's events in index order (at most 10 000).
  StatusOr<std::vector<LoggedEvent>> EventsFor(const std::string& subject);
  // The subject's events with an index below `before` (all of them by default), newest
  // first, after leaving out the `skip` newest of those: at most `limit` (1 to 10 000;
  // InvalidArgument otherwise). For audit trails of busy subjects: paging by `before` (the
  // last index of the previous page) costs the same on every page.
  StatusOr<std::vector<LoggedEvent>> NewestEventsFor(const std::string& subject, uint64_t skip,
                                                     int limit, uint64_t before = UINT64_MAX);
  // NotFound if there is no such leaf.
  StatusOr<LoggedEvent> Get(uint64_t index);
  StatusOr<uint64_t> Size();

  // OutOfRange when `tree_size` exceeds the log's size.
  StatusOr<Bytes> Root(uint64_t tree_size);
  StatusOr<std::vector<Bytes>> InclusionProof(uint64_t index, uint64_t tree_size);
  StatusOr<std::vector<Bytes>> ConsistencyProof(uint64_t first, uint64_t second);

  // Signs a head of the current tree and stores it, when the tree grew since the latest head
  // (else returns the latest). With `tsa`, the signature is time-stamped first; when that
  // fails nothing is stored and the error is returned (Unavailable), so the next call retries.
  // Before signing, checks that the stored tree still extends the latest head (DataLoss if
  // not: the store was altered).
  StatusOr<SignedTreeHead> SignHead(const crypto::Signer& signer, pki::TimestampSource* tsa);
  StatusOr<std::optional<SignedTreeHead>> LatestHead();
  StatusOr<std::optional<SignedTreeHead>> HeadAt(uint64_t tree_size);
  // The first head that covers the leaf `index` (tree_size > index).
  StatusOr<std::optional<SignedTreeHead>> HeadCovering(uint64_t index);
  // Heads by decreasing size below `before` (0: from the latest), at most `limit` (<= 1000).
  StatusOr<std::vector<SignedTreeHead>> ListHeads(uint64_t before, int limit);

  const std::string& log_id() const { return log_id_; }
  const TreeHasher& hasher() const { return hasher_; }

 private:
  Status CheckSize(uint64_t tree_size);

  EvidenceRepository& repo_;
  std::string log_id_;
  const base::Clock& clock_;
  TreeHasher hasher_{crypto::HashAlgorithm::kSm3};
  std::mutex append_mu_;
  std::mutex head_mu_;
};

}  // namespace hetong::evidence
