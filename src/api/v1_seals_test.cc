// The seal routes over SealService with in-memory storage: request parsing, status codes,
// JSON views, the PNG upload and download, paging, and that a null service is not touched
// while routes are only listed.

#include "api/v1_seals.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/random.h"
#include "seal/memory_repository.h"

namespace hetong::api {
namespace {

using identity::AccountKind;
using identity::Role;
using v1::json;

// A RouteTable that matches paths the way /api/v1 does ({..} is one segment).
class TestRoutes final : public v1::RouteTable {
 public:
  struct Entry {
    std::string method;
    std::string pattern;
    bool auth;
    bool idempotent;
    v1::RouteHandler handler;
    size_t max_body;
  };
  void Add(std::string method, const std::string& pattern, bool auth, bool idempotent,
           v1::RouteHandler handler, size_t max_body) override {
    entries.push_back({std::move(method), pattern, auth, idempotent, std::move(handler), max_body});
  }

  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
      size_t j = path.find('/', i + 1);
      if (j == std::string::npos) j = path.size();
      out.push_back(path.substr(i + 1, j - i - 1));
      i = j;
    }
    return out;
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& actor,
                    std::string body = "", std::string content_type = "application/json") {
    HttpRequest req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.body = std::move(body);
    if (!content_type.empty()) req.headers.emplace_back("content-type", content_type);
    auto segs = Split(req.path);
    for (const Entry& e : entries) {
      auto pat = Split(e.pattern);
      if (e.method != method || pat.size() != segs.size()) continue;
      std::vector<std::string> params;
      bool match = true;
      for (size_t i = 0; i < pat.size() && match; ++i) {
        if (pat[i].front() == '{') {
          params.push_back(segs[i]);
        } else {
          match = pat[i] == segs[i];
        }
      }
      if (!match) continue;
      if (req.body.size() > e.max_body) return HttpResponse::Text(413, "too large");
      identity::Authenticated who;
      who.account.id = actor;
      v1::Context ctx{req, std::move(params), who};
      return e.handler(ctx);
    }
    return HttpResponse::Text(404, "no route");
  }

  std::vector<Entry> entries;
};

json J(const HttpResponse& r) { return json::parse(r.body); }

class SealRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.AddAccount("org-1", AccountKind::kOrg, "北京某某科技有限公司");
    dir_.AddAccount("psn-admin", AccountKind::kPerson, "王芳");
    dir_.AddAccount("psn-signer", AccountKind::kPerson, "李小明");
    dir_.AddAccount("psn-stranger", AccountKind::kPerson, "张三");
    dir_.AddMember("org-1", "psn-admin", Role::kAdmin);
    dir_.AddMember("org-1", "psn-signer", Role::kSigner);
    identity::Grant g;
    g.id = "grt-1";
    g.org_id = "org-1";
    g.person_id = "psn-signer";
    dir_.AddGrant(g);
    seal::SealSettings settings;
    settings.company_size_px = 128;
    settings.personal_size_px = 64;
    svc_ = std::make_unique<seal::SealService>(repo_, dir_, clock_, crypto::DefaultRng(), settings);
    AddSealRoutes(routes_, svc_.get());
  }

  std::string Png() {
    document::pdf::RgbaImage image{64, 64, Bytes(64 * 64 * 4, 0)};
    for (size_t i = 0; i < image.rgba.size() / 2; i += 4) {
      image.rgba[i] = 200;
      image.rgba[i + 3] = 255;
    }
    auto png = document::pdf::EncodePng(image);
    return std::string(png->begin(), png->end());
  }

  base::FakeClock clock_{base::FromUnixSeconds(1'780'000'000)};
  seal::MemorySealRepository repo_;
  seal::MemoryDirectory dir_;
  std::unique_ptr<seal::SealService> svc_;
  TestRoutes routes_;
};

TEST(SealRoutesListing, NullServiceIsNotUsedAtRegistration) {
  TestRoutes routes;
  AddSealRoutes(routes, nullptr);
  std::set<std::string> patterns;
  for (const auto& e : routes.entries) {
    patterns.insert(e.method + " " + e.pattern);
    EXPECT_TRUE(e.auth) << e.pattern;
  }
  for (const char* p :
       {"POST /orgs/{id}/seals", "POST /orgs/{id}/seals/upload", "GET /orgs/{id}/seals",
        "GET /me/seals", "POST /me/seals", "POST /me/seals/upload", "GET /seals/{id}",
        "GET /seals/{id}/image", "POST /seals/{id}/status", "GET /seals/{id}/usage",
        "GET /orgs/{id}/grants/{grant}/seals", "PUT /orgs/{id}/grants/{grant}/seals"}) {
    EXPECT_TRUE(patterns.count(p)) << p;
  }
  EXPECT_EQ(patterns.size(), routes.entries.size());
}

TEST_F(SealRoutesTest, GenerateListGetImage) {
  auto created =
      routes_.Call("POST", "/orgs/org-1/seals", "psn-admin",
                   R"({"kind":"company","center_text":"合同专用章","seal_code":"1101050012345"})");
  ASSERT_EQ(created.status, 201) << created.body;
  json s = J(created);
  EXPECT_EQ(s["kind"], "company");
  EXPECT_EQ(s["name"], "合同专用章");
  EXPECT_EQ(s["seal_code"], "1101050012345");
  EXPECT_EQ(s["status"], "active");
  EXPECT_EQ(s["width"], 128);
  EXPECT_TRUE(s["revoked_at"].is_null());
  std::string id = s["id"];
  EXPECT_EQ(s["image_url"], "/api/v1/seals/" + id + "/image");

  auto list = routes_.Call("GET", "/orgs/org-1/seals?limit=1", "psn-signer");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(J(list)["items"].size(), 1u);
  EXPECT_TRUE(J(list)["next_offset"].is_null());

  auto got = routes_.Call("GET", "/seals/" + id, "psn-signer");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(J(got)["id"], id);
  auto image = routes_.Call("GET", "/seals/" + id + "/image", "psn-signer");
  ASSERT_EQ(image.status, 200);
  EXPECT_TRUE(image.body.starts_with("\x89PNG"));
  bool png_type = false;
  for (const auto& [k, v] : image.headers) png_type = png_type || v == "image/png";
  EXPECT_TRUE(png_type);

  EXPECT_EQ(routes_.Call("GET", "/seals/" + id, "psn-stranger").status, 404);
  EXPECT_EQ(routes_.Call("POST", "/orgs/org-1/seals", "psn-signer", "{}").status, 403);
  EXPECT_EQ(routes_.Call("POST", "/orgs/org-1/seals", "psn-admin", R"({"kind":"personal"})").status,
            400);
  EXPECT_EQ(routes_.Call("POST", "/orgs/org-1/seals", "psn-admin", R"({"colour":"red"})").status,
            400);
  EXPECT_EQ(routes_.Call("POST", "/orgs/org-1/seals", "psn-admin", "{}", "text/plain").status, 415);
  EXPECT_EQ(routes_.Call("GET", "/orgs/org-1/seals?limit=0", "psn-admin").status, 400);
}

TEST_F(SealRoutesTest, UploadTakesARawPng) {
  auto up = routes_.Call("POST", "/orgs/org-1/seals/upload?name=%E5%85%AC%E7%AB%A0", "psn-admin",
                         Png(), "image/png");
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(J(up)["kind"], "uploaded");
  EXPECT_EQ(J(up)["name"], "公章");
  EXPECT_EQ(
      routes_.Call("POST", "/orgs/org-1/seals/upload", "psn-admin", Png(), "image/jpeg").status,
      415);
  EXPECT_EQ(
      routes_.Call("POST", "/orgs/org-1/seals/upload?colour=red", "psn-admin", Png(), "image/png")
          .status,
      400);
  EXPECT_EQ(routes_
                .Call("POST", "/orgs/org-1/seals/upload?keep_background=yes", "psn-admin", Png(),
                      "image/png")
                .status,
            400);
  EXPECT_EQ(routes_.Call("POST", "/orgs/org-1/seals/upload", "psn-admin", "not a png", "image/png")
                .status,
            400);
  EXPECT_EQ(routes_
                .Call("POST", "/orgs/org-1/seals/upload", "psn-admin",
                      std::string((2 << 20) + 1, 'x'), "image/png")
                .status,
            413);
  auto mine = routes_.Call("POST", "/me/seals/upload?keep_background=false", "psn-stranger", Png(),
                           "image/png");
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(J(mine)["owner_id"], "psn-stranger");
}

TEST_F(SealRoutesTest, MySealsMakesTheNameSeal) {
  auto mine = routes_.Call("GET", "/me/seals", "psn-signer");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(J(mine)["items"].size(), 1u);
  EXPECT_EQ(J(mine)["items"][0]["name"], "李小明印");
  EXPECT_EQ(J(mine)["items"][0]["kind"], "personal");
  auto another = routes_.Call("POST", "/me/seals", "psn-signer", R"({"name":"小明"})");
  ASSERT_EQ(another.status, 201) << another.body;
  EXPECT_EQ(J(another)["name"], "小明");
  EXPECT_EQ(J(routes_.Call("GET", "/me/seals", "psn-signer"))["items"].size(), 2u);
}

TEST_F(SealRoutesTest, StatusUsageAndGrantRestriction) {
  std::string id = J(routes_.Call("POST", "/orgs/org-1/seals", "psn-admin", "{}"))["id"];
  auto suspended = routes_.Call("POST", "/seals/" + id + "/status", "psn-admin",
                                R"({"status":"suspended","reason":"审计"})");
  ASSERT_EQ(suspended.status, 200) << suspended.body;
  EXPECT_EQ(J(suspended)["status"], "suspended");
  EXPECT_EQ(J(suspended)["status_changed_by"], "psn-admin");
  EXPECT_EQ(
      routes_.Call("POST", "/seals/" + id + "/status", "psn-admin", R"({"status":"lost"})").status,
      400);
  EXPECT_EQ(routes_.Call("POST", "/seals/" + id + "/status", "psn-signer", R"({"status":"active"})")
                .status,
            403);
  EXPECT_EQ(routes_.Call("POST", "/seals/" + id + "/status", "psn-admin", R"({"status":"revoked"})")
                .status,
            400);  // a reason is required
  ASSERT_EQ(routes_
                .Call("POST", "/seals/" + id + "/status", "psn-admin",
                      R"({"status":"revoked","reason":"lost"})")
                .status,
            200);
  EXPECT_EQ(routes_.Call("POST", "/seals/" + id + "/status", "psn-admin", R"({"status":"active"})")
                .status,
            422);

  std::string other = J(routes_.Call("POST", "/orgs/org-1/seals", "psn-admin", "{}"))["id"];
  for (int i = 0; i < 3; ++i) {
    seal::SealUse use;
    use.seal_id = other;
    use.actor_id = "psn-signer";
    use.purpose = "contract.sign";
    use.contract_id = "ctr-" + std::to_string(i);
    ASSERT_TRUE(svc_->RecordUse(use).ok());
    clock_.Advance(std::chrono::seconds(1));
  }
  auto usage = routes_.Call("GET", "/seals/" + other + "/usage?limit=2", "psn-admin");
  ASSERT_EQ(usage.status, 200) << usage.body;
  EXPECT_EQ(J(usage)["items"].size(), 2u);
  EXPECT_EQ(J(usage)["items"][0]["contract_id"], "ctr-2");
  EXPECT_EQ(J(usage)["next_offset"], 2);
  EXPECT_EQ(routes_.Call("GET", "/seals/" + other + "/usage", "psn-signer").status, 403);

  auto put = routes_.Call("PUT", "/orgs/org-1/grants/grt-1/seals", "psn-admin",
                          json{{"seal_ids", {other}}}.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(J(put)["seal_ids"], json::array({other}));
  auto get = routes_.Call("GET", "/orgs/org-1/grants/grt-1/seals", "psn-signer");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(J(get)["seal_ids"], json::array({other}));
  EXPECT_EQ(routes_
                .Call("PUT", "/orgs/org-1/grants/grt-1/seals", "psn-admin",
                      json{{"seal_ids", {id}}}.dump())
                .status,
            422);  // revoked
  EXPECT_EQ(
      routes_.Call("PUT", "/orgs/org-1/grants/grt-1/seals", "psn-admin", R"({"seal_ids":[1]})")
          .status,
      400);
  EXPECT_EQ(routes_.Call("PUT", "/orgs/org-1/grants/grt-9/seals", "psn-admin", R"({"seal_ids":[]})")
                .status,
            404);
}

}  // namespace
}  // namespace hetong::api
