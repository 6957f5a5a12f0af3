#include "document/pdf/incremental_update.h"

#include <cstdio>

namespace hetong::document::pdf {

void IncrementalUpdate::SetObject(ObjRef ref, std::string body) {
  objects_[ref] = Obj{std::move(body), std::nullopt};
}

void IncrementalUpdate::SetStream(ObjRef ref, std::string dict, Bytes data) {
  objects_[ref] = Obj{std::move(dict), std::move(data)};
}

IncrementalUpdate::Written IncrementalUpdate::Serialize(uint64_t base, const TrailerFields& t,
                                                        bool xref_stream) const {
  Written w;
  auto put = [&](std::string_view s) { Append(w.bytes, AsBytes(s)); };
  put("\n");
  for (const auto& [ref, obj] : objects_) {
    w.offsets[ref] = base + w.bytes.size();
    put(std::to_string(ref.num) + " " + std::to_string(ref.gen) + " obj\n");
    if (obj.stream) {
      // Insert /Length before the dictionary's closing ">>".
      std::string dict = obj.body;
      size_t close = dict.rfind(">>");
      dict.insert(close, " /Length " + std::to_string(obj.stream->size()) + " ");
      put(dict);
      put("\nstream\n");
      Append(w.bytes, *obj.stream);
      put("\nendstream\nendobj\n");
    } else {
      put(obj.body);
      put("\nendobj\n");
    }
  }
  std::string trailer_keys = "/Root " + t.root.ToString();
  if (t.info) trailer_keys += " /Info " + t.info->ToString();
  if (!t.id_first.empty()) trailer_keys += " /ID [" + t.id_first + " " + t.id_second + "]";
  trailer_keys += " /Prev " + std::to_string(t.prev);
  uint64_t xref_offset = base + w.bytes.size();
  if (!xref_stream) {
    put("xref\n");
    // Subsections of consecutive object numbers.
    auto it = w.offsets.begin();
    while (it != w.offsets.end()) {
      auto run_end = it;
      int count = 0;
      while (run_end != w.offsets.end() && run_end->first.num == it->first.num + count) {
        ++run_end;
        ++count;
      }
      put(std::to_string(it->first.num) + " " + std::to_string(count) + "\n");
      for (auto e = it; e != run_end; ++e) {
        char line[32];
        std::snprintf(line, sizeof line, "%010llu %05d n\r\n",
                      static_cast<unsigned long long>(e->second), e->first.gen);
        put(line);
      }
      it = run_end;
    }
    put("trailer\n<< /Size " + std::to_string(next_) + " " + trailer_keys + " >>\n");
  } else {
    // A cross-reference stream: fields 1 (type), 5 (offset), 2 (generation) bytes.
    ObjRef self{next_, 0};
    std::map<ObjRef, uint64_t> all = w.offsets;
    all[self] = xref_offset;
    Bytes data;
    std::string index;
    auto it = all.begin();
    while (it != all.end()) {
      auto run_end = it;
      int count = 0;
      while (run_end != all.end() && run_end->first.num == it->first.num + count) {
        ++run_end;
        ++count;
      }
      index += std::to_string(it->first.num) + " " + std::to_string(count) + " ";
      for (auto e = it; e != run_end; ++e) {
        data.push_back(1);
        for (int shift = 32; shift >= 0; shift -= 8)
          data.push_back(static_cast<uint8_t>(e->second >> shift));
        data.push_back(static_cast<uint8_t>(e->first.gen >> 8));
        data.push_back(static_cast<uint8_t>(e->first.gen));
      }
      it = run_end;
    }
    put(std::to_string(self.num) + " 0 obj\n<< /Type /XRef /Size " + std::to_string(next_ + 1) +
        " /W [1 5 2] /Index [" + index + "] " + trailer_keys + " /Length " +
        std::to_string(data.size()) + " >>\nstream\n");
    Append(w.bytes, data);
    put("\nendstream\nendobj\n");
  }
  put("startxref\n" + std::to_string(xref_offset) + "\n%%EOF\n");
  return w;
}

}  // namespace hetong::document::pdf
