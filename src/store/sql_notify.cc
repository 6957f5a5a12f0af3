#include "store/sql_notify.h"

#include <functional>

#include "store/sql_util.h"

namespace hetong::store {

using identity::OutboxMessage;
using notify::Webhook;
using notify::WebhookAttempt;
using notify::WebhookDelivery;

namespace {

using Args = SqlArgs;

// ---- outbox ----

const std::string kOutboxColumns =
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

// ---- webhooks ----

const std::string kWebhookColumns =
    "id, org_id, url, secret_sealed, events, description, active, created_by, created_at, "
    "updated_at";

std::string JoinEvents(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

std::vector<std::string> SplitEvents(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t comma = s.find(',', i);
    if (comma == std::string::npos) comma = s.size();
    if (comma > i) out.push_back(s.substr(i, comma - i));
    i = comma + 1;
  }
  return out;
}

Webhook WebhookFrom(Statement& st) {
  Webhook w;
  w.id = st.ColumnText(0);
  w.org_id = st.ColumnText(1);
  w.url = st.ColumnText(2);
  w.secret_sealed = st.ColumnBlob(3);
  w.events = SplitEvents(st.ColumnText(4));
  w.description = st.ColumnText(5);
  w.active = st.ColumnInt(6) != 0;
  w.created_by = st.ColumnText(7);
  w.created_at = SqlParseTime(st.ColumnText(8));
  w.updated_at = SqlParseTime(st.ColumnText(9));
  return w;
}

const std::string kDeliveryColumns =
    "id, webhook_id, org_id, event_id, event_type, body, state, attempts, next_attempt_at, "
    "last_status, last_error, created_at, delivered_at";

WebhookDelivery DeliveryFrom(Statement& st) {
  WebhookDelivery d;
  d.id = st.ColumnText(0);
  d.webhook_id = st.ColumnText(1);
  d.org_id = st.ColumnText(2);
  d.event_id = st.ColumnText(3);
  d.event_type = st.ColumnText(4);
  d.body = st.ColumnText(5);
  d.state = st.ColumnText(6);
  d.attempts = static_cast<int>(st.ColumnInt(7));
  d.next_attempt_at = SqlOptColumnTime(st, 8);
  d.last_status = static_cast<int>(st.ColumnInt(9));
  d.last_error = st.ColumnText(10);
  d.created_at = SqlParseTime(st.ColumnText(11));
  d.delivered_at = SqlOptColumnTime(st, 12);
  return d;
}

WebhookAttempt AttemptFrom(Statement& st) {
  WebhookAttempt a;
  a.delivery_id = st.ColumnText(0);
  a.attempt = static_cast<int>(st.ColumnInt(1));
  a.started_at = SqlParseTime(st.ColumnText(2));
  a.status = static_cast<int>(st.ColumnInt(3));
  a.error = st.ColumnText(4);
  a.duration_ms = st.ColumnInt(5);
  return a;
}

}  // namespace

// ---- outbox ----

StatusOr<std::vector<OutboxMessage>> SqlOutboxRepository::ClaimOutbox(
    const std::vector<std::string>& channels, base::TimePoint now, base::TimePoint lease_until,
    int limit) {
  if (channels.empty()) return std::vector<OutboxMessage>();
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<OutboxMessage>> {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    std::string in;
    for (size_t i = 0; i < channels.size(); ++i) in += i == 0 ? "?" : ", ?";
    Args args(channels.begin(), channels.end());
    const Args tail = {SqlTime(now), int64_t(limit)};
    args.insert(args.end(), tail.begin(), tail.end());
    HETONG_ASSIGN_OR_RETURN(
        auto due,
        SqlQuery<OutboxMessage>(conn,
                                "SELECT " + kOutboxColumns +
                                    " FROM outbox WHERE state = 'pending' AND channel IN (" + in +
                                    ") AND (next_attempt_at IS NULL OR next_attempt_at <= "
                                    "?) ORDER BY created_at, id LIMIT ?",
                                args, MessageFrom));
    std::vector<OutboxMessage> taken;
    for (auto& m : due) {
      // The condition is checked again so that a concurrent claimer cannot take it twice.
      HETONG_RETURN_IF_ERROR(
          SqlRun(conn,
                 "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = "
                 "'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
                 {SqlTime(lease_until), m.id, SqlTime(now)}));
      if (conn.ChangedRows() == 1) {
        m.next_attempt_at = lease_until;
        taken.push_back(std::move(m));
      }
    }
    HETONG_RETURN_IF_ERROR(tx.Commit());
    return taken;
  });
}

Status SqlOutboxRepository::MarkOutboxSent(const std::string& id, base::TimePoint at,
                                           const std::string& body_note) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(
        conn,
        "UPDATE outbox SET state = 'sent', sent_at = ?, next_attempt_at = NULL, body = ?, "
        "last_error = '' WHERE id = ? AND state = 'pending'",
        {SqlTime(at), body_note, id});
  });
}

Status SqlOutboxRepository::MarkOutboxFailed(const std::string& id, const std::string& error,
                                             std::optional<base::TimePoint> retry_at,
                                             const std::string& body_note) {
  return instance_.WithConnection([&](Connection& conn) {
    if (retry_at) {
      return SqlRun(
          conn,
          "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
          "WHERE id = ? AND state = 'pending'",
          {error, SqlTime(*retry_at), id});
    }
    return SqlRun(conn,
                  "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, "
                  "next_attempt_at = NULL, body = ? WHERE id = ? AND state = 'pending'",
                  {error, body_note, id});
  });
}

StatusOr<int> SqlOutboxRepository::ExpireOutbox(base::TimePoint now, const std::string& body_note) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<int> {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "UPDATE outbox SET state = 'expired', body = ?, next_attempt_at = "
               "NULL WHERE state = 'pending' AND expires_at IS NOT NULL AND "
               "expires_at < ?",
               {body_note, SqlTime(now)}));
    return static_cast<int>(conn.ChangedRows());
  });
}

StatusOr<std::vector<OutboxMessage>> SqlOutboxRepository::ListOutboxByState(
    const std::string& state, int limit, int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<OutboxMessage>(conn,
                                   "SELECT " + kOutboxColumns +
                                       " FROM outbox WHERE state = ? ORDER BY created_at DESC, id "
                                       "DESC LIMIT ? OFFSET ?",
                                   {state, int64_t(limit), offset}, MessageFrom);
  });
}

// ---- webhooks ----

Status SqlWebhookRepository::InsertWebhook(const Webhook& w) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlRun(
        conn,
        "INSERT INTO webhooks (" + kWebhookColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {w.id, w.org_id, w.url, w.secret_sealed, JoinEvents(w.events), w.description,
         int64_t(w.active), w.created_by, SqlTime(w.created_at), SqlTime(w.updated_at)});
  });
}

Status SqlWebhookRepository::UpdateWebhook(const Webhook& w) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "UPDATE webhooks SET url = ?, events = ?, description = ?, active "
               "= ?, updated_at = ? WHERE id = ?",
               {w.url, JoinEvents(w.events), w.description, int64_t(w.active),
                SqlTime(w.updated_at), w.id}));
    if (conn.ChangedRows() != 1) return NotFoundError("no such webhook");
    return OkStatus();
  });
}

StatusOr<std::optional<Webhook>> SqlWebhookRepository::GetWebhook(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<Webhook>(conn, "SELECT " + kWebhookColumns + " FROM webhooks WHERE id = ?",
                                {id}, WebhookFrom);
  });
}

StatusOr<std::vector<Webhook>> SqlWebhookRepository::ListWebhooks(const std::string& org_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<Webhook>(
        conn,
        "SELECT " + kWebhookColumns + " FROM webhooks WHERE org_id = ? ORDER BY created_at, id",
        {org_id}, WebhookFrom);
  });
}

Status SqlWebhookRepository::DeleteWebhook(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM "
               "webhook_deliveries WHERE webhook_id = ?)",
               {id}));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", {id}));
    HETONG_RETURN_IF_ERROR(SqlRun(conn, "DELETE FROM webhooks WHERE id = ?", {id}));
    if (conn.ChangedRows() != 1) return NotFoundError("no such webhook");
    return tx.Commit();
  });
}

Status SqlWebhookRepository::InsertDeliveries(const std::vector<WebhookDelivery>& deliveries) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    for (const auto& d : deliveries) {
      HETONG_RETURN_IF_ERROR(
          SqlRun(conn,
                 "INSERT INTO webhook_deliveries (" + kDeliveryColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {d.id, d.webhook_id, d.org_id, d.event_id, d.event_type, d.body, d.state,
                  int64_t(d.attempts), SqlOptTime(d.next_attempt_at), int64_t(d.last_status),
                  d.last_error, SqlTime(d.created_at), SqlOptTime(d.delivered_at)}));
    }
    return tx.Commit();
  });
}

StatusOr<std::optional<WebhookDelivery>> SqlWebhookRepository::GetDelivery(const std::string& id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQueryOne<WebhookDelivery>(
        conn, "SELECT " + kDeliveryColumns + " FROM webhook_deliveries WHERE id = ?", {id},
        DeliveryFrom);
  });
}

StatusOr<std::vector<WebhookDelivery>> SqlWebhookRepository::ListDeliveries(
    const std::string& webhook_id, int limit, int64_t offset) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<WebhookDelivery>(conn,
                                     "SELECT " + kDeliveryColumns +
                                         " FROM webhook_deliveries WHERE webhook_id = ? ORDER BY "
                                         "created_at DESC, id DESC LIMIT ? OFFSET ?",
                                     {webhook_id, int64_t(limit), offset}, DeliveryFrom);
  });
}

StatusOr<std::vector<WebhookDelivery>> SqlWebhookRepository::ClaimDeliveries(
    base::TimePoint now, base::TimePoint lease_until, int limit) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<WebhookDelivery>> {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(
        auto due, SqlQuery<WebhookDelivery>(conn,
                                            "SELECT " + kDeliveryColumns +
                                                " FROM webhook_deliveries WHERE state = "
                                                "'pending' AND (next_attempt_at IS NULL OR "
                                                "next_attempt_at <= ?) ORDER BY created_at, id "
                                                "LIMIT ?",
                                            {SqlTime(now), int64_t(limit)}, DeliveryFrom));
    std::vector<WebhookDelivery> taken;
    for (auto& d : due) {
      HETONG_RETURN_IF_ERROR(SqlRun(conn,
                                    "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id "
                                    "= ? AND state = 'pending' AND (next_attempt_at IS NULL OR "
                                    "next_attempt_at <= ?)",
                                    {SqlTime(lease_until), d.id, SqlTime(now)}));
      if (conn.ChangedRows() == 1) {
        d.next_attempt_at = lease_until;
        taken.push_back(std::move(d));
      }
    }
    HETONG_RETURN_IF_ERROR(tx.Commit());
    return taken;
  });
}

Status SqlWebhookRepository::RecordAttempt(const WebhookDelivery& d, const WebhookAttempt& a) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_RETURN_IF_ERROR(
        SqlRun(conn,
               "UPDATE webhook_deliveries SET state = ?, attempts = ?, "
               "next_attempt_at = ?, last_status = ?, last_error = ?, "
               "delivered_at = ? WHERE id = ?",
               {d.state, int64_t(d.attempts), SqlOptTime(d.next_attempt_at), int64_t(d.last_status),
                d.last_error, SqlOptTime(d.delivered_at), d.id}));
    if (conn.ChangedRows() != 1) return OkStatus();  // deleted with its webhook meanwhile
    if (d.state != "cancelled") {
      HETONG_RETURN_IF_ERROR(
          SqlRun(conn,
                 "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, "
                 "status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                 {a.delivery_id, int64_t(a.attempt), SqlTime(a.started_at), int64_t(a.status),
                  a.error, a.duration_ms}));
    }
    return tx.Commit();
  });
}

StatusOr<std::vector<WebhookAttempt>> SqlWebhookRepository::ListAttempts(
    const std::string& delivery_id) {
  return instance_.WithConnection([&](Connection& conn) {
    return SqlQuery<WebhookAttempt>(conn,
                                    "SELECT delivery_id, attempt, started_at, status, error, "
                                    "duration_ms FROM webhook_attempts WHERE delivery_id = ? ORDER "
                                    "BY attempt",
                                    {delivery_id}, AttemptFrom);
  });
}

}  // namespace hetong::store
