// The REST API under /api/v1 (docs/api.md; the OpenAPI 3 document src/api/openapi.json is
// served at /api/v1/openapi.json, and a test keeps it equal to the routes registered here).
//
// Conventions of every /api/v1 route:
// - JSON bodies (Content-Type: application/json, else 415); unknown fields and wrong types
//   are 400 problems naming the field; nothing is stored on any error;
// - errors are RFC 9457 problem+json with a stable `type` per kind (/problems/<kind>);
// - authentication by `Authorization: Bearer <session token>` (401 with WWW-Authenticate
//   otherwise), or for the browser app by the HttpOnly cookie `hetong_session` that a login
//   with "session": "cookie" sets; a cookie-authenticated request other than GET or HEAD must
//   carry `X-Hetong-Client: web` (403 otherwise: a defence against cross-site requests besides
//   SameSite=Strict); the identity service authorises; another tenant's objects are 404;
// - every response carries X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer,
//   and JSON ones a Content-Security-Policy that allows nothing (JSON is never a page);
// - JSON bodies are at most 1 MiB (413 otherwise);
// - list endpoints take ?limit= (1..100, default 50) and ?offset=, and answer
//   {"items": [...], "next_offset": n or null};
// - creating POSTs honour `Idempotency-Key` (1..100 visible ASCII characters): a retry with
//   the same key and body gets the first response again, with another body a 422;
// - login and code sending are rate-limited per client address and per email (429 with
//   Retry-After); accounts lock after repeated wrong passwords (identity/service.h);
// - GET /metrics gives request counts and latencies in the Prometheus text format.
//
// Thread-safety: the handlers are safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/v1_contracts.h"
#include "base/clock.h"
#include "base/status.h"
#include "ca/authority.h"
#include "evidence/log.h"
#include "identity/certificate_auth.h"
#include "identity/intent.h"
#include "identity/service.h"
#include "notify/webhooks.h"
#include "seal/seal_service.h"

namespace hetong::api {

// Stored responses of idempotent POSTs (implemented in store/).
class IdempotencyStore {
 public:
  struct Entry {
    std::string request_hash;
    int status = 0;
    std::string body;
  };
  virtual ~IdempotencyStore() = default;
  virtual StatusOr<std::optional<Entry>> Find(const std::string& scope, const std::string& key) = 0;
  // AlreadyExists when another request stored the key first.
  virtual Status Save(const std::string& scope, const std::string& key, const Entry& entry,
                      base::TimePoint at) = 0;
};

// Counters for /metrics.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  void Observe(const std::string& route, const std::string& method, int status, double seconds);
  std::string Render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct V1Options {
  // Sensitive fields (identity numbers, verification material) only inside SM2 envelopes
  // addressed to the platform's encryption certificate; in the clear they are refused.
  bool require_envelopes = false;
  // Opens such an envelope (the platform's key center); the certificate clients address.
  std::function<StatusOr<SecretBytes>(ByteView)> open_envelope;
  std::function<StatusOr<std::string>()> encryption_certificate_pem;
  int login_per_minute = 20;  // per client address and per email
  int codes_per_hour = 10;    // per client address
  // The session cookie gets the Secure attribute (the server speaks TLS, or clients reach it
  // through an https:// URL).
  bool secure_cookies = false;
};

// The browser app's session cookie (HttpOnly, SameSite=Strict, Path=/api/v1) and the header
// its cookie-authenticated requests other than GET and HEAD carry (value "web").
inline constexpr std::string_view kSessionCookie = "hetong_session";
inline constexpr std::string_view kWebClientHeader = "X-Hetong-Client";

// The services of the areas whose routes live in their own files (v1_contracts.h, ...).
struct V1Areas {
  ContractRoutesDeps contracts;
  seal::SealService* seals = nullptr;
  notify::WebhookService* webhooks = nullptr;
  evidence::EvidenceLog* evidence = nullptr;
};

// The OpenAPI document served at /api/v1/openapi.json.
std::string_view OpenApiDocument();

// Registers every /api/v1 route and /metrics (and makes the router count every request).
void RegisterV1Routes(Router& router, identity::IdentityService& identity,
                      identity::SigningService& signing,
                      identity::CertificateAuthenticator& cert_auth, ca::CertificateAuthority& ca,
                      IdempotencyStore& idempotency, const base::Clock& clock, V1Options options,
                      V1Areas areas = {});
// "METHOD /api/v1/path/{param}" of every route (the OpenAPI test compares them).
std::vector<std::string> V1RoutePatterns();

}  // namespace hetong::api
