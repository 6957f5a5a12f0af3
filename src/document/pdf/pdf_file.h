// Reading PDF files for signing and verification (ISO 32000-1 §7.5: file structure,
// incremental updates), on qpdf.
//
// - PdfFile::Open parses a whole file or a prefix of it (a revision) without loading it into
//   memory: qpdf reads through a bounded input source over the file.
// - Damaged files are refused instead of reconstructed (qpdf recovery off), and encrypted
//   files are refused: signing or verifying either would silently work on something else
//   than the bytes the user holds.
// - Revisions: the ends of the incremental updates ("startxref N %%EOF") and the xref kind
//   of the last one (table or stream), which a new update must continue.
// - Every qpdf exception is turned into a Status here; callers never see one.
//
// Thread-safety: a PdfFile is used by one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

class QPDF;
class QPDFObjectHandle;

namespace hetong::document::pdf {

// "12 0 R"-style object number and generation.
struct ObjRef {
  int num = 0;
  int gen = 0;
  bool operator==(const ObjRef&) const = default;
  bool operator<(const ObjRef& o) const { return num != o.num ? num < o.num : gen < o.gen; }
  std::string ToString() const { return std::to_string(num) + " " + std::to_string(gen) + " R"; }
};

struct RevisionEnd {
  uint64_t offset = 0;      // just after "%%EOF" (and its end-of-line, if any)
  uint64_t eof_offset = 0;  // just after "%%EOF"
  uint64_t startxref = 0;   // the value after "startxref"
};

class PdfFile {
 public:
  // Opens `path`, or only its first `limit` bytes when given.
  static StatusOr<std::unique_ptr<PdfFile>> Open(const std::string& path,
                                                 std::optional<uint64_t> limit = std::nullopt);
  ~PdfFile();

  QPDF& qpdf() { return *qpdf_; }
  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  // The ends of every revision, in file order (the last is the whole file, if it ends well).
  const std::vector<RevisionEnd>& revisions() const { return revisions_; }
  uint64_t last_startxref() const { return last_startxref_; }
  bool last_xref_is_stream() const { return last_xref_is_stream_; }
  int trailer_size() const;  // /Size of the last trailer: the next free object number

 private:
  PdfFile() = default;
  std::string path_;
  uint64_t size_ = 0;
  std::unique_ptr<QPDF> qpdf_;
  std::vector<RevisionEnd> revisions_;
  uint64_t last_startxref_ = 0;
  bool last_xref_is_stream_ = false;
};

// What an upload check needs to know of a PDF: InvalidArgument when it does not parse or its
// page tree cannot be read.
struct PdfFacts {
  int pages = 0;
  bool encrypted = false;
};
StatusOr<PdfFacts> InspectPdf(const std::string& path);

// Scans a file (or its first `limit` bytes) for "startxref <n> %%EOF" markers.
StatusOr<std::vector<RevisionEnd>> FindRevisionEnds(const std::string& path, uint64_t limit);
// The revisions a reader sees: the markers that end the cross-reference sections of the
// /Prev chain from the last startxref (markers elsewhere, e.g. in comments or streams, do not
// count; the first-page section of a linearised file belongs to its revision). Invalid
// Argument for a broken chain (a loop, an offset past the end, no section at an offset).
StatusOr<std::vector<RevisionEnd>> FindRevisions(const std::string& path, uint64_t limit);

// Reads [offset, offset + length) of a file.
StatusOr<Bytes> ReadRange(const std::string& path, uint64_t offset, size_t length);

// A PDF text string for UTF-8 text: (ASCII) as a literal when printable ASCII, else UTF-16BE
// with a byte-order mark in hex, e.g. <FEFF5F204E09>.
std::string PdfTextString(std::string_view utf8);
// PDF date "D:20261126155410+00'00'".
std::string PdfDate(int64_t unix_seconds);

// Runs `fn`, converting qpdf (and other std::) exceptions into an InvalidArgument Status
// that names the PDF problem.
template <typename Fn>
auto CatchQpdf(Fn&& fn, std::string_view what) -> decltype(fn());

}  // namespace hetong::document::pdf

#include "document/pdf/internal/catch_qpdf.h"
