// SQL implementation of evidence::EvidenceRepository on the instance database (migration
// 0007_evidence.sql). Leaves, complete-subtree hashes and tree heads are append-only rows;
// AppendLeaf checks the index inside a write transaction, so several processes appending to
// one database keep a single consistent tree. Portable SQL only.
//
// Thread-safety: safe for concurrent use (the instance serialises the connection).
#pragma once

#include "evidence/repository.h"
#include "store/instance.h"

namespace hetong::store {

class SqlEvidenceRepository final : public evidence::EvidenceRepository {
 public:
  explicit SqlEvidenceRepository(Instance& instance) : instance_(instance) {}
  StatusOr<uint64_t> Size() override;
  Status AppendLeaf(const evidence::LoggedEvent& event, std::span<const evidence::NodeId> node_ids,
                    std::span<const Bytes> node_hashes) override;
  StatusOr<std::optional<evidence::LoggedEvent>> GetEvent(uint64_t index) override;
  StatusOr<std::vector<evidence::LoggedEvent>> EventsFor(const std::string& subject, uint64_t from,
                                                         int limit) override;
  StatusOr<std::vector<evidence::LoggedEvent>> NewestEventsFor(const std::string& subject,
                                                               uint64_t before, uint64_t skip,
                                                               int limit) override;
  StatusOr<std::optional<uint64_t>> LastIndexFor(const std::string& subject) override;
  StatusOr<std::vector<Bytes>> GetNodes(std::span<const evidence::NodeId> ids) override;
  Status InsertHead(const evidence::SignedTreeHead& head) override;
  StatusOr<std::optional<evidence::SignedTreeHead>> LatestHead() override;
  StatusOr<std::optional<evidence::SignedTreeHead>> HeadAt(uint64_t tree_size) override;
  StatusOr<std::optional<evidence::SignedTreeHead>> FirstHeadCovering(uint64_t size) override;
  StatusOr<std::vector<evidence::SignedTreeHead>> ListHeads(uint64_t before, int limit) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
