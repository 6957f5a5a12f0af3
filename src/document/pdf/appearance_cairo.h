// Drawing helpers shared by the signature appearance (appearance.h) and the seal images
// (seal/): strict UTF-8 decoding of text to draw, a CJK font for cairo found through
// fontconfig (Noto Sans/Serif CJK SC from fonts-noto-cjk, or any installed font that covers
// Chinese), owning handles for cairo objects, and conversion between cairo's premultiplied
// ARGB32 image surfaces and straight-alpha RgbaImage.
//
// Thread-safety: the functions may be called concurrently. A CjkFont may be shared between
// threads (cairo font faces are reference-counted and locked internally); a cairo surface
// or context may be used by one thread at a time.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "document/pdf/appearance.h"

namespace hetong::document::pdf {

// Decodes UTF-8 text meant to be drawn into code points. Strict: rejects overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences, and also C0/C1 control
// characters (tabs and line breaks included). InvalidArgument naming `what` (e.g. "the
// organisation name") on failure, without quoting the text.
StatusOr<std::u32string> DecodeUtf8Text(std::string_view text, std::string_view what);

// UTF-8 encoding of one code point (which must be a valid scalar value).
std::string EncodeUtf8(char32_t code_point);

// The typefaces hetong draws with. Chinese official seals use a Song (serif) face.
enum class CjkFontStyle {
  kSans,       // Noto Sans CJK SC Regular: appearance text
  kSansBold,   // Noto Sans CJK SC Bold
  kSerifBold,  // Noto Serif CJK SC Bold: seal lettering
};

// A font face for cairo that can draw Chinese. Copies share the face.
class CjkFont {
 public:
  // Finds the font for `style` through fontconfig (falling back to any font that covers
  // common Chinese characters). FailedPrecondition when no CJK font is installed. The
  // lookup is cached; later calls are cheap.
  static StatusOr<CjkFont> Load(CjkFontStyle style);

  // Borrowed; valid while this CjkFont (or a copy) lives. Hinting is off so that glyphs
  // keep their shape when scaled and rotated.
  cairo_font_face_t* face() const;

  // True when the font has a glyph for `code_point`.
  bool HasGlyph(char32_t code_point) const;

  // InvalidArgument naming `what` when some code point of `text` has no glyph (other than
  // spaces, which need none).
  Status CheckCovers(std::u32string_view text, std::string_view what) const;

 private:
  struct Rep;
  explicit CjkFont(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;
};

struct CairoSurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using CairoSurface = std::unique_ptr<cairo_surface_t, CairoSurfaceDeleter>;
using CairoContext = std::unique_ptr<cairo_t, CairoContextDeleter>;

// A transparent ARGB32 image surface of 1..kMaxImageSide pixels on each side.
// InvalidArgument for a bad size, ResourceExhausted when cairo cannot allocate it.
StatusOr<CairoSurface> NewCanvas(int width, int height);

// A context drawing on `surface`, with grey antialiasing and unhinted font metrics.
StatusOr<CairoContext> NewContext(cairo_surface_t* surface);

// OK, or Internal naming `what` when `cr` is in an error state.
Status CheckCairo(cairo_t* cr, std::string_view what);

// Premultiplies `image` into a new ARGB32 surface (see ValidateImage for the errors).
StatusOr<CairoSurface> SurfaceFromImage(const RgbaImage& image);

// Flushes an ARGB32 `surface` and converts it to straight alpha; fully transparent pixels
// become (0, 0, 0, 0).
StatusOr<RgbaImage> ImageFromSurface(cairo_surface_t* surface);

// Height of the ideographic em box above the baseline, as a fraction of the font size
// (Noto CJK: 880/1000); used to centre CJK text vertically.
inline constexpr double kCjkAscent = 0.88;

}  // namespace hetong::document::pdf
