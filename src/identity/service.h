// IdentityService: registration, real-name verification, authentication, sessions,
// organisation members and grants (identity.h has the data and the overview).
//
// Every method that acts for someone takes the acting account id and checks it itself:
// callers (the API) authenticate, the service authorises. Errors: InvalidArgument for bad
// input, AlreadyExists for a taken email or identity number, Unauthenticated for a failed
// login (one message whatever was wrong), ResourceExhausted while an account is locked,
// PermissionDenied for a role that does not allow the action, NotFound for what the actor
// cannot see (another tenant's objects are NotFound, not PermissionDenied).
//
// Thread-safety: safe for concurrent use if the repository, providers and issuer are.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "identity/identity.h"

namespace hetong::identity {

struct Settings {
  // PBKDF2-HMAC-SM3 iterations for new password hashes (a login costs about 0.1-0.2 s of CPU).
  uint32_t password_iterations = 100'000;
  int max_failed_logins = 5;              // then the account is locked ...
  std::chrono::seconds lockout{15 * 60};  // ... for this long
  std::chrono::seconds session_ttl{12 * 3600};
  std::chrono::seconds code_ttl{5 * 60};   // one-time codes
  int code_attempts = 5;                   // wrong guesses before a code dies
  std::chrono::seconds code_interval{60};  // between two codes of a kind to one account
  bool demo = false;                       // the sandbox provider works only here
  std::string issuer = "hetong";           // TOTP issuer, message signatures
};

// A real-name verification method (report §5.3.1.3). Providers return approved or rejected
// at once, or pending when a person (an operator) or a remote service decides later.
class VerificationProvider {
 public:
  struct Outcome {
    std::string state;       // approved | rejected | pending
    std::string reason;      // shown to the user and the operator; no secrets
    std::string login_cert;  // approved by certificate: its fingerprint, for challenge login
  };
  virtual ~VerificationProvider() = default;
  virtual std::string name() const = 0;
  // `id_number`: the account's identity card number or credit code, unsealed for the check;
  // `material`: the submitted fields (strings) besides it.
  virtual StatusOr<Outcome> Check(const Account& account, const SecretBytes& id_number,
                                  const std::map<std::string, std::string>& material) = 0;
};

// Gives a verified account its key pair and certificate (the platform: key center + CA).
class CredentialIssuer {
 public:
  struct Issued {
    std::string key_id;
    std::string cert_serial;
  };
  virtual ~CredentialIssuer() = default;
  // `sandbox`: verified by the sandbox provider; the certificate's subject must say so.
  virtual StatusOr<Issued> Issue(const Account& account, bool sandbox) = 0;
  // A new certificate for the account's current key (same subject), e.g. before expiry.
  virtual StatusOr<Issued> Renew(const Account& account) = 0;
  // Revokes the certificates of the account's key (RFC 5280 reason code) and retires the key.
  virtual Status Revoke(const Account& account, int reason) = 0;
};

struct PersonRegistration {
  std::string name;
  std::string email;
  std::string mobile;
  SecretBytes id_number;
  SecretBytes password;
};

struct OrgRegistration {
  std::string name;
  std::string credit_code;
  std::string legal_representative;
  std::string email;  // contact, optional
};

struct LoginResult {
  Account account;
  Session session;
  SecretBytes token;  // the bearer token, shown once
};

struct Authenticated {
  Account account;
  Session session;
};

struct TotpEnrollment {
  SecretBytes secret_base32;
  std::string uri;  // otpauth:// for authenticator apps
};

class IdentityService {
 public:
  IdentityService(IdentityRepository& repo, const base::Clock& clock, Rng& rng,
                  const SecretBytes& master_key, Settings settings);

  void AddProvider(std::unique_ptr<VerificationProvider> provider);
  void SetIssuer(CredentialIssuer* issuer) { issuer_ = issuer; }
  std::vector<std::string> ProviderNames() const;
  const Settings& settings() const { return settings_; }

  // ---- accounts ----
  StatusOr<Account> RegisterPerson(const PersonRegistration& r);
  // An organisation, with `admin_id` (a verified person) as its first admin.
  StatusOr<Account> RegisterOrg(const std::string& admin_id, const OrgRegistration& r);
  StatusOr<Account> GetAccount(const std::string& id);
  // The active person registered with this email; NotFound otherwise.
  StatusOr<Account> PersonByEmail(const std::string& email);
  struct Changes {
    std::optional<std::string> name, email, mobile, legal_representative;
    // A person's new email or mobile (where codes go) needs their current password.
    SecretBytes password;
  };
  // A person changes their own details; an org admin the organisation's. Changing the name
  // of a verified account sends it back to verification (the certificate names it).
  StatusOr<Account> UpdateDetails(const std::string& actor, const std::string& account_id,
                                  const Changes& c);
  StatusOr<Account> ChangePassword(const std::string& actor, const SecretBytes& current,
                                   const SecretBytes& replacement);
  // Deregistration keeps what the law and the evidence need (name, masked and sealed
  // identity number, verification records, certificates) and removes the ability to log in
  // or sign: password hash and TOTP secret erased, sessions revoked, grants revoked.
  Status Deregister(const std::string& actor, const std::string& account_id);
  // Key management by the owner: a person for themselves, an admin for an organisation,
  // each confirmed with the acting person's password. Renewal keeps the key; rotation
  // revokes the old certificates (superseded), retires the old key and issues a new key and
  // certificate; revocation (key_compromise, superseded, affiliation_changed,
  // cessation_of_operation) leaves the account without a key until it rotates.
  StatusOr<Account> RenewCertificate(const std::string& actor, const std::string& account_id,
                                     const SecretBytes& password);
  StatusOr<Account> RotateKey(const std::string& actor, const std::string& account_id,
                              const SecretBytes& password);
  StatusOr<Account> RevokeKey(const std::string& actor, const std::string& account_id,
                              const SecretBytes& password, const std::string& reason);
  // Makes a person an operator (the `hetong operator` command).
  Status SetOperator(const std::string& email, bool op);

  // ---- authentication ----
  StatusOr<LoginResult> LoginWithPassword(const std::string& email, const SecretBytes& password,
                                          const std::string& totp_code = "");
  // Sends a login code by email or SMS through the outbox; returns the code's id, which
  // the client sends back with the code. Rate-limited per account, channel and kind
  // (code_interval; login and intent codes are two kinds).
  StatusOr<std::string> SendLoginCode(const std::string& email, const std::string& channel);
  // With TOTP enrolled, the authenticator code is needed as well.
  StatusOr<LoginResult> LoginWithCode(const std::string& code_id, const std::string& code,
                                      const std::string& totp_code = "");
  // Enrolment needs the current password: a stolen session alone cannot add an authenticator.
  StatusOr<TotpEnrollment> BeginTotp(const std::string& actor, const SecretBytes& password);
  Status ConfirmTotp(const std::string& actor, const std::string& code);
  StatusOr<Authenticated> Authenticate(const std::string& token);
  // A session for an account authenticated by certificate (certificate_auth.h).
  StatusOr<LoginResult> StartCertificateSession(const Account& a);
  Status Logout(const std::string& token);
  Status LogoutEverywhere(const std::string& actor);

  // ---- verification ----
  StatusOr<Verification> SubmitVerification(const std::string& actor, const std::string& account_id,
                                            const std::string& provider,
                                            const std::map<std::string, std::string>& material);
  StatusOr<std::vector<Verification>> ListVerifications(const std::string& actor,
                                                        const std::string& state, int limit,
                                                        int64_t offset);
  // An operator approves or rejects a pending verification.
  StatusOr<Verification> Review(const std::string& actor, const std::string& verification_id,
                                bool approve, const std::string& reason);

  // ---- organisations ----
  StatusOr<std::optional<Role>> RoleOf(const std::string& org_id, const std::string& person_id);
  // NotFound unless `actor` is a member (or an operator) of `org_id`.
  StatusOr<Account> GetOrg(const std::string& actor, const std::string& org_id);
  StatusOr<std::vector<Member>> ListMembers(const std::string& actor, const std::string& org_id,
                                            int limit, int64_t offset);
  // Admins add or change members by the person's email.
  StatusOr<Member> AddMember(const std::string& actor, const std::string& org_id,
                             const std::string& email, Role role);
  Status RemoveMember(const std::string& actor, const std::string& org_id,
                      const std::string& person_id);
  StatusOr<std::vector<Member>> Memberships(const std::string& person_id);
  // Admins and seal managers grant a member the use of the organisation's key.
  StatusOr<Grant> GrantSeal(const std::string& actor, const std::string& org_id,
                            const std::string& person_id,
                            const std::vector<std::string>& contract_types,
                            std::optional<base::TimePoint> not_after);
  Status RevokeGrant(const std::string& actor, const std::string& org_id,
                     const std::string& grant_id);
  StatusOr<std::vector<Grant>> ListGrants(const std::string& actor, const std::string& org_id);
  // The grant that lets `person_id` sign for `org_id` now (for `contract_type`), or
  // PermissionDenied.
  StatusOr<Grant> ActiveGrant(const std::string& org_id, const std::string& person_id,
                              const std::string& contract_type);

  // Called after each step worth keeping as evidence (registration, verification, login,
  // membership, grant, key and certificate changes) with the event type, the account it is
  // about, the acting account and a JSON object of details (never a secret). The platform
  // appends these to the evidence log.
  using AuditHook = std::function<void(const std::string& type, const std::string& subject,
                                       const std::string& actor, const std::string& details)>;
  void SetAudit(AuditHook hook) { audit_ = std::move(hook); }
  void Audit(const std::string& type, const std::string& subject, const std::string& actor,
             const std::string& details = "{}") const {
    if (audit_) audit_(type, subject, actor, details);
  }

  // The latest messages of the outbox to `recipient` (for operators of demo instances).
  StatusOr<std::vector<OutboxMessage>> Outbox(const std::string& recipient, int limit) {
    return repo_.ListOutbox(recipient, limit);
  }

  // Building blocks of signing intent (intent.h). A wrong password or TOTP code counts
  // towards the lockout like a failed login.
  Status CheckPassword(const std::string& actor, const SecretBytes& password);
  Status CheckTotp(const std::string& actor, const std::string& code);
  // Sends a 6-digit code for `purpose` ("login" or "intent:<binding>") through the outbox.
  StatusOr<std::string> SendCode(const Account& a, const std::string& channel,
                                 const std::string& purpose);
  // Checks and spends a code of `purpose`; Unauthenticated when wrong, used or expired.
  StatusOr<OneTimeCode> ConsumeCode(const std::string& code_id, const std::string& code,
                                    const std::string& purpose);

  // Unseals an account's identity number (for providers and the certificate issuer).
  StatusOr<SecretBytes> IdNumberOf(const Account& a) const;

 private:
  StatusOr<std::string> NewId(std::string_view prefix);
  StatusOr<Account> MustGet(const std::string& id);
  StatusOr<Account> Actor(const std::string& actor);
  Status RequireRole(const std::string& actor, const std::string& org_id, Role at_least);
  StatusOr<Bytes> Seal(ByteView plaintext, const std::string& aad);
  StatusOr<SecretBytes> Unseal(ByteView sealed, const std::string& aad) const;
  std::string Index(AccountKind kind, std::string_view number) const;
  StatusOr<LoginResult> StartSession(Account a, const std::string& method);
  Status RecordFailure(Account a);
  // TOTP against the account's secret, refusing a step not later than the last one used.
  StatusOr<bool> TotpAccepts(Account& a, const std::string& code);
  Status Approve(Account a, Verification v, const std::string& decided_by);
  // The account a key-management call acts on, after the role and password checks.
  StatusOr<Account> KeyOwner(const std::string& actor, const std::string& account_id,
                             const SecretBytes& password);

  IdentityRepository& repo_;
  const base::Clock& clock_;
  Rng& rng_;
  AuditHook audit_;
  SecretBytes data_key_;
  SecretBytes index_key_;
  Settings settings_;
  std::vector<std::unique_ptr<VerificationProvider>> providers_;
  CredentialIssuer* issuer_ = nullptr;
};

}  // namespace hetong::identity
