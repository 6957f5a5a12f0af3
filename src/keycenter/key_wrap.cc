#include "keycenter/key_wrap.h"

#include "crypto/random.h"
#include "crypto/sm4.h"

namespace hetong::keycenter {

namespace {

constexpr std::string_view kMagic = "HWK1";

Bytes Aad(std::string_view key_id) {
  Bytes aad = ToBytes("hetong-wrapped-key-v1");
  aad.push_back(0);
  Append(aad, AsBytes(key_id));
  return aad;
}

Status CheckKek(const SecretBytes& kek) {
  if (kek.size() != 32) return FailedPreconditionError("the master key must be 32 bytes");
  return OkStatus();
}

// The SM4 key is the first half of the 32-byte master key; the second half is reserved for
// a MAC key should a future format need one.
SecretBytes Sm4Kek(const SecretBytes& kek) {
  return SecretBytes::Copy(kek.Reveal(SecretAccess::Unsafe()).first(16));
}

}  // namespace

StatusOr<Bytes> WrapSecret(const SecretBytes& kek, std::string_view key_id,
                           const SecretBytes& plaintext, Rng& rng) {
  HETONG_RETURN_IF_ERROR(CheckKek(kek));
  HETONG_ASSIGN_OR_RETURN(Bytes nonce, crypto::RandomBytes(rng, 12));
  HETONG_ASSIGN_OR_RETURN(Bytes sealed,
                          crypto::Sm4GcmEncrypt(Sm4Kek(kek), nonce, Aad(key_id),
                                                plaintext.Reveal(SecretAccess::Unsafe())));
  return Concat(AsBytes(kMagic), nonce, sealed);
}

StatusOr<SecretBytes> UnwrapSecret(const SecretBytes& kek, std::string_view key_id,
                                   ByteView wrapped) {
  HETONG_RETURN_IF_ERROR(CheckKek(kek));
  if (wrapped.size() < 4 + 12 + 16 || !std::equal(kMagic.begin(), kMagic.end(), wrapped.begin())) {
    return DataLossError("wrapped key " + std::string(key_id) +
                         " is damaged or in an unknown format");
  }
  auto plain = crypto::Sm4GcmDecryptSecret(Sm4Kek(kek), wrapped.subspan(4, 12), Aad(key_id),
                                           wrapped.subspan(16));
  if (!plain.ok()) {
    return DataLossError("wrapped key " + std::string(key_id) +
                         " does not unwrap: wrong master key, or the record was altered");
  }
  return plain;
}

}  // namespace hetong::keycenter
