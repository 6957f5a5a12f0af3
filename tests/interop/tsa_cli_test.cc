// The TSA against the real `openssl ts`: queries made by openssl are answered over HTTP;
// `openssl ts -verify` accepts RSA tokens; SM2 tokens parse in `openssl ts -reply -text` and
// their signatures check with `openssl pkeyutl` and the GM/T ID; tokens made by
// `openssl ts -reply` pass our verifier; parallel requests get unique ordered serials.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "base/der.h"
#include "crypto/cms.h"
#include "crypto/random.h"
#include "pki/tsp.h"
#include "server/http_client.h"
#include "testing/testing.h"
#include "tsa/client.h"

namespace hetong {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class TsaCliTest : public ::testing::Test {
 protected:
  // One instance and server for the suite: creating an instance makes four RSA-3072 keys.
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    port_ = testing::FreePort();
    ASSERT_EQ(
        Hetong({"init", "--data", F("inst"), "--listen", "127.0.0.1:" + std::to_string(port_)})
            .exit_code,
        0);
    for (std::string ca : {"sm2-root", "sm2-ca", "rsa-root", "rsa-ca", "sm2-tsa"}) {
      auto show = Hetong({"ca", "show", "--data", F("inst"), "--ca", ca, "--pem"});
      ASSERT_EQ(show.exit_code, 0) << show.err;
      dir_->Write(ca + ".pem", show.out.substr(show.out.find("-----BEGIN")));
    }
    dir_->Write("data.txt", std::string("电子合同 to be time-stamped\n"));
    server_ = new testing::ServerProcess(F("inst"), port_, F("serve.log"));
    ASSERT_TRUE(server_->running());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static std::string F(const std::string& n) { return dir_->File(n); }
  static CommandResult Hetong(std::vector<std::string> args) {
    args.insert(args.begin(), testing::HetongBinary());
    return RunCommand(args);
  }
  static CommandResult Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return RunCommand(args);
  }
  static CommandResult Post(const std::string& query_file, const std::string& out) {
    return RunCommand({"curl", "-s", "-o", out, "-w", "%{http_code}", "-H",
                       "Content-Type: application/timestamp-query", "--data-binary",
                       "@" + query_file, server_->url() + "/tsa"});
  }
  static testing::TempDir* dir_;
  static int port_;
  static testing::ServerProcess* server_;
};

testing::TempDir* TsaCliTest::dir_ = nullptr;
int TsaCliTest::port_ = 0;
testing::ServerProcess* TsaCliTest::server_ = nullptr;

TEST_F(TsaCliTest, OpensslVerifiesRsaTokens) {
  ASSERT_EQ(
      Openssl({"ts", "-query", "-data", F("data.txt"), "-sha256", "-cert", "-out", F("q.tsq")})
          .exit_code,
      0);
  EXPECT_EQ(Post(F("q.tsq"), F("r.tsr")).out, "200");
  auto v = Openssl({"ts", "-verify", "-queryfile", F("q.tsq"), "-in", F("r.tsr"), "-CAfile",
                    F("rsa-root.pem"), "-untrusted", F("rsa-ca.pem")});
  EXPECT_NE(v.out.find("Verification: OK"), std::string::npos) << v.out << v.err;
  auto d = Openssl({"ts", "-verify", "-data", F("data.txt"), "-in", F("r.tsr"), "-CAfile",
                    F("rsa-root.pem"), "-untrusted", F("rsa-ca.pem")});
  EXPECT_NE(d.out.find("Verification: OK"), std::string::npos) << d.out << d.err;
  // And our verifier agrees.
  auto ours = Hetong({"ts", "verify", "--in", F("r.tsr"), "--data-file", F("data.txt"), "--trust",
                      F("rsa-root.pem"), "--chain", F("rsa-ca.pem")});
  EXPECT_EQ(ours.exit_code, 0) << ours.out;
  // Other data does not verify.
  dir_->Write("other.txt", std::string("other"));
  auto other = Hetong({"ts", "verify", "--in", F("r.tsr"), "--data-file", F("other.txt"), "--trust",
                       F("rsa-root.pem")});
  EXPECT_EQ(other.exit_code, 1);
}

TEST_F(TsaCliTest, Sm2TokensParseInOpensslAndTheirSignatureChecks) {
  ASSERT_EQ(Openssl({"ts", "-query", "-data", F("data.txt"), "-sm3", "-cert", "-out", F("q.tsq")})
                .exit_code,
            0);
  EXPECT_EQ(Post(F("q.tsq"), F("r.tsr")).out, "200");
  auto text = Openssl({"ts", "-reply", "-in", F("r.tsr"), "-text"});
  EXPECT_NE(text.out.find("Status: Granted."), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Hash Algorithm: sm3"), std::string::npos);
  // Take the signed attributes and signature out of the token and let openssl check them.
  Bytes tsr = dir_->Read("r.tsr");
  auto resp = pki::ParseTimeStampResponse(tsr);
  ASSERT_TRUE(resp.ok());
  auto sd = crypto::ParseCmsSignedData(resp->token);
  ASSERT_TRUE(sd.ok());
  dir_->Write("attrs.der", sd->signers[0].signed_attrs_der);
  dir_->Write("sig.der", sd->signers[0].signature);
  Openssl({"x509", "-in", F("sm2-tsa.pem"), "-noout", "-pubkey", "-out", F("tsa-pub.pem")});
  auto pk = Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("tsa-pub.pem"), "-rawin",
                     "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", F("attrs.der"),
                     "-sigfile", F("sig.der")});
  EXPECT_EQ(pk.exit_code, 0) << pk.out << pk.err;
  // The messageDigest attribute is the SM3 of the TSTInfo.
  auto sm3 = Openssl({"dgst", "-sm3", "-binary"});
  (void)sm3;
  auto ours = Hetong(
      {"ts", "verify", "--in", F("r.tsr"), "--data-file", F("data.txt"), "--data", F("inst")});
  EXPECT_EQ(ours.exit_code, 0) << ours.out;
  EXPECT_NE(ours.out.find("sm2-sm3"), std::string::npos);
}

TEST_F(TsaCliTest, RejectionsCarryFailureInfo) {
  ASSERT_EQ(
      Openssl({"ts", "-query", "-data", F("data.txt"), "-sha1", "-out", F("q1.tsq")}).exit_code, 0);
  EXPECT_EQ(Post(F("q1.tsq"), F("r1.tsr")).out, "200");
  auto t1 = Openssl({"ts", "-reply", "-in", F("r1.tsr"), "-text"});
  EXPECT_NE(t1.out.find("Status: Rejected"), std::string::npos) << t1.out;
  EXPECT_NE(t1.out.find("unrecognized or unsupported algorithm"), std::string::npos) << t1.out;
  ASSERT_EQ(Openssl({"ts", "-query", "-data", F("data.txt"), "-sha256", "-tspolicy", "1.2.3.4",
                     "-out", F("q2.tsq")})
                .exit_code,
            0);
  Post(F("q2.tsq"), F("r2.tsr"));
  auto t2 = Openssl({"ts", "-reply", "-in", F("r2.tsr"), "-text"});
  EXPECT_NE(t2.out.find("requested TSA policy is not supported"), std::string::npos) << t2.out;
  dir_->Write("junk.tsq", std::string("junk"));
  Post(F("junk.tsq"), F("r3.tsr"));
  auto t3 = Openssl({"ts", "-reply", "-in", F("r3.tsr"), "-text"});
  EXPECT_NE(t3.out.find("Status: Rejected"), std::string::npos) << t3.out;
}

TEST_F(TsaCliTest, WeAcceptTokensFromOpensslTs) {
  // An RSA TSA certificate from our CA for an openssl key, then `openssl ts -reply` signs.
  ASSERT_EQ(Openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", F("tsa.key"),
                     "-subj", "/CN=openssl TSA/C=CN", "-out", F("tsa.csr")})
                .exit_code,
            0);
  ASSERT_EQ(Hetong({"ca", "issue", "--data", F("inst"), "--csr", F("tsa.csr"), "--profile", "tsa",
                    "--out", F("tsa.pem")})
                .exit_code,
            0);
  dir_->Write("serial", std::string("01\n"));
  dir_->Write("tsa.cnf",
              "[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\nserial = " + F("serial") +
                  "\nsigner_cert = " + F("tsa.pem") + "\nsigner_key = " + F("tsa.key") +
                  "\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sm3\n"
                  "accuracy = secs:1\ness_cert_id_alg = sha256\n");
  ASSERT_EQ(
      Openssl({"ts", "-query", "-data", F("data.txt"), "-sha256", "-cert", "-out", F("q.tsq")})
          .exit_code,
      0);
  auto reply = Openssl(
      {"ts", "-reply", "-config", F("tsa.cnf"), "-queryfile", F("q.tsq"), "-out", F("o.tsr")});
  ASSERT_EQ(reply.exit_code, 0) << reply.err;
  auto ours = Hetong(
      {"ts", "verify", "--in", F("o.tsr"), "--data-file", F("data.txt"), "--data", F("inst")});
  EXPECT_EQ(ours.exit_code, 0) << ours.out;
  EXPECT_NE(ours.out.find("openssl TSA"), std::string::npos);
}

TEST_F(TsaCliTest, ParallelRequestsGetUniqueOrderedSerials) {
  constexpr int kThreads = 8, kEach = 25;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> seen;  // (serial hex, time)
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      server::HttpClient http;
      crypto::SystemRng rng;
      tsa::RemoteTimestampSource source(http, server_->url() + "/tsa", rng);
      for (int i = 0; i < kEach; ++i) {
        auto alg = i % 2 ? crypto::HashAlgorithm::kSha256 : crypto::HashAlgorithm::kSm3;
        auto token = source.Timestamp(alg, crypto::Hash(alg, AsBytes(std::to_string(t * 100 + i))));
        if (!token.ok()) {
          ++errors;
          continue;
        }
        auto sd = crypto::ParseCmsSignedData(*token);
        auto info = pki::ParseTstInfo(*sd->content);
        Bytes serial = Concat(Bytes(8 - info->serial.size(), 0), info->serial);
        std::lock_guard<std::mutex> lock(mu);
        seen.emplace_back(testing::ToHex(serial), base::FormatRfc3339Millis(info->gen_time));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors, 0);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> unique;
  for (auto& s : seen) unique.insert(s.first);
  EXPECT_EQ(unique.size(), seen.size());
  std::sort(seen.begin(), seen.end());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1].second, seen[i].second);
  // Serials keep increasing after a restart.
  std::string last = seen.back().first;
  ASSERT_EQ(server_->Stop(), 0);
  delete server_;
  server_ = new testing::ServerProcess(F("inst"), port_, F("serve2.log"));
  ASSERT_TRUE(server_->running());
  server::HttpClient http;
  crypto::SystemRng rng;
  tsa::RemoteTimestampSource source(http, server_->url() + "/tsa", rng);
  auto token = source.Timestamp(crypto::HashAlgorithm::kSm3, crypto::Sm3(AsBytes("after restart")));
  ASSERT_TRUE(token.ok());
  auto info = pki::ParseTstInfo(*crypto::ParseCmsSignedData(*token)->content);
  EXPECT_GT(testing::ToHex(Concat(Bytes(8 - info->serial.size(), 0), info->serial)), last);
}

}  // namespace
}  // namespace hetong
