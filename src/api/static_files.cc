#include "api/static_files.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

namespace hetong::api {

namespace {

namespace fs = std::filesystem;

// Paths that belong to the API and the PKI endpoints: never files, even when unknown.
constexpr std::array<std::string_view, 6> kReserved = {"/api",     "/pki",     "/tsa",
                                                       "/healthz", "/version", "/metrics"};

bool Reserved(std::string_view path) {
  for (std::string_view r : kReserved) {
    if (path.rfind(r, 0) == 0 && (path.size() == r.size() || path[r.size()] == '/')) return true;
  }
  return false;
}

bool AllowedChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '/' || c == '-' || c == '@' || c == '~';
}

// The relative path of a safe URL path ("" for "/"), or nullopt when it must be refused.
std::optional<std::string> SafeRelative(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path.find("..") != std::string_view::npos) return std::nullopt;
  for (char c : path) {
    if (!AllowedChar(c)) return std::nullopt;
  }
  std::string rel;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (!seg.empty()) {
      if (seg.front() == '.') return std::nullopt;  // hidden files, "." and ".."
      if (!rel.empty()) rel += '/';
      rel += seg;
    }
    i = j + 1;
  }
  return rel;
}

// The extension of the last segment ("js" for "/assets/app.1a2b.js"), or "".
std::string Extension(std::string_view path) {
  std::string_view last = path.substr(path.rfind('/') + 1);
  size_t dot = last.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(last.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string ContentType(const std::string& ext) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
  }};
  for (const auto& [e, t] : kTypes) {
    if (e == ext) return std::string(t);
  }
  return "application/octet-stream";
}

HttpResponse NotFoundText() { return HttpResponse::Text(404, "Not found\n"); }

// RFC 9110 §13.1.2: If-None-Match with weak comparison; "*" matches any file.
bool Matches(const std::string& if_none_match, const std::string& etag) {
  auto opaque = [](std::string_view t) {
    if (t.rfind("W/", 0) == 0) t.remove_prefix(2);
    return t;
  };
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
  }
  return false;
}

bool Within(const fs::path& file, const fs::path& root) {
  auto f = file.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++f) {
    if (f == file.end() || *f != *r) return false;
  }
  return f != file.end();
}

}  // namespace

void SetWebSecurityHeaders(HttpResponse& r) {
  r.SetHeader("Content-Security-Policy", std::string(kWebContentSecurityPolicy));
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "no-referrer");
  r.SetHeader("X-Frame-Options", "DENY");
  r.SetHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

HttpResponse StaticFiles::Serve(const HttpRequest& req) const {
  HttpResponse resp = [&] {
    if (Reserved(req.path)) {
      return HttpResponse::Problem(404, "not-found", "Not found", "no resource at this path");
    }
    auto rel = SafeRelative(req.path);
    if (!rel) return NotFoundText();
    bool has_extension = !Extension(*rel).empty();
    if (root_.empty()) return has_extension ? NotFoundText() : NotBuilt(req.path == "/");
    std::error_code ec;
    fs::path full = fs::path(root_) / *rel;
    if (!rel->empty() && fs::is_regular_file(full, ec)) return File(full.string(), req.path, req);
    if (has_extension) return NotFoundText();
    // A client-side route of the app (or "/").
    fs::path index = fs::path(root_) / "index.html";
    if (!fs::is_regular_file(index, ec)) return NotBuilt(req.path == "/");
    return File(index.string(), "/index.html", req);
  }();
  SetWebSecurityHeaders(resp);
  return resp;
}

HttpResponse StaticFiles::NotBuilt(bool found) const {
  HttpResponse r = HttpResponse::Text(
      found ? 200 : 404,
      "hetong: the web app is not built.\n\n"
      "Build it with `make web` (it is written to web/dist), or set web.root in hetong.conf to\n"
      "the directory of a built web app, and restart `hetong serve`.\n\n"
      "The REST API is at /api/v1 (its OpenAPI document: /api/v1/openapi.json).\n");
  r.SetHeader("Cache-Control", "no-cache");
  return r;
}

HttpResponse StaticFiles::File(const std::string& path, const std::string& url_path,
                               const HttpRequest& req) const {
  std::error_code ec;
  // The real path must stay under the real root (a symlink must not lead out of it). Both
  // are resolved per request, so that the root may be a symlink switched at deployment.
  fs::path real = fs::canonical(path, ec);
  if (ec) return NotFoundText();
  fs::path real_root = fs::canonical(root_, ec);
  if (ec || !Within(real, real_root)) return NotFoundText();
  uintmax_t size = fs::file_size(real, ec);
  if (ec) return NotFoundText();
  if (size > kMaxStaticFileBytes) {
    spdlog::warn("web: {} is larger than {} MiB and is not served", url_path,
                 kMaxStaticFileBytes >> 20);
    return NotFoundText();
  }
  auto mtime = fs::last_write_time(real, ec);
  if (ec) return NotFoundText();
  char etag[64];
  std::snprintf(etag, sizeof etag, "W/\"%jx-%llx\"", size,
                static_cast<unsigned long long>(mtime.time_since_epoch().count()));
  std::string cache =
      url_path.rfind("/assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache";
  if (auto inm = req.Header("if-none-match"); inm && Matches(*inm, etag)) {
    HttpResponse r;
    r.status = 304;
    r.SetHeader("ETag", etag);
    r.SetHeader("Cache-Control", cache);
    return r;
  }
  std::ifstream in(real, std::ios::binary);
  std::string body(static_cast<size_t>(size), '\0');
  if (!in || !in.read(body.data(), static_cast<std::streamsize>(body.size()))) {
    spdlog::warn("web: could not read {}", url_path);
    return NotFoundText();
  }
  HttpResponse r = HttpResponse::Binary(200, ContentType(Extension(path)), std::move(body));
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", cache);
  return r;
}

StatusOr<std::string> ChooseWebRoot(const std::string& configured, const std::string& built_in) {
  std::error_code ec;
  if (!configured.empty()) {
    if (!fs::is_directory(configured, ec)) {
      return InvalidArgumentError("web.root '" + configured + "' is not a directory");
    }
    return configured;
  }
  if (!built_in.empty() && fs::is_directory(built_in, ec)) return built_in;
  return std::string();
}

void RegisterStaticFiles(Router& router, std::shared_ptr<const StaticFiles> files) {
  router.HandlePrefix(
      "GET", "/", [files = std::move(files)](const HttpRequest& req) { return files->Serve(req); });
}

}  // namespace hetong::api
