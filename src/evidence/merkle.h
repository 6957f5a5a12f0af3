// Merkle tree hashing, inclusion proofs and consistency proofs of RFC 9162 §2.1 (the tree of
// RFC 6962): leaf = H(0x00 || data), node = H(0x01 || left || right). The hash is a
// parameter: the evidence log uses SM3; SHA-256 reproduces the published RFC 6962 answers.
//
// Proofs are generated from a NodeSource, which hands out the hashes of complete subtrees
// (level l, index i covers leaves [i·2^l, (i+1)·2^l)). Any root or proof of any tree size is
// assembled from O(log n) such hashes, so a store that keeps them as they complete never
// rehashes the log. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2.
//
// Verification functions return OK or InvalidArgument with the reason; a wrong proof is a
// finding for the caller to report, not a fault.
//
// Thread-safety: TreeHasher and the free functions are thread-safe; MemoryTree is not.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/hash.h"

namespace hetong::evidence {

class TreeHasher {
 public:
  explicit TreeHasher(crypto::HashAlgorithm alg = crypto::HashAlgorithm::kSm3) : alg_(alg) {}
  crypto::HashAlgorithm algorithm() const { return alg_; }
  size_t size() const { return crypto::HashSize(alg_); }
  Bytes EmptyRoot() const;                           // H()
  Bytes HashLeaf(ByteView data) const;               // H(0x00 || data)
  Bytes HashChildren(ByteView l, ByteView r) const;  // H(0x01 || l || r)

 private:
  crypto::HashAlgorithm alg_;
};

// A complete subtree: leaves [index << level, (index + 1) << level).
struct NodeId {
  uint32_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// Where proof generation reads complete-subtree hashes from (level 0: leaf hashes).
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The hashes of `ids`, in the same order. Fails (NotFound / DataLoss) if one is missing.
  virtual StatusOr<std::vector<Bytes>> GetNodes(std::span<const NodeId> ids) = 0;
};

// The complete subtrees that a leaf appended at `index` completes, bottom-up, excluding the
// leaf itself: (1, index/2) when index is odd, (2, index/4) when index % 4 == 3, ...
std::vector<NodeId> NodesCompletedBy(uint64_t index);
// For each node of NodesCompletedBy(index), the left child it needs besides the node below
// it on the same path: (l-1, 2i). Same order.
std::vector<NodeId> LeftSiblingsFor(uint64_t index);
// Hashes of NodesCompletedBy(index), given the leaf hash and LeftSiblingsFor(index)'s hashes.
std::vector<Bytes> CompleteNodes(const TreeHasher& hasher, ByteView leaf_hash,
                                 std::span<const Bytes> left_siblings);

// Root of the first `size` leaves (MTH(D[size])).
StatusOr<Bytes> RootAt(const TreeHasher& hasher, NodeSource& nodes, uint64_t size);
// RFC 9162 §2.1.3.1 PATH(index, D[tree_size]), leaf-to-root order.
StatusOr<std::vector<Bytes>> MakeInclusionProof(const TreeHasher& hasher, NodeSource& nodes,
                                                uint64_t index, uint64_t tree_size);
// RFC 9162 §2.1.4.1 PROOF(first, D[second]); empty when first == 0 or first == second.
StatusOr<std::vector<Bytes>> MakeConsistencyProof(const TreeHasher& hasher, NodeSource& nodes,
                                                  uint64_t first, uint64_t second);

// RFC 9162 §2.1.3.2: the root that `proof` leads to from `leaf_hash` at `index`.
StatusOr<Bytes> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index, uint64_t tree_size,
                                       ByteView leaf_hash, std::span<const Bytes> proof);
Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t tree_size,
                       ByteView leaf_hash, std::span<const Bytes> proof, ByteView root);
// RFC 9162 §2.1.4.2, with: first > second fails; first == second needs an empty proof and
// equal roots; first == 0 needs an empty proof (every tree extends the empty one).
Status VerifyConsistency(const TreeHasher& hasher, uint64_t first, uint64_t second,
                         std::span<const Bytes> proof, ByteView first_root, ByteView second_root);

// An in-memory log keeping every complete subtree (tests, fuzzing, small tools).
class MemoryTree final : public NodeSource {
 public:
  explicit MemoryTree(TreeHasher hasher) : hasher_(hasher) {}
  void AppendLeafHash(Bytes leaf_hash);
  void AppendData(ByteView data) { AppendLeafHash(hasher_.HashLeaf(data)); }
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  StatusOr<std::vector<Bytes>> GetNodes(std::span<const NodeId> ids) override;

 private:
  TreeHasher hasher_;
  std::vector<std::vector<Bytes>> levels_;
};

}  // namespace hetong::evidence
