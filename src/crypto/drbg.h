// Hash_DRBG (NIST SP 800-90A Rev.1 §10.1.1) instantiated with SM3 — seedlen 440 bits,
// security strength 256 — and the entropy combination of GM/Y 5013-2024 §5.3.3.2.1 for
// software crypto modules: Entropy = SM3(client hardware info) XOR SM3(2048-bit server
// random), fed to Hash_DRBG-SM3.
//
// Our implementation is checked against OpenSSL's EVP_RAND "HASH-DRBG" (digest SM3) fed
// with fixed entropy (drbg_test.cc).
//
// Thread-safety: HashDrbgSm3 is single-owner; Sm3DrbgRng is safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>

#include "base/bytes.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::crypto {

class HashDrbgSm3 {
 public:
  static constexpr size_t kSeedLen = 55;          // 440 bits
  static constexpr size_t kMinEntropy = 32;       // 256 bits
  static constexpr size_t kMinNonce = 16;         // 128 bits
  static constexpr size_t kMaxRequest = 1 << 16;  // 2^19 bits
  static constexpr uint64_t kReseedInterval = uint64_t{1} << 48;

  static StatusOr<HashDrbgSm3> Instantiate(const SecretBytes& entropy, ByteView nonce,
                                           ByteView personalization = {});
  HashDrbgSm3(HashDrbgSm3&&) noexcept = default;
  HashDrbgSm3& operator=(HashDrbgSm3&&) noexcept = default;

  Status Reseed(const SecretBytes& entropy, ByteView additional = {});
  // Fails with FailedPrecondition once the reseed interval is exhausted.
  Status Generate(std::span<uint8_t> out, ByteView additional = {});

  uint64_t reseed_counter() const { return reseed_counter_; }
  // For tests and the reseed-interval check.
  void set_reseed_counter_for_testing(uint64_t v) { reseed_counter_ = v; }

 private:
  HashDrbgSm3() : v_(kSeedLen), c_(kSeedLen) {}
  SecretBytes v_;
  SecretBytes c_;
  uint64_t reseed_counter_ = 0;
};

// GM/Y 5013-2024 §5.3.3.2.1 steps 1, 3 and 4: SM3(client_info) XOR SM3(server_random).
// The server random must be at least 256 bytes (2048 bits).
StatusOr<SecretBytes> CombineEntropy(ByteView client_info, const SecretBytes& server_random);

// An Rng over Hash_DRBG-SM3, seeded (and reseeded every `reseed_every` requests) from
// `entropy_source` (normally SystemRng).
class Sm3DrbgRng final : public Rng {
 public:
  static StatusOr<std::unique_ptr<Sm3DrbgRng>> Create(Rng& entropy_source,
                                                      uint64_t reseed_every = 1 << 20);
  Status Generate(std::span<uint8_t> out) override;

 private:
  Sm3DrbgRng(Rng& source, HashDrbgSm3 drbg, uint64_t reseed_every)
      : source_(source), drbg_(std::move(drbg)), reseed_every_(reseed_every) {}
  Rng& source_;
  std::mutex mu_;
  HashDrbgSm3 drbg_;
  uint64_t reseed_every_;
  uint64_t since_reseed_ = 0;
};

}  // namespace hetong::crypto
