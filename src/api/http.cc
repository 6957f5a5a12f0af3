#include "api/http.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "base/encoding.h"

namespace hetong::api {

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || base::TrimSpaces(pair.substr(0, eq)) != name) continue;
      std::string_view value = base::TrimSpaces(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string PercentDecode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> HttpRequest::QueryParams() const {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string_view part = std::string_view(query).substr(
        pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = part.find('=');
    if (!part.empty()) {
      if (eq == std::string_view::npos) {
        out[PercentDecode(part, true)] = "";
      } else {
        out[PercentDecode(part.substr(0, eq), true)] = PercentDecode(part.substr(eq + 1), true);
      }
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string HttpResponse::HeaderValue(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

HttpResponse HttpResponse::Text(int status, std::string text) {
  return Binary(status, "text/plain; charset=utf-8", std::move(text));
}

HttpResponse HttpResponse::Json(int status, std::string json) {
  return Binary(status, "application/json", std::move(json));
}

HttpResponse HttpResponse::Binary(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Problem(int status, std::string_view slug, std::string_view title,
                                   std::string_view detail) {
  nlohmann::json j = {{"type", "/problems/" + std::string(slug)},
                      {"title", std::string(title)},
                      {"status", status}};
  if (!detail.empty()) j["detail"] = std::string(detail);
  return Binary(status, "application/problem+json",
                j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse HttpResponse::MethodNotAllowed(std::string_view method,
                                            const std::vector<std::string>& allowed) {
  HttpResponse resp = Problem(405, "method-not-allowed", "Method not allowed",
                              "this path does not accept " + std::string(method));
  std::string allow;
  for (const auto& a : allowed) allow += (allow.empty() ? "" : ", ") + a;
  resp.SetHeader("Allow", allow);
  return resp;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 422;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kCancelled:
      return 499;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
    case StatusCode::kUnknown:
      return 500;
  }
  return 500;
}

HttpResponse HttpResponse::FromStatus(const Status& status) {
  std::string slug(StatusCodeName(status.code()));
  for (auto& c : slug) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  int http = HttpStatusFor(status.code());
  // Internal failures are not described to clients beyond their kind.
  std::string detail = http >= 500 && status.code() != StatusCode::kUnavailable &&
                               status.code() != StatusCode::kUnimplemented
                           ? "the server could not complete the request; it has been logged"
                           : status.message();
  return Problem(http, slug, StatusCodeName(status.code()), detail);
}

void Router::Handle(std::string method, std::string path, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void Router::HandlePrefix(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

HttpResponse Router::Dispatch(const HttpRequest& req) const {
  auto started = std::chrono::steady_clock::now();
  HttpResponse resp = Match(req);
  if (observer_) {
    observer_(req, resp,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return resp;
}

HttpResponse Router::Match(const HttpRequest& req) const {
  const Route* best = nullptr;
  std::vector<std::string> allowed;
  size_t best_len = 0;
  for (const auto& r : routes_) {
    bool match = r.prefix ? req.path.rfind(r.path, 0) == 0 : req.path == r.path;
    if (!match) continue;
    size_t len = r.prefix ? r.path.size() : r.path.size() + 1;  // exact beats prefix
    std::string m = req.method == "HEAD" ? "GET" : req.method;
    if (r.method == m) {
      if (len >= best_len) {
        best = &r;
        best_len = len;
      }
    } else {
      allowed.push_back(r.method);
    }
  }
  if (!best) {
    if (!allowed.empty()) {
      HttpResponse resp = HttpResponse::MethodNotAllowed(req.method, allowed);
      resp.route = "(method not allowed)";
      return resp;
    }
    HttpResponse resp =
        HttpResponse::Problem(404, "not-found", "Not found", "no resource at this path");
    resp.route = "(unknown)";
    return resp;
  }
  try {
    HttpResponse resp = best->handler(req);
    if (resp.route.empty()) resp.route = best->prefix ? best->path + "*" : best->path;
    return resp;
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", req.method, req.path, e.what());
  } catch (...) {
    spdlog::error("handler for {} {} threw a non-standard exception", req.method, req.path);
  }
  HttpResponse resp =
      HttpResponse::Problem(500, "internal", "Internal error",
                            "the server could not complete the request; it has been logged");
  resp.route = best->prefix ? best->path + "*" : best->path;
  return resp;
}

}  // namespace hetong::api
