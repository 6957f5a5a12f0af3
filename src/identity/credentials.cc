#include "identity/credentials.h"

#include <array>
#include <chrono>
#include <cstring>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/mac.h"
#include "crypto/random.h"

namespace hetong::identity {

namespace {

constexpr std::string_view kPasswordScheme = "pbkdf2-sm3";
constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;
constexpr uint32_t kMaxIterations = 10'000'000;

bool ConstantTimeEquals(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status CheckPasswordPolicy(const SecretBytes& password) {
  std::string_view p = password.RevealString(SecretAccess::Unsafe());
  if (p.size() < 8) return InvalidArgumentError("a password has at least 8 characters");
  if (p.size() > 256) return InvalidArgumentError("a password has at most 256 bytes");
  if (p.size() < 16) {
    bool lower = false, upper = false, digit = false, other = false;
    for (char c : p) {
      if (c >= 'a' && c <= 'z') {
        lower = true;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
      } else if (IsDigit(c)) {
        digit = true;
      } else {
        other = true;
      }
    }
    if (int(lower) + int(upper) + int(digit) + int(other) < 2) {
      return InvalidArgumentError(
          "a password shorter than 16 characters mixes at least two of: lower-case letters, "
          "upper-case letters, digits, other characters");
    }
  }
  return OkStatus();
}

StatusOr<std::string> HashPassword(const SecretBytes& password, uint32_t iterations, Rng& rng) {
  if (iterations < 1 || iterations > kMaxIterations) {
    return InvalidArgumentError("password hash iterations out of range");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes salt, crypto::RandomBytes(rng, kSaltSize));
  HETONG_ASSIGN_OR_RETURN(SecretBytes dk, crypto::Pbkdf2(crypto::HashAlgorithm::kSm3, password,
                                                         salt, iterations, kHashSize));
  return std::string(kPasswordScheme) + "$" + std::to_string(iterations) + "$" +
         base::Base64UrlEncode(salt) + "$" +
         base::Base64UrlEncode(dk.Reveal(SecretAccess::Unsafe()));
}

StatusOr<bool> VerifyPassword(const SecretBytes& password, std::string_view stored) {
  auto parts = Split(stored, '$');
  if (parts.size() != 4 || parts[0] != kPasswordScheme) {
    return DataLossError("a stored password hash is malformed");
  }
  uint64_t iterations = 0;
  for (char c : parts[1]) {
    if (!IsDigit(c) || iterations > kMaxIterations) {
      return DataLossError("a stored password hash is malformed");
    }
    iterations = iterations * 10 + static_cast<uint64_t>(c - '0');
  }
  auto salt = base::Base64UrlDecode(parts[2]);
  auto expected = base::Base64UrlDecode(parts[3]);
  if (iterations < 1 || iterations > kMaxIterations || !salt.ok() || !expected.ok() ||
      expected->size() != kHashSize) {
    return DataLossError("a stored password hash is malformed");
  }
  HETONG_ASSIGN_OR_RETURN(SecretBytes dk,
                          crypto::Pbkdf2(crypto::HashAlgorithm::kSm3, password, *salt,
                                         static_cast<uint32_t>(iterations), kHashSize));
  return ConstantTimeEquals(dk.Reveal(SecretAccess::Unsafe()), *expected);
}

StatusOr<IssuedToken> NewToken(Rng& rng) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes raw, crypto::RandomSecret(rng, 32));
  std::string text = base::Base64UrlEncode(raw.Reveal(SecretAccess::Unsafe()));
  IssuedToken t{SecretBytes::Copy(text), TokenHash(text)};
  std::fill(text.begin(), text.end(), '\0');
  return t;
}

std::string TokenHash(std::string_view token) {
  return base::HexEncode(crypto::Sm3(AsBytes(token)));
}

// ---- TOTP ----

namespace {
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string Base32Encode(ByteView data) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

StatusOr<SecretBytes> Base32DecodeSecret(std::string_view text) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '=' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    size_t v = kBase32.find(c);
    if (v == std::string_view::npos) {
      std::memset(out.data(), 0, out.size());
      return InvalidArgumentError("a TOTP secret is base32 (A-Z, 2-7)");
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  SecretBytes s = SecretBytes::Copy(std::span<const uint8_t>(out));
  std::memset(out.data(), 0, out.size());
  if (s.size() < 10) return InvalidArgumentError("a TOTP secret has at least 80 bits");
  return s;
}

std::string Hotp(const SecretBytes& secret, uint64_t counter, int digits) {
  std::array<uint8_t, 8> msg{};
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<size_t>(i)] = static_cast<uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  Bytes mac = crypto::Hmac(crypto::HashAlgorithm::kSha1, secret.Reveal(SecretAccess::Unsafe()),
                           ByteView(msg.data(), msg.size()));
  size_t offset = mac.back() & 0x0f;
  uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                 (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                 (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

uint64_t TotpStep(base::TimePoint t) {
  int64_t s = base::ToUnixSeconds(t);
  return s < 0 ? 0 : static_cast<uint64_t>(s) / 30;
}

int64_t TotpMatch(const SecretBytes& secret, std::string_view code, base::TimePoint t) {
  if (code.size() != 6) return -1;
  uint64_t step = TotpStep(t);
  int64_t matched = -1;
  for (uint64_t s = step == 0 ? 0 : step - 1; s <= step + 1; ++s) {
    std::string expected = Hotp(secret, s, 6);
    if (ConstantTimeEquals(AsBytes(expected), AsBytes(code))) matched = static_cast<int64_t>(s);
  }
  return matched;
}

std::string TotpUri(std::string_view issuer, std::string_view account,
                    std::string_view secret_b32) {
  auto esc = [](std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
        out.push_back(static_cast<char>(c));
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  };
  return "otpauth://totp/" + esc(issuer) + ":" + esc(account) +
         "?secret=" + std::string(secret_b32) + "&issuer=" + esc(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

// ---- identity numbers ----

StatusOr<std::string> NormaliseResidentIdNumber(std::string_view text) {
  std::string id(text);
  if (id.size() == 18 && id[17] == 'x') id[17] = 'X';
  if (id.size() != 18) {
    return InvalidArgumentError("a resident identity card number has 18 characters");
  }
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) {
      return InvalidArgumentError(
          "a resident identity card number has 17 digits and a check "
          "character");
    }
    sum += (id[i] - '0') * kWeights[i];
  }
  if (id[17] != kCheck[static_cast<size_t>(sum % 11)]) {
    return InvalidArgumentError("the check character of the identity card number is wrong");
  }
  int year = std::stoi(id.substr(6, 4)), month = std::stoi(id.substr(10, 2)),
      day = std::stoi(id.substr(12, 2));
  if (year < 1800 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) {
    return InvalidArgumentError("the identity card number does not hold a valid birth date");
  }
  return id;
}

StatusOr<std::string> NormaliseCreditCode(std::string_view text) {
  static constexpr std::string_view kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  std::string code(text);
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (code.size() != 18)
    return InvalidArgumentError("a unified social credit code has 18 characters");
  int sum = 0;
  for (size_t i = 0; i < 18; ++i) {
    size_t v = kChars.find(code[i]);
    if (v == std::string_view::npos) {
      return InvalidArgumentError(
          "a unified social credit code uses digits and the letters A-Y without I, O, S, V, Z");
    }
    if (i < 17) sum += static_cast<int>(v) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  if (code[17] != kChars[static_cast<size_t>(check)]) {
    return InvalidArgumentError("the check character of the unified social credit code is wrong");
  }
  return code;
}

std::string IdNumberDigest(std::string_view normalised) {
  std::string msg = "hetong-id:" + std::string(normalised);
  Bytes digest = crypto::Sm3(AsBytes(msg));
  std::fill(msg.begin(), msg.end(), '\0');
  return "IDSM3-" + base::HexEncodeUpper(ByteView(digest).subspan(0, 16));
}

std::string MaskIdNumber(std::string_view id) {
  if (id.size() <= 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
         std::string(id.substr(id.size() - 4));
}

StatusOr<std::string> NormaliseMobile(std::string_view text) {
  std::string m;
  for (char c : text) {
    if (c != ' ' && c != '-') m.push_back(c);
  }
  if (m.rfind("+86", 0) == 0) m = m.substr(3);
  if (m.size() != 11 || m[0] != '1') {
    return InvalidArgumentError("a mobile number has 11 digits starting with 1 (+86 optional)");
  }
  for (char c : m) {
    if (!IsDigit(c)) return InvalidArgumentError("a mobile number has only digits");
  }
  return m;
}

StatusOr<std::string> NormaliseEmail(std::string_view text) {
  std::string e(text);
  for (char& c : e) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  size_t at = e.find('@');
  bool ok = !e.empty() && e.size() <= 254 && at != std::string::npos && at > 0 &&
            e.find('@', at + 1) == std::string::npos && e.find('.', at + 2) != std::string::npos &&
            e.back() != '.';
  for (unsigned char c : e) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok) return InvalidArgumentError("an email address looks like name@example.com");
  return e;
}

}  // namespace hetong::identity
