#include "seal/seal_image.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <numbers>
#include <string>
#include <string_view>

#include "document/pdf/appearance_cairo.h"

namespace hetong::seal {
namespace {

using document::pdf::CairoContext;
using document::pdf::CairoSurface;
using document::pdf::CheckCairo;
using document::pdf::CjkFont;
using document::pdf::CjkFontStyle;
using document::pdf::DecodeUtf8Text;
using document::pdf::EncodeUtf8;
using document::pdf::ImageFromSurface;
using document::pdf::kCjkAscent;
using document::pdf::NewCanvas;
using document::pdf::NewContext;
using document::pdf::RgbaImage;

constexpr double kPi = std::numbers::pi;
constexpr double kDegree = kPi / 180;

Status OutOfMemory() {
  return ResourceExhaustedError("not enough memory for the seal image; use a smaller size");
}

Status ValidateLook(int size_px, int min_size, uint32_t rgb) {
  if (size_px < min_size || size_px > kMaxSealSize) {
    return InvalidArgumentError("seal size must be " + std::to_string(min_size) + " to " +
                                std::to_string(kMaxSealSize) + " pixels");
  }
  if (rgb > 0xFFFFFF) {
    return InvalidArgumentError("seal colour must be 0xRRGGBB (at most 0xFFFFFF)");
  }
  return OkStatus();
}

bool IsHan(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

// ---- deterministic ink texture ---------------------------------------------------------

uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A uniform value in [0, 1) that depends only on (seed, a, b).
double Hash01(uint64_t seed, uint64_t a, uint64_t b) {
  const uint64_t h = SplitMix64(seed ^ SplitMix64(a * 0x632be59bd9b4e019ULL + b));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

// Smooth value noise in [0, 1): random values on a grid of `cell`-pixel squares,
// interpolated with a smoothstep.
double ValueNoise(uint64_t seed, double x, double y, double cell) {
  const double gx = x / cell;
  const double gy = y / cell;
  const double fx = std::floor(gx);
  const double fy = std::floor(gy);
  const auto ix = static_cast<uint64_t>(fx);
  const auto iy = static_cast<uint64_t>(fy);
  auto smooth = [](double t) { return t * t * (3 - 2 * t); };
  const double tx = smooth(gx - fx);
  const double ty = smooth(gy - fy);
  const double v00 = Hash01(seed, ix, iy);
  const double v10 = Hash01(seed, ix + 1, iy);
  const double v01 = Hash01(seed, ix, iy + 1);
  const double v11 = Hash01(seed, ix + 1, iy + 1);
  return (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
}

// Turns the rendered coverage into the final image: every pixel gets the ink colour, and
// its alpha is the coverage times an uneven ink density (blotches of lighter ink, a few
// worn spots and a fine grain), as a real impression on paper has.
void ApplyInk(RgbaImage& image, uint32_t rgb, std::string_view seed_text) {
  const uint64_t seed = Fnv1a64(seed_text);
  const double size = image.width;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      uint8_t* p = &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4];
      const double coverage = p[3] / 255.0;
      p[0] = static_cast<uint8_t>(rgb >> 16);
      p[1] = static_cast<uint8_t>(rgb >> 8);
      p[2] = static_cast<uint8_t>(rgb);
      if (coverage == 0) {
        p[3] = 0;
        continue;
      }
      const double broad = ValueNoise(seed, x, y, size / 5);
      const double blotch = ValueNoise(seed + 1, x, y, size / 28);
      const double grain = Hash01(seed + 2, static_cast<uint64_t>(x), static_cast<uint64_t>(y));
      double density = 0.80 + 0.12 * broad + 0.08 * blotch - 0.10 * grain;
      // Worn spots where the fine noise peaks.
      const double wear = ValueNoise(seed + 3, x, y, size / 60);
      if (wear > 0.82) density -= (wear - 0.82) * 2.2;
      density = std::clamp(density, 0.35, 1.0);
      p[3] = static_cast<uint8_t>(std::lround(255 * coverage * density));
    }
  }
}

// ---- drawing ---------------------------------------------------------------------------

// Fills the path built so far and strokes its outline `embolden` wide (in device pixels),
// which thickens the thin strokes of a Song face the way a carved seal does.
void FillEmboldened(cairo_t* cr, double embolden) {
  if (embolden <= 0) {
    cairo_fill(cr);
    return;
  }
  cairo_save(cr);
  cairo_identity_matrix(cr);
  cairo_fill_preserve(cr);
  cairo_set_line_width(cr, embolden);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
  cairo_restore(cr);
}

// Adds the outline of `cp` to the path with its em box centred at the current origin (after
// the caller's transform).
void CenteredGlyphPath(cairo_t* cr, char32_t cp, double font_size) {
  const std::string utf8 = EncodeUtf8(cp);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, utf8.c_str(), &extents);
  cairo_move_to(cr, -extents.x_advance / 2, font_size * (kCjkAscent - 0.5));
  cairo_text_path(cr, utf8.c_str());
}

// Advance width of `cp` at font size 1.
double Advance(cairo_t* cr, char32_t cp) {
  cairo_save(cr);
  cairo_set_font_size(cr, 1000);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, EncodeUtf8(cp).c_str(), &extents);
  cairo_restore(cr);
  return extents.x_advance / 1000;
}

void Star(cairo_t* cr, double cx, double cy, double outer) {
  // A regular five-pointed star: inner radius = outer * sin(18°) / sin(126°).
  const double inner = outer * std::sin(18 * kDegree) / std::sin(126 * kDegree);
  for (int i = 0; i < 10; ++i) {
    const double angle = i * 36 * kDegree;  // clockwise from 12 o'clock
    const double r = (i % 2 == 0) ? outer : inner;
    const double x = cx + r * std::sin(angle);
    const double y = cy - r * std::cos(angle);
    if (i == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
  }
  cairo_close_path(cr);
  cairo_fill(cr);
}

// Lays `text` along a circle of radius `radius` around (cx, cy), one character per `step`
// radians, the first at angle `start` (clockwise from 12 o'clock). With `upper`, characters
// go clockwise with their tops outwards; otherwise counter-clockwise with tops inwards.
// Each glyph is set at font size `height`, squeezed horizontally to `width` at most and
// thickened by `embolden` pixels.
void ArcText(cairo_t* cr, std::u32string_view text, double cx, double cy, double radius,
             double start, double step, double height, double width, bool upper, double embolden) {
  const double font_size = height;
  cairo_set_font_size(cr, font_size);
  for (size_t i = 0; i < text.size(); ++i) {
    const double angle =
        upper ? start + step * static_cast<double>(i) : start - step * static_cast<double>(i);
    const double advance = Advance(cr, text[i]) * font_size;
    const double squeeze = advance > width ? width / advance : 1.0;
    cairo_save(cr);
    cairo_translate(cr, cx + radius * std::sin(angle), cy - radius * std::cos(angle));
    cairo_rotate(cr, upper ? angle : angle - kPi);
    cairo_scale(cr, squeeze, 1.0);
    CenteredGlyphPath(cr, text[i], font_size);
    cairo_restore(cr);  // the path stays, in device space
    FillEmboldened(cr, embolden);
  }
}

struct CompanyText {
  std::u32string organization;
  std::u32string center_text;
  std::u32string seal_code;
};

StatusOr<CompanyText> ValidateCompany(const CompanySealSpec& spec, const CjkFont& serif,
                                      const CjkFont& sans) {
  CompanyText text;
  HETONG_ASSIGN_OR_RETURN(text.organization,
                          DecodeUtf8Text(spec.organization, "the organisation name"));
  const bool blank = std::all_of(text.organization.begin(), text.organization.end(),
                                 [](char32_t c) { return c == U' ' || c == U'\u3000'; });
  if (blank) {
    return InvalidArgumentError("the organisation name is empty; give the registered name");
  }
  if (text.organization.size() > CompanySealSpec::kMaxOrganizationLength) {
    return InvalidArgumentError("the organisation name is longer than " +
                                std::to_string(CompanySealSpec::kMaxOrganizationLength) +
                                " characters; use the short registered name");
  }
  HETONG_RETURN_IF_ERROR(serif.CheckCovers(text.organization, "the organisation name"));
  HETONG_ASSIGN_OR_RETURN(text.center_text, DecodeUtf8Text(spec.center_text, "the seal title"));
  if (text.center_text.size() > CompanySealSpec::kMaxCenterTextLength) {
    return InvalidArgumentError("the seal title is longer than " +
                                std::to_string(CompanySealSpec::kMaxCenterTextLength) +
                                " characters; use a title such as 合同专用章");
  }
  HETONG_RETURN_IF_ERROR(serif.CheckCovers(text.center_text, "the seal title"));
  if (!spec.seal_code.empty()) {
    const bool digits = std::all_of(spec.seal_code.begin(), spec.seal_code.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || spec.seal_code.size() != CompanySealSpec::kSealCodeLength) {
      return InvalidArgumentError("the seal code must be empty or exactly 13 digits (0-9)");
    }
    text.seal_code.assign(spec.seal_code.begin(), spec.seal_code.end());
    HETONG_RETURN_IF_ERROR(sans.CheckCovers(text.seal_code, "the seal code"));
  }
  return text;
}

StatusOr<RgbaImage> Company(const CompanySealSpec& spec) {
  HETONG_RETURN_IF_ERROR(ValidateLook(spec.size_px, kMinCompanySealSize, spec.rgb));
  HETONG_ASSIGN_OR_RETURN(CjkFont serif, CjkFont::Load(CjkFontStyle::kSerifBold));
  HETONG_ASSIGN_OR_RETURN(CjkFont sans, CjkFont::Load(CjkFontStyle::kSans));
  HETONG_ASSIGN_OR_RETURN(CompanyText text, ValidateCompany(spec, serif, sans));

  const int size = spec.size_px;
  HETONG_ASSIGN_OR_RETURN(CairoSurface surface, NewCanvas(size, size));
  HETONG_ASSIGN_OR_RETURN(CairoContext owned_cr, NewContext(surface.get()));
  cairo_t* cr = owned_cr.get();
  cairo_set_source_rgba(cr, 0, 0, 0, 1);  // coverage only; ApplyInk sets the colour

  const double c = size / 2.0;
  const double outer = size / 2.0 * 0.97;  // keep the ink texture off the image edge
  const double ring = 2 * outer / 30;      // about 1/30 of the diameter
  const double inside = outer - ring;      // inner edge of the ring
  cairo_set_line_width(cr, ring);
  cairo_arc(cr, c, c, outer - ring / 2, 0, 2 * kPi);
  cairo_stroke(cr);

  // The name: characters about 0.27 of the radius tall, a small gap inside the ring,
  // evenly spread over up to 240°, narrowed (down to 60% of their height) to fit, and
  // made smaller only when even that is not enough.
  cairo_set_font_face(cr, serif.face());
  const auto n = static_cast<double>(text.organization.size());
  const double span = std::min(240.0, 34.0 * n) * kDegree;
  const double step = span / n;
  const double gap = outer * 0.05;
  double height = outer * 0.27;
  double radius = inside - gap - height / 2;
  double width = std::min(height, radius * step * 0.90);
  if (width < 0.6 * height) {
    // Solve width = 0.6 * height with radius = inside - gap - height / 2.
    height = (inside - gap) * step * 0.90 / (0.6 + step * 0.90 / 2);
    radius = inside - gap - height / 2;
    width = 0.6 * height;
  }
  ArcText(cr, text.organization, c, c, radius, -span / 2 + step / 2, step, height / 0.92, width,
          /*upper=*/true, /*embolden=*/height * 0.03);

  Star(cr, c, c, outer * 0.31);

  if (!text.center_text.empty()) {
    // The title: one line under the star, characters about 0.19 of the radius tall,
    // narrowed when the line would be wider than the radius.
    const double font_size = outer * 0.19 / 0.92;
    const double max_width = outer * 1.05;
    double advance = 0;
    for (char32_t cp : text.center_text) advance += Advance(cr, cp) * font_size;
    const double squeeze = advance > max_width ? max_width / advance : 1.0;
    cairo_save(cr);
    cairo_translate(cr, c, c + outer * 0.50);
    cairo_scale(cr, squeeze, 1.0);
    cairo_set_font_size(cr, font_size);
    cairo_move_to(cr, -advance / 2, font_size * (kCjkAscent - 0.5));
    cairo_text_path(cr, spec.center_text.c_str());
    cairo_restore(cr);
    FillEmboldened(cr, font_size * 0.03);
  }

  if (!text.seal_code.empty()) {
    cairo_set_font_face(cr, sans.face());
    // The code: small digits, 0.1 of the radius tall, reading left to right.
    const double digit_height = outer * 0.10;
    const double digit_radius = inside - gap * 0.8 - digit_height / 2;
    const double digit_step = outer * 0.078 / digit_radius;
    const double code_span = digit_step * static_cast<double>(text.seal_code.size());
    ArcText(cr, text.seal_code, c, c, digit_radius, kPi + code_span / 2 - digit_step / 2,
            digit_step, digit_height / 0.72, outer * 0.068, /*upper=*/false, /*embolden=*/0);
  }
  HETONG_RETURN_IF_ERROR(CheckCairo(cr, "drawing the company seal"));
  owned_cr.reset();
  HETONG_ASSIGN_OR_RETURN(RgbaImage image, ImageFromSurface(surface.get()));
  ApplyInk(image, spec.rgb, spec.organization);
  return image;
}

StatusOr<RgbaImage> Personal(const PersonalSealSpec& spec) {
  HETONG_RETURN_IF_ERROR(ValidateLook(spec.size_px, kMinPersonalSealSize, spec.rgb));
  HETONG_ASSIGN_OR_RETURN(std::u32string chars, PersonalSealCharacters(spec.name));
  HETONG_ASSIGN_OR_RETURN(CjkFont font, CjkFont::Load(CjkFontStyle::kSerifBold));
  HETONG_RETURN_IF_ERROR(font.CheckCovers(chars, "the name"));

  const int size = spec.size_px;
  HETONG_ASSIGN_OR_RETURN(CairoSurface surface, NewCanvas(size, size));
  HETONG_ASSIGN_OR_RETURN(CairoContext owned_cr, NewContext(surface.get()));
  cairo_t* cr = owned_cr.get();
  cairo_set_source_rgba(cr, 0, 0, 0, 1);

  const double margin = size * 0.03;
  const double side = size - 2 * margin;
  const double border = side / 13;
  cairo_set_line_width(cr, border);
  cairo_rectangle(cr, margin + border / 2, margin + border / 2, side - border, side - border);
  cairo_stroke(cr);

  // Four cells inside the border; columns right to left, each top to bottom.
  const double pad = side * 0.035;
  const double split = side * 0.025;
  const double inner = side - 2 * border - 2 * pad;
  const double cell = (inner - split) / 2;
  const double origin = margin + border + pad;
  cairo_set_font_face(cr, font.face());
  const double font_size = cell;
  cairo_set_font_size(cr, font_size);
  for (size_t i = 0; i < 4; ++i) {
    const int column = i < 2 ? 1 : 0;
    const int row = static_cast<int>(i % 2);
    const double cx = origin + column * (cell + split) + cell / 2;
    const double cy = origin + row * (cell + split) + cell / 2;
    const std::string utf8 = EncodeUtf8(chars[i]);
    cairo_text_extents_t ink;
    cairo_text_extents(cr, utf8.c_str(), &ink);
    if (ink.width <= 0 || ink.height <= 0) continue;
    // Stretch the ink to fill the cell, but not so much that a thin character (一, 三)
    // turns into a block.
    const double embolden = cell * 0.035;
    const double fill = cell - embolden;
    const double sx = std::clamp(fill / ink.width, 0.6, 1.4);
    const double sy = std::clamp(fill / ink.height, 0.6, 1.4);
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_scale(cr, sx, sy);
    cairo_move_to(cr, -(ink.x_bearing + ink.width / 2), -(ink.y_bearing + ink.height / 2));
    cairo_text_path(cr, utf8.c_str());
    cairo_restore(cr);
    FillEmboldened(cr, embolden);
  }
  HETONG_RETURN_IF_ERROR(CheckCairo(cr, "drawing the personal seal"));
  owned_cr.reset();
  HETONG_ASSIGN_OR_RETURN(RgbaImage image, ImageFromSurface(surface.get()));
  ApplyInk(image, spec.rgb, spec.name);
  return image;
}

}  // namespace

StatusOr<std::u32string> PersonalSealCharacters(std::string_view name) {
  HETONG_ASSIGN_OR_RETURN(std::u32string chars, DecodeUtf8Text(name, "the name"));
  if (chars.size() < 2 || chars.size() > 4 || !std::all_of(chars.begin(), chars.end(), IsHan)) {
    return InvalidArgumentError(
        "a personal seal needs a name of 2 to 4 Chinese characters; use the registered name");
  }
  if (chars.size() == 2) chars += U"之印";
  if (chars.size() == 3) chars += U"印";
  return chars;
}

StatusOr<RgbaImage> RenderCompanySeal(const CompanySealSpec& spec) {
  try {
    return Company(spec);
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

StatusOr<RgbaImage> RenderPersonalSeal(const PersonalSealSpec& spec) {
  try {
    return Personal(spec);
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  }
}

}  // namespace hetong::seal
