#include "server/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

namespace hetong::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

struct Url {
  std::string host, port, target;
};

StatusOr<Url> ParseUrl(const std::string& url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind("https://", 0) == 0) {
    return UnimplementedError("https URLs are not supported yet by hetong's HTTP client (" + url +
                              ")");
  }
  if (url.rfind(kHttp, 0) != 0) return InvalidArgumentError("not an http URL: " + url);
  std::string rest = url.substr(kHttp.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  Url u;
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
    u.port = "80";
  }
  if (u.host.empty()) return InvalidArgumentError("no host in URL: " + url);
  return u;
}

}  // namespace

StatusOr<Bytes> HttpClient::Request(const std::string& method, const std::string& url,
                                    const std::string& content_type, ByteView body) {
  HETONG_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(ioc);
  auto results = resolver.resolve(u.host, u.port, ec);
  if (ec) return UnavailableError("cannot resolve " + u.host + ": " + ec.message());
  stream.expires_after(options_.timeout);
  stream.connect(results, ec);
  if (ec)
    return UnavailableError("cannot connect to " + u.host + ":" + u.port + ": " + ec.message());
  http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get,
                                       u.target, 11};
  req.set(http::field::host, u.host);
  req.set(http::field::user_agent, "hetong");
  if (method == "POST") {
    req.set(http::field::content_type, content_type);
    req.body().assign(body.begin(), body.end());
    req.prepare_payload();
  }
  http::write(stream, req, ec);
  if (ec) return UnavailableError("cannot send to " + url + ": " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  http::read(stream, buffer, parser, ec);
  if (ec) return UnavailableError("no valid answer from " + url + ": " + ec.message());
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  auto& res = parser.get();
  if (res.result_int() != 200) {
    return UnavailableError(url + " answered HTTP " + std::to_string(res.result_int()));
  }
  return Bytes(res.body().begin(), res.body().end());
}

StatusOr<Bytes> HttpClient::Get(const std::string& url) { return Request("GET", url, "", {}); }

StatusOr<Bytes> HttpClient::Post(const std::string& url, const std::string& content_type,
                                 ByteView body) {
  return Request("POST", url, content_type, body);
}

}  // namespace hetong::server
