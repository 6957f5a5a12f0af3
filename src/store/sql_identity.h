// SQL implementation of identity::IdentityRepository on the instance database (migration
// 0005_identity.sql). Portable SQL only.
//
// Thread-safety: safe for concurrent use (the instance serialises the connection).
#pragma once

#include "api/v1.h"
#include "identity/identity.h"
#include "store/instance.h"

namespace hetong::store {

class SqlIdentityRepository final : public identity::IdentityRepository {
 public:
  explicit SqlIdentityRepository(Instance& instance) : instance_(instance) {}
  Status InsertAccount(const identity::Account& a) override;
  Status InsertOrg(const identity::Account& org, const identity::Member& admin) override;
  Status UpdateAccount(const identity::Account& a) override;
  StatusOr<std::optional<identity::Account>> GetAccount(const std::string& id) override;
  StatusOr<std::optional<identity::Account>> FindByEmail(const std::string& email) override;
  StatusOr<std::optional<identity::Account>> FindByIdIndex(const std::string& index) override;
  StatusOr<std::optional<identity::Account>> FindByLoginCert(
      const std::string& fingerprint) override;
  Status InsertSession(const identity::Session& s) override;
  StatusOr<std::optional<identity::Session>> GetSession(const std::string& token_hash) override;
  Status RevokeSession(const std::string& token_hash, base::TimePoint at) override;
  Status RevokeSessionsOf(const std::string& account_id, base::TimePoint at) override;
  Status UpsertMember(const identity::Member& m) override;
  Status DeleteMember(const std::string& org_id, const std::string& person_id) override;
  StatusOr<std::optional<identity::Member>> GetMember(const std::string& org_id,
                                                      const std::string& person_id) override;
  StatusOr<std::vector<identity::Member>> ListMembers(const std::string& org_id, int limit,
                                                      int64_t offset) override;
  StatusOr<std::vector<identity::Member>> ListMemberships(const std::string& person_id) override;
  Status InsertGrant(const identity::Grant& g) override;
  Status UpdateGrant(const identity::Grant& g) override;
  StatusOr<std::optional<identity::Grant>> GetGrant(const std::string& id) override;
  StatusOr<std::vector<identity::Grant>> ListGrants(const std::string& org_id) override;
  Status InsertVerification(const identity::Verification& v) override;
  Status UpdateVerification(const identity::Verification& v) override;
  StatusOr<std::optional<identity::Verification>> GetVerification(const std::string& id) override;
  StatusOr<std::vector<identity::Verification>> ListVerifications(const std::string& state,
                                                                  int limit,
                                                                  int64_t offset) override;
  Status InsertCode(const identity::OneTimeCode& c, const identity::OutboxMessage& m) override;
  Status CountCodeAttempt(const std::string& id) override;
  Status SpendCode(const std::string& id) override;
  StatusOr<std::optional<identity::OneTimeCode>> GetCode(const std::string& id) override;
  StatusOr<std::optional<base::TimePoint>> LastCodeCreatedAt(const std::string& account_id,
                                                             const std::string& channel,
                                                             const std::string& kind) override;
  StatusOr<std::vector<identity::OutboxMessage>> ListOutbox(const std::string& recipient,
                                                            int limit) override;
  Status InsertOutbox(const identity::OutboxMessage& m) override;
  Status InsertIntent(const identity::Intent& i) override;
  StatusOr<std::optional<identity::Intent>> FindIntent(const std::string& token_hash) override;
  Status MarkIntentUsed(const std::string& id, base::TimePoint at) override;
  Status InsertSignatureRecord(const identity::SignatureRecord& r) override;
  StatusOr<std::vector<identity::SignatureRecord>> ListSignatureRecords(
      const std::string& account_id, int limit) override;

 private:
  Instance& instance_;
};

class SqlIdempotencyStore final : public api::IdempotencyStore {
 public:
  explicit SqlIdempotencyStore(Instance& instance) : instance_(instance) {}
  StatusOr<std::optional<Entry>> Find(const std::string& scope, const std::string& key) override;
  Status Save(const std::string& scope, const std::string& key, const Entry& entry,
              base::TimePoint at) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
