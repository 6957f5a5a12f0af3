// The SMTP client against a real SMTP server on 127.0.0.1 (testing/smtp_sink.h).

#include "notify/smtp.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/encoding.h"
#include "crypto/random.h"
#include "testing/smtp_sink.h"
#include "testing/testing.h"

namespace hetong::notify {
namespace {

using testing::SmtpSink;

std::string Header(const std::string& message, const std::string& name) {
  std::string data = "\r\n" + message;
  size_t p = data.find("\r\n" + name + ": ");
  if (p == std::string::npos) return "";
  p += name.size() + 4;
  std::string value;
  while (true) {
    size_t eol = data.find("\r\n", p);
    value += data.substr(p, eol - p);
    if (data.compare(eol + 2, 1, " ") != 0) break;  // folded continuation
    p = eol + 3;
  }
  return value;
}

std::string DecodeWords(const std::string& value) {
  if (value.find("=?UTF-8?B?") == std::string::npos) return value;
  std::string out;
  size_t i = 0;
  while ((i = value.find("=?UTF-8?B?", i)) != std::string::npos) {
    size_t end = value.find("?=", i + 10);
    auto bytes = base::Base64Decode(value.substr(i + 10, end - i - 10));
    out.append(bytes->begin(), bytes->end());
    i = end + 2;
  }
  return out;
}

std::string Body(const std::string& data) {
  std::string b64;
  for (char c : data.substr(data.find("\r\n\r\n") + 4)) {
    if (c != '\r' && c != '\n') b64 += c;
  }
  auto bytes = base::Base64Decode(b64);
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : "<bad base64>";
}

class SmtpTest : public ::testing::Test {
 protected:
  SmtpOptions Options() const {
    SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = static_cast<uint16_t>(sink_.port());
    o.tls = SmtpTls::kNone;
    o.from = "noreply@hetong.test";
    o.from_name = "hetong";
    o.helo = "hetong.test";
    o.timeout = std::chrono::milliseconds(2000);
    return o;
  }
  SmtpClient Client(SmtpOptions o, std::string_view password = "") {
    return SmtpClient(std::move(o), SecretBytes::Copy(password), clock_, crypto::DefaultRng());
  }

  SmtpSink sink_;
  base::FakeClock clock_{base::FromUnixSeconds(1767225600)};
};

TEST_F(SmtpTest, SendsANonAsciiMessage) {
  auto client = Client(Options());
  Status s =
      client.Send("bob@example.cn", "合同《采购协议》待您签署", "您好，\n请点击链接签署。\n");
  ASSERT_TRUE(s.ok()) << s;
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].from, "noreply@hetong.test");
  ASSERT_EQ(msgs[0].to.size(), 1u);
  EXPECT_EQ(msgs[0].to[0], "bob@example.cn");
  EXPECT_EQ(DecodeWords(Header(msgs[0].data, "Subject")), "合同《采购协议》待您签署");
  EXPECT_EQ(Header(msgs[0].data, "To"), "bob@example.cn");
  EXPECT_EQ(Header(msgs[0].data, "Date"), "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_NE(Header(msgs[0].data, "Message-ID").find("@hetong.test>"), std::string::npos);
  EXPECT_EQ(Body(msgs[0].data), "您好，\r\n请点击链接签署。\r\n");
  auto cmds = sink_.commands();
  ASSERT_GE(cmds.size(), 5u);
  EXPECT_EQ(cmds[0], "EHLO hetong.test");
  EXPECT_EQ(cmds.back(), "QUIT");
}

TEST_F(SmtpTest, DotStuffingSurvivesTheTrip) {
  auto client = Client(Options());
  std::string data = "Subject: dots\r\n\r\n.one dot\r\n..two dots\r\n.\r\nend\r\n";
  ASSERT_TRUE(client.SendRaw("a@hetong.test", {"b@example.cn", "c@example.cn"}, data).ok());
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].data, data);
  EXPECT_EQ(msgs[0].to.size(), 2u);
}

TEST_F(SmtpTest, AuthPlainAndLogin) {
  sink_.RequireAuth("mailer", "S3cret-Canary-991");
  SmtpOptions o = Options();
  o.username = "mailer";
  ASSERT_TRUE(Client(o, "S3cret-Canary-991").Send("bob@example.cn", "s", "b").ok());
  sink_.SetAuthMechanisms("LOGIN");
  ASSERT_TRUE(Client(o, "S3cret-Canary-991").Send("bob@example.cn", "s", "b").ok());
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].auth_user, "mailer");
  EXPECT_EQ(msgs[1].auth_user, "mailer");

  Status wrong = Client(o, "wrong-Canary-1234").Send("bob@example.cn", "s", "b");
  EXPECT_EQ(wrong.code(), StatusCode::kUnavailable) << wrong;
  EXPECT_NE(wrong.message().find("535"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.message().find("Canary"), std::string::npos) << wrong;
  EXPECT_FALSE(IsPermanentFailure(wrong));

  // Without a username the server refuses MAIL (530): permanent for that message.
  Status unauthenticated = Client(Options()).Send("bob@example.cn", "s", "b");
  EXPECT_NE(unauthenticated.message().find("530"), std::string::npos) << unauthenticated;
}

TEST_F(SmtpTest, NoPasswordWithoutAServerMechanism) {
  sink_.SetAuthMechanisms("");
  SmtpOptions o = Options();
  o.username = "mailer";
  Status s = Client(o, "pw").Send("bob@example.cn", "s", "b");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("AUTH"), std::string::npos) << s;
}

TEST_F(SmtpTest, TransientAndPermanentReplies) {
  auto client = Client(Options());
  sink_.FailNext(SmtpSink::Stage::kRcpt, 451);
  Status busy = client.Send("bob@example.cn", "s", "b");
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable) << busy;
  EXPECT_NE(busy.message().find("451"), std::string::npos) << busy;
  EXPECT_NE(busy.message().find("RCPT TO"), std::string::npos) << busy;
  EXPECT_FALSE(IsPermanentFailure(busy));

  sink_.FailNext(SmtpSink::Stage::kRcpt, 550);
  Status unknown = client.Send("nobody@example.cn", "s", "b");
  EXPECT_EQ(unknown.code(), StatusCode::kFailedPrecondition) << unknown;
  EXPECT_NE(unknown.message().find("550"), std::string::npos) << unknown;
  EXPECT_TRUE(IsPermanentFailure(unknown));

  sink_.FailNext(SmtpSink::Stage::kDataEnd, 554);
  Status refused = client.Send("bob@example.cn", "s", "b");
  EXPECT_TRUE(IsPermanentFailure(refused)) << refused;

  sink_.FailNext(SmtpSink::Stage::kGreeting, 421);
  Status greeting = client.Send("bob@example.cn", "s", "b");
  EXPECT_EQ(greeting.code(), StatusCode::kUnavailable) << greeting;
  EXPECT_NE(greeting.message().find("421"), std::string::npos) << greeting;

  EXPECT_TRUE(client.Send("bob@example.cn", "s", "b").ok());
  EXPECT_EQ(sink_.messages().size(), 1u);
}

TEST_F(SmtpTest, ASilentServerTimesOut) {
  sink_.SetSilent(true);
  SmtpOptions o = Options();
  o.timeout = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  Status s = Client(o).Send("bob@example.cn", "s", "b");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s;
  EXPECT_NE(s.message().find("greeting"), std::string::npos) << s;
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_FALSE(IsPermanentFailure(s));
}

TEST_F(SmtpTest, StartTlsIsRequiredWhenConfigured) {
  SmtpOptions o = Options();
  o.tls = SmtpTls::kStartTls;
  Status s = Client(o).Send("bob@example.cn", "s", "b");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("STARTTLS"), std::string::npos) << s;
  EXPECT_TRUE(sink_.messages().empty());
}

TEST_F(SmtpTest, NoServerListening) {
  SmtpOptions o = Options();
  o.port = static_cast<uint16_t>(hetong::testing::FreePort());
  Status s = Client(o).Send("bob@example.cn", "s", "b");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
}

TEST_F(SmtpTest, HeaderInjectionIsRefusedBeforeConnecting) {
  auto client = Client(Options());
  EXPECT_EQ(client.Send("bob@example.cn\r\nBcc: eve@evil.test", "s", "b").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client.Send("bob@example.cn", "s\r\nBcc: eve@evil.test", "b").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      client.SendRaw("a@hetong.test", {"b@example.cn>\r\nRCPT TO:<eve@evil.test"}, "x").code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(sink_.connections(), 0);
}

TEST(SmtpOptionsTest, FromConfig) {
  auto none = SmtpOptions::FromConfig(*base::Config::Parse(""), nullptr);
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  auto config = base::Config::Parse(
      "[smtp]\nhost = mail.example.cn\nfrom = noreply@example.cn\nusername = u\npassword = "
      "p4ss\ntls = implicit\n");
  ASSERT_TRUE(config.ok());
  SecretBytes password;
  auto o = SmtpOptions::FromConfig(*config, &password);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->port, 465);
  EXPECT_EQ(o->tls, SmtpTls::kImplicit);
  EXPECT_EQ(password.RevealString(SecretAccess::Unsafe()), "p4ss");
  auto bad = base::Config::Parse("[smtp]\nhost = h\nfrom = nobody\n");
  EXPECT_EQ(SmtpOptions::FromConfig(*bad, nullptr).status().code(), StatusCode::kInvalidArgument);
  auto bad_tls = base::Config::Parse("[smtp]\nhost = h\nfrom = a@b.c\ntls = maybe\n");
  EXPECT_EQ(SmtpOptions::FromConfig(*bad_tls, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hetong::notify
