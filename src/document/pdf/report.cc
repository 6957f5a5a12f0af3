#include "document/pdf/report.h"

#include <nlohmann/json.hpp>

namespace hetong::document::pdf {

std::string_view IndicationName(Indication i) {
  switch (i) {
    case Indication::kTotalPassed:
      return "TOTAL_PASSED";
    case Indication::kTotalFailed:
      return "TOTAL_FAILED";
    case Indication::kIndeterminate:
      return "INDETERMINATE";
  }
  return "?";
}

std::string_view SubIndicationName(SubIndication s) {
  switch (s) {
    case SubIndication::kNone:
      return "";
    case SubIndication::kFormatFailure:
      return "FORMAT_FAILURE";
    case SubIndication::kHashFailure:
      return "HASH_FAILURE";
    case SubIndication::kSigCryptoFailure:
      return "SIG_CRYPTO_FAILURE";
    case SubIndication::kRevoked:
      return "REVOKED";
    case SubIndication::kExpired:
      return "EXPIRED";
    case SubIndication::kNotYetValid:
      return "NOT_YET_VALID";
    case SubIndication::kNoCertificateChainFound:
      return "NO_CERTIFICATE_CHAIN_FOUND";
    case SubIndication::kOutOfBoundsNoPoe:
      return "OUT_OF_BOUNDS_NO_POE";
    case SubIndication::kTryLater:
      return "TRY_LATER";
    case SubIndication::kSigConstraintsFailure:
      return "SIG_CONSTRAINTS_FAILURE";
    case SubIndication::kChainConstraintsFailure:
      return "CHAIN_CONSTRAINTS_FAILURE";
    case SubIndication::kNoSignerCertificateFound:
      return "NO_SIGNING_CERTIFICATE_FOUND";
    case SubIndication::kCryptoConstraintsFailure:
      return "CRYPTO_CONSTRAINTS_FAILURE";
    case SubIndication::kTimestampFailure:
      return "TIMESTAMP_FAILURE";
  }
  return "?";
}

bool ValidationReport::AllPassed() const {
  if (signatures.empty()) return false;
  for (const auto& s : signatures) {
    if (s.indication != Indication::kTotalPassed) return false;
  }
  return true;
}

namespace {

std::string T(const std::optional<base::TimePoint>& t) {
  return t ? base::FormatRfc3339Millis(*t) : "";
}

}  // namespace

std::string ValidationReport::ToJson() const {
  nlohmann::json j;
  j["format"] = "hetong-validation-report";
  j["version"] = 1;
  j["file"] = file;
  j["size"] = size;
  j["sha256"] = sha256;
  j["revisions"] = revisions;
  j["validationTime"] = base::FormatRfc3339Millis(validation_time);
  j["allPassed"] = AllPassed();
  j["signatures"] = nlohmann::json::array();
  for (const auto& s : signatures) {
    nlohmann::json o = {{"field", s.field},
                        {"kind", s.kind},
                        {"subFilter", s.sub_filter},
                        {"indication", IndicationName(s.indication)},
                        {"subIndication", SubIndicationName(s.sub_indication)},
                        {"message", s.message},
                        {"signer", s.signer},
                        {"signerName", s.signer_name},
                        {"signerSerial", s.signer_serial},
                        {"issuer", s.issuer},
                        {"chain", s.chain},
                        {"signatureAlgorithm", s.signature_algorithm},
                        {"digestAlgorithm", s.digest_algorithm},
                        {"claimedSigningTime", T(s.claimed_time)},
                        {"provenSigningTime", T(s.proven_time)},
                        {"level", s.level},
                        {"revocation", s.revocation},
                        {"revision", s.revision},
                        {"coversWholeFile", s.covers_whole_file},
                        {"certification", s.certification},
                        {"reason", s.reason},
                        {"location", s.location},
                        {"warnings", s.warnings}};
    if (s.certification) o["docMdpPermission"] = s.docmdp_permission;
    if (s.timestamp) {
      o["timestamp"] = {{"time", base::FormatRfc3339Millis(s.timestamp->time)},
                        {"tsa", s.timestamp->tsa},
                        {"serial", s.timestamp->serial},
                        {"policy", s.timestamp->policy},
                        {"valid", s.timestamp->valid},
                        {"problem", s.timestamp->problem}};
    }
    o["modifications"] = nlohmann::json::array();
    for (const auto& m : s.modifications) {
      o["modifications"].push_back({{"revision", m.revision},
                                    {"kind", m.kind},
                                    {"description", m.description},
                                    {"allowed", m.allowed}});
    }
    j["signatures"].push_back(std::move(o));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ValidationReport::ToText() const {
  std::string out = file + ": " + std::to_string(signatures.size()) + " signature(s), " +
                    std::to_string(revisions) + " revision(s), " + std::to_string(size) +
                    " bytes\n";
  int i = 0;
  for (const auto& s : signatures) {
    ++i;
    out += "\n[" + std::to_string(i) + "] " + s.field + " (" + s.kind + ")";
    out += ": " + std::string(IndicationName(s.indication));
    if (s.sub_indication != SubIndication::kNone)
      out += " / " + std::string(SubIndicationName(s.sub_indication));
    if (!s.level.empty())
      out += "  [" + (s.level == "PKCS7" ? std::string("PKCS#7") : "PAdES " + s.level) + "]";
    out += "\n    " + s.message + "\n";
    if (!s.signer.empty())
      out += "    signer:    " + s.signer +
             (s.signer_serial.empty() ? "" : " (serial " + s.signer_serial + ")") + "\n";
    if (!s.issuer.empty()) out += "    issuer:    " + s.issuer + "\n";
    if (s.claimed_time) out += "    claimed:   " + T(s.claimed_time) + "\n";
    if (s.timestamp) {
      out += "    time-stamp: " + base::FormatRfc3339Millis(s.timestamp->time) + " by " +
             s.timestamp->tsa +
             (s.timestamp->valid ? "" : " — NOT VALID: " + s.timestamp->problem) + "\n";
    }
    if (!s.signature_algorithm.empty()) out += "    algorithm: " + s.signature_algorithm + "\n";
    if (s.certification)
      out += "    certification signature (DocMDP P=" + std::to_string(s.docmdp_permission) + ")\n";
    if (!s.reason.empty()) out += "    reason:    " + s.reason + "\n";
    out += "    covers:    revision " + std::to_string(s.revision) + " of " +
           std::to_string(revisions) + (s.covers_whole_file ? " (the whole file)" : "") + "\n";
    for (const auto& m : s.modifications) {
      out += std::string("    ") + (m.allowed ? "later:     " : "MODIFIED:  ") + "revision " +
             std::to_string(m.revision) + ": " + m.description + "\n";
    }
    for (const auto& r : s.revocation) out += "    status:    " + r + "\n";
    for (const auto& w : s.warnings) out += "    warning:   " + w + "\n";
  }
  out += "\n";
  out += AllPassed()          ? "Result: every signature is valid.\n"
         : signatures.empty() ? "Result: the file has no signatures.\n"
                              : "Result: NOT every signature is valid.\n";
  return out;
}

}  // namespace hetong::document::pdf
