// HTTP/1.1 POST of a JSON body to an http:// or https:// URL (Boost.Beast over
// notify/internal/net.h), for webhook deliveries and the SMS gateway adapter. One connection
// per request, a timeout on each step, TLS 1.2+ with the server's certificate and name checked
// (system trust store or a configured CA file). Redirects are not followed.
//
// Webhook URLs are chosen by organisations, not by the operator: unless allowed, addresses on
// loopback, private or link-local networks are refused after resolution, so that a webhook
// cannot reach the instance's own network.
//
// Thread-safety: Post may be called concurrently.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hetong::notify {

struct HttpUrl {
  bool https = false;
  std::string host;  // without brackets for IPv6
  std::string port;  // "80" / "443" unless given
  std::string target;
};

// Accepts http:// and https:// URLs with a host, an optional port and path/query; no user
// information, fragment, spaces or control characters; at most 2048 characters.
StatusOr<HttpUrl> ParseHttpUrl(const std::string& url);

struct HttpPostResult {
  int status = 0;
  std::string body;  // at most the first 64 KiB
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  // POSTs `body` with Content-Type: application/json and `headers`. Any HTTP status is a
  // result; errors are for no answer (Unavailable, DeadlineExceeded) or a refused URL
  // (InvalidArgument, PermissionDenied).
  virtual StatusOr<HttpPostResult> Post(const std::string& url, const HttpHeaders& headers,
                                        const std::string& body) = 0;
};

struct HttpPostOptions {
  std::chrono::milliseconds timeout{10'000};  // connect, TLS, send, and the answer each
  bool allow_private_addresses = false;
  std::string ca_file;  // PEM trust anchors for https; empty: the system's
  std::string user_agent = "hetong";
};

class NetHttpPoster final : public HttpPoster {
 public:
  explicit NetHttpPoster(HttpPostOptions options) : options_(std::move(options)) {}
  StatusOr<HttpPostResult> Post(const std::string& url, const HttpHeaders& headers,
                                const std::string& body) override;

 private:
  HttpPostOptions options_;
};

}  // namespace hetong::notify
