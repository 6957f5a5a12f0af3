#include "crypto/mac.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "crypto/internal/evp_names.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {

Bytes Hmac(HashAlgorithm alg, ByteView key, ByteView data) {
  Bytes out(HashSize(alg));
  unsigned int n = 0;
  static const uint8_t kEmpty = 0;
  HETONG_CHECK(HMAC(internal::EvpMd(alg), key.empty() ? &kEmpty : key.data(),
                    static_cast<int>(key.size()), data.data(), data.size(), out.data(),
                    &n) != nullptr);
  HETONG_CHECK(n == out.size());
  return out;
}

bool HmacVerify(HashAlgorithm alg, ByteView key, ByteView data, ByteView tag) {
  return ConstantTimeEquals(Hmac(alg, key, data), tag);
}

SecretBytes Sm3Kdf(ByteView z, size_t length) {
  SecretBytes out(length);
  auto dst = out.RevealMutable(SecretAccess::Unsafe());
  uint32_t counter = 1;
  size_t off = 0;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  HETONG_CHECK(ctx != nullptr);
  uint8_t block[32];
  while (off < length) {
    uint8_t ct[4];
    StoreU32Be(ct, counter++);
    unsigned int n = 0;
    HETONG_CHECK(EVP_DigestInit_ex(ctx.get(), EVP_sm3(), nullptr) == 1 &&
                 EVP_DigestUpdate(ctx.get(), z.data(), z.size()) == 1 &&
                 EVP_DigestUpdate(ctx.get(), ct, 4) == 1 &&
                 EVP_DigestFinal_ex(ctx.get(), block, &n) == 1);
    size_t take = std::min<size_t>(32, length - off);
    std::copy(block, block + take, dst.begin() + static_cast<ptrdiff_t>(off));
    off += take;
  }
  SecureWipe(block);
  return out;
}

StatusOr<SecretBytes> Pbkdf2(HashAlgorithm prf, const SecretBytes& password, ByteView salt,
                             uint32_t iterations, size_t length) {
  if (iterations < 1) return InvalidArgumentError("PBKDF2 needs at least one iteration");
  if (length == 0) return InvalidArgumentError("PBKDF2 output length must be positive");
  SecretBytes out(length);
  auto pw = password.Reveal(SecretAccess::Unsafe());
  static const char kEmpty = 0;
  if (PKCS5_PBKDF2_HMAC(pw.empty() ? &kEmpty : reinterpret_cast<const char*>(pw.data()),
                        static_cast<int>(pw.size()), salt.data(), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), internal::EvpMd(prf),
                        static_cast<int>(length),
                        out.RevealMutable(SecretAccess::Unsafe()).data()) != 1) {
    return OpensslError("PBKDF2 failed");
  }
  return out;
}

}  // namespace hetong::crypto
