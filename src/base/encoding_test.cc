#include "base/encoding.h"

#include <gtest/gtest.h>

namespace hetong::base {
namespace {

TEST(HexTest, RoundTrip) {
  Bytes b = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(HexEncode(b), "0001abff");
  EXPECT_EQ(HexEncodeUpper(b), "0001ABFF");
  EXPECT_EQ(*HexDecode("0001ABff"), b);
  EXPECT_TRUE(HexDecode("").ok());
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(HexDecode("0x00").ok());
}

TEST(Base64Test, Rfc4648Vectors) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : cases) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), enc);
    EXPECT_EQ(ToString(*Base64Decode(enc)), plain);
  }
}

TEST(Base64Test, RejectsBadInput) {
  EXPECT_FALSE(Base64Decode("Zg=").ok());                        // bad padding
  EXPECT_FALSE(Base64Decode("Zh==").ok());                       // non-canonical trailing bits
  EXPECT_FALSE(Base64Decode("Z===").ok());                       // too much padding
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());                      // outside alphabet
  EXPECT_FALSE(Base64Decode("Zm9vY").ok());                      // truncated
  EXPECT_EQ(ToString(*Base64Decode("Zm9v\r\nYmFy")), "foobar");  // line breaks skipped
}

TEST(Base64Test, UrlSafe) {
  Bytes b = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64Encode(b), "+/+/");
  EXPECT_EQ(Base64UrlEncode(b), "-_-_");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), b);
  EXPECT_EQ(Base64UrlEncode(AsBytes("f")), "Zg");
  EXPECT_EQ(ToString(*Base64UrlDecode("Zg")), "f");
}

TEST(PemTest, EncodeDecode) {
  Bytes der(100);
  for (size_t i = 0; i < der.size(); ++i) der[i] = static_cast<uint8_t>(i);
  std::string pem = PemEncode("CERTIFICATE", der);
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_TRUE(LooksLikePem(AsBytes("  \n" + pem)));
  EXPECT_FALSE(LooksLikePem(der));
  EXPECT_EQ(*PemDecode(pem, "CERTIFICATE"), der);
  EXPECT_EQ(PemDecode(pem, "PRIVATE KEY").status().code(), StatusCode::kNotFound);
  auto all = PemDecodeAll("junk\n" + pem + "between\n" + PemEncode("X509 CRL", AsBytes("a")));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].label, "X509 CRL");
}

TEST(PemTest, RejectsMalformed) {
  EXPECT_FALSE(PemDecodeAll("no pem here").ok());
  EXPECT_FALSE(PemDecodeAll("-----BEGIN X-----\nAAAA\n").ok());                 // no END
  EXPECT_FALSE(PemDecodeAll("-----BEGIN X-----\nA!AA\n-----END X-----").ok());  // bad b64
  EXPECT_FALSE(PemDecodeAll("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                            "-----END RSA PRIVATE KEY-----\n")
                   .ok());
}

TEST(TrimSpacesTest, SpacesAndTabsAtTheEnds) {
  EXPECT_EQ(TrimSpaces(" \t a b\t "), "a b");
  EXPECT_EQ(TrimSpaces("a"), "a");
  EXPECT_EQ(TrimSpaces(" \t "), "");
  EXPECT_EQ(TrimSpaces(""), "");
  EXPECT_EQ(TrimSpaces("\r\na\n"), "\r\na\n");  // only spaces and tabs
}

}  // namespace
}  // namespace hetong::base
