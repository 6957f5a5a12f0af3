#include "seal/memory_repository.h"

#include <algorithm>

namespace hetong::seal {

Status MemorySealRepository::Insert(const Seal& seal, ByteView png) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Seal& s : seals_) {
    if (s.id == seal.id) return AlreadyExistsError("the seal id is taken");
  }
  seals_.push_back(seal);
  images_[seal.id] = Bytes(png.begin(), png.end());
  return OkStatus();
}

StatusOr<std::optional<Seal>> MemorySealRepository::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Seal& s : seals_) {
    if (s.id == id) return std::optional<Seal>(s);
  }
  return std::optional<Seal>();
}

StatusOr<std::vector<Seal>> MemorySealRepository::ListByOwner(const std::string& owner_id,
                                                              int limit, int64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Seal> mine;
  for (const Seal& s : seals_) {
    if (s.owner_id == owner_id) mine.push_back(s);
  }
  std::stable_sort(mine.begin(), mine.end(),
                   [](const Seal& a, const Seal& b) { return a.created_at < b.created_at; });
  std::vector<Seal> out;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(offset, 0));
       i < mine.size() && out.size() < static_cast<size_t>(limit); ++i) {
    out.push_back(mine[i]);
  }
  return out;
}

StatusOr<int64_t> MemorySealRepository::CountUnrevoked(const std::string& owner_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(std::count_if(seals_.begin(), seals_.end(), [&](const Seal& s) {
    return s.owner_id == owner_id && s.status != SealStatus::kRevoked;
  }));
}

StatusOr<std::optional<Bytes>> MemorySealRepository::Image(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = images_.find(id);
  if (it == images_.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

Status MemorySealRepository::UpdateStatus(const Seal& seal, SealStatus expected) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Seal& s : seals_) {
    if (s.id != seal.id) continue;
    if (s.status != expected) {
      return FailedPreconditionError("the seal's status was changed meanwhile; read it and retry");
    }
    s.status = seal.status;
    s.status_reason = seal.status_reason;
    s.status_changed_by = seal.status_changed_by;
    s.status_changed_at = seal.status_changed_at;
    s.revoked_at = seal.revoked_at;
    s.revoked_by = seal.revoked_by;
    s.revoked_reason = seal.revoked_reason;
    return OkStatus();
  }
  return NotFoundError("no such seal");
}

Status MemorySealRepository::InsertUse(const SealUse& use) {
  std::lock_guard<std::mutex> lock(mu_);
  uses_.push_back(use);
  return OkStatus();
}

StatusOr<std::vector<SealUse>> MemorySealRepository::ListUses(const std::string& seal_id, int limit,
                                                              int64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SealUse> all;
  for (const SealUse& u : uses_) {
    if (u.seal_id == seal_id) all.push_back(u);
  }
  std::stable_sort(all.begin(), all.end(), [](const SealUse& a, const SealUse& b) {
    return a.used_at != b.used_at ? a.used_at > b.used_at : a.id > b.id;
  });
  std::vector<SealUse> out;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(offset, 0));
       i < all.size() && out.size() < static_cast<size_t>(limit); ++i) {
    out.push_back(all[i]);
  }
  return out;
}

Status MemorySealRepository::SetGrantSeals(const std::string& grant_id,
                                           const std::vector<std::string>& seal_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids = seal_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  grant_seals_[grant_id] = std::move(ids);
  return OkStatus();
}

StatusOr<std::vector<std::string>> MemorySealRepository::GrantSeals(const std::string& grant_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = grant_seals_.find(grant_id);
  if (it == grant_seals_.end()) return std::vector<std::string>();
  return it->second;
}

void MemorySealRepository::DamageImage(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Bytes& png = images_[id];
  if (!png.empty()) png[png.size() / 2] ^= 1;
}

StatusOr<std::optional<identity::Account>> MemoryDirectory::GetAccount(const std::string& id) {
  auto it = accounts.find(id);
  if (it == accounts.end()) return std::optional<identity::Account>();
  return std::optional<identity::Account>(it->second);
}

StatusOr<std::optional<identity::Member>> MemoryDirectory::GetMember(const std::string& org_id,
                                                                     const std::string& person_id) {
  auto it = members.find({org_id, person_id});
  if (it == members.end()) return std::optional<identity::Member>();
  return std::optional<identity::Member>(it->second);
}

StatusOr<std::optional<identity::Grant>> MemoryDirectory::GetGrant(const std::string& id) {
  for (const auto& g : grants) {
    if (g.id == id) return std::optional<identity::Grant>(g);
  }
  return std::optional<identity::Grant>();
}

StatusOr<std::vector<identity::Grant>> MemoryDirectory::ListGrants(const std::string& org_id) {
  std::vector<identity::Grant> out;
  for (const auto& g : grants) {
    if (g.org_id == org_id) out.push_back(g);
  }
  return out;
}

identity::Account& MemoryDirectory::AddAccount(const std::string& id, identity::AccountKind kind,
                                               const std::string& name) {
  identity::Account a;
  a.id = id;
  a.kind = kind;
  a.name = name;
  a.verification = "verified";
  accounts[id] = a;
  return accounts[id];
}

void MemoryDirectory::AddMember(const std::string& org_id, const std::string& person_id,
                                identity::Role role) {
  members[{org_id, person_id}] = identity::Member{org_id, person_id, role, {}};
}

identity::Grant& MemoryDirectory::AddGrant(identity::Grant grant) {
  grants.push_back(std::move(grant));
  return grants.back();
}

}  // namespace hetong::seal
