#include "crypto/envelope.h"

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "crypto/test_util.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using testing::MakeSelfSigned;

TEST(EnvelopeTest, Sm2ToPublicKeyAndToCertificate) {
  auto id = MakeSelfSigned(KeySpec::kSm2, "recipient");
  Bytes msg = ToBytes("身份证号 110101199003071234");
  for (bool with_cert : {false, true}) {
    EnvelopeRecipient to{id.key.public_key(), with_cert ? std::optional(id.cert) : std::nullopt};
    auto env = SealEnvelope(to, msg, DefaultRng());
    ASSERT_TRUE(env.ok()) << env.status();
    auto open = OpenEnvelope(id.key, *env);
    ASSERT_TRUE(open.ok()) << open.status();
    EXPECT_EQ(ToBytes(open->Reveal(SecretAccess::Unsafe())), msg);
    auto stranger = PrivateKey::Generate(KeySpec::kSm2);
    EXPECT_EQ(OpenEnvelope(*stranger, *env).status().code(), StatusCode::kNotFound);
    // Damaged ciphertext: never the plaintext.
    Bytes damaged = *env;
    damaged[damaged.size() - 3] ^= 0xff;
    auto r = OpenEnvelope(id.key, damaged);
    if (r.ok()) {
      EXPECT_NE(ToBytes(r->Reveal(SecretAccess::Unsafe())), msg);
    }
  }
}

TEST(EnvelopeTest, RsaAndEcOpenWithOpenssl) {
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kEcdsaP256}) {
    auto id = MakeSelfSigned(spec, "cms recipient");
    auto env = SealEnvelope(EnvelopeRecipient{id.key.public_key(), id.cert}, AsBytes("secret"),
                            DefaultRng());
    ASSERT_TRUE(env.ok()) << env.status();
    EXPECT_EQ(OpenEnvelope(id.key, *env)->RevealString(SecretAccess::Unsafe()), "secret");
    hetong::testing::TempDir dir;
    dir.Write("env.der", *env);
    dir.Write("key.pem", std::string(id.key.ToPkcs8Pem()->RevealString(SecretAccess::Unsafe())));
    auto r =
        hetong::testing::RunCommand({"openssl", "cms", "-decrypt", "-binary", "-inform", "DER",
                                     "-in", dir.File("env.der"), "-inkey", dir.File("key.pem")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "secret");
    // Without a certificate an RSA envelope cannot be addressed.
    EXPECT_FALSE(SealEnvelope(EnvelopeRecipient{id.key.public_key(), std::nullopt}, AsBytes("x"),
                              DefaultRng())
                     .ok());
  }
}

TEST(EnvelopeTest, MalformedInput) {
  auto key = PrivateKey::Generate(KeySpec::kSm2);
  EXPECT_FALSE(OpenEnvelope(*key, Bytes{}).ok());
  EXPECT_FALSE(OpenEnvelope(*key, Bytes{0x30, 0x00}).ok());
  auto env =
      *SealEnvelope(EnvelopeRecipient{key->public_key(), std::nullopt}, AsBytes("x"), DefaultRng());
  EXPECT_FALSE(OpenEnvelope(*key, ByteView(env).first(env.size() - 1)).ok());
}

}  // namespace
}  // namespace hetong::crypto
