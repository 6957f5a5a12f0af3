// Fuzz target: key and certificate files received from outside (PEM, RFC 7468, and DER):
// base::PemDecodeAll, PrivateKey::Parse (PKCS#8, traditional EC/RSA keys; no passphrase),
// PublicKey::Parse (SubjectPublicKeyInfo) and ParseCertificateInfo (X.509).
//
// Invariants checked:
// - every decoded PEM block encodes and decodes back to the same label and bytes;
// - a parsed private key re-exports as PKCS#8 that parses to the same key;
// - a parsed public key round-trips through its SubjectPublicKeyInfo;
// - a parsed certificate's key has a key identifier (KeyIdentifier re-reads the SPKI with
//   hetong's DER reader and aborts if it cannot).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/encoding.h"
#include "crypto/certificate_info.h"
#include "crypto/keys.h"
#include "fuzz/fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto blocks = base::PemDecodeAll(text);
  if (blocks.ok()) {
    HETONG_FUZZ_ASSERT(!blocks->empty());
    for (const auto& block : *blocks) {
      std::string pem = base::PemEncode(block.label, block.der);
      auto again = base::PemDecodeAll(pem);
      HETONG_FUZZ_ASSERT(again.ok() && again->size() == 1);
      HETONG_FUZZ_ASSERT((*again)[0].label == block.label && (*again)[0].der == block.der);
    }
  }

  auto key = crypto::PrivateKey::Parse(input);
  if (key.ok()) {
    auto der = key->ToPkcs8Der();
    HETONG_FUZZ_ASSERT(der.ok());
    auto again = crypto::PrivateKey::Parse(der->Reveal(SecretAccess::Unsafe()));
    HETONG_FUZZ_ASSERT(again.ok() && again->type() == key->type());
    HETONG_FUZZ_ASSERT(again->public_key().Equals(key->public_key()));
  }

  auto pub = crypto::PublicKey::Parse(input);
  if (pub.ok()) {
    Bytes spki = pub->ToSpkiDer();
    auto again = crypto::PublicKey::FromSpkiDer(spki);
    HETONG_FUZZ_ASSERT(again.ok() && again->Equals(*pub));
    HETONG_FUZZ_ASSERT(pub->Fingerprint().size() == 64);
  }

  auto cert = crypto::ParseCertificateInfo(input);
  if (cert.ok()) {
    HETONG_FUZZ_ASSERT(crypto::KeyIdentifier(cert->public_key).size() == 20);
    HETONG_FUZZ_ASSERT(!cert->serial.empty() && !cert->issuer_der.empty());
  }
  return 0;
}
