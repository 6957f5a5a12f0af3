// The web app's files: content types, the index.html fallback of client routes, refused
// paths (traversal, encoded traversal, NUL, backslash, hidden files, symlinks out of the
// root), 404s, cache headers, ETag revalidation, the security headers, HEAD, the note when
// the app is not built, and that the API's paths keep their own 404s next to the fallback.

#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/testing.h"

namespace hetong::api {
namespace {

namespace fs = std::filesystem;

HttpRequest Get(std::string path, std::string method = "GET") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = path;
  size_t q = path.find('?');
  if (q != std::string::npos) {
    r.query = path.substr(q + 1);
    path.resize(q);
  }
  r.path = PercentDecode(path, false);
  return r;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.File("dist");
    fs::create_directories(root_ + "/assets");
    Write("index.html", "<!doctype html><div id=app></div>");
    Write("favicon.ico", "ICO");
    Write("robots.txt", "User-agent: *\n");
    Write("assets/index-3f2a1b.js", "console.log(1)");
    Write("assets/index-3f2a1b.css", "body{}");
    Write("assets/pdf.worker-9c8d.mjs", "self.onmessage=null");
    Write("assets/logo.svg", "<svg/>");
    Write("assets/font.woff2", "wOF2");
    Write("assets/data.bin", "\x01\x02");
    Write("assets/app.wasm", "\x00asm");
    Write("assets/index-3f2a1b.js.map", "{}");
    Write(".env", "SECRET=1");
    tmp_.Write("outside.txt", "outside the root");
    files_ = std::make_unique<StaticFiles>(root_);
  }

  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ + "/" + rel, std::ios::binary) << text;
  }

  hetong::testing::TempDir tmp_;
  std::string root_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ContentTypesByExtension) {
  const std::pair<const char*, const char*> cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/favicon.ico", "image/x-icon"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/assets/index-3f2a1b.js", "text/javascript; charset=utf-8"},
      {"/assets/pdf.worker-9c8d.mjs", "text/javascript; charset=utf-8"},
      {"/assets/index-3f2a1b.css", "text/css; charset=utf-8"},
      {"/assets/logo.svg", "image/svg+xml"},
      {"/assets/font.woff2", "font/woff2"},
      {"/assets/app.wasm", "application/wasm"},
      {"/assets/index-3f2a1b.js.map", "application/json"},
      {"/assets/data.bin", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) {
    HttpResponse r = files_->Serve(Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.HeaderValue("Content-Type"), type) << path;
  }
  EXPECT_EQ(files_->Serve(Get("/assets/index-3f2a1b.js")).body, "console.log(1)");
}

TEST_F(StaticFilesTest, ClientRoutesGetIndexHtml) {
  for (const char* path : {"/", "/contracts/ctr-1", "/sign?token=abc.def", "/orgs/org-1/members",
                           "/assets", "/login/"}) {
    HttpResponse r = files_->Serve(Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html><div id=app></div>") << path;
    EXPECT_EQ(r.HeaderValue("Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(r.HeaderValue("Cache-Control"), "no-cache") << path;
  }
}

TEST_F(StaticFilesTest, MissingFileWithExtensionIs404) {
  for (const char* path : {"/assets/missing-123.js", "/nothing.png", "/contracts/x.pdf"}) {
    HttpResponse r = files_->Serve(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("<!doctype"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, RefusesTraversalAndOddPaths) {
  for (const char* path :
       {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2foutside.txt", "/..",
        "/assets/../index.html", "/%2E%2E/outside.txt", "/a%00.js", "/assets\\logo.svg",
        "/assets%5clogo.svg", "/.env", "/assets/./logo.svg", "/%2eenv", "/a b", "/合同",
        "/index.html%3f", "/assets/logo.svg;x"}) {
    HttpResponse r = files_->Serve(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, SymlinkOutOfTheRootIsNotFollowed) {
  fs::create_symlink(tmp_.File("outside.txt"), root_ + "/assets/link.txt");
  HttpResponse r = files_->Serve(Get("/assets/link.txt"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("outside the root"), std::string::npos);
  // A symlink inside the root is fine.
  fs::create_symlink(root_ + "/robots.txt", root_ + "/assets/robots.txt");
  EXPECT_EQ(files_->Serve(Get("/assets/robots.txt")).status, 200);
}

TEST_F(StaticFilesTest, CacheControlAndSecurityHeaders) {
  HttpResponse asset = files_->Serve(Get("/assets/index-3f2a1b.js"));
  EXPECT_EQ(asset.HeaderValue("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(files_->Serve(Get("/favicon.ico")).HeaderValue("Cache-Control"), "no-cache");
  for (const char* path : {"/", "/assets/index-3f2a1b.js", "/missing.js", "/../x", "/api/v2"}) {
    HttpResponse r = files_->Serve(Get(path));
    EXPECT_EQ(r.HeaderValue("Content-Security-Policy"), kWebContentSecurityPolicy) << path;
    EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r.HeaderValue("Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(r.HeaderValue("X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(r.HeaderValue("Permissions-Policy"), "camera=(), microphone=(), geolocation=()")
        << path;
  }
  EXPECT_NE(std::string(kWebContentSecurityPolicy).find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST_F(StaticFilesTest, ETagAndNotModified) {
  HttpResponse first = files_->Serve(Get("/assets/index-3f2a1b.css"));
  std::string etag = first.HeaderValue("ETag");
  ASSERT_EQ(etag.rfind("W/\"", 0), 0u) << etag;
  HttpRequest again = Get("/assets/index-3f2a1b.css");
  again.headers.emplace_back("if-none-match", etag);
  HttpResponse not_modified = files_->Serve(again);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.HeaderValue("ETag"), etag);
  EXPECT_EQ(not_modified.HeaderValue("X-Content-Type-Options"), "nosniff");
  // A list, and the strong form of the same tag, match too (weak comparison); "*" matches.
  for (std::string inm : {"\"x\", " + etag, etag.substr(2), std::string("*")}) {
    HttpRequest r = Get("/assets/index-3f2a1b.css");
    r.headers.emplace_back("if-none-match", inm);
    EXPECT_EQ(files_->Serve(r).status, 304) << inm;
  }
  // Another tag, or a changed file, is a full answer.
  HttpRequest other = Get("/assets/index-3f2a1b.css");
  other.headers.emplace_back("if-none-match", "W/\"1-2\"");
  EXPECT_EQ(files_->Serve(other).status, 200);
  Write("assets/index-3f2a1b.css", "body{color:red}");
  EXPECT_EQ(files_->Serve(again).status, 200);
  // Client routes revalidate index.html the same way.
  HttpResponse index = files_->Serve(Get("/contracts/ctr-1"));
  HttpRequest route = Get("/sign");
  route.headers.emplace_back("if-none-match", index.HeaderValue("ETag"));
  EXPECT_EQ(files_->Serve(route).status, 304);
}

TEST_F(StaticFilesTest, HeadThroughTheRouter) {
  Router router;
  RegisterStaticFiles(router, std::make_shared<const StaticFiles>(root_));
  HttpResponse head = router.Dispatch(Get("/assets/index-3f2a1b.js", "HEAD"));
  EXPECT_EQ(head.status, 200);  // the server sends the headers (and length) without the body
  EXPECT_EQ(head.HeaderValue("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(router.Dispatch(Get("/contracts/ctr-1", "HEAD")).status, 200);
  EXPECT_EQ(router.Dispatch(Get("/index.html", "POST")).status, 405);
}

TEST_F(StaticFilesTest, ApiPathsKeepTheirOwnAnswers) {
  Router router;
  router.HandlePrefix("GET", "/api/v1/", [](const HttpRequest&) {
    return HttpResponse::Problem(404, "not-found", "Not found", "no such API path");
  });
  router.Handle("GET", "/healthz",
                [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  router.Handle("POST", "/tsa", [](const HttpRequest&) { return HttpResponse::Text(200, "tsa"); });
  RegisterStaticFiles(router, std::make_shared<const StaticFiles>(root_));
  HttpResponse api = router.Dispatch(Get("/api/v1/no/such/thing"));
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.HeaderValue("Content-Type"), "application/problem+json");
  EXPECT_NE(api.body.find("no such API path"), std::string::npos);
  EXPECT_EQ(router.Dispatch(Get("/healthz")).body, "ok");
  // Reserved paths that no route takes are JSON 404s, never index.html.
  for (const char* path : {"/api", "/api/", "/api/v2/x", "/pki/nothing", "/tsa", "/healthz/x",
                           "/version", "/metrics/x"}) {
    HttpResponse r = router.Dispatch(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.HeaderValue("Content-Type"), "application/problem+json") << path;
  }
  // Paths that merely start with the same letters are the app's.
  EXPECT_EQ(router.Dispatch(Get("/apis")).status, 200);
  EXPECT_EQ(router.Dispatch(Get("/versions/x")).status, 200);
}

TEST_F(StaticFilesTest, TooLargeFileIsNotServed) {
  fs::resize_file(root_ + "/assets/data.bin", kMaxStaticFileBytes + 1);
  EXPECT_EQ(files_->Serve(Get("/assets/data.bin")).status, 404);
  fs::resize_file(root_ + "/assets/data.bin", kMaxStaticFileBytes);
  EXPECT_EQ(files_->Serve(Get("/assets/data.bin")).status, 200);
}

TEST(StaticFilesNotBuiltTest, NoteWhereTheAppWouldBe) {
  StaticFiles none("");
  HttpResponse r = none.Serve(Get("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.HeaderValue("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("make web"), std::string::npos);
  EXPECT_NE(r.body.find("/api/v1"), std::string::npos);
  EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(none.Serve(Get("/contracts/ctr-1")).status, 404);
  EXPECT_EQ(none.Serve(Get("/assets/x.js")).status, 404);
  // A root without index.html (a build in progress) says the same.
  hetong::testing::TempDir tmp;
  StaticFiles empty(tmp.path());
  EXPECT_EQ(empty.Serve(Get("/")).status, 200);
  EXPECT_NE(empty.Serve(Get("/")).body.find("make web"), std::string::npos);
}

TEST(StaticFilesNotBuiltTest, ChooseWebRoot) {
  hetong::testing::TempDir tmp;
  EXPECT_EQ(*ChooseWebRoot(tmp.path(), "/nonexistent"), tmp.path());
  EXPECT_EQ(*ChooseWebRoot("", tmp.path()), tmp.path());
  EXPECT_EQ(*ChooseWebRoot("", tmp.File("missing")), "");
  EXPECT_EQ(*ChooseWebRoot("", ""), "");
  auto bad = ChooseWebRoot(tmp.File("missing"), tmp.path());
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("web.root"), std::string::npos);
}

}  // namespace
}  // namespace hetong::api
