// Distinguished Encoding Rules (ITU-T X.690) reading and writing: the small, strict core that
// the crypto envelope, PKI, CMS and time-stamp code is built on.
//
// Reader: walks TLVs of hostile input. It rejects indefinite lengths, non-minimal length
// and INTEGER encodings, high-tag-number form, and lengths past the end; every failure is an
// InvalidArgument status naming what was expected, never a crash.
// Writer: free functions returning the encoding of one value; `Seq`/`SetOf` nest them.
//
// Thread-safety: Reader is a cursor over borrowed bytes (not shared); functions are pure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"

namespace hetong::base::der {

// Universal tags (single byte, including the constructed bit where it always applies).
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0a;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kT61String = 0x14;
inline constexpr uint8_t kIa5String = 0x16;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kBmpString = 0x1e;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;

// [n] context-specific tag; constructed for EXPLICIT tagging and constructed types.
constexpr uint8_t ContextTag(int n, bool constructed) {
  return static_cast<uint8_t>(0x80 | (constructed ? 0x20 : 0) | n);
}

struct Element {
  uint8_t tag = 0;
  ByteView value;  // contents octets
  ByteView tlv;    // the whole encoding (tag, length, contents)
};

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  explicit Reader(Bytes&&) = delete;  // would dangle: keep the bytes alive elsewhere

  bool empty() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  std::optional<uint8_t> PeekTag() const;
  bool PeekIs(uint8_t tag) const { return PeekTag() == tag; }

  StatusOr<Element> ReadAny();
  StatusOr<Element> ReadElement(uint8_t tag);
  StatusOr<ByteView> Read(uint8_t tag);  // contents octets
  // Reads a constructed element and returns a reader over its contents.
  StatusOr<Reader> ReadConstructed(uint8_t tag);
  StatusOr<Reader> ReadSequence() { return ReadConstructed(kSequence); }
  StatusOr<Reader> ReadSet() { return ReadConstructed(kSet); }
  // Reads [n] EXPLICIT if present: nullopt when the next tag differs.
  StatusOr<std::optional<Reader>> ReadOptionalExplicit(int n);

  // INTEGER as big-endian magnitude without leading zeros ("0" is one 0x00 byte);
  // negative values are rejected.
  StatusOr<Bytes> ReadUnsignedInteger();
  StatusOr<int64_t> ReadSmallInteger();  // fits in int64
  StatusOr<std::string> ReadOid();       // dotted form
  StatusOr<bool> ReadBoolean();
  Status ReadNull();
  StatusOr<ByteView> ReadOctetString() { return Read(kOctetString); }
  // BIT STRING with zero unused bits; returns the bits as bytes.
  StatusOr<ByteView> ReadBitString();
  // UTCTime or GeneralizedTime (Z form, as RFC 5280 requires).
  StatusOr<TimePoint> ReadTime();
  // Any of the string types used in names and free text, as UTF-8.
  StatusOr<std::string> ReadString();

  // InvalidArgument unless all input was consumed ("trailing data after <what>").
  Status ExpectEnd(std::string_view what) const;

 private:
  ByteView data_;
  size_t pos_ = 0;
};

// Parses exactly one TLV that spans all of `data`.
StatusOr<Element> ParseSingle(ByteView data, std::string_view what);

// ---- writing ----
Bytes Tlv(uint8_t tag, ByteView contents);
Bytes Seq(std::initializer_list<ByteView> parts);
Bytes Seq(const std::vector<Bytes>& parts);
// SET OF: elements sorted by their encodings (X.690 §11.6).
Bytes SetOf(std::vector<Bytes> elements);
// SET (not SET OF): fields in the given order.
Bytes Set(std::initializer_list<ByteView> parts);
Bytes Explicit(int n, ByteView inner);
// Re-tags `tlv` (an encoding) with [n] IMPLICIT, keeping its constructed bit.
Bytes Implicit(int n, ByteView tlv);
Bytes Integer(int64_t value);
// Non-negative INTEGER from a big-endian magnitude (leading zeros removed, 0x00 added when
// the top bit is set).
Bytes UnsignedInteger(ByteView magnitude);
Bytes Boolean(bool value);
Bytes Null();
Bytes OctetString(ByteView data);
Bytes BitString(ByteView data);  // zero unused bits
// Named bits (e.g. KeyUsage, PKIFailureInfo): bit 0 is the most significant bit of the first
// byte; trailing zero bits are dropped as DER requires.
Bytes NamedBits(const std::vector<int>& set_bits);
Bytes Oid(std::string_view dotted);  // HETONG_CHECKs a valid literal
StatusOr<Bytes> OidChecked(std::string_view dotted);
Bytes Utf8String(std::string_view s);
Bytes PrintableString(std::string_view s);
Bytes Ia5String(std::string_view s);
Bytes UtcTime(TimePoint t);
// GeneralizedTime "YYYYMMDDHHMMSS[.fff]Z" (fraction without trailing zeros).
Bytes GeneralizedTime(TimePoint t, bool with_millis = false);
// UTCTime before 2050, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires.
Bytes X509Time(TimePoint t);

StatusOr<std::string> DecodeOid(ByteView contents);
StatusOr<Bytes> EncodeOidContents(std::string_view dotted);

}  // namespace hetong::base::der
