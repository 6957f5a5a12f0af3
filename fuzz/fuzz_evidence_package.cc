// Fuzz target: evidence packages as an auditor receives them (a zip of JSON, certificates,
// signatures and a document): evidence::VerifyPackage, the report renderers, and the JSON
// parsers of tree heads and consistency proofs that `hetong evidence verify-consistency` reads.
//
// Invariants checked:
// - a package that cannot be read fails with InvalidArgument only, never another error;
// - a package that can be read gives a report whose text and JSON render, and it is never
//   valid without every check passing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evidence/package.h"
#include "evidence/tree_head.h"
#include "fuzz/fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  evidence::PackageVerifyOptions opts;
  auto report = evidence::VerifyPackage(input, opts);
  if (!report.ok()) {
    HETONG_FUZZ_ASSERT(report.status().code() == StatusCode::kInvalidArgument);
  } else {
    HETONG_FUZZ_ASSERT(!evidence::ReportText(*report).empty());
    HETONG_FUZZ_ASSERT(!evidence::ReportJson(*report).empty());
    for (const auto& c : report->checks) HETONG_FUZZ_ASSERT(c.passed || !report->ok());
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto head = evidence::TreeHeadFromJson(text);
  if (!head.ok()) HETONG_FUZZ_ASSERT(head.status().code() == StatusCode::kInvalidArgument);
  auto proof = evidence::ConsistencyProofFromJson(text);
  if (!proof.ok()) HETONG_FUZZ_ASSERT(proof.status().code() == StatusCode::kInvalidArgument);
  return 0;
}
