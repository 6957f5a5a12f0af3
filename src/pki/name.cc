#include "pki/name.h"

#include <algorithm>

#include "base/der.h"
#include "pki/oids.h"

namespace hetong::pki {

namespace der = base::der;

namespace {

bool IsPrintable(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    if (n == 1 && c < 0x20) return false;  // no control characters in names
    i += n;
  }
  return true;
}

std::string_view ShortName(std::string_view oid_text) {
  if (oid_text == oid::kCommonName) return "CN";
  if (oid_text == oid::kCountry) return "C";
  if (oid_text == oid::kProvince) return "ST";
  if (oid_text == oid::kLocality) return "L";
  if (oid_text == oid::kOrganization) return "O";
  if (oid_text == oid::kOrganizationalUnit) return "OU";
  if (oid_text == oid::kSerialNumber) return "serialNumber";
  if (oid_text == oid::kOrganizationIdentifier) return "organizationIdentifier";
  if (oid_text == oid::kEmailAddress) return "emailAddress";
  if (oid_text == oid::kSurname) return "SN";
  if (oid_text == oid::kGivenName) return "GN";
  return oid_text;
}

// RFC 5280 §7.1-style normalisation: ASCII case folded, whitespace runs collapsed, trimmed.
std::string Normalise(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace

DistinguishedName& DistinguishedName::Add(std::string_view o, std::string_view v) {
  attrs_.push_back({std::string(o), std::string(v), 0});
  return *this;
}
DistinguishedName& DistinguishedName::Country(std::string_view v) { return Add(oid::kCountry, v); }
DistinguishedName& DistinguishedName::Province(std::string_view v) {
  return Add(oid::kProvince, v);
}
DistinguishedName& DistinguishedName::Locality(std::string_view v) {
  return Add(oid::kLocality, v);
}
DistinguishedName& DistinguishedName::Organization(std::string_view v) {
  return Add(oid::kOrganization, v);
}
DistinguishedName& DistinguishedName::OrganizationalUnit(std::string_view v) {
  return Add(oid::kOrganizationalUnit, v);
}
DistinguishedName& DistinguishedName::CommonName(std::string_view v) {
  return Add(oid::kCommonName, v);
}
DistinguishedName& DistinguishedName::SerialNumber(std::string_view v) {
  return Add(oid::kSerialNumber, v);
}
DistinguishedName& DistinguishedName::OrganizationIdentifier(std::string_view v) {
  return Add(oid::kOrganizationIdentifier, v);
}

std::optional<std::string> DistinguishedName::Get(std::string_view o) const {
  for (const auto& a : attrs_) {
    if (a.oid == o) return a.value;
  }
  return std::nullopt;
}

StatusOr<Bytes> DistinguishedName::Encode() const {
  std::vector<Bytes> rdns;
  for (const auto& a : attrs_) {
    if (a.value.empty())
      return InvalidArgumentError("name attribute " + std::string(ShortName(a.oid)) + " is empty");
    if (a.value.size() > 256)
      return InvalidArgumentError("name attribute " + std::string(ShortName(a.oid)) +
                                  " is too long");
    if (!IsValidUtf8(a.value)) {
      return InvalidArgumentError("name attribute " + std::string(ShortName(a.oid)) +
                                  " is not valid UTF-8 text");
    }
    HETONG_ASSIGN_OR_RETURN(Bytes type, der::OidChecked(a.oid));
    Bytes value;
    uint8_t tag = a.tag;
    if (tag == 0) {
      if (a.oid == oid::kCountry) {
        if (a.value.size() != 2 || !IsPrintable(a.value))
          return InvalidArgumentError("the country must be a two-letter code such as CN");
        tag = der::kPrintableString;
      } else if (a.oid == oid::kSerialNumber) {
        if (!IsPrintable(a.value))
          return InvalidArgumentError(
              "serialNumber must use letters, digits and basic punctuation only");
        tag = der::kPrintableString;
      } else if (a.oid == oid::kEmailAddress) {
        tag = der::kIa5String;
      } else {
        tag = der::kUtf8String;
      }
    }
    value = der::Tlv(tag, AsBytes(a.value));
    rdns.push_back(der::SetOf({der::Seq({type, value})}));
  }
  return der::Seq(rdns);
}

StatusOr<DistinguishedName> DistinguishedName::Parse(ByteView bytes) {
  DistinguishedName dn;
  der::Reader top(bytes);
  HETONG_ASSIGN_OR_RETURN(der::Reader seq, top.ReadSequence());
  HETONG_RETURN_IF_ERROR(top.ExpectEnd("Name"));
  while (!seq.empty()) {
    HETONG_ASSIGN_OR_RETURN(der::Reader rdn, seq.ReadSet());
    while (!rdn.empty()) {
      HETONG_ASSIGN_OR_RETURN(der::Reader atv, rdn.ReadSequence());
      NameAttribute a;
      HETONG_ASSIGN_OR_RETURN(a.oid, atv.ReadOid());
      auto tag = atv.PeekTag();
      if (!tag) return InvalidArgumentError("DER: name attribute without a value");
      a.tag = *tag;
      auto value = atv.ReadString();
      if (value.ok()) {
        a.value = std::move(*value);
      } else {
        // Not a string type: keep it, shown as hex.
        HETONG_ASSIGN_OR_RETURN(der::Element e, atv.ReadAny());
        a.value = "#";
        static const char* hex = "0123456789abcdef";
        for (uint8_t b : e.tlv) {
          a.value.push_back(hex[b >> 4]);
          a.value.push_back(hex[b & 15]);
        }
      }
      HETONG_RETURN_IF_ERROR(atv.ExpectEnd("AttributeTypeAndValue"));
      dn.attrs_.push_back(std::move(a));
    }
  }
  return dn;
}

std::string DistinguishedName::ToString() const {
  std::string out;
  for (auto it = attrs_.rbegin(); it != attrs_.rend(); ++it) {
    if (!out.empty()) out += ",";
    out += std::string(ShortName(it->oid)) + "=";
    for (char c : it->value) {
      if (c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';')
        out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

bool NamesMatch(ByteView a, ByteView b) {
  if (std::equal(a.begin(), a.end(), b.begin(), b.end())) return true;
  auto na = DistinguishedName::Parse(a);
  auto nb = DistinguishedName::Parse(b);
  if (!na.ok() || !nb.ok()) return false;
  const auto& x = na->attributes();
  const auto& y = nb->attributes();
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].oid != y[i].oid || Normalise(x[i].value) != Normalise(y[i].value)) return false;
  }
  return true;
}

bool IsValidChineseIdNumber(std::string_view id) {
  if (id.size() != 18) return false;
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[static_cast<size_t>(i)] < '0' || id[static_cast<size_t>(i)] > '9') return false;
    sum += (id[static_cast<size_t>(i)] - '0') * kWeights[i];
  }
  char last = id[17] == 'x' ? 'X' : id[17];
  return kCheck[sum % 11] == last;
}

bool IsValidUnifiedSocialCreditCode(std::string_view code) {
  if (code.size() != 18) return false;
  static const std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    size_t v = kAlphabet.find(code[static_cast<size_t>(i)]);
    if (v == std::string_view::npos) return false;
    sum += static_cast<int>(v) * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return code[17] == kAlphabet[static_cast<size_t>(check)];
}

}  // namespace hetong::pki
