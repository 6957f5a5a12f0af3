#include "tsa/authority.h"

#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "pki/oids.h"

namespace hetong::tsa {

StatusOr<std::unique_ptr<TimeStampAuthority>> TimeStampAuthority::Create(
    TsaSettings settings, std::vector<TsaSigner> signers, TokenLog& log, const base::Clock& clock) {
  if (settings.policy.empty()) settings.policy = std::string(pki::oid::kTsaPolicy);
  if (signers.empty()) return FailedPreconditionError("the TSA has no signing certificate");
  for (const auto& s : signers) {
    const auto& eku = s.certificate.ext_key_usage();
    if (eku.size() != 1 || eku[0] != pki::oid::kKpTimeStamping || !s.certificate.eku_critical()) {
      return FailedPreconditionError("the TSA certificate for " + s.family +
                                     " lacks the critical timeStamping extended key usage");
    }
    if (!s.certificate.public_key().Equals(s.signer->public_key())) {
      return FailedPreconditionError("the TSA certificate does not match its key");
    }
  }
  std::unique_ptr<TimeStampAuthority> tsa(
      new TimeStampAuthority(std::move(settings), std::move(signers), log, clock));
  // Parsed once: the CMS signer identification of every token comes from it.
  for (const auto& s : tsa->signers_) {
    HETONG_ASSIGN_OR_RETURN(crypto::CertificateInfo info,
                            crypto::ParseCertificateInfo(s.certificate.der()));
    tsa->cert_infos_.push_back(std::move(info));
  }
  HETONG_ASSIGN_OR_RETURN(auto last, log.LastGenTime());
  if (last) tsa->last_gen_time_ = *last;
  return tsa;
}

std::vector<pki::Certificate> TimeStampAuthority::certificates() const {
  std::vector<pki::Certificate> out;
  for (const auto& s : signers_) out.push_back(s.certificate);
  return out;
}

Status TimeStampAuthority::Health() const {
  auto* self = const_cast<TimeStampAuthority*>(this);
  std::lock_guard<std::mutex> lock(self->mu_);
  base::TimePoint now = clock_.Now();
  if (now < last_gen_time_) {
    return FailedPreconditionError("the system clock (" + base::FormatRfc3339Millis(now) +
                                   ") is behind the last time-stamp issued (" +
                                   base::FormatRfc3339Millis(last_gen_time_) +
                                   "); the TSA refuses to issue until the clock is corrected");
  }
  return OkStatus();
}

StatusOr<int64_t> TimeStampAuthority::NextSerial() {
  if (next_serial_ >= serial_limit_) {
    HETONG_ASSIGN_OR_RETURN(int64_t first, log_.ReserveSerials(settings_.serial_block));
    next_serial_ = first;
    serial_limit_ = first + settings_.serial_block;
  }
  return next_serial_++;
}

Status TimeStampAuthority::Persist(TokenRecord record) {
  std::unique_lock<std::mutex> lock(log_mu_);
  if (!open_batch_) open_batch_ = std::make_shared<Batch>();
  std::shared_ptr<Batch> mine = open_batch_;
  mine->records.push_back(std::move(record));
  while (!mine->done) {
    if (!flushing_) {
      // Become the leader: commit the open batch (with everything queued so far).
      flushing_ = true;
      std::shared_ptr<Batch> batch = std::move(open_batch_);
      open_batch_.reset();
      lock.unlock();
      Status s = log_.Append(batch->records);
      lock.lock();
      batch->status = s;
      batch->done = true;
      flushing_ = false;
      log_cv_.notify_all();
    } else {
      log_cv_.wait(lock);
    }
  }
  return mine->status;
}

TimeStampAuthority::Outcome TimeStampAuthority::Issue(const pki::TimeStampRequest& req) {
  Outcome out;
  auto reject = [&](pki::FailureInfo f, std::string text) {
    out.failure = f;
    out.text = std::move(text);
    return out;
  };
  if (req.version != 1) return reject(pki::FailureInfo::kBadRequest, "unsupported request version");
  if (!req.known_algorithm) return reject(pki::FailureInfo::kBadAlg, "unsupported hash algorithm");
  if (req.imprint.algorithm == crypto::HashAlgorithm::kSha1) {
    return reject(pki::FailureInfo::kBadAlg, "SHA-1 imprints are not accepted");
  }
  if (req.imprint.hashed_message.size() != crypto::HashSize(req.imprint.algorithm)) {
    return reject(pki::FailureInfo::kBadDataFormat,
                  "the imprint length does not match its hash algorithm");
  }
  if (req.policy && *req.policy != settings_.policy) {
    return reject(pki::FailureInfo::kUnacceptedPolicy,
                  "this TSA only issues under policy " + settings_.policy);
  }
  if (req.has_extensions)
    return reject(pki::FailureInfo::kUnacceptedExtension, "request extensions are not supported");

  std::string family =
      req.imprint.algorithm == crypto::HashAlgorithm::kSm3 ? "sm2" : settings_.sha2_family;
  const TsaSigner* signer = nullptr;
  for (const auto& s : signers_) {
    if (s.family == family) signer = &s;
  }
  if (!signer) signer = &signers_.front();

  pki::TstInfo info;
  {
    std::lock_guard<std::mutex> lock(mu_);
    base::TimePoint now = std::chrono::floor<std::chrono::milliseconds>(clock_.Now());
    if (!signer->certificate.ValidAt(now)) {
      spdlog::error("TSA: the {} TSA certificate is not valid now; renew it", signer->family);
      return reject(pki::FailureInfo::kTimeNotAvailable,
                    "the TSA certificate is not valid at this time");
    }
    if (now < last_gen_time_) {
      spdlog::error("TSA: clock is behind the last time-stamp ({} < {}); refusing",
                    base::FormatRfc3339Millis(now), base::FormatRfc3339Millis(last_gen_time_));
      return reject(pki::FailureInfo::kTimeNotAvailable, "the TSA's time source is not available");
    }
    auto serial = NextSerial();
    if (!serial.ok()) {
      spdlog::error("TSA: cannot reserve serials: {}", serial.status().ToString());
      return reject(pki::FailureInfo::kSystemFailure, "internal failure");
    }
    last_gen_time_ = now;
    info.gen_time = now;
    Bytes sn;
    AppendU64Be(sn, static_cast<uint64_t>(*serial));
    info.serial = sn;
  }
  info.policy = settings_.policy;
  info.imprint = req.imprint;
  info.accuracy = settings_.accuracy;
  info.nonce = req.nonce;
  info.tsa_name_der = signer->certificate.subject_der();
  Bytes tst = pki::EncodeTstInfo(info);

  crypto::CmsSignOptions opts;
  opts.oid_family = crypto::CmsOidFamily::kPkcs7;
  opts.econtent_type = std::string(crypto::oid::kTstInfo);
  opts.include_certificate = req.cert_req;
  if (req.cert_req) {
    for (const auto& c : signer->chain) opts.extra_certificates.push_back(c.der());
  }
  opts.signing_certificate_v2 = true;
  const crypto::CertificateInfo& cert_info =
      cert_infos_[static_cast<size_t>(signer - signers_.data())];
  auto token = crypto::CmsSign(*signer->signer, cert_info, tst, opts);
  if (!token.ok()) {
    spdlog::error("TSA: signing failed: {}", token.status().ToString());
    return reject(pki::FailureInfo::kSystemFailure, "internal failure");
  }
  TokenRecord rec;
  rec.serial = static_cast<int64_t>(LoadU64Be(info.serial.data()));
  rec.gen_time = info.gen_time;
  rec.family = signer->family;
  rec.hash = std::string(crypto::HashName(req.imprint.algorithm));
  rec.imprint_hex = base::HexEncode(req.imprint.hashed_message);
  rec.policy = info.policy;
  if (req.nonce) rec.nonce_hex = base::HexEncode(*req.nonce);
  Status logged = Persist(std::move(rec));
  if (!logged.ok()) {
    spdlog::error("TSA: cannot log token: {}", logged.ToString());
    return reject(pki::FailureInfo::kSystemFailure, "internal failure");
  }
  out.token = std::move(*token);
  return out;
}

Bytes TimeStampAuthority::Respond(ByteView request_der) {
  auto req = pki::ParseTimeStampRequest(request_der);
  if (!req.ok()) return pki::EncodeRejection(pki::FailureInfo::kBadDataFormat, "malformed request");
  Outcome o = Issue(*req);
  if (o.token.empty()) return pki::EncodeRejection(o.failure, o.text);
  return pki::EncodeGrantedResponse(o.token);
}

}  // namespace hetong::tsa
