#include "store/sql_identity.h"

#include <functional>

#include "base/clock.h"
#include "store/sql_util.h"

namespace hetong::store {

using identity::Account;
using identity::Grant;
using identity::Member;
using identity::OneTimeCode;
using identity::OutboxMessage;
using identity::Session;
using identity::Verification;

namespace {

using Args = SqlArgs;

// ---- accounts ----

constexpr std::string_view kAccountColumns =
    "id, kind, name, login_email, email, mobile, id_masked, id_sealed, id_index, "
    "legal_representative, password_hash, totp_sealed, totp_confirmed, operator_role, status, "
    "verification, verified_by, key_id, cert_serial, failed_logins, locked_until, created_at, "
    "updated_at, login_cert, totp_last_step";

Account AccountFrom(Statement& st) {
  Account a;
  a.id = st.ColumnText(0);
  a.kind = st.ColumnText(1) == "org" ? identity::AccountKind::kOrg : identity::AccountKind::kPerson;
  a.name = st.ColumnText(2);
  a.email = st.ColumnText(4);
  a.mobile = st.ColumnText(5);
  a.id_masked = st.ColumnText(6);
  a.id_sealed = st.ColumnBlob(7);
  a.id_index = st.ColumnText(8);
  a.legal_representative = st.ColumnText(9);
  a.password_hash = st.ColumnText(10);
  if (!st.ColumnIsNull(11)) a.totp_sealed = st.ColumnBlob(11);
  a.totp_confirmed = st.ColumnInt(12) != 0;
  a.operator_role = st.ColumnInt(13) != 0;
  a.status = st.ColumnText(14);
  a.verification = st.ColumnText(15);
  a.verified_by = st.ColumnText(16);
  a.key_id = st.ColumnText(17);
  a.cert_serial = st.ColumnText(18);
  a.failed_logins = static_cast<int>(st.ColumnInt(19));
  a.locked_until = SqlOptColumnTime(st, 20);
  a.created_at = SqlParseTime(st.ColumnText(21));
  a.updated_at = SqlParseTime(st.ColumnText(22));
  a.login_cert = st.ColumnText(23);
  a.totp_last_step = st.ColumnInt(24);
  return a;
}

// The values after the id, in kAccountColumns order.
Args AccountValues(const Account& a) {
  SqlValue login =
      a.kind == identity::AccountKind::kPerson ? SqlValue(a.email) : SqlValue(std::monostate{});
  SqlValue totp = a.totp_sealed.empty() ? SqlValue(std::monostate{}) : SqlValue(a.totp_sealed);
  return {std::string(identity::KindName(a.kind)),
          a.name,
          login,
          a.email,
          a.mobile,
          a.id_masked,
          a.id_sealed,
          a.id_index,
          a.legal_representative,
          a.password_hash,
          totp,
          int64_t(a.totp_confirmed),
          int64_t(a.operator_role),
          a.status,
          a.verification,
          a.verified_by,
          a.key_id,
          a.cert_serial,
          int64_t(a.failed_logins),
          SqlOptTime(a.locked_until),
          SqlTime(a.created_at),
          SqlTime(a.updated_at),
          a.login_cert,
          a.totp_last_step};
}

Status InsertAccountOn(Connection& conn, const Account& a) {
  Args args{a.id};
  for (auto& v : AccountValues(a)) args.push_back(std::move(v));
  std::string sql = "INSERT INTO accounts (" + std::string(kAccountColumns) +
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?)";
  Status s = SqlRun(conn, sql, args);
  if (s.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError(a.kind == identity::AccountKind::kPerson
                                  ? "an account with this email or identity card number exists"
                                  : "an organisation with this unified social credit code exists");
  }
  return s;
}

Status InsertMemberOn(Connection& conn, const Member& m) {
  return SqlRun(
      conn, "INSERT INTO members (org_id, person_id, role, created_at) VALUES (?, ?, ?, ?)",
      {m.org_id, m.person_id, std::string(identity::RoleName(m.role)), SqlTime(m.created_at)});
}

Member MemberFrom(Statement& st) {
  Member m;
  m.org_id = st.ColumnText(0);
  m.person_id = st.ColumnText(1);
  auto r = identity::ParseRole(st.ColumnText(2));
  m.role = r.ok() ? *r : identity::Role::kViewer;
  m.created_at = SqlParseTime(st.ColumnText(3));
  return m;
}

// ---- grants ----

constexpr std::string_view kGrantColumns =
    "id, org_id, person_id, contract_types, not_after, granted_by, created_at, revoked_at, "
    "revoked_by";

std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (const auto& t : types) out += (out.empty() ? "" : "\n") + t;
  return out;
}

Grant GrantFrom(Statement& st) {
  Grant g;
  g.id = st.ColumnText(0);
  g.org_id = st.ColumnText(1);
  g.person_id = st.ColumnText(2);
  std::string types = st.ColumnText(3);
  size_t start = 0;
  while (!types.empty() && start <= types.size()) {
    size_t nl = types.find('\n', start);
    if (nl == std::string::npos) nl = types.size();
    g.contract_types.push_back(types.substr(start, nl - start));
    start = nl + 1;
  }
  g.not_after = SqlOptColumnTime(st, 4);
  g.granted_by = st.ColumnText(5);
  g.created_at = SqlParseTime(st.ColumnText(6));
  g.revoked_at = SqlOptColumnTime(st, 7);
  g.revoked_by = st.ColumnText(8);
  return g;
}

// ---- sessions, verifications, codes, outbox ----

Session SessionFrom(Statement& st) {
  Session s;
  s.token_hash = st.ColumnText(0);
  s.account_id = st.ColumnText(1);
  s.method = st.ColumnText(2);
  s.created_at = SqlParseTime(st.ColumnText(3));
  s.expires_at = SqlParseTime(st.ColumnText(4));
  s.revoked_at = SqlOptColumnTime(st, 5);
  return s;
}

constexpr std::string_view kVerificationColumns =
    "id, account_id, provider, state, material_sealed, summary, reason, decided_by, "
    "submitted_at, decided_at";

Verification VerificationFrom(Statement& st) {
  Verification v;
  v.id = st.ColumnText(0);
  v.account_id = st.ColumnText(1);
  v.provider = st.ColumnText(2);
  v.state = st.ColumnText(3);
  v.material_sealed = st.ColumnBlob(4);
  v.summary = st.ColumnText(5);
  v.reason = st.ColumnText(6);
  v.decided_by = st.ColumnText(7);
  v.submitted_at = SqlParseTime(st.ColumnText(8));
  v.decided_at = SqlOptColumnTime(st, 9);
  return v;
}

OneTimeCode CodeFrom(Statement& st) {
  OneTimeCode c;
  c.id = st.ColumnText(0);
  c.account_id = st.ColumnText(1);
  c.channel = st.ColumnText(2);
  c.purpose = st.ColumnText(3);
  c.code_hash = st.ColumnText(4);
  c.expires_at = SqlParseTime(st.ColumnText(5));
  c.attempts = static_cast<int>(st.ColumnInt(6));
  c.used = st.ColumnInt(7) != 0;
  c.created_at = SqlOptColumnTime(st, 8).value_or(base::TimePoint{});
  return c;
}

constexpr std::string_view kOutboxColumns =
    "id, channel, recipient, subject, body, created_at, expires_at, state, attempts, "
    "next_attempt_at, last_error, sent_at";

OutboxMessage MessageFrom(Statement& st) {
  OutboxMessage m;
  m.id = st.ColumnText(0);
  m.channel = st.ColumnText(1);
  m.recipient = st.ColumnText(2);
  m.subject = st.ColumnText(3);
  m.body = st.ColumnText(4);
  m.created_at = SqlParseTime(st.ColumnText(5));
  m.expires_at = SqlOptColumnTime(st, 6);
  m.state = st.ColumnText(7);
  m.attempts = static_cast<int>(st.ColumnInt(8));
  m.next_attempt_at = SqlOptColumnTime(st, 9);
  m.last_error = st.ColumnText(10);
  m.sent_at = SqlOptColumnTime(st, 11);
  return m;
}

Status InsertOutboxOn(Connection& conn, const OutboxMessage& m) {
  Status s = SqlRun(conn,
                    "INSERT INTO outbox (id, channel, recipient, subject, body, created_at, "
                    "expires_at, state, attempts, next_attempt_at, last_error, sent_at) VALUES (?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {m.id, m.channel, m.recipient, m.subject, m.body, SqlTime(m.created_at),
                     SqlOptTime(m.expires_at), m.state, int64_t(m.attempts),
                     SqlOptTime(m.next_attempt_at), m.last_error, SqlOptTime(m.sent_at)});
  if (s.code() == StatusCode::kAlreadyExists) return AlreadyExistsError("the message id is taken");
  return s;
}

Status MustChangeOne(Connection& conn, std::string_view what) {
  if (conn.ChangedRows() != 1) return NotFoundError("no such " + std::string(what));
  return OkStatus();
}

}  // namespace

// ---- accounts ----

Status SqlIdentityRepository::InsertAccount(const Account& a) {
  return instance_.WithConnection([&](Connection& conn) { return InsertAccountOn(conn, a); });
}

Status SqlIdentityRepository::InsertOrg(const Account& org, const Member& admin) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(InsertAccountOn(conn, org));
    HETONG_RETURN_IF_ERROR(InsertMemberOn(conn, admin));
    return tx.Commit();
  });
}

Status SqlIdentityRepository::UpdateAccount(const Account& a) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    Args args = AccountValues(a);
    args.push_back(a.id);
    std::string sql =
        "UPDATE accounts SET kind = ?, name = ?, login_email = ?, email = ?, mobile = ?, "
        "id_masked = ?, id_sealed = ?, id_index = ?, legal_representative = ?, "
        "password_hash = ?, totp_sealed = ?, totp_confirmed = ?, operator_role = ?, status = ?, "
        "verification = ?, verified_by = ?, key_id = ?, cert_serial = ?, failed_logins = ?, "
        "locked_until = ?, created_at = ?, updated_at = ?, login_cert = ?, totp_last_step = ? "
        "WHERE id = ?";
    Status s = SqlRun(conn, sql, args);
    if (s.code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("another account has this email");
    }
    HETONG_RETURN_IF_ERROR(s);
    return MustChangeOne(conn, "account");
  });
}

StatusOr<std::optional<Account>> SqlIdentityRepository::GetAccount(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Account>(
        conn, "SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE id = ?", {id},
        AccountFrom);
  });
}

StatusOr<std::optional<Account>> SqlIdentityRepository::FindByEmail(const std::string& email) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Account>(
        conn, "SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE login_email = ?",
        {email}, AccountFrom);
  });
}

StatusOr<std::optional<Account>> SqlIdentityRepository::FindByLoginCert(
    const std::string& fingerprint) {
  if (fingerprint.empty()) return std::optional<Account>();
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Account>(conn,
                                "SELECT " + std::string(kAccountColumns) +
                                    " FROM accounts WHERE login_cert = ? AND status = 'active'",
                                {fingerprint}, AccountFrom);
  });
}

StatusOr<std::optional<Account>> SqlIdentityRepository::FindByIdIndex(const std::string& index) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Account>(
        conn, "SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE id_index = ?",
        {index}, AccountFrom);
  });
}

// ---- sessions ----

Status SqlIdentityRepository::InsertSession(const Session& s) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO sessions (token_hash, account_id, method, created_at, expires_at, "
                  "revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                  {s.token_hash, s.account_id, s.method, SqlTime(s.created_at),
                   SqlTime(s.expires_at), SqlOptTime(s.revoked_at)});
  });
}

StatusOr<std::optional<Session>> SqlIdentityRepository::GetSession(const std::string& token_hash) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Session>(conn,
                                "SELECT token_hash, account_id, method, created_at, expires_at, "
                                "revoked_at FROM sessions WHERE token_hash = ?",
                                {token_hash}, SessionFrom);
  });
}

Status SqlIdentityRepository::RevokeSession(const std::string& token_hash, base::TimePoint at) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                  {SqlTime(at), token_hash});
  });
}

Status SqlIdentityRepository::RevokeSessionsOf(const std::string& account_id, base::TimePoint at) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                  {SqlTime(at), account_id});
  });
}

// ---- members ----

Status SqlIdentityRepository::UpsertMember(const Member& m) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(SqlRun(conn, "DELETE FROM members WHERE org_id = ? AND person_id = ?",
                                  {m.org_id, m.person_id}));
    HETONG_RETURN_IF_ERROR(InsertMemberOn(conn, m));
    return tx.Commit();
  });
}

Status SqlIdentityRepository::DeleteMember(const std::string& org_id,
                                           const std::string& person_id) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(SqlRun(conn, "DELETE FROM members WHERE org_id = ? AND person_id = ?",
                                  {org_id, person_id}));
    return MustChangeOne(conn, "member");
  });
}

StatusOr<std::optional<Member>> SqlIdentityRepository::GetMember(const std::string& org_id,
                                                                 const std::string& person_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Member>(conn,
                               "SELECT org_id, person_id, role, created_at FROM members WHERE "
                               "org_id = ? AND person_id = ?",
                               {org_id, person_id}, MemberFrom);
  });
}

StatusOr<std::vector<Member>> SqlIdentityRepository::ListMembers(const std::string& org_id,
                                                                 int limit, int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Member>(
        conn,
        "SELECT org_id, person_id, role, created_at FROM members WHERE org_id = "
        "? ORDER BY created_at, person_id LIMIT ? OFFSET ?",
        {org_id, int64_t(limit), offset}, MemberFrom);
  });
}

StatusOr<std::vector<Member>> SqlIdentityRepository::ListMemberships(const std::string& person_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Member>(conn,
                            "SELECT org_id, person_id, role, created_at FROM members WHERE "
                            "person_id = ? ORDER BY created_at, org_id",
                            {person_id}, MemberFrom);
  });
}

// ---- grants ----

Status SqlIdentityRepository::InsertGrant(const Grant& g) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(
        conn,
        "INSERT INTO grants (" + std::string(kGrantColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {g.id, g.org_id, g.person_id, JoinTypes(g.contract_types), SqlOptTime(g.not_after),
         g.granted_by, SqlTime(g.created_at), SqlOptTime(g.revoked_at), g.revoked_by});
  });
}

Status SqlIdentityRepository::UpdateGrant(const Grant& g) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(SqlRun(conn,
                                  "UPDATE grants SET contract_types = ?, not_after = ?, revoked_at "
                                  "= ?, revoked_by = ? WHERE id = ?",
                                  {JoinTypes(g.contract_types), SqlOptTime(g.not_after),
                                   SqlOptTime(g.revoked_at), g.revoked_by, g.id}));
    return MustChangeOne(conn, "grant");
  });
}

StatusOr<std::optional<Grant>> SqlIdentityRepository::GetGrant(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Grant>(conn,
                              "SELECT " + std::string(kGrantColumns) + " FROM grants WHERE id = ?",
                              {id}, GrantFrom);
  });
}

StatusOr<std::vector<Grant>> SqlIdentityRepository::ListGrants(const std::string& org_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Grant>(conn,
                           "SELECT " + std::string(kGrantColumns) +
                               " FROM grants WHERE org_id = ? ORDER BY created_at, id",
                           {org_id}, GrantFrom);
  });
}

// ---- verifications ----

Status SqlIdentityRepository::InsertVerification(const Verification& v) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO verifications (" + std::string(kVerificationColumns) +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {v.id, v.account_id, v.provider, v.state, v.material_sealed, v.summary, v.reason,
                   v.decided_by, SqlTime(v.submitted_at), SqlOptTime(v.decided_at)});
  });
}

Status SqlIdentityRepository::UpdateVerification(const Verification& v) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "UPDATE verifications SET state = ?, reason = ?, decided_by = ?, "
               "decided_at = ? WHERE id = ?",
               {v.state, v.reason, v.decided_by, SqlOptTime(v.decided_at), v.id}));
    return MustChangeOne(conn, "verification");
  });
}

StatusOr<std::optional<Verification>> SqlIdentityRepository::GetVerification(
    const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Verification>(
        conn, "SELECT " + std::string(kVerificationColumns) + " FROM verifications WHERE id = ?",
        {id}, VerificationFrom);
  });
}

StatusOr<std::vector<Verification>> SqlIdentityRepository::ListVerifications(
    const std::string& state, int limit, int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Verification>(conn,
                                  "SELECT " + std::string(kVerificationColumns) +
                                      " FROM verifications WHERE state = ? ORDER BY submitted_at, "
                                      "id LIMIT ? OFFSET ?",
                                  {state, int64_t(limit), offset}, VerificationFrom);
  });
}

// ---- codes and outbox ----

Status SqlIdentityRepository::InsertCode(const OneTimeCode& c, const OutboxMessage& m) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "INSERT INTO one_time_codes (id, account_id, channel, purpose, "
               "code_hash, expires_at, attempts, used, created_at) VALUES (?, ?, ?, ?, ?, ?, "
               "?, ?, ?)",
               {c.id, c.account_id, c.channel, c.purpose, c.code_hash, SqlTime(c.expires_at),
                int64_t(c.attempts), int64_t(c.used), SqlTime(c.created_at)}));
    if (!m.id.empty()) {  // challenges have no message
      // The message carries the code: it is not worth sending once the code has expired.
      OutboxMessage msg = m;
      if (!msg.expires_at) msg.expires_at = c.expires_at;
      HETONG_RETURN_IF_ERROR(InsertOutboxOn(conn, msg));
    }
    return tx.Commit();
  });
}

Status SqlIdentityRepository::CountCodeAttempt(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn, "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ?", {id}));
    return MustChangeOne(conn, "code");
  });
}

Status SqlIdentityRepository::SpendCode(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn, "UPDATE one_time_codes SET used = 1 WHERE id = ? AND used = 0", {id}));
    if (conn.ChangedRows() != 1) return FailedPreconditionError("the code was already used");
    return OkStatus();
  });
}

StatusOr<std::optional<OneTimeCode>> SqlIdentityRepository::GetCode(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<OneTimeCode>(
        conn,
        "SELECT id, account_id, channel, purpose, code_hash, expires_at, "
        "attempts, used, created_at FROM one_time_codes WHERE id = ?",
        {id}, CodeFrom);
  });
}

StatusOr<std::optional<base::TimePoint>> SqlIdentityRepository::LastCodeCreatedAt(
    const std::string& account_id, const std::string& channel, const std::string& kind) {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::optional<base::TimePoint>> {
        // RFC 3339 with milliseconds, all in UTC: text order is time order.
        HETONG_ASSIGN_OR_RETURN(
            Statement st,
            conn.Prepare("SELECT created_at FROM one_time_codes WHERE account_id = ? AND "
                         "channel = ? AND (purpose = ? OR substr(purpose, 1, ?) = ?) AND "
                         "created_at IS NOT NULL ORDER BY created_at DESC LIMIT 1"));
        st.Bind(1, account_id)
            .Bind(2, channel)
            .Bind(3, kind)
            .Bind(4, static_cast<int64_t>(kind.size() + 1))
            .Bind(5, kind + ":");
        HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) return std::optional<base::TimePoint>();
        return SqlOptColumnTime(st, 0);
      });
}

StatusOr<std::vector<OutboxMessage>> SqlIdentityRepository::ListOutbox(const std::string& recipient,
                                                                       int limit) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<OutboxMessage>(conn,
                                   "SELECT " + std::string(kOutboxColumns) +
                                       " FROM outbox WHERE recipient = ? ORDER BY created_at DESC, "
                                       "id DESC LIMIT ?",
                                   {recipient, int64_t(limit)}, MessageFrom);
  });
}

Status SqlIdentityRepository::InsertOutbox(const OutboxMessage& m) {
  return instance_.WithConnection([&](Connection& conn) { return InsertOutboxOn(conn, m); });
}

// ---- intents and signature records ----

Status SqlIdentityRepository::InsertIntent(const identity::Intent& i) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO intents (id, account_id, binding, method, token_hash, created_at, "
                  "expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  {i.id, i.account_id, i.binding, i.method, i.token_hash, SqlTime(i.created_at),
                   SqlTime(i.expires_at), SqlOptTime(i.used_at)});
  });
}

StatusOr<std::optional<identity::Intent>> SqlIdentityRepository::FindIntent(
    const std::string& token_hash) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<identity::Intent>(
        conn,
        "SELECT id, account_id, binding, method, token_hash, created_at, expires_at, used_at "
        "FROM intents WHERE token_hash = ?",
        {token_hash}, [](Statement& st) {
          identity::Intent i;
          i.id = st.ColumnText(0);
          i.account_id = st.ColumnText(1);
          i.binding = st.ColumnText(2);
          i.method = st.ColumnText(3);
          i.token_hash = st.ColumnText(4);
          i.created_at = SqlParseTime(st.ColumnText(5));
          i.expires_at = SqlParseTime(st.ColumnText(6));
          i.used_at = SqlOptColumnTime(st, 7);
          return i;
        });
  });
}

Status SqlIdentityRepository::MarkIntentUsed(const std::string& id, base::TimePoint at) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(SqlRun(conn,
                                  "UPDATE intents SET used_at = ? WHERE id = ? AND used_at IS NULL",
                                  {SqlTime(at), id}));
    if (conn.ChangedRows() != 1) {
      return FailedPreconditionError("this signing intent was already used");
    }
    return OkStatus();
  });
}

Status SqlIdentityRepository::InsertSignatureRecord(const identity::SignatureRecord& r) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO signature_records (id, account_id, key_id, signer_id, data_digest, "
                  "intent_id, grant_id, signature, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {r.id, r.account_id, r.key_id, r.signer_id, r.data_digest, r.intent_id,
                   r.grant_id, r.signature, SqlTime(r.created_at)});
  });
}

StatusOr<std::vector<identity::SignatureRecord>> SqlIdentityRepository::ListSignatureRecords(
    const std::string& account_id, int limit) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<identity::SignatureRecord>(
        conn,
        "SELECT id, account_id, key_id, signer_id, data_digest, intent_id, grant_id, signature, "
        "created_at FROM signature_records WHERE account_id = ? ORDER BY created_at DESC, id "
        "DESC LIMIT ?",
        {account_id, int64_t(limit)}, [](Statement& st) {
          identity::SignatureRecord r;
          r.id = st.ColumnText(0);
          r.account_id = st.ColumnText(1);
          r.key_id = st.ColumnText(2);
          r.signer_id = st.ColumnText(3);
          r.data_digest = st.ColumnText(4);
          r.intent_id = st.ColumnText(5);
          r.grant_id = st.ColumnText(6);
          r.signature = st.ColumnBlob(7);
          r.created_at = SqlParseTime(st.ColumnText(8));
          return r;
        });
  });
}

// ---- idempotency keys ----

StatusOr<std::optional<api::IdempotencyStore::Entry>> SqlIdempotencyStore::Find(
    const std::string& scope, const std::string& key) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Entry>(
        conn,
        "SELECT request_hash, status, body FROM idempotency_keys WHERE scope "
        "= ? AND idem_key = ?",
        {scope, key}, [](Statement& st) {
          return Entry{st.ColumnText(0), static_cast<int>(st.ColumnInt(1)), st.ColumnText(2)};
        });
  });
}

Status SqlIdempotencyStore::Save(const std::string& scope, const std::string& key,
                                 const Entry& entry, base::TimePoint at) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, body, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                  {scope, key, entry.request_hash, int64_t(entry.status), entry.body, SqlTime(at)});
  });
}

}  // namespace hetong::store
