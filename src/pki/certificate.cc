#include "pki/certificate.h"

#include <cstdio>
#include <set>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms.h"
#include "crypto/hash.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

Status Bad(const std::string& what) {
  return InvalidArgumentError("malformed certificate: " + what);
}

// GeneralNames: collects URIs, DNS names, e-mail addresses and IP addresses.
struct GeneralNames {
  std::vector<std::string> uris, dns, emails, ips;
};

Status ReadGeneralNames(der::Reader& r, GeneralNames& out) {
  while (!r.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Element e, r.ReadAny());
    std::string v(e.value.begin(), e.value.end());
    switch (e.tag) {
      case 0x81:
        out.emails.push_back(v);
        break;
      case 0x82:
        out.dns.push_back(v);
        break;
      case 0x86:
        out.uris.push_back(v);
        break;
      case 0x87: {
        char buf[64];
        if (e.value.size() == 4) {
          std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", e.value[0], e.value[1], e.value[2],
                        e.value[3]);
          out.ips.push_back(buf);
        } else {
          out.ips.push_back(base::HexEncode(e.value));
        }
        break;
      }
      default:
        break;  // otherName, directoryName, ...: kept only in the raw extension
    }
  }
  return OkStatus();
}

}  // namespace

std::optional<crypto::SignatureAlgorithm> SignatureAlgorithmFromOid(std::string_view o,
                                                                    ByteView params,
                                                                    crypto::KeyType key) {
  return crypto::CmsSignatureAlgorithm(o, params, std::nullopt, key);
}

Status VerifyTbsSignature(const crypto::PublicKey& key, std::string_view o, ByteView params,
                          ByteView tbs, ByteView signature) {
  auto alg = SignatureAlgorithmFromOid(o, params, key.type());
  if (!alg) {
    return InvalidArgumentError("unsupported signature algorithm " + std::string(o) + " for a " +
                                std::string(crypto::KeyTypeName(key.type())) + " key");
  }
  return crypto::VerifySignature(key, *alg, tbs, signature, crypto::kDefaultSm2Id);
}

StatusOr<Certificate> Certificate::Parse(ByteView data) {
  Bytes pem_der;
  if (base::LooksLikePem(data)) {
    auto d = base::PemDecode(ToString(data), "CERTIFICATE");
    if (!d.ok()) return InvalidArgumentError("expected a PEM 'CERTIFICATE' block");
    pem_der = std::move(*d);
    data = pem_der;
  }
  Certificate c;
  c.der_ = ToBytes(data);
  auto run = [&]() -> Status {
    der::Reader top(c.der_);
    HETONG_ASSIGN_OR_RETURN(der::Reader cert, top.ReadSequence());
    HETONG_RETURN_IF_ERROR(top.ExpectEnd("certificate"));
    HETONG_ASSIGN_OR_RETURN(der::Element tbs_el, cert.ReadElement(der::kSequence));
    c.tbs_ = ToBytes(tbs_el.tlv);
    HETONG_ASSIGN_OR_RETURN(der::Reader outer_alg, cert.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(c.signature_oid_, outer_alg.ReadOid());
    if (!outer_alg.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Element p, outer_alg.ReadAny());
      if (p.tag != der::kNull) c.signature_params_ = ToBytes(p.tlv);
    }
    HETONG_ASSIGN_OR_RETURN(ByteView sig, cert.ReadBitString());
    c.signature_ = ToBytes(sig);
    HETONG_RETURN_IF_ERROR(cert.ExpectEnd("certificate"));

    der::Reader tbs(tbs_el.value);
    HETONG_ASSIGN_OR_RETURN(auto ver, tbs.ReadOptionalExplicit(0));
    if (ver) {
      HETONG_ASSIGN_OR_RETURN(int64_t v, ver->ReadSmallInteger());
      if (v < 0 || v > 2) return Bad("unknown version");
      c.version_ = static_cast<int>(v) + 1;
    }
    HETONG_ASSIGN_OR_RETURN(ByteView serial, tbs.Read(der::kInteger));
    if (serial.empty() || serial.size() > 21) return Bad("bad serial number");
    c.serial_ = ToBytes(serial);
    HETONG_ASSIGN_OR_RETURN(der::Reader inner_alg, tbs.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(std::string inner_oid, inner_alg.ReadOid());
    if (inner_oid != c.signature_oid_) return Bad("the two signature algorithm fields differ");
    HETONG_ASSIGN_OR_RETURN(der::Element issuer, tbs.ReadElement(der::kSequence));
    c.issuer_der_ = ToBytes(issuer.tlv);
    HETONG_ASSIGN_OR_RETURN(c.issuer_, DistinguishedName::Parse(issuer.tlv));
    HETONG_ASSIGN_OR_RETURN(der::Reader validity, tbs.ReadSequence());
    HETONG_ASSIGN_OR_RETURN(c.not_before_, validity.ReadTime());
    HETONG_ASSIGN_OR_RETURN(c.not_after_, validity.ReadTime());
    HETONG_RETURN_IF_ERROR(validity.ExpectEnd("validity"));
    HETONG_ASSIGN_OR_RETURN(der::Element subject, tbs.ReadElement(der::kSequence));
    c.subject_der_ = ToBytes(subject.tlv);
    HETONG_ASSIGN_OR_RETURN(c.subject_, DistinguishedName::Parse(subject.tlv));
    HETONG_ASSIGN_OR_RETURN(der::Element spki, tbs.ReadElement(der::kSequence));
    c.spki_der_ = ToBytes(spki.tlv);
    HETONG_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromSpkiDer(spki.tlv));
    c.public_key_ = std::make_shared<crypto::PublicKey>(std::move(key));
    if (tbs.PeekIs(der::ContextTag(1, false))) HETONG_RETURN_IF_ERROR(tbs.ReadAny().status());
    if (tbs.PeekIs(der::ContextTag(2, false))) HETONG_RETURN_IF_ERROR(tbs.ReadAny().status());
    HETONG_ASSIGN_OR_RETURN(auto exts, tbs.ReadOptionalExplicit(3));
    if (exts) {
      if (c.version_ != 3) return Bad("extensions in a version 1 or 2 certificate");
      HETONG_ASSIGN_OR_RETURN(ByteView seq, exts->Read(der::kSequence));
      HETONG_RETURN_IF_ERROR(exts->ExpectEnd("extensions"));
      HETONG_RETURN_IF_ERROR(c.ParseExtensions(seq));
    }
    return tbs.ExpectEnd("tbsCertificate");
  };
  Status s = run();
  if (!s.ok()) {
    if (s.message().rfind("malformed certificate", 0) == 0) return s;
    return Bad(s.message());
  }
  return c;
}

StatusOr<std::vector<Certificate>> Certificate::ParseAll(ByteView data) {
  std::vector<Certificate> out;
  if (base::LooksLikePem(data)) {
    HETONG_ASSIGN_OR_RETURN(auto blocks, base::PemDecodeAll(ToString(data)));
    for (const auto& b : blocks) {
      if (b.label != "CERTIFICATE") continue;
      HETONG_ASSIGN_OR_RETURN(Certificate c, Parse(b.der));
      out.push_back(std::move(c));
    }
    if (out.empty()) return InvalidArgumentError("no CERTIFICATE block in the PEM data");
    return out;
  }
  HETONG_ASSIGN_OR_RETURN(Certificate c, Parse(data));
  out.push_back(std::move(c));
  return out;
}

Status Certificate::ParseExtensions(ByteView seq_contents) {
  der::Reader r(seq_contents);
  std::set<std::string> seen;
  while (!r.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Reader ext, r.ReadSequence());
    Extension e;
    HETONG_ASSIGN_OR_RETURN(e.oid, ext.ReadOid());
    if (ext.PeekIs(der::kBoolean)) {
      HETONG_ASSIGN_OR_RETURN(e.critical, ext.ReadBoolean());
    }
    HETONG_ASSIGN_OR_RETURN(ByteView value, ext.ReadOctetString());
    e.value = ToBytes(value);
    HETONG_RETURN_IF_ERROR(ext.ExpectEnd("extension"));
    if (!seen.insert(e.oid).second) return Bad("an extension appears twice");
    der::Reader v(e.value);
    if (e.oid == oid::kBasicConstraints) {
      has_basic_constraints_ = true;
      HETONG_ASSIGN_OR_RETURN(der::Reader bc, v.ReadSequence());
      if (bc.PeekIs(der::kBoolean)) {
        HETONG_ASSIGN_OR_RETURN(is_ca_, bc.ReadBoolean());
      }
      if (bc.PeekIs(der::kInteger)) {
        HETONG_ASSIGN_OR_RETURN(int64_t pl, bc.ReadSmallInteger());
        if (pl < 0 || pl > 1000) return Bad("bad path length");
        path_len_ = static_cast<int>(pl);
      }
      HETONG_RETURN_IF_ERROR(bc.ExpectEnd("basicConstraints"));
    } else if (e.oid == oid::kKeyUsage) {
      HETONG_ASSIGN_OR_RETURN(der::Element bits, v.ReadElement(der::kBitString));
      if (bits.value.empty() || bits.value[0] > 7) return Bad("bad keyUsage");
      uint16_t ku = 0;
      for (size_t i = 1; i < bits.value.size() && i <= 2; ++i) {
        for (int b = 0; b < 8; ++b) {
          if (bits.value[i] & (0x80 >> b))
            ku |= static_cast<uint16_t>(1u << ((i - 1) * 8 + static_cast<size_t>(b)));
        }
      }
      key_usage_ = ku;
    } else if (e.oid == oid::kExtKeyUsage) {
      eku_critical_ = e.critical;
      HETONG_ASSIGN_OR_RETURN(der::Reader seq, v.ReadSequence());
      while (!seq.empty()) {
        HETONG_ASSIGN_OR_RETURN(std::string k, seq.ReadOid());
        eku_.push_back(k);
      }
    } else if (e.oid == oid::kSubjectKeyIdentifier) {
      HETONG_ASSIGN_OR_RETURN(ByteView ski, v.ReadOctetString());
      ski_ = ToBytes(ski);
    } else if (e.oid == oid::kAuthorityKeyIdentifier) {
      HETONG_ASSIGN_OR_RETURN(der::Reader aki, v.ReadSequence());
      if (aki.PeekIs(der::ContextTag(0, false))) {
        HETONG_ASSIGN_OR_RETURN(ByteView id, aki.Read(der::ContextTag(0, false)));
        aki_ = ToBytes(id);
      }
    } else if (e.oid == oid::kCrlDistributionPoints) {
      HETONG_ASSIGN_OR_RETURN(der::Reader dps, v.ReadSequence());
      while (!dps.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Reader dp, dps.ReadSequence());
        HETONG_ASSIGN_OR_RETURN(auto name, dp.ReadOptionalExplicit(0));
        if (name && name->PeekIs(der::ContextTag(0, true))) {
          HETONG_ASSIGN_OR_RETURN(der::Reader full,
                                  name->ReadConstructed(der::ContextTag(0, true)));
          GeneralNames g;
          HETONG_RETURN_IF_ERROR(ReadGeneralNames(full, g));
          crl_urls_.insert(crl_urls_.end(), g.uris.begin(), g.uris.end());
        }
      }
    } else if (e.oid == oid::kAuthorityInfoAccess) {
      HETONG_ASSIGN_OR_RETURN(der::Reader ads, v.ReadSequence());
      while (!ads.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Reader ad, ads.ReadSequence());
        HETONG_ASSIGN_OR_RETURN(std::string method, ad.ReadOid());
        GeneralNames g;
        HETONG_RETURN_IF_ERROR(ReadGeneralNames(ad, g));
        auto& dst = method == oid::kAdOcsp        ? ocsp_urls_
                    : method == oid::kAdCaIssuers ? ca_issuer_urls_
                                                  : g.dns;
        dst.insert(dst.end(), g.uris.begin(), g.uris.end());
      }
    } else if (e.oid == oid::kCertificatePolicies) {
      HETONG_ASSIGN_OR_RETURN(der::Reader pols, v.ReadSequence());
      while (!pols.empty()) {
        HETONG_ASSIGN_OR_RETURN(der::Reader pi, pols.ReadSequence());
        HETONG_ASSIGN_OR_RETURN(std::string p, pi.ReadOid());
        policies_.push_back(p);
      }
    } else if (e.oid == oid::kSubjectAltName) {
      HETONG_ASSIGN_OR_RETURN(der::Reader names, v.ReadSequence());
      GeneralNames g;
      HETONG_RETURN_IF_ERROR(ReadGeneralNames(names, g));
      dns_names_ = g.dns;
      ips_ = g.ips;
      emails_ = g.emails;
    } else if (e.oid == oid::kOcspNoCheck) {
      ocsp_nocheck_ = true;
    } else if (e.oid == oid::kExtSigningEvidence) {
      HETONG_ASSIGN_OR_RETURN(der::Reader seq, v.ReadSequence());
      HETONG_ASSIGN_OR_RETURN(der::Reader alg, seq.ReadSequence());
      HETONG_ASSIGN_OR_RETURN(std::string halg, alg.ReadOid());
      HETONG_ASSIGN_OR_RETURN(ByteView h, seq.ReadOctetString());
      evidence_hash_ = ToBytes(h);
    } else if (e.critical) {
      unknown_critical_.push_back(e.oid);
    }
    extensions_.push_back(std::move(e));
  }
  return OkStatus();
}

const Extension* Certificate::FindExtension(std::string_view o) const {
  for (const auto& e : extensions_) {
    if (e.oid == o) return &e;
  }
  return nullptr;
}

std::string Certificate::SerialHex() const { return base::HexEncode(serial_); }

bool Certificate::IsSelfIssued() const { return NamesMatch(issuer_der_, subject_der_); }

std::string Certificate::Fingerprint() const { return base::HexEncode(crypto::Sm3(der_)); }

std::string Certificate::ToPem() const { return base::PemEncode("CERTIFICATE", der_); }

std::optional<crypto::SignatureAlgorithm> Certificate::SignatureAlgorithm(
    crypto::KeyType issuer_key) const {
  return SignatureAlgorithmFromOid(signature_oid_, signature_params_, issuer_key);
}

Status Certificate::VerifySignedBy(const crypto::PublicKey& issuer_key) const {
  return VerifyTbsSignature(issuer_key, signature_oid_, signature_params_, tbs_, signature_);
}

}  // namespace hetong::pki
