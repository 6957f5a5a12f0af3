#include "evidence/merkle.h"

#include <algorithm>
#include <bit>

namespace hetong::evidence {

Bytes TreeHasher::EmptyRoot() const { return crypto::Hash(alg_, {}); }

Bytes TreeHasher::HashLeaf(ByteView data) const {
  auto h = crypto::Hasher::Create(alg_);
  HETONG_CHECK(h.ok());
  const uint8_t prefix = 0x00;
  h->Update(ByteView(&prefix, 1));
  h->Update(data);
  return h->Finish();
}

Bytes TreeHasher::HashChildren(ByteView l, ByteView r) const {
  auto h = crypto::Hasher::Create(alg_);
  HETONG_CHECK(h.ok());
  const uint8_t prefix = 0x01;
  h->Update(ByteView(&prefix, 1));
  h->Update(l);
  h->Update(r);
  return h->Finish();
}

std::vector<NodeId> NodesCompletedBy(uint64_t index) {
  std::vector<NodeId> out;
  uint64_t size = index + 1;
  for (uint32_t level = 1; level < 64 && size % (uint64_t{1} << level) == 0; ++level) {
    out.push_back({level, (size >> level) - 1});
  }
  return out;
}

std::vector<NodeId> LeftSiblingsFor(uint64_t index) {
  std::vector<NodeId> out;
  for (const NodeId& n : NodesCompletedBy(index)) out.push_back({n.level - 1, 2 * n.index});
  return out;
}

std::vector<Bytes> CompleteNodes(const TreeHasher& hasher, ByteView leaf_hash,
                                 std::span<const Bytes> left_siblings) {
  std::vector<Bytes> out;
  Bytes h = ToBytes(leaf_hash);
  for (const Bytes& left : left_siblings) {
    h = hasher.HashChildren(left, h);
    out.push_back(h);
  }
  return out;
}

namespace {

// Leaves [begin, end) where `begin` is a multiple of the largest power of two not above
// end - begin: every range the RFC's recursion visits is of this kind.
struct Range {
  uint64_t begin = 0, end = 0;
};

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The complete subtrees tiling `r`, left to right.
void Tile(Range r, std::vector<NodeId>& out) {
  uint64_t a = r.begin;
  while (a < r.end) {
    uint64_t p = std::bit_floor(r.end - a);
    if (a != 0) p = std::min(p, a & (~a + 1));  // no larger than a's alignment
    uint32_t level = static_cast<uint32_t>(std::countr_zero(p));
    out.push_back({level, a >> level});
    a += p;
  }
}

// MTH of each range, fetching every complete subtree they need in one call.
StatusOr<std::vector<Bytes>> RangeHashes(const TreeHasher& hasher, NodeSource& nodes,
                                         const std::vector<Range>& ranges) {
  std::vector<NodeId> ids;
  std::vector<size_t> counts;
  for (const Range& r : ranges) {
    size_t before = ids.size();
    Tile(r, ids);
    counts.push_back(ids.size() - before);
  }
  HETONG_ASSIGN_OR_RETURN(std::vector<Bytes> hashes, nodes.GetNodes(ids));
  if (hashes.size() != ids.size()) return InternalError("the node source returned too few hashes");
  for (const Bytes& h : hashes) {
    if (h.size() != hasher.size()) return DataLossError("a stored tree node has the wrong size");
  }
  std::vector<Bytes> out;
  size_t pos = 0;
  for (size_t count : counts) {
    if (count == 0) {
      out.push_back(hasher.EmptyRoot());
      continue;
    }
    Bytes h = hashes[pos + count - 1];
    for (size_t k = count - 1; k-- > 0;) h = hasher.HashChildren(hashes[pos + k], h);
    out.push_back(std::move(h));
    pos += count;
  }
  return out;
}

Status Fail(const std::string& why) { return InvalidArgumentError(why); }

Status CheckSizes(const TreeHasher& hasher, std::span<const Bytes> proof) {
  for (const Bytes& p : proof) {
    if (p.size() != hasher.size()) return Fail("a proof hash has the wrong length");
  }
  return OkStatus();
}

}  // namespace

StatusOr<Bytes> RootAt(const TreeHasher& hasher, NodeSource& nodes, uint64_t size) {
  HETONG_ASSIGN_OR_RETURN(auto hashes, RangeHashes(hasher, nodes, {Range{0, size}}));
  return std::move(hashes.front());
}

StatusOr<std::vector<Bytes>> MakeInclusionProof(const TreeHasher& hasher, NodeSource& nodes,
                                                uint64_t index, uint64_t tree_size) {
  if (index >= tree_size) {
    return OutOfRangeError("leaf " + std::to_string(index) + " is not in a tree of size " +
                           std::to_string(tree_size));
  }
  std::vector<Range> ranges;  // root-to-leaf
  uint64_t lo = 0, hi = tree_size;
  while (hi - lo > 1) {
    uint64_t k = SplitPoint(hi - lo);
    if (index - lo < k) {
      ranges.push_back({lo + k, hi});
      hi = lo + k;
    } else {
      ranges.push_back({lo, lo + k});
      lo += k;
    }
  }
  std::reverse(ranges.begin(), ranges.end());
  return RangeHashes(hasher, nodes, ranges);
}

StatusOr<std::vector<Bytes>> MakeConsistencyProof(const TreeHasher& hasher, NodeSource& nodes,
                                                  uint64_t first, uint64_t second) {
  if (first > second) {
    return InvalidArgumentError("a consistency proof needs first <= second (" +
                                std::to_string(first) + " > " + std::to_string(second) + ")");
  }
  if (first == 0 || first == second) return std::vector<Bytes>{};
  // SUBPROOF(m, D[lo:hi], b) unrolled: the hashes appended after each recursive step are
  // collected root-first and emitted after the terminal one, in reverse.
  std::vector<Range> after;
  std::vector<Range> ranges;
  uint64_t m = first, lo = 0, hi = second;
  bool complete = true;  // b: the old tree is a complete subtree seen so far
  while (true) {
    if (m == hi - lo) {
      if (!complete) ranges.push_back({lo, hi});
      break;
    }
    uint64_t k = SplitPoint(hi - lo);
    if (m <= k) {
      after.push_back({lo + k, hi});
      hi = lo + k;
    } else {
      after.push_back({lo, lo + k});
      m -= k;
      lo += k;
      complete = false;
    }
  }
  ranges.insert(ranges.end(), after.rbegin(), after.rend());
  return RangeHashes(hasher, nodes, ranges);
}

StatusOr<Bytes> RootFromInclusionProof(const TreeHasher& hasher, uint64_t index, uint64_t tree_size,
                                       ByteView leaf_hash, std::span<const Bytes> proof) {
  if (tree_size == 0) return Fail("no leaf is included in the empty tree");
  if (index >= tree_size) {
    return Fail("leaf index " + std::to_string(index) + " is beyond the tree size " +
                std::to_string(tree_size));
  }
  if (leaf_hash.size() != hasher.size()) return Fail("the leaf hash has the wrong length");
  HETONG_RETURN_IF_ERROR(CheckSizes(hasher, proof));
  uint64_t fn = index, sn = tree_size - 1;
  Bytes r = ToBytes(leaf_hash);
  for (const Bytes& p : proof) {
    if (sn == 0) return Fail("the inclusion proof is longer than the tree is high");
    if ((fn & 1) != 0 || fn == sn) {
      r = hasher.HashChildren(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = hasher.HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Fail("the inclusion proof is too short for the tree size");
  return r;
}

Status VerifyInclusion(const TreeHasher& hasher, uint64_t index, uint64_t tree_size,
                       ByteView leaf_hash, std::span<const Bytes> proof, ByteView root) {
  HETONG_ASSIGN_OR_RETURN(Bytes computed,
                          RootFromInclusionProof(hasher, index, tree_size, leaf_hash, proof));
  if (root.size() != computed.size() || !std::equal(root.begin(), root.end(), computed.begin())) {
    return Fail("the inclusion proof does not lead to the tree head's root");
  }
  return OkStatus();
}

Status VerifyConsistency(const TreeHasher& hasher, uint64_t first, uint64_t second,
                         std::span<const Bytes> proof, ByteView first_root, ByteView second_root) {
  auto equal = [](ByteView a, ByteView b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  };
  if (first > second) {
    return Fail("the first tree (" + std::to_string(first) + ") is larger than the second (" +
                std::to_string(second) + ")");
  }
  if (first == second) {
    if (!proof.empty()) return Fail("trees of equal size need an empty consistency proof");
    if (!equal(first_root, second_root)) return Fail("two trees of the same size differ");
    return OkStatus();
  }
  if (first == 0) {
    if (!proof.empty()) return Fail("a proof from the empty tree must be empty");
    return OkStatus();
  }
  if (proof.empty()) return Fail("the consistency proof is empty");
  HETONG_RETURN_IF_ERROR(CheckSizes(hasher, proof));
  if (first_root.size() != hasher.size() || second_root.size() != hasher.size()) {
    return Fail("a root has the wrong length");
  }
  std::vector<Bytes> path;
  if (std::has_single_bit(first)) path.push_back(ToBytes(first_root));
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = first - 1, sn = second - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Bytes fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Bytes& c = path[i];
    if (sn == 0) return Fail("the consistency proof is too long");
    if ((fn & 1) != 0 || fn == sn) {
      fr = hasher.HashChildren(c, fr);
      sr = hasher.HashChildren(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hasher.HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Fail("the consistency proof is too short");
  if (!equal(fr, first_root)) return Fail("the consistency proof does not lead to the old root");
  if (!equal(sr, second_root)) return Fail("the consistency proof does not lead to the new root");
  return OkStatus();
}

void MemoryTree::AppendLeafHash(Bytes leaf_hash) {
  uint64_t index = size();
  std::vector<Bytes> siblings;
  for (const NodeId& id : LeftSiblingsFor(index)) siblings.push_back(levels_[id.level][id.index]);
  std::vector<Bytes> completed = CompleteNodes(hasher_, leaf_hash, siblings);
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(std::move(leaf_hash));
  for (size_t i = 0; i < completed.size(); ++i) {
    if (levels_.size() <= i + 1) levels_.emplace_back();
    levels_[i + 1].push_back(std::move(completed[i]));
  }
}

StatusOr<std::vector<Bytes>> MemoryTree::GetNodes(std::span<const NodeId> ids) {
  std::vector<Bytes> out;
  for (const NodeId& id : ids) {
    if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
      return NotFoundError("no such tree node");
    }
    out.push_back(levels_[id.level][id.index]);
  }
  return out;
}

}  // namespace hetong::evidence
