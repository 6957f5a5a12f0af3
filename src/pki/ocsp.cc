#include "pki/ocsp.h"

#include "base/der.h"
#include "crypto/cms.h"
#include "pki/der_read.h"
#include "pki/name.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

constexpr std::string_view kMalformedRequest = "malformed OCSP request";
constexpr std::string_view kMalformedResponse = "malformed OCSP response";

Status BadRequest(const std::string& what) {
  return InvalidArgumentError(std::string(kMalformedRequest) + ": " + what);
}
Status BadResponse(const std::string& what) {
  return InvalidArgumentError(std::string(kMalformedResponse) + ": " + what);
}

// Gives every failure of a parser the parser's prefix (and the InvalidArgument code).
Status WithPrefix(const Status& s, std::string_view prefix) {
  if (s.ok()) return s;
  if (s.code() == StatusCode::kInvalidArgument && s.message().rfind(prefix, 0) == 0) return s;
  return InvalidArgumentError(std::string(prefix) + ": " + s.message());
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each OID at most once.
Status ReadExtensions(der::Reader& outer, std::vector<Extension>& out) {
  HETONG_ASSIGN_OR_RETURN(der::Reader r, outer.ReadSequence());
  HETONG_RETURN_IF_ERROR(outer.ExpectEnd("extensions"));
  return ReadExtensionList(r, out, "");
}

std::optional<Bytes> FindNonce(const std::vector<Extension>& exts) {
  for (const auto& e : exts) {
    if (e.oid == oid::kOcspNonce) return e.value;
  }
  return std::nullopt;
}

// base::der::Reader::ReadTime converts to system_clock::time_point, which holds nanoseconds
// in libstdc++ and overflows (undefined behaviour) outside the years 1678..2261. Such times are
// refused here before ReadTime sees them.
StatusOr<base::TimePoint> ReadBoundedTime(der::Reader& r) {
  der::Reader probe = r;
  HETONG_ASSIGN_OR_RETURN(der::Element e, probe.ReadAny());
  if (e.tag == der::kGeneralizedTime && e.value.size() >= 4) {
    int year = 0;
    for (size_t i = 0; i < 4; ++i) {
      if (e.value[i] < '0' || e.value[i] > '9') return r.ReadTime();  // ReadTime says why
      year = year * 10 + (e.value[i] - '0');
    }
    if (year < 1678 || year > 2261) return InvalidArgumentError("time out of range");
  }
  return r.ReadTime();
}

// RFC 6960 times are GeneralizedTime.
StatusOr<base::TimePoint> ReadGeneralizedTime(der::Reader& r) {
  if (!r.PeekIs(der::kGeneralizedTime)) return InvalidArgumentError("expected a GeneralizedTime");
  return ReadBoundedTime(r);
}

Bytes Enumerated(int value) {
  Bytes out = der::Integer(value);
  out[0] = der::kEnumerated;
  return out;
}

bool IsMinimalInteger(ByteView v) {
  if (v.empty()) return false;
  return !(v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80))));
}

// The subjectPublicKey BIT STRING contents (without the unused-bits octet) of a certificate.
StatusOr<Bytes> KeyBits(const Certificate& cert) {
  der::Reader top(cert.spki_der());
  HETONG_ASSIGN_OR_RETURN(der::Reader spki, top.ReadSequence());
  HETONG_RETURN_IF_ERROR(spki.ReadAny().status());
  HETONG_ASSIGN_OR_RETURN(der::Element bits, spki.ReadElement(der::kBitString));
  if (bits.value.empty()) return InvalidArgumentError("empty subjectPublicKey");
  return ToBytes(bits.value.subspan(1));
}

StatusOr<CertId> ReadCertId(der::Reader& r) {
  HETONG_ASSIGN_OR_RETURN(der::Reader seq, r.ReadSequence());
  CertId id;
  std::string hash_oid;
  Bytes params;
  HETONG_RETURN_IF_ERROR(ReadAlgorithmIdentifier(seq, hash_oid, params));
  auto alg = crypto::HashFromOid(hash_oid);
  if (!alg || !params.empty()) return InvalidArgumentError("unsupported hash algorithm in CertID");
  id.hash_algorithm = *alg;
  HETONG_ASSIGN_OR_RETURN(ByteView name_hash, seq.ReadOctetString());
  HETONG_ASSIGN_OR_RETURN(ByteView key_hash, seq.ReadOctetString());
  size_t n = crypto::HashSize(*alg);
  if (name_hash.size() != n || key_hash.size() != n) {
    return InvalidArgumentError("CertID hash of the wrong length");
  }
  id.issuer_name_hash = ToBytes(name_hash);
  id.issuer_key_hash = ToBytes(key_hash);
  HETONG_ASSIGN_OR_RETURN(ByteView serial, seq.Read(der::kInteger));
  if (!IsMinimalInteger(serial) || serial.size() > 21) {
    return InvalidArgumentError("bad serial number");
  }
  id.serial = ToBytes(serial);
  HETONG_RETURN_IF_ERROR(seq.ExpectEnd("CertID"));
  return id;
}

Status CheckCertId(const CertId& id) {
  size_t n = crypto::HashSize(id.hash_algorithm);
  if (id.issuer_name_hash.size() != n || id.issuer_key_hash.size() != n) {
    return InvalidArgumentError("a CertID hash does not have the length of its algorithm");
  }
  if (!IsMinimalInteger(id.serial) || id.serial.size() > 21) {
    return InvalidArgumentError("a CertID serial number is not a valid INTEGER");
  }
  return OkStatus();
}

Bytes NonceExtensions(const Bytes& nonce) {
  return der::Seq({der::Seq({der::Oid(oid::kOcspNonce), der::OctetString(nonce)})});
}

StatusOr<SingleResponse> ReadSingleResponse(der::Reader& r) {
  HETONG_ASSIGN_OR_RETURN(der::Reader seq, r.ReadSequence());
  SingleResponse s;
  HETONG_ASSIGN_OR_RETURN(s.cert_id, ReadCertId(seq));
  HETONG_ASSIGN_OR_RETURN(der::Element status, seq.ReadAny());
  if (status.tag == der::ContextTag(0, false)) {
    if (!status.value.empty()) return InvalidArgumentError("bad certStatus good");
    s.status = OcspCertStatus::kGood;
  } else if (status.tag == der::ContextTag(1, true)) {
    s.status = OcspCertStatus::kRevoked;
    der::Reader info(status.value);
    HETONG_ASSIGN_OR_RETURN(s.revocation_time, ReadGeneralizedTime(info));
    HETONG_ASSIGN_OR_RETURN(auto reason, info.ReadOptionalExplicit(0));
    if (reason) {
      HETONG_ASSIGN_OR_RETURN(der::Element e, reason->ReadAny());
      HETONG_RETURN_IF_ERROR(reason->ExpectEnd("revocationReason"));
      HETONG_ASSIGN_OR_RETURN(CrlReason cr, DecodeCrlReason(e.tlv));
      s.revocation_reason = cr;
    }
    HETONG_RETURN_IF_ERROR(info.ExpectEnd("RevokedInfo"));
  } else if (status.tag == der::ContextTag(2, false)) {
    if (!status.value.empty()) return InvalidArgumentError("bad certStatus unknown");
    s.status = OcspCertStatus::kUnknown;
  } else {
    return InvalidArgumentError("unknown certStatus");
  }
  HETONG_ASSIGN_OR_RETURN(s.this_update, ReadGeneralizedTime(seq));
  HETONG_ASSIGN_OR_RETURN(auto next, seq.ReadOptionalExplicit(0));
  if (next) {
    HETONG_ASSIGN_OR_RETURN(base::TimePoint t, ReadGeneralizedTime(*next));
    HETONG_RETURN_IF_ERROR(next->ExpectEnd("nextUpdate"));
    s.next_update = t;
  }
  HETONG_ASSIGN_OR_RETURN(auto exts, seq.ReadOptionalExplicit(1));
  if (exts) {
    std::vector<Extension> ignored;
    HETONG_RETURN_IF_ERROR(ReadExtensions(*exts, ignored));
  }
  HETONG_RETURN_IF_ERROR(seq.ExpectEnd("SingleResponse"));
  return s;
}

}  // namespace

std::string_view OcspResponseStatusName(OcspResponseStatus status) {
  switch (status) {
    case OcspResponseStatus::kSuccessful:
      return "successful";
    case OcspResponseStatus::kMalformedRequest:
      return "malformedRequest";
    case OcspResponseStatus::kInternalError:
      return "internalError";
    case OcspResponseStatus::kTryLater:
      return "tryLater";
    case OcspResponseStatus::kSigRequired:
      return "sigRequired";
    case OcspResponseStatus::kUnauthorized:
      return "unauthorized";
  }
  return "?";
}

std::string_view OcspCertStatusName(OcspCertStatus status) {
  switch (status) {
    case OcspCertStatus::kGood:
      return "good";
    case OcspCertStatus::kRevoked:
      return "revoked";
    case OcspCertStatus::kUnknown:
      return "unknown";
  }
  return "?";
}

// ---- CertID ----

StatusOr<CertId> CertId::For(const Certificate& cert, const Certificate& issuer,
                             crypto::HashAlgorithm alg) {
  if (!NamesMatch(cert.issuer_der(), issuer.subject_der())) {
    return InvalidArgumentError("the certificate was not issued by the given issuer");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes bits, KeyBits(issuer));
  CertId id;
  id.hash_algorithm = alg;
  id.issuer_name_hash = crypto::Hash(alg, issuer.subject_der());
  id.issuer_key_hash = crypto::Hash(alg, bits);
  id.serial = cert.serial();
  return id;
}

StatusOr<CertId> CertId::Parse(ByteView data) {
  der::Reader r(data);
  auto id = ReadCertId(r);
  if (!id.ok()) return WithPrefix(id.status(), "malformed CertID");
  HETONG_RETURN_IF_ERROR(WithPrefix(r.ExpectEnd("CertID"), "malformed CertID"));
  return id;
}

bool CertId::Matches(const Certificate& cert, const Certificate& issuer) const {
  if (serial != cert.serial()) return false;
  if (!NamesMatch(cert.issuer_der(), issuer.subject_der())) return false;
  auto bits = KeyBits(issuer);
  if (!bits.ok()) return false;
  return crypto::Hash(hash_algorithm, issuer.subject_der()) == issuer_name_hash &&
         crypto::Hash(hash_algorithm, *bits) == issuer_key_hash;
}

Bytes CertId::Encode() const {
  Bytes alg = crypto::AlgorithmIdentifier(crypto::HashOid(hash_algorithm),
                                          hash_algorithm != crypto::HashAlgorithm::kSm3);
  return der::Seq({alg, der::OctetString(issuer_name_hash), der::OctetString(issuer_key_hash),
                   der::Tlv(der::kInteger, serial)});
}

Bytes MakeOcspNonce(ByteView random) { return der::OctetString(random); }

// ---- requests ----

StatusOr<OcspRequest> OcspRequest::Parse(ByteView data) {
  OcspRequest q;
  q.der_ = ToBytes(data);
  auto run = [&]() -> Status {
    der::Reader top(q.der_);
    HETONG_ASSIGN_OR_RETURN(der::Reader req, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("OCSPRequest"));
    HETONG_ASSIGN_OR_RETURN(der::Element tbs_el, req.ReadElement(der::kSequence));
    q.tbs_ = ToBytes(tbs_el.tlv);
    HETONG_ASSIGN_OR_RETURN(auto sig, req.ReadOptionalExplicit(0));
    if (sig) {
      // Signature ::= SEQUENCE { signatureAlgorithm, signature, certs [0] OPTIONAL }: kept
      // only as a flag; its structure must still be DER.
      HETONG_RETURN_IF_ERROR(sig->ReadElement(der::kSequence).status());
      HETONG_RETURN_IF_ERROR(sig->ExpectEnd("optionalSignature"));
      q.has_signature_ = true;
    }
    HETONG_RETURN_IF_ERROR(req.ExpectEnd("OCSPRequest"));

    der::Reader tbs(tbs_el.value);
    HETONG_ASSIGN_OR_RETURN(auto version, tbs.ReadOptionalExplicit(0));
    if (version) {
      HETONG_ASSIGN_OR_RETURN(int64_t v, version->ReadSmallInteger());
      HETONG_RETURN_IF_ERROR(version->ExpectEnd("version"));
      if (v != 0) return BadRequest("unknown version");
    }
    HETONG_ASSIGN_OR_RETURN(auto requestor, tbs.ReadOptionalExplicit(1));
    if (requestor) {
      HETONG_RETURN_IF_ERROR(requestor->ReadAny().status());
      HETONG_RETURN_IF_ERROR(requestor->ExpectEnd("requestorName"));
      q.has_requestor_name_ = true;
    }
    HETONG_ASSIGN_OR_RETURN(der::Reader list, tbs.ReadSequence());
    while (!list.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Reader one, list.ReadSequence());
      HETONG_ASSIGN_OR_RETURN(CertId id, ReadCertId(one));
      HETONG_ASSIGN_OR_RETURN(auto single_exts, one.ReadOptionalExplicit(0));
      if (single_exts) {
        std::vector<Extension> ignored;
        HETONG_RETURN_IF_ERROR(ReadExtensions(*single_exts, ignored));
      }
      HETONG_RETURN_IF_ERROR(one.ExpectEnd("Request"));
      q.cert_ids_.push_back(std::move(id));
    }
    if (q.cert_ids_.empty()) return BadRequest("the requestList is empty");
    HETONG_ASSIGN_OR_RETURN(auto exts_r, tbs.ReadOptionalExplicit(2));
    if (exts_r) {
      std::vector<Extension> exts;
      HETONG_RETURN_IF_ERROR(ReadExtensions(*exts_r, exts));
      q.nonce_ = FindNonce(exts);
    }
    return tbs.ExpectEnd("TBSRequest");
  };
  HETONG_RETURN_IF_ERROR(WithPrefix(run(), kMalformedRequest));
  return q;
}

StatusOr<Bytes> BuildOcspRequest(const std::vector<CertId>& cert_ids,
                                 const std::optional<Bytes>& nonce) {
  if (cert_ids.empty()) return InvalidArgumentError("an OCSP request needs at least one CertID");
  std::vector<Bytes> list;
  for (const auto& id : cert_ids) {
    HETONG_RETURN_IF_ERROR(CheckCertId(id));
    list.push_back(der::Seq({id.Encode()}));
  }
  std::vector<Bytes> tbs = {der::Seq(list)};
  if (nonce) tbs.push_back(der::Explicit(2, NonceExtensions(*nonce)));
  return der::Seq({der::Seq(tbs)});
}

// ---- responses ----

StatusOr<Bytes> BuildOcspResponse(const crypto::Signer& responder,
                                  const Certificate& responder_cert,
                                  const std::vector<SingleResponseInput>& responses,
                                  base::TimePoint produced_at, const std::optional<Bytes>& nonce,
                                  bool include_responder_cert) {
  if (!responder.public_key().Equals(responder_cert.public_key())) {
    return InvalidArgumentError("the responder certificate does not belong to the signer's key");
  }
  if (responses.empty()) return InvalidArgumentError("an OCSP response needs a SingleResponse");
  auto secs = [](base::TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); };
  std::vector<Bytes> singles;
  for (const auto& s : responses) {
    HETONG_RETURN_IF_ERROR(CheckCertId(s.cert_id));
    Bytes status;
    switch (s.status) {
      case OcspCertStatus::kGood:
        status = der::Tlv(der::ContextTag(0, false), {});
        break;
      case OcspCertStatus::kUnknown:
        status = der::Tlv(der::ContextTag(2, false), {});
        break;
      case OcspCertStatus::kRevoked: {
        Bytes info = der::GeneralizedTime(s.revocation_time);
        if (s.revocation_reason) {
          if (*s.revocation_reason == CrlReason::kRemoveFromCrl) {
            return InvalidArgumentError("removeFromCRL is not a revocation reason for OCSP");
          }
          Append(info, der::Explicit(0, EncodeCrlReason(*s.revocation_reason)));
        }
        status = der::Tlv(der::ContextTag(1, true), info);
        break;
      }
    }
    std::vector<Bytes> parts = {s.cert_id.Encode(), status, der::GeneralizedTime(s.this_update)};
    if (s.next_update) {
      if (secs(*s.next_update) < secs(s.this_update)) {
        return InvalidArgumentError("nextUpdate must not be earlier than thisUpdate");
      }
      parts.push_back(der::Explicit(0, der::GeneralizedTime(*s.next_update)));
    }
    singles.push_back(der::Seq(parts));
  }
  HETONG_ASSIGN_OR_RETURN(Bytes key_bits, KeyBits(responder_cert));
  Bytes responder_id =
      der::Explicit(2, der::OctetString(crypto::Hash(crypto::HashAlgorithm::kSha1, key_bits)));
  std::vector<Bytes> tbs_parts = {responder_id, der::GeneralizedTime(produced_at),
                                  der::Seq(singles)};
  if (nonce) tbs_parts.push_back(der::Explicit(1, NonceExtensions(*nonce)));
  Bytes tbs = der::Seq(tbs_parts);
  HETONG_ASSIGN_OR_RETURN(Bytes sig, responder.Sign(tbs));
  Bytes sig_alg = crypto::SignatureAlgorithmIdentifier(responder.algorithm());
  std::vector<Bytes> basic_parts = {tbs, sig_alg, der::BitString(sig)};
  if (include_responder_cert) {
    basic_parts.push_back(der::Explicit(0, der::Seq({responder_cert.der()})));
  }
  Bytes basic = der::Seq(basic_parts);
  Bytes response_bytes = der::Seq({der::Oid(oid::kOcspBasic), der::OctetString(basic)});
  return der::Seq({Enumerated(static_cast<int>(OcspResponseStatus::kSuccessful)),
                   der::Explicit(0, response_bytes)});
}

StatusOr<Bytes> BuildOcspErrorResponse(OcspResponseStatus status) {
  if (status == OcspResponseStatus::kSuccessful) {
    return InvalidArgumentError("a successful OCSP response must be signed: use BuildOcspResponse");
  }
  return der::Seq({Enumerated(static_cast<int>(status))});
}

StatusOr<OcspResponse> OcspResponse::Parse(ByteView data) {
  OcspResponse o;
  o.der_ = ToBytes(data);
  auto run = [&]() -> Status {
    der::Reader top(o.der_);
    HETONG_ASSIGN_OR_RETURN(der::Reader resp, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("OCSPResponse"));
    HETONG_ASSIGN_OR_RETURN(ByteView status, resp.Read(der::kEnumerated));
    if (status.size() != 1) return BadResponse("undefined responseStatus");
    switch (status[0]) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 5:
      case 6:
        o.status_ = static_cast<OcspResponseStatus>(status[0]);
        break;
      default:
        return BadResponse("undefined responseStatus");
    }
    HETONG_ASSIGN_OR_RETURN(auto rb, resp.ReadOptionalExplicit(0));
    HETONG_RETURN_IF_ERROR(resp.ExpectEnd("OCSPResponse"));
    if (!o.successful()) {
      if (rb) return BadResponse("an unsuccessful response carries responseBytes");
      return OkStatus();
    }
    if (!rb) return BadResponse("a successful response without responseBytes");
    HETONG_ASSIGN_OR_RETURN(der::Reader rbs, rb->ReadSequence());
    HETONG_RETURN_IF_ERROR(rb->ExpectEnd("responseBytes"));
    HETONG_ASSIGN_OR_RETURN(std::string type, rbs.ReadOid());
    if (type != oid::kOcspBasic) return BadResponse("unsupported response type " + type);
    HETONG_ASSIGN_OR_RETURN(ByteView basic_der, rbs.ReadOctetString());
    HETONG_RETURN_IF_ERROR(rbs.ExpectEnd("responseBytes"));

    der::Reader basic_top(basic_der);
    HETONG_ASSIGN_OR_RETURN(der::Reader basic, basic_top.ReadSequence());
    HETONG_RETURN_IF_ERROR(basic_top.ExpectEnd("BasicOCSPResponse"));
    HETONG_ASSIGN_OR_RETURN(der::Element tbs_el, basic.ReadElement(der::kSequence));
    o.tbs_ = ToBytes(tbs_el.tlv);
    HETONG_RETURN_IF_ERROR(ReadAlgorithmIdentifier(basic, o.signature_oid_, o.signature_params_));
    HETONG_ASSIGN_OR_RETURN(ByteView sig, basic.ReadBitString());
    o.signature_ = ToBytes(sig);
    HETONG_ASSIGN_OR_RETURN(auto certs, basic.ReadOptionalExplicit(0));
    if (certs) {
      HETONG_ASSIGN_OR_RETURN(der::Reader seq, certs->ReadSequence());
      HETONG_RETURN_IF_ERROR(certs->ExpectEnd("certs"));
      while (!seq.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Element c, seq.ReadElement(der::kSequence));
        auto cert = Certificate::Parse(c.tlv);
        if (!cert.ok())
          return BadResponse("a certificate in the response: " + cert.status().message());
        o.certs_.push_back(std::move(*cert));
      }
    }
    HETONG_RETURN_IF_ERROR(basic.ExpectEnd("BasicOCSPResponse"));

    der::Reader tbs(tbs_el.value);
    HETONG_ASSIGN_OR_RETURN(auto version, tbs.ReadOptionalExplicit(0));
    if (version) {
      HETONG_ASSIGN_OR_RETURN(int64_t v, version->ReadSmallInteger());
      HETONG_RETURN_IF_ERROR(version->ExpectEnd("version"));
      if (v != 0) return BadResponse("unknown version");
    }
    if (tbs.PeekIs(der::ContextTag(1, true))) {
      HETONG_ASSIGN_OR_RETURN(der::Reader by_name, tbs.ReadConstructed(der::ContextTag(1, true)));
      HETONG_ASSIGN_OR_RETURN(der::Element name, by_name.ReadElement(der::kSequence));
      HETONG_RETURN_IF_ERROR(by_name.ExpectEnd("responderID"));
      HETONG_RETURN_IF_ERROR(DistinguishedName::Parse(name.tlv).status());
      o.responder_name_der_ = ToBytes(name.tlv);
    } else if (tbs.PeekIs(der::ContextTag(2, true))) {
      HETONG_ASSIGN_OR_RETURN(der::Reader by_key, tbs.ReadConstructed(der::ContextTag(2, true)));
      HETONG_ASSIGN_OR_RETURN(ByteView hash, by_key.ReadOctetString());
      HETONG_RETURN_IF_ERROR(by_key.ExpectEnd("responderID"));
      if (hash.empty() || hash.size() > 64) return BadResponse("bad responderID key hash");
      o.responder_key_hash_ = ToBytes(hash);
    } else {
      return BadResponse("missing responderID");
    }
    HETONG_ASSIGN_OR_RETURN(o.produced_at_, ReadGeneralizedTime(tbs));
    HETONG_ASSIGN_OR_RETURN(der::Reader singles, tbs.ReadSequence());
    while (!singles.empty()) {
      HETONG_ASSIGN_OR_RETURN(SingleResponse s, ReadSingleResponse(singles));
      o.responses_.push_back(std::move(s));
    }
    if (o.responses_.empty()) return BadResponse("no SingleResponse");
    HETONG_ASSIGN_OR_RETURN(auto exts_r, tbs.ReadOptionalExplicit(1));
    if (exts_r) {
      std::vector<Extension> exts;
      HETONG_RETURN_IF_ERROR(ReadExtensions(*exts_r, exts));
      o.nonce_ = FindNonce(exts);
    }
    return tbs.ExpectEnd("ResponseData");
  };
  HETONG_RETURN_IF_ERROR(WithPrefix(run(), kMalformedResponse));
  return o;
}

const SingleResponse* OcspResponse::Find(const Certificate& cert, const Certificate& issuer) const {
  for (const auto& s : responses_) {
    if (s.cert_id.serial == cert.serial() && s.cert_id.Matches(cert, issuer)) return &s;
  }
  return nullptr;
}

bool OcspResponse::ResponderIs(const Certificate& cert) const {
  if (!responder_name_der_.empty()) return NamesMatch(responder_name_der_, cert.subject_der());
  if (responder_key_hash_.empty()) return false;
  auto bits = KeyBits(cert);
  if (!bits.ok()) return false;
  for (auto alg : {crypto::HashAlgorithm::kSha1, crypto::HashAlgorithm::kSm3,
                   crypto::HashAlgorithm::kSha256}) {
    if (crypto::HashSize(alg) == responder_key_hash_.size() &&
        crypto::Hash(alg, *bits) == responder_key_hash_) {
      return true;
    }
  }
  return false;
}

Status OcspResponse::VerifySignedBy(const crypto::PublicKey& key) const {
  if (!successful()) {
    return FailedPreconditionError("an OCSP response with status " +
                                   std::string(OcspResponseStatusName(status_)) +
                                   " carries no signature");
  }
  return VerifyTbsSignature(key, signature_oid_, signature_params_, tbs_, signature_);
}

}  // namespace hetong::pki
