// In-memory SealRepository and AccountDirectory, for tests of the seal service and of the
// modules that use it (the signing flow, the API). Same semantics as the SQL repository
// (store/sql_seal.h): seals listed oldest first, uses newest first, status compare-and-set.
//
// Thread-safety: safe for concurrent use (one mutex each).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "seal/seal.h"

namespace hetong::seal {

class MemorySealRepository final : public SealRepository {
 public:
  Status Insert(const Seal& seal, ByteView png) override;
  StatusOr<std::optional<Seal>> Get(const std::string& id) override;
  StatusOr<std::vector<Seal>> ListByOwner(const std::string& owner_id, int limit,
                                          int64_t offset) override;
  StatusOr<int64_t> CountUnrevoked(const std::string& owner_id) override;
  StatusOr<std::optional<Bytes>> Image(const std::string& id) override;
  Status UpdateStatus(const Seal& seal, SealStatus expected) override;
  Status InsertUse(const SealUse& use) override;
  StatusOr<std::vector<SealUse>> ListUses(const std::string& seal_id, int limit,
                                          int64_t offset) override;
  Status SetGrantSeals(const std::string& grant_id,
                       const std::vector<std::string>& seal_ids) override;
  StatusOr<std::vector<std::string>> GrantSeals(const std::string& grant_id) override;

  // Flips a bit of a stored picture (tests of the digest check).
  void DamageImage(const std::string& id);

 private:
  std::mutex mu_;
  std::vector<Seal> seals_;  // in insertion order
  std::map<std::string, Bytes> images_;
  std::vector<SealUse> uses_;
  std::map<std::string, std::vector<std::string>> grant_seals_;
};

// Accounts, members and grants set directly by the test.
class MemoryDirectory final : public AccountDirectory {
 public:
  StatusOr<std::optional<identity::Account>> GetAccount(const std::string& id) override;
  StatusOr<std::optional<identity::Member>> GetMember(const std::string& org_id,
                                                      const std::string& person_id) override;
  StatusOr<std::optional<identity::Grant>> GetGrant(const std::string& id) override;
  StatusOr<std::vector<identity::Grant>> ListGrants(const std::string& org_id) override;

  // A verified, active account.
  identity::Account& AddAccount(const std::string& id, identity::AccountKind kind,
                                const std::string& name);
  void AddMember(const std::string& org_id, const std::string& person_id, identity::Role role);
  identity::Grant& AddGrant(identity::Grant grant);

  // Direct access for tests that change state (not synchronised: set up before use).
  std::map<std::string, identity::Account> accounts;
  std::map<std::pair<std::string, std::string>, identity::Member> members;
  std::vector<identity::Grant> grants;
};

}  // namespace hetong::seal
