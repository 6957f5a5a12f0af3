#include "document/pdf/pdf_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <set>

#include "base/file.h"
#include "document/pdf/internal/qpdf.h"

namespace hetong::document::pdf {

namespace internal {
Status QpdfError(std::string_view what, const char* detail) {
  std::string d = detail ? detail : "";
  if (d.size() > 300) d = d.substr(0, 300) + "...";
  return InvalidArgumentError(std::string(what) + ": " + d);
}
}  // namespace internal

namespace {

// A read-only qpdf InputSource over the first `limit` bytes of a file descriptor.
class BoundedFileSource final : public InputSource {
 public:
  BoundedFileSource(int fd, std::string name, qpdf_offset_t limit)
      : fd_(fd), name_(std::move(name)), limit_(limit) {}
  ~BoundedFileSource() override { ::close(fd_); }

  qpdf_offset_t findAndSkipNextEOL() override {
    qpdf_offset_t result = 0;
    bool found = false;
    char chunk[4096];
    while (pos_ < limit_) {
      size_t n = Pread(
          chunk, static_cast<size_t>(std::min<qpdf_offset_t>(sizeof chunk, limit_ - pos_)), pos_);
      if (n == 0) break;
      size_t i = 0;
      if (!found) {
        for (; i < n; ++i) {
          if (chunk[i] == '\r' || chunk[i] == '\n') {
            found = true;
            result = pos_ + static_cast<qpdf_offset_t>(i);
            break;
          }
        }
        if (!found) {
          pos_ += static_cast<qpdf_offset_t>(n);
          continue;
        }
      }
      for (; i < n; ++i) {
        if (chunk[i] != '\r' && chunk[i] != '\n') {
          pos_ += static_cast<qpdf_offset_t>(i);
          return result;
        }
      }
      pos_ += static_cast<qpdf_offset_t>(n);
    }
    pos_ = limit_;
    return found ? result : limit_;
  }
  std::string const& getName() const override { return name_; }
  qpdf_offset_t tell() override { return pos_; }
  void seek(qpdf_offset_t offset, int whence) override {
    switch (whence) {
      case SEEK_SET:
        pos_ = offset;
        break;
      case SEEK_CUR:
        pos_ += offset;
        break;
      case SEEK_END:
        pos_ = limit_ + offset;
        break;
    }
    if (pos_ < 0) throw std::runtime_error("seek before the start of the file");
  }
  void rewind() override { pos_ = 0; }
  size_t read(char* out, size_t length) override {
    last_offset = pos_;
    if (pos_ >= limit_) return 0;
    size_t want = static_cast<size_t>(
        std::min<qpdf_offset_t>(static_cast<qpdf_offset_t>(length), limit_ - pos_));
    size_t n = Pread(out, want, pos_);
    pos_ += static_cast<qpdf_offset_t>(n);
    return n;
  }
  void unreadCh(char) override {
    if (pos_ > 0) --pos_;
  }

 private:
  size_t Pread(char* dst, size_t n, qpdf_offset_t at) {
    size_t total = 0;
    while (total < n) {
      ssize_t r =
          ::pread(fd_, dst + total, n - total, static_cast<off_t>(at) + static_cast<off_t>(total));
      if (r < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("read error");
      }
      if (r == 0) break;
      total += static_cast<size_t>(r);
    }
    return total;
  }
  int fd_;
  std::string name_;
  qpdf_offset_t limit_;
  qpdf_offset_t pos_ = 0;
};

}  // namespace

StatusOr<Bytes> ReadRange(const std::string& path, uint64_t offset, size_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  Bytes out(length);
  size_t total = 0;
  while (total < length) {
    ssize_t r = ::pread(fd, out.data() + total, length - total, static_cast<off_t>(offset + total));
    if (r < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return base::ErrnoStatus(err, "cannot read", path);
    }
    if (r == 0) break;
    total += static_cast<size_t>(r);
  }
  ::close(fd);
  out.resize(total);
  return out;
}

StatusOr<std::vector<RevisionEnd>> FindRevisionEnds(const std::string& path, uint64_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  constexpr size_t kChunk = 1 << 20;
  constexpr size_t kOverlap = 96;  // longer than any "startxref <n> %%EOF" marker
  constexpr std::string_view kStart = "startxref";
  std::vector<RevisionEnd> out;
  std::string tail;
  std::vector<char> buf(kChunk);
  uint64_t pos = 0;
  uint64_t last_recorded = 0;
  bool any = false;
  while (pos < limit) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, limit - pos));
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(pos));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return base::ErrnoStatus(err, "cannot read", path);
    }
    if (n == 0) break;
    std::string window = tail + std::string(buf.data(), static_cast<size_t>(n));
    uint64_t base = pos - tail.size();
    pos += static_cast<uint64_t>(n);
    bool more = pos < limit;
    for (size_t at = window.find(kStart); at != std::string::npos;
         at = window.find(kStart, at + 1)) {
      uint64_t abs = base + at;
      if (any && abs <= last_recorded) continue;
      size_t p = at + kStart.size();
      auto ws = [&] {
        while (p < window.size() &&
               (window[p] == ' ' || window[p] == '\r' || window[p] == '\n' || window[p] == '\t'))
          ++p;
      };
      ws();
      size_t digits = p;
      uint64_t value = 0;
      while (p < window.size() && window[p] >= '0' && window[p] <= '9' && p - digits < 19) {
        value = value * 10 + static_cast<uint64_t>(window[p] - '0');
        ++p;
      }
      if (p == digits) continue;
      ws();
      if (p + 5 > window.size()) {
        if (more) break;  // found again, whole, in the next window
        continue;
      }
      if (window.compare(p, 5, "%%EOF") != 0) continue;
      RevisionEnd r;
      r.startxref = value;
      r.eof_offset = base + p + 5;
      size_t q = p + 5;
      if (q < window.size() && window[q] == '\r') ++q;
      if (q < window.size() && window[q] == '\n') ++q;
      r.offset = base + q;
      out.push_back(r);
      last_recorded = abs;
      any = true;
    }
    tail = window.size() > kOverlap ? window.substr(window.size() - kOverlap) : window;
  }
  ::close(fd);
  return out;
}

namespace {

// The value of /Prev at the top level of the dictionary starting at text[0] ("<<"), if any.
// Strings, hex strings, comments and nested dictionaries are skipped; `complete` tells whether
// the dictionary ended inside `text`.
std::optional<uint64_t> TopLevelPrev(std::string_view text, bool* complete) {
  int depth = 0;
  *complete = false;
  std::optional<uint64_t> prev;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '%') {
      while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
    } else if (c == '(') {
      int nest = 0;
      for (; i < text.size(); ++i) {
        if (text[i] == '\\') {
          ++i;
        } else if (text[i] == '(') {
          ++nest;
        } else if (text[i] == ')' && --nest == 0) {
          ++i;
          break;
        }
      }
    } else if (c == '<' && i + 1 < text.size() && text[i + 1] == '<') {
      ++depth;
      i += 2;
    } else if (c == '>' && i + 1 < text.size() && text[i + 1] == '>') {
      --depth;
      i += 2;
      if (depth == 0) {
        *complete = true;
        return prev;
      }
    } else if (c == '<') {
      while (i < text.size() && text[i] != '>') ++i;
      ++i;
    } else if (c == '/' && depth == 1 && text.compare(i, 5, "/Prev") == 0 && i + 5 < text.size() &&
               std::string_view(" \t\r\n\f\0", 6).find(text[i + 5]) != std::string_view::npos) {
      size_t p = i + 5;
      while (p < text.size() &&
             std::string_view(" \t\r\n\f\0", 6).find(text[p]) != std::string_view::npos)
        ++p;
      uint64_t v = 0;
      size_t digits = p;
      while (p < text.size() && text[p] >= '0' && text[p] <= '9' && p - digits < 19)
        v = v * 10 + static_cast<uint64_t>(text[p++] - '0');
      if (p > digits) prev = v;
      i = p;
    } else {
      ++i;
    }
  }
  return prev;
}

// The /Prev of the cross-reference section (table or stream) at `offset`.
StatusOr<std::optional<uint64_t>> SectionPrev(const std::string& path, uint64_t offset,
                                              uint64_t limit) {
  constexpr size_t kDict = 64 << 10;
  HETONG_ASSIGN_OR_RETURN(
      Bytes head,
      ReadRange(path, offset,
                static_cast<size_t>(std::min<uint64_t>(kDict, limit - std::min(limit, offset)))));
  std::string_view h(reinterpret_cast<const char*>(head.data()), head.size());
  uint64_t dict_at = 0;
  if (h.rfind("xref", 0) == 0) {
    // A table: the trailer follows the entries (20 bytes each), possibly far away.
    constexpr size_t kChunk = 1 << 20;
    uint64_t pos = offset;
    std::string carry;
    bool found = false;
    while (pos < limit && !found) {
      HETONG_ASSIGN_OR_RETURN(
          Bytes chunk,
          ReadRange(path, pos, static_cast<size_t>(std::min<uint64_t>(kChunk, limit - pos))));
      if (chunk.empty()) break;
      std::string window = carry + std::string(chunk.begin(), chunk.end());
      size_t at = window.find("trailer");
      if (at != std::string::npos) {
        dict_at = pos - carry.size() + at + 7;
        found = true;
      }
      pos += chunk.size();
      carry = window.size() > 8 ? window.substr(window.size() - 8) : window;
    }
    if (!found) return InvalidArgumentError("a cross-reference table has no trailer");
  } else {
    size_t open = h.find("<<");
    if (open == std::string_view::npos || h.find("obj") == std::string_view::npos ||
        h.find("obj") > open) {
      return InvalidArgumentError(
          "no cross-reference section at the offset given by startxref or /Prev");
    }
    dict_at = offset + open;
  }
  HETONG_ASSIGN_OR_RETURN(
      Bytes dict,
      ReadRange(path, dict_at,
                static_cast<size_t>(std::min<uint64_t>(kDict, limit - std::min(limit, dict_at)))));
  std::string_view d(reinterpret_cast<const char*>(dict.data()), dict.size());
  size_t open = d.find("<<");
  if (open == std::string_view::npos)
    return InvalidArgumentError("a cross-reference section has no dictionary");
  bool complete = false;
  auto prev = TopLevelPrev(d.substr(open), &complete);
  if (!complete) return InvalidArgumentError("a cross-reference dictionary does not end");
  return prev;
}

}  // namespace

StatusOr<std::vector<RevisionEnd>> FindRevisions(const std::string& path, uint64_t limit) {
  HETONG_ASSIGN_OR_RETURN(std::vector<RevisionEnd> markers, FindRevisionEnds(path, limit));
  if (markers.empty()) return markers;
  // The chain of cross-reference sections a reader follows, from the last startxref.
  std::vector<uint64_t> chain;
  std::set<uint64_t> seen;
  std::optional<uint64_t> next = markers.back().startxref;
  while (next) {
    if (*next >= limit)
      return InvalidArgumentError("a cross-reference offset points past the end of the file");
    if (!seen.insert(*next).second)
      return InvalidArgumentError("the cross-reference sections form a loop (/Prev)");
    if (chain.size() > 100000) return InvalidArgumentError("too many cross-reference sections");
    chain.push_back(*next);
    HETONG_ASSIGN_OR_RETURN(next, SectionPrev(path, *next, limit));
  }
  // A revision ends at the first marker after a section that names that section; a section
  // with no marker of its own (the main table of a linearised file, or a second section of an
  // update) belongs to the revision of the section that points at it.
  std::vector<RevisionEnd> out;
  for (uint64_t x : chain) {
    for (const auto& m : markers) {
      if (m.startxref == x && m.eof_offset > x) {
        out.push_back(m);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const RevisionEnd& a, const RevisionEnd& b) { return a.offset < b.offset; });
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const RevisionEnd& a, const RevisionEnd& b) { return a.offset == b.offset; }),
      out.end());
  if (out.empty() || out.back().offset != markers.back().offset) {
    return InvalidArgumentError("the last startxref does not end a revision");
  }
  // Every section lies in the revision that points at it, before that revision's end.
  for (size_t i = 0; i < chain.size(); ++i) {
    bool own = false;
    for (const auto& r : out) own = own || r.startxref == chain[i];
    if (own || i == 0) continue;
    uint64_t pointer_end = 0;
    for (const auto& r : out) {
      if (r.startxref == chain[i - 1]) pointer_end = r.offset;
    }
    uint64_t previous_end = 0;
    for (const auto& r : out) {
      if (r.offset < pointer_end) previous_end = std::max(previous_end, r.offset);
    }
    if (pointer_end != 0 && (chain[i] >= pointer_end || chain[i] < previous_end)) {
      return InvalidArgumentError(
          "a cross-reference section lies outside the revision that refers to it");
    }
  }
  return out;
}

StatusOr<std::unique_ptr<PdfFile>> PdfFile::Open(const std::string& path,
                                                 std::optional<uint64_t> limit) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return base::ErrnoStatus(errno, "cannot open", path);
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError("'" + path + "' is not a regular file");
  std::unique_ptr<PdfFile> f(new PdfFile());
  f->path_ = path;
  f->size_ = limit ? std::min<uint64_t>(*limit, static_cast<uint64_t>(st.st_size))
                   : static_cast<uint64_t>(st.st_size);
  // The header must be there.
  HETONG_ASSIGN_OR_RETURN(Bytes head, ReadRange(path, 0, 1024));
  std::string_view h(reinterpret_cast<const char*>(head.data()), head.size());
  if (h.find("%PDF-") == std::string_view::npos) {
    return InvalidArgumentError("'" + path + "' is not a PDF file (no %PDF- header)");
  }
  HETONG_ASSIGN_OR_RETURN(f->revisions_, FindRevisions(path, f->size_));
  if (f->revisions_.empty()) {
    return InvalidArgumentError("'" + path + "' is damaged: no 'startxref ... %%EOF' at its end");
  }
  f->last_startxref_ = f->revisions_.back().startxref;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "cannot open", path);
  auto source = std::make_shared<BoundedFileSource>(fd, path, static_cast<qpdf_offset_t>(f->size_));
  f->qpdf_ = std::make_unique<QPDF>();
  Status s = CatchQpdf(
      [&]() -> Status {
        f->qpdf_->setSuppressWarnings(true);
        f->qpdf_->setAttemptRecovery(false);
        f->qpdf_->processInputSource(source);
        if (f->qpdf_->isEncrypted()) {
          return InvalidArgumentError("'" + path +
                                      "' is encrypted; decrypt it first (e.g. qpdf --decrypt)");
        }
        // Touch the catalog and pages so that structural damage shows now.
        QPDFObjectHandle root = f->qpdf_->getRoot();
        if (!root.isDictionary()) return InvalidArgumentError("the PDF has no catalog");
        (void)f->qpdf_->getAllPages();
        if (f->qpdf_->anyWarnings()) {
          auto w = f->qpdf_->getWarnings();
          return InvalidArgumentError("'" + path + "' is damaged (" +
                                      (w.empty() ? "" : w.front().what()) +
                                      "); repair it first (e.g. qpdf in.pdf out.pdf)");
        }
        return OkStatus();
      },
      "'" + path + "' cannot be read as a PDF");
  if (!s.ok() && s.message().find("invalid password") != std::string::npos) {
    return InvalidArgumentError(
        "'" + path + "' is encrypted (password-protected); decrypt it first (e.g. qpdf --decrypt)");
  }
  HETONG_RETURN_IF_ERROR(s);
  // The kind of the last cross-reference section.
  HETONG_ASSIGN_OR_RETURN(Bytes at, ReadRange(path, f->last_startxref_, 16));
  std::string_view a(reinterpret_cast<const char*>(at.data()), at.size());
  f->last_xref_is_stream_ = a.rfind("xref", 0) != 0;
  return f;
}

PdfFile::~PdfFile() = default;

int PdfFile::trailer_size() const {
  auto size = qpdf_->getTrailer().getKey("/Size");
  return size.isInteger() ? static_cast<int>(size.getIntValue()) : 0;
}

std::string PdfTextString(std::string_view utf8) {
  bool plain = true;
  for (char c : utf8) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e || c == '(' || c == ')' || c == '\\') plain = false;
  }
  if (plain) return "(" + std::string(utf8) + ")";
  static const char* hex = "0123456789ABCDEF";
  std::string out = "<FEFF";
  auto put16 = [&](uint32_t v) {
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(v >> shift) & 15]);
  };
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = 0xFFFD;
    size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 6 && i + 1 < utf8.size()) {
      cp = ((c & 0x1f) << 6) | (utf8[i + 1] & 0x3f);
      n = 2;
    } else if ((c >> 4) == 14 && i + 2 < utf8.size()) {
      cp = ((c & 0x0f) << 12) | ((utf8[i + 1] & 0x3f) << 6) | (utf8[i + 2] & 0x3f);
      n = 3;
    } else if ((c >> 3) == 30 && i + 3 < utf8.size()) {
      cp = ((c & 0x07) << 18) | ((utf8[i + 1] & 0x3f) << 12) | ((utf8[i + 2] & 0x3f) << 6) |
           (utf8[i + 3] & 0x3f);
      n = 4;
    }
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put16(0xD800 + (cp >> 10));
      put16(0xDC00 + (cp & 0x3ff));
    } else {
      put16(cp);
    }
  }
  out += ">";
  return out;
}

std::string PdfDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "D:%04d%02d%02d%02d%02d%02d+00'00'", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

StatusOr<PdfFacts> InspectPdf(const std::string& path) {
  auto file = PdfFile::Open(path);
  if (!file.ok()) return InvalidArgumentError("the PDF cannot be read: " + file.status().message());
  PdfFacts facts;
  try {
    facts.encrypted = (*file)->qpdf().isEncrypted();
    facts.pages = static_cast<int>(QPDFPageDocumentHelper((*file)->qpdf()).getAllPages().size());
  } catch (const std::exception&) {
    return InvalidArgumentError("the PDF's page tree cannot be read");
  }
  return facts;
}

}  // namespace hetong::document::pdf
