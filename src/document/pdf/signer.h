// PAdES signing of PDF files (ETSI EN 319 142-1 baseline B-B, B-T, B-LT, B-LTA; ISO 32000-1
// §12.8), the report's composition of signature value, appearance and time-stamp into the
// file (GM/Y 5013 §5.3.1.5-5.3.1.6).
//
// Every step is an incremental update appended to the original bytes, which stay untouched:
//  1. the signature: a signature field (new, or an existing empty one filled), a widget on a
//     page and rectangle with an appearance (a seal or handwritten-signature image composed
//     with text), or invisible; a signature dictionary /SubFilter /ETSI.CAdES.detached whose
//     /ByteRange covers the whole file except /Contents, which holds the CMS (CAdES: ESS
//     signing-certificate-v2, no signingTime; RSA-SHA256, ECDSA-P256 or SM2-SM3 with the
//     default ID). Optionally a certification signature (DocMDP, P=2).
//  2. B-T: a signature time-stamp (id-aa-timeStampToken over the signature value) from the
//     TimestampSource, inside the same CMS.
//  3. B-LT: a DSS dictionary with the certificates, OCSP responses and CRLs that validate the
//     signer and the time-stamp later, offline (+ VRI for the signature).
//  4. B-LTA: a document time-stamp (/SubFilter /ETSI.RFC3161) over everything, including the
//     DSS; `ExtendArchive` adds fresh validation data and another one later.
// The file is hashed by streaming over its byte ranges, and written to a temporary file that
// replaces the output only when complete: a 100 MB PDF needs no 100 MB buffer, and a failure
// leaves no half-signed file.
//
// Thread-safety: functions; the Signer, TimestampSource and RevocationChecker must be
// thread-safe if shared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/signature.h"
#include "document/pdf/appearance.h"
#include "pki/certificate.h"
#include "pki/path.h"
#include "pki/tsp.h"

namespace hetong::document::pdf {

enum class PadesLevel { kBB, kBT, kBLT, kBLTA };
std::string_view PadesLevelName(PadesLevel level);  // "B-B", "B-T", "B-LT", "B-LTA"
std::optional<PadesLevel> PadesLevelFromName(std::string_view name);

struct VisibleSignature {
  int page = 1;                                // 1-based
  double x = 0, y = 0, width = 0, height = 0;  // points, from the page's lower-left corner
  RgbaImage image;                             // the rendered appearance
};

// What B-LT and B-LTA need to gather validation data.
struct ValidationDataSource {
  std::vector<pki::Certificate> anchors;
  std::vector<pki::Certificate> intermediates;
  pki::RevocationChecker* revocation = nullptr;  // its RevocationCheck::evidence is embedded
};

struct PdfSignOptions {
  PadesLevel level = PadesLevel::kBB;
  std::optional<VisibleSignature> visible;  // absent: an invisible signature
  std::string field_name;  // an existing empty signature field to fill, or the new field's name
  std::string name, reason, location, contact_info;
  bool certify = false;            // DocMDP P=2: only form filling and signing allowed afterwards
  base::TimePoint signing_time{};  // /M, the claimed signing time
  std::vector<pki::Certificate> chain;         // issuer certificates to embed in the CMS
  pki::TimestampSource* timestamps = nullptr;  // B-T and above
  ValidationDataSource validation;             // B-LT and above
  size_t reserve_bytes = 0;                    // size kept for /Contents; 0: estimated
};

struct PdfSignResult {
  std::string field_name;
  size_t cms_bytes = 0;
  uint64_t output_bytes = 0;
};

// Signs `input` into `output` (which may be the same path).
StatusOr<PdfSignResult> SignPdf(const std::string& input, const std::string& output,
                                const crypto::Signer& signer, const pki::Certificate& certificate,
                                const PdfSignOptions& options);

// Adds validation data for every signature and time-stamp in the document (a new DSS
// revision), then a document time-stamp: makes a B-LT file B-LTA, and extends an archive.
StatusOr<PdfSignResult> ExtendArchive(const std::string& input, const std::string& output,
                                      pki::TimestampSource& timestamps, crypto::HashAlgorithm hash,
                                      const ValidationDataSource& validation);

// Adds a document time-stamp only.
StatusOr<PdfSignResult> AddDocumentTimestamp(const std::string& input, const std::string& output,
                                             pki::TimestampSource& timestamps,
                                             crypto::HashAlgorithm hash);

}  // namespace hetong::document::pdf
