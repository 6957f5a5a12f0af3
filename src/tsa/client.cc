#include "tsa/client.h"

#include "crypto/cms.h"
#include "crypto/random.h"

namespace hetong::tsa {

StatusOr<pki::TimeStampRequest> MakeRequest(crypto::HashAlgorithm algorithm, ByteView digest,
                                            Rng& rng) {
  if (digest.size() != crypto::HashSize(algorithm))
    return InvalidArgumentError("digest length does not match");
  pki::TimeStampRequest req;
  req.imprint.algorithm = algorithm;
  req.imprint.algorithm_oid = std::string(crypto::HashOid(algorithm));
  req.imprint.hashed_message = ToBytes(digest);
  HETONG_ASSIGN_OR_RETURN(Bytes nonce, crypto::RandomBytes(rng, 8));
  nonce[0] &= 0x7f;  // a positive INTEGER
  if (nonce[0] == 0) nonce[0] = 1;
  req.nonce = nonce;
  req.cert_req = true;
  return req;
}

StatusOr<Bytes> TokenFromResponse(ByteView response_der, const pki::TimeStampRequest& request) {
  HETONG_ASSIGN_OR_RETURN(pki::TimeStampResponse resp, pki::ParseTimeStampResponse(response_der));
  if (resp.status != pki::kGranted && resp.status != 1) {
    std::string why =
        resp.failure ? std::string(pki::FailureInfoName(*resp.failure)) : "no reason given";
    if (!resp.status_text.empty()) why += ": " + resp.status_text.front();
    return UnavailableError("the TSA refused the request (" + why + ")");
  }
  if (resp.token.empty()) return DataLossError("the TSA granted the request but sent no token");
  HETONG_ASSIGN_OR_RETURN(crypto::CmsSignedData sd, crypto::ParseCmsSignedData(resp.token));
  if (!sd.content) return DataLossError("the time-stamp token has no TSTInfo");
  HETONG_ASSIGN_OR_RETURN(pki::TstInfo info, pki::ParseTstInfo(*sd.content));
  if (info.nonce != request.nonce)
    return DataLossError("the TSA's answer does not carry our nonce");
  if (info.imprint.algorithm != request.imprint.algorithm ||
      info.imprint.hashed_message != request.imprint.hashed_message) {
    return DataLossError("the TSA time-stamped other data");
  }
  return resp.token;
}

StatusOr<Bytes> LocalTimestampSource::Timestamp(crypto::HashAlgorithm algorithm, ByteView digest) {
  HETONG_ASSIGN_OR_RETURN(pki::TimeStampRequest req, MakeRequest(algorithm, digest, rng_));
  return TokenFromResponse(tsa_.Respond(pki::EncodeTimeStampRequest(req)), req);
}

StatusOr<Bytes> RemoteTimestampSource::Timestamp(crypto::HashAlgorithm algorithm, ByteView digest) {
  HETONG_ASSIGN_OR_RETURN(pki::TimeStampRequest req, MakeRequest(algorithm, digest, rng_));
  HETONG_ASSIGN_OR_RETURN(Bytes resp, http_.Post(url_, "application/timestamp-query",
                                                 pki::EncodeTimeStampRequest(req)));
  return TokenFromResponse(resp, req);
}

}  // namespace hetong::tsa
