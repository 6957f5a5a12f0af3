#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "testing/testing.h"

namespace hetong::server {

using api::HttpRequest;
using api::HttpResponse;
using api::PercentDecode;
using api::Router;
namespace {

using hetong::testing::RunCommand;

std::string Curl(uint16_t port, const std::vector<std::string>& extra, const std::string& path) {
  std::vector<std::string> argv = {"curl",           "-s",         "-o", "-", "-w",
                                   "\n%{http_code}", "--max-time", "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
  return RunCommand(argv).out;
}

TEST(HttpServerTest, ServesRoutesLimitsBodiesAndStopsGracefully) {
  auto router = std::make_shared<Router>();
  std::atomic<int> slow_done{0};
  router->Handle("GET", "/healthz",
                 [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  router->Handle("POST", "/echo", [](const HttpRequest& r) {
    return HttpResponse::Text(200, r.body + "|" + r.Header("x-test").value_or("-"));
  });
  router->Handle("GET", "/slow", [&](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ++slow_done;
    return HttpResponse::Text(200, "slow");
  });
  ServerOptions opts;
  opts.port = 0;
  opts.max_body_bytes = 1024;
  opts.threads = 4;
  auto server = HttpServer::Start(opts, router);
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = (*server)->port();
  EXPECT_EQ(Curl(port, {}, "/healthz"), "ok\n200");
  EXPECT_EQ(Curl(port, {"-H", "X-Test: 1", "--data-binary", "合同"}, "/echo"), "合同|1\n200");
  std::string big(2000, 'x');
  std::string r = Curl(port, {"--data-binary", big}, "/echo");
  EXPECT_EQ(r.substr(r.size() - 3), "413");
  EXPECT_EQ(Curl(port, {}, "/missing").substr(Curl(port, {}, "/missing").size() - 3), "404");
  // A request in flight when Stop() is called still completes.
  std::string slow_result;
  std::thread client([&] { slow_result = Curl(port, {}, "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  (*server)->Stop();
  (*server)->Wait();
  client.join();
  EXPECT_EQ(slow_result, "slow\n200");
  EXPECT_EQ(slow_done, 1);
  // And the port is closed afterwards.
  auto after = RunCommand(
      {"curl", "-s", "--max-time", "2", "http://127.0.0.1:" + std::to_string(port) + "/healthz"});
  EXPECT_NE(after.exit_code, 0);
}

// HEAD keeps the GET's Content-Length without the body; 204 and 304 have no Content-Length
// (RFC 9110 §8.6) and the connection stays usable after them.
TEST(HttpServerTest, HeadNoContentAndNotModified) {
  auto router = std::make_shared<Router>();
  router->Handle("GET", "/file",
                 [](const HttpRequest&) { return HttpResponse::Text(200, "0123456789"); });
  router->Handle("GET", "/cached", [](const HttpRequest&) {
    HttpResponse r;
    r.status = 304;
    r.SetHeader("ETag", "W/\"1\"");
    return r;
  });
  router->Handle("POST", "/done", [](const HttpRequest&) {
    HttpResponse r;
    r.status = 204;
    return r;
  });
  ServerOptions opts;
  opts.port = 0;
  opts.threads = 2;
  auto server = HttpServer::Start(opts, router);
  ASSERT_TRUE(server.ok()) << server.status();
  uint16_t port = (*server)->port();
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string head = lower(Curl(port, {"-I"}, "/file"));
  EXPECT_NE(head.find("content-length: 10\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("0123456789"), std::string::npos);
  std::string cached = lower(Curl(port, {"-i"}, "/cached"));
  EXPECT_NE(cached.find("http/1.1 304"), std::string::npos) << cached;
  EXPECT_NE(cached.find("etag: w/\"1\""), std::string::npos) << cached;
  EXPECT_EQ(cached.find("content-length"), std::string::npos) << cached;
  std::string done = lower(Curl(port, {"-i", "-X", "POST"}, "/done"));
  EXPECT_NE(done.find("http/1.1 204"), std::string::npos) << done;
  EXPECT_EQ(done.find("content-length"), std::string::npos) << done;
  // Two requests on one connection: the 304 does not confuse the next answer.
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto both = RunCommand({"curl", "-s", "--max-time", "10", base + "/cached", base + "/file"});
  EXPECT_EQ(both.out, "0123456789");
  (*server)->Stop();
  (*server)->Wait();
}

// Behind a trusted proxy the request carries the client's address from X-Forwarded-For;
// otherwise the peer's, whatever the header says.
TEST(HttpServerTest, ClientAddressFromTrustedProxiesOnly) {
  auto router = std::make_shared<Router>();
  router->Handle("GET", "/whoami",
                 [](const HttpRequest& r) { return HttpResponse::Text(200, r.remote_address); });
  const std::vector<std::string> forwarded = {"-H", "X-Forwarded-For: 1.1.1.1, 203.0.113.7"};
  {
    ServerOptions opts;
    opts.port = 0;
    opts.threads = 1;
    auto server = HttpServer::Start(opts, router);
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ(Curl((*server)->port(), forwarded, "/whoami"), "127.0.0.1\n200");
    (*server)->Stop();
    (*server)->Wait();
  }
  ServerOptions opts;
  opts.port = 0;
  opts.threads = 1;
  opts.trusted_proxies = *TrustedProxies::Parse("127.0.0.0/8");
  auto server = HttpServer::Start(opts, router);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(Curl((*server)->port(), forwarded, "/whoami"), "203.0.113.7\n200");
  EXPECT_EQ(Curl((*server)->port(), {}, "/whoami"), "127.0.0.1\n200");
  (*server)->Stop();
  (*server)->Wait();
}

TEST(HttpServerTest, ParseListen) {
  auto o = ParseListen("127.0.0.1:8443");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->address, "127.0.0.1");
  EXPECT_EQ(o->port, 8443);
  EXPECT_TRUE(ParseListen("[::1]:80").ok());
  EXPECT_FALSE(ParseListen("localhost:80").ok());
  EXPECT_FALSE(ParseListen("127.0.0.1").ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:99999").ok());
}

// A GET over a plain socket in this process (curl children would inherit the listener).
void RawGet(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) > 0) {
      char buf[512];
      while (recv(fd, buf, sizeof(buf), 0) > 0) {
      }
    }
  }
  close(fd);
}

// Regression: Stop() while connections open and close used to cancel a socket that its
// session was closing on another thread (a crash on shutdown about once in 40 starts). Each
// connection now runs on its own strand; many stops in the middle of traffic must be clean.
TEST(HttpServerTest, StopsCleanlyInTheMiddleOfTraffic) {
  auto router = std::make_shared<Router>();
  router->Handle("GET", "/healthz",
                 [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  for (int round = 0; round < 40; ++round) {
    ServerOptions opts;
    opts.port = 0;
    opts.threads = 4;
    auto server = HttpServer::Start(opts, router);
    ASSERT_TRUE(server.ok()) << server.status();
    uint16_t port = (*server)->port();
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        while (!stop) RawGet(port);
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + (round % 5) * 5));
    (*server)->Stop();
    (*server)->Wait();
    stop = true;
    for (auto& t : clients) t.join();
  }
}

}  // namespace
}  // namespace hetong::server
