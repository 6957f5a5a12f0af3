// fuzz_make_seeds: writes the part of the seed corpora in testdata/fuzz/ that needs hetong
// itself or the fixed fuzz keys (fuzz/fixtures.h): signatures, ciphertexts and envelopes
// for the fixed SM2 key, CMS SignedData made by hetong, and hand-made DER edge cases.
// fuzz/make_seeds.sh runs it together with the openssl CLI (the independent seeds).
//
//   fuzz_make_seeds keys <dir>                 writes sm2.pem and p256.pem (PKCS#8) there
//   fuzz_make_seeds seeds <out> <sm2-cert.pem> writes the seeds under <out>/<target>/
//
// SM2 signing and encryption are randomised, so every run writes different (equally valid)
// bytes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/der.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/certificate_info.h"
#include "crypto/cms.h"
#include "crypto/envelope.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/sm2.h"
#include "fuzz/fixtures.h"

namespace hetong::fuzz {
namespace {

namespace der = base::der;

// The order n of the SM2 curve (GB/T 32918.5).
constexpr std::string_view kSm2OrderHex =
    "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";

template <typename T>
T Must(StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "fuzz_make_seeds: %s: %s\n", what, v.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*v);
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz_make_seeds: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

class Writer {
 public:
  explicit Writer(std::string root) : root_(std::move(root)) {}
  void Put(const std::string& target, const std::string& name, ByteView data) {
    Must(base::MakeDirs(root_ + "/" + target), "mkdir");
    Must(base::WriteFileAtomic(root_ + "/" + target + "/" + name, data), "write");
    std::printf("%s/%s (%zu bytes)\n", target.c_str(), name.c_str(), data.size());
  }

 private:
  std::string root_;
};

Bytes Hex(std::string_view hex) { return Must(base::HexDecode(hex), "hex"); }

void Signatures(Writer& w) {
  const auto& key = FixedSm2Key();
  auto signer = Must(crypto::NewSigner(key), "signer");
  Bytes sig1 = Must(signer->Sign(AsBytes(kMessage)), "sign");
  Bytes sig2 = Must(signer->Sign(AsBytes(kMessage)), "sign");
  w.Put("fuzz_der_signature", "sm2_valid_1.der", sig1);
  w.Put("fuzz_der_signature", "sm2_valid_2.der", sig2);
  w.Put("fuzz_der_signature", "sm2_valid_raw_rs.bin", Must(crypto::Sm2SignatureToRaw(sig1), "raw"));
  Bytes one{1};
  w.Put("fuzz_der_signature", "edge_r_zero.der",
        der::Seq({der::UnsignedInteger(Bytes{0}), der::UnsignedInteger(one)}));
  w.Put("fuzz_der_signature", "edge_r_is_order.der",
        der::Seq({der::UnsignedInteger(Hex(kSm2OrderHex)), der::UnsignedInteger(one)}));
  // r with a superfluous leading zero byte (not DER).
  w.Put("fuzz_der_signature", "edge_nonminimal_r.der", Hex("3008020300000102010102"));
  w.Put("fuzz_der_signature", "edge_empty", {});
}

void Ciphertexts(Writer& w) {
  const auto& pub = FixedSm2Key().public_key();
  Bytes ct1 = Must(crypto::Sm2Encrypt(pub, AsBytes("x")), "encrypt");
  Bytes ct32 = Must(crypto::Sm2Encrypt(pub, Bytes(32, 0x5a)), "encrypt");
  Bytes ct300 = Must(crypto::Sm2Encrypt(pub, Bytes(300, 0xa5)), "encrypt");
  w.Put("fuzz_sm2_ciphertext", "sm2_1_byte.der", ct1);
  w.Put("fuzz_sm2_ciphertext", "sm2_32_bytes.der", ct32);
  w.Put("fuzz_sm2_ciphertext", "sm2_300_bytes.der", ct300);
  w.Put("fuzz_sm2_ciphertext", "sm2_32_bytes_raw_c1c2c3.bin",
        Must(crypto::Sm2CiphertextToRaw(ct32, crypto::Sm2CipherLayout::kC1C2C3), "raw"));
  // C1 = (1, 1), not on the curve.
  Bytes one{1};
  w.Put("fuzz_sm2_ciphertext", "edge_c1_off_curve.der",
        der::Seq({der::UnsignedInteger(one), der::UnsignedInteger(one),
                  der::OctetString(Bytes(32, 0)), der::OctetString(Bytes(4, 0))}));
  // A valid C1 with a 31-byte C3.
  Bytes raw = Must(crypto::Sm2CiphertextToRaw(ct1, crypto::Sm2CipherLayout::kC1C3C2), "raw");
  w.Put("fuzz_sm2_ciphertext", "edge_c3_short.der",
        der::Seq({der::UnsignedInteger(ByteView(raw).subspan(1, 32)),
                  der::UnsignedInteger(ByteView(raw).subspan(33, 32)),
                  der::OctetString(Bytes(31, 0)), der::OctetString(Bytes(1, 0))}));
}

void Envelopes(Writer& w, const crypto::CertificateInfo& cert) {
  const auto& key = FixedSm2Key();
  Bytes content = ToBytes(kMessage);
  crypto::EnvelopeRecipient by_key{key.public_key(), std::nullopt};
  crypto::EnvelopeRecipient by_cert{key.public_key(), cert};
  Bytes env_ski = Must(crypto::SealEnvelope(by_key, content, crypto::DefaultRng()), "seal");
  w.Put("fuzz_envelope", "sm2_subject_key_id.der", env_ski);
  w.Put("fuzz_envelope", "sm2_issuer_serial.der",
        Must(crypto::SealEnvelope(by_cert, Bytes(100, 0x42), crypto::DefaultRng()), "seal"));
  w.Put("fuzz_envelope", "sm2_empty_content.der",
        Must(crypto::SealEnvelope(by_key, {}, crypto::DefaultRng()), "seal"));
  // The same envelope under the PKCS#7 EnvelopedData OID, which the reader also accepts.
  der::Reader top(env_ski);
  der::Reader ci = Must(top.ReadSequence(), "reparse");
  Must(ci.ReadOid(), "reparse");
  der::Element body = Must(ci.ReadAny(), "reparse");
  w.Put("fuzz_envelope", "sm2_pkcs7_oid.der",
        der::Seq({der::Oid("1.2.840.113549.1.7.3"), body.tlv}));
}

void SignedData(Writer& w, const crypto::CertificateInfo& cert) {
  auto signer = Must(crypto::NewSigner(FixedSm2Key()), "signer");
  crypto::CmsSignOptions gb;
  gb.signing_time = base::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  w.Put("fuzz_cms", "hetong_gbt35275_attached.der",
        Must(crypto::CmsSign(*signer, cert, AsBytes(kMessage), gb), "cms"));
  crypto::CmsSignOptions pkcs7;
  pkcs7.oid_family = crypto::CmsOidFamily::kPkcs7;
  pkcs7.signing_certificate_v2 = false;
  w.Put("fuzz_cms", "hetong_pkcs7_attached.der",
        Must(crypto::CmsSign(*signer, cert, AsBytes(kMessage), pkcs7), "cms"));
  crypto::CmsSignOptions detached;
  detached.detached = true;
  Bytes det = Must(crypto::CmsSign(*signer, cert, AsBytes(kMessage), detached), "cms");
  w.Put("fuzz_cms", "hetong_detached.der", det);
  w.Put("fuzz_der_reader", "hetong_cms_detached.der", det);
}

void DerEdgeCases(Writer& w) {
  // One of each universal type the reader knows, and context tags.
  Bytes all = der::Seq({
      der::Boolean(true),
      der::Integer(0),
      der::Integer(-129),
      der::Integer(INT64_MAX),
      der::UnsignedInteger(Hex(kSm2OrderHex)),
      der::BitString(Hex("0102")),
      der::NamedBits({0, 5, 9}),
      der::OctetString(AsBytes("octets")),
      der::Null(),
      der::Oid("1.2.156.10197.1.301"),
      der::Oid("2.999.1"),
      der::Utf8String("合同"),
      der::PrintableString("Hetong"),
      der::Ia5String("a@b.c"),
      der::Tlv(der::kT61String, AsBytes("t61")),
      der::Tlv(der::kBmpString, Hex("540867024e2d")),
      der::Tlv(der::kUtcTime, AsBytes("491231235959Z")),
      der::Tlv(der::kGeneralizedTime, AsBytes("20260101000000.123Z")),
      der::SetOf({der::Integer(2), der::Integer(1)}),
      der::Explicit(0, der::Integer(5)),
      der::Implicit(1, der::OctetString(AsBytes("implicit"))),
      der::Tlv(der::kEnumerated, Bytes{1}),
  });
  w.Put("fuzz_der_reader", "all_types.der", all);
  Bytes nested = der::Null();
  for (int i = 0; i < 80; ++i) nested = der::Seq({nested});
  w.Put("fuzz_der_reader", "edge_deep_nesting.der", nested);
  // A two-byte length (long form) for a 200-byte OCTET STRING, then trailing garbage.
  Bytes long_form = der::OctetString(Bytes(200, 0x33));
  long_form.push_back(0x05);
  w.Put("fuzz_der_reader", "edge_long_form_trailing.der", long_form);
  w.Put("fuzz_der_reader", "edge_indefinite_length.ber", Hex("308002010100000000"));
}

int Keys(const std::string& dir) {
  Must(base::MakeDirs(dir), "mkdir");
  auto sm2 = Must(FixedSm2Key().ToPkcs8Pem(), "export");
  Must(base::WriteFileAtomic(dir + "/sm2.pem", sm2.Reveal(SecretAccess::Unsafe()), 0600), "write");
  Must(base::WriteFileAtomic(dir + "/p256.pem", AsBytes(kP256KeyPem), 0600), "write");
  return 0;
}

int Seeds(const std::string& out, const std::string& cert_path) {
  auto cert_pem = Must(base::ReadFile(cert_path), "read certificate");
  auto cert = Must(crypto::ParseCertificateInfo(cert_pem), "parse certificate");
  if (!cert.public_key.Equals(FixedSm2Key().public_key())) {
    std::fprintf(stderr, "fuzz_make_seeds: %s is not for the fixed SM2 key\n", cert_path.c_str());
    return 1;
  }
  Writer w(out);
  Signatures(w);
  Ciphertexts(w);
  Envelopes(w, cert);
  SignedData(w, cert);
  DerEdgeCases(w);
  return 0;
}

}  // namespace
}  // namespace hetong::fuzz

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "keys") return hetong::fuzz::Keys(args[1]);
  if (args.size() == 3 && args[0] == "seeds") return hetong::fuzz::Seeds(args[1], args[2]);
  std::fprintf(stderr,
               "usage: fuzz_make_seeds keys <dir>\n"
               "       fuzz_make_seeds seeds <testdata/fuzz> <sm2-cert.pem>\n");
  return 2;
}
