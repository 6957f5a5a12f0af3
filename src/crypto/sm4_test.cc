#include "crypto/sm4.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/random.h"
#include "crypto/test_util.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;
using testing::Key;

TEST(Sm4Test, BlockVectorsIncludingMillionRounds) {
  auto j = LoadJson("vectors/sm4.json");
  int checked = 0;
  for (const auto& v : j["vectors"]) {
    if (!v.contains("ciphertext")) continue;
    SecretBytes key = Key(v["key"]);
    Bytes block = Hex(v["plaintext"]);
    int iterations = v["iterations"];
    for (int i = 0; i < iterations; ++i) {
      auto c = Sm4EcbEncrypt(key, block, Padding::kNone);
      ASSERT_TRUE(c.ok());
      block = std::move(*c);
    }
    EXPECT_EQ(block, Hex(v["ciphertext"])) << v["id"];
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(Sm4Test, CbcVectors) {
  auto j = LoadJson("vectors/sm4_cbc.json");
  for (const auto& v : j["vectors"]) {
    SecretBytes key = Key(v["key"]);
    Bytes iv = Hex(v["iv"]), pt = Hex(v["plaintext"]), ct = Hex(v["ciphertext"]);
    EXPECT_EQ(*Sm4CbcEncrypt(key, iv, pt, Padding::kNone), ct) << v["id"];
    EXPECT_EQ(*Sm4CbcDecrypt(key, iv, ct, Padding::kNone), pt) << v["id"];
  }
}

TEST(Sm4Test, CtrVector) {
  auto j = LoadJson("vectors/sm4_modes.json");
  bool found = false;
  for (const auto& v : j["vectors"]) {
    if (v["mode"] != "SM4-CTR") continue;
    found = true;
    Bytes pt = Hex(v["plaintext"]), ct = Hex(v["ciphertext"]);
    EXPECT_EQ(*Sm4Ctr(Key(v["key"]), Hex(v["iv"]), pt), ct);
    EXPECT_EQ(*Sm4Ctr(Key(v["key"]), Hex(v["iv"]), ct), pt);
  }
  EXPECT_TRUE(found);
}

TEST(Sm4Test, Pkcs7PaddingRoundTripsAndRejectsBadPadding) {
  SecretBytes key = Key("0123456789abcdeffedcba9876543210");
  Bytes iv(16, 7);
  for (size_t len : {0, 1, 15, 16, 17, 31, 32, 100}) {
    Bytes pt(len, 0x5a);
    auto ct = Sm4CbcEncrypt(key, iv, pt, Padding::kPkcs7);
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(ct->size(), (len / 16 + 1) * 16);
    EXPECT_EQ(*Sm4CbcDecrypt(key, iv, *ct, Padding::kPkcs7), pt);
    auto ecb = Sm4EcbEncrypt(key, pt, Padding::kPkcs7);
    EXPECT_EQ(*Sm4EcbDecrypt(key, *ecb, Padding::kPkcs7), pt);
  }
  // A wrong key almost always yields invalid padding: a clear error, not garbage.
  auto ct = Sm4CbcEncrypt(key, iv, AsBytes("attack at dawn"), Padding::kPkcs7);
  int failures = 0;
  for (int i = 0; i < 20; ++i) {
    Bytes k = hetong::testing::Hex("0123456789abcdeffedcba9876543200");
    k[15] = static_cast<uint8_t>(0x80 + i);
    SecretBytes other = SecretBytes::Copy(k);
    if (!Sm4CbcDecrypt(other, iv, *ct, Padding::kPkcs7).ok()) ++failures;
  }
  EXPECT_GE(failures, 15);
  EXPECT_FALSE(Sm4CbcDecrypt(key, iv, Bytes(15), Padding::kPkcs7).ok());
  EXPECT_FALSE(Sm4CbcDecrypt(key, iv, Bytes(), Padding::kPkcs7).ok());
  EXPECT_FALSE(Sm4CbcEncrypt(key, iv, Bytes(15), Padding::kNone).ok());
}

TEST(Sm4Test, RejectsBadKeysAndIvs) {
  Bytes iv(16);
  EXPECT_FALSE(Sm4EcbEncrypt(Key("00"), Bytes(16), Padding::kNone).ok());
  EXPECT_FALSE(
      Sm4CbcEncrypt(Key("0123456789abcdeffedcba9876543210"), Bytes(8), Bytes(16), Padding::kNone)
          .ok());
  EXPECT_FALSE(Sm4Ctr(Key("0123456789abcdeffedcba9876543210"), Bytes(12), Bytes(16)).ok());
}

TEST(Sm4GcmTest, Rfc8998Vector) {
  auto j = LoadJson("vectors/sm4_gcm.json");
  for (const auto& v : j["vectors"]) {
    SecretBytes key = Key(v["key"]);
    Bytes iv = Hex(v["iv"]), aad = Hex(v["aad"]), pt = Hex(v["plaintext"]);
    Bytes sealed = Concat(Hex(v["ciphertext"]), Hex(v["tag"]));
    EXPECT_EQ(*Sm4GcmEncrypt(key, iv, aad, pt), sealed) << v["id"];
    EXPECT_EQ(*Sm4GcmDecrypt(key, iv, aad, sealed), pt);
    // Any change is detected, and nothing is released.
    for (size_t pos : {size_t{0}, sealed.size() / 2, sealed.size() - 1}) {
      Bytes bad = sealed;
      bad[pos] ^= 0x01;
      auto r = Sm4GcmDecrypt(key, iv, aad, bad);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    }
    Bytes bad_aad = aad;
    bad_aad[0] ^= 1;
    EXPECT_FALSE(Sm4GcmDecrypt(key, iv, bad_aad, sealed).ok());
    EXPECT_FALSE(Sm4GcmDecrypt(key, Bytes(12, 0), aad, sealed).ok());
  }
}

TEST(Sm4GcmTest, RoundTripsAnyIvLengthAndSize) {
  SecretBytes key = Key("000102030405060708090a0b0c0d0e0f");
  for (size_t iv_len : {1, 8, 12, 16, 60}) {
    for (size_t len : {0, 1, 16, 17, 1000, 5000}) {
      Bytes iv(iv_len, 0xa5), pt(len);
      for (size_t i = 0; i < len; ++i) pt[i] = static_cast<uint8_t>(i * 7);
      auto sealed = Sm4GcmEncrypt(key, iv, AsBytes("aad"), pt);
      ASSERT_TRUE(sealed.ok());
      EXPECT_EQ(sealed->size(), len + 16);
      EXPECT_EQ(*Sm4GcmDecrypt(key, iv, AsBytes("aad"), *sealed), pt);
      auto secret = Sm4GcmDecryptSecret(key, iv, AsBytes("aad"), *sealed);
      ASSERT_TRUE(secret.ok());
      EXPECT_EQ(ToBytes(secret->Reveal(SecretAccess::Unsafe())), pt);
    }
  }
  EXPECT_FALSE(Sm4GcmEncrypt(key, {}, {}, Bytes(1)).ok());
  EXPECT_FALSE(Sm4GcmDecrypt(key, Bytes(12), {}, Bytes(15)).ok());
}

// A slow, independent SP 800-38D reference (bitwise GF(2^128) multiply, inc32 counter)
// over SM4-ECB, to cross-check non-96-bit IVs where J0 comes from GHASH.
struct Block {
  uint8_t b[16] = {0};
};
Block GfMul(const Block& x, const Block& y) {
  Block z, v = y;
  for (int i = 0; i < 128; ++i) {
    if (x.b[i / 8] & (0x80 >> (i % 8)))
      for (int k = 0; k < 16; ++k) z.b[k] ^= v.b[k];
    bool lsb = v.b[15] & 1;
    for (int k = 15; k > 0; --k) v.b[k] = static_cast<uint8_t>((v.b[k] >> 1) | (v.b[k - 1] << 7));
    v.b[0] >>= 1;
    if (lsb) v.b[0] ^= 0xe1;
  }
  return z;
}
Block Ghash(const Block& h, const Bytes& data) {
  Block y;
  for (size_t off = 0; off < data.size(); off += 16) {
    for (size_t k = 0; k < 16; ++k) y.b[k] ^= off + k < data.size() ? data[off + k] : 0;
    y = GfMul(y, h);
  }
  return y;
}
Bytes Pad16(Bytes v) {
  while (v.size() % 16) v.push_back(0);
  return v;
}
Bytes ReferenceGcm(const SecretBytes& key, const Bytes& iv, const Bytes& aad, const Bytes& pt) {
  auto enc = [&](const Block& in) {
    Bytes c = *Sm4EcbEncrypt(key, ByteView(in.b, 16), Padding::kNone);
    Block out;
    std::copy(c.begin(), c.end(), out.b);
    return out;
  };
  Block h = enc(Block{});
  Block j0;
  if (iv.size() == 12) {
    std::copy(iv.begin(), iv.end(), j0.b);
    j0.b[15] = 1;
  } else {
    Bytes s = Pad16(iv);
    Bytes lens(8, 0);
    AppendU64Be(lens, iv.size() * 8);
    Append(s, lens);
    j0 = Ghash(h, s);
  }
  Bytes ct(pt.size());
  Block ctr = j0;
  for (size_t off = 0; off < pt.size(); off += 16) {
    uint32_t c = LoadU32Be(ctr.b + 12) + 1;  // inc32
    StoreU32Be(ctr.b + 12, c);
    Block ks = enc(ctr);
    for (size_t k = 0; k < 16 && off + k < pt.size(); ++k) ct[off + k] = pt[off + k] ^ ks.b[k];
  }
  Bytes s = Pad16(aad);
  Append(s, Pad16(ct));
  AppendU64Be(s, aad.size() * 8);
  AppendU64Be(s, ct.size() * 8);
  Block tag = Ghash(h, s);
  Block ek0 = enc(j0);
  for (int k = 0; k < 16; ++k) tag.b[k] ^= ek0.b[k];
  Append(ct, ByteView(tag.b, 16));
  return ct;
}

TEST(Sm4GcmTest, MatchesReferenceImplementation) {
  SecretBytes key = Key("fedcba98765432100123456789abcdef");
  for (size_t iv_len : {1, 7, 12, 13, 16, 33}) {
    Bytes iv(iv_len), aad(iv_len * 3 % 41), pt(iv_len * 37 % 200 + 1);
    for (size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<uint8_t>(i * 31 + iv_len);
    for (size_t i = 0; i < aad.size(); ++i) aad[i] = static_cast<uint8_t>(i);
    for (size_t i = 0; i < pt.size(); ++i) pt[i] = static_cast<uint8_t>(255 - i);
    EXPECT_EQ(*Sm4GcmEncrypt(key, iv, aad, pt), ReferenceGcm(key, iv, aad, pt)) << iv_len;
  }
}

TEST(Sm4CcmTest, Rfc8998Vector) {
  auto j = LoadJson("vectors/sm4_ccm.json");
  for (const auto& v : j["vectors"]) {
    SecretBytes key = Key(v["key"]);
    Bytes nonce = Hex(v["nonce"]), aad = Hex(v["aad"]), pt = Hex(v["plaintext"]);
    Bytes sealed = Concat(Hex(v["ciphertext"]), Hex(v["tag"]));
    EXPECT_EQ(*Sm4CcmEncrypt(key, nonce, aad, pt), sealed) << v["id"];
    EXPECT_EQ(*Sm4CcmDecrypt(key, nonce, aad, sealed), pt);
    Bytes bad = sealed;
    bad[3] ^= 0x80;
    EXPECT_EQ(Sm4CcmDecrypt(key, nonce, aad, bad).status().code(), StatusCode::kDataLoss);
  }
}

TEST(Sm4CcmTest, ParameterRangesAndRoundTrips) {
  SecretBytes key = Key("000102030405060708090a0b0c0d0e0f");
  for (size_t nonce_len : {7, 10, 13}) {
    for (size_t tag : {4, 10, 16}) {
      for (size_t len : {0, 1, 33}) {
        Bytes nonce(nonce_len, 3), pt(len, 9);
        Bytes aad = len ? Bytes(70000, 1) : Bytes();  // long AAD uses the 0xfffe form
        auto sealed = Sm4CcmEncrypt(key, nonce, aad, pt, tag);
        ASSERT_TRUE(sealed.ok()) << sealed.status();
        EXPECT_EQ(*Sm4CcmDecrypt(key, nonce, aad, *sealed, tag), pt);
      }
    }
  }
  EXPECT_FALSE(Sm4CcmEncrypt(key, Bytes(6), {}, Bytes(1)).ok());
  EXPECT_FALSE(Sm4CcmEncrypt(key, Bytes(14), {}, Bytes(1)).ok());
  EXPECT_FALSE(Sm4CcmEncrypt(key, Bytes(12), {}, Bytes(1), 5).ok());
}

}  // namespace
}  // namespace hetong::crypto
