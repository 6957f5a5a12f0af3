#include "contract/flow.h"

#include <gtest/gtest.h>

namespace hetong::contract {
namespace {

base::TimePoint At(int seconds) { return base::TimePoint{} + std::chrono::seconds(seconds); }

Party P(int index, std::string person, std::string org = "") {
  Party p;
  p.index = index;
  p.person_id = std::move(person);
  p.org_id = std::move(org);
  p.field = {1, 50, 50, 120, 60};
  return p;
}

Contract Make(Flow flow, std::vector<Party> parties) {
  Contract c;
  c.id = "ctr-1";
  c.flow = flow;
  c.parties = std::move(parties);
  return c;
}

TEST(FlowTest, NamesRoundTrip) {
  for (Flow f : {Flow::kSequential, Flow::kParallel, Flow::kSingle}) {
    EXPECT_EQ(*ParseFlow(FlowName(f)), f);
  }
  for (State s : {State::kDraft, State::kSent, State::kPartiallySigned, State::kCompleted,
                  State::kRejected, State::kRevoked, State::kExpired}) {
    EXPECT_EQ(*ParseState(StateName(s)), s);
  }
  EXPECT_FALSE(ParseFlow("random").ok());
  EXPECT_FALSE(ParseState("signed").ok());
}

TEST(FlowTest, ValidatesParties) {
  EXPECT_TRUE(ValidateParties(Flow::kSequential, {P(0, "a"), P(1, "b"), P(2, "a", "org")}).ok());
  EXPECT_FALSE(ValidateParties(Flow::kSequential, {}).ok());
  EXPECT_FALSE(ValidateParties(Flow::kSingle, {P(0, "a"), P(1, "b")}).ok());
  EXPECT_FALSE(ValidateParties(Flow::kParallel, {P(0, "a"), P(1, "a")}).ok());
  Party bad = P(0, "a");
  bad.field.width = 5;
  EXPECT_FALSE(ValidateParties(Flow::kSingle, {bad}).ok());
  bad = P(0, "a");
  bad.field.x = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(ValidateParties(Flow::kSingle, {bad}).ok());
  bad = P(0, "a");
  bad.field.page = 0;
  EXPECT_FALSE(ValidateParties(Flow::kSingle, {bad}).ok());
  std::vector<Party> many;
  for (int i = 0; i < 21; ++i) many.push_back(P(i, "p" + std::to_string(i)));
  EXPECT_FALSE(ValidateParties(Flow::kParallel, many).ok());
}

TEST(FlowTest, SequentialGoesInOrder) {
  Contract c = Make(Flow::kSequential, {P(0, "a"), P(1, "b", "org")});
  EXPECT_TRUE(PartiesToSign(c).empty());  // a draft
  EXPECT_EQ(SigningParty(c, "a", -1).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Send(c, At(1)).ok());
  EXPECT_EQ(c.state, State::kSent);
  EXPECT_FALSE(Send(c, At(2)).ok());  // only once
  EXPECT_EQ(PartiesToSign(c), std::vector<int>{0});
  // b signs out of turn: refused, with the reason.
  auto out_of_turn = SigningParty(c, "b", -1);
  EXPECT_EQ(out_of_turn.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(out_of_turn.status().message().find("not your turn"), std::string::npos);
  EXPECT_FALSE(RecordSignature(c, 1, "sig-b", "", At(3)).ok());
  EXPECT_EQ(SigningParty(c, "z", -1).status().code(), StatusCode::kPermissionDenied);
  ASSERT_EQ(*SigningParty(c, "a", -1), 0);
  EXPECT_FALSE(*RecordSignature(c, 0, "sig-a", "seal-a", At(4)));
  EXPECT_EQ(c.state, State::kPartiallySigned);
  // a signs again: refused.
  EXPECT_EQ(SigningParty(c, "a", -1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(RecordSignature(c, 0, "sig-a2", "", At(5)).ok());
  ASSERT_EQ(*SigningParty(c, "b", -1), 1);
  EXPECT_TRUE(*RecordSignature(c, 1, "sig-b", "seal-o", At(6)));
  EXPECT_EQ(c.state, State::kCompleted);
  EXPECT_EQ(c.completed_at, At(6));
  EXPECT_FALSE(Revoke(c, "late", At(7)).ok());
  EXPECT_FALSE(Reject(c, 1, "late", At(7)).ok());
}

TEST(FlowTest, ParallelAnyOrderAndExplicitParty) {
  Contract c = Make(Flow::kParallel, {P(0, "a"), P(1, "b"), P(2, "a", "org")});
  ASSERT_TRUE(Send(c, At(1)).ok());
  EXPECT_EQ(PartiesToSign(c), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(*SigningParty(c, "a", 2), 2);
  EXPECT_EQ(SigningParty(c, "a", 1).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SigningParty(c, "a", 7).status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(*RecordSignature(c, 2, "s2", "", At(2)));
  EXPECT_EQ(*SigningParty(c, "a", -1), 0);  // a's remaining party
  EXPECT_FALSE(*RecordSignature(c, 1, "s1", "", At(3)));
  EXPECT_TRUE(*RecordSignature(c, 0, "s0", "", At(4)));
}

TEST(FlowTest, RejectRevokeExpire) {
  Contract c = Make(Flow::kSequential, {P(0, "a"), P(1, "b")});
  EXPECT_FALSE(Reject(c, 0, "no", At(1)).ok());  // a draft cannot be rejected
  ASSERT_TRUE(Revoke(c, "changed my mind", At(1)).ok());
  EXPECT_EQ(c.state, State::kRevoked);
  EXPECT_FALSE(Revoke(c, "again", At(2)).ok());

  c = Make(Flow::kSequential, {P(0, "a"), P(1, "b")});
  ASSERT_TRUE(Send(c, At(1)).ok());
  EXPECT_FALSE(Reject(c, 1, "not my turn", At(2)).ok());
  ASSERT_TRUE(Reject(c, 0, "wrong price", At(2)).ok());
  EXPECT_EQ(c.state, State::kRejected);
  EXPECT_EQ(c.reason, "wrong price");
  EXPECT_EQ(c.parties[0].status, "rejected");

  c = Make(Flow::kParallel, {P(0, "a")});
  c.deadline = At(100);
  EXPECT_FALSE(Send(c, At(100)).ok());  // the deadline has passed
  ASSERT_TRUE(Send(c, At(10)).ok());
  EXPECT_FALSE(Overdue(c, At(99)));
  EXPECT_FALSE(Expire(c, At(99)).ok());
  EXPECT_TRUE(Overdue(c, At(100)));
  ASSERT_TRUE(Expire(c, At(100)).ok());
  EXPECT_EQ(c.state, State::kExpired);
  EXPECT_TRUE(IsFinal(c.state));
  EXPECT_TRUE(PartiesToSign(c).empty());
}

}  // namespace
}  // namespace hetong::contract
