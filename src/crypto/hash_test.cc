#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

TEST(Sm3Test, StandardVectors) {
  auto j = LoadJson("vectors/sm3.json");
  int n = 0;
  for (const auto& v : j["vectors"]) {
    Bytes msg = Hex(v["msg_hex"]);
    EXPECT_EQ(base::HexEncode(Sm3(msg)), v["digest_hex"].get<std::string>()) << v["id"];
    // The same through the incremental interface, fed byte by byte.
    auto h = Hasher::Create(HashAlgorithm::kSm3);
    ASSERT_TRUE(h.ok());
    for (uint8_t b : msg) h->Update(ByteView(&b, 1));
    EXPECT_EQ(base::HexEncode(h->Finish()), v["digest_hex"].get<std::string>()) << v["id"];
    ++n;
  }
  EXPECT_GE(n, 4);
}

TEST(HashTest, Sha2AndNames) {
  EXPECT_EQ(base::HexEncode(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashSize(HashAlgorithm::kSha384), 48u);
  EXPECT_EQ(HashFromName("sm3"), HashAlgorithm::kSm3);
  EXPECT_EQ(HashFromOid("1.2.156.10197.1.401"), HashAlgorithm::kSm3);
  EXPECT_EQ(HashFromOid("2.16.840.1.101.3.4.2.1"), HashAlgorithm::kSha256);
  EXPECT_FALSE(HashFromOid("1.2.3").has_value());
  EXPECT_FALSE(HashFromName("md5").has_value());
}

}  // namespace
}  // namespace hetong::crypto
