#include "notify/internal/net.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <vector>

namespace hetong::notify::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

bool IsPrivateAddress(const asio::ip::address& a) {
  if (a.is_v6()) {
    asio::ip::address_v6 v6 = a.to_v6();
    if (v6.is_v4_mapped()) {
      return IsPrivateAddress(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
    }
    auto b = v6.to_bytes();
    return v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_site_local() ||
           v6.is_multicast() || (b[0] & 0xfe) == 0xfc;
  }
  auto b = a.to_v4().to_bytes();
  return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
         (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 100 && (b[1] & 0xc0) == 64) || b[0] >= 224;
}

Connection::Connection() = default;

Connection::~Connection() { Close(); }

beast::tcp_stream& Connection::Lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_; }

void Connection::Close() {
  if (!tcp_ && !tls_) return;
  boost::system::error_code ec;
  Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
  Lowest().close();
}

Status Connection::Finish(bool& done, const boost::system::error_code& ec, std::string_view what) {
  ioc_.restart();
  ioc_.run();
  if (!done) return InternalError(std::string(what) + ": the operation did not complete");
  if (ec == beast::error::timeout) return DeadlineExceededError(std::string(what) + " timed out");
  if (ec) return UnavailableError(std::string(what) + " failed: " + ec.message());
  return OkStatus();
}

Status Connection::Connect(const std::string& host, const std::string& port, Millis timeout,
                           bool allow_private) {
  if (tcp_ || tls_) return FailedPreconditionError("already connected");
  tcp::resolver resolver(ioc_);
  boost::system::error_code rec;
  bool resolved = false;
  std::vector<tcp::endpoint> endpoints;
  resolver.async_resolve(host, port,
                         [&](boost::system::error_code ec, tcp::resolver::results_type results) {
                           rec = ec;
                           resolved = true;
                           for (const auto& r : results) endpoints.push_back(r.endpoint());
                         });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!resolved) {
    resolver.cancel();
    ioc_.restart();
    ioc_.run();
    return DeadlineExceededError("resolving " + host + " timed out");
  }
  if (rec) return UnavailableError("cannot resolve " + host + ": " + rec.message());
  if (!allow_private) {
    std::erase_if(endpoints, [](const tcp::endpoint& e) { return IsPrivateAddress(e.address()); });
    if (endpoints.empty()) {
      return PermissionDeniedError(host +
                                   " is a loopback, private or link-local address, which is not "
                                   "allowed here");
    }
  }
  if (endpoints.empty()) return UnavailableError("no address for " + host);
  tcp_ = std::make_unique<beast::tcp_stream>(ioc_);
  tcp_->expires_after(timeout);
  boost::system::error_code cec;
  bool done = false;
  tcp::endpoint peer;
  tcp_->async_connect(endpoints, [&](boost::system::error_code ec, tcp::endpoint ep) {
    cec = ec;
    peer = ep;
    done = true;
  });
  Status s = Finish(done, cec, "connecting to " + host + ":" + port);
  if (!s.ok()) {
    tcp_.reset();
    return s;
  }
  peer_loopback_ =
      peer.address().is_loopback() ||
      (peer.address().is_v6() && peer.address().to_v6().is_v4_mapped() &&
       asio::ip::make_address_v4(asio::ip::v4_mapped, peer.address().to_v6()).is_loopback());
  return OkStatus();
}

Status Connection::StartTls(const std::string& host, const std::string& ca_file, Millis timeout) {
  if (!tcp_) return FailedPreconditionError("not connected");
  try {
    ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot set up TLS: ") + e.what());
  }
  boost::system::error_code ec;
  ctx_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1,
                    ec);
  if (ca_file.empty()) {
    ctx_->set_default_verify_paths(ec);
    if (ec) return InternalError("cannot load the system's trusted certificates: " + ec.message());
  } else {
    ctx_->load_verify_file(ca_file, ec);
    if (ec) return InvalidArgumentError("cannot load CA certificates from " + ca_file);
  }
  ctx_->set_verify_mode(asio::ssl::verify_peer, ec);
  // Bytes the peer sent before the handshake must not be read as if they came over TLS.
  buffer_.consume(buffer_.size());
  tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*tcp_), *ctx_);
  tcp_.reset();
  tls_->set_verify_callback(asio::ssl::host_name_verification(host), ec);
  boost::system::error_code addr_ec;
  asio::ip::make_address(host, addr_ec);
  if (addr_ec && !SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str())) {
    return InternalError("cannot set the TLS server name");
  }
  Lowest().expires_after(timeout);
  boost::system::error_code hec;
  bool done = false;
  tls_->async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code e) {
    hec = e;
    done = true;
  });
  return Finish(done, hec, "TLS handshake with " + host);
}

Status Connection::Write(std::string_view data, Millis timeout) {
  return Run(timeout, "sending", [&](auto& stream, auto handler) {
    asio::async_write(stream, asio::buffer(data.data(), data.size()), handler);
  });
}

StatusOr<std::string> Connection::ReadLine(size_t max, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto data = buffer_.data();
    const char* begin = static_cast<const char*>(data.data());
    const char* end = begin + data.size();
    const char* nl = std::find(begin, end, '\n');
    if (nl != end) {
      std::string line(begin, nl);
      buffer_.consume(static_cast<size_t>(nl - begin) + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > max) return ResourceExhaustedError("the peer sent an overlong line");
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return DeadlineExceededError("waiting for an answer timed out");
    HETONG_RETURN_IF_ERROR(Run(left, "waiting for an answer", [&](auto& stream, auto handler) {
      stream.async_read_some(buffer_.prepare(2048),
                             [this, handler](boost::system::error_code ec, std::size_t n) mutable {
                               buffer_.commit(n);
                               handler(ec, n);
                             });
    }));
  }
}

}  // namespace hetong::notify::internal
