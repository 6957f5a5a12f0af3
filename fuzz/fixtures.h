// Fixed keys and messages shared by the fuzz targets and by the seed generator
// (fuzz/make_seeds.cc), so that the seeds in testdata/fuzz/ are valid for the keys the
// targets hold: a seed ciphertext decrypts, a seed signature verifies, a seed envelope opens.
//
// These keys are public test fixtures. They protect nothing and must never be used outside
// fuzz/ and testdata/fuzz/.
//
// Thread-safety: the accessors build their key once (function-local statics) and return it
// immutable; safe for concurrent use.
#pragma once

#include <string_view>

#include "base/encoding.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"

namespace hetong::fuzz {

// SM2 private scalar d (the example key of GB/T 32918.5-2017 on the recommended curve).
inline constexpr std::string_view kSm2ScalarHex =
    "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

// An ECDSA P-256 key (made with `openssl genpkey -algorithm EC`), for the RFC 5652 envelope
// path, which OpenEnvelope takes only for RSA and EC keys.
inline constexpr std::string_view kP256KeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3u9rhnmo8bp+ZHqP\n"
    "fke0rOSyOaU0Pf3tEix5i1L9tImhRANCAASTjB1pJL41X4My+aftqeM/GEoVLMZY\n"
    "/K62H9jyH7wUe15K2tnKOYgUdyGhO1EHz4S6jbuldTpHw0X+KlgX75gp\n"
    "-----END PRIVATE KEY-----\n";

// The message that seed signatures sign, and the detached content that seed CMS
// signatures cover.
inline constexpr std::string_view kMessage = "hetong fuzz fixture message";

inline const crypto::PrivateKey& FixedSm2Key() {
  static const crypto::PrivateKey* key = [] {
    auto d = base::HexDecode(kSm2ScalarHex);
    HETONG_CHECK(d.ok());
    auto k = crypto::PrivateKey::FromSm2Scalar(SecretBytes::Copy(*d));
    HETONG_CHECK(k.ok());
    return new crypto::PrivateKey(std::move(*k));
  }();
  return *key;
}

inline const crypto::PrivateKey& FixedP256Key() {
  static const crypto::PrivateKey* key = [] {
    auto k = crypto::PrivateKey::FromPem(kP256KeyPem);
    HETONG_CHECK(k.ok());
    return new crypto::PrivateKey(std::move(*k));
  }();
  return *key;
}

}  // namespace hetong::fuzz

// HETONG_FUZZ_ASSERT(cond): an invariant of the code under test, checked on every input.
// A broken one aborts; libFuzzer reports that as a crash and saves the input.
#define HETONG_FUZZ_ASSERT(cond)                                                                 \
  do {                                                                                           \
    if (!(cond)) ::hetong::internal::CheckFailed(__FILE__, __LINE__, #cond, "(fuzz invariant)"); \
  } while (false)
