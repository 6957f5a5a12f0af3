// Evidence packages (docs/formats/evidence.md, "Evidence package"): one zip per contract (or
// account) holding the signed document, the subject's events with their inclusion proofs, a
// signed tree head covering them with its time-stamp, and the certificates; and its offline
// verification, which returns a report of every check rather than failing on findings.
//
// evidence/ does not know document formats: the caller passes a DocumentVerifier (the CLI
// passes the PDF verifier) to check the document itself.
//
// Thread-safety: functions only; the DocumentVerifier is called on the calling thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "evidence/event.h"
#include "evidence/log.h"
#include "evidence/tree_head.h"
#include "pki/certificate.h"

namespace hetong::evidence {

struct PackageInputs {
  std::string subject;
  Bytes document;                          // empty: the subject has no document
  std::string document_name;               // e.g. "contract.pdf": [A-Za-z0-9._-], at most 100 bytes
  std::vector<LoggedEvent> events;         // the subject's, in index order
  SignedTreeHead head;                     // covers every event
  std::vector<std::vector<Bytes>> proofs;  // inclusion proof of each event in `head`
  std::vector<pki::Certificate> log_chain;  // the log certificate, then its CAs
  std::vector<pki::Certificate> tsa_chain;  // the TSA certificate and its CAs (if a token)
  std::vector<pki::Certificate> roots;      // the roots those chains end at
  base::TimePoint created_at{};
};

// Fills events, head and proofs from the log: the subject's events, the latest head and the
// proofs against it. FailedPrecondition when the subject has no events or the latest head
// does not cover its latest event yet (sign a new head, or wait for the scheduler).
Status CollectFromLog(EvidenceLog& log, const std::string& subject, PackageInputs& inputs);

// The zip. InvalidArgument for inputs that cannot make a sound package (no events, a proof
// missing, an event of another subject, a bad document name, no log certificate).
StatusOr<Bytes> BuildPackage(const PackageInputs& inputs);

struct DocumentCheck {
  bool passed = false;
  std::string detail;  // for people: what was checked, or why it failed
};
// Checks the document of a package; `name` is its file name (e.g. "contract.pdf"), and
// `package_roots` the roots the package carries (certificates/roots.pem), which a verifier
// may fall back on when its caller supplied none (and should then say so).
using DocumentVerifier =
    std::function<DocumentCheck(ByteView document, const std::string& name,
                                const std::vector<pki::Certificate>& package_roots)>;

struct PackageVerifyOptions {
  std::vector<pki::Certificate> anchors;  // roots the verifier trusts (not from the package)
  DocumentVerifier document_verifier;     // optional
};

enum class AnchorSource {
  kNone,         // no path to any root
  kVerifier,     // a root the verifier supplied
  kPackageOnly,  // a root that only the package supplied: trust it only if its fingerprint
                 // is the platform's published one
};
std::string_view AnchorSourceName(AnchorSource s);  // "none", "verifier", "package"

struct PackageCheck {
  std::string name;  // "manifest", "event 17", "tree head signature", ...
  bool passed = false;
  std::string detail;
};

struct PackageReport {
  std::string subject;
  std::string log_id;
  uint64_t tree_size = 0;
  size_t event_count = 0;
  std::string document_name;  // empty when none
  std::optional<base::TimePoint> head_time;
  std::optional<base::TimePoint> timestamp_time;   // genTime of a valid token
  AnchorSource root_source = AnchorSource::kNone;  // of the log certificate
  std::string root_subject;
  std::string root_sha256;  // hex SHA-256 of the root certificate's DER
  std::vector<PackageCheck> checks;
  bool ok() const;  // every check passed
};

// A report for any package that can be read; InvalidArgument for one that cannot (not a
// zip, over the limits, unsafe names, duplicates, a required file missing or unparseable).
StatusOr<PackageReport> VerifyPackage(ByteView zip, const PackageVerifyOptions& options);

std::string ReportText(const PackageReport& report);
std::string ReportJson(const PackageReport& report);

}  // namespace hetong::evidence
