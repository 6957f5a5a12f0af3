// Shamir secret sharing (t-of-n over GF(2^8), polynomial x^8+x^4+x^3+x+1), used to split
// the instance master key for backup: any `threshold` shares rebuild it, fewer reveal
// nothing about it. Arithmetic is constant-time (no table lookups indexed by secrets).
//
// Shares travel as text "HTS1-<t>-<x>-<hex y>-<hex check>", where check is the first 8 bytes
// of SM3("hetong-shamir-v1" || secret): Combine uses it to detect a wrong, mismatched or
// mistyped share instead of returning a wrong secret. Format: docs/formats/shamir-share.md.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::crypto {

// Splits `secret` (1..1024 bytes) into `shares` shares, any `threshold` of which rebuild it
// (2 <= threshold <= shares <= 255). Each share is secret too.
StatusOr<std::vector<SecretBytes>> ShamirSplit(const SecretBytes& secret, int threshold, int shares,
                                               Rng& rng);
// Rebuilds the secret from at least `threshold` distinct shares of the same split.
StatusOr<SecretBytes> ShamirCombine(const std::vector<SecretBytes>& shares);

}  // namespace hetong::crypto
