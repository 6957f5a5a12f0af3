// RFC 9162 Merkle tree: known answers from the certificate-transparency reference tests
// (SHA-256), negative cases, and a property test over every proof of trees up to 300 leaves.

#include "evidence/merkle.h"

#include <gtest/gtest.h>

#include <random>

#include "testing/testing.h"

namespace hetong::evidence {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

Bytes H(const std::string& hex) { return Hex(hex); }

std::vector<Bytes> Hashes(const nlohmann::json& list) {
  std::vector<Bytes> out;
  for (const auto& h : list) out.push_back(H(h.get<std::string>()));
  return out;
}

// The RFC's recursive definition, independently of merkle.cc's tiling.
Bytes ReferenceRoot(const TreeHasher& h, const std::vector<Bytes>& leaves, size_t lo, size_t hi) {
  if (hi == lo) return h.EmptyRoot();
  if (hi - lo == 1) return leaves[lo];
  size_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return h.HashChildren(ReferenceRoot(h, leaves, lo, lo + k), ReferenceRoot(h, leaves, lo + k, hi));
}

class Rfc6962Test : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = LoadJson("evidence/rfc6962_vectors.json");
    for (const auto& l : v_["leaves"]) tree_.AppendData(H(l.get<std::string>()));
    roots_ = Hashes(v_["roots"]);
  }
  nlohmann::json v_;
  TreeHasher hasher_{crypto::HashAlgorithm::kSha256};
  MemoryTree tree_{hasher_};
  std::vector<Bytes> roots_;
};

TEST_F(Rfc6962Test, HashPrimitives) {
  const auto& h = v_["hashes"];
  EXPECT_EQ(hasher_.EmptyRoot(), H(h["empty_root"]));
  EXPECT_EQ(hasher_.HashLeaf({}), H(h["leaf_empty"]));
  EXPECT_EQ(hasher_.HashLeaf(AsBytes("L123456")), H(h["leaf_L123456"]));
  EXPECT_EQ(hasher_.HashChildren(AsBytes("N123"), AsBytes("N456")), H(h["node_N123_N456"]));
}

TEST_F(Rfc6962Test, Roots) {
  EXPECT_EQ(*RootAt(hasher_, tree_, 0), hasher_.EmptyRoot());
  for (uint64_t n = 1; n <= 8; ++n) EXPECT_EQ(*RootAt(hasher_, tree_, n), roots_[n - 1]) << n;
}

TEST_F(Rfc6962Test, InclusionProofs) {
  for (const auto& c : v_["inclusion"]) {
    uint64_t index = c["index"], size = c["size"];
    auto want = Hashes(c["proof"]);
    auto got = MakeInclusionProof(hasher_, tree_, index, size);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want) << index << "/" << size;
    Bytes leaf = hasher_.HashLeaf(H(v_["leaves"][index].get<std::string>()));
    EXPECT_TRUE(VerifyInclusion(hasher_, index, size, leaf, want, roots_[size - 1]).ok());
  }
}

TEST_F(Rfc6962Test, ConsistencyProofs) {
  for (const auto& c : v_["consistency"]) {
    uint64_t first = c["first"], second = c["second"];
    auto want = Hashes(c["proof"]);
    auto got = MakeConsistencyProof(hasher_, tree_, first, second);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want) << first << "->" << second;
    EXPECT_TRUE(
        VerifyConsistency(hasher_, first, second, want, roots_[first - 1], roots_[second - 1])
            .ok());
  }
}

TEST_F(Rfc6962Test, InclusionNegatives) {
  // Leaf 5 of 8 (0-based), the source's corruptions.
  const auto& c = v_["inclusion"][2];
  uint64_t index = c["index"], size = c["size"];
  auto proof = Hashes(c["proof"]);
  Bytes leaf = hasher_.HashLeaf(H(v_["leaves"][index].get<std::string>()));
  const Bytes& root = roots_[size - 1];
  ASSERT_TRUE(VerifyInclusion(hasher_, index, size, leaf, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index - 1, size, leaf, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index + 1, size, leaf, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index ^ 2, size, leaf, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size * 2, leaf, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size / 2, leaf, proof, root).ok());
  EXPECT_FALSE(
      VerifyInclusion(hasher_, index, size, H(v_["hashes"]["leaf_L123456"]), proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, proof, hasher_.EmptyRoot()).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, proof, AsBytes("short")).ok());
  auto extended = proof;
  extended.push_back({});
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, extended, root).ok());
  extended.back() = root;
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, extended, root).ok());
  auto prefixed = proof;
  prefixed.insert(prefixed.begin(), root);
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, prefixed, root).ok());
  auto truncated = proof;
  truncated.pop_back();
  EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, truncated, root).ok());
  for (size_t i = 0; i < proof.size(); ++i) {
    auto tampered = proof;
    tampered[i][0] ^= 8;
    EXPECT_FALSE(VerifyInclusion(hasher_, index, size, leaf, tampered, root).ok()) << i;
  }
  // Nothing is in the empty tree; indexes beyond the size.
  EXPECT_FALSE(VerifyInclusion(hasher_, 0, 0, leaf, {}, hasher_.EmptyRoot()).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, 1, 1, leaf, {}, leaf).ok());
  EXPECT_FALSE(MakeInclusionProof(hasher_, tree_, 0, 0).ok());
  EXPECT_FALSE(MakeInclusionProof(hasher_, tree_, 8, 8).ok());
  // Single-leaf tree: the proof is empty and the root is the leaf hash.
  EXPECT_TRUE(VerifyInclusion(hasher_, 0, 1, roots_[0], {}, roots_[0]).ok());
  EXPECT_FALSE(VerifyInclusion(hasher_, 0, 1, roots_[0], {}, Bytes{}).ok());
}

TEST_F(Rfc6962Test, ConsistencyNegatives) {
  const auto& c = v_["consistency"][2];  // 6 -> 8
  uint64_t first = c["first"], second = c["second"];
  auto proof = Hashes(c["proof"]);
  const Bytes& r1 = roots_[first - 1];
  const Bytes& r2 = roots_[second - 1];
  ASSERT_TRUE(VerifyConsistency(hasher_, first, second, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first - 1, second, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first + 1, second, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first ^ 2, second, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second * 2, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second / 2, proof, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second, proof, r2, r1).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second, proof, AsBytes("WrongRoot"), r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second, {}, r1, r2).ok());
  for (const Bytes& extra : {Bytes{}, r1, r2}) {
    auto longer = proof;
    longer.push_back(extra);
    EXPECT_FALSE(VerifyConsistency(hasher_, first, second, longer, r1, r2).ok());
    auto prefixed = proof;
    prefixed.insert(prefixed.begin(), extra);
    EXPECT_FALSE(VerifyConsistency(hasher_, first, second, prefixed, r1, r2).ok());
  }
  auto truncated = proof;
  truncated.pop_back();
  EXPECT_FALSE(VerifyConsistency(hasher_, first, second, truncated, r1, r2).ok());
  for (size_t i = 0; i < proof.size(); ++i) {
    auto tampered = proof;
    tampered[i][0] ^= 16;
    EXPECT_FALSE(VerifyConsistency(hasher_, first, second, tampered, r1, r2).ok()) << i;
  }
  // Edge sizes: first > second fails; equal sizes need equal roots and no proof; from 0 any
  // tree is consistent with an empty proof.
  EXPECT_FALSE(VerifyConsistency(hasher_, 2, 1, {}, r1, r2).ok());
  EXPECT_FALSE(MakeConsistencyProof(hasher_, tree_, 5, 4).ok());
  EXPECT_TRUE(VerifyConsistency(hasher_, 8, 8, {}, r2, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, 8, 8, {}, r1, r2).ok());
  EXPECT_FALSE(VerifyConsistency(hasher_, 8, 8, std::vector<Bytes>{r2}, r2, r2).ok());
  EXPECT_TRUE(VerifyConsistency(hasher_, 0, 8, {}, hasher_.EmptyRoot(), r2).ok());
  EXPECT_FALSE(
      VerifyConsistency(hasher_, 0, 8, std::vector<Bytes>{r2}, hasher_.EmptyRoot(), r2).ok());
  EXPECT_TRUE(MakeConsistencyProof(hasher_, tree_, 0, 8)->empty());
  EXPECT_TRUE(MakeConsistencyProof(hasher_, tree_, 8, 8)->empty());
}

TEST(MerkleTest, CompletedNodes) {
  EXPECT_TRUE(NodesCompletedBy(0).empty());
  EXPECT_EQ(NodesCompletedBy(1), (std::vector<NodeId>{{1, 0}}));
  EXPECT_TRUE(NodesCompletedBy(2).empty());
  EXPECT_EQ(NodesCompletedBy(7), (std::vector<NodeId>{{1, 3}, {2, 1}, {3, 0}}));
  EXPECT_EQ(LeftSiblingsFor(7), (std::vector<NodeId>{{0, 6}, {1, 2}, {2, 0}}));
}

// Every inclusion and consistency proof of every tree up to 300 leaves (SM3) verifies, and
// fails with one bit flipped in any hash of the proof, the leaf or the roots.
TEST(MerkleTest, EveryProofUpTo300Leaves) {
  TreeHasher hasher(crypto::HashAlgorithm::kSm3);
  MemoryTree tree(hasher);
  std::vector<Bytes> leaves;
  std::vector<Bytes> roots{hasher.EmptyRoot()};
  std::mt19937_64 rng(20261126);
  constexpr uint64_t kMax = 300;
  for (uint64_t i = 0; i < kMax; ++i) {
    Bytes data(8);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    leaves.push_back(hasher.HashLeaf(data));
    tree.AppendLeafHash(leaves.back());
    roots.push_back(*RootAt(hasher, tree, i + 1));
    ASSERT_EQ(roots.back(), ReferenceRoot(hasher, leaves, 0, leaves.size())) << i + 1;
  }
  auto flip = [&](Bytes b) {
    size_t bit = rng() % (b.size() * 8);
    b[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    return b;
  };
  int checked = 0;
  for (uint64_t n = 1; n <= kMax; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      auto proof = *MakeInclusionProof(hasher, tree, m, n);
      ASSERT_TRUE(VerifyInclusion(hasher, m, n, leaves[m], proof, roots[n]).ok()) << m << "/" << n;
      if (!proof.empty()) {
        auto bad = proof;
        size_t i = rng() % bad.size();
        bad[i] = flip(bad[i]);
        ASSERT_FALSE(VerifyInclusion(hasher, m, n, leaves[m], bad, roots[n]).ok());
      }
      ASSERT_FALSE(VerifyInclusion(hasher, m, n, flip(leaves[m]), proof, roots[n]).ok());
      ASSERT_FALSE(VerifyInclusion(hasher, m, n, leaves[m], proof, flip(roots[n])).ok());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      auto proof = *MakeConsistencyProof(hasher, tree, m, n);
      ASSERT_TRUE(VerifyConsistency(hasher, m, n, proof, roots[m], roots[n]).ok())
          << m << "->" << n;
      if (m == 0 || m == n) continue;
      auto bad = proof;
      size_t i = rng() % bad.size();
      bad[i] = flip(bad[i]);
      ASSERT_FALSE(VerifyConsistency(hasher, m, n, bad, roots[m], roots[n]).ok());
      ASSERT_FALSE(VerifyConsistency(hasher, m, n, proof, flip(roots[m]), roots[n]).ok());
      ASSERT_FALSE(VerifyConsistency(hasher, m, n, proof, roots[m], flip(roots[n])).ok());
      ++checked;
    }
  }
  EXPECT_GT(checked, 40000);
}

}  // namespace
}  // namespace hetong::evidence
