#include "base/encoding.h"

#include <array>

namespace hetong::base {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// A label from the input, safe to put in a message: printable ASCII only, at most 40.
std::string SafeLabel(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (out.size() >= 40) {
      out += "...";
      break;
    }
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string HexWith(ByteView data, const char* digits) {
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

std::string Base64With(ByteView data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{data[i]} << 16;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.push_back('=');
  }
  return out;
}

std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

StatusOr<Bytes> Base64DecodeWith(std::string_view text, const char* alphabet,
                                 bool padding_required) {
  static const auto std_table = ReverseTable(kB64);
  static const auto url_table = ReverseTable(kB64Url);
  const auto& table = alphabet == kB64 ? std_table : url_table;
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (!IsSpace(c)) clean.push_back(c);
  }
  size_t pad = 0;
  while (!clean.empty() && clean.back() == '=') {
    clean.pop_back();
    ++pad;
  }
  if (pad > 2) return InvalidArgumentError("base64: too much padding");
  if (padding_required && pad > 0 && (clean.size() + pad) % 4 != 0) {
    return InvalidArgumentError("base64: bad padding");
  }
  if (padding_required && pad == 0 && clean.size() % 4 != 0) {
    return InvalidArgumentError("base64: length is not a multiple of 4");
  }
  if (clean.size() % 4 == 1) return InvalidArgumentError("base64: truncated input");
  Bytes out;
  out.reserve(clean.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : clean) {
    int v = table[static_cast<uint8_t>(c)];
    if (v < 0) return InvalidArgumentError("base64: character outside the alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64: non-canonical trailing bits");
  }
  return out;
}

}  // namespace

std::string HexEncode(ByteView data) { return HexWith(data, kHexLower); }
std::string HexEncodeUpper(ByteView data) { return HexWith(data, kHexUpper); }

StatusOr<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex: odd number of digits");
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("hex: not a hexadecimal digit");
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string Base64Encode(ByteView data) { return Base64With(data, kB64, true); }
StatusOr<Bytes> Base64Decode(std::string_view text) { return Base64DecodeWith(text, kB64, true); }
std::string Base64UrlEncode(ByteView data) { return Base64With(data, kB64Url, false); }
StatusOr<Bytes> Base64UrlDecode(std::string_view text) {
  return Base64DecodeWith(text, kB64Url, false);
}

std::string PemEncode(std::string_view label, ByteView der) {
  std::string b64 = Base64Encode(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out.push_back('\n');
  }
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

StatusOr<std::vector<PemBlock>> PemDecodeAll(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kEnd = "-----END ";
  constexpr std::string_view kDashes = "-----";
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while (true) {
    size_t begin = text.find(kBegin, pos);
    if (begin == std::string_view::npos) break;
    size_t label_start = begin + kBegin.size();
    size_t label_end = text.find(kDashes, label_start);
    if (label_end == std::string_view::npos) return InvalidArgumentError("PEM: broken BEGIN line");
    std::string label(text.substr(label_start, label_end - label_start));
    if (label.find('\n') != std::string::npos)
      return InvalidArgumentError("PEM: broken BEGIN line");
    size_t body_start = label_end + kDashes.size();
    std::string end_line = std::string(kEnd) + label + std::string(kDashes);
    size_t end = text.find(end_line, body_start);
    if (end == std::string_view::npos) {
      return InvalidArgumentError("PEM: no END line for a '" + SafeLabel(label) + "' block");
    }
    std::string_view body = text.substr(body_start, end - body_start);
    if (body.find(':') != std::string_view::npos) {
      return InvalidArgumentError(
          "PEM: encapsulated headers (legacy encrypted PEM) are not "
          "supported; convert the key to PKCS#8");
    }
    auto der = Base64Decode(body);
    if (!der.ok()) return der.status().WithContext("PEM '" + SafeLabel(label) + "' block");
    blocks.push_back({std::move(label), std::move(*der)});
    pos = end + end_line.size();
  }
  if (blocks.empty()) return InvalidArgumentError("PEM: no BEGIN line found");
  return blocks;
}

StatusOr<Bytes> PemDecode(std::string_view text, std::string_view label) {
  HETONG_ASSIGN_OR_RETURN(auto blocks, PemDecodeAll(text));
  for (auto& b : blocks) {
    if (b.label == label) return std::move(b.der);
  }
  return NotFoundError("PEM: no '" + SafeLabel(label) + "' block");
}

bool LooksLikePem(ByteView data) {
  size_t i = 0;
  while (i < data.size() && IsSpace(static_cast<char>(data[i]))) ++i;
  constexpr std::string_view kBegin = "-----BEGIN ";
  if (data.size() - i < kBegin.size()) return false;
  return std::string_view(reinterpret_cast<const char*>(data.data()) + i, kBegin.size()) == kBegin;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace hetong::base
