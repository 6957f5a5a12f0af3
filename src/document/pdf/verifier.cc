#include "document/pdf/verifier.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "document/pdf/internal/file_io.h"
#include "document/pdf/internal/qpdf.h"
#include "document/pdf/modifications.h"
#include "document/pdf/pdf_file.h"
#include "pki/revocation.h"
#include "pki/tsp.h"

namespace hetong::document::pdf {

namespace {

namespace der = base::der;

constexpr std::string_view kRevocationInfoArchival = "1.2.840.113583.1.1.8";
// Largest decoded DSS stream (a certificate, CRL or OCSP response) read.
constexpr size_t kMaxDssItem = 16 << 20;

struct FieldInfo {
  std::string name;
  QPDFObjectHandle v;
  QPDFObjGen holder;  // the object that holds the signature dictionary (itself, or the field)
};

void CollectFields(QPDFObjectHandle node, const std::string& prefix, std::vector<FieldInfo>& out,
                   int depth) {
  if (depth > 32 || !node.isDictionary()) return;
  std::string name = prefix;
  if (node.getKey("/T").isString()) {
    name = prefix.empty() ? node.getKey("/T").getUTF8Value()
                          : prefix + "." + node.getKey("/T").getUTF8Value();
  }
  QPDFObjectHandle kids = node.getKey("/Kids");
  if (kids.isArray()) {
    bool field_kids = false;
    for (int i = 0; i < kids.getArrayNItems(); ++i)
      field_kids = field_kids || kids.getArrayItem(i).hasKey("/T");
    if (field_kids) {
      for (int i = 0; i < kids.getArrayNItems(); ++i)
        CollectFields(kids.getArrayItem(i), name, out, depth + 1);
      return;
    }
  }
  QPDFObjectHandle ft = node.getKey("/FT");
  QPDFObjectHandle v = node.getKey("/V");
  if (ft.isName() && ft.getName() == "/Sig" && v.isDictionary()) {
    out.push_back({name, v, v.isIndirect() ? v.getObjGen() : node.getObjGen()});
  }
}

std::optional<base::TimePoint> ParsePdfDate(const std::string& d) {
  // D:YYYYMMDDHHmmSSOHH'mm'
  std::string s = d.rfind("D:", 0) == 0 ? d.substr(2) : d;
  if (s.size() < 14) return std::nullopt;
  std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" +
                    s.substr(8, 2) + ":" + s.substr(10, 2) + ":" + s.substr(12, 2);
  if (s.size() >= 20 && (s[14] == '+' || s[14] == '-')) {
    iso += s.substr(14, 3) + ":" + s.substr(18, 2);
  } else {
    iso += "Z";
  }
  auto t = base::ParseRfc3339(iso);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string Str(QPDFObjectHandle h) { return h.isString() ? h.getUTF8Value() : ""; }

// The revision (1-based) that contains `offset`.
int RevisionOf(const std::vector<RevisionEnd>& revs, uint64_t offset) {
  for (size_t i = 0; i < revs.size(); ++i) {
    if (offset < revs[i].offset) return static_cast<int>(i + 1);
  }
  return static_cast<int>(revs.size());
}

// Where the xref entry of `og` puts it: the offset of the object, or of its object stream.
std::optional<uint64_t> OffsetOf(const std::map<QPDFObjGen, QPDFXRefEntry>& xref, QPDFObjGen og,
                                 bool* in_stream) {
  auto it = xref.find(og);
  if (it == xref.end()) return std::nullopt;
  *in_stream = it->second.getType() == 2;
  if (it->second.getType() == 1) return static_cast<uint64_t>(it->second.getOffset());
  if (it->second.getType() == 2) {
    auto st = xref.find(QPDFObjGen(it->second.getObjStreamNumber(), 0));
    if (st != xref.end() && st->second.getType() == 1)
      return static_cast<uint64_t>(st->second.getOffset());
  }
  return std::nullopt;
}

// A qpdf pipeline that keeps at most `cap` bytes and fails beyond (decompression bombs).
class CappedBuffer final : public Pipeline {
 public:
  explicit CappedBuffer(size_t cap) : Pipeline("capped buffer", nullptr), cap_(cap) {}
  void write(unsigned char const* data, size_t len) override {
    if (data_.size() + len > cap_)
      throw std::runtime_error("a validation-data stream is too large");
    data_.insert(data_.end(), data, data + len);
  }
  void finish() override {}
  Bytes Take() { return std::move(data_); }

 private:
  size_t cap_;
  Bytes data_;
};

struct DssData {
  std::vector<Bytes> certs, crls, ocsps;
  int revision = 0;  // the revision that last changed the DSS (0: none)
  std::string problem;
};

DssData ReadDss(QPDF& q, const std::vector<RevisionEnd>& revs) {
  DssData d;
  Status s = CatchQpdf(
      [&]() -> Status {
        QPDFObjectHandle dss = q.getRoot().getKey("/DSS");
        if (!dss.isDictionary()) return OkStatus();
        auto streams = [](QPDFObjectHandle arr, std::vector<Bytes>& out) {
          for (int i = 0; arr.isArray() && i < arr.getArrayNItems() && i < 10000; ++i) {
            QPDFObjectHandle item = arr.getArrayItem(i);
            if (!item.isStream()) continue;
            CappedBuffer buf(kMaxDssItem);
            if (item.pipeStreamData(&buf, 0, qpdf_dl_generalized)) out.push_back(buf.Take());
          }
        };
        streams(dss.getKey("/Certs"), d.certs);
        streams(dss.getKey("/CRLs"), d.crls);
        streams(dss.getKey("/OCSPs"), d.ocsps);
        // The revision that wrote the DSS dictionary (or the catalog, when it is direct).
        QPDFObjectHandle holder = dss.isIndirect() ? dss : q.getRoot();
        bool in_stream = false;
        auto off = OffsetOf(q.getXRefTable(), holder.getObjGen(), &in_stream);
        d.revision = off ? RevisionOf(revs, *off) : 0;
        return OkStatus();
      },
      "cannot read the validation data (DSS)");
  if (!s.ok()) {
    d = DssData{};
    d.problem = s.message();
  }
  return d;
}

// CRLs and OCSP responses in Adobe's revocationInfoArchival signed attribute.
void ReadArchival(const crypto::CmsSignerInfo& si, std::vector<Bytes>& crls,
                  std::vector<Bytes>& ocsps) {
  const crypto::CmsAttribute* a = si.FindSigned(kRevocationInfoArchival);
  if (!a || a->values.empty()) return;
  der::Reader r(a->values[0]);
  auto seq = r.ReadSequence();
  if (!seq.ok()) return;
  while (!seq->empty()) {
    auto e = seq->ReadAny();
    if (!e.ok()) return;
    der::Reader inner(e->value);
    auto list = inner.ReadSequence();
    if (!list.ok()) continue;
    while (!list->empty()) {
      auto item = list->ReadAny();
      if (!item.ok()) break;
      if (e->tag == der::ContextTag(0, true)) crls.push_back(ToBytes(item->tlv));
      if (e->tag == der::ContextTag(1, true)) ocsps.push_back(ToBytes(item->tlv));
    }
  }
}

// Whether the ESS signing-certificate(-v2) attribute names `cert` (RFC 5035): the first
// ESSCertID's hash must be the certificate's. nullopt when the attribute is absent.
std::optional<bool> EssMatches(const crypto::CmsSignerInfo& si, const pki::Certificate& cert) {
  bool v2 = true;
  const crypto::CmsAttribute* a = si.FindSigned(crypto::oid::kSigningCertificateV2);
  if (!a) {
    a = si.FindSigned(crypto::oid::kSigningCertificate);
    v2 = false;
  }
  if (!a) return std::nullopt;
  if (a->values.size() != 1) return false;
  der::Reader r(a->values[0]);
  auto outer = r.ReadSequence();
  if (!outer.ok()) return false;
  auto certs = outer->ReadSequence();
  if (!certs.ok()) return false;
  auto id = certs->ReadSequence();
  if (!id.ok()) return false;
  crypto::HashAlgorithm alg = v2 ? crypto::HashAlgorithm::kSha256 : crypto::HashAlgorithm::kSha1;
  if (v2 && id->PeekIs(der::kSequence)) {
    auto algid = id->ReadSequence();
    if (!algid.ok()) return false;
    auto oid = algid->ReadOid();
    if (!oid.ok()) return false;
    auto h = crypto::HashFromOid(*oid);
    if (!h) return false;
    alg = *h;
  }
  auto hash = id->ReadOctetString();
  if (!hash.ok()) return false;
  Bytes expected = crypto::Hash(alg, cert.der());
  return hash->size() == expected.size() &&
         std::equal(hash->begin(), hash->end(), expected.begin());
}

// Checks the /ByteRange against the file and binds it to the signature dictionary: returns
// the 1-based revision it covers, or a problem description.
struct RangeResult {
  std::string problem;
  int revision = 0;
  bool whole = false;
  uint64_t gap_start = 0, gap_end = 0, end = 0;
};

RangeResult CheckByteRange(const std::string& path, QPDFObjectHandle br,
                           const std::string& contents, const std::vector<RevisionEnd>& revs,
                           uint64_t size, std::optional<uint64_t> holder_offset,
                           bool holder_in_stream) {
  RangeResult r;
  if (!br.isArray() || br.getArrayNItems() != 4) {
    r.problem = "the /ByteRange is not four numbers";
    return r;
  }
  int64_t v[4];
  for (int i = 0; i < 4; ++i) {
    QPDFObjectHandle n = br.getArrayItem(i);
    if (!n.isInteger() || n.getIntValue() < 0 || n.getIntValue() > (int64_t{1} << 50)) {
      r.problem = "the /ByteRange holds something other than non-negative integers";
      return r;
    }
    v[i] = n.getIntValue();
  }
  if (v[0] != 0) {
    r.problem = "the signed bytes do not start at the beginning of the file";
    return r;
  }
  if (v[1] <= 0 || v[2] <= v[1] ||
      static_cast<uint64_t>(v[2]) + static_cast<uint64_t>(v[3]) > size) {
    r.problem = "the /ByteRange does not describe two ranges inside the file";
    return r;
  }
  r.gap_start = static_cast<uint64_t>(v[1]);
  r.gap_end = static_cast<uint64_t>(v[2]);
  r.end = r.gap_end + static_cast<uint64_t>(v[3]);
  // The gap must be exactly the /Contents hex string.
  uint64_t gap = r.gap_end - r.gap_start;
  if (gap < 2 || gap > (uint64_t{1} << 24)) {
    r.problem = "the unsigned gap of the /ByteRange has an implausible size";
    return r;
  }
  auto bytes = ReadRange(path, r.gap_start, static_cast<size_t>(gap));
  if (!bytes.ok() || bytes->size() != gap || bytes->front() != '<' || bytes->back() != '>') {
    r.problem = "the unsigned gap of the /ByteRange is not the /Contents string";
    return r;
  }
  std::string hex;
  for (size_t i = 1; i + 1 < bytes->size(); ++i) {
    char c = static_cast<char>((*bytes)[i]);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    hex.push_back(c);
  }
  if (hex.size() % 2) hex.push_back('0');
  auto decoded = base::HexDecode(hex);
  if (!decoded.ok() || decoded->size() != contents.size() ||
      !std::equal(decoded->begin(), decoded->end(), contents.begin(),
                  [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); })) {
    r.problem = "the /Contents the PDF shows is not the one in the unsigned gap (shadow attack)";
    return r;
  }
  // The signed bytes must end at the end of a revision.
  for (size_t i = 0; i < revs.size(); ++i) {
    if (r.end == revs[i].offset || r.end == revs[i].eof_offset) {
      r.revision = static_cast<int>(i + 1);
      r.whole = i + 1 == revs.size() && (r.end == size || revs[i].offset == size);
      break;
    }
  }
  if (r.revision == 0) {
    r.problem = "the signed bytes do not end at the end of a revision of the file";
    return r;
  }
  // The signature dictionary must be an object of the revision it signs, written in the file
  // (not in an object stream), with the gap inside it: a signature cannot be copied into
  // another field or revision.
  uint64_t rev_start = r.revision >= 2 ? revs[static_cast<size_t>(r.revision - 2)].offset : 0;
  if (holder_in_stream || !holder_offset) {
    r.problem =
        "the signature dictionary is not a plain object of the file (it is in an object stream)";
    r.revision = 0;
    return r;
  }
  if (*holder_offset < rev_start || *holder_offset >= r.gap_start) {
    r.problem = "the signature dictionary is not the one written with the signed revision";
    r.revision = 0;
    return r;
  }
  auto between =
      ReadRange(path, *holder_offset,
                static_cast<size_t>(std::min<uint64_t>(r.gap_start - *holder_offset, 1 << 20)));
  std::string_view text =
      between.ok()
          ? std::string_view(reinterpret_cast<const char*>(between->data()), between->size())
          : std::string_view();
  if (!between.ok() || between->size() != r.gap_start - *holder_offset ||
      text.find("endobj") != std::string_view::npos ||
      text.find("/Contents") == std::string_view::npos) {
    r.problem = "the /ByteRange gap is not the /Contents of this signature dictionary";
    r.revision = 0;
    return r;
  }
  return r;
}

SubIndication FromPath(pki::PathError e, bool has_poe) {
  switch (e) {
    case pki::PathError::kOk:
      return SubIndication::kNone;
    case pki::PathError::kNoChain:
      return SubIndication::kNoCertificateChainFound;
    case pki::PathError::kExpired:
      return has_poe ? SubIndication::kExpired : SubIndication::kOutOfBoundsNoPoe;
    case pki::PathError::kNotYetValid:
      return SubIndication::kNotYetValid;
    case pki::PathError::kRevoked:
      return SubIndication::kRevoked;
    case pki::PathError::kRevocationUnknown:
      return SubIndication::kTryLater;
    case pki::PathError::kUnsupportedAlgorithm:
      return SubIndication::kCryptoConstraintsFailure;
    default:
      return SubIndication::kChainConstraintsFailure;
  }
}

Indication IndicationFor(SubIndication s, bool has_poe) {
  switch (s) {
    case SubIndication::kFormatFailure:
    case SubIndication::kHashFailure:
    case SubIndication::kSigCryptoFailure:
    case SubIndication::kSigConstraintsFailure:
    case SubIndication::kTimestampFailure:
      return Indication::kTotalFailed;
    case SubIndication::kRevoked:
    case SubIndication::kExpired:
    case SubIndication::kNotYetValid:
      return has_poe ? Indication::kTotalFailed : Indication::kIndeterminate;
    default:
      return Indication::kIndeterminate;
  }
}

void Fail(SignatureReport& rep, SubIndication s, std::string message, bool has_poe = true) {
  if (rep.sub_indication != SubIndication::kNone) return;  // keep the first finding
  rep.sub_indication = s;
  rep.indication = IndicationFor(s, has_poe);
  rep.message = std::move(message);
}

// Online revocation checking that falls back on the data in the file when the online
// sources cannot tell (a responder that is down must not make a B-LT file unverifiable).
class OnlineThenEmbedded final : public pki::RevocationChecker {
 public:
  OnlineThenEmbedded(pki::RevocationChecker& online, pki::RevocationChecker& embedded)
      : online_(online), embedded_(embedded) {}
  pki::RevocationCheck Check(const pki::Certificate& cert, const pki::Certificate& issuer,
                             base::TimePoint when) override {
    pki::RevocationCheck r = online_.Check(cert, issuer, when);
    if (r.state != pki::RevocationCheck::State::kUnknown) return r;
    pki::RevocationCheck e = embedded_.Check(cert, issuer, when);
    if (e.state == pki::RevocationCheck::State::kUnknown) return r;
    e.detail += " (from the file; online: " + r.detail + ")";
    return e;
  }

 private:
  pki::RevocationChecker& online_;
  pki::RevocationChecker& embedded_;
};

// One signature field as found in the file, before its cryptographic checks.
struct Candidate {
  SignatureReport rep;
  std::string contents;
  RangeResult range;
  QPDFObjGen v_og;
  bool docmdp_reference = false;
};

// The DocMDP permission of the certification, read from the revision the certification
// signature signs (a /Perms added later does not count). nullopt when the first signature
// is not a certification.
std::optional<int> CertificationPermission(const std::string& path, const Candidate& first,
                                           const std::vector<RevisionEnd>& revs) {
  if (!first.docmdp_reference || first.range.revision < 1) return std::nullopt;
  auto prefix = PdfFile::Open(path, revs[static_cast<size_t>(first.range.revision - 1)].offset);
  if (!prefix.ok()) return std::nullopt;
  std::optional<int> p;
  (void)CatchQpdf(
      [&]() -> Status {
        QPDFObjectHandle perms = (*prefix)->qpdf().getRoot().getKey("/Perms");
        QPDFObjectHandle docmdp =
            perms.isDictionary() ? perms.getKey("/DocMDP") : QPDFObjectHandle::newNull();
        if (!docmdp.isDictionary() || !docmdp.isIndirect() || docmdp.getObjGen() != first.v_og)
          return OkStatus();
        p = 2;  // the default (ISO 32000-1 Table 254)
        QPDFObjectHandle refs = docmdp.getKey("/Reference");
        for (int i = 0; refs.isArray() && i < refs.getArrayNItems(); ++i) {
          QPDFObjectHandle ref = refs.getArrayItem(i);
          if (!ref.isDictionary() || !ref.getKey("/TransformMethod").isName() ||
              ref.getKey("/TransformMethod").getName() != "/DocMDP") {
            continue;
          }
          QPDFObjectHandle pv = ref.getKey("/TransformParams").isDictionary()
                                    ? ref.getKey("/TransformParams").getKey("/P")
                                    : QPDFObjectHandle::newNull();
          if (pv.isInteger() && pv.getIntValue() >= 1 && pv.getIntValue() <= 3)
            p = static_cast<int>(pv.getIntValue());
        }
        return OkStatus();
      },
      "cannot read the certification");
  return p;
}

}  // namespace

StatusOr<ValidationReport> VerifyPdf(const std::string& path, const PdfVerifyOptions& options) {
  HETONG_ASSIGN_OR_RETURN(auto pdf, PdfFile::Open(path));
  ValidationReport report;
  report.file = path;
  report.size = pdf->size();
  report.revisions = static_cast<int>(pdf->revisions().size());
  report.validation_time = options.now.value_or(base::SystemClock::Get().Now());
  HETONG_ASSIGN_OR_RETURN(Bytes whole_hash, internal::HashRanges(path, {{0, pdf->size()}},
                                                                 crypto::HashAlgorithm::kSha256));
  report.sha256 = base::HexEncode(whole_hash);
  const auto& revs = pdf->revisions();

  // ---- phase 1: the signature fields and the DSS ----
  std::vector<FieldInfo> fields;
  std::map<QPDFObjGen, QPDFXRefEntry> xref;
  Status read = CatchQpdf(
      [&]() -> Status {
        QPDF& q = pdf->qpdf();
        xref = q.getXRefTable();
        QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
        if (acro.isDictionary() && acro.getKey("/Fields").isArray()) {
          QPDFObjectHandle f = acro.getKey("/Fields");
          for (int i = 0; i < f.getArrayNItems() && i < 100000; ++i)
            CollectFields(f.getArrayItem(i), "", fields, 0);
        }
        return OkStatus();
      },
      "cannot read the signature fields");
  HETONG_RETURN_IF_ERROR(read);
  DssData dss = ReadDss(pdf->qpdf(), revs);

  // Bytes after the last "%%EOF" that are not white space: unsigned data outside any revision
  // (which some readers would still parse, e.g. an update without its "%%EOF").
  std::optional<Modification> trailing;
  if (!revs.empty() && revs.back().offset < pdf->size()) {
    uint64_t tail = pdf->size() - revs.back().offset;
    HETONG_ASSIGN_OR_RETURN(Bytes t,
                            ReadRange(path, revs.back().offset,
                                      static_cast<size_t>(std::min<uint64_t>(tail, 1 << 20))));
    bool blank = tail <= t.size();
    for (uint8_t c : t)
      blank = blank && (c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\f' || c == 0);
    if (!blank) {
      trailing = Modification{
          static_cast<int>(revs.size()) + 1, "trailing-data",
          std::to_string(tail) + " bytes after the last %%EOF are not part of any revision", false};
    }
  }

  // ---- phase 2: each field's dictionary and byte range ----
  std::vector<Candidate> candidates;
  std::set<std::string> seen_ranges;
  for (const auto& f : fields) {
    Candidate c;
    c.rep.field = f.name;
    c.v_og = f.v.isIndirect() ? f.v.getObjGen() : QPDFObjGen();
    QPDFObjectHandle br;
    Status s = CatchQpdf(
        [&]() -> Status {
          QPDFObjectHandle v = f.v;
          c.rep.sub_filter =
              v.getKey("/SubFilter").isName() ? v.getKey("/SubFilter").getName().substr(1) : "";
          c.rep.kind = c.rep.sub_filter == "ETSI.RFC3161" ? "document-timestamp" : "signature";
          if (v.getKey("/Contents").isString()) c.contents = v.getKey("/Contents").getStringValue();
          br = v.getKey("/ByteRange");
          c.rep.reason = Str(v.getKey("/Reason"));
          c.rep.location = Str(v.getKey("/Location"));
          if (v.getKey("/M").isString())
            c.rep.claimed_time = ParsePdfDate(v.getKey("/M").getStringValue());
          QPDFObjectHandle refs = v.getKey("/Reference");
          for (int i = 0; refs.isArray() && i < refs.getArrayNItems(); ++i) {
            QPDFObjectHandle m = refs.getArrayItem(i).isDictionary()
                                     ? refs.getArrayItem(i).getKey("/TransformMethod")
                                     : QPDFObjectHandle::newNull();
            if (m.isName() && m.getName() == "/DocMDP") c.docmdp_reference = true;
          }
          return OkStatus();
        },
        "cannot read a signature dictionary");
    if (!s.ok()) {
      Fail(c.rep, SubIndication::kFormatFailure, s.message());
      candidates.push_back(std::move(c));
      continue;
    }
    bool in_stream = false;
    std::optional<uint64_t> holder_offset = OffsetOf(xref, f.holder, &in_stream);
    c.range = CheckByteRange(path, br, c.contents, revs, pdf->size(), holder_offset, in_stream);
    c.rep.revision = c.range.revision;
    c.rep.covers_whole_file = c.range.whole;
    if (!c.range.problem.empty()) {
      Fail(c.rep, SubIndication::kFormatFailure, c.range.problem);
    } else if (!seen_ranges
                    .insert(std::to_string(c.range.gap_start) + "/" + std::to_string(c.range.end))
                    .second) {
      Fail(c.rep, SubIndication::kFormatFailure,
           "another signature field shows the same signature (a copy)");
    }
    candidates.push_back(std::move(c));
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const Candidate& a, const Candidate& b) { return a.rep.revision < b.rep.revision; });

  // ---- phase 3: the certification (DocMDP), from the first signature's own revision ----
  std::optional<int> docmdp_p;
  const Candidate* first_signature = nullptr;
  for (const auto& c : candidates) {
    if (c.rep.sub_indication == SubIndication::kNone && c.rep.kind == "signature") {
      first_signature = &c;
      break;
    }
  }
  if (first_signature) docmdp_p = CertificationPermission(path, *first_signature, revs);

  // Modifications of every revision after the first, computed once.
  std::map<int, std::vector<Modification>> changes_by_revision;
  auto changes_after = [&](int revision) -> StatusOr<std::vector<Modification>> {
    std::vector<Modification> all;
    for (int r = revision + 1; r <= static_cast<int>(revs.size()); ++r) {
      if (!changes_by_revision.contains(r)) {
        HETONG_ASSIGN_OR_RETURN(changes_by_revision[r],
                                AnalyzeIncrement(path, revs[static_cast<size_t>(r - 2)].offset,
                                                 revs[static_cast<size_t>(r - 1)].offset, r));
      }
      for (const auto& m : changes_by_revision[r]) all.push_back(m);
    }
    if (trailing) all.push_back(*trailing);
    return all;
  };

  // ---- phase 4: each signature and document time-stamp, in signing order ----
  struct DocTs {
    int revision;
    bool passed;  // TOTAL_PASSED, later changes included
  };
  std::vector<DocTs> doc_timestamps;
  std::vector<SignatureReport> reports;
  for (auto& cand : candidates) {
    SignatureReport& rep = cand.rep;
    rep.certification = first_signature == &cand && docmdp_p.has_value();
    if (rep.certification) rep.docmdp_permission = *docmdp_p;
    bool format_ok = rep.sub_indication == SubIndication::kNone;
    bool ts_valid = false;
    bool embedded_data_suffices = false;
    bool has_ess = false, cades = rep.sub_filter == "ETSI.CAdES.detached";
    if (format_ok) {
      // Strip the zero padding after the DER.
      Bytes cms(cand.contents.begin(), cand.contents.end());
      {
        der::Reader rd(cms);
        auto el = rd.ReadAny();
        if (el.ok()) cms = ToBytes(el->tlv);
      }
      auto sd = crypto::ParseCmsSignedData(cms);
      std::vector<std::pair<uint64_t, uint64_t>> ranges = {
          {0, cand.range.gap_start}, {cand.range.gap_end, cand.range.end - cand.range.gap_end}};
      // Certificates available for chains: the options', the CMS's and the DSS's.
      std::vector<pki::Certificate> pool = options.intermediates;
      auto add_certs = [&](const std::vector<Bytes>& ders) {
        for (const auto& d : ders) {
          auto c = pki::Certificate::Parse(d);
          if (c.ok()) pool.push_back(std::move(*c));
        }
      };
      std::vector<Bytes> crls = dss.crls, ocsps = dss.ocsps;
      if (sd.ok()) {
        add_certs(sd->certificates);
        for (const auto& c : sd->crls) crls.push_back(c);
      }
      add_certs(dss.certs);
      pki::CapturedRevocation captured(crls, ocsps);
      pki::CapturedRevocation dss_only(dss.crls, dss.ocsps);
      std::optional<OnlineThenEmbedded> online_first;
      if (options.online) online_first.emplace(*options.online, captured);
      pki::RevocationChecker* checker =
          options.online ? static_cast<pki::RevocationChecker*>(&*online_first) : &captured;

      if (!sd.ok() || sd->signers.empty()) {
        Fail(rep, SubIndication::kFormatFailure, "the signature is not a valid CMS structure");
      } else if (rep.kind == "document-timestamp") {
        // The token's imprint is over the byte ranges.
        auto tst = sd->content ? pki::ParseTstInfo(*sd->content)
                               : StatusOr<pki::TstInfo>(InvalidArgumentError("no TSTInfo"));
        if (!tst.ok()) {
          Fail(rep, SubIndication::kFormatFailure,
               "the document time-stamp is not a time-stamp token");
        } else {
          HETONG_ASSIGN_OR_RETURN(Bytes digest,
                                  internal::HashRanges(path, ranges, tst->imprint.algorithm));
          pki::TimestampVerifyOptions to;
          to.anchors = options.anchors;
          to.intermediates = pool;
          // Online the TSA certificate's status is required; offline the newest time-stamp's
          // cannot be in the file, so it is checked when the data is there.
          to.revocation =
              options.online ? pki::RevocationPolicy::kRequire : pki::RevocationPolicy::kBestEffort;
          to.checker = checker;
          auto check = pki::VerifyTimestampToken(cms, tst->imprint.algorithm, digest, to);
          if (!check.ok()) {
            Fail(rep, SubIndication::kFormatFailure, "the document time-stamp is malformed");
          } else {
            rep.digest_algorithm = std::string(crypto::HashName(tst->imprint.algorithm));
            rep.signature_algorithm = check->signature_algorithm;
            rep.proven_time = check->info.gen_time;
            rep.timestamp = TimestampSummary{
                check->info.gen_time,
                check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "",
                base::HexEncode(check->info.serial),
                check->info.policy,
                check->valid,
                check->problem};
            if (check->tsa_certificate) {
              rep.signer = check->tsa_certificate->subject().ToString();
              rep.signer_name = check->tsa_certificate->subject().common_name();
              rep.issuer = check->tsa_certificate->issuer().ToString();
            }
            if (!check->valid) {
              bool digest_problem = check->problem.find("other data") != std::string::npos;
              Fail(rep,
                   digest_problem ? SubIndication::kHashFailure
                                  : (check->path_checked && !check->path.ok()
                                         ? FromPath(check->path.error, true)
                                         : SubIndication::kSigCryptoFailure),
                   "document time-stamp: " + check->problem);
            }
          }
        }
      } else {
        const auto& si = sd->signers.at(0);
        if (!si.digest) {
          Fail(rep, SubIndication::kCryptoConstraintsFailure, "unsupported digest algorithm");
        } else {
          rep.digest_algorithm = std::string(crypto::HashName(*si.digest));
          HETONG_ASSIGN_OR_RETURN(Bytes digest, internal::HashRanges(path, ranges, *si.digest));
          std::vector<Bytes> extra;
          for (const auto& c : pool) extra.push_back(c.der());
          auto sig = crypto::CmsVerifySigner(*sd, 0, digest, extra);
          std::optional<pki::Certificate> signer_cert;
          if (!sig.ok()) {
            Fail(rep, SubIndication::kFormatFailure,
                 "the signature is malformed: " + sig.status().message());
          } else {
            if (sig->algorithm)
              rep.signature_algorithm =
                  std::string(crypto::SignatureAlgorithmName(*sig->algorithm));
            if (sig->signer) {
              auto cert = pki::Certificate::Parse(sig->signer->der);
              if (cert.ok()) {
                signer_cert = std::move(*cert);
                rep.signer = signer_cert->subject().ToString();
                rep.signer_name = signer_cert->subject().common_name();
                rep.signer_serial = signer_cert->SerialHex();
                rep.issuer = signer_cert->issuer().ToString();
              }
            }
            ReadArchival(si, crls, ocsps);
            switch (sig->status) {
              case crypto::CmsSignatureStatus::kValid:
                break;
              case crypto::CmsSignatureStatus::kDigestMismatch:
                Fail(rep, SubIndication::kHashFailure,
                     "the document does not match the signature: it was changed after signing");
                break;
              case crypto::CmsSignatureStatus::kSignatureInvalid:
                Fail(rep, SubIndication::kSigCryptoFailure,
                     "the signature value does not verify with the signer's certificate");
                break;
              case crypto::CmsSignatureStatus::kSignerCertificateMissing:
                Fail(rep, SubIndication::kNoSignerCertificateFound,
                     "the signer's certificate is not in the signature");
                break;
              case crypto::CmsSignatureStatus::kUnsupportedAlgorithm:
                Fail(rep, SubIndication::kCryptoConstraintsFailure, sig->detail);
                break;
            }
            if (sig->status == crypto::CmsSignatureStatus::kValid && !signer_cert) {
              Fail(rep, SubIndication::kFormatFailure, "the signer's certificate is malformed");
            }
            if (sig->sm2_without_z)
              rep.warnings.push_back("SM2 signature without Z_A (GmSSL style)");
          }
          // The ESS signing-certificate attribute must name the signer's certificate.
          if (signer_cert) {
            std::optional<bool> ess = EssMatches(si, *signer_cert);
            has_ess = ess.has_value();
            if (ess && !*ess) {
              Fail(rep, SubIndication::kSigConstraintsFailure,
                   "the signed signing-certificate attribute names another certificate than the "
                   "signer's");
            }
          }
          if (cades && !has_ess)
            rep.warnings.push_back("no ESS signing-certificate attribute: not PAdES baseline");
          if (si.FindSigned(crypto::oid::kSigningTime) && cades) {
            rep.warnings.push_back(
                "a signingTime attribute is present (PAdES puts the claimed time in /M)");
          }
          // Signature time-stamps.
          if (const auto* ts = si.FindUnsigned(crypto::oid::kTimeStampToken);
              ts && rep.sub_indication == SubIndication::kNone) {
            for (const auto& token : ts->values) {
              auto tst_sd = crypto::ParseCmsSignedData(token);
              auto tinfo = tst_sd.ok() && tst_sd->content
                               ? pki::ParseTstInfo(*tst_sd->content)
                               : StatusOr<pki::TstInfo>(InvalidArgumentError("bad token"));
              if (!tinfo.ok()) {
                Fail(rep, SubIndication::kTimestampFailure,
                     "the signature time-stamp is malformed");
                break;
              }
              pki::TimestampVerifyOptions to;
              to.anchors = options.anchors;
              to.intermediates = pool;
              // Online the TSA certificate's status is required; offline the newest time-stamp's
              // cannot be in the file, so it is checked when the data is there.
              to.revocation = options.online ? pki::RevocationPolicy::kRequire
                                             : pki::RevocationPolicy::kBestEffort;
              to.checker = checker;
              auto check = pki::VerifyTimestampToken(
                  token, tinfo->imprint.algorithm,
                  crypto::Hash(tinfo->imprint.algorithm, si.signature), to);
              if (!check.ok()) {
                Fail(rep, SubIndication::kTimestampFailure,
                     "the signature time-stamp is malformed");
                break;
              }
              rep.timestamp = TimestampSummary{
                  check->info.gen_time,
                  check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "",
                  base::HexEncode(check->info.serial),
                  check->info.policy,
                  check->valid,
                  check->problem};
              if (!check->valid && check->path_checked && !check->path.ok() &&
                  check->path.error != pki::PathError::kRevoked) {
                // The token itself is sound but its TSA certificate cannot be trusted (yet): no
                // proof of existence, which leaves the signature to be judged without one.
                rep.warnings.push_back("the signature time-stamp cannot prove the signing time: " +
                                       check->problem);
                continue;
              }
              if (!check->valid) {
                Fail(rep, SubIndication::kTimestampFailure,
                     "the signature time-stamp is not valid: " + check->problem);
                break;
              }
              ts_valid = true;
              rep.proven_time = check->info.gen_time;
            }
          }
          // The signer's certificate path at the proven time (else now).
          if (rep.sub_indication == SubIndication::kNone && signer_cert) {
            pki::CapturedRevocation with_archival(crls, ocsps);
            std::optional<OnlineThenEmbedded> online_then_archival;
            if (options.online) online_then_archival.emplace(*options.online, with_archival);
            pki::ValidationOptions vo;
            vo.time = rep.proven_time.value_or(report.validation_time);
            vo.purpose = pki::KeyPurpose::kDocumentSigning;
            vo.revocation = pki::RevocationPolicy::kRequire;
            vo.checker = options.online
                             ? static_cast<pki::RevocationChecker*>(&*online_then_archival)
                             : &with_archival;
            pki::ValidationResult path_result =
                pki::ValidatePath(*signer_cert, pool, options.anchors, vo);
            // Long-term validation data: the DSS alone must suffice.
            if (path_result.ok() && dss.revision > rep.revision) {
              vo.checker = &dss_only;
              embedded_data_suffices =
                  pki::ValidatePath(*signer_cert, pool, options.anchors, vo).ok();
            }
            for (const auto& c : path_result.chain) rep.chain.push_back(c.subject().ToString());
            for (size_t i = 0; i < path_result.revocation.size(); ++i) {
              const auto& rv = path_result.revocation[i];
              std::string who =
                  i < path_result.chain.size() ? path_result.chain[i].subject().common_name() : "";
              std::string st = rv.state == pki::RevocationCheck::State::kGood      ? "good"
                               : rv.state == pki::RevocationCheck::State::kRevoked ? "revoked"
                                                                                   : "unknown";
              rep.revocation.push_back(who + ": " + st + " (" +
                                       (rv.source.empty() ? "" : rv.source + ": ") + rv.detail +
                                       ")");
            }
            if (!path_result.ok()) {
              SubIndication sub = FromPath(path_result.error, ts_valid);
              std::string msg = path_result.message;
              if (path_result.error == pki::PathError::kRevocationUnknown && !options.online) {
                msg += " (check online, or embed validation data: PAdES B-LT)";
              }
              if (path_result.error == pki::PathError::kNoChain && options.anchors.empty()) {
                msg =
                    "no trust anchors were given (--trust): the signer's certificate cannot be "
                    "checked";
              }
              Fail(rep, sub, msg, ts_valid);
            }
          }
        }
      }
    }
    // Later changes; an update that cannot be analysed fails the signature (fail closed).
    if (rep.revision >= 1) {
      auto mods = changes_after(rep.revision);
      if (!mods.ok()) {
        rep.sub_indication = SubIndication::kNone;
        Fail(
            rep, SubIndication::kFormatFailure,
            "the changes made after this signature cannot be analysed: " + mods.status().message());
      } else {
        rep.modifications = *mods;
        // The certification's permissions (ISO 32000-1 §12.8.2.2): P=3 also allows annotations;
        // P=1 allows no change at all but validation data and document time-stamps (PAdES).
        for (auto& m : rep.modifications) {
          if (docmdp_p == 3 && m.kind == "annotation") m.allowed = true;  // added annotations only
          if (docmdp_p == 1 && m.allowed && m.kind != "validation-data" && m.kind != "timestamp") {
            m.allowed = false;
            m.description += " (the certification allows no changes, DocMDP P=1)";
          }
        }
        std::string disallowed;
        for (const auto& m : rep.modifications) {
          if (!m.allowed && disallowed.empty()) disallowed = m.description;
        }
        if (!disallowed.empty()) {
          // A modification outranks every finding except a cryptographic failure.
          bool hard = rep.sub_indication != SubIndication::kNone &&
                      IndicationFor(rep.sub_indication, true) == Indication::kTotalFailed;
          if (!hard) {
            rep.sub_indication = SubIndication::kNone;
            Fail(rep, SubIndication::kSigConstraintsFailure,
                 "the document was modified after this signature: " + disallowed +
                     (rep.certification ? " (forbidden by the certification, DocMDP P=" +
                                              std::to_string(*docmdp_p) + ")"
                                        : ""));
          }
        }
      }
    }
    if (!dss.problem.empty()) rep.warnings.push_back(dss.problem);
    if (rep.sub_indication == SubIndication::kNone) {
      rep.indication = Indication::kTotalPassed;
      rep.message = rep.kind == "document-timestamp" ? "the document time-stamp is valid"
                                                     : "the signature is valid";
      if (!rep.covers_whole_file)
        rep.message += "; later revisions add only signatures, validation data or time-stamps";
    }
    if (rep.kind == "document-timestamp")
      doc_timestamps.push_back({rep.revision, rep.indication == Indication::kTotalPassed});
    // The level reached (before document time-stamps, which come later in signing order).
    if (rep.kind == "signature" && rep.indication == Indication::kTotalPassed) {
      if (!cades) {
        rep.level = "PKCS7";
      } else if (has_ess) {
        rep.level = ts_valid ? "B-T" : "B-B";
        if (ts_valid && embedded_data_suffices) rep.level = "B-LT";
      }
    }
    reports.push_back(std::move(rep));
  }
  // Levels that later document time-stamps reach: B-T for a B-B signature time-stamped by
  // one, B-LTA for B-LT validation data protected by one.
  for (auto& r : reports) {
    for (const auto& d : doc_timestamps) {
      if (!d.passed || d.revision <= r.revision) continue;
      if (r.level == "B-B") r.level = "B-T";
      if (r.level == "B-LT" && d.revision > dss.revision) r.level = "B-LTA";
    }
  }
  report.signatures = std::move(reports);
  return report;
}

}  // namespace hetong::document::pdf
