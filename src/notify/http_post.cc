#include "notify/http_post.h"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <cctype>

#include "notify/internal/net.h"

namespace hetong::notify {

namespace beast = boost::beast;
namespace http = beast::http;

StatusOr<HttpUrl> ParseHttpUrl(const std::string& url) {
  if (url.size() > 2048) return InvalidArgumentError("the URL is longer than 2048 characters");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      return InvalidArgumentError("the URL has spaces, control or non-ASCII characters");
    }
  }
  HttpUrl u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.https = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return InvalidArgumentError("the URL starts with http:// or https://");
  }
  if (rest.find('#') != std::string::npos) return InvalidArgumentError("the URL has a fragment");
  size_t path = rest.find_first_of("/?");
  std::string authority = rest.substr(0, path);
  u.target = path == std::string::npos ? "/" : rest.substr(path);
  if (u.target[0] == '?') u.target = "/" + u.target;
  if (authority.find('@') != std::string::npos) {
    return InvalidArgumentError("the URL must not carry a user name or password");
  }
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return InvalidArgumentError("the URL's IPv6 host is unclosed");
    u.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return InvalidArgumentError("the URL's host is malformed");
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return InvalidArgumentError("the URL has no host");
  for (char c : u.host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '_') {
      return InvalidArgumentError("the URL's host has characters a host name cannot have");
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return InvalidArgumentError("the URL's port is 1 to 65535");
    }
    u.port = port;
  } else {
    u.port = u.https ? "443" : "80";
  }
  return u;
}

StatusOr<HttpPostResult> NetHttpPoster::Post(const std::string& url, const HttpHeaders& headers,
                                             const std::string& body) {
  HETONG_ASSIGN_OR_RETURN(HttpUrl u, ParseHttpUrl(url));
  internal::Connection conn;
  HETONG_RETURN_IF_ERROR(
      conn.Connect(u.host, u.port, options_.timeout, options_.allow_private_addresses));
  if (u.https) HETONG_RETURN_IF_ERROR(conn.StartTls(u.host, options_.ca_file, options_.timeout));

  http::request<http::string_body> req{http::verb::post, u.target, 11};
  bool default_port = u.port == (u.https ? "443" : "80");
  std::string host_header = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  req.set(http::field::host, default_port ? host_header : host_header + ":" + u.port);
  req.set(http::field::user_agent, options_.user_agent);
  req.set(http::field::content_type, "application/json; charset=utf-8");
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) {
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgumentError("a header has a line break");
    }
    req.set(name, value);
  }
  req.body() = body;
  req.prepare_payload();
  HETONG_RETURN_IF_ERROR(
      conn.Run(options_.timeout, "sending the request",
               [&](auto& stream, auto handler) { http::async_write(stream, req, handler); }));
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  parser.header_limit(16 * 1024);
  Status read =
      conn.Run(options_.timeout, "waiting for the answer", [&](auto& stream, auto handler) {
        http::async_read(stream, conn.buffer(), parser, handler);
      });
  // A body over the limit is cut: the status is what counts.
  if (!read.ok() && !parser.is_header_done()) return read;
  HttpPostResult result;
  result.status = static_cast<int>(parser.get().result_int());
  result.body = parser.get().body();
  conn.Close();
  return result;
}

}  // namespace hetong::notify
