// The browser app's files (web/dist, built by Vite) served by `hetong serve` under every path
// that is not the API's (/api/, /pki/, /tsa, /healthz, /version, /metrics).
//
// - Only GET and HEAD; a path is refused (404) when it holds "..", a segment starting with
//   ".", or a character outside [A-Za-z0-9._/@~-] (so no NUL, backslash or percent sign after
//   decoding), and a file is served only when its real path lies under the root (no symlink
//   out of it).
// - A path naming a regular file is served with a content type from a fixed list of extensions
//   (others application/octet-stream), at most 32 MiB, read on each request. Files under
//   /assets/ (names with content hashes) are cached for a year as immutable, everything else
//   is revalidated (no-cache) with a weak ETag from size and modification time
//   (If-None-Match gives 304).
// - A path without an extension that is not a file is a client-side route of the app:
//   index.html with 200. A missing file with an extension is a 404.
// - Every answer carries a strict Content-Security-Policy (scripts, styles, fonts and
//   connections only from this origin; no framing), nosniff, no-referrer, DENY framing and a
//   Permissions-Policy without camera, microphone or geolocation.
// - Without a root, or without index.html in it (the app is not built), "/" answers a short
//   text/plain note (200) saying how to build it and where the API is; client routes get the
//   same note with 404.
//
// Thread-safety: a StaticFiles is immutable; Serve may run concurrently.
#pragma once

#include <memory>
#include <string>

#include "api/http.h"
#include "base/status.h"

namespace hetong::api {

inline constexpr size_t kMaxStaticFileBytes = size_t{32} << 20;

// The Content-Security-Policy of the web app's pages.
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

// Sets the security headers above on a response of the web app.
void SetWebSecurityHeaders(HttpResponse& response);

class StaticFiles {
 public:
  // `root`: the directory to serve; empty when there is no built app.
  explicit StaticFiles(std::string root);

  // The answer to a GET or HEAD request (the router sends only those).
  HttpResponse Serve(const HttpRequest& request) const;
  const std::string& root() const { return root_; }

 private:
  HttpResponse NotBuilt(bool found) const;
  HttpResponse File(const std::string& path, const std::string& url_path,
                    const HttpRequest& request) const;

  std::string root_;  // canonical, or empty
};

// The directory to serve: `configured` (the web.root setting) when set, which must then be a
// directory (InvalidArgument otherwise); else `built_in` (the source tree's web/dist, compiled
// in) when it is a directory; else "" (no app).
StatusOr<std::string> ChooseWebRoot(const std::string& configured, const std::string& built_in);

// Registers `files` as the GET (and HEAD) fallback for every path no other route takes.
void RegisterStaticFiles(Router& router, std::shared_ptr<const StaticFiles> files);

}  // namespace hetong::api
