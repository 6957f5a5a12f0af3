#include "pki/csr.h"

#include <gtest/gtest.h>

#include "base/der.h"
#include "base/encoding.h"
#include "pki/oids.h"
#include "testing/testing.h"

namespace hetong::pki {
namespace {

using crypto::KeySpec;
using crypto::PrivateKey;
using hetong::testing::RunCommand;
using hetong::testing::TempDir;

constexpr char kDistId[] = "distid:1234567812345678";

DistinguishedName Subject() {
  DistinguishedName dn;
  dn.Country("CN").Organization("北京某某科技有限公司").CommonName("张三");
  return dn;
}

// `openssl ...`, failing the test when it does not exit 0; returns stdout + stderr.
std::string Openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
  return r.out + r.err;
}

// Length of a DER tag + length header (short or long form).
size_t HeaderLength(ByteView tlv) { return tlv[1] < 0x80 ? 2 : 2 + (tlv[1] & 0x7f); }

class CsrRoundTripTest : public ::testing::TestWithParam<KeySpec> {};

TEST_P(CsrRoundTripTest, BuildParseVerify) {
  auto key = *PrivateKey::Generate(GetParam());
  auto signer = *crypto::NewSigner(key);
  SubjectAltNames san;
  san.dns_names = {"sign.example.cn"};
  san.ip_addresses = {"10.0.0.7"};
  san.emails = {"zhangsan@example.cn"};
  auto der = BuildCsr(*signer, Subject(), san);
  ASSERT_TRUE(der.ok()) << der.status();
  auto csr = CertificationRequest::Parse(*der);
  ASSERT_TRUE(csr.ok()) << csr.status();
  EXPECT_EQ(csr->der(), *der);
  EXPECT_EQ(csr->subject().common_name(), "张三");
  EXPECT_EQ(csr->subject_der(), *Subject().Encode());
  EXPECT_TRUE(csr->public_key().Equals(key.public_key()));
  EXPECT_EQ(csr->spki_der(), key.public_key().ToSpkiDer());
  EXPECT_EQ(csr->requested_san().dns_names, san.dns_names);
  EXPECT_EQ(csr->requested_san().ip_addresses, san.ip_addresses);
  EXPECT_EQ(csr->requested_san().emails, san.emails);
  ASSERT_EQ(csr->attribute_oids(), std::vector<std::string>{std::string(kExtensionRequestOid)});
  ASSERT_EQ(csr->requested_extensions().size(), 1u);
  EXPECT_EQ(csr->requested_extensions()[0].oid, oid::kSubjectAltName);
  EXPECT_FALSE(csr->requested_extensions()[0].critical);
  EXPECT_FALSE(csr->signature().empty());
  EXPECT_TRUE(csr->VerifyProofOfPossession().ok());
  // The signature covers the certificationRequestInfo.
  EXPECT_TRUE(VerifyTbsSignature(key.public_key(), csr->signature_oid(), csr->signature_params(),
                                 csr->cri_der(), csr->signature())
                  .ok());
  // PEM round trip.
  std::string pem = csr->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0), 0u);
  auto again = CertificationRequest::Parse(AsBytes(pem));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->der(), *der);
  // Without a SAN: an empty attribute set.
  auto plain = CertificationRequest::Parse(*BuildCsr(*signer, Subject()));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->attribute_oids().empty());
  EXPECT_TRUE(plain->requested_san().empty());
  EXPECT_TRUE(plain->VerifyProofOfPossession().ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CsrRoundTripTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256));

TEST(CsrTest, BuilderRejectsBadInput) {
  auto key = *PrivateKey::Generate(KeySpec::kSm2);
  auto signer = *crypto::NewSigner(key);
  EXPECT_FALSE(BuildCsr(*signer, DistinguishedName()).ok());
  SubjectAltNames bad_ip;
  bad_ip.ip_addresses = {"10.0.0.256"};
  EXPECT_FALSE(BuildCsr(*signer, Subject(), bad_ip).ok());
  SubjectAltNames bad_dns;
  bad_dns.dns_names = {"has space.example"};
  EXPECT_FALSE(BuildCsr(*signer, Subject(), bad_dns).ok());
  EXPECT_FALSE(BuildCsr(*signer, DistinguishedName().Country("CHN")).ok());
  // An SM2 signer with another ID would make a request nobody can check: refused.
  auto other_id = *crypto::NewSigner(key, crypto::SignatureAlgorithm::kSm2Sm3, "alice");
  auto r = BuildCsr(*other_id, Subject());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("1234567812345678"), std::string::npos);
  // Only a SAN, no subject: allowed, and the SAN is then critical.
  SubjectAltNames only;
  only.dns_names = {"only.example.cn"};
  auto der = BuildCsr(*signer, DistinguishedName(), only);
  ASSERT_TRUE(der.ok()) << der.status();
  auto csr = CertificationRequest::Parse(*der);
  ASSERT_TRUE(csr.ok()) << csr.status();
  EXPECT_TRUE(csr->subject().empty());
  ASSERT_EQ(csr->requested_extensions().size(), 1u);
  EXPECT_TRUE(csr->requested_extensions()[0].critical);
}

TEST(CsrTest, OpensslRequestsParseAndProveProofOfPossession) {
  TempDir dir;
  Openssl({"genpkey", "-algorithm", "SM2", "-out", dir.File("sm2.key")});
  Openssl({"req", "-new", "-key", dir.File("sm2.key"), "-sm3", "-sigopt", kDistId, "-utf8", "-subj",
           "/C=CN/O=某某公司/CN=张三", "-out", dir.File("sm2.csr")});
  Openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.File("rsa.key"), "-subj",
           "/CN=rsa applicant/O=Other/C=CN", "-out", dir.File("rsa.csr")});
  Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", dir.File("ec.key"), "-subj", "/CN=ec applicant/C=CN", "-addext",
           "subjectAltName=DNS:a.example.cn,DNS:b.example.cn,IP:10.1.2.3,email:x@example.cn",
           "-outform", "DER", "-out", dir.File("ec.der")});
  struct Case {
    std::string file;
    crypto::KeyType type;
    std::string cn;
  };
  for (const Case& c : {Case{"sm2.csr", crypto::KeyType::kSm2, "张三"},
                        Case{"rsa.csr", crypto::KeyType::kRsa, "rsa applicant"},
                        Case{"ec.der", crypto::KeyType::kEcP256, "ec applicant"}}) {
    SCOPED_TRACE(c.file);
    auto csr = CertificationRequest::Parse(dir.Read(c.file));
    ASSERT_TRUE(csr.ok()) << csr.status();
    EXPECT_EQ(csr->public_key().type(), c.type);
    EXPECT_EQ(csr->subject().common_name(), c.cn);
    Status pop = csr->VerifyProofOfPossession();
    EXPECT_TRUE(pop.ok()) << pop;
  }
  auto ec = CertificationRequest::Parse(dir.Read("ec.der"));
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ(ec->requested_san().dns_names,
            (std::vector<std::string>{"a.example.cn", "b.example.cn"}));
  EXPECT_EQ(ec->requested_san().ip_addresses, std::vector<std::string>{"10.1.2.3"});
  EXPECT_EQ(ec->requested_san().emails, std::vector<std::string>{"x@example.cn"});
  auto sm2 = CertificationRequest::Parse(dir.Read("sm2.csr"));
  ASSERT_TRUE(sm2.ok());
  EXPECT_EQ(sm2->subject().Get(oid::kOrganization).value_or(""), "某某公司");
  EXPECT_TRUE(sm2->requested_san().empty());
}

TEST(CsrTest, OpensslEmptySm2IdFailsWithHint) {
  TempDir dir;
  Openssl({"genpkey", "-algorithm", "SM2", "-out", dir.File("sm2.key")});
  Openssl({"req", "-new", "-key", dir.File("sm2.key"), "-sm3", "-subj", "/CN=no id/C=CN", "-out",
           dir.File("noid.csr")});
  auto csr = CertificationRequest::Parse(dir.Read("noid.csr"));
  ASSERT_TRUE(csr.ok()) << csr.status();
  Status pop = csr->VerifyProofOfPossession();
  ASSERT_FALSE(pop.ok());
  EXPECT_EQ(pop.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pop.message().find("empty SM2 ID"), std::string::npos) << pop;
  EXPECT_NE(pop.message().find("-sigopt distid:1234567812345678"), std::string::npos) << pop;
}

TEST(CsrTest, TamperedAndTruncatedRequestsAreRejected) {
  auto key = *PrivateKey::Generate(KeySpec::kSm2);
  auto signer = *crypto::NewSigner(key);
  SubjectAltNames san;
  san.dns_names = {"x.example.cn"};
  Bytes der = *BuildCsr(*signer, Subject(), san);
  auto good = CertificationRequest::Parse(der);
  ASSERT_TRUE(good.ok());
  // Every truncation fails to parse; so does trailing data.
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(CertificationRequest::Parse(ByteView(der).first(n)).ok()) << n;
  }
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_FALSE(CertificationRequest::Parse(longer).ok());
  // Any changed bit of the signed part either breaks the DER or the proof of possession.
  size_t cri_start = HeaderLength(der);
  for (size_t i = cri_start; i < cri_start + good->cri_der().size(); ++i) {
    Bytes t = der;
    t[i] ^= 0x01;
    auto c = CertificationRequest::Parse(t);
    if (c.ok()) {
      EXPECT_FALSE(c->VerifyProofOfPossession().ok()) << "byte " << i;
    }
  }
  // A changed signature fails.
  Bytes t = der;
  t[t.size() - 5] ^= 0x40;
  auto c = CertificationRequest::Parse(t);
  if (c.ok()) {
    EXPECT_FALSE(c->VerifyProofOfPossession().ok());
  }
  // Wrong PEM label, garbage, a version 2 request.
  EXPECT_FALSE(CertificationRequest::Parse(AsBytes(base::PemEncode("CERTIFICATE", der))).ok());
  EXPECT_FALSE(CertificationRequest::Parse(Bytes{0x30, 0x00}).ok());
  EXPECT_FALSE(CertificationRequest::Parse(Bytes{}).ok());
  Bytes v2 = der;
  v2[cri_start + HeaderLength(good->cri_der()) + 2] = 0x01;  // CRI: 30 .. | 02 01 00 -> v2
  auto v2r = CertificationRequest::Parse(v2);
  EXPECT_FALSE(v2r.ok());
  // Messages never echo the input.
  EXPECT_EQ(v2r.status().message().find("张三"), std::string::npos);
}

TEST(CsrTest, OpensslVerifiesOurRequests) {
  TempDir dir;
  SubjectAltNames san;
  san.dns_names = {"sign.example.cn"};
  san.ip_addresses = {"192.168.1.9"};
  for (KeySpec spec : {KeySpec::kSm2, KeySpec::kRsa2048}) {
    auto key = *PrivateKey::Generate(spec);
    auto signer = *crypto::NewSigner(key);
    auto csr = CertificationRequest::Parse(*BuildCsr(*signer, Subject(), san));
    ASSERT_TRUE(csr.ok());
    dir.Write("our.csr", csr->ToPem());
    std::vector<std::string> args = {"req", "-in", dir.File("our.csr"), "-noout", "-verify"};
    if (spec == KeySpec::kSm2) args.insert(args.end(), {"-vfyopt", kDistId});
    // `openssl req -verify` exits 0 even on failure: check the text.
    std::string out = Openssl(args);
    EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
    EXPECT_EQ(out.find("verify failure"), std::string::npos) << out;
    std::string text =
        Openssl({"req", "-in", dir.File("our.csr"), "-noout", "-text", "-nameopt", "utf8"});
    EXPECT_NE(text.find("DNS:sign.example.cn, IP Address:192.168.1.9"), std::string::npos) << text;
    EXPECT_NE(text.find("张三"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace hetong::pki
