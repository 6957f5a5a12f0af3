#include "crypto/sm2.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/internal/sm2_math.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

TEST(Sm2EncryptTest, KnownAnswersWithFixedK) {
  auto sj = LoadJson("vectors/sm2_sign.json");
  auto j = LoadJson("vectors/sm2_encrypt.json");
  for (const auto& v : j["vectors"]) {
    std::unique_ptr<internal::Sm2Curve> custom;
    const internal::Sm2Curve* curve = &internal::Sm2Curve::Recommended();
    if (v["curve"] != "sm2p256v1") {
      const auto& c = sj["curves"][1];
      std::string p = c["p"], a = c["a"], b = c["b"], gx = c["gx"], gy = c["gy"], n = c["n"];
      custom = *internal::Sm2Curve::FromParams({p, a, b, gx, gy, n});
      curve = custom.get();
    }
    auto pub = curve->DecodePoint(Hex(v["public_key_uncompressed"]));
    ASSERT_TRUE(pub.ok());
    BnPtr k = BnFromBytes(Hex(v["k"]));
    auto ct = internal::EncryptWithK(*curve, pub->get(), Hex(v["msg_hex"]), k.get());
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(base::HexEncode(*ct), v["ciphertext_der"]) << v["id"];
    BnPtr d = BnFromBytes(Hex(v["private_key"]));
    auto pt = internal::Decrypt(*curve, d.get(), *ct);
    ASSERT_TRUE(pt.ok());
    EXPECT_EQ(ToBytes(pt->Reveal(SecretAccess::Unsafe())), Hex(v["msg_hex"]));
  }
}

TEST(Sm2EncryptTest, DecryptsTheStandardCiphertextAndDetectsTampering) {
  auto j = LoadJson("vectors/sm2_encrypt.json");
  const auto& v = j["vectors"][0];
  auto key = PrivateKey::FromSm2Scalar(SecretBytes::Copy(Hex(v["private_key"])));
  ASSERT_TRUE(key.ok());
  auto pt = Sm2Decrypt(*key, Hex(v["ciphertext_der"]));
  ASSERT_TRUE(pt.ok()) << pt.status();
  EXPECT_EQ(pt->RevealString(SecretAccess::Unsafe()), "encryption standard");
  auto bad = Sm2Decrypt(*key, Hex(v["tampered_c3_der"]));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  // Truncated, trailing garbage, wrong C3 length.
  Bytes der = Hex(v["ciphertext_der"]);
  EXPECT_EQ(Sm2Decrypt(*key, ByteView(der).first(der.size() - 1)).status().code(),
            StatusCode::kInvalidArgument);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(Sm2Decrypt(*key, trailing).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Sm2Decrypt(*key, Bytes{0x30, 0x00}).ok());
  // C1 not on the curve.
  Bytes off_curve = der;
  off_curve[10] ^= 1;
  EXPECT_FALSE(Sm2Decrypt(*key, off_curve).ok());
}

TEST(Sm2EncryptTest, RoundTripAndRawForms) {
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  for (size_t len : {1, 16, 1000}) {
    Bytes msg(len, 0x42);
    auto ct = Sm2Encrypt(key->public_key(), msg);
    ASSERT_TRUE(ct.ok());
    EXPECT_EQ(ToBytes(Sm2Decrypt(*key, *ct)->Reveal(SecretAccess::Unsafe())), msg);
    for (auto layout : {Sm2CipherLayout::kC1C3C2, Sm2CipherLayout::kC1C2C3}) {
      auto raw = Sm2CiphertextToRaw(*ct, layout);
      ASSERT_TRUE(raw.ok());
      EXPECT_EQ(raw->size(), 97 + len);
      EXPECT_EQ(*Sm2CiphertextFromRaw(*raw, layout), *ct);
    }
  }
  EXPECT_FALSE(Sm2Encrypt(key->public_key(), {}).ok());
  auto other = PrivateKey::Generate(KeySpec::kSm2);
  auto ct = Sm2Encrypt(key->public_key(), AsBytes("x"));
  EXPECT_EQ(Sm2Decrypt(*other, *ct).status().code(), StatusCode::kDataLoss);
}

TEST(Sm2Test, ZValueAndRawSignature) {
  auto sj = LoadJson("vectors/sm2_sign.json");
  const auto& v = sj["vectors"][0];
  auto pub = PublicKey::FromSm2Point(Hex(v["public_key_uncompressed"]));
  EXPECT_EQ(base::HexEncode(*Sm2ZValue(*pub)), v["za"]);
  EXPECT_EQ(base::HexEncode(*Sm2MessageDigest(*pub, Hex(v["msg_hex"]))), v["e"]);
  Bytes der = Hex(v["signature_der"]);
  auto raw = Sm2SignatureToRaw(der);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(base::HexEncode(*raw), v["signature_raw_r_s"]);
  EXPECT_EQ(*Sm2SignatureFromRaw(*raw), der);
  EXPECT_TRUE(Sm2VerifyDigest(*pub, Hex(v["e"]), der).ok());
  EXPECT_FALSE(Sm2SignatureFromRaw(Bytes(63)).ok());
}

}  // namespace
}  // namespace hetong::crypto
