// A small synchronous HTTP/1.1 client (Boost.Beast) for fetching revocation data (OCSP, CRLs)
// and talking to external services (a TSA). Plain http:// only for now; https:// URLs get a
// clear Unimplemented error (TLS arrives with the channel-security work).
//
// Thread-safety: each call opens its own connection; safe for concurrent use.
#pragma once

#include <chrono>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/revocation.h"

namespace hetong::server {

struct HttpClientOptions {
  std::chrono::seconds timeout{10};
  size_t max_response_bytes = 64 << 20;
};

class HttpClient final : public pki::HttpFetcher {
 public:
  explicit HttpClient(HttpClientOptions options = {}) : options_(options) {}
  StatusOr<Bytes> Get(const std::string& url) override;
  StatusOr<Bytes> Post(const std::string& url, const std::string& content_type,
                       ByteView body) override;

 private:
  StatusOr<Bytes> Request(const std::string& method, const std::string& url,
                          const std::string& content_type, ByteView body);
  HttpClientOptions options_;
};

}  // namespace hetong::server
