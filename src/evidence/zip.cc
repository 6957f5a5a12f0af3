#include "evidence/internal/zip.h"

#include <zip.h>

#include <chrono>
#include <memory>
#include <set>

namespace hetong::evidence::internal {

namespace {

Status ZipError(const std::string& what, zip_error_t* err) {
  std::string detail = err ? zip_error_strerror(err) : "unknown error";
  return InvalidArgumentError(what + ": " + detail);
}

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

}  // namespace

bool SafeEntryName(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view seg =
        name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

StatusOr<Bytes> WriteZip(const std::vector<ZipEntry>& entries, base::TimePoint mtime) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) {
    Status s = ZipError("cannot create a zip buffer", &err);
    zip_error_fini(&err);
    return InternalError(s.message());
  }
  zip_t* za = zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) {
    zip_source_free(src);
    Status s = ZipError("cannot create a zip archive", &err);
    zip_error_fini(&err);
    return InternalError(s.message());
  }
  zip_error_fini(&err);
  zip_source_keep(src);  // keep the buffer after zip_close
  auto fail = [&](const std::string& what) {
    std::string detail = zip_strerror(za);
    zip_discard(za);
    zip_source_free(src);
    return InternalError(what + ": " + detail);
  };
  time_t t = static_cast<time_t>(base::ToUnixSeconds(mtime));
  for (const ZipEntry& e : entries) {
    if (!SafeEntryName(e.name)) {
      zip_discard(za);
      zip_source_free(src);
      return InvalidArgumentError("bad zip entry name");
    }
    zip_source_t* data = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
    if (!data) return fail("cannot add " + e.name);
    zip_int64_t idx = zip_file_add(za, e.name.c_str(), data, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(data);
      return fail("cannot add " + e.name);
    }
    if (zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9) != 0 ||
        zip_file_set_mtime(za, static_cast<zip_uint64_t>(idx), t, 0) != 0) {
      return fail("cannot set the attributes of " + e.name);
    }
  }
  if (zip_close(za) != 0) return fail("cannot write the zip archive");
  Bytes out;
  if (zip_source_open(src) != 0) {
    zip_source_free(src);
    return InternalError("cannot read back the zip archive");
  }
  if (zip_source_seek(src, 0, SEEK_END) == 0) {
    zip_int64_t size = zip_source_tell(src);
    if (size > 0 && zip_source_seek(src, 0, SEEK_SET) == 0) {
      out.resize(static_cast<size_t>(size));
      zip_int64_t n = zip_source_read(src, out.data(), out.size());
      if (n != size) out.clear();
    }
  }
  zip_source_close(src);
  zip_source_free(src);
  if (out.empty()) return InternalError("cannot read back the zip archive");
  return out;
}

StatusOr<std::vector<ZipEntry>> ReadZip(ByteView zip, const ZipLimits& limits) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return InternalError("cannot read the zip buffer");
  }
  std::unique_ptr<zip_t, ArchiveCloser> za(
      zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!za) {
    zip_source_free(src);
    if (zip_error_code_zip(&err) == ZIP_ER_EXISTS) {
      zip_error_fini(&err);
      return InvalidArgumentError("the zip archive has two entries with the same name");
    }
    Status s = ZipError("not a readable zip archive", &err);
    zip_error_fini(&err);
    return s;
  }
  zip_error_fini(&err);
  zip_int64_t n = zip_get_num_entries(za.get(), 0);
  if (n < 0) return InvalidArgumentError("not a readable zip archive");
  if (static_cast<uint64_t>(n) > limits.max_entries) {
    return InvalidArgumentError("the zip archive has " + std::to_string(n) +
                                " entries; a package has at most " +
                                std::to_string(limits.max_entries));
  }
  std::vector<ZipEntry> out;
  std::set<std::string> seen;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(n); ++i) {
    const char* raw = zip_get_name(za.get(), i, ZIP_FL_ENC_RAW);
    if (!raw) return InvalidArgumentError("a zip entry has no readable name");
    std::string name(raw);
    bool directory = !name.empty() && name.back() == '/';
    std::string bare = directory ? name.substr(0, name.size() - 1) : name;
    if (!SafeEntryName(bare)) {
      return InvalidArgumentError(
          "the zip archive has an entry with an unsafe or unexpected name (only relative "
          "names of letters, digits, '.', '_', '-' are allowed)");
    }
    if (!seen.insert(name).second) {
      return InvalidArgumentError("the zip archive has two entries named '" + name + "'");
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), i, 0, &st) != 0) {
      return InvalidArgumentError("cannot read the zip entry '" + name + "'");
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
      return InvalidArgumentError("the zip entry '" + name + "' is encrypted");
    }
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
        st.comp_method != ZIP_CM_DEFLATE) {
      return InvalidArgumentError("the zip entry '" + name +
                                  "' uses a compression method other than store or deflate");
    }
    if (directory) {
      if ((st.valid & ZIP_STAT_SIZE) && st.size != 0) {
        return InvalidArgumentError("the zip directory entry '" + name + "' has content");
      }
      continue;
    }
    uint64_t cap = limits.max_size ? limits.max_size(name) : 0;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
      return InvalidArgumentError("the zip entry '" + name + "' is larger (" +
                                  std::to_string(st.size) + " bytes) than allowed (" +
                                  std::to_string(cap) + ")");
    }
    zip_file_t* f = zip_fopen_index(za.get(), i, 0);
    if (!f) return InvalidArgumentError("cannot open the zip entry '" + name + "'");
    Bytes data;
    uint8_t buf[65536];
    bool bad = false;
    while (true) {
      zip_int64_t got = zip_fread(f, buf, sizeof buf);
      if (got < 0) {
        bad = true;
        break;
      }
      if (got == 0) break;
      if (data.size() + static_cast<uint64_t>(got) > cap) {
        zip_fclose(f);
        return InvalidArgumentError("the zip entry '" + name + "' expands beyond " +
                                    std::to_string(cap) + " bytes");
      }
      data.insert(data.end(), buf, buf + got);
    }
    if (zip_fclose(f) != 0) bad = true;
    if (bad) {
      return InvalidArgumentError("the zip entry '" + name +
                                  "' is damaged (bad compressed data or CRC)");
    }
    if ((st.valid & ZIP_STAT_SIZE) && data.size() != st.size) {
      return InvalidArgumentError("the zip entry '" + name + "' is not the size it claims");
    }
    out.push_back({std::move(name), std::move(data)});
  }
  return out;
}

}  // namespace hetong::evidence::internal
