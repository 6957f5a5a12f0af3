// `hetong evidence verify PACKAGE.zip` and `hetong evidence verify-consistency`: the offline
// checks of evidence packages and of consistency between two signed tree heads
// (docs/formats/evidence.md). The document of a package is checked with the PDF verifier
// when it is a PDF.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/cli_util.h"
#include "app/commands.h"
#include "base/file.h"
#include "document/pdf/verifier.h"
#include "evidence/merkle.h"
#include "evidence/package.h"
#include "evidence/tree_head.h"

namespace hetong::app {

namespace {

// The PDF verifier reads files: the document goes to a private temporary file.
evidence::DocumentCheck VerifyPdfDocument(ByteView doc, const std::string& name,
                                          const std::vector<pki::Certificate>& anchors,
                                          const std::vector<pki::Certificate>& intermediates) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/hetong-evidence-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return {false, "cannot make a temporary file to verify " + name};
  size_t off = 0;
  bool ok = true;
  while (off < doc.size()) {
    ssize_t n = write(fd, doc.data() + off, doc.size() - off);
    if (n <= 0) {
      ok = false;
      break;
    }
    off += static_cast<size_t>(n);
  }
  close(fd);
  evidence::DocumentCheck out;
  if (!ok) {
    out = {false, "cannot write a temporary file to verify " + name};
  } else {
    document::pdf::PdfVerifyOptions opts;
    opts.anchors = anchors;
    opts.intermediates = intermediates;
    auto report = document::pdf::VerifyPdf(path, opts);
    if (!report.ok()) {
      out = {false, name + " is not a readable PDF: " + report.status().message()};
    } else if (report->AllPassed()) {
      out = {true, name + ": " + std::to_string(report->signatures.size()) +
                       " signature(s), every one TOTAL_PASSED"};
    } else {
      std::string detail = name + ": ";
      if (report->signatures.empty()) detail += "no signatures";
      for (const auto& s : report->signatures) {
        detail += s.field + " " + std::string(document::pdf::IndicationName(s.indication)) +
                  (s.message.empty() ? "" : " (" + s.message + ")") + "; ";
      }
      out = {false, detail};
    }
  }
  unlink(path.c_str());
  // Messages name the temporary file; say the document's name instead.
  for (size_t at; (at = out.detail.find(path)) != std::string::npos;) {
    out.detail.replace(at, path.size(), name);
  }
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void RegisterEvidenceCommands(CLI::App& app, int* rc) {
  auto* ev = app.add_subcommand("evidence", "evidence packages and the evidence log's tree heads");
  ev->require_subcommand(1);

  struct VerifyOpts {
    std::string package;
    std::vector<std::string> anchors;
    bool json = false;
  };
  auto vo = std::make_shared<VerifyOpts>();
  auto* verify = ev->add_subcommand(
      "verify", "check an evidence package offline; exit 0 if every check passes, 1 if not");
  verify->add_option("package", vo->package, "the evidence package (.zip)")->required();
  verify->add_option("--anchor", vo->anchors,
                     "a root certificate you trust (PEM/DER), repeatable; without one the "
                     "package's own root is used and the report says so");
  verify->add_flag("--json", vo->json, "print the report as JSON");
  verify->callback([vo, rc] {
    auto zip = base::ReadFile(vo->package);
    if (!zip.ok()) return void(*rc = Fail(zip.status()));
    auto anchors = LoadCertificates(vo->anchors);
    if (!anchors.ok()) return void(*rc = Fail(anchors.status()));
    evidence::PackageVerifyOptions opts;
    opts.anchors = *anchors;
    // The PDF's signatures are checked against the verifier's anchors, else the package's
    // roots (which the report then flags as package-only, like the log's).
    opts.document_verifier = [&](ByteView doc, const std::string& name,
                                 const std::vector<pki::Certificate>& package_roots) {
      if (!EndsWith(name, ".pdf")) {
        return evidence::DocumentCheck{true, name + ": not a PDF; only its digest is checked"};
      }
      if (!anchors->empty()) return VerifyPdfDocument(doc, name, *anchors, {});
      auto c = VerifyPdfDocument(doc, name, package_roots, {});
      c.detail += " (signers checked against the package's own roots)";
      return c;
    };
    auto report = evidence::VerifyPackage(*zip, opts);
    if (!report.ok()) {
      return void(*rc = Fail(report.status().WithContext("the package cannot be checked")));
    }
    std::string out = vo->json ? evidence::ReportJson(*report) : evidence::ReportText(*report);
    std::fwrite(out.data(), 1, out.size(), stdout);
    *rc = report->ok() ? kExitOk : kExitNegative;
  });

  struct ConsOpts {
    std::string old_head, new_head, proof;
    std::vector<std::string> certs;
  };
  auto co = std::make_shared<ConsOpts>();
  auto* cons = ev->add_subcommand(
      "verify-consistency",
      "check that a newer tree head extends an older one; exit 0 if so, 1 if not");
  cons->add_option("--old", co->old_head, "the older head (sth.json)")->required();
  cons->add_option("--new", co->new_head, "the newer head (sth.json)")->required();
  cons->add_option("--proof", co->proof, "the consistency proof (proof.json)")->required();
  cons->add_option("--cert", co->certs,
                   "the log certificate (PEM/DER): also check both heads' signatures");
  cons->callback([co, rc] {
    auto read_head = [](const std::string& path) -> StatusOr<evidence::SignedTreeHead> {
      HETONG_ASSIGN_OR_RETURN(std::string text, base::ReadFileToString(path));
      auto head = evidence::TreeHeadFromJson(text);
      if (!head.ok()) return head.status().WithContext(path);
      return head;
    };
    auto older = read_head(co->old_head);
    if (!older.ok()) return void(*rc = Fail(older.status()));
    auto newer = read_head(co->new_head);
    if (!newer.ok()) return void(*rc = Fail(newer.status()));
    auto text = base::ReadFileToString(co->proof);
    if (!text.ok()) return void(*rc = Fail(text.status()));
    auto proof = evidence::ConsistencyProofFromJson(*text);
    if (!proof.ok()) return void(*rc = Fail(proof.status().WithContext(co->proof)));
    bool ok = true;
    auto say = [&](bool passed, const std::string& line) {
      std::printf("  [%s] %s\n", passed ? "PASS" : "FAIL", line.c_str());
      ok = ok && passed;
    };
    say(older->log_id == newer->log_id, "both heads are of log " + newer->log_id);
    say(older->hash == newer->hash && newer->hash == proof->hash &&
            (newer->hash == "sm3" || newer->hash == "sha256"),
        "tree hash " + newer->hash);
    say(proof->first == older->tree_size && proof->second == newer->tree_size,
        "the proof is from size " + std::to_string(proof->first) + " to " +
            std::to_string(proof->second) + "; the heads have " + std::to_string(older->tree_size) +
            " and " + std::to_string(newer->tree_size));
    evidence::TreeHasher hasher(newer->hash == "sha256" ? crypto::HashAlgorithm::kSha256
                                                        : crypto::HashAlgorithm::kSm3);
    Status c = evidence::VerifyConsistency(hasher, older->tree_size, newer->tree_size, proof->proof,
                                           older->root, newer->root);
    say(c.ok(), c.ok() ? "the newer tree extends the older one: nothing was rewritten"
                       : "consistency: " + c.message());
    if (!co->certs.empty()) {
      auto certs = LoadCertificates(co->certs);
      if (!certs.ok() || certs->empty()) return void(*rc = Fail("cannot read --cert"));
      for (auto [name, head] : {std::pair{"older", &*older}, std::pair{"newer", &*newer}}) {
        Status s = evidence::VerifyTreeHeadSignature(*head, certs->front().public_key());
        say(s.ok(), std::string("the ") + name + " head's signature" +
                        (s.ok() ? " verifies" : ": " + s.message()));
      }
    }
    std::printf("%s\n", ok ? "CONSISTENT" : "NOT CONSISTENT");
    *rc = ok ? kExitOk : kExitNegative;
  });
}

}  // namespace hetong::app
