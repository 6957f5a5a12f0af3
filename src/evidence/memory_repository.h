// An in-memory EvidenceRepository for tests and tools (the instance uses
// store::SqlEvidenceRepository). Can be told to fail, to test the log's reaction.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <mutex>

#include "evidence/repository.h"

namespace hetong::evidence::testing {

class MemoryEvidenceRepository final : public EvidenceRepository {
 public:
  StatusOr<uint64_t> Size() override {
    std::lock_guard<std::mutex> lock(mu);
    return events.size();
  }
  Status AppendLeaf(const LoggedEvent& event, std::span<const NodeId> node_ids,
                    std::span<const Bytes> node_hashes) override {
    std::lock_guard<std::mutex> lock(mu);
    if (fail_appends) return UnavailableError("disk full");
    if (event.index != events.size()) return AbortedError("the log grew");
    events.push_back(event);
    for (size_t i = 0; i < node_ids.size(); ++i) {
      nodes[{node_ids[i].level, node_ids[i].index}] = node_hashes[i];
    }
    return OkStatus();
  }
  StatusOr<std::optional<LoggedEvent>> GetEvent(uint64_t index) override {
    std::lock_guard<std::mutex> lock(mu);
    if (index >= events.size()) return std::optional<LoggedEvent>();
    return std::optional<LoggedEvent>(events[index]);
  }
  StatusOr<std::vector<LoggedEvent>> EventsFor(const std::string& subject, uint64_t from,
                                               int limit) override {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<LoggedEvent> out;
    for (uint64_t i = from; i < events.size() && static_cast<int>(out.size()) < limit; ++i) {
      if (events[i].event.subject == subject) out.push_back(events[i]);
    }
    return out;
  }
  StatusOr<std::vector<LoggedEvent>> NewestEventsFor(const std::string& subject, uint64_t before,
                                                     uint64_t skip, int limit) override {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<LoggedEvent> out;
    size_t end = before < events.size() ? static_cast<size_t>(before) : events.size();
    for (size_t i = end; i-- > 0 && static_cast<int>(out.size()) < limit;) {
      if (events[i].event.subject != subject) continue;
      if (skip > 0) {
        --skip;
      } else {
        out.push_back(events[i]);
      }
    }
    return out;
  }
  StatusOr<std::optional<uint64_t>> LastIndexFor(const std::string& subject) override {
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = events.size(); i-- > 0;) {
      if (events[i].event.subject == subject) return std::optional<uint64_t>(i);
    }
    return std::optional<uint64_t>();
  }
  StatusOr<std::vector<Bytes>> GetNodes(std::span<const NodeId> ids) override {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<Bytes> out;
    for (const NodeId& id : ids) {
      if (id.level == 0) {
        if (id.index >= events.size()) return NotFoundError("no such leaf");
        out.push_back(events[id.index].leaf_hash);
        continue;
      }
      auto it = nodes.find({id.level, id.index});
      if (it == nodes.end()) return NotFoundError("no such node");
      out.push_back(it->second);
    }
    return out;
  }
  Status InsertHead(const SignedTreeHead& head) override {
    std::lock_guard<std::mutex> lock(mu);
    if (heads.contains(head.tree_size)) return AlreadyExistsError("head exists");
    heads[head.tree_size] = head;
    return OkStatus();
  }
  StatusOr<std::optional<SignedTreeHead>> LatestHead() override {
    std::lock_guard<std::mutex> lock(mu);
    if (heads.empty()) return std::optional<SignedTreeHead>();
    return std::optional<SignedTreeHead>(heads.rbegin()->second);
  }
  StatusOr<std::optional<SignedTreeHead>> HeadAt(uint64_t tree_size) override {
    std::lock_guard<std::mutex> lock(mu);
    auto it = heads.find(tree_size);
    if (it == heads.end()) return std::optional<SignedTreeHead>();
    return std::optional<SignedTreeHead>(it->second);
  }
  StatusOr<std::optional<SignedTreeHead>> FirstHeadCovering(uint64_t size) override {
    std::lock_guard<std::mutex> lock(mu);
    auto it = heads.lower_bound(size);
    if (it == heads.end()) return std::optional<SignedTreeHead>();
    return std::optional<SignedTreeHead>(it->second);
  }
  StatusOr<std::vector<SignedTreeHead>> ListHeads(uint64_t before, int limit) override {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<SignedTreeHead> out;
    for (auto it = heads.rbegin(); it != heads.rend() && static_cast<int>(out.size()) < limit;
         ++it) {
      if (before == 0 || it->first < before) out.push_back(it->second);
    }
    return out;
  }

  std::mutex mu;
  std::vector<LoggedEvent> events;
  std::map<std::pair<uint32_t, uint64_t>, Bytes> nodes;
  std::map<uint64_t, SignedTreeHead> heads;
  bool fail_appends = false;
};

}  // namespace hetong::evidence::testing
