#include "base/der.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace hetong::base::der {
namespace {

Status Bad(std::string what) { return InvalidArgumentError("DER: " + what); }

// Invalid UTF-8 sequences become U+FFFD, so callers always get valid UTF-8.
std::string SanitizeUtf8(ByteView v) {
  std::string out;
  out.reserve(v.size());
  size_t i = 0;
  while (i < v.size()) {
    uint8_t c = v[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = n > 0 && i + n <= v.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (v[i + k] & 0xc0) == 0x80;
    if (ok && n == 2 && c < 0xc2) ok = false;                       // overlong
    if (ok && n == 3 && c == 0xe0 && v[i + 1] < 0xa0) ok = false;   // overlong
    if (ok && n == 3 && c == 0xed && v[i + 1] >= 0xa0) ok = false;  // surrogates
    if (ok && n == 4 &&
        (c > 0xf4 || (c == 0xf0 && v[i + 1] < 0x90) || (c == 0xf4 && v[i + 1] >= 0x90)))
      ok = false;
    if (ok) {
      out.append(reinterpret_cast<const char*>(v.data() + i), n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string TagName(uint8_t tag) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", tag);
  return buf;
}

void AppendLength(Bytes& out, size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<uint8_t>(len));
    return;
  }
  uint8_t tmp[sizeof(size_t)];
  int n = 0;
  while (len > 0) {
    tmp[n++] = static_cast<uint8_t>(len & 0xff);
    len >>= 8;
  }
  out.push_back(static_cast<uint8_t>(0x80 | n));
  while (n > 0) out.push_back(tmp[--n]);
}

}  // namespace

std::optional<uint8_t> Reader::PeekTag() const {
  if (empty()) return std::nullopt;
  return data_[pos_];
}

StatusOr<Element> Reader::ReadAny() {
  if (empty()) return Bad("unexpected end of data");
  size_t start = pos_;
  size_t p = pos_;
  uint8_t tag = data_[p++];
  if ((tag & 0x1f) == 0x1f) return Bad("high tag numbers are not supported");
  if (p >= data_.size()) return Bad("truncated length");
  size_t len = data_[p++];
  if (len & 0x80) {
    size_t n = len & 0x7f;
    if (n == 0) return Bad("indefinite length is not DER");
    if (n > 4) return Bad("length too large");
    if (data_.size() - p < n) return Bad("truncated length");
    if (data_[p] == 0) return Bad("non-minimal length encoding");
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | data_[p++];
    if (len < 0x80) return Bad("non-minimal length encoding");
  }
  if (len > data_.size() - p) return Bad("length runs past the end of the data");
  Element e;
  e.tag = tag;
  e.value = data_.subspan(p, len);
  e.tlv = data_.subspan(start, p + len - start);
  pos_ = p + len;
  return e;
}

StatusOr<Element> Reader::ReadElement(uint8_t tag) {
  if (empty()) return Bad("expected tag " + TagName(tag) + " but the data ended");
  if (data_[pos_] != tag) {
    return Bad("expected tag " + TagName(tag) + ", found " + TagName(data_[pos_]));
  }
  return ReadAny();
}

StatusOr<ByteView> Reader::Read(uint8_t tag) {
  HETONG_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  return e.value;
}

StatusOr<Reader> Reader::ReadConstructed(uint8_t tag) {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(tag));
  return Reader(v);
}

StatusOr<std::optional<Reader>> Reader::ReadOptionalExplicit(int n) {
  if (!PeekIs(ContextTag(n, true))) return std::optional<Reader>();
  HETONG_ASSIGN_OR_RETURN(Reader r, ReadConstructed(ContextTag(n, true)));
  return std::optional<Reader>(r);
}

StatusOr<Bytes> Reader::ReadUnsignedInteger() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kInteger));
  if (v.empty()) return Bad("empty INTEGER");
  if (v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)))) {
    return Bad("non-minimal INTEGER encoding");
  }
  if (v[0] & 0x80) return Bad("negative INTEGER where a non-negative one is required");
  size_t skip = (v.size() > 1 && v[0] == 0) ? 1 : 0;
  return Bytes(v.begin() + static_cast<ptrdiff_t>(skip), v.end());
}

StatusOr<int64_t> Reader::ReadSmallInteger() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kInteger));
  if (v.empty()) return Bad("empty INTEGER");
  if (v.size() > 8) return Bad("INTEGER too large");
  if (v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)))) {
    return Bad("non-minimal INTEGER encoding");
  }
  uint64_t acc = (v[0] & 0x80) ? ~uint64_t{0} : 0;
  for (uint8_t b : v) acc = (acc << 8) | b;
  return static_cast<int64_t>(acc);
}

StatusOr<std::string> Reader::ReadOid() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kOid));
  return DecodeOid(v);
}

StatusOr<bool> Reader::ReadBoolean() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kBoolean));
  if (v.size() != 1) return Bad("BOOLEAN must be one byte");
  if (v[0] != 0x00 && v[0] != 0xff) return Bad("BOOLEAN must be 0x00 or 0xff");
  return v[0] == 0xff;
}

Status Reader::ReadNull() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kNull));
  if (!v.empty()) return Bad("NULL must be empty");
  return OkStatus();
}

StatusOr<ByteView> Reader::ReadBitString() {
  HETONG_ASSIGN_OR_RETURN(ByteView v, Read(kBitString));
  if (v.empty()) return Bad("empty BIT STRING");
  if (v[0] != 0) return Bad("BIT STRING with unused bits where whole bytes are required");
  return v.subspan(1);
}

StatusOr<TimePoint> Reader::ReadTime() {
  HETONG_ASSIGN_OR_RETURN(Element e, ReadAny());
  std::string s(e.value.begin(), e.value.end());
  int year = 0;
  size_t p = 0;
  auto digits = [&](size_t n, int& out) {
    if (p + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      if (s[p + i] < '0' || s[p + i] > '9') return false;
      v = v * 10 + (s[p + i] - '0');
    }
    out = v;
    p += n;
    return true;
  };
  if (e.tag == kUtcTime) {
    int yy;
    if (!digits(2, yy)) return Bad("malformed UTCTime");
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (e.tag == kGeneralizedTime) {
    if (!digits(4, year)) return Bad("malformed GeneralizedTime");
  } else {
    return Bad("expected a time, found tag " + TagName(e.tag));
  }
  int mon, day, hh, mm, ss;
  if (!digits(2, mon) || !digits(2, day) || !digits(2, hh) || !digits(2, mm) || !digits(2, ss)) {
    return Bad("malformed time");
  }
  int64_t micros = 0;
  if (e.tag == kGeneralizedTime && p < s.size() && s[p] == '.') {
    ++p;
    int64_t scale = 100000;
    size_t start = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      micros += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start || s[p - 1] == '0') return Bad("malformed fractional seconds");
  }
  if (p + 1 != s.size() || s[p] != 'Z') return Bad("time must be in UTC ('Z')");
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(mon),
                                  std::chrono::day(day)};
  if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return Bad("time out of range");
  // TimePoint counts nanoseconds (years 1678..2261): later times, such as RFC 5280's
  // 99991231235959Z for "no expiry", become TimePoint::max(); earlier ones min().
  int64_t seconds = std::chrono::sys_days(ymd).time_since_epoch().count() * int64_t{86400} +
                    int64_t{hh} * 3600 + int64_t{mm} * 60 + ss;
  constexpr int64_t kMaxSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max()).count() - 1;
  if (seconds >= kMaxSeconds) return TimePoint::max();
  if (seconds <= -kMaxSeconds) return TimePoint::min();
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(seconds) + std::chrono::microseconds(micros)));
}

StatusOr<std::string> Reader::ReadString() {
  HETONG_ASSIGN_OR_RETURN(Element e, ReadAny());
  switch (e.tag) {
    case kUtf8String:
    case kPrintableString:
    case kIa5String:
    case kT61String:
      return SanitizeUtf8(e.value);
    case kBmpString: {
      if (e.value.size() % 2) return Bad("odd-length BMPString");
      std::string out;
      for (size_t i = 0; i < e.value.size(); i += 2) {
        uint32_t cp = (uint32_t{e.value[i]} << 8) | e.value[i + 1];
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate halves: not text
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
          out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
      }
      return out;
    }
    default:
      return Bad("expected a string, found tag " + TagName(e.tag));
  }
}

Status Reader::ExpectEnd(std::string_view what) const {
  if (!empty()) return Bad("trailing data after " + std::string(what));
  return OkStatus();
}

StatusOr<Element> ParseSingle(ByteView data, std::string_view what) {
  Reader r(data);
  auto e = r.ReadAny();
  if (!e.ok()) return e.status().WithContext(std::string(what));
  HETONG_RETURN_IF_ERROR(r.ExpectEnd(what));
  return e;
}

// ---- writing ----

Bytes Tlv(uint8_t tag, ByteView contents) {
  Bytes out;
  out.reserve(contents.size() + 6);
  out.push_back(tag);
  AppendLength(out, contents.size());
  Append(out, contents);
  return out;
}

Bytes Seq(std::initializer_list<ByteView> parts) {
  Bytes body;
  for (auto p : parts) Append(body, p);
  return Tlv(kSequence, body);
}

Bytes Seq(const std::vector<Bytes>& parts) {
  Bytes body;
  for (const auto& p : parts) Append(body, p);
  return Tlv(kSequence, body);
}

Bytes SetOf(std::vector<Bytes> elements) {
  std::sort(elements.begin(), elements.end());
  Bytes body;
  for (const auto& e : elements) Append(body, e);
  return Tlv(kSet, body);
}

Bytes Set(std::initializer_list<ByteView> parts) {
  Bytes body;
  for (auto p : parts) Append(body, p);
  return Tlv(kSet, body);
}

Bytes Explicit(int n, ByteView inner) { return Tlv(ContextTag(n, true), inner); }

Bytes Implicit(int n, ByteView tlv) {
  HETONG_CHECK(!tlv.empty());
  Bytes out(tlv.begin(), tlv.end());
  out[0] = static_cast<uint8_t>(0x80 | (tlv[0] & 0x20) | n);
  return out;
}

Bytes Integer(int64_t value) {
  Bytes v;
  for (int shift = 56; shift >= 0; shift -= 8) v.push_back(static_cast<uint8_t>(value >> shift));
  size_t skip = 0;
  while (skip + 1 < v.size() && ((v[skip] == 0x00 && !(v[skip + 1] & 0x80)) ||
                                 (v[skip] == 0xff && (v[skip + 1] & 0x80)))) {
    ++skip;
  }
  return Tlv(kInteger, ByteView(v).subspan(skip));
}

Bytes UnsignedInteger(ByteView magnitude) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  Bytes v;
  if (skip == magnitude.size()) {
    v.push_back(0);
  } else {
    if (magnitude[skip] & 0x80) v.push_back(0);
    v.insert(v.end(), magnitude.begin() + static_cast<ptrdiff_t>(skip), magnitude.end());
  }
  return Tlv(kInteger, v);
}

Bytes Boolean(bool value) {
  uint8_t b = value ? 0xff : 0x00;
  return Tlv(kBoolean, ByteView(&b, 1));
}

Bytes Null() { return Bytes{kNull, 0x00}; }
Bytes OctetString(ByteView data) { return Tlv(kOctetString, data); }

Bytes BitString(ByteView data) {
  Bytes v;
  v.reserve(data.size() + 1);
  v.push_back(0);
  Append(v, data);
  return Tlv(kBitString, v);
}

Bytes NamedBits(const std::vector<int>& set_bits) {
  int max_bit = -1;
  for (int b : set_bits) max_bit = std::max(max_bit, b);
  if (max_bit < 0) return Tlv(kBitString, Bytes{0});
  size_t nbytes = static_cast<size_t>(max_bit / 8 + 1);
  Bytes v(nbytes + 1, 0);
  for (int b : set_bits) v[1 + static_cast<size_t>(b / 8)] |= static_cast<uint8_t>(0x80 >> (b % 8));
  v[0] = static_cast<uint8_t>(7 - (max_bit % 8));
  return Tlv(kBitString, v);
}

namespace {

// Arbitrary-size arcs (2.25.<UUID> arcs are 128-bit): decimal string <-> base-128 digits,
// with the number held as little-endian base-2^32 limbs.
using Limbs = std::vector<uint32_t>;

bool DecimalToLimbs(std::string_view dec, Limbs& out) {
  out.assign(1, 0);
  for (char c : dec) {
    if (c < '0' || c > '9') return false;
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (auto& limb : out) {
      uint64_t v = uint64_t{limb} * 10 + carry;
      limb = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
    if (carry) out.push_back(static_cast<uint32_t>(carry));
  }
  return true;
}

// Divides in place by `d`, returns the remainder.
uint32_t DivMod(Limbs& n, uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = n.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | n[i];
    n[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  while (n.size() > 1 && n.back() == 0) n.pop_back();
  return static_cast<uint32_t>(rem);
}

bool IsZero(const Limbs& n) { return n.size() == 1 && n[0] == 0; }

void AppendBase128(Bytes& out, Limbs n) {
  uint8_t tmp[40];
  int count = 0;
  do {
    tmp[count++] = static_cast<uint8_t>(DivMod(n, 128));
  } while (!IsZero(n) && count < 40);
  while (count > 1) out.push_back(static_cast<uint8_t>(0x80 | tmp[--count]));
  out.push_back(tmp[0]);
}

// The longest arc (in decimal digits) the reader and the writer accept.
constexpr size_t kMaxOidArcDigits = 39;

std::string LimbsToDecimal(Limbs n) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + DivMod(n, 10)));
  } while (!IsZero(n));
  return std::string(digits.rbegin(), digits.rend());
}

}  // namespace

StatusOr<Bytes> EncodeOidContents(std::string_view dotted) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t dot = dotted.find('.', pos);
    parts.push_back(
        dotted.substr(pos, dot == std::string_view::npos ? dotted.size() - pos : dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  const Status bad = InvalidArgumentError("malformed object identifier");
  if (parts.size() < 2) return bad;
  for (auto p : parts) {
    if (p.empty() || p.size() > kMaxOidArcDigits || (p.size() > 1 && p[0] == '0')) return bad;
  }
  Limbs first, second;
  if (!DecimalToLimbs(parts[0], first) || !DecimalToLimbs(parts[1], second)) return bad;
  if (first.size() != 1 || first[0] > 2) return bad;
  if (first[0] < 2 && (second.size() != 1 || second[0] > 39)) return bad;
  // first*40 + second
  Limbs combined = second;
  uint64_t carry = uint64_t{first[0]} * 40;
  for (auto& limb : combined) {
    uint64_t v = uint64_t{limb} + carry;
    limb = static_cast<uint32_t>(v);
    carry = v >> 32;
  }
  if (carry) combined.push_back(static_cast<uint32_t>(carry));
  Bytes out;
  AppendBase128(out, combined);
  for (size_t i = 2; i < parts.size(); ++i) {
    Limbs arc;
    if (!DecimalToLimbs(parts[i], arc)) return bad;
    AppendBase128(out, arc);
  }
  return out;
}

StatusOr<std::string> DecodeOid(ByteView v) {
  if (v.empty()) return Bad("empty OBJECT IDENTIFIER");
  std::string out;
  Limbs acc{0};
  bool first = true;
  bool in_arc = false;
  size_t arc_bytes = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!in_arc && v[i] == 0x80) return Bad("non-minimal OBJECT IDENTIFIER arc");
    if (++arc_bytes > 20) return Bad("OBJECT IDENTIFIER arc too large");
    // acc = acc * 128 + (v[i] & 0x7f)
    uint64_t carry = v[i] & 0x7f;
    for (auto& limb : acc) {
      uint64_t x = (uint64_t{limb} << 7) | carry;
      limb = static_cast<uint32_t>(x);
      carry = x >> 32;
    }
    if (carry) acc.push_back(static_cast<uint32_t>(carry));
    in_arc = true;
    if (!(v[i] & 0x80)) {
      if (first) {
        if (acc.size() == 1 && acc[0] < 80) {
          out = std::to_string(acc[0] / 40) + "." + std::to_string(acc[0] % 40);
        } else {
          // 2.(acc - 80)
          Limbs rest = acc;
          uint64_t borrow = 80;
          for (auto& limb : rest) {
            uint64_t x = uint64_t{limb};
            if (x >= borrow) {
              limb = static_cast<uint32_t>(x - borrow);
              borrow = 0;
              break;
            }
            limb = static_cast<uint32_t>((uint64_t{1} << 32) + x - borrow);
            borrow = 1;
          }
          while (rest.size() > 1 && rest.back() == 0) rest.pop_back();
          std::string arc = LimbsToDecimal(rest);
          if (arc.size() > kMaxOidArcDigits) return Bad("OBJECT IDENTIFIER arc too large");
          out = "2." + arc;
        }
        first = false;
      } else {
        std::string arc = LimbsToDecimal(acc);
        // The writer takes arcs of up to 39 digits (2^128 has 39): what is read must be
        // writable again.
        if (arc.size() > kMaxOidArcDigits) return Bad("OBJECT IDENTIFIER arc too large");
        out += "." + arc;
      }
      acc.assign(1, 0);
      in_arc = false;
      arc_bytes = 0;
    }
  }
  if (in_arc) return Bad("truncated OBJECT IDENTIFIER");
  return out;
}

Bytes Oid(std::string_view dotted) {
  auto c = EncodeOidContents(dotted);
  HETONG_CHECK(c.ok());
  return Tlv(kOid, *c);
}

StatusOr<Bytes> OidChecked(std::string_view dotted) {
  HETONG_ASSIGN_OR_RETURN(Bytes c, EncodeOidContents(dotted));
  return Tlv(kOid, c);
}

Bytes Utf8String(std::string_view s) { return Tlv(kUtf8String, AsBytes(s)); }
Bytes PrintableString(std::string_view s) { return Tlv(kPrintableString, AsBytes(s)); }
Bytes Ia5String(std::string_view s) { return Tlv(kIa5String, AsBytes(s)); }

namespace {
std::tm ToTm(TimePoint t) {
  std::time_t tt =
      static_cast<std::time_t>(ToUnixSeconds(std::chrono::floor<std::chrono::seconds>(t)));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}
}  // namespace

Bytes UtcTime(TimePoint t) {
  std::tm tm = ToTm(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Tlv(kUtcTime, AsBytes(buf));
}

Bytes GeneralizedTime(TimePoint t, bool with_millis) {
  std::tm tm = ToTm(t);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string s(buf, static_cast<size_t>(n));
  if (with_millis) {
    auto secs = std::chrono::floor<std::chrono::seconds>(t);
    int ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count());
    if (ms > 0) {
      char frac[16];
      std::snprintf(frac, sizeof frac, ".%03d", ms);
      std::string f(frac);
      while (f.back() == '0') f.pop_back();
      s += f;
    }
  }
  s += "Z";
  return Tlv(kGeneralizedTime, AsBytes(s));
}

Bytes X509Time(TimePoint t) {
  std::tm tm = ToTm(t);
  if (tm.tm_year + 1900 >= 1950 && tm.tm_year + 1900 < 2050) return UtcTime(t);
  return GeneralizedTime(t);
}

}  // namespace hetong::base::der
