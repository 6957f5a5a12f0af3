// Signing and verification of PDF files end to end, on files the tests make, checked by our
// verifier and by independent tools (qpdf --check, poppler's pdfsig and pdftoppm).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <tuple>

#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "document/pdf/incremental_update.h"
#include "document/pdf/internal/file_io.h"
#include "document/pdf/internal/qpdf.h"
#include "document/pdf/pdf_file.h"
#include "document/pdf/pdf_test_env.h"
#include "document/pdf/report.h"
#include "document/pdf/signer.h"
#include "document/pdf/test_pdf.h"
#include "document/pdf/verifier.h"
#include "testing/testing.h"

namespace hetong::document::pdf {
namespace {

using hetong::testing::RunCommand;
using hetong::testing::TempDir;
using testing::PdfTestEnv;
using testing::TestPdfSpec;
using testing::WriteTestPdf;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string MakePdf(const TempDir& dir, const std::string& name, TestPdfSpec spec = {}) {
  std::string path = dir.File(name);
  Status s = WriteTestPdf(path, spec);
  EXPECT_TRUE(s.ok()) << s;
  return path;
}

ValidationReport Verify(const std::string& path, bool online = true) {
  auto r = VerifyPdf(path, PdfTestEnv::Get().VerifyOptions(online));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : ValidationReport{};
}

void ExpectQpdfCheck(const std::string& path) {
  auto r = RunCommand({"qpdf", "--check", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No syntax or stream encoding errors found"), std::string::npos) << r.out;
}

std::string Describe(const ValidationReport& r) { return r.ToText(); }

// ---- signing and levels ------------------------------------------------------------------

TEST(PdfSign, EveryFamilyAndFileLayoutSignsAndVerifies) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  struct L {
    const char* name;
    TestPdfSpec::Layout layout;
  };
  for (L l :
       {L{"table", TestPdfSpec::Layout::kXrefTable}, L{"stream", TestPdfSpec::Layout::kXrefStream},
        L{"linearized", TestPdfSpec::Layout::kLinearized}}) {
    TestPdfSpec spec;
    spec.pages = 3;
    spec.layout = l.layout;
    std::string in = MakePdf(dir, std::string(l.name) + ".pdf", spec);
    std::string original = ReadAll(in);
    for (std::string family : {"rsa", "ecdsa", "sm2"}) {
      SCOPED_TRACE(std::string(l.name) + " " + family);
      std::string out = dir.File(std::string(l.name) + "-" + family + ".pdf");
      auto res = SignPdf(in, out, env.SignerOf(family), env.Cert(family), env.Options(family));
      ASSERT_TRUE(res.ok()) << res.status();
      EXPECT_EQ(res->field_name, "Signature1");
      std::string signed_bytes = ReadAll(out);
      // An incremental update: the original bytes are untouched.
      ASSERT_GT(signed_bytes.size(), original.size());
      EXPECT_EQ(signed_bytes.compare(0, original.size(), original), 0);
      EXPECT_EQ(ReadAll(in), original);
      ExpectQpdfCheck(out);
      ValidationReport rep = Verify(out);
      ASSERT_EQ(rep.signatures.size(), 1u);
      const auto& s = rep.signatures[0];
      EXPECT_EQ(s.indication, Indication::kTotalPassed) << Describe(rep);
      EXPECT_EQ(s.level, "B-B");
      EXPECT_TRUE(s.covers_whole_file);
      EXPECT_EQ(s.signer_name, family + " 签署人");
      EXPECT_EQ(s.sub_filter, "ETSI.CAdES.detached");
      EXPECT_EQ(s.reason, "同意本合同条款");
      EXPECT_EQ(s.location, "北京");
      EXPECT_EQ(s.signature_algorithm, family == "rsa"     ? "rsa-pkcs1-sha256"
                                       : family == "ecdsa" ? "ecdsa-sha256"
                                                           : "sm2-sm3");
      EXPECT_TRUE(s.claimed_time.has_value());
      EXPECT_TRUE(rep.AllPassed());
    }
  }
}

TEST(PdfSign, OfflineBaselineWithoutRevocationDataIsIndeterminate) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf");
  std::string out = dir.File("b.pdf");
  ASSERT_TRUE(SignPdf(in, out, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2")).ok());
  ValidationReport rep = Verify(out, /*online=*/false);
  ASSERT_EQ(rep.signatures.size(), 1u);
  EXPECT_EQ(rep.signatures[0].indication, Indication::kIndeterminate) << Describe(rep);
  EXPECT_EQ(rep.signatures[0].sub_indication, SubIndication::kTryLater);
  EXPECT_FALSE(rep.AllPassed());
  // Without trust anchors nothing can be trusted.
  auto none = VerifyPdf(out, PdfVerifyOptions{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->signatures[0].indication, Indication::kIndeterminate);
  EXPECT_EQ(none->signatures[0].sub_indication, SubIndication::kNoCertificateChainFound);
}

TEST(PdfSign, LevelsUpToLongTermArchive) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf", {.pages = 2, .layout = TestPdfSpec::Layout::kXrefStream});
  for (std::string family : {"sm2", "rsa", "ecdsa"}) {
    SCOPED_TRACE(family);
    std::string bt = dir.File(family + "-bt.pdf"), blt = dir.File(family + "-blt.pdf"),
                blta = dir.File(family + "-blta.pdf"), ext = dir.File(family + "-ext.pdf");
    ASSERT_TRUE(SignPdf(in, bt, env.SignerOf(family), env.Cert(family),
                        env.Options(family, PadesLevel::kBT))
                    .ok());
    ValidationReport r = Verify(bt);
    ASSERT_EQ(r.signatures.size(), 1u);
    EXPECT_EQ(r.signatures[0].indication, Indication::kTotalPassed) << Describe(r);
    EXPECT_EQ(r.signatures[0].level, "B-T");
    ASSERT_TRUE(r.signatures[0].proven_time.has_value());
    ASSERT_TRUE(r.signatures[0].timestamp.has_value());
    EXPECT_TRUE(r.signatures[0].timestamp->valid);
    EXPECT_LE(*r.signatures[0].proven_time - *r.signatures[0].claimed_time,
              std::chrono::minutes(1));

    auto lt = SignPdf(in, blt, env.SignerOf(family), env.Cert(family),
                      env.Options(family, PadesLevel::kBLT));
    ASSERT_TRUE(lt.ok()) << lt.status();
    ExpectQpdfCheck(blt);
    // Offline: the DSS is enough.
    r = Verify(blt, /*online=*/false);
    ASSERT_EQ(r.signatures.size(), 1u);
    EXPECT_EQ(r.signatures[0].indication, Indication::kTotalPassed) << Describe(r);
    EXPECT_EQ(r.signatures[0].level, "B-LT");
    EXPECT_FALSE(r.signatures[0].covers_whole_file);  // the DSS came after
    EXPECT_TRUE(r.signatures[0].modifications.size() == 1 &&
                r.signatures[0].modifications[0].allowed)
        << Describe(r);

    ASSERT_TRUE(SignPdf(in, blta, env.SignerOf(family), env.Cert(family),
                        env.Options(family, PadesLevel::kBLTA))
                    .ok());
    ExpectQpdfCheck(blta);
    r = Verify(blta, false);
    ASSERT_EQ(r.signatures.size(), 2u) << Describe(r);
    EXPECT_EQ(r.signatures[0].level, "B-LTA") << Describe(r);
    EXPECT_EQ(r.signatures[1].kind, "document-timestamp");
    EXPECT_EQ(r.signatures[1].indication, Indication::kTotalPassed) << Describe(r);
    EXPECT_TRUE(r.signatures[1].covers_whole_file);
    EXPECT_TRUE(r.AllPassed()) << Describe(r);

    // Extending the archive: fresh validation data and a second document time-stamp.
    auto e = ExtendArchive(blta, ext, env.timestamps(), crypto::HashAlgorithm::kSha256,
                           env.Options(family).validation);
    ASSERT_TRUE(e.ok()) << e.status();
    ExpectQpdfCheck(ext);
    r = Verify(ext, false);
    ASSERT_EQ(r.signatures.size(), 3u) << Describe(r);
    EXPECT_TRUE(r.AllPassed()) << Describe(r);
    EXPECT_EQ(r.signatures[2].kind, "document-timestamp");
    EXPECT_EQ(r.signatures[0].level, "B-LTA");
  }
}

TEST(PdfSign, DocumentTimestampAloneMakesBaselineSignaturesBT) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf"), bb = dir.File("bb.pdf"), ts = dir.File("ts.pdf");
  ASSERT_TRUE(SignPdf(in, bb, env.SignerOf("ecdsa"), env.Cert("ecdsa"), env.Options("ecdsa")).ok());
  auto r = AddDocumentTimestamp(bb, ts, env.timestamps(), crypto::HashAlgorithm::kSm3);
  ASSERT_TRUE(r.ok()) << r.status();
  ValidationReport rep = Verify(ts);
  ASSERT_EQ(rep.signatures.size(), 2u);
  EXPECT_EQ(rep.signatures[0].level, "B-T");
  EXPECT_EQ(rep.signatures[1].signature_algorithm, "sm2-sm3");
  EXPECT_TRUE(rep.AllPassed()) << Describe(rep);
  // A document time-stamp on an unsigned file is fine too.
  std::string plain_ts = dir.File("plain-ts.pdf");
  ASSERT_TRUE(
      AddDocumentTimestamp(in, plain_ts, env.timestamps(), crypto::HashAlgorithm::kSha256).ok());
  rep = Verify(plain_ts);
  ASSERT_EQ(rep.signatures.size(), 1u);
  EXPECT_EQ(rep.signatures[0].indication, Indication::kTotalPassed) << Describe(rep);
}

// A revocation checker whose sources are all down.
class Unreachable final : public pki::RevocationChecker {
 public:
  pki::RevocationCheck Check(const pki::Certificate&, const pki::Certificate&,
                             base::TimePoint) override {
    pki::RevocationCheck r;
    r.detail = "the responder cannot be reached";
    return r;
  }
};

TEST(PdfSign, LongTermFilesVerifyWhenOnlineSourcesAreDown) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf"), out = dir.File("lt.pdf");
  ASSERT_TRUE(
      SignPdf(in, out, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2", PadesLevel::kBLTA))
          .ok());
  Unreachable down;
  PdfVerifyOptions o = env.VerifyOptions(false);
  o.online = &down;
  auto r = VerifyPdf(out, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->AllPassed()) << r->ToText();
  EXPECT_EQ(r->signatures[0].level, "B-LTA");
  // A B-B file has nothing to fall back on.
  std::string bb = dir.File("bb.pdf");
  ASSERT_TRUE(SignPdf(in, bb, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2")).ok());
  r = VerifyPdf(bb, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kTryLater) << r->ToText();
}

TEST(PdfSign, AnArchiveCanBeExtendedAfterTheSignerIsRevoked) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf"), bt = dir.File("bt.pdf"), ext = dir.File("ext.pdf");
  ASSERT_TRUE(SignPdf(in, bt, env.SignerOf("ecdsa"), env.Cert("ecdsa"),
                      env.Options("ecdsa", PadesLevel::kBT))
                  .ok());
  // Revoked after the signature was time-stamped (revocation times have whole seconds).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  base::TimePoint now = base::SystemClock::Get().Now();
  std::vector<Bytes> crls;
  for (const auto& c : env.crls()) {
    auto parsed = pki::Crl::Parse(c);
    ASSERT_TRUE(parsed.ok());
    if (parsed->issuer_der() == env.Cert("ecdsa", "ca").subject_der()) continue;  // replaced below
    crls.push_back(c);
  }
  const auto& ca = env.Key("ecdsa", "ca");
  auto revoked =
      pki::BuildCrl(*ca.signer, ca.cert, 2, now, now + std::chrono::hours(24),
                    {{env.Cert("ecdsa").serial(), now, pki::CrlReason::kKeyCompromise, {}}});
  ASSERT_TRUE(revoked.ok());
  crls.push_back(*revoked);
  pki::CapturedRevocation after(crls, {});
  ValidationDataSource src = env.Options("ecdsa").validation;
  src.revocation = &after;
  auto e = ExtendArchive(bt, ext, env.timestamps(), crypto::HashAlgorithm::kSha256, src);
  ASSERT_TRUE(e.ok()) << e.status();
  PdfVerifyOptions o = env.VerifyOptions(false);
  auto r = VerifyPdf(ext, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->signatures[0].indication, Indication::kTotalPassed) << r->ToText();
  EXPECT_EQ(r->signatures[0].level, "B-LTA") << r->ToText();
  // Without the time-stamp's proof the same revocation would fail a new signature.
  std::string late = dir.File("late.pdf");
  ASSERT_TRUE(
      SignPdf(in, late, env.SignerOf("ecdsa"), env.Cert("ecdsa"), env.Options("ecdsa")).ok());
  o.online = &after;
  r = VerifyPdf(late, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->signatures[0].indication, Indication::kTotalPassed) << r->ToText();
}

// ---- several signers, certification, forms ----------------------------------------------

TEST(PdfSign, SeveralSignersAfterACertificationKeepEveryEarlierSignatureValid) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in =
      MakePdf(dir, "form.pdf", {.pages = 2, .signature_field = true, .text_field = true});
  std::string s1 = dir.File("1.pdf"), s2 = dir.File("2.pdf"), s3 = dir.File("3.pdf");
  auto o1 = env.Options("rsa", PadesLevel::kBT);
  o1.certify = true;
  ASSERT_TRUE(SignPdf(in, s1, env.SignerOf("rsa"), env.Cert("rsa"), o1).ok());
  auto o2 = env.Options("sm2", PadesLevel::kBT);
  o2.field_name = "SignHere";  // the empty field of the form
  auto r2 = SignPdf(s1, s2, env.SignerOf("sm2"), env.Cert("sm2"), o2);
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->field_name, "SignHere");
  auto o3 = env.Options("ecdsa", PadesLevel::kBLT);
  auto r3 = SignPdf(s2, s3, env.SignerOf("ecdsa"), env.Cert("ecdsa"), o3);
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_EQ(r3->field_name, "Signature2");
  ExpectQpdfCheck(s3);
  ValidationReport rep = Verify(s3, false);
  ASSERT_EQ(rep.signatures.size(), 3u) << Describe(rep);
  EXPECT_TRUE(rep.AllPassed()) << Describe(rep);
  EXPECT_TRUE(rep.signatures[0].certification);
  EXPECT_EQ(rep.signatures[0].docmdp_permission, 2);
  EXPECT_EQ(rep.revisions, 5);  // original, three signatures, the DSS
  int whole = 0;
  for (const auto& s : rep.signatures) whole += s.covers_whole_file ? 1 : 0;
  EXPECT_EQ(whole, 0);  // the DSS came last
  // The same field cannot be signed twice, and a certification must come first.
  auto again = SignPdf(s3, dir.File("x.pdf"), env.SignerOf("sm2"), env.Cert("sm2"), o2);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  auto late_cert = SignPdf(s3, dir.File("y.pdf"), env.SignerOf("rsa"), env.Cert("rsa"), o1);
  EXPECT_EQ(late_cert.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.pdf")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("y.pdf")));
}

// ---- appearance ----------------------------------------------------------------------------

RgbaImage RedSeal(int side) {
  RgbaImage img{side, side, Bytes(static_cast<size_t>(side) * side * 4, 0)};
  double c = side / 2.0, r = side / 2.0 - 2;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      double d = std::hypot(x + 0.5 - c, y + 0.5 - c);
      uint8_t* p = &img.rgba[(static_cast<size_t>(y) * side + x) * 4];
      if (d <= r)
        p[0] = 0xE0, p[1] = 0x10, p[2] = 0x10, p[3] = 0xFF;  // a red disc, transparent outside
    }
  }
  return img;
}

TEST(PdfSign, VisibleSealIsRenderedByPoppler) {
  if (!hetong::testing::HaveProgram("pdftoppm")) GTEST_SKIP() << "pdftoppm not installed";
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf", {.pages = 2}), out = dir.File("b.pdf");
  AppearanceSpec spec;
  spec.image = RedSeal(300);
  spec.text_lines = {"签署人：张三", "2026-11-26 10:00"};
  spec.width_pt = 160;
  spec.height_pt = 160;
  spec.layout = AppearanceSpec::Layout::kImageAboveText;
  auto image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  auto o = env.Options("sm2");
  o.visible = VisibleSignature{2, 380, 100, 160, 160, *image};
  ASSERT_TRUE(SignPdf(in, out, env.SignerOf("sm2"), env.Cert("sm2"), o).ok());
  ExpectQpdfCheck(out);
  EXPECT_TRUE(Verify(out).AllPassed());
  // Page 2 at 72 dpi: one pixel per point, y from the top.
  auto r = RunCommand(
      {"pdftoppm", "-r", "72", "-f", "2", "-l", "2", "-png", "-singlefile", out, dir.File("page")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto png = DecodePng(dir.Read("page.png"));
  ASSERT_TRUE(png.ok()) << png.status();
  ASSERT_EQ(png->width, 595);
  ASSERT_EQ(png->height, 842);
  auto px = [&](int x, int y_from_bottom) {
    const uint8_t* p = &png->rgba[(static_cast<size_t>(842 - y_from_bottom) * 595 + x) * 4];
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  int red = 0, total = 0;
  for (int y = 100; y < 260; y += 2) {
    for (int x = 380; x < 540; x += 2) {
      auto p = px(x, y);
      ++total;
      if (p[0] > 180 && p[1] < 90 && p[2] < 90) ++red;
    }
  }
  EXPECT_GT(red, total / 5) << "the seal is not visible in its rectangle";
  // Outside the rectangle (the right margin) nothing red.
  for (int y = 100; y < 260; y += 5) {
    auto p = px(560, y);
    EXPECT_FALSE(p[0] > 180 && p[1] < 90) << "red outside the signature rectangle";
  }
  // Page 1 has no seal.
  r = RunCommand({"pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", "-singlefile", out,
                  dir.File("page1")});
  auto png1 = DecodePng(dir.Read("page1.png"));
  ASSERT_TRUE(png1.ok());
  int red1 = 0;
  for (size_t i = 0; i < png1->rgba.size(); i += 4) {
    if (png1->rgba[i] > 180 && png1->rgba[i + 1] < 90 && png1->rgba[i + 2] < 90) ++red1;
  }
  EXPECT_EQ(red1, 0);
}

TEST(PdfSign, BadRequestsGetClearErrorsAndLeaveNoFile) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf"), out = dir.File("out.pdf");
  auto o = env.Options("rsa");
  o.visible = VisibleSignature{5, 10, 10, 100, 50, RedSeal(50)};
  auto r = SignPdf(in, out, env.SignerOf("rsa"), env.Cert("rsa"), o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("page 5 does not exist"), std::string::npos) << r.status();
  // Key and certificate that do not match.
  r = SignPdf(in, out, env.SignerOf("rsa"), env.Cert("sm2"), env.Options("rsa"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  // B-T without a TSA.
  auto no_tsa = env.Options("rsa", PadesLevel::kBT);
  no_tsa.timestamps = nullptr;
  r = SignPdf(in, out, env.SignerOf("rsa"), env.Cert("rsa"), no_tsa);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  // Encrypted, damaged, not a PDF, missing.
  std::string enc = MakePdf(dir, "enc.pdf", {.encrypt_password = "secret"});
  r = SignPdf(enc, out, env.SignerOf("rsa"), env.Cert("rsa"), env.Options("rsa"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("encrypted"), std::string::npos) << r.status();
  std::string whole = ReadAll(in);
  WriteAll(dir.File("cut.pdf"), whole.substr(0, whole.size() * 2 / 3));
  r = SignPdf(dir.File("cut.pdf"), out, env.SignerOf("rsa"), env.Cert("rsa"), env.Options("rsa"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status();
  WriteAll(dir.File("text.pdf"), "hello, this is not a PDF\n");
  r = SignPdf(dir.File("text.pdf"), out, env.SignerOf("rsa"), env.Cert("rsa"), env.Options("rsa"));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = SignPdf(dir.File("missing.pdf"), out, env.SignerOf("rsa"), env.Cert("rsa"),
              env.Options("rsa"));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status();
  // Nothing was written, and no temporary file is left behind.
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().string().find("hetong-tmp"), std::string::npos) << e.path();
  }
  // Verifying them: errors, not crashes; encrypted files are refused too.
  EXPECT_FALSE(VerifyPdf(dir.File("text.pdf"), {}).ok());
  EXPECT_FALSE(VerifyPdf(enc, {}).ok());
  // An unsigned PDF: a report without signatures, which is not "all passed".
  auto plain = VerifyPdf(in, {});
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->signatures.empty());
  EXPECT_FALSE(plain->AllPassed());
}

TEST(PdfSign, SignsInPlace) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf");
  ASSERT_TRUE(SignPdf(in, in, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2")).ok());
  ASSERT_TRUE(SignPdf(in, in, env.SignerOf("rsa"), env.Cert("rsa"), env.Options("rsa")).ok());
  ValidationReport rep = Verify(in);
  ASSERT_EQ(rep.signatures.size(), 2u);
  EXPECT_TRUE(rep.AllPassed()) << Describe(rep);
  EXPECT_EQ(rep.signatures[1].field, "Signature2");
}

TEST(PdfSign, LargeFileIsHashedByStreaming) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "big.pdf", {.pages = 1, .padding_bytes = 24 << 20}),
              out = dir.File("big-signed.pdf");
  auto r =
      SignPdf(in, out, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2", PadesLevel::kBT));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->output_bytes, 24u << 20);
  ValidationReport rep = Verify(out);
  EXPECT_TRUE(rep.AllPassed()) << Describe(rep);
}

// ---- independent verifiers -----------------------------------------------------------------

TEST(PdfSign, PopplerReportsRsaAndEcdsaSignaturesValidAndTrusted) {
  if (!hetong::testing::HaveProgram("pdfsig") || !hetong::testing::HaveProgram("certutil")) {
    GTEST_SKIP() << "pdfsig/certutil not installed";
  }
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  // An NSS database trusting the RSA and ECDSA roots.
  std::string db = "sql:" + dir.File("nss");
  std::filesystem::create_directory(dir.File("nss"));
  auto r = RunCommand({"certutil", "-N", "-d", db, "--empty-password"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (std::string family : {"rsa", "ecdsa"}) {
    dir.Write(family + "-root.der", env.Cert(family, "root").der());
    r = RunCommand({"certutil", "-A", "-d", db, "-n", family + " root", "-t", "CT,C,C", "-i",
                    dir.File(family + "-root.der")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string in = MakePdf(dir, "a.pdf", {.pages = 2, .signature_field = true});
  std::string s1 = dir.File("s1.pdf"), s2 = dir.File("s2.pdf");
  auto o1 = env.Options("rsa", PadesLevel::kBT);
  o1.field_name = "SignHere";
  ASSERT_TRUE(SignPdf(in, s1, env.SignerOf("rsa"), env.Cert("rsa"), o1).ok());
  ASSERT_TRUE(SignPdf(s1, s2, env.SignerOf("ecdsa"), env.Cert("ecdsa"),
                      env.Options("ecdsa", PadesLevel::kBB))
                  .ok());
  r = RunCommand({"pdfsig", "-nssdir", db, "-no-ocsp", s2});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Two signatures, both valid and trusted; the last one covers the whole document.
  size_t valid = 0, pos = 0;
  while ((pos = r.out.find("Signature is Valid.", pos)) != std::string::npos) ++valid, ++pos;
  EXPECT_EQ(valid, 2u) << r.out;
  size_t trusted = 0;
  pos = 0;
  while ((pos = r.out.find("Certificate is Trusted.", pos)) != std::string::npos) ++trusted, ++pos;
  EXPECT_EQ(trusted, 2u) << r.out;
  size_t sig2 = r.out.find("Signature #2");
  ASSERT_NE(sig2, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Total document signed", sig2), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ETSI.CAdES.detached"), std::string::npos);
  EXPECT_NE(r.out.find("ecdsa 签署人"), std::string::npos) << r.out;
  // A changed byte: pdfsig agrees that the signature is broken.
  std::string bytes = ReadAll(s2);
  size_t at = bytes.find("/Type /Page");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = 'X';
  WriteAll(dir.File("bad.pdf"), bytes);
  r = RunCommand({"pdfsig", "-nssdir", db, dir.File("bad.pdf")});
  EXPECT_EQ(r.out.find("Signature is Valid."), std::string::npos) << r.out;
}

// ---- attacks -------------------------------------------------------------------------------

// Appends an incremental update built by `fn` (as an attacker could); `trailer` may edit the
// new trailer.
void AppendRevision(
    const std::string& path, const std::function<void(QPDF&, IncrementalUpdate&)>& fn,
    const std::function<void(QPDF&, IncrementalUpdate&, TrailerFields&)>& trailer = {}) {
  auto pdf = PdfFile::Open(path);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  QPDF& q = (*pdf)->qpdf();
  IncrementalUpdate upd((*pdf)->trailer_size());
  fn(q, upd);
  TrailerFields t;
  t.root = ObjRef{q.getRoot().getObjectID(), q.getRoot().getGeneration()};
  QPDFObjectHandle id = q.getTrailer().getKey("/ID");
  t.id_first = id.getArrayItem(0).unparse();
  t.id_second = t.id_first;
  t.prev = (*pdf)->last_startxref();
  QPDFObjectHandle info = q.getTrailer().getKey("/Info");
  if (info.isIndirect()) t.info = ObjRef{info.getObjectID(), info.getGeneration()};
  if (trailer) trailer(q, upd, t);
  uint64_t base = (*pdf)->size();
  bool xs = (*pdf)->last_xref_is_stream();
  auto w = upd.Serialize(base, t, xs);
  pdf->reset();
  ASSERT_TRUE(internal::AppendToFile(path, w.bytes).ok());
}

ObjRef Ref(QPDFObjectHandle h) { return ObjRef{h.getObjectID(), h.getGeneration()}; }

// `dict`'s text with `key` set to `value` (PDF text).
std::string With(QPDFObjectHandle dict, const std::string& key, const std::string& value) {
  std::string s = "<<";
  for (const auto& k : dict.getKeys()) {
    if (k != key) s += " " + k + " " + dict.getKey(k).unparse();
  }
  return s + " " + key + " " + value + " >>";
}

class PdfAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    in_ = MakePdf(dir_, "a.pdf", {.pages = 2});
    signed_ = dir_.File("signed.pdf");
    ASSERT_TRUE(
        SignPdf(in_, signed_, env_.SignerOf("rsa"), env_.Cert("rsa"), env_.Options("rsa")).ok());
    ASSERT_TRUE(Verify(signed_).AllPassed());
  }
  std::string Copy(const std::string& name) {
    std::string p = dir_.File(name);
    WriteAll(p, ReadAll(signed_));
    return p;
  }
  const SignatureReport& Only(const ValidationReport& r) {
    static SignatureReport none;
    EXPECT_GE(r.signatures.size(), 1u);
    return r.signatures.empty() ? none : r.signatures[0];
  }

  TempDir dir_;
  PdfTestEnv& env_ = PdfTestEnv::Get();
  std::string in_, signed_;
};

TEST_F(PdfAttack, AChangedByteInsideTheSignedRangeIsAHashFailure) {
  std::string bytes = ReadAll(signed_);
  for (size_t offset : {size_t{20}, bytes.size() / 3, bytes.size() - 30}) {
    std::string tampered = bytes;
    // Flip a byte that keeps the file parseable: inside a stream or a comment, or a digit.
    size_t at = tampered.find("Contract page", offset);
    if (at == std::string::npos || at > bytes.size() - 40) at = offset;
    tampered[at] ^= 0x01;
    std::string p = dir_.File("t.pdf");
    WriteAll(p, tampered);
    auto r = VerifyPdf(p, env_.VerifyOptions(true));
    if (!r.ok()) continue;  // damaged beyond parsing: refused, which is also fine
    ASSERT_EQ(r->signatures.size(), 1u);
    EXPECT_EQ(r->signatures[0].indication, Indication::kTotalFailed) << Describe(*r);
    EXPECT_FALSE(r->AllPassed());
  }
  // A byte in the middle of the content of a page.
  std::string tampered = bytes;
  size_t stream = tampered.find("stream\n", tampered.find("/Contents"));
  ASSERT_NE(stream, std::string::npos);
  tampered[stream + 20] ^= 0x01;
  WriteAll(dir_.File("t2.pdf"), tampered);
  auto r = VerifyPdf(dir_.File("t2.pdf"), env_.VerifyOptions(true));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Only(*r).sub_indication, SubIndication::kHashFailure) << Describe(*r);
}

TEST_F(PdfAttack, AnUpdateThatEditsAPageIsAModification) {
  std::string p = Copy("edit.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef content = upd.Allocate();
    upd.SetStream(content, "<< >>", ToBytes("BT /F1 48 Tf 100 400 Td (PAID IN FULL) Tj ET"));
    upd.SetObject(Ref(page), With(page, "/Contents", content.ToString()));
  });
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).indication, Indication::kTotalFailed) << Describe(r);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kSigConstraintsFailure);
  ASSERT_FALSE(Only(r).modifications.empty());
  EXPECT_EQ(Only(r).modifications[0].kind, "page-content") << Describe(r);
  EXPECT_FALSE(Only(r).modifications[0].allowed);
  EXPECT_EQ(Only(r).modifications[0].revision, 3);
}

TEST_F(PdfAttack, AnUpdateThatAddsAnAnnotationIsAModification) {
  std::string p = Copy("annot.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(1);
    ObjRef annot = upd.Allocate();
    upd.SetObject(annot,
                  "<< /Type /Annot /Subtype /FreeText /Rect [100 100 400 150] /Contents (VOID) "
                  "/DA (/Helv 24 Tf 1 0 0 rg) >>");
    upd.SetObject(Ref(page), With(page, "/Annots", "[" + annot.ToString() + "]"));
  });
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kSigConstraintsFailure) << Describe(r);
  ASSERT_FALSE(Only(r).modifications.empty());
  EXPECT_EQ(Only(r).modifications[0].kind, "annotation") << Describe(r);
}

TEST_F(PdfAttack, AnUpdateThatReplacesAnObjectIsAModification) {
  std::string p = Copy("replace.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    // Same object number, new stream: the classic "shadow" replacement of a page's content.
    QPDFObjectHandle page = q.getAllPages().at(0);
    QPDFObjectHandle contents = page.getKey("/Contents");
    if (contents.isArray()) contents = contents.getArrayItem(0);
    upd.SetStream(Ref(contents), "<< >>", ToBytes("BT /F1 12 Tf 72 72 Td (replaced) Tj ET"));
  });
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kSigConstraintsFailure) << Describe(r);
  ASSERT_FALSE(Only(r).modifications.empty());
  EXPECT_FALSE(Only(r).modifications[0].allowed);
}

TEST_F(PdfAttack, AChangeAfterACertificationNamesTheDocMdpViolation) {
  std::string p = dir_.File("cert.pdf");
  auto o = env_.Options("sm2");
  o.certify = true;
  ASSERT_TRUE(SignPdf(in_, p, env_.SignerOf("sm2"), env_.Cert("sm2"), o).ok());
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle info = q.getTrailer().getKey("/Info");
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef content = upd.Allocate();
    upd.SetStream(content, "<< >>", ToBytes("0 0 1 rg 0 0 100 100 re f"));
    upd.SetObject(Ref(page), With(page, "/Contents", content.ToString()));
    (void)info;
  });
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).indication, Indication::kTotalFailed) << Describe(r);
  EXPECT_NE(Only(r).message.find("DocMDP"), std::string::npos) << Describe(r);
}

TEST_F(PdfAttack, ASignatureMovedToAnotherDocumentFails) {
  // The same signer signs another file with the same placeholder size; its signature is then
  // pasted into the first file's /Contents.
  std::string other_in = MakePdf(dir_, "other.pdf", {.pages = 1}),
              other = dir_.File("other-signed.pdf");
  auto o = env_.Options("rsa");
  o.reserve_bytes = 8192;
  std::string mine = dir_.File("mine.pdf");
  ASSERT_TRUE(SignPdf(in_, mine, env_.SignerOf("rsa"), env_.Cert("rsa"), o).ok());
  ASSERT_TRUE(SignPdf(other_in, other, env_.SignerOf("rsa"), env_.Cert("rsa"), o).ok());
  auto contents_of = [](const std::string& bytes) {
    size_t a = bytes.rfind("/Contents <");
    size_t b = bytes.find('>', a);
    return std::make_pair(a + 11, b);
  };
  std::string m = ReadAll(mine), t = ReadAll(other);
  auto [ma, mb] = contents_of(m);
  auto [ta, tb] = contents_of(t);
  ASSERT_EQ(mb - ma, tb - ta);
  m.replace(ma, mb - ma, t.substr(ta, tb - ta));
  WriteAll(mine, m);
  ValidationReport r = Verify(mine);
  EXPECT_EQ(Only(r).indication, Indication::kTotalFailed) << Describe(r);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kHashFailure);
}

// Rewrites the last signature's /ByteRange to `ranges(contents_start, contents_end, size)` and
// its /Contents to a valid signature over those ranges: what a forger with the signer's key
// material cannot do, but a verifier that trusts /ByteRange blindly would accept.
void ForgeByteRange(
    const std::string& path, const std::string& range_text_pattern,
    const std::function<std::array<int64_t, 4>(uint64_t, uint64_t, uint64_t)>& ranges) {
  auto& env = PdfTestEnv::Get();
  std::string bytes = ReadAll(path);
  size_t br = bytes.rfind("/ByteRange [");
  ASSERT_NE(br, std::string::npos);
  size_t open = br + 11, close = bytes.find(']', open);
  size_t ct = bytes.find("/Contents <", br) + 10, ct_end = bytes.find('>', ct) + 1;
  auto v = ranges(ct, ct_end, bytes.size());
  std::string text = range_text_pattern.empty()
                         ? "[" + std::to_string(v[0]) + " " + std::to_string(v[1]) + " " +
                               std::to_string(v[2]) + " " + std::to_string(v[3])
                         : range_text_pattern;
  ASSERT_LE(text.size() + 1, close - open + 1);
  text += std::string(close - open - text.size(), ' ') + "]";
  bytes.replace(open, close - open + 1, text);
  WriteAll(path, bytes);
  // Sign what the new ranges cover (clamped to the file).
  std::vector<std::pair<uint64_t, uint64_t>> rs;
  for (int i = 0; i < 4; i += 2) {
    uint64_t a = static_cast<uint64_t>(std::max<int64_t>(0, v[i]));
    uint64_t l = static_cast<uint64_t>(std::max<int64_t>(0, v[i + 1]));
    a = std::min<uint64_t>(a, bytes.size());
    l = std::min<uint64_t>(l, bytes.size() - a);
    rs.push_back({a, l});
  }
  auto digest = internal::HashRanges(path, rs, crypto::HashAlgorithm::kSha256);
  ASSERT_TRUE(digest.ok());
  crypto::CmsSignOptions opts;
  opts.oid_family = crypto::CmsOidFamily::kPkcs7;
  opts.signing_certificate_v2 = true;
  auto cms = crypto::CmsSignDigest(
      env.SignerOf("rsa"), *crypto::ParseCertificateInfo(env.Cert("rsa").der()), *digest, opts);
  ASSERT_TRUE(cms.ok());
  std::string hex = base::HexEncodeUpper(*cms);
  hex += std::string(ct_end - ct - 2 - hex.size(), '0');
  bytes.replace(ct + 1, hex.size(), hex);
  WriteAll(path, bytes);
}

TEST_F(PdfAttack, ByteRangeTricksAreFormatFailures) {
  struct Case {
    const char* name;
    std::string text;
    std::function<std::array<int64_t, 4>(uint64_t, uint64_t, uint64_t)> ranges;
  };
  auto u = [](uint64_t v) { return static_cast<int64_t>(v); };
  std::vector<Case> cases = {
      {"gap wider than /Contents", "",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a) - 40, u(b), u(n - b)};
       }},
      {"stops before the end of the revision", "",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a), u(b), u(n - b) - 60};
       }},
      {"does not start at 0", "",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{16, u(a) - 16, u(b), u(n - b)};
       }},
      {"past the end of the file", "",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a), u(b), u(n - b) + 5000};
       }},
      {"negative", "",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a), u(b), -u(n - b)};
       }},
      {"overlapping", "",
       [&](uint64_t, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(b) + 10, u(b), u(n - b)};
       }},
      {"three ranges", "[0 10 20 30 40 50",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a), u(b), u(n - b)};
       }},
      {"not numbers", "[0 (a) /b 1.5",
       [&](uint64_t a, uint64_t b, uint64_t n) {
         return std::array<int64_t, 4>{0, u(a), u(b), u(n - b)};
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string p = Copy("forged.pdf");
    ForgeByteRange(p, c.text, c.ranges);
    auto r = VerifyPdf(p, env_.VerifyOptions(true));
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status();
      continue;
    }
    ASSERT_EQ(r->signatures.size(), 1u) << Describe(*r);
    EXPECT_EQ(r->signatures[0].indication, Indication::kTotalFailed) << Describe(*r);
    EXPECT_EQ(r->signatures[0].sub_indication, SubIndication::kFormatFailure) << Describe(*r);
  }
}

TEST_F(PdfAttack, ASignerRevokedBeforeSigningIsRevoked) {
  std::string p = dir_.File("revoked.pdf");
  ASSERT_TRUE(SignPdf(in_, p, env_.SignerOf("rsa", "revoked"), env_.Cert("rsa", "revoked"),
                      env_.Options("rsa", PadesLevel::kBT))
                  .ok());
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).indication, Indication::kTotalFailed) << Describe(r);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kRevoked);
  // Long-term validation data cannot be gathered for it.
  auto lt = SignPdf(in_, dir_.File("revoked-lt.pdf"), env_.SignerOf("rsa", "revoked"),
                    env_.Cert("rsa", "revoked"), env_.Options("rsa", PadesLevel::kBLT));
  EXPECT_EQ(lt.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(lt.status().message().find("revoked"), std::string::npos) << lt.status();
}

// A TSA that time-stamps something else than it is asked to.
class WrongDataTimestamps final : public pki::TimestampSource {
 public:
  StatusOr<Bytes> Timestamp(crypto::HashAlgorithm algorithm, ByteView) override {
    return PdfTestEnv::Get().timestamps().Timestamp(algorithm,
                                                    crypto::Hash(algorithm, AsBytes("other data")));
  }
};

TEST_F(PdfAttack, ATimestampOverOtherDataIsDetected) {
  WrongDataTimestamps wrong;
  auto o = env_.Options("sm2", PadesLevel::kBT);
  o.timestamps = &wrong;
  std::string p = dir_.File("wrong-ts.pdf");
  ASSERT_TRUE(SignPdf(in_, p, env_.SignerOf("sm2"), env_.Cert("sm2"), o).ok());
  ValidationReport r = Verify(p);
  EXPECT_EQ(Only(r).sub_indication, SubIndication::kTimestampFailure) << Describe(r);
  EXPECT_NE(Only(r).indication, Indication::kTotalPassed);
  EXPECT_FALSE(Only(r).proven_time.has_value());
  // As a document time-stamp: a hash failure of the time-stamp.
  std::string d = dir_.File("wrong-doc-ts.pdf");
  ASSERT_TRUE(AddDocumentTimestamp(signed_, d, wrong, crypto::HashAlgorithm::kSha256).ok());
  r = Verify(d);
  ASSERT_EQ(r.signatures.size(), 2u);
  EXPECT_EQ(r.signatures[1].sub_indication, SubIndication::kHashFailure) << Describe(r);
}

// ---- attacks on the change analysis ------------------------------------------------------

// Appends an update whose cross-reference table is written by hand: `entries` are
// (object number, generation, offset or -1 for a free entry).
void AppendRawXref(const std::string& path,
                   const std::vector<std::tuple<int, int, int64_t>>& entries) {
  auto pdf = PdfFile::Open(path);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  QPDF& q = (*pdf)->qpdf();
  std::string root = q.getTrailer().getKey("/Root").unparse();
  std::string id = q.getTrailer().getKey("/ID").unparse();
  int size = (*pdf)->trailer_size();
  uint64_t prev = (*pdf)->last_startxref();
  uint64_t base = (*pdf)->size();
  pdf->reset();
  std::string x = "xref\n";
  for (const auto& [num, gen, off] : entries) {
    char line[32];
    std::snprintf(line, sizeof line, "%010lld %05d %c \n",
                  static_cast<long long>(off < 0 ? 0 : off), gen, off < 0 ? 'f' : 'n');
    x += std::to_string(num) + " 1\n" + line;
  }
  x += "trailer\n<< /Size " + std::to_string(size) + " /Root " + root + " /ID " + id + " /Prev " +
       std::to_string(prev) + " >>\nstartxref\n" + std::to_string(base) + "\n%%EOF\n";
  ASSERT_TRUE(internal::AppendToFile(path, ToBytes(x)).ok());
}

int64_t OffsetOfObject(const std::string& path, int num) {
  auto pdf = PdfFile::Open(path);
  EXPECT_TRUE(pdf.ok());
  auto xref = (*pdf)->qpdf().getXRefTable();
  auto it = xref.find(QPDFObjGen(num, 0));
  return it == xref.end() || it->second.getType() != 1 ? -1 : it->second.getOffset();
}

void ExpectFailedWith(const ValidationReport& r, const std::string& words) {
  ASSERT_FALSE(r.signatures.empty());
  EXPECT_FALSE(r.AllPassed()) << r.ToText();
  EXPECT_NE(r.signatures[0].indication, Indication::kTotalPassed) << r.ToText();
  EXPECT_NE(r.ToText().find(words), std::string::npos) << r.ToText();
}

TEST_F(PdfAttack, AFakeRevisionMarkerInsideAnUpdateDoesNotHideIt) {
  std::string p = Copy("marker.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef content = upd.Allocate();
    upd.SetStream(content, "<< >>",
                  ToBytes("% startxref 0\n%%EOF\nBT /F1 48 Tf 100 400 Td (PAID) Tj ET"));
    upd.SetObject(Ref(page), With(page, "/Contents", content.ToString()));
  });
  ExpectFailedWith(Verify(p), "page 1: Contents changed");
}

TEST_F(PdfAttack, AnXrefEntryPointingBackToAnOlderVersionIsAModification) {
  // Revision 2 (before signing) replaces the first page's content; the attacker's revision
  // points the object back at revision 1's version.
  std::string p = dir_.File("old.pdf");
  WriteAll(p, ReadAll(in_));
  int content_num = 0;
  {
    auto pdf = PdfFile::Open(p);
    QPDFObjectHandle page = (*pdf)->qpdf().getAllPages().at(0);
    QPDFObjectHandle c = page.getKey("/Contents");
    content_num = c.isArray() ? c.getArrayItem(0).getObjectID() : c.getObjectID();
  }
  int64_t old_offset = OffsetOfObject(p, content_num);
  ASSERT_GT(old_offset, 0);
  AppendRevision(p, [&](QPDF&, IncrementalUpdate& upd) {
    upd.SetStream(ObjRef{content_num, 0}, "<< >>",
                  ToBytes("BT /F1 12 Tf 72 72 Td (the agreed version) Tj ET"));
  });
  std::string s = dir_.File("old-signed.pdf");
  ASSERT_TRUE(SignPdf(p, s, env_.SignerOf("rsa"), env_.Cert("rsa"), env_.Options("rsa")).ok());
  ASSERT_TRUE(Verify(s).AllPassed());
  AppendRawXref(s, {{content_num, 0, old_offset}});
  ExpectFailedWith(Verify(s), "outside this update");
}

TEST_F(PdfAttack, AFreeEntryThatDeletesAnObjectIsAModification) {
  std::string p = Copy("free.pdf");
  int content_num = 0;
  {
    auto pdf = PdfFile::Open(p);
    QPDFObjectHandle page = (*pdf)->qpdf().getAllPages().at(1);
    QPDFObjectHandle c = page.getKey("/Contents");
    content_num = c.isArray() ? c.getArrayItem(0).getObjectID() : c.getObjectID();
  }
  AppendRawXref(p, {{content_num, 1, -1}});
  auto r = VerifyPdf(p, env_.VerifyOptions(true));
  if (!r.ok()) return;  // refused as damaged: also safe
  ExpectFailedWith(*r, "deleted");
}

TEST_F(PdfAttack, DefiningAnObjectThatWasReferencedBeforeIsAModification) {
  // Before signing, the page refers to an annotation object that does not exist (so nothing
  // shows); after signing the attacker defines it.
  std::string p = dir_.File("dangling.pdf");
  WriteAll(p, ReadAll(in_));
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(0);
    upd.SetObject(Ref(page), With(page, "/Annots", "[5000 0 R]"));
  });
  std::string s = dir_.File("dangling-signed.pdf");
  ASSERT_TRUE(SignPdf(p, s, env_.SignerOf("rsa"), env_.Cert("rsa"), env_.Options("rsa")).ok());
  ASSERT_TRUE(Verify(s).AllPassed());
  AppendRevision(s, [](QPDF&, IncrementalUpdate& upd) {
    while (upd.next_object_number() <= 5000) upd.Allocate();  // a correct /Size
    upd.SetObject(ObjRef{5000, 0},
                  "<< /Type /Annot /Subtype /FreeText /Rect [50 50 500 200] /Contents (VOID) /DA "
                  "(/Helv 40 Tf 1 0 0 rg) >>");
  });
  ExpectFailedWith(Verify(s), "referenced before this update");
}

TEST_F(PdfAttack, ReplacingTheCatalogIsAModification) {
  std::string p = Copy("catalog.pdf");
  AppendRevision(
      p, [](QPDF&, IncrementalUpdate&) {},
      [](QPDF& q, IncrementalUpdate& upd, TrailerFields& t) {
        ObjRef js = upd.Allocate();
        upd.SetObject(js, "<< /S /JavaScript /JS (app.alert('changed')) >>");
        ObjRef root = upd.Allocate();
        upd.SetObject(root, With(q.getRoot(), "/OpenAction", js.ToString()));
        t.root = root;
      });
  ExpectFailedWith(Verify(p), "catalog was replaced");
}

TEST_F(PdfAttack, PointingInfoAtAContentStreamDoesNotLaunderItsChange) {
  std::string p = Copy("info.pdf");
  AppendRevision(
      p,
      [](QPDF& q, IncrementalUpdate& upd) {
        QPDFObjectHandle page = q.getAllPages().at(0);
        QPDFObjectHandle c = page.getKey("/Contents");
        if (c.isArray()) c = c.getArrayItem(0);
        upd.SetStream(Ref(c), "<< >>", ToBytes("BT /F1 12 Tf 72 72 Td (laundered) Tj ET"));
      },
      [](QPDF& q, IncrementalUpdate&, TrailerFields& t) {
        QPDFObjectHandle page = q.getAllPages().at(0);
        QPDFObjectHandle c = page.getKey("/Contents");
        if (c.isArray()) c = c.getArrayItem(0);
        t.info = Ref(c);
      });
  ExpectFailedWith(Verify(p), "was replaced");
}

TEST_F(PdfAttack, FormSettingsAndLatePermissionsAreModifications) {
  // /NeedAppearances makes readers redraw every field.
  std::string p = Copy("needapp.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
    ASSERT_TRUE(acro.isIndirect());
    upd.SetObject(Ref(acro), With(acro, "/NeedAppearances", "true"));
  });
  ExpectFailedWith(Verify(p), "NeedAppearances");
  // A certification with P=3 added after the signature, with an annotation it would allow.
  std::string p2 = Copy("perms.pdf");
  AppendRevision(p2, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle root = q.getRoot();
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef annot = upd.Allocate();
    upd.SetObject(annot,
                  "<< /Type /Annot /Subtype /FreeText /Rect [100 100 400 150] /Contents (VOID) >>");
    ObjRef sig = upd.Allocate();
    upd.SetObject(sig,
                  "<< /Type /Sig /Reference [<< /Type /SigRef /TransformMethod /DocMDP "
                  "/TransformParams << /P 3 >> >>] >>");
    upd.SetObject(Ref(root), With(root, "/Perms", "<< /DocMDP " + sig.ToString() + " >>"));
    QPDFObjectHandle annots = page.getKey("/Annots");
    std::string items = annots.isArray() ? annots.unparseResolved() : "[]";
    items.insert(items.size() - 1, " " + annot.ToString() + " ");
    if (annots.isIndirect()) {
      upd.SetObject(Ref(annots), items);
    } else {
      upd.SetObject(Ref(page), With(page, "/Annots", items));
    }
  });
  ValidationReport r = Verify(p2);
  ExpectFailedWith(r, "/Perms");
  EXPECT_FALSE(r.signatures[0].certification);
}

TEST_F(PdfAttack, ASignatureCopiedIntoANewFieldIsRejected) {
  std::string p = Copy("copy.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
    QPDFObjectHandle fields = acro.getKey("/Fields");
    QPDFObjectHandle v = fields.getArrayItem(0).getKey("/V");
    ObjRef sig = upd.Allocate();
    upd.SetObject(
        sig, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange " +
                 v.getKey("/ByteRange").unparse() + " /Contents " +
                 v.getKey("/Contents").unparse() + " /Reason (I agree to pay double) >>");
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef widget = upd.Allocate();
    upd.SetObject(widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Copy) /V " +
                              sig.ToString() + " /Rect [0 0 0 0] /P " + Ref(page).ToString() +
                              " >>");
    std::string items = fields.unparseResolved();
    items.insert(items.size() - 1, " " + widget.ToString() + " ");
    upd.SetObject(Ref(acro), With(acro, "/Fields", items));
    QPDFObjectHandle annots = page.getKey("/Annots");
    std::string a = annots.isArray() ? annots.unparseResolved() : "[]";
    a.insert(a.size() - 1, " " + widget.ToString() + " ");
    if (annots.isIndirect()) {
      upd.SetObject(Ref(annots), a);
    } else {
      upd.SetObject(Ref(page), With(page, "/Annots", a));
    }
  });
  ValidationReport r = Verify(p);
  ASSERT_EQ(r.signatures.size(), 2u) << r.ToText();
  EXPECT_FALSE(r.AllPassed());
  for (const auto& s : r.signatures)
    EXPECT_NE(s.indication, Indication::kTotalPassed) << r.ToText();
}

TEST_F(PdfAttack, AnnotationsDisguisedAsSignatureFieldsAreModifications) {
  std::string p = Copy("disguised.pdf");
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(0);
    ObjRef a = upd.Allocate(), b = upd.Allocate(), ap = upd.Allocate();
    upd.SetObject(
        a, "<< /Type /Annot /Subtype /FreeText /FT /Sig /Rect [50 50 500 200] /Contents (VOID) >>");
    upd.SetStream(ap, "<< /Type /XObject /Subtype /Form /BBox [0 0 450 150] >>",
                  ToBytes("1 0 0 rg 0 0 450 150 re f"));
    upd.SetObject(
        b,
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Cover) /Rect [50 300 500 450] /AP << /N " +
            ap.ToString() + " >> >>");
    QPDFObjectHandle annots = page.getKey("/Annots");
    std::string items = annots.isArray() ? annots.unparseResolved() : "[]";
    items.insert(items.size() - 1, " " + a.ToString() + " " + b.ToString() + " ");
    if (annots.isIndirect()) {
      upd.SetObject(Ref(annots), items);
    } else {
      upd.SetObject(Ref(page), With(page, "/Annots", items));
    }
  });
  ValidationReport r = Verify(p);
  ExpectFailedWith(r, "FreeText annotation was added");
  ExpectFailedWith(r, "visible signature field that this update does not sign");
}

TEST_F(PdfAttack, ReorderingAnExistingListIsAModification) {
  std::string in = MakePdf(dir_, "form.pdf", {.signature_field = true, .text_field = true});
  std::string p = dir_.File("form-signed.pdf");
  ASSERT_TRUE(SignPdf(in, p, env_.SignerOf("rsa"), env_.Cert("rsa"), env_.Options("rsa")).ok());
  ASSERT_TRUE(Verify(p).AllPassed());
  AppendRevision(p, [](QPDF& q, IncrementalUpdate& upd) {
    QPDFObjectHandle page = q.getAllPages().at(0);
    QPDFObjectHandle annots = page.getKey("/Annots");
    ASSERT_TRUE(annots.isIndirect());
    std::string items = "[";
    for (int i = annots.getArrayNItems() - 1; i >= 0; --i)
      items += " " + annots.getArrayItem(i).unparse();
    upd.SetObject(Ref(annots), items + " ]");
  });
  ExpectFailedWith(Verify(p), "removed or reordered");
}

TEST_F(PdfAttack, GarbageAfterTheLastRevisionIsReported) {
  std::string p = Copy("garbage.pdf");
  std::string bytes = ReadAll(p) + "\n% trailing bytes that nobody signed\n";
  WriteAll(p, bytes);
  auto r = VerifyPdf(p, env_.VerifyOptions(true));
  if (!r.ok()) return;  // refused as damaged
  EXPECT_FALSE(r->AllPassed()) << Describe(*r);
}

TEST(PdfReport, JsonAndTextCarryTheFindings) {
  TempDir dir;
  auto& env = PdfTestEnv::Get();
  std::string in = MakePdf(dir, "a.pdf"), out = dir.File("b.pdf");
  ASSERT_TRUE(
      SignPdf(in, out, env.SignerOf("sm2"), env.Cert("sm2"), env.Options("sm2", PadesLevel::kBT))
          .ok());
  ValidationReport rep = Verify(out);
  auto j = nlohmann::json::parse(rep.ToJson());
  EXPECT_EQ(j["signatures"].size(), 1u);
  EXPECT_EQ(j["signatures"][0]["indication"], "TOTAL_PASSED");
  EXPECT_EQ(j["signatures"][0]["level"], "B-T");
  EXPECT_EQ(j["signatures"][0]["signerName"], "sm2 签署人");
  EXPECT_TRUE(j["signatures"][0]["provenSigningTime"].is_string());
  EXPECT_EQ(j["signatures"][0]["timestamp"]["valid"], true);
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["allPassed"], true);
  std::string text = rep.ToText();
  EXPECT_NE(text.find("TOTAL_PASSED"), std::string::npos);
  EXPECT_NE(text.find("sm2 签署人"), std::string::npos);
}

}  // namespace
}  // namespace hetong::document::pdf
