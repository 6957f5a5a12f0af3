#include "notify/mime.h"

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "base/encoding.h"

namespace hetong::notify {
namespace {

// Decodes the encoded-words of a header value (test helper; B encoding, UTF-8 only).
std::string DecodeWords(const std::string& value) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t start = value.find("=?UTF-8?B?", i);
    if (start == std::string::npos) break;
    size_t end = value.find("?=", start + 10);
    auto bytes = base::Base64Decode(value.substr(start + 10, end - start - 10));
    EXPECT_TRUE(bytes.ok());
    out.append(bytes->begin(), bytes->end());
    i = end + 2;
  }
  return out;
}

TEST(MimeTest, AddressesRefuseHeaderInjection) {
  EXPECT_TRUE(CheckAddress("alice@example.cn").ok());
  EXPECT_TRUE(CheckAddress("a.b+tag@mail.example.cn").ok());
  EXPECT_FALSE(CheckAddress("alice@example.cn\r\nBcc: eve@evil.test").ok());
  EXPECT_FALSE(CheckAddress("alice@example.cn\nBcc: eve@evil.test").ok());
  EXPECT_FALSE(CheckAddress("alice@example.cn>").ok());
  EXPECT_FALSE(CheckAddress("alice example@cn").ok());
  EXPECT_FALSE(CheckAddress("alice").ok());
  EXPECT_FALSE(CheckAddress("@example.cn").ok());
  EXPECT_FALSE(CheckAddress("a@b@c").ok());
  EXPECT_FALSE(CheckAddress("").ok());
  EXPECT_FALSE(CheckAddress(std::string(250, 'a') + "@b.cn").ok());
}

TEST(MimeTest, HeaderTextRefusesControlCharacters) {
  EXPECT_TRUE(CheckHeaderText("合同待签署 / contract to sign", "subject").ok());
  EXPECT_FALSE(CheckHeaderText("hello\r\nBcc: eve@evil.test", "subject").ok());
  EXPECT_FALSE(CheckHeaderText("hello\n", "subject").ok());
  EXPECT_FALSE(CheckHeaderText("tab\there", "subject").ok());
  EXPECT_FALSE(CheckHeaderText("\xff\xfe", "subject").ok());  // not UTF-8
  EXPECT_FALSE(CheckHeaderText(std::string(901, 'a'), "subject").ok());
}

TEST(MimeTest, AsciiSubjectsStayAsTheyAre) {
  EXPECT_EQ(EncodeHeaderText("hetong login code"), "hetong login code");
  // Text that looks like an encoded word is encoded, so that it is not read as one.
  EXPECT_EQ(DecodeWords(EncodeHeaderText("=?x?=")), "=?x?=");
}

TEST(MimeTest, NonAsciiSubjectsBecomeEncodedWordsSplitBetweenCharacters) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "合同";  // 240 bytes of 3-byte characters
  std::string encoded = EncodeHeaderText(subject);
  EXPECT_EQ(DecodeWords(encoded), subject);
  size_t pos = 0;
  int words = 0;
  while (pos < encoded.size()) {
    size_t next = encoded.find("\r\n ", pos);
    std::string word =
        encoded.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    // Every word decodes to whole characters (a multiple of 3 bytes here).
    EXPECT_EQ(DecodeWords(word).size() % 3, 0u);
    ++words;
    if (next == std::string::npos) break;
    pos = next + 3;
  }
  EXPECT_GE(words, 6);
}

TEST(MimeTest, MessageHasTheHeadersAndABase64Body) {
  MailContent mail{"noreply@hetong.test", "合同平台", "bob@example.cn", "您的登录码",
                   "line one\nline two\r\n.starts with a dot\n"};
  auto m = BuildMessage(mail, base::FromUnixSeconds(1767225600), "<abc@hetong.test>");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_NE(m->find("Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(m->find("From: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m->find(" <noreply@hetong.test>\r\n"), std::string::npos);
  EXPECT_NE(m->find("To: bob@example.cn\r\n"), std::string::npos);
  EXPECT_NE(m->find("Message-ID: <abc@hetong.test>\r\n"), std::string::npos);
  EXPECT_NE(m->find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m->find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m->find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  size_t subject = m->find("Subject: ");
  EXPECT_EQ(DecodeWords(m->substr(subject, m->find("\r\n", subject) - subject)), "您的登录码");
  std::string body = m->substr(m->find("\r\n\r\n") + 4);
  std::string b64;
  for (char c : body) {
    if (c != '\r' && c != '\n') b64 += c;
  }
  auto decoded = base::Base64Decode(b64);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()),
            "line one\r\nline two\r\n.starts with a dot\r\n");
  // Base64 lines are at most 76 characters.
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    EXPECT_LE(eol - pos, 76u);
    pos = eol + 2;
  }
}

TEST(MimeTest, AsciiDisplayNamesAreQuoted) {
  MailContent mail{"noreply@hetong.test", "Hetong \"Notices\"", "bob@example.cn", "s", "b"};
  auto m = BuildMessage(mail, base::FromUnixSeconds(0), "<x@y>");
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->find("From: \"Hetong \\\"Notices\\\"\" <noreply@hetong.test>\r\n"),
            std::string::npos);
}

TEST(MimeTest, BuildMessageRefusesInjection) {
  MailContent mail{"noreply@hetong.test", "", "bob@example.cn", "hi\r\nBcc: eve@evil.test", "b"};
  EXPECT_EQ(BuildMessage(mail, base::FromUnixSeconds(0), "<x@y>").status().code(),
            StatusCode::kInvalidArgument);
  mail.subject = "hi";
  mail.to = "bob@example.cn\r\nBcc: eve@evil.test";
  EXPECT_EQ(BuildMessage(mail, base::FromUnixSeconds(0), "<x@y>").status().code(),
            StatusCode::kInvalidArgument);
  mail.to = "bob@example.cn";
  mail.from_name = "x\ny";
  EXPECT_EQ(BuildMessage(mail, base::FromUnixSeconds(0), "<x@y>").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MimeTest, DotStuffing) {
  EXPECT_EQ(DotStuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(DotStuff(".\r\n"), "..\r\n.\r\n");
  EXPECT_EQ(DotStuff("no final line end"), "no final line end\r\n.\r\n");
  // Bare LF and CR become CRLF, so "\n.\n" cannot end the data early.
  EXPECT_EQ(DotStuff("a\n.\nb\rc"), "a\r\n..\r\nb\r\nc\r\n.\r\n");
  EXPECT_EQ(DotStuff(""), "\r\n.\r\n");
}

TEST(MimeTest, MailDate) {
  EXPECT_EQ(FormatMailDate(base::FromUnixSeconds(0)), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatMailDate(base::FromUnixSeconds(1795708450)), "Thu, 26 Nov 2026 15:54:10 +0000");
}

}  // namespace
}  // namespace hetong::notify
