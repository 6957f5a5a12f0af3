// Contracts end to end against a running `hetong serve`: two persons and an organisation
// register, pass the sandbox verification, the organisation grants its member the right to
// sign for it, a PDF is uploaded, a sequential contract with a person and the organisation is
// sent, each signer confirms intent and signs (out of turn, twice, or without intent is
// refused), the signed PDF is downloaded and verified offline by `hetong verify` (and by
// pdfsig on an RSA instance), and POST /verify reports the same. Also the flow's refusals:
// outsiders, a revoked grant, rejection and revocation, bad uploads.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/encoding.h"
#include "document/pdf/appearance.h"
#include "document/pdf/test_pdf.h"
#include "interop/api_fixture.h"
#include "testing/http_sink.h"
#include "testing/smtp_sink.h"

namespace hetong {
namespace {

using namespace apitest;  // NOLINT(google-build-using-namespace)

class ContractApiTest : public ApiTest {
 protected:
  // A 2-page PDF made by qpdf.
  std::string UploadPdf(const std::string& token, const std::string& org_id = "") {
    std::string path = tmp_.File("contract.pdf");
    document::pdf::testing::TestPdfSpec spec;
    spec.pages = 2;
    EXPECT_TRUE(document::pdf::testing::WriteTestPdf(path, spec).ok());
    auto bytes = tmp_.Read("contract.pdf");
    Reply r =
        Call("POST", "/api/v1/documents" + (org_id.empty() ? "" : "?org_id=" + org_id), nullptr,
             token, {"Content-Type: application/pdf"}, std::string(bytes.begin(), bytes.end()));
    EXPECT_EQ(r.status, 201) << r.raw;
    EXPECT_EQ(r.body.value("pages", 0), 2) << r.raw;
    return r.body.value("id", "");
  }

  // A handwritten signature: a dark stroke on a transparent canvas, as a PNG in base64.
  static std::string HandwrittenPng() {
    document::pdf::RgbaImage img;
    img.width = 120;
    img.height = 40;
    img.rgba.assign(static_cast<size_t>(img.width * img.height * 4), 0);
    for (int x = 10; x < 110; ++x) {
      int y = 20 + (x % 20 < 10 ? x % 10 : 10 - x % 10);
      for (int dy = 0; dy < 3; ++dy) {
        size_t i = static_cast<size_t>(((y + dy) * img.width + x) * 4);
        img.rgba[i + 3] = 255;
      }
    }
    auto png = document::pdf::EncodePng(img);
    EXPECT_TRUE(png.ok());
    return base::Base64Encode(*png);
  }

  std::string Intent(const std::string& contract_id, const std::string& token, int party = -1) {
    json body = {{"method", "password"}, {"password", kCanaryPassword}};
    if (party >= 0) body["party"] = party;
    Reply r = Call("POST", "/api/v1/contracts/" + contract_id + "/intent", body, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    EXPECT_NE(r.body.value("statement", "").find("document-sm3: "), std::string::npos) << r.raw;
    return r.body.value("intent_token", "");
  }

  void Walk(const std::string& algorithm) {
    StartInstance(algorithm, false, nullptr, "\n[evidence]\nsth_interval_seconds = 1\n");
    std::string alice = VerifiedPerson("张三", "alice@example.cn", kCanaryId);
    std::string alice_id = Call("GET", "/api/v1/me", nullptr, alice).body["id"];
    std::string bob = VerifiedPerson("李四", "bob@example.cn", "440524188001010014");
    std::string bob_id = Call("GET", "/api/v1/me", nullptr, bob).body["id"];
    Reply org = Call("POST", "/api/v1/orgs",
                     {{"name", "某某科技有限公司"},
                      {"credit_code", "91350100M000100Y43"},
                      {"legal_representative", "李四"}},
                     bob);
    ASSERT_EQ(org.status, 201) << org.raw;
    std::string org_id = org.body["id"];
    ASSERT_EQ(Call("POST", "/api/v1/identity/verifications",
                   {{"provider", "sandbox"}, {"account_id", org_id}}, bob)
                  .status,
              201);
    Reply grant = Call("POST", "/api/v1/orgs/" + org_id + "/grants",
                       {{"person_id", bob_id}, {"contract_types", json::array({"purchase"})}}, bob);
    ASSERT_EQ(grant.status, 201) << grant.raw;
    Reply seal = Call("POST", "/api/v1/orgs/" + org_id + "/seals",
                      {{"kind", "company"}, {"center_text", "合同专用章"}}, bob);
    ASSERT_EQ(seal.status, 201) << seal.raw;
    std::string seal_id = seal.body["id"];

    std::string doc = UploadPdf(alice);
    Reply created = Call("POST", "/api/v1/contracts",
                         {{"title", "采购合同 2026-001"},
                          {"document_id", doc},
                          {"contract_type", "purchase"},
                          {"flow", "sequential"},
                          {"parties",
                           {{{"person_id", alice_id},
                             {"page", 1},
                             {"x", 60},
                             {"y", 80},
                             {"width", 160},
                             {"height", 80}},
                            {{"email", "bob@example.cn"},
                             {"org_id", org_id},
                             {"page", 2},
                             {"x", 320},
                             {"y", 80},
                             {"width", 160},
                             {"height", 100}}}}},
                         alice);
    ASSERT_EQ(created.status, 201) << created.raw;
    std::string id = created.body["id"];
    EXPECT_EQ(created.body["state"], "draft");
    EXPECT_EQ(created.body["parties"][1]["person_id"], bob_id);
    EXPECT_EQ(created.body["parties"][1]["name"], "某某科技有限公司");

    // Only the creator sends; nobody signs a draft.
    EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id + "/send", nullptr, bob).status, 403);
    EXPECT_EQ(
        Call("POST", "/api/v1/contracts/" + id + "/intent", {{"method", "password"}}, alice).status,
        422);
    Reply sent = Call("POST", "/api/v1/contracts/" + id + "/send", nullptr, alice);
    ASSERT_EQ(sent.status, 200) << sent.raw;
    EXPECT_EQ(sent.body["to_sign"], json::array({0}));

    // bob (for the organisation) is not first.
    Reply early = Call("POST", "/api/v1/contracts/" + id + "/intent",
                       {{"method", "password"}, {"password", kCanaryPassword}}, bob);
    EXPECT_EQ(early.status, 422) << early.raw;
    EXPECT_NE(early.raw.find("not your turn"), std::string::npos) << early.raw;
    // No intent, a made-up intent: refused, nothing signed.
    EXPECT_EQ(
        Call("POST", "/api/v1/contracts/" + id + "/sign", {{"intent_token", ""}}, alice).status,
        403);
    EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id + "/sign",
                   {{"intent_token", "made-up"},
                    {"appearance", {{"kind", "handwritten"}, {"image_png", HandwrittenPng()}}}},
                   alice)
                  .status,
              403);
    // An outsider sees nothing.
    std::string eve = VerifiedPerson("王五", "eve@example.cn", "110105198001010016");
    EXPECT_EQ(Call("GET", "/api/v1/contracts/" + id, nullptr, eve).status, 404);
    EXPECT_EQ(Call("GET", "/api/v1/contracts/" + id + "/document", nullptr, eve).status, 404);
    EXPECT_EQ(
        Call("POST", "/api/v1/contracts/" + id + "/intent", {{"method", "password"}}, eve).status,
        404);

    // alice signs with a handwritten signature.
    std::string t1 = Intent(id, alice);
    json alice_look = algorithm == "sm2"
                          ? json{{"kind", "handwritten"}, {"image_png", HandwrittenPng()}}
                          : json{{"kind", "personal-seal"}};
    Reply s1 = Call("POST", "/api/v1/contracts/" + id + "/sign",
                    {{"intent_token", t1}, {"appearance", alice_look}}, alice);
    ASSERT_EQ(s1.status, 200) << s1.raw;
    EXPECT_EQ(s1.body["contract"]["state"], "partially_signed");
    EXPECT_FALSE(s1.body["completed"].get<bool>());
    // The intent was spent; a second signature by alice is refused.
    EXPECT_EQ(
        Call("POST", "/api/v1/contracts/" + id + "/sign", {{"intent_token", t1}}, alice).status,
        422);

    // A tree head that covers alice's signature (heads are signed every second here).
    Reply head1;
    for (int i = 0; i < 100; ++i) {
      head1 = Call("GET", "/api/v1/evidence/sth");
      if (head1.status == 200 && head1.body.value("tree_size", 0) >= 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // With the grant revoked bob cannot sign for the organisation; with a new one he can.
    ASSERT_EQ(
        Call("DELETE", "/api/v1/orgs/" + org_id + "/grants/" + grant.body["id"].get<std::string>(),
             nullptr, bob)
            .status,
        204);
    std::string t0 = Intent(id, bob);
    EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id + "/sign",
                   {{"intent_token", t0}, {"appearance", {{"kind", "seal"}}}}, bob)
                  .status,
              403);
    ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_id + "/grants",
                   {{"person_id", bob_id}, {"contract_types", json::array({"purchase"})}}, bob)
                  .status,
              201);
    // bob signs for the organisation with its contract seal.
    std::string t2 = Intent(id, bob);
    Reply s2 =
        Call("POST", "/api/v1/contracts/" + id + "/sign",
             {{"intent_token", t2}, {"appearance", {{"kind", "seal"}, {"seal_id", seal_id}}}}, bob);
    ASSERT_EQ(s2.status, 200) << s2.raw;
    EXPECT_TRUE(s2.body["completed"].get<bool>());
    EXPECT_EQ(s2.body["contract"]["state"], "completed");

    // The signed PDF verifies offline, two signatures, the last one B-LTA.
    Reply pdf = Call("GET", "/api/v1/contracts/" + id + "/document", nullptr, alice);
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.rfind("%PDF-", 0), 0u);
    tmp_.Write("signed.pdf", pdf.raw);
    auto v = RunCommand(
        {testing::HetongBinary(), "verify", tmp_.File("signed.pdf"), "--data", dir_, "--json"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    json report = json::parse(v.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << v.out;
    EXPECT_TRUE(report["allPassed"].get<bool>()) << v.out;
    int signatures = 0, doc_timestamps = 0;
    for (const auto& s : report["signatures"]) {
      if (s["kind"] == "signature") {
        ++signatures;
        EXPECT_EQ(s["indication"], "TOTAL_PASSED") << s.dump(1);
      } else {
        ++doc_timestamps;
      }
    }
    EXPECT_EQ(signatures, 2) << v.out;
    EXPECT_GE(doc_timestamps, 1) << v.out;
    if (algorithm != "sm2") {
      auto p = RunCommand({"pdfsig", "-nocert", tmp_.File("signed.pdf")});
      EXPECT_NE(p.out.find("Signature is Valid"), std::string::npos) << p.out << p.err;
      EXPECT_EQ(p.out.find("Signature is Invalid"), std::string::npos) << p.out;
    }
    // POST /verify says the same, for anyone.
    Reply check =
        Call("POST", "/api/v1/verify", nullptr, "", {"Content-Type: application/pdf"}, pdf.raw);
    ASSERT_EQ(check.status, 200) << check.raw;
    EXPECT_TRUE(check.body["allPassed"].get<bool>()) << check.raw;

    // The timeline has every step; the lists and statistics see the contract.
    Reply events = Call("GET", "/api/v1/contracts/" + id + "/events", nullptr, bob);
    ASSERT_EQ(events.status, 200);
    std::vector<std::string> types;
    for (const auto& e : events.body["items"]) types.push_back(e["type"]);
    for (const char* want :
         {"contract.created", "contract.sent", "contract.signed", "contract.completed"}) {
      EXPECT_NE(std::find(types.begin(), types.end(), want), types.end()) << want;
    }
    Reply mine = Call("GET", "/api/v1/contracts?state=completed&q=" + std::string("2026-001"),
                      nullptr, alice);
    ASSERT_EQ(mine.status, 200) << mine.raw;
    EXPECT_EQ(mine.body["items"].size(), 1u);
    EXPECT_EQ(Call("GET", "/api/v1/contracts", nullptr, eve).body["items"].size(), 0u);
    Reply stats = Call("GET", "/api/v1/orgs/" + org_id + "/statistics", nullptr, bob);
    ASSERT_EQ(stats.status, 200) << stats.raw;
    EXPECT_EQ(stats.body["contracts"], 1);
    EXPECT_EQ(stats.body["signatures"], 1);
    EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_id + "/statistics", nullptr, eve).status, 404);
    // The evidence package verifies offline, with the instance's root as the anchor.
    Reply pkg = Call("GET", "/api/v1/contracts/" + id + "/evidence", nullptr, alice);
    ASSERT_EQ(pkg.status, 200) << pkg.raw.substr(0, 400);
    EXPECT_EQ(pkg.raw.rfind("PK", 0), 0u);
    tmp_.Write("evidence.zip", pkg.raw);
    std::vector<std::string> verify = {testing::HetongBinary(), "evidence", "verify",
                                       tmp_.File("evidence.zip")};
    for (std::string family : {"sm2", "rsa"}) {
      auto root = RunCommand({"curl", "-s", "-o", tmp_.File(family + "-root.pem"),
                              base_ + "/pki/ca/" + family + "-root.pem"});
      ASSERT_EQ(root.exit_code, 0);
      verify.insert(verify.end(), {"--anchor", tmp_.File(family + "-root.pem")});
    }
    auto ev = RunCommand(verify);
    EXPECT_EQ(ev.exit_code, 0) << ev.out << ev.err;
    EXPECT_EQ(Call("GET", "/api/v1/contracts/" + id + "/evidence", nullptr, eve).status, 404);
    // The seal's usage log has the signature.
    Reply usage = Call("GET", "/api/v1/seals/" + seal_id + "/usage", nullptr, bob);
    ASSERT_EQ(usage.status, 200) << usage.raw;
    EXPECT_EQ(usage.body["items"].size(), 1u) << usage.raw;
    // Anyone who kept the earlier tree head checks that the later one extends it.
    ASSERT_EQ(head1.status, 200) << head1.raw;
    Reply head2 = Call("GET", "/api/v1/evidence/sth");
    ASSERT_EQ(head2.status, 200) << head2.raw;
    uint64_t n1 = head1.body["tree_size"], n2 = head2.body["tree_size"];
    ASSERT_LT(n1, n2);
    Reply proof = Call("GET", "/api/v1/evidence/proofs/consistency?first=" + std::to_string(n1) +
                                  "&second=" + std::to_string(n2));
    ASSERT_EQ(proof.status, 200) << proof.raw;
    tmp_.Write("old.json", head1.raw);
    tmp_.Write("new.json", head2.raw);
    tmp_.Write("proof.json", proof.raw);
    auto consistent = RunCommand({testing::HetongBinary(), "evidence", "verify-consistency",
                                  "--old", tmp_.File("old.json"), "--new", tmp_.File("new.json"),
                                  "--proof", tmp_.File("proof.json")});
    EXPECT_EQ(consistent.exit_code, 0) << consistent.out << consistent.err;
    EXPECT_EQ(Call("GET", "/api/v1/evidence/proofs/consistency?first=5&second=1").status, 400);
    // A changed byte in the package is found.
    std::string bad = pkg.raw;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
    tmp_.Write("evidence.zip", bad);
    auto ev_bad = RunCommand(verify);
    EXPECT_NE(ev_bad.exit_code, 0) << ev_bad.out;
    // No secret reached a response.
    EXPECT_EQ(responses_.find(kCanaryId), std::string::npos);
  }
};

TEST_F(ContractApiTest, TwoPartiesSignOnAnSm2Instance) { Walk("sm2"); }

TEST_F(ContractApiTest, TwoPartiesSignOnAnRsaInstance) { Walk("rsa3072"); }

TEST_F(ContractApiTest, RefusalsRejectionRevocationAndBadUploads) {
  StartInstance("sm2", false, nullptr, "\n[contracts]\nmax_document_mb = 1\n");
  std::string alice = VerifiedPerson("张三", "alice@example.cn", kCanaryId);
  std::string alice_id = Call("GET", "/api/v1/me", nullptr, alice).body["id"];
  std::string bob = VerifiedPerson("李四", "bob@example.cn", "440524188001010014");
  std::string bob_id = Call("GET", "/api/v1/me", nullptr, bob).body["id"];

  // Bad uploads store nothing.
  EXPECT_EQ(Call("POST", "/api/v1/documents", nullptr, alice, {"Content-Type: application/pdf"},
                 "not a pdf at all")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/documents", nullptr, alice, {"Content-Type: application/pdf"},
                 "%PDF-1.7\nbroken")
                .status,
            400);
  EXPECT_EQ(
      Call("POST", "/api/v1/documents", nullptr, alice, {"Content-Type: text/plain"}, "x").status,
      415);
  EXPECT_EQ(
      Call("POST", "/api/v1/documents", nullptr, "", {"Content-Type: application/pdf"}, "%PDF-1.7")
          .status,
      401);

  std::string doc = UploadPdf(alice);
  auto make = [&](const json& extra) {
    json body = {{"title", "租赁合同"},
                 {"document_id", doc},
                 {"flow", "parallel"},
                 {"parties",
                  {{{"person_id", alice_id},
                    {"page", 1},
                    {"x", 50},
                    {"y", 50},
                    {"width", 100},
                    {"height", 60}},
                   {{"person_id", bob_id},
                    {"page", 1},
                    {"x", 300},
                    {"y", 50},
                    {"width", 100},
                    {"height", 60}}}}};
    for (const auto& [k, v] : extra.items()) body[k] = v;
    return Call("POST", "/api/v1/contracts", body, alice);
  };
  // Bad contracts.
  EXPECT_EQ(make({{"flow", "random"}}).status, 400);
  EXPECT_EQ(make({{"unknown", 1}}).status, 400);
  EXPECT_EQ(make({{"title", 7}}).status, 400);
  EXPECT_EQ(make({{"deadline", "2001-01-01T00:00:00Z"}}).status, 400);
  EXPECT_EQ(make({{"document_id", "doc-000"}}).status, 404);
  EXPECT_EQ(make({{"parties", json::array()}}).status, 400);
  Reply malformed = Call("POST", "/api/v1/contracts", nullptr, alice, {}, "{\"title\":");
  EXPECT_EQ(malformed.status, 400);
  // Huge bodies: a 2 MiB JSON document, a PDF over contracts.max_document_mb (set to 1 here).
  std::string huge = "{\"title\":\"" + std::string(2 << 20, 'x') + "\"}";
  EXPECT_EQ(Call("POST", "/api/v1/contracts", nullptr, alice, {}, huge).status, 413);
  std::string big_pdf = "%PDF-1.7\n" + std::string((1 << 20) + 10, ' ');
  EXPECT_EQ(
      Call("POST", "/api/v1/documents", nullptr, alice, {"Content-Type: application/pdf"}, big_pdf)
          .status,
      413);
  EXPECT_EQ(Call("GET", "/api/v1/contracts", nullptr, alice).body["items"].size(), 0u);
  // bob cannot use alice's document.
  Reply foreign = Call("POST", "/api/v1/contracts",
                       {{"title", "x"}, {"document_id", doc}, {"parties", json::array()}}, bob);
  EXPECT_EQ(foreign.status, 404);

  // Rejection ends the contract.
  Reply c1 = make(json::object());
  ASSERT_EQ(c1.status, 201) << c1.raw;
  std::string id1 = c1.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/contracts/" + id1 + "/send", nullptr, alice).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id1 + "/reject", {{"reason", ""}}, bob).status,
            400);
  Reply rej = Call("POST", "/api/v1/contracts/" + id1 + "/reject", {{"reason", "价格不对"}}, bob);
  ASSERT_EQ(rej.status, 200) << rej.raw;
  EXPECT_EQ(rej.body["state"], "rejected");
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id1 + "/intent",
                 {{"method", "password"}, {"password", kCanaryPassword}}, alice)
                .status,
            422);

  // Revocation by the creator only.
  Reply c2 = make(json::object());
  std::string id2 = c2.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/contracts/" + id2 + "/send", nullptr, alice).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id2 + "/revoke", {{"reason", "x"}}, bob).status,
            403);
  Reply rev = Call("POST", "/api/v1/contracts/" + id2 + "/revoke", {{"reason", "作废"}}, alice);
  ASSERT_EQ(rev.status, 200) << rev.raw;
  EXPECT_EQ(rev.body["state"], "revoked");
  EXPECT_EQ(
      Call("POST", "/api/v1/contracts/" + id2 + "/revoke", {{"reason", "again"}}, alice).status,
      422);
  // An intent for one contract does not sign another.
  Reply c3 = make(json::object());
  std::string id3 = c3.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/contracts/" + id3 + "/send", nullptr, alice).status, 200);
  Reply c4 = make(json::object());
  std::string id4 = c4.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/contracts/" + id4 + "/send", nullptr, alice).status, 200);
  std::string t3 = Intent(id3, bob);
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id4 + "/sign",
                 {{"intent_token", t3},
                  {"appearance", {{"kind", "handwritten"}, {"image_png", HandwrittenPng()}}}},
                 bob)
                .status,
            403);
  // A person cannot use an organisation seal on their own behalf.
  std::string t4 = Intent(id4, bob);
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id4 + "/sign",
                 {{"intent_token", t4}, {"appearance", {{"kind", "seal"}}}}, bob)
                .status,
            400);
  // awaiting=me lists what waits for the caller.
  Reply waiting = Call("GET", "/api/v1/contracts?awaiting=me", nullptr, bob);
  ASSERT_EQ(waiting.status, 200) << waiting.raw;
  EXPECT_EQ(waiting.body["items"].size(), 2u) << waiting.raw;
}

// kill -9 during a burst of signings: every signing the server acknowledged is there after a
// restart and verifies, the others are either complete or untouched, and the evidence log's
// tree head from before the crash is consistent with the one after.
TEST_F(ContractApiTest, CrashDuringABurstOfSigningsLosesNothingAcknowledged) {
  StartInstance("sm2", false, nullptr, "\n[evidence]\nsth_interval_seconds = 1\n");
  std::string alice = VerifiedPerson("张三", "alice@example.cn", kCanaryId);
  std::string alice_id = Call("GET", "/api/v1/me", nullptr, alice).body["id"];
  constexpr int kContracts = 16;
  std::vector<std::string> ids, tokens;
  for (int i = 0; i < kContracts; ++i) {
    std::string doc = UploadPdf(alice);
    Reply c = Call("POST", "/api/v1/contracts",
                   {{"title", "批量合同 " + std::to_string(i)},
                    {"document_id", doc},
                    {"flow", "single"},
                    {"parties",
                     {{{"person_id", alice_id},
                       {"page", 1},
                       {"x", 50},
                       {"y", 50},
                       {"width", 120},
                       {"height", 60}}}}},
                   alice);
    ASSERT_EQ(c.status, 201) << c.raw;
    ids.push_back(c.body["id"]);
    ASSERT_EQ(Call("POST", "/api/v1/contracts/" + ids.back() + "/send", nullptr, alice).status,
              200);
    tokens.push_back(Intent(ids.back(), alice));
  }
  // The head from before the crash.
  Reply before;
  for (int i = 0; i < 100; ++i) {
    before = Call("GET", "/api/v1/evidence/sth");
    if (before.status == 200 && before.body.value("tree_size", 0) >= 2 * kContracts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(before.status, 200) << before.raw;
  tmp_.Write("before.json", before.raw);

  // The burst: every signing on its own connection; the server is killed half-way.
  std::string png = HandwrittenPng();
  std::vector<int> status(kContracts, 0);
  std::vector<std::thread> burst;
  std::atomic<int> done{0};
  for (int i = 0; i < kContracts; ++i) {
    burst.emplace_back([&, i] {
      json body = {{"intent_token", tokens[static_cast<size_t>(i)]},
                   {"appearance", {{"kind", "handwritten"}, {"image_png", png}}}};
      auto r = RunCommand({"curl", "-s", "--max-time", "60", "-o", "/dev/null", "-w",
                           "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
                           "-H", "Authorization: Bearer " + alice, "--data-binary", "@-",
                           base_ + "/api/v1/contracts/" + ids[static_cast<size_t>(i)] + "/sign"},
                          body.dump());
      status[static_cast<size_t>(i)] = std::atoi(r.out.c_str());
      ++done;
    });
  }
  while (done < kContracts / 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Kill();
  for (auto& t : burst) t.join();
  int acknowledged = 0;
  for (int s : status) acknowledged += s == 200;
  EXPECT_GE(acknowledged, kContracts / 3);
  EXPECT_LT(acknowledged, kContracts) << "the server was killed after the burst";

  // Restart on the same data.
  int port = std::atoi(base_.substr(base_.rfind(':') + 1).c_str());
  server_ = std::make_unique<testing::ServerProcess>(dir_, port, tmp_.File("serve2.log"));
  ASSERT_TRUE(server_->running());
  for (int i = 0; i < kContracts; ++i) {
    Reply c = Call("GET", "/api/v1/contracts/" + ids[static_cast<size_t>(i)], nullptr, alice);
    ASSERT_EQ(c.status, 200) << c.raw;
    std::string state = c.body["state"];
    if (status[static_cast<size_t>(i)] == 200) {
      EXPECT_EQ(state, "completed") << "acknowledged signing " << i << " was lost";
    } else {
      EXPECT_TRUE(state == "completed" || state == "sent") << state;
    }
    if (state != "completed") continue;
    Reply pdf = Call("GET", "/api/v1/contracts/" + ids[static_cast<size_t>(i)] + "/document",
                     nullptr, alice);
    ASSERT_EQ(pdf.status, 200);
    tmp_.Write("signed.pdf", pdf.raw);
    auto v = RunCommand(
        {testing::HetongBinary(), "verify", tmp_.File("signed.pdf"), "--data", dir_, "--offline"});
    EXPECT_EQ(v.exit_code, 0) << i << ": " << v.out << v.err;
  }
  // The log after the restart extends the head from before the crash.
  Reply after;
  uint64_t first = before.body["tree_size"];
  for (int i = 0; i < 100; ++i) {
    after = Call("GET", "/api/v1/evidence/sth");
    if (after.status == 200 && after.body.value("tree_size", uint64_t{0}) > first) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(after.status, 200) << after.raw;
  uint64_t second = after.body["tree_size"];
  ASSERT_GT(second, first);
  Reply proof = Call("GET", "/api/v1/evidence/proofs/consistency?first=" + std::to_string(first) +
                                "&second=" + std::to_string(second));
  ASSERT_EQ(proof.status, 200) << proof.raw;
  tmp_.Write("after.json", after.raw);
  tmp_.Write("proof.json", proof.raw);
  auto consistent = RunCommand({testing::HetongBinary(), "evidence", "verify-consistency", "--old",
                                tmp_.File("before.json"), "--new", tmp_.File("after.json"),
                                "--proof", tmp_.File("proof.json")});
  EXPECT_EQ(consistent.exit_code, 0) << consistent.out << consistent.err;
}

// Roles and tenants on the contract, seal, webhook and archive endpoints; encrypted archiving.
TEST_F(ContractApiTest, RolesTenantsAndEncryptedArchiving) {
  StartInstance("sm2");
  std::string a_admin = VerifiedPerson("甲管理员", "a-admin@example.cn", kCanaryId);
  std::string a_viewer = VerifiedPerson("甲观察员", "a-viewer@example.cn", "440524188001010014");
  std::string b_admin = VerifiedPerson("乙管理员", "b-admin@example.cn", "110105198001010016");
  std::string a_admin_id = Call("GET", "/api/v1/me", nullptr, a_admin).body["id"];
  auto make_org = [&](const std::string& token, const std::string& name, const std::string& code) {
    Reply org =
        Call("POST", "/api/v1/orgs",
             {{"name", name}, {"credit_code", code}, {"legal_representative", "法人"}}, token);
    EXPECT_EQ(org.status, 201) << org.raw;
    std::string id = org.body["id"];
    EXPECT_EQ(Call("POST", "/api/v1/identity/verifications",
                   {{"provider", "sandbox"}, {"account_id", id}}, token)
                  .status,
              201);
    return id;
  };
  std::string org_a = make_org(a_admin, "甲有限公司", "91350100M000100Y43");
  std::string org_b = make_org(b_admin, "乙有限公司", "91110000600037341L");
  ASSERT_EQ(Call("POST", "/api/v1/orgs/" + org_a + "/members",
                 {{"email", "a-viewer@example.cn"}, {"role", "viewer"}}, a_admin)
                .status,
            201);

  // Encrypted archiving for org A: the stored bytes are not the PDF, downloads are.
  EXPECT_EQ(
      Call("PUT", "/api/v1/orgs/" + org_a + "/archive", {{"encrypted", true}}, a_viewer).status,
      403);
  EXPECT_EQ(
      Call("PUT", "/api/v1/orgs/" + org_a + "/archive", {{"encrypted", true}}, b_admin).status,
      404);
  Reply on = Call("PUT", "/api/v1/orgs/" + org_a + "/archive", {{"encrypted", true}}, a_admin);
  ASSERT_EQ(on.status, 200) << on.raw;
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_a + "/archive", nullptr, a_viewer).body["encrypted"],
            true);
  std::string doc = UploadPdf(a_admin, org_a);
  EXPECT_EQ(Call("POST", "/api/v1/documents?org_id=" + org_a, nullptr, a_viewer,
                 {"Content-Type: application/pdf"}, "%PDF-1.7")
                .status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/documents?org_id=" + org_a, nullptr, b_admin,
                 {"Content-Type: application/pdf"}, "%PDF-1.7")
                .status,
            404);
  Reply c = Call("POST", "/api/v1/contracts",
                 {{"title", "甲方内部合同"},
                  {"document_id", doc},
                  {"org_id", org_a},
                  {"flow", "single"},
                  {"parties",
                   {{{"person_id", a_admin_id},
                     {"page", 1},
                     {"x", 50},
                     {"y", 50},
                     {"width", 120},
                     {"height", 60}}}}},
                 a_admin);
  ASSERT_EQ(c.status, 201) << c.raw;
  std::string id = c.body["id"];
  EXPECT_TRUE(c.body["encrypted_at_rest"].get<bool>());
  // No stored blob holds the PDF in the clear.
  auto grep = RunCommand({"grep", "-rl", "--", "%PDF-", dir_ + "/blobs"});
  EXPECT_TRUE(grep.out.empty()) << grep.out;
  Reply pdf = Call("GET", "/api/v1/contracts/" + id + "/document", nullptr, a_viewer);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.raw.rfind("%PDF-", 0), 0u);

  // The other tenant sees and does nothing.
  Reply seal = Call("POST", "/api/v1/orgs/" + org_a + "/seals", {{"kind", "company"}}, a_admin);
  ASSERT_EQ(seal.status, 201) << seal.raw;
  std::string seal_id = seal.body["id"];
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/contracts/" + id},
           {"GET", "/api/v1/contracts/" + id + "/document"},
           {"GET", "/api/v1/contracts/" + id + "/events"},
           {"GET", "/api/v1/contracts/" + id + "/evidence"},
           {"POST", "/api/v1/contracts/" + id + "/send"},
           {"POST", "/api/v1/contracts/" + id + "/revoke"},
           {"GET", "/api/v1/orgs/" + org_a + "/statistics"},
           {"GET", "/api/v1/orgs/" + org_a + "/seals"},
           {"GET", "/api/v1/seals/" + seal_id},
           {"GET", "/api/v1/seals/" + seal_id + "/image"},
           {"GET", "/api/v1/seals/" + seal_id + "/usage"},
           {"GET", "/api/v1/orgs/" + org_a + "/grants"},
           {"GET", "/api/v1/orgs/" + org_a + "/webhooks"}}) {
    json body = method == "POST" ? json{{"reason", "x"}} : json(nullptr);
    if (path.ends_with("/send")) body = nullptr;
    EXPECT_EQ(Call(method, path, body, b_admin).status, 404) << method << " " << path;
  }
  EXPECT_EQ(Call("POST", "/api/v1/seals/" + seal_id + "/status",
                 {{"status", "revoked"}, {"reason", "x"}}, b_admin)
                .status,
            404);
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_a + "/webhooks",
                 {{"url", "https://example.com/hook"}}, b_admin)
                .status,
            404);
  // Nor grants: b's admin cannot grant himself A's seal or revoke A's grants.
  std::string b_admin_id = Call("GET", "/api/v1/me", nullptr, b_admin).body["id"];
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_a + "/grants", {{"person_id", b_admin_id}}, b_admin)
                .status,
            404);
  Reply a_grant =
      Call("POST", "/api/v1/orgs/" + org_a + "/grants", {{"person_id", a_admin_id}}, a_admin);
  ASSERT_EQ(a_grant.status, 201) << a_grant.raw;
  EXPECT_EQ(
      Call("DELETE", "/api/v1/orgs/" + org_a + "/grants/" + a_grant.body["id"].get<std::string>(),
           nullptr, b_admin)
          .status,
      404);
  EXPECT_EQ(
      Call("PUT",
           "/api/v1/orgs/" + org_a + "/grants/" + a_grant.body["id"].get<std::string>() + "/seals",
           {{"seal_ids", json::array({seal_id})}}, b_admin)
          .status,
      404);
  // A viewer of A reads but does not manage.
  EXPECT_EQ(Call("GET", "/api/v1/contracts/" + id, nullptr, a_viewer).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/" + org_a + "/statistics", nullptr, a_viewer).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/contracts/" + id + "/revoke", {{"reason", "x"}}, a_viewer).status,
            403);
  EXPECT_EQ(
      Call("POST", "/api/v1/orgs/" + org_a + "/seals", {{"kind", "company"}}, a_viewer).status,
      403);
  EXPECT_EQ(Call("POST", "/api/v1/orgs/" + org_a + "/webhooks",
                 {{"url", "https://example.com/hook"}}, a_viewer)
                .status,
            403);
  // The admin of A manages: revokes the draft.
  EXPECT_EQ(
      Call("POST", "/api/v1/contracts/" + id + "/revoke", {{"reason", "作废"}}, a_admin).status,
      200);
}

// Invitations by email through a real SMTP exchange (a sink on loopback), single use; the
// organisation's webhook gets the contract's events, signed with HMAC-SM3 (checked with the
// openssl command line).
TEST_F(ContractApiTest, InvitationEmailsAndSignedWebhooks) {
  testing::SmtpSink smtp;
  testing::HttpSink hooks;
  StartInstance("sm2", false, nullptr,
                "\n[smtp]\nhost = 127.0.0.1\nport = " + std::to_string(smtp.port()) +
                    "\ntls = none\nfrom = noreply@hetong.test\n[notify]\npoll_seconds = 1\n"
                    "webhook_allow_private = true\n");
  std::string alice = VerifiedPerson("张三", "alice@example.cn", kCanaryId);
  std::string bob = VerifiedPerson("李四", "bob@example.cn", "440524188001010014");
  std::string bob_id = Call("GET", "/api/v1/me", nullptr, bob).body["id"];
  Reply org = Call("POST", "/api/v1/orgs",
                   {{"name", "某某科技有限公司"},
                    {"credit_code", "91350100M000100Y43"},
                    {"legal_representative", "李四"}},
                   bob);
  ASSERT_EQ(org.status, 201) << org.raw;
  std::string org_id = org.body["id"];
  Reply hook = Call("POST", "/api/v1/orgs/" + org_id + "/webhooks", {{"url", hooks.url()}}, bob);
  ASSERT_EQ(hook.status, 201) << hook.raw;
  EXPECT_NE(hook.headers.find("cache-control: no-store"), std::string::npos);
  std::string secret = hook.body["secret"];

  std::string doc = UploadPdf(alice);
  Reply c = Call("POST", "/api/v1/contracts",
                 {{"title", "服务合同"},
                  {"document_id", doc},
                  {"flow", "single"},
                  {"parties",
                   {{{"person_id", bob_id},
                     {"org_id", org_id},
                     {"page", 1},
                     {"x", 50},
                     {"y", 50},
                     {"width", 120},
                     {"height", 60}}}}},
                 alice);
  ASSERT_EQ(c.status, 201) << c.raw;
  std::string id = c.body["id"];
  ASSERT_EQ(Call("POST", "/api/v1/contracts/" + id + "/send", nullptr, alice).status, 200);

  // The invitation arrives by SMTP with a single-use link.
  ASSERT_TRUE(smtp.WaitForMessages(1, std::chrono::seconds(20)));
  auto mail = smtp.messages().front();
  EXPECT_EQ(mail.to, std::vector<std::string>{"bob@example.cn"});
  std::string data = mail.data;
  // The body is base64 (UTF-8 text): decode the part after the blank line.
  std::string b64 = data.substr(data.find("\r\n\r\n") + 4);
  std::string clean;
  for (char ch : b64) {
    if (ch != '\r' && ch != '\n') clean += ch;
  }
  auto body = base::Base64Decode(clean);
  ASSERT_TRUE(body.ok()) << data;
  std::string text(body->begin(), body->end());
  std::string marker = "/sign/" + id + "?invitation=";
  size_t at = text.find(marker);
  ASSERT_NE(at, std::string::npos) << text;
  std::string token = text.substr(at + marker.size());
  token = token.substr(0, token.find_first_of("\r\n \t"));
  EXPECT_EQ(token.size(), 43u) << token;
  EXPECT_EQ(Call("POST", "/api/v1/invitations/accept", {{"token", token}}, alice).status, 403);
  Reply bad = Call("POST", "/api/v1/invitations/accept", {{"token", "nope"}}, bob);
  EXPECT_EQ(bad.status, 404);
  // alice used it up (a link that reached the wrong person is spent).
  EXPECT_EQ(Call("POST", "/api/v1/invitations/accept", {{"token", token}}, bob).status, 404);

  // The webhook received contract.created and contract.sent, signed.
  ASSERT_TRUE(hooks.WaitForRequests(2, std::chrono::seconds(30)));
  std::vector<std::string> types;
  for (const auto& r : hooks.requests()) {
    json event = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(event.is_discarded()) << r.body;
    types.push_back(event.value("type", ""));
    EXPECT_EQ(event["data"]["contract_id"], id);
    std::string sig = r.headers.at("hetong-signature");
    std::string t = sig.substr(2, sig.find(',') - 2);
    std::string mac = sig.substr(sig.find("hmac-sm3=") + 9);
    auto check = RunCommand(
        {"openssl", "mac", "-digest", "SM3", "-macopt", "key:" + secret, "HMAC"}, t + "." + r.body);
    std::string expected = check.out.substr(0, 64);
    for (auto& ch : expected) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(mac, expected) << sig;
  }
  EXPECT_NE(std::find(types.begin(), types.end(), "contract.sent"), types.end());
  Reply deliveries = Call(
      "GET",
      "/api/v1/orgs/" + org_id + "/webhooks/" + hook.body["id"].get<std::string>() + "/deliveries",
      nullptr, bob);
  ASSERT_EQ(deliveries.status, 200) << deliveries.raw;
  EXPECT_GE(deliveries.body["items"].size(), 2u);
}

}  // namespace
}  // namespace hetong
