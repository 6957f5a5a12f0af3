// A blocking client connection with a deadline on every step, for the SMTP client and the
// webhook/SMS HTTP poster: TCP (Boost.Asio), optionally upgraded to TLS (asio::ssl over
// OpenSSL, as server/ does) with the peer's certificate and host name checked. Each step runs
// asynchronous operations on a private io_context until they finish or the step's timeout
// closes the socket, so a peer that accepts and then says nothing cannot hang a worker.
//
// Thread-safety: one Connection per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hetong::notify::internal {

using Millis = std::chrono::milliseconds;

// True for addresses a webhook must not reach unless allowed: loopback, RFC 1918 private,
// link-local, carrier-grade NAT, unspecified, multicast, IPv6 unique-local, and IPv4-mapped
// forms of these.
bool IsPrivateAddress(const boost::asio::ip::address& a);

class Connection {
 public:
  Connection();
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Resolves `host` and connects to the first address that answers. With
  // `allow_private` false, private addresses (IsPrivateAddress) are refused
  // (PermissionDenied). Unavailable when nothing answers, DeadlineExceeded on timeout.
  Status Connect(const std::string& host, const std::string& port, Millis timeout,
                 bool allow_private);
  // TLS client handshake (TLS 1.2 or 1.3), the peer's chain checked against the system's
  // trust store or `ca_file` (PEM) when given, and its name against `host`.
  Status StartTls(const std::string& host, const std::string& ca_file, Millis timeout);
  bool tls() const { return tls_ != nullptr; }
  bool peer_is_loopback() const { return peer_loopback_; }

  Status Write(std::string_view data, Millis timeout);
  // One line without its CRLF (or LF). ResourceExhausted when longer than `max`.
  StatusOr<std::string> ReadLine(size_t max, Millis timeout);

  // Runs an asynchronous operation on the current stream (plain or TLS):
  // `start(stream, handler)` with handler(error_code, size_t).
  template <typename Start>
  Status Run(Millis timeout, std::string_view what, Start&& start) {
    boost::system::error_code result;
    bool done = false;
    auto handler = [&](boost::system::error_code ec, std::size_t) {
      result = ec;
      done = true;
    };
    Lowest().expires_after(timeout);
    if (tls_) {
      start(*tls_, handler);
    } else {
      start(*tcp_, handler);
    }
    return Finish(done, result, what);
  }

  // Bytes read past the last line (HTTP parsing continues from them).
  boost::beast::flat_buffer& buffer() { return buffer_; }
  void Close();

 private:
  boost::beast::tcp_stream& Lowest();
  Status Finish(bool& done, const boost::system::error_code& ec, std::string_view what);

  boost::asio::io_context ioc_;
  std::unique_ptr<boost::beast::tcp_stream> tcp_;
  std::unique_ptr<boost::asio::ssl::context> ctx_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  bool peer_loopback_ = false;
};

}  // namespace hetong::notify::internal
