// Object identifiers of X.509 / PKIX (RFC 5280, 6960, 3161, X.520) and hetong's own arc.
#pragma once

#include <string_view>

namespace hetong::pki::oid {

// Name attributes (X.520)
inline constexpr std::string_view kCommonName = "2.5.4.3";
inline constexpr std::string_view kSurname = "2.5.4.4";
inline constexpr std::string_view kSerialNumber = "2.5.4.5";
inline constexpr std::string_view kCountry = "2.5.4.6";
inline constexpr std::string_view kLocality = "2.5.4.7";
inline constexpr std::string_view kProvince = "2.5.4.8";
inline constexpr std::string_view kOrganization = "2.5.4.10";
inline constexpr std::string_view kOrganizationalUnit = "2.5.4.11";
inline constexpr std::string_view kGivenName = "2.5.4.42";
inline constexpr std::string_view kOrganizationIdentifier = "2.5.4.97";
inline constexpr std::string_view kEmailAddress = "1.2.840.113549.1.9.1";

// Certificate extensions
inline constexpr std::string_view kSubjectKeyIdentifier = "2.5.29.14";
inline constexpr std::string_view kKeyUsage = "2.5.29.15";
inline constexpr std::string_view kSubjectAltName = "2.5.29.17";
inline constexpr std::string_view kBasicConstraints = "2.5.29.19";
inline constexpr std::string_view kCrlNumber = "2.5.29.20";
inline constexpr std::string_view kCrlReason = "2.5.29.21";
inline constexpr std::string_view kInvalidityDate = "2.5.29.24";
inline constexpr std::string_view kCrlDistributionPoints = "2.5.29.31";
inline constexpr std::string_view kCertificatePolicies = "2.5.29.32";
inline constexpr std::string_view kAuthorityKeyIdentifier = "2.5.29.35";
inline constexpr std::string_view kExtKeyUsage = "2.5.29.37";
inline constexpr std::string_view kAuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";
inline constexpr std::string_view kAnyPolicy = "2.5.29.32.0";

// Extended key usages
inline constexpr std::string_view kKpServerAuth = "1.3.6.1.5.5.7.3.1";
inline constexpr std::string_view kKpClientAuth = "1.3.6.1.5.5.7.3.2";
inline constexpr std::string_view kKpEmailProtection = "1.3.6.1.5.5.7.3.4";
inline constexpr std::string_view kKpTimeStamping = "1.3.6.1.5.5.7.3.8";
inline constexpr std::string_view kKpOcspSigning = "1.3.6.1.5.5.7.3.9";
inline constexpr std::string_view kAnyExtendedKeyUsage = "2.5.29.37.0";
// Document signing (RFC 9336), used in hetong's personal/organisation certificates.
inline constexpr std::string_view kKpDocumentSigning = "1.3.6.1.5.5.7.3.36";

// Access methods
inline constexpr std::string_view kAdOcsp = "1.3.6.1.5.5.7.48.1";
inline constexpr std::string_view kAdCaIssuers = "1.3.6.1.5.5.7.48.2";
inline constexpr std::string_view kOcspNoCheck = "1.3.6.1.5.5.7.48.1.5";
inline constexpr std::string_view kOcspNonce = "1.3.6.1.5.5.7.48.1.2";
inline constexpr std::string_view kOcspBasic = "1.3.6.1.5.5.7.48.1.1";

// hetong's arc (X.667 UUID c746bc83-e1f5-49ee-aacb-8e8d47b2bd8d).
inline constexpr std::string_view kHetongArc = "2.25.264883655483121135695516317358350318989";
// Certificate policies of hetong's profiles.
inline constexpr std::string_view kPolicyPersonal =
    "2.25.264883655483121135695516317358350318989.1.1";
inline constexpr std::string_view kPolicyOrganization =
    "2.25.264883655483121135695516317358350318989.1.2";
inline constexpr std::string_view kPolicyEvent = "2.25.264883655483121135695516317358350318989.1.3";
inline constexpr std::string_view kPolicyTsa = "2.25.264883655483121135695516317358350318989.1.4";
inline constexpr std::string_view kPolicyDemo = "2.25.264883655483121135695516317358350318989.1.99";
// Event-certificate extension: the SM3 hash of the evidence collected at signing
// (GM/Y 5013 §5.3.4.2), docs/formats/certificates.md.
inline constexpr std::string_view kExtSigningEvidence =
    "2.25.264883655483121135695516317358350318989.2.1";
// Extended key usage of the evidence log's tree-head signing certificate
// (docs/formats/evidence.md).
inline constexpr std::string_view kKpEvidenceLog =
    "2.25.264883655483121135695516317358350318989.4.1";
// Time-stamp policy of hetong's TSA.
inline constexpr std::string_view kTsaPolicy = "2.25.264883655483121135695516317358350318989.3.1";

}  // namespace hetong::pki::oid
