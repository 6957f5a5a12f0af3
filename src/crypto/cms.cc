#include "crypto/cms.h"

#include "base/der.h"
#include "crypto/internal/sm2_math.h"
#include "crypto/oids.h"
#include "crypto/sm2.h"

namespace hetong::crypto {

namespace der = base::der;

namespace {

Status Malformed(std::string what) {
  return InvalidArgumentError("malformed CMS SignedData: " + what);
}

bool IsSm3Oid(std::string_view oid) {
  return oid == "1.2.156.10197.1.401" || oid == "1.2.156.10197.1.401.1" ||
         oid == "1.2.156.10197.1.401.2";
}

std::optional<HashAlgorithm> DigestFromOid(std::string_view oid) {
  if (IsSm3Oid(oid)) return HashAlgorithm::kSm3;
  return HashFromOid(oid);
}

StatusOr<std::vector<CmsAttribute>> ParseAttributes(ByteView set_contents) {
  std::vector<CmsAttribute> out;
  der::Reader r(set_contents);
  while (!r.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Reader attr, r.ReadSequence());
    CmsAttribute a;
    HETONG_ASSIGN_OR_RETURN(a.oid, attr.ReadOid());
    HETONG_ASSIGN_OR_RETURN(der::Reader values, attr.ReadSet());
    HETONG_RETURN_IF_ERROR(attr.ExpectEnd("attribute"));
    while (!values.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Element v, values.ReadAny());
      a.values.push_back(ToBytes(v.tlv));
    }
    out.push_back(std::move(a));
  }
  return out;
}

Bytes IssuerSerial(const CertificateInfo& cert) {
  return der::Seq({cert.issuer_der, der::UnsignedInteger(cert.serial)});
}

Bytes SigningCertificateV2(const CertificateInfo& cert, HashAlgorithm alg) {
  Bytes hash = Hash(alg, cert.der);
  Bytes issuer_serial =
      der::Seq({der::Seq({der::Explicit(4, cert.issuer_der)}), der::UnsignedInteger(cert.serial)});
  Bytes cert_id =
      alg == HashAlgorithm::kSha256
          ? der::Seq({der::OctetString(hash), issuer_serial})
          : der::Seq({DigestAlgorithmIdentifier(alg), der::OctetString(hash), issuer_serial});
  return CmsAttributeDer(oid::kSigningCertificateV2, {der::Seq({der::Seq({cert_id})})});
}

}  // namespace

Bytes AlgorithmIdentifier(std::string_view oid_text, bool null_params) {
  if (null_params) return der::Seq({der::Oid(oid_text), der::Null()});
  return der::Seq({der::Oid(oid_text)});
}

Bytes DigestAlgorithmIdentifier(HashAlgorithm alg) {
  return AlgorithmIdentifier(HashOid(alg), false);
}

Bytes SignatureAlgorithmIdentifier(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kSm2Sm3:
      return AlgorithmIdentifier(oid::kSm2WithSm3, false);
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return AlgorithmIdentifier(oid::kSha256WithRsa, true);
    case SignatureAlgorithm::kRsaPkcs1Sha384:
      return AlgorithmIdentifier(oid::kSha384WithRsa, true);
    case SignatureAlgorithm::kRsaPkcs1Sha512:
      return AlgorithmIdentifier(oid::kSha512WithRsa, true);
    case SignatureAlgorithm::kRsaPkcs1Sha1:
      return AlgorithmIdentifier(oid::kSha1WithRsa, true);
    case SignatureAlgorithm::kRsaPssSha256: {
      // RSASSA-PSS-params: SHA-256, MGF1(SHA-256), salt 32, trailer 1.
      Bytes sha256 = AlgorithmIdentifier(HashOid(HashAlgorithm::kSha256), false);
      Bytes params = der::Seq({der::Explicit(0, sha256),
                               der::Explicit(1, der::Seq({der::Oid(oid::kMgf1), sha256})),
                               der::Explicit(2, der::Integer(32))});
      return der::Seq({der::Oid(oid::kRsaPss), params});
    }
    case SignatureAlgorithm::kEcdsaSha256:
      return AlgorithmIdentifier(oid::kEcdsaWithSha256, false);
    case SignatureAlgorithm::kEcdsaSha384:
      return AlgorithmIdentifier(oid::kEcdsaWithSha384, false);
    case SignatureAlgorithm::kEcdsaSha512:
      return AlgorithmIdentifier(oid::kEcdsaWithSha512, false);
    case SignatureAlgorithm::kEcdsaSha1:
      return AlgorithmIdentifier(oid::kEcdsaWithSha1, false);
  }
  return {};
}

Bytes CmsAttributeDer(std::string_view attr_oid, std::vector<Bytes> values) {
  return der::Seq({der::Oid(attr_oid), der::SetOf(std::move(values))});
}

std::optional<SignatureAlgorithm> CmsSignatureAlgorithm(std::string_view sig_oid,
                                                        ByteView sig_params,
                                                        std::optional<HashAlgorithm> digest,
                                                        KeyType key_type) {
  using SA = SignatureAlgorithm;
  if (sig_oid == oid::kSm2WithSm3 || sig_oid == oid::kSm2Sign || sig_oid == oid::kSm2) {
    return key_type == KeyType::kSm2 ? std::optional(SA::kSm2Sm3) : std::nullopt;
  }
  if (sig_oid == oid::kSha256WithRsa) return SA::kRsaPkcs1Sha256;
  if (sig_oid == oid::kSha384WithRsa) return SA::kRsaPkcs1Sha384;
  if (sig_oid == oid::kSha512WithRsa) return SA::kRsaPkcs1Sha512;
  if (sig_oid == oid::kSha1WithRsa) return SA::kRsaPkcs1Sha1;
  if (sig_oid == oid::kEcdsaWithSha256) return SA::kEcdsaSha256;
  if (sig_oid == oid::kEcdsaWithSha384) return SA::kEcdsaSha384;
  if (sig_oid == oid::kEcdsaWithSha512) return SA::kEcdsaSha512;
  if (sig_oid == oid::kEcdsaWithSha1) return SA::kEcdsaSha1;
  if (sig_oid == oid::kRsaPss) {
    // Only the SHA-256 / MGF1-SHA-256 / salt 32 profile that hetong emits.
    Bytes ours = SignatureAlgorithmIdentifier(SA::kRsaPssSha256);
    der::Reader r(ours);
    auto seq = r.ReadSequence();
    if (seq.ok() && seq->ReadOid().ok()) {
      auto params = seq->ReadAny();
      if (params.ok() && std::equal(params->tlv.begin(), params->tlv.end(), sig_params.begin(),
                                    sig_params.end())) {
        return SA::kRsaPssSha256;
      }
    }
    return std::nullopt;
  }
  if (!digest) return std::nullopt;
  if (sig_oid == oid::kRsaEncryption && key_type == KeyType::kRsa) {
    switch (*digest) {
      case HashAlgorithm::kSha256:
        return SA::kRsaPkcs1Sha256;
      case HashAlgorithm::kSha384:
        return SA::kRsaPkcs1Sha384;
      case HashAlgorithm::kSha512:
        return SA::kRsaPkcs1Sha512;
      case HashAlgorithm::kSha1:
        return SA::kRsaPkcs1Sha1;
      default:
        return std::nullopt;
    }
  }
  if (sig_oid == oid::kEcPublicKey &&
      (key_type == KeyType::kEcP256 || key_type == KeyType::kEcP384)) {
    switch (*digest) {
      case HashAlgorithm::kSha256:
        return SA::kEcdsaSha256;
      case HashAlgorithm::kSha384:
        return SA::kEcdsaSha384;
      case HashAlgorithm::kSha512:
        return SA::kEcdsaSha512;
      case HashAlgorithm::kSha1:
        return SA::kEcdsaSha1;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

// ---- signing ----

namespace {

StatusOr<Bytes> BuildSignedData(const Signer& signer, const CertificateInfo& cert,
                                ByteView content_digest, const Bytes* attached_content,
                                const CmsSignOptions& options) {
  if (!cert.public_key.Equals(signer.public_key())) {
    return InvalidArgumentError("the certificate does not belong to the signing key");
  }
  HashAlgorithm digest_alg = SignatureHash(signer.algorithm());
  if (content_digest.size() != HashSize(digest_alg)) {
    return InvalidArgumentError("content digest has the wrong length");
  }
  CmsOidFamily family = options.oid_family.value_or(
      signer.algorithm() == SignatureAlgorithm::kSm2Sm3 ? CmsOidFamily::kGbt35275
                                                        : CmsOidFamily::kPkcs7);
  bool gb = family == CmsOidFamily::kGbt35275;
  std::string econtent_type = !options.econtent_type.empty()
                                  ? options.econtent_type
                                  : std::string(gb ? oid::kSm2Data : oid::kData);
  HETONG_ASSIGN_OR_RETURN(Bytes econtent_type_der, der::OidChecked(econtent_type));

  std::vector<Bytes> attrs;
  attrs.push_back(CmsAttributeDer(oid::kContentType, {econtent_type_der}));
  if (options.signing_time) {
    attrs.push_back(CmsAttributeDer(oid::kSigningTime, {der::X509Time(*options.signing_time)}));
  }
  attrs.push_back(CmsAttributeDer(oid::kMessageDigest, {der::OctetString(content_digest)}));
  if (options.signing_certificate_v2) {
    attrs.push_back(SigningCertificateV2(cert, gb || digest_alg == HashAlgorithm::kSm3
                                                   ? HashAlgorithm::kSm3
                                                   : HashAlgorithm::kSha256));
  }
  for (const auto& a : options.extra_signed_attributes) attrs.push_back(a);
  Bytes signed_attrs = der::SetOf(attrs);  // what is signed (tag SET)
  HETONG_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(signed_attrs));

  Bytes signer_info =
      der::Seq({der::Integer(1), IssuerSerial(cert), DigestAlgorithmIdentifier(digest_alg),
                der::Implicit(0, signed_attrs), SignatureAlgorithmIdentifier(signer.algorithm()),
                der::OctetString(signature)});
  Bytes encap =
      attached_content
          ? der::Seq({econtent_type_der, der::Explicit(0, der::OctetString(*attached_content))})
          : der::Seq({econtent_type_der});
  std::vector<Bytes> certs;
  if (options.include_certificate) certs.push_back(cert.der);
  for (const auto& c : options.extra_certificates) certs.push_back(c);
  // RFC 5652 §5.1: version 3 when eContentType is not id-data; GB/T 35275 uses 1.
  int version = (!gb && econtent_type != oid::kData) ? 3 : 1;
  std::vector<Bytes> fields = {der::Integer(version),
                               der::SetOf({DigestAlgorithmIdentifier(digest_alg)}), encap};
  if (!certs.empty()) {
    Bytes body;
    for (const auto& c : certs) Append(body, c);  // order kept: signer first
    fields.push_back(der::Tlv(der::ContextTag(0, true), body));
  }
  fields.push_back(der::SetOf({signer_info}));
  Bytes signed_data = der::Seq(fields);
  return der::Seq(
      {der::Oid(gb ? oid::kSm2SignedData : oid::kSignedData), der::Explicit(0, signed_data)});
}

}  // namespace

StatusOr<Bytes> CmsSign(const Signer& signer, const CertificateInfo& cert, ByteView content,
                        const CmsSignOptions& options) {
  Bytes digest = Hash(SignatureHash(signer.algorithm()), content);
  Bytes copy;
  if (!options.detached) copy = ToBytes(content);
  return BuildSignedData(signer, cert, digest, options.detached ? nullptr : &copy, options);
}

StatusOr<Bytes> CmsSignDigest(const Signer& signer, const CertificateInfo& cert,
                              ByteView content_digest, const CmsSignOptions& options) {
  CmsSignOptions o = options;
  o.detached = true;
  return BuildSignedData(signer, cert, content_digest, nullptr, o);
}

// ---- parsing ----

const CmsAttribute* CmsSignerInfo::FindSigned(std::string_view o) const {
  for (const auto& a : signed_attrs)
    if (a.oid == o) return &a;
  return nullptr;
}
const CmsAttribute* CmsSignerInfo::FindUnsigned(std::string_view o) const {
  for (const auto& a : unsigned_attrs)
    if (a.oid == o) return &a;
  return nullptr;
}

namespace {

StatusOr<CmsSignerInfo> ParseSignerInfo(der::Element e) {
  CmsSignerInfo si;
  si.tlv = ToBytes(e.tlv);
  der::Reader r(e.value);
  HETONG_ASSIGN_OR_RETURN(int64_t version, r.ReadSmallInteger());
  si.version = static_cast<int>(version);
  if (r.PeekIs(der::kSequence)) {
    HETONG_ASSIGN_OR_RETURN(der::Reader ias, r.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(der::Element issuer, ias.ReadElement(der::kSequence));
    si.issuer_der = ToBytes(issuer.tlv);
    HETONG_ASSIGN_OR_RETURN(si.serial, ias.ReadUnsignedInteger());
    HETONG_RETURN_IF_ERROR(ias.ExpectEnd("issuerAndSerialNumber"));
  } else if (r.PeekIs(der::ContextTag(0, false))) {
    HETONG_ASSIGN_OR_RETURN(ByteView ski, r.Read(der::ContextTag(0, false)));
    si.subject_key_id = ToBytes(ski);
  } else {
    return Malformed("unknown signer identifier");
  }
  HETONG_ASSIGN_OR_RETURN(der::Reader dalg, r.ReadSequence());
  HETONG_ASSIGN_OR_RETURN(si.digest_oid, dalg.ReadOid());
  si.digest = DigestFromOid(si.digest_oid);
  if (r.PeekIs(der::ContextTag(0, true))) {
    HETONG_ASSIGN_OR_RETURN(der::Element sa, r.ReadElement(der::ContextTag(0, true)));
    si.signed_attrs_der = ToBytes(sa.tlv);
    si.signed_attrs_der[0] = der::kSet;
    HETONG_ASSIGN_OR_RETURN(si.signed_attrs, ParseAttributes(sa.value));
  }
  HETONG_ASSIGN_OR_RETURN(der::Reader salg, r.ReadSequence());
  HETONG_ASSIGN_OR_RETURN(si.signature_oid, salg.ReadOid());
  if (!salg.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Element p, salg.ReadAny());
    if (p.tag != der::kNull) si.signature_params = ToBytes(p.tlv);
  }
  HETONG_ASSIGN_OR_RETURN(ByteView sig, r.ReadOctetString());
  si.signature = ToBytes(sig);
  if (r.PeekIs(der::ContextTag(1, true))) {
    HETONG_ASSIGN_OR_RETURN(ByteView ua, r.Read(der::ContextTag(1, true)));
    HETONG_ASSIGN_OR_RETURN(si.unsigned_attrs, ParseAttributes(ua));
  }
  HETONG_RETURN_IF_ERROR(r.ExpectEnd("SignerInfo"));
  return si;
}

}  // namespace

StatusOr<CmsSignedData> ParseCmsSignedData(ByteView input) {
  CmsSignedData sd;
  der::Reader top(input);
  auto ci = top.ReadSequence();
  if (!ci.ok()) return Malformed(ci.status().message());
  if (!top.ExpectEnd("ContentInfo").ok()) return Malformed("trailing data");
  auto run = [&]() -> Status {
    HETONG_ASSIGN_OR_RETURN(sd.content_type, ci->ReadOid());
    if (sd.content_type == oid::kSm2SignedData) {
      sd.gbt35275 = true;
    } else if (sd.content_type != oid::kSignedData) {
      return Malformed("not a SignedData (content type " + sd.content_type + ")");
    }
    HETONG_ASSIGN_OR_RETURN(der::Reader explicit0, ci->ReadConstructed(der::ContextTag(0, true)));
    HETONG_ASSIGN_OR_RETURN(der::Element sde, explicit0.ReadElement(der::kSequence));
    HETONG_RETURN_IF_ERROR(explicit0.ExpectEnd("content"));
    sd.signed_data_tlv = ToBytes(sde.tlv);
    der::Reader r(sde.value);
    HETONG_ASSIGN_OR_RETURN(int64_t version, r.ReadSmallInteger());
    sd.version = static_cast<int>(version);
    HETONG_ASSIGN_OR_RETURN(der::Reader digests, r.ReadSet());
    (void)digests;
    HETONG_ASSIGN_OR_RETURN(der::Reader encap, r.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(sd.econtent_type, encap.ReadOid());
    if (!encap.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Reader ec, encap.ReadConstructed(der::ContextTag(0, true)));
      HETONG_ASSIGN_OR_RETURN(ByteView content, ec.ReadOctetString());
      sd.content = ToBytes(content);
      HETONG_RETURN_IF_ERROR(ec.ExpectEnd("eContent"));
    }
    HETONG_RETURN_IF_ERROR(encap.ExpectEnd("encapContentInfo"));
    if (r.PeekIs(der::ContextTag(0, true))) {
      HETONG_ASSIGN_OR_RETURN(der::Reader certs, r.ReadConstructed(der::ContextTag(0, true)));
      while (!certs.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Element c, certs.ReadAny());
        if (c.tag == der::kSequence) sd.certificates.push_back(ToBytes(c.tlv));
      }
    }
    if (r.PeekIs(der::ContextTag(1, true))) {
      HETONG_ASSIGN_OR_RETURN(der::Reader crls, r.ReadConstructed(der::ContextTag(1, true)));
      while (!crls.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Element c, crls.ReadAny());
        if (c.tag == der::kSequence) sd.crls.push_back(ToBytes(c.tlv));
      }
    }
    HETONG_ASSIGN_OR_RETURN(der::Reader signers, r.ReadSet());
    while (!signers.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Element se, signers.ReadElement(der::kSequence));
      HETONG_ASSIGN_OR_RETURN(CmsSignerInfo si, ParseSignerInfo(se));
      sd.signers.push_back(std::move(si));
    }
    HETONG_RETURN_IF_ERROR(r.ExpectEnd("SignedData"));
    HETONG_RETURN_IF_ERROR(ci->ExpectEnd("ContentInfo"));
    if (sd.signers.empty()) return Malformed("no SignerInfo");
    return OkStatus();
  };
  Status s = run();
  if (!s.ok()) {
    if (s.message().rfind("malformed CMS", 0) == 0) return s;
    return Malformed(s.message());
  }
  return sd;
}

StatusOr<Bytes> CmsAddUnsignedAttribute(ByteView input, size_t index, ByteView attribute) {
  // ContentInfo { type, [0] { SignedData { version, digests, encap, [0] certs?, [1] crls?,
  // signerInfos } } }
  der::Reader top(input);
  HETONG_ASSIGN_OR_RETURN(der::Reader ci, top.ReadSequence());
  HETONG_RETURN_IF_ERROR(top.ExpectEnd("ContentInfo"));
  HETONG_ASSIGN_OR_RETURN(der::Element type, ci.ReadElement(der::kOid));
  HETONG_ASSIGN_OR_RETURN(der::Reader ex, ci.ReadConstructed(der::ContextTag(0, true)));
  HETONG_ASSIGN_OR_RETURN(der::Reader sd, ex.ReadSequence());
  std::vector<Bytes> fields;
  Bytes signer_set_contents;
  while (!sd.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Element e, sd.ReadAny());
    if (sd.empty()) {  // the last field: signerInfos
      if (e.tag != der::kSet) return Malformed("signerInfos is not a SET");
      der::Reader signers(e.value);
      size_t i = 0;
      while (!signers.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Element si, signers.ReadElement(der::kSequence));
        if (i++ != index) {
          Append(signer_set_contents, si.tlv);
          continue;
        }
        // Copy every field; merge into (or append) [1] unsignedAttrs.
        der::Reader f(si.value);
        Bytes body;
        bool merged = false;
        while (!f.empty()) {
          HETONG_ASSIGN_OR_RETURN(der::Element fe, f.ReadAny());
          if (fe.tag == der::ContextTag(1, true)) {
            Bytes attrs = ToBytes(fe.value);
            Append(attrs, attribute);
            Append(body, der::Tlv(der::ContextTag(1, true), attrs));
            merged = true;
          } else {
            Append(body, fe.tlv);
          }
        }
        if (!merged) Append(body, der::Tlv(der::ContextTag(1, true), attribute));
        Append(signer_set_contents, der::Tlv(der::kSequence, body));
      }
      if (index >= i) return InvalidArgumentError("no such signer");
      fields.push_back(der::Tlv(der::kSet, signer_set_contents));
    } else {
      fields.push_back(ToBytes(e.tlv));
    }
  }
  return der::Seq({type.tlv, der::Explicit(0, der::Seq(fields))});
}

std::string_view CmsSignatureStatusName(CmsSignatureStatus s) {
  switch (s) {
    case CmsSignatureStatus::kValid:
      return "valid";
    case CmsSignatureStatus::kDigestMismatch:
      return "digest-mismatch";
    case CmsSignatureStatus::kSignatureInvalid:
      return "signature-invalid";
    case CmsSignatureStatus::kSignerCertificateMissing:
      return "signer-certificate-missing";
    case CmsSignatureStatus::kUnsupportedAlgorithm:
      return "unsupported-algorithm";
  }
  return "?";
}

StatusOr<CmsSignatureCheck> CmsVerifySigner(const CmsSignedData& sd, size_t index,
                                            ByteView content_digest,
                                            const std::vector<Bytes>& extra_certs) {
  if (index >= sd.signers.size()) return InvalidArgumentError("no such signer");
  const CmsSignerInfo& si = sd.signers[index];
  CmsSignatureCheck out;
  out.digest = si.digest;
  // Find the signer certificate.
  auto find = [&](const std::vector<Bytes>& pool) -> std::optional<CertificateInfo> {
    for (const auto& c : pool) {
      auto info = ParseCertificateInfo(c);
      if (!info.ok()) continue;
      if (!si.subject_key_id.empty()
              ? info->subject_key_id == si.subject_key_id
              : (info->issuer_der == si.issuer_der && info->serial == si.serial)) {
        return std::move(*info);
      }
    }
    return std::nullopt;
  };
  out.signer = find(sd.certificates);
  if (!out.signer) out.signer = find(extra_certs);
  if (!out.signer) {
    out.status = CmsSignatureStatus::kSignerCertificateMissing;
    out.detail = "the signer's certificate is not in the signature";
    return out;
  }
  out.algorithm = CmsSignatureAlgorithm(si.signature_oid, si.signature_params, si.digest,
                                        out.signer->public_key.type());
  if (!si.digest || !out.algorithm) {
    out.status = CmsSignatureStatus::kUnsupportedAlgorithm;
    out.detail = "unsupported algorithm " + si.signature_oid + " / " + si.digest_oid;
    return out;
  }
  if (si.signed_attrs_der.empty()) {
    // Without signed attributes the signature covers the content itself; hetong only checks
    // that form through digests it can recompute (not supported here).
    out.status = CmsSignatureStatus::kUnsupportedAlgorithm;
    out.detail = "signatures without signed attributes are not supported";
    return out;
  }
  const CmsAttribute* md = si.FindSigned(oid::kMessageDigest);
  if (!md || md->values.size() != 1) {
    out.status = CmsSignatureStatus::kSignatureInvalid;
    out.detail = "the messageDigest attribute is missing";
    return out;
  }
  der::Reader mdr(md->values[0]);
  auto md_value = mdr.ReadOctetString();
  if (!md_value.ok()) return Malformed("bad messageDigest attribute");
  if (const CmsAttribute* st = si.FindSigned(oid::kSigningTime); st && st->values.size() == 1) {
    der::Reader tr(st->values[0]);
    auto t = tr.ReadTime();
    if (t.ok()) out.signing_time = *t;
  }
  // The signature over the signed attributes.
  Status sig =
      VerifySignature(out.signer->public_key, *out.algorithm, si.signed_attrs_der, si.signature);
  if (!sig.ok() && *out.algorithm == SignatureAlgorithm::kSm2Sm3) {
    // GmSSL 3 signs SM3(attributes) directly, without Z_A (reference facts §10).
    if (Sm2VerifyDigest(out.signer->public_key, Sm3(si.signed_attrs_der), si.signature).ok()) {
      sig = OkStatus();
      out.sm2_without_z = true;
    }
  }
  if (!sig.ok()) {
    out.status = CmsSignatureStatus::kSignatureInvalid;
    out.detail = "the signature does not verify with the signer's certificate";
    return out;
  }
  if (!ConstantTimeEquals(*md_value, content_digest)) {
    out.status = CmsSignatureStatus::kDigestMismatch;
    out.detail = "the signed digest does not match the content";
    return out;
  }
  out.status = CmsSignatureStatus::kValid;
  return out;
}

StatusOr<CmsSignatureCheck> CmsVerify(const CmsSignedData& sd, const Bytes* detached_content) {
  const Bytes* content = sd.content ? &*sd.content : detached_content;
  if (!content) return InvalidArgumentError("the signature is detached: give the signed content");
  const CmsSignerInfo& si = sd.signers[0];
  if (!si.digest) {
    CmsSignatureCheck out;
    out.status = CmsSignatureStatus::kUnsupportedAlgorithm;
    out.detail = "unsupported digest algorithm " + si.digest_oid;
    return out;
  }
  return CmsVerifySigner(sd, 0, Hash(*si.digest, *content));
}

}  // namespace hetong::crypto
