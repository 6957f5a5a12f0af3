// The HTTP/1.1 server of `hetong serve`, on Boost.Beast/Asio with C++20 coroutines.
//
// One io_context runs on `threads` threads; every connection is a coroutine that reads a
// request (with a body limit and a read timeout), dispatches it to the Router and writes the
// response, keeping the connection alive when the client asks. Handlers may block (database,
// signing), so the thread count is sized for that. Every request is logged (method, path,
// status, bytes, milliseconds; never bodies or credentials).
//
// With a certificate and key in the options it speaks HTTPS only (TLS 1.3); the TLS handshake
// runs under the read timeout.
//
// Stop() is graceful: the listener closes, requests in flight complete, idle keep-alive
// connections are closed, and after `shutdown_grace` anything left is cut.
//
// Thread-safety: Start/Stop/Wait may be called from any thread; Stop is idempotent.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http.h"  // Router
#include "base/secret_bytes.h"
#include "base/status.h"
#include "server/client_address.h"

namespace hetong::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: pick a free port (see HttpServer::port())
  size_t max_body_bytes = 64 << 20;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  int threads = 8;
  // HTTPS (TLS 1.3 only) when set: the certificate chain (leaf first) and its private key, both
  // PEM. OpenSSL 3.0 has no SM2 TLS or TLCP: the server certificate is RSA or ECDSA.
  std::string tls_cert_chain_pem;
  std::shared_ptr<const SecretBytes> tls_key_pem;
  // Reverse proxies whose X-Forwarded-For is believed (client_address.h); none by default.
  TrustedProxies trusted_proxies;
};

// "127.0.0.1:8080" -> address and port.
StatusOr<ServerOptions> ParseListen(std::string_view listen, ServerOptions base = {});

class HttpServer {
 public:
  static StatusOr<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                     std::shared_ptr<const api::Router> router);
  ~HttpServer();

  uint16_t port() const;
  void Stop();
  // Blocks until the server has stopped.
  void Wait();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hetong::server
