// Fuzz target: base::der::Reader, the DER (X.690) reader under every parser of hetong.
//
// Walks the input as a tree of TLVs, descending into constructed elements, and applies the
// typed read of each element's tag (ReadTime, ReadOid, ReadString, ReadUnsignedInteger,
// ReadSmallInteger, ReadBoolean, ReadBitString, ReadNull). Invariants checked (hetong's
// writer is the inverse of its reader):
// - an element spans exactly its TLV, and its contents sit at the end of it;
// - a read OBJECT IDENTIFIER, INTEGER, BOOLEAN, NULL or BIT STRING re-encodes to the
//   same bytes.
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/der.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

namespace der = base::der;

// Deeper nesting adds no new reader state; the bound keeps the recursion's stack small.
constexpr int kMaxDepth = 64;

// The typed read that matches the element's tag, checked against the writer; elements of
// other tags go through ReadTime and ReadString, which dispatch on the tag themselves.
void TypedReads(const der::Element& e) {
  der::Reader r(e.tlv);
  Bytes tlv = ToBytes(e.tlv);
  switch (e.tag) {
    case der::kOid: {
      auto oid = r.ReadOid();
      if (oid.ok()) {
        auto encoded = der::OidChecked(*oid);
        HETONG_FUZZ_ASSERT(encoded.ok() && *encoded == tlv);
      }
      return;
    }
    case der::kInteger: {
      auto magnitude = r.ReadUnsignedInteger();
      if (magnitude.ok()) HETONG_FUZZ_ASSERT(der::UnsignedInteger(*magnitude) == tlv);
      der::Reader again(e.tlv);
      auto v = again.ReadSmallInteger();
      if (v.ok()) HETONG_FUZZ_ASSERT(der::Integer(*v) == tlv);
      return;
    }
    case der::kBoolean: {
      auto v = r.ReadBoolean();
      if (v.ok()) HETONG_FUZZ_ASSERT(der::Boolean(*v) == tlv);
      return;
    }
    case der::kNull:
      if (r.ReadNull().ok()) HETONG_FUZZ_ASSERT(der::Null() == tlv);
      return;
    case der::kBitString: {
      auto bits = r.ReadBitString();
      if (bits.ok()) HETONG_FUZZ_ASSERT(der::BitString(*bits) == tlv);
      return;
    }
    case der::kUtcTime:
    case der::kGeneralizedTime:
      (void)r.ReadTime();
      return;
    default: {
      (void)r.ReadString();
      der::Reader again(e.tlv);
      (void)again.ReadTime();
      return;
    }
  }
}

void Walk(der::Reader r, int depth) {
  while (!r.empty()) {
    size_t before = r.remaining();
    auto tag = r.PeekTag();
    auto e = r.ReadAny();
    if (!e.ok()) return;
    HETONG_FUZZ_ASSERT(tag == e->tag);
    HETONG_FUZZ_ASSERT(e->tlv.size() == before - r.remaining());
    HETONG_FUZZ_ASSERT(e->value.size() < e->tlv.size());
    HETONG_FUZZ_ASSERT(e->value.data() + e->value.size() == e->tlv.data() + e->tlv.size());
    HETONG_FUZZ_ASSERT(der::Tlv(e->tag, e->value) == ToBytes(e->tlv));
    TypedReads(*e);
    if ((e->tag & 0x20) && depth < kMaxDepth) Walk(der::Reader(e->value), depth + 1);
  }
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  (void)base::der::ParseSingle(input, "input");
  fuzz::Walk(base::der::Reader(input), 0);
  // The optional-explicit and constructed reads the parsers use on their first field.
  base::der::Reader r(input);
  for (int n = 0; n < 4; ++n) (void)r.ReadOptionalExplicit(n);
  return 0;
}
