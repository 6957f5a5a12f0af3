// Credentials and identifiers of the identity module, free of storage:
//
// - password hashes: PBKDF2-HMAC-SM3 with a per-user random salt, stored as
//   "pbkdf2-sm3$<iterations>$<salt, base64url>$<hash, base64url>" (docs/formats/identity.md);
// - session and one-time tokens: 32 random bytes shown once as base64url, stored only as
//   their SM3 hash (hex), so a copy of the database opens no session;
// - TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits, the parameters authenticator apps
//   use) with base32 secrets (RFC 4648);
// - the check digits of resident identity card numbers (GB 11643-1999, ISO 7064 MOD 11-2)
//   and unified social credit codes (GB 32100-2015, MOD 31), and their masked forms.
//
// Thread-safety: free functions, safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::identity {

// ---- passwords ----

// 8..256 bytes of UTF-8, not all of one character class when shorter than 16 bytes.
Status CheckPasswordPolicy(const SecretBytes& password);
StatusOr<std::string> HashPassword(const SecretBytes& password, uint32_t iterations, Rng& rng);
// False for a wrong password; an error only for a malformed stored hash.
StatusOr<bool> VerifyPassword(const SecretBytes& password, std::string_view stored);

// ---- opaque tokens ----

struct IssuedToken {
  SecretBytes token;  // base64url text, given to the client once
  std::string hash;   // SM3 of the text, hex: what is stored
};
StatusOr<IssuedToken> NewToken(Rng& rng);
std::string TokenHash(std::string_view token);

// ---- TOTP ----

std::string Base32Encode(ByteView data);                          // no padding
StatusOr<SecretBytes> Base32DecodeSecret(std::string_view text);  // ignores case, spaces, '='
// The `digits`-digit HOTP value of `counter` (RFC 4226), HMAC-SHA1.
std::string Hotp(const SecretBytes& secret, uint64_t counter, int digits = 6);
// The TOTP step of `t` (30 s steps from the Unix epoch).
uint64_t TotpStep(base::TimePoint t);
// Checks `code` against the steps t-1, t, t+1; returns the step that matched, or -1.
int64_t TotpMatch(const SecretBytes& secret, std::string_view code, base::TimePoint t);
// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret_b32);

// ---- identity numbers ----

// An 18-character resident identity card number: 17 digits, then the MOD 11-2 check
// character (0-9 or X), with a plausible birth date. Upper-cases a trailing 'x'.
StatusOr<std::string> NormaliseResidentIdNumber(std::string_view text);
// An 18-character unified social credit code (digits and upper-case letters without I, O,
// S, V, Z) with its MOD 31 check character.
StatusOr<std::string> NormaliseCreditCode(std::string_view text);
// What hetong's certificates carry instead of an identity card number:
// "IDSM3-" + the first 16 bytes of SM3("hetong-id:" ‖ number), upper-case hex.
std::string IdNumberDigest(std::string_view normalised);
// "110101********123X": the first 6 and last 4 characters.
std::string MaskIdNumber(std::string_view normalised);
// Mainland mobile numbers: 11 digits starting with 1 (an optional +86 is dropped).
StatusOr<std::string> NormaliseMobile(std::string_view text);
// A lower-cased address with one '@', a dot in the domain, no spaces, at most 254 bytes.
StatusOr<std::string> NormaliseEmail(std::string_view text);

}  // namespace hetong::identity
