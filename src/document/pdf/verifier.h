// Verification of signed PDF files (PAdES / ISO 32000-1 §12.8), producing the report of
// report.h. For each signature field, in the document's final revision:
//  1. the /ByteRange: four integers starting at 0, whose gap is exactly the /Contents hex
//     string the PDF parser sees, ending at the end of a revision ("%%EOF"): this defeats
//     shadow and "universal signature forgery" tricks that sign one thing and show another;
//  2. the digest of the byte ranges (streamed) against the CMS messageDigest;
//  3. the CMS signature (RSA, ECDSA, SM2 with the default ID; PKCS#7 or GB/T 35275 OIDs) and
//     the ESS signing-certificate attribute;
//  4. the signature time-stamp, which proves the signing time;
//  5. the signer's certificate path at the proven time (else now), with revocation from the
//     DSS and the CMS (offline) or a RevocationChecker (online);
//  6. every later incremental update: signatures, validation data (DSS) and document
//     time-stamps are allowed; changed page content, added annotations, or changed objects
//     are modifications, which fail the signature (SIG_CONSTRAINTS_FAILURE);
//  7. the PAdES level reached.
// Document time-stamps (/ETSI.RFC3161) are verified as tokens over their byte ranges.
//
// Thread-safety: reentrant; the checker must be thread-safe if shared.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "document/pdf/report.h"
#include "pki/certificate.h"
#include "pki/path.h"

namespace hetong::document::pdf {

struct PdfVerifyOptions {
  std::vector<pki::Certificate> anchors;
  std::vector<pki::Certificate> intermediates;
  // Online revocation checking; when null only the data embedded in the file is used.
  pki::RevocationChecker* online = nullptr;
  std::optional<base::TimePoint> now;  // default: the system clock
};

// A report for any file that parses as a PDF; an error only for files that are not PDFs or
// cannot be read.
StatusOr<ValidationReport> VerifyPdf(const std::string& path, const PdfVerifyOptions& options);

}  // namespace hetong::document::pdf
