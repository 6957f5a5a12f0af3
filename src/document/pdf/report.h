// The validation report of a signed PDF, modelled on the simple report of ETSI TS 119 102-2:
// per signature an indication (TOTAL_PASSED / TOTAL_FAILED / INDETERMINATE) with a
// sub-indication, the signer, the claimed and proven signing times, the PAdES level
// reached, and the modifications made after it; rendered as JSON (docs/formats/
// validation-report.md) or as text for people.
//
// Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace hetong::document::pdf {

enum class Indication { kTotalPassed, kTotalFailed, kIndeterminate };
std::string_view IndicationName(Indication i);  // "TOTAL_PASSED", ...

// ETSI TS 119 102-1 sub-indications (the subset hetong reports).
enum class SubIndication {
  kNone,
  kFormatFailure,
  kHashFailure,
  kSigCryptoFailure,
  kRevoked,
  kExpired,
  kNotYetValid,
  kNoCertificateChainFound,
  kOutOfBoundsNoPoe,
  kTryLater,
  kSigConstraintsFailure,
  kChainConstraintsFailure,
  kNoSignerCertificateFound,
  kCryptoConstraintsFailure,
  kTimestampFailure,  // not ETSI: a signature time-stamp that does not verify
};
std::string_view SubIndicationName(SubIndication s);  // "HASH_FAILURE", ...

struct Modification {
  int revision = 0;  // 1-based revision that made it
  // page-content, annotation (an annotation added), annotation-list (a page's annotations
  // removed, reordered or replaced), form, catalog, object, metadata, validation-data,
  // timestamp, trailing-data (docs/formats/validation-report.md)
  std::string kind;
  std::string description;
  bool allowed = false;  // signatures, validation data and time-stamps are allowed
};

struct TimestampSummary {
  base::TimePoint time{};
  std::string tsa;     // TSA certificate subject
  std::string serial;  // hex
  std::string policy;
  bool valid = false;
  std::string problem;
};

struct SignatureReport {
  std::string field;
  std::string kind = "signature";  // "signature" or "document-timestamp"
  std::string sub_filter;
  bool certification = false;
  int docmdp_permission = 0;  // 1..3 for a certification signature
  Indication indication = Indication::kIndeterminate;
  SubIndication sub_indication = SubIndication::kNone;
  std::string message;        // the main finding, for people
  std::string signer;         // subject DN
  std::string signer_name;    // CN
  std::string signer_serial;  // hex
  std::string issuer;
  std::vector<std::string> chain;  // subjects, signer first
  std::string signature_algorithm;
  std::string digest_algorithm;
  std::optional<base::TimePoint> claimed_time;
  std::optional<base::TimePoint> proven_time;
  std::optional<TimestampSummary> timestamp;
  std::string level;  // "B-B", "B-T", "B-LT", "B-LTA", "PKCS7", or "" when not reached
  std::vector<std::string> revocation;  // how each chain certificate's status was established
  int revision = 0;                     // the revision the signature covers (1-based)
  bool covers_whole_file = false;
  std::vector<Modification> modifications;  // made after this signature
  std::vector<std::string> warnings;
  std::string reason, location;
};

struct ValidationReport {
  std::string file;
  uint64_t size = 0;
  std::string sha256;
  int revisions = 0;
  std::vector<SignatureReport> signatures;
  base::TimePoint validation_time{};
  // TOTAL_PASSED for every signature (and there is at least one).
  bool AllPassed() const;
  std::string ToJson() const;
  std::string ToText() const;
};

}  // namespace hetong::document::pdf
