#include "pki/crl.h"

#include <set>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "pki/der_read.h"
#include "pki/oids.h"
#include "pki/profiles.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

constexpr std::string_view kMalformed = "malformed CRL";

constexpr CrlReason kAllReasons[] = {
    CrlReason::kUnspecified,        CrlReason::kKeyCompromise, CrlReason::kCaCompromise,
    CrlReason::kAffiliationChanged, CrlReason::kSuperseded,    CrlReason::kCessationOfOperation,
    CrlReason::kCertificateHold,    CrlReason::kRemoveFromCrl, CrlReason::kPrivilegeWithdrawn,
    CrlReason::kAaCompromise,
};

Status Bad(const std::string& what) {
  return InvalidArgumentError(std::string(kMalformed) + ": " + what);
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each OID at most once.
Status ReadExtensions(der::Reader& r, std::vector<Extension>& out) {
  return ReadExtensionList(r, out, std::string(kMalformed) + ": ");
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

bool IsTime(const der::Reader& r) {
  return r.PeekIs(der::kUtcTime) || r.PeekIs(der::kGeneralizedTime);
}

bool IsMinimalInteger(ByteView v) {
  if (v.empty()) return false;
  if (v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)))) {
    return false;
  }
  return true;
}

Bytes Ext(std::string_view o, ByteView value) {
  return der::Seq({der::Oid(o), der::OctetString(value)});
}

}  // namespace

std::string_view CrlReasonName(CrlReason reason) {
  switch (reason) {
    case CrlReason::kUnspecified:
      return "unspecified";
    case CrlReason::kKeyCompromise:
      return "keyCompromise";
    case CrlReason::kCaCompromise:
      return "cACompromise";
    case CrlReason::kAffiliationChanged:
      return "affiliationChanged";
    case CrlReason::kSuperseded:
      return "superseded";
    case CrlReason::kCessationOfOperation:
      return "cessationOfOperation";
    case CrlReason::kCertificateHold:
      return "certificateHold";
    case CrlReason::kRemoveFromCrl:
      return "removeFromCRL";
    case CrlReason::kPrivilegeWithdrawn:
      return "privilegeWithdrawn";
    case CrlReason::kAaCompromise:
      return "aACompromise";
  }
  return "?";
}

std::optional<CrlReason> CrlReasonFromName(std::string_view name) {
  for (CrlReason r : kAllReasons) {
    if (CrlReasonName(r) == name) return r;
  }
  return std::nullopt;
}

std::optional<CrlReason> CrlReasonFromCode(int64_t code) {
  for (CrlReason r : kAllReasons) {
    if (static_cast<int64_t>(r) == code) return r;
  }
  return std::nullopt;
}

Bytes EncodeCrlReason(CrlReason reason) {
  Bytes out = der::Integer(static_cast<int>(reason));
  out[0] = der::kEnumerated;
  return out;
}

StatusOr<CrlReason> DecodeCrlReason(ByteView enumerated_der) {
  auto e = der::ParseSingle(enumerated_der, "CRLReason");
  if (!e.ok()) return e.status();
  if (e->tag != der::kEnumerated) return InvalidArgumentError("CRLReason: expected an ENUMERATED");
  // Every defined value fits in one (minimal) content octet.
  if (e->value.size() != 1) return InvalidArgumentError("CRLReason: undefined reason code");
  auto r = CrlReasonFromCode(e->value[0]);
  if (!r) return InvalidArgumentError("CRLReason: undefined reason code");
  return *r;
}

StatusOr<Bytes> BuildCrl(const crypto::Signer& ca_signer, const Certificate& ca_cert,
                         int64_t crl_number, base::TimePoint this_update,
                         base::TimePoint next_update, const std::vector<RevokedEntry>& revoked) {
  if (!ca_signer.public_key().Equals(ca_cert.public_key())) {
    return InvalidArgumentError("the CA certificate does not belong to the CRL signer's key");
  }
  if (!ca_cert.HasKeyUsage(kCrlSign)) {
    return InvalidArgumentError("the CA certificate's key usage does not allow signing CRLs");
  }
  if (crl_number < 0) return InvalidArgumentError("the CRL number must not be negative");
  auto secs = [](base::TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); };
  if (secs(next_update) <= secs(this_update)) {
    return InvalidArgumentError("nextUpdate must be later than thisUpdate");
  }

  std::vector<Bytes> entries;
  std::set<Bytes> seen;
  for (const auto& e : revoked) {
    if (!IsMinimalInteger(e.serial) || e.serial.size() > 21) {
      return InvalidArgumentError(
          "a revoked serial number is not a valid INTEGER (at most 20 "
          "octets, minimally encoded)");
    }
    if (!seen.insert(e.serial).second) {
      return InvalidArgumentError("a serial number is listed twice");
    }
    if (e.reason == CrlReason::kRemoveFromCrl) {
      return InvalidArgumentError("removeFromCRL is only used in delta CRLs");
    }
    std::vector<Bytes> exts;
    if (e.reason != CrlReason::kUnspecified) {
      exts.push_back(Ext(oid::kCrlReason, EncodeCrlReason(e.reason)));
    }
    if (e.invalidity_date) {
      exts.push_back(Ext(oid::kInvalidityDate, der::GeneralizedTime(*e.invalidity_date)));
    }
    Bytes serial = der::Tlv(der::kInteger, e.serial);
    Bytes when = der::X509Time(e.revocation_time);
    entries.push_back(exts.empty() ? der::Seq({serial, when})
                                   : der::Seq({serial, when, der::Seq(exts)}));
  }

  Bytes key_id =
      ca_cert.subject_key_id().empty() ? KeyId(ca_cert.public_key()) : ca_cert.subject_key_id();
  Bytes crl_exts = der::Seq({
      Ext(oid::kAuthorityKeyIdentifier, der::Seq({der::Tlv(der::ContextTag(0, false), key_id)})),
      Ext(oid::kCrlNumber, der::Integer(crl_number)),
  });
  Bytes sig_alg = crypto::SignatureAlgorithmIdentifier(ca_signer.algorithm());
  std::vector<Bytes> tbs_parts = {der::Integer(1), sig_alg, ca_cert.subject_der(),
                                  der::X509Time(this_update), der::X509Time(next_update)};
  // RFC 5280 §5.1.2.6: the list is absent, not empty, when nothing is revoked.
  if (!entries.empty()) tbs_parts.push_back(der::Seq(entries));
  tbs_parts.push_back(der::Explicit(0, crl_exts));
  Bytes tbs = der::Seq(tbs_parts);
  HETONG_ASSIGN_OR_RETURN(Bytes sig, ca_signer.Sign(tbs));
  return der::Seq({tbs, sig_alg, der::BitString(sig)});
}

StatusOr<Crl> Crl::Parse(ByteView data) {
  Bytes pem_der;
  if (base::LooksLikePem(data)) {
    auto d = base::PemDecode(ToString(data), "X509 CRL");
    if (!d.ok()) return InvalidArgumentError("expected a PEM 'X509 CRL' block");
    pem_der = std::move(*d);
    data = pem_der;
  }
  Crl c;
  c.der_ = ToBytes(data);
  std::set<std::string> critical_seen;
  auto note_critical = [&c, &critical_seen](const Extension& e) {
    if (e.critical && critical_seen.insert(e.oid).second) c.unknown_critical_.push_back(e.oid);
  };
  auto run = [&]() -> Status {
    der::Reader top(c.der_);
    HETONG_ASSIGN_OR_RETURN(der::Reader list, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("CRL"));
    HETONG_ASSIGN_OR_RETURN(der::Element tbs_el, list.ReadElement(der::kSequence));
    c.tbs_ = ToBytes(tbs_el.tlv);
    HETONG_RETURN_IF_ERROR(ReadAlgorithmIdentifier(list, c.signature_oid_, c.signature_params_));
    HETONG_ASSIGN_OR_RETURN(ByteView sig, list.ReadBitString());
    c.signature_ = ToBytes(sig);
    HETONG_RETURN_IF_ERROR(list.ExpectEnd("CRL"));

    der::Reader tbs(tbs_el.value);
    if (tbs.PeekIs(der::kInteger)) {
      HETONG_ASSIGN_OR_RETURN(int64_t v, tbs.ReadSmallInteger());
      if (v != 1) return Bad("unknown version");
      c.version_ = 2;
    }
    std::string inner_oid;
    Bytes inner_params;
    HETONG_RETURN_IF_ERROR(ReadAlgorithmIdentifier(tbs, inner_oid, inner_params));
    if (inner_oid != c.signature_oid_ || inner_params != c.signature_params_) {
      return Bad("the two signature algorithm fields differ");
    }
    HETONG_ASSIGN_OR_RETURN(der::Element issuer, tbs.ReadElement(der::kSequence));
    c.issuer_der_ = ToBytes(issuer.tlv);
    HETONG_ASSIGN_OR_RETURN(c.issuer_, DistinguishedName::Parse(issuer.tlv));
    HETONG_ASSIGN_OR_RETURN(c.this_update_, ReadBoundedTime(tbs));
    if (IsTime(tbs)) {
      HETONG_ASSIGN_OR_RETURN(base::TimePoint nu, ReadBoundedTime(tbs));
      c.next_update_ = nu;
    }
    if (tbs.PeekIs(der::kSequence)) {
      HETONG_ASSIGN_OR_RETURN(der::Reader list_r, tbs.ReadSequence());
      while (!list_r.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Reader entry, list_r.ReadSequence());
        RevokedEntry e;
        HETONG_ASSIGN_OR_RETURN(ByteView serial, entry.Read(der::kInteger));
        if (!IsMinimalInteger(serial) || serial.size() > 21) return Bad("bad serial number");
        e.serial = ToBytes(serial);
        HETONG_ASSIGN_OR_RETURN(e.revocation_time, ReadBoundedTime(entry));
        if (!entry.empty()) {
          if (c.version_ != 2) return Bad("entry extensions in a version 1 CRL");
          HETONG_ASSIGN_OR_RETURN(der::Reader exts_r, entry.ReadSequence());
          std::vector<Extension> exts;
          HETONG_RETURN_IF_ERROR(ReadExtensions(exts_r, exts));
          for (const auto& x : exts) {
            if (x.oid == oid::kCrlReason) {
              auto reason = DecodeCrlReason(x.value);
              if (!reason.ok()) return Bad("bad reasonCode");
              e.reason = *reason;
            } else if (x.oid == oid::kInvalidityDate) {
              der::Reader v(x.value);
              if (!v.PeekIs(der::kGeneralizedTime))
                return Bad("invalidityDate not a GeneralizedTime");
              HETONG_ASSIGN_OR_RETURN(base::TimePoint t, ReadBoundedTime(v));
              HETONG_RETURN_IF_ERROR(v.ExpectEnd("invalidityDate"));
              e.invalidity_date = t;
            } else {
              note_critical(x);  // certificateIssuer (indirect CRLs) among others
            }
          }
        }
        HETONG_RETURN_IF_ERROR(entry.ExpectEnd("revoked certificate entry"));
        if (!c.index_.emplace(e.serial, c.entries_.size()).second) {
          return Bad("a serial number is listed twice");
        }
        c.entries_.push_back(std::move(e));
      }
    }
    HETONG_ASSIGN_OR_RETURN(auto exts, tbs.ReadOptionalExplicit(0));
    if (exts) {
      if (c.version_ != 2) return Bad("extensions in a version 1 CRL");
      HETONG_ASSIGN_OR_RETURN(der::Reader seq, exts->ReadSequence());
      HETONG_RETURN_IF_ERROR(exts->ExpectEnd("crlExtensions"));
      HETONG_RETURN_IF_ERROR(ReadExtensions(seq, c.extensions_));
      for (const auto& x : c.extensions_) {
        der::Reader v(x.value);
        if (x.oid == oid::kAuthorityKeyIdentifier) {
          HETONG_ASSIGN_OR_RETURN(der::Reader aki, v.ReadSequence());
          HETONG_RETURN_IF_ERROR(v.ExpectEnd("authorityKeyIdentifier"));
          if (aki.PeekIs(der::ContextTag(0, false))) {
            HETONG_ASSIGN_OR_RETURN(ByteView id, aki.Read(der::ContextTag(0, false)));
            c.aki_ = ToBytes(id);
          }
        } else if (x.oid == oid::kCrlNumber) {
          HETONG_ASSIGN_OR_RETURN(Bytes n, v.ReadUnsignedInteger());
          HETONG_RETURN_IF_ERROR(v.ExpectEnd("cRLNumber"));
          if (n.size() > 20) return Bad("cRLNumber longer than 20 octets");
          c.crl_number_ = std::move(n);
        } else {
          note_critical(x);  // deltaCRLIndicator, issuingDistributionPoint, ...
        }
      }
    }
    HETONG_RETURN_IF_ERROR(tbs.ExpectEnd("tbsCertList"));
    if (c.next_update_ && *c.next_update_ < c.this_update_) {
      return Bad("nextUpdate is before thisUpdate");
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

std::optional<int64_t> Crl::CrlNumberValue() const {
  if (!crl_number_ || crl_number_->size() > 8) return std::nullopt;
  if (crl_number_->size() == 8 && ((*crl_number_)[0] & 0x80)) return std::nullopt;
  uint64_t v = 0;
  for (uint8_t b : *crl_number_) v = (v << 8) | b;
  return static_cast<int64_t>(v);
}

std::optional<RevokedEntry> Crl::Find(ByteView serial) const {
  auto it = index_.find(Bytes(serial.begin(), serial.end()));
  if (it == index_.end()) return std::nullopt;
  return entries_[it->second];
}

Status Crl::VerifySignedBy(const crypto::PublicKey& issuer_key) const {
  return VerifyTbsSignature(issuer_key, signature_oid_, signature_params_, tbs_, signature_);
}

std::string Crl::ToPem() const { return base::PemEncode("X509 CRL", der_); }

}  // namespace hetong::pki
