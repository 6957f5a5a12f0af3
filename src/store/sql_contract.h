// SQL implementation of contract::ContractRepository on the instance database (migration
// 0010_contracts.sql). Portable SQL only.
//
// Thread-safety: safe for concurrent use (the instance serialises the connection).
#pragma once

#include "contract/contract.h"
#include "store/instance.h"

namespace hetong::store {

class SqlContractRepository final : public contract::ContractRepository {
 public:
  explicit SqlContractRepository(Instance& instance) : instance_(instance) {}
  Status InsertDocument(const contract::Document& d) override;
  StatusOr<std::optional<contract::Document>> GetDocument(const std::string& id) override;
  Status InsertContract(const contract::Contract& c,
                        const contract::ContractEvent& created) override;
  StatusOr<std::optional<contract::Contract>> GetContract(const std::string& id) override;
  Status UpdateContract(const contract::Contract& c, const contract::ContractEvent& event) override;
  Status AddEvent(const contract::ContractEvent& event) override;
  Status SetEventLeaf(const std::string& contract_id, int64_t seq, int64_t leaf) override;
  StatusOr<std::vector<contract::ContractEvent>> Events(const std::string& contract_id) override;
  StatusOr<std::vector<contract::ContractEvent>> PendingEvents(int limit) override;
  StatusOr<std::vector<contract::Contract>> List(const contract::ContractFilter& filter) override;
  StatusOr<std::vector<std::string>> Overdue(base::TimePoint now, int limit) override;
  StatusOr<contract::OrgStatistics> Statistics(const std::string& org_id) override;
  Status InsertInvitation(const contract::Invitation& i) override;
  StatusOr<std::optional<contract::Invitation>> TakeInvitation(const std::string& token_hash,
                                                               base::TimePoint at) override;
  StatusOr<bool> EncryptedArchive(const std::string& org_id) override;
  Status SetEncryptedArchive(const std::string& org_id, bool on) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
