// Checks and normalises an uploaded seal picture (docs/formats/seals.md, "Pictures"): a PNG
// of bounded size is decoded with libpng to 8-bit RGBA (document/pdf/appearance.h), a white
// background of a fully opaque scan is made transparent unless it is to be kept, and the
// result must have content (not blank).
//
// Input is hostile: every malformed or oversized file is InvalidArgument, and the header's
// dimensions are checked before anything is decoded.
//
// Thread-safety: pure functions; safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "base/bytes.h"
#include "base/status.h"
#include "document/pdf/appearance.h"

namespace hetong::seal {

struct UploadLimits {
  size_t max_bytes = 2 << 20;  // 2 MiB
  int min_side = 32;
  int max_side = 2048;
  // Share of the pixels that must be inked (alpha >= 64 and not near-white).
  double min_ink_share = 0.005;
};

// The width and height from a PNG's IHDR chunk, without decoding the image. InvalidArgument
// when `png` does not start with the PNG signature and an IHDR chunk.
StatusOr<std::pair<uint32_t, uint32_t>> PngDimensions(ByteView png);

// Decodes and checks an uploaded PNG. `keep_background`: leave an opaque background as it
// is; otherwise a fully opaque image gets its white made transparent.
StatusOr<document::pdf::RgbaImage> PrepareUploadedImage(ByteView png, const UploadLimits& limits,
                                                        bool keep_background);

// Makes the near-white pixels of `image` transparent, recovering each pixel's colour as if
// it had been composited over white (alpha from 255 - min(R, G, B): <= 24 transparent,
// >= 96 opaque, linear between).
void RemoveWhiteBackground(document::pdf::RgbaImage& image);

// The share (0..1) of pixels with alpha >= 64 whose colour is not near-white.
double InkShare(const document::pdf::RgbaImage& image);

}  // namespace hetong::seal
