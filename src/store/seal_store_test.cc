// Seals on a real instance database: the SQL repository (records, pictures, status
// compare-and-set, usage log paging, grant restrictions) and SealService over it with
// identity's repository as the directory, surviving a reopen of the instance.

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "seal/seal_service.h"
#include "store/instance.h"
#include "store/migrations.h"
#include "store/sql_identity.h"
#include "store/sql_seal.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

using seal::Seal;
using seal::SealKind;
using seal::SealStatus;
using seal::SealUse;

const base::TimePoint kStart = base::FromUnixSeconds(1'780'000'000);

Seal MakeSeal(const std::string& id, const std::string& owner, base::TimePoint at) {
  Seal s;
  s.id = id;
  s.owner_id = owner;
  s.kind = SealKind::kCompany;
  s.name = "合同专用章";
  s.seal_code = "1101050012345";
  s.center_text = "合同专用章";
  s.owner_name = "北京某某科技有限公司";
  s.image_sm3 = std::string(64, 'a');
  s.width = 512;
  s.height = 512;
  s.image_size = 3;
  s.created_by = "psn-admin";
  s.created_at = at;
  return s;
}

class SealStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Instance::Init(tmp_.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
    Open();
  }

  void Open() {
    svc_.reset();
    dir_.reset();
    seals_.reset();
    ids_.reset();
    inst_.reset();
    auto inst = Instance::Open(tmp_.File("inst"));
    ASSERT_TRUE(inst.ok()) << inst.status();
    inst_ = std::move(*inst);
    seals_ = std::make_unique<SqlSealRepository>(*inst_);
    ids_ = std::make_unique<SqlIdentityRepository>(*inst_);
    dir_ = std::make_unique<seal::RepositoryDirectory>(*ids_);
    seal::SealSettings settings;
    settings.company_size_px = 160;
    settings.personal_size_px = 64;
    svc_ =
        std::make_unique<seal::SealService>(*seals_, *dir_, clock_, crypto::DefaultRng(), settings);
  }

  identity::Account Account(const std::string& id, identity::AccountKind kind,
                            const std::string& name) {
    identity::Account a;
    a.id = id;
    a.kind = kind;
    a.name = name;
    a.email = kind == identity::AccountKind::kPerson ? id + "@example.com" : "";
    a.id_masked = "masked";
    a.id_sealed = Bytes{1};
    a.id_index = "index-" + id;
    a.verification = "verified";
    a.created_at = a.updated_at = kStart;
    return a;
  }

  // An organisation with an admin and a signer holding grant grt-1, all verified.
  void People() {
    ASSERT_TRUE(
        ids_->InsertAccount(Account("psn-admin", identity::AccountKind::kPerson, "王芳")).ok());
    ASSERT_TRUE(
        ids_->InsertAccount(Account("psn-signer", identity::AccountKind::kPerson, "李小明")).ok());
    ASSERT_TRUE(
        ids_->InsertOrg(Account("org-1", identity::AccountKind::kOrg, "北京某某科技有限公司"),
                        {"org-1", "psn-admin", identity::Role::kAdmin, kStart})
            .ok());
    ASSERT_TRUE(ids_->UpsertMember({"org-1", "psn-signer", identity::Role::kSigner, kStart}).ok());
    identity::Grant g;
    g.id = "grt-1";
    g.org_id = "org-1";
    g.person_id = "psn-signer";
    g.contract_types = {"采购合同"};
    g.granted_by = "psn-admin";
    g.created_at = kStart;
    ASSERT_TRUE(ids_->InsertGrant(g).ok());
  }

  testing::TempDir tmp_;
  base::FakeClock clock_{kStart};
  std::unique_ptr<Instance> inst_;
  std::unique_ptr<SqlSealRepository> seals_;
  std::unique_ptr<SqlIdentityRepository> ids_;
  std::unique_ptr<seal::RepositoryDirectory> dir_;
  std::unique_ptr<seal::SealService> svc_;
};

TEST_F(SealStoreTest, SchemaHasTheSealTables) {
  auto version = inst_->WithConnection([](Connection& c) { return SchemaVersion(c); });
  ASSERT_TRUE(version.ok());
  EXPECT_GE(*version, 9);
}

TEST_F(SealStoreTest, RecordsAndPictures) {
  Seal a = MakeSeal("seal-a", "org-1", kStart);
  Seal b = MakeSeal("seal-b", "org-1", kStart + std::chrono::seconds(1));
  Seal c = MakeSeal("seal-c", "org-2", kStart);
  ASSERT_TRUE(seals_->Insert(a, Bytes{1, 2, 3}).ok());
  ASSERT_TRUE(seals_->Insert(b, Bytes{4, 5}).ok());
  ASSERT_TRUE(seals_->Insert(c, Bytes{6}).ok());
  EXPECT_EQ(seals_->Insert(a, Bytes{1}).code(), StatusCode::kAlreadyExists);

  auto got = seals_->Get("seal-a");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status();
  const Seal& g = **got;
  EXPECT_EQ(g.owner_id, "org-1");
  EXPECT_EQ(g.kind, SealKind::kCompany);
  EXPECT_EQ(g.name, "合同专用章");
  EXPECT_EQ(g.seal_code, "1101050012345");
  EXPECT_EQ(g.center_text, "合同专用章");
  EXPECT_EQ(g.owner_name, "北京某某科技有限公司");
  EXPECT_EQ(g.image_sm3, a.image_sm3);
  EXPECT_EQ(g.width, 512);
  EXPECT_EQ(g.image_size, 3);
  EXPECT_EQ(g.status, SealStatus::kActive);
  EXPECT_FALSE(g.status_changed_at.has_value());
  EXPECT_FALSE(g.revoked_at.has_value());
  EXPECT_EQ(g.created_by, "psn-admin");
  EXPECT_EQ(g.created_at, kStart);
  EXPECT_FALSE(seals_->Get("seal-x")->has_value());

  EXPECT_EQ(**seals_->Image("seal-a"), (Bytes{1, 2, 3}));
  EXPECT_FALSE(seals_->Image("seal-x")->has_value());

  auto list = seals_->ListByOwner("org-1", 10, 0);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "seal-a");
  EXPECT_EQ((*list)[1].id, "seal-b");
  list = seals_->ListByOwner("org-1", 1, 1);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "seal-b");
  EXPECT_EQ(*seals_->CountUnrevoked("org-1"), 2);
  EXPECT_EQ(*seals_->CountUnrevoked("org-3"), 0);
}

TEST_F(SealStoreTest, StatusIsCompareAndSet) {
  ASSERT_TRUE(seals_->Insert(MakeSeal("seal-a", "org-1", kStart), Bytes{1}).ok());
  Seal s = **seals_->Get("seal-a");
  s.status = SealStatus::kSuspended;
  s.status_reason = "audit";
  s.status_changed_by = "psn-admin";
  s.status_changed_at = kStart + std::chrono::milliseconds(1500);
  ASSERT_TRUE(seals_->UpdateStatus(s, SealStatus::kActive).ok());
  // A second writer that read "active" loses.
  Seal stale = s;
  stale.status = SealStatus::kRevoked;
  EXPECT_EQ(seals_->UpdateStatus(stale, SealStatus::kActive).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(seals_->UpdateStatus(MakeSeal("seal-x", "org-1", kStart), SealStatus::kActive).code(),
            StatusCode::kNotFound);

  s.status = SealStatus::kRevoked;
  s.revoked_at = kStart + std::chrono::seconds(2);
  s.revoked_by = "psn-admin";
  s.revoked_reason = "lost";
  ASSERT_TRUE(seals_->UpdateStatus(s, SealStatus::kSuspended).ok());
  Seal back = **seals_->Get("seal-a");
  EXPECT_EQ(back.status, SealStatus::kRevoked);
  EXPECT_EQ(back.status_reason, "audit");
  EXPECT_EQ(back.status_changed_at, kStart + std::chrono::milliseconds(1500));
  EXPECT_EQ(back.revoked_at, kStart + std::chrono::seconds(2));
  EXPECT_EQ(back.revoked_by, "psn-admin");
  EXPECT_EQ(back.revoked_reason, "lost");
  EXPECT_EQ(*seals_->CountUnrevoked("org-1"), 0);
}

TEST_F(SealStoreTest, UsageLogPaging) {
  ASSERT_TRUE(seals_->Insert(MakeSeal("seal-a", "org-1", kStart), Bytes{1}).ok());
  for (int i = 0; i < 7; ++i) {
    SealUse u;
    u.id = "use-" + std::to_string(i);
    u.seal_id = i == 6 ? "seal-b" : "seal-a";
    u.used_at = kStart + std::chrono::seconds(i);
    u.actor_id = "psn-signer";
    u.org_id = "org-1";
    u.grant_id = "grt-1";
    u.contract_id = "ctr-" + std::to_string(i);
    u.subject = "采购合同";
    u.purpose = "contract.sign";
    u.document_digest = "sm3:" + std::string(64, '0');
    ASSERT_TRUE(seals_->InsertUse(u).ok());
  }
  std::vector<std::string> seen;
  for (int64_t offset = 0;; offset += 2) {
    auto page = seals_->ListUses("seal-a", 2, offset);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& u : *page) seen.push_back(u.contract_id);
    if (page->size() < 2) break;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"ctr-5", "ctr-4", "ctr-3", "ctr-2", "ctr-1", "ctr-0"}));
  auto one = seals_->ListUses("seal-b", 10, 0);
  ASSERT_EQ(one->size(), 1u);
  const SealUse& u = (*one)[0];
  EXPECT_EQ(u.id, "use-6");
  EXPECT_EQ(u.used_at, kStart + std::chrono::seconds(6));
  EXPECT_EQ(u.actor_id, "psn-signer");
  EXPECT_EQ(u.org_id, "org-1");
  EXPECT_EQ(u.grant_id, "grt-1");
  EXPECT_EQ(u.subject, "采购合同");
  EXPECT_EQ(u.purpose, "contract.sign");
  EXPECT_EQ(u.document_digest, "sm3:" + std::string(64, '0'));
}

TEST_F(SealStoreTest, GrantRestrictionsAreReplacedWhole) {
  EXPECT_TRUE(seals_->GrantSeals("grt-1")->empty());
  ASSERT_TRUE(seals_->SetGrantSeals("grt-1", {"seal-b", "seal-a", "seal-b"}).ok());
  EXPECT_EQ(*seals_->GrantSeals("grt-1"), (std::vector<std::string>{"seal-a", "seal-b"}));
  ASSERT_TRUE(seals_->SetGrantSeals("grt-2", {"seal-a"}).ok());
  ASSERT_TRUE(seals_->SetGrantSeals("grt-1", {"seal-c"}).ok());
  EXPECT_EQ(*seals_->GrantSeals("grt-1"), (std::vector<std::string>{"seal-c"}));
  ASSERT_TRUE(seals_->SetGrantSeals("grt-1", {}).ok());
  EXPECT_TRUE(seals_->GrantSeals("grt-1")->empty());
  EXPECT_EQ(*seals_->GrantSeals("grt-2"), (std::vector<std::string>{"seal-a"}));
}

TEST_F(SealStoreTest, ServiceEndToEndSurvivesAReopen) {
  People();
  seal::GenerateRequest r;
  r.center_text = "合同专用章";
  auto contract = svc_->CreateGenerated("psn-admin", "org-1", r);
  ASSERT_TRUE(contract.ok()) << contract.status();
  r.center_text = "财务专用章";
  clock_.Advance(std::chrono::seconds(1));  // listed oldest first
  auto finance = svc_->CreateGenerated("psn-admin", "org-1", r);
  ASSERT_TRUE(finance.ok()) << finance.status();
  EXPECT_EQ(svc_->CreateGenerated("psn-signer", "org-1", r).status().code(),
            StatusCode::kPermissionDenied);

  // The grant covers contracts of its type, first all seals, then only the contract seal.
  auto ok = svc_->Authorize("psn-signer", finance->id, "采购合同");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->grant_id, "grt-1");
  EXPECT_EQ(svc_->Authorize("psn-signer", finance->id, "劳动合同").status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {contract->id}).ok());
  EXPECT_EQ(svc_->Authorize("psn-signer", finance->id, "采购合同").status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->Authorize("psn-signer", contract->id, "采购合同").ok());

  SealUse use;
  use.seal_id = contract->id;
  use.actor_id = "psn-signer";
  use.grant_id = "grt-1";
  use.contract_id = "ctr-1";
  use.purpose = "contract.sign";
  use.document_digest = "sm3:" + base::HexEncode(crypto::Sm3(AsBytes(std::string("doc"))));
  ASSERT_TRUE(svc_->RecordUse(use).ok());
  ASSERT_TRUE(svc_->SetStatus("psn-admin", finance->id, SealStatus::kRevoked, "不再使用").ok());
  auto mine = svc_->MySeals("psn-signer", 10, 0);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].name, "李小明印");

  Open();
  auto seals = svc_->List("psn-signer", "org-1", 10, 0);
  ASSERT_TRUE(seals.ok()) << seals.status();
  ASSERT_EQ(seals->size(), 2u);
  EXPECT_EQ((*seals)[1].status, SealStatus::kRevoked);
  EXPECT_EQ((*seals)[1].revoked_reason, "不再使用");
  auto png = svc_->Image("psn-signer", contract->id);
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(base::HexEncode(crypto::Sm3(*png)), contract->image_sm3);
  auto log = svc_->Usage("psn-admin", contract->id, 10, 0);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].org_id, "org-1");
  EXPECT_EQ((*log)[0].contract_id, "ctr-1");
  EXPECT_EQ(*svc_->GrantSeals("psn-admin", "org-1", "grt-1"),
            std::vector<std::string>{contract->id});
  // The personal seal made on the first call is the default from then on.
  auto again = svc_->EnsurePersonalSeal("psn-signer");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, (*mine)[0].id);
}

}  // namespace
}  // namespace hetong::store
