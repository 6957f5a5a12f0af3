#include "pki/ocsp.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/random.h"
#include "pki/oids.h"
#include "pki/profiles.h"
#include "testing/testing.h"

namespace hetong::pki {
namespace {

namespace der = base::der;
using crypto::HashAlgorithm;
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

Issued Issue(KeySpec spec, Profile profile, const std::string& cn, const Issued* issuer,
             const base::Clock& clock) {
  auto key = *PrivateKey::Generate(spec);
  auto signer = *crypto::NewSigner(key);
  IssueRequest r;
  r.profile = profile;
  r.subject.Country("CN").Organization("hetong test").CommonName(cn);
  r.subject_key = key.public_key();
  IssuerContext ctx{issuer ? issuer->signer.get() : signer.get(), issuer ? &issuer->cert : nullptr,
                    "", "", "http://127.0.0.1:8080/pki/ocsp"};
  Certificate cert = MustParse(IssueCertificate(r, ctx, clock, crypto::DefaultRng()));
  return Issued{std::move(key), std::move(signer), std::move(cert)};
}

// root -> CA -> {OCSP responder, three end entities}.
struct Pki {
  Issued root, ca, responder, good, revoked, unknown;
};

Pki MakePki(KeySpec spec, const base::Clock& clock) {
  Issued root = Issue(spec, Profile::kRoot, "测试根CA", nullptr, clock);
  Issued ca = Issue(spec, Profile::kIssuingCa, "测试签发CA", &root, clock);
  Issued responder = Issue(spec, Profile::kOcspSigner, "OCSP 响应者", &ca, clock);
  Issued good = Issue(spec, Profile::kPersonal, "张三", &ca, clock);
  Issued revoked = Issue(spec, Profile::kPersonal, "李四", &ca, clock);
  Issued unknown = Issue(spec, Profile::kPersonal, "王五", &ca, clock);
  return Pki{std::move(root), std::move(ca),      std::move(responder),
             std::move(good), std::move(revoked), std::move(unknown)};
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

CertId Id(const Issued& cert, const Issued& issuer, HashAlgorithm alg = HashAlgorithm::kSha1) {
  auto id = CertId::For(cert.cert, issuer.cert, alg);
  HETONG_CHECK(id.ok());
  return *id;
}

// The three kinds of answer, about p's end entities.
std::vector<SingleResponseInput> Answers(const Pki& p, base::TimePoint now) {
  SingleResponse good{
      Id(p.good, p.ca), OcspCertStatus::kGood,         {},
      std::nullopt,     now - std::chrono::minutes(1), now + std::chrono::hours(24)};
  SingleResponse revoked{Id(p.revoked, p.ca),           OcspCertStatus::kRevoked,
                         now - std::chrono::hours(2),   CrlReason::kKeyCompromise,
                         now - std::chrono::minutes(1), now + std::chrono::hours(24)};
  SingleResponse unknown{Id(p.unknown, p.ca), OcspCertStatus::kUnknown,      {},
                         std::nullopt,        now - std::chrono::minutes(1), std::nullopt};
  return {good, revoked, unknown};
}

bool SameSingle(const SingleResponse& a, const SingleResponse& b) {
  return a.cert_id == b.cert_id && a.status == b.status && a.revocation_time == b.revocation_time &&
         a.revocation_reason == b.revocation_reason && a.this_update == b.this_update &&
         a.next_update == b.next_update;
}

bool Contains(ByteView haystack, ByteView needle, size_t* at = nullptr) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
  if (at) *at = static_cast<size_t>(it - haystack.begin());
  return it != haystack.end();
}

TEST(OcspCertIdTest, ForMatchesEncodesForEveryHash) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(KeySpec::kSm2, clock);
  for (HashAlgorithm alg : {HashAlgorithm::kSha1, HashAlgorithm::kSha256, HashAlgorithm::kSm3}) {
    SCOPED_TRACE(std::string(crypto::HashName(alg)));
    auto id = CertId::For(p.good.cert, p.ca.cert, alg);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->hash_algorithm, alg);
    EXPECT_EQ(id->issuer_name_hash, crypto::Hash(alg, p.ca.cert.subject_der()));
    EXPECT_EQ(id->issuer_name_hash.size(), crypto::HashSize(alg));
    EXPECT_EQ(id->serial, p.good.cert.serial());
    if (alg == HashAlgorithm::kSha1) {
      // RFC 6960 and RFC 5280 §4.2.1.2 hash the same key bits.
      EXPECT_EQ(id->issuer_key_hash, p.ca.cert.subject_key_id());
    }
    EXPECT_TRUE(id->Matches(p.good.cert, p.ca.cert));
    EXPECT_FALSE(id->Matches(p.revoked.cert, p.ca.cert));
    EXPECT_FALSE(id->Matches(p.good.cert, p.root.cert));
    Bytes enc = id->Encode();
    auto back = CertId::Parse(enc);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, *id);
    Bytes with_null = der::Seq({der::Oid(crypto::HashOid(alg)), der::Null()});
    EXPECT_EQ(Contains(enc, with_null), alg != HashAlgorithm::kSm3);
  }
  // The CA's own certificate is not issued by the CA.
  EXPECT_FALSE(CertId::For(p.good.cert, p.root.cert).ok());
  EXPECT_FALSE(CertId::Parse(Bytes{0x30, 0x00}).ok());
}

TEST(OcspRequestTest, RoundTrip) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(KeySpec::kEcdsaP256, clock);
  std::vector<CertId> ids = {Id(p.good, p.ca), Id(p.revoked, p.ca, HashAlgorithm::kSm3)};
  Bytes nonce = MakeOcspNonce(*crypto::RandomBytes(crypto::DefaultRng(), 16));
  EXPECT_EQ(nonce.size(), 18u);
  EXPECT_EQ(nonce[0], der::kOctetString);
  auto der = BuildOcspRequest(ids, nonce);
  ASSERT_TRUE(der.ok()) << der.status();
  auto req = OcspRequest::Parse(*der);
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->der(), *der);
  EXPECT_EQ(req->cert_ids(), ids);
  EXPECT_EQ(req->nonce(), nonce);
  EXPECT_FALSE(req->has_signature());
  EXPECT_FALSE(req->has_requestor_name());
  EXPECT_TRUE(req->cert_ids()[1].Matches(p.revoked.cert, p.ca.cert));
  auto plain = OcspRequest::Parse(*BuildOcspRequest({ids[0]}));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->nonce().has_value());
  // Builder checks.
  EXPECT_FALSE(BuildOcspRequest({}).ok());
  CertId short_hash = ids[0];
  short_hash.issuer_key_hash.pop_back();
  EXPECT_FALSE(BuildOcspRequest({short_hash}).ok());
  CertId bad_serial = ids[0];
  bad_serial.serial = {0x00, 0x01};
  EXPECT_FALSE(BuildOcspRequest({bad_serial}).ok());
}

TEST(OcspRequestTest, MalformedRequestsAreRejected) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(KeySpec::kSm2, clock);
  CertId id = Id(p.good, p.ca);
  Bytes der = *BuildOcspRequest({id}, MakeOcspNonce(Bytes(16, 0x5a)));
  for (size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(OcspRequest::Parse(ByteView(der).first(n)).ok()) << n;
  }
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_FALSE(OcspRequest::Parse(longer).ok());
  // Empty requestList.
  auto empty = OcspRequest::Parse(der::Seq({der::Seq({der::Seq({})})}));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message().rfind("malformed OCSP request", 0), 0u);
  // MD5 CertID, and a SHA-1 CertID with a 32-byte hash.
  auto with_id = [](ByteView alg, ByteView hash) {
    Bytes cid = der::Seq({alg, der::OctetString(hash), der::OctetString(hash), der::Integer(5)});
    return der::Seq({der::Seq({der::Seq({der::Seq({cid})})})});
  };
  Bytes md5 = der::Seq({der::Oid("1.2.840.113549.2.5"), der::Null()});
  EXPECT_FALSE(OcspRequest::Parse(with_id(md5, Bytes(16, 1))).ok());
  Bytes sha1 = der::Seq({der::Oid(crypto::HashOid(HashAlgorithm::kSha1)), der::Null()});
  EXPECT_TRUE(OcspRequest::Parse(with_id(sha1, Bytes(20, 1))).ok());
  EXPECT_FALSE(OcspRequest::Parse(with_id(sha1, Bytes(32, 1))).ok());
  // Version 2 is not defined.
  Bytes v2 = der::Seq(
      {der::Seq({der::Explicit(0, der::Integer(1)), der::Seq({der::Seq({id.Encode()})})})});
  EXPECT_FALSE(OcspRequest::Parse(v2).ok());
  // Two nonce extensions.
  Bytes ext = der::Seq({der::Oid(oid::kOcspNonce), der::OctetString(Bytes{0x04, 0x01, 0x01})});
  Bytes two = der::Seq(
      {der::Seq({der::Seq({der::Seq({id.Encode()})}), der::Explicit(2, der::Seq({ext, ext}))})});
  EXPECT_FALSE(OcspRequest::Parse(two).ok());
}

TEST(OcspRequestTest, ParsesOpensslRequests) {
  base::FakeClock clock(NowSeconds());
  Pki p = MakePki(KeySpec::kEcdsaP256, clock);
  TempDir dir;
  dir.Write("ca.pem", p.ca.cert.ToPem());
  dir.Write("ee.pem", p.good.cert.ToPem());
  dir.Write("ee2.pem", p.revoked.cert.ToPem());
  dir.Write("ee.key", PrivatePem(p.good.key));
  struct Case {
    std::string name;
    std::vector<std::string> extra;
    HashAlgorithm alg;
    bool nonce;
  };
  for (const Case& c : {Case{"default", {}, HashAlgorithm::kSha1, true},
                        Case{"no_nonce", {"-no_nonce"}, HashAlgorithm::kSha1, false},
                        Case{"sha256", {"-sha256"}, HashAlgorithm::kSha256, true},
                        Case{"sm3", {"-sm3", "-no_nonce"}, HashAlgorithm::kSm3, false}}) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args = {"ocsp"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    args.insert(args.end(), {"-issuer", dir.File("ca.pem"), "-cert", dir.File("ee.pem"), "-reqout",
                             dir.File(c.name + ".der")});
    Openssl(args);
    auto req = OcspRequest::Parse(dir.Read(c.name + ".der"));
    ASSERT_TRUE(req.ok()) << req.status();
    ASSERT_EQ(req->cert_ids().size(), 1u);
    EXPECT_EQ(req->cert_ids()[0].hash_algorithm, c.alg);
    EXPECT_TRUE(req->cert_ids()[0].Matches(p.good.cert, p.ca.cert));
    EXPECT_FALSE(req->cert_ids()[0].Matches(p.revoked.cert, p.ca.cert));
    EXPECT_EQ(req->cert_ids()[0], Id(p.good, p.ca, c.alg));
    EXPECT_EQ(req->nonce().has_value(), c.nonce);
    if (c.nonce) {
      // RFC 8954 form: an OCTET STRING of 16 random bytes.
      ASSERT_EQ(req->nonce()->size(), 18u);
      EXPECT_EQ((*req->nonce())[0], der::kOctetString);
    }
    EXPECT_FALSE(req->has_signature());
  }
  // Two certificates, and a signed request (signature kept as a flag only).
  Openssl({"ocsp", "-issuer", dir.File("ca.pem"), "-cert", dir.File("ee.pem"), "-cert",
           dir.File("ee2.pem"), "-signer", dir.File("ee.pem"), "-signkey", dir.File("ee.key"),
           "-reqout", dir.File("signed.der")});
  auto req = OcspRequest::Parse(dir.Read("signed.der"));
  ASSERT_TRUE(req.ok()) << req.status();
  ASSERT_EQ(req->cert_ids().size(), 2u);
  EXPECT_TRUE(req->cert_ids()[0].Matches(p.good.cert, p.ca.cert));
  EXPECT_TRUE(req->cert_ids()[1].Matches(p.revoked.cert, p.ca.cert));
  EXPECT_TRUE(req->has_signature());
  EXPECT_TRUE(req->has_requestor_name());
  EXPECT_TRUE(req->nonce().has_value());
}

class OcspResponseRoundTripTest : public ::testing::TestWithParam<KeySpec> {};

TEST_P(OcspResponseRoundTripTest, BuildParseVerify) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(GetParam(), clock);
  auto now = Seconds(1795708400);
  auto answers = Answers(p, now);
  answers.push_back(answers[1]);
  answers.back().cert_id = Id(p.revoked, p.ca, HashAlgorithm::kSm3);
  answers.back().revocation_reason.reset();  // revoked without a reason
  Bytes nonce = MakeOcspNonce(Bytes(16, 0xa5));
  auto der = BuildOcspResponse(*p.responder.signer, p.responder.cert, answers, now, nonce, true);
  ASSERT_TRUE(der.ok()) << der.status();
  auto resp = OcspResponse::Parse(*der);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->der(), *der);
  EXPECT_TRUE(resp->successful());
  EXPECT_EQ(resp->status(), OcspResponseStatus::kSuccessful);
  EXPECT_TRUE(resp->responder_name_der().empty());
  EXPECT_EQ(resp->responder_key_hash(), KeyId(p.responder.cert.public_key()));
  EXPECT_EQ(resp->responder_key_hash(), p.responder.cert.subject_key_id());
  EXPECT_EQ(resp->produced_at(), now);
  ASSERT_EQ(resp->responses().size(), answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    EXPECT_TRUE(SameSingle(resp->responses()[i], answers[i])) << i;
  }
  EXPECT_EQ(resp->nonce(), nonce);
  ASSERT_EQ(resp->certs().size(), 1u);
  EXPECT_EQ(resp->certs()[0].der(), p.responder.cert.der());
  EXPECT_TRUE(resp->ResponderIs(p.responder.cert));
  EXPECT_FALSE(resp->ResponderIs(p.ca.cert));
  EXPECT_TRUE(resp->VerifySignedBy(p.responder.cert.public_key()).ok());
  EXPECT_FALSE(resp->VerifySignedBy(p.ca.cert.public_key()).ok());
  EXPECT_TRUE(VerifyTbsSignature(p.responder.cert.public_key(), resp->signature_oid(),
                                 resp->signature_params(), resp->tbs_response_data_der(),
                                 resp->signature())
                  .ok());
  const SingleResponse* found = resp->Find(p.revoked.cert, p.ca.cert);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->status, OcspCertStatus::kRevoked);
  EXPECT_EQ(found->revocation_reason, CrlReason::kKeyCompromise);
  EXPECT_EQ(resp->Find(p.good.cert, p.ca.cert)->status, OcspCertStatus::kGood);
  EXPECT_EQ(resp->Find(p.unknown.cert, p.ca.cert)->status, OcspCertStatus::kUnknown);
  EXPECT_EQ(resp->Find(p.ca.cert, p.root.cert), nullptr);

  // The CA answering for itself, without certificates and without a nonce.
  auto by_ca = OcspResponse::Parse(
      *BuildOcspResponse(*p.ca.signer, p.ca.cert, {answers[0]}, now, std::nullopt, false));
  ASSERT_TRUE(by_ca.ok()) << by_ca.status();
  EXPECT_TRUE(by_ca->certs().empty());
  EXPECT_FALSE(by_ca->nonce().has_value());
  EXPECT_TRUE(by_ca->ResponderIs(p.ca.cert));
  EXPECT_TRUE(by_ca->VerifySignedBy(p.ca.cert.public_key()).ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, OcspResponseRoundTripTest,
                         ::testing::Values(KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kEcdsaP256));

TEST(OcspResponseTest, BuilderRejectsBadInput) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(KeySpec::kSm2, clock);
  auto now = Seconds(1795708400);
  auto answers = Answers(p, now);
  EXPECT_FALSE(BuildOcspResponse(*p.ca.signer, p.responder.cert, answers, now, {}, true).ok());
  EXPECT_FALSE(BuildOcspResponse(*p.responder.signer, p.responder.cert, {}, now, {}, true).ok());
  auto bad = answers;
  bad[0].next_update = bad[0].this_update - std::chrono::seconds(1);
  EXPECT_FALSE(BuildOcspResponse(*p.responder.signer, p.responder.cert, bad, now, {}, true).ok());
  bad = answers;
  bad[1].revocation_reason = CrlReason::kRemoveFromCrl;
  EXPECT_FALSE(BuildOcspResponse(*p.responder.signer, p.responder.cert, bad, now, {}, true).ok());
  bad = answers;
  bad[2].cert_id.issuer_name_hash.clear();
  EXPECT_FALSE(BuildOcspResponse(*p.responder.signer, p.responder.cert, bad, now, {}, true).ok());
}

TEST(OcspResponseTest, ErrorResponses) {
  for (OcspResponseStatus s :
       {OcspResponseStatus::kMalformedRequest, OcspResponseStatus::kInternalError,
        OcspResponseStatus::kTryLater, OcspResponseStatus::kSigRequired,
        OcspResponseStatus::kUnauthorized}) {
    SCOPED_TRACE(std::string(OcspResponseStatusName(s)));
    auto der = BuildOcspErrorResponse(s);
    ASSERT_TRUE(der.ok());
    EXPECT_EQ(*der, (Bytes{0x30, 0x03, 0x0a, 0x01, static_cast<uint8_t>(s)}));
    auto resp = OcspResponse::Parse(*der);
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_EQ(resp->status(), s);
    EXPECT_FALSE(resp->successful());
    EXPECT_TRUE(resp->responses().empty());
    auto key = *PrivateKey::Generate(KeySpec::kSm2);
    EXPECT_EQ(resp->VerifySignedBy(key.public_key()).code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(OcspResponseStatusName(OcspResponseStatus::kSigRequired), "sigRequired");
  EXPECT_FALSE(BuildOcspErrorResponse(OcspResponseStatus::kSuccessful).ok());
  EXPECT_FALSE(OcspResponse::Parse(Bytes{0x30, 0x03, 0x0a, 0x01, 0x04}).ok());  // unused value
  EXPECT_FALSE(OcspResponse::Parse(Bytes{0x30, 0x03, 0x0a, 0x01, 0x00}).ok());  // no bytes
  EXPECT_FALSE(OcspResponse::Parse(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).ok());  // INTEGER
  EXPECT_FALSE(OcspResponse::Parse(Bytes{0x30, 0x04, 0x0a, 0x02, 0x00, 0x01}).ok());
  // An error status with responseBytes.
  Bytes rb = der::Explicit(0, der::Seq({der::Oid(oid::kOcspBasic), der::OctetString(Bytes{})}));
  EXPECT_FALSE(OcspResponse::Parse(der::Seq({Bytes{0x0a, 0x01, 0x02}, rb})).ok());
}

TEST(OcspResponseTest, OpensslAcceptsOurRsaResponse) {
  base::FakeClock clock(NowSeconds());
  Pki p = MakePki(KeySpec::kRsa2048, clock);
  auto now = NowSeconds();
  TempDir dir;
  dir.Write("root_and_ca.pem", p.root.cert.ToPem() + p.ca.cert.ToPem());
  dir.Write("ca.pem", p.ca.cert.ToPem());
  dir.Write("good.pem", p.good.cert.ToPem());
  dir.Write("revoked.pem", p.revoked.cert.ToPem());
  dir.Write("unknown.pem", p.unknown.cert.ToPem());
  auto der = BuildOcspResponse(*p.responder.signer, p.responder.cert, Answers(p, now), now,
                               std::nullopt, true);
  ASSERT_TRUE(der.ok()) << der.status();
  dir.Write("resp.der", *der);
  std::string out =
      Openssl({"ocsp", "-respin", dir.File("resp.der"), "-CAfile", dir.File("root_and_ca.pem"),
               "-issuer", dir.File("ca.pem"), "-cert", dir.File("good.pem"), "-cert",
               dir.File("revoked.pem"), "-cert", dir.File("unknown.pem"), "-no_nonce"});
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_NE(out.find("good.pem: good"), std::string::npos) << out;
  EXPECT_NE(out.find("revoked.pem: revoked"), std::string::npos) << out;
  EXPECT_NE(out.find("Reason: keyCompromise"), std::string::npos) << out;
  EXPECT_NE(out.find("unknown.pem: unknown"), std::string::npos) << out;
  EXPECT_EQ(out.find("WARNING"), std::string::npos) << out;

  // A request made by OpenSSL, answered with its nonce echoed: OpenSSL checks the nonce.
  Openssl({"ocsp", "-issuer", dir.File("ca.pem"), "-cert", dir.File("good.pem"), "-reqout",
           dir.File("req.der")});
  auto req = OcspRequest::Parse(dir.Read("req.der"));
  ASSERT_TRUE(req.ok()) << req.status();
  ASSERT_TRUE(req->nonce().has_value());
  SingleResponse single = Answers(p, now)[0];
  single.cert_id = req->cert_ids()[0];
  auto echoed =
      BuildOcspResponse(*p.responder.signer, p.responder.cert, {single}, now, req->nonce(), true);
  ASSERT_TRUE(echoed.ok());
  dir.Write("echoed.der", *echoed);
  // -no_nonce keeps the request's own nonce (otherwise OpenSSL replaces it with a new one).
  auto check = [&](const std::string& response) {
    return std::vector<std::string>{"ocsp",   "-reqin",  dir.File("req.der"),         "-respin",
                                    response, "-CAfile", dir.File("root_and_ca.pem"), "-no_nonce"};
  };
  out = Openssl(check(dir.File("echoed.der")));
  EXPECT_NE(out.find("Response verify OK"), std::string::npos) << out;
  EXPECT_EQ(out.find("Nonce Verify error"), std::string::npos) << out;
  EXPECT_EQ(out.find("WARNING"), std::string::npos) << out;
  // A different nonce is caught.
  Bytes other_nonce = *req->nonce();
  other_nonce.back() ^= 1;
  dir.Write("other.der", *BuildOcspResponse(*p.responder.signer, p.responder.cert, {single}, now,
                                            other_nonce, true));
  out = Openssl(check(dir.File("other.der")), 1);
  EXPECT_NE(out.find("Nonce Verify error"), std::string::npos) << out;
  // A tampered response is refused.
  Bytes t = *der;
  size_t at = 0;
  ASSERT_TRUE(Contains(t, p.good.cert.serial(), &at));
  t[at + 3] ^= 0x01;
  dir.Write("tampered.der", t);
  out = Openssl({"ocsp", "-respin", dir.File("tampered.der"), "-CAfile",
                 dir.File("root_and_ca.pem"), "-no_nonce"},
                1);
  EXPECT_NE(out.find("Response Verify Failure"), std::string::npos) << out;
}

TEST(OcspResponseTest, Sm2ResponseCheckedByOpensslPkeyutl) {
  base::FakeClock clock(NowSeconds());
  Pki p = MakePki(KeySpec::kSm2, clock);
  auto now = NowSeconds();
  auto der = BuildOcspResponse(*p.responder.signer, p.responder.cert, Answers(p, now), now,
                               MakeOcspNonce(Bytes(16, 7)), true);
  ASSERT_TRUE(der.ok()) << der.status();
  auto resp = OcspResponse::Parse(*der);
  ASSERT_TRUE(resp.ok());
  TempDir dir;
  dir.Write("tbs.der", resp->tbs_response_data_der());
  dir.Write("sig.der", resp->signature());
  dir.Write("pub.pem", p.responder.cert.public_key().ToPem());
  dir.Write("resp.der", *der);
  std::vector<std::string> check = {
      "pkeyutl", "-verify",           "-pubin",   "-inkey",           dir.File("pub.pem"),
      "-rawin",  "-digest",           "sm3",      "-pkeyopt",         kDistId,
      "-in",     dir.File("tbs.der"), "-sigfile", dir.File("sig.der")};
  std::string out = Openssl(check);
  EXPECT_NE(out.find("Signature Verified Successfully"), std::string::npos) << out;
  // OpenSSL reads the response (it cannot check a GM/T-ID signature itself).
  std::string text = Openssl({"ocsp", "-respin", dir.File("resp.der"), "-resp_text", "-noverify"});
  EXPECT_NE(text.find("Cert Status: good"), std::string::npos) << text;
  EXPECT_NE(text.find("Cert Status: revoked"), std::string::npos) << text;
  EXPECT_NE(text.find("Revocation Reason: keyCompromise"), std::string::npos) << text;
  EXPECT_NE(text.find("Cert Status: unknown"), std::string::npos) << text;
  EXPECT_NE(text.find("SM2-with-SM3"), std::string::npos) << text;
  Bytes tbs = resp->tbs_response_data_der();
  tbs[tbs.size() / 2] ^= 0x01;
  dir.Write("tbs.der", tbs);
  out = Openssl(check, 1);
  EXPECT_NE(out.find("Signature Verification Failure"), std::string::npos) << out;
}

TEST(OcspResponseTest, ParsesAndVerifiesOpensslResponder) {
  base::FakeClock clock(NowSeconds());
  for (KeySpec spec : {KeySpec::kRsa2048, KeySpec::kSm2}) {
    bool sm2 = spec == KeySpec::kSm2;
    SCOPED_TRACE(sm2 ? "SM2" : "RSA");
    Pki p = MakePki(spec, clock);
    TempDir dir;
    dir.Write("ca.pem", p.ca.cert.ToPem());
    dir.Write("responder.pem", p.responder.cert.ToPem());
    dir.Write("responder.key", PrivatePem(p.responder.key));
    dir.Write("good.pem", p.good.cert.ToPem());
    dir.Write("revoked.pem", p.revoked.cert.ToPem());
    dir.Write("unknown.pem", p.unknown.cert.ToPem());
    std::string index = "V\t301231235959Z\t\t" + base::HexEncodeUpper(p.good.cert.serial()) +
                        "\tunknown\t/CN=good\n"
                        "R\t301231235959Z\t260101120000Z,keyCompromise\t" +
                        base::HexEncodeUpper(p.revoked.cert.serial()) + "\tunknown\t/CN=revoked\n";
    dir.Write("index.txt", index);
    Openssl({"ocsp", "-issuer", dir.File("ca.pem"), "-cert", dir.File("good.pem"), "-cert",
             dir.File("revoked.pem"), "-cert", dir.File("unknown.pem"), "-reqout",
             dir.File("req.der")});
    std::vector<std::string> respond = {"ocsp",
                                        "-index",
                                        dir.File("index.txt"),
                                        "-rsigner",
                                        dir.File("responder.pem"),
                                        "-rkey",
                                        dir.File("responder.key"),
                                        "-CA",
                                        dir.File("ca.pem"),
                                        "-reqin",
                                        dir.File("req.der"),
                                        "-ndays",
                                        "1",
                                        "-respout",
                                        dir.File("resp.der")};
    if (sm2) respond.insert(respond.end(), {"-rsigopt", kDistId});
    Openssl(respond);
    auto req = OcspRequest::Parse(dir.Read("req.der"));
    ASSERT_TRUE(req.ok());
    auto resp = OcspResponse::Parse(dir.Read("resp.der"));
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_TRUE(resp->successful());
    EXPECT_EQ(resp->responder_name_der(), p.responder.cert.subject_der());  // byName by default
    EXPECT_TRUE(resp->ResponderIs(p.responder.cert));
    EXPECT_EQ(resp->nonce(), req->nonce());
    ASSERT_EQ(resp->certs().size(), 1u);
    EXPECT_EQ(resp->certs()[0].der(), p.responder.cert.der());
    Status v = resp->VerifySignedBy(p.responder.cert.public_key());
    EXPECT_TRUE(v.ok()) << v;
    EXPECT_FALSE(resp->VerifySignedBy(p.ca.cert.public_key()).ok());
    ASSERT_EQ(resp->responses().size(), 3u);
    const SingleResponse* good = resp->Find(p.good.cert, p.ca.cert);
    const SingleResponse* revoked = resp->Find(p.revoked.cert, p.ca.cert);
    const SingleResponse* unknown = resp->Find(p.unknown.cert, p.ca.cert);
    ASSERT_TRUE(good && revoked && unknown);
    EXPECT_EQ(good->status, OcspCertStatus::kGood);
    ASSERT_TRUE(good->next_update.has_value());
    EXPECT_EQ(*good->next_update - good->this_update, std::chrono::hours(24));
    EXPECT_EQ(revoked->status, OcspCertStatus::kRevoked);
    EXPECT_EQ(revoked->revocation_reason, CrlReason::kKeyCompromise);
    EXPECT_EQ(base::FormatRfc3339(revoked->revocation_time), "2026-01-01T12:00:00Z");
    EXPECT_EQ(unknown->status, OcspCertStatus::kUnknown);

    // byKey responder ID; and OpenSSL's default empty SM2 ID is not accepted.
    respond.insert(respond.end(), {"-resp_key_id"});
    if (sm2) respond.erase(respond.end() - 3, respond.end() - 1);  // drop -rsigopt distid
    Openssl(respond);
    auto by_key = OcspResponse::Parse(dir.Read("resp.der"));
    ASSERT_TRUE(by_key.ok()) << by_key.status();
    EXPECT_EQ(by_key->responder_key_hash(), KeyId(p.responder.cert.public_key()));
    EXPECT_TRUE(by_key->ResponderIs(p.responder.cert));
    EXPECT_EQ(by_key->VerifySignedBy(p.responder.cert.public_key()).ok(), !sm2);
  }
}

TEST(OcspResponseTest, TamperedResponsesFail) {
  base::FakeClock clock(Seconds(1795708450));
  Pki p = MakePki(KeySpec::kSm2, clock);
  auto now = Seconds(1795708400);
  Bytes der = *BuildOcspResponse(*p.responder.signer, p.responder.cert, Answers(p, now), now,
                                 MakeOcspNonce(Bytes(16, 3)), true);
  auto good = OcspResponse::Parse(der);
  ASSERT_TRUE(good.ok());
  const crypto::PublicKey& key = p.responder.cert.public_key();
  size_t start = 0;
  ASSERT_TRUE(Contains(der, good->tbs_response_data_der(), &start));
  for (size_t i = start; i < start + good->tbs_response_data_der().size(); ++i) {
    Bytes t = der;
    t[i] ^= 0x01;
    auto r = OcspResponse::Parse(t);
    if (r.ok()) {
      EXPECT_FALSE(r->VerifySignedBy(key).ok()) << "byte " << i;
    }
  }
  Bytes sig = der;
  size_t sig_at = 0;
  ASSERT_TRUE(Contains(sig, good->signature(), &sig_at));
  sig[sig_at + 10] ^= 0x01;
  auto r = OcspResponse::Parse(sig);
  if (r.ok()) {
    EXPECT_FALSE(r->VerifySignedBy(key).ok());
  }
  for (size_t n = 0; n < der.size(); n += 3) {
    EXPECT_FALSE(OcspResponse::Parse(ByteView(der).first(n)).ok()) << n;
  }
  // A producedAt that std::chrono's nanosecond time_point cannot hold is refused, not wrapped
  // around (regression: undefined behaviour under UBSan).
  Bytes produced = der::GeneralizedTime(now);
  size_t pos = 0;
  ASSERT_TRUE(Contains(der, produced, &pos));
  for (const char* year : {"9999", "0001"}) {
    Bytes far = der;
    std::copy(year, year + 4, far.begin() + static_cast<ptrdiff_t>(pos + 2));
    auto fr = OcspResponse::Parse(far);
    ASSERT_FALSE(fr.ok());
    EXPECT_NE(fr.status().message().find("time out of range"), std::string::npos) << fr.status();
  }
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_FALSE(OcspResponse::Parse(longer).ok());
}

}  // namespace
}  // namespace hetong::pki
