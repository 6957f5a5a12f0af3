#include "seal/seal_image.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "testing/testing.h"

// fontconfig keeps the configuration it parses in FcInit for the life of the process in a
// form that LeakSanitizer reports as leaked (288 bytes; FcFini would free it, but is not safe
// while cairo holds fonts). Not a leak of ours; suppressed for this test binary.
extern "C" const char* __lsan_default_suppressions() {  // NOLINT: the sanitizer hook name
  return "leak:libfontconfig.so\n";
}

namespace hetong::seal {
namespace {

using document::pdf::RgbaImage;

constexpr uint32_t kRed = 0xD0021B;

const uint8_t* Pixel(const RgbaImage& image, int x, int y) {
  return &image.rgba[(static_cast<size_t>(y) * image.width + x) * 4];
}
int Alpha(const RgbaImage& image, int x, int y) { return Pixel(image, x, y)[3]; }
uint32_t Rgb(const RgbaImage& image, int x, int y) {
  const uint8_t* p = Pixel(image, x, y);
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}

// Inked pixels (alpha above `min_alpha`) whose offset from the centre is within the given
// radii (as fractions of half the image size) and angles (degrees clockwise from 12 o'clock,
// from `a0` to `a1`, which may wrap past 360).
int InkInSector(const RgbaImage& image, double r0, double r1, double a0, double a1,
                int min_alpha = 64) {
  const double c = image.width / 2.0;
  int n = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double dx = x + 0.5 - c;
      const double dy = y + 0.5 - c;
      const double r = std::hypot(dx, dy) / c;
      double a = std::atan2(dx, -dy) * 180 / std::numbers::pi;
      if (a < 0) a += 360;
      if (a < a0) a += 360;
      if (r >= r0 && r <= r1 && a >= a0 && a <= a1 && Alpha(image, x, y) > min_alpha) ++n;
    }
  }
  return n;
}

// Writes the PNG under a temporary directory (and under $HETONG_TEST_IMAGE_DIR when set, to
// look at it: HETONG_TEST_IMAGE_DIR=/tmp/seals ./seal_test).
void Save(const RgbaImage& image, const std::string& name) {
  auto png = document::pdf::EncodePng(image);
  ASSERT_TRUE(png.ok()) << png.status();
  testing::TempDir dir;
  dir.Write(name, *png);
  EXPECT_EQ(dir.Read(name), *png);
  if (const char* keep = std::getenv("HETONG_TEST_IMAGE_DIR"); keep != nullptr && *keep) {
    std::ofstream(std::string(keep) + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(png->data()),
               static_cast<std::streamsize>(png->size()));
  }
}

CompanySealSpec ContractSeal() {
  CompanySealSpec spec;
  spec.organization = "北京某某科技有限公司";
  spec.center_text = "合同专用章";
  spec.seal_code = "1101080123456";
  return spec;
}

TEST(CompanySealTest, LooksLikeASeal) {
  auto image = RenderCompanySeal(ContractSeal());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->width, 512);
  ASSERT_EQ(image->height, 512);
  Save(*image, "company_seal.png");

  // Transparent outside the circle.
  for (auto [x, y] : {std::pair{0, 0}, {511, 0}, {0, 511}, {511, 511}, {40, 40}, {470, 470}}) {
    EXPECT_EQ(Alpha(*image, x, y), 0) << x << "," << y;
  }
  // The ring: outer radius 248.3 px, 16.5 px thick, so its middle is 240 px from the centre.
  for (auto [x, y] : {std::pair{256, 16}, {256, 495}, {16, 256}, {495, 256}, {86, 86}}) {
    EXPECT_GT(Alpha(*image, x, y), 64) << x << "," << y;
  }
  EXPECT_EQ(Alpha(*image, 256, 2), 0);
  // Every pixel has the seal colour; the ink texture varies only the alpha.
  int off_colour = 0;
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) off_colour += Rgb(*image, x, y) != kRed ? 1 : 0;
  }
  EXPECT_EQ(off_colour, 0);
  int min_alpha = 255;
  int max_alpha = 0;
  for (int y = 246; y < 266; ++y) {
    for (int x = 246; x < 266; ++x) {
      min_alpha = std::min(min_alpha, Alpha(*image, x, y));
      max_alpha = std::max(max_alpha, Alpha(*image, x, y));
    }
  }
  // The star covers the centre, with a visible ink texture but no holes.
  EXPECT_GT(min_alpha, 80);
  EXPECT_GT(max_alpha - min_alpha, 15);
  EXPECT_GT(InkInSector(*image, 0, 0.2, 0, 360), 0.3 * std::numbers::pi * 0.04 * 256 * 256);
  // The name along the upper arc (inside the ring), and nothing in the side gaps.
  EXPECT_GT(InkInSector(*image, 0.6, 0.9, 300, 420), 8000);
  // Ten characters over 240°: the first is centred at 252°, the last at 108°.
  EXPECT_GT(InkInSector(*image, 0.6, 0.9, 242, 262), 300);
  EXPECT_GT(InkInSector(*image, 0.6, 0.9, 98, 118), 300);
  // Gaps between the name and the code.
  EXPECT_EQ(InkInSector(*image, 0.75, 0.9, 125, 135, 0), 0);
  EXPECT_EQ(InkInSector(*image, 0.75, 0.9, 225, 235, 0), 0);
  // The title under the star and the code along the lower arc.
  EXPECT_GT(InkInSector(*image, 0.35, 0.6, 150, 210), 1500);
  EXPECT_GT(InkInSector(*image, 0.78, 0.9, 150, 210), 400);
}

TEST(CompanySealTest, IsDeterministic) {
  auto a = RenderCompanySeal(ContractSeal());
  auto b = RenderCompanySeal(ContractSeal());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rgba, b->rgba);

  CompanySealSpec other = ContractSeal();
  other.organization = "上海某某贸易有限公司";
  auto c = RenderCompanySeal(other);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE(a->rgba, c->rgba);
}

TEST(CompanySealTest, RendersConcurrentlyAndAtTheSmallestSize) {
  auto reference = RenderCompanySeal(ContractSeal());
  ASSERT_TRUE(reference.ok()) << reference.status();
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      auto image = RenderCompanySeal(ContractSeal());
      same[t] = image.ok() && image->rgba == reference->rgba ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(same, std::vector<int>(4, 1));

  CompanySealSpec small = ContractSeal();
  small.size_px = kMinCompanySealSize;
  auto image = RenderCompanySeal(small);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, kMinCompanySealSize);
  EXPECT_GT(Alpha(*image, 48, 48), 64);  // the star
}

TEST(CompanySealTest, OptionalPartsAndLongNames) {
  CompanySealSpec spec;
  spec.organization = "某某公司";
  spec.size_px = 256;
  spec.rgb = 0x0000FF;
  auto image = RenderCompanySeal(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  Save(*image, "company_seal_short.png");
  EXPECT_EQ(Rgb(*image, 128, 128), 0x0000FFu);
  EXPECT_GT(Alpha(*image, 128, 128), 64);
  // No title and no code: the lower half inside the ring is empty below the star.
  EXPECT_EQ(InkInSector(*image, 0.4, 0.88, 130, 230, 0), 0);

  spec.organization = "中国某某某某某某某某集团股份有限公司北京分公司";  // 24 characters
  spec.center_text = "财务专用章";
  spec.size_px = 600;
  image = RenderCompanySeal(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  Save(*image, "company_seal_long.png");
  EXPECT_GT(InkInSector(*image, 0.6, 0.9, 300, 420), 5000);
}

TEST(CompanySealTest, RejectsBadInput) {
  auto expect_invalid = [](const CompanySealSpec& spec) {
    auto image = RenderCompanySeal(spec);
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument) << image.status();
    EXPECT_EQ(image.status().message().find("CANARY"), std::string::npos);
    EXPECT_EQ(image.status().message().find("某某"), std::string::npos);
  };
  CompanySealSpec spec = ContractSeal();
  spec.organization = "";
  expect_invalid(spec);
  spec.organization = "  \u3000 ";
  expect_invalid(spec);
  spec.organization = "一二三四五六七八九十一二三四五六七八九十一二三四五";  // 25
  expect_invalid(spec);
  spec.organization = "CANARY\xE5\xBC";
  expect_invalid(spec);
  spec.organization = "CANARY\n公司";
  expect_invalid(spec);
  spec.organization = "CANARY\U0010FFFD";
  expect_invalid(spec);
  spec = ContractSeal();
  spec.seal_code = "123";
  expect_invalid(spec);
  spec.seal_code = "110108012345X";
  expect_invalid(spec);
  spec.seal_code = "11010801234567";
  expect_invalid(spec);
  spec = ContractSeal();
  spec.center_text = "一二三四五六七八九十一二三";
  expect_invalid(spec);
  spec.center_text = "\xFF";
  expect_invalid(spec);
  spec = ContractSeal();
  spec.size_px = 10;
  expect_invalid(spec);
  spec.size_px = 5000;
  expect_invalid(spec);
  spec = ContractSeal();
  spec.rgb = 0x1000000;
  expect_invalid(spec);
}

TEST(PersonalSealTest, AddsZhiYinTheTraditionalWay) {
  EXPECT_EQ(*PersonalSealCharacters("张三"), U"张三之印");
  EXPECT_EQ(*PersonalSealCharacters("李小明"), U"李小明印");
  EXPECT_EQ(*PersonalSealCharacters("司马相如"), U"司马相如");
}

TEST(PersonalSealTest, LooksLikeASeal) {
  PersonalSealSpec spec;
  spec.name = "张三";
  auto image = RenderPersonalSeal(spec);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_EQ(image->width, 256);
  Save(*image, "personal_seal.png");
  // Margin 7.7 px, border 18.5 px: its middle is about 17 px from each edge.
  for (auto [x, y] : {std::pair{17, 128}, {238, 128}, {128, 17}, {128, 238}, {17, 17}}) {
    EXPECT_GT(Alpha(*image, x, y), 64) << x << "," << y;
    EXPECT_EQ(Rgb(*image, x, y), kRed);
  }
  EXPECT_EQ(Alpha(*image, 0, 0), 0);
  EXPECT_EQ(Alpha(*image, 255, 255), 0);
  EXPECT_EQ(Alpha(*image, 3, 128), 0);
  // Each of the four cells has ink.
  for (auto [x0, y0] : {std::pair{40, 40}, {136, 40}, {40, 136}, {136, 136}}) {
    int ink = 0;
    for (int y = y0; y < y0 + 80; ++y) {
      for (int x = x0; x < x0 + 80; ++x) ink += Alpha(*image, x, y) > 64 ? 1 : 0;
    }
    EXPECT_GT(ink, 80 * 80 / 10) << x0 << "," << y0;
  }

  auto again = RenderPersonalSeal(spec);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rgba, image->rgba);

  for (const char* name : {"李小明", "司马相如", "王一"}) {
    spec.name = name;
    image = RenderPersonalSeal(spec);
    ASSERT_TRUE(image.ok()) << image.status();
    Save(*image, std::string("personal_seal_") + std::to_string(std::string(name).size()) + ".png");
  }
}

TEST(PersonalSealTest, RejectsBadNames) {
  auto expect_invalid = [](const PersonalSealSpec& spec) {
    auto image = RenderPersonalSeal(spec);
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument) << image.status();
    EXPECT_EQ(image.status().message().find("CANARY"), std::string::npos);
  };
  PersonalSealSpec spec;
  for (const char* name :
       {"", "张", "张三李四王", "Li", "张 三", "张\n三", "CANARY", "\xE5\xBC\xA0\xFF", "张三1"}) {
    spec.name = name;
    expect_invalid(spec);
  }
  spec.name = "张三";
  spec.size_px = 0;
  expect_invalid(spec);
  spec.size_px = 256;
  spec.rgb = 0xFFFFFFFF;
  expect_invalid(spec);
}

}  // namespace
}  // namespace hetong::seal
