#include "crypto/shamir.h"

#include <charconv>
#include <set>
#include <string_view>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace hetong::crypto {
namespace {

constexpr std::string_view kPrefix = "HTS1";
constexpr std::string_view kCheckLabel = "hetong-shamir-v1";

uint8_t GfMul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    p ^= static_cast<uint8_t>(-(b & 1)) & a;
    uint8_t hi = static_cast<uint8_t>(-(a >> 7));
    a = static_cast<uint8_t>((a << 1) ^ (0x1b & hi));
    b >>= 1;
  }
  return p;
}

// a^254 = a^-1 (and 0 -> 0), by square-and-multiply over a fixed exponent.
uint8_t GfInv(uint8_t a) {
  uint8_t result = 1, base = a;
  for (int bit = 0; bit < 8; ++bit) {
    if ((254 >> bit) & 1) result = GfMul(result, base);
    base = GfMul(base, base);
  }
  return result;
}

Bytes Check(ByteView secret) {
  Bytes h = Sm3(Concat(AsBytes(kCheckLabel), secret));
  h.resize(8);
  return h;
}

struct Share {
  int threshold;
  int x;
  SecretBytes y;
  Bytes check;
};

StatusOr<Share> ParseShare(const SecretBytes& text) {
  const Status bad = InvalidArgumentError(
      "not a hetong key share (expected HTS1-<threshold>-<index>-<hex>-<hex>)");
  std::string_view s = text.RevealString(SecretAccess::Unsafe());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t dash = s.find('-', pos);
    parts.push_back(s.substr(pos, dash == std::string_view::npos ? s.size() - pos : dash - pos));
    if (dash == std::string_view::npos) break;
    pos = dash + 1;
  }
  if (parts.size() != 5 || parts[0] != kPrefix) return bad;
  Share share;
  auto num = [](std::string_view p, int& out) {
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), out);
    return ec == std::errc() && ptr == p.data() + p.size();
  };
  if (!num(parts[1], share.threshold) || !num(parts[2], share.x) || share.threshold < 2 ||
      share.threshold > 255 || share.x < 1 || share.x > 255) {
    return bad;
  }
  auto y = base::HexDecode(parts[3]);
  auto check = base::HexDecode(parts[4]);
  if (!y.ok() || !check.ok() || y->empty() || check->size() != 8) return bad;
  share.y = SecretBytes::Copy(*y);
  SecureWipe(*y);
  share.check = std::move(*check);
  return share;
}

SecretBytes Interpolate(const std::vector<const Share*>& use) {
  size_t len = use[0]->y.size();
  SecretBytes out(len);
  auto o = out.RevealMutable(SecretAccess::Unsafe());
  for (size_t i = 0; i < use.size(); ++i) {
    // Lagrange basis at 0: prod_{j != i} x_j / (x_j - x_i)
    uint8_t num = 1, den = 1;
    for (size_t j = 0; j < use.size(); ++j) {
      if (j == i) continue;
      num = GfMul(num, static_cast<uint8_t>(use[j]->x));
      den = GfMul(den, static_cast<uint8_t>(use[j]->x ^ use[i]->x));
    }
    uint8_t basis = GfMul(num, GfInv(den));
    auto y = use[i]->y.Reveal(SecretAccess::Unsafe());
    for (size_t k = 0; k < len; ++k) o[k] ^= GfMul(y[k], basis);
  }
  return out;
}

}  // namespace

StatusOr<std::vector<SecretBytes>> ShamirSplit(const SecretBytes& secret, int threshold, int shares,
                                               Rng& rng) {
  if (secret.empty() || secret.size() > 1024)
    return InvalidArgumentError("the secret must be 1 to 1024 bytes");
  if (threshold < 2 || shares < threshold || shares > 255) {
    return InvalidArgumentError("need 2 <= threshold <= shares <= 255");
  }
  auto s = secret.Reveal(SecretAccess::Unsafe());
  size_t len = s.size();
  // coefficients[k][b]: coefficient of x^k (k >= 1) for byte b.
  HETONG_ASSIGN_OR_RETURN(SecretBytes coeffs,
                          RandomSecret(rng, len * static_cast<size_t>(threshold - 1)));
  auto c = coeffs.Reveal(SecretAccess::Unsafe());
  std::string check = base::HexEncode(Check(s));
  std::vector<SecretBytes> out;
  for (int x = 1; x <= shares; ++x) {
    SecretBytes y(len);
    auto yv = y.RevealMutable(SecretAccess::Unsafe());
    for (size_t b = 0; b < len; ++b) {
      // Horner: ((a_{t-1} x + a_{t-2}) x + ...) x + a_0
      uint8_t acc = 0;
      for (int k = threshold - 1; k >= 1; --k) {
        acc = GfMul(acc, static_cast<uint8_t>(x)) ^ c[static_cast<size_t>(k - 1) * len + b];
      }
      yv[b] = GfMul(acc, static_cast<uint8_t>(x)) ^ s[b];
    }
    std::string text = std::string(kPrefix) + "-" + std::to_string(threshold) + "-" +
                       std::to_string(x) + "-" + base::HexEncode(yv) + "-" + check;
    out.push_back(SecretBytes::Copy(text));
    SecureWipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  }
  return out;
}

StatusOr<SecretBytes> ShamirCombine(const std::vector<SecretBytes>& texts) {
  std::vector<Share> shares;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto s = ParseShare(texts[i]);
    if (!s.ok()) return s.status().WithContext("share " + std::to_string(i + 1));
    shares.push_back(std::move(*s));
  }
  if (shares.empty()) return InvalidArgumentError("no shares given");
  int t = shares[0].threshold;
  std::set<int> seen;
  for (const auto& s : shares) {
    if (s.threshold != t || s.y.size() != shares[0].y.size() || s.check != shares[0].check) {
      return InvalidArgumentError("the shares do not belong to the same split");
    }
    if (!seen.insert(s.x).second)
      return InvalidArgumentError("share " + std::to_string(s.x) + " was given twice");
  }
  if (static_cast<int>(shares.size()) < t) {
    return InvalidArgumentError("need " + std::to_string(t) + " shares, got " +
                                std::to_string(shares.size()));
  }
  // Try subsets of size t until one reproduces the check value (tolerates bad extra shares).
  std::vector<int> idx(static_cast<size_t>(t));
  for (int i = 0; i < t; ++i) idx[static_cast<size_t>(i)] = i;
  int n = static_cast<int>(shares.size());
  for (int tries = 0; tries < 5000; ++tries) {
    std::vector<const Share*> use;
    for (int i : idx) use.push_back(&shares[static_cast<size_t>(i)]);
    SecretBytes secret = Interpolate(use);
    if (ConstantTimeEquals(Check(secret.Reveal(SecretAccess::Unsafe())), shares[0].check)) {
      return secret;
    }
    // next combination
    int k = t - 1;
    while (k >= 0 && idx[static_cast<size_t>(k)] == n - t + k) --k;
    if (k < 0) break;
    ++idx[static_cast<size_t>(k)];
    for (int j = k + 1; j < t; ++j)
      idx[static_cast<size_t>(j)] = idx[static_cast<size_t>(j - 1)] + 1;
  }
  return DataLossError("the shares do not rebuild the secret: at least one share is wrong");
}

}  // namespace hetong::crypto
