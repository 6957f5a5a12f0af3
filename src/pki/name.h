// X.501 Distinguished Names as hetong builds and reads them (RFC 5280 §4.1.2.4), with the
// rules for Chinese subjects: names in UTF8String (so 张三 and 北京某某科技有限公司 survive
// unchanged), the country as PrintableString "CN", a person's identity number in
// serialNumber (PrintableString, X.520) and an organisation's unified social credit code in
// organizationIdentifier (X.520 2.5.4.97, UTF8String).
//
// Names are compared by their DER encoding first and, for names made by other CAs, by a
// normalised form (RFC 5280 §7.1: case-folded, whitespace-collapsed).
//
// Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::pki {

struct NameAttribute {
  std::string oid;
  std::string value;  // UTF-8
  uint8_t tag = 0;    // DER string tag as read (0: chosen by the encoder)
};

class DistinguishedName {
 public:
  DistinguishedName() = default;

  // Builder: appends one attribute per RDN, in the order given.
  DistinguishedName& Add(std::string_view oid, std::string_view value);
  DistinguishedName& Country(std::string_view v);
  DistinguishedName& Province(std::string_view v);
  DistinguishedName& Locality(std::string_view v);
  DistinguishedName& Organization(std::string_view v);
  DistinguishedName& OrganizationalUnit(std::string_view v);
  DistinguishedName& CommonName(std::string_view v);
  DistinguishedName& SerialNumber(std::string_view v);
  DistinguishedName& OrganizationIdentifier(std::string_view v);

  static StatusOr<DistinguishedName> Parse(ByteView der);
  // Checks the values (non-empty, country two letters, serialNumber printable, valid UTF-8),
  // then encodes.
  StatusOr<Bytes> Encode() const;

  const std::vector<NameAttribute>& attributes() const { return attrs_; }
  std::optional<std::string> Get(std::string_view oid) const;
  std::string common_name() const { return Get("2.5.4.3").value_or(""); }
  // "CN=张三,O=某某公司,C=CN" (RFC 4514 order: most specific first; UTF-8 kept).
  std::string ToString() const;
  bool empty() const { return attrs_.empty(); }

 private:
  std::vector<NameAttribute> attrs_;
};

// True when two DER names denote the same name (byte-equal, or equal after normalisation).
bool NamesMatch(ByteView a, ByteView b);

// Validates a mainland China resident identity number (18 characters, GB 11643 check digit).
bool IsValidChineseIdNumber(std::string_view id);
// Validates a unified social credit code (18 characters, GB 32100 check character).
bool IsValidUnifiedSocialCreditCode(std::string_view code);

}  // namespace hetong::pki
