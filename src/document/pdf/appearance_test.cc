#include "document/pdf/appearance.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

#include "document/pdf/appearance_cairo.h"
#include "testing/testing.h"

// fontconfig keeps the configuration it parses in FcInit for the life of the process in a
// form that LeakSanitizer reports as leaked (288 bytes; FcFini would free it, but is not safe
// while cairo holds fonts). Not a leak of ours; suppressed for this test binary.
extern "C" const char* __lsan_default_suppressions() {  // NOLINT: the sanitizer hook name
  return "leak:libfontconfig.so\n";
}

namespace hetong::document::pdf {
namespace {

// ---- helpers ---------------------------------------------------------------------------

RgbaImage Solid(int width, int height, uint32_t rgb, uint8_t alpha = 255) {
  RgbaImage image{width, height, {}};
  for (int i = 0; i < width * height; ++i) {
    image.rgba.push_back(static_cast<uint8_t>(rgb >> 16));
    image.rgba.push_back(static_cast<uint8_t>(rgb >> 8));
    image.rgba.push_back(static_cast<uint8_t>(rgb));
    image.rgba.push_back(alpha);
  }
  return image;
}

const uint8_t* Pixel(const RgbaImage& image, int x, int y) {
  return &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4];
}

// Counts the pixels in rows [y0, y1) for which `pred(r, g, b, a)` holds.
template <typename Pred>
int Count(const RgbaImage& image, int y0, int y1, Pred pred) {
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = Pixel(image, x, y);
      if (pred(p[0], p[1], p[2], p[3])) ++n;
    }
  }
  return n;
}

bool IsRed(int r, int g, int b, int a) { return a > 200 && r > 200 && g < 60 && b < 60; }
bool IsDark(int r, int g, int b, int a) { return a > 128 && r < 90 && g < 90 && b < 90; }
bool IsVisible(int, int, int, int a) { return a > 0; }

Bytes Inflate(const Bytes& deflated, size_t expected_size) {
  Bytes out(expected_size + 16);
  uLongf size = out.size();
  EXPECT_EQ(uncompress(out.data(), &size, deflated.data(), deflated.size()), Z_OK);
  out.resize(size);
  return out;
}

// A PNG built chunk by chunk, so that colour types and bit depths that EncodePng never
// writes (and broken files) can be tested without external tools.
void AppendChunk(Bytes& png, const char* type, const Bytes& data) {
  AppendU32Be(png, static_cast<uint32_t>(data.size()));
  Bytes body(type, type + 4);
  Append(body, data);
  Append(png, body);
  AppendU32Be(png, static_cast<uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
}

Bytes MakePng(uint32_t width, uint32_t height, uint8_t bit_depth, uint8_t color_type,
              const Bytes& scanlines, const std::vector<std::pair<const char*, Bytes>>& extra) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  AppendU32Be(ihdr, width);
  AppendU32Be(ihdr, height);
  Append(ihdr, Bytes{bit_depth, color_type, 0, 0, 0});
  AppendChunk(png, "IHDR", ihdr);
  for (const auto& [type, data] : extra) AppendChunk(png, type, data);
  Bytes idat(compressBound(static_cast<uLong>(scanlines.size())));
  uLongf size = idat.size();
  EXPECT_EQ(compress(idat.data(), &size, scanlines.data(), scanlines.size()), Z_OK);
  idat.resize(size);
  AppendChunk(png, "IDAT", idat);
  AppendChunk(png, "IEND", {});
  return png;
}

cairo_status_t CollectPng(void* closure, const unsigned char* data, unsigned int length) {
  Append(*static_cast<Bytes*>(closure), ByteView(data, length));
  return CAIRO_STATUS_SUCCESS;
}

// ---- PNG -------------------------------------------------------------------------------

TEST(PngTest, RoundTripKeepsEveryByte) {
  RgbaImage image{37, 23, {}};
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      image.rgba.push_back(static_cast<uint8_t>(x * 7));
      image.rgba.push_back(static_cast<uint8_t>(y * 11));
      image.rgba.push_back(static_cast<uint8_t>(x * y));
      image.rgba.push_back(static_cast<uint8_t>(255 - x * 3 - y));
    }
  }
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok()) << png.status();
  auto decoded = DecodePng(*png);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->width, 37);
  EXPECT_EQ(decoded->height, 23);
  EXPECT_EQ(decoded->rgba, image.rgba);
}

TEST(PngTest, OpaqueImageIsWrittenAsRgb) {
  RgbaImage image = Solid(5, 4, 0x123456);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok()) << png.status();
  ASSERT_GT(png->size(), 26u);
  EXPECT_EQ((*png)[25], 2) << "IHDR colour type should be truecolour without alpha";
  auto decoded = DecodePng(*png);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->rgba, image.rgba);
}

TEST(PngTest, DecodesPngWrittenByCairo) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 20, 10);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgba(cr, 1, 0, 0, 1);
  cairo_rectangle(cr, 0, 0, 10, 10);
  cairo_fill(cr);
  cairo_set_source_rgba(cr, 0, 0, 1, 0.5);
  cairo_rectangle(cr, 10, 0, 10, 10);
  cairo_fill(cr);
  cairo_destroy(cr);
  Bytes png;
  ASSERT_EQ(cairo_surface_write_to_png_stream(surface, CollectPng, &png), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);

  auto image = DecodePng(png);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->width, 20);
  ASSERT_EQ(image->height, 10);
  const uint8_t* red = Pixel(*image, 3, 3);
  EXPECT_EQ(red[0], 255);
  EXPECT_EQ(red[1], 0);
  EXPECT_EQ(red[2], 0);
  EXPECT_EQ(red[3], 255);
  const uint8_t* blue = Pixel(*image, 15, 5);
  EXPECT_EQ(blue[0], 0);
  EXPECT_NEAR(blue[2], 255, 2);  // cairo stores premultiplied 128/128
  EXPECT_NEAR(blue[3], 128, 1);
}

TEST(PngTest, DecodesOneBitGrey) {
  // 8x2, filter byte 0 per row: row 0 = 10101010, row 1 = 01010101.
  Bytes png = MakePng(8, 2, 1, 0, {0, 0xAA, 0, 0x55}, {});
  auto image = DecodePng(png);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 8);
  EXPECT_EQ(Pixel(*image, 0, 0)[0], 255);
  EXPECT_EQ(Pixel(*image, 1, 0)[0], 0);
  EXPECT_EQ(Pixel(*image, 0, 1)[1], 0);
  EXPECT_EQ(Pixel(*image, 1, 1)[2], 255);
  EXPECT_EQ(Pixel(*image, 1, 1)[3], 255);
}

TEST(PngTest, DecodesPaletteWithTransparency) {
  // 4x1, 2 bits per index: indexes 0, 1, 2, 3.
  Bytes plte = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
  Bytes trns = {0, 128};
  Bytes png = MakePng(4, 1, 2, 3, {0, 0x1B}, {{"PLTE", plte}, {"tRNS", trns}});
  auto image = DecodePng(png);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(Pixel(*image, 0, 0)[3], 0);
  EXPECT_EQ(Pixel(*image, 1, 0)[1], 255);
  EXPECT_EQ(Pixel(*image, 1, 0)[3], 128);
  EXPECT_EQ(Pixel(*image, 2, 0)[2], 255);
  EXPECT_EQ(Pixel(*image, 2, 0)[3], 255);
  EXPECT_EQ(Pixel(*image, 3, 0)[0], 255);
}

TEST(PngTest, DecodesSixteenBitRgbAndGreyAlpha) {
  Bytes rgb16 = MakePng(2, 1, 16, 2, {0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}, {});
  auto image = DecodePng(rgb16);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(Pixel(*image, 0, 0)[0], 255);
  EXPECT_EQ(Pixel(*image, 0, 0)[1], 0);
  EXPECT_EQ(Pixel(*image, 1, 0)[1], 255);
  EXPECT_EQ(Pixel(*image, 1, 0)[3], 255);

  Bytes grey_alpha = MakePng(1, 1, 8, 4, {0, 200, 255}, {});
  image = DecodePng(grey_alpha);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(Pixel(*image, 0, 0)[0], 200);
  EXPECT_EQ(Pixel(*image, 0, 0)[3], 255);
}

TEST(PngTest, RejectsGarbageWithoutCrashing) {
  EXPECT_EQ(DecodePng({}).status().code(), StatusCode::kInvalidArgument);
  const Bytes junk = ToBytes("this is not a PNG file at all, just text");
  EXPECT_EQ(DecodePng(junk).status().code(), StatusCode::kInvalidArgument);
  const Bytes signature_only = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  EXPECT_EQ(DecodePng(signature_only).status().code(), StatusCode::kInvalidArgument);
}

TEST(PngTest, RejectsEveryTruncation) {
  RgbaImage image = Solid(16, 16, 0x00FF00, 200);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  // Every prefix that cuts into the image data must fail; cutting only the trailing IEND
  // chunk may be tolerated, but must then give the right pixels.
  for (size_t n = 0; n < png->size(); ++n) {
    auto decoded = DecodePng(ByteView(png->data(), n));
    if (n < png->size() - 12) {
      EXPECT_FALSE(decoded.ok()) << "prefix of " << n << " bytes";
    } else if (decoded.ok()) {
      EXPECT_EQ(decoded->rgba, image.rgba);
    }
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(PngTest, RejectsCorruption) {
  RgbaImage image = Solid(16, 16, 0x336699, 77);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  // A bad IHDR CRC.
  Bytes broken = *png;
  broken[29] ^= 0x01;
  EXPECT_EQ(DecodePng(broken).status().code(), StatusCode::kInvalidArgument);
  // Flipped bytes inside the image data chunk (CRC and Adler-32 no longer match). A broken
  // ancillary chunk (sRGB) is dropped by libpng, as the PNG specification allows.
  const std::string idat = "IDAT";
  const auto it = std::search(png->begin(), png->end(), idat.begin(), idat.end());
  ASSERT_NE(it, png->end());
  const auto idat_data = static_cast<size_t>(it - png->begin()) + 4;
  for (size_t offset = idat_data; offset < png->size() - 12; offset += 3) {
    broken = *png;
    broken[offset] ^= 0x5A;
    auto decoded = DecodePng(broken);
    EXPECT_FALSE(decoded.ok()) << "flip at " << offset;
  }
  // Valid compressed data, too short for the declared size.
  Bytes short_data = MakePng(4, 4, 8, 6, {0, 1, 2, 3, 4}, {});
  EXPECT_EQ(DecodePng(short_data).status().code(), StatusCode::kInvalidArgument);
}

TEST(PngTest, RejectsHugeDimensions) {
  Bytes huge = MakePng(9000, 1, 1, 0, {0, 0}, {});
  auto decoded = DecodePng(huge);
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("8192"), std::string::npos);
}

TEST(PngTest, EncodeRejectsMalformedImages) {
  EXPECT_EQ(EncodePng(RgbaImage{}).status().code(), StatusCode::kInvalidArgument);
  RgbaImage short_buffer = Solid(4, 4, 0);
  short_buffer.rgba.pop_back();
  EXPECT_EQ(EncodePng(short_buffer).status().code(), StatusCode::kInvalidArgument);
  RgbaImage negative{-1, 4, {}};
  EXPECT_EQ(EncodePng(negative).status().code(), StatusCode::kInvalidArgument);
  RgbaImage too_wide{kMaxImageSide + 1, 1, Bytes(static_cast<size_t>(kMaxImageSide + 1) * 4)};
  EXPECT_EQ(EncodePng(too_wide).status().code(), StatusCode::kInvalidArgument);
}

// ---- cairo helpers ---------------------------------------------------------------------

TEST(Utf8Test, DecodesAndRejects) {
  auto ok = DecodeUtf8Text("签署人：张三 A1", "text");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, U"签署人：张三 A1");
  for (const std::string& bad :
       {std::string("\xC0\x80"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
        std::string("\xE5\xBC"), std::string("\x80"), std::string("a\tb"), std::string("a\nb"),
        std::string("\xC2\x85"), std::string("x\0y", 3)}) {
    auto decoded = DecodeUtf8Text(bad, "the name");
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("the name"), std::string::npos);
  }
  EXPECT_EQ(
      EncodeUtf8(U'张') + EncodeUtf8(U'A') + EncodeUtf8(U'\u00e9') + EncodeUtf8(U'\U00020000'),
      "张Aé\xF0\xA0\x80\x80");
}

TEST(CairoHelpersTest, SurfaceRoundTrip) {
  RgbaImage image{3, 1, {10, 20, 30, 255, 200, 100, 50, 128, 1, 2, 3, 0}};
  auto surface = SurfaceFromImage(image);
  ASSERT_TRUE(surface.ok()) << surface.status();
  auto back = ImageFromSurface(surface->get());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(Pixel(*back, 0, 0)[0], 10);
  EXPECT_EQ(Pixel(*back, 0, 0)[2], 30);
  EXPECT_NEAR(Pixel(*back, 1, 0)[0], 200, 2);
  EXPECT_NEAR(Pixel(*back, 1, 0)[2], 50, 2);
  EXPECT_EQ(Pixel(*back, 1, 0)[3], 128);
  EXPECT_EQ(Pixel(*back, 2, 0)[3], 0);
  EXPECT_EQ(NewCanvas(0, 5).status().code(), StatusCode::kInvalidArgument);
}

TEST(CairoHelpersTest, FindsCjkFont) {
  for (CjkFontStyle style :
       {CjkFontStyle::kSans, CjkFontStyle::kSansBold, CjkFontStyle::kSerifBold}) {
    auto font = CjkFont::Load(style);
    ASSERT_TRUE(font.ok()) << font.status();
    EXPECT_TRUE(font->HasGlyph(U'张'));
    EXPECT_TRUE(font->CheckCovers(U"北京某某科技有限公司 0123", "name").ok());
    EXPECT_EQ(font->CheckCovers(U"\U0010FFFD", "name").code(), StatusCode::kInvalidArgument);
  }
}

// ---- RenderAppearance ------------------------------------------------------------------

AppearanceSpec SignatureSpec() {
  AppearanceSpec spec;
  spec.image = Solid(40, 20, 0xFF0000);
  spec.text_lines = {"签署人：张三", "2024-05-01 10:30"};
  spec.width_pt = 150;
  spec.height_pt = 60;
  spec.dpi = 144;
  spec.layout = AppearanceSpec::Layout::kImageAboveText;
  return spec;
}

TEST(RenderAppearanceTest, ImageAboveChineseText) {
  auto image = RenderAppearance(SignatureSpec());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->width, 300);
  ASSERT_EQ(image->height, 120);
  ASSERT_EQ(image->rgba.size(), 300u * 120 * 4);
  // Margin 4.8 px; the text band is 40% of the inner 110.4 px: y from about 71 to 115.
  const int split = 70;
  EXPECT_GT(Count(*image, 0, split, IsRed), 132 * 60);  // 2:1 image scaled to ~132x66
  EXPECT_EQ(Count(*image, split + 2, image->height, IsRed), 0);
  EXPECT_GT(Count(*image, split + 2, image->height, IsDark), 300);
  EXPECT_EQ(Count(*image, 0, split - 2, IsDark), 0);
  // The corners stay transparent.
  EXPECT_EQ(Pixel(*image, 0, 0)[3], 0);
  EXPECT_EQ(Pixel(*image, 299, 119)[3], 0);
  EXPECT_EQ(Pixel(*image, 0, 119)[3], 0);

  auto png = EncodePng(*image);
  ASSERT_TRUE(png.ok());
  testing::TempDir dir;
  dir.Write("appearance.png", *png);
  // To look at the picture: HETONG_TEST_IMAGE_DIR=/some/dir ./document_test
  if (const char* keep = std::getenv("HETONG_TEST_IMAGE_DIR"); keep != nullptr && *keep) {
    std::ofstream(std::string(keep) + "/appearance.png", std::ios::binary)
        .write(reinterpret_cast<const char*>(png->data()),
               static_cast<std::streamsize>(png->size()));
  }
}

TEST(RenderAppearanceTest, TextOnlyUsesTextColour) {
  AppearanceSpec spec = SignatureSpec();
  spec.layout = AppearanceSpec::Layout::kTextOnly;
  spec.image.reset();
  spec.text_rgb = 0x0000FF;
  auto image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  const int blue = Count(*image, 0, image->height, [](int r, int g, int b, int a) {
    return a > 200 && b > 200 && r < 40 && g < 40;
  });
  EXPECT_GT(blue, 500);
  EXPECT_EQ(Count(*image, 0, image->height, IsRed), 0);
  // Both lines are drawn: ink in the upper and in the lower half.
  EXPECT_GT(Count(*image, 0, 60, IsVisible), 200);
  EXPECT_GT(Count(*image, 60, 120, IsVisible), 200);
}

TEST(RenderAppearanceTest, ImageOnlyAndTextOverImage) {
  AppearanceSpec spec = SignatureSpec();
  spec.layout = AppearanceSpec::Layout::kImageOnly;
  spec.text_lines.clear();
  auto image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_GT(Count(*image, 0, image->height, IsRed), 200 * 100);
  EXPECT_EQ(Count(*image, 0, image->height, IsDark), 0);

  spec = SignatureSpec();
  spec.layout = AppearanceSpec::Layout::kTextOverImage;
  image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_GT(Count(*image, 0, image->height, IsRed), 100 * 50);
  EXPECT_GT(Count(*image, 0, image->height, IsDark), 300);
}

TEST(RenderAppearanceTest, CapsCanvasSize) {
  AppearanceSpec spec = SignatureSpec();
  spec.width_pt = 5000;
  spec.height_pt = 100;
  spec.dpi = 1200;
  auto image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, kMaxAppearanceSide);
  EXPECT_EQ(image->height, 82);  // 100/5000 of 4096
}

TEST(RenderAppearanceTest, SurvivesExtremeProportions) {
  AppearanceSpec spec = SignatureSpec();
  spec.width_pt = 0.01;
  spec.height_pt = 0.01;
  spec.dpi = 36;
  auto image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 1);
  EXPECT_EQ(image->height, 1);

  spec = SignatureSpec();
  spec.image = Solid(kMaxImageSide, 1, 0xFF0000);
  spec.text_lines.assign(AppearanceSpec::kMaxTextLines, std::string(128, 'W'));
  image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 300);

  spec.image = Solid(1, kMaxImageSide, 0x00FF00, 3);
  spec.width_pt = 14400;
  spec.height_pt = 1;
  spec.dpi = 1200;
  image = RenderAppearance(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, kMaxAppearanceSide);
}

TEST(RenderAppearanceTest, RejectsBadSpecs) {
  auto expect_invalid = [](const AppearanceSpec& spec) {
    auto image = RenderAppearance(spec);
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument) << image.status();
    EXPECT_EQ(image.status().message().find("CANARY"), std::string::npos);
  };
  AppearanceSpec spec = SignatureSpec();
  spec.width_pt = 0;
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.height_pt = std::numeric_limits<double>::quiet_NaN();
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.width_pt = 1e9;
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.dpi = 0;
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_rgb = 0x1000000;
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.image.reset();
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines.clear();
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines = {"", ""};
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines = {"CANARY\xFF"};
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines = {"CANARY\x01"};
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines = {"CANARY\U0010FFFD"};
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines.assign(17, "签名");
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.text_lines = {std::string(129, 'x')};
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.image->rgba.resize(7);
  expect_invalid(spec);
  spec = SignatureSpec();
  spec.layout = static_cast<AppearanceSpec::Layout>(42);
  expect_invalid(spec);
}

// ---- ToPdfImage ------------------------------------------------------------------------

TEST(ToPdfImageTest, InflatesToSamplesAndMask) {
  RgbaImage image{3, 2, {255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0,  //
                         1,   2, 3, 255, 4, 5,   6, 255, 7, 8, 9,   10}};
  auto pdf = ToPdfImage(image);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->width, 3);
  EXPECT_EQ(pdf->height, 2);
  EXPECT_TRUE(pdf->has_alpha);
  EXPECT_EQ(Inflate(pdf->rgb_deflated, 18),
            (Bytes{255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(Inflate(pdf->alpha_deflated, 6), (Bytes{255, 128, 0, 255, 255, 10}));
}

TEST(ToPdfImageTest, OpaqueImageHasNoMask) {
  auto pdf = ToPdfImage(Solid(64, 32, 0xABCDEF));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_FALSE(pdf->has_alpha);
  EXPECT_TRUE(pdf->alpha_deflated.empty());
  Bytes rgb = Inflate(pdf->rgb_deflated, size_t{64} * 32 * 3);
  ASSERT_EQ(rgb.size(), 64u * 32 * 3);
  EXPECT_EQ(rgb[0], 0xAB);
  EXPECT_EQ(rgb[rgb.size() - 1], 0xEF);
  EXPECT_EQ(ToPdfImage(RgbaImage{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ToPdfImageTest, RenderedAppearanceConverts) {
  auto image = RenderAppearance(SignatureSpec());
  ASSERT_TRUE(image.ok()) << image.status();
  auto pdf = ToPdfImage(*image);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_TRUE(pdf->has_alpha);
  EXPECT_EQ(Inflate(pdf->alpha_deflated, size_t{300} * 120).size(), 300u * 120);
}

}  // namespace
}  // namespace hetong::document::pdf
