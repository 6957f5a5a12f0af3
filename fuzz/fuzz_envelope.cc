// Fuzz target: digital envelopes received from outside (GB/T 35275 SM2 EnvelopedData and
// RFC 5652 EnvelopedData).
//
// Every input is opened with OpenEnvelope under a fixed SM2 key (hetong's own DER reader,
// SM2 decryption and SM4-CBC) and under a fixed P-256 key (the RFC 5652 path through
// OpenSSL's CMS). Invariant checked: hostile input fails with one of the documented codes
// (InvalidArgument, NotFound, DataLoss, or Unimplemented for a content cipher hetong does
// not read), never with Internal, which the API would turn into a server error.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/envelope.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

void Open(const crypto::PrivateKey& key, ByteView envelope) {
  auto plain = crypto::OpenEnvelope(key, envelope);
  if (plain.ok()) return;
  StatusCode code = plain.status().code();
  HETONG_FUZZ_ASSERT(code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound ||
                     code == StatusCode::kDataLoss || code == StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  fuzz::Open(fuzz::FixedSm2Key(), input);
  fuzz::Open(fuzz::FixedP256Key(), input);
  return 0;
}
