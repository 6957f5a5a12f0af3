// Rng: the one interface through which hetong obtains random bytes (keys, nonces, serial
// numbers, tokens). crypto/ provides the implementations (the operating system's DRBG via
// OpenSSL, and Hash_DRBG-SM3); tests inject a deterministic one.
//
// Thread-safety: implementations must be safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"

namespace hetong {

class Rng {
 public:
  virtual ~Rng() = default;
  // Fills `out` with random bytes, or fails (never returns predictable bytes on failure).
  [[nodiscard]] virtual Status Generate(std::span<uint8_t> out) = 0;
};

}  // namespace hetong
