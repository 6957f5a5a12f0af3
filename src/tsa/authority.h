// The time-stamp authority of an instance (RFC 3161, GM/Y 5013 §5.2.1 item 7, §5.3.2.10):
// answers TimeStampReq with SM2/SM3 tokens (GM/T 0033 style) or RSA/SHA-256 tokens.
//
// - Which key signs: an SM3 imprint gets an SM2 token; SHA-2 imprints get an RSA token
//   (what `openssl ts -verify` and Adobe understand) unless the instance sets
//   tsa.sha2_family = sm2. SHA-1 imprints are refused (badAlg).
// - Requests are checked: version 1, a known hash with the right imprint length (badAlg /
//   badDataFormat), our policy or none (unacceptedPolicy), no extensions
//   (unacceptedExtension). The nonce is echoed; certReq adds the TSA certificate.
// - Serial numbers are unique and increasing, also across restarts: blocks of serials are
//   reserved durably in the store before use.
// - Time: the system clock, guarded. The TSA refuses (timeNotAvailable, and /healthz says
//   why) while the clock is behind the last time it stamped. genTime has millisecond
//   precision; the configured accuracy is stated in every token.
// - Audit: every token is logged (serial, time, imprint, family) before it is released;
//   concurrent requests share one database commit (group commit), so logging does not cap
//   throughput at one fsync per token.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate_info.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/tsp.h"

namespace hetong::tsa {

struct TokenRecord {
  int64_t serial = 0;
  base::TimePoint gen_time{};
  std::string family;  // "sm2" | "rsa"
  std::string hash;    // "sm3", "sha256", ...
  std::string imprint_hex;
  std::string policy;
  std::string nonce_hex;
};

// Persistence of the TSA's serial counter and audit log (implemented in store/).
class TokenLog {
 public:
  virtual ~TokenLog() = default;
  // Reserves `count` serials; returns the first (the next `count` are ours).
  virtual StatusOr<int64_t> ReserveSerials(int64_t count) = 0;
  // Appends records atomically (one transaction).
  virtual Status Append(const std::vector<TokenRecord>& records) = 0;
  virtual StatusOr<std::optional<base::TimePoint>> LastGenTime() = 0;
  virtual StatusOr<std::optional<TokenRecord>> Find(int64_t serial) = 0;
};

struct TsaSigner {
  std::string family;  // "sm2" | "rsa"
  pki::Certificate certificate;
  std::shared_ptr<const crypto::Signer> signer;
  // The issuing CA certificates up to (not including) the root, sent with the TSA certificate
  // when the request asks for certificates, so that relying parties can build the path.
  std::vector<pki::Certificate> chain = {};
};

struct TsaSettings {
  std::string policy;               // default: pki::oid::kTsaPolicy
  pki::Accuracy accuracy{1, 0, 0};  // one second
  std::string sha2_family = "rsa";  // family for SHA-2 imprints
  int64_t serial_block = 1000;
};

class TimeStampAuthority {
 public:
  static StatusOr<std::unique_ptr<TimeStampAuthority>> Create(TsaSettings settings,
                                                              std::vector<TsaSigner> signers,
                                                              TokenLog& log,
                                                              const base::Clock& clock);
  // Always a DER TimeStampResp (granted, or a rejection with PKIFailureInfo).
  Bytes Respond(ByteView request_der);
  // The token for a parsed request, or the failure to report.
  struct Outcome {
    Bytes token;  // empty on rejection
    pki::FailureInfo failure = pki::FailureInfo::kSystemFailure;
    std::string text;
  };
  Outcome Issue(const pki::TimeStampRequest& request);
  // OK while the clock is sane; FailedPrecondition naming the problem otherwise.
  Status Health() const;
  const std::string& policy() const { return settings_.policy; }
  std::vector<pki::Certificate> certificates() const;

 private:
  TimeStampAuthority(TsaSettings settings, std::vector<TsaSigner> signers, TokenLog& log,
                     const base::Clock& clock)
      : settings_(std::move(settings)), signers_(std::move(signers)), log_(log), clock_(clock) {}
  StatusOr<int64_t> NextSerial();
  Status Persist(TokenRecord record);

  TsaSettings settings_;
  std::vector<TsaSigner> signers_;
  std::vector<crypto::CertificateInfo> cert_infos_;  // of signers_, in the same order
  TokenLog& log_;
  const base::Clock& clock_;

  std::mutex mu_;  // serials and the clock guard
  int64_t next_serial_ = 0, serial_limit_ = 0;
  base::TimePoint last_gen_time_{};
  std::string clock_problem_;

  // Group commit of the audit log.
  struct Batch {
    std::vector<TokenRecord> records;
    bool done = false;
    Status status;
  };
  std::mutex log_mu_;
  std::condition_variable log_cv_;
  std::shared_ptr<Batch> open_batch_;
  bool flushing_ = false;
};

}  // namespace hetong::tsa
