#include "document/pdf/modifications.h"

#include <map>
#include <set>

#include "document/pdf/internal/qpdf.h"
#include "document/pdf/pdf_file.h"

namespace hetong::document::pdf {

namespace {

using Og = QPDFObjGen;

std::string NameOf(QPDFObjectHandle h, const char* key) {
  QPDFObjectHandle v = h.isDictionary() ? h.getKey(key) : QPDFObjectHandle::newNull();
  return v.isName() ? v.getName() : "";
}

std::string Id(Og og) { return std::to_string(og.getObj()) + " " + std::to_string(og.getGen()); }

bool SameEntry(const QPDFXRefEntry& a, const QPDFXRefEntry& b) {
  if (a.getType() != b.getType()) return false;
  if (a.getType() == 1) return a.getOffset() == b.getOffset();
  if (a.getType() == 2) {
    return a.getObjStreamNumber() == b.getObjStreamNumber() &&
           a.getObjStreamIndex() == b.getObjStreamIndex();
  }
  return true;
}

// Same value; for streams the same dictionary and the same raw (still encoded) bytes.
bool SameObject(QPDFObjectHandle a, QPDFObjectHandle b) {
  if (a.isStream() != b.isStream()) return false;
  if (a.isStream()) {
    if (a.getDict().unparse() != b.getDict().unparse()) return false;
    auto da = a.getRawStreamData(), db = b.getRawStreamData();
    return da->getSize() == db->getSize() &&
           std::equal(da->getBuffer(), da->getBuffer() + da->getSize(), db->getBuffer());
  }
  // unparse() of an indirect object is its reference ("4 0 R"); compare the contents.
  return a.unparseResolved() == b.unparseResolved();
}

// Keys whose value (as written: references stay references) differs.
std::set<std::string> ChangedKeys(QPDFObjectHandle a, QPDFObjectHandle b) {
  std::set<std::string> keys;
  if (a.isDictionary()) {
    for (const auto& k : a.getKeys()) keys.insert(k);
  }
  if (b.isDictionary()) {
    for (const auto& k : b.getKeys()) keys.insert(k);
  }
  std::set<std::string> changed;
  for (const auto& k : keys) {
    QPDFObjectHandle va = a.isDictionary() ? a.getKey(k) : QPDFObjectHandle::newNull();
    QPDFObjectHandle vb = b.isDictionary() ? b.getKey(k) : QPDFObjectHandle::newNull();
    if (va.unparse() != vb.unparse()) changed.insert(k);
  }
  return changed;
}

// The field dictionary of a signature field or of a widget of one.
QPDFObjectHandle SignatureFieldOf(QPDFObjectHandle h) {
  for (int depth = 0; depth < 8 && h.isDictionary(); ++depth) {
    if (NameOf(h, "/FT") == "/Sig") return h;
    if (h.hasKey("/FT")) break;
    h = h.getKey("/Parent");
  }
  return QPDFObjectHandle::newNull();
}

bool Invisible(QPDFObjectHandle widget) {
  QPDFObjectHandle f = widget.getKey("/F");
  if (f.isInteger() && (f.getIntValue() & 2)) return true;  // Hidden
  QPDFObjectHandle r = widget.getKey("/Rect");
  if (!r.isArray() || r.getArrayNItems() != 4) return false;
  double v[4];
  for (int i = 0; i < 4; ++i) {
    QPDFObjectHandle n = r.getArrayItem(i);
    if (!n.isNumber()) return false;
    v[i] = n.getNumericValue();
  }
  return v[2] - v[0] == 0 || v[3] - v[1] == 0;
}

class Analyzer {
 public:
  Analyzer(QPDF& qb, QPDF& qa, uint64_t before_end, uint64_t after_end, int revision,
           std::vector<Modification>& out)
      : qb_(qb),
        qa_(qa),
        before_end_(before_end),
        after_end_(after_end),
        revision_(revision),
        out_(out) {}

  void Run() {
    xb_ = qb_.getXRefTable();
    xa_ = qa_.getXRefTable();
    QPDFObjectHandle size = qb_.getTrailer().getKey("/Size");
    size_before_ = size.isInteger() ? static_cast<int>(size.getIntValue()) : 0;
    FindRoles();
    FindDanglingReferences();
    CheckTrailer();
    for (const auto& [og, e] : xa_) {
      auto it = xb_.find(og);
      if (it != xb_.end() && SameEntry(it->second, e)) continue;
      if (!InThisUpdate(e)) {
        Add("object", "object " + Id(og) + " is redefined to point at bytes outside this update",
            false);
        continue;
      }
      if (it == xb_.end()) {
        if (dangling_.contains(og)) {
          Add("object",
              "object " + Id(og) + " was referenced before this update but only defined by it",
              false);
          continue;
        }
        if (og.getObj() < size_before_) {
          Add("object",
              "object " + Id(og) +
                  " was free or missing and is now defined (earlier references to it now resolve)",
              false);
        }
        continue;  // a new object matters only through what refers to it
      }
      JudgeRedefined(og);
    }
    for (const auto& [og, e] : xb_) {
      if (!xa_.contains(og)) Add("object", "object " + Id(og) + " was deleted", false);
    }
    if (qb_.getAllPages().size() != qa_.getAllPages().size())
      Add("page-content", "the number of pages changed", false);
  }

 private:
  void Add(std::string kind, std::string description, bool allowed) {
    out_.push_back(Modification{revision_, std::move(kind), std::move(description), allowed});
  }

  bool InThisUpdate(const QPDFXRefEntry& e) const {
    auto in = [&](qpdf_offset_t off) {
      return off >= 0 && static_cast<uint64_t>(off) >= before_end_ &&
             static_cast<uint64_t>(off) < after_end_;
    };
    if (e.getType() == 1) return in(e.getOffset());
    if (e.getType() == 2) {
      auto st = xa_.find(Og(e.getObjStreamNumber(), 0));
      return st != xa_.end() && st->second.getType() == 1 && in(st->second.getOffset());
    }
    return false;
  }

  // The objects that play a role in the earlier revision.
  void FindRoles() {
    QPDFObjectHandle root = qb_.getRoot();
    root_ = root.getObjGen();
    QPDFObjectHandle acro = root.getKey("/AcroForm");
    if (acro.isIndirect()) acro_ = acro.getObjGen();
    if (acro.isDictionary() && acro.getKey("/Fields").isIndirect())
      fields_array_ = acro.getKey("/Fields").getObjGen();
    if (root.getKey("/DSS").isIndirect()) dss_ = root.getKey("/DSS").getObjGen();
    if (root.getKey("/Metadata").isIndirect()) metadata_ = root.getKey("/Metadata").getObjGen();
    if (qb_.getTrailer().getKey("/Info").isIndirect())
      info_ = qb_.getTrailer().getKey("/Info").getObjGen();
    auto pages = qb_.getAllPages();
    for (size_t i = 0; i < pages.size(); ++i) {
      QPDFObjectHandle p = pages[i];
      page_numbers_[p.getObjGen()] = static_cast<int>(i + 1);
      if (p.getKey("/Annots").isIndirect())
        annots_arrays_[p.getKey("/Annots").getObjGen()] = static_cast<int>(i + 1);
    }
  }

  // References in the earlier revision to objects it does not define: defining one later
  // changes what the signed revision shows.
  void FindDanglingReferences() {
    std::vector<QPDFObjectHandle> stack;
    for (auto& o : qb_.getAllObjects()) stack.push_back(o.isStream() ? o.getDict() : o);
    stack.push_back(qb_.getTrailer());
    size_t visited = 0;
    while (!stack.empty()) {
      if (visited >= 5000000)
        throw std::runtime_error("the document has too many objects to analyse");
      QPDFObjectHandle h = stack.back();
      stack.pop_back();
      ++visited;
      if (h.isArray()) {
        for (int i = 0; i < h.getArrayNItems(); ++i) {
          QPDFObjectHandle item = h.getArrayItem(i);
          if (item.isIndirect()) {
            if (!xb_.contains(item.getObjGen())) dangling_.insert(item.getObjGen());
          } else {
            stack.push_back(item);
          }
        }
      } else if (h.isDictionary()) {
        for (const auto& k : h.getKeys()) {
          QPDFObjectHandle item = h.getKey(k);
          if (item.isIndirect()) {
            if (!xb_.contains(item.getObjGen())) dangling_.insert(item.getObjGen());
          } else {
            stack.push_back(item);
          }
        }
      }
    }
  }

  bool IsNew(QPDFObjectHandle h) const { return h.isIndirect() && !xb_.contains(h.getObjGen()); }

  void CheckTrailer() {
    QPDFObjectHandle ta = qa_.getTrailer();
    if (qa_.getRoot().getObjGen() != root_)
      Add("catalog", "the document catalog was replaced by another object", false);
    QPDFObjectHandle info = ta.getKey("/Info");
    if (info.isIndirect() && info.getObjGen() != info_ && !IsNew(info)) {
      Add("metadata", "the trailer's /Info now points at object " + Id(info.getObjGen()), false);
    } else if (info.isIndirect() && info.getObjGen() != info_) {
      Add("metadata", "new document information (title, dates)", true);
    }
    if (ta.hasKey("/Encrypt") != qb_.getTrailer().hasKey("/Encrypt"))
      Add("object", "encryption was added", false);
  }

  // The signature dictionary of the field of `h` (a field or widget), when it was created by
  // this update: its /ByteRange ends where this revision ends.
  bool SignedByThisUpdate(QPDFObjectHandle h, bool* timestamp) const {
    QPDFObjectHandle field = SignatureFieldOf(h);
    if (!field.isDictionary()) return false;
    QPDFObjectHandle v = field.getKey("/V");
    if (!v.isDictionary()) return false;
    std::string type = NameOf(v, "/Type");
    *timestamp = type == "/DocTimeStamp" || NameOf(v, "/SubFilter") == "/ETSI.RFC3161";
    QPDFObjectHandle br = v.getKey("/ByteRange");
    if (!br.isArray() || br.getArrayNItems() != 4) return false;
    for (int i = 0; i < 4; ++i) {
      if (!br.getArrayItem(i).isInteger() || br.getArrayItem(i).getIntValue() < 0) return false;
    }
    uint64_t end = static_cast<uint64_t>(br.getArrayItem(2).getIntValue()) +
                   static_cast<uint64_t>(br.getArrayItem(3).getIntValue());
    return end <= after_end_ && after_end_ - end <= 2 && end > before_end_;
  }

  // An annotation added to a page.
  void JudgeAddedAnnotation(QPDFObjectHandle a, const std::string& where) {
    bool ts = false;
    if (NameOf(a, "/Subtype") == "/Widget" && SignatureFieldOf(a).isDictionary()) {
      if (SignedByThisUpdate(a, &ts)) {
        Add(ts ? "timestamp" : "form",
            std::string(ts ? "document time-stamp" : "signature") + " field added on " + where,
            true);
      } else if (Invisible(a)) {
        Add("form", "an empty invisible signature field was added on " + where, true);
      } else {
        Add("form",
            "a visible signature field that this update does not sign was added on " + where,
            false);
      }
      return;
    }
    std::string sub = NameOf(a, "/Subtype");
    Add("annotation",
        (sub.empty() ? std::string("an annotation") : "a " + sub.substr(1) + " annotation") +
            " was added on " + where,
        false);
  }

  // A field added to the form's /Fields.
  void JudgeAddedField(QPDFObjectHandle f) {
    bool ts = false;
    QPDFObjectHandle kids = f.getKey("/Kids");
    if (NameOf(f, "/FT") == "/Sig" &&
        (SignedByThisUpdate(f, &ts) || (!f.hasKey("/V") && !kids.isArray() && Invisible(f)))) {
      return;  // reported with its widget
    }
    if (NameOf(f, "/FT") == "/Sig" && !f.hasKey("/V")) {
      bool all_invisible = kids.isArray();
      for (int i = 0; kids.isArray() && i < kids.getArrayNItems(); ++i)
        all_invisible = all_invisible && Invisible(kids.getArrayItem(i));
      if (all_invisible) return;
    }
    Add("form", "a form field that this update does not sign was added", false);
  }

  // An array that may only grow at its end (a page's /Annots, the form's /Fields).
  void JudgeAppend(QPDFObjectHandle was, QPDFObjectHandle now, bool annots,
                   const std::string& where) {
    int nw = was.isArray() ? was.getArrayNItems() : 0;
    int nn = now.isArray() ? now.getArrayNItems() : 0;
    if (!now.isArray() && !now.isNull()) {
      Add(annots ? "annotation-list" : "form",
          std::string(annots ? "the annotations of " + where : "the form's fields") +
              " are not a list any more",
          false);
      return;
    }
    bool prefix = nn >= nw;
    for (int i = 0; prefix && i < nw; ++i)
      prefix = was.getArrayItem(i).unparse() == now.getArrayItem(i).unparse();
    if (!prefix) {
      Add(annots ? "annotation-list" : "form",
          std::string(annots ? "annotations of " + where : "form fields") +
              " were removed or reordered",
          false);
      return;
    }
    for (int i = nw; i < nn; ++i) {
      QPDFObjectHandle item = now.getArrayItem(i);
      if (annots) {
        JudgeAddedAnnotation(item, where);
      } else {
        JudgeAddedField(item);
      }
    }
  }

  static bool DrSuperset(QPDFObjectHandle was, QPDFObjectHandle now) {
    if (!was.isDictionary()) return true;
    if (!now.isDictionary()) return false;
    for (const auto& k : was.getKeys()) {
      QPDFObjectHandle a = was.getKey(k), b = now.getKey(k);
      if (a.isDictionary() && b.isDictionary()) {
        for (const auto& sub : a.getKeys()) {
          if (a.getKey(sub).unparse() != b.getKey(sub).unparse()) return false;
        }
      } else if (a.unparse() != b.unparse()) {
        return false;
      }
    }
    return true;
  }

  void JudgeAcroForm(QPDFObjectHandle was, QPDFObjectHandle now) {
    for (const auto& k : ChangedKeys(was, now)) {
      if (k == "/SigFlags") continue;
      if (k == "/Fields") {
        QPDFObjectHandle fw =
            was.isDictionary() ? was.getKey("/Fields") : QPDFObjectHandle::newNull();
        QPDFObjectHandle fn = now.getKey("/Fields");
        if (fw.isIndirect() && fn.isIndirect() && fw.getObjGen() == fn.getObjGen())
          continue;  // judged as itself
        if (fn.isIndirect() && !IsNew(fn) &&
            !(fw.isIndirect() && fw.getObjGen() == fn.getObjGen())) {
          Add("form", "the form's /Fields now points at another existing object", false);
          continue;
        }
        JudgeAppend(fw, fn, false, "");
        continue;
      }
      if (k == "/DR" &&
          DrSuperset(was.isDictionary() ? was.getKey("/DR") : QPDFObjectHandle::newNull(),
                     now.getKey("/DR"))) {
        continue;
      }
      Add("form", "the interactive form's " + k.substr(1) + " changed", false);
    }
  }

  void JudgeCatalog(QPDFObjectHandle was, QPDFObjectHandle now) {
    for (const auto& k : ChangedKeys(was, now)) {
      QPDFObjectHandle vn = now.getKey(k);
      if (k == "/AcroForm") {
        QPDFObjectHandle vw = was.getKey(k);
        if (!vn.isDictionary()) {
          Add("form", "the interactive form was removed", false);
        } else if (vn.isIndirect() && !IsNew(vn)) {
          Add("form", "the catalog's /AcroForm now points at another existing object", false);
        } else {
          JudgeAcroForm(vw, vn);
        }
      } else if (k == "/DSS") {
        if (vn.isDictionary() && (!vn.isIndirect() || IsNew(vn))) {
          Add("validation-data", "validation data (DSS) added", true);
        } else {
          Add("catalog", "the catalog's /DSS now points at an existing object, or was removed",
              false);
        }
      } else if (k == "/Extensions") {
        Add("catalog", "document catalog: extension declarations updated", true);
      } else if (k == "/Metadata" && vn.isStream() && IsNew(vn)) {
        Add("metadata", "new XMP metadata", true);
      } else if (k == "/Perms") {
        Add("catalog", "certification permissions (/Perms) were added or changed after a signature",
            false);
      } else {
        Add("catalog", "document catalog: " + k.substr(1) + " changed", false);
      }
    }
  }

  void JudgePage(QPDFObjectHandle was, QPDFObjectHandle now, const std::string& where) {
    for (const auto& k : ChangedKeys(was, now)) {
      if (k == "/Annots") {
        QPDFObjectHandle aw = was.getKey("/Annots"), an = now.getKey("/Annots");
        if (an.isIndirect() && !IsNew(an) &&
            !(aw.isIndirect() && aw.getObjGen() == an.getObjGen())) {
          Add("annotation-list", where + ": /Annots now points at another existing object", false);
        } else {
          JudgeAppend(aw, an, true, where);
        }
      } else {
        Add("page-content", where + ": " + k.substr(1) + " changed", false);
      }
    }
  }

  void JudgeRedefined(Og og) {
    QPDFObjectHandle now = qa_.getObjectByObjGen(og);
    QPDFObjectHandle was = qb_.getObjectByObjGen(og);
    if (SameObject(was, now)) return;
    if (og == root_) return JudgeCatalog(was, now);
    if (og == acro_) return JudgeAcroForm(was, now);
    if (og == dss_) {
      bool plain = now.isDictionary();
      for (const auto& k : plain ? now.getKeys() : std::set<std::string>{}) {
        plain = plain &&
                (k == "/Type" || k == "/Certs" || k == "/OCSPs" || k == "/CRLs" || k == "/VRI");
      }
      return Add(plain ? "validation-data" : "object",
                 plain ? "validation data (DSS) updated"
                       : "the DSS holds something else than validation data",
                 plain);
    }
    if (og == info_) return Add("metadata", "document information (title, dates) changed", true);
    if (og == metadata_) return Add("metadata", "XMP metadata changed", true);
    if (auto p = page_numbers_.find(og); p != page_numbers_.end()) {
      return JudgePage(was, now, "page " + std::to_string(p->second));
    }
    if (auto a = annots_arrays_.find(og); a != annots_arrays_.end()) {
      return JudgeAppend(was, now, true, "page " + std::to_string(a->second));
    }
    if (og == fields_array_) return JudgeAppend(was, now, false, "");
    // An existing empty signature field (and its widget) signed by this update.
    bool ts = false;
    if (NameOf(was, "/FT") == "/Sig" && !was.getKey("/V").isDictionary()) {
      bool only = true;
      for (const auto& k : ChangedKeys(was, now)) only = only && (k == "/V" || k == "/AP");
      std::string name = now.getKey("/T").isString() ? now.getKey("/T").getUTF8Value() : Id(og);
      bool signed_here = SignedByThisUpdate(now, &ts);
      return Add("form",
                 "the empty signature field " + name + " was signed" +
                     (only && signed_here ? "" : " and changed otherwise"),
                 only && signed_here);
    }
    if (NameOf(was, "/Subtype") == "/Widget" && !was.hasKey("/FT") &&
        SignatureFieldOf(was).isDictionary()) {
      bool only = true;
      for (const auto& k : ChangedKeys(was, now)) only = only && k == "/AP";
      bool parent_signed_here = SignedByThisUpdate(now, &ts);
      return Add("form", "the appearance of a signature widget changed",
                 only && parent_signed_here);
    }
    std::string type = NameOf(was, "/Type");
    std::string what = type.empty() ? (was.isStream() ? "a stream" : "an object") : type.substr(1);
    Add(was.isStream() ? "page-content" : "object",
        "object " + Id(og) + " (" + what + ") was replaced", false);
  }

  QPDF& qb_;
  QPDF& qa_;
  uint64_t before_end_, after_end_;
  int revision_;
  std::vector<Modification>& out_;
  std::map<Og, QPDFXRefEntry> xb_, xa_;
  int size_before_ = 0;
  Og root_, acro_, dss_, info_, metadata_, fields_array_;
  std::map<Og, int> page_numbers_, annots_arrays_;
  std::set<Og> dangling_;
};

}  // namespace

StatusOr<std::vector<Modification>> AnalyzeIncrement(const std::string& path, uint64_t before_end,
                                                     uint64_t after_end, int revision) {
  HETONG_ASSIGN_OR_RETURN(auto before, PdfFile::Open(path, before_end));
  HETONG_ASSIGN_OR_RETURN(auto after, PdfFile::Open(path, after_end));
  std::vector<Modification> out;
  Status s = CatchQpdf(
      [&]() -> Status {
        Analyzer(before->qpdf(), after->qpdf(), before_end, after_end, revision, out).Run();
        return OkStatus();
      },
      "cannot analyse the incremental updates");
  HETONG_RETURN_IF_ERROR(s);
  return out;
}

}  // namespace hetong::document::pdf
