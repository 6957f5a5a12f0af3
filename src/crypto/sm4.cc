#include "crypto/sm4.h"

#include <openssl/modes.h>

#include <algorithm>
#include <cstring>

#include "crypto/openssl_util.h"

namespace hetong::crypto {
namespace {

Status CheckKey(const SecretBytes& key) {
  if (key.size() != kSm4KeySize)
    return InvalidArgumentError("an SM4 key is 16 bytes (32 hex digits)");
  return OkStatus();
}

StatusOr<EvpCipherCtxPtr> NewCtx(const EVP_CIPHER* cipher, const SecretBytes& key, ByteView iv,
                                 bool encrypt, bool pad) {
  HETONG_RETURN_IF_ERROR(CheckKey(key));
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpensslError("cannot allocate a cipher context");
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.Reveal(SecretAccess::Unsafe()).data(),
                        iv.empty() ? nullptr : iv.data(), encrypt ? 1 : 0) != 1) {
    return OpensslError("cannot initialise SM4");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0);
  return ctx;
}

// Runs `in` through an initialised context into `out` (sized by the caller to at least
// in.size() + one block); returns the number of bytes written.
StatusOr<size_t> RunCtx(EVP_CIPHER_CTX* ctx, ByteView in, uint8_t* out, bool decrypting) {
  // EVP takes int lengths: feed at most 1 GiB at a time (a multiple of the block size).
  constexpr size_t kChunk = size_t{1} << 30;
  size_t written = 0;
  for (size_t off = 0; off < in.size(); off += kChunk) {
    size_t n = std::min(kChunk, in.size() - off);
    int outl = 0;
    if (EVP_CipherUpdate(ctx, out + written, &outl, in.data() + off, static_cast<int>(n)) != 1) {
      return OpensslError("SM4 failed");
    }
    written += static_cast<size_t>(outl);
  }
  int n2 = 0;
  if (EVP_CipherFinal_ex(ctx, out + written, &n2) != 1) {
    ClearOpensslErrors();
    if (decrypting) {
      return InvalidArgumentError(
          "SM4 decryption failed: wrong key, wrong IV, corrupted data or wrong padding");
    }
    return InvalidArgumentError(
        "SM4 without padding needs input whose length is a multiple of 16 bytes");
  }
  return written + static_cast<size_t>(n2);
}

StatusOr<Bytes> Run(const EVP_CIPHER* cipher, const SecretBytes& key, ByteView iv, ByteView in,
                    bool encrypt, Padding padding) {
  if (padding == Padding::kNone && in.size() % kSm4BlockSize != 0 && cipher != EVP_sm4_ctr()) {
    return InvalidArgumentError(
        "SM4 without padding needs input whose length is a multiple of 16 bytes");
  }
  if (!encrypt && padding == Padding::kPkcs7 && (in.empty() || in.size() % kSm4BlockSize)) {
    return InvalidArgumentError(
        "SM4 ciphertext with PKCS#7 padding must be a non-empty multiple of 16 bytes");
  }
  HETONG_ASSIGN_OR_RETURN(auto ctx, NewCtx(cipher, key, iv, encrypt, padding == Padding::kPkcs7));
  Bytes out(in.size() + kSm4BlockSize);
  HETONG_ASSIGN_OR_RETURN(size_t n, RunCtx(ctx.get(), in, out.data(), !encrypt));
  out.resize(n);
  return out;
}

Status CheckIv(ByteView iv) {
  if (iv.size() != kSm4BlockSize)
    return InvalidArgumentError("the SM4 IV is 16 bytes (32 hex digits)");
  return OkStatus();
}

// ---- GCM on CRYPTO_gcm128 ----

struct Sm4Block {
  EvpCipherCtxPtr ecb;  // SM4-ECB, encrypt, no padding
};

void BlockFn(const unsigned char in[16], unsigned char out[16], const void* key) {
  auto* k = static_cast<const Sm4Block*>(key);
  int n = 0;
  HETONG_CHECK(EVP_EncryptUpdate(k->ecb.get(), out, &n, in, 16) == 1 && n == 16);
}

// GCM's CTR: only the last 32 bits of the counter block are incremented (mod 2^32).
void Ctr32Fn(const unsigned char* in, unsigned char* out, size_t blocks, const void* key,
             const unsigned char ivec[16]) {
  auto* k = static_cast<const Sm4Block*>(key);
  constexpr size_t kBatch = 64;
  uint8_t counters[kBatch * 16];
  uint8_t stream[kBatch * 16];
  uint8_t ctr[16];
  std::memcpy(ctr, ivec, 16);
  uint32_t c = LoadU32Be(ctr + 12);
  while (blocks > 0) {
    size_t n = std::min(blocks, kBatch);
    for (size_t i = 0; i < n; ++i) {
      std::memcpy(counters + 16 * i, ctr, 12);
      StoreU32Be(counters + 16 * i + 12, c++);
    }
    int outl = 0;
    HETONG_CHECK(
        EVP_EncryptUpdate(k->ecb.get(), stream, &outl, counters, static_cast<int>(n * 16)) == 1);
    for (size_t i = 0; i < n * 16; ++i) out[i] = in[i] ^ stream[i];
    in += n * 16;
    out += n * 16;
    blocks -= n;
  }
  SecureWipe(stream);
}

struct GcmDeleter {
  void operator()(GCM128_CONTEXT* g) const { CRYPTO_gcm128_release(g); }
};

StatusOr<Sm4Block> NewBlock(const SecretBytes& key) {
  HETONG_ASSIGN_OR_RETURN(auto ecb, NewCtx(EVP_sm4_ecb(), key, {}, true, false));
  return Sm4Block{std::move(ecb)};
}

Status CheckGcmParams(ByteView iv, size_t tag_size) {
  if (iv.empty()) return InvalidArgumentError("the GCM IV must not be empty");
  if (tag_size < 12 || tag_size > 16) {
    return InvalidArgumentError("the GCM tag is 12 to 16 bytes");
  }
  return OkStatus();
}

// Decrypts into `out` (sized sealed.size() - tag_size) after checking the tag; on a wrong
// tag wipes `out` and fails.
Status GcmDecryptInto(const SecretBytes& key, ByteView iv, ByteView aad, ByteView sealed,
                      size_t tag_size, std::span<uint8_t> out) {
  HETONG_RETURN_IF_ERROR(CheckGcmParams(iv, tag_size));
  if (sealed.size() < tag_size) {
    return InvalidArgumentError("SM4-GCM input is shorter than its tag");
  }
  HETONG_ASSIGN_OR_RETURN(Sm4Block block, NewBlock(key));
  std::unique_ptr<GCM128_CONTEXT, GcmDeleter> gcm(CRYPTO_gcm128_new(&block, BlockFn));
  if (!gcm) return InternalError("cannot allocate GCM state");
  size_t n = sealed.size() - tag_size;
  CRYPTO_gcm128_setiv(gcm.get(), iv.data(), iv.size());
  if (CRYPTO_gcm128_aad(gcm.get(), aad.data(), aad.size()) != 0 ||
      CRYPTO_gcm128_decrypt_ctr32(gcm.get(), sealed.data(), out.data(), n, Ctr32Fn) != 0) {
    SecureWipe(out);
    return InvalidArgumentError("SM4-GCM input too long");
  }
  if (CRYPTO_gcm128_finish(gcm.get(), sealed.data() + n, tag_size) != 0) {
    SecureWipe(out);
    return DataLossError(
        "SM4-GCM authentication failed: wrong key, IV or AAD, or the data was "
        "modified");
  }
  return OkStatus();
}

// ---- CCM (SP 800-38C) ----

Status CheckCcmParams(ByteView nonce, size_t tag_size, size_t plain_len) {
  if (nonce.size() < 7 || nonce.size() > 13) {
    return InvalidArgumentError("the CCM nonce is 7 to 13 bytes");
  }
  if (tag_size < 4 || tag_size > 16 || tag_size % 2) {
    return InvalidArgumentError("the CCM tag is 4, 6, ..., 16 bytes");
  }
  size_t q = 15 - nonce.size();
  if (q < 8 && plain_len >= (size_t{1} << (8 * q))) {
    return InvalidArgumentError("message too long for this CCM nonce length");
  }
  return OkStatus();
}

// T = CBC-MAC over B0 || encoded AAD || padded payload (the last CBC block with IV 0).
StatusOr<Bytes> CcmMac(const SecretBytes& key, ByteView nonce, ByteView aad, ByteView plain,
                       size_t tag_size) {
  size_t q = 15 - nonce.size();
  Bytes b;
  b.reserve(32 + aad.size() + plain.size());
  uint8_t flags =
      static_cast<uint8_t>((aad.empty() ? 0 : 64) | (((tag_size - 2) / 2) << 3) | (q - 1));
  b.push_back(flags);
  Append(b, nonce);
  for (size_t i = 0; i < q; ++i) {
    b.push_back(static_cast<uint8_t>(static_cast<uint64_t>(plain.size()) >> (8 * (q - 1 - i))));
  }
  if (!aad.empty()) {
    uint64_t a = aad.size();
    if (a < 0xff00) {
      AppendU16Be(b, static_cast<uint16_t>(a));
    } else if (a <= 0xffffffffULL) {
      b.push_back(0xff);
      b.push_back(0xfe);
      AppendU32Be(b, static_cast<uint32_t>(a));
    } else {
      b.push_back(0xff);
      b.push_back(0xff);
      AppendU64Be(b, a);
    }
    Append(b, aad);
    while (b.size() % 16) b.push_back(0);
  }
  Append(b, plain);
  while (b.size() % 16) b.push_back(0);
  Bytes zero_iv(16, 0);
  HETONG_ASSIGN_OR_RETURN(Bytes cbc, Run(EVP_sm4_cbc(), key, zero_iv, b, true, Padding::kNone));
  SecureWipe(b);
  return Bytes(cbc.end() - 16, cbc.end() - 16 + static_cast<ptrdiff_t>(tag_size));
}

Bytes CcmCounter(ByteView nonce, uint64_t i) {
  size_t q = 15 - nonce.size();
  Bytes ctr;
  ctr.push_back(static_cast<uint8_t>(q - 1));
  Append(ctr, nonce);
  for (size_t k = 0; k < q; ++k) ctr.push_back(static_cast<uint8_t>(i >> (8 * (q - 1 - k))));
  return ctr;
}

}  // namespace

StatusOr<Bytes> Sm4EcbEncrypt(const SecretBytes& key, ByteView in, Padding padding) {
  return Run(EVP_sm4_ecb(), key, {}, in, true, padding);
}
StatusOr<Bytes> Sm4EcbDecrypt(const SecretBytes& key, ByteView in, Padding padding) {
  return Run(EVP_sm4_ecb(), key, {}, in, false, padding);
}
StatusOr<Bytes> Sm4CbcEncrypt(const SecretBytes& key, ByteView iv, ByteView in, Padding padding) {
  HETONG_RETURN_IF_ERROR(CheckIv(iv));
  return Run(EVP_sm4_cbc(), key, iv, in, true, padding);
}
StatusOr<Bytes> Sm4CbcDecrypt(const SecretBytes& key, ByteView iv, ByteView in, Padding padding) {
  HETONG_RETURN_IF_ERROR(CheckIv(iv));
  return Run(EVP_sm4_cbc(), key, iv, in, false, padding);
}
StatusOr<Bytes> Sm4Ctr(const SecretBytes& key, ByteView iv, ByteView in) {
  HETONG_RETURN_IF_ERROR(CheckIv(iv));
  return Run(EVP_sm4_ctr(), key, iv, in, true, Padding::kNone);
}

StatusOr<Bytes> Sm4GcmEncrypt(const SecretBytes& key, ByteView iv, ByteView aad, ByteView plaintext,
                              size_t tag_size) {
  HETONG_RETURN_IF_ERROR(CheckGcmParams(iv, tag_size));
  HETONG_ASSIGN_OR_RETURN(Sm4Block block, NewBlock(key));
  std::unique_ptr<GCM128_CONTEXT, GcmDeleter> gcm(CRYPTO_gcm128_new(&block, BlockFn));
  if (!gcm) return InternalError("cannot allocate GCM state");
  Bytes out(plaintext.size() + tag_size);
  CRYPTO_gcm128_setiv(gcm.get(), iv.data(), iv.size());
  if (CRYPTO_gcm128_aad(gcm.get(), aad.data(), aad.size()) != 0 ||
      CRYPTO_gcm128_encrypt_ctr32(gcm.get(), plaintext.data(), out.data(), plaintext.size(),
                                  Ctr32Fn) != 0) {
    return InvalidArgumentError("SM4-GCM input too long");
  }
  CRYPTO_gcm128_tag(gcm.get(), out.data() + plaintext.size(), tag_size);
  return out;
}

StatusOr<Bytes> Sm4GcmDecrypt(const SecretBytes& key, ByteView iv, ByteView aad, ByteView sealed,
                              size_t tag_size) {
  Bytes out(sealed.size() >= tag_size ? sealed.size() - tag_size : 0);
  HETONG_RETURN_IF_ERROR(GcmDecryptInto(key, iv, aad, sealed, tag_size, out));
  return out;
}

StatusOr<SecretBytes> Sm4GcmDecryptSecret(const SecretBytes& key, ByteView iv, ByteView aad,
                                          ByteView sealed, size_t tag_size) {
  SecretBytes out(sealed.size() >= tag_size ? sealed.size() - tag_size : 0);
  HETONG_RETURN_IF_ERROR(
      GcmDecryptInto(key, iv, aad, sealed, tag_size, out.RevealMutable(SecretAccess::Unsafe())));
  return out;
}

StatusOr<Bytes> Sm4CcmEncrypt(const SecretBytes& key, ByteView nonce, ByteView aad,
                              ByteView plaintext, size_t tag_size) {
  HETONG_RETURN_IF_ERROR(CheckKey(key));
  HETONG_RETURN_IF_ERROR(CheckCcmParams(nonce, tag_size, plaintext.size()));
  HETONG_ASSIGN_OR_RETURN(Bytes t, CcmMac(key, nonce, aad, plaintext, tag_size));
  // S0 || S1 || ... : CTR from counter 0; the first block masks the tag.
  Bytes buf(16, 0);
  Append(buf, plaintext);
  HETONG_ASSIGN_OR_RETURN(Bytes ks, Sm4Ctr(key, CcmCounter(nonce, 0), buf));
  Bytes out(ks.begin() + 16, ks.end());
  for (size_t i = 0; i < tag_size; ++i) out.push_back(t[i] ^ ks[i]);
  return out;
}

StatusOr<Bytes> Sm4CcmDecrypt(const SecretBytes& key, ByteView nonce, ByteView aad, ByteView sealed,
                              size_t tag_size) {
  HETONG_RETURN_IF_ERROR(CheckKey(key));
  if (sealed.size() < tag_size)
    return InvalidArgumentError("SM4-CCM input is shorter than its tag");
  size_t n = sealed.size() - tag_size;
  HETONG_RETURN_IF_ERROR(CheckCcmParams(nonce, tag_size, n));
  Bytes buf(16, 0);
  Append(buf, sealed.first(n));
  HETONG_ASSIGN_OR_RETURN(Bytes ks, Sm4Ctr(key, CcmCounter(nonce, 0), buf));
  Bytes plain(ks.begin() + 16, ks.end());
  HETONG_ASSIGN_OR_RETURN(Bytes t, CcmMac(key, nonce, aad, plain, tag_size));
  Bytes expected(tag_size);
  for (size_t i = 0; i < tag_size; ++i) expected[i] = t[i] ^ ks[i];
  if (!ConstantTimeEquals(expected, sealed.subspan(n))) {
    SecureWipe(plain);
    return DataLossError(
        "SM4-CCM authentication failed: wrong key, nonce or AAD, or the data was "
        "modified");
  }
  return plain;
}

}  // namespace hetong::crypto
