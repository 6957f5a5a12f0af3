// Cryptographic Message Syntax SignedData: RFC 5652 with the PKCS#7 OIDs, and the GB/T
// 35275-2017 / GM/T 0010-2012 variant (outer content type 1.2.156.10197.6.1.4.2.2, data type
// …4.2.1, SM3 + SM2). One encoder for every algorithm, driven by a `Signer` (so that a key
// center or HSM can sign), and a strict parser with signature checking.
//
// Signing always uses signed attributes (contentType, messageDigest, optionally signingTime
// and ESS signing-certificate-v2 as CAdES requires). SM2 signatures are computed with Z_A
// and the signer's ID; when checking SM2 signatures made by GmSSL 3 (which signs SM3 of the
// attributes without Z_A), the result says so instead of failing.
//
// Checking a signature is a finding, not an error: CmsVerifySigner returns a status enum;
// Status errors are reserved for malformed input. Certificate paths are not checked here.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate_info.h"
#include "crypto/hash.h"
#include "crypto/signature.h"

namespace hetong::crypto {

enum class CmsOidFamily { kPkcs7, kGbt35275 };

struct CmsSignOptions {
  bool detached = false;
  // Default: GB/T 35275 OIDs for SM2 signers, PKCS#7/CMS otherwise.
  std::optional<CmsOidFamily> oid_family;
  // eContentType (default id-data / GB/T 35275 data); e.g. id-ct-TSTInfo for time-stamps.
  std::string econtent_type;
  std::optional<base::TimePoint> signing_time;
  bool signing_certificate_v2 = true;
  bool include_certificate = true;
  std::vector<Bytes> extra_certificates;  // DER, e.g. the issuing CA
  // Additional signed attributes, each a DER Attribute SEQUENCE.
  std::vector<Bytes> extra_signed_attributes;
};

// Signs `content`; attaches it unless options.detached.
StatusOr<Bytes> CmsSign(const Signer& signer, const CertificateInfo& cert, ByteView content,
                        const CmsSignOptions& options);
// Signs a detached content whose digest (with SignatureHash(signer.algorithm())) is given.
StatusOr<Bytes> CmsSignDigest(const Signer& signer, const CertificateInfo& cert,
                              ByteView content_digest, const CmsSignOptions& options);

struct CmsAttribute {
  std::string oid;
  std::vector<Bytes> values;  // each value's full DER
};

struct CmsSignerInfo {
  int version = 1;
  Bytes issuer_der;  // issuerAndSerialNumber form
  Bytes serial;
  Bytes subject_key_id;  // [0] subjectKeyIdentifier form
  std::string digest_oid;
  std::optional<HashAlgorithm> digest;
  Bytes signed_attrs_der;  // re-tagged as SET OF (what the signature covers); empty if none
  std::vector<CmsAttribute> signed_attrs;
  std::string signature_oid;
  Bytes signature_params;  // DER of the parameters, if any
  Bytes signature;
  std::vector<CmsAttribute> unsigned_attrs;
  Bytes tlv;  // the whole SignerInfo
  const CmsAttribute* FindSigned(std::string_view oid) const;
  const CmsAttribute* FindUnsigned(std::string_view oid) const;
};

struct CmsSignedData {
  std::string content_type;  // outer ContentInfo type
  bool gbt35275 = false;
  int version = 1;
  std::string econtent_type;
  std::optional<Bytes> content;  // absent when detached
  std::vector<Bytes> certificates;
  std::vector<Bytes> crls;
  std::vector<CmsSignerInfo> signers;
  // Byte ranges for rebuilding (adding unsigned attributes).
  Bytes signed_data_tlv;
};

StatusOr<CmsSignedData> ParseCmsSignedData(ByteView der);

enum class CmsSignatureStatus {
  kValid,
  kDigestMismatch,    // messageDigest differs from the content's digest
  kSignatureInvalid,  // the signature over the signed attributes does not verify
  kSignerCertificateMissing,
  kUnsupportedAlgorithm,
};
std::string_view CmsSignatureStatusName(CmsSignatureStatus s);

struct CmsSignatureCheck {
  CmsSignatureStatus status = CmsSignatureStatus::kSignatureInvalid;
  std::optional<CertificateInfo> signer;
  std::optional<SignatureAlgorithm> algorithm;
  std::optional<HashAlgorithm> digest;
  std::optional<base::TimePoint> signing_time;
  bool sm2_without_z = false;  // a GmSSL-style signature (SM3 of attributes, no Z_A)
  std::string detail;          // for people
};

// Checks signer `index` against the digest of the (attached or detached) content, computed
// with the signer's digest algorithm. `extra_certs` are searched for the signer certificate
// after the ones in the message.
StatusOr<CmsSignatureCheck> CmsVerifySigner(const CmsSignedData& sd, size_t index,
                                            ByteView content_digest,
                                            const std::vector<Bytes>& extra_certs = {});
// Convenience: hashes the attached content (or `detached_content`) and checks signer 0.
StatusOr<CmsSignatureCheck> CmsVerify(const CmsSignedData& sd,
                                      const Bytes* detached_content = nullptr);

// Adds `attribute` (a DER Attribute) to the unsigned attributes of signer `index` and
// re-encodes the message; everything else (and so the signature) is unchanged. Used for the
// signature time-stamp of CAdES/PAdES B-T (id-aa-timeStampToken over the signature value).
StatusOr<Bytes> CmsAddUnsignedAttribute(ByteView signed_data, size_t index, ByteView attribute);

// Maps CMS algorithm identifiers to hetong's signature algorithm.
std::optional<SignatureAlgorithm> CmsSignatureAlgorithm(std::string_view sig_oid,
                                                        ByteView sig_params,
                                                        std::optional<HashAlgorithm> digest,
                                                        KeyType key_type);

// DER AlgorithmIdentifier helpers.
Bytes AlgorithmIdentifier(std::string_view oid, bool null_params);
Bytes DigestAlgorithmIdentifier(HashAlgorithm alg);
Bytes SignatureAlgorithmIdentifier(SignatureAlgorithm alg);
// Attribute ::= SEQUENCE { type, SET OF values }
Bytes CmsAttributeDer(std::string_view oid, std::vector<Bytes> values);

}  // namespace hetong::crypto
