// An HttpFetcher for commands that run next to an instance's data (`--data DIR`): requests for
// the instance's own public URL (its CRLs, OCSP responder, CA certificates, TSA) are answered
// in process by the same handlers `hetong serve` uses, so that signing and verifying work
// whether or not the server is running; every other URL goes over the network.
//
// Thread-safety: safe for concurrent use once constructed.
#pragma once

#include <string>

#include "api/http.h"
#include "pki/revocation.h"
#include "server/http_client.h"

namespace hetong::app {

class InstanceFetcher final : public pki::HttpFetcher {
 public:
  // `public_url` without a trailing slash, e.g. "https://sign.example.com".
  InstanceFetcher(std::string public_url, const api::Router& router)
      : public_url_(std::move(public_url)), router_(router) {}
  StatusOr<Bytes> Get(const std::string& url) override;
  StatusOr<Bytes> Post(const std::string& url, const std::string& content_type,
                       ByteView body) override;

 private:
  // The path of `url` when it names this instance.
  std::optional<std::string> LocalPath(const std::string& url) const;
  StatusOr<Bytes> Local(const std::string& method, const std::string& target,
                        const std::string& content_type, ByteView body);

  std::string public_url_;
  const api::Router& router_;
  server::HttpClient network_;
};

}  // namespace hetong::app
