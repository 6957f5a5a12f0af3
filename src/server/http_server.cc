#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace hetong::server {

using api::HttpRequest;
using api::HttpResponse;
using api::PercentDecode;
using api::Router;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

StatusOr<ServerOptions> ParseListen(std::string_view listen, ServerOptions base) {
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgumentError("listen address must look like 127.0.0.1:8080");
  }
  std::string_view host = listen.substr(0, colon);
  std::string_view port = listen.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return InvalidArgumentError("bad port in listen address");
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code bec;
  asio::ip::make_address(std::string(host), bec);
  if (bec) return InvalidArgumentError("listen address must be an IP address, e.g. 127.0.0.1");
  base.address = std::string(host);
  base.port = static_cast<uint16_t>(value);
  return base;
}

struct HttpServer::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::once_flag stop_once;
  std::optional<asio::ssl::context> tls;  // HTTPS when set
  std::mutex sessions_mu;
  std::map<const void*, std::function<void()>> sessions;  // connection -> cancel, for shutdown
  std::atomic<int> busy{0};
  uint16_t bound_port = 0;

  asio::awaitable<void> Listen() {
    while (!stopping) {
      boost::system::error_code ec;
      // Each connection runs on its own strand: its session and the cancellation that
      // Stop() posts never touch the socket at the same time.
      tcp::socket socket(co_await acceptor.async_accept(
          asio::make_strand(ioc), asio::redirect_error(asio::use_awaitable, ec)));
      if (ec) {
        if (stopping) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      std::string remote;
      {
        boost::system::error_code rec;
        auto ep = socket.remote_endpoint(rec);
        if (!rec) remote = ep.address().to_string();
      }
      if (tls) {
        auto stream =
            std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tls);
        auto strand = beast::get_lowest_layer(*stream).get_executor();
        Track(stream.get(), [stream, strand] {
          asio::post(strand, [stream] {
            boost::system::error_code cec;
            beast::get_lowest_layer(*stream).socket().cancel(cec);
          });
        });
        asio::co_spawn(strand, TlsSession(stream, remote), asio::detached);
      } else {
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        auto strand = stream->get_executor();
        Track(stream.get(), [stream, strand] {
          asio::post(strand, [stream] {
            boost::system::error_code cec;
            stream->socket().cancel(cec);
          });
        });
        asio::co_spawn(strand, PlainSession(stream, remote), asio::detached);
      }
    }
  }

  void Track(const void* key, std::function<void()> cancel) {
    std::lock_guard<std::mutex> lock(sessions_mu);
    // A connection accepted while Stop() was cancelling the others is cancelled at once.
    if (stopping) cancel();
    sessions.emplace(key, std::move(cancel));
  }
  void Untrack(const void* key) {
    std::lock_guard<std::mutex> lock(sessions_mu);
    sessions.erase(key);
  }

  asio::awaitable<void> PlainSession(std::shared_ptr<beast::tcp_stream> stream,
                                     std::string remote) {
    co_await Serve(*stream, remote);
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream->close();
    Untrack(stream.get());
  }

  asio::awaitable<void> TlsSession(std::shared_ptr<beast::ssl_stream<beast::tcp_stream>> stream,
                                   std::string remote) {
    boost::system::error_code ec;
    beast::get_lowest_layer(*stream).expires_after(options.read_timeout);
    co_await stream->async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::debug("tls handshake with {} failed: {}", remote, ec.message());
    } else {
      co_await Serve(*stream, remote);
      beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(2));
      co_await stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    beast::get_lowest_layer(*stream).close();
    Untrack(stream.get());
  }

  HttpRequest Convert(const http::request<http::string_body>& req, const std::string& remote) {
    HttpRequest out;
    std::vector<std::string_view> forwarded_for;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    size_t q = out.target.find('?');
    out.path = PercentDecode(std::string_view(out.target).substr(0, q), false);
    if (q != std::string::npos) out.query = out.target.substr(q + 1);
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "x-forwarded-for") forwarded_for.emplace_back(f.value().data(), f.value().size());
      out.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    out.body = req.body();
    out.remote_address = options.trusted_proxies.ClientAddress(remote, forwarded_for);
    return out;
  }

  // Requests and responses on one connection, plain or TLS, until it closes.
  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, const std::string& remote) {
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(64 * 1024);
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset) {
        break;
      }
      HttpResponse response;
      bool keep_alive = false;
      unsigned version = 11;
      bool head = false;
      auto started = std::chrono::steady_clock::now();
      std::string method, path, client = remote;
      if (ec == http::error::body_limit) {
        response = HttpResponse::Problem(
            413, "payload-too-large", "Request body too large",
            "the request body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
      } else if (ec) {
        response =
            HttpResponse::Problem(400, "bad-request", "Malformed HTTP request", ec.message());
      } else {
        auto& req = parser.get();
        keep_alive = req.keep_alive();
        version = req.version();
        head = req.method() == http::verb::head;
        HttpRequest hreq = Convert(req, remote);
        method = hreq.method;
        path = hreq.path;
        if (hreq.remote_address != remote) client = hreq.remote_address + " via " + remote;
        ++busy;
        response = router->Dispatch(hreq);
        --busy;
      }
      if (stopping) keep_alive = false;
      http::response<http::string_body> res;
      res.version(version);
      res.result(static_cast<unsigned>(response.status));
      res.set(http::field::server, "hetong");
      for (const auto& [k, v] : response.headers) res.set(k, v);
      size_t body_size = response.body.size();
      // RFC 9110 §6.4.1, §8.6: 1xx, 204 and 304 answers have no content and no Content-Length
      // (a 304's would have to be the length of the 200 it stands for).
      bool no_content = response.status < 200 || response.status == 204 || response.status == 304;
      if (no_content) response.body.clear();
      res.body() = std::move(response.body);
      res.keep_alive(keep_alive);
      res.prepare_payload();
      if (no_content) res.erase(http::field::content_length);
      if (head) res.body().clear();
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      auto ms = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count() /
                1000.0;
      if (!method.empty()) {
        spdlog::info("http {} {} {} {}B {:.1f}ms {}", method, path, response.status, body_size, ms,
                     client);
      }
      if (ec || !keep_alive) break;
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                        std::shared_ptr<const Router> router) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->router = std::move(router);
  boost::system::error_code ec;
  if (!options.tls_cert_chain_pem.empty()) {
    if (!options.tls_key_pem || options.tls_key_pem->empty()) {
      return InvalidArgumentError("TLS needs the server's private key as well as its certificate");
    }
    impl->tls.emplace(asio::ssl::context::tls_server);
    auto& ctx = *impl->tls;
    // TLS 1.3 only.
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_tlsv1_2 |
                        asio::ssl::context::single_dh_use,
                    ec);
    if (!ec) {
      ctx.use_certificate_chain(asio::buffer(options.tls_cert_chain_pem), ec);
    }
    if (ec) {
      return InvalidArgumentError("the TLS certificate chain is not usable: " + ec.message());
    }
    auto key = options.tls_key_pem->RevealString(SecretAccess::Unsafe());
    ctx.use_private_key(asio::buffer(key.data(), key.size()), asio::ssl::context::pem, ec);
    if (ec) {
      return InvalidArgumentError(
          "the TLS private key is not usable or does not match the "
          "certificate: " +
          ec.message());
    }
  }
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return InvalidArgumentError("bad listen address '" + options.address + "'");
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + options.address + ":" +
                            std::to_string(options.port) + ": " + ec.message());
  }
  impl->bound_port = impl->acceptor.local_endpoint().port();
  Impl* raw = impl.get();
  asio::co_spawn(raw->ioc, raw->Listen(), asio::detached);
  int n = std::max(1, options.threads);
  for (int i = 0; i < n; ++i) {
    raw->threads.emplace_back([raw] { raw->ioc.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop() {
  std::call_once(impl_->stop_once, [this] {
    Impl* impl = impl_.get();
    impl->stopping = true;
    // After the grace period, cut whatever is left.
    auto timer = std::make_shared<asio::steady_timer>(impl->ioc, impl->options.shutdown_grace);
    timer->async_wait([impl, timer](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("shutdown grace period over; closing remaining connections");
      impl->ioc.stop();
    });
    // When nothing is left the io_context runs out of work; keep the timer from holding it.
    asio::co_spawn(
        impl->ioc,
        [impl, timer]() -> asio::awaitable<void> {
          // First the listener closes, so that no connection waits in its backlog; idle
          // connections (waiting for a request) are cancelled now; busy ones finish their
          // current request and then close because `stopping` is set.
          {
            boost::system::error_code ec;
            impl->acceptor.close(ec);
            std::lock_guard<std::mutex> lock(impl->sessions_mu);
            for (const auto& [key, cancel] : impl->sessions) cancel();
          }
          asio::steady_timer poll(impl->ioc);
          while (true) {
            {
              std::lock_guard<std::mutex> lock(impl->sessions_mu);
              if (impl->sessions.empty()) break;
            }
            poll.expires_after(std::chrono::milliseconds(20));
            co_await poll.async_wait(asio::use_awaitable);
          }
          timer->cancel();
          impl->ioc.stop();
        },
        asio::detached);
  });
}

void HttpServer::Wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace hetong::server
