// Fuzz target: OCSP responses received from outside (RFC 6960 §4.2), as clients and the
// document verifiers read them: pki::OcspResponse::Parse, VerifySignedBy with the fixed SM2
// key and with the key of every certificate in the response, ResponderIs and Find.
//
// Invariants checked:
// - hostile input fails with InvalidArgument only;
// - an unsuccessful response carries nothing else; a successful one has at least one
//   SingleResponse and exactly one form of responder ID;
// - every SingleResponse's CertID re-encodes and re-parses to itself, and a revocation
//   reason is a defined one;
// - checking the signature returns OK or InvalidArgument (FailedPrecondition when
//   unsuccessful), never Internal.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "fuzz/fixtures.h"
#include "pki/ocsp.h"

namespace hetong::fuzz {
namespace {

// Certificates in a response whose keys are tried (each check is a signature verification).
constexpr size_t kMaxCerts = 4;

void CheckVerify(const pki::OcspResponse& resp, const crypto::PublicKey& key) {
  Status s = resp.VerifySignedBy(key);
  if (resp.successful()) {
    HETONG_FUZZ_ASSERT(s.ok() || s.code() == StatusCode::kInvalidArgument);
  } else {
    HETONG_FUZZ_ASSERT(s.code() == StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  auto resp = pki::OcspResponse::Parse(ByteView(data, size));
  if (!resp.ok()) {
    HETONG_FUZZ_ASSERT(resp.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  fuzz::CheckVerify(*resp, fuzz::FixedSm2Key().public_key());
  if (!resp->successful()) {
    HETONG_FUZZ_ASSERT(resp->responses().empty() && resp->certs().empty() &&
                       resp->tbs_response_data_der().empty() && !resp->nonce());
    return 0;
  }
  HETONG_FUZZ_ASSERT(!resp->responses().empty());
  HETONG_FUZZ_ASSERT(resp->responder_name_der().empty() != resp->responder_key_hash().empty());
  for (const auto& s : resp->responses()) {
    auto back = pki::CertId::Parse(s.cert_id.Encode());
    HETONG_FUZZ_ASSERT(back.ok() && *back == s.cert_id);
    HETONG_FUZZ_ASSERT(!s.revocation_reason ||
                       pki::CrlReasonFromCode(static_cast<int>(*s.revocation_reason)));
  }
  for (size_t i = 0; i < resp->certs().size() && i < fuzz::kMaxCerts; ++i) {
    const pki::Certificate& cert = resp->certs()[i];
    fuzz::CheckVerify(*resp, cert.public_key());
    (void)resp->ResponderIs(cert);
    (void)resp->Find(cert, cert);
  }
  return 0;
}
