#include "pki/csr.h"

#include <charconv>
#include <cstdio>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "pki/der_read.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

constexpr std::string_view kMalformed = "malformed certificate request";

Status Bad(const std::string& what) {
  return InvalidArgumentError(std::string(kMalformed) + ": " + what);
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280 §4.1), each OID at most once.
Status ReadExtensions(ByteView seq_tlv, std::vector<Extension>& out) {
  der::Reader top(seq_tlv);
  HETONG_ASSIGN_OR_RETURN(der::Reader r, top.ReadSequence());
  HETONG_RETURN_IF_ERROR(top.ExpectEnd("extensions"));
  return ReadExtensionList(r, out, std::string(kMalformed) + ": ");
}

// GeneralNames: dNSName, iPAddress and rfc822Name; other forms are skipped.
Status ReadSan(ByteView value, SubjectAltNames& out) {
  der::Reader top(value);
  HETONG_ASSIGN_OR_RETURN(der::Reader names, top.ReadSequence());
  HETONG_RETURN_IF_ERROR(top.ExpectEnd("subjectAltName"));
  while (!names.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Element e, names.ReadAny());
    std::string v(e.value.begin(), e.value.end());
    switch (e.tag) {
      case 0x81:
        out.emails.push_back(v);
        break;
      case 0x82:
        out.dns_names.push_back(v);
        break;
      case 0x87: {
        if (e.value.size() == 4) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", e.value[0], e.value[1], e.value[2],
                        e.value[3]);
          out.ip_addresses.push_back(buf);
        } else {
          out.ip_addresses.push_back(base::HexEncode(e.value));
        }
        break;
      }
      default:
        break;
    }
  }
  return OkStatus();
}

StatusOr<Bytes> Ipv4(std::string_view ip) {
  const Status bad = InvalidArgumentError("an IP address in the request must be dotted IPv4");
  Bytes out;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = ip.find('.', pos);
    if ((i < 3) != (dot != std::string_view::npos)) return bad;
    std::string_view part = ip.substr(pos, i < 3 ? dot - pos : std::string_view::npos);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size() || v > 255) return bad;
    out.push_back(static_cast<uint8_t>(v));
    pos = dot + 1;
  }
  return out;
}

bool IsIa5Token(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

StatusOr<CertificationRequest> CertificationRequest::Parse(ByteView data) {
  Bytes pem_der;
  if (base::LooksLikePem(data)) {
    auto blocks = base::PemDecodeAll(ToString(data));
    if (!blocks.ok()) return Bad("bad PEM encoding");
    bool found = false;
    for (auto& b : *blocks) {
      if (b.label == "CERTIFICATE REQUEST" || b.label == "NEW CERTIFICATE REQUEST") {
        pem_der = std::move(b.der);
        found = true;
        break;
      }
    }
    if (!found) return InvalidArgumentError("expected a PEM 'CERTIFICATE REQUEST' block");
    data = pem_der;
  }
  CertificationRequest c;
  c.der_ = ToBytes(data);
  auto run = [&]() -> Status {
    der::Reader top(c.der_);
    HETONG_ASSIGN_OR_RETURN(der::Reader req, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("certification request"));
    HETONG_ASSIGN_OR_RETURN(der::Element cri_el, req.ReadElement(der::kSequence));
    c.cri_ = ToBytes(cri_el.tlv);
    HETONG_RETURN_IF_ERROR(ReadAlgorithmIdentifier(req, c.signature_oid_, c.signature_params_));
    HETONG_ASSIGN_OR_RETURN(ByteView sig, req.ReadBitString());
    c.signature_ = ToBytes(sig);
    HETONG_RETURN_IF_ERROR(req.ExpectEnd("certification request"));

    der::Reader cri(cri_el.value);
    HETONG_ASSIGN_OR_RETURN(int64_t version, cri.ReadSmallInteger());
    if (version != 0) return Bad("unknown version (only v1 is defined)");
    HETONG_ASSIGN_OR_RETURN(der::Element subject, cri.ReadElement(der::kSequence));
    c.subject_der_ = ToBytes(subject.tlv);
    HETONG_ASSIGN_OR_RETURN(c.subject_, DistinguishedName::Parse(subject.tlv));
    HETONG_ASSIGN_OR_RETURN(der::Element spki, cri.ReadElement(der::kSequence));
    c.spki_der_ = ToBytes(spki.tlv);
    auto key = crypto::PublicKey::FromSpkiDer(spki.tlv);
    if (!key.ok()) return Bad("unsupported or invalid subject public key");
    c.public_key_ = std::make_shared<crypto::PublicKey>(std::move(*key));
    // RFC 2986 makes [0] attributes mandatory; OpenSSL's parser (which other tools' requests
    // are made for) also accepts them absent, and so does hetong.
    if (!cri.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Reader attrs, cri.ReadConstructed(der::ContextTag(0, true)));
      bool have_ext_req = false;
      while (!attrs.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Reader attr, attrs.ReadSequence());
        HETONG_ASSIGN_OR_RETURN(std::string type, attr.ReadOid());
        HETONG_ASSIGN_OR_RETURN(der::Reader values, attr.ReadSet());
        HETONG_RETURN_IF_ERROR(attr.ExpectEnd("attribute"));
        if (values.empty()) return Bad("attribute " + type + " has no value");
        if (type == kExtensionRequestOid) {
          if (have_ext_req) return Bad("two extensionRequest attributes");
          have_ext_req = true;
          HETONG_ASSIGN_OR_RETURN(der::Element exts, values.ReadElement(der::kSequence));
          HETONG_RETURN_IF_ERROR(values.ExpectEnd("extensionRequest (single-valued)"));
          HETONG_RETURN_IF_ERROR(ReadExtensions(exts.tlv, c.requested_extensions_));
        } else {
          while (!values.empty()) HETONG_RETURN_IF_ERROR(values.ReadAny().status());
        }
        c.attribute_oids_.push_back(std::move(type));
      }
    }
    HETONG_RETURN_IF_ERROR(cri.ExpectEnd("certificationRequestInfo"));
    for (const auto& e : c.requested_extensions_) {
      if (e.oid == oid::kSubjectAltName) HETONG_RETURN_IF_ERROR(ReadSan(e.value, c.san_));
    }
    return OkStatus();
  };
  Status s = run();
  if (!s.ok()) {
    if (s.code() == StatusCode::kInvalidArgument && s.message().rfind(kMalformed, 0) == 0) return s;
    return Bad(s.message());
  }
  return c;
}

Status CertificationRequest::VerifyProofOfPossession() const {
  Status s = VerifyTbsSignature(*public_key_, signature_oid_, signature_params_, cri_, signature_);
  if (s.ok()) return s;
  if (public_key_->type() == crypto::KeyType::kSm2 &&
      SignatureAlgorithmFromOid(signature_oid_, signature_params_, crypto::KeyType::kSm2) ==
          crypto::SignatureAlgorithm::kSm2Sm3 &&
      crypto::VerifySignature(*public_key_, crypto::SignatureAlgorithm::kSm2Sm3, cri_, signature_,
                              "")
          .ok()) {
    return InvalidArgumentError(
        "the certificate request was signed with an empty SM2 ID (OpenSSL's default), not the "
        "GM/T 0009 default ID 1234567812345678; create it again with `openssl req -new -sm3 "
        "-sigopt distid:1234567812345678 ...`");
  }
  return InvalidArgumentError(
      "proof of possession failed: the request's signature does not "
      "verify with its own public key (" +
      s.message() + ")");
}

std::string CertificationRequest::ToPem() const {
  return base::PemEncode("CERTIFICATE REQUEST", der_);
}

StatusOr<Bytes> BuildCsr(const crypto::Signer& signer, const DistinguishedName& subject,
                         const SubjectAltNames& san) {
  if (subject.empty() && san.empty()) {
    return InvalidArgumentError("a request needs a subject name or a subject alternative name");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes subject_der, subject.Encode());
  Bytes attributes;
  if (!san.empty()) {
    std::vector<Bytes> names;
    for (const auto& d : san.dns_names) {
      if (!IsIa5Token(d)) return InvalidArgumentError("a DNS name must be non-empty ASCII text");
      names.push_back(der::Tlv(0x82, AsBytes(d)));
    }
    for (const auto& ip : san.ip_addresses) {
      HETONG_ASSIGN_OR_RETURN(Bytes a, Ipv4(ip));
      names.push_back(der::Tlv(0x87, a));
    }
    for (const auto& e : san.emails) {
      if (!IsIa5Token(e) || e.find('@') == std::string::npos) {
        return InvalidArgumentError("an e-mail address must be ASCII text with an '@'");
      }
      names.push_back(der::Tlv(0x81, AsBytes(e)));
    }
    // RFC 5280 §4.2.1.6: the SAN is critical when the subject name is empty.
    Bytes ext = subject.empty()
                    ? der::Seq({der::Oid(oid::kSubjectAltName), der::Boolean(true),
                                der::OctetString(der::Seq(names))})
                    : der::Seq({der::Oid(oid::kSubjectAltName), der::OctetString(der::Seq(names))});
    Bytes attr = der::Seq({der::Oid(kExtensionRequestOid), der::SetOf({der::Seq({ext})})});
    attributes = std::move(attr);
  }
  Bytes cri = der::Seq({der::Integer(0), subject_der, signer.public_key().ToSpkiDer(),
                        der::Tlv(der::ContextTag(0, true), attributes)});
  HETONG_ASSIGN_OR_RETURN(Bytes sig, signer.Sign(cri));
  Bytes csr = der::Seq(
      {cri, crypto::SignatureAlgorithmIdentifier(signer.algorithm()), der::BitString(sig)});
  // Catch a signer that does not use the default SM2 ID before anyone else does.
  HETONG_ASSIGN_OR_RETURN(CertificationRequest parsed, CertificationRequest::Parse(csr));
  if (!parsed.VerifyProofOfPossession().ok()) {
    return InvalidArgumentError(
        "the signer made a request that does not verify with its own "
        "key (an SM2 signer must use the ID 1234567812345678)");
  }
  return csr;
}

}  // namespace hetong::pki
