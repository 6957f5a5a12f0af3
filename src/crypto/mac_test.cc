#include "crypto/mac.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

TEST(HmacSm3Test, GmT0042Vectors) {
  auto j = LoadJson("vectors/hmac_sm3.json");
  for (const auto& v : j["vectors"]) {
    Bytes key = Hex(v["key"]);
    Bytes msg = Hex(v["msg_hex"]);
    Bytes tag = Hex(v["tag"]);
    EXPECT_EQ(HmacSm3(key, msg), tag) << v["id"];
    EXPECT_TRUE(HmacVerify(HashAlgorithm::kSm3, key, msg, tag));
    tag[0] ^= 1;
    EXPECT_FALSE(HmacVerify(HashAlgorithm::kSm3, key, msg, tag));
  }
}

TEST(Sm3KdfTest, MatchesGmT0003Vector) {
  // GM/T 0003.5 Annex C: t = KDF(x2 || y2, 19 bytes).
  auto j = LoadJson("vectors/sm2_encrypt.json");
  for (const auto& v : j["vectors"]) {
    Bytes z = Hex(std::string(v["kP_x2"]) + std::string(v["kP_y2"]));
    Bytes expect = Hex(v["kdf_t"]);
    SecretBytes t = Sm3Kdf(z, expect.size());
    EXPECT_EQ(ToBytes(t.Reveal(SecretAccess::Unsafe())), expect) << v["id"];
  }
  // Longer outputs are prefixes of each other.
  SecretBytes a = Sm3Kdf(AsBytes("z"), 40), b = Sm3Kdf(AsBytes("z"), 70);
  EXPECT_TRUE(std::equal(a.Reveal(SecretAccess::Unsafe()).begin(),
                         a.Reveal(SecretAccess::Unsafe()).end(),
                         b.Reveal(SecretAccess::Unsafe()).begin()));
}

TEST(Pbkdf2Test, Sha256Rfc7914Vector) {
  // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64).
  auto out = Pbkdf2(HashAlgorithm::kSha256, SecretBytes::Copy(std::string_view("passwd")),
                    AsBytes("salt"), 1, 64);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(base::HexEncode(out->Reveal(SecretAccess::Unsafe())),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(Pbkdf2Test, Sm3MatchesOpensslCli) {
  auto out = Pbkdf2(HashAlgorithm::kSm3, SecretBytes::Copy(std::string_view("correct horse")),
                    AsBytes("saltsalt"), 1000, 32);
  ASSERT_TRUE(out.ok());
  auto r = hetong::testing::RunCommand({"openssl", "kdf", "-keylen", "32", "-kdfopt", "digest:SM3",
                                        "-kdfopt", "pass:correct horse", "-kdfopt", "salt:saltsalt",
                                        "-kdfopt", "iter:1000", "PBKDF2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string hex;
  for (char c : r.out)
    if (c != ':' && c != '\n') hex.push_back(static_cast<char>(std::tolower(c)));
  EXPECT_EQ(base::HexEncode(out->Reveal(SecretAccess::Unsafe())), hex);
  EXPECT_FALSE(Pbkdf2(HashAlgorithm::kSm3, SecretBytes(), {}, 0, 32).ok());
}

}  // namespace
}  // namespace hetong::crypto
