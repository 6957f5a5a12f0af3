// Contracts on a real instance database (migration 0010): the SQL repository's round trip of
// contracts with their parties, optimistic updates, the timeline and the evidence catch-up
// query, listing by visibility, state, title search and "awaiting me", statistics, single-use
// invitations and the archive setting, across a reopen of the instance.

#include <gtest/gtest.h>

#include "contract/flow.h"
#include "crypto/random.h"
#include "store/instance.h"
#include "store/sql_contract.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

using contract::Contract;
using contract::ContractEvent;
using contract::ContractFilter;
using contract::Flow;
using contract::Party;
using contract::State;

const base::TimePoint kStart = base::FromUnixSeconds(1'780'000'000);

Party P(int index, const std::string& person, const std::string& org = "") {
  Party p;
  p.index = index;
  p.person_id = person;
  p.org_id = org;
  p.name = person;
  p.field = {2, 50.25, 60.5, 120, 80.75};
  return p;
}

Contract Make(const std::string& id, const std::string& title, const std::string& creator,
              const std::string& org, Flow flow, std::vector<Party> parties, int minute) {
  Contract c;
  c.id = id;
  c.title = title;
  c.creator_id = creator;
  c.org_id = org;
  c.document_id = "doc-1";
  c.current_sm3 = std::string(64, 'a');
  c.current_blob = std::string(64, 'b');
  c.flow = flow;
  c.parties = std::move(parties);
  c.version = 1;
  c.created_at = kStart + std::chrono::minutes(minute);
  c.updated_at = c.created_at;
  return c;
}

ContractEvent Event(const std::string& id, const std::string& type, int minute) {
  return ContractEvent{id, 0, type, "psn-a", kStart + std::chrono::minutes(minute), "{}", -1};
}

class ContractStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Instance::Init(tmp_.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
    Open();
  }
  void Open() {
    repo_.reset();
    inst_.reset();
    auto inst = Instance::Open(tmp_.File("inst"));
    ASSERT_TRUE(inst.ok()) << inst.status();
    inst_ = std::move(*inst);
    repo_ = std::make_unique<SqlContractRepository>(*inst_);
  }
  std::vector<std::string> Ids(ContractFilter f) {
    auto rows = repo_->List(f);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> ids;
    for (const auto& c : *rows) ids.push_back(c.id);
    return ids;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Instance> inst_;
  std::unique_ptr<SqlContractRepository> repo_;
};

TEST_F(ContractStoreTest, RoundTripOptimisticUpdatesAndTimeline) {
  Contract c = Make("ctr-1", "采购合同", "psn-a", "org-x", Flow::kSequential,
                    {P(0, "psn-a"), P(1, "psn-b", "org-y")}, 0);
  c.deadline = kStart + std::chrono::hours(48);
  c.current_wrapped_key = Bytes(44, 7);
  ASSERT_TRUE(repo_->InsertContract(c, Event("ctr-1", "contract.created", 0)).ok());
  EXPECT_EQ(repo_->InsertContract(c, Event("ctr-1", "contract.created", 0)).code(),
            StatusCode::kAlreadyExists);
  Open();  // durable
  auto got = repo_->GetContract("ctr-1");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  const Contract& g = **got;
  EXPECT_EQ(g.title, "采购合同");
  EXPECT_EQ(g.org_id, "org-x");
  EXPECT_EQ(g.flow, Flow::kSequential);
  EXPECT_EQ(g.state, State::kDraft);
  EXPECT_EQ(g.deadline, c.deadline);
  EXPECT_EQ(g.current_wrapped_key, c.current_wrapped_key);
  ASSERT_EQ(g.parties.size(), 2u);
  EXPECT_EQ(g.parties[1].org_id, "org-y");
  EXPECT_DOUBLE_EQ(g.parties[1].field.x, 50.25);
  EXPECT_DOUBLE_EQ(g.parties[1].field.height, 80.75);
  EXPECT_EQ(g.parties[1].field.page, 2);
  EXPECT_FALSE(repo_->GetContract("ctr-none")->has_value());

  // An update from version 1 to 2 wins; a second one from the same version is refused.
  Contract a = g, b = g;
  ASSERT_TRUE(contract::Send(a, kStart + std::chrono::minutes(1)).ok());
  a.version = 2;
  ASSERT_TRUE(repo_->UpdateContract(a, Event("ctr-1", "contract.sent", 1)).ok());
  ASSERT_TRUE(contract::Revoke(b, "x", kStart + std::chrono::minutes(1)).ok());
  b.version = 2;
  EXPECT_EQ(repo_->UpdateContract(b, Event("ctr-1", "contract.revoked", 1)).code(),
            StatusCode::kAborted);
  EXPECT_EQ((*repo_->GetContract("ctr-1"))->state, State::kSent);

  // The timeline: sequence numbers in order; rows not yet in the log are found by the sweep.
  ASSERT_TRUE(repo_->AddEvent(Event("ctr-1", "contract.viewed", 2)).ok());
  auto events = repo_->Events("ctr-1");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].seq, 1);
  EXPECT_EQ((*events)[2].seq, 3);
  EXPECT_EQ((*events)[2].type, "contract.viewed");
  ASSERT_TRUE(repo_->SetEventLeaf("ctr-1", 1, 0).ok());
  auto pending = repo_->PendingEvents(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].type, "contract.sent");
}

TEST_F(ContractStoreTest, ListsByVisibilityStateSearchAndTurn) {
  // c1: a creates, a then b sign (sequential). c2: b creates for org-y, a signs for org-z.
  // c3: c creates, parallel a and b. c4: another tenant entirely.
  std::vector<Contract> all = {
      Make("ctr-1", "采购合同 100%", "psn-a", "", Flow::kSequential, {P(0, "psn-a"), P(1, "psn-b")},
           1),
      Make("ctr-2", "租赁合同", "psn-b", "org-y", Flow::kSingle, {P(0, "psn-a", "org-z")}, 2),
      Make("ctr-3", "服务合同", "psn-c", "", Flow::kParallel, {P(0, "psn-a"), P(1, "psn-b")}, 3),
      Make("ctr-4", "保密协议", "psn-d", "org-w", Flow::kSingle, {P(0, "psn-d")}, 4)};
  for (auto& c : all) {
    ASSERT_TRUE(contract::Send(c, c.created_at).ok());
    ASSERT_TRUE(repo_->InsertContract(c, Event(c.id, "contract.created", 0)).ok());
  }
  ContractFilter f;
  f.visible_to = "psn-a";
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"ctr-3", "ctr-2", "ctr-1"}));  // newest first
  f.visible_to = "psn-x";
  EXPECT_TRUE(Ids(f).empty());
  f.org_ids = {"org-w"};  // a member of org-w sees its contracts
  EXPECT_EQ(Ids(f), std::vector<std::string>{"ctr-4"});
  f.org_ids = {"org-z"};  // and those where the org is a party
  EXPECT_EQ(Ids(f), std::vector<std::string>{"ctr-2"});

  f = {};
  f.visible_to = "psn-a";
  f.search = "100%";  // LIKE wildcards are literal
  EXPECT_EQ(Ids(f), std::vector<std::string>{"ctr-1"});
  f.search = "合同";
  EXPECT_EQ(Ids(f).size(), 3u);
  f.search = "";
  f.state = State::kCompleted;
  EXPECT_TRUE(Ids(f).empty());
  f.state.reset();
  f.limit = 1;
  EXPECT_EQ(Ids(f).size(), 2u);  // limit + 1: there is a next page
  f.limit = 50;
  f.offset = 2;
  EXPECT_EQ(Ids(f), std::vector<std::string>{"ctr-1"});

  // Awaiting: b waits on ctr-3 (parallel) but not on ctr-1 until a has signed.
  f = {};
  f.visible_to = "psn-b";
  f.awaiting = "psn-b";
  EXPECT_EQ(Ids(f), std::vector<std::string>{"ctr-3"});
  Contract c1 = **repo_->GetContract("ctr-1");
  ASSERT_TRUE(*contract::RecordSignature(c1, 0, "sig-a", "", kStart + std::chrono::hours(1)) ==
              false);
  c1.version = 2;
  ASSERT_TRUE(repo_->UpdateContract(c1, Event("ctr-1", "contract.signed", 60)).ok());
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"ctr-3", "ctr-1"}));

  // Statistics of org-y: one contract, created by it, none signed yet.
  auto stats = repo_->Statistics("org-y");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total, 1);
  EXPECT_EQ(stats->signatures, 0);
  // Overdue: none have deadlines.
  EXPECT_TRUE(repo_->Overdue(kStart + std::chrono::hours(1000), 10)->empty());
}

TEST_F(ContractStoreTest, InvitationsAreSingleUseAndArchiveSettingsPersist) {
  contract::Invitation inv{"hash-1", "ctr-1", 1, kStart, kStart + std::chrono::hours(1)};
  ASSERT_TRUE(repo_->InsertInvitation(inv).ok());
  auto first = repo_->TakeInvitation("hash-1", kStart);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->contract_id, "ctr-1");
  EXPECT_EQ((*first)->party, 1);
  EXPECT_FALSE(repo_->TakeInvitation("hash-1", kStart)->has_value());
  EXPECT_FALSE(repo_->TakeInvitation("hash-2", kStart)->has_value());

  EXPECT_FALSE(*repo_->EncryptedArchive("org-x"));
  ASSERT_TRUE(repo_->SetEncryptedArchive("org-x", true).ok());
  Open();
  EXPECT_TRUE(*repo_->EncryptedArchive("org-x"));
  ASSERT_TRUE(repo_->SetEncryptedArchive("org-x", false).ok());
  EXPECT_FALSE(*repo_->EncryptedArchive("org-x"));
}

}  // namespace
}  // namespace hetong::store
