#include "api/http.h"

#include <gtest/gtest.h>

namespace hetong::api {
namespace {

HttpRequest Req(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

TEST(RouterTest, ExactPrefixAndErrors) {
  Router router;
  router.Handle("GET", "/healthz",
                [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
  router.HandlePrefix("GET", "/pki/", [](const HttpRequest& r) {
    return HttpResponse::Text(200, "pki:" + r.path);
  });
  router.HandlePrefix("GET", "/pki/crl/",
                      [](const HttpRequest&) { return HttpResponse::Text(200, "crl"); });
  router.Handle("POST", "/throws", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret detail");
  });
  EXPECT_EQ(router.Dispatch(Req("GET", "/healthz")).body, "ok");
  EXPECT_EQ(router.Dispatch(Req("HEAD", "/healthz")).status, 200);
  EXPECT_EQ(router.Dispatch(Req("GET", "/pki/ca/x.crt")).body, "pki:/pki/ca/x.crt");
  EXPECT_EQ(router.Dispatch(Req("GET", "/pki/crl/a.crl")).body, "crl");
  auto nf = router.Dispatch(Req("GET", "/nope"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_NE(nf.body.find("/problems/not-found"), std::string::npos);
  auto na = router.Dispatch(Req("DELETE", "/healthz"));
  EXPECT_EQ(na.status, 405);
  auto boom = router.Dispatch(Req("POST", "/throws"));
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body.find("secret detail"), std::string::npos);
}

TEST(HttpTest, QueryAndStatusMapping) {
  HttpRequest r;
  r.query = "a=1&b=hello+world&c=%E5%90%88&d";
  auto q = r.QueryParams();
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "hello world");
  EXPECT_EQ(q["c"], "合");
  EXPECT_EQ(q["d"], "");
  EXPECT_EQ(PercentDecode("/a%2Fb+c", false), "/a/b+c");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  auto p = HttpResponse::FromStatus(InvalidArgumentError("the title is empty"));
  EXPECT_EQ(p.status, 400);
  EXPECT_NE(p.body.find("the title is empty"), std::string::npos);
  auto internal = HttpResponse::FromStatus(InternalError("db path /var/secret"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("/var/secret"), std::string::npos);
}

TEST(CookieHeaderTest, ParsesSeveralCookies) {
  HttpRequest r;
  r.headers = {{"cookie", "a=1; hetong_session=tok-1;b=\"quoted\""},
               {"cookie", "hetong_session=second; c = 3 "}};
  EXPECT_EQ(*r.Cookie("hetong_session"), "tok-1");
  EXPECT_EQ(*r.Cookie("a"), "1");
  EXPECT_EQ(*r.Cookie("b"), "quoted");
  EXPECT_EQ(*r.Cookie("c"), "3");
  EXPECT_FALSE(r.Cookie("Hetong_session").has_value());
  EXPECT_FALSE(r.Cookie("hetong").has_value());
  HttpRequest none;
  none.headers = {{"cookie", "hetong_session_x=1; xhetong_session=2; novalue"}};
  EXPECT_FALSE(none.Cookie("hetong_session").has_value());
}

}  // namespace
}  // namespace hetong::api
