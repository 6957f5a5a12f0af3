#include "api/v1.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "api/v1_evidence.h"
#include "api/v1_internal.h"
#include "api/v1_seals.h"
#include "api/v1_webhooks.h"
#include "base/encoding.h"
#include "crypto/certificate_info.h"
#include "crypto/hash.h"
#include "identity/certificate_auth.h"
#include "identity/intent.h"

namespace hetong::api {

namespace {

using namespace v1;  // NOLINT(google-build-using-namespace): the handlers' shared vocabulary
using identity::Account;
using identity::IdentityService;
using nlohmann::json;

constexpr std::string_view kPrefix = "/api/v1";
// ---- JSON views (never a secret) ----

json AccountJson(const Account& a) {
  json j = {{"id", a.id},
            {"kind", std::string(identity::KindName(a.kind))},
            {"name", a.name},
            {"status", a.status},
            {"verification", a.verification},
            {"created_at", Time(a.created_at)}};
  if (a.kind == identity::AccountKind::kPerson) {
    j["email"] = a.email;
    j["mobile"] = a.mobile;
    j["id_number_masked"] = a.id_masked;
    j["totp"] = a.totp_confirmed;
    if (a.operator_role) j["operator"] = true;
  } else {
    j["credit_code"] = a.id_masked;
    j["legal_representative"] = a.legal_representative;
    if (!a.email.empty()) j["email"] = a.email;
  }
  if (!a.verified_by.empty()) j["verified_by"] = a.verified_by;
  return j;
}

json MemberJson(const identity::Member& m) {
  return {{"org_id", m.org_id},
          {"person_id", m.person_id},
          {"role", std::string(identity::RoleName(m.role))},
          {"created_at", Time(m.created_at)}};
}

// With the names a person reading it needs (the organisation's name; the member's name and
// email, which the organisation's members see anyway).
json MemberJson(identity::IdentityService& id, const identity::Member& m) {
  json j = MemberJson(m);
  if (auto org = id.GetAccount(m.org_id); org.ok()) j["org_name"] = org->name;
  if (auto person = id.GetAccount(m.person_id); person.ok()) {
    j["person_name"] = person->name;
    j["person_email"] = person->email;
  }
  return j;
}

json GrantJson(const identity::Grant& g) {
  json j = {{"id", g.id},
            {"org_id", g.org_id},
            {"person_id", g.person_id},
            {"contract_types", g.contract_types},
            {"granted_by", g.granted_by},
            {"created_at", Time(g.created_at)},
            {"not_after", g.not_after ? json(Time(*g.not_after)) : json(nullptr)},
            {"revoked_at", g.revoked_at ? json(Time(*g.revoked_at)) : json(nullptr)}};
  if (g.revoked_at) j["revoked_by"] = g.revoked_by;
  return j;
}

json VerificationJson(const identity::Verification& v) {
  return {{"id", v.id},
          {"account_id", v.account_id},
          {"provider", v.provider},
          {"state", v.state},
          {"summary", v.summary},
          {"reason", v.reason},
          {"submitted_at", Time(v.submitted_at)},
          {"decided_at", v.decided_at ? json(Time(*v.decided_at)) : json(nullptr)},
          {"decided_by", v.decided_by}};
}

// A cookie session's token is only in the HttpOnly cookie, never in the body.
json SessionJson(const identity::LoginResult& r, bool cookie) {
  json j = {{"token_type", cookie ? "Cookie" : "Bearer"},
            {"expires_at", Time(r.session.expires_at)},
            {"method", r.session.method},
            {"account", AccountJson(r.account)}};
  if (!cookie) j["token"] = std::string(r.token.RevealString(SecretAccess::Unsafe()));
  return j;
}

// ---- sessions by bearer token or cookie ----

struct Credential {
  std::string token;
  bool from_cookie = false;
};

// The session token of a request: `Authorization: Bearer` when the header is there (even a
// malformed one: then no token), else the session cookie.
Credential CredentialOf(const HttpRequest& req) {
  Credential c;
  if (auto h = req.Header("authorization")) {
    if (h->size() > 7 && (h->rfind("Bearer ", 0) == 0 || h->rfind("bearer ", 0) == 0)) {
      c.token = h->substr(7);
    }
    return c;
  }
  if (auto v = req.Cookie(kSessionCookie)) {
    c.token = *std::move(v);
    c.from_cookie = true;
  }
  return c;
}

// Set-Cookie for the session cookie; an empty value with max_age 0 removes it.
std::string SessionCookie(std::string_view value, int64_t max_age, bool secure) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(value) +
                  "; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(std::max<int64_t>(max_age, 0));
  if (secure) c += "; Secure";
  return c;
}

bool FromWebClient(const HttpRequest& req) {
  std::string lower(kWebClientHeader);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto h = req.Header(lower);
  return h && *h == "web";
}

// Headers of every /api/v1 response: types are not sniffed, no Referer leaves, and JSON is
// never a page (documents and images keep the browser's own handling).
void SetApiSecurityHeaders(HttpResponse& r) {
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "no-referrer");
  for (const auto& [k, v] : r.headers) {
    if (k == "Content-Type" &&
        (v.rfind("application/json", 0) == 0 || v.rfind("application/problem+json", 0) == 0)) {
      r.SetHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      break;
    }
  }
}

// ---- rate limits ----

// Fixed-window counters per key (client address or email), in memory: a restart forgets
// them, which is acceptable for limits of minutes and an hour.
class RateLimiter {
 public:
  RateLimiter(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  // 0 when allowed, else the seconds to wait.
  int64_t Take(const std::string& key, base::TimePoint now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (windows_.size() > 100'000) windows_.clear();  // bounded memory under a flood
    auto& w = windows_[key];
    if (now - w.start >= window_) w = {now, 0};
    if (w.count >= limit_) {
      return std::chrono::duration_cast<std::chrono::seconds>(w.start + window_ - now).count() + 1;
    }
    ++w.count;
    return 0;
  }

 private:
  struct Window {
    base::TimePoint start{};
    int count = 0;
  };
  int limit_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

HttpResponse TooMany(int64_t seconds) {
  HttpResponse r = HttpResponse::Problem(
      429, "rate-limited", "Too many requests",
      "too many attempts; retry after " + std::to_string(seconds) + " seconds");
  r.SetHeader("Retry-After", std::to_string(seconds));
  return r;
}

// ---- routing ----

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{}" for a parameter
  bool auth;
  bool idempotent;  // honours Idempotency-Key
  RouteHandler handler;
  std::string pattern;
  size_t max_body;
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

class V1 final : public RouteTable {
 public:
  // Null services only for listing the routes (V1RoutePatterns).
  V1(IdentityService* id, identity::SigningService* signing,
     identity::CertificateAuthenticator* cert_auth, ca::CertificateAuthority* ca,
     IdempotencyStore* idem, const base::Clock* clock, V1Options options)
      : id_(id),
        signing_(signing),
        cert_auth_(cert_auth),
        ca_(ca),
        idem_(idem),
        clock_(clock),
        options_(options),
        login_limit_(options.login_per_minute, std::chrono::seconds(60)),
        code_limit_(options.codes_per_hour, std::chrono::seconds(3600)) {}

  void Add(std::string method, const std::string& pattern, bool auth, bool idempotent,
           RouteHandler h, size_t max_body = kMaxJsonBody) override {
    std::vector<std::string> segs = SplitPath(pattern);
    for (auto& s : segs) {
      if (s.front() == '{') s = "{}";
    }
    routes_.push_back({std::move(method), std::move(segs), auth, idempotent, std::move(h),
                       std::string(kPrefix) + pattern, max_body});
  }

  const std::vector<Route>& routes() const { return routes_; }
  void KeepAlive(std::shared_ptr<const V1Areas> areas) { areas_ = std::move(areas); }

  HttpResponse Dispatch(const HttpRequest& req) {
    std::vector<std::string> segs = SplitPath(std::string_view(req.path).substr(kPrefix.size()));
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    std::set<std::string> allowed;
    for (const Route& r : routes_) {
      if (r.segments.size() != segs.size()) continue;
      std::vector<std::string> params;
      bool match = true;
      for (size_t i = 0; i < segs.size() && match; ++i) {
        if (r.segments[i] == "{}") {
          params.push_back(segs[i]);
        } else {
          match = r.segments[i] == segs[i];
        }
      }
      if (!match) continue;
      if (r.method != method) {
        allowed.insert(r.method);
        continue;
      }
      if (req.body.size() > r.max_body) {
        return HttpResponse::Problem(
            413, "payload-too-large", "Request body too large",
            r.max_body == kMaxJsonBody
                ? "a JSON request body has at most " + std::to_string(kMaxJsonBody >> 10) + " KiB"
                : "this request body has at most " + std::to_string(r.max_body >> 20) + " MiB");
      }
      Context ctx{req, std::move(params), std::nullopt};
      HttpResponse resp = Run(r, ctx);
      resp.route = r.pattern;
      return resp;
    }
    if (!allowed.empty()) {
      return HttpResponse::MethodNotAllowed(
          req.method, std::vector<std::string>(allowed.begin(), allowed.end()));
    }
    return HttpResponse::Problem(404, "not-found", "Not found",
                                 "no such API path; see /api/v1/openapi.json");
  }

  IdentityService& id() { return *id_; }
  identity::SigningService& signing() { return *signing_; }
  identity::CertificateAuthenticator& cert_auth() { return *cert_auth_; }
  ca::CertificateAuthority& ca() { return *ca_; }
  const base::Clock& clock() const { return *clock_; }
  const V1Options& options() const { return options_; }
  RateLimiter& login_limit() { return login_limit_; }

  // A sensitive field: `<name>_envelope` (base64 of an SM2 envelope addressed to the
  // platform's encryption certificate) or, unless envelopes are required, `<name>` in the clear.
  StatusOr<SecretBytes> Sensitive(Body& b, const std::string& name) {
    std::string env_name = name + "_envelope";
    if (b.Has(env_name)) {
      if (b.Has(name))
        return InvalidArgumentError("send " + name + " or " + env_name + ", not both");
      auto der = base::Base64Decode(b.Str(env_name));
      if (!der.ok()) return InvalidArgumentError(env_name + " is base64");
      if (!options_.open_envelope) return InvalidArgumentError("this instance opens no envelopes");
      auto opened = options_.open_envelope(*der);
      if (!opened.ok()) return InvalidArgumentError(env_name + ": " + opened.status().message());
      return opened;
    }
    if (!b.Has(name))
      return InvalidArgumentError("field '" + name + "' (or " + env_name + ") is required");
    if (options_.require_envelopes) {
      return InvalidArgumentError("this instance takes " + name +
                                  " only inside an SM2 envelope: send " + env_name +
                                  " (GET /api/v1/encryption-certificate)");
    }
    return b.Secret(name);
  }
  RateLimiter& code_limit() { return code_limit_; }

  // Set-Cookie that removes the session cookie.
  std::string ClearCookie() const { return SessionCookie("", 0, options_.secure_cookies); }
  std::string NewCookie(const identity::LoginResult& r) const {
    auto left =
        std::chrono::duration_cast<std::chrono::seconds>(r.session.expires_at - clock_->Now());
    return SessionCookie(r.token.RevealString(SecretAccess::Unsafe()), left.count(),
                         options_.secure_cookies);
  }

 private:
  HttpResponse Run(const Route& r, Context& ctx) {
    if (r.auth) {
      Credential cred = CredentialOf(ctx.req);
      auto who = id_->Authenticate(cred.token);
      if (!who.ok()) {
        HttpResponse resp = HttpResponse::FromStatus(
            cred.token.empty()
                ? UnauthenticatedError("send Authorization: Bearer <token> (POST "
                                       "/api/v1/auth/login gives one, or a session cookie)")
                : who.status());
        resp.SetHeader("WWW-Authenticate", "Bearer realm=\"hetong\"");
        // A dead cookie is removed, so that the browser stops sending it.
        if (cred.from_cookie) resp.headers.emplace_back("Set-Cookie", ClearCookie());
        return resp;
      }
      // Cross-site request forgery, besides SameSite=Strict: a page of another origin cannot
      // add this header without a CORS preflight, which this server never grants.
      if (cred.from_cookie && r.method != "GET" && !FromWebClient(ctx.req)) {
        return Fail(PermissionDeniedError(
            "a request authenticated by the session cookie must send the header " +
            std::string(kWebClientHeader) + ": web"));
      }
      ctx.who = *std::move(who);
    }
    auto key = ctx.req.Header("idempotency-key");
    if (!r.idempotent || !key) return r.handler(ctx);
    if (key->empty() || key->size() > 100 ||
        !std::all_of(key->begin(), key->end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
      return BadRequest("Idempotency-Key is 1-100 visible ASCII characters");
    }
    std::string scope =
        (ctx.who ? ctx.who->account.id : "anonymous") + " " + r.method + " " + ctx.req.path;
    std::string hash = base::HexEncode(crypto::Sm3(AsBytes(ctx.req.body)));
    auto found = idem_->Find(scope, *key);
    if (!found.ok()) return HttpResponse::FromStatus(found.status());
    if (*found) {
      if ((*found)->request_hash != hash) {
        return HttpResponse::Problem(
            422, "idempotency-key-reused", "Idempotency key reused",
            "this Idempotency-Key was used with another request body; use a new key");
      }
      HttpResponse again = HttpResponse::Json((*found)->status, (*found)->body);
      again.SetHeader("Idempotent-Replayed", "true");
      return again;
    }
    HttpResponse resp = r.handler(ctx);
    if (resp.status >= 200 && resp.status < 300) {
      Status s = idem_->Save(scope, *key, {hash, resp.status, resp.body}, clock_->Now());
      if (!s.ok()) spdlog::warn("api: could not store an idempotency key: {}", s.message());
    }
    return resp;
  }

  IdentityService* id_;
  identity::SigningService* signing_;
  identity::CertificateAuthenticator* cert_auth_;
  ca::CertificateAuthority* ca_;
  IdempotencyStore* idem_;
  const base::Clock* clock_;
  V1Options options_;
  RateLimiter login_limit_;
  RateLimiter code_limit_;
  std::vector<Route> routes_;
  std::shared_ptr<const V1Areas> areas_;
};

// ---- handlers ----

// The certificates of a held key (newest first as the CA lists them), with their PEM.
StatusOr<json> CertificatesJson(V1& v1, const std::string& key_id) {
  json certs = json::array();
  if (key_id.empty()) return certs;
  HETONG_ASSIGN_OR_RETURN(auto cs, v1.ca().CertificatesOfKey(key_id));
  for (const auto& cert : cs) {
    certs.push_back({{"serial", cert.serial_hex},
                     {"ca", cert.ca},
                     {"subject", cert.subject},
                     {"profile", cert.profile},
                     {"not_before", Time(cert.not_before)},
                     {"not_after", Time(cert.not_after)},
                     {"status", cert.status},
                     {"fingerprint", cert.fingerprint},
                     {"pem", base::PemEncode("CERTIFICATE", cert.der)}});
  }
  return certs;
}

void AddAuthRoutes(V1& v1) {
  v1.Add("POST", "/auth/register", false, true, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"name", Body::Type::kString, true},
                                 {"email", Body::Type::kString, true},
                                 {"mobile", Body::Type::kString, false},
                                 {"id_number", Body::Type::kString, false},
                                 {"id_number_envelope", Body::Type::kString, false},
                                 {"password", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    identity::PersonRegistration r;
    r.name = b->Str("name");
    r.email = b->Str("email");
    r.mobile = b->Str("mobile");
    auto id_number = v1.Sensitive(*b, "id_number");
    if (!id_number.ok()) return BadRequest(id_number.status().message());
    r.id_number = *std::move(id_number);
    r.password = b->Secret("password");
    auto a = v1.id().RegisterPerson(r);
    if (!a.ok()) return Fail(a.status());
    return JsonResponse(201, AccountJson(*a));
  });

  v1.Add("POST", "/auth/login", false, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"email", Body::Type::kString, false},
                                 {"password", Body::Type::kString, false},
                                 {"totp", Body::Type::kString, false},
                                 {"code_id", Body::Type::kString, false},
                                 {"code", Body::Type::kString, false},
                                 {"challenge_id", Body::Type::kString, false},
                                 {"nonce", Body::Type::kString, false},
                                 {"certificate", Body::Type::kString, false},
                                 {"signature", Body::Type::kString, false},
                                 {"session", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    std::string session = b->Has("session") ? b->Str("session") : "token";
    if (session != "token" && session != "cookie") {
      return BadRequest("session is token (the default: the token is in the answer) or cookie");
    }
    bool cookie = session == "cookie";
    if (cookie && !FromWebClient(c.req)) {
      return Fail(PermissionDeniedError("a cookie session is for the web app: send the header " +
                                        std::string(kWebClientHeader) + ": web"));
    }
    base::TimePoint now = v1.clock().Now();
    if (int64_t wait = v1.login_limit().Take("addr " + c.req.remote_address, now)) {
      return TooMany(wait);
    }
    StatusOr<identity::LoginResult> r = InvalidArgumentError("");
    if (b->Has("challenge_id")) {
      if (!b->Has("nonce") || !b->Has("certificate") || !b->Has("signature")) {
        return BadRequest(
            "a certificate login sends challenge_id, nonce, certificate and signature");
      }
      r = v1.cert_auth().Login(b->Str("challenge_id"), b->Str("nonce"), b->Str("certificate"),
                               b->Str("signature"));
    } else if (b->Has("code_id")) {
      if (!b->Has("code")) return BadRequest("field 'code' is required with 'code_id'");
      r = v1.id().LoginWithCode(b->Str("code_id"), b->Str("code"), b->Str("totp"));
    } else {
      if (!b->Has("email") || !b->Has("password")) {
        return BadRequest(
            "log in with email and password (and totp when enrolled), or with "
            "code_id and code from POST /api/v1/auth/otp");
      }
      std::string email = b->Str("email");
      for (auto& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (int64_t wait = v1.login_limit().Take("email " + email, now)) {
        return TooMany(wait);
      }
      SecretBytes password = b->Secret("password");
      r = v1.id().LoginWithPassword(b->Str("email"), password, b->Str("totp"));
    }
    if (!r.ok()) return Fail(r.status());
    HttpResponse resp = JsonResponse(200, SessionJson(*r, cookie));
    resp.SetHeader("Cache-Control", "no-store");
    if (cookie) resp.headers.emplace_back("Set-Cookie", v1.NewCookie(*r));
    return resp;
  });

  v1.Add("POST", "/auth/challenge", false, false, [&v1](Context& c) {
    if (int64_t wait = v1.login_limit().Take("addr " + c.req.remote_address, v1.clock().Now())) {
      return TooMany(wait);
    }
    auto ch = v1.cert_auth().NewChallenge();
    if (!ch.ok()) return Fail(ch.status());
    return JsonResponse(201, {{"challenge_id", ch->id},
                              {"nonce", ch->nonce},
                              {"to_sign", ch->to_sign},
                              {"expires_at", Time(ch->expires_at)}});
  });

  v1.Add("POST", "/auth/otp", false, false, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"email", Body::Type::kString, true}, {"channel", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    if (int64_t wait = v1.code_limit().Take("addr " + c.req.remote_address, v1.clock().Now())) {
      return TooMany(wait);
    }
    std::string channel = b->Has("channel") ? b->Str("channel") : "email";
    auto id = v1.id().SendLoginCode(b->Str("email"), channel);
    if (!id.ok()) return Fail(id.status());
    return JsonResponse(
        202, {{"code_id", *id},
              {"channel", channel},
              {"expires_in", v1.id().settings().code_ttl.count()},
              {"note", "if the account exists, a code was sent; log in with code_id and code"}});
  });

  v1.Add("POST", "/auth/logout", true, false, [&v1](Context& c) {
    Status s = v1.id().Logout(CredentialOf(c.req).token);
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    if (c.req.Cookie(kSessionCookie)) r.headers.emplace_back("Set-Cookie", v1.ClearCookie());
    return r;
  });
}

void AddMeRoutes(V1& v1) {
  v1.Add("GET", "/me", true, false, [&v1](Context& c) {
    const Account& a = c.who->account;
    json j = AccountJson(a);
    json orgs = json::array();
    auto ms = v1.id().Memberships(a.id);
    if (!ms.ok()) return Fail(ms.status());
    for (const auto& m : *ms) orgs.push_back(MemberJson(v1.id(), m));
    j["memberships"] = orgs;
    auto certs = CertificatesJson(v1, a.key_id);
    if (!certs.ok()) return Fail(certs.status());
    j["certificates"] = *certs;
    j["session"] = {{"method", c.who->session.method},
                    {"expires_at", Time(c.who->session.expires_at)}};
    return JsonResponse(200, j);
  });

  v1.Add("PATCH", "/me", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"name", Body::Type::kString, false},
                                 {"email", Body::Type::kString, false},
                                 {"mobile", Body::Type::kString, false},
                                 {"password", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    IdentityService::Changes ch{b->OptStr("name"), b->OptStr("email"), b->OptStr("mobile"),
                                std::nullopt, b->Secret("password")};
    auto a = v1.id().UpdateDetails(Actor(c), Actor(c), ch);
    if (!a.ok()) return Fail(a.status());
    return JsonResponse(200, AccountJson(*a));
  });

  v1.Add("DELETE", "/me", true, false, [&v1](Context& c) {
    Status s = v1.id().Deregister(Actor(c), Actor(c));
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    return r;
  });

  v1.Add("POST", "/me/password", true, false, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"current", Body::Type::kString, true}, {"password", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    SecretBytes current = b->Secret("current");
    SecretBytes replacement = b->Secret("password");
    auto a = v1.id().ChangePassword(Actor(c), current, replacement);
    if (!a.ok()) return Fail(a.status());
    HttpResponse r;
    r.status = 204;
    return r;
  });

  v1.Add("POST", "/me/totp", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"password", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    SecretBytes password = b->Secret("password");
    auto t = v1.id().BeginTotp(Actor(c), password);
    if (!t.ok()) return Fail(t.status());
    HttpResponse r = JsonResponse(
        201, {{"secret", std::string(t->secret_base32.RevealString(SecretAccess::Unsafe()))},
              {"otpauth_uri", t->uri},
              {"next", "confirm with POST /api/v1/me/totp/confirm {\"code\": \"123456\"}"}});
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });

  v1.Add("POST", "/me/totp/confirm", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"code", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    Status s = v1.id().ConfirmTotp(Actor(c), b->Str("code"));
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    return r;
  });
}

StatusOr<std::map<std::string, std::string>> Material(const Body& b) {
  std::map<std::string, std::string> m;
  if (!b.Has("material")) return m;
  for (const auto& [k, v] : b.Get("material").items()) {
    if (!v.is_string()) return InvalidArgumentError("material." + k + " must be a string");
    m[k] = v.get<std::string>();
  }
  return m;
}

void AddVerificationRoutes(V1& v1) {
  v1.Add("POST", "/identity/verifications", true, true, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"provider", Body::Type::kString, true},
                                 {"account_id", Body::Type::kString, false},
                                 {"material", Body::Type::kObject, false},
                                 {"material_envelope", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto m = Material(*b);
    if (!m.ok()) return BadRequest(m.status().message());
    if (b->Has("material_envelope")) {
      // The material as a JSON object of strings, inside an envelope.
      if (b->Has("material")) return BadRequest("send material or material_envelope, not both");
      auto opened = v1.Sensitive(*b, "material");
      if (!opened.ok()) return BadRequest(opened.status().message());
      json j = json::parse(opened->RevealString(SecretAccess::Unsafe()), nullptr, false);
      if (!j.is_object()) return BadRequest("material_envelope holds a JSON object of strings");
      for (const auto& [k, val] : j.items()) {
        if (!val.is_string()) return BadRequest("material." + k + " must be a string");
        (*m)[k] = val.get<std::string>();
      }
    } else if (b->Has("material") && !b->Get("material").empty() &&
               v1.options().require_envelopes) {
      return BadRequest(
          "this instance takes verification material only inside an SM2 envelope: send "
          "material_envelope (GET /api/v1/encryption-certificate)");
    }
    auto v = v1.id().SubmitVerification(Actor(c), b->Str("account_id"), b->Str("provider"), *m);
    if (!v.ok()) return Fail(v.status());
    return JsonResponse(201, VerificationJson(*v));
  });

  v1.Add("GET", "/identity/verifications", true, false, [&v1](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto q = c.req.QueryParams();
    std::string state = q.count("state") ? q["state"] : "pending";
    if (state != "pending" && state != "approved" && state != "rejected") {
      return BadRequest("state is pending, approved or rejected");
    }
    auto list = v1.id().ListVerifications(Actor(c), state, p->limit + 1, p->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(*list, *p, VerificationJson));
  });

  v1.Add("POST", "/identity/verifications/{id}/review", true, false, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"approve", Body::Type::kBool, true}, {"reason", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto v = v1.id().Review(Actor(c), c.params[0], b->Bool("approve"), b->Str("reason"));
    if (!v.ok()) return Fail(v.status());
    return JsonResponse(200, VerificationJson(*v));
  });

  v1.Add("GET", "/encryption-certificate", false, false, [&v1](Context&) {
    if (!v1.options().encryption_certificate_pem) {
      return Fail(UnavailableError("this instance publishes no encryption certificate"));
    }
    auto pem = v1.options().encryption_certificate_pem();
    if (!pem.ok()) return Fail(pem.status());
    // The key as a browser needs it to build an envelope without parsing X.509: the SM2 point
    // and the [0] rid of a version-2 RecipientInfo (docs/formats/envelope.md), which is what
    // the platform matches when it opens an envelope.
    auto info = crypto::ParseCertificateInfo(AsBytes(*pem));
    auto point = info.ok() ? info->public_key.EcPoint() : StatusOr<Bytes>(info.status());
    if (!point.ok() || info->public_key.type() != crypto::KeyType::kSm2) {
      spdlog::error("api: the encryption certificate has no SM2 key: {}",
                    point.ok() ? "another key type" : point.status().message());
      return Fail(InternalError("the encryption certificate has no SM2 key"));
    }
    HttpResponse r = JsonResponse(
        200, {{"certificate", *pem},
              {"public_key", base::HexEncode(*point)},
              {"key_id", base::HexEncode(crypto::KeyIdentifier(info->public_key))},
              {"envelope", "GB/T 35275 EnvelopedData: SM4-CBC content key encrypted with SM2"},
              {"required", v1.options().require_envelopes},
              {"fields", {"id_number_envelope", "material_envelope"}}});
    r.SetHeader("Cache-Control", "max-age=300, public");
    return r;
  });

  v1.Add("GET", "/identity/providers", false, false, [&v1](Context&) {
    return JsonResponse(200, {{"providers", v1.id().ProviderNames()}});
  });
}

void AddOrgRoutes(V1& v1) {
  v1.Add("POST", "/orgs", true, true, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"name", Body::Type::kString, true},
                                 {"credit_code", Body::Type::kString, true},
                                 {"legal_representative", Body::Type::kString, true},
                                 {"email", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    identity::OrgRegistration r{b->Str("name"), b->Str("credit_code"),
                                b->Str("legal_representative"), b->Str("email")};
    auto o = v1.id().RegisterOrg(Actor(c), r);
    if (!o.ok()) return Fail(o.status());
    return JsonResponse(201, AccountJson(*o));
  });

  v1.Add("GET", "/orgs/{id}", true, false, [&v1](Context& c) {
    auto o = v1.id().GetOrg(Actor(c), c.params[0]);
    if (!o.ok()) return Fail(o.status());
    json j = AccountJson(*o);
    auto certs = CertificatesJson(v1, o->key_id);
    if (!certs.ok()) return Fail(certs.status());
    j["certificates"] = *certs;
    return JsonResponse(200, j);
  });

  v1.Add("PATCH", "/orgs/{id}", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"name", Body::Type::kString, false},
                                 {"email", Body::Type::kString, false},
                                 {"legal_representative", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    IdentityService::Changes ch{b->OptStr("name"), b->OptStr("email"), std::nullopt,
                                b->OptStr("legal_representative")};
    auto o = v1.id().UpdateDetails(Actor(c), c.params[0], ch);
    if (!o.ok()) return Fail(o.status());
    return JsonResponse(200, AccountJson(*o));
  });

  v1.Add("DELETE", "/orgs/{id}", true, false, [&v1](Context& c) {
    Status s = v1.id().Deregister(Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    return r;
  });

  v1.Add("GET", "/orgs/{id}/members", true, false, [&v1](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = v1.id().ListMembers(Actor(c), c.params[0], p->limit + 1, p->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(*list, *p, [&v1](const identity::Member& m) {
                          return MemberJson(v1.id(), m);
                        }));
  });

  v1.Add("POST", "/orgs/{id}/members", true, true, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"email", Body::Type::kString, true}, {"role", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    auto role = identity::ParseRole(b->Str("role"));
    if (!role.ok()) return BadRequest(role.status().message());
    auto m = v1.id().AddMember(Actor(c), c.params[0], b->Str("email"), *role);
    if (!m.ok()) return Fail(m.status());
    return JsonResponse(201, MemberJson(v1.id(), *m));
  });

  v1.Add("DELETE", "/orgs/{id}/members/{person}", true, false, [&v1](Context& c) {
    Status s = v1.id().RemoveMember(Actor(c), c.params[0], c.params[1]);
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    return r;
  });

  v1.Add("GET", "/orgs/{id}/grants", true, false, [&v1](Context& c) {
    auto list = v1.id().ListGrants(Actor(c), c.params[0]);
    if (!list.ok()) return Fail(list.status());
    json items = json::array();
    for (const auto& g : *list) items.push_back(GrantJson(g));
    return JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
  });

  v1.Add("POST", "/orgs/{id}/grants", true, true, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"person_id", Body::Type::kString, true},
                                 {"contract_types", Body::Type::kStringArray, false},
                                 {"not_after", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    std::optional<base::TimePoint> not_after;
    if (b->Has("not_after")) {
      auto t = base::ParseRfc3339(b->Str("not_after"));
      if (!t.ok()) return BadRequest("not_after is an RFC 3339 time, e.g. 2027-01-31T23:59:59Z");
      not_after = *t;
    }
    std::vector<std::string> types;
    if (b->Has("contract_types")) types = b->Get("contract_types").get<std::vector<std::string>>();
    auto g = v1.id().GrantSeal(Actor(c), c.params[0], b->Str("person_id"), types, not_after);
    if (!g.ok()) return Fail(g.status());
    return JsonResponse(201, GrantJson(*g));
  });

  v1.Add("DELETE", "/orgs/{id}/grants/{grant}", true, false, [&v1](Context& c) {
    Status s = v1.id().RevokeGrant(Actor(c), c.params[0], c.params[1]);
    if (!s.ok()) return Fail(s);
    HttpResponse r;
    r.status = 204;
    return r;
  });
}

json RequestJson(const ca::CertRequest& r) {
  return {{"id", r.id},
          {"ca", r.ca},
          {"profile", r.profile},
          {"subject", r.subject},
          {"state", r.state},
          {"requester", r.requester},
          {"created_at", Time(r.created_at)}};
}

void AddOperatorRoutes(V1& v1) {
  auto operator_only = [](const Context& c) -> Status {
    if (!c.who->account.operator_role) return PermissionDeniedError("only operators do this");
    return OkStatus();
  };
  auto request_id = [](const std::string& s) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 15) return std::nullopt;
    int64_t v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return std::nullopt;
      v = v * 10 + (ch - '0');
    }
    return v;
  };
  // The RA queue: certificate requests submitted with `hetong ca submit` or by the platform.
  v1.Add("GET", "/admin/ca/requests", true, false, [&v1, operator_only](Context& c) {
    if (Status s = operator_only(c); !s.ok()) return Fail(s);
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = v1.ca().PendingRequests(p->limit);
    if (!list.ok()) return Fail(list.status());
    json items = json::array();
    for (const auto& r : *list) items.push_back(RequestJson(r));
    return JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
  });
  v1.Add("POST", "/admin/ca/requests/{id}/approve", true, false,
         [&v1, operator_only, request_id](Context& c) {
           if (Status s = operator_only(c); !s.ok()) return Fail(s);
           auto id = request_id(c.params[0]);
           if (!id) return Fail(NotFoundError("no such request"));
           auto cert = v1.ca().ApproveRequest(*id, Actor(c));
           if (!cert.ok()) return Fail(cert.status());
           return JsonResponse(200, {{"serial", cert->serial_hex},
                                     {"ca", cert->ca},
                                     {"subject", cert->subject},
                                     {"not_after", Time(cert->not_after)}});
         });
  v1.Add("POST", "/admin/ca/requests/{id}/reject", true, false,
         [&v1, operator_only, request_id](Context& c) {
           if (Status s = operator_only(c); !s.ok()) return Fail(s);
           auto b = Body::Parse(c.req, {{"reason", Body::Type::kString, true}});
           if (!b.ok()) return BodyError(b.status());
           auto id = request_id(c.params[0]);
           if (!id) return Fail(NotFoundError("no such request"));
           Status s = v1.ca().RejectRequest(*id, Actor(c), b->Str("reason"));
           if (!s.ok()) return Fail(s);
           HttpResponse r;
           r.status = 204;
           return r;
         });

  // The notification outbox of a recipient (operators only): how a demo instance without an
  // SMTP or SMS gateway shows the codes it sends.
  v1.Add("GET", "/admin/outbox", true, false, [&v1](Context& c) {
    if (!c.who->account.operator_role) {
      return Fail(PermissionDeniedError("only operators read the outbox"));
    }
    // Codes in the outbox open accounts: only a demo instance (no mail gateway) shows them.
    if (!v1.id().settings().demo) {
      return Fail(PermissionDeniedError("the outbox is readable on demo instances only"));
    }
    auto q = c.req.QueryParams();
    if (!q.count("recipient")) return BadRequest("?recipient=<email or mobile> is required");
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto msgs = v1.id().Outbox(q["recipient"], p->limit);
    if (!msgs.ok()) return Fail(msgs.status());
    json items = json::array();
    for (const auto& m : *msgs) {
      items.push_back({{"id", m.id},
                       {"channel", m.channel},
                       {"recipient", m.recipient},
                       {"subject", m.subject},
                       {"body", m.body},
                       {"created_at", Time(m.created_at)}});
    }
    HttpResponse r = JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });
}

json SignatureJson(const identity::PersonSignature& p) {
  return {{"id", p.record.id},
          {"account_id", p.record.account_id},
          {"key_id", p.record.key_id},
          {"signer_id", p.record.signer_id},
          {"algorithm", p.algorithm},
          {"data_digest", p.record.data_digest},
          {"signature", base::Base64Encode(p.record.signature)},
          {"created_at", Time(p.record.created_at)}};
}

StatusOr<Bytes> DataField(const Body& b) {
  auto data = base::Base64Decode(b.Str("data"));
  if (!data.ok()) return InvalidArgumentError("data is base64");
  if (data->empty() || data->size() > 64 * 1024) {
    return InvalidArgumentError(
        "data is 1 byte to 64 KiB: what is signed (e.g. the DER of CMS signed attributes), "
        "not a whole document");
  }
  return data;
}

// Renewal, rotation and revocation of the key an account holds in the key center, for
// persons ("/me/...") and organisations ("/orgs/{id}/...").
void AddKeyRoutes(V1& v1) {
  for (const bool org : {false, true}) {
    std::string base = org ? "/orgs/{id}" : "/me";
    auto account = [org](const Context& c) { return org ? c.params[0] : Actor(c); };
    auto answer = [](const Account& a) {
      json j = AccountJson(a);
      j["key_id"] = a.key_id;
      j["certificate_serial"] = a.cert_serial;
      return JsonResponse(200, j);
    };
    v1.Add("POST", base + "/certificate/renew", true, false, [&v1, account, answer](Context& c) {
      auto b = Body::Parse(c.req, {{"password", Body::Type::kString, true}});
      if (!b.ok()) return BodyError(b.status());
      SecretBytes password = b->Secret("password");
      auto a = v1.id().RenewCertificate(Actor(c), account(c), password);
      if (!a.ok()) return Fail(a.status());
      return answer(*a);
    });
    v1.Add("POST", base + "/key/rotate", true, false, [&v1, account, answer](Context& c) {
      auto b = Body::Parse(c.req, {{"password", Body::Type::kString, true}});
      if (!b.ok()) return BodyError(b.status());
      SecretBytes password = b->Secret("password");
      auto a = v1.id().RotateKey(Actor(c), account(c), password);
      if (!a.ok()) return Fail(a.status());
      return answer(*a);
    });
    v1.Add("POST", base + "/key/revoke", true, false, [&v1, account, answer](Context& c) {
      auto b = Body::Parse(
          c.req, {{"password", Body::Type::kString, true}, {"reason", Body::Type::kString, true}});
      if (!b.ok()) return BodyError(b.status());
      SecretBytes password = b->Secret("password");
      auto a = v1.id().RevokeKey(Actor(c), account(c), password, b->Str("reason"));
      if (!a.ok()) return Fail(a.status());
      return answer(*a);
    });
  }
}

void AddSigningRoutes(V1& v1) {
  v1.Add("POST", "/intents/code", true, false, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"digest", Body::Type::kString, true}, {"channel", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto id = v1.signing().SendIntentCode(Actor(c), b->Str("digest"),
                                          b->Has("channel") ? b->Str("channel") : "email");
    if (!id.ok()) return Fail(id.status());
    return JsonResponse(202,
                        {{"code_id", *id}, {"expires_in", v1.id().settings().code_ttl.count()}});
  });

  v1.Add("POST", "/intents", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"digest", Body::Type::kString, true},
                                 {"method", Body::Type::kString, true},
                                 {"password", Body::Type::kString, false},
                                 {"totp", Body::Type::kString, false},
                                 {"code_id", Body::Type::kString, false},
                                 {"code", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    identity::IntentConfirmation conf;
    conf.method = b->Str("method");
    conf.password = b->Secret("password");
    conf.totp = b->Str("totp");
    conf.code_id = b->Str("code_id");
    conf.code = b->Str("code");
    auto i = v1.signing().ConfirmIntent(Actor(c), b->Str("digest"), std::move(conf));
    if (!i.ok()) return Fail(i.status());
    HttpResponse r =
        JsonResponse(201, {{"intent_id", i->id},
                           {"intent", std::string(i->token.RevealString(SecretAccess::Unsafe()))},
                           {"expires_at", Time(i->expires_at)}});
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });

  v1.Add("POST", "/me/signatures", true, false, [&v1](Context& c) {
    auto b = Body::Parse(
        c.req, {{"data", Body::Type::kString, true}, {"intent", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    auto data = DataField(*b);
    if (!data.ok()) return BadRequest(data.status().message());
    auto s = v1.signing().SignAsPerson(Actor(c), *data, b->Str("intent"));
    if (!s.ok()) return Fail(s.status());
    return JsonResponse(201, SignatureJson(*s));
  });

  v1.Add("GET", "/me/signatures", true, false, [&v1](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = v1.signing().Records(Actor(c), Actor(c), p->limit);
    if (!list.ok()) return Fail(list.status());
    json items = json::array();
    for (const auto& r : *list) {
      items.push_back({{"id", r.id},
                       {"key_id", r.key_id},
                       {"signer_id", r.signer_id},
                       {"data_digest", r.data_digest},
                       {"intent_id", r.intent_id},
                       {"created_at", Time(r.created_at)}});
    }
    return JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
  });

  v1.Add("POST", "/orgs/{id}/signatures", true, false, [&v1](Context& c) {
    auto b = Body::Parse(c.req, {{"data", Body::Type::kString, true},
                                 {"intent", Body::Type::kString, true},
                                 {"contract_type", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto data = DataField(*b);
    if (!data.ok()) return BadRequest(data.status().message());
    auto s = v1.signing().SignForOrg(Actor(c), c.params[0], *data, b->Str("intent"),
                                     b->Str("contract_type"));
    if (!s.ok()) return Fail(s.status());
    json org = SignatureJson(s->org);
    org["grant_id"] = s->org.record.grant_id;
    return JsonResponse(201, {{"person", SignatureJson(s->person)}, {"org", org}});
  });
}

}  // namespace

// ---- metrics ----

struct Metrics::Impl {
  struct Series {
    uint64_t count = 0;
    double seconds = 0;
    uint64_t buckets[8] = {};
  };
  static constexpr double kBounds[8] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};
  mutable std::mutex mu;
  std::map<std::string, Series> series;  // route|method|status
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::Observe(const std::string& route, const std::string& method, int status,
                      double seconds) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto& s = impl_->series[route + "|" + method + "|" + std::to_string(status)];
  s.count++;
  s.seconds += seconds;
  for (int i = 0; i < 8; ++i) {
    if (seconds <= Impl::kBounds[i]) s.buckets[i]++;
  }
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string out =
      "# HELP hetong_http_requests_total HTTP requests by route, method and status.\n"
      "# TYPE hetong_http_requests_total counter\n";
  auto labels = [](const std::string& key) {
    size_t a = key.find('|'), b = key.find('|', a + 1);
    return "route=\"" + key.substr(0, a) + "\",method=\"" + key.substr(a + 1, b - a - 1) +
           "\",status=\"" + key.substr(b + 1) + "\"";
  };
  for (const auto& [k, s] : impl_->series) {
    out += "hetong_http_requests_total{" + labels(k) + "} " + std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP hetong_http_request_duration_seconds Time to answer, by route, method and "
      "status.\n"
      "# TYPE hetong_http_request_duration_seconds histogram\n";
  for (const auto& [k, s] : impl_->series) {
    std::string l = labels(k);
    for (int i = 0; i < 8; ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", Impl::kBounds[i]);
      out += "hetong_http_request_duration_seconds_bucket{" + l + ",le=\"" + le + "\"} " +
             std::to_string(s.buckets[i]) + "\n";
    }
    out += "hetong_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
           std::to_string(s.count) + "\n";
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.6f", s.seconds);
    out += "hetong_http_request_duration_seconds_sum{" + l + "} " + sum + "\n";
    out +=
        "hetong_http_request_duration_seconds_count{" + l + "} " + std::to_string(s.count) + "\n";
  }
  return out;
}

// ---- registration ----

namespace {

std::shared_ptr<V1> MakeV1(IdentityService* identity, identity::SigningService* signing,
                           identity::CertificateAuthenticator* cert_auth,
                           ca::CertificateAuthority* ca, IdempotencyStore* idempotency,
                           const base::Clock* clock, V1Options options,
                           std::shared_ptr<const V1Areas> areas) {
  auto v1 = std::make_shared<V1>(identity, signing, cert_auth, ca, idempotency, clock, options);
  v1->KeepAlive(areas);
  AddContractRoutes(*v1, &areas->contracts);
  AddSealRoutes(*v1, areas->seals);
  AddWebhookRoutes(*v1, areas->webhooks, identity);
  AddEvidenceRoutes(*v1, areas->evidence, identity);
  AddAuthRoutes(*v1);
  AddMeRoutes(*v1);
  AddVerificationRoutes(*v1);
  AddOrgRoutes(*v1);
  AddOperatorRoutes(*v1);
  AddSigningRoutes(*v1);
  AddKeyRoutes(*v1);
  v1->Add("GET", "/openapi.json", false, false, [](Context&) {
    HttpResponse r = HttpResponse::Json(200, std::string(OpenApiDocument()));
    r.SetHeader("Cache-Control", "max-age=300, public");
    return r;
  });
  return v1;
}

}  // namespace

std::vector<std::string> V1RoutePatterns() {
  std::vector<std::string> out;
  auto v1 = MakeV1(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, {},
                   std::make_shared<const V1Areas>());
  for (const Route& r : v1->routes()) {
    out.push_back(r.method + " " + r.pattern);
  }
  return out;
}

void RegisterV1Routes(Router& router, identity::IdentityService& identity,
                      identity::SigningService& signing,
                      identity::CertificateAuthenticator& cert_auth, ca::CertificateAuthority& ca,
                      IdempotencyStore& idempotency, const base::Clock& clock, V1Options options,
                      V1Areas areas) {
  auto v1 = MakeV1(&identity, &signing, &cert_auth, &ca, &idempotency, &clock, options,
                   std::make_shared<const V1Areas>(std::move(areas)));
  auto metrics = std::make_shared<Metrics>();
  router.SetObserver([metrics](const HttpRequest& req, const HttpResponse& resp, double seconds) {
    metrics->Observe(resp.route, req.method, resp.status, seconds);
  });
  router.Handle("GET", "/metrics", [metrics](const HttpRequest&) {
    return HttpResponse::Binary(200, "text/plain; version=0.0.4; charset=utf-8", metrics->Render());
  });
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    router.HandlePrefix(m, std::string(kPrefix) + "/", [v1](const HttpRequest& req) {
      HttpResponse resp = v1->Dispatch(req);
      SetApiSecurityHeaders(resp);
      return resp;
    });
  }
}

}  // namespace hetong::api
