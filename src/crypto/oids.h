// Object identifiers used across crypto/ and pki/ (dotted form). Sources: RFC 5280, 5652,
// 3161, 5035, 8017, 5758; GM/T 0006-2012 and GB/T 35275-2017 as collected in
// reference/gm-standards-facts.md §1.
#pragma once

#include <string_view>

namespace hetong::crypto::oid {

// PKCS#7 / CMS content types
inline constexpr std::string_view kData = "1.2.840.113549.1.7.1";
inline constexpr std::string_view kSignedData = "1.2.840.113549.1.7.2";
inline constexpr std::string_view kEnvelopedData = "1.2.840.113549.1.7.3";
inline constexpr std::string_view kTstInfo = "1.2.840.113549.1.9.16.1.4";
// GB/T 35275-2017 / GM/T 0010-2012 content types
inline constexpr std::string_view kSm2Data = "1.2.156.10197.6.1.4.2.1";
inline constexpr std::string_view kSm2SignedData = "1.2.156.10197.6.1.4.2.2";
inline constexpr std::string_view kSm2EnvelopedData = "1.2.156.10197.6.1.4.2.3";

// CMS attributes
inline constexpr std::string_view kContentType = "1.2.840.113549.1.9.3";
inline constexpr std::string_view kMessageDigest = "1.2.840.113549.1.9.4";
inline constexpr std::string_view kSigningTime = "1.2.840.113549.1.9.5";
inline constexpr std::string_view kSigningCertificate = "1.2.840.113549.1.9.16.2.12";
inline constexpr std::string_view kSigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";
inline constexpr std::string_view kTimeStampToken = "1.2.840.113549.1.9.16.2.14";

// Signature algorithms
inline constexpr std::string_view kRsaEncryption = "1.2.840.113549.1.1.1";
inline constexpr std::string_view kSha1WithRsa = "1.2.840.113549.1.1.5";
inline constexpr std::string_view kRsaPss = "1.2.840.113549.1.1.10";
inline constexpr std::string_view kSha256WithRsa = "1.2.840.113549.1.1.11";
inline constexpr std::string_view kSha384WithRsa = "1.2.840.113549.1.1.12";
inline constexpr std::string_view kSha512WithRsa = "1.2.840.113549.1.1.13";
inline constexpr std::string_view kMgf1 = "1.2.840.113549.1.1.8";
inline constexpr std::string_view kEcPublicKey = "1.2.840.10045.2.1";
inline constexpr std::string_view kEcdsaWithSha1 = "1.2.840.10045.4.1";
inline constexpr std::string_view kEcdsaWithSha256 = "1.2.840.10045.4.3.2";
inline constexpr std::string_view kEcdsaWithSha384 = "1.2.840.10045.4.3.3";
inline constexpr std::string_view kEcdsaWithSha512 = "1.2.840.10045.4.3.4";
inline constexpr std::string_view kSm2 = "1.2.156.10197.1.301";
inline constexpr std::string_view kSm2Sign = "1.2.156.10197.1.301.1";
inline constexpr std::string_view kSm2KeyExchange = "1.2.156.10197.1.301.2";
inline constexpr std::string_view kSm2Encrypt = "1.2.156.10197.1.301.3";
inline constexpr std::string_view kSm2WithSm3 = "1.2.156.10197.1.501";

// Ciphers
inline constexpr std::string_view kSm4Cbc = "1.2.156.10197.1.104.2";

}  // namespace hetong::crypto::oid
