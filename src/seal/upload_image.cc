#include "seal/upload_image.h"

#include <algorithm>
#include <array>
#include <string>

namespace hetong::seal {

using document::pdf::RgbaImage;

namespace {

constexpr std::array<uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t BigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool FullyOpaque(const RgbaImage& image) {
  for (size_t i = 3; i < image.rgba.size(); i += 4) {
    if (image.rgba[i] != 255) return false;
  }
  return true;
}

// Distance of a colour from white, 0 (white) .. 255 (a fully saturated or black channel).
int Darkness(const uint8_t* p) { return 255 - std::min({p[0], p[1], p[2]}); }

}  // namespace

StatusOr<std::pair<uint32_t, uint32_t>> PngDimensions(ByteView png) {
  // Signature (8), then the first chunk: length (4) = 13, type (4) = IHDR, width, height.
  if (png.size() < 24 || !std::equal(kPngSignature.begin(), kPngSignature.end(), png.begin())) {
    return InvalidArgumentError("the seal image is not a PNG file");
  }
  if (BigEndian32(png.data() + 8) != 13 ||
      std::string(png.begin() + 12, png.begin() + 16) != "IHDR") {
    return InvalidArgumentError("the seal image is a damaged PNG file (no IHDR chunk first)");
  }
  return std::make_pair(BigEndian32(png.data() + 16), BigEndian32(png.data() + 20));
}

StatusOr<RgbaImage> PrepareUploadedImage(ByteView png, const UploadLimits& limits,
                                         bool keep_background) {
  if (png.empty()) return InvalidArgumentError("the seal image is empty");
  if (png.size() > limits.max_bytes) {
    return InvalidArgumentError("the seal image is larger than " +
                                std::to_string(limits.max_bytes / 1024) + " KiB");
  }
  HETONG_ASSIGN_OR_RETURN(auto dims, PngDimensions(png));
  const auto [w, h] = dims;
  auto side_ok = [&](uint32_t v) {
    return v >= static_cast<uint32_t>(limits.min_side) &&
           v <= static_cast<uint32_t>(limits.max_side);
  };
  if (!side_ok(w) || !side_ok(h)) {
    return InvalidArgumentError("a seal image is " + std::to_string(limits.min_side) + " to " +
                                std::to_string(limits.max_side) +
                                " pixels on each side; this one is " + std::to_string(w) + " x " +
                                std::to_string(h));
  }
  auto decoded = document::pdf::DecodePng(png);
  if (!decoded.ok()) return decoded.status().WithContext("the seal image");
  RgbaImage image = std::move(*decoded);
  if (!keep_background && FullyOpaque(image)) RemoveWhiteBackground(image);
  if (InkShare(image) < limits.min_ink_share) {
    return InvalidArgumentError(
        "the seal image is blank (almost every pixel is transparent or white)");
  }
  return image;
}

void RemoveWhiteBackground(RgbaImage& image) {
  constexpr int kClear = 24;
  constexpr int kSolid = 96;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    uint8_t* p = &image.rgba[i];
    int d = Darkness(p);
    int alpha = d <= kClear ? 0 : d >= kSolid ? 255 : (d - kClear) * 255 / (kSolid - kClear);
    if (alpha == 0) {
      p[0] = p[1] = p[2] = 0;
    } else if (alpha < 255) {
      // c = a * c' + (1 - a) * 255, so c' = 255 - (255 - c) / a.
      for (int c = 0; c < 3; ++c) {
        int v = 255 - (255 - p[c]) * 255 / alpha;
        p[c] = static_cast<uint8_t>(std::clamp(v, 0, 255));
      }
    }
    p[3] = static_cast<uint8_t>(alpha);
  }
}

double InkShare(const RgbaImage& image) {
  size_t pixels = image.rgba.size() / 4;
  if (pixels == 0) return 0;
  size_t inked = 0;
  for (size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    const uint8_t* p = &image.rgba[i];
    if (p[3] >= 64 && Darkness(p) >= 48) ++inked;
  }
  return static_cast<double>(inked) / static_cast<double>(pixels);
}

}  // namespace hetong::seal
