#include "crypto/signature.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/internal/sm2_math.h"
#include "crypto/sm2.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

internal::Sm2CurveParams ParamsOf(const nlohmann::json& c) {
  static std::vector<std::string> keep;  // string_views below point into this
  for (const char* k : {"p", "a", "b", "gx", "gy", "n"}) keep.push_back(c[k]);
  size_t b = keep.size() - 6;
  return {keep[b], keep[b + 1], keep[b + 2], keep[b + 3], keep[b + 4], keep[b + 5]};
}

TEST(Sm2SignatureTest, KnownAnswersOnBothCurvesWithFixedK) {
  auto j = LoadJson("vectors/sm2_sign.json");
  for (const auto& v : j["vectors"]) {
    if (v["result"] != "valid") continue;
    std::unique_ptr<internal::Sm2Curve> custom;
    const internal::Sm2Curve* curve = &internal::Sm2Curve::Recommended();
    if (v["curve"] != "sm2p256v1") {
      custom = *internal::Sm2Curve::FromParams(ParamsOf(j["curves"][1]));
      curve = custom.get();
    }
    BnPtr d = BnFromBytes(Hex(v["private_key"]));
    BnPtr k = BnFromBytes(Hex(v["k"]));
    EcPointPtr pub = curve->Mul(d.get(), nullptr, nullptr);
    Bytes za = curve->ZValue(AsBytes(v["id_ascii"].get<std::string>()), pub.get());
    EXPECT_EQ(base::HexEncode(za), v["za"]) << v["id"];
    Bytes e = Sm3(Concat(za, Hex(v["msg_hex"])));
    EXPECT_EQ(base::HexEncode(e), v["e"]);
    auto sig = internal::SignDigestWithK(*curve, d.get(), e, k.get());
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(base::HexEncode(sig->r), v["r"]) << v["id"];
    EXPECT_EQ(base::HexEncode(sig->s), v["s"]) << v["id"];
    EXPECT_EQ(base::HexEncode(EncodeEcSignatureDer(sig->r, sig->s)), v["signature_der"]);
    EXPECT_TRUE(internal::VerifyDigest(*curve, pub.get(), e, sig->r, sig->s).ok());
  }
}

TEST(Sm2SignatureTest, OpensslVerifiesTheStandardSignatureAndRejectsNegatives) {
  auto j = LoadJson("vectors/sm2_sign.json");
  int negatives = 0;
  for (const auto& v : j["vectors"]) {
    if (v.contains("curve") && v["curve"] != "sm2p256v1") continue;
    auto pub = PublicKey::FromSm2Point(Hex(v["public_key_uncompressed"]));
    ASSERT_TRUE(pub.ok());
    Status s = VerifySignature(*pub, SignatureAlgorithm::kSm2Sm3, Hex(v["msg_hex"]),
                               Hex(v["signature_der"]), v["id_ascii"].get<std::string>());
    if (v["result"] == "valid") {
      EXPECT_TRUE(s.ok()) << v["id"] << ": " << s;
    } else {
      EXPECT_FALSE(s.ok()) << v["id"];
      ++negatives;
    }
  }
  EXPECT_GE(negatives, 7);
}

TEST(Sm2SignatureTest, MalformedSignaturesAreRejected) {
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  auto signer = NewSigner(*key);
  Bytes msg = ToBytes("contract");
  Bytes sig = *(*signer)->Sign(msg);
  auto verify = [&](ByteView s) {
    return VerifySignature(key->public_key(), SignatureAlgorithm::kSm2Sm3, msg, s);
  };
  EXPECT_TRUE(verify(sig).ok());
  Bytes trailing = sig;
  trailing.push_back(0);
  EXPECT_EQ(verify(trailing).message(), "malformed signature");
  EXPECT_EQ(verify(ByteView(sig).first(sig.size() - 1)).message(), "malformed signature");
  EXPECT_FALSE(verify(Bytes{}).ok());
  // r = 0, s = 0
  EXPECT_FALSE(verify(EncodeEcSignatureDer(Bytes{0}, Bytes(32, 1))).ok());
  EXPECT_FALSE(verify(EncodeEcSignatureDer(Bytes(32, 1), Bytes{0})).ok());
  // r, s >= n
  Bytes n = Hex("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
  auto parts = ParseEcSignatureDer(sig);
  EXPECT_FALSE(verify(EncodeEcSignatureDer(n, parts->s)).ok());
  EXPECT_FALSE(verify(EncodeEcSignatureDer(parts->r, n)).ok());
  // A different ID does not verify.
  EXPECT_FALSE(
      VerifySignature(key->public_key(), SignatureAlgorithm::kSm2Sm3, msg, sig, "other").ok());
}

TEST(SignatureTest, RsaAndEcdsaRoundTrips) {
  struct Case {
    KeySpec spec;
    SignatureAlgorithm alg;
  };
  for (Case c : {Case{KeySpec::kRsa2048, SignatureAlgorithm::kRsaPkcs1Sha256},
                 Case{KeySpec::kRsa2048, SignatureAlgorithm::kRsaPssSha256},
                 Case{KeySpec::kRsa2048, SignatureAlgorithm::kRsaPkcs1Sha512},
                 Case{KeySpec::kEcdsaP256, SignatureAlgorithm::kEcdsaSha256},
                 Case{KeySpec::kSm2, SignatureAlgorithm::kSm2Sm3}}) {
    auto key = PrivateKey::Generate(c.spec);
    auto signer = NewSigner(*key, c.alg);
    ASSERT_TRUE(signer.ok());
    Bytes msg = ToBytes("合同 contract");
    Bytes sig = *(*signer)->Sign(msg);
    EXPECT_TRUE(VerifySignature(key->public_key(), c.alg, msg, sig).ok())
        << SignatureAlgorithmName(c.alg);
    msg[0] ^= 1;
    EXPECT_FALSE(VerifySignature(key->public_key(), c.alg, msg, sig).ok());
  }
}

TEST(SignatureTest, AlgorithmMustFitTheKey) {
  auto rsa = PrivateKey::Generate(KeySpec::kRsa2048);
  EXPECT_FALSE(NewSigner(*rsa, SignatureAlgorithm::kSm2Sm3).ok());
  EXPECT_FALSE(NewSigner(*rsa, SignatureAlgorithm::kRsaPkcs1Sha1).ok());
  auto sm2 = PrivateKey::Generate(KeySpec::kSm2);
  EXPECT_FALSE(NewVerifier(sm2->public_key(), SignatureAlgorithm::kEcdsaSha256).ok());
}

}  // namespace
}  // namespace hetong::crypto
