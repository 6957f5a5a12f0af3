// Wrapping of private keys under the instance master key (the key-encryption key).
//
// Format "HWK1" (docs/formats/wrapped-key.md):
//   "HWK1" (4 bytes) || nonce (12 bytes) || SM4-GCM(KEK, nonce, aad, PKCS#8 DER) || tag (16)
// with aad = "hetong-wrapped-key-v1" || 0x00 || key id, so a wrapped key cannot be swapped
// for another key's record.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::keycenter {

StatusOr<Bytes> WrapSecret(const SecretBytes& kek, std::string_view key_id,
                           const SecretBytes& plaintext, Rng& rng);
// kDataLoss if the KEK is wrong, the id differs or the blob was altered.
StatusOr<SecretBytes> UnwrapSecret(const SecretBytes& kek, std::string_view key_id,
                                   ByteView wrapped);

}  // namespace hetong::keycenter
