#include "document/pdf/appearance_cairo.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>

#include <array>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace hetong::document::pdf {

StatusOr<std::u32string> DecodeUtf8Text(std::string_view text, std::string_view what) {
  auto bad = [&] {
    return InvalidArgumentError(std::string(what) +
                                " is not valid UTF-8 text; send it as UTF-8 without control "
                                "characters");
  };
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<uint8_t>(text[i]);
    char32_t cp = 0;
    size_t len = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F;
      len = 2;
      min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F;
      len = 3;
      min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07;
      len = 4;
      min = 0x10000;
    } else {
      return bad();
    }
    if (len > text.size() - i) return bad();
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<uint8_t>(text[i + k]);
      if ((b & 0xC0) != 0x80) return bad();
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return bad();
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return bad();
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string EncodeUtf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

struct CjkFont::Rep {
  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;
  Rep(Rep&&) = delete;
  Rep& operator=(Rep&&) = delete;
  ~Rep() {
    if (face != nullptr) cairo_font_face_destroy(face);
    if (charset != nullptr) FcCharSetDestroy(charset);
  }
  cairo_font_face_t* face = nullptr;
  FcCharSet* charset = nullptr;
};

namespace {

// Characters every font that draws Chinese text has; a font lacking them is not CJK.
constexpr std::array<char32_t, 6> kChineseProbe = {U'中', U'国', U'签', U'印', U'章', U'司'};

struct FcPatternDeleter {
  void operator()(FcPattern* pattern) const { FcPatternDestroy(pattern); }
};
using FcPatternPtr = std::unique_ptr<FcPattern, FcPatternDeleter>;

const FcChar8* Fc(const char* s) { return reinterpret_cast<const FcChar8*>(s); }

// The best match for `family` at `weight`, preferring simplified Chinese, or null.
FcPatternPtr MatchFont(const char* family, int weight) {
  FcPatternPtr pattern(FcPatternCreate());
  if (!pattern) return nullptr;
  if (!FcPatternAddString(pattern.get(), FC_FAMILY, Fc(family)) ||
      !FcPatternAddString(pattern.get(), FC_LANG, Fc("zh-cn")) ||
      !FcPatternAddInteger(pattern.get(), FC_WEIGHT, weight) ||
      !FcPatternAddInteger(pattern.get(), FC_SLANT, FC_SLANT_ROMAN) ||
      !FcConfigSubstitute(nullptr, pattern.get(), FcMatchPattern)) {
    return nullptr;
  }
  FcDefaultSubstitute(pattern.get());
  FcResult result = FcResultNoMatch;
  return FcPatternPtr(FcFontMatch(nullptr, pattern.get(), &result));
}

bool CoversChinese(const FcCharSet* charset) {
  for (char32_t cp : kChineseProbe) {
    if (!FcCharSetHasChar(charset, cp)) return false;
  }
  return true;
}

// Turns a fontconfig match into a cairo face with fixed rendering options (no hinting, grey
// antialiasing, outlines rather than embedded bitmaps) so that output does not depend on
// the desktop's font settings. Stores a new face and a charset reference; false when
// `match` is not a usable CJK font.
bool FaceFromMatch(FcPattern* match, cairo_font_face_t*& face, FcCharSet*& charset) {
  FcChar8* file = nullptr;
  int index = 0;
  FcCharSet* match_charset = nullptr;
  if (FcPatternGetString(match, FC_FILE, 0, &file) != FcResultMatch ||
      FcPatternGetCharSet(match, FC_CHARSET, 0, &match_charset) != FcResultMatch ||
      !CoversChinese(match_charset)) {
    return false;
  }
  if (FcPatternGetInteger(match, FC_INDEX, 0, &index) != FcResultMatch) index = 0;
  FcPatternPtr face_pattern(FcPatternCreate());
  if (!face_pattern || !FcPatternAddString(face_pattern.get(), FC_FILE, file) ||
      !FcPatternAddInteger(face_pattern.get(), FC_INDEX, index) ||
      !FcPatternAddBool(face_pattern.get(), FC_HINTING, FcFalse) ||
      !FcPatternAddInteger(face_pattern.get(), FC_HINT_STYLE, FC_HINT_NONE) ||
      !FcPatternAddBool(face_pattern.get(), FC_ANTIALIAS, FcTrue) ||
      !FcPatternAddInteger(face_pattern.get(), FC_RGBA, FC_RGBA_NONE) ||
      !FcPatternAddBool(face_pattern.get(), FC_EMBEDDED_BITMAP, FcFalse)) {
    return false;
  }
  // cairo keeps its own reference to the pattern.
  cairo_font_face_t* new_face = cairo_ft_font_face_create_for_pattern(face_pattern.get());
  if (cairo_font_face_status(new_face) != CAIRO_STATUS_SUCCESS) {
    cairo_font_face_destroy(new_face);
    return false;
  }
  face = new_face;
  charset = FcCharSetCopy(match_charset);
  return true;
}

}  // namespace

StatusOr<CjkFont> CjkFont::Load(CjkFontStyle style) {
  static std::mutex mu;
  static std::array<std::shared_ptr<const Rep>, 3> cache;
  const auto slot = static_cast<size_t>(style);
  std::lock_guard lock(mu);
  if (cache.at(slot)) return CjkFont(cache.at(slot));

  const char* family = "Noto Sans CJK SC";
  const char* generic = "sans-serif";
  int weight = FC_WEIGHT_REGULAR;
  if (style == CjkFontStyle::kSansBold) weight = FC_WEIGHT_BOLD;
  if (style == CjkFontStyle::kSerifBold) {
    family = "Noto Serif CJK SC";
    generic = "serif";
    weight = FC_WEIGHT_BOLD;
  }
  // The preferred family first; then any font fontconfig offers for Chinese.
  for (const char* candidate : {family, "Noto Sans CJK SC", generic}) {
    FcPatternPtr match = MatchFont(candidate, weight);
    if (!match) continue;
    auto rep = std::make_shared<Rep>();
    if (!FaceFromMatch(match.get(), rep->face, rep->charset)) continue;
    cache.at(slot) = std::move(rep);
    return CjkFont(cache.at(slot));
  }
  return FailedPreconditionError(
      "no font that can draw Chinese text is installed; install fonts-noto-cjk "
      "(scripts/bootstrap) and retry");
}

cairo_font_face_t* CjkFont::face() const { return rep_->face; }

bool CjkFont::HasGlyph(char32_t code_point) const {
  return FcCharSetHasChar(rep_->charset, code_point) != FcFalse;
}

Status CjkFont::CheckCovers(std::u32string_view text, std::string_view what) const {
  for (char32_t cp : text) {
    if (cp == U' ' || cp == U'\u3000') continue;
    if (!HasGlyph(cp)) {
      return InvalidArgumentError(std::string(what) +
                                  " contains a character that the installed CJK font cannot "
                                  "draw; use Chinese characters, Latin letters, digits and "
                                  "common punctuation");
    }
  }
  return OkStatus();
}

StatusOr<CairoSurface> NewCanvas(int width, int height) {
  if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide) {
    return InvalidArgumentError("canvas size must be 1 to " + std::to_string(kMaxImageSide) +
                                " pixels on each side");
  }
  CairoSurface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  const cairo_status_t status = cairo_surface_status(surface.get());
  if (status == CAIRO_STATUS_NO_MEMORY) {
    return ResourceExhaustedError("not enough memory for the image; use a smaller size");
  }
  if (status != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("cannot create an image surface: ") +
                         cairo_status_to_string(status));
  }
  return surface;
}

StatusOr<CairoContext> NewContext(cairo_surface_t* surface) {
  CairoContext cr(cairo_create(surface));
  HETONG_RETURN_IF_ERROR(CheckCairo(cr.get(), "creating a drawing context"));
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(cr.get(), options);
  cairo_font_options_destroy(options);
  return cr;
}

Status CheckCairo(cairo_t* cr, std::string_view what) {
  const cairo_status_t status = cairo_status(cr);
  if (status == CAIRO_STATUS_SUCCESS) return OkStatus();
  if (status == CAIRO_STATUS_NO_MEMORY) {
    return ResourceExhaustedError("not enough memory while " + std::string(what) +
                                  "; use a smaller image");
  }
  return InternalError("drawing failed while " + std::string(what) + ": " +
                       cairo_status_to_string(status));
}

StatusOr<CairoSurface> SurfaceFromImage(const RgbaImage& image) {
  HETONG_RETURN_IF_ERROR(ValidateImage(image));
  HETONG_ASSIGN_OR_RETURN(CairoSurface surface, NewCanvas(image.width, image.height));
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const uint8_t* src = image.rgba.data();
  for (int y = 0; y < image.height; ++y) {
    auto* row = data + static_cast<size_t>(y) * static_cast<size_t>(stride);
    for (int x = 0; x < image.width; ++x, src += 4) {
      const uint32_t a = src[3];
      auto pm = [a](uint32_t c) { return (c * a + 127) / 255; };
      const uint32_t pixel = (a << 24) | (pm(src[0]) << 16) | (pm(src[1]) << 8) | pm(src[2]);
      std::memcpy(row + static_cast<size_t>(x) * 4, &pixel, 4);
    }
  }
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

StatusOr<RgbaImage> ImageFromSurface(cairo_surface_t* surface) {
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_get_type(surface) != CAIRO_SURFACE_TYPE_IMAGE ||
      cairo_image_surface_get_format(surface) != CAIRO_FORMAT_ARGB32) {
    return InternalError("expected an ARGB32 image surface");
  }
  cairo_surface_flush(surface);
  RgbaImage image;
  image.width = cairo_image_surface_get_width(surface);
  image.height = cairo_image_surface_get_height(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  if (data == nullptr) return InternalError("image surface has no pixel data");
  try {
    image.rgba.resize(static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 4);
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("not enough memory for the image; use a smaller size");
  }
  uint8_t* dst = image.rgba.data();
  for (int y = 0; y < image.height; ++y) {
    const auto* row = data + static_cast<size_t>(y) * static_cast<size_t>(stride);
    for (int x = 0; x < image.width; ++x, dst += 4) {
      uint32_t pixel = 0;
      std::memcpy(&pixel, row + static_cast<size_t>(x) * 4, 4);
      const uint32_t a = pixel >> 24;
      if (a == 0) {
        dst[0] = dst[1] = dst[2] = dst[3] = 0;
        continue;
      }
      auto unpm = [a](uint32_t c) {
        const uint32_t v = (c * 255 + a / 2) / a;
        return static_cast<uint8_t>(v > 255 ? 255 : v);
      };
      dst[0] = unpm((pixel >> 16) & 0xFF);
      dst[1] = unpm((pixel >> 8) & 0xFF);
      dst[2] = unpm(pixel & 0xFF);
      dst[3] = static_cast<uint8_t>(a);
    }
  }
  return image;
}

}  // namespace hetong::document::pdf
