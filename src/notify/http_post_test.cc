// The HTTP poster against a local receiver (testing/http_sink.h), URL parsing and the private
// address filter.

#include "notify/http_post.h"

#include <gtest/gtest.h>

#include "notify/internal/net.h"
#include "testing/http_sink.h"

namespace hetong::notify {
namespace {

using testing::HttpSink;

HttpPostOptions Local() {
  HttpPostOptions o;
  o.allow_private_addresses = true;
  o.timeout = std::chrono::milliseconds(2000);
  return o;
}

TEST(HttpUrlTest, Parses) {
  auto u = ParseHttpUrl("https://hooks.example.cn/a/b?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->https);
  EXPECT_EQ(u->host, "hooks.example.cn");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/a/b?x=1");
  u = ParseHttpUrl("http://127.0.0.1:8081");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "8081");
  EXPECT_EQ(u->target, "/");
  u = ParseHttpUrl("http://[::1]:9000/h");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9000");
  u = ParseHttpUrl("http://example.cn?q");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->target, "/?q");
  for (const char* bad :
       {"ftp://example.cn/", "example.cn", "http://", "http://user:pw@example.cn/",
        "http://example.cn/a b", "http://example.cn/#frag", "http://example.cn:0/",
        "http://example.cn:70000/", "http://example.cn:8x/", "http://exa$mple.cn/",
        "http://example.cn/\r\nX: y"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseHttpUrl("http://example.cn/" + std::string(2048, 'a')).ok());
}

TEST(HttpUrlTest, PrivateAddresses) {
  using boost::asio::ip::make_address;
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::",
                        "fe80::1", "fc00::1", "fd12::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(internal::IsPrivateAddress(make_address(a))) << a;
  }
  for (const char* a :
       {"8.8.8.8", "172.32.0.1", "100.128.0.1", "203.0.113.9", "2001:db8::1", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(internal::IsPrivateAddress(make_address(a))) << a;
  }
}

TEST(HttpPostTest, PostsJsonWithHeaders) {
  HttpSink sink;
  NetHttpPoster poster(Local());
  auto r =
      poster.Post(sink.url("/hook?x=1"), {{"Hetong-Event", "contract.signed"}}, R"({"a":"合同"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  auto reqs = sink.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/hook?x=1");
  EXPECT_EQ(reqs[0].headers["hetong-event"], "contract.signed");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(reqs[0].headers["host"], "127.0.0.1:" + std::to_string(sink.port()));
  EXPECT_EQ(reqs[0].body, R"({"a":"合同"})");
}

TEST(HttpPostTest, AnyStatusIsAResult) {
  HttpSink sink;
  sink.Respond({503, 404});
  NetHttpPoster poster(Local());
  EXPECT_EQ(poster.Post(sink.url(), {}, "{}")->status, 503);
  EXPECT_EQ(poster.Post(sink.url(), {}, "{}")->status, 404);
  EXPECT_EQ(poster.Post(sink.url(), {}, "{}")->status, 200);
}

TEST(HttpPostTest, ASilentReceiverTimesOut) {
  HttpSink sink;
  sink.SetSilent(true);
  HttpPostOptions o = Local();
  o.timeout = std::chrono::milliseconds(300);
  NetHttpPoster poster(o);
  auto started = std::chrono::steady_clock::now();
  auto r = poster.Post(sink.url(), {}, "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(HttpPostTest, PrivateAddressesAreRefusedUnlessAllowed) {
  HttpSink sink;
  HttpPostOptions o = Local();
  o.allow_private_addresses = false;
  NetHttpPoster poster(o);
  auto r = poster.Post(sink.url(), {}, "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status();
  r = poster.Post("http://localhost:" + std::to_string(sink.port()) + "/", {}, "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status();
  EXPECT_TRUE(sink.requests().empty());
}

TEST(HttpPostTest, HttpsToAPlainServerFailsTheHandshake) {
  HttpSink sink;
  HttpPostOptions o = Local();
  o.timeout = std::chrono::milliseconds(500);
  NetHttpPoster poster(o);
  auto r = poster.Post("https://127.0.0.1:" + std::to_string(sink.port()) + "/", {}, "{}");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("TLS"), std::string::npos) << r.status();
}

TEST(HttpPostTest, HeadersWithLineBreaksAreRefused) {
  HttpSink sink;
  NetHttpPoster poster(Local());
  EXPECT_EQ(poster.Post(sink.url(), {{"X", "a\r\nEvil: 1"}}, "{}").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hetong::notify
