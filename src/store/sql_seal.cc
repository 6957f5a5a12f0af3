#include "store/sql_seal.h"

#include <functional>

#include "base/clock.h"
#include "store/sql_util.h"

namespace hetong::store {

using seal::Seal;
using seal::SealStatus;
using seal::SealUse;

namespace {

using Args = SqlArgs;

// Every column but image_png (lists never read the pictures).
constexpr std::string_view kSealColumns =
    "id, owner_id, kind, name, seal_code, center_text, owner_name, image_sm3, width, height, "
    "image_size, status, status_reason, status_changed_by, status_changed_at, created_by, "
    "created_at, revoked_at, revoked_by, revoked_reason";

Seal SealFrom(Statement& st) {
  Seal s;
  s.id = st.ColumnText(0);
  s.owner_id = st.ColumnText(1);
  // Values were written by SealKindName / SealStatusName; an unknown one reads as the most
  // restrictive status so that a damaged row can never be used.
  auto kind = seal::ParseSealKind(st.ColumnText(2));
  s.kind = kind.ok() ? *kind : seal::SealKind::kUploaded;
  s.name = st.ColumnText(3);
  s.seal_code = st.ColumnText(4);
  s.center_text = st.ColumnText(5);
  s.owner_name = st.ColumnText(6);
  s.image_sm3 = st.ColumnText(7);
  s.width = static_cast<int32_t>(st.ColumnInt(8));
  s.height = static_cast<int32_t>(st.ColumnInt(9));
  s.image_size = st.ColumnInt(10);
  auto status = seal::ParseSealStatus(st.ColumnText(11));
  s.status = status.ok() ? *status : SealStatus::kRevoked;
  s.status_reason = st.ColumnText(12);
  s.status_changed_by = st.ColumnText(13);
  s.status_changed_at = SqlOptColumnTime(st, 14);
  s.created_by = st.ColumnText(15);
  s.created_at = SqlParseTime(st.ColumnText(16));
  s.revoked_at = SqlOptColumnTime(st, 17);
  s.revoked_by = st.ColumnText(18);
  s.revoked_reason = st.ColumnText(19);
  return s;
}

constexpr std::string_view kUseColumns =
    "id, seal_id, used_at, actor_id, org_id, grant_id, contract_id, subject, purpose, "
    "document_digest";

SealUse UseFrom(Statement& st) {
  SealUse u;
  u.id = st.ColumnText(0);
  u.seal_id = st.ColumnText(1);
  u.used_at = SqlParseTime(st.ColumnText(2));
  u.actor_id = st.ColumnText(3);
  u.org_id = st.ColumnText(4);
  u.grant_id = st.ColumnText(5);
  u.contract_id = st.ColumnText(6);
  u.subject = st.ColumnText(7);
  u.purpose = st.ColumnText(8);
  u.document_digest = st.ColumnText(9);
  return u;
}

}  // namespace

Status SqlSealRepository::Insert(const Seal& s, ByteView png) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    Status st = SqlRun(conn,
                       "INSERT INTO seals (" + std::string(kSealColumns) +
                           ", image_png) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?, ?)",
                       {s.id,
                        s.owner_id,
                        std::string(seal::SealKindName(s.kind)),
                        s.name,
                        s.seal_code,
                        s.center_text,
                        s.owner_name,
                        s.image_sm3,
                        int64_t{s.width},
                        int64_t{s.height},
                        s.image_size,
                        std::string(seal::SealStatusName(s.status)),
                        s.status_reason,
                        s.status_changed_by,
                        SqlOptTime(s.status_changed_at),
                        s.created_by,
                        SqlTime(s.created_at),
                        SqlOptTime(s.revoked_at),
                        s.revoked_by,
                        s.revoked_reason,
                        Bytes(png.begin(), png.end())});
    if (st.code() == StatusCode::kAlreadyExists) return AlreadyExistsError("the seal id is taken");
    return st;
  });
}

StatusOr<std::optional<Seal>> SqlSealRepository::Get(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<Seal>> {
    HETONG_ASSIGN_OR_RETURN(
        auto rows,
        SqlQuery<Seal>(conn, "SELECT " + std::string(kSealColumns) + " FROM seals WHERE id = ?",
                       {id}, SealFrom));
    if (rows.empty()) return std::optional<Seal>();
    return std::optional<Seal>(std::move(rows.front()));
  });
}

StatusOr<std::vector<Seal>> SqlSealRepository::ListByOwner(const std::string& owner_id, int limit,
                                                           int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Seal>(conn,
                          "SELECT " + std::string(kSealColumns) +
                              " FROM seals WHERE owner_id = ? ORDER BY created_at, id LIMIT ? "
                              "OFFSET ?",
                          {owner_id, int64_t{limit}, offset}, SealFrom);
  });
}

StatusOr<int64_t> SqlSealRepository::CountUnrevoked(const std::string& owner_id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<int64_t> {
    HETONG_ASSIGN_OR_RETURN(
        auto rows,
        SqlQuery<int64_t>(conn, "SELECT COUNT(*) FROM seals WHERE owner_id = ? AND status <> ?",
                          {owner_id, std::string(seal::SealStatusName(SealStatus::kRevoked))},
                          [](Statement& st) { return st.ColumnInt(0); }));
    return rows.empty() ? 0 : rows.front();
  });
}

StatusOr<std::optional<Bytes>> SqlSealRepository::Image(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<Bytes>> {
    HETONG_ASSIGN_OR_RETURN(auto rows,
                            SqlQuery<Bytes>(conn, "SELECT image_png FROM seals WHERE id = ?", {id},
                                            [](Statement& st) { return st.ColumnBlob(0); }));
    if (rows.empty()) return std::optional<Bytes>();
    return std::optional<Bytes>(std::move(rows.front()));
  });
}

Status SqlSealRepository::UpdateStatus(const Seal& s, SealStatus expected) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "UPDATE seals SET status = ?, status_reason = ?, status_changed_by = ?, "
               "status_changed_at = ?, revoked_at = ?, revoked_by = ?, revoked_reason = ? "
               "WHERE id = ? AND status = ?",
               {std::string(seal::SealStatusName(s.status)), s.status_reason, s.status_changed_by,
                SqlOptTime(s.status_changed_at), SqlOptTime(s.revoked_at), s.revoked_by,
                s.revoked_reason, s.id, std::string(seal::SealStatusName(expected))}));
    if (conn.ChangedRows() == 1) return OkStatus();
    HETONG_ASSIGN_OR_RETURN(
        auto rows, SqlQuery<int64_t>(conn, "SELECT COUNT(*) FROM seals WHERE id = ?", {s.id},
                                     [](Statement& st) { return st.ColumnInt(0); }));
    if (rows.empty() || rows.front() == 0) return NotFoundError("no such seal");
    return FailedPreconditionError("the seal's status was changed meanwhile; read it and retry");
  });
}

Status SqlSealRepository::InsertUse(const SealUse& u) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    Status st = SqlRun(conn,
                       "INSERT INTO seal_uses (" + std::string(kUseColumns) +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {u.id, u.seal_id, SqlTime(u.used_at), u.actor_id, u.org_id, u.grant_id,
                        u.contract_id, u.subject, u.purpose, u.document_digest});
    if (st.code() == StatusCode::kAlreadyExists) return AlreadyExistsError("the use id is taken");
    return st;
  });
}

StatusOr<std::vector<SealUse>> SqlSealRepository::ListUses(const std::string& seal_id, int limit,
                                                           int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<SealUse>(conn,
                             "SELECT " + std::string(kUseColumns) +
                                 " FROM seal_uses WHERE seal_id = ? ORDER BY used_at DESC, id DESC "
                                 "LIMIT ? OFFSET ?",
                             {seal_id, int64_t{limit}, offset}, UseFrom);
  });
}

Status SqlSealRepository::SetGrantSeals(const std::string& grant_id,
                                        const std::vector<std::string>& seal_ids) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(SqlRun(conn, "DELETE FROM seal_grants WHERE grant_id = ?", {grant_id}));
    for (const auto& id : seal_ids) {
      Status st =
          SqlRun(conn, "INSERT INTO seal_grants (grant_id, seal_id) VALUES (?, ?)", {grant_id, id});
      if (st.code() == StatusCode::kAlreadyExists) continue;  // listed twice: once is enough
      HETONG_RETURN_IF_ERROR(st);
    }
    return tx.Commit();
  });
}

StatusOr<std::vector<std::string>> SqlSealRepository::GrantSeals(const std::string& grant_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<std::string>(
        conn, "SELECT seal_id FROM seal_grants WHERE grant_id = ? ORDER BY seal_id", {grant_id},
        [](Statement& st) { return st.ColumnText(0); });
  });
}

}  // namespace hetong::store
