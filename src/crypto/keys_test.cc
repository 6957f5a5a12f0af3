#include "crypto/keys.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/encoding.h"
#include "crypto/test_util.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

TEST(KeysTest, GenerateEveryKindAndRoundTripPem) {
  for (KeySpec spec : {KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256}) {
    auto key = PrivateKey::Generate(spec);
    ASSERT_TRUE(key.ok()) << key.status();
    auto pem = key->ToPkcs8Pem();
    ASSERT_TRUE(pem.ok());
    EXPECT_EQ(pem->RevealString(SecretAccess::Unsafe()).rfind("-----BEGIN PRIVATE KEY-----", 0),
              0u);
    auto back = PrivateKey::FromPem(pem->RevealString(SecretAccess::Unsafe()));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->type(), key->type());
    EXPECT_TRUE(back->public_key().Equals(key->public_key()));
    auto pub = PublicKey::FromPem(key->public_key().ToPem());
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->Equals(key->public_key()));
    EXPECT_EQ(pub->Fingerprint().size(), 64u);
  }
}

TEST(KeysTest, EncryptedPkcs8NeedsTheRightPassword) {
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  ASSERT_TRUE(key.ok());
  SecretBytes pw = SecretBytes::Copy(std::string_view("s3cret pass"));
  auto pem = key->ToPkcs8Pem(&pw);
  ASSERT_TRUE(pem.ok());
  std::string text(pem->RevealString(SecretAccess::Unsafe()));
  EXPECT_NE(text.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(PrivateKey::FromPem(text, &pw).ok());
  auto no_pw = PrivateKey::FromPem(text);
  ASSERT_FALSE(no_pw.ok());
  EXPECT_NE(no_pw.status().message().find("password"), std::string::npos);
  SecretBytes wrong = SecretBytes::Copy(std::string_view("wrong"));
  auto bad = PrivateKey::FromPem(text, &wrong);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("wrong password"), std::string::npos);
}

TEST(KeysTest, RefusesAbsurdPbkdf2IterationCounts) {
  hetong::testing::TempDir dir;
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  dir.Write("k.pem", std::string(key->ToPkcs8Pem()->RevealString(SecretAccess::Unsafe())));
  auto r = hetong::testing::RunCommand({"openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter",
                                        "65536", "-passout", "pass:pw", "-outform", "DER", "-in",
                                        dir.File("k.pem"), "-out", dir.File("k.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Bytes der = dir.Read("k.der");
  SecretBytes pw = SecretBytes::Copy(std::string_view("pw"));
  EXPECT_TRUE(PrivateKey::FromPkcs8Der(der, &pw).ok());
  // A file that asks for more than ten million iterations is refused before any work.
  r = hetong::testing::RunCommand({"openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-iter",
                                   "20000000", "-passout", "pass:pw", "-outform", "DER", "-in",
                                   dir.File("k.pem"), "-out", dir.File("slow.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto start = std::chrono::steady_clock::now();
  SecretBytes wrong = SecretBytes::Copy(std::string_view("nope"));
  auto slow = PrivateKey::FromPkcs8Der(dir.Read("slow.der"), &wrong);
  EXPECT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("iterations"), std::string::npos) << slow.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(KeysTest, Sm2KeyFromStandardScalar) {
  auto j = LoadJson("vectors/sm2_sign.json");
  const auto& v = j["vectors"][0];
  auto key = PrivateKey::FromSm2Scalar(SecretBytes::Copy(Hex(v["private_key"])));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(base::HexEncode(*key->public_key().EcPoint()), v["public_key_uncompressed"]);
  EXPECT_EQ(base::HexEncode(key->public_key().ToSpkiDer()), v["public_key_spki_der"]);
  auto pub = PublicKey::FromSpkiDer(Hex(v["public_key_spki_der"]));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->type(), KeyType::kSm2);
  // Out-of-range scalars are refused.
  EXPECT_FALSE(PrivateKey::FromSm2Scalar(SecretBytes(32)).ok());
  EXPECT_FALSE(PrivateKey::FromSm2Scalar(
                   SecretBytes::Copy(
                       Hex("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123")))
                   .ok());
}

TEST(KeysTest, RejectsGarbageClearly) {
  EXPECT_FALSE(PrivateKey::FromPem("not a key").ok());
  EXPECT_FALSE(
      PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
  EXPECT_FALSE(PrivateKey::Parse(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}).ok());
  EXPECT_FALSE(PublicKey::FromSpkiDer(Bytes{0x30, 0x00}).ok());
  EXPECT_FALSE(PublicKey::FromSm2Point(Bytes(65, 0x04)).ok());  // not on the curve
  EXPECT_FALSE(PublicKey::FromSm2Point(Bytes(33, 0x02)).ok());
  // Trailing garbage after a valid SPKI.
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  Bytes spki = key->public_key().ToSpkiDer();
  spki.push_back(0);
  EXPECT_FALSE(PublicKey::FromSpkiDer(spki).ok());
}

TEST(KeysTest, OpensslReadsOurKeysAndWeReadTheirs) {
  hetong::testing::TempDir dir;
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  SecretBytes pw = SecretBytes::Copy(std::string_view("pw12345"));
  dir.Write("k.pem", std::string(key->ToPkcs8Pem(&pw)->RevealString(SecretAccess::Unsafe())));
  auto r = hetong::testing::RunCommand(
      {"openssl", "pkey", "-in", dir.File("k.pem"), "-passin", "pass:pw12345", "-pubout"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, key->public_key().ToPem());
  r = hetong::testing::RunCommand({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                   "ec_paramgen_curve:P-256", "-out", dir.File("ec.pem")});
  ASSERT_EQ(r.exit_code, 0);
  auto ec = PrivateKey::Parse(dir.Read("ec.pem"));
  ASSERT_TRUE(ec.ok()) << ec.status();
  EXPECT_EQ(ec->type(), KeyType::kEcP256);
}

}  // namespace
}  // namespace hetong::crypto
