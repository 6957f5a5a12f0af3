// The CA on a real instance store: hierarchy, RA states, issuance, revocation, CRLs, service
// certificates, trust anchors.

#include <gtest/gtest.h>

#include "ca/authority.h"
#include "crypto/random.h"
#include "pki/csr.h"
#include "pki/oids.h"
#include "pki/revocation.h"
#include "store/instance.h"
#include "store/sql_repositories.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

class CaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Instance::Init(tmp_.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
    instance_ = *Instance::Open(tmp_.File("inst"));
    keys_repo_ = std::make_unique<SqlKeyRepository>(*instance_);
    ca_repo_ = std::make_unique<SqlCaRepository>(*instance_);
    device_ = std::make_unique<keycenter::SoftwareDevice>(instance_->master_key().Clone(),
                                                          crypto::DefaultRng());
    keys_ =
        std::make_unique<keycenter::KeyCenter>(*device_, *keys_repo_, clock_, crypto::DefaultRng());
    ca::CaSettings settings;
    settings.public_url = "http://127.0.0.1:8080";
    ASSERT_TRUE(ca::CertificateAuthority::Bootstrap(*keys_, *ca_repo_, settings, clock_,
                                                    crypto::DefaultRng())
                    .ok());
    auto ca =
        ca::CertificateAuthority::Open(*keys_, *ca_repo_, settings, clock_, crypto::DefaultRng());
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::move(*ca);
  }

  Bytes Csr(const crypto::PrivateKey& key, const std::string& cn, pki::SubjectAltNames san = {}) {
    pki::DistinguishedName dn;
    dn.Country("CN").CommonName(cn);
    auto csr = pki::BuildCsr(**crypto::NewSigner(key), dn, san);
    HETONG_CHECK(csr.ok());
    return *csr;
  }

  pki::ValidationResult Validate(const pki::Certificate& c, pki::RevocationChecker* checker,
                                 pki::KeyPurpose purpose = pki::KeyPurpose::kDocumentSigning) {
    pki::ValidationOptions o;
    o.time = clock_.Now();
    o.purpose = purpose;
    o.revocation = checker ? pki::RevocationPolicy::kRequire : pki::RevocationPolicy::kNone;
    o.checker = checker;
    return pki::ValidatePath(c, ca_->Intermediates(), ca_->TrustAnchors(), o);
  }

  hetong::testing::TempDir tmp_;
  base::FakeClock clock_{base::SystemClock::Get().Now()};
  std::unique_ptr<Instance> instance_;
  std::unique_ptr<SqlKeyRepository> keys_repo_;
  std::unique_ptr<SqlCaRepository> ca_repo_;
  std::unique_ptr<keycenter::SoftwareDevice> device_;
  std::unique_ptr<keycenter::KeyCenter> keys_;
  std::unique_ptr<ca::CertificateAuthority> ca_;
};

TEST_F(CaStoreTest, HierarchyHasTwoFamilies) {
  auto all = ca_->authorities();
  ASSERT_EQ(all.size(), 4u);
  auto sm2 = ca_->Find("sm2-ca");
  ASSERT_TRUE(sm2.ok());
  EXPECT_EQ(sm2->cert.public_key().type(), crypto::KeyType::kSm2);
  EXPECT_EQ(sm2->record.parent, "sm2-root");
  auto rsa = ca_->Find("rsa-root");
  EXPECT_EQ(rsa->cert.public_key().type(), crypto::KeyType::kRsa);
  EXPECT_EQ(rsa->cert.public_key().bits(), 3072);
  EXPECT_EQ(ca_->TrustAnchors().size(), 2u);
  // The CA keys are in the key center, wrapped (never in plain files).
  auto key = keys_repo_->Get(sm2->record.key_id);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ToString(ByteView(key->wrapped).first(4)), "HWK1");
  EXPECT_EQ(ca::CertificateAuthority::Bootstrap(*keys_, *ca_repo_, ca_->settings(), clock_,
                                                crypto::DefaultRng())
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_FALSE(ca_->Find("nope").ok());
}

TEST_F(CaStoreTest, RegistrationAuthorityStates) {
  auto key = *crypto::PrivateKey::Generate(crypto::KeySpec::kSm2);
  auto id = ca_->SubmitRequest(Csr(key, "王五"), pki::Profile::kPersonal, "", "alice");
  ASSERT_TRUE(id.ok()) << id.status();
  auto pending = ca_->PendingRequests();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].ca, "sm2-ca");
  EXPECT_EQ((*pending)[0].state, "pending");
  auto cert = ca_->ApproveRequest(*id, "operator");
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(ca_repo_->GetRequest(*id)->state, "issued");
  EXPECT_EQ(ca_repo_->GetRequest(*id)->serial_hex, cert->serial_hex);
  EXPECT_EQ(ca_->ApproveRequest(*id, "operator").status().code(), StatusCode::kFailedPrecondition);
  auto parsed = pki::Certificate::Parse(cert->der);
  EXPECT_TRUE(Validate(*parsed, nullptr).ok());
  // Rejection.
  auto id2 = ca_->SubmitRequest(Csr(key, "赵六"), pki::Profile::kPersonal, "", "bob");
  ASSERT_TRUE(ca_->RejectRequest(*id2, "operator", "identity not proven").ok());
  EXPECT_EQ(ca_repo_->GetRequest(*id2)->state, "rejected");
  EXPECT_FALSE(ca_->ApproveRequest(*id2, "operator").ok());
  // A CSR whose signature does not match its key (no proof of possession).
  Bytes bad = Csr(key, "x");
  bad[bad.size() - 5] ^= 1;
  EXPECT_FALSE(ca_->SubmitRequest(bad, pki::Profile::kPersonal, "", "mallory").ok());
  EXPECT_FALSE(ca_->SubmitRequest(Csr(key, "x"), pki::Profile::kIssuingCa, "", "mallory").ok());
}

TEST_F(CaStoreTest, RevocationReachesTheCrlAndStatus) {
  auto key = *crypto::PrivateKey::Generate(crypto::KeySpec::kRsa2048);
  auto cert = ca_->IssueFromCsr(Csr(key, "RSA user"), pki::Profile::kOrganization, "", "operator");
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->ca, "rsa-ca");
  auto parsed = *pki::Certificate::Parse(cert->der);
  auto crl = ca_->CurrentCrl("rsa-ca");
  ASSERT_TRUE(crl.ok());
  auto root_crl = ca_->CurrentCrl("rsa-root");
  ASSERT_TRUE(root_crl.ok());
  pki::CapturedRevocation before({*crl, *root_crl}, {});
  auto valid = Validate(parsed, &before);
  EXPECT_TRUE(valid.ok()) << valid.message;
  // Without the root's CRL the issuing CA's status is unknown.
  pki::CapturedRevocation partial({*crl}, {});
  EXPECT_EQ(Validate(parsed, &partial).error, pki::PathError::kRevocationUnknown);

  clock_.Advance(std::chrono::minutes(10));
  ASSERT_TRUE(ca_->Revoke(cert->serial_hex, pki::CrlReason::kKeyCompromise).ok());
  EXPECT_EQ(ca_->Revoke(cert->serial_hex, pki::CrlReason::kKeyCompromise).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ca_->Revoke("00ff", pki::CrlReason::kKeyCompromise).code(), StatusCode::kNotFound);
  auto status = ca_->StatusOf("rsa-ca", parsed.serial());
  EXPECT_EQ(status->state, ca::CertificateStatus::State::kRevoked);
  EXPECT_EQ(status->reason, 1);
  auto crl2 = ca_->CurrentCrl("rsa-ca");
  auto parsed_crl = pki::Crl::Parse(*crl2);
  ASSERT_TRUE(parsed_crl.ok());
  EXPECT_EQ(parsed_crl->CrlNumberValue(), 2);
  ASSERT_TRUE(parsed_crl->Find(parsed.serial()).has_value());
  EXPECT_EQ(parsed_crl->Find(parsed.serial())->reason, pki::CrlReason::kKeyCompromise);
  clock_.Advance(std::chrono::minutes(1));
  pki::CapturedRevocation after({*crl2, *root_crl}, {});
  EXPECT_EQ(Validate(parsed, &after).error, pki::PathError::kRevoked);
  // Due CRLs are republished after half their validity.
  EXPECT_EQ(*ca_->PublishDueCrls(), 2);  // sm2-ca and sm2-root had none
  EXPECT_EQ(*ca_->PublishDueCrls(), 0);
  clock_.Advance(std::chrono::hours(13));
  EXPECT_EQ(*ca_->PublishDueCrls(), 4);
}

TEST_F(CaStoreTest, ServiceCertificatesAndRenewal) {
  auto ocsp = ca_->EnsureServiceCertificate("sm2-ocsp", "sm2-ca", pki::Profile::kOcspSigner);
  ASSERT_TRUE(ocsp.ok()) << ocsp.status();
  EXPECT_TRUE(ocsp->cert.ocsp_nocheck());
  EXPECT_TRUE(Validate(ocsp->cert, nullptr, pki::KeyPurpose::kOcspSigning).ok());
  auto same = ca_->EnsureServiceCertificate("sm2-ocsp", "sm2-ca", pki::Profile::kOcspSigner);
  EXPECT_EQ(same->cert.der(), ocsp->cert.der());
  clock_.Advance(std::chrono::hours(24 * 340));
  auto renewed = ca_->EnsureServiceCertificate("sm2-ocsp", "sm2-ca", pki::Profile::kOcspSigner);
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(renewed->cert.der(), ocsp->cert.der());
  EXPECT_NE(renewed->record.key_id, ocsp->record.key_id);
  auto tsa = ca_->EnsureServiceCertificate("rsa-tsa", "rsa-ca", pki::Profile::kTsa);
  ASSERT_TRUE(tsa.ok());
  EXPECT_TRUE(Validate(tsa->cert, nullptr, pki::KeyPurpose::kTimeStamping).ok());
}

TEST_F(CaStoreTest, ExternalTrustAnchors) {
  hetong::testing::TempDir dir;
  // The certificates openssl makes start now: the instance's clock is set a little after each
  // is made (however long the key generation takes on a loaded machine).
  auto r = hetong::testing::RunCommand(
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.File("k.pem"),
       "-subj", "/CN=Licensed CA/O=Some CA Ltd/C=CN", "-days", "30", "-out", dir.File("ca.pem")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  clock_.Set(base::SystemClock::Get().Now() + std::chrono::seconds(5));
  auto anchor = ca_->ImportTrustAnchor(dir.Read("ca.pem"), "licensed-ca");
  ASSERT_TRUE(anchor.ok()) << anchor.status();
  EXPECT_EQ(ca_->TrustAnchors().size(), 3u);
  EXPECT_EQ(ca_->ImportTrustAnchor(dir.Read("ca.pem"), "licensed-ca").status().code(),
            StatusCode::kAlreadyExists);
  // A user certificate from that CA now validates.
  ASSERT_EQ(hetong::testing::RunCommand({"openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
                                         "-keyout", dir.File("u.key"), "-subj", "/CN=User/C=CN",
                                         "-out", dir.File("u.csr")})
                .exit_code,
            0);
  ASSERT_EQ(
      hetong::testing::RunCommand({"openssl", "x509", "-req", "-in", dir.File("u.csr"), "-CA",
                                   dir.File("ca.pem"), "-CAkey", dir.File("k.pem"),
                                   "-CAcreateserial", "-days", "10", "-out", dir.File("u.pem")})
          .exit_code,
      0);
  auto user = pki::Certificate::Parse(dir.Read("u.pem"));
  ASSERT_TRUE(user.ok());
  clock_.Set(base::SystemClock::Get().Now() + std::chrono::seconds(5));
  auto r2 = Validate(*user, nullptr, pki::KeyPurpose::kAny);
  EXPECT_TRUE(r2.ok()) << r2.message;
}

}  // namespace
}  // namespace hetong::store
