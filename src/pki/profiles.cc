#include "pki/profiles.h"

#include <charconv>

#include "base/der.h"
#include "crypto/certificate_info.h"
#include "crypto/cms.h"
#include "crypto/hash.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

std::string_view ProfileName(Profile p) {
  switch (p) {
    case Profile::kRoot:
      return "root";
    case Profile::kIssuingCa:
      return "ca";
    case Profile::kPersonal:
      return "personal";
    case Profile::kOrganization:
      return "org";
    case Profile::kEvent:
      return "event";
    case Profile::kTsa:
      return "tsa";
    case Profile::kOcspSigner:
      return "ocsp";
    case Profile::kTls:
      return "tls";
    case Profile::kEncryption:
      return "encryption";
    case Profile::kEvidenceLog:
      return "evidence";
  }
  return "?";
}

std::optional<Profile> ProfileFromName(std::string_view name) {
  for (auto p : {Profile::kRoot, Profile::kIssuingCa, Profile::kPersonal, Profile::kOrganization,
                 Profile::kEvent, Profile::kTsa, Profile::kOcspSigner, Profile::kTls,
                 Profile::kEncryption, Profile::kEvidenceLog}) {
    if (ProfileName(p) == name) return p;
  }
  return std::nullopt;
}

std::chrono::seconds DefaultValidity(Profile p) {
  using std::chrono::hours;
  constexpr auto kDay = hours(24);
  switch (p) {
    case Profile::kRoot:
      return std::chrono::duration_cast<std::chrono::seconds>(kDay * 365 * 20);
    case Profile::kIssuingCa:
      return std::chrono::duration_cast<std::chrono::seconds>(kDay * 365 * 10);
    case Profile::kPersonal:
    case Profile::kOrganization:
    case Profile::kTls:
    case Profile::kOcspSigner:
    case Profile::kEncryption:
      return std::chrono::duration_cast<std::chrono::seconds>(kDay * 365);
    case Profile::kEvent:
      return std::chrono::duration_cast<std::chrono::seconds>(kDay);
    case Profile::kTsa:
    case Profile::kEvidenceLog:
      return std::chrono::duration_cast<std::chrono::seconds>(kDay * 365 * 5);
  }
  return std::chrono::seconds(0);
}

Bytes KeyId(const crypto::PublicKey& key) { return crypto::KeyIdentifier(key); }

namespace {

Bytes Ext(std::string_view o, bool critical, ByteView value) {
  if (critical) return der::Seq({der::Oid(o), der::Boolean(true), der::OctetString(value)});
  return der::Seq({der::Oid(o), der::OctetString(value)});
}

Bytes UriName(std::string_view uri) { return der::Tlv(0x86, AsBytes(uri)); }

Bytes Policies(const std::vector<std::string_view>& oids) {
  std::vector<Bytes> infos;
  for (auto o : oids) infos.push_back(der::Seq({der::Oid(o)}));
  return der::Seq(infos);
}

StatusOr<Bytes> IpAddress(std::string_view ip) {
  Bytes out;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = ip.find('.', pos);
    if ((i < 3) != (dot != std::string_view::npos))
      return InvalidArgumentError("bad IPv4 address in SAN");
    std::string_view part = ip.substr(pos, i < 3 ? dot - pos : std::string_view::npos);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || v > 255 || part.empty()) {
      return InvalidArgumentError("bad IPv4 address in SAN");
    }
    out.push_back(static_cast<uint8_t>(v));
    pos = dot + 1;
  }
  return out;
}

}  // namespace

StatusOr<Bytes> IssueCertificate(const IssueRequest& req, const IssuerContext& issuer,
                                 const base::Clock& clock, Rng& rng) {
  if (!issuer.signer) return InvalidArgumentError("no issuer signer");
  if (!req.subject_key) return InvalidArgumentError("no subject public key");
  const crypto::PublicKey& subject_key = *req.subject_key;
  bool self_signed = issuer.certificate == nullptr;
  if (self_signed != (req.profile == Profile::kRoot)) {
    return InvalidArgumentError("only the root profile is self-signed");
  }
  if (self_signed && !issuer.signer->public_key().Equals(subject_key)) {
    return InvalidArgumentError("a self-signed certificate must be signed by its own key");
  }
  if (req.subject.empty()) return InvalidArgumentError("the subject name is empty");
  HETONG_ASSIGN_OR_RETURN(Bytes subject_der, req.subject.Encode());
  Bytes issuer_der = self_signed ? subject_der : issuer.certificate->subject_der();
  const crypto::PublicKey& issuer_key = issuer.signer->public_key();
  if (!self_signed && !issuer.certificate->public_key().Equals(issuer_key)) {
    return InvalidArgumentError(
        "the issuer certificate does not belong to the issuer's signing key");
  }

  // Validity.
  base::TimePoint nb = req.not_before.value_or(
      std::chrono::floor<std::chrono::seconds>(clock.Now()) - std::chrono::minutes(1));
  base::TimePoint na = req.not_after.value_or(nb + DefaultValidity(req.profile));
  if (!self_signed && na > issuer.certificate->not_after()) na = issuer.certificate->not_after();
  if (!self_signed && nb < issuer.certificate->not_before()) nb = issuer.certificate->not_before();
  if (na <= nb) return InvalidArgumentError("the certificate would not be valid at any time");

  // Serial: 128 random bits, positive.
  Bytes serial(16);
  HETONG_RETURN_IF_ERROR(rng.Generate(serial));
  serial[0] = static_cast<uint8_t>((serial[0] & 0x7f) | 0x01);

  bool is_ca = req.profile == Profile::kRoot || req.profile == Profile::kIssuingCa;
  bool end_entity = !is_ca;
  std::vector<Bytes> exts;
  // Basic constraints.
  if (is_ca) {
    std::optional<int> pl = req.path_len;
    if (req.profile == Profile::kIssuingCa && !pl) pl = 0;
    Bytes bc =
        pl ? der::Seq({der::Boolean(true), der::Integer(*pl)}) : der::Seq({der::Boolean(true)});
    exts.push_back(Ext(oid::kBasicConstraints, true, bc));
  } else {
    exts.push_back(Ext(oid::kBasicConstraints, false, der::Seq({})));
  }
  // Key usage.
  std::vector<int> ku;
  switch (req.profile) {
    case Profile::kRoot:
    case Profile::kIssuingCa:
      ku = {kKeyCertSign, kCrlSign};
      break;
    case Profile::kPersonal:
    case Profile::kOrganization:
    case Profile::kEvent:
    case Profile::kTsa:
    case Profile::kEvidenceLog:
      ku = {kDigitalSignature, kNonRepudiation};
      break;
    case Profile::kOcspSigner:
      ku = {kDigitalSignature};
      break;
    case Profile::kTls:
      ku = {kDigitalSignature};
      if (subject_key.type() == crypto::KeyType::kRsa) ku.push_back(kKeyEncipherment);
      break;
    case Profile::kEncryption:
      ku = {kKeyEncipherment, kDataEncipherment};
      break;
  }
  exts.push_back(Ext(oid::kKeyUsage, true, der::NamedBits(ku)));
  // Extended key usage.
  auto eku = [&](std::vector<std::string_view> oids, bool critical) {
    std::vector<Bytes> v;
    for (auto o : oids) v.push_back(der::Oid(o));
    exts.push_back(Ext(oid::kExtKeyUsage, critical, der::Seq(v)));
  };
  switch (req.profile) {
    case Profile::kPersonal:
    case Profile::kOrganization:
    case Profile::kEvent:
      eku({oid::kKpEmailProtection, oid::kKpDocumentSigning, oid::kKpClientAuth}, false);
      break;
    case Profile::kTsa:
      eku({oid::kKpTimeStamping}, true);
      break;
    case Profile::kEvidenceLog:
      eku({oid::kKpEvidenceLog}, true);
      break;
    case Profile::kOcspSigner:
      eku({oid::kKpOcspSigning}, false);
      break;
    case Profile::kTls:
      eku({oid::kKpServerAuth}, false);
      break;
    default:
      break;
  }
  // Key identifiers.
  exts.push_back(Ext(oid::kSubjectKeyIdentifier, false, der::OctetString(KeyId(subject_key))));
  if (!self_signed) {
    Bytes aki = issuer.certificate->subject_key_id().empty() ? KeyId(issuer_key)
                                                             : issuer.certificate->subject_key_id();
    exts.push_back(Ext(oid::kAuthorityKeyIdentifier, false,
                       der::Seq({der::Tlv(der::ContextTag(0, false), aki)})));
  }
  // Subject alternative names.
  std::vector<Bytes> san;
  for (const auto& d : req.dns_names) san.push_back(der::Tlv(0x82, AsBytes(d)));
  for (const auto& ip : req.ip_addresses) {
    HETONG_ASSIGN_OR_RETURN(Bytes a, IpAddress(ip));
    san.push_back(der::Tlv(0x87, a));
  }
  for (const auto& e : req.emails) san.push_back(der::Tlv(0x81, AsBytes(e)));
  if (req.profile == Profile::kTls && san.empty()) {
    return InvalidArgumentError("a TLS certificate needs at least one DNS name or IP address");
  }
  if (!san.empty()) exts.push_back(Ext(oid::kSubjectAltName, false, der::Seq(san)));
  // Where to check revocation and find the issuer.
  if (!self_signed) {
    if (!issuer.crl_url.empty()) {
      Bytes dp =
          der::Seq({der::Explicit(0, der::Tlv(der::ContextTag(0, true), UriName(issuer.crl_url)))});
      exts.push_back(Ext(oid::kCrlDistributionPoints, false, der::Seq({dp})));
    }
    std::vector<Bytes> aia;
    if (end_entity && req.profile != Profile::kOcspSigner && !issuer.ocsp_url.empty()) {
      aia.push_back(der::Seq({der::Oid(oid::kAdOcsp), UriName(issuer.ocsp_url)}));
    }
    if (!issuer.ca_issuers_url.empty()) {
      aia.push_back(der::Seq({der::Oid(oid::kAdCaIssuers), UriName(issuer.ca_issuers_url)}));
    }
    if (!aia.empty()) exts.push_back(Ext(oid::kAuthorityInfoAccess, false, der::Seq(aia)));
  }
  // Policies.
  std::vector<std::string_view> pols;
  switch (req.profile) {
    case Profile::kPersonal:
      pols.push_back(oid::kPolicyPersonal);
      break;
    case Profile::kOrganization:
      pols.push_back(oid::kPolicyOrganization);
      break;
    case Profile::kEvent:
      pols.push_back(oid::kPolicyEvent);
      break;
    case Profile::kTsa:
      pols.push_back(oid::kPolicyTsa);
      break;
    default:
      break;
  }
  if (req.demo && end_entity) pols.push_back(oid::kPolicyDemo);
  if (!pols.empty()) exts.push_back(Ext(oid::kCertificatePolicies, false, Policies(pols)));
  if (req.profile == Profile::kOcspSigner)
    exts.push_back(Ext(oid::kOcspNoCheck, false, der::Null()));
  if (req.profile == Profile::kEvent) {
    if (req.evidence_hash.size() != 32) {
      return InvalidArgumentError(
          "an event certificate carries the 32-byte SM3 hash of the signing evidence");
    }
    exts.push_back(Ext(oid::kExtSigningEvidence, false,
                       der::Seq({crypto::DigestAlgorithmIdentifier(crypto::HashAlgorithm::kSm3),
                                 der::OctetString(req.evidence_hash)})));
  } else if (!req.evidence_hash.empty()) {
    return InvalidArgumentError("only event certificates carry an evidence hash");
  }

  Bytes sig_alg = crypto::SignatureAlgorithmIdentifier(issuer.signer->algorithm());
  Bytes tbs = der::Seq({der::Explicit(0, der::Integer(2)), der::UnsignedInteger(serial), sig_alg,
                        issuer_der, der::Seq({der::X509Time(nb), der::X509Time(na)}), subject_der,
                        subject_key.ToSpkiDer(), der::Explicit(3, der::Seq(exts))});
  HETONG_ASSIGN_OR_RETURN(Bytes sig, issuer.signer->Sign(tbs));
  return der::Seq({tbs, sig_alg, der::BitString(sig)});
}

}  // namespace hetong::pki
