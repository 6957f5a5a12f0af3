#include "seal/upload_image.h"

#include <gtest/gtest.h>

namespace hetong::seal {
namespace {

using document::pdf::RgbaImage;

RgbaImage Filled(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  RgbaImage image{w, h, Bytes(static_cast<size_t>(w) * h * 4)};
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = r;
    image.rgba[i + 1] = g;
    image.rgba[i + 2] = b;
    image.rgba[i + 3] = a;
  }
  return image;
}

void Paint(RgbaImage& image, int x0, int y0, int x1, int y1, uint8_t r, uint8_t g, uint8_t b,
           uint8_t a) {
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      uint8_t* p = &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4];
      p[0] = r;
      p[1] = g;
      p[2] = b;
      p[3] = a;
    }
  }
}

const uint8_t* Pixel(const RgbaImage& image, int x, int y) {
  return &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4];
}

Bytes Png(const RgbaImage& image) {
  auto png = document::pdf::EncodePng(image);
  EXPECT_TRUE(png.ok()) << png.status();
  return png.ok() ? *png : Bytes();
}

TEST(UploadImage, DimensionsFromTheHeader) {
  auto dims = PngDimensions(Png(Filled(70, 40, 0, 0, 0, 255)));
  ASSERT_TRUE(dims.ok()) << dims.status();
  EXPECT_EQ(dims->first, 70u);
  EXPECT_EQ(dims->second, 40u);
  Bytes jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1,
                1,    0,    0,    1,    0, 1,    0,   0,   0,   0,   0, 0};
  EXPECT_EQ(PngDimensions(jpeg).status().code(), StatusCode::kInvalidArgument);
  Bytes png = Png(Filled(70, 40, 0, 0, 0, 255));
  png.resize(20);
  EXPECT_EQ(PngDimensions(png).status().code(), StatusCode::kInvalidArgument);
}

TEST(UploadImage, TransparentSealIsKeptAsItIs) {
  RgbaImage image = Filled(100, 100, 0, 0, 0, 0);
  Paint(image, 20, 20, 80, 80, 0xD0, 0x02, 0x1B, 255);
  auto out = PrepareUploadedImage(Png(image), {}, false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->width, 100);
  EXPECT_EQ(out->rgba, image.rgba);
}

TEST(UploadImage, WhiteBackgroundOfAScanBecomesTransparent) {
  RgbaImage image = Filled(100, 80, 255, 255, 255, 255);
  Paint(image, 10, 10, 50, 50, 0xD0, 0x02, 0x1B, 255);
  Paint(image, 60, 10, 70, 20, 250, 248, 245, 255);     // paper, not quite white
  Paint(image, 60, 30, 70, 40, 0xF0, 0xA0, 0xA8, 255);  // pale ink at an edge
  auto out = PrepareUploadedImage(Png(image), {}, false);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Pixel(*out, 0, 0)[3], 0);
  EXPECT_EQ(Pixel(*out, 65, 15)[3], 0);
  EXPECT_EQ(Pixel(*out, 20, 20)[3], 255);
  EXPECT_EQ(Pixel(*out, 20, 20)[0], 0xD0);
  // Partly transparent, and over white it looks as before.
  const uint8_t* pale = Pixel(*out, 65, 35);
  ASSERT_GT(pale[3], 0);
  ASSERT_LT(pale[3], 255);
  for (int c = 0; c < 3; ++c) {
    double over_white = pale[c] * pale[3] / 255.0 + 255.0 * (255 - pale[3]) / 255.0;
    EXPECT_NEAR(over_white, Pixel(image, 65, 35)[c], 3.0) << c;
  }

  auto kept = PrepareUploadedImage(Png(image), {}, true);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->rgba, image.rgba);
}

TEST(UploadImage, BlankImagesAreRefused) {
  for (const RgbaImage& blank : {Filled(64, 64, 0, 0, 0, 0), Filled(64, 64, 255, 255, 255, 255),
                                 Filled(64, 64, 200, 0, 0, 10)}) {
    auto out = PrepareUploadedImage(Png(blank), {}, false);
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(out.status().message().find("blank"), std::string::npos) << out.status();
  }
  // A few inked pixels are not a seal either.
  RgbaImage specks = Filled(100, 100, 0, 0, 0, 0);
  Paint(specks, 0, 0, 4, 1, 200, 0, 0, 255);
  EXPECT_EQ(PrepareUploadedImage(Png(specks), {}, false).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(UploadImage, SizeLimits) {
  UploadLimits limits;
  RgbaImage wide = Filled(limits.max_side + 1, 40, 200, 0, 0, 255);
  auto out = PrepareUploadedImage(Png(wide), limits, true);
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("2049 x 40"), std::string::npos) << out.status();
  EXPECT_EQ(PrepareUploadedImage(Png(Filled(16, 64, 200, 0, 0, 255)), limits, true).status().code(),
            StatusCode::kInvalidArgument);

  UploadLimits small;
  small.max_bytes = 100;
  RgbaImage image = Filled(64, 64, 0, 0, 0, 0);
  for (int i = 0; i < 64; ++i)
    Paint(image, i, (i * 37) % 64, i + 1, (i * 37) % 64 + 1, 200, i, 0, 255);
  Bytes png = Png(image);
  ASSERT_GT(png.size(), 100u);
  EXPECT_EQ(PrepareUploadedImage(png, small, true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrepareUploadedImage(Bytes(), limits, true).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(UploadImage, DamagedPngIsRefused) {
  RgbaImage image = Filled(64, 64, 0, 0, 0, 0);
  Paint(image, 10, 10, 50, 50, 200, 0, 0, 255);
  Bytes png = Png(image);
  Bytes truncated(png.begin(), png.begin() + static_cast<long>(png.size() / 2));
  EXPECT_EQ(PrepareUploadedImage(truncated, {}, true).status().code(),
            StatusCode::kInvalidArgument);
  Bytes flipped = png;
  for (size_t i = 40; i < flipped.size() - 20; i += 7) flipped[i] ^= 0x5A;
  EXPECT_EQ(PrepareUploadedImage(flipped, {}, true).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hetong::seal
