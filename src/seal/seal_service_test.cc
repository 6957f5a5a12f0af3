// SealService against an in-memory repository and directory: who creates, sees, manages
// and uses seals; status transitions; grant restrictions; the usage log. The SQL
// repository is tested in store/seal_store_test.cc.

#include "seal/seal_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "seal/memory_repository.h"

namespace hetong::seal {
namespace {

using identity::AccountKind;
using identity::Grant;
using identity::Role;

const base::TimePoint kStart = base::FromUnixSeconds(1'780'000'000);

class SealServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddAccount("org-1", AccountKind::kOrg, "北京某某科技有限公司");
    AddAccount("org-2", AccountKind::kOrg, "上海另一家贸易有限公司");
    AddAccount("psn-admin", AccountKind::kPerson, "王芳");
    AddAccount("psn-signer", AccountKind::kPerson, "李小明");
    AddAccount("psn-viewer", AccountKind::kPerson, "赵六");
    AddAccount("psn-other", AccountKind::kPerson, "张三");
    AddAccount("psn-latin", AccountKind::kPerson, "Alice Smith");
    AddMember("org-1", "psn-admin", Role::kAdmin);
    AddMember("org-1", "psn-signer", Role::kSigner);
    AddMember("org-1", "psn-viewer", Role::kViewer);
    AddMember("org-2", "psn-other", Role::kAdmin);
    settings_.company_size_px = 200;  // quicker than the default; the layout is the same
    settings_.personal_size_px = 96;
    svc_ = std::make_unique<SealService>(repo_, dir_, clock_, crypto::DefaultRng(), settings_);
  }

  void AddAccount(const std::string& id, AccountKind kind, const std::string& name) {
    dir_.AddAccount(id, kind, name);
  }
  void AddMember(const std::string& org, const std::string& person, Role role) {
    dir_.AddMember(org, person, role);
  }
  Grant& AddGrant(const std::string& id, const std::string& person,
                  std::vector<std::string> types = {}) {
    Grant g;
    g.id = id;
    g.org_id = "org-1";
    g.person_id = person;
    g.contract_types = std::move(types);
    g.granted_by = "psn-admin";
    g.created_at = clock_.Now();
    return dir_.AddGrant(std::move(g));
  }
  Seal CompanySeal(const std::string& center = "合同专用章") {
    GenerateRequest r;
    r.center_text = center;
    auto s = svc_->CreateGenerated("psn-admin", "org-1", r);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : Seal{};
  }

  base::FakeClock clock_{kStart};
  MemorySealRepository repo_;
  MemoryDirectory dir_;
  SealSettings settings_;
  std::unique_ptr<SealService> svc_;
};

TEST_F(SealServiceTest, GeneratesACompanySealFromTheVerifiedName) {
  GenerateRequest r;
  r.center_text = "合同专用章";
  r.seal_code = "1101050012345";
  auto s = svc_->CreateGenerated("psn-admin", "org-1", r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->id.starts_with("seal-"));
  EXPECT_EQ(s->id.size(), 5u + 24u);
  EXPECT_EQ(s->kind, SealKind::kCompany);
  EXPECT_EQ(s->name, "合同专用章");
  EXPECT_EQ(s->seal_code, "1101050012345");
  EXPECT_EQ(s->owner_name, "北京某某科技有限公司");
  EXPECT_EQ(s->status, SealStatus::kActive);
  EXPECT_EQ(s->created_by, "psn-admin");
  EXPECT_EQ(s->created_at, kStart);
  EXPECT_EQ(s->width, 200);
  EXPECT_EQ(s->height, 200);

  auto png = svc_->Image("psn-signer", s->id);  // every member sees the picture
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(base::HexEncode(crypto::Sm3(*png)), s->image_sm3);
  EXPECT_EQ(static_cast<int64_t>(png->size()), s->image_size);
  auto image = document::pdf::DecodePng(*png);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->width, 200);

  // Without a title the seal is the official seal (公章); a display name wins.
  auto plain = svc_->CreateGenerated("psn-admin", "org-1", {});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->name, "公章");
  GenerateRequest named;
  named.name = "  财务章 ";
  named.center_text = "财务专用章";
  auto finance = svc_->CreateGenerated("psn-admin", "org-1", named);
  ASSERT_TRUE(finance.ok()) << finance.status();
  EXPECT_EQ(finance->name, "财务章");
}

TEST_F(SealServiceTest, BadGenerateRequests) {
  GenerateRequest bad_code;
  bad_code.seal_code = "12345";
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", bad_code).status().code(),
            StatusCode::kInvalidArgument);
  GenerateRequest bad_name;
  bad_name.name = "a\x01b";
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", bad_name).status().code(),
            StatusCode::kInvalidArgument);
  bad_name.name = std::string(33, 'x');
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", bad_name).status().code(),
            StatusCode::kInvalidArgument);
  bad_name.name = "\xE5\x90";  // truncated UTF-8
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", bad_name).status().code(),
            StatusCode::kInvalidArgument);
  // A person's seal has no title or code.
  GenerateRequest titled;
  titled.center_text = "合同专用章";
  EXPECT_EQ(svc_->CreateGenerated("psn-other", "psn-other", titled).status().code(),
            StatusCode::kInvalidArgument);
  // A name longer than the ring holds.
  AddAccount("org-long", AccountKind::kOrg,
             "中华人民共和国某某省某某市某某区某某街道某某科技发展有限责任公司");
  AddMember("org-long", "psn-admin", Role::kAdmin);
  auto s = svc_->CreateGenerated("psn-admin", "org-long", {});
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("upload"), std::string::npos);
}

TEST_F(SealServiceTest, WhoMayCreateSeals) {
  // A signer or viewer of the organisation: not allowed; a stranger: not found.
  EXPECT_EQ(svc_->CreateGenerated("psn-signer", "org-1", {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->CreateGenerated("psn-viewer", "org-1", {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->CreateGenerated("psn-other", "org-1", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-nope", {}).status().code(),
            StatusCode::kNotFound);
  // Another person's name seal.
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "psn-other", {}).status().code(),
            StatusCode::kNotFound);
  // A seal manager may.
  AddMember("org-1", "psn-signer", Role::kSealManager);
  EXPECT_TRUE(svc_->CreateGenerated("psn-signer", "org-1", {}).ok());
  // Unverified or deregistered owners may not.
  dir_.accounts["org-1"].verification = "pending";
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", {}).status().code(),
            StatusCode::kFailedPrecondition);
  dir_.accounts["org-1"].verification = "verified";
  dir_.accounts["org-1"].status = "deregistered";
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", {}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SealServiceTest, PersonalSeals) {
  auto s = svc_->CreateGenerated("psn-signer", "psn-signer", {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->kind, SealKind::kPersonal);
  EXPECT_EQ(s->name, "李小明印");
  EXPECT_EQ(s->width, 96);
  // Only the person sees it.
  EXPECT_TRUE(svc_->Get("psn-signer", s->id).ok());
  EXPECT_EQ(svc_->Get("psn-admin", s->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->Image("psn-admin", s->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->List("psn-admin", "psn-signer", 10, 0).status().code(), StatusCode::kNotFound);
  // Names that are not 2-4 Chinese characters upload a picture instead.
  auto latin = svc_->CreateGenerated("psn-latin", "psn-latin", {});
  EXPECT_EQ(latin.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(latin.status().message().find("upload"), std::string::npos);
}

TEST_F(SealServiceTest, EnsurePersonalSealMakesOneOnce) {
  auto first = svc_->EnsurePersonalSeal("psn-other");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name, "张三之印");
  EXPECT_EQ(first->created_by, "psn-other");
  auto again = svc_->EnsurePersonalSeal("psn-other");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);

  // Suspended: the person decides; nothing new is made behind their back.
  ASSERT_TRUE(svc_->SetStatus("psn-other", first->id, SealStatus::kSuspended, "").ok());
  EXPECT_EQ(svc_->EnsurePersonalSeal("psn-other").status().code(), StatusCode::kFailedPrecondition);
  // Revoked: a new one.
  ASSERT_TRUE(svc_->SetStatus("psn-other", first->id, SealStatus::kRevoked, "lost").ok());
  auto fresh = svc_->EnsurePersonalSeal("psn-other");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(fresh->id, first->id);

  EXPECT_EQ(svc_->EnsurePersonalSeal("org-1").status().code(), StatusCode::kNotFound);
  dir_.accounts["psn-viewer"].verification = "none";
  EXPECT_EQ(svc_->EnsurePersonalSeal("psn-viewer").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(SealServiceTest, MySealsCreatesThePersonalSealWhenItCan) {
  auto mine = svc_->MySeals("psn-signer", 10, 0);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].kind, SealKind::kPersonal);
  mine = svc_->MySeals("psn-signer", 10, 0);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->size(), 1u);
  // A name that cannot be drawn, or no verification: the list as it is.
  auto latin = svc_->MySeals("psn-latin", 10, 0);
  ASSERT_TRUE(latin.ok()) << latin.status();
  EXPECT_TRUE(latin->empty());
  dir_.accounts["psn-viewer"].verification = "pending";
  auto unverified = svc_->MySeals("psn-viewer", 10, 0);
  ASSERT_TRUE(unverified.ok()) << unverified.status();
  EXPECT_TRUE(unverified->empty());
}

TEST_F(SealServiceTest, ListsTheOwnersSeals) {
  Seal a = CompanySeal();
  Seal b = CompanySeal("财务专用章");
  for (const char* who : {"psn-admin", "psn-signer", "psn-viewer"}) {
    auto list = svc_->List(who, "org-1", 10, 0);
    ASSERT_TRUE(list.ok()) << list.status();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, a.id);
    EXPECT_EQ((*list)[1].id, b.id);
  }
  auto page = svc_->List("psn-admin", "org-1", 1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, b.id);
  EXPECT_EQ(svc_->List("psn-other", "org-1", 10, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->Get("psn-other", a.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->Get("psn-admin", "seal-nope").status().code(), StatusCode::kNotFound);
}

TEST_F(SealServiceTest, UploadsAPicture) {
  document::pdf::RgbaImage image{64, 64, Bytes(64 * 64 * 4, 255)};
  for (int y = 16; y < 48; ++y) {
    for (int x = 16; x < 48; ++x) {
      uint8_t* p = &image.rgba[(static_cast<size_t>(y) * 64 + x) * 4];
      p[0] = 0xC0;
      p[1] = 0;
      p[2] = 0x10;
    }
  }
  UploadRequest r;
  r.png = *document::pdf::EncodePng(image);
  r.name = "手写签名";
  auto s = svc_->Upload("psn-admin", "org-1", r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->kind, SealKind::kUploaded);
  EXPECT_EQ(s->name, "手写签名");
  auto png = svc_->Image("psn-admin", s->id);
  ASSERT_TRUE(png.ok());
  auto back = document::pdf::DecodePng(*png);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->rgba[3], 0);  // the white corner is transparent now
  EXPECT_EQ(back->rgba[(32 * 64 + 32) * 4 + 3], 255);

  auto personal = svc_->Upload("psn-latin", "psn-latin", r);
  ASSERT_TRUE(personal.ok()) << personal.status();
  EXPECT_EQ(svc_->Upload("psn-signer", "org-1", r).status().code(), StatusCode::kPermissionDenied);
  r.png = Bytes{1, 2, 3};
  EXPECT_EQ(svc_->Upload("psn-admin", "org-1", r).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SealServiceTest, DamagedPictureIsNotServed) {
  Seal s = CompanySeal();
  repo_.DamageImage(s.id);
  EXPECT_EQ(svc_->Image("psn-admin", s.id).status().code(), StatusCode::kDataLoss);
}

TEST_F(SealServiceTest, OwnersHaveALimitedNumberOfSeals) {
  settings_.max_seals_per_owner = 2;
  svc_ = std::make_unique<SealService>(repo_, dir_, clock_, crypto::DefaultRng(), settings_);
  Seal a = CompanySeal();
  CompanySeal();
  EXPECT_EQ(svc_->CreateGenerated("psn-admin", "org-1", {}).status().code(),
            StatusCode::kResourceExhausted);
  ASSERT_TRUE(svc_->SetStatus("psn-admin", a.id, SealStatus::kRevoked, "replaced").ok());
  EXPECT_TRUE(svc_->CreateGenerated("psn-admin", "org-1", {}).ok());
}

TEST_F(SealServiceTest, StatusTransitions) {
  Seal s = CompanySeal();
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(svc_->SetStatus("psn-signer", s.id, SealStatus::kSuspended, "").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->SetStatus("psn-other", s.id, SealStatus::kSuspended, "").status().code(),
            StatusCode::kNotFound);

  auto suspended = svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "audit");
  ASSERT_TRUE(suspended.ok()) << suspended.status();
  EXPECT_EQ(suspended->status, SealStatus::kSuspended);
  EXPECT_EQ(suspended->status_reason, "audit");
  EXPECT_EQ(suspended->status_changed_by, "psn-admin");
  EXPECT_EQ(suspended->status_changed_at, kStart + std::chrono::seconds(10));
  EXPECT_EQ(svc_->Get("psn-viewer", s.id)->status, SealStatus::kSuspended);

  // The same status again changes nothing.
  clock_.Advance(std::chrono::seconds(5));
  auto same = svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "again");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->status_reason, "audit");

  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kActive, "").ok());
  EXPECT_EQ(svc_->SetStatus("psn-admin", s.id, SealStatus::kRevoked, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->SetStatus("psn-admin", s.id, SealStatus::kRevoked, "a\nb").status().code(),
            StatusCode::kInvalidArgument);
  auto revoked = svc_->SetStatus("psn-admin", s.id, SealStatus::kRevoked, "lost");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoked_by, "psn-admin");
  EXPECT_EQ(revoked->revoked_reason, "lost");
  EXPECT_EQ(revoked->revoked_at, kStart + std::chrono::seconds(15));
  auto back = svc_->SetStatus("psn-admin", s.id, SealStatus::kActive, "");
  EXPECT_EQ(back.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kRevoked, "twice").ok());
  EXPECT_EQ(svc_->Get("psn-admin", s.id)->revoked_reason, "lost");
  // Kept, with its picture.
  EXPECT_TRUE(svc_->Image("psn-admin", s.id).ok());

  EXPECT_TRUE(TransitionAllowed(SealStatus::kSuspended, SealStatus::kRevoked));
  EXPECT_FALSE(TransitionAllowed(SealStatus::kRevoked, SealStatus::kSuspended));
}

TEST_F(SealServiceTest, PersonalSealIsUsedOnlyByItsOwner) {
  auto s = svc_->EnsurePersonalSeal("psn-signer");
  ASSERT_TRUE(s.ok());
  auto ok = svc_->Authorize("psn-signer", s->id, "");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->seal.id, s->id);
  EXPECT_EQ(ok->grant_id, "");
  EXPECT_EQ(svc_->Authorize("psn-admin", s->id, "").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->SetStatus("psn-signer", s->id, SealStatus::kSuspended, "").ok());
  EXPECT_EQ(svc_->Authorize("psn-signer", s->id, "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc_->Authorize("psn-signer", "seal-nope", "").status().code(), StatusCode::kNotFound);
}

TEST_F(SealServiceTest, OrganisationSealNeedsAnActiveGrant) {
  Seal s = CompanySeal();
  auto denied = svc_->Authorize("psn-signer", s.id, "采购合同");
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("no grant"), std::string::npos) << denied.status();
  EXPECT_EQ(svc_->Authorize("psn-other", s.id, "").status().code(), StatusCode::kPermissionDenied);

  AddGrant("grt-1", "psn-signer");
  auto ok = svc_->Authorize("psn-signer", s.id, "采购合同");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->grant_id, "grt-1");
  EXPECT_TRUE(svc_->Authorize("psn-signer", s.id, "").ok());

  // Viewers never, even with a grant.
  AddGrant("grt-v", "psn-viewer");
  EXPECT_EQ(svc_->Authorize("psn-viewer", s.id, "").status().code(), StatusCode::kPermissionDenied);

  // A suspended seal, a deregistered organisation.
  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "").ok());
  auto suspended = svc_->Authorize("psn-signer", s.id, "");
  EXPECT_EQ(suspended.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(suspended.status().message().find("suspended"), std::string::npos);
  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kActive, "").ok());
  dir_.accounts["org-1"].status = "deregistered";
  EXPECT_EQ(svc_->Authorize("psn-signer", s.id, "").status().code(),
            StatusCode::kFailedPrecondition);
  dir_.accounts["org-1"].status = "active";

  // Revoked and expired grants do not count.
  dir_.grants[0].revoked_at = clock_.Now();
  EXPECT_EQ(svc_->Authorize("psn-signer", s.id, "").status().code(), StatusCode::kPermissionDenied);
  Grant& expiring = AddGrant("grt-2", "psn-signer");
  expiring.not_after = clock_.Now() + std::chrono::hours(1);
  EXPECT_TRUE(svc_->Authorize("psn-signer", s.id, "").ok());
  clock_.Advance(std::chrono::hours(1));
  auto expired = svc_->Authorize("psn-signer", s.id, "");
  EXPECT_EQ(expired.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(expired.status().message().find("expired"), std::string::npos) << expired.status();
}

TEST_F(SealServiceTest, GrantsLimitedToContractTypes) {
  Seal s = CompanySeal();
  AddGrant("grt-1", "psn-signer", {"采购合同", "劳动合同"});
  EXPECT_TRUE(svc_->Authorize("psn-signer", s.id, "劳动合同").ok());
  auto other = svc_->Authorize("psn-signer", s.id, "租赁合同");
  EXPECT_EQ(other.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find("type"), std::string::npos);
  EXPECT_EQ(svc_->Authorize("psn-signer", s.id, "").status().code(), StatusCode::kPermissionDenied);
  // A second, unlimited grant covers the rest.
  AddGrant("grt-2", "psn-signer");
  auto any = svc_->Authorize("psn-signer", s.id, "租赁合同");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->grant_id, "grt-2");
  EXPECT_EQ(svc_->Authorize("psn-signer", s.id, "劳动合同")->grant_id, "grt-1");
}

TEST_F(SealServiceTest, GrantsRestrictedToSeals) {
  Seal contract = CompanySeal();
  Seal finance = CompanySeal("财务专用章");
  AddGrant("grt-1", "psn-signer");
  EXPECT_TRUE(svc_->Authorize("psn-signer", finance.id, "").ok());

  auto set = svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {contract.id, contract.id});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, std::vector<std::string>{contract.id});
  EXPECT_EQ(*svc_->GrantSeals("psn-admin", "org-1", "grt-1"),
            std::vector<std::string>{contract.id});
  EXPECT_EQ(*svc_->GrantSeals("psn-signer", "org-1", "grt-1"),
            std::vector<std::string>{contract.id});  // the grantee sees their own grant
  EXPECT_TRUE(svc_->Authorize("psn-signer", contract.id, "").ok());
  auto denied = svc_->Authorize("psn-signer", finance.id, "");
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("other seals"), std::string::npos);

  // Revoking the only listed seal does not widen the grant.
  ASSERT_TRUE(svc_->SetStatus("psn-admin", contract.id, SealStatus::kRevoked, "old").ok());
  EXPECT_EQ(svc_->Authorize("psn-signer", finance.id, "").status().code(),
            StatusCode::kPermissionDenied);

  // An empty list lifts the restriction.
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {}).ok());
  EXPECT_TRUE(svc_->Authorize("psn-signer", finance.id, "").ok());
}

// Creating, suspending, revoking and restricting reach the audit hook (the owner's trail in
// the evidence log) with valid JSON details; refused and no-op steps do not.
TEST_F(SealServiceTest, StepsReachTheAuditHook) {
  struct Step {
    std::string type, subject, actor;
    nlohmann::json details;
  };
  std::vector<Step> steps;
  svc_->SetAudit([&](const std::string& type, const std::string& subject, const std::string& actor,
                     const std::string& details) {
    steps.push_back({type, subject, actor, nlohmann::json::parse(details)});
  });
  Seal s = CompanySeal("合同专用章");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].type, "seal.created");
  EXPECT_EQ(steps[0].subject, "org-1");
  EXPECT_EQ(steps[0].actor, "psn-admin");
  EXPECT_EQ(steps[0].details["seal_id"], s.id);
  EXPECT_EQ(steps[0].details["kind"], "company");
  EXPECT_EQ(steps[0].details["name"], s.name);
  EXPECT_EQ(steps[0].details["image_sm3"], s.image_sm3);

  EXPECT_FALSE(svc_->SetStatus("psn-signer", s.id, SealStatus::kSuspended, "").ok());
  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "盘点 \"季度\" \\").ok());
  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kSuspended, "again").ok());  // no-op
  ASSERT_TRUE(svc_->SetStatus("psn-admin", s.id, SealStatus::kRevoked, "lost").ok());
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[1].type, "seal.status_changed");
  EXPECT_EQ(steps[1].details["status"], "suspended");
  EXPECT_EQ(steps[1].details["reason"], "盘点 \"季度\" \\");
  EXPECT_EQ(steps[2].details["status"], "revoked");
  EXPECT_EQ(steps[2].details["reason"], "lost");

  Seal finance = CompanySeal("财务专用章");
  AddGrant("grt-1", "psn-signer");
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {finance.id}).ok());
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {finance.id}).ok());  // no-op
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {}).ok());
  ASSERT_TRUE(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {}).ok());  // no-op
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[4].type, "grant.seals_restricted");
  EXPECT_EQ(steps[4].subject, "org-1");
  EXPECT_EQ(steps[4].details["grant_id"], "grt-1");
  EXPECT_EQ(steps[4].details["person_id"], "psn-signer");
  EXPECT_EQ(steps[4].details["seal_ids"], nlohmann::json::array({finance.id}));
  EXPECT_EQ(steps[5].details["seal_ids"], nlohmann::json::array());

  // A person's own seal is on the person's trail.
  auto mine = svc_->EnsurePersonalSeal("psn-signer");
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(steps.size(), 7u);
  EXPECT_EQ(steps[6].subject, "psn-signer");
  EXPECT_EQ(steps[6].details["kind"], "personal");
}

TEST_F(SealServiceTest, BadRestrictions) {
  Seal s = CompanySeal();
  AddGrant("grt-1", "psn-signer");
  EXPECT_EQ(svc_->RestrictGrant("psn-signer", "org-1", "grt-1", {s.id}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->RestrictGrant("psn-other", "org-1", "grt-1", {s.id}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(svc_->RestrictGrant("psn-admin", "org-1", "grt-nope", {s.id}).status().code(),
            StatusCode::kNotFound);
  // Another organisation's seal or grant.
  GenerateRequest r;
  auto foreign = svc_->CreateGenerated("psn-other", "org-2", r);
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_EQ(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {foreign->id}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(svc_->RestrictGrant("psn-other", "org-2", "grt-1", {foreign->id}).status().code(),
            StatusCode::kNotFound);
  Seal gone = CompanySeal();
  ASSERT_TRUE(svc_->SetStatus("psn-admin", gone.id, SealStatus::kRevoked, "x").ok());
  EXPECT_EQ(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {gone.id}).status().code(),
            StatusCode::kFailedPrecondition);
  dir_.grants[0].revoked_at = clock_.Now();
  EXPECT_EQ(svc_->RestrictGrant("psn-admin", "org-1", "grt-1", {s.id}).status().code(),
            StatusCode::kFailedPrecondition);
  // Another member's grant is not the viewer's business.
  AddGrant("grt-2", "psn-admin");
  EXPECT_EQ(svc_->GrantSeals("psn-viewer", "org-1", "grt-2").status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(SealServiceTest, UsageLog) {
  Seal s = CompanySeal();
  AddGrant("grt-1", "psn-signer");
  std::string digest = "sm3:" + std::string(64, 'a');
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(std::chrono::seconds(1));
    SealUse use;
    use.seal_id = s.id;
    use.actor_id = "psn-signer";
    use.grant_id = "grt-1";
    use.contract_id = "ctr-" + std::to_string(i);
    use.subject = "采购合同 第" + std::to_string(i) + "号";
    use.purpose = "contract.sign";
    use.document_digest = digest;
    auto rec = svc_->RecordUse(use);
    ASSERT_TRUE(rec.ok()) << rec.status();
    EXPECT_TRUE(rec->id.starts_with("use-"));
    EXPECT_EQ(rec->org_id, "org-1");
    EXPECT_EQ(rec->used_at, clock_.Now());
  }
  auto page = svc_->Usage("psn-admin", s.id, 2, 0);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].contract_id, "ctr-4");
  EXPECT_EQ((*page)[1].contract_id, "ctr-3");
  page = svc_->Usage("psn-admin", s.id, 10, 4);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].contract_id, "ctr-0");
  EXPECT_EQ(svc_->Usage("psn-signer", s.id, 10, 0).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Usage("psn-other", s.id, 10, 0).status().code(), StatusCode::kNotFound);

  SealUse bad;
  bad.seal_id = s.id;
  bad.actor_id = "psn-signer";
  bad.purpose = "Contract Sign";
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kInvalidArgument);
  bad.purpose = "contract.sign";
  bad.document_digest = "md5:abc";
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kInvalidArgument);
  bad.document_digest = "sm3:" + std::string(64, 'A');
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kInvalidArgument);
  bad.document_digest = "";
  bad.subject = "x\x7f";
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kInvalidArgument);
  bad.subject = "";
  bad.actor_id = "";
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kInvalidArgument);
  bad.actor_id = "psn-signer";
  bad.seal_id = "seal-nope";
  EXPECT_EQ(svc_->RecordUse(bad).status().code(), StatusCode::kNotFound);

  // A personal seal's use keeps the organisation the caller names (or none).
  auto mine = svc_->EnsurePersonalSeal("psn-signer");
  ASSERT_TRUE(mine.ok());
  SealUse personal;
  personal.seal_id = mine->id;
  personal.actor_id = "psn-signer";
  personal.purpose = "contract.sign";
  auto rec = svc_->RecordUse(personal);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->org_id, "");
  auto own = svc_->Usage("psn-signer", mine->id, 10, 0);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->size(), 1u);
}

}  // namespace
}  // namespace hetong::seal
