#include "base/der.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace hetong::base::der {
namespace {

std::string H(ByteView b) { return HexEncode(b); }
Bytes X(const char* hex) { return *HexDecode(hex); }

TEST(DerWriteTest, PrimitiveEncodings) {
  EXPECT_EQ(H(Integer(0)), "020100");
  EXPECT_EQ(H(Integer(127)), "02017f");
  EXPECT_EQ(H(Integer(128)), "02020080");
  EXPECT_EQ(H(Integer(-1)), "0201ff");
  EXPECT_EQ(H(Integer(-129)), "0202ff7f");
  EXPECT_EQ(H(UnsignedInteger(X("0000ff"))), "020200ff");
  EXPECT_EQ(H(UnsignedInteger(X("0000"))), "020100");
  EXPECT_EQ(H(Boolean(true)), "0101ff");
  EXPECT_EQ(H(Null()), "0500");
  // OIDs from reference/vectors/oids.json (checked with openssl asn1parse).
  EXPECT_EQ(H(Oid("1.2.156.10197.1.301")), "06082a811ccf5501822d");
  EXPECT_EQ(H(Oid("1.2.156.10197.1.501")), "06082a811ccf55018375");
  EXPECT_EQ(H(Oid("1.2.156.10197.6.1.4.2.3")), "060a2a811ccf550601040203");
  EXPECT_EQ(H(Oid("2.5.29.15")), "0603551d0f");
  // 128-bit UUID arcs (X.667) round-trip.
  const char* uuid_oid = "2.25.264883655483121135695516317358350318989.1";
  Bytes u = Oid(uuid_oid);
  EXPECT_EQ(*DecodeOid(ByteView(u).subspan(2)), uuid_oid);
  EXPECT_EQ(*DecodeOid(ByteView(Oid("2.999.3")).subspan(2)), "2.999.3");
  EXPECT_EQ(H(Oid("2.999.3")), "0603883703");
  EXPECT_FALSE(OidChecked("1").ok());
  EXPECT_FALSE(OidChecked("3.1").ok());
  EXPECT_FALSE(OidChecked("1.40").ok());
  EXPECT_FALSE(OidChecked("1.2.03").ok());
  // KeyUsage digitalSignature + nonRepudiation: 03 02 06 c0.
  EXPECT_EQ(H(NamedBits({0, 1})), "030206c0");
  // keyCertSign + cRLSign (bits 5,6): 03 02 01 06.
  EXPECT_EQ(H(NamedBits({5, 6})), "03020106");
}

TEST(DerWriteTest, LongLengthsAndNesting) {
  Bytes big(300, 0x41);
  Bytes os = OctetString(big);
  EXPECT_EQ(H(ByteView(os).first(4)), "0482012c");
  Bytes seq = Seq({Integer(1), Null()});
  EXPECT_EQ(H(seq), "30050201010500");
  // SET OF sorts by encoding.
  EXPECT_EQ(H(SetOf({Integer(2), Integer(1)})), "3106020101020102");
  EXPECT_EQ(H(Explicit(0, Integer(1))), "a003020101");
  EXPECT_EQ(H(Implicit(1, OctetString(X("aa")))), "8101aa");
  EXPECT_EQ(H(Implicit(0, Seq({Null()}))), "a0020500");
}

TEST(DerWriteTest, Times) {
  TimePoint t = FromUnixSeconds(1795708450);  // 2026-11-26T15:54:10Z
  EXPECT_EQ(ToString(UtcTime(t)).substr(2), "261126155410Z");
  EXPECT_EQ(ToString(GeneralizedTime(t)).substr(2), "20261126155410Z");
  EXPECT_EQ(ToString(GeneralizedTime(t + std::chrono::milliseconds(120), true)).substr(2),
            "20261126155410.12Z");
  EXPECT_EQ(X509Time(t)[0], kUtcTime);
  EXPECT_EQ(X509Time(FromUnixSeconds(2556144000))[0], kGeneralizedTime);  // 2051
  Bytes gt = GeneralizedTime(t + std::chrono::milliseconds(120), true);
  Reader r(gt);
  EXPECT_EQ(*r.ReadTime(), t + std::chrono::milliseconds(120));
  Bytes ut = UtcTime(t);
  Reader u(ut);
  EXPECT_EQ(*u.ReadTime(), t);
}

TEST(DerReadTest, FarFutureTimesDoNotOverflow) {
  // RFC 5280 §4.1.2.5: 99991231235959Z means "no well-defined expiration".
  Bytes t = Tlv(kGeneralizedTime, AsBytes("99991231235959Z"));
  Reader r(t);
  auto v = r.ReadTime();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, TimePoint::max());
  Bytes old = Tlv(kGeneralizedTime, AsBytes("10000101000000Z"));
  Reader r2(old);
  EXPECT_EQ(*r2.ReadTime(), TimePoint::min());
}

TEST(DerReadTest, StringsAreValidUtf8) {
  Bytes bmp = Tlv(kBmpString, Bytes{0xd8, 0x00, 0x00, 0x41});
  Reader r(bmp);
  EXPECT_EQ(*r.ReadString(),
            "\xEF\xBF\xBD"
            "A");
  Bytes bad = Tlv(kUtf8String, Bytes{0x41, 0xff, 0xc0, 0x80, 0x42});
  Reader r2(bad);
  EXPECT_EQ(*r2.ReadString(),
            "A\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "B");
}

TEST(DerReadTest, RoundTripStructure) {
  Bytes enc = Seq({Integer(5), Oid("1.2.840.113549.1.7.2"), OctetString(X("0102")),
                   Explicit(0, Boolean(true)), BitString(X("04aa"))});
  Reader outer(enc);
  auto seq = outer.ReadSequence();
  ASSERT_TRUE(seq.ok());
  EXPECT_TRUE(outer.ExpectEnd("test").ok());
  EXPECT_EQ(*seq->ReadSmallInteger(), 5);
  EXPECT_EQ(*seq->ReadOid(), "1.2.840.113549.1.7.2");
  EXPECT_EQ(H(*seq->ReadOctetString()), "0102");
  auto ex = seq->ReadOptionalExplicit(0);
  ASSERT_TRUE(ex.ok() && ex->has_value());
  EXPECT_TRUE(*(*ex)->ReadBoolean());
  auto missing = seq->ReadOptionalExplicit(1);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(H(*seq->ReadBitString()), "04aa");
  EXPECT_TRUE(seq->ExpectEnd("seq").ok());
}

TEST(DerReadTest, RejectsNonDer) {
  struct Case {
    const char* hex;
    const char* why;
  };
  const Case cases[] = {
      {"3080020101 0000", "indefinite length"},
      {"02810101", "non-minimal length"},
      {"0282000101", "non-minimal long length"},
      {"020200 01", "non-minimal integer"},
      {"0203010203ff", "trailing"},
      {"0205010203", "runs past end"},
      {"1f0100", "high tag"},
      {"02", "truncated"},
      {"0101 01", "bad boolean"},
  };
  for (const auto& c : cases) {
    std::string hex;
    for (const char* p = c.hex; *p; ++p)
      if (*p != ' ') hex.push_back(*p);
    Bytes b = *HexDecode(hex);
    auto e = ParseSingle(b, "value");
    bool bad = !e.ok();
    if (e.ok() && e->tag == kInteger) {
      Reader r(b);
      bad = !r.ReadUnsignedInteger().ok();
    }
    if (e.ok() && e->tag == kBoolean) {
      Reader r(b);
      bad = !r.ReadBoolean().ok();
    }
    EXPECT_TRUE(bad) << c.why;
  }
  Bytes neg_bytes = X("0201ff");
  Reader neg(neg_bytes);
  EXPECT_FALSE(neg.ReadUnsignedInteger().ok());
  Bytes null_bytes = X("0500");
  Reader wrong(null_bytes);
  EXPECT_FALSE(wrong.ReadSequence().ok());
  EXPECT_FALSE(DecodeOid(X("2a80")).ok());    // truncated arc
  EXPECT_FALSE(DecodeOid(X("2a8001")).ok());  // non-minimal arc
}

// Found by fuzz_der_reader: an arc of 19 base-128 bytes (more than 39 decimal digits) was
// read, but the writer refuses such an arc, so the two disagreed. Now both refuse it; the
// largest arc both take round-trips.
TEST(DerTest, OidArcsTheWriterRefusesAreNotRead) {
  std::string big = "2a" + std::string(36, 'f') + "7f";  // 1.2.(2^133 - 1): 41 digits
  EXPECT_FALSE(DecodeOid(X(big.c_str())).ok());
  std::string first = std::string(36, 'f') + "7f";  // 2.(2^133 - 81)
  EXPECT_FALSE(DecodeOid(X(first.c_str())).ok());
  std::string max39 = "1.2." + std::string(39, '9');
  auto encoded = OidChecked(max39);
  ASSERT_TRUE(encoded.ok());
  Reader r(*encoded);
  EXPECT_EQ(*r.ReadOid(), max39);
  EXPECT_FALSE(OidChecked("1.2." + std::string(40, '1')).ok());
}

}  // namespace
}  // namespace hetong::base::der
