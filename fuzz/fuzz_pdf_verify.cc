// Fuzz target: signed PDF files received from outside (ISO 32000-1 §12.8, PAdES), through
// document::pdf::VerifyPdf offline: revision scanning, qpdf parsing over the bounded input
// source, signature-field collection, /ByteRange checks, CMS parsing and verification,
// time-stamp tokens, the DSS, and the analysis of every later incremental update.
//
// Invariants checked:
// - hostile input never crashes and never escapes as an exception: VerifyPdf returns a
//   report or InvalidArgument / NotFound / FailedPrecondition;
// - a report is internally consistent: a TOTAL_PASSED signature has no sub-indication, covers
//   a revision that exists, and has no disallowed modification after it; the report renders
//   as JSON and text.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "document/pdf/verifier.h"
#include "fuzz/fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;                 // NOLINT(google-build-using-namespace)
  using namespace hetong::document::pdf;  // NOLINT(google-build-using-namespace)
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp ? tmp : "/tmp") + "/hetong-fuzz-pdf-" + std::to_string(::getpid()) +
           ".pdf";
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto report = VerifyPdf(path, PdfVerifyOptions{});
  ::unlink(path.c_str());
  if (!report.ok()) {
    StatusCode c = report.status().code();
    HETONG_FUZZ_ASSERT(c == StatusCode::kInvalidArgument || c == StatusCode::kNotFound ||
                       c == StatusCode::kFailedPrecondition);
    return 0;
  }
  for (const auto& s : report->signatures) {
    if (s.indication == Indication::kTotalPassed) {
      HETONG_FUZZ_ASSERT(s.sub_indication == SubIndication::kNone);
      HETONG_FUZZ_ASSERT(s.revision >= 1 && s.revision <= report->revisions);
      for (const auto& m : s.modifications) HETONG_FUZZ_ASSERT(m.allowed);
    }
  }
  HETONG_FUZZ_ASSERT(!report->ToJson().empty());
  HETONG_FUZZ_ASSERT(!report->ToText().empty());
  return 0;
}
