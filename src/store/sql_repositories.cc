#include "store/sql_repositories.h"

#include "base/clock.h"

namespace hetong::store {

namespace {

std::string T(base::TimePoint t) { return base::FormatRfc3339Millis(t); }

base::TimePoint ParseT(const std::string& s) {
  auto t = base::ParseRfc3339(s);
  return t.ok() ? *t : base::TimePoint{};
}

// ---- keys ----

keycenter::KeyRecord KeyFrom(Statement& st) {
  keycenter::KeyRecord r;
  r.id = st.ColumnText(0);
  r.label = st.ColumnText(1);
  r.algorithm = st.ColumnText(2);
  r.public_key_der = st.ColumnBlob(3);
  r.wrapped = st.ColumnBlob(4);
  r.owner = st.ColumnText(5);
  r.status = st.ColumnText(6);
  r.created_at = ParseT(st.ColumnText(7));
  return r;
}

constexpr const char* kKeyColumns =
    "id, label, algorithm, public_key, wrapped, owner, status, created_at";

// ---- certificates ----

constexpr const char* kCertColumns =
    "ca, serial, subject, profile, not_before, not_after, status, revoked_at, reason, der, "
    "fingerprint, "
    "request_id, key_id";

ca::IssuedCertificate CertFrom(Statement& st) {
  ca::IssuedCertificate c;
  c.ca = st.ColumnText(0);
  c.serial_hex = st.ColumnText(1);
  c.subject = st.ColumnText(2);
  c.profile = st.ColumnText(3);
  c.not_before = ParseT(st.ColumnText(4));
  c.not_after = ParseT(st.ColumnText(5));
  c.status = st.ColumnText(6);
  if (!st.ColumnIsNull(7)) c.revoked_at = ParseT(st.ColumnText(7));
  c.reason = static_cast<int>(st.ColumnInt(8));
  c.der = st.ColumnBlob(9);
  c.fingerprint = st.ColumnText(10);
  if (!st.ColumnIsNull(11)) c.request_id = st.ColumnInt(11);
  c.key_id = st.ColumnText(12);
  return c;
}

Status InsertCert(Connection& conn, const ca::IssuedCertificate& c) {
  HETONG_ASSIGN_OR_RETURN(Statement st,
                          conn.Prepare("INSERT INTO certificates (ca, serial, subject, profile, "
                                       "not_before, not_after, status, revoked_at, reason, "
                                       "der, fingerprint, request_id, key_id, created_at) VALUES "
                                       "(?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?)"));
  st.Bind(1, c.ca)
      .Bind(2, c.serial_hex)
      .Bind(3, c.subject)
      .Bind(4, c.profile)
      .Bind(5, T(c.not_before))
      .Bind(6, T(c.not_after))
      .Bind(7, c.status)
      .Bind(8, ByteView(c.der))
      .Bind(9, c.fingerprint);
  if (c.request_id) {
    st.Bind(10, *c.request_id);
  } else {
    st.BindNull(10);
  }
  st.Bind(11, c.key_id).Bind(12, T(base::SystemClock::Get().Now()));
  return st.Run();
}

StatusOr<std::vector<ca::IssuedCertificate>> QueryCerts(Connection& conn, const std::string& sql,
                                                        const std::vector<SqlValue>& args) {
  HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare(sql));
  for (size_t i = 0; i < args.size(); ++i) st.BindValue(static_cast<int>(i + 1), args[i]);
  std::vector<ca::IssuedCertificate> out;
  while (true) {
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(CertFrom(st));
  }
  return out;
}

// ---- requests ----

constexpr const char* kRequestColumns =
    "id, ca, profile, csr, subject, state, requester, decided_by, reason, serial, created_at, "
    "decided_at";

ca::CertRequest RequestFrom(Statement& st) {
  ca::CertRequest r;
  r.id = st.ColumnInt(0);
  r.ca = st.ColumnText(1);
  r.profile = st.ColumnText(2);
  r.csr_der = st.ColumnBlob(3);
  r.subject = st.ColumnText(4);
  r.state = st.ColumnText(5);
  r.requester = st.ColumnText(6);
  r.decided_by = st.ColumnText(7);
  r.reason = st.ColumnText(8);
  r.serial_hex = st.ColumnText(9);
  r.created_at = ParseT(st.ColumnText(10));
  if (!st.ColumnIsNull(11)) r.decided_at = ParseT(st.ColumnText(11));
  return r;
}

Status UpdateRequestOn(Connection& conn, const ca::CertRequest& r) {
  HETONG_ASSIGN_OR_RETURN(Statement st,
                          conn.Prepare("UPDATE cert_requests SET state = ?, decided_by = ?, reason "
                                       "= ?, serial = ?, decided_at = ? WHERE id = ?"));
  st.Bind(1, r.state).Bind(2, r.decided_by).Bind(3, r.reason).Bind(4, r.serial_hex);
  if (r.decided_at) {
    st.Bind(5, T(*r.decided_at));
  } else {
    st.BindNull(5);
  }
  st.Bind(6, r.id);
  HETONG_RETURN_IF_ERROR(st.Run());
  if (conn.ChangedRows() != 1) return NotFoundError("no request " + std::to_string(r.id));
  return OkStatus();
}

}  // namespace

// ---- SqlKeyRepository ----

Status SqlKeyRepository::Insert(const keycenter::KeyRecord& r) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare(std::string("INSERT INTO keys (") + kKeyColumns +
                                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, r.id)
        .Bind(2, r.label)
        .Bind(3, r.algorithm)
        .Bind(4, ByteView(r.public_key_der))
        .Bind(5, ByteView(r.wrapped))
        .Bind(6, r.owner)
        .Bind(7, r.status)
        .Bind(8, T(r.created_at));
    return st.Run();
  });
}

StatusOr<keycenter::KeyRecord> SqlKeyRepository::Get(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<keycenter::KeyRecord> {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kKeyColumns +
                                                       " FROM keys WHERE id = ?"));
    st.Bind(1, id);
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFoundError("no key " + id);
    return KeyFrom(st);
  });
}

Status SqlKeyRepository::SetStatus(const std::string& id, const std::string& status) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("UPDATE keys SET status = ? WHERE id = ?"));
    st.Bind(1, status).Bind(2, id);
    HETONG_RETURN_IF_ERROR(st.Run());
    if (conn.ChangedRows() != 1) return NotFoundError("no key " + id);
    return OkStatus();
  });
}

StatusOr<std::vector<keycenter::KeyRecord>> SqlKeyRepository::ListByOwner(
    const std::string& owner) {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::vector<keycenter::KeyRecord>> {
        HETONG_ASSIGN_OR_RETURN(Statement st,
                                conn.Prepare(std::string("SELECT ") + kKeyColumns +
                                             " FROM keys WHERE owner = ? ORDER BY created_at, id"));
        st.Bind(1, owner);
        std::vector<keycenter::KeyRecord> out;
        while (true) {
          HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          out.push_back(KeyFrom(st));
        }
        return out;
      });
}

// ---- SqlCaRepository ----

Status SqlCaRepository::InsertAuthority(const ca::AuthorityRecord& a) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("INSERT INTO ca_authorities (name, family, role, key_id, "
                                         "parent, cert, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, a.name)
        .Bind(2, a.family)
        .Bind(3, a.role)
        .Bind(4, a.key_id)
        .Bind(5, a.parent)
        .Bind(6, ByteView(a.cert_der))
        .Bind(7, T(a.created_at));
    return st.Run();
  });
}

Status SqlCaRepository::ReplaceAuthorityCertificate(const std::string& name,
                                                    const std::string& key_id, ByteView cert_der) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare("UPDATE ca_authorities SET key_id = ?, cert = ? WHERE name = ?"));
    st.Bind(1, key_id).Bind(2, cert_der).Bind(3, name);
    HETONG_RETURN_IF_ERROR(st.Run());
    if (conn.ChangedRows() != 1) return NotFoundError("no CA " + name);
    return OkStatus();
  });
}

StatusOr<std::vector<ca::AuthorityRecord>> SqlCaRepository::ListAuthorities() {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::vector<ca::AuthorityRecord>> {
        HETONG_ASSIGN_OR_RETURN(
            Statement st, conn.Prepare("SELECT name, family, role, key_id, parent, cert, "
                                       "created_at FROM ca_authorities ORDER BY created_at, name"));
        std::vector<ca::AuthorityRecord> out;
        while (true) {
          HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          out.push_back({st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnText(3),
                         st.ColumnText(4), st.ColumnBlob(5), ParseT(st.ColumnText(6))});
        }
        return out;
      });
}

Status SqlCaRepository::InsertCertificate(const ca::IssuedCertificate& c) {
  return instance_.WithConnection([&](Connection& conn) { return InsertCert(conn, c); });
}

Status SqlCaRepository::CompleteRequest(const ca::CertRequest& request,
                                        const ca::IssuedCertificate& c) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(InsertCert(conn, c));
    HETONG_RETURN_IF_ERROR(UpdateRequestOn(conn, request));
    return tx.Commit();
  });
}

StatusOr<std::optional<ca::IssuedCertificate>> SqlCaRepository::FindCertificate(
    const std::string& ca, const std::string& serial_hex) {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::optional<ca::IssuedCertificate>> {
        HETONG_ASSIGN_OR_RETURN(auto v,
                                QueryCerts(conn,
                                           std::string("SELECT ") + kCertColumns +
                                               " FROM certificates WHERE ca = ? AND serial = ?",
                                           {ca, serial_hex}));
        if (v.empty()) return std::optional<ca::IssuedCertificate>();
        return std::optional<ca::IssuedCertificate>(std::move(v.front()));
      });
}

StatusOr<std::vector<ca::IssuedCertificate>> SqlCaRepository::FindBySerial(
    const std::string& serial_hex) {
  return instance_.WithConnection([&](Connection& conn) {
    return QueryCerts(conn,
                      std::string("SELECT ") + kCertColumns + " FROM certificates WHERE serial = ?",
                      {serial_hex});
  });
}

StatusOr<std::vector<ca::IssuedCertificate>> SqlCaRepository::FindByKey(const std::string& key_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return QueryCerts(
        conn,
        std::string("SELECT ") + kCertColumns +
            " FROM certificates WHERE key_id = ? ORDER BY not_after DESC, created_at DESC",
        {key_id});
  });
}

StatusOr<std::vector<ca::IssuedCertificate>> SqlCaRepository::ListCertificates(
    const std::string& ca, int limit, int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    if (ca.empty()) {
      return QueryCerts(conn,
                        std::string("SELECT ") + kCertColumns +
                            " FROM certificates ORDER BY created_at DESC, serial LIMIT ? OFFSET ?",
                        {int64_t{limit}, offset});
    }
    return QueryCerts(
        conn,
        std::string("SELECT ") + kCertColumns +
            " FROM certificates WHERE ca = ? ORDER BY created_at DESC, serial LIMIT ? OFFSET ?",
        {ca, int64_t{limit}, offset});
  });
}

StatusOr<std::vector<ca::IssuedCertificate>> SqlCaRepository::ListRevoked(const std::string& ca) {
  return instance_.WithConnection([&](Connection& conn) {
    return QueryCerts(conn,
                      std::string("SELECT ") + kCertColumns +
                          " FROM certificates WHERE ca = ? AND status = 'revoked' ORDER BY serial",
                      {ca});
  });
}

Status SqlCaRepository::Revoke(const std::string& ca, const std::string& serial_hex,
                               base::TimePoint at, int reason) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(auto v, QueryCerts(conn,
                                               std::string("SELECT ") + kCertColumns +
                                                   " FROM certificates WHERE ca = ? AND serial = ?",
                                               {ca, serial_hex}));
    if (v.empty()) return NotFoundError("no certificate " + serial_hex + " from " + ca);
    if (v.front().status == "revoked")
      return FailedPreconditionError("certificate " + serial_hex + " is already revoked");
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("UPDATE certificates SET status = 'revoked', revoked_at = "
                                         "?, reason = ? WHERE ca = ? AND serial = ?"));
    st.Bind(1, T(at)).Bind(2, int64_t{reason}).Bind(3, ca).Bind(4, serial_hex);
    HETONG_RETURN_IF_ERROR(st.Run());
    return tx.Commit();
  });
}

StatusOr<int64_t> SqlCaRepository::InsertRequest(const ca::CertRequest& r) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<int64_t> {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(Statement max,
                            conn.Prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM cert_requests"));
    HETONG_ASSIGN_OR_RETURN(bool row, max.Step());
    int64_t id = row ? max.ColumnInt(0) : 1;
    HETONG_ASSIGN_OR_RETURN(
        Statement st, conn.Prepare(std::string("INSERT INTO cert_requests (") + kRequestColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"));
    st.Bind(1, id)
        .Bind(2, r.ca)
        .Bind(3, r.profile)
        .Bind(4, ByteView(r.csr_der))
        .Bind(5, r.subject)
        .Bind(6, r.state)
        .Bind(7, r.requester)
        .Bind(8, r.decided_by)
        .Bind(9, r.reason)
        .Bind(10, r.serial_hex)
        .Bind(11, T(r.created_at));
    HETONG_RETURN_IF_ERROR(st.Run());
    HETONG_RETURN_IF_ERROR(tx.Commit());
    return id;
  });
}

StatusOr<ca::CertRequest> SqlCaRepository::GetRequest(int64_t id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<ca::CertRequest> {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare(std::string("SELECT ") + kRequestColumns +
                                                       " FROM cert_requests WHERE id = ?"));
    st.Bind(1, id);
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFoundError("no certificate request " + std::to_string(id));
    return RequestFrom(st);
  });
}

Status SqlCaRepository::UpdateRequest(const ca::CertRequest& r) {
  return instance_.WithConnection([&](Connection& conn) { return UpdateRequestOn(conn, r); });
}

StatusOr<std::vector<ca::CertRequest>> SqlCaRepository::ListRequests(const std::string& state,
                                                                     int limit) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<ca::CertRequest>> {
    HETONG_ASSIGN_OR_RETURN(
        Statement st, conn.Prepare(std::string("SELECT ") + kRequestColumns +
                                   " FROM cert_requests WHERE state = ? ORDER BY id LIMIT ?"));
    st.Bind(1, state).Bind(2, int64_t{limit});
    std::vector<ca::CertRequest> out;
    while (true) {
      HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(RequestFrom(st));
    }
    return out;
  });
}

StatusOr<int64_t> SqlCaRepository::NextCrlNumber(const std::string& ca) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<int64_t> {
    HETONG_ASSIGN_OR_RETURN(
        Statement st, conn.Prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM crls WHERE ca = ?"));
    st.Bind(1, ca);
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.ColumnInt(0) : int64_t{1};
  });
}

Status SqlCaRepository::InsertCrl(const ca::CrlRecord& c) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare(
            "INSERT INTO crls (ca, number, this_update, next_update, der) VALUES (?, ?, ?, ?, ?)"));
    st.Bind(1, c.ca)
        .Bind(2, c.number)
        .Bind(3, T(c.this_update))
        .Bind(4, T(c.next_update))
        .Bind(5, ByteView(c.der));
    return st.Run();
  });
}

StatusOr<std::optional<ca::CrlRecord>> SqlCaRepository::LatestCrl(const std::string& ca) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<ca::CrlRecord>> {
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("SELECT ca, number, this_update, next_update, der FROM "
                                         "crls WHERE ca = ? ORDER BY number DESC LIMIT 1"));
    st.Bind(1, ca);
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<ca::CrlRecord>();
    return std::optional<ca::CrlRecord>(ca::CrlRecord{st.ColumnText(0), st.ColumnInt(1),
                                                      ParseT(st.ColumnText(2)),
                                                      ParseT(st.ColumnText(3)), st.ColumnBlob(4)});
  });
}

// ---- SqlTokenLog ----

StatusOr<int64_t> SqlTokenLog::ReserveSerials(int64_t count) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<int64_t> {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(
        Statement q, conn.Prepare("SELECT next_value FROM tsa_counters WHERE name = 'serial'"));
    HETONG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return DataLossError("the TSA serial counter is missing");
    int64_t first = q.ColumnInt(0);
    HETONG_ASSIGN_OR_RETURN(
        Statement u, conn.Prepare("UPDATE tsa_counters SET next_value = ? WHERE name = 'serial'"));
    u.Bind(1, first + count);
    HETONG_RETURN_IF_ERROR(u.Run());
    HETONG_RETURN_IF_ERROR(tx.Commit());
    return first;
  });
}

Status SqlTokenLog::Append(const std::vector<tsa::TokenRecord>& records) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("INSERT INTO tsa_tokens (serial, gen_time, family, hash, "
                                         "imprint, policy, nonce) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    for (const auto& r : records) {
      HETONG_RETURN_IF_ERROR(st.Reset());
      st.Bind(1, r.serial)
          .Bind(2, T(r.gen_time))
          .Bind(3, r.family)
          .Bind(4, r.hash)
          .Bind(5, r.imprint_hex)
          .Bind(6, r.policy)
          .Bind(7, r.nonce_hex);
      HETONG_RETURN_IF_ERROR(st.Run());
    }
    return tx.Commit();
  });
}

StatusOr<std::optional<base::TimePoint>> SqlTokenLog::LastGenTime() {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::optional<base::TimePoint>> {
        HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT MAX(gen_time) FROM tsa_tokens"));
        HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row || st.ColumnIsNull(0)) return std::optional<base::TimePoint>();
        return std::optional<base::TimePoint>(ParseT(st.ColumnText(0)));
      });
}

StatusOr<std::optional<tsa::TokenRecord>> SqlTokenLog::Find(int64_t serial) {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::optional<tsa::TokenRecord>> {
        HETONG_ASSIGN_OR_RETURN(Statement st,
                                conn.Prepare("SELECT serial, gen_time, family, hash, imprint, "
                                             "policy, nonce FROM tsa_tokens WHERE serial = ?"));
        st.Bind(1, serial);
        HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) return std::optional<tsa::TokenRecord>();
        tsa::TokenRecord r{st.ColumnInt(0),  ParseT(st.ColumnText(1)), st.ColumnText(2),
                           st.ColumnText(3), st.ColumnText(4),         st.ColumnText(5),
                           st.ColumnText(6)};
        return std::optional<tsa::TokenRecord>(std::move(r));
      });
}

}  // namespace hetong::store
