#include "document/pdf/verifier.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <algorithm>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "document/pdf/internal/file_io.h"
#include "document/pdf/modifications.h"
#include "document/pdf/pdf_file.h"
#include "pki/revocation.h"
#include "pki/tsp.h"

namespace hetong::document::pdf {

namespace {

namespace der = base::der;

constexpr std::string_view kRevocationInfoArchival = "1.2.840.113583.1.1.8";

struct FieldInfo {
  std::string name;
  QPDFObjectHandle v;
};

void CollectFields(QPDFObjectHandle node, const std::string& prefix, std::vector<FieldInfo>& out, int depth) {
  if (depth > 32 || !node.isDictionary()) return;
  std::string name = prefix;
  if (node.getKey("/T").isString()) name = prefix.empty() ? node.getKey("/T").getUTF8Value() : prefix + "." + node.getKey("/T").getUTF8Value();
  QPDFObjectHandle kids = node.getKey("/Kids");
  if (kids.isArray()) {
    bool field_kids = false;
    for (int i = 0; i < kids.getArrayNItems(); ++i) field_kids = field_kids || kids.getArrayItem(i).hasKey("/T");
    if (field_kids) {
      for (int i = 0; i < kids.getArrayNItems(); ++i) CollectFields(kids.getArrayItem(i), name, out, depth + 1);
      return;
    }
  }
  QPDFObjectHandle ft = node.getKey("/FT");
  QPDFObjectHandle v = node.getKey("/V");
  if (ft.isName() && ft.getName() == "/Sig" && v.isDictionary()) out.push_back({name, v});
}

std::optional<base::TimePoint> ParsePdfDate(const std::string& d) {
  // D:YYYYMMDDHHmmSSOHH'mm'
  std::string s = d.rfind("D:", 0) == 0 ? d.substr(2) : d;
  if (s.size() < 14) return std::nullopt;
  std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(8, 2) + ":" +
                    s.substr(10, 2) + ":" + s.substr(12, 2);
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

struct DssData {
  std::vector<Bytes> certs, crls, ocsps;
  int revision = 0;  // the revision that last changed the DSS (0: none)
};

int RevisionOf(const std::vector<RevisionEnd>& revs, uint64_t offset) {
  for (size_t i = 0; i < revs.size(); ++i) {
    if (offset < revs[i].offset) return static_cast<int>(i + 1);
  }
  return static_cast<int>(revs.size());
}

DssData ReadDss(QPDF& q, const std::vector<RevisionEnd>& revs) {
  DssData d;
  QPDFObjectHandle dss = q.getRoot().getKey("/DSS");
  if (!dss.isDictionary()) return d;
  auto streams = [](QPDFObjectHandle arr, std::vector<Bytes>& out) {
    if (!arr.isArray()) return;
    for (int i = 0; i < arr.getArrayNItems(); ++i) {
      QPDFObjectHandle s = arr.getArrayItem(i);
      if (!s.isStream()) continue;
      auto buf = s.getStreamData(qpdf_dl_generalized);
      out.emplace_back(buf->getBuffer(), buf->getBuffer() + buf->getSize());
    }
  };
  streams(dss.getKey("/Certs"), d.certs);
  streams(dss.getKey("/CRLs"), d.crls);
  streams(dss.getKey("/OCSPs"), d.ocsps);
  // The revision that wrote the DSS dictionary (or the catalog, when it is direct).
  QPDFObjectHandle holder = dss.isIndirect() ? dss : q.getRoot();
  auto xref = q.getXRefTable();
  auto it = xref.find(holder.getObjGen());
  if (it != xref.end()) {
    uint64_t off = it->second.getType() == 1 ? static_cast<uint64_t>(it->second.getOffset()) : 0;
    if (it->second.getType() == 2) {
      auto st = xref.find(QPDFObjGen(it->second.getObjStreamNumber(), 0));
      if (st != xref.end()) off = static_cast<uint64_t>(st->second.getOffset());
    }
    d.revision = RevisionOf(revs, off);
  }
  return d;
}

// CRLs and OCSP responses in Adobe's revocationInfoArchival signed attribute.
void ReadArchival(const crypto::CmsSignerInfo& si, std::vector<Bytes>& crls, std::vector<Bytes>& ocsps) {
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

// Checks the /ByteRange against the file: returns the 1-based revision it covers, or a
// problem description.
struct RangeResult {
  std::string problem;
  int revision = 0;
  bool whole = false;
  uint64_t gap_start = 0, gap_end = 0, end = 0;
};

RangeResult CheckByteRange(const std::string& path, QPDFObjectHandle br, const std::string& contents,
                           const std::vector<RevisionEnd>& revs, uint64_t size) {
  RangeResult r;
  if (!br.isArray() || br.getArrayNItems() != 4) {
    r.problem = "the /ByteRange is not four numbers";
    return r;
  }
  int64_t v[4];
  for (int i = 0; i < 4; ++i) {
    QPDFObjectHandle n = br.getArrayItem(i);
    if (!n.isInteger() || n.getIntValue() < 0) {
      r.problem = "the /ByteRange holds something other than non-negative integers";
      return r;
    }
    v[i] = n.getIntValue();
  }
  if (v[0] != 0) {
    r.problem = "the signed bytes do not start at the beginning of the file";
    return r;
  }
  if (v[1] <= 0 || v[2] <= v[1] || static_cast<uint64_t>(v[2]) + static_cast<uint64_t>(v[3]) > size) {
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
      return r;
    }
  }
  r.problem = "the signed bytes do not end at the end of a revision of the file";
  return r;
}

SubIndication FromPath(pki::PathError e, bool has_poe) {
  switch (e) {
    case pki::PathError::kOk: return SubIndication::kNone;
    case pki::PathError::kNoChain: return SubIndication::kNoCertificateChainFound;
    case pki::PathError::kExpired: return has_poe ? SubIndication::kExpired : SubIndication::kOutOfBoundsNoPoe;
    case pki::PathError::kNotYetValid: return SubIndication::kNotYetValid;
    case pki::PathError::kRevoked: return SubIndication::kRevoked;
    case pki::PathError::kRevocationUnknown: return SubIndication::kTryLater;
    case pki::PathError::kUnsupportedAlgorithm: return SubIndication::kCryptoConstraintsFailure;
    default: return SubIndication::kChainConstraintsFailure;
  }
}

Indication IndicationFor(SubIndication s, bool has_poe) {
  switch (s) {
    case SubIndication::kFormatFailure:
    case SubIndication::kHashFailure:
    case SubIndication::kSigCryptoFailure:
    case SubIndication::kSigConstraintsFailure:
    case SubIndication::kTimestampFailure: return Indication::kTotalFailed;
    case SubIndication::kRevoked:
    case SubIndication::kExpired:
    case SubIndication::kNotYetValid: return has_poe ? Indication::kTotalFailed : Indication::kIndeterminate;
    default: return Indication::kIndeterminate;
  }
}

void Fail(SignatureReport& rep, SubIndication s, std::string message, bool has_poe = true) {
  if (rep.sub_indication != SubIndication::kNone) return;  // keep the first finding
  rep.sub_indication = s;
  rep.indication = IndicationFor(s, has_poe);
  rep.message = std::move(message);
}

}  // namespace

StatusOr<ValidationReport> VerifyPdf(const std::string& path, const PdfVerifyOptions& options) {
  HETONG_ASSIGN_OR_RETURN(auto pdf, PdfFile::Open(path));
  ValidationReport report;
  report.file = path;
  report.size = pdf->size();
  report.revisions = static_cast<int>(pdf->revisions().size());
  report.validation_time = options.now.value_or(base::SystemClock::Get().Now());
  HETONG_ASSIGN_OR_RETURN(Bytes whole_hash, internal::HashRanges(path, {{0, pdf->size()}}, crypto::HashAlgorithm::kSha256));
  report.sha256 = base::HexEncode(whole_hash);
  const auto& revs = pdf->revisions();

  std::vector<FieldInfo> fields;
  DssData dss;
  std::optional<int> docmdp_p;
  QPDFObjectHandle docmdp_sig;
  Status read = CatchQpdf(
      [&]() -> Status {
        QPDF& q = pdf->qpdf();
        QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
        if (acro.isDictionary() && acro.getKey("/Fields").isArray()) {
          QPDFObjectHandle f = acro.getKey("/Fields");
          for (int i = 0; i < f.getArrayNItems(); ++i) CollectFields(f.getArrayItem(i), "", fields, 0);
        }
        dss = ReadDss(q, revs);
        QPDFObjectHandle perms = q.getRoot().getKey("/Perms");
        if (perms.isDictionary() && perms.getKey("/DocMDP").isDictionary()) {
          docmdp_sig = perms.getKey("/DocMDP");
          docmdp_p = 2;  // the default (ISO 32000-1 Table 254)
          QPDFObjectHandle refs = docmdp_sig.getKey("/Reference");
          for (int i = 0; refs.isArray() && i < refs.getArrayNItems(); ++i) {
            QPDFObjectHandle p = refs.getArrayItem(i).getKey("/TransformParams").getKey("/P");
            if (p.isInteger() && p.getIntValue() >= 1 && p.getIntValue() <= 3) docmdp_p = static_cast<int>(p.getIntValue());
          }
        }
        return OkStatus();
      },
      "cannot read the signature fields");
  HETONG_RETURN_IF_ERROR(read);

  // Bytes after the last "%%EOF" that are not white space: unsigned data outside any revision
  // (which some readers would still parse, e.g. an update without its "%%EOF").
  std::optional<Modification> trailing;
  if (!revs.empty() && revs.back().offset < pdf->size()) {
    uint64_t tail = pdf->size() - revs.back().offset;
    HETONG_ASSIGN_OR_RETURN(Bytes t, ReadRange(path, revs.back().offset, static_cast<size_t>(std::min<uint64_t>(tail, 1 << 20))));
    bool blank = tail <= t.size();
    for (uint8_t c : t) blank = blank && (c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\f' || c == 0);
    if (!blank) {
      trailing = Modification{static_cast<int>(revs.size()) + 1, "trailing-data",
                              std::to_string(tail) + " bytes after the last %%EOF are not part of any revision", false};
    }
  }
  // Modifications of every revision after the first, computed once.
  std::map<int, std::vector<Modification>> changes_by_revision;
  auto changes_after = [&](int revision) -> StatusOr<std::vector<Modification>> {
    std::vector<Modification> all;
    for (int r = revision + 1; r <= static_cast<int>(revs.size()); ++r) {
      if (!changes_by_revision.contains(r)) {
        HETONG_ASSIGN_OR_RETURN(changes_by_revision[r],
                                AnalyzeIncrement(path, revs[static_cast<size_t>(r - 2)].offset, revs[static_cast<size_t>(r - 1)].offset, r));
      }
      for (const auto& m : changes_by_revision[r]) all.push_back(m);
    }
    if (trailing) all.push_back(*trailing);
    return all;
  };

  // Document time-stamps, by revision, for B-T/B-LTA.
  struct DocTs {
    int revision;
    bool valid;
  };
  std::vector<DocTs> doc_timestamps;
  std::vector<SignatureReport> reports;

  for (const auto& f : fields) {
    SignatureReport rep;
    rep.field = f.name;
    std::string contents;
    QPDFObjectHandle br;
    Status s = CatchQpdf(
        [&]() -> Status {
          QPDFObjectHandle v = f.v;
          rep.sub_filter = v.getKey("/SubFilter").isName() ? v.getKey("/SubFilter").getName().substr(1) : "";
          rep.kind = rep.sub_filter == "ETSI.RFC3161" ? "document-timestamp" : "signature";
          if (v.getKey("/Contents").isString()) contents = v.getKey("/Contents").getStringValue();
          br = v.getKey("/ByteRange");
          rep.reason = Str(v.getKey("/Reason"));
          rep.location = Str(v.getKey("/Location"));
          if (v.getKey("/M").isString()) rep.claimed_time = ParsePdfDate(v.getKey("/M").getStringValue());
          if (docmdp_sig.isInitialized() && docmdp_sig.isDictionary() && v.getObjGen() == docmdp_sig.getObjGen()) {
            rep.certification = true;
            rep.docmdp_permission = docmdp_p.value_or(2);
          }
          return OkStatus();
        },
        "cannot read a signature dictionary");
    if (!s.ok()) {
      Fail(rep, SubIndication::kFormatFailure, s.message());
      reports.push_back(rep);
      continue;
    }
    RangeResult range = CheckByteRange(path, br, contents, revs, pdf->size());
    rep.revision = range.revision;
    rep.covers_whole_file = range.whole;
    if (!range.problem.empty()) {
      Fail(rep, SubIndication::kFormatFailure, range.problem);
      reports.push_back(rep);
      continue;
    }
    // Strip the zero padding after the DER.
    Bytes cms(contents.begin(), contents.end());
    {
      der::Reader rd(cms);
      auto el = rd.ReadAny();
      if (el.ok()) cms = ToBytes(el->tlv);
    }
    auto sd = crypto::ParseCmsSignedData(cms);
    if (!sd.ok()) {
      Fail(rep, SubIndication::kFormatFailure, "the signature is not a valid CMS structure");
      reports.push_back(rep);
      continue;
    }
    std::vector<std::pair<uint64_t, uint64_t>> ranges = {{0, range.gap_start}, {range.gap_end, range.end - range.gap_end}};
    // Certificates available for chains: the options', the CMS's and the DSS's.
    std::vector<pki::Certificate> pool = options.intermediates;
    auto add_certs = [&](const std::vector<Bytes>& ders) {
      for (const auto& d : ders) {
        auto c = pki::Certificate::Parse(d);
        if (c.ok()) pool.push_back(std::move(*c));
      }
    };
    add_certs(sd->certificates);
    add_certs(dss.certs);
    std::vector<Bytes> crls = dss.crls, ocsps = dss.ocsps;
    for (const auto& c : sd->crls) crls.push_back(c);
    pki::CapturedRevocation captured(crls, ocsps);
    pki::RevocationChecker* checker = options.online ? options.online : &captured;

    if (rep.kind == "document-timestamp") {
      // The token's imprint is over the byte ranges.
      auto tst = sd->content ? pki::ParseTstInfo(*sd->content) : StatusOr<pki::TstInfo>(InvalidArgumentError("no TSTInfo"));
      if (!tst.ok()) {
        Fail(rep, SubIndication::kFormatFailure, "the document time-stamp is not a time-stamp token");
        reports.push_back(rep);
        continue;
      }
      auto digest = internal::HashRanges(path, ranges, tst->imprint.algorithm);
      if (!digest.ok()) return digest.status();
      pki::TimestampVerifyOptions to;
      to.anchors = options.anchors;
      to.intermediates = pool;
      to.revocation = pki::RevocationPolicy::kBestEffort;
      to.checker = checker;
      auto check = pki::VerifyTimestampToken(cms, tst->imprint.algorithm, *digest, to);
      if (!check.ok()) {
        Fail(rep, SubIndication::kFormatFailure, "the document time-stamp is malformed");
        reports.push_back(rep);
        continue;
      }
      rep.digest_algorithm = std::string(crypto::HashName(tst->imprint.algorithm));
      rep.signature_algorithm = check->signature_algorithm;
      rep.proven_time = check->info.gen_time;
      rep.timestamp = TimestampSummary{check->info.gen_time,
                                       check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "",
                                       base::HexEncode(check->info.serial), check->info.policy, check->valid, check->problem};
      if (check->tsa_certificate) {
        rep.signer = check->tsa_certificate->subject().ToString();
        rep.signer_name = check->tsa_certificate->subject().common_name();
        rep.issuer = check->tsa_certificate->issuer().ToString();
      }
      if (!check->valid) {
        bool digest_problem = check->problem.find("other data") != std::string::npos;
        Fail(rep, digest_problem ? SubIndication::kHashFailure
                                 : (check->path.error != pki::PathError::kOk ? FromPath(check->path.error, true)
                                                                             : SubIndication::kSigCryptoFailure),
             "document time-stamp: " + check->problem);
      }
      doc_timestamps.push_back({rep.revision, check->valid});
    } else {
      const auto& si = sd->signers.at(0);
      if (!si.digest) {
        Fail(rep, SubIndication::kCryptoConstraintsFailure, "unsupported digest algorithm");
        reports.push_back(rep);
        continue;
      }
      rep.digest_algorithm = std::string(crypto::HashName(*si.digest));
      auto digest = internal::HashRanges(path, ranges, *si.digest);
      if (!digest.ok()) return digest.status();
      std::vector<Bytes> extra;
      for (const auto& c : pool) extra.push_back(c.der());
      HETONG_ASSIGN_OR_RETURN(crypto::CmsSignatureCheck sig, crypto::CmsVerifySigner(*sd, 0, *digest, extra));
      if (sig.algorithm) rep.signature_algorithm = std::string(crypto::SignatureAlgorithmName(*sig.algorithm));
      if (sig.signer) {
        auto cert = pki::Certificate::Parse(sig.signer->der);
        if (cert.ok()) {
          rep.signer = cert->subject().ToString();
          rep.signer_name = cert->subject().common_name();
          rep.signer_serial = cert->SerialHex();
          rep.issuer = cert->issuer().ToString();
        }
      }
      ReadArchival(si, crls, ocsps);
      switch (sig.status) {
        case crypto::CmsSignatureStatus::kValid: break;
        case crypto::CmsSignatureStatus::kDigestMismatch:
          Fail(rep, SubIndication::kHashFailure, "the document does not match the signature: it was changed after signing");
          break;
        case crypto::CmsSignatureStatus::kSignatureInvalid:
          Fail(rep, SubIndication::kSigCryptoFailure, "the signature value does not verify with the signer's certificate");
          break;
        case crypto::CmsSignatureStatus::kSignerCertificateMissing:
          Fail(rep, SubIndication::kNoSignerCertificateFound, "the signer's certificate is not in the signature");
          break;
        case crypto::CmsSignatureStatus::kUnsupportedAlgorithm:
          Fail(rep, SubIndication::kCryptoConstraintsFailure, sig.detail);
          break;
      }
      if (sig.sm2_without_z) rep.warnings.push_back("SM2 signature without Z_A (GmSSL style)");
      bool cades = rep.sub_filter == "ETSI.CAdES.detached";
      bool has_ess = si.FindSigned(crypto::oid::kSigningCertificateV2) || si.FindSigned(crypto::oid::kSigningCertificate);
      if (cades && !has_ess) rep.warnings.push_back("no ESS signing-certificate attribute: not PAdES baseline");
      if (si.FindSigned(crypto::oid::kSigningTime) && cades) {
        rep.warnings.push_back("a signingTime attribute is present (PAdES puts the claimed time in /M)");
      }
      // Signature time-stamps.
      bool ts_valid = false;
      if (const auto* ts = si.FindUnsigned(crypto::oid::kTimeStampToken); ts && rep.sub_indication == SubIndication::kNone) {
        for (const auto& token : ts->values) {
          auto tst_sd = crypto::ParseCmsSignedData(token);
          auto tinfo = tst_sd.ok() && tst_sd->content ? pki::ParseTstInfo(*tst_sd->content)
                                                      : StatusOr<pki::TstInfo>(InvalidArgumentError("bad token"));
          if (!tinfo.ok()) {
            Fail(rep, SubIndication::kTimestampFailure, "the signature time-stamp is malformed");
            break;
          }
          pki::TimestampVerifyOptions to;
          to.anchors = options.anchors;
          to.intermediates = pool;
          to.revocation = pki::RevocationPolicy::kBestEffort;
          to.checker = checker;
          auto check = pki::VerifyTimestampToken(token, tinfo->imprint.algorithm,
                                                 crypto::Hash(tinfo->imprint.algorithm, si.signature), to);
          if (!check.ok()) {
            Fail(rep, SubIndication::kTimestampFailure, "the signature time-stamp is malformed");
            break;
          }
          rep.timestamp = TimestampSummary{check->info.gen_time,
                                           check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "",
                                           base::HexEncode(check->info.serial), check->info.policy, check->valid,
                                           check->problem};
          if (!check->valid) {
            Fail(rep, SubIndication::kTimestampFailure, "the signature time-stamp is not valid: " + check->problem);
            break;
          }
          ts_valid = true;
          rep.proven_time = check->info.gen_time;
        }
      }
      // The signer's certificate path at the proven time (else now).
      bool embedded_data_suffices = false;
      if (rep.sub_indication == SubIndication::kNone && sig.signer) {
        auto cert = pki::Certificate::Parse(sig.signer->der);
        pki::CapturedRevocation with_archival(crls, ocsps);
        pki::ValidationOptions vo;
        vo.time = rep.proven_time.value_or(report.validation_time);
        vo.purpose = pki::KeyPurpose::kDocumentSigning;
        vo.revocation = pki::RevocationPolicy::kRequire;
        vo.checker = options.online ? options.online : &with_archival;
        pki::ValidationResult path_result = pki::ValidatePath(*cert, pool, options.anchors, vo);
        // Long-term validation data: the file alone must suffice.
        if (options.online && path_result.ok()) {
          vo.checker = &with_archival;
          embedded_data_suffices = pki::ValidatePath(*cert, pool, options.anchors, vo).ok();
        } else {
          embedded_data_suffices = path_result.ok();
        }
        for (const auto& c : path_result.chain) rep.chain.push_back(c.subject().ToString());
        for (size_t i = 0; i < path_result.revocation.size(); ++i) {
          const auto& rv = path_result.revocation[i];
          std::string who = i < path_result.chain.size() ? path_result.chain[i].subject().common_name() : "";
          std::string st = rv.state == pki::RevocationCheck::State::kGood      ? "good"
                           : rv.state == pki::RevocationCheck::State::kRevoked ? "revoked"
                                                                               : "unknown";
          rep.revocation.push_back(who + ": " + st + " (" + (rv.source.empty() ? "" : rv.source + ": ") + rv.detail + ")");
        }
        if (!path_result.ok()) {
          SubIndication sub = FromPath(path_result.error, ts_valid);
          std::string msg = path_result.message;
          if (path_result.error == pki::PathError::kRevocationUnknown && !options.online) {
            msg += " (check online, or embed validation data: PAdES B-LT)";
          }
          if (path_result.error == pki::PathError::kNoChain && options.anchors.empty()) {
            msg = "no trust anchors were given (--trust): the signer's certificate cannot be checked";
          }
          Fail(rep, sub, msg, ts_valid);
        }
      }
      // The level reached.
      if (rep.sub_indication == SubIndication::kNone) {
        if (!cades) {
          rep.level = "PKCS7";
        } else if (has_ess) {
          rep.level = "B-B";
          bool later_doc_ts = false;
          for (const auto& d : doc_timestamps) later_doc_ts = later_doc_ts || (d.valid && d.revision > rep.revision);
          if (ts_valid) rep.level = "B-T";
          // Validation data in the file sufficed (checked offline below).
          if (ts_valid && dss.revision > rep.revision && embedded_data_suffices) rep.level = "B-LT";
          if (rep.level == "B-LT") {
            for (const auto& d : doc_timestamps) {
              if (d.valid && d.revision > dss.revision) rep.level = "B-LTA";
            }
          }
          (void)later_doc_ts;
        }
      }
    }
    // Later changes.
    auto mods = changes_after(rep.revision);
    if (!mods.ok()) {
      rep.warnings.push_back("later revisions could not be analysed: " + mods.status().message());
    } else {
      rep.modifications = *mods;
      // The certification's permissions (ISO 32000-1 §12.8.2.2): P=3 also allows annotations;
      // P=1 allows no change at all but validation data and document time-stamps (PAdES).
      for (auto& m : rep.modifications) {
        if (docmdp_p == 3 && m.kind == "annotation" && m.description.find("removed") == std::string::npos) {
          m.allowed = true;
        }
        if (docmdp_p == 1 && m.kind == "form") {
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
                   (rep.certification ? " (forbidden by the certification, DocMDP)" : ""));
        }
      }
    }
    if (rep.sub_indication == SubIndication::kNone) {
      rep.indication = Indication::kTotalPassed;
      rep.message = rep.kind == "document-timestamp" ? "the document time-stamp is valid" : "the signature is valid";
      if (!rep.covers_whole_file) rep.message += "; later revisions add only signatures, validation data or time-stamps";
    }
    reports.push_back(std::move(rep));
  }
  // Levels depend on document time-stamps found after the signatures: recompute B-LTA for
  // signatures processed before their doc time-stamps.
  for (auto& r : reports) {
    if (r.level == "B-LT") {
      for (const auto& d : doc_timestamps) {
        if (d.valid && d.revision > dss.revision) r.level = "B-LTA";
      }
    }
    if (r.level == "B-B") {
      for (const auto& d : doc_timestamps) {
        if (d.valid && d.revision > r.revision) r.level = "B-T";
      }
    }
  }
  // In signing order.
  std::stable_sort(reports.begin(), reports.end(),
                   [](const SignatureReport& a, const SignatureReport& b) { return a.revision < b.revision; });
  report.signatures = std::move(reports);
  return report;
}

}  // namespace hetong::document::pdf
