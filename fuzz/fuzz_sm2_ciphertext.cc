// Fuzz target: SM2 ciphertexts received from outside (GB/T 32918.4 encryption in the
// GM/T 0009 DER SM2Cipher, and the raw C1C3C2 / C1C2C3 forms of SDF/SKF devices).
//
// Every input is decrypted with Sm2Decrypt under a fixed SM2 key (hetong's own strict
// decoder and C3 check), converted with Sm2CiphertextToRaw to both raw layouts, and also
// taken as a raw ciphertext and converted back to DER. Invariants checked:
// - the two raw layouts accept the same inputs, and what decrypts also converts;
// - DER -> raw -> DER is the identity (the decoder accepts DER only);
// - a decrypted plaintext is as long as C2.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

void CheckDer(ByteView ct) {
  using crypto::Sm2CipherLayout;
  auto plain = crypto::Sm2Decrypt(FixedSm2Key(), ct);
  if (!plain.ok()) {
    StatusCode code = plain.status().code();
    HETONG_FUZZ_ASSERT(code == StatusCode::kInvalidArgument || code == StatusCode::kDataLoss);
  }
  auto c1c3c2 = crypto::Sm2CiphertextToRaw(ct, Sm2CipherLayout::kC1C3C2);
  auto c1c2c3 = crypto::Sm2CiphertextToRaw(ct, Sm2CipherLayout::kC1C2C3);
  HETONG_FUZZ_ASSERT(c1c3c2.ok() == c1c2c3.ok());
  if (plain.ok()) {
    HETONG_FUZZ_ASSERT(c1c3c2.ok());
    HETONG_FUZZ_ASSERT(c1c3c2->size() == 97 + plain->size());
  }
  if (c1c3c2.ok() && c1c3c2->size() > 97) {
    auto back = crypto::Sm2CiphertextFromRaw(*c1c3c2, Sm2CipherLayout::kC1C3C2);
    HETONG_FUZZ_ASSERT(back.ok() && *back == ToBytes(ct));
    auto back2 = crypto::Sm2CiphertextFromRaw(*c1c2c3, Sm2CipherLayout::kC1C2C3);
    HETONG_FUZZ_ASSERT(back2.ok() && *back2 == ToBytes(ct));
  }
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  fuzz::CheckDer(input);
  // The same bytes as a raw ciphertext from a device, in both layouts.
  for (auto layout : {crypto::Sm2CipherLayout::kC1C3C2, crypto::Sm2CipherLayout::kC1C2C3}) {
    auto der = crypto::Sm2CiphertextFromRaw(input, layout);
    if (der.ok()) fuzz::CheckDer(*der);
  }
  return 0;
}
