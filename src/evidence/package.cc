#include "evidence/package.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "evidence/internal/package_format.h"
#include "evidence/internal/zip.h"

namespace hetong::evidence {

using nlohmann::json;
namespace fmt = internal;

Status CollectFromLog(EvidenceLog& log, const std::string& subject, PackageInputs& in) {
  HETONG_ASSIGN_OR_RETURN(std::vector<LoggedEvent> events, log.EventsFor(subject));
  if (events.empty()) return FailedPreconditionError("the evidence log has no events for it");
  HETONG_ASSIGN_OR_RETURN(std::optional<SignedTreeHead> head, log.LatestHead());
  if (!head || head->tree_size <= events.back().index) {
    return FailedPreconditionError(
        "no signed tree head covers the latest event yet; sign a new tree head (or wait for "
        "the next one) and try again");
  }
  std::vector<std::vector<Bytes>> proofs;
  for (const LoggedEvent& e : events) {
    HETONG_ASSIGN_OR_RETURN(auto proof, log.InclusionProof(e.index, head->tree_size));
    proofs.push_back(std::move(proof));
  }
  in.subject = subject;
  in.events = std::move(events);
  in.head = std::move(*head);
  in.proofs = std::move(proofs);
  return OkStatus();
}

namespace {

std::string Pem(const std::vector<pki::Certificate>& certs) {
  std::string out;
  for (const auto& c : certs) out += c.ToPem();
  return out;
}

json EventJson(const LoggedEvent& e, const std::vector<Bytes>& proof) {
  json p = json::array();
  for (const Bytes& h : proof) p.push_back(base::HexEncode(h));
  return {{"index", e.index},
          {"type", e.event.type},
          {"subject", e.event.subject},
          {"actor", e.event.actor},
          {"at", base::FormatRfc3339Millis(e.event.at)},
          {"previous", e.previous},
          {"details", e.event.details},
          {"leaf_hash", base::HexEncode(e.leaf_hash)},
          {"inclusion_proof", p}};
}

StatusOr<Bytes> Build(const PackageInputs& in) {
  if (in.subject.empty()) return InvalidArgumentError("the package needs a subject");
  if (in.events.empty()) return InvalidArgumentError("the package needs the subject's events");
  if (in.proofs.size() != in.events.size()) {
    return InvalidArgumentError("every event needs its inclusion proof");
  }
  if (in.log_chain.empty()) return InvalidArgumentError("the package needs the log certificate");
  if (!in.head.timestamp_token.empty() && in.tsa_chain.empty()) {
    return InvalidArgumentError("the package needs the TSA certificates of the time-stamp");
  }
  if (!in.document.empty() && !fmt::SafeDocumentName(in.document_name)) {
    return InvalidArgumentError(
        "the document name must be 1-100 characters of letters, digits, '.', '_', '-'");
  }
  if (in.document.size() > fmt::kMaxDocumentSize) {
    return InvalidArgumentError("the document is larger than a package may hold (256 MiB)");
  }
  json events = json::array();
  for (size_t i = 0; i < in.events.size(); ++i) {
    const LoggedEvent& e = in.events[i];
    if (e.event.subject != in.subject) {
      return InvalidArgumentError("event " + std::to_string(e.index) + " is about another subject");
    }
    if (e.index >= in.head.tree_size) {
      return InvalidArgumentError("the tree head does not cover event " + std::to_string(e.index));
    }
    if (i > 0 && e.index <= in.events[i - 1].index) {
      return InvalidArgumentError("the events must be in index order");
    }
    events.push_back(EventJson(e, in.proofs[i]));
  }
  json events_doc = {{"version", 1},
                     {"subject", in.subject},
                     {"hash", in.head.hash},
                     {"tree_size", in.head.tree_size},
                     {"events", events}};

  struct File {
    std::string name, role;
    Bytes data;
  };
  std::vector<File> files;
  if (!in.document.empty()) {
    files.push_back({std::string(fmt::kDocumentDir) + in.document_name, "document", in.document});
  }
  files.push_back({std::string(fmt::kEvents), "events", ToBytes(events_doc.dump(1) + "\n")});
  files.push_back({std::string(fmt::kTreeHead), "tree-head", ToBytes(TreeHeadToJson(in.head))});
  files.push_back({std::string(fmt::kTreeHeadSignature), "tree-head-signature", in.head.signature});
  if (!in.head.timestamp_token.empty()) {
    files.push_back(
        {std::string(fmt::kTreeHeadTimestamp), "tree-head-timestamp", in.head.timestamp_token});
  }
  files.push_back(
      {std::string(fmt::kLogCertificates), "log-certificates", ToBytes(Pem(in.log_chain))});
  if (!in.tsa_chain.empty()) {
    files.push_back(
        {std::string(fmt::kTsaCertificates), "tsa-certificates", ToBytes(Pem(in.tsa_chain))});
  }
  if (!in.roots.empty()) {
    files.push_back(
        {std::string(fmt::kRootCertificates), "root-certificates", ToBytes(Pem(in.roots))});
  }
  json listed = json::array();
  for (const File& f : files) {
    listed.push_back({{"name", f.name},
                      {"role", f.role},
                      {"size", f.data.size()},
                      {"sm3", base::HexEncode(crypto::Sm3(f.data))}});
  }
  json manifest = {
      {"format", fmt::kPackageFormat},  {"version", 1},
      {"subject", in.subject},          {"created_at", base::FormatRfc3339Millis(in.created_at)},
      {"log_id", in.head.log_id},       {"hash", in.head.hash},
      {"tree_size", in.head.tree_size}, {"files", listed}};
  std::vector<fmt::ZipEntry> entries;
  entries.push_back({std::string(fmt::kManifest), ToBytes(manifest.dump(2) + "\n")});
  for (File& f : files) entries.push_back({std::move(f.name), std::move(f.data)});
  // Zip times start in 1980.
  base::TimePoint mtime = std::max(in.created_at, base::FromUnixSeconds(315619200));
  return fmt::WriteZip(entries, mtime);
}

}  // namespace

StatusOr<Bytes> BuildPackage(const PackageInputs& in) {
  try {
    return Build(in);
  } catch (const json::exception&) {
    return InvalidArgumentError("the package inputs are not valid UTF-8 text");
  }
}

}  // namespace hetong::evidence
