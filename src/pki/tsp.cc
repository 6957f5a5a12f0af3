#include "pki/tsp.h"

#include "base/der.h"
#include "crypto/cms.h"
#include "crypto/oids.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

Status Bad(const std::string& what, const Status& s) {
  return InvalidArgumentError(what + ": " + s.message());
}

StatusOr<MessageImprint> ReadImprint(der::Reader& r, bool* known) {
  HETONG_ASSIGN_OR_RETURN(der::Element mie, r.ReadElement(der::kSequence));
  der::Reader mi(mie.value);
  HETONG_ASSIGN_OR_RETURN(der::Reader alg, mi.ReadSequence());
  MessageImprint out;
  HETONG_ASSIGN_OR_RETURN(out.algorithm_oid, alg.ReadOid());
  if (!alg.empty()) {
    HETONG_RETURN_IF_ERROR(alg.ReadNull());  // parameters: absent or NULL
  }
  HETONG_RETURN_IF_ERROR(alg.ExpectEnd("hash algorithm"));
  auto a = crypto::HashFromOid(out.algorithm_oid);
  if (a) out.algorithm = *a;
  if (known) *known = a.has_value();
  HETONG_ASSIGN_OR_RETURN(ByteView h, mi.ReadOctetString());
  out.hashed_message = ToBytes(h);
  HETONG_RETURN_IF_ERROR(mi.ExpectEnd("messageImprint"));
  out.der = ToBytes(mie.tlv);
  return out;
}

Bytes EncodeImprint(const MessageImprint& mi) {
  if (!mi.der.empty()) return mi.der;
  // SHA-2 with NULL parameters (as OpenSSL writes them), SM3 likewise for interoperability.
  std::string oid =
      mi.algorithm_oid.empty() ? std::string(crypto::HashOid(mi.algorithm)) : mi.algorithm_oid;
  return der::Seq({der::Seq({der::Oid(oid), der::Null()}), der::OctetString(mi.hashed_message)});
}

}  // namespace

std::string_view FailureInfoName(FailureInfo f) {
  switch (f) {
    case FailureInfo::kBadAlg:
      return "badAlg";
    case FailureInfo::kBadRequest:
      return "badRequest";
    case FailureInfo::kBadDataFormat:
      return "badDataFormat";
    case FailureInfo::kTimeNotAvailable:
      return "timeNotAvailable";
    case FailureInfo::kUnacceptedPolicy:
      return "unacceptedPolicy";
    case FailureInfo::kUnacceptedExtension:
      return "unacceptedExtension";
    case FailureInfo::kAddInfoNotAvailable:
      return "addInfoNotAvailable";
    case FailureInfo::kSystemFailure:
      return "systemFailure";
  }
  return "?";
}

StatusOr<TimeStampRequest> ParseTimeStampRequest(ByteView bytes) {
  auto run = [&]() -> StatusOr<TimeStampRequest> {
    TimeStampRequest req;
    der::Reader top(bytes);
    HETONG_ASSIGN_OR_RETURN(der::Reader r, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("TimeStampReq"));
    HETONG_ASSIGN_OR_RETURN(int64_t v, r.ReadSmallInteger());
    req.version = static_cast<int>(v);
    HETONG_ASSIGN_OR_RETURN(req.imprint, ReadImprint(r, &req.known_algorithm));
    if (r.PeekIs(der::kOid)) {
      HETONG_ASSIGN_OR_RETURN(std::string p, r.ReadOid());
      req.policy = p;
    }
    if (r.PeekIs(der::kInteger)) {
      HETONG_ASSIGN_OR_RETURN(ByteView n, r.Read(der::kInteger));
      if (n.empty() || n.size() > 64) return InvalidArgumentError("bad nonce");
      req.nonce = ToBytes(n);
    }
    if (r.PeekIs(der::kBoolean)) {
      HETONG_ASSIGN_OR_RETURN(req.cert_req, r.ReadBoolean());
    }
    if (r.PeekIs(der::ContextTag(0, true))) {
      HETONG_RETURN_IF_ERROR(r.ReadAny().status());
      req.has_extensions = true;
    }
    HETONG_RETURN_IF_ERROR(r.ExpectEnd("TimeStampReq"));
    return req;
  };
  auto r = run();
  if (!r.ok()) return Bad("malformed time-stamp request", r.status());
  return r;
}

Bytes EncodeTimeStampRequest(const TimeStampRequest& req) {
  std::vector<Bytes> fields = {der::Integer(req.version), EncodeImprint(req.imprint)};
  if (req.policy) fields.push_back(der::Oid(*req.policy));
  if (req.nonce) fields.push_back(der::Tlv(der::kInteger, *req.nonce));
  if (req.cert_req) fields.push_back(der::Boolean(true));
  return der::Seq(fields);
}

Bytes EncodeTstInfo(const TstInfo& t) {
  std::vector<Bytes> fields = {der::Integer(1), der::Oid(t.policy), EncodeImprint(t.imprint),
                               der::UnsignedInteger(t.serial),
                               der::GeneralizedTime(t.gen_time, true)};
  if (!t.accuracy.empty()) {
    std::vector<Bytes> acc;
    if (t.accuracy.seconds) acc.push_back(der::Integer(t.accuracy.seconds));
    if (t.accuracy.millis) acc.push_back(der::Implicit(0, der::Integer(t.accuracy.millis)));
    if (t.accuracy.micros) acc.push_back(der::Implicit(1, der::Integer(t.accuracy.micros)));
    fields.push_back(der::Seq(acc));
  }
  if (t.ordering) fields.push_back(der::Boolean(true));
  if (t.nonce) fields.push_back(der::Tlv(der::kInteger, *t.nonce));
  if (!t.tsa_name_der.empty()) fields.push_back(der::Explicit(0, der::Explicit(4, t.tsa_name_der)));
  return der::Seq(fields);
}

StatusOr<TstInfo> ParseTstInfo(ByteView bytes) {
  auto run = [&]() -> StatusOr<TstInfo> {
    TstInfo t;
    der::Reader top(bytes);
    HETONG_ASSIGN_OR_RETURN(der::Reader r, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("TSTInfo"));
    HETONG_ASSIGN_OR_RETURN(int64_t v, r.ReadSmallInteger());
    if (v != 1) return InvalidArgumentError("unsupported TSTInfo version");
    HETONG_ASSIGN_OR_RETURN(t.policy, r.ReadOid());
    bool known = false;
    HETONG_ASSIGN_OR_RETURN(t.imprint, ReadImprint(r, &known));
    if (!known)
      return InvalidArgumentError("unknown imprint hash algorithm " + t.imprint.algorithm_oid);
    HETONG_ASSIGN_OR_RETURN(t.serial, r.ReadUnsignedInteger());
    HETONG_ASSIGN_OR_RETURN(t.gen_time, r.ReadTime());
    if (r.PeekIs(der::kSequence)) {
      HETONG_ASSIGN_OR_RETURN(der::Reader acc, r.ReadSequence());
      if (acc.PeekIs(der::kInteger)) {
        HETONG_ASSIGN_OR_RETURN(int64_t s, acc.ReadSmallInteger());
        t.accuracy.seconds = static_cast<int>(s);
      }
      for (int tag : {0, 1}) {
        if (acc.PeekIs(der::ContextTag(tag, false))) {
          HETONG_ASSIGN_OR_RETURN(ByteView m, acc.Read(der::ContextTag(tag, false)));
          Bytes as_int = der::Tlv(der::kInteger, m);
          der::Reader ir(as_int);
          HETONG_ASSIGN_OR_RETURN(int64_t value, ir.ReadSmallInteger());
          if (value < 1 || value > 999) return InvalidArgumentError("accuracy out of range");
          (tag == 0 ? t.accuracy.millis : t.accuracy.micros) = static_cast<int>(value);
        }
      }
      HETONG_RETURN_IF_ERROR(acc.ExpectEnd("accuracy"));
    }
    if (r.PeekIs(der::kBoolean)) {
      HETONG_ASSIGN_OR_RETURN(t.ordering, r.ReadBoolean());
    }
    if (r.PeekIs(der::kInteger)) {
      HETONG_ASSIGN_OR_RETURN(ByteView n, r.Read(der::kInteger));
      t.nonce = ToBytes(n);
    }
    if (r.PeekIs(der::ContextTag(0, true))) {
      HETONG_ASSIGN_OR_RETURN(der::Reader name, r.ReadConstructed(der::ContextTag(0, true)));
      HETONG_ASSIGN_OR_RETURN(der::Element gn, name.ReadAny());
      if (gn.tag == der::ContextTag(4, true)) {
        der::Reader inner(gn.value);
        HETONG_ASSIGN_OR_RETURN(der::Element dn, inner.ReadElement(der::kSequence));
        t.tsa_name_der = ToBytes(dn.tlv);
      }
    }
    if (r.PeekIs(der::ContextTag(1, true))) HETONG_RETURN_IF_ERROR(r.ReadAny().status());
    HETONG_RETURN_IF_ERROR(r.ExpectEnd("TSTInfo"));
    return t;
  };
  auto r = run();
  if (!r.ok()) return Bad("malformed TSTInfo", r.status());
  return r;
}

Bytes EncodeGrantedResponse(ByteView token) {
  return der::Seq({der::Seq({der::Integer(kGranted)}), token});
}

Bytes EncodeRejection(FailureInfo failure, std::string_view text) {
  Bytes free_text = der::Seq({der::Utf8String(text)});
  return der::Seq({der::Seq(
      {der::Integer(kRejection), free_text, der::NamedBits({static_cast<int>(failure)})})});
}

StatusOr<TimeStampResponse> ParseTimeStampResponse(ByteView bytes) {
  auto run = [&]() -> StatusOr<TimeStampResponse> {
    TimeStampResponse out;
    der::Reader top(bytes);
    HETONG_ASSIGN_OR_RETURN(der::Reader r, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("TimeStampResp"));
    HETONG_ASSIGN_OR_RETURN(der::Reader st, r.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(int64_t status, st.ReadSmallInteger());
    out.status = static_cast<int>(status);
    if (st.PeekIs(der::kSequence)) {
      HETONG_ASSIGN_OR_RETURN(der::Reader texts, st.ReadSequence());
      while (!texts.empty()) {
        HETONG_ASSIGN_OR_RETURN(std::string t, texts.ReadString());
        out.status_text.push_back(std::move(t));
      }
    }
    if (st.PeekIs(der::kBitString)) {
      HETONG_ASSIGN_OR_RETURN(der::Element bits, st.ReadElement(der::kBitString));
      for (size_t i = 1; i < bits.value.size(); ++i) {
        for (int b = 0; b < 8; ++b) {
          if (bits.value[i] & (0x80 >> b)) {
            out.failure = static_cast<FailureInfo>(static_cast<int>((i - 1) * 8) + b);
            break;
          }
        }
        if (out.failure) break;
      }
    }
    HETONG_RETURN_IF_ERROR(st.ExpectEnd("PKIStatusInfo"));
    if (!r.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Element tok, r.ReadElement(der::kSequence));
      out.token = ToBytes(tok.tlv);
    }
    HETONG_RETURN_IF_ERROR(r.ExpectEnd("TimeStampResp"));
    // RFC 3161 §2.4.2: a token exactly when the request was granted (with or without mods).
    bool granted = out.status == kGranted || out.status == 1;
    if (granted && out.token.empty())
      return InvalidArgumentError("a granted response without a time-stamp token");
    if (!granted && !out.token.empty())
      return InvalidArgumentError("a rejected response with a time-stamp token");
    return out;
  };
  auto r = run();
  if (!r.ok()) return Bad("malformed time-stamp response", r.status());
  return r;
}

namespace {

// Whether the signed attributes name `cert` in ESS signingCertificateV2 (or the SHA-1 v1).
bool EssNamesCertificate(const crypto::CmsSignerInfo& si, const Certificate& cert,
                         std::string* why) {
  const crypto::CmsAttribute* v2 = si.FindSigned(crypto::oid::kSigningCertificateV2);
  const crypto::CmsAttribute* v1 = si.FindSigned(crypto::oid::kSigningCertificate);
  if (!v2 && !v1) {
    *why =
        "the token does not name its signing certificate (ESS signing-certificate attribute "
        "missing)";
    return false;
  }
  const Bytes& value = (v2 ? v2 : v1)->values.at(0);
  der::Reader r(value);
  auto sc = r.ReadSequence();
  if (!sc.ok()) return false;
  auto certs = sc->ReadSequence();
  if (!certs.ok()) return false;
  auto id = certs->ReadSequence();
  if (!id.ok()) return false;
  crypto::HashAlgorithm alg = v2 ? crypto::HashAlgorithm::kSha256 : crypto::HashAlgorithm::kSha1;
  if (v2 && id->PeekIs(der::kSequence)) {
    auto a = id->ReadSequence();
    if (!a.ok()) return false;
    auto o = a->ReadOid();
    if (!o.ok()) return false;
    auto h = crypto::HashFromOid(*o);
    if (!h) {
      *why = "the ESS certificate hash algorithm is not supported";
      return false;
    }
    alg = *h;
  }
  auto hash = id->ReadOctetString();
  if (!hash.ok()) return false;
  if (!ConstantTimeEquals(*hash, crypto::Hash(alg, cert.der()))) {
    *why = "the ESS signing-certificate attribute names another certificate";
    return false;
  }
  return true;
}

}  // namespace

StatusOr<TimestampCheck> VerifyTimestampToken(ByteView token, crypto::HashAlgorithm algorithm,
                                              ByteView digest,
                                              const TimestampVerifyOptions& options) {
  TimestampCheck out;
  HETONG_ASSIGN_OR_RETURN(crypto::CmsSignedData sd, crypto::ParseCmsSignedData(token));
  if (sd.econtent_type != crypto::oid::kTstInfo) {
    return InvalidArgumentError("not a time-stamp token (content type " + sd.econtent_type + ")");
  }
  if (!sd.content) return InvalidArgumentError("the time-stamp token has no TSTInfo");
  if (sd.signers.size() != 1)
    return InvalidArgumentError("a time-stamp token has exactly one signer");
  HETONG_ASSIGN_OR_RETURN(out.info, ParseTstInfo(*sd.content));
  const crypto::CmsSignerInfo& si = sd.signers[0];
  if (!si.digest) {
    out.problem = "unsupported digest algorithm in the token";
    return out;
  }
  std::vector<Bytes> extra;
  for (const auto& c : options.intermediates) extra.push_back(c.der());
  HETONG_ASSIGN_OR_RETURN(
      crypto::CmsSignatureCheck sig,
      crypto::CmsVerifySigner(sd, 0, crypto::Hash(*si.digest, *sd.content), extra));
  if (sig.algorithm)
    out.signature_algorithm = std::string(crypto::SignatureAlgorithmName(*sig.algorithm));
  if (sig.status != crypto::CmsSignatureStatus::kValid) {
    out.problem = "the time-stamp signature is not valid: " + sig.detail;
    return out;
  }
  HETONG_ASSIGN_OR_RETURN(Certificate tsa_cert, Certificate::Parse(sig.signer->der));
  out.tsa_certificate = tsa_cert;
  std::string why;
  if (!EssNamesCertificate(si, tsa_cert, &why)) {
    out.problem = why.empty() ? "malformed ESS signing-certificate attribute" : why;
    return out;
  }
  if (!digest.empty()) {
    if (out.info.imprint.algorithm != algorithm) {
      out.problem = "the token's imprint uses " +
                    std::string(crypto::HashName(out.info.imprint.algorithm)) + ", not " +
                    std::string(crypto::HashName(algorithm));
      return out;
    }
    if (!ConstantTimeEquals(out.info.imprint.hashed_message, digest)) {
      out.problem = "the time-stamp is for other data (imprint mismatch)";
      return out;
    }
  }
  if (options.required_policy && out.info.policy != *options.required_policy) {
    out.problem = "the time-stamp policy " + out.info.policy + " is not the required one";
    return out;
  }
  // The TSA certificate, at genTime, for time-stamping.
  std::vector<Certificate> inter = options.intermediates;
  for (const auto& c : sd.certificates) {
    auto pc = Certificate::Parse(c);
    if (pc.ok()) inter.push_back(std::move(*pc));
  }
  ValidationOptions vo;
  vo.time = out.info.gen_time;
  vo.purpose = KeyPurpose::kTimeStamping;
  vo.revocation = options.revocation;
  vo.checker = options.checker;
  out.path = ValidatePath(tsa_cert, inter, options.anchors, vo);
  out.path_checked = true;
  if (!out.path.ok()) {
    out.problem = "the TSA certificate is not valid at the time-stamp's time: " + out.path.message;
    return out;
  }
  if (!tsa_cert.eku_critical()) {
    out.problem = "the TSA certificate's extendedKeyUsage is not critical (RFC 3161 §2.3)";
    return out;
  }
  out.valid = true;
  return out;
}

}  // namespace hetong::pki
