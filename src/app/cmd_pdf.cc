// `hetong pdf sign`, `hetong pdf timestamp`, `hetong verify`: PAdES signing and validation of
// PDF files (document/pdf/), with a key and certificate from files or a signer whose key the
// instance holds (`--data DIR --signer NAME`); `hetong signer ...` manages those signers and
// `hetong seal ...` draws seal images for signature appearances.

#include <cstdio>
#include <memory>
#include <sstream>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/platform.h"
#include "base/file.h"
#include "crypto/random.h"
#include "document/pdf/signer.h"
#include "document/pdf/verifier.h"
#include "seal/seal_image.h"
#include "server/http_client.h"
#include "tsa/client.h"

namespace hetong::app {
namespace {

namespace pdf = document::pdf;

// "x,y,w,h" in points.
StatusOr<std::array<double, 4>> ParseRect(const std::string& text) {
  std::array<double, 4> v{};
  std::istringstream in(text);
  for (int i = 0; i < 4; ++i) {
    if (!(in >> v[i]))
      return InvalidArgumentError("--rect is x,y,width,height in points, e.g. 380,80,160,160");
    if (i < 3) {
      char comma = 0;
      if (!(in >> comma) || comma != ',')
        return InvalidArgumentError("--rect is x,y,width,height in points, e.g. 380,80,160,160");
    }
  }
  std::string rest;
  if (in >> rest)
    return InvalidArgumentError("--rect is x,y,width,height in points, e.g. 380,80,160,160");
  if (v[2] <= 0 || v[3] <= 0 || v[2] > 14400 || v[3] > 14400 || v[0] < 0 || v[1] < 0) {
    return InvalidArgumentError(
        "--rect: the width and height must be positive and the corner on the page");
  }
  return v;
}

struct Context {
  std::unique_ptr<Platform> platform;  // with --data
  server::HttpClient network;
  pki::HttpFetcher* fetcher = &network;
  std::unique_ptr<pki::OnlineRevocation> online;
  std::unique_ptr<pki::TimestampSource> timestamps;
  std::vector<pki::Certificate> anchors, intermediates;

  Status Open(const std::string& data, bool signing) {
    if (data.empty()) return OkStatus();
    HETONG_ASSIGN_OR_RETURN(platform, Platform::Open(data, false));
    HETONG_ASSIGN_OR_RETURN(fetcher, platform->fetcher(signing));
    for (auto& c : platform->ca().TrustAnchors()) anchors.push_back(c);
    for (auto& c : platform->ca().Intermediates()) intermediates.push_back(c);
    return OkStatus();
  }
  Status AddTrust(const std::vector<std::string>& files) {
    HETONG_ASSIGN_OR_RETURN(auto certs, LoadCertificates(files));
    for (auto& c : certs) anchors.push_back(std::move(c));
    return OkStatus();
  }
  pki::RevocationChecker* Online() {
    if (!online) online = std::make_unique<pki::OnlineRevocation>(*fetcher, crypto::DefaultRng());
    return online.get();
  }
  // A TSA URL, or the instance's TSA; null when neither.
  StatusOr<pki::TimestampSource*> Timestamps(const std::string& url) {
    if (!url.empty()) {
      timestamps =
          std::make_unique<tsa::RemoteTimestampSource>(*fetcher, url, crypto::DefaultRng());
    } else if (platform) {
      HETONG_ASSIGN_OR_RETURN(tsa::TimeStampAuthority * t, platform->tsa());
      timestamps = std::make_unique<tsa::LocalTimestampSource>(*t, crypto::DefaultRng());
    }
    return timestamps.get();
  }
  pdf::ValidationDataSource Validation() {
    pdf::ValidationDataSource v;
    v.anchors = anchors;
    v.intermediates = intermediates;
    v.revocation = Online();
    return v;
  }
};

struct SignOpts {
  std::string in, out, key, pass_file, cert, data, signer, level, tsa, rect, image, field;
  std::vector<std::string> chain, trust, text;
  std::string name, reason, location, contact;
  int page = 1;
  bool certify = false;
};

int RunSign(const SignOpts& o) {
  Context ctx;
  if (Status s = ctx.Open(o.data, /*signing=*/true); !s.ok()) return Fail(s);
  if (Status s = ctx.AddTrust(o.trust); !s.ok()) return Fail(s);
  // Who signs.
  std::shared_ptr<const crypto::Signer> signer;
  std::optional<pki::Certificate> cert;
  std::vector<pki::Certificate> chain;
  if (!o.signer.empty()) {
    if (!ctx.platform) return Fail("--signer needs --data DIR (the instance that holds the key)");
    auto id = ctx.platform->FindSigner(o.signer);
    if (!id.ok()) return Fail(id.status());
    signer = id->signer;
    cert = id->certificate;
    chain = id->chain;
  } else {
    if (o.key.empty() || o.cert.empty())
      return Fail("give --key and --cert, or --data DIR --signer NAME");
    auto key = LoadPrivateKey(o.key, o.pass_file);
    if (!key.ok()) return Fail(key.status());
    auto s = crypto::NewSigner(*key);
    if (!s.ok()) return Fail(s.status());
    signer = std::move(*s);
    auto certs = LoadCertificates({o.cert});
    if (!certs.ok()) return Fail(certs.status());
    if (certs->empty()) return Fail("no certificate in " + o.cert);
    cert = certs->front();
    for (size_t i = 1; i < certs->size(); ++i) chain.push_back((*certs)[i]);  // a PEM bundle
    auto more = LoadCertificates(o.chain);
    if (!more.ok()) return Fail(more.status());
    for (auto& c : *more) chain.push_back(std::move(c));
  }
  for (const auto& c : chain) ctx.intermediates.push_back(c);
  // The level: B-T by default when a TSA is at hand.
  auto tsa = ctx.Timestamps(o.tsa);
  if (!tsa.ok()) return Fail(tsa.status());
  std::string level_name = o.level.empty() ? (*tsa ? "B-T" : "B-B") : o.level;
  auto level = pdf::PadesLevelFromName(level_name);
  if (!level) return Fail("--level is B-B, B-T, B-LT or B-LTA");
  pdf::PdfSignOptions opts;
  opts.level = *level;
  opts.timestamps = *tsa;
  opts.chain = chain;
  opts.field_name = o.field;
  opts.name = o.name;
  opts.reason = o.reason;
  opts.location = o.location;
  opts.contact_info = o.contact;
  opts.certify = o.certify;
  if (*level >= pdf::PadesLevel::kBLT) {
    if (ctx.anchors.empty())
      return Fail(level_name + " needs the trusted roots (--trust, or --data DIR)");
    opts.validation = ctx.Validation();
  }
  // The appearance.
  if (!o.rect.empty()) {
    auto r = ParseRect(o.rect);
    if (!r.ok()) return Fail(r.status());
    pdf::AppearanceSpec spec;
    spec.width_pt = (*r)[2];
    spec.height_pt = (*r)[3];
    spec.text_lines = o.text;
    if (!o.image.empty()) {
      auto png = base::ReadFile(o.image);
      if (!png.ok()) return Fail(png.status());
      auto img = pdf::DecodePng(*png);
      if (!img.ok()) return Fail(img.status().WithContext(o.image));
      spec.image = std::move(*img);
    }
    if (spec.image && spec.text_lines.empty()) {
      spec.layout = pdf::AppearanceSpec::Layout::kImageOnly;
    } else if (!spec.image && !spec.text_lines.empty()) {
      spec.layout = pdf::AppearanceSpec::Layout::kTextOnly;
    } else if (!spec.image) {
      spec.layout = pdf::AppearanceSpec::Layout::kTextOnly;
      spec.text_lines = {cert->subject().common_name(),
                         base::FormatRfc3339(base::SystemClock::Get().Now())};
    }
    auto image = pdf::RenderAppearance(spec);
    if (!image.ok()) return Fail(image.status());
    opts.visible =
        pdf::VisibleSignature{o.page, (*r)[0], (*r)[1], (*r)[2], (*r)[3], std::move(*image)};
  } else if (!o.image.empty() || !o.text.empty()) {
    return Fail("--image and --text need --rect (where the signature appears)");
  }
  auto res = pdf::SignPdf(o.in, o.out, *signer, *cert, opts);
  if (!res.ok()) return Fail(res.status());
  std::fprintf(stderr, "signed %s as %s (%s, %s, %zu-byte signature) -> %s\n", o.in.c_str(),
               res->field_name.c_str(), cert->subject().common_name().c_str(), level_name.c_str(),
               res->cms_bytes, o.out.c_str());
  return kExitOk;
}

struct TsOpts {
  std::string in, out, data, tsa, hash = "sha256";
  std::vector<std::string> trust;
  bool archive = false;
};

int RunTimestamp(const TsOpts& o) {
  Context ctx;
  if (Status s = ctx.Open(o.data, /*signing=*/true); !s.ok()) return Fail(s);
  if (Status s = ctx.AddTrust(o.trust); !s.ok()) return Fail(s);
  auto tsa = ctx.Timestamps(o.tsa);
  if (!tsa.ok()) return Fail(tsa.status());
  if (!*tsa) return Fail("give the TSA with --tsa URL or --data DIR");
  crypto::HashAlgorithm alg = *crypto::HashFromName(o.hash);
  StatusOr<pdf::PdfSignResult> res = InternalError("unset");
  if (o.archive) {
    if (ctx.anchors.empty())
      return Fail("--archive needs the trusted roots (--trust, or --data DIR)");
    res = pdf::ExtendArchive(o.in, o.out, **tsa, alg, ctx.Validation());
  } else {
    res = pdf::AddDocumentTimestamp(o.in, o.out, **tsa, alg);
  }
  if (!res.ok()) return Fail(res.status());
  std::fprintf(stderr, "added a document time-stamp%s (%s) -> %s\n",
               o.archive ? " and validation data" : "", res->field_name.c_str(), o.out.c_str());
  return kExitOk;
}

struct VerifyOpts {
  std::string file, data, out;
  std::vector<std::string> trust, chain;
  bool json = false, offline = false;
};

int RunVerify(const VerifyOpts& o) {
  Context ctx;
  if (Status s = ctx.Open(o.data, /*signing=*/false); !s.ok()) return Fail(s);
  if (Status s = ctx.AddTrust(o.trust); !s.ok()) return Fail(s);
  auto chain = LoadCertificates(o.chain);
  if (!chain.ok()) return Fail(chain.status());
  pdf::PdfVerifyOptions opts;
  opts.anchors = ctx.anchors;
  opts.intermediates = ctx.intermediates;
  for (auto& c : *chain) opts.intermediates.push_back(std::move(c));
  if (!o.offline) opts.online = ctx.Online();
  auto report = pdf::VerifyPdf(o.file, opts);
  if (!report.ok()) return Fail(report.status());
  std::string text = o.json ? report->ToJson() : report->ToText();
  if (text.empty() || text.back() != '\n') text += '\n';
  if (!o.out.empty()) {
    Status s = WriteOutput(o.out, AsBytes(text));
    if (!s.ok()) return Fail(s);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return report->AllPassed() ? kExitOk : kExitNegative;
}

}  // namespace

void RegisterPdfCommands(CLI::App& app, int* rc) {
  auto* pdf_cmd = app.add_subcommand("pdf", "sign PDF files (PAdES) and add document time-stamps");
  pdf_cmd->require_subcommand(1);

  auto so = std::make_shared<SignOpts>();
  auto* sign =
      pdf_cmd->add_subcommand("sign", "sign a PDF: an incremental update with a CAdES signature");
  sign->add_option("--in", so->in, "the PDF to sign")->required();
  sign->add_option("--out", so->out, "the signed PDF (may be the same file)")->required();
  sign->add_option("--key", so->key, "the signer's private key (PKCS#8)");
  sign->add_option("--pass-file", so->pass_file, "password of an encrypted key");
  sign->add_option("--cert", so->cert,
                   "the signer's certificate (PEM or DER; a PEM bundle may carry the chain)");
  sign->add_option("--chain", so->chain, "issuing CA certificates to embed, repeatable");
  sign->add_option("--data", so->data, "the instance directory (its signers, TSA, CRLs and OCSP)");
  sign->add_option("--signer", so->signer,
                   "a signer held by the instance (see 'hetong signer list')");
  sign->add_option("--level", so->level,
                   "B-B, B-T, B-LT or B-LTA (default: B-T when a TSA is given, else B-B)");
  sign->add_option("--tsa", so->tsa,
                   "a time-stamp authority URL (default with --data: the instance's TSA)");
  sign->add_option("--trust", so->trust,
                   "trusted roots for B-LT/B-LTA validation data, repeatable");
  sign->add_option("--page", so->page, "page of a visible signature (1-based)")
      ->check(CLI::Range(1, 1000000));
  sign->add_option("--rect", so->rect,
                   "visible signature rectangle x,y,w,h in points from the lower-left corner");
  sign->add_option("--image", so->image,
                   "seal or handwritten-signature image (PNG, transparency kept)");
  sign->add_option("--text", so->text, "a line of text in the appearance (UTF-8), repeatable");
  sign->add_option("--field", so->field,
                   "an empty signature field to fill, or the new field's name");
  sign->add_option("--name", so->name, "the signer's name as shown by readers");
  sign->add_option("--reason", so->reason, "why the document is signed");
  sign->add_option("--location", so->location, "where it is signed");
  sign->add_option("--contact", so->contact, "how to reach the signer");
  sign->add_flag("--certify", so->certify,
                 "certify the document: later only form filling and signing (DocMDP P=2)");
  sign->callback([so, rc] { *rc = RunSign(*so); });

  auto to = std::make_shared<TsOpts>();
  auto* ts = pdf_cmd->add_subcommand(
      "timestamp", "add a document time-stamp (and with --archive fresh validation data)");
  ts->add_option("--in", to->in, "the PDF")->required();
  ts->add_option("--out", to->out, "the time-stamped PDF (may be the same file)")->required();
  ts->add_option("--tsa", to->tsa, "a time-stamp authority URL");
  ts->add_option("--data", to->data, "the instance directory (its TSA, CRLs and OCSP)");
  ts->add_option("--hash", to->hash, "sha256 (RSA TSA) or sm3 (SM2 TSA)")
      ->check(CLI::IsMember({"sm3", "sha256", "sha384", "sha512"}));
  ts->add_flag("--archive", to->archive,
               "first add validation data for every signature and time-stamp (B-LT to B-LTA, or "
               "extend an archive)");
  ts->add_option("--trust", to->trust, "trusted roots for the validation data, repeatable");
  ts->callback([to, rc] { *rc = RunTimestamp(*to); });

  auto vo = std::make_shared<VerifyOpts>();
  auto* verify = app.add_subcommand(
      "verify", "validate the signatures of a PDF; exit 0 only if every one is valid");
  verify->add_option("file", vo->file, "the signed PDF")->required();
  verify->add_option("--trust", vo->trust,
                     "trusted root certificates (PEM bundle or DER), repeatable");
  verify->add_option("--chain", vo->chain, "more intermediate certificates, repeatable");
  verify->add_option("--data", vo->data,
                     "trust the roots of this instance (and reach its CRLs and OCSP in process)");
  verify->add_flag("--json", vo->json,
                   "print the validation report as JSON (docs/formats/validation-report.md)");
  verify->add_flag("--offline", vo->offline,
                   "use only the validation data in the file (no OCSP or CRL fetching)");
  verify->add_option("--out", vo->out, "write the report to this file instead of standard output");
  verify->callback([vo, rc] { *rc = RunVerify(*vo); });

  // Seal images.
  auto* seal_cmd = app.add_subcommand("seal", "draw seal images (PNG) for signature appearances");
  seal_cmd->require_subcommand(1);
  struct SealOpts {
    std::string name, code, title, out;
    int size = 0;
  };
  auto co = std::make_shared<SealOpts>();
  auto* company = seal_cmd->add_subcommand("company", "a round company seal");
  company->add_option("--name", co->name, "the organisation, e.g. 北京某某科技有限公司")
      ->required();
  company->add_option("--code", co->code, "the 13-digit seal code");
  company->add_option("--title", co->title, "the title under the star, e.g. 合同专用章");
  company->add_option("--size", co->size, "pixels (default 512)");
  company->add_option("--out", co->out, "PNG file")->required();
  company->callback([co, rc] {
    seal::CompanySealSpec spec;
    spec.organization = co->name;
    spec.seal_code = co->code;
    spec.center_text = co->title;
    if (co->size) spec.size_px = co->size;
    auto img = seal::RenderCompanySeal(spec);
    auto png = img.ok() ? pdf::EncodePng(*img) : StatusOr<Bytes>(img.status());
    if (!png.ok()) return void(*rc = Fail(png.status()));
    Status s = WriteOutput(co->out, *png);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
  auto po = std::make_shared<SealOpts>();
  auto* personal =
      seal_cmd->add_subcommand("personal", "a square personal seal (2 to 4 Chinese characters)");
  personal->add_option("--name", po->name, "the name, e.g. 张三")->required();
  personal->add_option("--size", po->size, "pixels (default 256)");
  personal->add_option("--out", po->out, "PNG file")->required();
  personal->callback([po, rc] {
    seal::PersonalSealSpec spec;
    spec.name = po->name;
    if (po->size) spec.size_px = po->size;
    auto img = seal::RenderPersonalSeal(spec);
    auto png = img.ok() ? pdf::EncodePng(*img) : StatusOr<Bytes>(img.status());
    if (!png.ok()) return void(*rc = Fail(png.status()));
    Status s = WriteOutput(po->out, *png);
    *rc = s.ok() ? kExitOk : Fail(s);
  });

  // Signers held by the instance.
  auto* signer_cmd =
      app.add_subcommand("signer", "signing identities whose keys the instance holds (operator)");
  signer_cmd->require_subcommand(1);
  struct SignerOpts {
    std::string data, name, subject, alg = "sm2", profile = "org";
    bool pem = false;
  };
  auto eo = std::make_shared<SignerOpts>();
  auto* enroll =
      signer_cmd->add_subcommand("enroll", "make a key in the key center and a certificate for it");
  enroll->add_option("--data", eo->data, "instance data directory")->required();
  enroll->add_option("--name", eo->name, "a short name, e.g. acme-contracts")->required();
  enroll->add_option("--subject", eo->subject, "e.g. \"/C=CN/O=某某公司/CN=某某公司合同专用章\"")
      ->required();
  enroll->add_option("--alg", eo->alg, "sm2, rsa2048, rsa3072 or ecdsa-p256")
      ->check(CLI::IsMember({"sm2", "rsa2048", "rsa3072", "ecdsa-p256"}));
  enroll->add_option("--profile", eo->profile, "org or personal")
      ->check(CLI::IsMember({"org", "personal"}));
  enroll->callback([eo, rc] {
    auto dn = ParseSubject(eo->subject);
    if (!dn.ok()) return void(*rc = Fail(dn.status()));
    auto p = Platform::Open(eo->data, false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    auto id = (*p)->EnrollSigner(eo->name, *dn, *crypto::KeySpecFromName(eo->alg),
                                 *pki::ProfileFromName(eo->profile));
    if (!id.ok()) return void(*rc = Fail(id.status()));
    std::printf("%s %s serial %s\n", id->name.c_str(), id->certificate.subject().ToString().c_str(),
                id->certificate.SerialHex().c_str());
    *rc = kExitOk;
  });
  auto lo = std::make_shared<SignerOpts>();
  auto* list = signer_cmd->add_subcommand("list", "list the signers");
  list->add_option("--data", lo->data, "instance data directory")->required();
  list->callback([lo, rc] {
    auto p = Platform::Open(lo->data, false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    auto names = (*p)->SignerNames();
    if (!names.ok()) return void(*rc = Fail(names.status()));
    for (const auto& n : *names) {
      auto id = (*p)->FindSigner(n);
      std::printf(
          "%-24s %s\n", n.c_str(),
          id.ok() ? id->certificate.subject().ToString().c_str() : id.status().message().c_str());
    }
    *rc = kExitOk;
  });
  auto ro = std::make_shared<SignerOpts>();
  auto* renew =
      signer_cmd->add_subcommand("renew", "a new certificate for the signer's key (same subject)");
  renew->add_option("--data", ro->data, "instance data directory")->required();
  renew->add_option("--name", ro->name, "the signer")->required();
  renew->callback([ro, rc] {
    auto p = Platform::Open(ro->data, false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    auto id = (*p)->RenewSigner(ro->name);
    if (!id.ok()) return void(*rc = Fail(id.status()));
    std::printf("%s serial %s valid until %s\n", id->name.c_str(),
                id->certificate.SerialHex().c_str(),
                base::FormatRfc3339(id->certificate.not_after()).c_str());
    *rc = kExitOk;
  });
  auto xo = std::make_shared<SignerOpts>();
  auto* retire =
      signer_cmd->add_subcommand("retire", "revoke the signer's certificates and retire its key");
  retire->add_option("--data", xo->data, "instance data directory")->required();
  retire->add_option("--name", xo->name, "the signer")->required();
  retire->callback([xo, rc] {
    auto p = Platform::Open(xo->data, false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    Status s = (*p)->RetireSigner(xo->name);
    if (!s.ok()) return void(*rc = Fail(s));
    std::fprintf(stderr,
                 "retired %s: its certificates are revoked and its key can no longer sign\n",
                 xo->name.c_str());
    *rc = kExitOk;
  });

  auto wo = std::make_shared<SignerOpts>();
  auto* show = signer_cmd->add_subcommand("show", "show a signer's certificate");
  show->add_option("--data", wo->data, "instance data directory")->required();
  show->add_option("--name", wo->name, "the signer")->required();
  show->add_flag("--pem", wo->pem, "print the certificate and its chain in PEM");
  show->callback([wo, rc] {
    auto p = Platform::Open(wo->data, false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    auto id = (*p)->FindSigner(wo->name);
    if (!id.ok()) return void(*rc = Fail(id.status()));
    const auto& c = id->certificate;
    if (wo->pem) {
      std::printf("%s", c.ToPem().c_str());
      for (const auto& i : id->chain) std::printf("%s", i.ToPem().c_str());
    } else {
      std::printf("subject:   %s\nissuer:    %s\nserial:    %s\nnot after: %s\nkey:       %s\n",
                  c.subject().ToString().c_str(), c.issuer().ToString().c_str(),
                  c.SerialHex().c_str(), base::FormatRfc3339(c.not_after()).c_str(),
                  id->key_id.c_str());
    }
    *rc = kExitOk;
  });
}

}  // namespace hetong::app
