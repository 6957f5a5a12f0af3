// The storage the evidence log needs (implemented by store::SqlEvidenceRepository, and by
// MemoryEvidenceRepository for tests): events with their leaf hashes, the hashes of complete
// subtrees as they complete, and signed tree heads. Everything is append-only.
//
// Thread-safety: implementations must be safe for concurrent use; several processes may
// append to one store (AppendLeaf's index check keeps the tree consistent).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/event.h"
#include "evidence/merkle.h"
#include "evidence/tree_head.h"

namespace hetong::evidence {

class EvidenceRepository {
 public:
  virtual ~EvidenceRepository() = default;

  // The number of leaves.
  virtual StatusOr<uint64_t> Size() = 0;
  // In one transaction: stores `event` at `event.index` together with the complete subtrees
  // it completes (`nodes`, ids as merkle.h NodesCompletedBy). Fails with Aborted, storing
  // nothing, unless event.index equals the current size (someone else appended first).
  virtual Status AppendLeaf(const LoggedEvent& event, std::span<const NodeId> node_ids,
                            std::span<const Bytes> node_hashes) = 0;
  virtual StatusOr<std::optional<LoggedEvent>> GetEvent(uint64_t index) = 0;
  // The subject's events in index order, at most `limit`, with index >= `from`.
  virtual StatusOr<std::vector<LoggedEvent>> EventsFor(const std::string& subject, uint64_t from,
                                                       int limit) = 0;
  // The subject's events with an index below `before`, newest first: the `skip` newest of
  // those are left out, then at most `limit`. `before` and `skip` are below 2^63.
  virtual StatusOr<std::vector<LoggedEvent>> NewestEventsFor(const std::string& subject,
                                                             uint64_t before, uint64_t skip,
                                                             int limit) = 0;
  // The index of the subject's latest event, if any.
  virtual StatusOr<std::optional<uint64_t>> LastIndexFor(const std::string& subject) = 0;
  // Hashes of complete subtrees (level 0: leaf hashes), in the order asked; NotFound if one
  // is not stored.
  virtual StatusOr<std::vector<Bytes>> GetNodes(std::span<const NodeId> ids) = 0;

  // Stores a head; AlreadyExists if one of that size is stored.
  virtual Status InsertHead(const SignedTreeHead& head) = 0;
  virtual StatusOr<std::optional<SignedTreeHead>> LatestHead() = 0;
  virtual StatusOr<std::optional<SignedTreeHead>> HeadAt(uint64_t tree_size) = 0;
  // The smallest head with tree_size >= `size`.
  virtual StatusOr<std::optional<SignedTreeHead>> FirstHeadCovering(uint64_t size) = 0;
  // Heads by decreasing size, those with tree_size < `before` (0: from the latest).
  virtual StatusOr<std::vector<SignedTreeHead>> ListHeads(uint64_t before, int limit) = 0;
};

}  // namespace hetong::evidence
