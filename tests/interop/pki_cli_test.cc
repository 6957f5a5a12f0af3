// The instance CA against the real openssl: CSRs from `openssl req`, chains through
// `openssl verify`, CRLs through `openssl crl -verify`, the OCSP responder through
// `openssl ocsp -url`, and SM2 signatures of CRLs and OCSP responses through `openssl pkeyutl`
// with the GM/T default ID (OpenSSL 3.0 cannot be given the ID for those itself).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/testing.h"

namespace hetong {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class PkiCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    port_ = testing::FreePort();
    auto init = RunCommand({testing::HetongBinary(), "init", "--data", Data(), "--listen",
                            "127.0.0.1:" + std::to_string(port_)});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    for (std::string ca : {"sm2-root", "sm2-ca", "rsa-root", "rsa-ca"}) {
      auto show = RunCommand(
          {testing::HetongBinary(), "ca", "show", "--data", Data(), "--ca", ca, "--pem"});
      ASSERT_EQ(show.exit_code, 0) << show.err;
      dir_->Write(ca + ".pem", show.out.substr(show.out.find("-----BEGIN")));
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Data() { return dir_->File("inst"); }
  static std::string F(const std::string& n) { return dir_->File(n); }
  static CommandResult Hetong(std::vector<std::string> args) {
    args.insert(args.begin(), testing::HetongBinary());
    return RunCommand(args);
  }
  static CommandResult Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return RunCommand(args);
  }
  static std::string Read(const std::string& n) {
    auto b = dir_->Read(n);
    return std::string(b.begin(), b.end());
  }
  // Issues a certificate for a new openssl-made key; returns the certificate file name.
  static std::string IssueFromOpensslCsr(const std::string& name, const std::string& alg,
                                         const std::string& profile) {
    std::vector<std::string> req = {"req",  "-new",          "-subj", "/C=CN/O=Interop/CN=" + name,
                                    "-out", F(name + ".csr")};
    if (alg == "sm2") {
      EXPECT_EQ(Openssl({"genpkey", "-algorithm", "SM2", "-out", F(name + ".key")}).exit_code, 0);
      req.insert(req.end(),
                 {"-key", F(name + ".key"), "-sm3", "-sigopt", "distid:1234567812345678"});
    } else {
      req.insert(req.end(), {"-newkey", "rsa:2048", "-nodes", "-keyout", F(name + ".key")});
    }
    auto r = Openssl(req);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto issue = Hetong({"ca", "issue", "--data", Data(), "--csr", F(name + ".csr"), "--profile",
                         profile, "--out", F(name + ".pem")});
    EXPECT_EQ(issue.exit_code, 0) << issue.err;
    return F(name + ".pem");
  }
  // Splits a signed DER structure (certificate, CRL, BasicOCSPResponse) into its first element
  // (the signed part) and the signature (contents of its top-level BIT STRING).
  static void SplitSigned(const std::string& der_file, const std::string& tbs_out,
                          const std::string& sig_out) {
    auto parse = Openssl({"asn1parse", "-inform", "DER", "-in", der_file});
    ASSERT_EQ(parse.exit_code, 0);
    int tbs_offset = -1, sig_offset = -1;
    std::stringstream ss(parse.out);
    for (std::string line; std::getline(ss, line);) {
      if (line.find("d=1") == std::string::npos) continue;
      int off = std::stoi(line.substr(0, line.find(':')));
      if (tbs_offset < 0) tbs_offset = off;
      if (line.find("BIT STRING") != std::string::npos) sig_offset = off;
    }
    ASSERT_GE(tbs_offset, 0);
    ASSERT_GE(sig_offset, 0);
    ASSERT_EQ(Openssl({"asn1parse", "-inform", "DER", "-in", der_file, "-strparse",
                       std::to_string(tbs_offset), "-noout", "-out", tbs_out})
                  .exit_code,
              0);
    // -strparse of a BIT STRING yields its contents after the unused-bits byte.
    ASSERT_EQ(Openssl({"asn1parse", "-inform", "DER", "-in", der_file, "-strparse",
                       std::to_string(sig_offset), "-noout", "-out", sig_out})
                  .exit_code,
              0);
  }

  static testing::TempDir* dir_;
  static int port_;
};

testing::TempDir* PkiCliTest::dir_ = nullptr;
int PkiCliTest::port_ = 0;

TEST_F(PkiCliTest, OpensslCsrsAreAcceptedAndChainsVerify) {
  std::string rsa = IssueFromOpensslCsr("rsa-user", "rsa", "personal");
  auto v = Openssl(
      {"verify", "-x509_strict", "-CAfile", F("rsa-root.pem"), "-untrusted", F("rsa-ca.pem"), rsa});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  std::string sm2 = IssueFromOpensslCsr("sm2-user", "sm2", "org");
  auto l1 = Openssl({"verify", "-CAfile", F("sm2-root.pem"), "-vfyopt", "distid:1234567812345678",
                     F("sm2-ca.pem")});
  EXPECT_EQ(l1.exit_code, 0) << l1.out << l1.err;
  auto l2 = Openssl({"verify", "-partial_chain", "-CAfile", F("sm2-ca.pem"), "-vfyopt",
                     "distid:1234567812345678", sm2});
  EXPECT_EQ(l2.exit_code, 0) << l2.out << l2.err;
  // And our own validator agrees.
  auto ours = Hetong({"cert", "verify", "--cert", sm2, "--chain", F("sm2-ca.pem"), "--trust",
                      F("sm2-root.pem"), "--purpose", "sign"});
  EXPECT_EQ(ours.exit_code, 0) << ours.out;
  // A TLS certificate with the SAN requested in the CSR.
  ASSERT_EQ(Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", F("tls.key"), "-subj", "/CN=localhost", "-addext",
                     "subjectAltName=DNS:localhost,IP:127.0.0.1", "-out", F("tls.csr")})
                .exit_code,
            0);
  ASSERT_EQ(Hetong({"ca", "issue", "--data", Data(), "--csr", F("tls.csr"), "--profile", "tls",
                    "--out", F("tls.pem")})
                .exit_code,
            0);
  auto tv = Openssl({"verify", "-purpose", "sslserver", "-CAfile", F("rsa-root.pem"), "-untrusted",
                     F("rsa-ca.pem"), F("tls.pem")});
  EXPECT_EQ(tv.exit_code, 0) << tv.out << tv.err;
}

TEST_F(PkiCliTest, TheRaQueueHoldsRequestsUntilAnOperatorDecides) {
  ASSERT_EQ(Hetong({"csr", "new", "--alg", "sm2", "--key-out", F("ra.key"), "--subject",
                    "/C=CN/CN=王五", "--out", F("ra.csr")})
                .exit_code,
            0);
  auto a = Hetong({"ca", "submit", "--data", Data(), "--csr", F("ra.csr"), "--profile", "personal",
                   "--requester", "web"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::string id_a = a.out.substr(0, a.out.find('\n'));
  auto b =
      Hetong({"ca", "submit", "--data", Data(), "--csr", F("ra.csr"), "--profile", "personal"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string id_b = b.out.substr(0, b.out.find('\n'));
  auto list = Hetong({"ca", "requests", "--data", Data()});
  EXPECT_NE(list.out.find("王五"), std::string::npos) << list.out;
  // Approve one (the certificate comes out), reject the other (with a reason).
  auto ok = Hetong({"ca", "approve", "--data", Data(), "--id", id_a, "--out", F("ra.pem")});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto v = Hetong({"cert", "verify", "--cert", F("ra.pem"), "--chain", F("sm2-ca.pem"), "--trust",
                   F("sm2-root.pem")});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_EQ(
      Hetong({"ca", "reject", "--data", Data(), "--id", id_b, "--reason", "duplicate"}).exit_code,
      0);
  // Decided requests leave the queue and cannot be decided again.
  list = Hetong({"ca", "requests", "--data", Data()});
  EXPECT_EQ(list.out.find("王五"), std::string::npos) << list.out;
  auto again = Hetong({"ca", "approve", "--data", Data(), "--id", id_b, "--out", F("x.pem")});
  EXPECT_EQ(again.exit_code, 2);
  // A request that is not a CSR never enters the queue.
  dir_->Write(
      "junk.csr",
      std::string(
          "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"));
  EXPECT_EQ(
      Hetong({"ca", "submit", "--data", Data(), "--csr", F("junk.csr"), "--profile", "personal"})
          .exit_code,
      2);
}

TEST_F(PkiCliTest, Sm2CsrWithoutTheGmIdIsRefusedClearly) {
  ASSERT_EQ(Openssl({"genpkey", "-algorithm", "SM2", "-out", F("noid.key")}).exit_code, 0);
  ASSERT_EQ(Openssl({"req", "-new", "-key", F("noid.key"), "-subj", "/CN=no id", "-sm3", "-out",
                     F("noid.csr")})
                .exit_code,
            0);
  auto r =
      Hetong({"ca", "issue", "--data", Data(), "--csr", F("noid.csr"), "--profile", "personal"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("distid"), std::string::npos) << r.err;
}

TEST_F(PkiCliTest, CrlsVerifyWithOpenssl) {
  std::string rsa = IssueFromOpensslCsr("revoked-user", "rsa", "personal");
  auto serial = Openssl({"x509", "-in", rsa, "-noout", "-serial"});
  std::string hex = serial.out.substr(serial.out.find('=') + 1);
  hex.erase(hex.find_last_not_of("\n") + 1);
  ASSERT_EQ(
      Hetong({"ca", "revoke", "--data", Data(), "--serial", hex, "--reason", "affiliationChanged"})
          .exit_code,
      0);
  ASSERT_EQ(
      Hetong({"ca", "crl", "--data", Data(), "--ca", "rsa-ca", "--out", F("rsa.crl")}).exit_code,
      0);
  auto v = Openssl({"crl", "-inform", "DER", "-in", F("rsa.crl"), "-CAfile", F("rsa-ca.pem"),
                    "-noout", "-verify"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.err.find("verify OK"), std::string::npos) << v.err;
  auto text = Openssl({"crl", "-inform", "DER", "-in", F("rsa.crl"), "-noout", "-text"});
  EXPECT_NE(text.out.find(hex), std::string::npos);
  EXPECT_NE(text.out.find("Affiliation Changed"), std::string::npos);
  // openssl verify with the CRL reports the revocation.
  Openssl({"crl", "-inform", "DER", "-in", F("rsa.crl"), "-out", F("rsa-crl.pem")});
  ASSERT_EQ(
      Hetong({"ca", "crl", "--data", Data(), "--ca", "rsa-root", "--out", F("root.crl")}).exit_code,
      0);
  Openssl({"crl", "-inform", "DER", "-in", F("root.crl"), "-out", F("root-crl.pem")});
  std::ofstream(F("crls.pem")) << Read("rsa-crl.pem") << Read("root-crl.pem");
  auto revoked = Openssl({"verify", "-crl_check_all", "-CAfile", F("rsa-root.pem"), "-untrusted",
                          F("rsa-ca.pem"), "-CRLfile", F("crls.pem"), rsa});
  EXPECT_NE(revoked.exit_code, 0);
  EXPECT_NE((revoked.out + revoked.err).find("revoked"), std::string::npos)
      << revoked.out << revoked.err;
  // SM2 CRL: its signature checks with pkeyutl and the GM/T ID.
  ASSERT_EQ(
      Hetong({"ca", "crl", "--data", Data(), "--ca", "sm2-ca", "--out", F("sm2.crl")}).exit_code,
      0);
  SplitSigned(F("sm2.crl"), F("sm2-crl-tbs.der"), F("sm2-crl-sig.der"));
  ASSERT_EQ(
      Openssl({"x509", "-in", F("sm2-ca.pem"), "-noout", "-pubkey", "-out", F("sm2-ca-pub.pem")})
          .exit_code,
      0);
  auto pk = Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("sm2-ca-pub.pem"), "-rawin",
                     "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in",
                     F("sm2-crl-tbs.der"), "-sigfile", F("sm2-crl-sig.der")});
  EXPECT_EQ(pk.exit_code, 0) << pk.out << pk.err;
}

TEST_F(PkiCliTest, OcspResponderAnswersOpensslGoodRevokedUnknown) {
  std::string good = IssueFromOpensslCsr("ocsp-good", "rsa", "personal");
  std::string bad = IssueFromOpensslCsr("ocsp-revoked", "rsa", "personal");
  auto serial = Openssl({"x509", "-in", bad, "-noout", "-serial"});
  std::string hex = serial.out.substr(serial.out.find('=') + 1);
  hex.erase(hex.find_last_not_of("\n") + 1);
  ASSERT_EQ(Hetong({"ca", "revoke", "--data", Data(), "--serial", hex, "--reason", "keyCompromise"})
                .exit_code,
            0);
  testing::ServerProcess server(Data(), port_, F("serve.log"));
  ASSERT_TRUE(server.running()) << Read("serve.log");
  std::string url = server.url() + "/pki/ocsp";
  auto g = Openssl({"ocsp", "-issuer", F("rsa-ca.pem"), "-cert", good, "-url", url, "-CAfile",
                    F("rsa-root.pem")});
  EXPECT_NE(g.err.find("Response verify OK"), std::string::npos) << g.err << g.out;
  EXPECT_NE(g.out.find(": good"), std::string::npos) << g.out;
  auto r = Openssl({"ocsp", "-issuer", F("rsa-ca.pem"), "-cert", bad, "-url", url, "-CAfile",
                    F("rsa-root.pem")});
  EXPECT_NE(r.out.find(": revoked"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("keyCompromise"), std::string::npos) << r.out;
  auto u = Openssl({"ocsp", "-issuer", F("rsa-ca.pem"), "-serial", "0x0123456789", "-url", url,
                    "-CAfile", F("rsa-root.pem")});
  EXPECT_NE(u.out.find(": unknown"), std::string::npos) << u.out;
  // Without nonce (cacheable) twice: same answer.
  auto n1 = Openssl({"ocsp", "-no_nonce", "-issuer", F("rsa-ca.pem"), "-cert", good, "-url", url,
                     "-CAfile", F("rsa-root.pem"), "-respout", F("resp1.der")});
  EXPECT_NE(n1.out.find(": good"), std::string::npos) << n1.out;
  // SM2: the responder's signature checks with pkeyutl and the GM/T ID.
  std::string sm2 = IssueFromOpensslCsr("ocsp-sm2", "sm2", "personal");
  auto s = Openssl({"ocsp", "-issuer", F("sm2-ca.pem"), "-cert", sm2, "-url", url, "-noverify",
                    "-respout", F("sm2-resp.der")});
  EXPECT_NE(s.out.find(": good"), std::string::npos) << s.out << s.err;
  auto parse = Openssl({"asn1parse", "-inform", "DER", "-in", F("sm2-resp.der")});
  // BasicOCSPResponse is in the OCTET STRING of responseBytes; its first element is
  // tbsResponseData.
  std::string octet_line;
  std::stringstream ss(parse.out);
  for (std::string line; std::getline(ss, line);) {
    if (line.find("OCTET STRING") != std::string::npos && octet_line.empty()) octet_line = line;
  }
  int off = std::stoi(octet_line.substr(0, octet_line.find(':')));
  ASSERT_EQ(Openssl({"asn1parse", "-inform", "DER", "-in", F("sm2-resp.der"), "-strparse",
                     std::to_string(off), "-noout", "-out", F("basic.der")})
                .exit_code,
            0);
  SplitSigned(F("basic.der"), F("tbs.der"), F("sig.der"));
  // The responder certificate is in the response; take its public key from the CA's listing.
  auto list = Hetong({"ca", "show", "--data", Data(), "--ca", "sm2-ocsp", "--pem"});
  dir_->Write("sm2-ocsp.pem", list.out.substr(list.out.find("-----BEGIN")));
  Openssl({"x509", "-in", F("sm2-ocsp.pem"), "-noout", "-pubkey", "-out", F("sm2-ocsp-pub.pem")});
  auto pk = Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("sm2-ocsp-pub.pem"), "-rawin",
                     "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", F("tbs.der"),
                     "-sigfile", F("sig.der")});
  EXPECT_EQ(pk.exit_code, 0) << pk.out << pk.err;
  // Online validation through the running responder.
  auto online = Hetong({"cert", "verify", "--cert", bad, "--chain", F("rsa-ca.pem"), "--trust",
                        F("rsa-root.pem"), "--online"});
  EXPECT_EQ(online.exit_code, 1) << online.out;
  EXPECT_NE(online.out.find("revoked"), std::string::npos);
  // The CA certificate and CRL endpoints.
  auto crt = RunCommand({"curl", "-s", "-o", F("fetched.crt"), "-w", "%{http_code} %{content_type}",
                         server.url() + "/pki/ca/rsa-ca.crt"});
  EXPECT_EQ(crt.out, "200 application/pkix-cert");
  auto crl = RunCommand({"curl", "-s", "-o", F("fetched.crl"), "-w", "%{http_code} %{content_type}",
                         server.url() + "/pki/crl/rsa-ca.crl"});
  EXPECT_EQ(crl.out, "200 application/pkix-crl");
  auto missing = RunCommand(
      {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", server.url() + "/pki/crl/x.crl"});
  EXPECT_EQ(missing.out, "404");
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace hetong
