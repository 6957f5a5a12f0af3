#include "ocsp/responder.h"

#include <spdlog/spdlog.h>

#include "base/der.h"
#include "crypto/certificate_info.h"
#include "crypto/hash.h"

namespace hetong::ocsp {

struct OcspResponder::Identity {
  explicit Identity(ResponderIdentity i) : id(std::move(i)) {}
  ResponderIdentity id;
  // name hash and key hash of the issuer for each hash algorithm CertIDs may use.
  std::map<crypto::HashAlgorithm, std::pair<Bytes, Bytes>> hashes;
};

void OcspResponder::SetIdentities(std::vector<ResponderIdentity> identities) {
  std::vector<std::shared_ptr<Identity>> built;
  for (auto& r : identities) {
    auto ident = std::make_shared<Identity>(r);
    for (auto alg :
         {crypto::HashAlgorithm::kSha1, crypto::HashAlgorithm::kSha256, crypto::HashAlgorithm::kSm3,
          crypto::HashAlgorithm::kSha384, crypto::HashAlgorithm::kSha512}) {
      Bytes name_hash = crypto::Hash(alg, ident->id.issuer.subject_der());
      // Key hash: over the subjectPublicKey BIT STRING contents.
      Bytes key_bits;
      {
        Bytes spki = ident->id.issuer.spki_der();
        base::der::Reader rd(spki);
        auto seq = rd.ReadSequence();
        if (seq.ok() && seq->ReadAny().ok()) {
          auto bits = seq->ReadBitString();
          if (bits.ok()) key_bits = ToBytes(*bits);
        }
      }
      ident->hashes[alg] = {name_hash, crypto::Hash(alg, key_bits)};
    }
    built.push_back(std::move(ident));
  }
  std::lock_guard<std::mutex> lock(mu_);
  identities_ = std::move(built);
  cache_.clear();
}

void OcspResponder::ClearCache() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

OcspResponder::Stats OcspResponder::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

const OcspResponder::Identity* OcspResponder::FindIssuer(const pki::CertId& id) const {
  for (const auto& ident : identities_) {
    auto it = ident->hashes.find(id.hash_algorithm);
    if (it == ident->hashes.end()) continue;
    if (ConstantTimeEquals(it->second.first, id.issuer_name_hash) &&
        ConstantTimeEquals(it->second.second, id.issuer_key_hash)) {
      return ident.get();
    }
  }
  return nullptr;
}

Bytes OcspResponder::Respond(ByteView request_der) {
  auto error = [&](pki::OcspResponseStatus s) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.errors;
    auto der = pki::BuildOcspErrorResponse(s);
    return der.ok() ? *der : Bytes{0x30, 0x03, 0x0a, 0x01, 0x02};
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.requests;
  }
  auto req = pki::OcspRequest::Parse(request_der);
  if (!req.ok()) return error(pki::OcspResponseStatus::kMalformedRequest);
  std::shared_ptr<Identity> ident;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Identity* found = FindIssuer(req->cert_ids().front());
    if (!found) {
      ++stats_.errors;
      auto der = pki::BuildOcspErrorResponse(pki::OcspResponseStatus::kUnauthorized);
      return der.ok() ? *der : Bytes{};
    }
    for (const auto& i : identities_) {
      if (i.get() == found) ident = i;
    }
  }
  base::TimePoint now = std::chrono::floor<std::chrono::seconds>(clock_.Now());
  std::vector<pki::SingleResponseInput> singles;
  for (const auto& cid : req->cert_ids()) {
    pki::SingleResponseInput s;
    s.cert_id = cid;
    s.this_update = now;
    s.next_update = now + options_.validity;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Identity* issuer = FindIssuer(cid);
      if (issuer != ident.get()) {
        s.status = pki::OcspCertStatus::kUnknown;
        singles.push_back(std::move(s));
        continue;
      }
    }
    auto status = lookup_.Lookup(ident->id.ca_name, cid.serial);
    if (!status.ok()) {
      spdlog::error("OCSP: status lookup failed: {}", status.status().ToString());
      return error(pki::OcspResponseStatus::kTryLater);
    }
    s.status = status->status;
    if (s.status == pki::OcspCertStatus::kRevoked) {
      s.revocation_time = status->revoked_at;
      // Like CRLs, no reason is stated for "unspecified".
      if (status->reason != 0) s.revocation_reason = pki::CrlReasonFromCode(status->reason);
    }
    singles.push_back(std::move(s));
  }
  // Cache: one CertID, no nonce, and the same status as when the response was signed.
  bool cacheable = !req->nonce() && singles.size() == 1;
  Bytes cache_key;
  if (cacheable) {
    cache_key = singles.front().cert_id.Encode();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end() && it->second.status == singles.front().status &&
        it->second.revoked_at == singles.front().revocation_time &&
        clock_.Now() < it->second.reuse_until) {
      ++stats_.cache_hits;
      return it->second.der;
    }
  }
  auto der = pki::BuildOcspResponse(*ident->id.signer, ident->id.responder, singles, now,
                                    req->nonce(), true);
  if (!der.ok()) {
    spdlog::error("OCSP: cannot sign a response: {}", der.status().ToString());
    return error(pki::OcspResponseStatus::kInternalError);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.signed_responses;
  if (cacheable) {
    if (cache_.size() >= options_.max_cache_entries) cache_.clear();
    auto reuse = std::chrono::duration_cast<std::chrono::seconds>(options_.validity *
                                                                  options_.reuse_fraction);
    cache_[cache_key] =
        CacheEntry{singles.front().status, singles.front().revocation_time, now + reuse, *der};
  }
  return *der;
}

}  // namespace hetong::ocsp
