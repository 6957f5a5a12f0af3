#include "document/pdf/appearance.h"

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <new>

#include "document/pdf/appearance_cairo.h"

namespace hetong::document::pdf {
namespace {

constexpr double kMaxPagePoints = 14400;  // ISO 32000-1 Annex C: largest page side
constexpr int kMinDpi = 36;
constexpr int kMaxDpi = 1200;
// Line height as a multiple of the font size.
constexpr double kLineSpacing = 1.25;

Status OutOfMemory() {
  return ResourceExhaustedError("not enough memory for the image; use a smaller image");
}

// Frees the libpng simplified-API state whatever way the function leaves.
class PngImageGuard {
 public:
  explicit PngImageGuard(png_image* image) : image_(image) {}
  PngImageGuard(const PngImageGuard&) = delete;
  PngImageGuard& operator=(const PngImageGuard&) = delete;
  PngImageGuard(PngImageGuard&&) = delete;
  PngImageGuard& operator=(PngImageGuard&&) = delete;
  ~PngImageGuard() { png_image_free(image_); }

 private:
  png_image* image_;
};

StatusOr<Bytes> Deflate(ByteView data) {
  Bytes out;
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  out.resize(size);
  if (compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK) {
    return InternalError("zlib could not compress the image samples");
  }
  out.resize(size);
  return out;
}

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

// Draws `image` scaled to fit `area`, keeping its aspect ratio, centred.
Status DrawImage(cairo_t* cr, const RgbaImage& image, const Rect& area) {
  if (area.w <= 0 || area.h <= 0) return OkStatus();
  HETONG_ASSIGN_OR_RETURN(CairoSurface source, SurfaceFromImage(image));
  const double scale = std::min(area.w / image.width, area.h / image.height);
  const double w = image.width * scale;
  const double h = image.height * scale;
  const double x = area.x + (area.w - w) / 2;
  const double y = area.y + (area.h - h) / 2;
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_translate(cr, x, y);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, source.get(), 0, 0);
  cairo_pattern_t* pattern = cairo_get_source(cr);
  cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD);
  cairo_fill(cr);
  cairo_restore(cr);
  return CheckCairo(cr, "drawing the appearance image");
}

// Draws `lines` in one font size, the largest at which they fit `area`; the block is centred
// and its lines left-aligned.
Status DrawText(cairo_t* cr, const CjkFont& font, const std::vector<std::string>& lines,
                uint32_t rgb, const Rect& area) {
  if (area.w <= 0 || area.h <= 0) return OkStatus();
  constexpr double kProbeSize = 100;
  cairo_set_font_face(cr, font.face());
  cairo_set_font_size(cr, kProbeSize);
  double widest = 0;
  for (const std::string& line : lines) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr, line.c_str(), &extents);
    widest = std::max(widest, extents.x_advance);
  }
  HETONG_RETURN_IF_ERROR(CheckCairo(cr, "measuring the appearance text"));
  if (widest <= 0) return OkStatus();
  const double n = static_cast<double>(lines.size());
  const double size = std::min(area.w * kProbeSize / widest, area.h / (n * kLineSpacing));
  const double line_height = size * kLineSpacing;
  const double block_w = widest * size / kProbeSize;
  const double x = area.x + (area.w - block_w) / 2;
  double top = area.y + (area.h - n * line_height) / 2;
  cairo_set_font_size(cr, size);
  cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                       (rgb & 0xFF) / 255.0);
  for (const std::string& line : lines) {
    // Centre the ideographic em box (not the font's taller line box) in the line.
    const double baseline = top + (line_height - size) / 2 + size * kCjkAscent;
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, line.c_str());
    top += line_height;
  }
  return CheckCairo(cr, "drawing the appearance text");
}

Status ValidateSpec(const AppearanceSpec& spec, bool needs_image, bool needs_text) {
  auto bad_size = [](double v) { return !std::isfinite(v) || v <= 0 || v > kMaxPagePoints; };
  if (bad_size(spec.width_pt) || bad_size(spec.height_pt)) {
    return InvalidArgumentError(
        "appearance width and height must be positive numbers of points, at most 14400");
  }
  if (spec.dpi < kMinDpi || spec.dpi > kMaxDpi) {
    return InvalidArgumentError("appearance dpi must be between 36 and 1200");
  }
  if (spec.text_rgb > 0xFFFFFF) {
    return InvalidArgumentError("text colour must be 0xRRGGBB (at most 0xFFFFFF)");
  }
  if (needs_image) {
    if (!spec.image.has_value()) {
      return InvalidArgumentError(
          "this appearance layout needs an image; add one or use the text-only layout");
    }
    HETONG_RETURN_IF_ERROR(ValidateImage(*spec.image, "appearance image"));
  }
  if (needs_text) {
    if (spec.text_lines.size() > AppearanceSpec::kMaxTextLines) {
      return InvalidArgumentError("an appearance takes at most " +
                                  std::to_string(AppearanceSpec::kMaxTextLines) +
                                  " lines of text; shorten the text");
    }
    bool any = false;
    for (size_t i = 0; i < spec.text_lines.size(); ++i) {
      const std::string what = "appearance text line " + std::to_string(i + 1);
      HETONG_ASSIGN_OR_RETURN(std::u32string line, DecodeUtf8Text(spec.text_lines[i], what));
      if (line.size() > AppearanceSpec::kMaxLineLength) {
        return InvalidArgumentError(what + " is longer than " +
                                    std::to_string(AppearanceSpec::kMaxLineLength) +
                                    " characters; split or shorten it");
      }
      any = any || !line.empty();
    }
    if (!any) {
      return InvalidArgumentError(
          "this appearance layout needs text; add a line or use the image-only layout");
    }
  }
  return OkStatus();
}

StatusOr<RgbaImage> Render(const AppearanceSpec& spec) {
  using Layout = AppearanceSpec::Layout;
  const bool needs_image = spec.layout != Layout::kTextOnly;
  const bool needs_text = spec.layout != Layout::kImageOnly;
  if (spec.layout != Layout::kImageOnly && spec.layout != Layout::kTextOnly &&
      spec.layout != Layout::kImageAboveText && spec.layout != Layout::kTextOverImage) {
    return InvalidArgumentError("unknown appearance layout; use one of AppearanceSpec::Layout");
  }
  HETONG_RETURN_IF_ERROR(ValidateSpec(spec, needs_image, needs_text));

  double w = spec.width_pt / 72.0 * spec.dpi;
  double h = spec.height_pt / 72.0 * spec.dpi;
  const double longest = std::max(w, h);
  if (longest > kMaxAppearanceSide) {
    w *= kMaxAppearanceSide / longest;
    h *= kMaxAppearanceSide / longest;
  }
  const int width = std::clamp(static_cast<int>(std::lround(w)), 1, kMaxAppearanceSide);
  const int height = std::clamp(static_cast<int>(std::lround(h)), 1, kMaxAppearanceSide);

  std::optional<CjkFont> font;
  if (needs_text) {
    HETONG_ASSIGN_OR_RETURN(font, CjkFont::Load(CjkFontStyle::kSans));
    for (size_t i = 0; i < spec.text_lines.size(); ++i) {
      const std::string what = "appearance text line " + std::to_string(i + 1);
      HETONG_ASSIGN_OR_RETURN(std::u32string line, DecodeUtf8Text(spec.text_lines[i], what));
      HETONG_RETURN_IF_ERROR(font->CheckCovers(line, what));
    }
  }

  HETONG_ASSIGN_OR_RETURN(CairoSurface surface, NewCanvas(width, height));
  HETONG_ASSIGN_OR_RETURN(CairoContext cr, NewContext(surface.get()));
  const double margin = 0.04 * std::min(width, height);
  const Rect inner{margin, margin, width - 2 * margin, height - 2 * margin};
  Rect image_area = inner;
  Rect text_area = inner;
  if (spec.layout == Layout::kImageAboveText) {
    // The text band takes a fifth of the height per line, at most half of it.
    const double n = static_cast<double>(spec.text_lines.size());
    const double band = inner.h * std::min(0.5, 0.2 * n);
    image_area.h = inner.h - band;
    text_area.y = inner.y + image_area.h;
    text_area.h = band;
  }
  if (needs_image) HETONG_RETURN_IF_ERROR(DrawImage(cr.get(), *spec.image, image_area));
  if (needs_text) {
    HETONG_RETURN_IF_ERROR(DrawText(cr.get(), *font, spec.text_lines, spec.text_rgb, text_area));
  }
  cr.reset();
  return ImageFromSurface(surface.get());
}

}  // namespace

Status ValidateImage(const RgbaImage& image, std::string_view what) {
  if (image.width < 1 || image.height < 1 || image.width > kMaxImageSide ||
      image.height > kMaxImageSide) {
    return InvalidArgumentError(std::string(what) + " must be 1 to " +
                                std::to_string(kMaxImageSide) + " pixels on each side");
  }
  if (image.rgba.size() !=
      static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 4) {
    return InvalidArgumentError(std::string(what) +
                                " has the wrong number of bytes; it needs 4 (RGBA) per pixel");
  }
  return OkStatus();
}

StatusOr<RgbaImage> DecodePng(ByteView png) {
  if (png.empty()) return InvalidArgumentError("the PNG image is empty; provide a PNG file");
  png_image info{};
  info.version = PNG_IMAGE_VERSION;
  PngImageGuard guard(&info);
  if (!png_image_begin_read_from_memory(&info, png.data(), png.size())) {
    return InvalidArgumentError(
        "the data is not a valid PNG image (bad signature or header); provide a PNG file");
  }
  if (info.width < 1 || info.height < 1 || info.width > kMaxImageSide ||
      info.height > kMaxImageSide) {
    return InvalidArgumentError("PNG images larger than " + std::to_string(kMaxImageSide) +
                                " pixels on a side are not accepted; scale the image down");
  }
  info.format = PNG_FORMAT_RGBA;
  RgbaImage image;
  image.width = static_cast<int>(info.width);
  image.height = static_cast<int>(info.height);
  try {
    image.rgba.resize(PNG_IMAGE_SIZE(info));
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
  if (image.rgba.size() != static_cast<size_t>(image.width) * image.height * 4 ||
      !png_image_finish_read(&info, nullptr, image.rgba.data(), 0, nullptr)) {
    return InvalidArgumentError(
        "the PNG image is truncated or corrupt; provide the complete PNG file");
  }
  return image;
}

StatusOr<Bytes> EncodePng(const RgbaImage& image) {
  HETONG_RETURN_IF_ERROR(ValidateImage(image));
  try {
    const size_t pixels = static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
    bool opaque = true;
    for (size_t i = 0; i < pixels && opaque; ++i) opaque = image.rgba[i * 4 + 3] == 255;
    Bytes rgb;
    const uint8_t* samples = image.rgba.data();
    png_image info{};
    info.version = PNG_IMAGE_VERSION;
    info.width = static_cast<png_uint_32>(image.width);
    info.height = static_cast<png_uint_32>(image.height);
    info.format = PNG_FORMAT_RGBA;
    if (opaque) {
      rgb.resize(pixels * 3);
      for (size_t i = 0; i < pixels; ++i) std::copy_n(&image.rgba[i * 4], 3, &rgb[i * 3]);
      samples = rgb.data();
      info.format = PNG_FORMAT_RGB;
    }
    PngImageGuard guard(&info);
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&info, nullptr, &size, 0, samples, 0, nullptr)) {
      return InternalError("libpng could not encode the image");
    }
    Bytes out(size);
    if (!png_image_write_to_memory(&info, out.data(), &size, 0, samples, 0, nullptr)) {
      return InternalError("libpng could not encode the image");
    }
    out.resize(size);
    return out;
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

StatusOr<RgbaImage> RenderAppearance(const AppearanceSpec& spec) {
  try {
    return Render(spec);
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

StatusOr<PdfImage> ToPdfImage(const RgbaImage& image) {
  HETONG_RETURN_IF_ERROR(ValidateImage(image));
  try {
    const size_t pixels = static_cast<size_t>(image.width) * static_cast<size_t>(image.height);
    Bytes rgb(pixels * 3);
    Bytes alpha(pixels);
    bool has_alpha = false;
    for (size_t i = 0; i < pixels; ++i) {
      std::copy_n(&image.rgba[i * 4], 3, &rgb[i * 3]);
      alpha[i] = image.rgba[i * 4 + 3];
      has_alpha = has_alpha || alpha[i] != 255;
    }
    PdfImage out;
    out.width = image.width;
    out.height = image.height;
    out.has_alpha = has_alpha;
    HETONG_ASSIGN_OR_RETURN(out.rgb_deflated, Deflate(rgb));
    if (has_alpha) {
      HETONG_ASSIGN_OR_RETURN(out.alpha_deflated, Deflate(alpha));
    }
    return out;
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

}  // namespace hetong::document::pdf
