// VerifyPackage and the rendering of its report (package.h).

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "evidence/internal/json.h"
#include "evidence/internal/package_format.h"
#include "evidence/internal/zip.h"
#include "evidence/merkle.h"
#include "evidence/package.h"
#include "pki/oids.h"
#include "pki/path.h"
#include "pki/tsp.h"

namespace hetong::evidence {

using nlohmann::json;
namespace fmt = internal;

std::string_view AnchorSourceName(AnchorSource s) {
  switch (s) {
    case AnchorSource::kNone:
      return "none";
    case AnchorSource::kVerifier:
      return "verifier";
    case AnchorSource::kPackageOnly:
      return "package";
  }
  return "?";
}

bool PackageReport::ok() const {
  return !checks.empty() &&
         std::all_of(checks.begin(), checks.end(), [](const PackageCheck& c) { return c.passed; });
}

namespace {

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

const json* Field(const json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

std::optional<std::string> Str(const json& j, const char* name) {
  const json* f = Field(j, name);
  if (!f || !f->is_string()) return std::nullopt;
  return f->get<std::string>();
}

std::optional<uint64_t> Uint(const json& j, const char* name) {
  const json* f = Field(j, name);
  if (!f || !f->is_number_unsigned()) return std::nullopt;
  return f->get<uint64_t>();
}

bool IsVersion1(const json& j) {
  auto v = Uint(j, "version");
  return v && *v == 1;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Sha256Hex(const pki::Certificate& c) {
  return base::HexEncode(crypto::Sha256(c.der()));
}

struct ParsedEvent {
  uint64_t index = 0;
  Event event;
  int64_t previous = -1;
  Bytes leaf_hash;
  std::vector<Bytes> proof;
  bool has_proof = false;
};

// Reads one event of events.json; the reason when malformed.
StatusOr<ParsedEvent> ParseEvent(const json& j) {
  ParsedEvent e;
  auto fail = [](const std::string& what) { return InvalidArgumentError(what); };
  auto index = Uint(j, "index");
  if (!index) return fail("'index' is missing");
  e.index = *index;
  auto type = Str(j, "type");
  auto subject = Str(j, "subject");
  auto actor = Str(j, "actor");
  auto at = Str(j, "at");
  auto details = Str(j, "details");
  if (!type || !subject || !actor || !at || !details) {
    return fail("'type', 'subject', 'actor', 'at' and 'details' must be strings");
  }
  e.event.type = *type;
  e.event.subject = *subject;
  e.event.actor = *actor;
  e.event.details = *details;
  auto t = base::ParseRfc3339(*at);
  if (!t.ok()) return fail("'at' is not an RFC 3339 time");
  e.event.at = *t;
  const json* prev = Field(j, "previous");
  if (!prev || !prev->is_number_integer()) return fail("'previous' is missing");
  e.previous = prev->get<int64_t>();
  auto leaf = Str(j, "leaf_hash");
  if (!leaf) return fail("'leaf_hash' is missing");
  auto leaf_bytes = base::HexDecode(*leaf);
  if (!leaf_bytes.ok()) return fail("'leaf_hash' is not hex");
  e.leaf_hash = *leaf_bytes;
  const json* proof = Field(j, "inclusion_proof");
  if (proof) {
    if (!proof->is_array() || proof->size() > 64) return fail("'inclusion_proof' is not a list");
    for (const json& h : *proof) {
      if (!h.is_string()) return fail("'inclusion_proof' holds a non-string");
      auto b = base::HexDecode(h.get<std::string>());
      if (!b.ok()) return fail("'inclusion_proof' holds a non-hex value");
      e.proof.push_back(std::move(*b));
    }
    e.has_proof = true;
  }
  return e;
}

StatusOr<std::vector<pki::Certificate>> ParseCerts(const std::map<std::string, Bytes>& files,
                                                   std::string_view name) {
  auto it = files.find(std::string(name));
  if (it == files.end()) return std::vector<pki::Certificate>{};
  return pki::Certificate::ParseAll(it->second);
}

bool Contains(const std::vector<pki::Certificate>& set, const pki::Certificate& c) {
  return std::any_of(set.begin(), set.end(),
                     [&](const pki::Certificate& a) { return a.der() == c.der(); });
}

class Verifier {
 public:
  Verifier(const PackageVerifyOptions& options, PackageReport& report)
      : options_(options), report_(report) {}

  Status Run(ByteView zip);

 private:
  void Check(std::string name, bool passed, std::string detail) {
    report_.checks.push_back({std::move(name), passed, std::move(detail)});
  }
  Status LoadRequired();
  void CheckManifest();
  void CheckHeadFiles();
  void CheckEvents();
  void CheckDocument();
  void CheckTimestamp();
  void CheckLogCertificate();

  const PackageVerifyOptions& options_;
  PackageReport& report_;
  std::map<std::string, Bytes> files_;
  json manifest_;
  json events_doc_;
  SignedTreeHead head_;
  std::vector<ParsedEvent> events_;
  std::string document_name_;
  std::vector<pki::Certificate> log_chain_, tsa_chain_, roots_;
  std::vector<pki::Certificate> all_anchors_;
  std::optional<base::TimePoint> proven_time_;
};

Status Verifier::Run(ByteView zip) {
  if (zip.size() > fmt::kMaxPackageSize) {
    return InvalidArgumentError("the package is larger than 512 MiB");
  }
  fmt::ZipLimits limits;
  limits.max_entries = 64;
  limits.max_size = fmt::MaxEntrySize;
  HETONG_ASSIGN_OR_RETURN(std::vector<fmt::ZipEntry> entries, fmt::ReadZip(zip, limits));
  for (auto& e : entries) {
    if (e.name.starts_with(fmt::kDocumentDir)) {
      if (!document_name_.empty()) {
        return InvalidArgumentError("the package holds more than one document");
      }
      document_name_ = e.name.substr(fmt::kDocumentDir.size());
      if (!fmt::SafeDocumentName(document_name_)) {
        return InvalidArgumentError("the package's document is in a subfolder");
      }
    }
    files_[e.name] = std::move(e.data);
  }
  HETONG_RETURN_IF_ERROR(LoadRequired());
  report_.document_name = document_name_;
  CheckManifest();
  CheckHeadFiles();
  CheckEvents();
  CheckDocument();
  CheckTimestamp();
  CheckLogCertificate();
  return OkStatus();
}

Status Verifier::LoadRequired() {
  for (std::string_view name : {fmt::kManifest, fmt::kEvents, fmt::kTreeHead}) {
    if (!files_.contains(std::string(name))) {
      return InvalidArgumentError("the package has no " + std::string(name) +
                                  "; it is not a hetong evidence package or is incomplete");
    }
  }
  auto manifest = fmt::ParseJson(Text(files_[std::string(fmt::kManifest)]));
  if (!manifest || !manifest->is_object()) {
    return InvalidArgumentError("manifest.json is not a JSON object");
  }
  manifest_ = std::move(*manifest);
  if (Str(manifest_, "format") != std::string(fmt::kPackageFormat)) {
    return InvalidArgumentError("manifest.json does not describe a hetong evidence package");
  }
  if (!IsVersion1(manifest_)) {
    return InvalidArgumentError("the package's version is not known to this hetong (it knows 1)");
  }
  auto subject = Str(manifest_, "subject");
  if (!subject || subject->empty()) return InvalidArgumentError("manifest.json names no subject");
  report_.subject = *subject;
  auto head = TreeHeadFromJson(Text(files_[std::string(fmt::kTreeHead)]));
  if (!head.ok()) return head.status().WithContext("sth.json");
  head_ = std::move(*head);
  report_.log_id = head_.log_id;
  report_.tree_size = head_.tree_size;
  report_.head_time = head_.timestamp;
  auto events = fmt::ParseJson(Text(files_[std::string(fmt::kEvents)]));
  if (!events || !events->is_object()) return InvalidArgumentError("events.json is not JSON");
  if (!IsVersion1(*events)) {
    return InvalidArgumentError("events.json's version is not known to this hetong (it knows 1)");
  }
  const json* list = Field(*events, "events");
  if (!list || !list->is_array()) return InvalidArgumentError("events.json has no event list");
  events_doc_ = std::move(*events);
  for (const char* name : {"log-certificates", "tsa-certificates", "root-certificates"}) {
    std::string_view file = std::string_view(name) == "log-certificates"   ? fmt::kLogCertificates
                            : std::string_view(name) == "tsa-certificates" ? fmt::kTsaCertificates
                                                                           : fmt::kRootCertificates;
    auto certs = ParseCerts(files_, file);
    if (!certs.ok()) {
      return InvalidArgumentError(std::string(file) + " does not hold readable certificates");
    }
    if (file == fmt::kLogCertificates) log_chain_ = std::move(*certs);
    if (file == fmt::kTsaCertificates) tsa_chain_ = std::move(*certs);
    if (file == fmt::kRootCertificates) roots_ = std::move(*certs);
  }
  all_anchors_ = options_.anchors;
  for (const auto& r : roots_) {
    if (!Contains(all_anchors_, r)) all_anchors_.push_back(r);
  }
  return OkStatus();
}

void Verifier::CheckManifest() {
  const json* listed = Field(manifest_, "files");
  if (!listed || !listed->is_array()) {
    Check("manifest", false, "manifest.json has no file list");
    return;
  }
  std::vector<std::string> problems;
  std::map<std::string, bool> covered;
  for (const auto& [name, data] : files_) covered[name] = name == fmt::kManifest;
  for (const json& f : *listed) {
    auto name = Str(f, "name");
    auto size = Uint(f, "size");
    auto sm3 = Str(f, "sm3");
    if (!name || !size || !sm3) {
      problems.push_back("an entry of the file list is malformed");
      continue;
    }
    auto it = files_.find(*name);
    if (it == files_.end()) {
      problems.push_back(*name + " is listed but missing");
      continue;
    }
    covered[*name] = true;
    if (it->second.size() != *size || base::HexEncode(crypto::Sm3(it->second)) != Lower(*sm3)) {
      problems.push_back(*name + " does not match its SM3 digest in the manifest");
    }
  }
  for (const auto& [name, ok] : covered) {
    if (!ok) problems.push_back(name + " is in the package but not in the manifest");
  }
  if (Str(manifest_, "log_id") != head_.log_id || Uint(manifest_, "tree_size") != head_.tree_size) {
    problems.push_back("the manifest names another log or tree size than sth.json");
  }
  if (problems.empty()) {
    Check("manifest", true, std::to_string(listed->size()) + " files, sizes and SM3 digests match");
  } else {
    std::string detail;
    for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
    Check("manifest", false, detail);
  }
}

void Verifier::CheckHeadFiles() {
  std::vector<std::string> problems;
  auto sig = files_.find(std::string(fmt::kTreeHeadSignature));
  if (sig != files_.end() && sig->second != head_.signature) {
    problems.push_back("sth.sig differs from the signature in sth.json");
  }
  auto tst = files_.find(std::string(fmt::kTreeHeadTimestamp));
  if (tst != files_.end() && tst->second != head_.timestamp_token) {
    problems.push_back("sth.tst differs from the time-stamp token in sth.json");
  }
  if (tst == files_.end() && !head_.timestamp_token.empty()) {
    problems.push_back("sth.tst is missing");
  }
  if (Uint(events_doc_, "tree_size") != head_.tree_size) {
    problems.push_back("events.json names another tree size than sth.json");
  }
  if (head_.hash != "sm3" && head_.hash != "sha256") {
    problems.push_back("the tree hash '" + head_.hash + "' is not supported");
  }
  if (problems.empty()) {
    Check("tree head files", true, "sth.json, sth.sig and sth.tst agree");
  } else {
    std::string detail;
    for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
    Check("tree head files", false, detail);
  }
}

void Verifier::CheckEvents() {
  const json& list = *Field(events_doc_, "events");
  report_.event_count = list.size();
  if (list.empty()) {
    Check("events", false, "the package holds no events");
    return;
  }
  TreeHasher hasher(head_.hash == "sha256" ? crypto::HashAlgorithm::kSha256
                                           : crypto::HashAlgorithm::kSm3);
  bool all_parsed = true;
  for (size_t i = 0; i < list.size(); ++i) {
    auto e = ParseEvent(list[i]);
    if (!e.ok()) {
      Check("event #" + std::to_string(i + 1), false, "malformed: " + e.status().message());
      all_parsed = false;
      continue;
    }
    std::string name = "event " + std::to_string(e->index) + " (" + e->event.type + ")";
    if (e->event.subject != report_.subject) {
      Check(name, false, "the event is about another subject ('" + e->event.subject + "')");
    } else if (hasher.HashLeaf(EncodeLeaf(e->event, e->previous)) != e->leaf_hash) {
      Check(name, false, "the event's fields do not give its leaf hash: the event was altered");
    } else if (!e->has_proof) {
      Check(name, false, "the event has no inclusion proof");
    } else if (Status s = VerifyInclusion(hasher, e->index, head_.tree_size, e->leaf_hash, e->proof,
                                          head_.root);
               !s.ok()) {
      Check(name, false, "inclusion proof: " + s.message());
    } else {
      Check(name, true,
            "at " + base::FormatRfc3339Millis(e->event.at) + " by " + e->event.actor +
                "; in the tree of size " + std::to_string(head_.tree_size));
    }
    events_.push_back(std::move(*e));
  }
  if (!all_parsed) return;
  // The chain of the subject's events.
  std::string problem;
  for (size_t i = 0; i < events_.size() && problem.empty(); ++i) {
    if (i > 0 && events_[i].index <= events_[i - 1].index) {
      problem = "the events are not in index order";
    } else if (i == 0 && events_[0].previous != -1) {
      problem = "the package does not start at the subject's first event (event " +
                std::to_string(events_[0].previous) + " is missing)";
    } else if (i > 0 && events_[i].previous != static_cast<int64_t>(events_[i - 1].index)) {
      problem = "event " + std::to_string(events_[i].index) + " follows event " +
                std::to_string(events_[i].previous) + ", which is not in the package";
    }
  }
  if (problem.empty()) {
    Check("event chain", true,
          "the package holds every event of the subject from its first to event " +
              std::to_string(events_.back().index));
  } else {
    Check("event chain", false, problem);
  }
}

void Verifier::CheckDocument() {
  // The latest event that names a document.
  std::optional<std::string> named;
  uint64_t named_by = 0;
  for (const ParsedEvent& e : events_) {
    auto details = fmt::ParseJson(e.event.details);
    if (!details || !details->is_object()) continue;
    if (auto sm3 = Str(*details, "document_sm3")) {
      named = Lower(*sm3);
      named_by = e.index;
    }
  }
  if (document_name_.empty()) {
    if (named) {
      Check("document binding", false,
            "event " + std::to_string(named_by) + " names a document, but the package holds none");
    }
    return;
  }
  const Bytes& doc = files_[std::string(fmt::kDocumentDir) + document_name_];
  std::string digest = base::HexEncode(crypto::Sm3(doc));
  if (!named) {
    Check("document binding", false, "no event in the package names the document's SM3 digest");
  } else if (*named != digest) {
    Check("document binding", false,
          "the document is not the one event " + std::to_string(named_by) + " names (its SM3 is " +
              digest + ")");
  } else {
    Check("document binding", true,
          document_name_ + " (SM3 " + digest + ") is the document event " +
              std::to_string(named_by) + " names");
  }
  if (options_.document_verifier) {
    DocumentCheck c = options_.document_verifier(doc, document_name_, roots_);
    Check("document", c.passed, c.detail);
  }
}

void Verifier::CheckTimestamp() {
  if (head_.timestamp_token.empty()) {
    Check("time-stamp", false, "the tree head has no time-stamp: nothing proves when it was made");
    return;
  }
  pki::TimestampVerifyOptions opts;
  opts.anchors = all_anchors_;
  opts.intermediates = tsa_chain_;
  auto check = pki::VerifyTimestampToken(head_.timestamp_token, crypto::HashAlgorithm::kSm3,
                                         crypto::Sm3(head_.signature), opts);
  if (!check.ok()) {
    Check("time-stamp", false, "the time-stamp token is malformed: " + check.status().message());
    return;
  }
  if (!check->valid) {
    Check("time-stamp", false, check->problem);
    return;
  }
  proven_time_ = check->info.gen_time;
  report_.timestamp_time = check->info.gen_time;
  std::string root = "?";
  bool from_verifier = false;
  if (!check->path.chain.empty()) {
    const pki::Certificate& anchor = check->path.chain.back();
    from_verifier = Contains(options_.anchors, anchor);
    root = anchor.subject().ToString() + ", SHA-256 " + Sha256Hex(anchor);
  }
  std::string tsa = check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "?";
  Check("time-stamp", true,
        "the tree head existed at " + base::FormatRfc3339Millis(check->info.gen_time) + " (TSA " +
            tsa + "; root " + root +
            (from_verifier ? ", supplied by you)" : ", supplied only by the package)"));
}

void Verifier::CheckLogCertificate() {
  if (log_chain_.empty()) {
    Check("tree head signature", false,
          "the package has no log certificate (certificates/log.pem)");
    return;
  }
  const pki::Certificate& leaf = log_chain_.front();
  Status sig = VerifyTreeHeadSignature(head_, leaf.public_key());
  Check("tree head signature", sig.ok(),
        sig.ok() ? "signed by " + leaf.subject().ToString() + " (" + head_.algorithm +
                       ") over root " + base::HexEncode(head_.root) + " of " +
                       std::to_string(head_.tree_size) + " entries"
                 : sig.message());
  pki::ValidationOptions vo;
  vo.time = proven_time_.value_or(head_.timestamp);
  vo.purpose = pki::KeyPurpose::kAny;
  std::vector<pki::Certificate> intermediates(log_chain_.begin() + 1, log_chain_.end());
  pki::ValidationResult path = pki::ValidatePath(leaf, intermediates, all_anchors_, vo);
  std::string when = " at " + base::FormatRfc3339(vo.time) +
                     (proven_time_ ? " (the time-stamp's time)" : " (the tree head's own time)");
  if (!path.ok()) {
    Check("log certificate", false, path.message + when);
    return;
  }
  const auto& eku = leaf.ext_key_usage();
  if (std::find(eku.begin(), eku.end(), pki::oid::kKpEvidenceLog) == eku.end() ||
      !leaf.HasKeyUsage(pki::kDigitalSignature)) {
    Check("log certificate", false,
          leaf.subject().ToString() + " is not an evidence-log certificate (extendedKeyUsage)");
    return;
  }
  const pki::Certificate& anchor = path.chain.back();
  report_.root_subject = anchor.subject().ToString();
  report_.root_sha256 = Sha256Hex(anchor);
  report_.root_source =
      Contains(options_.anchors, anchor) ? AnchorSource::kVerifier : AnchorSource::kPackageOnly;
  Check("log certificate", true,
        leaf.subject().ToString() + " chains to " + report_.root_subject + when +
            (report_.root_source == AnchorSource::kVerifier
                 ? "; the root is one you supplied"
                 : "; the root came only with the package: compare its SHA-256 fingerprint with "
                   "the one the platform publishes"));
}

}  // namespace

StatusOr<PackageReport> VerifyPackage(ByteView zip, const PackageVerifyOptions& options) {
  PackageReport report;
  Verifier v(options, report);
  try {
    HETONG_RETURN_IF_ERROR(v.Run(zip));
  } catch (const json::exception&) {
    return InvalidArgumentError("the package holds JSON that cannot be read");
  }
  return report;
}

std::string ReportText(const PackageReport& r) {
  std::string out = "Evidence package for " + r.subject + "\n";
  out += "  log " + r.log_id + ", tree size " + std::to_string(r.tree_size) + ", " +
         std::to_string(r.event_count) + " event(s)";
  if (r.head_time) out += ", tree head of " + base::FormatRfc3339Millis(*r.head_time);
  out += "\n";
  if (!r.document_name.empty()) out += "  document " + r.document_name + "\n";
  for (const PackageCheck& c : r.checks) {
    out += std::string(c.passed ? "  [PASS] " : "  [FAIL] ") + c.name + ": " + c.detail + "\n";
  }
  if (r.root_source != AnchorSource::kNone) {
    out += "Root: " + r.root_subject + "\n  SHA-256 " + r.root_sha256 + "\n";
    out += r.root_source == AnchorSource::kVerifier
               ? "  supplied by you (--anchor)\n"
               : "  NOTE: supplied only by the package. Trust this result only if this "
                 "fingerprint is the platform's published root.\n";
  }
  size_t failed = static_cast<size_t>(
      std::count_if(r.checks.begin(), r.checks.end(), [](const auto& c) { return !c.passed; }));
  out += r.ok() ? "VALID: every check passed\n"
                : "NOT VALID: " + std::to_string(failed) + " check(s) failed\n";
  // Text from the package must not drive the terminal.
  for (char& c : out) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) c = '?';
  }
  return out;
}

std::string ReportJson(const PackageReport& r) {
  json checks = json::array();
  for (const PackageCheck& c : r.checks) {
    checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  }
  json j = {{"valid", r.ok()},
            {"subject", r.subject},
            {"log_id", r.log_id},
            {"tree_size", r.tree_size},
            {"events", r.event_count},
            {"document", r.document_name},
            {"root",
             {{"source", AnchorSourceName(r.root_source)},
              {"subject", r.root_subject},
              {"sha256", r.root_sha256}}},
            {"checks", checks}};
  if (r.head_time) j["tree_head_time"] = base::FormatRfc3339Millis(*r.head_time);
  if (r.timestamp_time) j["timestamp_time"] = base::FormatRfc3339Millis(*r.timestamp_time);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace hetong::evidence
