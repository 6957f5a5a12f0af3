#include "store/migrations.h"

#include <set>

#include "base/clock.h"

namespace hetong::store {

namespace internal {
// Generated at build time from migrations/*.sql (see CMakeLists.txt).
extern const std::vector<Migration>& EmbeddedMigrations();
}  // namespace internal

const std::vector<Migration>& AllMigrations() { return internal::EmbeddedMigrations(); }

namespace {

Status EnsureTable(Connection& conn) {
  return conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
}

}  // namespace

StatusOr<int> SchemaVersion(Connection& conn) {
  HETONG_RETURN_IF_ERROR(EnsureTable(conn));
  HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT MAX(version) FROM schema_migrations"));
  HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.ColumnIsNull(0)) return 0;
  return static_cast<int>(st.ColumnInt(0));
}

StatusOr<int> Migrate(Connection& conn, const std::vector<Migration>& migrations) {
  HETONG_RETURN_IF_ERROR(EnsureTable(conn));
  std::set<int> applied;
  {
    HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare("SELECT version FROM schema_migrations"));
    while (true) {
      HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      applied.insert(static_cast<int>(st.ColumnInt(0)));
    }
  }
  std::set<int> known;
  for (const auto& m : migrations) known.insert(m.version);
  for (int v : applied) {
    if (!known.contains(v)) {
      return FailedPreconditionError("the database has schema version " + std::to_string(v) +
                                     ", which this hetong does not know: it was written by a "
                                     "newer version; upgrade hetong");
    }
  }
  int count = 0;
  for (const auto& m : migrations) {
    if (applied.contains(m.version)) continue;
    HETONG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
    Status s = conn.Exec(m.sql);
    if (!s.ok())
      return s.WithContext("migration " + std::to_string(m.version) + " (" + m.name + ")");
    HETONG_ASSIGN_OR_RETURN(
        Statement ins,
        conn.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
    ins.Bind(1, static_cast<int64_t>(m.version))
        .Bind(2, m.name)
        .Bind(3, base::FormatRfc3339(base::SystemClock::Get().Now()));
    HETONG_RETURN_IF_ERROR(ins.Run());
    HETONG_RETURN_IF_ERROR(tx.Commit());
    ++count;
  }
  return count;
}

}  // namespace hetong::store
