// Fuzz target: OCSP requests received by hetong's responder (RFC 6960 §4.1):
// pki::OcspRequest::Parse.
//
// Invariants checked:
// - hostile input fails with InvalidArgument only;
// - a parsed request has at least one CertID, each with hashes of its algorithm's length;
// - every CertID re-encodes and re-parses to itself;
// - BuildOcspRequest, given the parsed CertIDs and nonce, makes a request that parses to the
//   same CertIDs and the same nonce (what the responder echoes is what the client sent).
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/hash.h"
#include "fuzz/fixtures.h"
#include "pki/ocsp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  auto req = pki::OcspRequest::Parse(ByteView(data, size));
  if (!req.ok()) {
    HETONG_FUZZ_ASSERT(req.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  HETONG_FUZZ_ASSERT(!req->cert_ids().empty());
  for (const auto& id : req->cert_ids()) {
    size_t n = crypto::HashSize(id.hash_algorithm);
    HETONG_FUZZ_ASSERT(id.issuer_name_hash.size() == n && id.issuer_key_hash.size() == n);
    auto back = pki::CertId::Parse(id.Encode());
    HETONG_FUZZ_ASSERT(back.ok() && *back == id);
  }
  auto rebuilt = pki::BuildOcspRequest(req->cert_ids(), req->nonce());
  HETONG_FUZZ_ASSERT(rebuilt.ok());
  auto again = pki::OcspRequest::Parse(*rebuilt);
  HETONG_FUZZ_ASSERT(again.ok());
  HETONG_FUZZ_ASSERT(again->cert_ids() == req->cert_ids() && again->nonce() == req->nonce());
  return 0;
}
