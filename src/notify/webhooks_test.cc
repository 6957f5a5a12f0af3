// Webhook signatures (checked against the openssl command line's HMAC-SM3, and the worked
// example of docs/formats/webhooks.md), event types and filters. The service and dispatcher
// run on the SQL store in store/notify_store_test.cc.

#include "notify/webhooks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "base/bytes.h"
#include "testing/testing.h"

namespace hetong::notify {
namespace {

// The worked example of docs/formats/webhooks.md.
constexpr std::string_view kSecret =
    "whsec_000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr int64_t kTime = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::string_view kBody =
    R"({"version":1,"id":"evt-0123456789abcdef01234567","type":"contract.signed",)"
    R"("created_at":"2026-01-01T00:00:00.000Z","org_id":"org-00000000000000000000000a",)"
    R"("data":{"contract_id":"ctr-000000000000000000000002"}})";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(WebhookSignatureTest, MatchesOpensslHmacSm3) {
  if (!hetong::testing::HaveProgram("openssl")) GTEST_SKIP() << "no openssl";
  hetong::testing::TempDir dir;
  std::string signed_text = std::to_string(kTime) + "." + std::string(kBody);
  dir.Write("signed.txt", signed_text);
  auto r = hetong::testing::RunCommand({"openssl", "mac", "-digest", "SM3", "-macopt",
                                        "key:" + std::string(kSecret), "-in",
                                        dir.File("signed.txt"), "HMAC"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected = Lower(r.out.substr(0, r.out.find_first_of("\r\n")));
  ASSERT_EQ(expected.size(), 64u);
  std::string header = WebhookSignature(AsBytes(kSecret), kTime, kBody);
  EXPECT_EQ(header, "t=1767225600,hmac-sm3=" + expected);
  // The value written in docs/formats/webhooks.md.
  EXPECT_EQ(header,
            "t=1767225600,hmac-sm3="
            "3e39349fc2de9734a045ccaab714de3bc0de7037ab2f5c1a121a443a4582e99f");
}

TEST(WebhookSignatureTest, Verify) {
  std::string header = WebhookSignature(AsBytes(kSecret), kTime, kBody);
  EXPECT_TRUE(VerifyWebhookSignature(AsBytes(kSecret), header, kBody, kTime + 10).ok());
  // A second signature in the header (secret rotation) is fine.
  EXPECT_TRUE(VerifyWebhookSignature(AsBytes(kSecret), header + ",hmac-sm3=00", kBody, kTime).ok());
  std::string tampered(kBody);
  tampered[tampered.size() - 3] = '3';
  EXPECT_EQ(VerifyWebhookSignature(AsBytes(kSecret), header, tampered, kTime).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyWebhookSignature(AsBytes("whsec_other"), header, kBody, kTime).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyWebhookSignature(AsBytes(kSecret), header, kBody, kTime + 301).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyWebhookSignature(AsBytes(kSecret), header, kBody, kTime - 301).code(),
            StatusCode::kUnauthenticated);
  // The time is part of what is signed: another t with the same MAC fails.
  std::string moved = header;
  moved.replace(2, 10, std::to_string(kTime + 1));
  EXPECT_EQ(VerifyWebhookSignature(AsBytes(kSecret), moved, kBody, kTime).code(),
            StatusCode::kUnauthenticated);
  for (const char* bad : {"", "t=1", "hmac-sm3=00", "t=x,hmac-sm3=00"}) {
    EXPECT_FALSE(VerifyWebhookSignature(AsBytes(kSecret), bad, kBody, kTime).ok()) << bad;
  }
}

TEST(WebhookEventTest, TypesAndFilters) {
  for (const char* ok : {"contract.signed", "contract.sent", "seal.used", "ping", "a.b_c.d2"}) {
    EXPECT_TRUE(CheckEventType(ok).ok()) << ok;
  }
  for (const char* bad : {"", "Contract.signed", "contract..signed", ".x", "x.", "contract.*",
                          "2fa.done", "contract signed", "contract.signé"}) {
    EXPECT_FALSE(CheckEventType(bad).ok()) << bad;
  }
  EXPECT_FALSE(CheckEventType(std::string(65, 'a')).ok());
  EXPECT_TRUE(EventMatches({"*"}, "contract.signed"));
  EXPECT_TRUE(EventMatches({"contract.signed"}, "contract.signed"));
  EXPECT_FALSE(EventMatches({"contract.signed"}, "contract.sent"));
  EXPECT_TRUE(EventMatches({"seal.used", "contract.*"}, "contract.sent"));
  EXPECT_FALSE(EventMatches({"contract.*"}, "contractx.sent"));
  EXPECT_FALSE(EventMatches({"contract.*"}, "contract"));
  EXPECT_FALSE(EventMatches({}, "contract.sent"));
}

TEST(WebhookSettingsTest, FromConfig) {
  auto c = base::Config::Parse(
      "[notify]\nwebhook_retry_seconds = 5, 60,600\nwebhook_max_attempts = 3\n");
  ASSERT_TRUE(c.ok());
  auto s = WebhookSettings::FromConfig(*c);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->retry_schedule.size(), 3u);
  EXPECT_EQ(s->retry_schedule[1], std::chrono::seconds(60));
  EXPECT_EQ(s->max_attempts, 3);
  for (const char* bad :
       {"[notify]\nwebhook_retry_seconds = 5,,6\n", "[notify]\nwebhook_retry_seconds = x\n",
        "[notify]\nwebhook_max_attempts = 0\n"}) {
    EXPECT_FALSE(WebhookSettings::FromConfig(*base::Config::Parse(bad)).ok()) << bad;
  }
}

}  // namespace
}  // namespace hetong::notify
