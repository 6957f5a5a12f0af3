// Random bytes for the platform. `SystemRng` draws from OpenSSL's private DRBG (seeded by
// the operating system); `crypto::DefaultRng()` returns the process-wide instance that
// production code passes around as `Rng&`. Tests inject deterministic Rngs instead.
// The Hash_DRBG-SM3 of SP 800-90A lives in drbg.h.
//
// Thread-safety: SystemRng is safe for concurrent use.
#pragma once

#include "base/bytes.h"
#include "base/rng.h"
#include "base/secret_bytes.h"

namespace hetong::crypto {

class SystemRng final : public Rng {
 public:
  Status Generate(std::span<uint8_t> out) override;
};

Rng& DefaultRng();

StatusOr<Bytes> RandomBytes(Rng& rng, size_t n);
StatusOr<SecretBytes> RandomSecret(Rng& rng, size_t n);

}  // namespace hetong::crypto
