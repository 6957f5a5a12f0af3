#include "store/sql_contract.h"

#include <algorithm>
#include <cmath>

#include "store/sql_util.h"

namespace hetong::store {

using contract::Contract;
using contract::ContractEvent;
using contract::Document;
using contract::Party;

namespace {

using StateCount = std::pair<std::string, int64_t>;
using Span = std::pair<std::string, std::string>;

int64_t Centi(double points) { return std::llround(points * 100.0); }
double Points(int64_t centi) { return static_cast<double>(centi) / 100.0; }

SqlValue OptBlob(const Bytes& b) { return b.empty() ? SqlValue(std::monostate{}) : SqlValue(b); }
Bytes ColumnOptBlob(Statement& st, int col) {
  return st.ColumnIsNull(col) ? Bytes() : st.ColumnBlob(col);
}

constexpr std::string_view kDocumentColumns =
    "id, owner_id, org_id, file_name, sm3, blob, size, pages, wrapped_key, created_at";

Document DocumentFrom(Statement& st) {
  Document d;
  d.id = st.ColumnText(0);
  d.owner_id = st.ColumnText(1);
  d.org_id = st.ColumnText(2);
  d.file_name = st.ColumnText(3);
  d.sm3 = st.ColumnText(4);
  d.blob = st.ColumnText(5);
  d.size = st.ColumnInt(6);
  d.pages = static_cast<int>(st.ColumnInt(7));
  d.wrapped_key = ColumnOptBlob(st, 8);
  d.created_at = SqlParseTime(st.ColumnText(9));
  return d;
}

constexpr std::string_view kContractColumns =
    "id, title, creator_id, org_id, contract_type, document_id, current_sm3, current_blob, "
    "current_wrapped_key, flow, state, deadline, reason, version, created_at, updated_at, "
    "sent_at, completed_at";

Contract ContractFrom(Statement& st) {
  Contract c;
  c.id = st.ColumnText(0);
  c.title = st.ColumnText(1);
  c.creator_id = st.ColumnText(2);
  c.org_id = st.ColumnText(3);
  c.contract_type = st.ColumnText(4);
  c.document_id = st.ColumnText(5);
  c.current_sm3 = st.ColumnText(6);
  c.current_blob = st.ColumnText(7);
  c.current_wrapped_key = ColumnOptBlob(st, 8);
  c.flow = contract::ParseFlow(st.ColumnText(9)).value_or(contract::Flow::kSequential);
  c.state = contract::ParseState(st.ColumnText(10)).value_or(contract::State::kDraft);
  c.deadline = SqlOptColumnTime(st, 11);
  c.reason = st.ColumnText(12);
  c.version = st.ColumnInt(13);
  c.created_at = SqlParseTime(st.ColumnText(14));
  c.updated_at = SqlParseTime(st.ColumnText(15));
  c.sent_at = SqlOptColumnTime(st, 16);
  c.completed_at = SqlOptColumnTime(st, 17);
  return c;
}

// The values after the id, in kContractColumns order.
SqlArgs ContractValues(const Contract& c) {
  return {c.title,
          c.creator_id,
          c.org_id,
          c.contract_type,
          c.document_id,
          c.current_sm3,
          c.current_blob,
          OptBlob(c.current_wrapped_key),
          std::string(contract::FlowName(c.flow)),
          std::string(contract::StateName(c.state)),
          SqlOptTime(c.deadline),
          c.reason,
          c.version,
          SqlTime(c.created_at),
          SqlTime(c.updated_at),
          SqlOptTime(c.sent_at),
          SqlOptTime(c.completed_at)};
}

Party PartyFrom(Statement& st) {
  Party p;
  p.index = static_cast<int>(st.ColumnInt(0));
  p.person_id = st.ColumnText(1);
  p.org_id = st.ColumnText(2);
  p.name = st.ColumnText(3);
  p.field.page = static_cast<int>(st.ColumnInt(4));
  p.field.x = Points(st.ColumnInt(5));
  p.field.y = Points(st.ColumnInt(6));
  p.field.width = Points(st.ColumnInt(7));
  p.field.height = Points(st.ColumnInt(8));
  p.status = st.ColumnText(9);
  p.signed_at = SqlOptColumnTime(st, 10);
  p.signature_id = st.ColumnText(11);
  p.seal_id = st.ColumnText(12);
  return p;
}

Status WriteParties(Connection& conn, const Contract& c) {
  HETONG_RETURN_IF_ERROR(
      SqlRun(conn, "DELETE FROM contract_parties WHERE contract_id = ?", {c.id}));
  for (const Party& p : c.parties) {
    HETONG_RETURN_IF_ERROR(SqlRun(
        conn,
        "INSERT INTO contract_parties (contract_id, idx, person_id, org_id, name, page, x, y, "
        "width, height, status, signed_at, signature_id, seal_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?)",
        {c.id, int64_t(p.index), p.person_id, p.org_id, p.name, int64_t(p.field.page),
         Centi(p.field.x), Centi(p.field.y), Centi(p.field.width), Centi(p.field.height), p.status,
         SqlOptTime(p.signed_at), p.signature_id, p.seal_id}));
  }
  return OkStatus();
}

StatusOr<std::vector<Party>> ReadParties(Connection& conn, const std::string& id) {
  return SqlQuery<Party>(conn,
                         "SELECT idx, person_id, org_id, name, page, x, y, width, height, "
                         "status, signed_at, signature_id, seal_id FROM contract_parties WHERE "
                         "contract_id = ? ORDER BY idx",
                         {id}, PartyFrom);
}

Status InsertEventOn(Connection& conn, const ContractEvent& e) {
  HETONG_ASSIGN_OR_RETURN(
      auto next,
      SqlQueryOne<int64_t>(
          conn, "SELECT COALESCE(MAX(seq), 0) + 1 FROM contract_events WHERE contract_id = ?",
          {e.contract_id}, [](Statement& st) { return st.ColumnInt(0); }));
  return SqlRun(
      conn,
      "INSERT INTO contract_events (contract_id, seq, type, actor, at, details, "
      "leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {e.contract_id, next.value_or(1), e.type, e.actor, SqlTime(e.at), e.details, e.leaf_index});
}

Status InsertContractOn(Connection& conn, const Contract& c) {
  SqlArgs args = {c.id};
  for (auto& v : ContractValues(c)) args.push_back(std::move(v));
  HETONG_RETURN_IF_ERROR(SqlRun(conn,
                                "INSERT INTO contracts (" + std::string(kContractColumns) +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, ?)",
                                args));
  return WriteParties(conn, c);
}

}  // namespace

Status SqlContractRepository::InsertDocument(const Document& d) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO documents (" + std::string(kDocumentColumns) +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {d.id, d.owner_id, d.org_id, d.file_name, d.sm3, d.blob, d.size, int64_t(d.pages),
                   OptBlob(d.wrapped_key), SqlTime(d.created_at)});
  });
}

StatusOr<std::optional<Document>> SqlContractRepository::GetDocument(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Document>(
        conn, "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?", {id},
        DocumentFrom);
  });
}

Status SqlContractRepository::InsertContract(const Contract& c, const ContractEvent& created) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(InsertContractOn(conn, c));
    HETONG_RETURN_IF_ERROR(InsertEventOn(conn, created));
    return tx.Commit();
  });
}

StatusOr<std::optional<Contract>> SqlContractRepository::GetContract(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<Contract>> {
    HETONG_ASSIGN_OR_RETURN(
        auto c,
        SqlQueryOne<Contract>(
            conn, "SELECT " + std::string(kContractColumns) + " FROM contracts WHERE id = ?", {id},
            ContractFrom));
    if (!c) return c;
    HETONG_ASSIGN_OR_RETURN(c->parties, ReadParties(conn, id));
    return c;
  });
}

Status SqlContractRepository::UpdateContract(const Contract& c, const ContractEvent& event) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    SqlArgs args = ContractValues(c);
    args.push_back(c.id);
    args.push_back(c.version - 1);
    HETONG_RETURN_IF_ERROR(SqlRun(
        conn,
        "UPDATE contracts SET title = ?, creator_id = ?, org_id = ?, contract_type = ?, "
        "document_id = ?, current_sm3 = ?, current_blob = ?, current_wrapped_key = ?, flow = ?, "
        "state = ?, deadline = ?, reason = ?, version = ?, created_at = ?, updated_at = ?, "
        "sent_at = ?, completed_at = ? WHERE id = ? AND version = ?",
        args));
    if (conn.ChangedRows() != 1) {
      return AbortedError("the contract changed meanwhile; reload it and try again");
    }
    HETONG_RETURN_IF_ERROR(WriteParties(conn, c));
    HETONG_RETURN_IF_ERROR(InsertEventOn(conn, event));
    return tx.Commit();
  });
}

Status SqlContractRepository::AddEvent(const ContractEvent& event) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(InsertEventOn(conn, event));
    return tx.Commit();
  });
}

Status SqlContractRepository::SetEventLeaf(const std::string& contract_id, int64_t seq,
                                           int64_t leaf) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "UPDATE contract_events SET leaf_index = ? WHERE contract_id = ? AND seq = ?",
                  {leaf, contract_id, seq});
  });
}

namespace {

constexpr std::string_view kEventColumns =
    "contract_id, seq, type, actor, at, details, leaf_index FROM contract_events";

ContractEvent EventFrom(Statement& st) {
  return ContractEvent{st.ColumnText(0),
                       st.ColumnInt(1),
                       st.ColumnText(2),
                       st.ColumnText(3),
                       SqlParseTime(st.ColumnText(4)),
                       st.ColumnText(5),
                       st.ColumnInt(6)};
}

}  // namespace

StatusOr<std::vector<ContractEvent>> SqlContractRepository::Events(const std::string& contract_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<ContractEvent>(
        conn, "SELECT " + std::string(kEventColumns) + " WHERE contract_id = ? ORDER BY seq",
        {contract_id}, EventFrom);
  });
}

StatusOr<std::vector<ContractEvent>> SqlContractRepository::PendingEvents(int limit) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<ContractEvent>(conn,
                                   "SELECT " + std::string(kEventColumns) +
                                       " WHERE leaf_index = -1 ORDER BY at, contract_id, seq "
                                       "LIMIT ?",
                                   {int64_t(limit)}, EventFrom);
  });
}

StatusOr<std::vector<Contract>> SqlContractRepository::List(const contract::ContractFilter& f) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<Contract>> {
    std::string sql = "SELECT " + std::string(kContractColumns) + " FROM contracts c WHERE (";
    SqlArgs args;
    // Visible: created by, a party of, or of an organisation the person is a member of.
    sql +=
        "c.creator_id = ? OR EXISTS (SELECT 1 FROM contract_parties p WHERE p.contract_id = "
        "c.id AND p.person_id = ?)";
    args.push_back(f.visible_to);
    args.push_back(f.visible_to);
    for (const auto& o : f.org_ids) {
      sql +=
          " OR c.org_id = ? OR EXISTS (SELECT 1 FROM contract_parties p WHERE p.contract_id "
          "= c.id AND p.org_id = ?)";
      args.push_back(o);
      args.push_back(o);
    }
    sql += ")";
    if (!f.org_id.empty()) {
      sql +=
          " AND (c.org_id = ? OR EXISTS (SELECT 1 FROM contract_parties p WHERE "
          "p.contract_id = c.id AND p.org_id = ?))";
      args.push_back(f.org_id);
      args.push_back(f.org_id);
    }
    if (f.state) {
      sql += " AND c.state = ?";
      args.push_back(std::string(contract::StateName(*f.state)));
    }
    if (!f.search.empty()) {
      std::string pattern = "%";
      for (char ch : f.search) {
        if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
        pattern += ch;
      }
      pattern += "%";
      sql += " AND c.title LIKE ? ESCAPE '\\'";
      args.push_back(pattern);
    }
    if (!f.awaiting.empty()) {
      sql +=
          " AND c.state IN ('sent', 'partially_signed') AND EXISTS (SELECT 1 FROM "
          "contract_parties p WHERE p.contract_id = c.id AND p.person_id = ? AND p.status = "
          "'pending' AND (c.flow <> 'sequential' OR NOT EXISTS (SELECT 1 FROM "
          "contract_parties q WHERE q.contract_id = c.id AND q.idx < p.idx AND q.status <> "
          "'signed')))";
      args.push_back(f.awaiting);
    }
    sql += " ORDER BY c.created_at DESC, c.id LIMIT ? OFFSET ?";
    args.push_back(int64_t(f.limit) + 1);
    args.push_back(f.offset);
    HETONG_ASSIGN_OR_RETURN(auto rows, SqlQuery<Contract>(conn, sql, args, ContractFrom));
    for (Contract& c : rows) {
      HETONG_ASSIGN_OR_RETURN(c.parties, ReadParties(conn, c.id));
    }
    return rows;
  });
}

StatusOr<std::vector<std::string>> SqlContractRepository::Overdue(base::TimePoint now, int limit) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<std::string>(
        conn,
        "SELECT id FROM contracts WHERE state IN ('sent', 'partially_signed') AND deadline IS "
        "NOT NULL AND deadline <= ? ORDER BY deadline LIMIT ?",
        {SqlTime(now), int64_t(limit)}, [](Statement& st) { return st.ColumnText(0); });
  });
}

StatusOr<contract::OrgStatistics> SqlContractRepository::Statistics(const std::string& org_id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<contract::OrgStatistics> {
    contract::OrgStatistics s;
    std::string of_org =
        "(c.org_id = ? OR EXISTS (SELECT 1 FROM contract_parties p WHERE p.contract_id = c.id "
        "AND p.org_id = ?))";
    HETONG_ASSIGN_OR_RETURN(
        auto states, SqlQuery<StateCount>(conn,
                                          "SELECT c.state, COUNT(*) FROM contracts c WHERE " +
                                              of_org + " GROUP BY c.state ORDER BY c.state",
                                          {org_id, org_id}, [](Statement& st) {
                                            return std::make_pair(st.ColumnText(0),
                                                                  st.ColumnInt(1));
                                          }));
    for (const auto& [state, n] : states) s.total += n;
    s.by_state = std::move(states);
    HETONG_ASSIGN_OR_RETURN(
        auto sigs,
        SqlQueryOne<int64_t>(conn,
                             "SELECT COUNT(*) FROM contract_parties WHERE org_id = ? AND status = "
                             "'signed'",
                             {org_id}, [](Statement& st) { return st.ColumnInt(0); }));
    s.signatures = sigs.value_or(0);
    HETONG_ASSIGN_OR_RETURN(
        auto spans,
        SqlQuery<Span>(
            conn,
            "SELECT c.sent_at, c.completed_at FROM contracts c WHERE c.state = 'completed' AND "
            "c.sent_at IS NOT NULL AND " +
                of_org,
            {org_id, org_id},
            [](Statement& st) { return std::make_pair(st.ColumnText(0), st.ColumnText(1)); }));
    std::vector<double> hours;
    for (const auto& [a, b] : spans) {
      auto d = SqlParseTime(b) - SqlParseTime(a);
      hours.push_back(std::chrono::duration<double, std::ratio<3600>>(d).count());
    }
    if (!hours.empty()) {
      std::sort(hours.begin(), hours.end());
      size_t n = hours.size();
      s.median_hours_to_complete = n % 2 ? hours[n / 2] : (hours[n / 2 - 1] + hours[n / 2]) / 2.0;
    }
    return s;
  });
}

Status SqlContractRepository::InsertInvitation(const contract::Invitation& i) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(conn,
                  "INSERT INTO contract_invitations (token_hash, contract_id, party, created_at, "
                  "expires_at) VALUES (?, ?, ?, ?, ?)",
                  {i.token_hash, i.contract_id, int64_t(i.party), SqlTime(i.created_at),
                   SqlTime(i.expires_at)});
  });
}

StatusOr<std::optional<contract::Invitation>> SqlContractRepository::TakeInvitation(
    const std::string& token_hash, base::TimePoint at) {
  return instance_.WithConnection(
      [&](Connection& conn) -> StatusOr<std::optional<contract::Invitation>> {
        HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
        HETONG_RETURN_IF_ERROR(SqlRun(conn,
                                      "UPDATE contract_invitations SET used_at = ? WHERE "
                                      "token_hash = ? AND used_at IS NULL",
                                      {SqlTime(at), token_hash}));
        if (conn.ChangedRows() != 1) return std::optional<contract::Invitation>();
        HETONG_ASSIGN_OR_RETURN(
            auto inv, SqlQueryOne<contract::Invitation>(
                          conn,
                          "SELECT token_hash, contract_id, party, created_at, expires_at FROM "
                          "contract_invitations WHERE token_hash = ?",
                          {token_hash}, [](Statement& st) {
                            return contract::Invitation{st.ColumnText(0), st.ColumnText(1),
                                                        static_cast<int>(st.ColumnInt(2)),
                                                        SqlParseTime(st.ColumnText(3)),
                                                        SqlParseTime(st.ColumnText(4))};
                          }));
        HETONG_RETURN_IF_ERROR(tx.Commit());
        return inv;
      });
}

StatusOr<bool> SqlContractRepository::EncryptedArchive(const std::string& org_id) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<bool> {
    HETONG_ASSIGN_OR_RETURN(
        auto v,
        SqlQueryOne<int64_t>(conn, "SELECT encrypted FROM org_archive_settings WHERE org_id = ?",
                             {org_id}, [](Statement& st) { return st.ColumnInt(0); }));
    return v.value_or(0) != 0;
  });
}

Status SqlContractRepository::SetEncryptedArchive(const std::string& org_id, bool on) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn, "DELETE FROM org_archive_settings WHERE org_id = ?", {org_id}));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn, "INSERT INTO org_archive_settings (org_id, encrypted) VALUES (?, ?)",
               {org_id, int64_t(on)}));
    return tx.Commit();
  });
}

}  // namespace hetong::store
