// SQL implementations of the repository interfaces declared by the domain modules
// (keycenter::KeyRepository, ca::CaRepository), on the instance database. Portable SQL only;
// timestamps are RFC 3339 text with milliseconds (which sorts chronologically).
//
// Thread-safety: safe for concurrent use (the instance serialises the connection).
#pragma once

#include "ca/repository.h"
#include "keycenter/key_center.h"
#include "store/instance.h"
#include "tsa/authority.h"

namespace hetong::store {

class SqlKeyRepository final : public keycenter::KeyRepository {
 public:
  explicit SqlKeyRepository(Instance& instance) : instance_(instance) {}
  Status Insert(const keycenter::KeyRecord& record) override;
  StatusOr<keycenter::KeyRecord> Get(const std::string& id) override;
  Status SetStatus(const std::string& id, const std::string& status) override;
  StatusOr<std::vector<keycenter::KeyRecord>> ListByOwner(const std::string& owner) override;

 private:
  Instance& instance_;
};

class SqlCaRepository final : public ca::CaRepository {
 public:
  explicit SqlCaRepository(Instance& instance) : instance_(instance) {}
  Status InsertAuthority(const ca::AuthorityRecord& a) override;
  Status ReplaceAuthorityCertificate(const std::string& name, const std::string& key_id,
                                     ByteView cert_der) override;
  StatusOr<std::vector<ca::AuthorityRecord>> ListAuthorities() override;
  Status InsertCertificate(const ca::IssuedCertificate& c) override;
  Status CompleteRequest(const ca::CertRequest& request, const ca::IssuedCertificate& c) override;
  StatusOr<std::optional<ca::IssuedCertificate>> FindCertificate(
      const std::string& ca, const std::string& serial_hex) override;
  StatusOr<std::vector<ca::IssuedCertificate>> FindBySerial(const std::string& serial_hex) override;
  StatusOr<std::vector<ca::IssuedCertificate>> FindByKey(const std::string& key_id) override;
  StatusOr<std::vector<ca::IssuedCertificate>> ListCertificates(const std::string& ca, int limit,
                                                                int64_t offset) override;
  StatusOr<std::vector<ca::IssuedCertificate>> ListRevoked(const std::string& ca) override;
  Status Revoke(const std::string& ca, const std::string& serial_hex, base::TimePoint at,
                int reason) override;
  StatusOr<int64_t> InsertRequest(const ca::CertRequest& r) override;
  StatusOr<ca::CertRequest> GetRequest(int64_t id) override;
  Status UpdateRequest(const ca::CertRequest& r) override;
  StatusOr<std::vector<ca::CertRequest>> ListRequests(const std::string& state, int limit) override;
  StatusOr<int64_t> NextCrlNumber(const std::string& ca) override;
  Status InsertCrl(const ca::CrlRecord& crl) override;
  StatusOr<std::optional<ca::CrlRecord>> LatestCrl(const std::string& ca) override;

 private:
  Instance& instance_;
};

class SqlTokenLog final : public tsa::TokenLog {
 public:
  explicit SqlTokenLog(Instance& instance) : instance_(instance) {}
  StatusOr<int64_t> ReserveSerials(int64_t count) override;
  Status Append(const std::vector<tsa::TokenRecord>& records) override;
  StatusOr<std::optional<base::TimePoint>> LastGenTime() override;
  StatusOr<std::optional<tsa::TokenRecord>> Find(int64_t serial) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
