// Signature appearance images: the picture shown in the widget of a PDF signature field
// (ISO 32000-1 §12.7.4.5, §12.8.1: the field's /AP normal appearance), built from a
// handwritten-signature or seal image and lines of Chinese text.
//
// - DecodePng/EncodePng read and write PNG (ISO/IEC 15948) through libpng, converting any
//   colour type and bit depth to 8-bit RGBA.
// - RenderAppearance draws the image (scaled to fit) and the text (Noto Sans CJK SC, found
//   through fontconfig) on a transparent canvas with cairo.
// - ToPdfImage splits an image into the Flate-compressed (zlib, RFC 1950) DeviceRGB samples
//   of an image XObject and, when some pixel is not opaque, the DeviceGray samples of its
//   soft mask (ISO 32000-1 §8.9.5, §11.6.5.3), ready for /Filter /FlateDecode.
//
// Input is hostile: malformed PNG data and out-of-range specs return InvalidArgument (never
// crash), and error messages do not quote the input.
//
// Thread-safety: pure functions; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::document::pdf {

// 8-bit RGBA with straight (not premultiplied) alpha, row-major, top row first:
// rgba.size() == width * height * 4.
struct RgbaImage {
  int width = 0;
  int height = 0;
  Bytes rgba;
};

// Largest width or height of an RgbaImage that these functions accept or produce.
inline constexpr int kMaxImageSide = 8192;
// Largest width or height of a rendered appearance; larger requests are scaled down.
inline constexpr int kMaxAppearanceSide = 4096;

// OK when `image` is 1..kMaxImageSide pixels on each side and rgba has the matching size;
// InvalidArgument naming `what` otherwise.
Status ValidateImage(const RgbaImage& image, std::string_view what = "image");

// Decodes a PNG file of any colour type and bit depth (palette, grey, 16-bit, with or
// without tRNS) to 8-bit sRGB RGBA. InvalidArgument when the data is not a PNG, is
// truncated or corrupt, or is larger than kMaxImageSide on a side.
StatusOr<RgbaImage> DecodePng(ByteView png);

// Encodes `image` as a PNG (RGBA, or RGB when every pixel is opaque).
// InvalidArgument when the image is malformed (see ValidateImage).
StatusOr<Bytes> EncodePng(const RgbaImage& image);

struct AppearanceSpec {
  // Where the image and the text go on the canvas.
  enum class Layout {
    kImageOnly,       // the image fills the canvas; text_lines are ignored
    kTextOnly,        // the text fills the canvas; image is ignored
    kImageAboveText,  // the image on top, the text in a band below it
    kTextOverImage,   // the image fills the canvas and the text is drawn across it
  };

  // A handwritten signature, a seal, a logo (see ValidateImage).
  std::optional<RgbaImage> image;
  // UTF-8 lines, e.g. "签署人：张三"; at most kMaxTextLines lines of kMaxLineLength code
  // points, no control characters. Empty lines keep their space.
  std::vector<std::string> text_lines;
  // Size of the signature widget in PDF points (1/72 inch), each in (0, 14400].
  double width_pt = 0;
  double height_pt = 0;
  // Resolution of the rendered canvas, in 36..1200.
  int dpi = 200;
  Layout layout = Layout::kImageAboveText;
  // Colour of the text, 0xRRGGBB.
  uint32_t text_rgb = 0x000000;

  static constexpr size_t kMaxTextLines = 16;
  static constexpr size_t kMaxLineLength = 128;
};

// Renders `spec` on a transparent canvas of round(width_pt / 72 * dpi) by
// round(height_pt / 72 * dpi) pixels, scaled down (keeping its aspect ratio) so that no side
// exceeds kMaxAppearanceSide. The image is scaled to fit its area, keeping its aspect ratio,
// and centred. The text lines share one font size, the largest at which the widest line fits
// the width and all lines fit the text area; the block is centred and its lines are
// left-aligned.
//
// InvalidArgument for a bad spec (a missing image or text that the layout needs, bad sizes,
// malformed UTF-8, characters the font cannot draw); FailedPrecondition when no CJK font is
// installed.
StatusOr<RgbaImage> RenderAppearance(const AppearanceSpec& spec);

// The samples of a PDF image XObject (8 bits per component) and of its /SMask.
struct PdfImage {
  int width = 0;
  int height = 0;
  // zlib (RFC 1950) stream of width * height * 3 bytes: DeviceRGB, row-major, top row first.
  Bytes rgb_deflated;
  // zlib stream of width * height bytes of DeviceGray alpha; empty when !has_alpha.
  Bytes alpha_deflated;
  // False when every pixel is opaque (then the XObject needs no /SMask).
  bool has_alpha = false;
};

// Converts `image` for a PDF writer. The colour samples are the straight (not
// premultiplied) RGB values, as an /SMask expects. InvalidArgument for a malformed image.
StatusOr<PdfImage> ToPdfImage(const RgbaImage& image);

}  // namespace hetong::document::pdf
