// The evidence log over the in-memory repository: leaves, proofs, signed tree heads, the
// version-1 encodings (golden vectors), concurrency and the head scheduler.

#include "evidence/log.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "base/encoding.h"
#include "evidence/scheduler.h"
#include "evidence/test_env.h"
#include "testing/testing.h"

namespace hetong::evidence {
namespace {

using hetong::testing::Hex;
using testing::EvidenceTestEnv;

Event Ev(std::string type, std::string subject, base::TimePoint at, std::string details = "{}") {
  return Event{std::move(type), std::move(subject), "a_1", at, std::move(details)};
}

TEST(EvidenceFormatTest, GoldenLeafAndTreeHead) {
  auto v = hetong::testing::LoadJson("evidence/format_v1.json");
  const auto& e = v["event"];
  Event ev{e["type"], e["subject"], e["actor"], *base::ParseRfc3339(e["at"].get<std::string>()),
           e["details_in"]};
  auto n = NormalizeEvent(ev);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(n->details, e["details_canonical"].get<std::string>());
  Bytes leaf = EncodeLeaf(*n, e["previous"].get<int64_t>());
  EXPECT_EQ(base::HexEncode(leaf), v["leaf_data"].get<std::string>());
  EXPECT_EQ(base::HexEncode(TreeHasher().HashLeaf(leaf)), v["leaf_hash_sm3"].get<std::string>());
  const auto& h = v["tree_head"];
  SignedTreeHead head;
  head.log_id = h["log_id"];
  head.hash = h["hash"];
  head.tree_size = h["tree_size"];
  head.root = Hex(h["root"]);
  head.timestamp = *base::ParseRfc3339(h["timestamp"].get<std::string>());
  EXPECT_EQ(base::HexEncode(EncodeTreeHeadTbs(head)), v["tree_head_tbs"].get<std::string>());
}

TEST(EvidenceFormatTest, EventsAreChecked) {
  base::TimePoint t = base::FromUnixSeconds(1795708450);
  EXPECT_TRUE(NormalizeEvent(Ev("contract.signed", "c_1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("", "c_1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("Contract.Signed", "c_1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("contract signed", "c_1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev(std::string(65, 'a'), "c_1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c\n1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c\xff", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c\xc0\x80", t)).ok());  // overlong
  EXPECT_TRUE(NormalizeEvent(Ev("x", "合同-1", t)).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c", t, "[1]")).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c", t, "{")).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c", t, "{\"a\":\"\xff\"}")).ok());
  EXPECT_FALSE(NormalizeEvent(Ev("x", "c", t, std::string(100, '[') + std::string(100, ']'))).ok());
  EXPECT_FALSE(
      NormalizeEvent(Ev("x", "c", t, "{\"a\":\"" + std::string(kMaxDetailsSize, 'x') + "\"}"))
          .ok());
  // Canonical form is a fixed point; time is kept to the millisecond.
  auto n = NormalizeEvent(
      Ev("x", "c", t + std::chrono::microseconds(1500), "{ \"b\":1, \"a\":[1, 2] }"));
  EXPECT_EQ(n->details, "{\"a\":[1,2],\"b\":1}");
  EXPECT_EQ(*CanonicalJsonObject(n->details), n->details);
  EXPECT_EQ(n->at, t + std::chrono::milliseconds(1));
}

TEST(EvidenceFormatTest, JsonRoundTrips) {
  SignedTreeHead h;
  h.log_id = "log";
  h.tree_size = 42;
  h.root = Bytes(32, 7);
  h.timestamp = base::FromUnixSeconds(1795708450) + std::chrono::milliseconds(5);
  h.algorithm = "sm2-sm3";
  h.signature = Bytes{0x30, 0x01, 0x02};
  h.timestamp_token = Bytes{1, 2, 3};
  auto back = TreeHeadFromJson(TreeHeadToJson(h));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(EncodeTreeHeadTbs(*back), EncodeTreeHeadTbs(h));
  EXPECT_EQ(back->signature, h.signature);
  EXPECT_EQ(back->timestamp_token, h.timestamp_token);
  EXPECT_FALSE(TreeHeadFromJson("{}").ok());
  EXPECT_FALSE(TreeHeadFromJson("[").ok());
  EXPECT_FALSE(TreeHeadFromJson(std::string(10000, '[')).ok());
  std::string v2 = TreeHeadToJson(h);
  v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 2");
  EXPECT_NE(TreeHeadFromJson(v2).status().message().find("version 2"), std::string::npos);
  ConsistencyProofDoc d{"sm3", 3, 9, {Bytes(32, 1), Bytes(32, 2)}};
  auto d2 = ConsistencyProofFromJson(ConsistencyProofToJson(d));
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->proof, d.proof);
  EXPECT_EQ(d2->second, 9u);
}

class EvidenceLogTest : public ::testing::Test {
 protected:
  EvidenceTestEnv env_;
};

TEST_F(EvidenceLogTest, AppendsChainsAndProves) {
  base::TimePoint t = env_.clock.Now();
  MemoryTree mirror{TreeHasher()};
  for (int i = 0; i < 37; ++i) {
    std::string subject = i % 3 == 0 ? "c_A" : "c_B";
    auto a = env_.log.Append(Ev("contract.viewed", subject, t + std::chrono::seconds(i)));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->index, static_cast<uint64_t>(i));
    EXPECT_EQ(a->leaf_hash, TreeHasher().HashLeaf(EncodeLeaf(a->event, a->previous)));
    mirror.AppendLeafHash(a->leaf_hash);
  }
  auto a_events = *env_.log.EventsFor("c_A");
  ASSERT_EQ(a_events.size(), 13u);
  EXPECT_EQ(a_events[0].previous, -1);
  for (size_t i = 1; i < a_events.size(); ++i) {
    EXPECT_EQ(a_events[i].previous, static_cast<int64_t>(a_events[i - 1].index));
  }
  EXPECT_EQ(*env_.log.Size(), 37u);
  EXPECT_EQ(env_.log.Get(5)->event.subject, "c_B");
  EXPECT_EQ(env_.log.Get(37).status().code(), StatusCode::kNotFound);
  TreeHasher h;
  for (uint64_t n : {1, 2, 16, 17, 36, 37}) {
    Bytes root = *env_.log.Root(n);
    EXPECT_EQ(root, *RootAt(h, mirror, n));
    for (uint64_t m = 0; m < n; m += 5) {
      auto proof = env_.log.InclusionProof(m, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyInclusion(h, m, n, env_.log.Get(m)->leaf_hash, *proof, root).ok());
      auto cons = env_.log.ConsistencyProof(m, n);
      ASSERT_TRUE(cons.ok());
      EXPECT_TRUE(VerifyConsistency(h, m, n, *cons, *env_.log.Root(m), root).ok());
    }
  }
  EXPECT_EQ(env_.log.Root(38).status().code(), StatusCode::kOutOfRange);
  EXPECT_FALSE(env_.log.InclusionProof(37, 37).ok());
  EXPECT_FALSE(env_.log.ConsistencyProof(10, 5).ok());
  EXPECT_FALSE(env_.log.Append(Ev("Bad Type", "c", t)).ok());
  EXPECT_EQ(*env_.log.Size(), 37u);
}

TEST_F(EvidenceLogTest, SignsTimestampedHeads) {
  const crypto::Signer& signer = *env_.log_key.signer;
  // The empty tree gets a head too.
  auto h0 = env_.log.SignHead(signer, env_.tsa_source.get());
  ASSERT_TRUE(h0.ok()) << h0.status();
  EXPECT_EQ(h0->tree_size, 0u);
  EXPECT_EQ(h0->root, TreeHasher().EmptyRoot());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  env_.clock.Advance(std::chrono::seconds(30));
  auto h1 = env_.log.SignHead(signer, env_.tsa_source.get());
  ASSERT_TRUE(h1.ok()) << h1.status();
  EXPECT_EQ(h1->tree_size, 5u);
  EXPECT_EQ(h1->root, *env_.log.Root(5));
  EXPECT_EQ(h1->algorithm, "sm2-sm3");
  EXPECT_EQ(h1->log_id, "test-log");
  EXPECT_EQ(h1->timestamp, env_.clock.Now());
  EXPECT_TRUE(VerifyTreeHeadSignature(*h1, env_.log_key.cert.public_key()).ok());
  EXPECT_FALSE(VerifyTreeHeadSignature(*h1, env_.tsa_key.cert.public_key()).ok());
  auto changed = *h1;
  changed.tree_size = 4;
  EXPECT_FALSE(VerifyTreeHeadSignature(changed, env_.log_key.cert.public_key()).ok());
  // The token covers the signature.
  pki::TimestampVerifyOptions opts;
  opts.anchors = {env_.root.cert};
  opts.intermediates = {env_.ca.cert};
  auto check = pki::VerifyTimestampToken(h1->timestamp_token, crypto::HashAlgorithm::kSm3,
                                         crypto::Sm3(h1->signature), opts);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->valid) << check->problem;
  // No growth: the same head. Growth: a new one, stored and listed.
  auto again = env_.log.SignHead(signer, env_.tsa_source.get());
  EXPECT_EQ(again->signature, h1->signature);
  ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  auto h2 = env_.log.SignHead(signer, nullptr);
  ASSERT_TRUE(h2.ok());
  EXPECT_TRUE(h2->timestamp_token.empty());
  EXPECT_EQ((*env_.log.LatestHead())->tree_size, 6u);
  EXPECT_EQ((*env_.log.HeadAt(5))->signature, h1->signature);
  EXPECT_FALSE(env_.log.HeadAt(4)->has_value());
  EXPECT_EQ((*env_.log.HeadCovering(2))->tree_size, 5u);
  EXPECT_EQ((*env_.log.HeadCovering(5))->tree_size, 6u);
  EXPECT_FALSE(env_.log.HeadCovering(6)->has_value());
  auto heads = *env_.log.ListHeads(0, 10);
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads[0].tree_size, 6u);
  EXPECT_EQ(env_.log.ListHeads(6, 10)->size(), 2u);
  EXPECT_FALSE(env_.log.ListHeads(0, 0).ok());
}

class FailingTsa final : public pki::TimestampSource {
 public:
  StatusOr<Bytes> Timestamp(crypto::HashAlgorithm, ByteView) override {
    return UnavailableError("TSA down");
  }
};

TEST_F(EvidenceLogTest, NoHeadWithoutTheTimestampAndTamperingIsRefused) {
  ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  FailingTsa down;
  auto h = env_.log.SignHead(*env_.log_key.signer, &down);
  EXPECT_EQ(h.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(env_.log.LatestHead()->has_value());
  ASSERT_TRUE(env_.log.SignHead(*env_.log_key.signer, nullptr).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  // Someone rewrites a signed leaf in the store: the next head is refused.
  env_.repo.events[0].leaf_hash[0] ^= 1;
  auto bad = env_.log.SignHead(*env_.log_key.signer, nullptr);
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss) << bad.status();
  // A failing store surfaces as an error and appends nothing.
  env_.repo.fail_appends = true;
  EXPECT_FALSE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
}

TEST_F(EvidenceLogTest, ConcurrentAppendsFromTwoLogsOnOneStore) {
  // Two EvidenceLog objects on one repository stand for two processes on one database.
  EvidenceLog other(env_.repo, "test-log", env_.clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      EvidenceLog& log = t % 2 == 0 ? env_.log : other;
      for (int i = 0; i < 50; ++i) {
        auto a = log.Append(Ev("x", "c_" + std::to_string(t), env_.clock.Now()));
        ASSERT_TRUE(a.ok()) << a.status();
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(*env_.log.Size(), 200u);
  MemoryTree mirror{TreeHasher()};
  for (const auto& e : env_.repo.events) mirror.AppendLeafHash(e.leaf_hash);
  EXPECT_EQ(*env_.log.Root(200), *RootAt(TreeHasher(), mirror, 200));
  for (int t = 0; t < 4; ++t) {
    auto events = *env_.log.EventsFor("c_" + std::to_string(t));
    ASSERT_EQ(events.size(), 50u);
    for (size_t i = 1; i < events.size(); ++i) {
      EXPECT_EQ(events[i].previous, static_cast<int64_t>(events[i - 1].index));
    }
  }
}

TEST_F(EvidenceLogTest, SchedulerSignsAndStopsPromptly) {
  ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  HeadScheduler scheduler(env_.log, *env_.log_key.signer, env_.tsa_source.get(),
                          std::chrono::hours(1));
  scheduler.Start();
  auto start = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(scheduler.ticks(), 1u);
  EXPECT_TRUE(scheduler.last_status().ok()) << scheduler.last_status();
  EXPECT_EQ((*env_.log.LatestHead())->tree_size, 1u);
  ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  ASSERT_TRUE(scheduler.SignNow().ok());
  EXPECT_EQ((*env_.log.LatestHead())->tree_size, 2u);
  FailingTsa down;
  HeadScheduler failing(env_.log, *env_.log_key.signer, &down, std::chrono::hours(1));
  ASSERT_TRUE(env_.log.Append(Ev("x", "c", env_.clock.Now())).ok());
  EXPECT_FALSE(failing.SignNow().ok());
  EXPECT_EQ(failing.last_status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hetong::evidence
