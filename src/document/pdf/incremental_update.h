// An incremental update (ISO 32000-1 §7.5.6): new and replaced objects appended after the
// original bytes, which stay untouched, with a cross-reference section of the same kind as
// the file's last one (a table, or a cross-reference stream for PDF 1.5+ files) whose /Prev
// points at the previous section.
//
// Thread-safety: single-owner builder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "document/pdf/pdf_file.h"

namespace hetong::document::pdf {

struct TrailerFields {
  ObjRef root;
  std::optional<ObjRef> info;
  std::string id_first;   // the original first /ID element as PDF text, e.g. <0A1B...>
  std::string id_second;  // the new second element
  uint64_t prev = 0;      // offset of the previous cross-reference section
};

class IncrementalUpdate {
 public:
  explicit IncrementalUpdate(int next_object_number) : next_(next_object_number) {}

  ObjRef Allocate() { return ObjRef{next_++, 0}; }
  // `body` is the object's PDF text (a dictionary, array, ...).
  void SetObject(ObjRef ref, std::string body);
  // A stream: `dict` is the dictionary text without /Length (added here), `data` the raw
  // (already filtered) stream bytes.
  void SetStream(ObjRef ref, std::string dict, Bytes data);

  struct Written {
    Bytes bytes;                         // the update, to append at `base`
    std::map<ObjRef, uint64_t> offsets;  // absolute offset of each object
  };
  // Serialises the update as it will sit at absolute offset `base` of the file.
  Written Serialize(uint64_t base, const TrailerFields& trailer, bool xref_stream) const;

  int next_object_number() const { return next_; }

 private:
  struct Obj {
    std::string body;
    std::optional<Bytes> stream;
  };
  int next_;
  std::map<ObjRef, Obj> objects_;
};

}  // namespace hetong::document::pdf
