#include "pki/path.h"

#include <gtest/gtest.h>

#include "pki/test_ca.h"

namespace hetong::pki {
namespace {

using crypto::KeySpec;
using testing::Issue;
using testing::TestKey;

class FakeChecker : public RevocationChecker {
 public:
  std::optional<base::TimePoint> revoked_at;
  bool unknown = false;
  int calls = 0;
  RevocationCheck Check(const Certificate&, const Certificate&, base::TimePoint) override {
    ++calls;
    RevocationCheck r;
    if (unknown) {
      r.detail = "no response";
      return r;
    }
    r.source = "crl";
    if (revoked_at) {
      r.state = RevocationCheck::State::kRevoked;
      r.revoked_at = revoked_at;
      r.reason = 1;
    } else {
      r.state = RevocationCheck::State::kGood;
    }
    return r;
  }
};

class PathTest : public ::testing::TestWithParam<KeySpec> {
 protected:
  void SetUp() override {
    root_ = std::make_unique<TestKey>(Issue(GetParam(), Profile::kRoot, "Root", nullptr, clock_));
    ca_ = std::make_unique<TestKey>(
        Issue(GetParam(), Profile::kIssuingCa, "CA", root_.get(), clock_));
    ee_ =
        std::make_unique<TestKey>(Issue(GetParam(), Profile::kPersonal, "张三", ca_.get(), clock_));
  }
  ValidationResult Validate(const Certificate& target, std::vector<Certificate> inter,
                            KeyPurpose purpose, base::TimePoint t) {
    ValidationOptions o;
    o.time = t;
    o.purpose = purpose;
    return ValidatePath(target, inter, {root_->cert}, o);
  }
  base::FakeClock clock_{base::FromUnixSeconds(1795708450)};
  std::unique_ptr<TestKey> root_, ca_, ee_;
};

TEST_P(PathTest, ValidChainAndTimes) {
  auto r = Validate(ee_->cert, {ca_->cert}, KeyPurpose::kDocumentSigning, clock_.Now());
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(r.chain.size(), 3u);
  EXPECT_EQ(r.chain[2].der(), root_->cert.der());
  // At a time before issuance / after expiry.
  auto early =
      Validate(ee_->cert, {ca_->cert}, KeyPurpose::kAny, clock_.Now() - std::chrono::hours(1));
  EXPECT_EQ(early.error, PathError::kNotYetValid);
  EXPECT_EQ(early.depth, 0);
  auto late = Validate(ee_->cert, {ca_->cert}, KeyPurpose::kAny,
                       clock_.Now() + std::chrono::hours(24 * 400));
  EXPECT_EQ(late.error, PathError::kExpired);
  EXPECT_NE(late.message.find("张三"), std::string::npos);
}

TEST_P(PathTest, MissingOrWrongIssuer) {
  auto r = Validate(ee_->cert, {}, KeyPurpose::kAny, clock_.Now());
  EXPECT_EQ(r.error, PathError::kNoChain);
  EXPECT_NE(r.message.find("CA"), std::string::npos);
  // Another CA with the same name but a different key: the signature fails.
  TestKey impostor = Issue(GetParam(), Profile::kIssuingCa, "CA", root_.get(), clock_);
  auto bad = Validate(ee_->cert, {impostor.cert}, KeyPurpose::kAny, clock_.Now());
  EXPECT_NE(bad.error, PathError::kOk);
  // Untrusted root.
  TestKey other_root = Issue(GetParam(), Profile::kRoot, "Other Root", nullptr, clock_);
  ValidationOptions o;
  o.time = clock_.Now();
  EXPECT_EQ(ValidatePath(ee_->cert, {ca_->cert}, {other_root.cert}, o).error, PathError::kNoChain);
}

TEST_P(PathTest, BrokenSignature) {
  Bytes der = ee_->cert.der();
  der[der.size() - 10] ^= 0x01;  // inside the signature value
  auto broken = Certificate::Parse(der);
  ASSERT_TRUE(broken.ok());
  auto r = Validate(*broken, {ca_->cert}, KeyPurpose::kAny, clock_.Now());
  EXPECT_EQ(r.error, PathError::kBadSignature);
  EXPECT_EQ(r.depth, 0);
}

TEST_P(PathTest, PurposeChecks) {
  TestKey tsa = Issue(GetParam(), Profile::kTsa, "TSA", ca_.get(), clock_);
  EXPECT_TRUE(Validate(tsa.cert, {ca_->cert}, KeyPurpose::kTimeStamping, clock_.Now()).ok());
  EXPECT_EQ(Validate(ee_->cert, {ca_->cert}, KeyPurpose::kTimeStamping, clock_.Now()).error,
            PathError::kExtendedKeyUsage);
  EXPECT_EQ(Validate(tsa.cert, {ca_->cert}, KeyPurpose::kDocumentSigning, clock_.Now()).error,
            PathError::kExtendedKeyUsage);
  TestKey ocsp = Issue(GetParam(), Profile::kOcspSigner, "OCSP", ca_.get(), clock_);
  EXPECT_TRUE(Validate(ocsp.cert, {ca_->cert}, KeyPurpose::kOcspSigning, clock_.Now()).ok());
  EXPECT_EQ(Validate(ee_->cert, {ca_->cert}, KeyPurpose::kOcspSigning, clock_.Now()).error,
            PathError::kExtendedKeyUsage);
}

TEST_P(PathTest, NonCaIssuerAndPathLength) {
  // An end-entity certificate used as an issuer.
  TestKey fake_ca = Issue(GetParam(), Profile::kPersonal, "not a CA", ca_.get(), clock_);
  TestKey victim = Issue(GetParam(), Profile::kPersonal, "victim", &fake_ca, clock_);
  auto r = Validate(victim.cert, {ca_->cert, fake_ca.cert}, KeyPurpose::kAny, clock_.Now());
  EXPECT_EQ(r.error, PathError::kNotCa);
  EXPECT_EQ(r.depth, 1);
  // root -> CA (pathlen 0) -> sub CA -> ee: too long.
  TestKey sub = Issue(GetParam(), Profile::kIssuingCa, "Sub CA", ca_.get(), clock_);
  TestKey deep = Issue(GetParam(), Profile::kPersonal, "deep", &sub, clock_);
  auto p = Validate(deep.cert, {ca_->cert, sub.cert}, KeyPurpose::kAny, clock_.Now());
  EXPECT_EQ(p.error, PathError::kPathLength);
  EXPECT_EQ(p.depth, 2);
}

TEST_P(PathTest, RevokedBeforeOrAfterTheValidationTime) {
  FakeChecker checker;
  ValidationOptions o;
  o.time = clock_.Now() + std::chrono::hours(1);
  o.revocation = RevocationPolicy::kRequire;
  o.checker = &checker;
  EXPECT_TRUE(ValidatePath(ee_->cert, {ca_->cert}, {root_->cert}, o).ok());
  EXPECT_EQ(checker.calls, 2);                                   // end entity and CA
  checker.revoked_at = clock_.Now() + std::chrono::minutes(30);  // before the validation time
  auto r = ValidatePath(ee_->cert, {ca_->cert}, {root_->cert}, o);
  EXPECT_EQ(r.error, PathError::kRevoked);
  checker.revoked_at = clock_.Now() + std::chrono::hours(2);  // after it: still valid then
  EXPECT_TRUE(ValidatePath(ee_->cert, {ca_->cert}, {root_->cert}, o).ok());
  checker.revoked_at.reset();
  checker.unknown = true;
  EXPECT_EQ(ValidatePath(ee_->cert, {ca_->cert}, {root_->cert}, o).error,
            PathError::kRevocationUnknown);
  o.revocation = RevocationPolicy::kBestEffort;
  EXPECT_TRUE(ValidatePath(ee_->cert, {ca_->cert}, {root_->cert}, o).ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PathTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256));

}  // namespace
}  // namespace hetong::pki
