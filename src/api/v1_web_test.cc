// What the browser app relies on, through the real /api/v1 routes over a real instance store:
// cookie sessions (the token only in an HttpOnly cookie, never in a body; the cookie alone
// authenticates; the X-Hetong-Client header on every state-changing cookie request; logout
// clears it), the security headers of API responses, the SM2 point and key identifier of the
// encryption certificate, and an organisation's audit trail.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/v1.h"
#include "base/encoding.h"
#include "ca/authority.h"
#include "crypto/certificate_info.h"
#include "crypto/envelope.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "evidence/log.h"
#include "evidence/memory_repository.h"
#include "identity/certificate_auth.h"
#include "identity/intent.h"
#include "identity/verification.h"
#include "keycenter/key_center.h"
#include "pki/test_ca.h"
#include "store/instance.h"
#include "store/sql_identity.h"
#include "store/sql_repositories.h"
#include "testing/testing.h"

namespace hetong::api {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "a long passphrase 7731";

class FakeIssuer final : public identity::CredentialIssuer {
 public:
  StatusOr<Issued> Issue(const identity::Account& a, bool) override {
    return Issued{"key-" + a.id, "01"};
  }
  StatusOr<Issued> Renew(const identity::Account& a) override { return Issued{a.key_id, "02"}; }
  Status Revoke(const identity::Account&, int) override { return OkStatus(); }
};

// The cookie's value from a Set-Cookie header.
std::string CookieValue(const std::string& set_cookie) {
  std::string prefix = std::string(kSessionCookie) + "=";
  if (set_cookie.rfind(prefix, 0) != 0) return "";
  return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
}

class V1WebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        store::Instance::Init(tmp_.File("inst"), store::InitOptions{}, crypto::DefaultRng()).ok());
    auto inst = store::Instance::Open(tmp_.File("inst"));
    ASSERT_TRUE(inst.ok()) << inst.status();
    inst_ = *std::move(inst);
    repo_ = std::make_unique<store::SqlIdentityRepository>(*inst_);
    identity::Settings settings;
    settings.password_iterations = 1000;  // fast tests
    settings.demo = true;
    id_ = std::make_unique<identity::IdentityService>(*repo_, clock_, crypto::DefaultRng(),
                                                      inst_->master_key(), settings);
    id_->AddProvider(std::make_unique<identity::SandboxProvider>(true));
    id_->SetIssuer(&issuer_);
    id_->SetAudit([this](const std::string& type, const std::string& subject,
                         const std::string& actor, const std::string& details) {
      ASSERT_TRUE(log_.Append(evidence::Event{type, subject, actor, clock_.Now(), details}).ok());
    });
    key_repo_ = std::make_unique<store::SqlKeyRepository>(*inst_);
    device_ = std::make_unique<keycenter::SoftwareDevice>(inst_->master_key().Clone(),
                                                          crypto::DefaultRng());
    keys_ =
        std::make_unique<keycenter::KeyCenter>(*device_, *key_repo_, clock_, crypto::DefaultRng());
    signing_ = std::make_unique<identity::SigningService>(*id_, *repo_, *keys_, clock_,
                                                          crypto::DefaultRng());
    cert_auth_ = std::make_unique<identity::CertificateAuthenticator>(
        *id_, *repo_, [] { return std::vector<pki::Certificate>(); }, "test-instance", clock_,
        crypto::DefaultRng());
    // The CA needs one authority to open; these tests issue nothing, so an external anchor
    // does (a whole hierarchy would cost RSA-3072 key generation in every test).
    ca_repo_ = std::make_unique<store::SqlCaRepository>(*inst_);
    ASSERT_TRUE(ca_repo_
                    ->InsertAuthority({"test-anchor", "external", "anchor", "", "",
                                       enc_root_.cert.der(), clock_.Now()})
                    .ok());
    auto ca = ca::CertificateAuthority::Open(*keys_, *ca_repo_, ca::CaSettings{}, clock_,
                                             crypto::DefaultRng());
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *std::move(ca);
    idem_ = std::make_unique<store::SqlIdempotencyStore>(*inst_);

    V1Options options;
    options.secure_cookies = true;
    std::string pem = enc_.cert.ToPem();
    options.encryption_certificate_pem = [pem]() -> StatusOr<std::string> { return pem; };
    V1Areas areas;
    areas.evidence = &log_;
    RegisterV1Routes(router_, *id_, *signing_, *cert_auth_, *ca_, *idem_, clock_, options,
                     std::move(areas));
  }

  HttpResponse Call(const std::string& method, const std::string& target, const json& body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = PercentDecode(target.substr(0, q), false);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.emplace_back("content-type", "application/json");
    }
    for (auto& [k, v] : headers) {
      for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers.emplace_back(std::move(k), std::move(v));
    }
    req.remote_address = "127.0.0.1";
    return router_.Dispatch(req);
  }

  std::string Register(const std::string& email, const std::string& id_number) {
    HttpResponse r = Call(
        "POST", "/api/v1/auth/register",
        {{"name", "张三"}, {"email", email}, {"id_number", id_number}, {"password", kPassword}});
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body).value("id", "");
  }

  std::string BearerLogin(const std::string& email) {
    HttpResponse r =
        Call("POST", "/api/v1/auth/login", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("token", "");
  }

  // A cookie session as the web app logs in: the Cookie header to send with it.
  std::string CookieLogin(const std::string& email) {
    HttpResponse r = Call("POST", "/api/v1/auth/login",
                          {{"email", email}, {"password", kPassword}, {"session", "cookie"}},
                          {{"X-Hetong-Client", "web"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(kSessionCookie) + "=" + CookieValue(r.HeaderValue("Set-Cookie"));
  }

  // A person verified by the sandbox, with a bearer token.
  std::string Verified(const std::string& email, const std::string& id_number) {
    Register(email, id_number);
    std::string token = BearerLogin(email);
    HttpResponse v = Call("POST", "/api/v1/identity/verifications", {{"provider", "sandbox"}},
                          {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(v.status, 201) << v.body;
    return token;
  }

  hetong::testing::TempDir tmp_;
  base::FakeClock clock_{base::SystemClock::Get().Now()};
  pki::testing::TestKey enc_root_ =
      pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kRoot, "测试根", nullptr, clock_);
  pki::testing::TestKey enc_ = pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kEncryption,
                                                   "平台加密证书", &enc_root_, clock_);
  std::unique_ptr<store::Instance> inst_;
  std::unique_ptr<store::SqlIdentityRepository> repo_;
  FakeIssuer issuer_;
  std::unique_ptr<identity::IdentityService> id_;
  evidence::testing::MemoryEvidenceRepository log_repo_;
  evidence::EvidenceLog log_{log_repo_, "test-log", clock_};
  std::unique_ptr<store::SqlKeyRepository> key_repo_;
  std::unique_ptr<keycenter::SoftwareDevice> device_;
  std::unique_ptr<keycenter::KeyCenter> keys_;
  std::unique_ptr<identity::SigningService> signing_;
  std::unique_ptr<identity::CertificateAuthenticator> cert_auth_;
  std::unique_ptr<store::SqlCaRepository> ca_repo_;
  std::unique_ptr<ca::CertificateAuthority> ca_;
  std::unique_ptr<store::SqlIdempotencyStore> idem_;
  Router router_;
};

TEST_F(V1WebTest, CookieLoginKeepsTheTokenOutOfTheBody) {
  Register("zhang@example.cn", "11010519491231002X");
  HttpResponse r =
      Call("POST", "/api/v1/auth/login",
           {{"email", "zhang@example.cn"}, {"password", kPassword}, {"session", "cookie"}},
           {{"X-Hetong-Client", "web"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_FALSE(body.contains("token"));
  EXPECT_EQ(body["token_type"], "Cookie");
  EXPECT_EQ(body["method"], "password");
  EXPECT_EQ(body["account"]["email"], "zhang@example.cn");
  EXPECT_TRUE(body.contains("expires_at"));
  EXPECT_EQ(r.HeaderValue("Cache-Control"), "no-store");
  std::string set_cookie = r.HeaderValue("Set-Cookie");
  std::string token = CookieValue(set_cookie);
  EXPECT_EQ(token.size(), 43u) << set_cookie;
  EXPECT_EQ(set_cookie, std::string(kSessionCookie) + "=" + token +
                            "; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age=43200; Secure");
  EXPECT_EQ(r.body.find(token), std::string::npos);

  // The cookie alone authenticates, among other cookies and with spaces.
  HttpResponse me = Call(
      "GET", "/api/v1/me", nullptr,
      {{"Cookie", "theme=dark;  " + std::string(kSessionCookie) + "=" + token + " ; lang=zh"}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body)["email"], "zhang@example.cn");
  EXPECT_EQ(me.body.find(token), std::string::npos);
  // So does the token as a bearer token (the same session).
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, {{"Authorization", "Bearer " + token}}).status, 200);

  // A bearer login still answers with the token and sets no cookie.
  HttpResponse bearer =
      Call("POST", "/api/v1/auth/login",
           {{"email", "zhang@example.cn"}, {"password", kPassword}, {"session", "token"}});
  ASSERT_EQ(bearer.status, 200);
  EXPECT_EQ(json::parse(bearer.body)["token_type"], "Bearer");
  EXPECT_EQ(json::parse(bearer.body)["token"].get<std::string>().size(), 43u);
  EXPECT_EQ(bearer.HeaderValue("Set-Cookie"), "");
}

TEST_F(V1WebTest, CookieLoginNeedsTheWebClientHeaderAndAKnownSessionKind) {
  Register("zhang@example.cn", "11010519491231002X");
  HttpResponse no_header =
      Call("POST", "/api/v1/auth/login",
           {{"email", "zhang@example.cn"}, {"password", kPassword}, {"session", "cookie"}});
  EXPECT_EQ(no_header.status, 403) << no_header.body;
  EXPECT_EQ(no_header.HeaderValue("Set-Cookie"), "");
  HttpResponse bad =
      Call("POST", "/api/v1/auth/login",
           {{"email", "zhang@example.cn"}, {"password", kPassword}, {"session", "jwt"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(V1WebTest, CookieRequestsThatChangeStateNeedTheHeader) {
  Register("zhang@example.cn", "11010519491231002X");
  std::string cookie = CookieLogin("zhang@example.cn");

  HttpResponse refused = Call("PATCH", "/api/v1/me", {{"name", "张三丰"}}, {{"Cookie", cookie}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("/problems/permission-denied"), std::string::npos);
  EXPECT_NE(refused.body.find("X-Hetong-Client: web"), std::string::npos);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/me", nullptr, {{"Cookie", cookie}}).body)["name"],
            "张三");  // nothing changed
  EXPECT_EQ(Call("PATCH", "/api/v1/me", {{"name", "张三丰"}},
                 {{"Cookie", cookie}, {"X-Hetong-Client", "other"}})
                .status,
            403);

  HttpResponse accepted = Call("PATCH", "/api/v1/me", {{"name", "张三丰"}},
                               {{"Cookie", cookie}, {"X-Hetong-Client", "web"}});
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(json::parse(accepted.body)["name"], "张三丰");

  // A bearer token needs no such header (no browser sends it on its own).
  std::string token = BearerLogin("zhang@example.cn");
  EXPECT_EQ(Call("PATCH", "/api/v1/me", {{"name", "张三"}}, {{"Authorization", "Bearer " + token}})
                .status,
            200);
}

TEST_F(V1WebTest, LogoutClearsTheCookie) {
  Register("zhang@example.cn", "11010519491231002X");
  std::string cookie = CookieLogin("zhang@example.cn");
  const std::string cleared =
      std::string(kSessionCookie) + "=; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age=0; Secure";

  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, {{"Cookie", cookie}}).status, 403);
  HttpResponse out = Call("POST", "/api/v1/auth/logout", nullptr,
                          {{"Cookie", cookie}, {"X-Hetong-Client", "web"}});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.HeaderValue("Set-Cookie"), cleared);

  // The session is over; a dead cookie is cleared by whatever it is sent to.
  HttpResponse me = Call("GET", "/api/v1/me", nullptr, {{"Cookie", cookie}});
  EXPECT_EQ(me.status, 401);
  EXPECT_EQ(me.HeaderValue("Set-Cookie"), cleared);
  HttpResponse again = Call("POST", "/api/v1/auth/logout", nullptr,
                            {{"Cookie", cookie}, {"X-Hetong-Client", "web"}});
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.HeaderValue("Set-Cookie"), cleared);
  // Without any credential: 401 and no cookie is touched.
  HttpResponse none = Call("GET", "/api/v1/me", nullptr);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.HeaderValue("Set-Cookie"), "");
  EXPECT_EQ(none.HeaderValue("WWW-Authenticate"), "Bearer realm=\"hetong\"");
}

TEST_F(V1WebTest, ApiResponsesCarrySecurityHeaders) {
  for (const char* path : {"/api/v1/identity/providers", "/api/v1/me", "/api/v1/no/such/path"}) {
    HttpResponse r = Call("GET", path, nullptr);
    EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r.HeaderValue("Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(r.HeaderValue("Content-Security-Policy"),
              "default-src 'none'; frame-ancestors 'none'")
        << path;
  }
  HttpResponse unknown = Call("GET", "/api/v1/no/such/path", nullptr);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.HeaderValue("Content-Type"), "application/problem+json");
}

TEST_F(V1WebTest, EncryptionCertificateGivesPointAndKeyId) {
  HttpResponse r = Call("GET", "/api/v1/encryption-certificate", nullptr);
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  std::string point = body["public_key"];
  std::string key_id = body["key_id"];
  EXPECT_EQ(point.size(), 130u);
  EXPECT_EQ(point.substr(0, 2), "04");
  EXPECT_EQ(point, base::HexEncode(*enc_.cert.public_key().EcPoint()));
  EXPECT_EQ(key_id.size(), 40u);
  EXPECT_EQ(key_id, base::HexEncode(crypto::KeyIdentifier(enc_.cert.public_key())));
  // The key_id is SHA-1 of the point (the subjectPublicKey BIT STRING's contents) ...
  EXPECT_EQ(key_id,
            base::HexEncode(crypto::Hash(crypto::HashAlgorithm::kSha1, *base::HexDecode(point))));
  EXPECT_EQ(key_id, base::HexEncode(enc_.cert.subject_key_id()));
  // ... and an envelope made from the point alone (a [0] rid) opens with the certificate's key.
  auto key = crypto::PublicKey::FromSm2Point(*base::HexDecode(point));
  ASSERT_TRUE(key.ok());
  auto env = crypto::SealEnvelope({*key, std::nullopt}, AsBytes("11010519491231002X"),
                                  crypto::DefaultRng());
  ASSERT_TRUE(env.ok());
  auto opened = crypto::OpenEnvelope(enc_.key, *env);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->RevealString(SecretAccess::Unsafe()), "11010519491231002X");
}

TEST_F(V1WebTest, OrgAuditTrailForAdminsNewestFirst) {
  std::string admin = Verified("admin@example.cn", "11010519491231002X");
  std::string signer = Verified("signer@example.cn", "440524188001010014");
  std::string outsider = Verified("out@example.cn", "110105198001010016");
  auto as = [](const std::string& token) {
    return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + token}};
  };
  HttpResponse org = Call("POST", "/api/v1/orgs",
                          {{"name", "北京某某科技有限公司"},
                           {"credit_code", "91350100M000100Y43"},
                           {"legal_representative", "张三"}},
                          as(admin));
  ASSERT_EQ(org.status, 201) << org.body;
  std::string org_id = json::parse(org.body)["id"];
  ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/members",
                 {{"email", "signer@example.cn"}, {"role", "signer"}}, as(admin))
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/members",
                 {{"email", "out@example.cn"}, {"role", "viewer"}}, as(admin))
                .status,
            201);
  std::string out_id = json::parse(Call("GET", "/api/v1/me", nullptr, as(outsider)).body)["id"];
  ASSERT_EQ(
      Call("DELETE", "/api/v1/orgs/" + org_id + "/members/" + out_id, nullptr, as(admin)).status,
      204);

  HttpResponse trail = Call("GET", "/api/v1/orgs/" + org_id + "/audit", nullptr, as(admin));
  ASSERT_EQ(trail.status, 200) << trail.body;
  json items = json::parse(trail.body)["items"];
  ASSERT_EQ(items.size(), 4u) << trail.body;
  EXPECT_EQ(json::parse(trail.body)["next_offset"], nullptr);
  EXPECT_EQ(items[0]["type"], "member.removed");
  EXPECT_EQ(items[0]["details"]["person_id"], out_id);
  EXPECT_EQ(items[1]["type"], "member.added");
  EXPECT_EQ(items[1]["details"]["role"], "viewer");
  EXPECT_EQ(items[2]["type"], "member.added");
  EXPECT_EQ(items[2]["details"]["role"], "signer");
  EXPECT_EQ(items[3]["type"], "account.registered");
  EXPECT_EQ(items[3]["details"]["kind"], "org");
  std::string admin_id = json::parse(Call("GET", "/api/v1/me", nullptr, as(admin)).body)["id"];
  for (const auto& e : items) {
    EXPECT_EQ(e["actor"], admin_id);
    EXPECT_TRUE(e["details"].is_object());
    EXPECT_TRUE(e["at"].is_string());
    EXPECT_TRUE(e["index"].is_number_unsigned());
  }
  EXPECT_GT(items[0]["index"].get<uint64_t>(), items[3]["index"].get<uint64_t>());
  // The leaf is the log's.
  auto leaf = log_.Get(items[0]["index"].get<uint64_t>());
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(leaf->event.subject, org_id);

  // Paged like every list.
  HttpResponse first = Call("GET", "/api/v1/orgs/" + org_id + "/audit?limit=3", nullptr, as(admin));
  EXPECT_EQ(json::parse(first.body)["items"].size(), 3u);
  EXPECT_EQ(json::parse(first.body)["next_offset"], 3);
  HttpResponse rest =
      Call("GET", "/api/v1/orgs/" + org_id + "/audit?limit=3&offset=3", nullptr, as(admin));
  ASSERT_EQ(json::parse(rest.body)["items"].size(), 1u);
  EXPECT_EQ(json::parse(rest.body)["items"][0]["type"], "account.registered");
  EXPECT_EQ(json::parse(rest.body)["next_offset"], nullptr);
  EXPECT_EQ(
      json::parse(Call("GET", "/api/v1/orgs/" + org_id + "/audit?offset=100", nullptr, as(admin))
                      .body)["items"]
          .size(),
      0u);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/audit?limit=0", nullptr, as(admin)).status,
            400);

  // A member without the admin role: 403; an outsider (no longer a member): 404; no session: 401.
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/audit", nullptr, as(signer)).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/audit", nullptr, as(outsider)).status, 404);
  EXPECT_EQ(
      Call("GET", "/api/v1/orgs/org-000000000000000000000000/audit", nullptr, as(admin)).status,
      404);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/audit", nullptr).status, 401);

  // Or by cursor: the last index of a page (next_before) starts the next one, and the
  // organisation's events appended meanwhile do not shift it.
  EXPECT_EQ(json::parse(trail.body)["next_before"], nullptr);
  json first_page = json::parse(first.body);
  ASSERT_TRUE(first_page["next_before"].is_number_unsigned()) << first.body;
  EXPECT_EQ(first_page["next_before"], first_page["items"][2]["index"]);
  std::string cursor = std::to_string(first_page["next_before"].get<uint64_t>());
  ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/members",
                 {{"email", "out@example.cn"}, {"role", "viewer"}}, as(admin))
                .status,
            201);
  json by_cursor = json::parse(
      Call("GET", "/api/v1/orgs/" + org_id + "/audit?limit=3&before=" + cursor, nullptr, as(admin))
          .body);
  ASSERT_EQ(by_cursor["items"].size(), 1u);
  EXPECT_EQ(by_cursor["items"][0]["type"], "account.registered");
  EXPECT_EQ(by_cursor["next_before"], nullptr);
  EXPECT_EQ(
      json::parse(Call("GET", "/api/v1/orgs/" + org_id + "/audit?before=0", nullptr, as(admin))
                      .body)["items"]
          .size(),
      0u);
  for (const char* bad : {"x", "-1", "", "1e3"}) {
    EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/audit?before=" + std::string(bad), nullptr,
                   as(admin))
                  .status,
              400)
        << bad;
  }
}

}  // namespace
}  // namespace hetong::api
