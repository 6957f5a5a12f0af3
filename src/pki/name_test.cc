#include "pki/name.h"

#include <gtest/gtest.h>

#include "base/der.h"
#include "base/encoding.h"
#include "pki/oids.h"

namespace hetong::pki {
namespace {

TEST(NameTest, ChineseNamesUseUtf8AndProperAttributes) {
  DistinguishedName dn;
  dn.Country("CN")
      .Organization("北京某某科技有限公司")
      .CommonName("张三")
      .SerialNumber("110101199003071234");
  auto der = dn.Encode();
  ASSERT_TRUE(der.ok()) << der.status();
  auto back = DistinguishedName::Parse(*der);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->common_name(), "张三");
  EXPECT_EQ(back->ToString(),
            "serialNumber=110101199003071234,CN=张三,O=北京某某科技有限公司,C=CN");
  ASSERT_EQ(back->attributes().size(), 4u);
  EXPECT_EQ(back->attributes()[0].tag, base::der::kPrintableString);  // C
  EXPECT_EQ(back->attributes()[1].tag, base::der::kUtf8String);       // O
  EXPECT_EQ(back->attributes()[3].tag, base::der::kPrintableString);  // serialNumber
  EXPECT_TRUE(NamesMatch(*der, *der));
  // Normalised comparison for names from other CAs (case, spaces).
  DistinguishedName a, b;
  a.Country("CN").CommonName("Test  CA");
  b.Country("CN").CommonName("test ca");
  EXPECT_TRUE(NamesMatch(*a.Encode(), *b.Encode()));
  DistinguishedName c;
  c.Country("CN").CommonName("other");
  EXPECT_FALSE(NamesMatch(*a.Encode(), *c.Encode()));
}

TEST(NameTest, RejectsBadValues) {
  EXPECT_FALSE(DistinguishedName().Country("CHN").Encode().ok());
  EXPECT_FALSE(DistinguishedName().CommonName("").Encode().ok());
  EXPECT_FALSE(DistinguishedName().SerialNumber("号码").Encode().ok());
  EXPECT_FALSE(DistinguishedName().CommonName(std::string("\xff\xfe", 2)).Encode().ok());
  EXPECT_FALSE(DistinguishedName::Parse(Bytes{0x30, 0x03, 0x31, 0x01}).ok());
}

TEST(NameTest, IdentityNumberChecks) {
  EXPECT_TRUE(IsValidChineseIdNumber("11010519491231002X"));
  EXPECT_TRUE(IsValidChineseIdNumber("11010519491231002x"));
  EXPECT_FALSE(IsValidChineseIdNumber("110105194912310021"));
  EXPECT_FALSE(IsValidChineseIdNumber("1101051949123100"));
  EXPECT_TRUE(IsValidUnifiedSocialCreditCode("91350100M000100Y43"));
  EXPECT_FALSE(IsValidUnifiedSocialCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(IsValidUnifiedSocialCreditCode("91350100M000100YI3"));
}

}  // namespace
}  // namespace hetong::pki
