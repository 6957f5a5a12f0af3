// Identity: the persons and organisations of a hetong instance, how they prove who they are
// (real-name verification), how they authenticate (password, one-time codes, certificate
// challenge), their sessions, and who may act for an organisation (members with roles, and
// grants of an organisation's seal key to a member).
//
// The module declares its repository (IdentityRepository, implemented in store/) and the
// interfaces it needs from outside: VerificationProvider (real-name checks, verification.h)
// and CredentialIssuer (a key and certificate once an account is verified, implemented by
// the platform with the key center and the CA). Formats: docs/formats/identity.md.
//
// Sensitive values (identity card numbers, verification material, TOTP secrets) are stored
// sealed with SM4-GCM under the instance's identity data key, with the account id as
// associated data; identity numbers are found by an HMAC-SM3 index, never by their text.
// Passwords are PBKDF2-HMAC-SM3 hashes; session tokens and one-time codes are stored hashed.
//
// Thread-safety: IdentityService is safe for concurrent use if its repository is.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::identity {

enum class AccountKind { kPerson, kOrg };
std::string_view KindName(AccountKind kind);

// Roles of a person in an organisation, in decreasing power.
enum class Role { kAdmin, kSealManager, kSigner, kViewer };
std::string_view RoleName(Role role);
StatusOr<Role> ParseRole(std::string_view name);

struct Account {
  std::string id;  // "psn-" or "org-" + 24 hex digits
  AccountKind kind = AccountKind::kPerson;
  std::string name;
  std::string email;   // persons: the login name (lower case); orgs: contact
  std::string mobile;  // persons
  // Persons: resident identity card number; orgs: unified social credit code.
  std::string id_masked;             // e.g. 110105********002X
  Bytes id_sealed;                   // SM4-GCM(identity data key, the number), AAD = account id
  std::string id_index;              // HMAC-SM3(index key, kind ":" number), hex
  std::string legal_representative;  // orgs
  std::string password_hash;         // persons; empty after deregistration
  Bytes totp_sealed;                 // persons with TOTP enrolled
  bool totp_confirmed = false;
  int64_t totp_last_step = 0;         // the last TOTP time step accepted (no replay within it)
  bool operator_role = false;         // instance operators (review queue, CA/RA)
  std::string status = "active";      // active | deregistered
  std::string verification = "none";  // none | pending | verified | rejected
  std::string verified_by;            // provider name
  std::string key_id;                 // key center key issued after verification
  std::string cert_serial;            // hex serial of its current certificate
  std::string login_cert;  // SHA-256 (hex) of an external certificate for challenge login
  int failed_logins = 0;
  std::optional<base::TimePoint> locked_until;
  base::TimePoint created_at{};
  base::TimePoint updated_at{};
};

struct Member {
  std::string org_id;
  std::string person_id;
  Role role = Role::kViewer;
  base::TimePoint created_at{};
};

// A member's right to have the organisation's key sign (机构授权个人签名).
struct Grant {
  std::string id;  // "grt-" + 24 hex
  std::string org_id;
  std::string person_id;
  std::vector<std::string> contract_types;  // empty: any
  std::optional<base::TimePoint> not_after;
  std::string granted_by;
  base::TimePoint created_at{};
  std::optional<base::TimePoint> revoked_at;
  std::string revoked_by;
};

struct Session {
  std::string token_hash;
  std::string account_id;
  std::string method;  // password | code | totp | certificate
  base::TimePoint created_at{};
  base::TimePoint expires_at{};
  std::optional<base::TimePoint> revoked_at;
};

struct Verification {
  std::string id;  // "ver-" + 24 hex
  std::string account_id;
  std::string provider;
  std::string state = "pending";  // pending | approved | rejected
  Bytes material_sealed;          // what was submitted (JSON), sealed
  std::string summary;            // what an operator sees without unsealing (no secrets)
  std::string reason;             // the provider's or reviewer's reason
  std::string decided_by;         // operator account id or provider name
  base::TimePoint submitted_at{};
  std::optional<base::TimePoint> decided_at;
};

// A one-time code sent through the outbox (login by email or SMS, or signing intent).
struct OneTimeCode {
  std::string id;  // "otc-" + 24 hex
  std::string account_id;
  std::string channel;  // email | sms
  std::string purpose;  // login | intent:<binding>
  std::string code_hash;
  base::TimePoint expires_at{};
  int attempts = 0;
  bool used = false;
  base::TimePoint created_at{};
};

// A message for the notification worker (notify/outbox_worker.h) to send by email or SMS.
// Once sent, failed or expired its body is wiped (bodies carry one-time codes and links with
// single-use tokens); the subject stays for the record.
struct OutboxMessage {
  std::string id;         // "msg-" + 24 hex
  std::string channel;    // email | sms
  std::string recipient;  // an email address or a mobile number
  std::string subject;
  std::string body;  // plain text
  base::TimePoint created_at{};
  // Not sent after this time (one-time codes: when the code expires). Unset: no limit.
  std::optional<base::TimePoint> expires_at;
  // Delivery, kept by the worker.
  std::string state = "pending";  // pending | sent | failed | expired
  int attempts = 0;
  std::optional<base::TimePoint> next_attempt_at;
  std::string last_error;
  std::optional<base::TimePoint> sent_at;
};

// A signing intent: the person confirmed, by password, one-time code or TOTP, that they want
// the data with this SM3 digest signed. Valid for minutes, used once.
struct Intent {
  std::string id;  // "int-" + 24 hex
  std::string account_id;
  std::string binding;  // "sm3:" + hex digest of the data to sign
  std::string method;   // password | code:email | code:sms | totp
  std::string token_hash;
  base::TimePoint created_at{};
  base::TimePoint expires_at{};
  std::optional<base::TimePoint> used_at;
};

// What was signed with an account's key (evidence for part 2: contracts and the log).
struct SignatureRecord {
  std::string id;          // "sig-" + 24 hex
  std::string account_id;  // whose key signed (a person or an organisation)
  std::string key_id;
  std::string signer_id;    // the person who acted (the same as account_id for a person)
  std::string data_digest;  // "sm3:" + hex
  std::string intent_id;    // the person's intent
  std::string grant_id;     // for an organisation's signature: the grant used
  Bytes signature;
  base::TimePoint created_at{};
};

class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;
  // Accounts. AlreadyExists when the email or the identity index is taken.
  virtual Status InsertAccount(const Account& a) = 0;
  // Inserts an organisation and its first admin membership atomically.
  virtual Status InsertOrg(const Account& org, const Member& admin) = 0;
  virtual Status UpdateAccount(const Account& a) = 0;
  virtual StatusOr<std::optional<Account>> GetAccount(const std::string& id) = 0;
  virtual StatusOr<std::optional<Account>> FindByEmail(const std::string& email) = 0;
  virtual StatusOr<std::optional<Account>> FindByIdIndex(const std::string& index) = 0;
  virtual StatusOr<std::optional<Account>> FindByLoginCert(const std::string& fingerprint) = 0;
  // Sessions.
  virtual Status InsertSession(const Session& s) = 0;
  virtual StatusOr<std::optional<Session>> GetSession(const std::string& token_hash) = 0;
  virtual Status RevokeSession(const std::string& token_hash, base::TimePoint at) = 0;
  virtual Status RevokeSessionsOf(const std::string& account_id, base::TimePoint at) = 0;
  // Members.
  virtual Status UpsertMember(const Member& m) = 0;
  virtual Status DeleteMember(const std::string& org_id, const std::string& person_id) = 0;
  virtual StatusOr<std::optional<Member>> GetMember(const std::string& org_id,
                                                    const std::string& person_id) = 0;
  virtual StatusOr<std::vector<Member>> ListMembers(const std::string& org_id, int limit,
                                                    int64_t offset) = 0;
  virtual StatusOr<std::vector<Member>> ListMemberships(const std::string& person_id) = 0;
  // Grants.
  virtual Status InsertGrant(const Grant& g) = 0;
  virtual Status UpdateGrant(const Grant& g) = 0;
  virtual StatusOr<std::optional<Grant>> GetGrant(const std::string& id) = 0;
  virtual StatusOr<std::vector<Grant>> ListGrants(const std::string& org_id) = 0;
  // Verifications.
  virtual Status InsertVerification(const Verification& v) = 0;
  virtual Status UpdateVerification(const Verification& v) = 0;
  virtual StatusOr<std::optional<Verification>> GetVerification(const std::string& id) = 0;
  virtual StatusOr<std::vector<Verification>> ListVerifications(const std::string& state, int limit,
                                                                int64_t offset) = 0;
  // One-time codes and the outbox (a code and its message are stored together).
  virtual Status InsertCode(const OneTimeCode& c, const OutboxMessage& m) = 0;
  // One more wrong guess at a code.
  virtual Status CountCodeAttempt(const std::string& id) = 0;
  // Spends a code: FailedPrecondition when it was already used (atomic).
  virtual Status SpendCode(const std::string& id) = 0;
  virtual StatusOr<std::optional<OneTimeCode>> GetCode(const std::string& id) = 0;
  // When the account's newest code of a kind on `channel` was made, if it has one. The kind
  // is a purpose ("login") or a purpose's part before ':' ("intent" for "intent:<binding>").
  virtual StatusOr<std::optional<base::TimePoint>> LastCodeCreatedAt(const std::string& account_id,
                                                                     const std::string& channel,
                                                                     const std::string& kind) = 0;
  virtual StatusOr<std::vector<OutboxMessage>> ListOutbox(const std::string& recipient,
                                                          int limit) = 0;
  // Queues a message on its own (invitations and other notices). AlreadyExists for a taken id.
  virtual Status InsertOutbox(const OutboxMessage& m) = 0;
  // Intents. MarkIntentUsed fails with FailedPrecondition when it was already used (atomic:
  // two requests racing with one intent cannot both win).
  virtual Status InsertIntent(const Intent& i) = 0;
  virtual StatusOr<std::optional<Intent>> FindIntent(const std::string& token_hash) = 0;
  virtual Status MarkIntentUsed(const std::string& id, base::TimePoint at) = 0;
  virtual Status InsertSignatureRecord(const SignatureRecord& r) = 0;
  virtual StatusOr<std::vector<SignatureRecord>> ListSignatureRecords(const std::string& account_id,
                                                                      int limit) = 0;
};

}  // namespace hetong::identity
