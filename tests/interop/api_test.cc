// The /api/v1 identity API against a running `hetong serve` on loopback, driven with curl:
// persons and organisations register, verify (sandbox and manual review), get certificates
// (SM2 and RSA instances, checked with `openssl verify`), log in with a password, a one-time
// code and TOTP; members, roles and grants; every authenticated endpoint without a session;
// roles and tenants; lockout; session revocation; bad input; idempotency keys; a canary
// password and identity number never appear in responses or logs.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "identity/credentials.h"
#include "interop/api_fixture.h"
#include "testing/testing.h"

namespace hetong {
namespace {

using namespace apitest;  // NOLINT(google-build-using-namespace)

TEST_F(ApiTest, PersonsAndOrganisationsOnAnSm2Instance) {
  StartInstance("sm2");
  // The OpenAPI document is served.
  Reply doc = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"], "3.1.0");
  EXPECT_EQ(Call("GET", "/api/v1/identity/providers").body["providers"],
            json::array({"manual", "sandbox", "certificate"}));

  json alice = Register("张三", "alice@example.cn", kCanaryId);
  EXPECT_EQ(alice["id_number_masked"], "110105********002X");
  EXPECT_EQ(alice["verification"], "none");
  std::string alice_token = Login("alice@example.cn");
  ASSERT_EQ(alice_token.size(), 43u);

  Reply v = Call("POST", "/api/v1/identity/verifications", {{"provider", "sandbox"}}, alice_token);
  ASSERT_EQ(v.status, 201) << v.raw;
  Reply me = Call("GET", "/api/v1/me", nullptr, alice_token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body["verification"], "verified");
  EXPECT_EQ(me.body["session"]["method"], "password");
  CheckCertificate(me.body, "sm2", "张三");

  // An organisation, verified, with a member who gets and loses the seal.
  Reply org = Call("POST", "/api/v1/orgs",
                   {{"name", "北京某某科技有限公司"},
                    {"credit_code", "91350100M000100Y43"},
                    {"legal_representative", "张三"}},
                   alice_token);
  ASSERT_EQ(org.status, 201) << org.raw;
  std::string org_id = org.body["id"];
  Reply ov = Call("POST", "/api/v1/identity/verifications",
                  {{"provider", "sandbox"}, {"account_id", org_id}}, alice_token);
  ASSERT_EQ(ov.status, 201) << ov.raw;

  std::string bob_token = VerifiedPerson("李四", "bob@example.cn", "440524188001010014");
  std::string bob_id = Call("GET", "/api/v1/me", nullptr, bob_token).body["id"];
  Reply add = Call("POST", "/api/v1/orgs/" + org_id + "/members",
                   {{"email", "bob@example.cn"}, {"role", "signer"}}, alice_token);
  ASSERT_EQ(add.status, 201) << add.raw;
  Reply members = Call("GET", "/api/v1/orgs/" + org_id + "/members?limit=1", nullptr, bob_token);
  ASSERT_EQ(members.status, 200) << members.raw;
  EXPECT_EQ(members.body["items"].size(), 1u);
  EXPECT_EQ(members.body["next_offset"], 1);
  // Bob (signer) may not grant or list grants; Alice (admin) grants him the seal.
  EXPECT_EQ(
      Call("POST", "/api/v1/orgs/" + org_id + "/grants", {{"person_id", bob_id}}, bob_token).status,
      403);
  Reply grant = Call("POST", "/api/v1/orgs/" + org_id + "/grants",
                     {{"person_id", bob_id}, {"contract_types", {"purchase"}}}, alice_token);
  ASSERT_EQ(grant.status, 201) << grant.raw;
  std::string grant_id = grant.body["id"];
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/grants", nullptr, alice_token)
                .body["items"][0]["revoked_at"],
            nullptr);
  EXPECT_EQ(
      Call("DELETE", "/api/v1/orgs/" + org_id + "/grants/" + grant_id, nullptr, alice_token).status,
      204);
  EXPECT_NE(Call("GET", "/api/v1/orgs/" + org_id + "/grants", nullptr, alice_token)
                .body["items"][0]["revoked_at"],
            nullptr);

  // Another tenant: its admin sees nothing of the first organisation.
  std::string carol_token = VerifiedPerson("王五", "carol@example.cn", "110105198001010016");
  Reply org2 = Call("POST", "/api/v1/orgs",
                    {{"name", "上海某某有限公司"},
                     {"credit_code", "91310000MA1FL4B24G"},
                     {"legal_representative", "王五"}},
                    carol_token);
  ASSERT_EQ(org2.status, 201);
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/orgs/" + org_id},
           {"GET", "/api/v1/orgs/" + org_id + "/members"},
           {"GET", "/api/v1/orgs/" + org_id + "/grants"},
           {"DELETE", "/api/v1/orgs/" + org_id + "/grants/" + grant_id},
           {"DELETE", "/api/v1/orgs/" + org_id + "/members/" + bob_id}}) {
    Reply r = Call(method, path, nullptr, carol_token);
    EXPECT_EQ(r.status, 404) << method << " " << path << ": " << r.raw;
    EXPECT_EQ(r.body["type"], "/problems/not-found");
  }
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/members",
                 {{"email", "carol@example.cn"}, {"role", "admin"}}, carol_token)
                .status,
            404);
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/grants", {{"person_id", bob_id}}, carol_token)
                .status,
            404);

  // The canaries never left the server.
  EXPECT_EQ(responses_.find(kCanaryPassword), std::string::npos);
  EXPECT_EQ(responses_.find(kCanaryId), std::string::npos);
  std::string log = ServerLog();
  EXPECT_NE(log.find("/api/v1/auth/login"), std::string::npos);  // the log was written
  EXPECT_EQ(log.find(kCanaryPassword), std::string::npos);
  EXPECT_EQ(log.find(kCanaryId), std::string::npos);
  EXPECT_EQ(log.find(alice_token), std::string::npos);

  // Metrics count the requests by route.
  Reply metrics = Call("GET", "/metrics");
  EXPECT_NE(metrics.raw.find("hetong_http_requests_total{route=\"/api/v1/orgs/{id}/grants\","
                             "method=\"POST\",status=\"201\"} 1"),
            std::string::npos)
      << metrics.raw.substr(0, 2000);
}

TEST_F(ApiTest, RsaInstanceIssuesRsaCertificates) {
  StartInstance("rsa2048");
  std::string token = VerifiedPerson("Zhao Liu", "zhao@example.cn", kCanaryId);
  Reply me = Call("GET", "/api/v1/me", nullptr, token);
  CheckCertificate(me.body, "rsa", "Zhao Liu");
}

TEST_F(ApiTest, OneTimeCodesTotpManualReviewAndSessions) {
  StartInstance("sm2");
  // An operator, made with the command line beside the running server.
  std::string op_token = VerifiedPerson("Operator", "op@example.cn", "110105198001010016");
  auto made =
      RunCommand({testing::HetongBinary(), "operator", "--data", dir_, "--email", "op@example.cn"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  Register("钱七", "qian@example.cn", kCanaryId);
  Reply otp = Call("POST", "/api/v1/auth/otp", {{"email", "qian@example.cn"}});
  ASSERT_EQ(otp.status, 202) << otp.raw;
  Reply outbox = Call("GET", "/api/v1/admin/outbox?recipient=qian@example.cn", nullptr, op_token);
  ASSERT_EQ(outbox.status, 200) << outbox.raw;
  std::string text = outbox.body["items"][0]["body"];
  std::string code = text.substr(text.find("code is ") + 8, 6);
  Reply login =
      Call("POST", "/api/v1/auth/login", {{"code_id", otp.body["code_id"]}, {"code", code}});
  ASSERT_EQ(login.status, 200) << login.raw;
  std::string token = login.body["token"];
  EXPECT_EQ(login.body["method"], "code:email");
  EXPECT_NE(login.headers.find("cache-control: no-store"), std::string::npos);
  // Non-operators cannot read the outbox.
  EXPECT_EQ(Call("GET", "/api/v1/admin/outbox?recipient=qian@example.cn", nullptr, token).status,
            403);

  // TOTP enrolment, then password login needs the code.
  EXPECT_EQ(Call("POST", "/api/v1/me/totp", {{"password", "Wrong-Pw-1"}}, token).status, 403);
  Reply t = Call("POST", "/api/v1/me/totp", {{"password", kCanaryPassword}}, token);
  ASSERT_EQ(t.status, 201) << t.raw;
  SecretBytes secret = *identity::Base32DecodeSecret(t.body["secret"].get<std::string>());
  auto now = std::chrono::system_clock::now();
  std::string totp = identity::Hotp(secret, identity::TotpStep(now));
  ASSERT_EQ(Call("POST", "/api/v1/me/totp/confirm", {{"code", totp}}, token).status, 204);
  Reply no_totp = Call("POST", "/api/v1/auth/login",
                       {{"email", "qian@example.cn"}, {"password", kCanaryPassword}});
  EXPECT_EQ(no_totp.status, 401);
  Reply with_totp = Call("POST", "/api/v1/auth/login",
                         {{"email", "qian@example.cn"},
                          {"password", kCanaryPassword},
                          {"totp", identity::Hotp(secret, identity::TotpStep(now) + 1)}});
  ASSERT_EQ(with_totp.status, 200) << with_totp.raw;
  EXPECT_EQ(with_totp.body["method"], "password+totp");

  // Manual review by the operator.
  Reply sub =
      Call("POST", "/api/v1/identity/verifications",
           {{"provider", "manual"}, {"material", {{"id_card_front", "aVZCT1J3MEtHZ28="}}}}, token);
  ASSERT_EQ(sub.status, 201) << sub.raw;
  EXPECT_EQ(sub.body["state"], "pending");
  EXPECT_EQ(Call("GET", "/api/v1/identity/verifications", nullptr, token).status, 403);
  Reply queue = Call("GET", "/api/v1/identity/verifications?state=pending", nullptr, op_token);
  ASSERT_EQ(queue.status, 200);
  ASSERT_EQ(queue.body["items"].size(), 1u);
  EXPECT_EQ(queue.body["items"][0]["summary"], "id_card_front (16 bytes)");
  std::string vid = queue.body["items"][0]["id"];
  Reply rev = Call("POST", "/api/v1/identity/verifications/" + vid + "/review",
                   {{"approve", true}, {"reason", "photo matches"}}, op_token);
  ASSERT_EQ(rev.status, 200) << rev.raw;
  Reply me = Call("GET", "/api/v1/me", nullptr, token);
  EXPECT_EQ(me.body["verification"], "verified");
  EXPECT_EQ(me.body["verified_by"], "manual");
  ASSERT_EQ(me.body["certificates"].size(), 1u);
  EXPECT_EQ(me.body["certificates"][0]["subject"].get<std::string>().find("SANDBOX"),
            std::string::npos);

  // Logout ends the session; the other session lives on.
  std::string other = with_totp.body["token"];
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, token).status, 204);
  Reply gone = Call("GET", "/api/v1/me", nullptr, token);
  EXPECT_EQ(gone.status, 401);
  EXPECT_NE(gone.headers.find("www-authenticate: bearer"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, other).status, 200);
  // Deregistration ends every session.
  EXPECT_EQ(Call("DELETE", "/api/v1/me", nullptr, other).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, other).status, 401);
}

TEST_F(ApiTest, LockoutRateLimitsAndEveryEndpointNeedsASession) {
  StartInstance("sm2");
  Register("孙八", "sun@example.cn", kCanaryId);
  for (int i = 0; i < 5; ++i) {
    Reply r = Call("POST", "/api/v1/auth/login",
                   {{"email", "sun@example.cn"}, {"password", "Wrong-Pw-" + std::to_string(i)}});
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_EQ(r.body["type"], "/problems/unauthenticated");
  }
  Reply locked = Call("POST", "/api/v1/auth/login",
                      {{"email", "sun@example.cn"}, {"password", kCanaryPassword}});
  EXPECT_EQ(locked.status, 429) << locked.raw;

  // Every operation of the OpenAPI document that needs a session refuses calls without one.
  Reply doc = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  std::vector<std::pair<std::string, std::string>> needs_session;
  for (const auto& [path, item] : doc.body["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (op.contains("security") && op["security"].empty()) continue;  // public
      std::string concrete;
      for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
          concrete += "x-1";
          i = path.find('}', i);
        } else {
          concrete += path[i];
        }
      }
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      needs_session.emplace_back(m, "/api/v1" + concrete);
    }
  }
  EXPECT_GE(needs_session.size(), 60u);
  for (const auto& route : needs_session) {
    Reply none = Call(route.first, route.second, json::object());
    EXPECT_EQ(none.status, 401) << route.first << " " << route.second << ": " << none.raw;
    Reply bogus = Call(route.first, route.second, json::object(), "bogus-token");
    EXPECT_EQ(bogus.status, 401) << route.first << " " << route.second;
  }
  // A plain person is not an operator.
  std::string token = VerifiedPerson("周九", "zhou@example.cn", "440524188001010014");
  for (const auto& route : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/identity/verifications"},
           {"GET", "/api/v1/admin/ca/requests"},
           {"POST", "/api/v1/admin/ca/requests/1/approve"}}) {
    EXPECT_EQ(Call(route.first, route.second, nullptr, token).status, 403) << route.second;
  }
  // Unknown paths and methods.
  EXPECT_EQ(Call("GET", "/api/v1/nothing", nullptr, token).status, 404);
  Reply put = Call("PUT", "/api/v1/me", json::object(), token);
  EXPECT_EQ(put.status, 405);
}

TEST_F(ApiTest, BadInputGetsProblemsAndStoresNothing) {
  StartInstance("sm2");
  json good = {{"name", "吴十"},
               {"email", "wu@example.cn"},
               {"id_number", kCanaryId},
               {"password", kCanaryPassword}};
  struct Case {
    std::string body;
    std::vector<std::string> headers;
    int status;
    std::string type;
  };
  json unknown = good;
  unknown["admin"] = true;
  json wrong_type = good;
  wrong_type["email"] = 42;
  json missing = good;
  missing.erase("password");
  json bad_id = good;
  bad_id["id_number"] = "110105194912310021";
  for (const Case& c : std::vector<Case>{
           {"{\"name\": \"x\",", {}, 400, "/problems/invalid-request"},
           {"[1, 2]", {}, 400, "/problems/invalid-request"},
           {unknown.dump(), {}, 400, "/problems/invalid-request"},
           {wrong_type.dump(), {}, 400, "/problems/invalid-request"},
           {missing.dump(), {}, 400, "/problems/invalid-request"},
           {bad_id.dump(), {}, 400, "/problems/invalid-argument"},
           {good.dump(), {"Content-Type: text/plain"}, 415, "/problems/unsupported-media-type"}}) {
    Reply r = Call("POST", "/api/v1/auth/register", nullptr, "", c.headers, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << ": " << r.raw;
    EXPECT_EQ(r.body.value("type", ""), c.type) << r.raw;
    EXPECT_NE(r.headers.find("content-type: application/problem+json"), std::string::npos);
  }
  // A body over the JSON limit (1 MiB) is refused.
  std::string huge(2u << 20, 'a');
  tmp_.Write("huge.json", "{\"name\": \"" + huge + "\"}");
  auto big = RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                         "Content-Type: application/json", "--data-binary",
                         "@" + tmp_.File("huge.json"), base_ + "/api/v1/auth/register"});
  EXPECT_EQ(big.out, "413");
  // Nothing was stored: the good registration works now, once.
  Register("吴十", "wu@example.cn", kCanaryId);
  Reply dup = Call("POST", "/api/v1/auth/register", good);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.body["type"], "/problems/already-exists");
}

TEST_F(ApiTest, IdempotencyKeysReplayTheFirstAnswer) {
  StartInstance("sm2");
  json body = {{"name", "郑一"},
               {"email", "zheng@example.cn"},
               {"id_number", kCanaryId},
               {"password", kCanaryPassword}};
  Reply first = Call("POST", "/api/v1/auth/register", body, "", {"Idempotency-Key: reg-1"});
  ASSERT_EQ(first.status, 201) << first.raw;
  Reply again = Call("POST", "/api/v1/auth/register", body, "", {"Idempotency-Key: reg-1"});
  EXPECT_EQ(again.status, 201) << again.raw;
  EXPECT_EQ(again.body["id"], first.body["id"]);
  EXPECT_NE(again.headers.find("idempotent-replayed: true"), std::string::npos);
  body["email"] = "other@example.cn";
  Reply reused = Call("POST", "/api/v1/auth/register", body, "", {"Idempotency-Key: reg-1"});
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(reused.body["type"], "/problems/idempotency-key-reused");
  // The replayed registration stored nothing twice: without the key it is a conflict.
  body["email"] = "zheng@example.cn";
  EXPECT_EQ(Call("POST", "/api/v1/auth/register", body).status, 409);
}

std::string Sm3Hex(const std::string& data) {
  auto r = RunCommand({"openssl", "dgst", "-sm3", "-r"}, data);
  return r.out.substr(0, 64);
}

std::string B64(const std::string& data) {
  auto r = RunCommand({"openssl", "base64", "-A"}, data);
  return r.out;
}

TEST_F(ApiTest, HeldKeysSignOnlyWithAFreshIntentAndOrganisationsThroughGrants) {
  StartInstance("sm2");
  std::string boss = VerifiedPerson("赵总", "boss@example.cn", kCanaryId);
  Reply org = Call("POST", "/api/v1/orgs",
                   {{"name", "某某贸易有限公司"},
                    {"credit_code", "91350100M000100Y43"},
                    {"legal_representative", "赵总"}},
                   boss);
  ASSERT_EQ(org.status, 201) << org.raw;
  std::string org_id = org.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/identity/verifications",
                 {{"provider", "sandbox"}, {"account_id", org_id}}, boss)
                .status,
            201);
  std::string clerk = VerifiedPerson("钱会计", "clerk@example.cn", "440524188001010014");
  std::string clerk_id = Call("GET", "/api/v1/me", nullptr, clerk).body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/members",
                 {{"email", "clerk@example.cn"}, {"role", "signer"}}, boss)
                .status,
            201);

  std::string data = "signed attributes of contract 42";
  // Without an intent the key does not sign.
  Reply none = Call("POST", "/api/v1/me/signatures", {{"data", B64(data)}, {"intent", "x"}}, clerk);
  EXPECT_EQ(none.status, 403) << none.raw;
  Reply wrong =
      Call("POST", "/api/v1/intents",
           {{"digest", Sm3Hex(data)}, {"method", "password"}, {"password", "Nope-1234"}}, clerk);
  EXPECT_EQ(wrong.status, 403) << wrong.raw;
  Reply intent = Call(
      "POST", "/api/v1/intents",
      {{"digest", Sm3Hex(data)}, {"method", "password"}, {"password", kCanaryPassword}}, clerk);
  ASSERT_EQ(intent.status, 201) << intent.raw;
  EXPECT_NE(intent.headers.find("cache-control: no-store"), std::string::npos);
  // The intent is for this data only.
  EXPECT_EQ(Call("POST", "/api/v1/me/signatures",
                 {{"data", B64("other data")}, {"intent", intent.body["intent"]}}, clerk)
                .status,
            403);
  Reply sig = Call("POST", "/api/v1/me/signatures",
                   {{"data", B64(data)}, {"intent", intent.body["intent"]}}, clerk);
  ASSERT_EQ(sig.status, 201) << sig.raw;
  EXPECT_EQ(sig.body["algorithm"], "SM2-with-SM3");
  // openssl checks it with the certificate's key and the default SM2 ID.
  Reply me = Call("GET", "/api/v1/me", nullptr, clerk);
  tmp_.Write("clerk.pem", me.body["certificates"][0]["pem"].get<std::string>());
  auto pub = RunCommand({"openssl", "x509", "-in", tmp_.File("clerk.pem"), "-noout", "-pubkey"});
  tmp_.Write("clerk.pub", pub.out);
  tmp_.Write("data.bin", data);
  auto der =
      RunCommand({"openssl", "base64", "-d", "-A"}, sig.body["signature"].get<std::string>());
  tmp_.Write("sig.der", der.out);
  auto v = RunCommand({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", tmp_.File("clerk.pub"),
                       "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in",
                       tmp_.File("data.bin"), "-sigfile", tmp_.File("sig.der")});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // Spent.
  EXPECT_EQ(Call("POST", "/api/v1/me/signatures",
                 {{"data", B64(data)}, {"intent", intent.body["intent"]}}, clerk)
                .status,
            403);

  // For the organisation: only with an active grant.
  Reply i2 = Call("POST", "/api/v1/intents",
                  {{"digest", Sm3Hex(data)}, {"method", "password"}, {"password", kCanaryPassword}},
                  clerk);
  ASSERT_EQ(i2.status, 201);
  json org_req = {{"data", B64(data)}, {"intent", i2.body["intent"]}, {"contract_type", "sale"}};
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/signatures", org_req, clerk).status, 403);
  Reply grant = Call("POST", "/api/v1/orgs/" + org_id + "/grants", {{"person_id", clerk_id}}, boss);
  ASSERT_EQ(grant.status, 201) << grant.raw;
  Reply both = Call("POST", "/api/v1/orgs/" + org_id + "/signatures", org_req, clerk);
  ASSERT_EQ(both.status, 201) << both.raw;
  EXPECT_EQ(both.body["org"]["grant_id"], grant.body["id"]);
  EXPECT_EQ(both.body["org"]["signer_id"], clerk_id);
  EXPECT_EQ(both.body["person"]["account_id"], clerk_id);
  ASSERT_EQ(
      Call("DELETE", "/api/v1/orgs/" + org_id + "/grants/" + grant.body["id"].get<std::string>(),
           nullptr, boss)
          .status,
      204);
  Reply i3 = Call("POST", "/api/v1/intents",
                  {{"digest", Sm3Hex(data)}, {"method", "password"}, {"password", kCanaryPassword}},
                  clerk);
  org_req["intent"] = i3.body["intent"];
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/signatures", org_req, clerk).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/me/signatures", nullptr, clerk).body["items"].size(), 2u);

  // Key management: the clerk rotates, then revokes; the admin renews the organisation's.
  EXPECT_EQ(Call("POST", "/api/v1/me/key/rotate", {{"password", "Nope-1234"}}, clerk).status, 403);
  Reply rotated = Call("POST", "/api/v1/me/key/rotate", {{"password", kCanaryPassword}}, clerk);
  ASSERT_EQ(rotated.status, 200) << rotated.raw;
  Reply certs = Call("GET", "/api/v1/me", nullptr, clerk);
  int valid = 0, revoked = 0;
  for (const auto& cert : certs.body["certificates"]) {
    (cert["status"] == "valid" ? valid : revoked) += 1;
  }
  EXPECT_EQ(valid, 1) << certs.raw;
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/certificate/renew",
                 {{"password", kCanaryPassword}}, clerk)
                .status,
            403);  // a signer, not an admin
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/certificate/renew",
                 {{"password", kCanaryPassword}}, boss)
                .status,
            200);
  Reply rv = Call("POST", "/api/v1/me/key/revoke",
                  {{"password", kCanaryPassword}, {"reason", "key_compromise"}}, clerk);
  ASSERT_EQ(rv.status, 200) << rv.raw;
  EXPECT_EQ(rv.body["key_id"], "");
  Reply after = Call(
      "POST", "/api/v1/intents",
      {{"digest", Sm3Hex(data)}, {"method", "password"}, {"password", kCanaryPassword}}, clerk);
  EXPECT_EQ(after.status, 422) << after.raw;
}

TEST_F(ApiTest, HttpsWithACertificateFromTheInstanceCa) {
  StartInstance("sm2", /*tls=*/true);
  ASSERT_EQ(base_.rfind("https://", 0), 0u);
  // The root comes from the instance itself, then every call checks the server's certificate.
  auto root = RunCommand(
      {"curl", "-s", "-k", "-o", tmp_.File("rsa-root.pem"), base_ + "/pki/ca/rsa-root.pem"});
  ASSERT_EQ(root.exit_code, 0);
  cacert_ = tmp_.File("rsa-root.pem");
  Reply health = Call("GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.raw;
  json alice = Register("张三", "tls@example.cn", kCanaryId);
  EXPECT_EQ(alice["id_number_masked"], "110105********002X");
  EXPECT_EQ(Login("tls@example.cn").size(), 43u);
  // TLS 1.3 only: a client limited to TLS 1.2 is refused.
  auto old = RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", cacert_,
                         "--tls-max", "1.2", base_ + "/healthz"});
  EXPECT_NE(old.exit_code, 0);
  auto s_client =
      RunCommand({"openssl", "s_client", "-connect", base_.substr(std::string("https://").size()),
                  "-CAfile", cacert_, "-verify_return_error", "-brief"},
                 "");
  EXPECT_NE(s_client.err.find("TLSv1.3"), std::string::npos) << s_client.err;
  EXPECT_NE(s_client.err.find("Verification: OK"), std::string::npos) << s_client.err;
  // Plain HTTP on the same port gets nothing.
  auto plain = RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                           "http://" + base_.substr(8) + "/healthz"});
  EXPECT_NE(plain.out, "200");
}

TEST_F(ApiTest, PlainHttpIsRefusedOffLoopback) {
  dir_ = tmp_.File("inst");
  auto init = RunCommand({testing::HetongBinary(), "init", "--data", dir_, "--demo"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto serve = RunCommand({testing::HetongBinary(), "serve", "--data", dir_, "--listen",
                           "0.0.0.0:" + std::to_string(testing::FreePort())});
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("plain HTTP is only served on loopback"), std::string::npos)
      << serve.err;
}

TEST_F(ApiTest, CertificateFromAnExternalCaVerifiesAndLogsIn) {
  // An external CA (made with openssl) that the operator trusts, and a person's certificate.
  auto sh = [&](const std::string& cmd) {
    auto r = RunCommand({"sh", "-c", "cd " + tmp_.path() + " && " + cmd});
    ASSERT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
  };
  sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ext.key "
     "-out ext.pem -days 30 -subj '/C=CN/O=External CA/CN=External Root' "
     "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
  sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout user.key -out "
     "user.csr -subj '/C=CN/CN=王五/serialNumber=11010519491231002X' -utf8");
  sh("printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' > ext.cnf && "
     "openssl x509 -req -in user.csr -CA ext.pem -CAkey ext.key -CAcreateserial -days 10 "
     "-extfile ext.cnf -out user.pem");
  StartInstance("sm2", false, [&] {
    auto imp = RunCommand({testing::HetongBinary(), "ca", "import-anchor", "--data", dir_, "--cert",
                           tmp_.File("ext.pem"), "--name", "external-root"});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
  });
  auto sign = [&](const json& ch) {
    tmp_.Write("tosign.txt", ch["to_sign"].get<std::string>());
    sh("openssl dgst -sha256 -sign user.key -out sig.der tosign.txt");
    auto b64 = RunCommand({"openssl", "base64", "-A", "-in", tmp_.File("sig.der")});
    return b64.out;
  };
  std::string user_pem = RunCommand({"cat", tmp_.File("user.pem")}).out;

  Register("王五", "wangwu@example.cn", kCanaryId);
  std::string token = Login("wangwu@example.cn");
  Reply ch = Call("POST", "/api/v1/auth/challenge");
  ASSERT_EQ(ch.status, 201) << ch.raw;
  EXPECT_NE(ch.body["to_sign"].get<std::string>().find(ch.body["nonce"].get<std::string>()),
            std::string::npos);
  Reply v = Call("POST", "/api/v1/identity/verifications",
                 {{"provider", "certificate"},
                  {"material",
                   {{"challenge_id", ch.body["challenge_id"]},
                    {"nonce", ch.body["nonce"]},
                    {"certificate", user_pem},
                    {"signature", sign(ch.body)}}}},
                 token);
  ASSERT_EQ(v.status, 201) << v.raw;
  EXPECT_EQ(v.body["state"], "approved") << v.raw;

  // Log in with the certificate: a fresh challenge, signed.
  Reply ch2 = Call("POST", "/api/v1/auth/challenge");
  json login = {{"challenge_id", ch2.body["challenge_id"]},
                {"nonce", ch2.body["nonce"]},
                {"certificate", user_pem},
                {"signature", sign(ch2.body)}};
  Reply in = Call("POST", "/api/v1/auth/login", login);
  ASSERT_EQ(in.status, 200) << in.raw;
  EXPECT_EQ(in.body["method"], "certificate");
  EXPECT_EQ(in.body["account"]["email"], "wangwu@example.cn");
  // The same answer again (a replay) is refused: the challenge is spent.
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", login).status, 401);
  // A signature over another challenge does not fit this one.
  Reply ch3 = Call("POST", "/api/v1/auth/challenge");
  json wrong = login;
  wrong["challenge_id"] = ch3.body["challenge_id"];
  wrong["nonce"] = ch3.body["nonce"];
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", wrong).status, 401);
  // A certificate the instance does not trust (self-signed) is refused.
  sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self.key "
     "-out self.pem -days 5 -subj '/C=CN/CN=王五' -utf8");
  Reply ch4 = Call("POST", "/api/v1/auth/challenge");
  tmp_.Write("tosign.txt", ch4.body["to_sign"].get<std::string>());
  sh("openssl dgst -sha256 -sign self.key -out sig.der tosign.txt");
  Reply self = Call(
      "POST", "/api/v1/auth/login",
      {{"challenge_id", ch4.body["challenge_id"]},
       {"nonce", ch4.body["nonce"]},
       {"certificate", RunCommand({"cat", tmp_.File("self.pem")}).out},
       {"signature", RunCommand({"openssl", "base64", "-A", "-in", tmp_.File("sig.der")}).out}});
  EXPECT_EQ(self.status, 401) << self.raw;
  // Someone of the same name with another identity number is not verified by that certificate.
  Register("王五", "namesake@example.cn", "110105198001010016");
  std::string namesake = Login("namesake@example.cn");
  Reply ch5 = Call("POST", "/api/v1/auth/challenge");
  Reply other = Call("POST", "/api/v1/identity/verifications",
                     {{"provider", "certificate"},
                      {"material",
                       {{"challenge_id", ch5.body["challenge_id"]},
                        {"nonce", ch5.body["nonce"]},
                        {"certificate", user_pem},
                        {"signature", sign(ch5.body)}}}},
                     namesake);
  ASSERT_EQ(other.status, 201) << other.raw;
  EXPECT_EQ(other.body["state"], "rejected");
  EXPECT_EQ(other.body["reason"], "the certificate is for another identity number");
}

TEST_F(ApiTest, SensitiveFieldsTravelInSm2EnvelopesWhenRequired) {
  StartInstance("sm2", false, nullptr, "require_envelopes = true\n");
  Reply enc = Call("GET", "/api/v1/encryption-certificate");
  ASSERT_EQ(enc.status, 200) << enc.raw;
  EXPECT_EQ(enc.body["required"], true);
  tmp_.Write("platform.pem", enc.body["certificate"].get<std::string>());
  auto text = RunCommand({"openssl", "x509", "-in", tmp_.File("platform.pem"), "-noout", "-text"});
  EXPECT_NE(text.out.find("Key Encipherment, Data Encipherment"), std::string::npos) << text.out;

  json clear = {{"name", "冯十一"},
                {"email", "feng@example.cn"},
                {"id_number", kCanaryId},
                {"password", kCanaryPassword}};
  Reply refused = Call("POST", "/api/v1/auth/register", clear);
  EXPECT_EQ(refused.status, 400) << refused.raw;
  EXPECT_NE(refused.raw.find("id_number_envelope"), std::string::npos);

  // The command line seals the number to the platform's certificate.
  tmp_.Write("id.txt", kCanaryId);
  auto seal = RunCommand({testing::HetongBinary(), "crypto", "envelope", "seal", "--cert",
                          tmp_.File("platform.pem"), "--in", tmp_.File("id.txt"), "--out",
                          tmp_.File("id.env")});
  ASSERT_EQ(seal.exit_code, 0) << seal.err;
  std::string env = RunCommand({"openssl", "base64", "-A", "-in", tmp_.File("id.env")}).out;
  json sealed = clear;
  sealed.erase("id_number");
  sealed["id_number_envelope"] = env;
  Reply ok = Call("POST", "/api/v1/auth/register", sealed);
  ASSERT_EQ(ok.status, 201) << ok.raw;
  EXPECT_EQ(ok.body["id_number_masked"], "110105********002X");
  // A damaged envelope is a clear 400, and nothing is stored.
  std::string bad = env;
  bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
  json broken = sealed;
  broken["email"] = "other@example.cn";
  broken["id_number_envelope"] = bad;
  EXPECT_EQ(Call("POST", "/api/v1/auth/register", broken).status, 400);
  // Verification material in the clear is refused too; inside an envelope it is taken.
  std::string token = Login("feng@example.cn");
  EXPECT_EQ(Call("POST", "/api/v1/identity/verifications",
                 {{"provider", "manual"}, {"material", {{"id_card_front", "aGVsbG8="}}}}, token)
                .status,
            400);
  tmp_.Write("material.json", R"({"id_card_front": "aGVsbG8="})");
  ASSERT_EQ(RunCommand({testing::HetongBinary(), "crypto", "envelope", "seal", "--cert",
                        tmp_.File("platform.pem"), "--in", tmp_.File("material.json"), "--out",
                        tmp_.File("material.env")})
                .exit_code,
            0);
  Reply v = Call("POST", "/api/v1/identity/verifications",
                 {{"provider", "manual"},
                  {"material_envelope",
                   RunCommand({"openssl", "base64", "-A", "-in", tmp_.File("material.env")}).out}},
                 token);
  ASSERT_EQ(v.status, 201) << v.raw;
  EXPECT_EQ(v.body["summary"], "id_card_front (8 bytes)");
  EXPECT_EQ(ServerLog().find(kCanaryId), std::string::npos);
}

TEST_F(ApiTest, EveryOrganisationEndpointByRoleAndTenant) {
  StartInstance("sm2");
  std::string admin = VerifiedPerson("管理员", "admin@example.cn", kCanaryId);
  Reply org = Call("POST", "/api/v1/orgs",
                   {{"name", "矩阵测试有限公司"},
                    {"credit_code", "91350100M000100Y43"},
                    {"legal_representative", "管理员"}},
                   admin);
  ASSERT_EQ(org.status, 201) << org.raw;
  std::string id = org.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/identity/verifications",
                 {{"provider", "sandbox"}, {"account_id", id}}, admin)
                .status,
            201);
  std::map<std::string, std::string> tokens = {{"admin", admin}};
  std::map<std::string, std::string> ids;
  const std::vector<std::pair<std::string, std::string>> people = {
      {"seal_manager", "440524188001010014"},
      {"signer", "110105198001010016"},
      {"viewer", "110105198001010032"},
      {"outsider", "110105199003071239"}};
  for (const auto& [role, number] : people) {
    tokens[role] = VerifiedPerson("成员 " + role, role + "@example.cn", number);
    ids[role] = Call("GET", "/api/v1/me", nullptr, tokens[role]).body["id"];
    if (role != "outsider") {
      ASSERT_EQ(Call("POST", "/api/v1/orgs/" + id + "/members",
                     {{"email", role + "@example.cn"}, {"role", role}}, admin)
                    .status,
                201);
    }
  }
  const std::vector<std::string> roles = {"admin", "seal_manager", "signer", "viewer", "outsider"};
  // Expected statuses in the order of `roles`.
  struct Row {
    std::string method, path;
    std::function<json()> body;
    std::vector<int> expected;
  };
  std::string grant_for_delete;
  auto new_grant = [&] {
    Reply g = Call("POST", "/api/v1/orgs/" + id + "/grants", {{"person_id", ids["signer"]}}, admin);
    return g.body.value("id", "");
  };
  const std::string o = "/api/v1/orgs/" + id;
  std::vector<Row> rows = {
      {"GET", o, [] { return json(nullptr); }, {200, 200, 200, 200, 404}},
      {"PATCH",
       o,
       [] {
         return json{{"email", "office@example.cn"}};
       },
       {200, 403, 403, 403, 404}},
      {"GET", o + "/members", [] { return json(nullptr); }, {200, 200, 200, 200, 404}},
      {"POST",
       o + "/members",
       [] {
         return json{{"email", "viewer@example.cn"}, {"role", "viewer"}};
       },
       {201, 403, 403, 403, 404}},
      {"GET", o + "/grants", [] { return json(nullptr); }, {200, 200, 403, 403, 404}},
      {"POST",
       o + "/grants",
       [&] {
         return json{{"person_id", ids["signer"]}};
       },
       {201, 201, 403, 403, 404}},
      {"POST",
       o + "/certificate/renew",
       [] {
         return json{{"password", kCanaryPassword}};
       },
       {200, 403, 403, 403, 404}},
  };
  for (const Row& row : rows) {
    for (size_t i = 0; i < roles.size(); ++i) {
      Reply r = Call(row.method, row.path, row.body(), tokens[roles[i]]);
      EXPECT_EQ(r.status, row.expected[i])
          << row.method << " " << row.path << " as " << roles[i] << ": " << r.raw;
    }
  }
  // Deleting a grant and a member: each role tries on a fresh object.
  const std::vector<int> grant_delete = {204, 204, 403, 403, 404};
  for (size_t i = 0; i < roles.size(); ++i) {
    std::string g = new_grant();
    Reply r = Call("DELETE", o + "/grants/" + g, nullptr, tokens[roles[i]]);
    EXPECT_EQ(r.status, grant_delete[i]) << "DELETE grant as " << roles[i] << ": " << r.raw;
  }
  for (std::string role : {"seal_manager", "signer", "viewer", "outsider"}) {
    Reply r = Call("DELETE", o + "/members/" + ids["viewer"], nullptr, tokens[role]);
    EXPECT_EQ(r.status, role == "outsider" ? 404 : 403) << "DELETE member as " << role;
  }
  EXPECT_EQ(Call("DELETE", o + "/members/" + ids["viewer"], nullptr, admin).status, 204);
  // Deregistering the organisation: admins only; then it is gone for its members' actions.
  EXPECT_EQ(Call("DELETE", o, nullptr, tokens["signer"]).status, 403);
  EXPECT_EQ(Call("DELETE", o, nullptr, tokens["outsider"]).status, 404);
  EXPECT_EQ(Call("DELETE", o, nullptr, admin).status, 204);
  EXPECT_EQ(Call("POST", o + "/grants", {{"person_id", ids["signer"]}}, admin).status, 422);
}

TEST_F(ApiTest, AnOperatorsHttpProviderDecidesVerifications) {
  // The operator's adapter: a small HTTP service that checks the submission.
  tmp_.Write("adapter.py", R"PY(
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        ok = (req.get('api_key') == 'k-123' and req.get('id_number') == '11010519491231002X'
              and req.get('name') == '韩梅梅' and req.get('kind') == 'person')
        body = json.dumps({'state': 'approved' if ok else 'rejected',
                           'reason': 'matches the register' if ok else 'no match'}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
)PY");
  int port = testing::FreePort();
  auto started = RunCommand({"sh", "-c",
                             "python3 " + tmp_.File("adapter.py") + " " + std::to_string(port) +
                                 " > " + tmp_.File("adapter.log") + " 2>&1 & echo $!"});
  std::string pid = started.out.substr(0, started.out.find('\n'));
  struct Kill {
    std::string pid;
    ~Kill() { RunCommand({"kill", pid}); }
  } kill_adapter{pid};
  for (int i = 0; i < 100; ++i) {
    auto r = RunCommand({"curl", "-s", "-o", "/dev/null", "-X", "POST", "-d", "{}", "--max-time",
                         "1", "http://127.0.0.1:" + std::to_string(port) + "/"});
    if (r.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  StartInstance("sm2", false, nullptr,
                "http_provider = idcheck\nhttp_provider_url = http://127.0.0.1:" +
                    std::to_string(port) + "/verify\nhttp_provider_key = k-123\n");
  EXPECT_EQ(Call("GET", "/api/v1/identity/providers").body["providers"],
            json::array({"manual", "sandbox", "certificate", "idcheck"}));
  Register("韩梅梅", "han@example.cn", kCanaryId);
  std::string han = Login("han@example.cn");
  Reply v = Call("POST", "/api/v1/identity/verifications", {{"provider", "idcheck"}}, han);
  ASSERT_EQ(v.status, 201) << v.raw;
  EXPECT_EQ(v.body["state"], "approved");
  EXPECT_EQ(v.body["reason"], "idcheck: matches the register");
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, han).body["certificates"].size(), 1u);
  Register("李雷", "li@example.cn", "440524188001010014");
  std::string li = Login("li@example.cn");
  Reply no = Call("POST", "/api/v1/identity/verifications", {{"provider", "idcheck"}}, li);
  ASSERT_EQ(no.status, 201) << no.raw;
  EXPECT_EQ(no.body["state"], "rejected");
  // The adapter goes away: a 503, and the account is as it was.
  RunCommand({"kill", pid});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Reply down = Call("POST", "/api/v1/identity/verifications", {{"provider", "idcheck"}}, li);
  EXPECT_EQ(down.status, 503) << down.raw;
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, li).body["verification"], "rejected");
}

// The web app and the browser's cookie session through `hetong serve`: web.root from the
// configuration, index.html for client routes, cache headers and ETag revalidation, the API's
// own 404s, and a login whose token stays in the HttpOnly cookie.
TEST_F(ApiTest, WebAppAndCookieSession) {
  std::string web = tmp_.File("web");
  std::filesystem::create_directories(web + "/assets");
  tmp_.Write("web/index.html", "<!doctype html><title>hetong</title>");
  tmp_.Write("web/assets/app-1a2b.js", "console.log('hetong')");
  StartInstance("sm2", false, nullptr, "\n[web]\nroot = " + web + "\n");
  EXPECT_NE(ServerLog().find("web: serving the web app from " + web), std::string::npos);

  Reply index = Call("GET", "/contracts/ctr-1?tab=parties");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.raw, "<!doctype html><title>hetong</title>");
  EXPECT_NE(index.headers.find("content-security-policy: default-src 'self'; script-src 'self';"),
            std::string::npos)
      << index.headers;
  EXPECT_NE(index.headers.find("x-frame-options: deny"), std::string::npos);
  EXPECT_NE(index.headers.find("cache-control: no-cache"), std::string::npos);
  Reply js = Call("GET", "/assets/app-1a2b.js");
  EXPECT_EQ(js.raw, "console.log('hetong')");
  EXPECT_NE(js.headers.find("content-type: text/javascript; charset=utf-8"), std::string::npos);
  EXPECT_NE(js.headers.find("cache-control: public, max-age=31536000, immutable"),
            std::string::npos);
  auto js_raw = tmp_.Read("h.txt");  // as sent (Reply::headers is lower-cased)
  std::string js_headers(js_raw.begin(), js_raw.end());
  size_t at = js_headers.find("ETag: ");
  ASSERT_NE(at, std::string::npos) << js_headers;
  std::string etag = js_headers.substr(at + 6, js_headers.find('\r', at) - at - 6);
  Reply same = Call("GET", "/assets/app-1a2b.js", nullptr, "", {"If-None-Match: " + etag});
  EXPECT_EQ(same.status, 304) << same.headers;
  EXPECT_EQ(Call("GET", "/assets/missing-9.js").status, 404);
  EXPECT_EQ(Call("GET", "/%2e%2e/%2e%2e/etc/passwd").status, 404);
  Reply api = Call("GET", "/api/v1/nothing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.body["type"], "/problems/not-found");
  EXPECT_NE(api.headers.find("x-content-type-options: nosniff"), std::string::npos);

  Register("张三", "zhang@example.cn", kCanaryId);
  Reply login =
      Call("POST", "/api/v1/auth/login",
           {{"email", "zhang@example.cn"}, {"password", kCanaryPassword}, {"session", "cookie"}},
           "", {"X-Hetong-Client: web"});
  ASSERT_EQ(login.status, 200) << login.raw;
  EXPECT_FALSE(login.body.contains("token"));
  EXPECT_EQ(login.body["token_type"], "Cookie");
  auto raw = tmp_.Read("h.txt");
  std::string headers(raw.begin(), raw.end());
  size_t c = headers.find("hetong_session=");
  ASSERT_NE(c, std::string::npos) << headers;
  std::string cookie = headers.substr(c, headers.find(';', c) - c);
  EXPECT_NE(headers.find("; Path=/api/v1; HttpOnly; SameSite=Strict; Max-Age="), std::string::npos)
      << headers;
  EXPECT_EQ(headers.find("Secure"), std::string::npos);  // plain HTTP on loopback
  Reply me = Call("GET", "/api/v1/me", nullptr, "", {"Cookie: " + cookie});
  EXPECT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["email"], "zhang@example.cn");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, "", {"Cookie: " + cookie}).status, 403);
  Reply out = Call("POST", "/api/v1/auth/logout", nullptr, "",
                   {"Cookie: " + cookie, "X-Hetong-Client: web"});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.headers.find("set-cookie: hetong_session=; path=/api/v1"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, "", {"Cookie: " + cookie}).status, 401);
}

}  // namespace
}  // namespace hetong
