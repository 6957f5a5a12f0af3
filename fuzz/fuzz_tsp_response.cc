// Fuzz target: RFC 3161 TimeStampResp messages and tokens as a client receives them from a
// TSA (or as they sit in signed documents): pki::ParseTimeStampResponse, ParseTstInfo and
// VerifyTimestampToken with the fixed SM2 and P-256 keys' certificates as trust anchors.
//
// Invariants checked:
// - hostile input fails with InvalidArgument only;
// - a granted response carries a token, a rejection does not;
// - verifying any token returns a finding (valid or a problem) or InvalidArgument for a
//   malformed token, never another error and never "valid" without a TSA certificate.
#include <cstddef>
#include <cstdint>

#include "crypto/cms.h"
#include "fuzz/fixtures.h"
#include "pki/tsp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  auto resp = pki::ParseTimeStampResponse(input);
  Bytes token;
  if (resp.ok()) {
    if (resp->status == pki::kGranted || resp->status == 1)
      HETONG_FUZZ_ASSERT(!resp->token.empty());
    if (resp->status >= 2) HETONG_FUZZ_ASSERT(resp->token.empty());
    token = resp->token;
  } else {
    HETONG_FUZZ_ASSERT(resp.status().code() == StatusCode::kInvalidArgument);
    token = ToBytes(input);  // maybe a bare token
  }
  if (token.empty()) return 0;
  auto sd = crypto::ParseCmsSignedData(token);
  if (!sd.ok() || !sd->content) return 0;
  auto info = pki::ParseTstInfo(*sd->content);
  if (!info.ok()) {
    HETONG_FUZZ_ASSERT(info.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  pki::TimestampVerifyOptions opts;
  auto check =
      pki::VerifyTimestampToken(token, info->imprint.algorithm, info->imprint.hashed_message, opts);
  if (!check.ok()) {
    HETONG_FUZZ_ASSERT(check.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  if (check->valid) HETONG_FUZZ_ASSERT(check->tsa_certificate.has_value());
  return 0;
}
