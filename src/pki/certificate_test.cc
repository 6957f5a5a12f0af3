#include "pki/certificate.h"

#include <gtest/gtest.h>

#include <set>

#include "base/encoding.h"
#include "crypto/random.h"
#include "pki/oids.h"
#include "pki/profiles.h"
#include "testing/testing.h"

namespace hetong::pki {
namespace {

using crypto::KeySpec;
using crypto::PrivateKey;

struct Ca {
  PrivateKey root_key, ca_key;
  std::unique_ptr<crypto::Signer> root_signer, ca_signer;
  Certificate root, ca;
};

Certificate Parse(const StatusOr<Bytes>& der) {
  HETONG_CHECK(der.ok());
  auto c = Certificate::Parse(*der);
  HETONG_CHECK(c.ok());
  return std::move(*c);
}

Ca MakeCa(KeySpec spec, const base::Clock& clock) {
  auto root_key = *PrivateKey::Generate(spec);
  auto ca_key = *PrivateKey::Generate(spec);
  auto root_signer = *crypto::NewSigner(root_key);
  auto ca_signer = *crypto::NewSigner(ca_key);
  IssueRequest r;
  r.profile = Profile::kRoot;
  r.subject.Country("CN").Organization("hetong test").CommonName("测试根CA");
  r.subject_key = root_key.public_key();
  IssuerContext self{root_signer.get(), nullptr, "", "", ""};
  Certificate root = Parse(IssueCertificate(r, self, clock, crypto::DefaultRng()));
  IssueRequest r2;
  r2.profile = Profile::kIssuingCa;
  r2.subject.Country("CN").Organization("hetong test").CommonName("测试签发CA");
  r2.subject_key = ca_key.public_key();
  IssuerContext by_root{root_signer.get(), &root, "http://127.0.0.1:8080/pki/crl/root.crl",
                        "http://127.0.0.1:8080/pki/ca/root.crt", ""};
  Certificate ca = Parse(IssueCertificate(r2, by_root, clock, crypto::DefaultRng()));
  return Ca{std::move(root_key),  std::move(ca_key), std::move(root_signer),
            std::move(ca_signer), std::move(root),   std::move(ca)};
}

IssuerContext ByCa(const Ca& ca) {
  return IssuerContext{ca.ca_signer.get(), &ca.ca, "http://127.0.0.1:8080/pki/crl/ca.crl",
                       "http://127.0.0.1:8080/pki/ca/ca.crt", "http://127.0.0.1:8080/pki/ocsp"};
}

class ProfileTest : public ::testing::TestWithParam<KeySpec> {};

TEST_P(ProfileTest, EveryProfileHasItsExtensions) {
  base::FakeClock clock(base::FromUnixSeconds(1795708450));
  Ca ca = MakeCa(GetParam(), clock);
  // Root and CA.
  EXPECT_TRUE(ca.root.is_ca());
  EXPECT_FALSE(ca.root.path_len().has_value());
  EXPECT_TRUE(ca.root.IsSelfIssued());
  EXPECT_TRUE(ca.root.VerifySignedBy(ca.root.public_key()).ok());
  EXPECT_TRUE(ca.ca.is_ca());
  EXPECT_EQ(ca.ca.path_len(), 0);
  EXPECT_TRUE(ca.ca.HasKeyUsage(kKeyCertSign));
  EXPECT_FALSE(ca.ca.HasKeyUsage(kDigitalSignature));
  EXPECT_EQ(ca.ca.authority_key_id(), ca.root.subject_key_id());
  EXPECT_EQ(ca.ca.crl_urls(), std::vector<std::string>{"http://127.0.0.1:8080/pki/crl/root.crl"});
  EXPECT_TRUE(ca.ca.VerifySignedBy(ca.root.public_key()).ok());
  EXPECT_FALSE(ca.ca.VerifySignedBy(ca.ca.public_key()).ok());
  EXPECT_EQ(ca.root.subject().common_name(), "测试根CA");

  auto ee_key = *PrivateKey::Generate(GetParam());
  std::set<std::string> serials;
  for (Profile p : {Profile::kPersonal, Profile::kOrganization, Profile::kEvent, Profile::kTsa,
                    Profile::kOcspSigner, Profile::kTls}) {
    IssueRequest r;
    r.profile = p;
    r.subject.Country("CN").CommonName("张三").SerialNumber("110101199003071233");
    r.subject_key = ee_key.public_key();
    if (p == Profile::kTls) r.dns_names = {"localhost"}, r.ip_addresses = {"127.0.0.1"};
    if (p == Profile::kEvent) r.evidence_hash = Bytes(32, 0xab);
    r.demo = true;
    auto der = IssueCertificate(r, ByCa(ca), clock, crypto::DefaultRng());
    ASSERT_TRUE(der.ok()) << ProfileName(p) << ": " << der.status();
    Certificate c = Parse(der);
    SCOPED_TRACE(std::string(ProfileName(p)));
    EXPECT_TRUE(c.VerifySignedBy(ca.ca.public_key()).ok());
    EXPECT_EQ(c.version(), 3);
    EXPECT_EQ(c.serial().size(), 16u);
    EXPECT_TRUE(serials.insert(c.SerialHex()).second);
    EXPECT_FALSE(c.is_ca());
    EXPECT_EQ(c.authority_key_id(), ca.ca.subject_key_id());
    EXPECT_EQ(c.subject_key_id(), KeyId(ee_key.public_key()));
    EXPECT_EQ(c.crl_urls(), std::vector<std::string>{"http://127.0.0.1:8080/pki/crl/ca.crl"});
    EXPECT_EQ(c.ca_issuer_urls(), std::vector<std::string>{"http://127.0.0.1:8080/pki/ca/ca.crt"});
    EXPECT_TRUE(c.unknown_critical().empty());
    EXPECT_TRUE(c.ValidAt(clock.Now()));
    auto validity = c.not_after() - c.not_before();
    switch (p) {
      case Profile::kPersonal:
      case Profile::kOrganization:
        EXPECT_EQ(validity, DefaultValidity(p));
        EXPECT_TRUE(c.HasKeyUsage(kNonRepudiation));
        EXPECT_EQ(c.ocsp_urls(), std::vector<std::string>{"http://127.0.0.1:8080/pki/ocsp"});
        EXPECT_NE(
            std::find(c.ext_key_usage().begin(), c.ext_key_usage().end(), oid::kKpEmailProtection),
            c.ext_key_usage().end());
        EXPECT_NE(std::find(c.policies().begin(), c.policies().end(), oid::kPolicyDemo),
                  c.policies().end());
        break;
      case Profile::kEvent:
        EXPECT_EQ(validity, std::chrono::hours(24));
        EXPECT_EQ(c.signing_evidence_hash(), Bytes(32, 0xab));
        break;
      case Profile::kTsa:
        EXPECT_EQ(c.ext_key_usage(), std::vector<std::string>{std::string(oid::kKpTimeStamping)});
        EXPECT_TRUE(c.eku_critical());
        break;
      case Profile::kOcspSigner:
        EXPECT_EQ(c.ext_key_usage(), std::vector<std::string>{std::string(oid::kKpOcspSigning)});
        EXPECT_TRUE(c.ocsp_nocheck());
        EXPECT_TRUE(c.ocsp_urls().empty());
        break;
      case Profile::kTls:
        EXPECT_EQ(c.dns_names(), std::vector<std::string>{"localhost"});
        EXPECT_EQ(c.ip_addresses(), std::vector<std::string>{"127.0.0.1"});
        break;
      default:
        break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, ProfileTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa3072));

TEST(CertificateTest, OpensslAcceptsOurChains) {
  base::FakeClock clock(base::SystemClock::Get().Now());
  hetong::testing::TempDir dir;
  for (KeySpec spec : {KeySpec::kSm2, KeySpec::kRsa3072}) {
    Ca ca = MakeCa(spec, clock);
    auto ee_key = *PrivateKey::Generate(spec);
    IssueRequest r;
    r.subject.Country("CN").CommonName("李四");
    r.subject_key = ee_key.public_key();
    Certificate ee = Parse(IssueCertificate(r, ByCa(ca), clock, crypto::DefaultRng()));
    dir.Write("root.pem", ca.root.ToPem());
    dir.Write("ca.pem", ca.ca.ToPem());
    dir.Write("ee.pem", ee.ToPem());
    auto text = hetong::testing::RunCommand(
        {"openssl", "x509", "-in", dir.File("ee.pem"), "-noout", "-text"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("Digital Signature, Non Repudiation"), std::string::npos);
    if (spec == KeySpec::kRsa3072) {
      auto v = hetong::testing::RunCommand({"openssl", "verify", "-x509_strict", "-CAfile",
                                            dir.File("root.pem"), "-untrusted", dir.File("ca.pem"),
                                            dir.File("ee.pem")});
      EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    } else {
      // OpenSSL 3.0 applies the SM2 ID only to the target: check link by link.
      auto v1 =
          hetong::testing::RunCommand({"openssl", "verify", "-CAfile", dir.File("root.pem"),
                                       "-vfyopt", "distid:1234567812345678", dir.File("ca.pem")});
      EXPECT_EQ(v1.exit_code, 0) << v1.out << v1.err;
      auto v2 = hetong::testing::RunCommand({"openssl", "verify", "-partial_chain", "-CAfile",
                                             dir.File("ca.pem"), "-vfyopt",
                                             "distid:1234567812345678", dir.File("ee.pem")});
      EXPECT_EQ(v2.exit_code, 0) << v2.out << v2.err;
    }
  }
}

TEST(CertificateTest, ParsesOpensslCertificatesAndRejectsGarbage) {
  hetong::testing::TempDir dir;
  auto r = hetong::testing::RunCommand(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir.File("k.pem"), "-subj", "/CN=external/O=Other CA/C=CN", "-days", "10",
       "-addext", "subjectAltName=DNS:example.cn,IP:10.0.0.1", "-out", dir.File("c.pem")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto c = Certificate::Parse(dir.Read("c.pem"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subject().common_name(), "external");
  EXPECT_TRUE(c->is_ca());
  EXPECT_EQ(c->dns_names(), std::vector<std::string>{"example.cn"});
  EXPECT_EQ(c->ip_addresses(), std::vector<std::string>{"10.0.0.1"});
  EXPECT_TRUE(c->VerifySignedBy(c->public_key()).ok());
  Bytes der = c->der();
  EXPECT_FALSE(Certificate::Parse(ByteView(der).first(der.size() - 1)).ok());
  der.push_back(0);
  EXPECT_FALSE(Certificate::Parse(der).ok());
  EXPECT_FALSE(Certificate::Parse(Bytes{0x30, 0x00}).ok());
  // A tampered TBS byte breaks the signature.
  Bytes t = c->der();
  t[t.size() / 2] ^= 1;
  auto tc = Certificate::Parse(t);
  if (tc.ok()) {
    EXPECT_FALSE(tc->VerifySignedBy(c->public_key()).ok());
  }
}

}  // namespace
}  // namespace hetong::pki
