#include "identity/service.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/log.h"
#include "crypto/hash.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "crypto/sm4.h"
#include "identity/credentials.h"

namespace hetong::identity {

std::string_view KindName(AccountKind kind) {
  return kind == AccountKind::kPerson ? "person" : "org";
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kSealManager:
      return "seal_manager";
    case Role::kSigner:
      return "signer";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

StatusOr<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kSealManager, Role::kSigner, Role::kViewer}) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError("a role is admin, seal_manager, signer or viewer");
}

namespace {

constexpr size_t kIvSize = 12;

SecretBytes DeriveKey(const SecretBytes& master, std::string_view label, size_t size) {
  Bytes z(master.Reveal(SecretAccess::Unsafe()).begin(),
          master.Reveal(SecretAccess::Unsafe()).end());
  z.insert(z.end(), label.begin(), label.end());
  SecretBytes k = crypto::Sm3Kdf(z, size);
  std::fill(z.begin(), z.end(), 0);
  return k;
}

// Login failures say the same whatever was wrong, so that they do not tell which emails exist.
Status LoginFailed() { return UnauthenticatedError("the email or the password is wrong"); }

bool Active(const Account& a) { return a.status == "active"; }

StatusOr<std::string> CheckName(const std::string& name, std::string_view what) {
  size_t start = name.find_first_not_of(" \t");
  size_t end = name.find_last_not_of(" \t");
  if (start == std::string::npos) return InvalidArgumentError(std::string(what) + " is required");
  std::string n = name.substr(start, end - start + 1);
  if (n.size() > 200) return InvalidArgumentError(std::string(what) + " has at most 200 bytes");
  for (unsigned char c : n) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError(std::string(what) + " has no control characters");
    }
  }
  return n;
}

}  // namespace

IdentityService::IdentityService(IdentityRepository& repo, const base::Clock& clock, Rng& rng,
                                 const SecretBytes& master_key, Settings settings)
    : repo_(repo),
      clock_(clock),
      rng_(rng),
      data_key_(DeriveKey(master_key, "hetong identity data key", 16)),
      index_key_(DeriveKey(master_key, "hetong identity index key", 32)),
      settings_(std::move(settings)) {}

void IdentityService::AddProvider(std::unique_ptr<VerificationProvider> provider) {
  providers_.push_back(std::move(provider));
}

std::vector<std::string> IdentityService::ProviderNames() const {
  std::vector<std::string> names;
  for (const auto& p : providers_) names.push_back(p->name());
  return names;
}

StatusOr<std::string> IdentityService::NewId(std::string_view prefix) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  return std::string(prefix) + base::HexEncode(r);
}

StatusOr<Bytes> IdentityService::Seal(ByteView plaintext, const std::string& aad) {
  HETONG_ASSIGN_OR_RETURN(Bytes iv, crypto::RandomBytes(rng_, kIvSize));
  HETONG_ASSIGN_OR_RETURN(Bytes ct, crypto::Sm4GcmEncrypt(data_key_, iv, AsBytes(aad), plaintext));
  iv.insert(iv.end(), ct.begin(), ct.end());
  return iv;
}

StatusOr<SecretBytes> IdentityService::Unseal(ByteView sealed, const std::string& aad) const {
  if (sealed.size() <= kIvSize) return DataLossError("a sealed identity field is truncated");
  auto pt = crypto::Sm4GcmDecryptSecret(data_key_, sealed.subspan(0, kIvSize), AsBytes(aad),
                                        sealed.subspan(kIvSize));
  if (!pt.ok())
    return DataLossError("a sealed identity field does not open with this instance's key");
  return pt;
}

std::string IdentityService::Index(AccountKind kind, std::string_view number) const {
  std::string msg = std::string(KindName(kind)) + ":" + std::string(number);
  return base::HexEncode(crypto::HmacSm3(index_key_.Reveal(SecretAccess::Unsafe()), AsBytes(msg)));
}

StatusOr<SecretBytes> IdentityService::IdNumberOf(const Account& a) const {
  return Unseal(a.id_sealed, a.id + ":id");
}

StatusOr<Account> IdentityService::MustGet(const std::string& id) {
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.GetAccount(id));
  if (!a) return NotFoundError("no such account");
  return *std::move(a);
}

StatusOr<Account> IdentityService::Actor(const std::string& actor) {
  auto a = MustGet(actor);
  if (!a.ok() || !Active(*a)) return UnauthenticatedError("the session's account is gone");
  return a;
}

// ---- accounts ----

StatusOr<Account> IdentityService::RegisterPerson(const PersonRegistration& r) {
  Account a;
  a.kind = AccountKind::kPerson;
  HETONG_ASSIGN_OR_RETURN(a.name, CheckName(r.name, "a name"));
  HETONG_ASSIGN_OR_RETURN(a.email, NormaliseEmail(r.email));
  if (!r.mobile.empty()) {
    HETONG_ASSIGN_OR_RETURN(a.mobile, NormaliseMobile(r.mobile));
  }
  HETONG_RETURN_IF_ERROR(CheckPasswordPolicy(r.password));
  HETONG_ASSIGN_OR_RETURN(
      std::string number,
      NormaliseResidentIdNumber(r.id_number.RevealString(SecretAccess::Unsafe())));
  HETONG_ASSIGN_OR_RETURN(a.id, NewId("psn-"));
  a.id_masked = MaskIdNumber(number);
  a.id_index = Index(a.kind, number);
  HETONG_ASSIGN_OR_RETURN(a.id_sealed, Seal(AsBytes(number), a.id + ":id"));
  std::fill(number.begin(), number.end(), '\0');
  HETONG_ASSIGN_OR_RETURN(a.password_hash,
                          HashPassword(r.password, settings_.password_iterations, rng_));
  a.created_at = a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertAccount(a));
  spdlog::info("identity: registered person {}", a.id);
  Audit("account.registered", a.id, a.id, R"({"kind":"person"})");
  return a;
}

StatusOr<Account> IdentityService::RegisterOrg(const std::string& admin_id,
                                               const OrgRegistration& r) {
  HETONG_ASSIGN_OR_RETURN(Account admin, Actor(admin_id));
  if (admin.kind != AccountKind::kPerson || admin.verification != "verified") {
    return FailedPreconditionError(
        "only a person who has passed real-name verification can register an organisation");
  }
  Account a;
  a.kind = AccountKind::kOrg;
  HETONG_ASSIGN_OR_RETURN(a.name, CheckName(r.name, "an organisation name"));
  HETONG_ASSIGN_OR_RETURN(a.legal_representative,
                          CheckName(r.legal_representative, "the legal representative"));
  if (!r.email.empty()) {
    HETONG_ASSIGN_OR_RETURN(a.email, NormaliseEmail(r.email));
  }
  HETONG_ASSIGN_OR_RETURN(std::string code, NormaliseCreditCode(r.credit_code));
  HETONG_ASSIGN_OR_RETURN(a.id, NewId("org-"));
  a.id_masked = code;  // a credit code is public
  a.id_index = Index(a.kind, code);
  HETONG_ASSIGN_OR_RETURN(a.id_sealed, Seal(AsBytes(code), a.id + ":id"));
  a.created_at = a.updated_at = clock_.Now();
  Member m{a.id, admin.id, Role::kAdmin, a.created_at};
  HETONG_RETURN_IF_ERROR(repo_.InsertOrg(a, m));
  spdlog::info("identity: {} registered organisation {}", admin.id, a.id);
  Audit("account.registered", a.id, admin.id, R"({"kind":"org"})");
  return a;
}

StatusOr<Account> IdentityService::GetAccount(const std::string& id) { return MustGet(id); }

StatusOr<Account> IdentityService::PersonByEmail(const std::string& email) {
  HETONG_ASSIGN_OR_RETURN(std::string e, NormaliseEmail(email));
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.FindByEmail(e));
  if (!a || a->kind != AccountKind::kPerson || a->status != "active") {
    return NotFoundError("no registered person has the email " + e);
  }
  return *std::move(a);
}

StatusOr<Account> IdentityService::UpdateDetails(const std::string& actor,
                                                 const std::string& account_id, const Changes& c) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(account_id));
  if (a.kind == AccountKind::kPerson) {
    if (a.id != me.id) return NotFoundError("no such account");
  } else {
    HETONG_RETURN_IF_ERROR(RequireRole(actor, a.id, Role::kAdmin));
  }
  if (!Active(a)) return FailedPreconditionError("the account is deregistered");
  if (a.kind == AccountKind::kPerson && (c.email || c.mobile)) {
    // Codes (login, signing intent) go there: a stolen session alone must not redirect them.
    HETONG_RETURN_IF_ERROR(CheckPassword(actor, c.password));
  }
  if (c.name) {
    HETONG_ASSIGN_OR_RETURN(std::string n, CheckName(*c.name, "a name"));
    if (n != a.name && a.verification == "verified") {
      a.verification = "none";  // the certificate names the old name
      a.verified_by.clear();
    }
    a.name = n;
  }
  if (c.email) {
    if (a.kind == AccountKind::kOrg && c.email->empty()) {
      a.email.clear();
    } else {
      HETONG_ASSIGN_OR_RETURN(a.email, NormaliseEmail(*c.email));
    }
  }
  if (c.mobile) {
    if (c.mobile->empty()) {
      a.mobile.clear();
    } else {
      HETONG_ASSIGN_OR_RETURN(a.mobile, NormaliseMobile(*c.mobile));
    }
  }
  if (c.legal_representative) {
    if (a.kind != AccountKind::kOrg) {
      return InvalidArgumentError("only organisations have a legal representative");
    }
    HETONG_ASSIGN_OR_RETURN(a.legal_representative,
                            CheckName(*c.legal_representative, "the legal representative"));
  }
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  return a;
}

StatusOr<Account> IdentityService::ChangePassword(const std::string& actor,
                                                  const SecretBytes& current,
                                                  const SecretBytes& replacement) {
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  if (a.kind != AccountKind::kPerson) return InvalidArgumentError("organisations have no password");
  // Counted towards the lockout like any other wrong password.
  HETONG_RETURN_IF_ERROR(CheckPassword(actor, current));
  HETONG_ASSIGN_OR_RETURN(a, MustGet(actor));
  HETONG_RETURN_IF_ERROR(CheckPasswordPolicy(replacement));
  HETONG_ASSIGN_OR_RETURN(a.password_hash,
                          HashPassword(replacement, settings_.password_iterations, rng_));
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  // Other sessions end: a changed password is often a reaction to a stolen one.
  HETONG_RETURN_IF_ERROR(repo_.RevokeSessionsOf(a.id, a.updated_at));
  return a;
}

Status IdentityService::Deregister(const std::string& actor, const std::string& account_id) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(account_id));
  if (a.kind == AccountKind::kPerson) {
    if (a.id != me.id) return NotFoundError("no such account");
  } else {
    HETONG_RETURN_IF_ERROR(RequireRole(actor, a.id, Role::kAdmin));
  }
  if (!Active(a)) return FailedPreconditionError("the account is already deregistered");
  base::TimePoint now = clock_.Now();
  if (a.kind == AccountKind::kOrg) {
    HETONG_ASSIGN_OR_RETURN(auto grants, repo_.ListGrants(a.id));
    for (Grant& g : grants) {
      if (g.revoked_at) continue;
      g.revoked_at = now;
      g.revoked_by = me.id;
      HETONG_RETURN_IF_ERROR(repo_.UpdateGrant(g));
    }
  }
  // The key stops signing; its certificates are revoked (cessationOfOperation) and kept.
  if (!a.key_id.empty() && issuer_) {
    HETONG_RETURN_IF_ERROR(issuer_->Revoke(a, 5 /* cessationOfOperation */));
    a.key_id.clear();
  }
  a.status = "deregistered";
  a.password_hash.clear();
  a.totp_sealed.clear();
  a.totp_confirmed = false;
  a.updated_at = now;
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  HETONG_RETURN_IF_ERROR(repo_.RevokeSessionsOf(a.id, now));
  spdlog::info("identity: {} deregistered {}", me.id, a.id);
  Audit("account.deregistered", a.id, me.id);
  return OkStatus();
}

StatusOr<Account> IdentityService::KeyOwner(const std::string& actor, const std::string& account_id,
                                            const SecretBytes& password) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(account_id.empty() ? actor : account_id));
  if (a.kind == AccountKind::kPerson) {
    if (a.id != me.id) return NotFoundError("no such account");
  } else {
    HETONG_RETURN_IF_ERROR(RequireRole(actor, a.id, Role::kAdmin));
  }
  if (!Active(a)) return FailedPreconditionError("the account is deregistered");
  if (a.verification != "verified") {
    return FailedPreconditionError("the account has not passed real-name verification");
  }
  if (!issuer_) return FailedPreconditionError("this instance issues no credentials");
  HETONG_RETURN_IF_ERROR(CheckPassword(actor, password));
  return a;
}

StatusOr<Account> IdentityService::RenewCertificate(const std::string& actor,
                                                    const std::string& account_id,
                                                    const SecretBytes& password) {
  HETONG_ASSIGN_OR_RETURN(Account a, KeyOwner(actor, account_id, password));
  if (a.key_id.empty()) return FailedPreconditionError("the account has no key; rotate to get one");
  HETONG_ASSIGN_OR_RETURN(CredentialIssuer::Issued issued, issuer_->Renew(a));
  a.cert_serial = issued.cert_serial;
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  spdlog::info("identity: {} renewed the certificate of {} ({})", actor, a.id, a.cert_serial);
  Audit("certificate.renewed", a.id, actor, R"({"serial":")" + a.cert_serial + "\"}");
  return a;
}

StatusOr<Account> IdentityService::RotateKey(const std::string& actor,
                                             const std::string& account_id,
                                             const SecretBytes& password) {
  HETONG_ASSIGN_OR_RETURN(Account a, KeyOwner(actor, account_id, password));
  Account old = a;
  // The new key first: if issuing fails, the account keeps the key it had.
  HETONG_ASSIGN_OR_RETURN(CredentialIssuer::Issued issued,
                          issuer_->Issue(a, a.verified_by == "sandbox"));
  a.key_id = issued.key_id;
  a.cert_serial = issued.cert_serial;
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  if (!old.key_id.empty()) HETONG_RETURN_IF_ERROR(issuer_->Revoke(old, 4 /* superseded */));
  spdlog::info("identity: {} rotated the key of {} (now {})", actor, a.id, a.key_id);
  Audit("key.rotated", a.id, actor, R"({"key_id":")" + a.key_id + "\"}");
  return a;
}

StatusOr<Account> IdentityService::RevokeKey(const std::string& actor,
                                             const std::string& account_id,
                                             const SecretBytes& password,
                                             const std::string& reason) {
  static const std::map<std::string, int> kReasons = {{"key_compromise", 1},
                                                      {"affiliation_changed", 3},
                                                      {"superseded", 4},
                                                      {"cessation_of_operation", 5}};
  auto r = kReasons.find(reason);
  if (r == kReasons.end()) {
    return InvalidArgumentError(
        "reason is key_compromise, affiliation_changed, superseded or cessation_of_operation");
  }
  HETONG_ASSIGN_OR_RETURN(Account a, KeyOwner(actor, account_id, password));
  if (a.key_id.empty()) return FailedPreconditionError("the account has no key to revoke");
  HETONG_RETURN_IF_ERROR(issuer_->Revoke(a, r->second));
  spdlog::warn("identity: {} revoked the key {} of {} ({})", actor, a.key_id, a.id, reason);
  Audit("key.revoked", a.id, actor,
        R"({"key_id":")" + a.key_id + R"(","serial":")" + a.cert_serial + "\"}");
  a.key_id.clear();
  a.cert_serial.clear();
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  return a;
}

Status IdentityService::SetOperator(const std::string& email, bool op) {
  HETONG_ASSIGN_OR_RETURN(std::string e, NormaliseEmail(email));
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.FindByEmail(e));
  if (!a || a->kind != AccountKind::kPerson) return NotFoundError("no person with that email");
  a->operator_role = op;
  a->updated_at = clock_.Now();
  return repo_.UpdateAccount(*a);
}

// ---- authentication ----

StatusOr<LoginResult> IdentityService::StartSession(Account a, const std::string& method) {
  HETONG_ASSIGN_OR_RETURN(IssuedToken t, NewToken(rng_));
  Session s;
  s.token_hash = t.hash;
  s.account_id = a.id;
  s.method = method;
  s.created_at = clock_.Now();
  s.expires_at = s.created_at + settings_.session_ttl;
  if (a.failed_logins != 0 || a.locked_until) {
    a.failed_logins = 0;
    a.locked_until.reset();
    HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  }
  HETONG_RETURN_IF_ERROR(repo_.InsertSession(s));
  spdlog::info("identity: {} logged in ({})", a.id, method);
  Audit("login", a.id, a.id, R"({"method":")" + method + "\"}");
  return LoginResult{std::move(a), std::move(s), std::move(t.token)};
}

Status IdentityService::RecordFailure(Account a) {
  a.failed_logins += 1;
  if (a.failed_logins >= settings_.max_failed_logins) {
    a.locked_until = clock_.Now() + settings_.lockout;
    a.failed_logins = 0;
    spdlog::warn("identity: {} locked after {} failed logins", a.id, settings_.max_failed_logins);
  }
  return repo_.UpdateAccount(a);
}

StatusOr<LoginResult> IdentityService::LoginWithPassword(const std::string& email,
                                                         const SecretBytes& password,
                                                         const std::string& totp_code) {
  auto e = NormaliseEmail(email);
  if (!e.ok()) return LoginFailed();
  HETONG_ASSIGN_OR_RETURN(auto found, repo_.FindByEmail(*e));
  if (!found || found->kind != AccountKind::kPerson || !Active(*found)) {
    // Spend the time of a real check, so that timing does not tell which emails exist.
    (void)VerifyPassword(password, "pbkdf2-sm3$" + std::to_string(settings_.password_iterations) +
                                       "$AAAAAAAAAAAAAAAAAAAAAA$" + std::string(43, 'A'));
    return LoginFailed();
  }
  Account a = *std::move(found);
  if (a.locked_until && *a.locked_until > clock_.Now()) {
    return ResourceExhaustedError("too many failed logins: the account is locked until " +
                                  base::FormatRfc3339(*a.locked_until) +
                                  "; wait, or log in with a one-time code");
  }
  HETONG_ASSIGN_OR_RETURN(bool ok, VerifyPassword(password, a.password_hash));
  if (ok && a.totp_confirmed) {
    if (totp_code.empty()) {
      return UnauthenticatedError("this account needs its authenticator code (totp) as well");
    }
    HETONG_ASSIGN_OR_RETURN(ok, TotpAccepts(a, totp_code));
  }
  if (!ok) {
    HETONG_RETURN_IF_ERROR(RecordFailure(std::move(a)));
    return LoginFailed();
  }
  std::string method = a.totp_confirmed ? "password+totp" : "password";
  return StartSession(std::move(a), method);
}

StatusOr<std::string> IdentityService::SendLoginCode(const std::string& email,
                                                     const std::string& channel) {
  if (channel != "email" && channel != "sms") {
    return InvalidArgumentError("a code is sent by email or sms");
  }
  HETONG_ASSIGN_OR_RETURN(std::string e, NormaliseEmail(email));
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.FindByEmail(e));
  // The answer is the same whether the account exists: a code id that never verifies.
  if (!a || a->kind != AccountKind::kPerson || !Active(*a) ||
      (channel == "sms" && a->mobile.empty())) {
    return NewId("otc-");
  }
  auto id = SendCode(*a, channel, "login");
  // Rate-limited like an unknown account: the answer does not tell that the account exists.
  if (id.status().code() == StatusCode::kResourceExhausted) return NewId("otc-");
  return id;
}

StatusOr<std::string> IdentityService::SendCode(const Account& a, const std::string& channel,
                                                const std::string& purpose) {
  if (channel != "email" && channel != "sms") {
    return InvalidArgumentError("a code is sent by email or sms");
  }
  if (channel == "sms" && a.mobile.empty()) {
    return FailedPreconditionError("the account has no mobile number for an SMS code");
  }
  HETONG_ASSIGN_OR_RETURN(std::string id, NewId("otc-"));
  // One code of a kind (login, intent) per interval per account and channel. Other mail to
  // the same address (an invitation, "your turn to sign") does not count, nor does a code of
  // the other kind: a signer often logs in with a code and confirms with one a moment later.
  std::string kind = purpose.substr(0, purpose.find(':'));
  HETONG_ASSIGN_OR_RETURN(auto last, repo_.LastCodeCreatedAt(a.id, channel, kind));
  base::TimePoint now = clock_.Now();
  if (last && now - *last < settings_.code_interval) {
    return ResourceExhaustedError("a code was sent less than " +
                                  std::to_string(settings_.code_interval.count()) +
                                  " seconds ago; wait before asking for another");
  }
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 4));
  uint32_t v = (uint32_t(r[0]) << 24) | (uint32_t(r[1]) << 16) | (uint32_t(r[2]) << 8) | r[3];
  std::string code = std::to_string(v % 1'000'000);
  code = std::string(6 - code.size(), '0') + code;
  OneTimeCode c;
  c.id = id;
  c.account_id = a.id;
  c.channel = channel;
  c.purpose = purpose;
  c.code_hash = TokenHash(c.id + ":" + code);
  c.expires_at = now + settings_.code_ttl;
  c.created_at = now;
  bool login = purpose == "login";
  OutboxMessage m;
  HETONG_ASSIGN_OR_RETURN(m.id, NewId("msg-"));
  m.channel = channel;
  m.recipient = channel == "sms" ? a.mobile : a.email;
  m.subject = settings_.issuer + (login ? " login code" : " signing confirmation code");
  m.body = "Your " + settings_.issuer + (login ? " login code" : " code to confirm a signature") +
           " is " + code + ". It expires in " + std::to_string(settings_.code_ttl.count() / 60) +
           " minutes. If you did not ask for it, ignore this message" +
           (login ? "." : " and change your password.");
  m.created_at = now;
  std::fill(code.begin(), code.end(), '\0');
  HETONG_RETURN_IF_ERROR(repo_.InsertCode(c, m));
  return id;
}

StatusOr<OneTimeCode> IdentityService::ConsumeCode(const std::string& code_id,
                                                   const std::string& code,
                                                   const std::string& purpose) {
  auto fail = [] { return UnauthenticatedError("the code is wrong or has expired"); };
  HETONG_ASSIGN_OR_RETURN(auto c, repo_.GetCode(code_id));
  if (!c || c->purpose != purpose || c->used || c->attempts >= settings_.code_attempts ||
      c->expires_at <= clock_.Now()) {
    return fail();
  }
  if (TokenHash(c->id + ":" + code) != c->code_hash) {
    HETONG_RETURN_IF_ERROR(repo_.CountCodeAttempt(c->id));
    return fail();
  }
  // Atomic: of two requests racing with one code, one wins.
  if (!repo_.SpendCode(c->id).ok()) return fail();
  c->used = true;
  return *std::move(c);
}

StatusOr<LoginResult> IdentityService::LoginWithCode(const std::string& code_id,
                                                     const std::string& code,
                                                     const std::string& totp_code) {
  HETONG_ASSIGN_OR_RETURN(OneTimeCode c, ConsumeCode(code_id, code, "login"));
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(c.account_id));
  if (!Active(a)) return UnauthenticatedError("the code is wrong or has expired");
  if (a.totp_confirmed) {
    // A code proves the mailbox or the phone; with an authenticator enrolled it is one factor.
    if (totp_code.empty()) {
      return UnauthenticatedError("this account needs its authenticator code (totp) as well");
    }
    HETONG_ASSIGN_OR_RETURN(bool ok, TotpAccepts(a, totp_code));
    if (!ok) {
      HETONG_RETURN_IF_ERROR(RecordFailure(std::move(a)));
      return UnauthenticatedError("the code is wrong or has expired");
    }
  }
  std::string method = "code:" + c.channel + (a.totp_confirmed ? "+totp" : "");
  return StartSession(std::move(a), method);
}

StatusOr<bool> IdentityService::TotpAccepts(Account& a, const std::string& code) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes secret, Unseal(a.totp_sealed, a.id + ":totp"));
  HETONG_ASSIGN_OR_RETURN(SecretBytes raw,
                          Base32DecodeSecret(secret.RevealString(SecretAccess::Unsafe())));
  int64_t step = TotpMatch(raw, code, clock_.Now());
  if (step < 0 || step <= a.totp_last_step) return false;  // wrong, or replayed
  a.totp_last_step = step;
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  return true;
}

Status IdentityService::CheckPassword(const std::string& actor, const SecretBytes& password) {
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  if (a.locked_until && *a.locked_until > clock_.Now()) {
    return ResourceExhaustedError("too many wrong passwords: the account is locked until " +
                                  base::FormatRfc3339(*a.locked_until));
  }
  HETONG_ASSIGN_OR_RETURN(bool ok, VerifyPassword(password, a.password_hash));
  if (!ok) {
    HETONG_RETURN_IF_ERROR(RecordFailure(std::move(a)));
    return PermissionDeniedError("the password is wrong");
  }
  if (a.failed_logins != 0) {
    a.failed_logins = 0;
    HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  }
  return OkStatus();
}

Status IdentityService::CheckTotp(const std::string& actor, const std::string& code) {
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  if (!a.totp_confirmed) return FailedPreconditionError("no authenticator is enrolled");
  if (a.locked_until && *a.locked_until > clock_.Now()) {
    return ResourceExhaustedError("too many wrong codes: the account is locked until " +
                                  base::FormatRfc3339(*a.locked_until));
  }
  HETONG_ASSIGN_OR_RETURN(bool ok, TotpAccepts(a, code));
  if (!ok) {
    HETONG_RETURN_IF_ERROR(RecordFailure(std::move(a)));
    return PermissionDeniedError("the authenticator code is wrong or was already used");
  }
  return OkStatus();
}

StatusOr<TotpEnrollment> IdentityService::BeginTotp(const std::string& actor,
                                                    const SecretBytes& password) {
  HETONG_RETURN_IF_ERROR(CheckPassword(actor, password));
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  if (a.kind != AccountKind::kPerson) return InvalidArgumentError("only persons log in");
  if (a.totp_confirmed) {
    return FailedPreconditionError("an authenticator is already enrolled for this account");
  }
  HETONG_ASSIGN_OR_RETURN(SecretBytes raw, crypto::RandomSecret(rng_, 20));
  std::string b32 = Base32Encode(raw.Reveal(SecretAccess::Unsafe()));
  HETONG_ASSIGN_OR_RETURN(a.totp_sealed, Seal(AsBytes(b32), a.id + ":totp"));
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  TotpEnrollment t{SecretBytes::Copy(b32), TotpUri(settings_.issuer, a.email, b32)};
  std::fill(b32.begin(), b32.end(), '\0');
  return t;
}

Status IdentityService::ConfirmTotp(const std::string& actor, const std::string& code) {
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  if (a.totp_sealed.empty()) return FailedPreconditionError("start the enrolment first");
  if (a.totp_confirmed) return FailedPreconditionError("the authenticator is already confirmed");
  HETONG_ASSIGN_OR_RETURN(SecretBytes secret, Unseal(a.totp_sealed, a.id + ":totp"));
  HETONG_ASSIGN_OR_RETURN(SecretBytes raw,
                          Base32DecodeSecret(secret.RevealString(SecretAccess::Unsafe())));
  int64_t step = TotpMatch(raw, code, clock_.Now());
  if (step < 0) {
    return InvalidArgumentError("the authenticator code does not match; check the phone's clock");
  }
  a.totp_confirmed = true;
  a.totp_last_step = step;  // this code is spent
  a.updated_at = clock_.Now();
  return repo_.UpdateAccount(a);
}

StatusOr<LoginResult> IdentityService::StartCertificateSession(const Account& a) {
  if (!Active(a)) return UnauthenticatedError("the account is deregistered");
  return StartSession(a, "certificate");
}

StatusOr<Authenticated> IdentityService::Authenticate(const std::string& token) {
  auto fail = [] { return UnauthenticatedError("the session is unknown, expired or ended"); };
  if (token.empty() || token.size() > 128) return fail();
  HETONG_ASSIGN_OR_RETURN(auto s, repo_.GetSession(TokenHash(token)));
  if (!s || s->revoked_at || s->expires_at <= clock_.Now()) return fail();
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.GetAccount(s->account_id));
  if (!a || !Active(*a)) return fail();
  return Authenticated{*std::move(a), *std::move(s)};
}

Status IdentityService::Logout(const std::string& token) {
  HETONG_ASSIGN_OR_RETURN(Authenticated who, Authenticate(token));
  return repo_.RevokeSession(who.session.token_hash, clock_.Now());
}

Status IdentityService::LogoutEverywhere(const std::string& actor) {
  HETONG_ASSIGN_OR_RETURN(Account a, Actor(actor));
  return repo_.RevokeSessionsOf(a.id, clock_.Now());
}

// ---- verification ----

StatusOr<Verification> IdentityService::SubmitVerification(
    const std::string& actor, const std::string& account_id, const std::string& provider,
    const std::map<std::string, std::string>& material) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(account_id.empty() ? actor : account_id));
  if (a.kind == AccountKind::kPerson) {
    if (a.id != me.id) return NotFoundError("no such account");
  } else {
    HETONG_RETURN_IF_ERROR(RequireRole(actor, a.id, Role::kAdmin));
  }
  if (!Active(a)) return FailedPreconditionError("the account is deregistered");
  if (a.verification == "verified")
    return FailedPreconditionError("the account is already verified");
  VerificationProvider* p = nullptr;
  for (auto& candidate : providers_) {
    if (candidate->name() == provider) p = candidate.get();
  }
  if (!p) {
    std::string names;
    for (const auto& n : ProviderNames()) names += (names.empty() ? "" : ", ") + n;
    return InvalidArgumentError("unknown verification provider '" + provider +
                                "'; this instance offers: " + names);
  }
  size_t total = 0;
  std::string fields;
  for (const auto& [k, v] : material) {
    bool ok = !k.empty() && k.size() <= 32;
    for (char c : k) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) return InvalidArgumentError("verification field names are 1-32 of a-z, 0-9, _");
    total += k.size() + v.size();
    fields += (fields.empty() ? "" : ", ") + k + " (" + std::to_string(v.size()) + " bytes)";
  }
  if (total > 512 * 1024) return InvalidArgumentError("verification material is at most 512 KiB");
  HETONG_ASSIGN_OR_RETURN(SecretBytes number, IdNumberOf(a));
  HETONG_ASSIGN_OR_RETURN(VerificationProvider::Outcome out, p->Check(a, number, material));
  Verification v;
  HETONG_ASSIGN_OR_RETURN(v.id, NewId("ver-"));
  v.account_id = a.id;
  v.provider = p->name();
  v.state = out.state;
  v.reason = out.reason;
  v.summary = fields.empty() ? "no material" : fields;
  std::string plain;
  for (const auto& [k, val] : material) {
    plain += std::to_string(k.size()) + ":" + k + std::to_string(val.size()) + ":" + val;
  }
  HETONG_ASSIGN_OR_RETURN(v.material_sealed, Seal(AsBytes(plain), v.id + ":material"));
  std::fill(plain.begin(), plain.end(), '\0');
  v.submitted_at = clock_.Now();
  if (out.state != "pending") {
    v.decided_at = v.submitted_at;
    v.decided_by = "provider:" + p->name();
  }
  HETONG_RETURN_IF_ERROR(repo_.InsertVerification(v));
  if (out.state == "approved") {
    if (!out.login_cert.empty()) a.login_cert = out.login_cert;
    HETONG_RETURN_IF_ERROR(Approve(a, v, v.decided_by));
  } else {
    a.verification = out.state == "pending" ? "pending" : "rejected";
    a.updated_at = clock_.Now();
    HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  }
  return v;
}

Status IdentityService::Approve(Account a, Verification v, const std::string& decided_by) {
  a.verification = "verified";
  a.verified_by = v.provider;
  if (issuer_ && !a.key_id.empty()) {
    // Verified again (e.g. after a change of name): the old certificate names the old
    // identity, so it is superseded.
    HETONG_RETURN_IF_ERROR(issuer_->Revoke(a, 4 /* superseded */));
    a.key_id.clear();
  }
  if (issuer_) {
    HETONG_ASSIGN_OR_RETURN(CredentialIssuer::Issued issued,
                            issuer_->Issue(a, v.provider == "sandbox"));
    a.key_id = issued.key_id;
    a.cert_serial = issued.cert_serial;
  }
  a.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
  spdlog::info("identity: {} verified by {} ({})", a.id, v.provider, decided_by);
  Audit("verification.approved", a.id, decided_by,
        R"({"provider":")" + v.provider + R"(","serial":")" + a.cert_serial + "\"}");
  return OkStatus();
}

StatusOr<std::vector<Verification>> IdentityService::ListVerifications(const std::string& actor,
                                                                       const std::string& state,
                                                                       int limit, int64_t offset) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  if (!me.operator_role) return PermissionDeniedError("only operators review verifications");
  return repo_.ListVerifications(state, limit, offset);
}

StatusOr<Verification> IdentityService::Review(const std::string& actor,
                                               const std::string& verification_id, bool approve,
                                               const std::string& reason) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  if (!me.operator_role) return PermissionDeniedError("only operators review verifications");
  HETONG_ASSIGN_OR_RETURN(auto v, repo_.GetVerification(verification_id));
  if (!v) return NotFoundError("no such verification");
  if (v->state != "pending") return FailedPreconditionError("the verification was already decided");
  if (v->account_id == me.id) {
    return PermissionDeniedError("an operator does not review their own verification");
  }
  if (!approve && reason.empty()) {
    return InvalidArgumentError("a rejection gives the person a reason");
  }
  HETONG_ASSIGN_OR_RETURN(Account a, MustGet(v->account_id));
  if (!Active(a) || a.verification == "verified") {
    return FailedPreconditionError(
        "the account is deregistered or already verified; this verification is stale");
  }
  v->state = approve ? "approved" : "rejected";
  v->reason = reason;
  v->decided_by = me.id;
  v->decided_at = clock_.Now();
  // The account first: if issuing its credentials fails, the case stays pending.
  if (approve) {
    HETONG_RETURN_IF_ERROR(Approve(a, *v, me.id));
  } else {
    a.verification = "rejected";
    a.updated_at = clock_.Now();
    HETONG_RETURN_IF_ERROR(repo_.UpdateAccount(a));
    Audit("verification.rejected", a.id, me.id, R"({"provider":")" + v->provider + "\"}");
  }
  HETONG_RETURN_IF_ERROR(repo_.UpdateVerification(*v));
  return *v;
}

// ---- organisations ----

StatusOr<std::optional<Role>> IdentityService::RoleOf(const std::string& org_id,
                                                      const std::string& person_id) {
  HETONG_ASSIGN_OR_RETURN(auto m, repo_.GetMember(org_id, person_id));
  if (!m) return std::optional<Role>();
  return std::optional<Role>(m->role);
}

Status IdentityService::RequireRole(const std::string& actor, const std::string& org_id,
                                    Role at_least) {
  HETONG_ASSIGN_OR_RETURN(auto role, RoleOf(org_id, actor));
  if (!role) return NotFoundError("no such organisation");
  if (static_cast<int>(*role) > static_cast<int>(at_least)) {
    return PermissionDeniedError("this needs the " + std::string(RoleName(at_least)) +
                                 " role in the organisation");
  }
  return OkStatus();
}

StatusOr<Account> IdentityService::GetOrg(const std::string& actor, const std::string& org_id) {
  HETONG_ASSIGN_OR_RETURN(Account me, Actor(actor));
  if (!me.operator_role) HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kViewer));
  HETONG_ASSIGN_OR_RETURN(Account org, MustGet(org_id));
  if (org.kind != AccountKind::kOrg) return NotFoundError("no such organisation");
  return org;
}

StatusOr<std::vector<Member>> IdentityService::ListMembers(const std::string& actor,
                                                           const std::string& org_id, int limit,
                                                           int64_t offset) {
  HETONG_RETURN_IF_ERROR(GetOrg(actor, org_id).status());
  return repo_.ListMembers(org_id, limit, offset);
}

StatusOr<Member> IdentityService::AddMember(const std::string& actor, const std::string& org_id,
                                            const std::string& email, Role role) {
  HETONG_RETURN_IF_ERROR(Actor(actor).status());
  HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kAdmin));
  HETONG_ASSIGN_OR_RETURN(Account org, MustGet(org_id));
  if (!Active(org)) return FailedPreconditionError("the organisation is deregistered");
  auto e = NormaliseEmail(email);
  if (!e.ok()) return e.status();
  HETONG_ASSIGN_OR_RETURN(auto person, repo_.FindByEmail(*e));
  if (!person || person->kind != AccountKind::kPerson || !Active(*person)) {
    return NotFoundError("no registered person has that email; ask them to register first");
  }
  if (person->id == actor && role != Role::kAdmin) {
    return FailedPreconditionError("an admin does not demote themselves; another admin can");
  }
  Member m{org_id, person->id, role, clock_.Now()};
  HETONG_ASSIGN_OR_RETURN(auto existing, repo_.GetMember(org_id, person->id));
  if (existing) m.created_at = existing->created_at;
  HETONG_RETURN_IF_ERROR(repo_.UpsertMember(m));
  spdlog::info("identity: {} made {} {} of {}", actor, person->id, RoleName(role), org_id);
  Audit("member.added", org_id, actor,
        R"({"person_id":")" + person->id + R"(","role":")" + std::string(RoleName(role)) + "\"}");
  return m;
}

Status IdentityService::RemoveMember(const std::string& actor, const std::string& org_id,
                                     const std::string& person_id) {
  HETONG_RETURN_IF_ERROR(Actor(actor).status());
  HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kAdmin));
  if (person_id == actor) {
    return FailedPreconditionError("an admin does not remove themselves; another admin can");
  }
  HETONG_ASSIGN_OR_RETURN(auto m, repo_.GetMember(org_id, person_id));
  if (!m) return NotFoundError("no such member");
  // A member who leaves loses every grant at once.
  base::TimePoint now = clock_.Now();
  HETONG_ASSIGN_OR_RETURN(auto grants, repo_.ListGrants(org_id));
  for (Grant& g : grants) {
    if (g.person_id != person_id || g.revoked_at) continue;
    g.revoked_at = now;
    g.revoked_by = actor;
    HETONG_RETURN_IF_ERROR(repo_.UpdateGrant(g));
  }
  HETONG_RETURN_IF_ERROR(repo_.DeleteMember(org_id, person_id));
  Audit("member.removed", org_id, actor, R"({"person_id":")" + person_id + "\"}");
  return OkStatus();
}

StatusOr<std::vector<Member>> IdentityService::Memberships(const std::string& person_id) {
  return repo_.ListMemberships(person_id);
}

StatusOr<Grant> IdentityService::GrantSeal(const std::string& actor, const std::string& org_id,
                                           const std::string& person_id,
                                           const std::vector<std::string>& contract_types,
                                           std::optional<base::TimePoint> not_after) {
  HETONG_RETURN_IF_ERROR(Actor(actor).status());
  HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kSealManager));
  HETONG_ASSIGN_OR_RETURN(Account org, MustGet(org_id));
  if (!Active(org)) return FailedPreconditionError("the organisation is deregistered");
  if (org.verification != "verified") {
    return FailedPreconditionError(
        "the organisation has no verified identity and no key yet; verify it first");
  }
  HETONG_ASSIGN_OR_RETURN(auto member, repo_.GetMember(org_id, person_id));
  if (!member) return NotFoundError("no such member");
  if (member->role == Role::kViewer) {
    return FailedPreconditionError("viewers cannot be granted the seal; make them a signer first");
  }
  HETONG_ASSIGN_OR_RETURN(Account person, MustGet(person_id));
  if (person.verification != "verified") {
    return FailedPreconditionError(
        "the member has not passed real-name verification; their own signature is checked "
        "before the organisation's key signs");
  }
  base::TimePoint now = clock_.Now();
  if (not_after && *not_after <= now) return InvalidArgumentError("not_after is in the past");
  for (const auto& t : contract_types) {
    bool ok = !t.empty() && t.size() <= 64;
    for (unsigned char ch : t) ok = ok && ch >= 0x20 && ch != 0x7f;
    if (!ok)
      return InvalidArgumentError("a contract type is 1-64 bytes without control characters");
  }
  Grant g;
  HETONG_ASSIGN_OR_RETURN(g.id, NewId("grt-"));
  g.org_id = org_id;
  g.person_id = person_id;
  g.contract_types = contract_types;
  g.not_after = not_after;
  g.granted_by = actor;
  g.created_at = now;
  HETONG_RETURN_IF_ERROR(repo_.InsertGrant(g));
  spdlog::info("identity: {} granted {} the seal of {} ({})", actor, person_id, org_id, g.id);
  Audit("grant.created", org_id, actor,
        R"({"grant_id":")" + g.id + R"(","person_id":")" + person_id + "\"}");
  return g;
}

Status IdentityService::RevokeGrant(const std::string& actor, const std::string& org_id,
                                    const std::string& grant_id) {
  HETONG_RETURN_IF_ERROR(Actor(actor).status());
  HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kSealManager));
  HETONG_ASSIGN_OR_RETURN(auto g, repo_.GetGrant(grant_id));
  if (!g || g->org_id != org_id) return NotFoundError("no such grant");
  if (g->revoked_at) return OkStatus();  // revoking twice changes nothing
  g->revoked_at = clock_.Now();
  g->revoked_by = actor;
  HETONG_RETURN_IF_ERROR(repo_.UpdateGrant(*g));
  spdlog::info("identity: {} revoked grant {}", actor, grant_id);
  Audit("grant.revoked", org_id, actor, R"({"grant_id":")" + grant_id + "\"}");
  return OkStatus();
}

StatusOr<std::vector<Grant>> IdentityService::ListGrants(const std::string& actor,
                                                         const std::string& org_id) {
  HETONG_RETURN_IF_ERROR(Actor(actor).status());
  HETONG_RETURN_IF_ERROR(RequireRole(actor, org_id, Role::kSealManager));
  return repo_.ListGrants(org_id);
}

StatusOr<Grant> IdentityService::ActiveGrant(const std::string& org_id,
                                             const std::string& person_id,
                                             const std::string& contract_type) {
  HETONG_ASSIGN_OR_RETURN(auto member, repo_.GetMember(org_id, person_id));
  if (!member || member->role == Role::kViewer) {
    return PermissionDeniedError("the person may not sign for this organisation");
  }
  HETONG_ASSIGN_OR_RETURN(auto grants, repo_.ListGrants(org_id));
  base::TimePoint now = clock_.Now();
  for (const Grant& g : grants) {
    if (g.person_id != person_id || g.revoked_at) continue;
    if (g.not_after && *g.not_after <= now) continue;
    if (!g.contract_types.empty() && std::find(g.contract_types.begin(), g.contract_types.end(),
                                               contract_type) == g.contract_types.end()) {
      continue;
    }
    return g;
  }
  return PermissionDeniedError(
      "no active grant lets the person use the organisation's seal for this contract");
}

}  // namespace hetong::identity
