// Persistence interface of the CA (implemented in store/): the authorities of the instance,
// every certificate issued, the RA queue of certificate requests, and published CRLs.
//
// Thread-safety: implementations must be safe for concurrent use; methods that change more
// than one record do so atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"

namespace hetong::ca {

struct AuthorityRecord {
  std::string name;    // "sm2-root", "sm2-ca", "rsa-root", "rsa-ca", or an imported anchor
  std::string family;  // "sm2" | "rsa" | "external"
  std::string role;    // "root" | "issuing" | "ocsp" | "tsa" | "anchor"
  std::string key_id;  // key center id (empty for external anchors)
  std::string parent;  // issuing authority name (empty for roots and anchors)
  Bytes cert_der;
  base::TimePoint created_at{};
};

struct IssuedCertificate {
  std::string ca;          // issuing authority name
  std::string serial_hex;  // lowercase hex of the INTEGER contents
  std::string subject;     // RFC 4514 text
  std::string profile;
  base::TimePoint not_before{}, not_after{};
  std::string status = "valid";  // valid | revoked
  std::optional<base::TimePoint> revoked_at;
  int reason = 0;  // CRLReason
  Bytes der;
  std::string fingerprint;  // SM3 hex of the DER
  std::optional<int64_t> request_id;
  std::string key_id;  // key center id when the platform holds the key
};

struct CertRequest {
  int64_t id = 0;
  std::string ca;
  std::string profile;
  Bytes csr_der;
  std::string subject;
  std::string state = "pending";  // pending | approved | issued | rejected
  std::string requester;
  std::string decided_by;
  std::string reason;
  std::string serial_hex;  // when issued
  base::TimePoint created_at{};
  std::optional<base::TimePoint> decided_at;
};

struct CrlRecord {
  std::string ca;
  int64_t number = 0;
  base::TimePoint this_update{}, next_update{};
  Bytes der;
};

class CaRepository {
 public:
  virtual ~CaRepository() = default;

  virtual Status InsertAuthority(const AuthorityRecord& a) = 0;
  virtual Status ReplaceAuthorityCertificate(const std::string& name, const std::string& key_id,
                                             ByteView cert_der) = 0;
  virtual StatusOr<std::vector<AuthorityRecord>> ListAuthorities() = 0;

  virtual Status InsertCertificate(const IssuedCertificate& c) = 0;
  // Inserts the certificate and marks the request issued, atomically.
  virtual Status CompleteRequest(const CertRequest& request, const IssuedCertificate& c) = 0;
  virtual StatusOr<std::optional<IssuedCertificate>> FindCertificate(
      const std::string& ca, const std::string& serial_hex) = 0;
  // Any CA: serials are 128-bit random, so a serial names one certificate.
  virtual StatusOr<std::vector<IssuedCertificate>> FindBySerial(const std::string& serial_hex) = 0;
  // Certificates of a key the platform holds, the latest notAfter first.
  virtual StatusOr<std::vector<IssuedCertificate>> FindByKey(const std::string& key_id) = 0;
  virtual StatusOr<std::vector<IssuedCertificate>> ListCertificates(const std::string& ca,
                                                                    int limit, int64_t offset) = 0;
  virtual StatusOr<std::vector<IssuedCertificate>> ListRevoked(const std::string& ca) = 0;
  // FailedPrecondition if already revoked, NotFound if unknown.
  virtual Status Revoke(const std::string& ca, const std::string& serial_hex, base::TimePoint at,
                        int reason) = 0;

  virtual StatusOr<int64_t> InsertRequest(const CertRequest& r) = 0;
  virtual StatusOr<CertRequest> GetRequest(int64_t id) = 0;
  virtual Status UpdateRequest(const CertRequest& r) = 0;
  virtual StatusOr<std::vector<CertRequest>> ListRequests(const std::string& state, int limit) = 0;

  // The next CRL number of `ca` (1 for the first), reserved.
  virtual StatusOr<int64_t> NextCrlNumber(const std::string& ca) = 0;
  virtual Status InsertCrl(const CrlRecord& crl) = 0;
  virtual StatusOr<std::optional<CrlRecord>> LatestCrl(const std::string& ca) = 0;
};

}  // namespace hetong::ca
