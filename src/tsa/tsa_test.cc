#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "crypto/cms.h"
#include "crypto/oids.h"
#include "pki/oids.h"
#include "pki/test_ca.h"
#include "tsa/authority.h"
#include "tsa/client.h"
#include "tsa/memory_token_log.h"

namespace hetong::tsa {
namespace {

using pki::testing::Issue;
using pki::testing::TestKey;
using tsa::testing::MemoryTokenLog;

class TsaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [family, spec] :
         {std::pair{"sm2", crypto::KeySpec::kSm2}, std::pair{"rsa", crypto::KeySpec::kRsa2048}}) {
      auto root = std::make_unique<TestKey>(
          Issue(spec, pki::Profile::kRoot, std::string(family) + " root", nullptr, clock_));
      auto ca = std::make_unique<TestKey>(
          Issue(spec, pki::Profile::kIssuingCa, std::string(family) + " ca", root.get(), clock_));
      auto tsa = std::make_unique<TestKey>(
          Issue(spec, pki::Profile::kTsa, std::string(family) + " TSA", ca.get(), clock_));
      anchors_.push_back(root->cert);
      intermediates_.push_back(ca->cert);
      signers_.push_back(TsaSigner{family, tsa->cert,
                                   std::shared_ptr<const crypto::Signer>(std::move(tsa->signer))});
      keys_.push_back(std::move(root));
      keys_.push_back(std::move(ca));
      keys_.push_back(std::move(tsa));
    }
    clock_.Advance(std::chrono::minutes(5));
    auto t = TimeStampAuthority::Create(TsaSettings{}, signers_, log_, clock_);
    ASSERT_TRUE(t.ok()) << t.status();
    tsa_ = std::move(*t);
  }
  pki::TimestampVerifyOptions VerifyOpts() {
    pki::TimestampVerifyOptions o;
    o.anchors = anchors_;
    o.intermediates = intermediates_;
    return o;
  }
  pki::TimeStampRequest Req(crypto::HashAlgorithm alg, std::string_view data) {
    pki::TimeStampRequest r = *MakeRequest(alg, crypto::Hash(alg, AsBytes(data)), rng_);
    return r;
  }

  base::FakeClock clock_{base::FromUnixSeconds(1795708450)};
  crypto::SystemRng rng_;
  std::vector<std::unique_ptr<TestKey>> keys_;
  std::vector<pki::Certificate> anchors_, intermediates_;
  std::vector<TsaSigner> signers_;
  MemoryTokenLog log_;
  std::unique_ptr<TimeStampAuthority> tsa_;
};

TEST_F(TsaTest, Sm3GetsSm2AndSha256GetsRsa) {
  for (auto [alg, family] : {std::pair{crypto::HashAlgorithm::kSm3, "sm2-with-sm3"},
                             std::pair{crypto::HashAlgorithm::kSha256, "rsa-pkcs1-sha256"}}) {
    LocalTimestampSource source(*tsa_, rng_);
    Bytes digest = crypto::Hash(alg, AsBytes("contract.pdf"));
    auto token = source.Timestamp(alg, digest);
    ASSERT_TRUE(token.ok()) << token.status();
    auto check = pki::VerifyTimestampToken(*token, alg, digest, VerifyOpts());
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->valid) << check->problem;
    EXPECT_EQ(check->signature_algorithm,
              family == std::string("sm2-with-sm3") ? "sm2-sm3" : "rsa-pkcs1-sha256");
    EXPECT_EQ(check->info.gen_time, clock_.Now());
    EXPECT_EQ(check->info.policy, pki::oid::kTsaPolicy);
    EXPECT_EQ(check->info.accuracy.seconds, 1);
    EXPECT_FALSE(check->info.tsa_name_der.empty());
    // Other data: detected.
    auto other =
        pki::VerifyTimestampToken(*token, alg, crypto::Hash(alg, AsBytes("other")), VerifyOpts());
    EXPECT_FALSE(other->valid);
    EXPECT_NE(other->problem.find("other data"), std::string::npos);
    // Tampered token: rejected (malformed, or an invalid signature).
    Bytes bad = *token;
    bad[bad.size() / 2] ^= 0x01;
    auto tampered = pki::VerifyTimestampToken(bad, alg, digest, VerifyOpts());
    EXPECT_TRUE(!tampered.ok() || !tampered->valid);
  }
  EXPECT_EQ(log_.log.size(), 2u);
  EXPECT_EQ(log_.log.begin()->second.family, "sm2");
}

TEST_F(TsaTest, RejectsBadRequestsWithTheRightFailureInfo) {
  auto req = Req(crypto::HashAlgorithm::kSm3, "x");
  auto o = tsa_->Issue(req);
  EXPECT_FALSE(o.token.empty());
  auto bad_len = req;
  bad_len.imprint.hashed_message.pop_back();
  bad_len.imprint.der.clear();
  EXPECT_EQ(tsa_->Issue(bad_len).failure, pki::FailureInfo::kBadDataFormat);
  auto sha1 = Req(crypto::HashAlgorithm::kSha1, "x");
  EXPECT_EQ(tsa_->Issue(sha1).failure, pki::FailureInfo::kBadAlg);
  auto unknown = req;
  unknown.known_algorithm = false;
  EXPECT_EQ(tsa_->Issue(unknown).failure, pki::FailureInfo::kBadAlg);
  auto policy = req;
  policy.policy = "1.2.3.4";
  EXPECT_EQ(tsa_->Issue(policy).failure, pki::FailureInfo::kUnacceptedPolicy);
  auto ours = req;
  ours.policy = std::string(pki::oid::kTsaPolicy);
  EXPECT_FALSE(tsa_->Issue(ours).token.empty());
  auto ext = req;
  ext.has_extensions = true;
  EXPECT_EQ(tsa_->Issue(ext).failure, pki::FailureInfo::kUnacceptedExtension);
  // Garbage gets a DER rejection, never a crash.
  auto resp = pki::ParseTimeStampResponse(tsa_->Respond(AsBytes("garbage")));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, pki::kRejection);
  EXPECT_EQ(resp->failure, pki::FailureInfo::kBadDataFormat);
}

TEST_F(TsaTest, NonceAndCertReq) {
  auto req = Req(crypto::HashAlgorithm::kSm3, "nonce");
  req.cert_req = false;
  auto o = tsa_->Issue(req);
  auto sd = crypto::ParseCmsSignedData(o.token);
  EXPECT_TRUE(sd->certificates.empty());
  auto info = pki::ParseTstInfo(*sd->content);
  EXPECT_EQ(info->nonce, req.nonce);
  req.cert_req = true;
  auto with = crypto::ParseCmsSignedData(tsa_->Issue(req).token);
  EXPECT_EQ(with->certificates.size(), 1u);
  // A client notices a response for another nonce.
  auto other = req;
  other.nonce = Bytes{0x01, 0x02};
  Bytes resp = tsa_->Respond(pki::EncodeTimeStampRequest(other));
  auto r = TokenFromResponse(resp, req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nonce"), std::string::npos);
}

TEST_F(TsaTest, ClockGuardRefusesWhenTheClockGoesBack) {
  EXPECT_TRUE(tsa_->Health().ok());
  EXPECT_FALSE(tsa_->Issue(Req(crypto::HashAlgorithm::kSm3, "a")).token.empty());
  clock_.Advance(-std::chrono::seconds(30));
  auto o = tsa_->Issue(Req(crypto::HashAlgorithm::kSm3, "b"));
  EXPECT_TRUE(o.token.empty());
  EXPECT_EQ(o.failure, pki::FailureInfo::kTimeNotAvailable);
  EXPECT_FALSE(tsa_->Health().ok());
  EXPECT_NE(tsa_->Health().message().find("behind"), std::string::npos);
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_FALSE(tsa_->Issue(Req(crypto::HashAlgorithm::kSm3, "c")).token.empty());
  // A restarted TSA remembers the last time from its log.
  clock_.Advance(-std::chrono::seconds(10));
  auto again = TimeStampAuthority::Create(TsaSettings{}, signers_, log_, clock_);
  EXPECT_FALSE((*again)->Health().ok());
}

TEST_F(TsaTest, ConcurrentRequestsGetUniqueOrderedSerialsAndShareCommits) {
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::pair<int64_t, base::TimePoint>> seen;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      LocalTimestampSource source(*tsa_, rng_);
      for (int i = 0; i < kPerThread; ++i) {
        Bytes d = crypto::Sm3(AsBytes(std::to_string(t * 1000 + i)));
        auto token = source.Timestamp(crypto::HashAlgorithm::kSm3, d);
        if (!token.ok()) {
          ++failures;
          continue;
        }
        auto sd = crypto::ParseCmsSignedData(*token);
        auto info = pki::ParseTstInfo(*sd->content);
        std::lock_guard<std::mutex> lock(mu);
        Bytes padded = Concat(Bytes(8 - info->serial.size(), 0), info->serial);
        seen.emplace_back(static_cast<int64_t>(LoadU64Be(padded.data())), info->gen_time);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<int64_t> serials;
  for (auto& [s, t] : seen) serials.insert(s);
  EXPECT_EQ(serials.size(), seen.size());
  std::sort(seen.begin(), seen.end());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1].second, seen[i].second);
  EXPECT_EQ(log_.log.size(), seen.size());
  EXPECT_LE(log_.appends, kThreads * kPerThread);
}

TEST_F(TsaTest, LogFailureReleasesNoToken) {
  log_.fail = true;
  auto o = tsa_->Issue(Req(crypto::HashAlgorithm::kSm3, "x"));
  EXPECT_TRUE(o.token.empty());
  EXPECT_EQ(o.failure, pki::FailureInfo::kSystemFailure);
}

TEST_F(TsaTest, VerifierRejectsWrongEkuAndExpiredTsaCertificates) {
  // A token signed with a personal certificate (no timeStamping EKU).
  TestKey person =
      Issue(crypto::KeySpec::kSm2, pki::Profile::kPersonal, "not a TSA", keys_[1].get(), clock_);
  pki::TstInfo info;
  info.policy = std::string(pki::oid::kTsaPolicy);
  info.imprint.algorithm = crypto::HashAlgorithm::kSm3;
  info.imprint.hashed_message = crypto::Sm3(AsBytes("d"));
  info.serial = Bytes{1};
  info.gen_time = clock_.Now();
  crypto::CmsSignOptions opts;
  opts.oid_family = crypto::CmsOidFamily::kPkcs7;
  opts.econtent_type = std::string(crypto::oid::kTstInfo);
  auto ci = crypto::ParseCertificateInfo(person.cert.der());
  auto token = crypto::CmsSign(*person.signer, *ci, pki::EncodeTstInfo(info), opts);
  ASSERT_TRUE(token.ok());
  auto check = pki::VerifyTimestampToken(*token, crypto::HashAlgorithm::kSm3,
                                         info.imprint.hashed_message, VerifyOpts());
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->valid);
  EXPECT_EQ(check->path.error, pki::PathError::kExtendedKeyUsage);
  // A TSA certificate that expired before genTime.
  TestKey short_tsa = Issue(crypto::KeySpec::kSm2, pki::Profile::kTsa, "short TSA", keys_[1].get(),
                            clock_, std::nullopt, clock_.Now() + std::chrono::minutes(1));
  info.gen_time = clock_.Now() + std::chrono::minutes(10);
  clock_.Advance(std::chrono::minutes(10));
  auto ci2 = crypto::ParseCertificateInfo(short_tsa.cert.der());
  auto token2 = crypto::CmsSign(*short_tsa.signer, *ci2, pki::EncodeTstInfo(info), opts);
  auto check2 = pki::VerifyTimestampToken(*token2, crypto::HashAlgorithm::kSm3,
                                          info.imprint.hashed_message, VerifyOpts());
  EXPECT_FALSE(check2->valid);
  EXPECT_EQ(check2->path.error, pki::PathError::kExpired);
  // And the TSA refuses to issue with such a certificate.
  std::vector<TsaSigner> expired = {TsaSigner{
      "sm2", short_tsa.cert, std::shared_ptr<const crypto::Signer>(std::move(short_tsa.signer))}};
  auto t = TimeStampAuthority::Create(TsaSettings{}, expired, log_, clock_);
  EXPECT_EQ((*t)->Issue(Req(crypto::HashAlgorithm::kSm3, "z")).failure,
            pki::FailureInfo::kTimeNotAvailable);
  // A personal certificate is refused as a TSA signer outright.
  std::vector<TsaSigner> wrong = {TsaSigner{
      "sm2", person.cert, std::shared_ptr<const crypto::Signer>(std::move(person.signer))}};
  EXPECT_FALSE(TimeStampAuthority::Create(TsaSettings{}, wrong, log_, clock_).ok());
}

}  // namespace
}  // namespace hetong::tsa
