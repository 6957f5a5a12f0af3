#include "crypto/shamir.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace hetong::crypto {
namespace {

std::vector<SecretBytes> Pick(const std::vector<SecretBytes>& all, std::vector<int> idx) {
  std::vector<SecretBytes> out;
  for (int i : idx) out.push_back(all[static_cast<size_t>(i)].Clone());
  return out;
}

TEST(ShamirTest, EveryThresholdSubsetRebuilds) {
  SecretBytes secret = *RandomSecret(DefaultRng(), 32);
  auto shares = ShamirSplit(secret, 3, 5, DefaultRng());
  ASSERT_TRUE(shares.ok());
  ASSERT_EQ(shares->size(), 5u);
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b)
      for (int c = b + 1; c < 5; ++c) {
        auto back = ShamirCombine(Pick(*shares, {c, a, b}));
        ASSERT_TRUE(back.ok()) << back.status();
        EXPECT_TRUE(back->Equals(secret));
      }
  auto all = ShamirCombine(Pick(*shares, {0, 1, 2, 3, 4}));
  EXPECT_TRUE(all->Equals(secret));
}

TEST(ShamirTest, TooFewWrongOrMixedSharesFail) {
  SecretBytes secret = SecretBytes::Copy(std::string_view("master key material 0123456789ab"));
  auto shares = *ShamirSplit(secret, 3, 5, DefaultRng());
  EXPECT_FALSE(ShamirCombine(Pick(shares, {0, 1})).ok());
  EXPECT_FALSE(ShamirCombine(Pick(shares, {0, 0, 1})).ok());
  // A mistyped share: detected (not a wrong secret).
  std::string bad(shares[1].RevealString(SecretAccess::Unsafe()));
  size_t pos = bad.find('-', 7) + 3;
  bad[pos] = bad[pos] == 'a' ? 'b' : 'a';
  std::vector<SecretBytes> with_bad = Pick(shares, {0, 2});
  with_bad.push_back(SecretBytes::Copy(bad));
  auto r = ShamirCombine(with_bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  // With a fourth good share the bad one is routed around.
  with_bad.push_back(shares[4].Clone());
  auto fixed = ShamirCombine(with_bad);
  ASSERT_TRUE(fixed.ok());
  EXPECT_TRUE(fixed->Equals(secret));
  // Shares of another split.
  auto other = *ShamirSplit(secret, 3, 5, DefaultRng());
  std::vector<SecretBytes> mixed = Pick(shares, {0, 1});
  mixed.push_back(other[2].Clone());
  EXPECT_FALSE(ShamirCombine(mixed).ok());
  std::vector<SecretBytes> garbage;
  garbage.push_back(SecretBytes::Copy(std::string_view("garbage")));
  EXPECT_FALSE(ShamirCombine(garbage).ok());
}

TEST(ShamirTest, ParameterChecks) {
  SecretBytes s(16);
  EXPECT_FALSE(ShamirSplit(s, 1, 3, DefaultRng()).ok());
  EXPECT_FALSE(ShamirSplit(s, 4, 3, DefaultRng()).ok());
  EXPECT_FALSE(ShamirSplit(s, 2, 256, DefaultRng()).ok());
  EXPECT_FALSE(ShamirSplit(SecretBytes(), 2, 3, DefaultRng()).ok());
  EXPECT_TRUE(ShamirSplit(s, 255, 255, DefaultRng()).ok());
}

}  // namespace
}  // namespace hetong::crypto
