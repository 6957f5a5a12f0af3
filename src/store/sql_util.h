// Small helpers shared by the SQL repositories: timestamps as RFC 3339 text with
// milliseconds, and prepared statements bound from a list of values.
//
// Thread-safety: functions; callers hold the instance's connection (Instance::WithConnection).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/sql.h"

namespace hetong::store {

using SqlArgs = std::vector<SqlValue>;

inline std::string SqlTime(base::TimePoint t) { return base::FormatRfc3339Millis(t); }
inline SqlValue SqlOptTime(const std::optional<base::TimePoint>& t) {
  return t ? SqlValue(SqlTime(*t)) : SqlValue(std::monostate{});
}
// A stored time; the epoch for text that does not parse (never written by hetong).
inline base::TimePoint SqlParseTime(const std::string& s) {
  auto t = base::ParseRfc3339(s);
  return t.ok() ? *t : base::TimePoint{};
}
inline std::optional<base::TimePoint> SqlOptColumnTime(Statement& st, int col) {
  if (st.ColumnIsNull(col)) return std::nullopt;
  return SqlParseTime(st.ColumnText(col));
}

// A prepared statement with `args` bound to ?1, ?2, ...
inline StatusOr<Statement> SqlPrepare(Connection& conn, std::string_view sql, const SqlArgs& args) {
  HETONG_ASSIGN_OR_RETURN(Statement st, conn.Prepare(sql));
  for (size_t i = 0; i < args.size(); ++i) st.BindValue(static_cast<int>(i + 1), args[i]);
  return st;
}

inline Status SqlRun(Connection& conn, std::string_view sql, const SqlArgs& args) {
  HETONG_ASSIGN_OR_RETURN(Statement st, SqlPrepare(conn, sql, args));
  return st.Run();
}

template <typename T>
StatusOr<std::vector<T>> SqlQuery(Connection& conn, std::string_view sql, const SqlArgs& args,
                                  const std::function<T(Statement&)>& from) {
  HETONG_ASSIGN_OR_RETURN(Statement st, SqlPrepare(conn, sql, args));
  std::vector<T> out;
  while (true) {
    HETONG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(from(st));
  }
  return out;
}

template <typename T>
StatusOr<std::optional<T>> SqlQueryOne(Connection& conn, std::string_view sql, const SqlArgs& args,
                                       const std::function<T(Statement&)>& from) {
  HETONG_ASSIGN_OR_RETURN(auto rows, SqlQuery<T>(conn, sql, args, from));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

}  // namespace hetong::store
