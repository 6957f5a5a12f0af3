// Fuzz target: PKCS#10 certification requests received from outside (RFC 2986), as DER or
// PEM: pki::CertificationRequest::Parse and, when it parses, VerifyProofOfPossession.
//
// Invariants checked:
// - hostile input fails with InvalidArgument only;
// - a parsed request re-parses from its own DER and from its PEM to the same request;
// - its subject DER and public key are usable (the name parses, the key re-encodes);
// - the proof-of-possession check returns OK or InvalidArgument, never Internal.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "fuzz/fixtures.h"
#include "pki/csr.h"
#include "pki/name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  auto csr = pki::CertificationRequest::Parse(ByteView(data, size));
  if (!csr.ok()) {
    HETONG_FUZZ_ASSERT(csr.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  auto again = pki::CertificationRequest::Parse(csr->der());
  HETONG_FUZZ_ASSERT(again.ok());
  HETONG_FUZZ_ASSERT(again->cri_der() == csr->cri_der() && again->signature() == csr->signature());
  HETONG_FUZZ_ASSERT(again->requested_extensions().size() == csr->requested_extensions().size());
  std::string pem = csr->ToPem();
  auto from_pem = pki::CertificationRequest::Parse(AsBytes(pem));
  HETONG_FUZZ_ASSERT(from_pem.ok() && from_pem->der() == csr->der());
  HETONG_FUZZ_ASSERT(pki::DistinguishedName::Parse(csr->subject_der()).ok());
  HETONG_FUZZ_ASSERT(!csr->public_key().ToSpkiDer().empty());
  Status pop = csr->VerifyProofOfPossession();
  HETONG_FUZZ_ASSERT(pop.ok() || pop.code() == StatusCode::kInvalidArgument);
  return 0;
}
