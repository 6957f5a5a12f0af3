#include "document/pdf/signer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/der.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "crypto/random.h"
#include "document/pdf/incremental_update.h"
#include "document/pdf/internal/file_io.h"
#include "document/pdf/internal/qpdf.h"
#include "document/pdf/pdf_file.h"

namespace hetong::document::pdf {

std::string_view PadesLevelName(PadesLevel level) {
  switch (level) {
    case PadesLevel::kBB:
      return "B-B";
    case PadesLevel::kBT:
      return "B-T";
    case PadesLevel::kBLT:
      return "B-LT";
    case PadesLevel::kBLTA:
      return "B-LTA";
  }
  return "?";
}

std::optional<PadesLevel> PadesLevelFromName(std::string_view name) {
  for (auto l : {PadesLevel::kBB, PadesLevel::kBT, PadesLevel::kBLT, PadesLevel::kBLTA}) {
    if (PadesLevelName(l) == name) return l;
  }
  return std::nullopt;
}

namespace {

using internal::AppendToFile;
using internal::HashRanges;
using internal::PatchFile;

ObjRef RefOf(QPDFObjectHandle h) { return ObjRef{h.getObjectID(), h.getGeneration()}; }

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s.empty() ? "0" : s;
}

// "<< /K v ... >>" of a qpdf dictionary with some keys replaced (empty value: removed) or added.
std::string DictText(QPDFObjectHandle dict, const std::map<std::string, std::string>& changes) {
  std::string out = "<<";
  for (const auto& key : dict.getKeys()) {
    auto it = changes.find(key);
    if (it != changes.end()) continue;
    out += " " + QPDFObjectHandle::newName(key).unparse() + " " + dict.getKey(key).unparse();
  }
  for (const auto& [k, v] : changes) {
    if (!v.empty()) out += " " + k + " " + v;
  }
  out += " >>";
  return out;
}

std::string ArrayTextPlus(QPDFObjectHandle array, const std::string& extra) {
  std::string out = "[";
  if (array.isArray()) {
    for (int i = 0; i < array.getArrayNItems(); ++i) out += " " + array.getArrayItem(i).unparse();
  }
  out += " " + extra + " ]";
  return out;
}

// Terminal signature fields of the AcroForm.
struct SigField {
  QPDFObjectHandle field;
  std::string name;
  bool signed_ = false;
};

void CollectSigFields(QPDFObjectHandle node, std::vector<SigField>& out, int depth) {
  if (depth > 32 || !node.isDictionary()) return;
  QPDFObjectHandle kids = node.getKey("/Kids");
  bool has_field_kids = false;
  if (kids.isArray()) {
    for (int i = 0; i < kids.getArrayNItems(); ++i) {
      if (kids.getArrayItem(i).isDictionary() && kids.getArrayItem(i).hasKey("/T"))
        has_field_kids = true;
    }
  }
  if (has_field_kids) {
    for (int i = 0; i < kids.getArrayNItems(); ++i)
      CollectSigFields(kids.getArrayItem(i), out, depth + 1);
    return;
  }
  QPDFObjectHandle ft = node.getKey("/FT");
  if (ft.isName() && ft.getName() == "/Sig") {
    SigField f;
    f.field = node;
    QPDFObjectHandle t = node.getKey("/T");
    if (t.isString()) f.name = t.getUTF8Value();
    f.signed_ = node.getKey("/V").isDictionary();
    out.push_back(f);
  }
}

std::vector<SigField> SignatureFields(QPDF& q) {
  std::vector<SigField> out;
  QPDFObjectHandle acro = q.getRoot().getKey("/AcroForm");
  if (!acro.isDictionary()) return out;
  QPDFObjectHandle fields = acro.getKey("/Fields");
  if (!fields.isArray()) return out;
  for (int i = 0; i < fields.getArrayNItems(); ++i)
    CollectSigFields(fields.getArrayItem(i), out, 0);
  return out;
}

std::optional<int> DocMdpPermission(QPDF& q) {
  QPDFObjectHandle perms = q.getRoot().getKey("/Perms");
  if (!perms.isDictionary()) return std::nullopt;
  QPDFObjectHandle sig = perms.getKey("/DocMDP");
  if (!sig.isDictionary()) return std::nullopt;
  QPDFObjectHandle refs = sig.getKey("/Reference");
  if (!refs.isArray()) return 2;
  for (int i = 0; i < refs.getArrayNItems(); ++i) {
    QPDFObjectHandle r = refs.getArrayItem(i);
    if (r.getKey("/TransformMethod").isName() &&
        r.getKey("/TransformMethod").getName() == "/DocMDP") {
      QPDFObjectHandle p = r.getKey("/TransformParams").getKey("/P");
      return p.isInteger() ? static_cast<int>(p.getIntValue()) : 2;
    }
  }
  return 2;
}

struct SigDictSpec {
  std::string type = "/Sig";
  std::string sub_filter = "/ETSI.CAdES.detached";
  std::string extra;  // more keys: /M, /Name, /Reason, /Reference ...
};

struct AppendSpec {
  SigDictSpec sig;
  std::optional<VisibleSignature> visible;
  std::string field_name;
  bool certify = false;
  size_t contents_bytes = 0;
};

struct Appended {
  uint64_t base = 0;           // size before the update
  uint64_t byterange_pos = 0;  // offset of the ByteRange array's '['
  size_t byterange_width = 0;  // bytes from '[' to ']' inclusive
  uint64_t contents_pos = 0;   // offset of '<'
  uint64_t contents_end = 0;   // offset after '>'
  uint64_t file_size = 0;
  std::string field_name;
};

constexpr int kByteRangeDigits = 12;

// Appends a revision with a new (or filled) signature field whose /Contents is a zero
// placeholder of `contents_bytes` bytes.
StatusOr<Appended> AppendSignatureField(const std::string& path, const AppendSpec& spec) {
  HETONG_ASSIGN_OR_RETURN(auto pdf, PdfFile::Open(path));
  QPDF& q = pdf->qpdf();
  IncrementalUpdate upd(pdf->trailer_size());
  Appended out;
  std::string sig_text;
  ObjRef sig_ref;
  Status built = CatchQpdf(
      [&]() -> Status {
        QPDFObjectHandle root = q.getRoot();
        if (!root.isIndirect())
          return InvalidArgumentError("the PDF catalog is not an indirect object");
        auto fields = SignatureFields(q);
        bool has_signatures = false;
        std::set<std::string> names;
        for (const auto& f : fields) {
          has_signatures = has_signatures || f.signed_;
          names.insert(f.name);
        }
        if (auto p = DocMdpPermission(q); p && *p == 1 && spec.sig.type != "/DocTimeStamp") {
          return FailedPreconditionError(
              "the document is certified with no changes allowed (DocMDP P=1); it cannot be signed "
              "again");
        }
        if (spec.certify && has_signatures) {
          return FailedPreconditionError(
              "a certification signature must be the first signature of a document");
        }
        // The field: an existing empty one, or a new one.
        std::optional<SigField> existing;
        for (const auto& f : fields) {
          if (!spec.field_name.empty() && f.name == spec.field_name) {
            if (f.signed_)
              return FailedPreconditionError("the signature field '" + f.name +
                                             "' is already signed");
            existing = f;
          }
        }
        std::string name = spec.field_name;
        if (name.empty()) {
          for (int i = 1;; ++i) {
            name = "Signature" + std::to_string(i);
            if (!names.contains(name)) break;
          }
        }
        out.field_name = name;

        sig_ref = upd.Allocate();
        // An existing field keeps its widget's place: its page and rectangle.
        QPDFObjectHandle existing_widget;
        if (existing) {
          QPDFObjectHandle f = existing->field;
          if (!f.isIndirect())
            return InvalidArgumentError("the signature field is not an indirect object");
          existing_widget = f;
          QPDFObjectHandle kids = f.getKey("/Kids");
          if (!f.hasKey("/Subtype") && kids.isArray() && kids.getArrayNItems() > 0)
            existing_widget = kids.getArrayItem(0);
          if (!existing_widget.isIndirect())
            return InvalidArgumentError("the signature field's widget is not an indirect object");
        }
        // Appearance.
        std::string rect = "[0 0 0 0]";
        ObjRef ap = upd.Allocate();
        QPDFObjectHandle page;
        double box_w = 0, box_h = 0;
        if (spec.visible) {
          const VisibleSignature& v = *spec.visible;
          if (existing) {
            QPDFObjectHandle r = existing_widget.getKey("/Rect");
            double c[4] = {0, 0, 0, 0};
            for (int i = 0; r.isArray() && r.getArrayNItems() == 4 && i < 4; ++i) {
              if (r.getArrayItem(i).isNumber()) c[i] = r.getArrayItem(i).getNumericValue();
            }
            box_w = std::abs(c[2] - c[0]);
            box_h = std::abs(c[3] - c[1]);
            if (box_w <= 0 || box_h <= 0) {
              return InvalidArgumentError(
                  "the signature field '" + existing->name +
                  "' is invisible (no rectangle) and cannot show an appearance");
            }
          } else {
            auto pages = q.getAllPages();
            if (v.page < 1 || v.page > static_cast<int>(pages.size())) {
              return InvalidArgumentError("page " + std::to_string(v.page) +
                                          " does not exist (the document has " +
                                          std::to_string(pages.size()) + " pages)");
            }
            if (v.width <= 0 || v.height <= 0)
              return InvalidArgumentError("the signature rectangle is empty");
            page = pages[static_cast<size_t>(v.page - 1)];
            rect = "[" + Num(v.x) + " " + Num(v.y) + " " + Num(v.x + v.width) + " " +
                   Num(v.y + v.height) + "]";
            box_w = v.width;
            box_h = v.height;
          }
          HETONG_ASSIGN_OR_RETURN(PdfImage img, ToPdfImage(v.image));
          ObjRef im = upd.Allocate();
          std::string smask;
          if (img.has_alpha) {
            ObjRef sm = upd.Allocate();
            upd.SetStream(
                sm,
                "<< /Type /XObject /Subtype /Image /Width " + std::to_string(img.width) +
                    " /Height " + std::to_string(img.height) +
                    " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>",
                img.alpha_deflated);
            smask = " /SMask " + sm.ToString();
          }
          upd.SetStream(im,
                        "<< /Type /XObject /Subtype /Image /Width " + std::to_string(img.width) +
                            " /Height " + std::to_string(img.height) +
                            " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode" +
                            smask + " >>",
                        img.rgb_deflated);
          // The image keeps its aspect ratio, centred in the box.
          double scale = std::min(box_w / img.width, box_h / img.height);
          double w = img.width * scale, h = img.height * scale;
          std::string content = "q " + Num(w) + " 0 0 " + Num(h) + " " + Num((box_w - w) / 2) +
                                " " + Num((box_h - h) / 2) + " cm /Img Do Q";
          upd.SetStream(ap,
                        "<< /Type /XObject /Subtype /Form /BBox [0 0 " + Num(box_w) + " " +
                            Num(box_h) + "] /Resources << /XObject << /Img " + im.ToString() +
                            " >> >> >>",
                        ToBytes(content));
        } else {
          // An empty appearance, unless an existing field already has one.
          QPDFObjectHandle ef = existing ? existing->field : QPDFObjectHandle::newNull();
          if (!existing || (existing_widget.getObjGen() == ef.getObjGen() && !ef.hasKey("/AP"))) {
            upd.SetStream(
                ap, "<< /Type /XObject /Subtype /Form /BBox [0 0 0 0] /Resources << >> >>", {});
          }
          if (!existing) page = q.getAllPages().at(0);
        }
        // The field / widget.
        ObjRef widget;
        if (existing) {
          QPDFObjectHandle f = existing->field;
          widget = RefOf(f);
          std::map<std::string, std::string> changes = {{"/V", sig_ref.ToString()}};
          if (existing_widget.getObjGen() == f.getObjGen()) {  // merged field and widget
            if (spec.visible || !f.hasKey("/AP")) changes["/AP"] = "<< /N " + ap.ToString() + " >>";
          } else if (spec.visible) {
            upd.SetObject(RefOf(existing_widget),
                          DictText(existing_widget, {{"/AP", "<< /N " + ap.ToString() + " >>"}}));
          }
          upd.SetObject(widget, DictText(f, changes));
        } else {
          widget = upd.Allocate();
          upd.SetObject(widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /T " +
                                    PdfTextString(name) + " /V " + sig_ref.ToString() +
                                    " /F 132 /Rect " + rect + " /P " + RefOf(page).ToString() +
                                    " /AP << /N " + ap.ToString() + " >> >>");
          // The page's /Annots gains the widget.
          QPDFObjectHandle annots = page.getKey("/Annots");
          if (annots.isArray() && annots.isIndirect()) {
            upd.SetObject(RefOf(annots), ArrayTextPlus(annots, widget.ToString()));
          } else {
            if (!page.isIndirect())
              return InvalidArgumentError("the page is not an indirect object");
            upd.SetObject(RefOf(page),
                          DictText(page, {{"/Annots", ArrayTextPlus(annots, widget.ToString())}}));
          }
        }
        // The AcroForm lists the field; SigFlags 3 (signatures exist, append only).
        std::map<std::string, std::string> root_changes;
        QPDFObjectHandle acro = root.getKey("/AcroForm");
        std::string fields_text;
        if (!existing) {
          QPDFObjectHandle fields_arr =
              acro.isDictionary() ? acro.getKey("/Fields") : QPDFObjectHandle::newNull();
          if (fields_arr.isArray() && fields_arr.isIndirect()) {
            upd.SetObject(RefOf(fields_arr), ArrayTextPlus(fields_arr, widget.ToString()));
            fields_text = fields_arr.unparse();
          } else {
            fields_text = ArrayTextPlus(fields_arr, widget.ToString());
          }
        }
        if (acro.isDictionary()) {
          std::map<std::string, std::string> changes = {{"/SigFlags", "3"}};
          if (!fields_text.empty()) changes["/Fields"] = fields_text;
          if (acro.isIndirect()) {
            upd.SetObject(RefOf(acro), DictText(acro, changes));
          } else {
            root_changes["/AcroForm"] = DictText(acro, changes);
          }
        } else {
          ObjRef acro_ref = upd.Allocate();
          upd.SetObject(acro_ref, "<< /Fields " + fields_text + " /SigFlags 3 >>");
          root_changes["/AcroForm"] = acro_ref.ToString();
        }
        std::string reference;
        if (spec.certify) {
          root_changes["/Perms"] = "<< /DocMDP " + sig_ref.ToString() + " >>";
          reference =
              " /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type "
              "/TransformParams /P 2 /V /1.2 >> >>]";
        }
        if (!root_changes.empty()) upd.SetObject(RefOf(root), DictText(root, root_changes));
        // The signature dictionary with placeholders.
        std::string byterange = "[0 " + std::string(kByteRangeDigits, '0') + " " +
                                std::string(kByteRangeDigits, '0') + " " +
                                std::string(kByteRangeDigits, '0') + "]";
        sig_text = "<< /Type " + spec.sig.type + " /Filter /Adobe.PPKLite /SubFilter " +
                   spec.sig.sub_filter + " /ByteRange " + byterange + " /Contents <" +
                   std::string(spec.contents_bytes * 2, '0') + ">" + spec.sig.extra + reference +
                   " >>";
        upd.SetObject(sig_ref, sig_text);
        return OkStatus();
      },
      "cannot prepare the signature");
  HETONG_RETURN_IF_ERROR(built);

  // Trailer.
  TrailerFields t;
  Status trailer_ok = CatchQpdf(
      [&]() -> Status {
        QPDFObjectHandle trailer = q.getTrailer();
        t.root = RefOf(q.getRoot());
        QPDFObjectHandle info = trailer.getKey("/Info");
        if (info.isIndirect()) t.info = RefOf(info);
        QPDFObjectHandle id = trailer.getKey("/ID");
        HETONG_ASSIGN_OR_RETURN(Bytes fresh, crypto::RandomBytes(crypto::DefaultRng(), 16));
        t.id_second = "<" + base::HexEncodeUpper(fresh) + ">";
        t.id_first =
            id.isArray() && id.getArrayNItems() > 0 ? id.getArrayItem(0).unparse() : t.id_second;
        t.prev = pdf->last_startxref();
        return OkStatus();
      },
      "cannot read the PDF trailer");
  HETONG_RETURN_IF_ERROR(trailer_ok);
  out.base = pdf->size();
  IncrementalUpdate::Written w = upd.Serialize(out.base, t, pdf->last_xref_is_stream());
  // Locate the placeholders inside the signature object.
  uint64_t sig_off = w.offsets.at(sig_ref) - out.base;
  std::string_view bytes(reinterpret_cast<const char*>(w.bytes.data()), w.bytes.size());
  size_t br = bytes.find("/ByteRange [", sig_off);
  size_t ct = bytes.find("/Contents <", sig_off);
  if (br == std::string_view::npos || ct == std::string_view::npos)
    return InternalError("signature placeholders not found");
  out.byterange_pos = out.base + br + std::string_view("/ByteRange ").size();
  out.byterange_width = bytes.find(']', br) - (br + std::string_view("/ByteRange ").size()) + 1;
  out.contents_pos = out.base + ct + std::string_view("/Contents ").size();
  out.contents_end = out.contents_pos + spec.contents_bytes * 2 + 2;
  pdf.reset();  // close before appending
  HETONG_ASSIGN_OR_RETURN(uint64_t at, AppendToFile(path, w.bytes));
  if (at != out.base) return InternalError("the file changed while it was being signed");
  out.file_size = out.base + w.bytes.size();
  return out;
}

Status PatchByteRange(const std::string& path, const Appended& a) {
  std::string text = "[0 " + std::to_string(a.contents_pos) + " " + std::to_string(a.contents_end) +
                     " " + std::to_string(a.file_size - a.contents_end);
  if (text.size() + 1 > a.byterange_width)
    return InternalError("byte range too long for its placeholder");
  text += std::string(a.byterange_width - 1 - text.size(), ' ') + "]";
  return PatchFile(path, a.byterange_pos, AsBytes(text));
}

// Appends a signature revision and fills it: `make_contents` turns the digest of the byte
// ranges into the /Contents bytes. Retries once with a larger placeholder if needed.
StatusOr<std::pair<Appended, size_t>> AppendAndFill(
    const std::string& path, AppendSpec spec, crypto::HashAlgorithm alg,
    const std::function<StatusOr<Bytes>(ByteView)>& make_contents) {
  HETONG_ASSIGN_OR_RETURN(uint64_t original_size, internal::FileSize(path));
  for (int attempt = 0; attempt < 2; ++attempt) {
    HETONG_ASSIGN_OR_RETURN(Appended a, AppendSignatureField(path, spec));
    Status s = PatchByteRange(path, a);
    if (!s.ok()) {
      (void)internal::TruncateFile(path, original_size);
      return s;
    }
    auto digest = HashRanges(
        path, {{0, a.contents_pos}, {a.contents_end, a.file_size - a.contents_end}}, alg);
    StatusOr<Bytes> contents =
        digest.ok() ? make_contents(*digest) : StatusOr<Bytes>(digest.status());
    if (!contents.ok()) {
      (void)internal::TruncateFile(path, original_size);
      return contents.status();
    }
    if (contents->size() <= spec.contents_bytes) {
      std::string hex = base::HexEncodeUpper(*contents);
      HETONG_RETURN_IF_ERROR(PatchFile(path, a.contents_pos + 1, AsBytes(hex)));
      return std::make_pair(a, contents->size());
    }
    // Too big for the placeholder: start again with room to spare.
    HETONG_RETURN_IF_ERROR(internal::TruncateFile(path, original_size));
    spec.contents_bytes = contents->size() + 2048;
  }
  return InternalError("the signature does not fit its placeholder");
}

Bytes TimestampAttribute(ByteView token) {
  return crypto::CmsAttributeDer(crypto::oid::kTimeStampToken, {ToBytes(token)});
}

// Time-stamps the signature value of signer 0 and returns the CMS with the token added.
StatusOr<Bytes> AddSignatureTimestamp(ByteView cms, pki::TimestampSource& tsa) {
  HETONG_ASSIGN_OR_RETURN(crypto::CmsSignedData sd, crypto::ParseCmsSignedData(cms));
  const auto& si = sd.signers.at(0);
  crypto::HashAlgorithm alg = si.digest.value_or(crypto::HashAlgorithm::kSha256);
  HETONG_ASSIGN_OR_RETURN(Bytes token, tsa.Timestamp(alg, crypto::Hash(alg, si.signature)));
  return crypto::CmsAddUnsignedAttribute(cms, 0, TimestampAttribute(token));
}

std::string HexUpper(ByteView b) { return base::HexEncodeUpper(b); }

// ---- validation data (DSS) ----

struct ValidationData {
  std::vector<Bytes> certs, ocsps, crls;
  // VRI: per signature (key: uppercase hex SHA-1 of its /Contents), indexes into the above.
  std::map<std::string, std::tuple<std::vector<size_t>, std::vector<size_t>, std::vector<size_t>>>
      vri;

  size_t Add(std::vector<Bytes>& pool, const Bytes& der) {
    for (size_t i = 0; i < pool.size(); ++i) {
      if (pool[i] == der) return i;
    }
    pool.push_back(der);
    return pool.size() - 1;
  }
};

// Gathers the chain and revocation data of `cert` at `when` into `data` (and into the VRI
// entry `vri_key` when given).
Status GatherFor(const pki::Certificate& cert, const std::vector<pki::Certificate>& extra_certs,
                 const ValidationDataSource& src, base::TimePoint when, ValidationData& data,
                 const std::string& vri_key) {
  std::vector<pki::Certificate> inter = src.intermediates;
  inter.insert(inter.end(), extra_certs.begin(), extra_certs.end());
  pki::ValidationOptions vo;
  vo.time = when;
  vo.revocation = pki::RevocationPolicy::kRequire;
  vo.checker = src.revocation;
  pki::ValidationResult r = pki::ValidatePath(cert, inter, src.anchors, vo);
  if (!r.ok()) {
    return FailedPreconditionError("cannot gather validation data for '" +
                                   cert.subject().ToString() + "': " + r.message);
  }
  auto& [vc, vo_idx, vr] = data.vri[vri_key];
  for (const auto& c : r.chain) {
    size_t i = data.Add(data.certs, c.der());
    if (!vri_key.empty()) vc.push_back(i);
  }
  for (const auto& rc : r.revocation) {
    if (rc.evidence.empty()) continue;
    if (rc.source == "ocsp") {
      size_t i = data.Add(data.ocsps, rc.evidence);
      if (!vri_key.empty()) vo_idx.push_back(i);
    } else if (rc.source == "crl") {
      size_t i = data.Add(data.crls, rc.evidence);
      if (!vri_key.empty()) vr.push_back(i);
    }
  }
  return OkStatus();
}

// The signer certificate, embedded certificates and time-stamp tokens of a CMS.
struct CmsParts {
  std::optional<pki::Certificate> signer;
  std::vector<pki::Certificate> certs;
  std::vector<Bytes>
      tokens;  // signature time-stamps, or the token itself for a document time-stamp
  std::optional<base::TimePoint> gen_time;  // of a time-stamp token
};

StatusOr<CmsParts> PartsOf(ByteView cms, bool is_timestamp_token) {
  CmsParts parts;
  HETONG_ASSIGN_OR_RETURN(crypto::CmsSignedData sd, crypto::ParseCmsSignedData(cms));
  for (const auto& c : sd.certificates) {
    auto pc = pki::Certificate::Parse(c);
    if (pc.ok()) parts.certs.push_back(std::move(*pc));
  }
  if (sd.signers.empty()) return parts;
  const auto& si = sd.signers[0];
  for (const auto& c : parts.certs) {
    if ((!si.subject_key_id.empty() && c.subject_key_id() == si.subject_key_id) ||
        (c.issuer_der() == si.issuer_der &&
         crypto::ParseCertificateInfo(c.der())->serial == si.serial)) {
      parts.signer = c;
    }
  }
  if (is_timestamp_token) {
    parts.tokens.push_back(ToBytes(cms));
    if (sd.content) {
      auto info = pki::ParseTstInfo(*sd.content);
      if (info.ok()) parts.gen_time = info->gen_time;
    }
  } else if (const auto* ts = si.FindUnsigned(crypto::oid::kTimeStampToken)) {
    for (const auto& v : ts->values) parts.tokens.push_back(v);
  }
  return parts;
}

std::string StreamArray(const std::vector<ObjRef>& refs, const std::vector<size_t>& idx) {
  std::string s = "[";
  std::set<ObjRef> listed;
  for (size_t i : idx) {
    if (listed.insert(refs[i]).second) s += " " + refs[i].ToString();
  }
  return s + " ]";
}

// Appends a revision with a DSS holding `data` (merged with an existing DSS).
Status AppendDss(const std::string& path, const ValidationData& data) {
  HETONG_ASSIGN_OR_RETURN(auto pdf, PdfFile::Open(path));
  QPDF& q = pdf->qpdf();
  IncrementalUpdate upd(pdf->trailer_size());
  TrailerFields t;
  Status s = CatchQpdf(
      [&]() -> Status {
        QPDFObjectHandle root = q.getRoot();
        // Merge with an existing DSS: keep its entries, and reuse a stream that already holds
        // the same certificate, CRL or OCSP response.
        QPDFObjectHandle old = root.getKey("/DSS");
        std::map<Bytes, ObjRef> existing;
        std::set<ObjRef> old_refs;
        for (const char* key : {"/Certs", "/OCSPs", "/CRLs"}) {
          QPDFObjectHandle a = old.isDictionary() ? old.getKey(key) : QPDFObjectHandle::newNull();
          for (int i = 0; a.isArray() && i < a.getArrayNItems(); ++i) {
            QPDFObjectHandle item = a.getArrayItem(i);
            if (!item.isStream() || !item.isIndirect()) continue;
            old_refs.insert(RefOf(item));
            try {
              auto buf = item.getStreamData(qpdf_dl_generalized);
              existing.emplace(Bytes(buf->getBuffer(), buf->getBuffer() + buf->getSize()),
                               RefOf(item));
            } catch (const std::exception&) {
              // unreadable: kept as it is, not reused
            }
          }
        }
        auto streams = [&](const std::vector<Bytes>& pool) {
          std::vector<ObjRef> refs;
          for (const auto& der : pool) {
            if (auto it = existing.find(der); it != existing.end()) {
              refs.push_back(it->second);
              continue;
            }
            ObjRef r = upd.Allocate();
            upd.SetStream(r, "<< >>", der);
            existing.emplace(der, r);
            refs.push_back(r);
          }
          return refs;
        };
        std::vector<ObjRef> certs = streams(data.certs), ocsps = streams(data.ocsps),
                            crls = streams(data.crls);
        auto merged = [&](const char* key, const std::vector<ObjRef>& refs) {
          std::string s2 = "[";
          std::set<ObjRef> listed;
          if (old.isDictionary() && old.getKey(key).isArray()) {
            QPDFObjectHandle a = old.getKey(key);
            for (int i = 0; i < a.getArrayNItems(); ++i) {
              s2 += " " + a.getArrayItem(i).unparse();
              if (a.getArrayItem(i).isIndirect()) listed.insert(RefOf(a.getArrayItem(i)));
            }
          }
          for (const auto& r : refs) {
            if (listed.insert(r).second) s2 += " " + r.ToString();
          }
          return s2 + " ]";
        };
        std::string vri = "<<";
        if (old.isDictionary() && old.getKey("/VRI").isDictionary()) {
          QPDFObjectHandle ov = old.getKey("/VRI");
          for (const auto& k : ov.getKeys()) {
            if (!data.vri.contains(k.substr(1)))
              vri += " " + QPDFObjectHandle::newName(k).unparse() + " " + ov.getKey(k).unparse();
          }
        }
        for (const auto& [key, idx] : data.vri) {
          if (key.empty()) continue;
          vri += " /" + key + " << /Cert " + StreamArray(certs, std::get<0>(idx)) + " /OCSP " +
                 StreamArray(ocsps, std::get<1>(idx)) + " /CRL " +
                 StreamArray(crls, std::get<2>(idx)) + " >>";
        }
        vri += " >>";
        std::string dss = "<< /Type /DSS /Certs " + merged("/Certs", certs) + " /OCSPs " +
                          merged("/OCSPs", ocsps) + " /CRLs " + merged("/CRLs", crls) + " /VRI " +
                          vri + " >>";
        if (old.isDictionary() && old.isIndirect()) {
          upd.SetObject(RefOf(old), dss);
        } else {
          ObjRef d = upd.Allocate();
          upd.SetObject(d, dss);
          upd.SetObject(RefOf(root), DictText(root, {{"/DSS", d.ToString()}}));
        }
        QPDFObjectHandle trailer = q.getTrailer();
        t.root = RefOf(root);
        QPDFObjectHandle info = trailer.getKey("/Info");
        if (info.isIndirect()) t.info = RefOf(info);
        QPDFObjectHandle id = trailer.getKey("/ID");
        t.id_first = id.isArray() && id.getArrayNItems() > 0 ? id.getArrayItem(0).unparse() : "";
        t.id_second =
            id.isArray() && id.getArrayNItems() > 1 ? id.getArrayItem(1).unparse() : t.id_first;
        t.prev = pdf->last_startxref();
        return OkStatus();
      },
      "cannot add validation data");
  HETONG_RETURN_IF_ERROR(s);
  uint64_t base = pdf->size();
  IncrementalUpdate::Written w = upd.Serialize(base, t, pdf->last_xref_is_stream());
  pdf.reset();
  HETONG_ASSIGN_OR_RETURN(uint64_t at, AppendToFile(path, w.bytes));
  if (at != base) return InternalError("the file changed while validation data was added");
  return OkStatus();
}

// Every signature's /Contents in the document, with its type.
struct ExistingSignature {
  Bytes contents;  // the CMS (DER)
  Bytes raw;       // the whole /Contents string, padding included (what VRI keys hash)
  bool doc_timestamp = false;
};

StatusOr<std::vector<ExistingSignature>> ExistingSignatures(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(auto pdf, PdfFile::Open(path));
  std::vector<ExistingSignature> out;
  Status s = CatchQpdf(
      [&]() -> Status {
        for (const auto& f : SignatureFields(pdf->qpdf())) {
          if (!f.signed_) continue;
          QPDFObjectHandle field = f.field;
          QPDFObjectHandle v = field.getKey("/V");
          QPDFObjectHandle c = v.getKey("/Contents");
          if (!c.isString()) continue;
          std::string raw = c.getStringValue();
          ExistingSignature e;
          e.raw = Bytes(raw.begin(), raw.end());
          e.contents = e.raw;
          // Strip the zero padding after the DER.
          base::der::Reader r(e.contents);
          auto el = r.ReadAny();
          if (el.ok()) e.contents = ToBytes(el->tlv);
          QPDFObjectHandle sf = v.getKey("/SubFilter");
          e.doc_timestamp = sf.isName() && sf.getName() == "/ETSI.RFC3161";
          out.push_back(std::move(e));
        }
        return OkStatus();
      },
      "cannot read the signatures");
  HETONG_RETURN_IF_ERROR(s);
  return out;
}

Status GatherAll(const std::string& path, const ValidationDataSource& src, ValidationData& data) {
  if (src.anchors.empty()) {
    return FailedPreconditionError(
        "validation data (B-LT) needs the trust anchors of the signer and TSA certificates");
  }
  if (!src.revocation)
    return FailedPreconditionError("validation data (B-LT) needs a revocation source");
  HETONG_ASSIGN_OR_RETURN(auto sigs, ExistingSignatures(path));
  base::TimePoint now = base::SystemClock::Get().Now();
  for (const auto& sig : sigs) {
    // ETSI EN 319 142-1 §5.4.2.3: the SHA-1 of the signature's /Contents value as stored.
    std::string vri_key = HexUpper(crypto::Hash(crypto::HashAlgorithm::kSha1, sig.raw));
    HETONG_ASSIGN_OR_RETURN(CmsParts parts, PartsOf(sig.contents, sig.doc_timestamp));
    // Each certificate is checked at the time its use is proven (a time-stamp's time), so
    // that data can still be gathered after a later revocation or expiry: revocation data
    // issued now tells whether the certificate was revoked before that time.
    std::optional<base::TimePoint> proven;
    for (const auto& token : parts.tokens) {
      HETONG_ASSIGN_OR_RETURN(CmsParts tp, PartsOf(token, true));
      base::TimePoint at = tp.gen_time.value_or(now);
      if (tp.signer)
        HETONG_RETURN_IF_ERROR(GatherFor(*tp.signer, tp.certs, src, at, data, vri_key));
      proven = proven ? std::min(*proven, at) : at;
    }
    if (parts.signer && !sig.doc_timestamp) {
      HETONG_RETURN_IF_ERROR(
          GatherFor(*parts.signer, parts.certs, src, proven.value_or(now), data, vri_key));
    }
  }
  return OkStatus();
}

// Next to the output (same file system, for the rename), unique per call.
std::string TempPath(const std::string& output) {
  auto tag = crypto::RandomBytes(crypto::DefaultRng(), 6);
  return output + ".hetong-tmp-" + std::to_string(::getpid()) + "-" +
         (tag.ok() ? base::HexEncode(*tag) : "0");
}

// Errors about the working copy name the file the caller gave.
Status Renamed(const Status& s, const std::string& tmp, const std::string& input) {
  std::string m = s.message();
  for (size_t at = m.find(tmp); at != std::string::npos; at = m.find(tmp, at + input.size()))
    m.replace(at, tmp.size(), input);
  return Status(s.code(), m);
}

Status Publish(const std::string& tmp, const std::string& output) {
  HETONG_RETURN_IF_ERROR(internal::SyncFile(tmp));
  if (::rename(tmp.c_str(), output.c_str()) != 0)
    return base::ErrnoStatus(errno, "cannot write", output);
  size_t slash = output.rfind('/');
  return base::SyncDir(slash == std::string::npos ? "."
                       : slash == 0               ? "/"
                                                  : output.substr(0, slash));
}

StatusOr<PdfSignResult> DocumentTimestampOn(const std::string& tmp, pki::TimestampSource& tsa,
                                            crypto::HashAlgorithm hash) {
  AppendSpec spec;
  spec.sig.type = "/DocTimeStamp";
  spec.sig.sub_filter = "/ETSI.RFC3161";
  spec.contents_bytes = 12288;
  auto done =
      AppendAndFill(tmp, spec, hash, [&](ByteView digest) { return tsa.Timestamp(hash, digest); });
  HETONG_RETURN_IF_ERROR(done.status());
  PdfSignResult r;
  r.field_name = done->first.field_name;
  r.cms_bytes = done->second;
  return r;
}

}  // namespace

StatusOr<PdfSignResult> SignPdf(const std::string& input, const std::string& output,
                                const crypto::Signer& signer, const pki::Certificate& certificate,
                                const PdfSignOptions& options) {
  if (!certificate.public_key().Equals(signer.public_key())) {
    return InvalidArgumentError("the certificate does not belong to the signing key");
  }
  if (options.level >= PadesLevel::kBT && !options.timestamps) {
    return FailedPreconditionError(std::string(PadesLevelName(options.level)) +
                                   " needs a time-stamp authority (--tsa)");
  }
  std::string tmp = TempPath(output);
  HETONG_RETURN_IF_ERROR(internal::CopyFile(input, tmp));
  auto cleanup = [&](const Status& s) {
    ::unlink(tmp.c_str());
    return Renamed(s, tmp, input);
  };
  AppendSpec spec;
  spec.visible = options.visible;
  spec.field_name = options.field_name;
  spec.certify = options.certify;
  base::TimePoint when = options.signing_time == base::TimePoint{} ? base::SystemClock::Get().Now()
                                                                   : options.signing_time;
  spec.sig.extra = " /M " + PdfTextString(PdfDate(base::ToUnixSeconds(when)));
  if (!options.name.empty()) spec.sig.extra += " /Name " + PdfTextString(options.name);
  if (!options.reason.empty()) spec.sig.extra += " /Reason " + PdfTextString(options.reason);
  if (!options.location.empty()) spec.sig.extra += " /Location " + PdfTextString(options.location);
  if (!options.contact_info.empty())
    spec.sig.extra += " /ContactInfo " + PdfTextString(options.contact_info);
  spec.sig.extra += " /Prop_Build << /App << /Name /hetong >> >>";
  size_t estimate = options.reserve_bytes;
  if (estimate == 0) {
    estimate = 2048 + certificate.der().size() + 512;
    for (const auto& c : options.chain) estimate += c.der().size();
    if (options.level >= PadesLevel::kBT) estimate += 8192;
  }
  spec.contents_bytes = estimate;
  auto info = crypto::ParseCertificateInfo(certificate.der());
  if (!info.ok()) return cleanup(info.status());
  crypto::CmsSignOptions cms;
  cms.oid_family = crypto::CmsOidFamily::kPkcs7;
  cms.signing_certificate_v2 = true;
  for (const auto& c : options.chain) cms.extra_certificates.push_back(c.der());
  crypto::HashAlgorithm alg = crypto::SignatureHash(signer.algorithm());
  auto signed_rev = AppendAndFill(tmp, spec, alg, [&](ByteView digest) -> StatusOr<Bytes> {
    HETONG_ASSIGN_OR_RETURN(Bytes der, crypto::CmsSignDigest(signer, *info, digest, cms));
    if (options.level >= PadesLevel::kBT) return AddSignatureTimestamp(der, *options.timestamps);
    return der;
  });
  if (!signed_rev.ok()) return cleanup(signed_rev.status());
  PdfSignResult result;
  result.field_name = signed_rev->first.field_name;
  result.cms_bytes = signed_rev->second;
  if (options.level >= PadesLevel::kBLT) {
    ValidationData data;
    Status g = GatherAll(tmp, options.validation, data);
    if (!g.ok()) return cleanup(g);
    Status d = AppendDss(tmp, data);
    if (!d.ok()) return cleanup(d);
  }
  if (options.level == PadesLevel::kBLTA) {
    auto ts = DocumentTimestampOn(tmp, *options.timestamps, alg);
    if (!ts.ok()) return cleanup(ts.status());
  }
  auto size = internal::FileSize(tmp);
  if (!size.ok()) return cleanup(size.status());
  result.output_bytes = *size;
  Status p = Publish(tmp, output);
  if (!p.ok()) return cleanup(p);
  return result;
}

StatusOr<PdfSignResult> ExtendArchive(const std::string& input, const std::string& output,
                                      pki::TimestampSource& timestamps, crypto::HashAlgorithm hash,
                                      const ValidationDataSource& validation) {
  std::string tmp = TempPath(output);
  HETONG_RETURN_IF_ERROR(internal::CopyFile(input, tmp));
  auto cleanup = [&](const Status& s) {
    ::unlink(tmp.c_str());
    return Renamed(s, tmp, input);
  };
  ValidationData data;
  Status g = GatherAll(tmp, validation, data);
  if (!g.ok()) return cleanup(g);
  Status d = AppendDss(tmp, data);
  if (!d.ok()) return cleanup(d);
  auto ts = DocumentTimestampOn(tmp, timestamps, hash);
  if (!ts.ok()) return cleanup(ts.status());
  auto size = internal::FileSize(tmp);
  if (!size.ok()) return cleanup(size.status());
  ts->output_bytes = *size;
  Status p = Publish(tmp, output);
  if (!p.ok()) return cleanup(p);
  return ts;
}

StatusOr<PdfSignResult> AddDocumentTimestamp(const std::string& input, const std::string& output,
                                             pki::TimestampSource& timestamps,
                                             crypto::HashAlgorithm hash) {
  std::string tmp = TempPath(output);
  HETONG_RETURN_IF_ERROR(internal::CopyFile(input, tmp));
  auto ts = DocumentTimestampOn(tmp, timestamps, hash);
  if (!ts.ok()) {
    ::unlink(tmp.c_str());
    return Renamed(ts.status(), tmp, input);
  }
  auto size = internal::FileSize(tmp);
  if (size.ok()) ts->output_bytes = *size;
  Status p = Publish(tmp, output);
  if (!p.ok()) {
    ::unlink(tmp.c_str());
    return p;
  }
  return ts;
}

}  // namespace hetong::document::pdf
