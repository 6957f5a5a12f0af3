// Fuzz target: X.509 v2 CRLs received from outside (RFC 5280 §5), as DER or PEM:
// pki::Crl::Parse, Find for every listed serial, and VerifySignedBy with the fixed SM2 key
// and the fixed P-256 key.
//
// Invariants checked:
// - hostile input fails with InvalidArgument only;
// - a parsed CRL re-parses from its own DER and PEM; every entry is found by its serial
//   (serials are unique) with the same fields; nextUpdate is not before thisUpdate; the
//   cRLNumber has at most 20 octets;
// - checking the signature returns OK or InvalidArgument, never Internal.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "fuzz/fixtures.h"
#include "pki/crl.h"

namespace hetong::fuzz {
namespace {

void CheckVerify(const pki::Crl& crl, const crypto::PublicKey& key) {
  Status s = crl.VerifySignedBy(key);
  HETONG_FUZZ_ASSERT(s.ok() || s.code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  auto crl = pki::Crl::Parse(ByteView(data, size));
  if (!crl.ok()) {
    HETONG_FUZZ_ASSERT(crl.status().code() == StatusCode::kInvalidArgument);
    return 0;
  }
  auto again = pki::Crl::Parse(crl->der());
  HETONG_FUZZ_ASSERT(again.ok() && again->entries().size() == crl->entries().size());
  auto from_pem = pki::Crl::Parse(AsBytes(crl->ToPem()));
  HETONG_FUZZ_ASSERT(from_pem.ok() && from_pem->der() == crl->der());
  HETONG_FUZZ_ASSERT(crl->version() == 1 || crl->version() == 2);
  HETONG_FUZZ_ASSERT(!crl->next_update() || *crl->next_update() >= crl->this_update());
  HETONG_FUZZ_ASSERT(!crl->crl_number() || crl->crl_number()->size() <= 20);
  for (const auto& e : crl->entries()) {
    auto found = crl->Find(e.serial);
    HETONG_FUZZ_ASSERT(found.has_value());
    HETONG_FUZZ_ASSERT(found->revocation_time == e.revocation_time && found->reason == e.reason &&
                       found->invalidity_date == e.invalidity_date);
    HETONG_FUZZ_ASSERT(pki::CrlReasonFromCode(static_cast<int>(e.reason)).has_value());
  }
  fuzz::CheckVerify(*crl, fuzz::FixedSm2Key().public_key());
  fuzz::CheckVerify(*crl, fuzz::FixedP256Key().public_key());
  return 0;
}
