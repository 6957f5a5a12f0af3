// SQL implementation of seal::SealRepository on the instance database (migration
// 0009_seals.sql, docs/formats/seals.md). Portable SQL only.
//
// Thread-safety: safe for concurrent use (the instance serialises the connection).
#pragma once

#include "seal/seal.h"
#include "store/instance.h"

namespace hetong::store {

class SqlSealRepository final : public seal::SealRepository {
 public:
  explicit SqlSealRepository(Instance& instance) : instance_(instance) {}
  Status Insert(const seal::Seal& seal, ByteView png) override;
  StatusOr<std::optional<seal::Seal>> Get(const std::string& id) override;
  StatusOr<std::vector<seal::Seal>> ListByOwner(const std::string& owner_id, int limit,
                                                int64_t offset) override;
  StatusOr<int64_t> CountUnrevoked(const std::string& owner_id) override;
  StatusOr<std::optional<Bytes>> Image(const std::string& id) override;
  Status UpdateStatus(const seal::Seal& seal, seal::SealStatus expected) override;
  Status InsertUse(const seal::SealUse& use) override;
  StatusOr<std::vector<seal::SealUse>> ListUses(const std::string& seal_id, int limit,
                                                int64_t offset) override;
  Status SetGrantSeals(const std::string& grant_id,
                       const std::vector<std::string>& seal_ids) override;
  StatusOr<std::vector<std::string>> GrantSeals(const std::string& grant_id) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
