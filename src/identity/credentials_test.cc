#include "identity/credentials.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/random.h"

namespace hetong::identity {
namespace {

SecretBytes S(std::string_view s) { return SecretBytes::Copy(s); }

TEST(PasswordTest, HashesVerifyAndCarryTheirParameters) {
  crypto::SystemRng rng;
  auto h = HashPassword(S("correct horse"), 1000, rng);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->rfind("pbkdf2-sm3$1000$", 0), 0u) << *h;
  EXPECT_TRUE(*VerifyPassword(S("correct horse"), *h));
  EXPECT_FALSE(*VerifyPassword(S("correct horsf"), *h));
  EXPECT_FALSE(*VerifyPassword(S(""), *h));
  // A fresh salt every time.
  EXPECT_NE(*h, *HashPassword(S("correct horse"), 1000, rng));
  // The stored form never holds the password.
  EXPECT_EQ(h->find("horse"), std::string::npos);
}

TEST(PasswordTest, MalformedStoredHashesAreDataLoss) {
  for (std::string bad : std::vector<std::string>{
           "", "pbkdf2-sm3$", "sha1$1$AA$AA", "pbkdf2-sm3$0$AAAA$" + std::string(43, 'A'),
           "pbkdf2-sm3$99999999999$AAAA$" + std::string(43, 'A'),
           "pbkdf2-sm3$10$!!$" + std::string(43, 'A'), "pbkdf2-sm3$10$AAAA$AAAA"}) {
    auto r = VerifyPassword(S("whatever1"), bad);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << bad;
  }
}

TEST(PasswordTest, PolicyNeedsLengthAndSomeVariety) {
  EXPECT_FALSE(CheckPasswordPolicy(S("short1")).ok());
  EXPECT_FALSE(CheckPasswordPolicy(S("abcdefgh")).ok());
  EXPECT_TRUE(CheckPasswordPolicy(S("abcdefg1")).ok());
  EXPECT_TRUE(CheckPasswordPolicy(S("a long passphrase")).ok());
  EXPECT_TRUE(CheckPasswordPolicy(S("一二三四五六七八")).ok());  // UTF-8: "other" class
  EXPECT_FALSE(CheckPasswordPolicy(S(std::string(257, 'a'))).ok());
}

TEST(TokenTest, TokensAreRandomAndStoredOnlyAsTheirHash) {
  crypto::SystemRng rng;
  auto a = NewToken(rng);
  auto b = NewToken(rng);
  ASSERT_TRUE(a.ok() && b.ok());
  std::string ta(a->token.RevealString(SecretAccess::Unsafe()));
  EXPECT_EQ(ta.size(), 43u);  // 32 bytes, base64url
  EXPECT_NE(ta, b->token.RevealString(SecretAccess::Unsafe()));
  EXPECT_EQ(a->hash, TokenHash(ta));
  EXPECT_EQ(a->hash.size(), 64u);
  EXPECT_EQ(a->hash.find(ta), std::string::npos);
}

// RFC 4648 section 10.
TEST(Base32Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"f", "MY"},         {"fo", "MZXQ"},        {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(AsBytes(plain)), encoded);
  }
  auto d = Base32DecodeSecret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq");  // lower case, spaces
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->RevealString(SecretAccess::Unsafe()), "12345678901234567890");
  EXPECT_FALSE(Base32DecodeSecret("GEZDGNBV1").ok());  // '1' is not base32
  EXPECT_FALSE(Base32DecodeSecret("GEZDGNBV").ok());   // 40 bits: too short a secret
}

// RFC 4226 appendix D.
TEST(HotpTest, Rfc4226Vectors) {
  SecretBytes secret = S("12345678901234567890");
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(Hotp(secret, c), expected[c]) << c;
}

// RFC 6238 appendix B, SHA-1 rows (8 digits).
TEST(TotpTest, Rfc6238Vectors) {
  SecretBytes secret = S("12345678901234567890");
  const std::pair<int64_t, std::string> vectors[] = {{59, "94287082"},
                                                     {1111111109, "07081804"},
                                                     {1111111111, "14050471"},
                                                     {1234567890, "89005924"},
                                                     {2000000000, "69279037"}};
  for (const auto& [t, code] : vectors) {
    EXPECT_EQ(Hotp(secret, TotpStep(base::FromUnixSeconds(t)), 8), code) << t;
  }
  // The last row (T = 20000000000, year 2603) is beyond a nanosecond system_clock time point;
  // its counter is checked directly.
  EXPECT_EQ(Hotp(secret, 20000000000 / 30, 8), "65353130");
}

TEST(TotpTest, AcceptsOneStepOfClockSkewAndNoMore) {
  SecretBytes secret = S("12345678901234567890");
  base::TimePoint t = base::FromUnixSeconds(1234567890);
  uint64_t step = TotpStep(t);
  EXPECT_EQ(TotpMatch(secret, Hotp(secret, step), t), int64_t(step));
  EXPECT_EQ(TotpMatch(secret, Hotp(secret, step - 1), t), int64_t(step - 1));
  EXPECT_EQ(TotpMatch(secret, Hotp(secret, step + 1), t), int64_t(step + 1));
  EXPECT_EQ(TotpMatch(secret, Hotp(secret, step + 2), t), -1);
  EXPECT_EQ(TotpMatch(secret, Hotp(secret, step - 2), t), -1);
  EXPECT_EQ(TotpMatch(secret, "12345", t), -1);
  EXPECT_EQ(TotpUri("hetong demo", "a@b.cn", "ABC"),
            "otpauth://totp/hetong%20demo:a@b.cn?secret=ABC&issuer=hetong%20demo&algorithm=SHA1"
            "&digits=6&period=30");
}

// GB 11643-1999 gives 11010519491231002X and 440524188001010014 as examples.
TEST(IdNumberTest, ResidentIdentityCardCheckCharacter) {
  EXPECT_EQ(*NormaliseResidentIdNumber("11010519491231002X"), "11010519491231002X");
  EXPECT_EQ(*NormaliseResidentIdNumber("11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(*NormaliseResidentIdNumber("440524188001010014"), "440524188001010014");
  EXPECT_FALSE(NormaliseResidentIdNumber("110105194912310021").ok());  // wrong check character
  EXPECT_FALSE(NormaliseResidentIdNumber("11010519491231002").ok());   // 17 characters
  EXPECT_FALSE(NormaliseResidentIdNumber("1101051949123100AX").ok());
  EXPECT_FALSE(NormaliseResidentIdNumber("110105194913310026").ok());  // month 13
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110105********002X");
}

// GB 32100-2015's example code 91350100M000100Y43; the others are public registrations.
TEST(IdNumberTest, UnifiedSocialCreditCodeCheckCharacter) {
  EXPECT_EQ(*NormaliseCreditCode("91350100M000100Y43"), "91350100M000100Y43");
  EXPECT_EQ(*NormaliseCreditCode("91310000ma1fl4b24g"), "91310000MA1FL4B24G");
  EXPECT_EQ(*NormaliseCreditCode("91110000802100433B"), "91110000802100433B");
  EXPECT_FALSE(NormaliseCreditCode("911100001000143370").ok());  // wrong check character
  EXPECT_FALSE(NormaliseCreditCode("91350100M000100Y4").ok());
  EXPECT_FALSE(NormaliseCreditCode("91350100M000100I43").ok());  // I is not used
}

TEST(ContactTest, MobilesAndEmailsAreNormalised) {
  EXPECT_EQ(*NormaliseMobile("+86 138-0013-8000"), "13800138000");
  EXPECT_FALSE(NormaliseMobile("2380013800").ok());
  EXPECT_FALSE(NormaliseMobile("1380013800a").ok());
  EXPECT_EQ(*NormaliseEmail("Zhang.San@Example.CN"), "zhang.san@example.cn");
  for (const char* bad : {"", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b.cn."}) {
    EXPECT_FALSE(NormaliseEmail(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace hetong::identity
