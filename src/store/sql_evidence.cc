#include "store/sql_evidence.h"

#include <limits>

#include "base/clock.h"

namespace hetong::store {

using evidence::LoggedEvent;
using evidence::NodeId;
using evidence::SignedTreeHead;

namespace {

constexpr std::string_view kEventColumns =
    "idx, event_type, subject, actor, occurred_at, previous_idx, details, leaf_hash";
constexpr std::string_view kHeadColumns =
    "tree_size, log_id, hash_alg, root, signed_at, algorithm, signature, timestamp_token, "
    "signer_spki";

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

StatusOr<base::TimePoint> ParseTime(const std::string& s) {
  auto t = base::ParseRfc3339(s);
  if (!t.ok()) return DataLossError("the evidence store holds a malformed time");
  return *t;
}

StatusOr<LoggedEvent> EventFrom(Statement& st) {
  LoggedEvent e;
  e.index = static_cast<uint64_t>(st.ColumnInt(0));
  e.event.type = st.ColumnText(1);
  e.event.subject = st.ColumnText(2);
  e.event.actor = st.ColumnText(3);
  HETONG_ASSIGN_OR_RETURN(e.event.at, ParseTime(st.ColumnText(4)));
  e.previous = st.ColumnInt(5);
  e.event.details = st.ColumnText(6);
  e.leaf_hash = st.ColumnBlob(7);
  return e;
}

StatusOr<SignedTreeHead> HeadFrom(Statement& st) {
  SignedTreeHead h;
  h.tree_size = static_cast<uint64_t>(st.ColumnInt(0));
  h.log_id = st.ColumnText(1);
  h.hash = st.ColumnText(2);
  h.root = st.ColumnBlob(3);
  HETONG_ASSIGN_OR_RETURN(h.timestamp, ParseTime(st.ColumnText(4)));
  h.algorithm = st.ColumnText(5);
  h.signature = st.ColumnBlob(6);
  h.timestamp_token = st.ColumnBlob(7);
  h.signer_spki = st.ColumnBlob(8);
  return h;
}

template <typename T>
StatusOr<std::vector<T>> Rows(Statement& st, StatusOr<T> (*from)(Statement&)) {
  std::vector<T> out;
  while (true) {
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HETONG_ASSIGN_OR_RETURN(T v, from(st));
    out.push_back(std::move(v));
  }
  return out;
}

template <typename T>
StatusOr<std::optional<T>> FirstRow(Statement& st, StatusOr<T> (*from)(Statement&)) {
  HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<T>();
  HETONG_ASSIGN_OR_RETURN(T v, from(st));
  return std::optional<T>(std::move(v));
}

StatusOr<uint64_t> SizeOn(Connection& conn) {
  HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT MAX(idx) FROM evidence_events"));
  HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.ColumnIsNull(0)) return uint64_t{0};
  return static_cast<uint64_t>(st.ColumnInt(0)) + 1;
}

}  // namespace

StatusOr<uint64_t> SqlEvidenceRepository::Size() {
  return instance_.WithConnection([&](Connection& conn) { return SizeOn(conn); });
}

Status SqlEvidenceRepository::AppendLeaf(const LoggedEvent& e, std::span<const NodeId> node_ids,
                                         std::span<const Bytes> node_hashes) {
  if (node_ids.size() != node_hashes.size()) return InternalError("node ids and hashes differ");
  if (e.index > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return OutOfRangeError("the evidence log is full");
  }
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    HETONG_ASSIGN_OR_RETURN(uint64_t size, SizeOn(conn));
    if (size != e.index) return AbortedError("another writer appended to the evidence log");
    HETONG_ASSIGN_OR_RETURN(
        Statement ins, conn.Prepare("INSERT INTO evidence_events (" + std::string(kEventColumns) +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.Bind(1, I(e.index))
        .Bind(2, e.event.type)
        .Bind(3, e.event.subject)
        .Bind(4, e.event.actor)
        .Bind(5, base::FormatRfc3339Millis(e.event.at))
        .Bind(6, e.previous)
        .Bind(7, e.event.details)
        .Bind(8, ByteView(e.leaf_hash));
    HETONG_RETURN_IF_ERROR(ins.Run());
    HETONG_ASSIGN_OR_RETURN(
        Statement node,
        conn.Prepare("INSERT INTO evidence_nodes (node_level, idx, node_hash) VALUES (?, ?, ?)"));
    for (size_t i = 0; i < node_ids.size(); ++i) {
      HETONG_RETURN_IF_ERROR(node.Reset());
      node.Bind(1, int64_t{node_ids[i].level})
          .Bind(2, I(node_ids[i].index))
          .Bind(3, ByteView(node_hashes[i]));
      HETONG_RETURN_IF_ERROR(node.Run());
    }
    return tx.Commit();
  });
}

StatusOr<std::optional<LoggedEvent>> SqlEvidenceRepository::GetEvent(uint64_t index) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<LoggedEvent>> {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT " + std::string(kEventColumns) +
                                                       " FROM evidence_events WHERE idx = ?"));
    st.Bind(1, I(index));
    return FirstRow<LoggedEvent>(st, &EventFrom);
  });
}

StatusOr<std::vector<LoggedEvent>> SqlEvidenceRepository::EventsFor(const std::string& subject,
                                                                    uint64_t from, int limit) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<LoggedEvent>> {
    HETONG_ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare("SELECT " + std::string(kEventColumns) +
                     " FROM evidence_events WHERE subject = ? AND idx >= ? ORDER BY idx LIMIT ?"));
    st.Bind(1, subject).Bind(2, I(from)).Bind(3, int64_t{limit});
    return Rows<LoggedEvent>(st, &EventFrom);
  });
}

StatusOr<std::vector<LoggedEvent>> SqlEvidenceRepository::NewestEventsFor(
    const std::string& subject, uint64_t before, uint64_t skip, int limit) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<LoggedEvent>> {
    // evidence_events_subject (subject, idx) serves this read backwards.
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("SELECT " + std::string(kEventColumns) +
                                         " FROM evidence_events WHERE subject = ? AND idx < ? "
                                         "ORDER BY idx DESC LIMIT ? OFFSET ?"));
    st.Bind(1, subject).Bind(2, I(before)).Bind(3, int64_t{limit}).Bind(4, I(skip));
    return Rows<LoggedEvent>(st, &EventFrom);
  });
}

StatusOr<std::optional<uint64_t>> SqlEvidenceRepository::LastIndexFor(const std::string& subject) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::optional<uint64_t>> {
    HETONG_ASSIGN_OR_RETURN(Statement st,
                            conn.Prepare("SELECT MAX(idx) FROM evidence_events WHERE subject = ?"));
    st.Bind(1, subject);
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.ColumnIsNull(0)) return std::optional<uint64_t>();
    return std::optional<uint64_t>(static_cast<uint64_t>(st.ColumnInt(0)));
  });
}

StatusOr<std::vector<Bytes>> SqlEvidenceRepository::GetNodes(std::span<const NodeId> ids) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<Bytes>> {
    HETONG_ASSIGN_OR_RETURN(Statement leaf,
                            conn.Prepare("SELECT leaf_hash FROM evidence_events WHERE idx = ?"));
    HETONG_ASSIGN_OR_RETURN(
        Statement node,
        conn.Prepare("SELECT node_hash FROM evidence_nodes WHERE node_level = ? AND idx = ?"));
    std::vector<Bytes> out;
    for (const NodeId& id : ids) {
      Statement& st = id.level == 0 ? leaf : node;
      HETONG_RETURN_IF_ERROR(st.Reset());
      if (id.level == 0) {
        st.Bind(1, I(id.index));
      } else {
        st.Bind(1, int64_t{id.level}).Bind(2, I(id.index));
      }
      HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) {
        return NotFoundError("the evidence store has no tree node (" + std::to_string(id.level) +
                             ", " + std::to_string(id.index) + ")");
      }
      out.push_back(st.ColumnBlob(0));
    }
    return out;
  });
}

Status SqlEvidenceRepository::InsertHead(const SignedTreeHead& h) {
  return instance_.WithConnection([&](Connection& conn) -> Status {
    HETONG_ASSIGN_OR_RETURN(
        Statement st, conn.Prepare("INSERT INTO evidence_heads (" + std::string(kHeadColumns) +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.Bind(1, I(h.tree_size))
        .Bind(2, h.log_id)
        .Bind(3, h.hash)
        .Bind(4, ByteView(h.root))
        .Bind(5, base::FormatRfc3339Millis(h.timestamp))
        .Bind(6, h.algorithm)
        .Bind(7, ByteView(h.signature))
        .Bind(8, ByteView(h.timestamp_token))
        .Bind(9, ByteView(h.signer_spki));
    return st.Run();
  });
}

namespace {

StatusOr<std::optional<SignedTreeHead>> OneHead(Instance& instance, const std::string& where,
                                                std::optional<uint64_t> arg) {
  return instance.WithConnection([&](Connection& conn) -> StatusOr<std::optional<SignedTreeHead>> {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT " + std::string(kHeadColumns) +
                                                       " FROM evidence_heads " + where));
    if (arg) st.Bind(1, I(*arg));
    return FirstRow<SignedTreeHead>(st, &HeadFrom);
  });
}

}  // namespace

StatusOr<std::optional<SignedTreeHead>> SqlEvidenceRepository::LatestHead() {
  return OneHead(instance_, "ORDER BY tree_size DESC LIMIT 1", std::nullopt);
}

StatusOr<std::optional<SignedTreeHead>> SqlEvidenceRepository::HeadAt(uint64_t tree_size) {
  return OneHead(instance_, "WHERE tree_size = ?", tree_size);
}

StatusOr<std::optional<SignedTreeHead>> SqlEvidenceRepository::FirstHeadCovering(uint64_t size) {
  return OneHead(instance_, "WHERE tree_size >= ? ORDER BY tree_size LIMIT 1", size);
}

StatusOr<std::vector<SignedTreeHead>> SqlEvidenceRepository::ListHeads(uint64_t before, int limit) {
  return instance_.WithConnection([&](Connection& conn) -> StatusOr<std::vector<SignedTreeHead>> {
    HETONG_ASSIGN_OR_RETURN(
        Statement st,
        conn.Prepare("SELECT " + std::string(kHeadColumns) +
                     " FROM evidence_heads WHERE tree_size < ? ORDER BY tree_size DESC LIMIT ?"));
    st.Bind(1, before == 0 ? std::numeric_limits<int64_t>::max() : I(before))
        .Bind(2, int64_t{limit});
    return Rows<SignedTreeHead>(st, &HeadFrom);
  });
}

}  // namespace hetong::store
