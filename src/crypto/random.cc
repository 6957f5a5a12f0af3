#include "crypto/random.h"

#include <openssl/rand.h>

#include "crypto/openssl_util.h"

namespace hetong::crypto {

Status SystemRng::Generate(std::span<uint8_t> out) {
  size_t off = 0;
  while (off < out.size()) {
    size_t n = std::min<size_t>(out.size() - off, 1 << 20);
    if (RAND_priv_bytes(out.data() + off, static_cast<int>(n)) != 1) {
      SecureWipe(out);
      return OpensslError("the system random generator failed", StatusCode::kUnavailable);
    }
    off += n;
  }
  return OkStatus();
}

Rng& DefaultRng() {
  static SystemRng rng;
  return rng;
}

StatusOr<Bytes> RandomBytes(Rng& rng, size_t n) {
  Bytes out(n);
  HETONG_RETURN_IF_ERROR(rng.Generate(out));
  return out;
}

StatusOr<SecretBytes> RandomSecret(Rng& rng, size_t n) {
  SecretBytes out(n);
  HETONG_RETURN_IF_ERROR(rng.Generate(out.RevealMutable(SecretAccess::Unsafe())));
  return out;
}

}  // namespace hetong::crypto
