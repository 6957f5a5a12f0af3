#include "crypto/cms.h"

#include <gtest/gtest.h>

#include "base/der.h"
#include "crypto/oids.h"
#include "crypto/openssl_util.h"
#include "crypto/test_util.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using testing::MakeSelfSigned;

class CmsTest : public ::testing::TestWithParam<KeySpec> {};

TEST_P(CmsTest, SignAndVerifyAttachedAndDetached) {
  auto id = MakeSelfSigned(GetParam(), "cms signer");
  auto signer = NewSigner(id.key);
  ASSERT_TRUE(signer.ok());
  Bytes content = ToBytes("电子合同 content");
  for (bool detached : {false, true}) {
    CmsSignOptions opts;
    opts.detached = detached;
    opts.signing_time = base::FromUnixSeconds(1795708450);
    auto der = CmsSign(**signer, id.cert, content, opts);
    ASSERT_TRUE(der.ok()) << der.status();
    auto sd = ParseCmsSignedData(*der);
    ASSERT_TRUE(sd.ok()) << sd.status();
    EXPECT_EQ(sd->gbt35275, GetParam() == KeySpec::kSm2);
    EXPECT_EQ(sd->content.has_value(), !detached);
    auto check = CmsVerify(*sd, &content);
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(check->status, CmsSignatureStatus::kValid) << check->detail;
    EXPECT_EQ(check->signing_time, opts.signing_time);
    EXPECT_FALSE(check->sm2_without_z);
    // Other content: digest mismatch.
    Bytes other = ToBytes("tampered");
    if (detached) {
      EXPECT_EQ(CmsVerify(*sd, &other)->status, CmsSignatureStatus::kDigestMismatch);
    }
    // A flipped signature byte: invalid signature.
    sd->signers[0].signature[10] ^= 1;
    EXPECT_EQ(CmsVerify(*sd, &content)->status, CmsSignatureStatus::kSignatureInvalid);
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CmsTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256));

TEST(CmsInteropTest, OpensslVerifiesOurRsaAndEcdsaSignedData) {
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kEcdsaP256}) {
    auto id = MakeSelfSigned(spec, "interop");
    auto signer = *NewSigner(id.key);
    CmsSignOptions opts;
    auto der = CmsSign(*signer, id.cert, AsBytes("hello cms"), opts);
    ASSERT_TRUE(der.ok());
    hetong::testing::TempDir dir;
    dir.Write("sig.der", *der);
    dir.Write("cert.der", id.cert.der);
    auto conv = hetong::testing::RunCommand({"openssl", "x509", "-inform", "DER", "-in",
                                             dir.File("cert.der"), "-out", dir.File("cert.pem")});
    ASSERT_EQ(conv.exit_code, 0);
    auto r = hetong::testing::RunCommand({"openssl", "cms", "-verify", "-inform", "DER", "-in",
                                          dir.File("sig.der"), "-CAfile", dir.File("cert.pem"),
                                          "-binary"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello cms");
  }
}

TEST(CmsInteropTest, WeVerifyOpensslSignedData) {
  auto id = MakeSelfSigned(KeySpec::kRsa2048, "openssl signer");
  hetong::testing::TempDir dir;
  dir.Write("key.pem", std::string(id.key.ToPkcs8Pem()->RevealString(SecretAccess::Unsafe())));
  dir.Write("cert.der", id.cert.der);
  dir.Write("data.txt", std::string("signed by openssl"));
  ASSERT_EQ(hetong::testing::RunCommand({"openssl", "x509", "-inform", "DER", "-in",
                                         dir.File("cert.der"), "-out", dir.File("cert.pem")})
                .exit_code,
            0);
  auto r = hetong::testing::RunCommand({"openssl", "cms", "-sign", "-binary", "-nodetach",
                                        "-outform", "DER", "-in", dir.File("data.txt"), "-signer",
                                        dir.File("cert.pem"), "-inkey", dir.File("key.pem"), "-out",
                                        dir.File("sig.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto sd = ParseCmsSignedData(dir.Read("sig.der"));
  ASSERT_TRUE(sd.ok()) << sd.status();
  auto check = CmsVerify(*sd);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->status, CmsSignatureStatus::kValid) << check->detail;
}

TEST(CmsTest, Sm2SignatureWithoutZIsRecognised) {
  // A GmSSL-style SignerInfo: the SM2 signature is over SM3(signed attributes), no Z_A.
  auto id = MakeSelfSigned(KeySpec::kSm2, "gmssl style");
  auto der = CmsSign(**NewSigner(id.key), id.cert, AsBytes("x"), CmsSignOptions{});
  auto sd = *ParseCmsSignedData(*der);
  // Re-sign the attributes in the no-Z form with a raw EVP signature over the digest.
  // (EVP_PKEY_sign on an SM2 key signs the given digest directly.)
  Bytes digest = Sm3(sd.signers[0].signed_attrs_der);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(id.key.evp(), nullptr));
  ASSERT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_sign(ctx.get(), nullptr, &len, digest.data(), digest.size()), 1);
  Bytes sig(len);
  ASSERT_EQ(EVP_PKEY_sign(ctx.get(), sig.data(), &len, digest.data(), digest.size()), 1);
  sig.resize(len);
  sd.signers[0].signature = sig;
  Bytes content = ToBytes("x");
  auto check = CmsVerify(sd, &content);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->status, CmsSignatureStatus::kValid);
  EXPECT_TRUE(check->sm2_without_z);
}

TEST(CmsTest, MalformedInputIsAnError) {
  EXPECT_FALSE(ParseCmsSignedData(Bytes{}).ok());
  EXPECT_FALSE(ParseCmsSignedData(Bytes{0x30, 0x03, 0x06, 0x01, 0x00}).ok());
  auto id = MakeSelfSigned(KeySpec::kSm2, "trunc");
  auto der = *CmsSign(**NewSigner(id.key), id.cert, AsBytes("x"), CmsSignOptions{});
  for (size_t cut : {size_t{1}, der.size() / 2, der.size() - 1}) {
    EXPECT_FALSE(ParseCmsSignedData(ByteView(der).first(cut)).ok());
  }
  der.push_back(0);
  EXPECT_FALSE(ParseCmsSignedData(der).ok());
  // The wrong certificate for the key.
  auto other = MakeSelfSigned(KeySpec::kSm2, "other");
  EXPECT_FALSE(CmsSign(**NewSigner(id.key), other.cert, AsBytes("x"), CmsSignOptions{}).ok());
}

}  // namespace
}  // namespace hetong::crypto
