// Generated seal images (印章图像): the "generate an electronic seal from the user's name"
// of GM/Y 5013-2024 §5.3.2.7, drawn the way Chinese seals look so that the picture carried
// in an SESeal (GB/T 38540) and shown in signed documents is familiar.
//
// - A company seal is laid out as the State Council rules for official seals describe
//   (国发〔1999〕25号: round, a five-pointed star in the centre, the name around it from
//   left to right in simplified Song characters): a red ring about 1/30 of the diameter
//   thick; the organisation's name clockwise along the upper arc, each character upright
//   towards the rim; the star; an optional title (合同专用章, 财务专用章) under the star; an
//   optional 13-digit anti-counterfeiting code (防伪码) in small digits along the lower arc,
//   reading left to right.
// - A personal seal is square: a red border and the name, bold, in a 2x2 grid read in
//   columns from the right (张三 becomes 张三之印, 李小明 becomes 李小明印).
//
// Both have a transparent background and a faint ink texture that varies the opacity. The
// texture is seeded by the name, so the same spec always renders to the same pixels (with
// the same build and the same installed fonts).
//
// Thread-safety: pure functions; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "document/pdf/appearance.h"

namespace hetong::seal {

struct CompanySealSpec {
  // UTF-8, 1..kMaxOrganizationLength code points, e.g. "北京某某科技有限公司".
  std::string organization;
  // Optional anti-counterfeiting code: empty, or exactly 13 ASCII digits.
  std::string seal_code;
  // Optional title under the star, 0..kMaxCenterTextLength code points, e.g. "合同专用章".
  std::string center_text;
  // Width and height of the square image in pixels, kMinCompanySealSize..kMaxSealSize.
  int size_px = 512;
  // Ink colour 0xRRGGBB.
  uint32_t rgb = 0xD0021B;

  static constexpr size_t kMaxOrganizationLength = 24;
  static constexpr size_t kMaxCenterTextLength = 12;
  static constexpr size_t kSealCodeLength = 13;
};

struct PersonalSealSpec {
  // UTF-8, 2..4 Chinese characters (CJK unified ideographs), e.g. "张三".
  std::string name;
  // Width and height of the square image in pixels, kMinPersonalSealSize..kMaxSealSize.
  int size_px = 256;
  // Ink colour 0xRRGGBB.
  uint32_t rgb = 0xD0021B;
};

inline constexpr int kMinCompanySealSize = 96;
inline constexpr int kMinPersonalSealSize = 48;
inline constexpr int kMaxSealSize = 4096;

// Renders a round company seal, size_px square, every pixel in the ink colour with the
// coverage (times the ink texture) as alpha. InvalidArgument for an empty, too long or
// malformed (not UTF-8, control characters) organisation name or title, a seal code that
// is not 13 digits, characters the installed font cannot draw, a size or colour out of
// range; FailedPrecondition when no CJK font is installed.
StatusOr<document::pdf::RgbaImage> RenderCompanySeal(const CompanySealSpec& spec);

// Renders a square personal seal, size_px square. InvalidArgument when the name is not
// 2 to 4 Chinese characters of valid UTF-8, or for a size or colour out of range;
// FailedPrecondition when no CJK font is installed.
StatusOr<document::pdf::RgbaImage> RenderPersonalSeal(const PersonalSealSpec& spec);

// The four characters of a personal seal in reading order (right column top to bottom,
// then left column): 2 characters get 之印, 3 get 印, 4 stay. InvalidArgument as for
// RenderPersonalSeal.
StatusOr<std::u32string> PersonalSealCharacters(std::string_view name);

}  // namespace hetong::seal
