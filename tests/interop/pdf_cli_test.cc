// `hetong pdf sign`, `hetong pdf timestamp` and `hetong verify` end to end on an instance:
// signers held by the instance and keys from files, visible seals, levels up to B-LTA with the
// instance's own TSA, OCSP and CRLs reached in process, revocation, tampering, exit codes and
// JSON reports; poppler's pdfsig reads what we write; a 100 MB PDF is signed in bounded memory.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "document/pdf/test_pdf.h"
#include "testing/testing.h"

namespace hetong {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class PdfCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_EQ(Hetong({"init", "--data", F("inst")}).exit_code, 0);
    auto e = Hetong({"signer", "enroll", "--data", F("inst"), "--name", "acme", "--subject",
                     "/C=CN/O=北京某某科技有限公司/CN=北京某某科技有限公司合同专用章"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    e = Hetong({"signer", "enroll", "--data", F("inst"), "--name", "zhang", "--alg", "rsa2048",
                "--profile", "personal", "--subject", "/C=CN/CN=张三"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    for (std::string ca : {"sm2-root", "rsa-root"}) {
      auto show = Hetong({"ca", "show", "--data", F("inst"), "--ca", ca, "--pem"});
      ASSERT_EQ(show.exit_code, 0) << show.err;
      dir_->Write(ca + ".pem", show.out.substr(show.out.find("-----BEGIN")));
    }
    document::pdf::testing::TestPdfSpec spec;
    spec.pages = 3;
    spec.signature_field = true;
    ASSERT_TRUE(document::pdf::testing::WriteTestPdf(F("contract.pdf"), spec).ok());
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string F(const std::string& n) { return dir_->File(n); }
  static CommandResult Hetong(std::vector<std::string> args) {
    args.insert(args.begin(), testing::HetongBinary());
    return RunCommand(args);
  }
  static nlohmann::json VerifyJson(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify", file, "--data", F("inst"), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = Hetong(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j.value("allPassed", false), r.exit_code == 0);
    return j;
  }
  static testing::TempDir* dir_;
};

testing::TempDir* PdfCliTest::dir_ = nullptr;

TEST_F(PdfCliTest, InstanceSignersSignWithSealsUpToLongTermArchive) {
  ASSERT_EQ(Hetong({"seal", "company", "--name", "北京某某科技有限公司", "--code", "1101080012345",
                    "--title", "合同专用章", "--out", F("seal.png")})
                .exit_code,
            0);
  // The company seals the form's empty field on page 1 with a certification; 张三 signs page 3
  // with his personal seal and a caption; then the archive time-stamp.
  auto r = Hetong({"pdf",       "sign",           "--in",     F("contract.pdf"), "--out",
                   F("s1.pdf"), "--data",         F("inst"),  "--signer",        "acme",
                   "--certify", "--field",        "SignHere", "--page",          "1",
                   "--rect",    "360,60,180,100", "--image",  F("seal.png"),     "--reason",
                   "同意",      "--location",     "北京"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Hetong({"seal", "personal", "--name", "张三", "--out", F("zhang.png")}).exit_code, 0);
  r = Hetong({"pdf",    "sign",        "--in",     F("s1.pdf"),      "--out",   F("s2.pdf"),
              "--data", F("inst"),     "--signer", "zhang",          "--level", "B-LT",
              "--page", "3",           "--rect",   "400,80,120,120", "--image", F("zhang.png"),
              "--text", "签署人：张三"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Hetong({"pdf", "timestamp", "--in", F("s2.pdf"), "--out", F("s3.pdf"), "--data", F("inst"),
              "--archive"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto q = RunCommand({"qpdf", "--check", F("s3.pdf")});
  EXPECT_EQ(q.exit_code, 0) << q.out;

  // Online (the instance's OCSP and CRLs, in process) and offline (the file's DSS alone).
  for (bool offline : {false, true}) {
    SCOPED_TRACE(offline ? "offline" : "online");
    auto j = VerifyJson(
        F("s3.pdf"), offline ? std::vector<std::string>{"--offline"} : std::vector<std::string>{});
    ASSERT_EQ(j["signatures"].size(), 3u) << j.dump(2);
    EXPECT_TRUE(j["allPassed"].get<bool>()) << j.dump(2);
    EXPECT_EQ(j["signatures"][0]["signerName"], "北京某某科技有限公司合同专用章");
    EXPECT_TRUE(j["signatures"][0]["certification"].get<bool>());
    EXPECT_EQ(j["signatures"][0]["signatureAlgorithm"], "sm2-sm3");
    EXPECT_EQ(j["signatures"][0]["level"], "B-LTA");
    EXPECT_EQ(j["signatures"][1]["signerName"], "张三");
    EXPECT_EQ(j["signatures"][1]["signatureAlgorithm"], "rsa-pkcs1-sha256");
    EXPECT_EQ(j["signatures"][1]["level"], "B-LTA");
    EXPECT_EQ(j["signatures"][2]["kind"], "document-timestamp");
  }
  // Without trust in the instance: not valid (exit 1), and the reason is given.
  auto untrusted = Hetong({"verify", F("s3.pdf")});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.out.find("NO_CERTIFICATE_CHAIN_FOUND"), std::string::npos) << untrusted.out;
  // With the roots as files instead: valid offline.
  auto files = Hetong({"verify", F("s3.pdf"), "--trust", F("sm2-root.pem"), "--trust",
                       F("rsa-root.pem"), "--offline"});
  EXPECT_EQ(files.exit_code, 0) << files.out;
  EXPECT_NE(files.out.find("Result: every signature is valid."), std::string::npos);
}

TEST_F(PdfCliTest, KeysFromFilesAndPopplerAgrees) {
  // A key and a CSR made outside, a certificate from the instance's CA.
  auto c = Hetong({"csr", "new", "--alg", "ecdsa-p256", "--key-out", F("ec.key"), "--subject",
                   "/C=CN/CN=李四", "--out", F("ec.csr")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  c = Hetong({"ca", "issue", "--data", F("inst"), "--csr", F("ec.csr"), "--profile", "personal",
              "--out", F("ec.pem")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto ca = Hetong({"ca", "show", "--data", F("inst"), "--ca", "rsa-ca", "--pem"});
  dir_->Write("rsa-ca.pem", ca.out.substr(ca.out.find("-----BEGIN")));
  auto r =
      Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("ec-signed.pdf"), "--key",
              F("ec.key"), "--cert", F("ec.pem"), "--chain", F("rsa-ca.pem"), "--level", "B-B"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = VerifyJson(F("ec-signed.pdf"));
  EXPECT_TRUE(j["allPassed"].get<bool>()) << j.dump(2);
  EXPECT_EQ(j["signatures"][0]["signatureAlgorithm"], "ecdsa-sha256");
  EXPECT_EQ(j["signatures"][0]["level"], "B-B");
  // poppler: valid, whole document.
  auto p = RunCommand({"pdfsig", "-no-ocsp", F("ec-signed.pdf")});
  EXPECT_NE(p.out.find("Signature is Valid."), std::string::npos) << p.out << p.err;
  EXPECT_NE(p.out.find("Total document signed"), std::string::npos) << p.out;
  // The wrong key for the certificate: refused before anything is written.
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "ecdsa-p256", "--out", F("other.key")}).exit_code,
            0);
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("x.pdf"), "--key",
              F("other.key"), "--cert", F("ec.pem")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not belong"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(F("x.pdf")).good());
}

TEST_F(PdfCliTest, TamperingAndRevocationAreReported) {
  auto r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("t.pdf"), "--data",
                   F("inst"), "--signer", "acme"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = VerifyJson(F("t.pdf"));
  EXPECT_EQ(j["signatures"][0]["level"], "B-T");  // B-T by default with the instance's TSA
  EXPECT_TRUE(j["allPassed"].get<bool>());
  // One byte of page content changed.
  std::string bytes;
  {
    std::ifstream in(F("t.pdf"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t at = bytes.find("stream\n", bytes.find("/Contents"));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 30] ^= 0x20;
  dir_->Write("t-bad.pdf", bytes);
  j = VerifyJson(F("t-bad.pdf"));
  EXPECT_EQ(j["signatures"][0]["indication"], "TOTAL_FAILED");
  EXPECT_EQ(j["signatures"][0]["subIndication"], "HASH_FAILURE");

  // A certificate revoked after it signed: the B-T signature stays valid (the time-stamp
  // proves it was made before); after revocation the signer cannot sign any more.
  auto show = Hetong({"signer", "show", "--data", F("inst"), "--name", "zhang"});
  ASSERT_EQ(show.exit_code, 0);
  size_t s = show.out.find("serial:");
  std::string serial = show.out.substr(s + 7);
  serial = serial.substr(serial.find_first_not_of(' '));
  serial = serial.substr(0, serial.find('\n'));
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("z.pdf"), "--data", F("inst"),
              "--signer", "zhang"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Revocation times have whole seconds: revoke in a later second than the time-stamp's.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(
      Hetong({"ca", "revoke", "--data", F("inst"), "--serial", serial, "--reason", "keyCompromise"})
          .exit_code,
      0);
  j = VerifyJson(F("z.pdf"));
  EXPECT_TRUE(j["allPassed"].get<bool>()) << j.dump(2);
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("z2.pdf"), "--data", F("inst"),
              "--signer", "zhang"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no valid certificate"), std::string::npos) << r.err;
  // Without a time-stamp the same signature cannot be placed before the revocation.
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("k.pdf"), "--data", F("inst"),
              "--signer", "acme", "--level", "B-B"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = VerifyJson(F("k.pdf"));
  EXPECT_TRUE(j["allPassed"].get<bool>());
}

TEST_F(PdfCliTest, SignersAreRenewedAndRetired) {
  auto e = Hetong({"signer", "enroll", "--data", F("inst"), "--name", "temp", "--subject",
                   "/C=CN/CN=临时签署人"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto before = Hetong({"signer", "show", "--data", F("inst"), "--name", "temp"});
  auto r = Hetong({"signer", "renew", "--data", F("inst"), "--name", "temp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto after = Hetong({"signer", "show", "--data", F("inst"), "--name", "temp"});
  EXPECT_NE(before.out, after.out);  // a new serial
  ASSERT_EQ(Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("temp.pdf"), "--data",
                    F("inst"), "--signer", "temp"})
                .exit_code,
            0);
  std::this_thread::sleep_for(
      std::chrono::milliseconds(1100));  // revocation times have whole seconds
  ASSERT_EQ(Hetong({"signer", "retire", "--data", F("inst"), "--name", "temp"}).exit_code, 0);
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("temp2.pdf"), "--data",
              F("inst"), "--signer", "temp"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no signer named"), std::string::npos) << r.err;
  // The name is free again.
  EXPECT_EQ(Hetong({"signer", "enroll", "--data", F("inst"), "--name", "temp", "--subject",
                    "/C=CN/CN=新的签署人"})
                .exit_code,
            0);
  // Verifying does not change the instance: no certificate is issued by 'verify --data'.
  auto count = [&] { return Hetong({"ca", "list", "--data", F("inst")}).out; };
  std::string listed = count();
  EXPECT_EQ(Hetong({"verify", F("temp.pdf"), "--data", F("inst"), "--json"}).exit_code, 0);
  EXPECT_EQ(count(), listed);
}

TEST_F(PdfCliTest, BadInputGetsOneClearLineAndExitCode2) {
  dir_->Write("not.pdf", std::string("plain text\n"));
  auto r = Hetong({"verify", F("not.pdf")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a PDF"), std::string::npos) << r.err;
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("o.pdf"), "--data", F("inst"),
              "--signer", "nobody"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no signer named"), std::string::npos) << r.err;
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("o.pdf"), "--data", F("inst"),
              "--signer", "acme", "--rect", "1,2,3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rect"), std::string::npos) << r.err;
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("o.pdf"), "--data", F("inst"),
              "--signer", "acme", "--text", "张三"});
  EXPECT_EQ(r.exit_code, 2);
  r = Hetong({"pdf", "sign", "--in", F("contract.pdf"), "--out", F("o.pdf"), "--data", F("inst"),
              "--signer", "acme", "--rect", "10,10,100,50", "--image", F("not.pdf")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::ifstream(F("o.pdf")).good());
  r = Hetong({"seal", "personal", "--name", "Bob", "--out", F("bob.png")});
  EXPECT_EQ(r.exit_code, 2);
}

// Peak memory of signing and verifying a 100 MB PDF, measured on the child processes.
TEST(PdfLargeFileTest, A100MegabytePdfIsSignedInBoundedMemory) {
  testing::TempDir dir;
  document::pdf::testing::TestPdfSpec spec;
  spec.padding_bytes = 100u << 20;
  ASSERT_TRUE(document::pdf::testing::WriteTestPdf(dir.File("big.pdf"), spec).ok());
  auto hetong = [](std::vector<std::string> args) {
    args.insert(args.begin(), testing::HetongBinary());
    return RunCommand(args);
  };
  ASSERT_EQ(hetong({"crypto", "keygen", "--alg", "sm2", "--out", dir.File("k.pem")}).exit_code, 0);
  ASSERT_EQ(hetong({"csr", "new", "--key", dir.File("k.pem"), "--subject", "/CN=big", "--out",
                    dir.File("k.csr")})
                .exit_code,
            0);
  ASSERT_EQ(hetong({"init", "--data", dir.File("inst")}).exit_code, 0);
  ASSERT_EQ(hetong({"ca", "issue", "--data", dir.File("inst"), "--csr", dir.File("k.csr"),
                    "--profile", "personal", "--out", dir.File("k.crt")})
                .exit_code,
            0);
  // Peak RSS of each command, measured by GNU time (ru_maxrss of our own children would
  // include this process's memory: posix_spawn shares it until exec).
  auto peak_kib = [&](std::vector<std::string> args) -> long {
    args.insert(args.begin(), {"/usr/bin/time", "-f", "peak-kib %M", testing::HetongBinary()});
    auto r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    size_t at = r.err.rfind("peak-kib ");
    return at == std::string::npos ? -1 : std::stol(r.err.substr(at + 9));
  };
  long sign_mib =
      peak_kib({"pdf", "sign", "--in", dir.File("big.pdf"), "--out", dir.File("big-signed.pdf"),
                "--key", dir.File("k.pem"), "--cert", dir.File("k.crt"), "--level", "B-B"}) /
      1024;
  long verify_mib =
      peak_kib({"verify", dir.File("big-signed.pdf"), "--data", dir.File("inst")}) / 1024;
  RecordProperty("sign_peak_rss_mib", static_cast<int>(sign_mib));
  RecordProperty("verify_peak_rss_mib", static_cast<int>(verify_mib));
  long peak_mib = std::max(sign_mib, verify_mib);
  EXPECT_GT(peak_mib, 0);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's shadow memory and quarantine make RSS meaningless here.
#else
  EXPECT_LT(peak_mib, 80) << "signing or verifying a 100 MB PDF should not hold it in memory";
#endif
}

}  // namespace
}  // namespace hetong
