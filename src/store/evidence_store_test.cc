// The evidence log on a real instance store: leaves, complete subtrees and heads survive a
// reopen; two handles on one database (two processes) keep one tree; a head signed before a
// restart is extended consistently after it.

#include <gtest/gtest.h>

#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "evidence/log.h"
#include "evidence/memory_repository.h"
#include "store/instance.h"
#include "store/sql_evidence.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

using evidence::Event;
using evidence::EvidenceLog;
using evidence::TreeHasher;

Event Ev(const std::string& subject, int i) {
  return Event{"contract.viewed", subject, "a_" + std::to_string(i),
               base::FromUnixSeconds(1795708450 + i), "{\"n\":" + std::to_string(i) + "}"};
}

TEST(EvidenceStoreTest, PersistsAcrossReopenAndMatchesTheMemoryLog) {
  hetong::testing::TempDir tmp;
  ASSERT_TRUE(Instance::Init(tmp.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
  base::FakeClock clock(base::FromUnixSeconds(1795708450));
  auto key = *crypto::PrivateKey::Generate(crypto::KeySpec::kSm2);
  auto signer = *crypto::NewSigner(key);
  evidence::testing::MemoryEvidenceRepository memory;
  EvidenceLog mirror(memory, "inst", clock);
  evidence::SignedTreeHead first_head;
  {
    auto inst = *Instance::Open(tmp.File("inst"));
    SqlEvidenceRepository repo(*inst);
    EvidenceLog log(repo, "inst", clock);
    for (int i = 0; i < 70; ++i) {
      std::string subject = i % 4 == 0 ? "c_1" : "c_2";
      auto a = log.Append(Ev(subject, i));
      ASSERT_TRUE(a.ok()) << a.status();
      auto m = mirror.Append(Ev(subject, i));
      EXPECT_EQ(a->leaf_hash, m->leaf_hash);
      EXPECT_EQ(a->previous, m->previous);
    }
    auto head = log.SignHead(*signer, nullptr);
    ASSERT_TRUE(head.ok()) << head.status();
    first_head = *head;
    EXPECT_EQ(first_head.root, *mirror.Root(70));
  }
  // Reopened: everything is there, and the log goes on.
  auto inst = *Instance::Open(tmp.File("inst"));
  SqlEvidenceRepository repo(*inst);
  EvidenceLog log(repo, "inst", clock);
  EXPECT_EQ(*log.Size(), 70u);
  auto head = *log.LatestHead();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->signature, first_head.signature);
  EXPECT_EQ(head->timestamp, first_head.timestamp);
  EXPECT_EQ(head->signer_spki, signer->public_key().ToSpkiDer());
  EXPECT_TRUE(evidence::VerifyTreeHeadSignature(*head, signer->public_key()).ok());
  auto e = *log.Get(8);
  EXPECT_EQ(e.event.details, "{\"n\":8}");
  EXPECT_EQ(e.event.at, base::FromUnixSeconds(1795708458));
  EXPECT_EQ(e.previous, 4);
  EXPECT_EQ(log.EventsFor("c_1")->size(), 18u);
  EXPECT_EQ(log.EventsFor("c_nobody")->size(), 0u);
  // Newest first, paged (c_1 holds leaves 0, 4, .., 68), as the memory log gives them.
  auto indices = [](const std::vector<evidence::LoggedEvent>& events) {
    std::vector<uint64_t> out;
    for (const auto& ev : events) out.push_back(ev.index);
    return out;
  };
  EXPECT_EQ(indices(*log.NewestEventsFor("c_1", 0, 5)),
            (std::vector<uint64_t>{68, 64, 60, 56, 52}));
  EXPECT_EQ(indices(*log.NewestEventsFor("c_1", 16, 5)), (std::vector<uint64_t>{4, 0}));
  EXPECT_TRUE(log.NewestEventsFor("c_1", 18, 5)->empty());
  EXPECT_TRUE(log.NewestEventsFor("c_nobody", 0, 5)->empty());
  // By cursor: below leaf 52, then below 20 with one skipped.
  EXPECT_EQ(indices(*log.NewestEventsFor("c_1", 0, 3, 52)), (std::vector<uint64_t>{48, 44, 40}));
  EXPECT_EQ(indices(*log.NewestEventsFor("c_1", 1, 3, 20)), (std::vector<uint64_t>{12, 8, 4}));
  EXPECT_TRUE(log.NewestEventsFor("c_1", 0, 3, 0)->empty());
  EXPECT_EQ(indices(*log.NewestEventsFor("c_2", 2, 4, 33)),
            indices(*mirror.NewestEventsFor("c_2", 2, 4, 33)));
  for (uint64_t skip : {0, 3, 17, 40}) {
    EXPECT_EQ(indices(*log.NewestEventsFor("c_2", skip, 7)),
              indices(*mirror.NewestEventsFor("c_2", skip, 7)))
        << skip;
  }
  EXPECT_EQ(log.NewestEventsFor("c_1", 0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log.NewestEventsFor("c_1", 0, 10001).status().code(), StatusCode::kInvalidArgument);
  for (int i = 70; i < 100; ++i) {
    ASSERT_TRUE(log.Append(Ev("c_1", i)).ok());
    ASSERT_TRUE(mirror.Append(Ev("c_1", i)).ok());
  }
  TreeHasher h;
  for (uint64_t n : {1, 64, 70, 99, 100}) {
    Bytes root = *log.Root(n);
    EXPECT_EQ(root, *mirror.Root(n));
    for (uint64_t m = 0; m < n; m += 7) {
      EXPECT_EQ(*log.InclusionProof(m, n), *mirror.InclusionProof(m, n));
      EXPECT_EQ(*log.ConsistencyProof(m, n), *mirror.ConsistencyProof(m, n));
    }
  }
  auto cons = *log.ConsistencyProof(70, 100);
  EXPECT_TRUE(evidence::VerifyConsistency(h, 70, 100, cons, first_head.root, *log.Root(100)).ok());
  clock.Advance(std::chrono::minutes(1));
  auto second = log.SignHead(*signer, nullptr);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->tree_size, 100u);
  EXPECT_EQ(log.ListHeads(0, 10)->size(), 2u);
  EXPECT_EQ((*log.HeadCovering(69))->tree_size, 70u);
  EXPECT_EQ((*log.HeadCovering(70))->tree_size, 100u);
  EXPECT_EQ(repo.InsertHead(*second).code(), StatusCode::kAlreadyExists);
  // A stale append (another writer got there first) stores nothing.
  evidence::LoggedEvent stale = *log.Get(99);
  EXPECT_EQ(repo.AppendLeaf(stale, {}, {}).code(), StatusCode::kAborted);
  EXPECT_EQ(*log.Size(), 100u);
}

TEST(EvidenceStoreTest, TwoHandlesOnOneDatabaseKeepOneTree) {
  hetong::testing::TempDir tmp;
  ASSERT_TRUE(Instance::Init(tmp.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
  base::FakeClock clock(base::FromUnixSeconds(1795708450));
  auto a = *Instance::Open(tmp.File("inst"), false);
  auto b = *Instance::Open(tmp.File("inst"), false);
  SqlEvidenceRepository ra(*a), rb(*b);
  EvidenceLog la(ra, "inst", clock), lb(rb, "inst", clock);
  evidence::MemoryTree mirror{TreeHasher()};
  for (int i = 0; i < 40; ++i) {
    auto x = (i % 3 == 0 ? lb : la).Append(Ev("c_" + std::to_string(i % 2), i));
    ASSERT_TRUE(x.ok()) << x.status();
    EXPECT_EQ(x->index, static_cast<uint64_t>(i));
    mirror.AppendLeafHash(x->leaf_hash);
  }
  EXPECT_EQ(*la.Root(40), *lb.Root(40));
  EXPECT_EQ(*la.Root(40), *evidence::RootAt(TreeHasher(), mirror, 40));
  auto events = *lb.EventsFor("c_0");
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i].previous, static_cast<int64_t>(events[i - 1].index));
  }
}

}  // namespace
}  // namespace hetong::store
