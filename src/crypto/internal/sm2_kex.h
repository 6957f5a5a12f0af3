// The computation of GB/T 32918.3 §6.1 steps A4-A9 / B1-B9 on any SM2 curve, given all
// scalars (crypto-internal; the KAT test calls it with the standard's fixed values).
#pragma once

#include "crypto/internal/sm2_math.h"

namespace hetong::crypto::internal {

struct KexOutput {
  SecretBytes key;
  Bytes s02;  // SM3(0x02 || y || SM3(x || ZA || ZB || x1 || y1 || x2 || y2)) = S_B / S_1
  Bytes s03;  // SM3(0x03 || y || ...) = S_A / S_2
};

// `own_r`/`own_R`: this side's ephemeral scalar and point; `peer_P`/`peer_R`: the peer's static
// public point and ephemeral point; za/zb: Z of the initiator and of the responder.
StatusOr<KexOutput> Sm2KexDerive(const Sm2Curve& curve, bool initiator, const BIGNUM* d,
                                 const BIGNUM* own_r, const EC_POINT* own_R, const EC_POINT* peer_P,
                                 const EC_POINT* peer_R, ByteView za, ByteView zb, size_t key_len);

}  // namespace hetong::crypto::internal
