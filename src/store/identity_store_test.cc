// IdentityService on a real instance store: registration, login and lockout, sessions,
// one-time codes, TOTP, verification (sandbox and manual review), organisations, members,
// grants, tenant isolation, deregistration, and that secrets never reach the database in the
// clear.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "identity/credentials.h"
#include "identity/intent.h"
#include "identity/service.h"
#include "identity/verification.h"
#include "keycenter/key_center.h"
#include "store/instance.h"
#include "store/sql_identity.h"
#include "store/sql_repositories.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

using identity::IdentityService;
using identity::Role;

SecretBytes S(std::string_view s) { return SecretBytes::Copy(s); }

class FakeIssuer final : public identity::CredentialIssuer {
 public:
  StatusOr<Issued> Issue(const identity::Account& a, bool sandbox) override {
    issued.push_back(a.id + (sandbox ? " sandbox" : ""));
    return Issued{"key-" + a.id, "0" + std::to_string(issued.size())};
  }
  StatusOr<Issued> Renew(const identity::Account& a) override {
    return Issued{a.key_id, "renewed"};
  }
  Status Revoke(const identity::Account& a, int reason) override {
    revoked.push_back(a.key_id + " " + std::to_string(reason));
    return OkStatus();
  }
  std::vector<std::string> issued;
  std::vector<std::string> revoked;
};

constexpr std::string_view kCanaryPassword = "Canary-Pass-7731";
constexpr std::string_view kCanaryId = "11010519491231002X";

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Instance::Init(tmp_.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
    inst_ = *Instance::Open(tmp_.File("inst"));
    repo_ = std::make_unique<SqlIdentityRepository>(*inst_);
    identity::Settings settings;
    settings.password_iterations = 1000;  // fast tests; the default is in service.h
    settings.demo = true;
    svc_ = std::make_unique<IdentityService>(*repo_, clock_, crypto::DefaultRng(),
                                             inst_->master_key(), settings);
    svc_->AddProvider(std::make_unique<identity::ManualProvider>());
    svc_->AddProvider(std::make_unique<identity::SandboxProvider>(true));
    svc_->SetIssuer(&issuer_);
  }

  identity::Account Person(const std::string& email, std::string_view id_number,
                           std::string_view password = kCanaryPassword) {
    identity::PersonRegistration r;
    r.name = "张三 " + email.substr(0, email.find('@'));
    r.email = email;
    r.mobile = "13800138000";
    r.id_number = S(id_number);
    r.password = S(password);
    auto a = svc_->RegisterPerson(r);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : identity::Account{};
  }

  identity::Account VerifiedPerson(const std::string& email, std::string_view id_number) {
    identity::Account a = Person(email, id_number);
    auto v = svc_->SubmitVerification(a.id, "", "sandbox", {});
    EXPECT_TRUE(v.ok()) << v.status();
    return *svc_->GetAccount(a.id);
  }

  identity::Account Org(const identity::Account& admin, const std::string& code) {
    identity::OrgRegistration r{"测试有限公司 " + code.substr(0, 4), code, "李四", ""};
    auto o = svc_->RegisterOrg(admin.id, r);
    EXPECT_TRUE(o.ok()) << o.status();
    return o.ok() ? *o : identity::Account{};
  }

  hetong::testing::TempDir tmp_;
  base::FakeClock clock_{base::FromUnixSeconds(1795708450)};
  std::unique_ptr<Instance> inst_;
  std::unique_ptr<SqlIdentityRepository> repo_;
  std::unique_ptr<IdentityService> svc_;
  FakeIssuer issuer_;
};

TEST_F(IdentityStoreTest, RegistersPersonsOnceByEmailAndByIdNumber) {
  identity::Account a = Person("Zhang@Example.cn", kCanaryId);
  EXPECT_EQ(a.id.rfind("psn-", 0), 0u);
  EXPECT_EQ(a.email, "zhang@example.cn");
  EXPECT_EQ(a.id_masked, "110105********002X");
  EXPECT_EQ(a.verification, "none");
  EXPECT_EQ(svc_->IdNumberOf(a)->RevealString(SecretAccess::Unsafe()), kCanaryId);

  identity::PersonRegistration dup;
  dup.name = "王五";
  dup.email = "zhang@example.cn";
  dup.id_number = S("440524188001010014");
  dup.password = S("another-pass-1");
  EXPECT_EQ(svc_->RegisterPerson(dup).status().code(), StatusCode::kAlreadyExists);
  dup.email = "wang@example.cn";
  dup.id_number = S("11010519491231002x");  // the same number, lower-case x
  EXPECT_EQ(svc_->RegisterPerson(dup).status().code(), StatusCode::kAlreadyExists);
  dup.id_number = S("110105194912310021");
  EXPECT_EQ(svc_->RegisterPerson(dup).status().code(), StatusCode::kInvalidArgument);
  dup.id_number = S("440524188001010014");
  dup.password = S("short");
  EXPECT_EQ(svc_->RegisterPerson(dup).status().code(), StatusCode::kInvalidArgument);
  // Nothing was stored by the failures.
  EXPECT_FALSE(repo_->FindByEmail("wang@example.cn")->has_value());
}

TEST_F(IdentityStoreTest, SecretsNeverReachTheDatabaseInTheClear) {
  identity::Account a = Person("canary@example.cn", kCanaryId);
  ASSERT_TRUE(svc_->LoginWithPassword("canary@example.cn", S(kCanaryPassword)).ok());
  inst_.reset();  // checkpoint the WAL into the file
  std::string db;
  for (const char* f : {"/inst/hetong.db", "/inst/hetong.db-wal"}) {
    std::ifstream in(tmp_.path() + f, std::ios::binary);
    db.append(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(db.find("canary@example.cn"), std::string::npos);  // the file was read
  EXPECT_EQ(db.find(kCanaryPassword), std::string::npos);
  EXPECT_EQ(db.find(kCanaryId), std::string::npos);
  EXPECT_EQ(db.find("1101051949123"), std::string::npos);
}

TEST_F(IdentityStoreTest, PasswordLoginLockoutAndSessions) {
  identity::Account a = Person("li@example.cn", kCanaryId);
  auto bad_email = svc_->LoginWithPassword("nobody@example.cn", S(kCanaryPassword));
  auto bad_password = svc_->LoginWithPassword("li@example.cn", S("Wrong-Pass-1"));
  EXPECT_EQ(bad_email.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bad_password.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(bad_email.status().message(), bad_password.status().message());

  auto ok = svc_->LoginWithPassword("LI@example.cn", S(kCanaryPassword));
  ASSERT_TRUE(ok.ok()) << ok.status();
  std::string token(ok->token.RevealString(SecretAccess::Unsafe()));
  EXPECT_EQ(svc_->Authenticate(token)->account.id, a.id);
  EXPECT_FALSE(svc_->Authenticate(token + "x").ok());

  // The successful login reset the count: five failures in a row lock the account, even for
  // the right password.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(svc_->LoginWithPassword("li@example.cn", S("Wrong-Pass-1")).status().code(),
              StatusCode::kUnauthenticated);
  }
  auto locked = svc_->LoginWithPassword("li@example.cn", S(kCanaryPassword));
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted) << locked.status();
  clock_.Set(clock_.Now() + std::chrono::minutes(16));
  ASSERT_TRUE(svc_->LoginWithPassword("li@example.cn", S(kCanaryPassword)).ok());

  // Sessions end on logout, on expiry, and everywhere on a password change.
  ASSERT_TRUE(svc_->Logout(token).ok());
  EXPECT_EQ(svc_->Authenticate(token).status().code(), StatusCode::kUnauthenticated);
  auto s2 = *svc_->LoginWithPassword("li@example.cn", S(kCanaryPassword));
  std::string t2(s2.token.RevealString(SecretAccess::Unsafe()));
  clock_.Set(clock_.Now() + std::chrono::hours(13));
  EXPECT_FALSE(svc_->Authenticate(t2).ok());
  auto s3 = *svc_->LoginWithPassword("li@example.cn", S(kCanaryPassword));
  std::string t3(s3.token.RevealString(SecretAccess::Unsafe()));
  ASSERT_TRUE(svc_->ChangePassword(a.id, S(kCanaryPassword), S("New-Pass-2468")).ok());
  EXPECT_FALSE(svc_->Authenticate(t3).ok());
  EXPECT_TRUE(svc_->LoginWithPassword("li@example.cn", S("New-Pass-2468")).ok());
}

TEST_F(IdentityStoreTest, OneTimeCodesThroughTheOutbox) {
  identity::Account a = Person("code@example.cn", kCanaryId);
  auto id = svc_->SendLoginCode("code@example.cn", "email");
  ASSERT_TRUE(id.ok()) << id.status();
  // One code per minute per account; a request within it gets an id like an unknown email
  // would (the answer does not tell that the account exists), and nothing is sent.
  auto again = svc_->SendLoginCode("code@example.cn", "email");
  ASSERT_TRUE(again.ok());
  auto msgs = *repo_->ListOutbox("code@example.cn", 5);
  ASSERT_EQ(msgs.size(), 1u);
  std::string body = msgs[0].body;
  std::string code = body.substr(body.find("code is ") + 8, 6);
  // An unknown email gets an id as well, which never verifies.
  auto ghost = svc_->SendLoginCode("ghost@example.cn", "email");
  ASSERT_TRUE(ghost.ok());
  EXPECT_FALSE(svc_->LoginWithCode(*ghost, code).ok());

  std::string wrong = code == "000000" ? "000001" : "000000";
  EXPECT_FALSE(svc_->LoginWithCode(*id, wrong).ok());
  auto ok = svc_->LoginWithCode(*id, code);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->account.id, a.id);
  EXPECT_EQ(ok->session.method, "code:email");
  EXPECT_FALSE(svc_->LoginWithCode(*id, code).ok());  // used once

  // Five wrong guesses kill a code; an expired one is dead too.
  clock_.Set(clock_.Now() + std::chrono::minutes(2));
  auto id2 = *svc_->SendLoginCode("code@example.cn", "sms");
  std::string code2 = (*repo_->ListOutbox("13800138000", 1))[0].body.substr(
      (*repo_->ListOutbox("13800138000", 1))[0].body.find("code is ") + 8, 6);
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(svc_->LoginWithCode(id2, wrong == code2 ? "999999" : wrong).ok());
  EXPECT_FALSE(svc_->LoginWithCode(id2, code2).ok());
  clock_.Set(clock_.Now() + std::chrono::minutes(2));
  auto id3 = *svc_->SendLoginCode("code@example.cn", "email");
  auto m3 = (*repo_->ListOutbox("code@example.cn", 1))[0].body;
  clock_.Set(clock_.Now() + std::chrono::minutes(6));
  EXPECT_FALSE(svc_->LoginWithCode(id3, m3.substr(m3.find("code is ") + 8, 6)).ok());
}

// The one-code-a-minute limit counts codes, not other mail: a signer who was just sent an
// invitation ("please sign") can at once ask for a code to log in or to confirm.
TEST_F(IdentityStoreTest, ANoticeToTheAddressDoesNotHoldBackACode) {
  identity::Account a = Person("notice@example.cn", kCanaryId);
  identity::OutboxMessage notice;
  notice.id = "msg-000000000000000000000001";
  notice.channel = "email";
  notice.recipient = "notice@example.cn";
  notice.subject = "请签署：服务合同";
  notice.body = "invitation";
  notice.created_at = clock_.Now();
  ASSERT_TRUE(repo_->InsertOutbox(notice).ok());
  EXPECT_FALSE(repo_->LastCodeCreatedAt(a.id, "email", "login")->has_value());
  // The kind is the whole purpose or its part before ':', never a prefix of a longer word.
  identity::OneTimeCode other;
  other.id = "otc-000000000000000000000001";
  other.account_id = a.id;
  other.channel = "email";
  other.purpose = "loginx";
  other.code_hash = "h";
  other.expires_at = clock_.Now() + std::chrono::minutes(5);
  other.created_at = clock_.Now();
  ASSERT_TRUE(repo_->InsertCode(other, identity::OutboxMessage{}).ok());
  EXPECT_FALSE(repo_->LastCodeCreatedAt(a.id, "email", "login")->has_value());
  ASSERT_TRUE(svc_->SendLoginCode("notice@example.cn", "email").ok());
  auto msgs = *repo_->ListOutbox("notice@example.cn", 5);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_NE(msgs[0].body.find("login code is "), std::string::npos);
  EXPECT_EQ(*repo_->LastCodeCreatedAt(a.id, "email", "login"), std::optional(clock_.Now()));
  EXPECT_FALSE(repo_->LastCodeCreatedAt(a.id, "email", "intent")->has_value());
  EXPECT_FALSE(repo_->LastCodeCreatedAt(a.id, "sms", "login")->has_value());
  // A second code within the minute is still held back (nothing more is queued), the other
  // channel has its own minute, and a minute later the next one goes out.
  clock_.Set(clock_.Now() + std::chrono::seconds(30));
  ASSERT_TRUE(svc_->SendLoginCode("notice@example.cn", "email").ok());
  EXPECT_EQ(repo_->ListOutbox("notice@example.cn", 5)->size(), 2u);
  ASSERT_TRUE(svc_->SendLoginCode("notice@example.cn", "sms").ok());
  EXPECT_EQ(repo_->ListOutbox("13800138000", 5)->size(), 1u);
  // A code to confirm a signature is another kind: it goes out at once, and holds back the
  // next one of its kind, whatever the binding.
  auto intent = svc_->SendCode(a, "email", "intent:binding-1");
  ASSERT_TRUE(intent.ok()) << intent.status();
  EXPECT_EQ(repo_->ListOutbox("notice@example.cn", 5)->size(), 3u);
  auto intent2 = svc_->SendCode(a, "email", "intent:binding-2");
  EXPECT_EQ(intent2.status().code(), StatusCode::kResourceExhausted);
  clock_.Set(clock_.Now() + std::chrono::seconds(31));
  ASSERT_TRUE(svc_->SendLoginCode("notice@example.cn", "email").ok());
  EXPECT_EQ(repo_->ListOutbox("notice@example.cn", 5)->size(), 4u);
}

TEST_F(IdentityStoreTest, TotpIsASecondFactorOnceConfirmed) {
  identity::Account a = Person("totp@example.cn", kCanaryId);
  // Enrolment needs the password (a stolen session alone cannot add an authenticator).
  EXPECT_EQ(svc_->BeginTotp(a.id, S("Wrong-Pass-1")).status().code(),
            StatusCode::kPermissionDenied);
  auto e = svc_->BeginTotp(a.id, S(kCanaryPassword));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->uri.rfind("otpauth://totp/hetong:totp@example.cn?secret=", 0), 0u);
  SecretBytes raw =
      *identity::Base32DecodeSecret(e->secret_base32.RevealString(SecretAccess::Unsafe()));
  EXPECT_FALSE(svc_->ConfirmTotp(a.id, "000000").ok() &&
               identity::Hotp(raw, identity::TotpStep(clock_.Now())) != "000000");
  ASSERT_TRUE(svc_->ConfirmTotp(a.id, identity::Hotp(raw, identity::TotpStep(clock_.Now()))).ok());
  EXPECT_EQ(svc_->LoginWithPassword("totp@example.cn", S(kCanaryPassword)).status().code(),
            StatusCode::kUnauthenticated);
  // The code that confirmed the enrolment is spent; the next step's code works, once.
  std::string now_code = identity::Hotp(raw, identity::TotpStep(clock_.Now()));
  EXPECT_FALSE(svc_->LoginWithPassword("totp@example.cn", S(kCanaryPassword), now_code).ok());
  clock_.Set(clock_.Now() + std::chrono::seconds(30));
  std::string next = identity::Hotp(raw, identity::TotpStep(clock_.Now()));
  auto ok = svc_->LoginWithPassword("totp@example.cn", S(kCanaryPassword), next);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->session.method, "password+totp");
  EXPECT_FALSE(svc_->LoginWithPassword("totp@example.cn", S(kCanaryPassword), next).ok());
  // A one-time code alone no longer logs in: the authenticator code is needed too.
  clock_.Set(clock_.Now() + std::chrono::minutes(20));  // past the lockout of the failures
  auto code_id = *svc_->SendLoginCode("totp@example.cn", "email");
  std::string body = (*repo_->ListOutbox("totp@example.cn", 1))[0].body;
  std::string code = body.substr(body.find("code is ") + 8, 6);
  EXPECT_EQ(svc_->LoginWithCode(code_id, code).status().code(), StatusCode::kUnauthenticated);
  auto code_id2 = *svc_->SendLoginCode("totp@example.cn", "sms");
  std::string body2 = (*repo_->ListOutbox("13800138000", 1))[0].body;
  auto both = svc_->LoginWithCode(code_id2, body2.substr(body2.find("code is ") + 8, 6),
                                  identity::Hotp(raw, identity::TotpStep(clock_.Now())));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->session.method, "code:sms+totp");
  // Changing where codes go needs the password too.
  identity::IdentityService::Changes ch;
  ch.email = "thief@example.cn";
  EXPECT_EQ(svc_->UpdateDetails(a.id, a.id, ch).status().code(), StatusCode::kPermissionDenied);
  ch.password = S(kCanaryPassword);
  EXPECT_TRUE(svc_->UpdateDetails(a.id, a.id, ch).ok());
}

TEST_F(IdentityStoreTest, SandboxAndManualVerificationIssueCredentials) {
  identity::Account a = Person("v1@example.cn", kCanaryId);
  auto v = svc_->SubmitVerification(a.id, "", "sandbox", {});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->state, "approved");
  identity::Account after = *svc_->GetAccount(a.id);
  EXPECT_EQ(after.verification, "verified");
  EXPECT_EQ(after.key_id, "key-" + a.id);
  EXPECT_EQ(issuer_.issued, std::vector<std::string>{a.id + " sandbox"});
  EXPECT_EQ(svc_->SubmitVerification(a.id, "", "sandbox", {}).status().code(),
            StatusCode::kFailedPrecondition);

  // Manual: pending until an operator decides; the person cannot review themselves.
  identity::Account b = Person("v2@example.cn", "440524188001010014");
  EXPECT_EQ(svc_->SubmitVerification(b.id, "", "manual", {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->SubmitVerification(b.id, "", "bank", {}).status().code(),
            StatusCode::kInvalidArgument);
  auto pending = svc_->SubmitVerification(b.id, "", "manual", {{"id_card_front", "iVBOR..."}});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->state, "pending");
  EXPECT_EQ(pending->summary, "id_card_front (8 bytes)");
  EXPECT_EQ(svc_->Review(b.id, pending->id, true, "").status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->SetOperator("v1@example.cn", true).ok());
  EXPECT_EQ(svc_->ListVerifications(a.id, "pending", 10, 0)->size(), 1u);
  EXPECT_EQ(svc_->Review(a.id, pending->id, false, "").status().code(),
            StatusCode::kInvalidArgument);
  auto approved = svc_->Review(a.id, pending->id, true, "ID card matches");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->decided_by, a.id);
  EXPECT_EQ(svc_->GetAccount(b.id)->verification, "verified");
  EXPECT_EQ(issuer_.issued.back(), b.id);  // not a sandbox certificate
  EXPECT_EQ(svc_->Review(a.id, pending->id, true, "").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(IdentityStoreTest, SandboxRefusesOnNonDemoInstances) {
  identity::SandboxProvider p(false);
  identity::Account a;
  EXPECT_EQ(p.Check(a, S(""), {}).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(IdentityStoreTest, OrganisationsMembersGrantsAndTenantIsolation) {
  identity::Account unverified = Person("nov@example.cn", "440524188001010014");
  EXPECT_EQ(svc_->RegisterOrg(unverified.id, {"某公司", "91350100M000100Y43", "李四", ""})
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  identity::Account admin = VerifiedPerson("admin@example.cn", kCanaryId);
  identity::Account org = Org(admin, "91350100M000100Y43");
  EXPECT_EQ(org.id.rfind("org-", 0), 0u);
  EXPECT_EQ(
      svc_->RegisterOrg(admin.id, {"又一个", "91350100m000100y43", "李四", ""}).status().code(),
      StatusCode::kAlreadyExists);
  EXPECT_EQ(**svc_->RoleOf(org.id, admin.id), Role::kAdmin);

  // A second tenant with its own admin.
  identity::Account other_admin = VerifiedPerson("other@example.cn", "110105198001010016");
  identity::Account other = Org(other_admin, "91310000MA1FL4B24G");

  identity::Account signer = Person("signer@example.cn", "110105198001010032");
  auto m = svc_->AddMember(admin.id, org.id, "signer@example.cn", Role::kSigner);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(svc_->AddMember(admin.id, org.id, "ghost@example.cn", Role::kSigner).status().code(),
            StatusCode::kNotFound);
  // Members below admin cannot add members; outsiders do not even see the organisation.
  EXPECT_EQ(svc_->AddMember(signer.id, org.id, "other@example.cn", Role::kAdmin).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(
      svc_->AddMember(other_admin.id, org.id, "other@example.cn", Role::kAdmin).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(svc_->ListMembers(other_admin.id, org.id, 10, 0).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(svc_->GetOrg(other_admin.id, org.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->ListMembers(signer.id, org.id, 10, 0)->size(), 2u);
  EXPECT_EQ(svc_->ListGrants(signer.id, org.id).status().code(), StatusCode::kPermissionDenied);

  // Grants need a verified organisation and a verified member.
  EXPECT_EQ(svc_->GrantSeal(admin.id, org.id, signer.id, {}, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc_->SubmitVerification(admin.id, org.id, "sandbox", {}).ok());
  EXPECT_EQ(svc_->GrantSeal(admin.id, org.id, signer.id, {}, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc_->SubmitVerification(signer.id, "", "sandbox", {}).ok());
  auto g = svc_->GrantSeal(admin.id, org.id, signer.id, {"purchase"},
                           clock_.Now() + std::chrono::hours(24));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(svc_->ActiveGrant(org.id, signer.id, "purchase").ok());
  EXPECT_EQ(svc_->ActiveGrant(org.id, signer.id, "loan").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->ActiveGrant(other.id, signer.id, "purchase").status().code(),
            StatusCode::kPermissionDenied);
  // Another tenant's admin cannot revoke or see it.
  EXPECT_EQ(svc_->RevokeGrant(other_admin.id, other.id, g->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->RevokeGrant(other_admin.id, org.id, g->id).code(), StatusCode::kNotFound);
  // Expiry, then revocation.
  clock_.Set(clock_.Now() + std::chrono::hours(25));
  EXPECT_FALSE(svc_->ActiveGrant(org.id, signer.id, "purchase").ok());
  auto g2 = *svc_->GrantSeal(admin.id, org.id, signer.id, {}, std::nullopt);
  EXPECT_TRUE(svc_->ActiveGrant(org.id, signer.id, "loan").ok());
  ASSERT_TRUE(svc_->RevokeGrant(admin.id, org.id, g2.id).ok());
  EXPECT_FALSE(svc_->ActiveGrant(org.id, signer.id, "loan").ok());
  // A member who leaves loses their grants.
  auto g3 = *svc_->GrantSeal(admin.id, org.id, signer.id, {}, std::nullopt);
  ASSERT_TRUE(svc_->RemoveMember(admin.id, org.id, signer.id).ok());
  EXPECT_TRUE((*repo_->GetGrant(g3.id))->revoked_at.has_value());
  EXPECT_EQ(svc_->RemoveMember(admin.id, org.id, admin.id).code(), StatusCode::kFailedPrecondition);
}

TEST_F(IdentityStoreTest, DeregistrationKeepsRecordsAndEndsAccess) {
  identity::Account a = VerifiedPerson("bye@example.cn", kCanaryId);
  auto s = *svc_->LoginWithPassword("bye@example.cn", S(kCanaryPassword));
  std::string token(s.token.RevealString(SecretAccess::Unsafe()));
  ASSERT_TRUE(svc_->Deregister(a.id, a.id).ok());
  EXPECT_FALSE(svc_->Authenticate(token).ok());
  EXPECT_FALSE(svc_->LoginWithPassword("bye@example.cn", S(kCanaryPassword)).ok());
  identity::Account kept = *svc_->GetAccount(a.id);
  EXPECT_EQ(kept.status, "deregistered");
  EXPECT_TRUE(kept.password_hash.empty());
  EXPECT_EQ(kept.id_masked, "110105********002X");
  EXPECT_EQ(svc_->IdNumberOf(kept)->RevealString(SecretAccess::Unsafe()), kCanaryId);
  EXPECT_EQ(kept.verification, "verified");
  // The key stops: its certificates are revoked (cessationOfOperation, 5) and it is retired.
  EXPECT_TRUE(kept.key_id.empty());
  EXPECT_EQ(issuer_.revoked, std::vector<std::string>{"key-" + a.id + " 5"});
}

// An issuer that gives each verified account a real key in a real key center.
class KeyIssuer final : public identity::CredentialIssuer {
 public:
  explicit KeyIssuer(keycenter::KeyCenter& keys) : keys_(keys) {}
  StatusOr<Issued> Issue(const identity::Account& a, bool) override {
    HETONG_ASSIGN_OR_RETURN(auto rec,
                            keys_.GenerateKey(crypto::KeySpec::kSm2, "account/" + a.id, a.id));
    return Issued{rec.id, "01"};
  }
  StatusOr<Issued> Renew(const identity::Account& a) override { return Issued{a.key_id, "02"}; }
  Status Revoke(const identity::Account& a, int) override { return keys_.Retire(a.key_id); }

 private:
  keycenter::KeyCenter& keys_;
};

class SigningTest : public IdentityStoreTest {
 protected:
  void SetUp() override {
    IdentityStoreTest::SetUp();
    key_repo_ = std::make_unique<SqlKeyRepository>(*inst_);
    device_ = std::make_unique<keycenter::SoftwareDevice>(inst_->master_key().Clone(),
                                                          crypto::DefaultRng());
    keys_ =
        std::make_unique<keycenter::KeyCenter>(*device_, *key_repo_, clock_, crypto::DefaultRng());
    key_issuer_ = std::make_unique<KeyIssuer>(*keys_);
    svc_->SetIssuer(key_issuer_.get());
    signing_ = std::make_unique<identity::SigningService>(*svc_, *repo_, *keys_, clock_,
                                                          crypto::DefaultRng());
  }

  std::string Intent(const std::string& actor, ByteView data) {
    identity::IntentConfirmation c;
    c.method = "password";
    c.password = S(kCanaryPassword);
    auto i = signing_->ConfirmIntent(actor, base::HexEncode(crypto::Sm3(data)), std::move(c));
    EXPECT_TRUE(i.ok()) << i.status();
    return i.ok() ? std::string(i->token.RevealString(SecretAccess::Unsafe())) : "";
  }

  bool Verifies(const std::string& account_id, ByteView data, ByteView sig) {
    auto a = *svc_->GetAccount(account_id);
    return crypto::VerifySignature(*keys_->PublicKeyOf(a.key_id),
                                   crypto::SignatureAlgorithm::kSm2Sm3, data, sig)
        .ok();
  }

  std::unique_ptr<SqlKeyRepository> key_repo_;
  std::unique_ptr<keycenter::SoftwareDevice> device_;
  std::unique_ptr<keycenter::KeyCenter> keys_;
  std::unique_ptr<KeyIssuer> key_issuer_;
  std::unique_ptr<identity::SigningService> signing_;
};

TEST_F(SigningTest, APersonsKeySignsOnlyUnderAFreshIntentForThatData) {
  identity::Account a = VerifiedPerson("s1@example.cn", kCanaryId);
  identity::Account b = VerifiedPerson("s2@example.cn", "440524188001010014");
  Bytes data = ToBytes("signed attributes of contract 1");
  // No intent, a bogus one, or one for other data: no signature.
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, "").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, "bogus").status().code(),
            StatusCode::kPermissionDenied);
  std::string other = Intent(a.id, ToBytes("other data"));
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, other).status().code(),
            StatusCode::kPermissionDenied);
  // Another person's intent does not open this key.
  std::string bs = Intent(b.id, data);
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, bs).status().code(), StatusCode::kPermissionDenied);
  // A wrong password gives no intent and counts towards the lockout.
  identity::IntentConfirmation wrong;
  wrong.method = "password";
  wrong.password = S("Wrong-Pass-0");
  EXPECT_EQ(signing_->ConfirmIntent(a.id, base::HexEncode(crypto::Sm3(data)), std::move(wrong))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->GetAccount(a.id)->failed_logins, 1);

  std::string intent = Intent(a.id, data);
  auto sig = signing_->SignAsPerson(a.id, data, intent);
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_EQ(sig->algorithm, "SM2-with-SM3");
  EXPECT_TRUE(Verifies(a.id, data, sig->record.signature));
  // Used once.
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, intent).status().code(),
            StatusCode::kPermissionDenied);
  // Expired after five minutes.
  std::string late = Intent(a.id, data);
  clock_.Set(clock_.Now() + std::chrono::minutes(6));
  EXPECT_EQ(signing_->SignAsPerson(a.id, data, late).status().code(),
            StatusCode::kPermissionDenied);
  // A one-time code confirms too, bound to the digest.
  auto code_id = signing_->SendIntentCode(a.id, base::HexEncode(crypto::Sm3(data)), "email");
  ASSERT_TRUE(code_id.ok()) << code_id.status();
  std::string body = (*repo_->ListOutbox("s1@example.cn", 1))[0].body;
  identity::IntentConfirmation by_code;
  by_code.method = "code";
  by_code.code_id = *code_id;
  by_code.code = body.substr(body.find("is ") + 3, 6);
  auto ci = signing_->ConfirmIntent(a.id, base::HexEncode(crypto::Sm3(data)), std::move(by_code));
  ASSERT_TRUE(ci.ok()) << ci.status();
  EXPECT_TRUE(
      signing_
          ->SignAsPerson(a.id, data, std::string(ci->token.RevealString(SecretAccess::Unsafe())))
          .ok());
  EXPECT_EQ(repo_->ListSignatureRecords(a.id, 10)->size(), 2u);
  // The key center refuses a plain signer for an account's key.
  EXPECT_EQ(keys_->SignerFor(svc_->GetAccount(a.id)->key_id).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(SigningTest, AnOrganisationSignsOnlyForAMemberWithAnActiveGrant) {
  identity::Account admin = VerifiedPerson("boss@example.cn", kCanaryId);
  identity::Account org = Org(admin, "91350100M000100Y43");
  ASSERT_TRUE(svc_->SubmitVerification(admin.id, org.id, "sandbox", {}).ok());
  identity::Account member = VerifiedPerson("clerk@example.cn", "440524188001010014");
  ASSERT_TRUE(svc_->AddMember(admin.id, org.id, "clerk@example.cn", Role::kSigner).ok());
  identity::Account outsider = VerifiedPerson("out@example.cn", "110105198001010016");
  Bytes data = ToBytes("purchase contract 7");

  // No grant yet: nothing is signed, and the intent is not spent.
  std::string intent = Intent(member.id, data);
  EXPECT_EQ(signing_->SignForOrg(member.id, org.id, data, intent, "purchase").status().code(),
            StatusCode::kPermissionDenied);
  auto grant = *svc_->GrantSeal(admin.id, org.id, member.id, {"purchase"}, std::nullopt);
  // Wrong contract type.
  EXPECT_EQ(signing_->SignForOrg(member.id, org.id, data, intent, "loan").status().code(),
            StatusCode::kPermissionDenied);
  // Outsiders do not see the organisation.
  std::string out_intent = Intent(outsider.id, data);
  EXPECT_EQ(signing_->SignForOrg(outsider.id, org.id, data, out_intent, "purchase").status().code(),
            StatusCode::kNotFound);

  auto both = signing_->SignForOrg(member.id, org.id, data, intent, "purchase");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(Verifies(member.id, data, both->person.record.signature));
  EXPECT_TRUE(Verifies(org.id, data, both->org.record.signature));
  EXPECT_EQ(both->org.record.grant_id, grant.id);
  EXPECT_EQ(both->org.record.signer_id, member.id);
  EXPECT_EQ(both->org.record.intent_id, both->person.record.intent_id);
  // The member cannot use the organisation's key by themselves.
  std::string direct = Intent(member.id, data);
  EXPECT_EQ(keys_->SignerFor(svc_->GetAccount(org.id)->key_id).status().code(),
            StatusCode::kPermissionDenied);
  // After revocation the grant no longer works.
  ASSERT_TRUE(svc_->RevokeGrant(admin.id, org.id, grant.id).ok());
  EXPECT_EQ(signing_->SignForOrg(member.id, org.id, data, direct, "purchase").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(repo_->ListSignatureRecords(org.id, 10)->size(), 1u);
}

TEST_F(SigningTest, KeysAreRenewedRotatedAndRevokedByTheirOwners) {
  identity::Account a = VerifiedPerson("keys@example.cn", kCanaryId);
  identity::Account other = VerifiedPerson("other@example.cn", "440524188001010014");
  std::string first_key = a.key_id;
  EXPECT_EQ(svc_->RotateKey(a.id, "", S("Wrong-Pass-1")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->RotateKey(other.id, a.id, S(kCanaryPassword)).status().code(),
            StatusCode::kNotFound);
  auto renewed = svc_->RenewCertificate(a.id, "", S(kCanaryPassword));
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_EQ(renewed->key_id, first_key);
  EXPECT_EQ(renewed->cert_serial, "02");
  auto rotated = svc_->RotateKey(a.id, "", S(kCanaryPassword));
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_NE(rotated->key_id, first_key);
  EXPECT_EQ((*key_repo_->Get(first_key)).status, "retired");
  // The new key signs; then it is revoked and nothing signs until the next rotation.
  Bytes data = ToBytes("after rotation");
  EXPECT_TRUE(signing_->SignAsPerson(a.id, data, Intent(a.id, data)).ok());
  EXPECT_EQ(svc_->RevokeKey(a.id, "", S(kCanaryPassword), "lost").status().code(),
            StatusCode::kInvalidArgument);
  auto revoked = svc_->RevokeKey(a.id, "", S(kCanaryPassword), "key_compromise");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->key_id.empty());
  identity::IntentConfirmation c;
  c.method = "password";
  c.password = S(kCanaryPassword);
  EXPECT_EQ(signing_->ConfirmIntent(a.id, base::HexEncode(crypto::Sm3(data)), std::move(c))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(svc_->RotateKey(a.id, "", S(kCanaryPassword))->key_id.empty());
}

// Every step worth keeping as evidence reaches the audit hook, with its subject and actor, and
// no secret in its details.
TEST_F(IdentityStoreTest, StepsReachTheAuditHookWithoutSecrets) {
  std::vector<std::vector<std::string>> seen;
  svc_->SetAudit([&](const std::string& type, const std::string& subject, const std::string& actor,
                     const std::string& details) {
    seen.push_back({type, subject, actor, details});
  });
  identity::Account admin = VerifiedPerson("audit-admin@example.cn", kCanaryId);
  ASSERT_TRUE(svc_->LoginWithPassword("audit-admin@example.cn", S(kCanaryPassword)).ok());
  identity::Account org = Org(admin, "91350100M000100Y43");
  ASSERT_TRUE(svc_->SubmitVerification(admin.id, org.id, "sandbox", {}).ok());
  ASSERT_TRUE(svc_->AddMember(admin.id, org.id, "audit-admin@example.cn", Role::kAdmin).ok());
  auto g = svc_->GrantSeal(admin.id, org.id, admin.id, {}, std::nullopt);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_TRUE(svc_->RevokeGrant(admin.id, org.id, g->id).ok());
  std::vector<std::string> types;
  for (const auto& e : seen) {
    types.push_back(e[0]);
    EXPECT_EQ(e[3].find(kCanaryPassword), std::string::npos) << e[3];
    EXPECT_EQ(e[3].find(kCanaryId), std::string::npos) << e[3];
    EXPECT_EQ(e[3].front(), '{') << e[3];
  }
  EXPECT_EQ(types, (std::vector<std::string>{"account.registered", "verification.approved", "login",
                                             "account.registered", "verification.approved",
                                             "member.added", "grant.created", "grant.revoked"}));
  EXPECT_EQ(seen[0][1], admin.id);
  EXPECT_EQ(seen[3][1], org.id);
  EXPECT_EQ(seen[3][2], admin.id);
  EXPECT_EQ(seen[6][1], org.id);
}

}  // namespace
}  // namespace hetong::store
