// Fuzz target: SM2 signature values received from outside (GM/T 0009 DER SEQUENCE{r, s},
// and the raw r || s form of SDF/SKF devices).
//
// Every input is parsed with ParseEcSignatureDer and checked both with VerifySignature under
// a fixed SM2 public key (OpenSSL's verifier, over the fixed message) and with
// Sm2VerifyDigest (hetong's own GB/T 32918.2 §7.1 equations, over e = SM3(Z_A || M)).
// Invariants checked on every input:
// - the parser accepts DER only: a parsed signature re-encodes to the very same bytes;
// - DER -> raw -> DER is the identity;
// - OpenSSL's verifier and hetong's agree, and neither accepts what the parser rejects.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "crypto/signature.h"
#include "crypto/sm2.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

const Bytes& FixedDigest() {
  static const Bytes* e = [] {
    auto d = crypto::Sm2MessageDigest(FixedSm2Key().public_key(), AsBytes(kMessage));
    HETONG_CHECK(d.ok());
    return new Bytes(std::move(*d));
  }();
  return *e;
}

// Checks one DER signature against both verifiers; returns whether it verified.
bool CheckDer(ByteView sig) {
  const crypto::PublicKey& pub = FixedSm2Key().public_key();
  auto parts = crypto::ParseEcSignatureDer(sig);
  if (parts.ok()) {
    HETONG_FUZZ_ASSERT(parts->r.size() == 32 && parts->s.size() == 32);
    HETONG_FUZZ_ASSERT(crypto::EncodeEcSignatureDer(parts->r, parts->s) == ToBytes(sig));
    auto raw = crypto::Sm2SignatureToRaw(sig);
    HETONG_FUZZ_ASSERT(raw.ok() && raw->size() == 64);
    auto back = crypto::Sm2SignatureFromRaw(*raw);
    HETONG_FUZZ_ASSERT(back.ok() && *back == ToBytes(sig));
  }
  Status by_openssl =
      crypto::VerifySignature(pub, crypto::SignatureAlgorithm::kSm2Sm3, AsBytes(kMessage), sig);
  Status by_hetong = crypto::Sm2VerifyDigest(pub, FixedDigest(), sig);
  HETONG_FUZZ_ASSERT(by_openssl.ok() == by_hetong.ok());
  if (!parts.ok()) HETONG_FUZZ_ASSERT(!by_openssl.ok());
  return by_openssl.ok();
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  fuzz::CheckDer(input);
  // The same bytes as a P-384 sized signature (the scalar-size parameter).
  (void)crypto::ParseEcSignatureDer(input, 48);
  // The same bytes as a raw r || s signature from a device.
  auto der = crypto::Sm2SignatureFromRaw(input);
  if (der.ok()) fuzz::CheckDer(*der);
  return 0;
}
