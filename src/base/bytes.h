// Byte-string vocabulary: Bytes (an owned, non-secret byte vector) and ByteView (a
// borrowed span), with small helpers. Secret material uses SecretBytes instead.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hetong {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes ToBytes(ByteView v) { return Bytes(v.begin(), v.end()); }
inline std::string ToString(ByteView v) { return std::string(v.begin(), v.end()); }

// Appends `tail` to `out`.
inline void Append(Bytes& out, ByteView tail) { out.insert(out.end(), tail.begin(), tail.end()); }

// Concatenates any number of byte views.
template <typename... Views>
Bytes Concat(const Views&... views) {
  Bytes out;
  out.reserve((ByteView(views).size() + ... + 0));
  (Append(out, ByteView(views)), ...);
  return out;
}

// Big-endian fixed-width integer helpers.
inline void AppendU16Be(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void AppendU32Be(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
inline void AppendU64Be(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
inline uint32_t LoadU32Be(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t LoadU64Be(const uint8_t* p) {
  return (uint64_t{LoadU32Be(p)} << 32) | LoadU32Be(p + 4);
}
inline void StoreU32Be(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// Constant-time equality of two byte strings: the running time depends only on the
// lengths, never on where they differ. Use for MACs, tags, tokens and hashes of secrets.
bool ConstantTimeEquals(ByteView a, ByteView b);

}  // namespace hetong
