// Time-stamp clients (pki::TimestampSource): the instance's own TSA in process, or an
// external RFC 3161 TSA over HTTP. Both send a random nonce and certReq, and check the
// response: granted, the nonce echoed, the imprint ours, a well-formed token.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <string>

#include "base/rng.h"
#include "pki/revocation.h"
#include "pki/tsp.h"
#include "tsa/authority.h"

namespace hetong::tsa {

// A TimeStampReq for `digest` with a fresh 64-bit nonce and certReq.
StatusOr<pki::TimeStampRequest> MakeRequest(crypto::HashAlgorithm algorithm, ByteView digest,
                                            Rng& rng);
// Checks a TimeStampResp against its request and returns the token.
StatusOr<Bytes> TokenFromResponse(ByteView response_der, const pki::TimeStampRequest& request);

class LocalTimestampSource final : public pki::TimestampSource {
 public:
  LocalTimestampSource(TimeStampAuthority& tsa, Rng& rng) : tsa_(tsa), rng_(rng) {}
  StatusOr<Bytes> Timestamp(crypto::HashAlgorithm algorithm, ByteView digest) override;

 private:
  TimeStampAuthority& tsa_;
  Rng& rng_;
};

class RemoteTimestampSource final : public pki::TimestampSource {
 public:
  RemoteTimestampSource(pki::HttpFetcher& http, std::string url, Rng& rng)
      : http_(http), url_(std::move(url)), rng_(rng) {}
  StatusOr<Bytes> Timestamp(crypto::HashAlgorithm algorithm, ByteView digest) override;

 private:
  pki::HttpFetcher& http_;
  std::string url_;
  Rng& rng_;
};

}  // namespace hetong::tsa
