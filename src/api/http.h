// Transport-neutral HTTP types and routing for hetong's handlers. Handlers see plain structs,
// never Boost.Beast types (which stay inside http_server.cc). Errors are RFC 9457
// problem+json documents with a stable `type` per kind of error.
//
// Thread-safety: a Router is built before the server starts and then only read; handlers
// may run concurrently on the server's threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hetong::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote_address;

  std::optional<std::string> Header(std::string_view lower_name) const;
  // The value of the cookie `name` from the Cookie header(s) (RFC 6265 §4.2: `a=b; c=d`,
  // surrounding spaces and a pair of double quotes removed; the first one wins, as browsers
  // send the most specific path first). Names are case-sensitive.
  std::optional<std::string> Cookie(std::string_view name) const;
  // Percent-decoded query parameters (last one wins).
  std::map<std::string, std::string> QueryParams() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The route pattern that answered, for metrics (not sent). Set by the router, or more
  // precisely by a handler that routes further (e.g. "/api/v1/orgs/{id}").
  std::string route;

  void SetHeader(std::string name, std::string value);
  // The value of a header set with exactly this name; "" when there is none.
  std::string HeaderValue(std::string_view name) const;
  static HttpResponse Text(int status, std::string text);
  static HttpResponse Json(int status, std::string json);
  static HttpResponse Binary(int status, std::string content_type, std::string body);
  // RFC 9457: {"type": "/problems/<slug>", "title", "status", "detail"}.
  static HttpResponse Problem(int status, std::string_view slug, std::string_view title,
                              std::string_view detail);
  // 405 with an Allow header listing `allowed`.
  static HttpResponse MethodNotAllowed(std::string_view method,
                                       const std::vector<std::string>& allowed);
  // Maps a Status to its HTTP status and a problem document with the Status message (which
  // by the conventions never holds secrets).
  static HttpResponse FromStatus(const Status& status);
};

int HttpStatusFor(StatusCode code);
// `plus_as_space` for query strings (application/x-www-form-urlencoded), not for paths.
std::string PercentDecode(std::string_view s, bool plus_as_space);

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class Router {
 public:
  // Exact path.
  void Handle(std::string method, std::string path, Handler handler);
  // Every path starting with `prefix` (longest prefix wins).
  void HandlePrefix(std::string method, std::string prefix, Handler handler);
  // 404 for unknown paths, 405 (with Allow) for a known path and another method; a handler
  // that throws becomes a 500 problem (the exception text is not shown).
  HttpResponse Dispatch(const HttpRequest& request) const;
  // Called after every dispatched request with the answer and the time it took (metrics).
  using Observer = std::function<void(const HttpRequest&, const HttpResponse&, double seconds)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  HttpResponse Match(const HttpRequest& request) const;
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
  Observer observer_;
};

}  // namespace hetong::api
