// Fuzz target: CMS SignedData received from outside (RFC 5652 and the GB/T 35275 variant):
// ParseCmsSignedData and, when it parses, CmsVerify over the attached content (or the fixed
// detached message) and CmsVerifySigner for each SignerInfo.
//
// Invariants checked: a parsed SignedData has at least one signer; checking a signature of
// parsed input returns a finding (a CmsSignatureStatus), and an error only for malformed
// attributes (InvalidArgument), never Internal.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/cms.h"
#include "crypto/hash.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

// How many SignerInfos are checked per input (each check parses every certificate).
constexpr size_t kMaxSigners = 4;

void CheckResult(const StatusOr<crypto::CmsSignatureCheck>& check) {
  if (check.ok()) return;
  HETONG_FUZZ_ASSERT(check.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  auto sd = crypto::ParseCmsSignedData(ByteView(data, size));
  if (!sd.ok()) {
    HETONG_FUZZ_ASSERT(sd.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  HETONG_FUZZ_ASSERT(!sd->signers.empty());
  static const Bytes* detached = new Bytes(ToBytes(fuzz::kMessage));
  fuzz::CheckResult(crypto::CmsVerify(*sd, detached));
  const Bytes& content = sd->content ? *sd->content : *detached;
  for (size_t i = 0; i < sd->signers.size() && i < fuzz::kMaxSigners; ++i) {
    const auto& digest = sd->signers[i].digest;
    Bytes md = digest ? crypto::Hash(*digest, content) : Bytes(32, 0);
    fuzz::CheckResult(crypto::CmsVerifySigner(*sd, i, md));
  }
  return 0;
}
