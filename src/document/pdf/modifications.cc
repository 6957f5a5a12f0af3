#include "document/pdf/modifications.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <map>
#include <set>

#include "document/pdf/pdf_file.h"

namespace hetong::document::pdf {

namespace {

bool SameObject(QPDFObjectHandle a, QPDFObjectHandle b) {
  if (a.isStream() != b.isStream()) return false;
  if (a.isStream()) {
    if (a.getDict().unparse() != b.getDict().unparse()) return false;
    auto da = a.getRawStreamData(), db = b.getRawStreamData();
    return da->getSize() == db->getSize() && std::equal(da->getBuffer(), da->getBuffer() + da->getSize(), db->getBuffer());
  }
  // unparse() of an indirect object is its reference ("4 0 R"); compare the contents.
  return a.unparseResolved() == b.unparseResolved();
}

std::string NameOf(QPDFObjectHandle h, const char* key) {
  QPDFObjectHandle v = h.isDictionary() ? h.getKey(key) : QPDFObjectHandle::newNull();
  return v.isName() ? v.getName() : "";
}

// A signature field or a widget of one (its own /FT, or its parent's).
bool IsSignatureWidgetOrField(QPDFObjectHandle h) {
  if (!h.isDictionary()) return false;
  for (int depth = 0; depth < 8 && h.isDictionary(); ++depth) {
    if (NameOf(h, "/FT") == "/Sig") return true;
    h = h.getKey("/Parent");
  }
  return false;
}

// A field whose value is a document time-stamp (PAdES, ISO 32000-2 §12.8.5).
bool IsDocTimestampField(QPDFObjectHandle h) {
  if (!h.isDictionary()) return false;
  QPDFObjectHandle v = h.getKey("/V");
  return v.isDictionary() && (NameOf(v, "/Type") == "/DocTimeStamp" || NameOf(v, "/SubFilter") == "/ETSI.RFC3161");
}

std::set<std::string> ArrayItems(QPDFObjectHandle a) {
  std::set<std::string> out;
  if (!a.isArray()) return out;
  for (int i = 0; i < a.getArrayNItems(); ++i) out.insert(a.getArrayItem(i).unparse());
  return out;
}

// Items added to an array (by unparse text), and whether any was removed.
std::vector<QPDFObjectHandle> AddedItems(QPDFObjectHandle before, QPDFObjectHandle after, bool* removed) {
  std::set<std::string> old = ArrayItems(before);
  std::set<std::string> now = ArrayItems(after);
  *removed = false;
  for (const auto& o : old) {
    if (!now.contains(o)) *removed = true;
  }
  std::vector<QPDFObjectHandle> added;
  if (after.isArray()) {
    for (int i = 0; i < after.getArrayNItems(); ++i) {
      if (!old.contains(after.getArrayItem(i).unparse())) added.push_back(after.getArrayItem(i));
    }
  }
  return added;
}

struct Ctx {
  std::vector<Modification>* out;
  int revision;
  void Add(std::string kind, std::string description, bool allowed) {
    out->push_back(Modification{revision, std::move(kind), std::move(description), allowed});
  }
};

// Keys whose value differs between two dictionaries.
std::set<std::string> ChangedKeys(QPDFObjectHandle a, QPDFObjectHandle b) {
  std::set<std::string> keys;
  for (const auto& k : a.getKeys()) keys.insert(k);
  for (const auto& k : b.getKeys()) keys.insert(k);
  std::set<std::string> changed;
  for (const auto& k : keys) {
    if (a.getKey(k).unparse() != b.getKey(k).unparse()) changed.insert(k);
  }
  return changed;
}

void CheckAddedAnnotations(Ctx& ctx, const std::vector<QPDFObjectHandle>& added, const std::string& where) {
  for (auto a : added) {
    if (IsDocTimestampField(a)) {
      ctx.Add("timestamp", "document time-stamp added on " + where, true);
    } else if (IsSignatureWidgetOrField(a)) {
      ctx.Add("form", "signature field added on " + where, true);
    } else {
      std::string sub = NameOf(a, "/Subtype");
      ctx.Add("annotation", (sub.empty() ? std::string("an annotation") : "a " + sub.substr(1) + " annotation") +
                                " was added on " + where,
              false);
    }
  }
}

}  // namespace

StatusOr<std::vector<Modification>> AnalyzeIncrement(const std::string& path, uint64_t before_end, uint64_t after_end,
                                                     int revision) {
  HETONG_ASSIGN_OR_RETURN(auto before, PdfFile::Open(path, before_end));
  HETONG_ASSIGN_OR_RETURN(auto after, PdfFile::Open(path, after_end));
  std::vector<Modification> out;
  Ctx ctx{&out, revision};
  Status s = CatchQpdf(
      [&]() -> Status {
        QPDF& qb = before->qpdf();
        QPDF& qa = after->qpdf();
        auto xref_after = qa.getXRefTable();
        auto xref_before = qb.getXRefTable();
        // Object streams located in this increment.
        std::set<int> new_objstreams;
        for (const auto& [og, e] : xref_after) {
          if (e.getType() == 1 && static_cast<uint64_t>(e.getOffset()) >= before_end) new_objstreams.insert(og.getObj());
        }
        std::vector<QPDFObjGen> touched;
        for (const auto& [og, e] : xref_after) {
          bool in_increment = (e.getType() == 1 && static_cast<uint64_t>(e.getOffset()) >= before_end) ||
                              (e.getType() == 2 && new_objstreams.contains(e.getObjStreamNumber()));
          if (in_increment) touched.push_back(og);
        }
        // Page objects of the revision, by object id, for messages.
        std::map<int, int> page_numbers;
        {
          auto pages = qa.getAllPages();
          for (size_t i = 0; i < pages.size(); ++i) page_numbers[pages[i].getObjectID()] = static_cast<int>(i + 1);
        }
        if (qb.getAllPages().size() != qa.getAllPages().size()) {
          ctx.Add("page-content", "the number of pages changed", false);
        }
        int root_id = qa.getRoot().getObjectID();
        int acro_id = qa.getRoot().getKey("/AcroForm").isIndirect() ? qa.getRoot().getKey("/AcroForm").getObjectID() : -1;
        int dss_id = qa.getRoot().getKey("/DSS").isIndirect() ? qa.getRoot().getKey("/DSS").getObjectID() : -1;
        int info_id = qa.getTrailer().getKey("/Info").isIndirect() ? qa.getTrailer().getKey("/Info").getObjectID() : -1;
        for (const auto& og : touched) {
          QPDFObjectHandle now = qa.getObjectByObjGen(og);
          bool existed = xref_before.contains(og);
          if (!existed) continue;  // new objects matter only through what references them
          QPDFObjectHandle was = qb.getObjectByObjGen(og);
          if (SameObject(was, now)) continue;
          std::string id = std::to_string(og.getObj()) + " " + std::to_string(og.getGen());
          if (og.getObj() == root_id) {
            for (const auto& k : ChangedKeys(was, now)) {
              if (k == "/AcroForm" || k == "/DSS" || k == "/Extensions") {
                ctx.Add("catalog", "document catalog: " + k.substr(1) + " updated", true);
              } else if (k == "/Perms" && !was.hasKey("/Perms")) {
                ctx.Add("catalog", "certification permissions added", true);
              } else if (k == "/Metadata") {
                ctx.Add("metadata", "document metadata changed", true);
              } else {
                ctx.Add("catalog", "document catalog: " + k.substr(1) + " changed", false);
              }
            }
            // A directly embedded AcroForm: its fields.
            if (!now.getKey("/AcroForm").isIndirect() && now.getKey("/AcroForm").isDictionary()) {
              bool removed = false;
              auto added = AddedItems(was.getKey("/AcroForm").getKey("/Fields"), now.getKey("/AcroForm").getKey("/Fields"), &removed);
              if (removed) ctx.Add("form", "form fields were removed", false);
              for (auto f : added) {
                if (!IsSignatureWidgetOrField(f)) ctx.Add("form", "a form field that is not a signature was added", false);
              }
            }
            continue;
          }
          if (og.getObj() == acro_id) {
            for (const auto& k : ChangedKeys(was, now)) {
              if (k == "/SigFlags" || k == "/DR" || k == "/DA") continue;
              if (k == "/Fields") {
                bool removed = false;
                auto added = AddedItems(was.getKey("/Fields"), now.getKey("/Fields"), &removed);
                if (removed) ctx.Add("form", "form fields were removed", false);
                for (auto f : added) {
                  if (!IsSignatureWidgetOrField(f)) ctx.Add("form", "a form field that is not a signature was added", false);
                }
                continue;
              }
              ctx.Add("form", "the interactive form's " + k.substr(1) + " changed", false);
            }
            continue;
          }
          if (og.getObj() == dss_id) {
            ctx.Add("validation-data", "validation data (DSS) updated", true);
            continue;
          }
          if (og.getObj() == info_id) {
            ctx.Add("metadata", "document information (title, dates) changed", true);
            continue;
          }
          if (page_numbers.contains(og.getObj())) {
            std::string where = "page " + std::to_string(page_numbers[og.getObj()]);
            for (const auto& k : ChangedKeys(was, now)) {
              if (k == "/Annots") {
                bool removed = false;
                auto added = AddedItems(was.getKey("/Annots"), now.getKey("/Annots"), &removed);
                if (removed) ctx.Add("annotation", "annotations were removed from " + where, false);
                CheckAddedAnnotations(ctx, added, where);
              } else {
                ctx.Add("page-content", where + ": " + k.substr(1) + " changed", false);
              }
            }
            continue;
          }
          // An /Annots or /Fields array stored as its own object.
          if (was.isArray() && now.isArray()) {
            bool removed = false;
            auto added = AddedItems(was, now, &removed);
            bool all_sig = true, all_ts = !added.empty();
            for (auto a : added) {
              all_sig = all_sig && IsSignatureWidgetOrField(a);
              all_ts = all_ts && IsDocTimestampField(a);
            }
            if (!removed && all_ts) {
              ctx.Add("timestamp", "document time-stamp fields added to a list", true);
            } else if (!removed && all_sig) {
              ctx.Add("form", "signature fields added to a list", true);
            } else {
              ctx.Add("object", "object " + id + " (an array) changed", false);
            }
            continue;
          }
          // An existing empty signature field filled in.
          if (IsSignatureWidgetOrField(was) && !was.getKey("/V").isDictionary() && now.getKey("/V").isDictionary()) {
            bool only_signing = true;
            for (const auto& k : ChangedKeys(was, now)) {
              if (k != "/V" && k != "/AP" && k != "/Rect" && k != "/P" && k != "/F" && k != "/Lock" && k != "/SV") only_signing = false;
            }
            ctx.Add("form", "the empty signature field " + (now.getKey("/T").isString() ? now.getKey("/T").getUTF8Value() : id) + " was signed",
                    only_signing);
            continue;
          }
          std::string type = NameOf(was, "/Type");
          std::string what = type.empty() ? (was.isStream() ? "a stream" : "an object") : type.substr(1);
          ctx.Add(was.isStream() ? "page-content" : "object", "object " + id + " (" + what + ") was replaced", false);
        }
        return OkStatus();
      },
      "cannot analyse the incremental updates");
  HETONG_RETURN_IF_ERROR(s);
  return out;
}

}  // namespace hetong::document::pdf
