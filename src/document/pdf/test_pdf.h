// Test PDF files made on the spot, for the tests and benchmarks of PDF signing: pages of
// Chinese and Latin text drawn with cairo (Noto Sans CJK, embedded as a subset font), then
// rewritten by qpdf with the structure a test needs: a classic xref table, an xref stream with
// object streams (PDF 1.5), a linearised file, an encrypted one, an empty signature field or a
// text field to fill, and incompressible padding for large files.
#pragma once

#include <cairo-pdf.h>
#include <cairo.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include "base/status.h"
#include "document/pdf/internal/qpdf.h"

namespace hetong::document::pdf::testing {

struct TestPdfSpec {
  int pages = 1;
  enum class Layout { kXrefTable, kXrefStream, kLinearized } layout = Layout::kXrefTable;
  bool signature_field = false;  // an empty signature field "SignHere" on page 1
  bool text_field = false;       // a text field "Name" on page 1 holding "张三"
  size_t padding_bytes = 0;      // an incompressible stream of this size
  std::string encrypt_password;  // AES-256 (R6) when not empty
};

inline Status WriteTestPdf(const std::string& path, const TestPdfSpec& spec) {
  std::string drawn = path + ".cairo";
  {
    cairo_surface_t* surface = cairo_pdf_surface_create(drawn.c_str(), 595, 842);  // A4
    cairo_t* cr = cairo_create(surface);
    cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    for (int p = 1; p <= spec.pages; ++p) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_font_size(cr, 22);
      cairo_move_to(cr, 60, 90);
      std::string title =
          "电子合同 第 " + std::to_string(p) + " 页 / Contract page " + std::to_string(p);
      cairo_show_text(cr, title.c_str());
      cairo_set_font_size(cr, 12);
      for (int line = 0; line < 30; ++line) {
        cairo_move_to(cr, 60, 130 + line * 20);
        std::string text = "第" + std::to_string(line + 1) +
                           "条 甲方与乙方协商一致，签订本合同。Clause " + std::to_string(line + 1) +
                           ": the parties agree.";
        cairo_show_text(cr, text.c_str());
      }
      cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS)
      return InternalError(std::string("cairo: ") + cairo_status_to_string(st));
  }
  try {
    QPDF q;
    q.processFile(drawn.c_str());
    QPDFObjectHandle root = q.getRoot();
    QPDFObjectHandle page = q.getAllPages().at(0);
    QPDFObjectHandle fields = QPDFObjectHandle::newArray();
    QPDFObjectHandle annots = QPDFObjectHandle::newArray();
    if (spec.signature_field) {
      QPDFObjectHandle f = q.makeIndirectObject(
          QPDFObjectHandle::parse("<< /Type /Annot /Subtype /Widget /FT /Sig /T (SignHere) /Rect "
                                  "[360 60 540 160] /F 4 >>"));
      f.replaceKey("/P", page);
      fields.appendItem(f);
      annots.appendItem(f);
    }
    if (spec.text_field) {
      QPDFObjectHandle f = q.makeIndirectObject(
          QPDFObjectHandle::parse("<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /V "
                                  "<FEFF5F204E09> /Rect [60 60 300 90] /F 4 "
                                  "/DA (/Helv 12 Tf 0 g) >>"));
      f.replaceKey("/P", page);
      fields.appendItem(f);
      annots.appendItem(f);
    }
    if (fields.getArrayNItems() > 0) {
      page.replaceKey("/Annots", q.makeIndirectObject(annots));
      root.replaceKey("/AcroForm",
                      q.makeIndirectObject(QPDFObjectHandle::parse(
                          "<< /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv << /Type /Font /Subtype "
                          "/Type1 /BaseFont /Helvetica >> >> >> >>")));
      root.getKey("/AcroForm").replaceKey("/Fields", fields);
    }
    if (spec.padding_bytes > 0) {
      std::string data(spec.padding_bytes, '\0');
      std::mt19937_64 gen(42);
      for (size_t i = 0; i < data.size(); i += 8) {
        uint64_t v = gen();
        for (size_t j = 0; j < 8 && i + j < data.size(); ++j)
          data[i + j] = static_cast<char>(v >> (8 * j));
      }
      root.replaceKey("/HetongTestPadding", q.newStream(data));
    }
    QPDFWriter w(q, path.c_str());
    w.setObjectStreamMode(spec.layout == TestPdfSpec::Layout::kXrefStream ? qpdf_o_generate
                                                                          : qpdf_o_disable);
    if (spec.layout == TestPdfSpec::Layout::kLinearized) w.setLinearization(true);
    if (!spec.encrypt_password.empty()) {
      w.setR6EncryptionParameters(spec.encrypt_password.c_str(), spec.encrypt_password.c_str(),
                                  true, true, true, true, true, true, qpdf_r3p_full, true);
    }
    w.write();
  } catch (const std::exception& e) {
    ::unlink(drawn.c_str());
    return InternalError(std::string("qpdf: ") + e.what());
  }
  ::unlink(drawn.c_str());
  return OkStatus();
}

}  // namespace hetong::document::pdf::testing
