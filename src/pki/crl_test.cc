#include "pki/crl.h"

#include <gtest/gtest.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/random.h"
#include "pki/oids.h"
#include "pki/profiles.h"
#include "testing/testing.h"

namespace hetong::pki {
namespace {

namespace der = base::der;
using crypto::KeySpec;
using crypto::PrivateKey;
using hetong::testing::RunCommand;
using hetong::testing::TempDir;

constexpr char kDistId[] = "distid:1234567812345678";

struct Issued {
  PrivateKey key;
  std::unique_ptr<crypto::Signer> signer;
  Certificate cert;
};

Certificate MustParse(const StatusOr<Bytes>& der) {
  HETONG_CHECK(der.ok());
  auto c = Certificate::Parse(*der);
  HETONG_CHECK(c.ok());
  return std::move(*c);
}

// A certificate of `profile` for a new key, issued by `issuer` (null: a self-signed root).
Issued Issue(KeySpec spec, Profile profile, const std::string& cn, const Issued* issuer,
             const base::Clock& clock) {
  auto key = *PrivateKey::Generate(spec);
  auto signer = *crypto::NewSigner(key);
  IssueRequest r;
  r.profile = profile;
  r.subject.Country("CN").Organization("hetong test").CommonName(cn);
  r.subject_key = key.public_key();
  IssuerContext ctx{issuer ? issuer->signer.get() : signer.get(), issuer ? &issuer->cert : nullptr,
                    "http://127.0.0.1:8080/pki/crl/ca.crl", "", ""};
  Certificate cert = MustParse(IssueCertificate(r, ctx, clock, crypto::DefaultRng()));
  return Issued{std::move(key), std::move(signer), std::move(cert)};
}

struct Hierarchy {
  Issued root, ca;
};

Hierarchy MakeCa(KeySpec spec, const base::Clock& clock) {
  Issued root = Issue(spec, Profile::kRoot, "测试根CA", nullptr, clock);
  Issued ca = Issue(spec, Profile::kIssuingCa, "测试签发CA", &root, clock);
  return Hierarchy{std::move(root), std::move(ca)};
}

base::TimePoint Seconds(int64_t s) { return base::FromUnixSeconds(s); }

base::TimePoint NowSeconds() {
  return std::chrono::floor<std::chrono::seconds>(base::SystemClock::Get().Now());
}

std::string Openssl(const std::vector<std::string>& args, int expected_exit = 0) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, expected_exit) << args[0] << ": " << r.out << r.err;
  return r.out + r.err;
}

std::string PrivatePem(const PrivateKey& key) {
  auto pem = key.ToPkcs8Pem();
  HETONG_CHECK(pem.ok());
  return std::string(pem->RevealString(SecretAccess::Unsafe()));
}

bool SameEntry(const RevokedEntry& a, const RevokedEntry& b) {
  return a.serial == b.serial && a.revocation_time == b.revocation_time && a.reason == b.reason &&
         a.invalidity_date == b.invalidity_date;
}

TEST(CrlReasonTest, NamesCodesAndEncoding) {
  const std::vector<std::pair<CrlReason, std::string>> all = {
      {CrlReason::kUnspecified, "unspecified"},
      {CrlReason::kKeyCompromise, "keyCompromise"},
      {CrlReason::kCaCompromise, "cACompromise"},
      {CrlReason::kAffiliationChanged, "affiliationChanged"},
      {CrlReason::kSuperseded, "superseded"},
      {CrlReason::kCessationOfOperation, "cessationOfOperation"},
      {CrlReason::kCertificateHold, "certificateHold"},
      {CrlReason::kRemoveFromCrl, "removeFromCRL"},
      {CrlReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
      {CrlReason::kAaCompromise, "aACompromise"},
  };
  for (const auto& [reason, name] : all) {
    EXPECT_EQ(CrlReasonName(reason), name);
    EXPECT_EQ(CrlReasonFromName(name), reason);
    EXPECT_EQ(CrlReasonFromCode(static_cast<int>(reason)), reason);
    Bytes enc = EncodeCrlReason(reason);
    EXPECT_EQ(enc, (Bytes{der::kEnumerated, 0x01, static_cast<uint8_t>(reason)}));
    auto back = DecodeCrlReason(enc);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, reason);
  }
  EXPECT_EQ(static_cast<int>(CrlReason::kAaCompromise), 10);
  EXPECT_FALSE(CrlReasonFromName("KeyCompromise").has_value());
  EXPECT_FALSE(CrlReasonFromCode(7).has_value());
  EXPECT_FALSE(CrlReasonFromCode(11).has_value());
  EXPECT_FALSE(CrlReasonFromCode(-1).has_value());
  EXPECT_FALSE(DecodeCrlReason(Bytes{0x0a, 0x01, 0x07}).ok());
  EXPECT_FALSE(DecodeCrlReason(Bytes{0x0a, 0x02, 0x00, 0x01}).ok());
  EXPECT_FALSE(DecodeCrlReason(Bytes{0x02, 0x01, 0x01}).ok());
  EXPECT_FALSE(DecodeCrlReason(Bytes{0x0a, 0x01, 0x01, 0x00}).ok());
  EXPECT_FALSE(DecodeCrlReason(Bytes{}).ok());
}

class CrlRoundTripTest : public ::testing::TestWithParam<KeySpec> {};

TEST_P(CrlRoundTripTest, BuildParseFindVerify) {
  base::FakeClock clock(Seconds(1795708450));
  Hierarchy h = MakeCa(GetParam(), clock);
  std::vector<RevokedEntry> revoked = {
      {Bytes{0x01, 0x02, 0x03}, Seconds(1795700000), CrlReason::kKeyCompromise,
       Seconds(1795600000)},
      {Bytes{0x00, 0x80}, Seconds(1795700001), CrlReason::kUnspecified, std::nullopt},
      {Bytes{0x7f, 0xee, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
             0x0d, 0x0e},
       Seconds(1795700002), CrlReason::kCertificateHold, std::nullopt},
      {Bytes{0x05}, Seconds(2600000000), CrlReason::kCessationOfOperation, std::nullopt},
  };
  auto der =
      BuildCrl(*h.ca.signer, h.ca.cert, 42, Seconds(1795708000), Seconds(1796312800), revoked);
  ASSERT_TRUE(der.ok()) << der.status();
  auto crl = Crl::Parse(*der);
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_EQ(crl->der(), *der);
  EXPECT_EQ(crl->version(), 2);
  EXPECT_EQ(crl->issuer_der(), h.ca.cert.subject_der());
  EXPECT_EQ(crl->issuer().common_name(), "测试签发CA");
  EXPECT_EQ(crl->this_update(), Seconds(1795708000));
  EXPECT_EQ(crl->next_update(), Seconds(1796312800));
  EXPECT_EQ(crl->crl_number(), Bytes{42});
  EXPECT_EQ(crl->CrlNumberValue(), 42);
  EXPECT_EQ(crl->authority_key_id(), h.ca.cert.subject_key_id());
  EXPECT_TRUE(crl->unknown_critical().empty());
  ASSERT_EQ(crl->entries().size(), revoked.size());
  for (size_t i = 0; i < revoked.size(); ++i) {
    EXPECT_TRUE(SameEntry(crl->entries()[i], revoked[i])) << i;
    auto found = crl->Find(revoked[i].serial);
    ASSERT_TRUE(found.has_value()) << i;
    EXPECT_TRUE(SameEntry(*found, revoked[i])) << i;
  }
  EXPECT_FALSE(crl->Find(Bytes{0x04}).has_value());
  EXPECT_FALSE(crl->Find(Bytes{0x80}).has_value());  // a different INTEGER from 00 80
  EXPECT_TRUE(crl->VerifySignedBy(h.ca.cert.public_key()).ok());
  EXPECT_FALSE(crl->VerifySignedBy(h.root.cert.public_key()).ok());
  // The signature covers tbs_der().
  EXPECT_TRUE(VerifyTbsSignature(h.ca.cert.public_key(), crl->signature_oid(),
                                 crl->signature_params(), crl->tbs_der(), crl->signature())
                  .ok());
  // PEM round trip.
  std::string pem = crl->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN X509 CRL-----", 0), 0u);
  auto again = Crl::Parse(AsBytes(pem));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->der(), *der);

  // Nothing revoked: revokedCertificates is absent (not an empty SEQUENCE).
  auto empty = Crl::Parse(
      *BuildCrl(*h.ca.signer, h.ca.cert, 43, Seconds(1795708000), Seconds(1795708001), {}));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->entries().empty());
  EXPECT_TRUE(empty->VerifySignedBy(h.ca.cert.public_key()).ok());
  der::Reader top(empty->tbs_der());
  auto tbs = top.ReadSequence();
  ASSERT_TRUE(tbs.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(tbs->ReadAny().ok());  // version .. nextUpdate
  EXPECT_TRUE(tbs->PeekIs(der::ContextTag(0, true)));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CrlRoundTripTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256));

TEST(CrlTest, BuilderRejectsBadInput) {
  base::FakeClock clock(Seconds(1795708450));
  Hierarchy h = MakeCa(KeySpec::kSm2, clock);
  auto t0 = Seconds(1795708000), t1 = Seconds(1796312800);
  RevokedEntry ok{Bytes{0x01}, t0, CrlReason::kSuperseded, std::nullopt};
  EXPECT_TRUE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {ok}).ok());
  // Another key than the CA certificate's.
  EXPECT_FALSE(BuildCrl(*h.root.signer, h.ca.cert, 1, t0, t1, {ok}).ok());
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, -1, t0, t1, {ok}).ok());
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t1, t0, {ok}).ok());
  EXPECT_FALSE(
      BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t0 + std::chrono::milliseconds(500), {ok}).ok());
  RevokedEntry bad = ok;
  bad.serial = {0x00, 0x01};  // non-minimal
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {bad}).ok());
  bad.serial = {};
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {bad}).ok());
  bad.serial = Bytes(22, 0x11);
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {bad}).ok());
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {ok, ok}).ok());
  bad = ok;
  bad.reason = CrlReason::kRemoveFromCrl;
  EXPECT_FALSE(BuildCrl(*h.ca.signer, h.ca.cert, 1, t0, t1, {bad}).ok());
  // An end-entity certificate (keyUsage without cRLSign) cannot sign CRLs.
  Issued ee = Issue(KeySpec::kSm2, Profile::kPersonal, "张三", &h.ca, clock);
  auto r = BuildCrl(*ee.signer, ee.cert, 1, t0, t1, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("key usage"), std::string::npos);
}

TEST(CrlTest, OpensslVerifiesRsaCrlAndShowsReasons) {
  base::FakeClock clock(NowSeconds());
  Hierarchy h = MakeCa(KeySpec::kRsa2048, clock);
  Issued revoked_ee = Issue(KeySpec::kRsa2048, Profile::kPersonal, "王五", &h.ca, clock);
  Issued good_ee = Issue(KeySpec::kRsa2048, Profile::kPersonal, "赵六", &h.ca, clock);
  auto now = NowSeconds();
  auto der = BuildCrl(*h.ca.signer, h.ca.cert, 7, now - std::chrono::minutes(1),
                      now + std::chrono::hours(24 * 7),
                      {{revoked_ee.cert.serial(), now - std::chrono::minutes(2),
                        CrlReason::kKeyCompromise, now - std::chrono::hours(3)},
                       {Bytes{0x0b, 0xad}, now - std::chrono::minutes(2),
                        CrlReason::kAffiliationChanged, std::nullopt}});
  ASSERT_TRUE(der.ok()) << der.status();
  TempDir dir;
  dir.Write("crl.der", *der);
  dir.Write("ca.pem", h.ca.cert.ToPem());
  dir.Write("chain.pem", h.root.cert.ToPem() + h.ca.cert.ToPem());
  dir.Write("revoked.pem", revoked_ee.cert.ToPem());
  dir.Write("good.pem", good_ee.cert.ToPem());
  std::string out = Openssl({"crl", "-inform", "DER", "-in", dir.File("crl.der"), "-CAfile",
                             dir.File("ca.pem"), "-noout", "-verify"});
  EXPECT_NE(out.find("verify OK"), std::string::npos) << out;
  std::string text =
      Openssl({"crl", "-inform", "DER", "-in", dir.File("crl.der"), "-noout", "-text"});
  EXPECT_NE(text.find("X509v3 CRL Number: \n                7"), std::string::npos) << text;
  EXPECT_NE(text.find("Key Compromise"), std::string::npos) << text;
  EXPECT_NE(text.find("Affiliation Changed"), std::string::npos) << text;
  EXPECT_NE(text.find("Invalidity Date"), std::string::npos) << text;
  EXPECT_NE(text.find("X509v3 Authority Key Identifier"), std::string::npos) << text;
  EXPECT_NE(text.find("Serial Number: " + base::HexEncodeUpper(revoked_ee.cert.serial())),
            std::string::npos)
      << text;
  // The CRL works for OpenSSL's own revocation check.
  Openssl({"crl", "-inform", "DER", "-in", dir.File("crl.der"), "-out", dir.File("crl.pem")});
  std::string rev = Openssl({"verify", "-crl_check", "-CAfile", dir.File("chain.pem"), "-CRLfile",
                             dir.File("crl.pem"), dir.File("revoked.pem")},
                            2);
  EXPECT_NE(rev.find("certificate revoked"), std::string::npos) << rev;
  std::string good = Openssl({"verify", "-crl_check", "-CAfile", dir.File("chain.pem"), "-CRLfile",
                              dir.File("crl.pem"), dir.File("good.pem")});
  EXPECT_NE(good.find(": OK"), std::string::npos) << good;
}

TEST(CrlTest, Sm2CrlSignatureCheckedByOpensslPkeyutl) {
  base::FakeClock clock(NowSeconds());
  Hierarchy h = MakeCa(KeySpec::kSm2, clock);
  auto now = NowSeconds();
  auto der = BuildCrl(*h.ca.signer, h.ca.cert, 1000, now, now + std::chrono::hours(24),
                      {{Bytes{0x12, 0x34}, now, CrlReason::kCaCompromise, std::nullopt}});
  ASSERT_TRUE(der.ok()) << der.status();
  auto crl = Crl::Parse(*der);
  ASSERT_TRUE(crl.ok());
  TempDir dir;
  dir.Write("tbs.der", crl->tbs_der());
  dir.Write("sig.der", crl->signature());
  dir.Write("capub.pem", h.ca.cert.public_key().ToPem());
  dir.Write("crl.der", *der);
  std::vector<std::string> check = {
      "pkeyutl", "-verify",           "-pubin",   "-inkey",           dir.File("capub.pem"),
      "-rawin",  "-digest",           "sm3",      "-pkeyopt",         kDistId,
      "-in",     dir.File("tbs.der"), "-sigfile", dir.File("sig.der")};
  std::string out = Openssl(check);
  EXPECT_NE(out.find("Signature Verified Successfully"), std::string::npos) << out;
  // OpenSSL's own check uses the empty ID and cannot verify a GM/T-conformant CRL (and exits
  // 0 all the same), but it reads it.
  dir.Write("ca.pem", h.ca.cert.ToPem());
  std::string own = Openssl({"crl", "-inform", "DER", "-in", dir.File("crl.der"), "-CAfile",
                             dir.File("ca.pem"), "-noout", "-verify"});
  EXPECT_NE(own.find("verify failure"), std::string::npos) << own;
  std::string ossl =
      Openssl({"crl", "-inform", "DER", "-in", dir.File("crl.der"), "-noout", "-text"});
  EXPECT_NE(ossl.find("CA Compromise"), std::string::npos) << ossl;
  EXPECT_NE(ossl.find("1000"), std::string::npos) << ossl;
  EXPECT_NE(ossl.find("SM2-with-SM3"), std::string::npos) << ossl;
  // A changed TBS fails the same check.
  Bytes tbs = crl->tbs_der();
  tbs[tbs.size() - 3] ^= 0x01;
  dir.Write("tbs.der", tbs);
  std::string bad = Openssl(check, 1);
  EXPECT_NE(bad.find("Signature Verification Failure"), std::string::npos) << bad;
}

// A tiny `openssl ca` in a temporary directory, signing with our CA's key.
struct OpensslCa {
  explicit OpensslCa(const Issued& ca, bool sm2) {
    dir.Write("ca.pem", ca.cert.ToPem());
    dir.Write("ca.key", PrivatePem(ca.key));
    dir.Write("index.txt", std::string());
    dir.Write("crlnumber", "1000\n");
    dir.Write("serial", "01\n");
    std::string cnf = "[ca]\ndefault_ca = tiny\n[tiny]\ndir = " + dir.path() +
                      "\ndatabase = $dir/index.txt\ncrlnumber = $dir/crlnumber\n"
                      "certificate = $dir/ca.pem\nprivate_key = $dir/ca.key\n"
                      "new_certs_dir = $dir\nserial = $dir/serial\n"
                      "default_md = " +
                      std::string(sm2 ? "sm3" : "sha256") +
                      "\ndefault_crl_days = 7\ncrl_extensions = crl_ext\npolicy = any\n"
                      "[crl_ext]\nauthorityKeyIdentifier = keyid:always\n"
                      "[any]\ncommonName = supplied\n";
    dir.Write("ca.cnf", cnf);
  }
  TempDir dir;
};

TEST(CrlTest, ParsesCrlsFromOpensslCa) {
  base::FakeClock clock(NowSeconds());
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kSm2}) {
    bool sm2 = spec == KeySpec::kSm2;
    SCOPED_TRACE(sm2 ? "SM2" : "RSA");
    Hierarchy h = MakeCa(spec, clock);
    Issued ee1 = Issue(spec, Profile::kPersonal, "ee one", &h.ca, clock);
    Issued ee2 = Issue(spec, Profile::kPersonal, "ee two", &h.ca, clock);
    OpensslCa ca(h.ca, sm2);
    ca.dir.Write("ee1.pem", ee1.cert.ToPem());
    ca.dir.Write("ee2.pem", ee2.cert.ToPem());
    std::string cnf = ca.dir.File("ca.cnf");
    Openssl({"ca", "-config", cnf, "-revoke", ca.dir.File("ee1.pem"), "-crl_reason", "superseded"});
    Openssl({"ca", "-config", cnf, "-revoke", ca.dir.File("ee2.pem"), "-crl_compromise",
             "20260101120000Z"});
    std::vector<std::string> gen = {"ca", "-config", cnf, "-gencrl", "-out", ca.dir.File("id.crl")};
    if (sm2) gen.insert(gen.end(), {"-sigopt", kDistId});
    Openssl(gen);
    auto crl = Crl::Parse(ca.dir.Read("id.crl"));
    ASSERT_TRUE(crl.ok()) << crl.status();
    EXPECT_EQ(crl->version(), 2);
    EXPECT_EQ(crl->issuer_der(), h.ca.cert.subject_der());
    EXPECT_EQ(crl->crl_number(), (Bytes{0x10, 0x00}));
    EXPECT_EQ(crl->CrlNumberValue(), 0x1000);
    EXPECT_EQ(crl->authority_key_id(), h.ca.cert.subject_key_id());
    ASSERT_TRUE(crl->next_update().has_value());
    EXPECT_EQ(*crl->next_update() - crl->this_update(), std::chrono::hours(24 * 7));
    ASSERT_EQ(crl->entries().size(), 2u);
    auto e1 = crl->Find(ee1.cert.serial());
    ASSERT_TRUE(e1.has_value());
    EXPECT_EQ(e1->reason, CrlReason::kSuperseded);
    EXPECT_FALSE(e1->invalidity_date.has_value());
    auto e2 = crl->Find(ee2.cert.serial());
    ASSERT_TRUE(e2.has_value());
    EXPECT_EQ(e2->reason, CrlReason::kKeyCompromise);
    ASSERT_TRUE(e2->invalidity_date.has_value());
    EXPECT_EQ(base::FormatRfc3339(*e2->invalidity_date), "2026-01-01T12:00:00Z");
    Status v = crl->VerifySignedBy(h.ca.cert.public_key());
    EXPECT_TRUE(v.ok()) << v;
    EXPECT_FALSE(crl->VerifySignedBy(h.root.cert.public_key()).ok());
    if (sm2) {
      // Without -sigopt, OpenSSL signs with an empty SM2 ID: not a GM/T signature.
      Openssl({"ca", "-config", cnf, "-gencrl", "-out", ca.dir.File("noid.crl")});
      auto noid = Crl::Parse(ca.dir.Read("noid.crl"));
      ASSERT_TRUE(noid.ok()) << noid.status();
      EXPECT_EQ(noid->CrlNumberValue(), 0x1001);
      EXPECT_FALSE(noid->VerifySignedBy(h.ca.cert.public_key()).ok());
    }
  }
}

TEST(CrlTest, TamperedOrMalformedCrlsFail) {
  base::FakeClock clock(Seconds(1795708450));
  Hierarchy h = MakeCa(KeySpec::kSm2, clock);
  auto t0 = Seconds(1795708000), t1 = Seconds(1796312800);
  Bytes der = *BuildCrl(*h.ca.signer, h.ca.cert, 5, t0, t1,
                        {{Bytes{0x01, 0x02}, t0, CrlReason::kKeyCompromise, t0}});
  auto good = Crl::Parse(der);
  ASSERT_TRUE(good.ok());
  const crypto::PublicKey& key = h.ca.cert.public_key();
  // Every changed bit of the signed part breaks the DER or the signature.
  size_t tbs_start = 4;  // 30 82 xx xx
  ASSERT_EQ(der[1], 0x82);
  for (size_t i = tbs_start; i < tbs_start + good->tbs_der().size(); ++i) {
    Bytes t = der;
    t[i] ^= 0x01;
    auto c = Crl::Parse(t);
    if (c.ok()) {
      EXPECT_FALSE(c->VerifySignedBy(key).ok()) << "byte " << i;
    }
  }
  Bytes sig = der;
  sig[sig.size() - 4] ^= 0x20;
  auto c = Crl::Parse(sig);
  if (c.ok()) {
    EXPECT_FALSE(c->VerifySignedBy(key).ok());
  }
  for (size_t n = 0; n < der.size(); ++n)
    EXPECT_FALSE(Crl::Parse(ByteView(der).first(n)).ok()) << n;
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_FALSE(Crl::Parse(longer).ok());
  EXPECT_FALSE(Crl::Parse(AsBytes(base::PemEncode("CERTIFICATE", der))).ok());

  // Hand-made CRLs signed by the CA: a serial listed twice, a v1 CRL with extensions, an
  // unknown critical extension, a bad reason code.
  Bytes alg = crypto::SignatureAlgorithmIdentifier(h.ca.signer->algorithm());
  auto sign = [&](const std::vector<Bytes>& tbs_parts) {
    Bytes tbs = der::Seq(tbs_parts);
    return der::Seq({tbs, alg, der::BitString(*h.ca.signer->Sign(tbs))});
  };
  Bytes entry = der::Seq({der::Integer(9), der::UtcTime(t0)});
  Bytes name = h.ca.cert.subject_der();
  Bytes dup = sign(
      {der::Integer(1), alg, name, der::UtcTime(t0), der::UtcTime(t1), der::Seq({entry, entry})});
  auto dr = Crl::Parse(dup);
  ASSERT_FALSE(dr.ok());
  EXPECT_NE(dr.status().message().find("listed twice"), std::string::npos);
  Bytes idp = der::Seq({der::Oid("2.5.29.28"), der::Boolean(true), der::OctetString(der::Seq({}))});
  Bytes v1_ext = sign({alg, name, der::UtcTime(t0), der::Explicit(0, der::Seq({idp}))});
  EXPECT_FALSE(Crl::Parse(v1_ext).ok());
  Bytes critical = sign({der::Integer(1), alg, name, der::UtcTime(t0), der::Seq({entry}),
                         der::Explicit(0, der::Seq({idp}))});
  auto cr = Crl::Parse(critical);
  ASSERT_TRUE(cr.ok()) << cr.status();
  EXPECT_EQ(cr->unknown_critical(), std::vector<std::string>{"2.5.29.28"});
  EXPECT_FALSE(cr->next_update().has_value());
  EXPECT_FALSE(cr->crl_number().has_value());
  EXPECT_TRUE(cr->VerifySignedBy(key).ok());
  Bytes reason7 = der::Seq({der::Oid(oid::kCrlReason), der::OctetString(Bytes{0x0a, 0x01, 0x07})});
  Bytes bad_reason =
      sign({der::Integer(1), alg, name, der::UtcTime(t0),
            der::Seq({der::Seq({der::Integer(9), der::UtcTime(t0), der::Seq({reason7})})})});
  EXPECT_FALSE(Crl::Parse(bad_reason).ok());
  // Times that std::chrono's nanosecond time_point cannot hold (RFC 5280 itself uses
  // 99991231235959Z for "no expiry") are refused, not wrapped around (regression: undefined
  // behaviour under UBSan).
  Bytes far = der::Tlv(der::kGeneralizedTime, AsBytes("99991231235959Z"));
  Bytes early = der::Tlv(der::kGeneralizedTime, AsBytes("00010101000000Z"));
  for (const Bytes& t : {far, early}) {
    auto r = Crl::Parse(sign({der::Integer(1), alg, name, t}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    Bytes inv = der::Seq({der::Oid(oid::kInvalidityDate), der::OctetString(t)});
    EXPECT_FALSE(
        Crl::Parse(
            sign({der::Integer(1), alg, name, der::UtcTime(t0),
                  der::Seq({der::Seq({der::Integer(9), der::UtcTime(t0), der::Seq({inv})})})}))
            .ok());
  }
  Bytes v1 = sign({alg, name, der::UtcTime(t0), der::Seq({entry})});
  auto v1r = Crl::Parse(v1);
  ASSERT_TRUE(v1r.ok()) << v1r.status();
  EXPECT_EQ(v1r->version(), 1);
  EXPECT_TRUE(v1r->Find(Bytes{0x09}).has_value());
}

}  // namespace
}  // namespace hetong::pki
