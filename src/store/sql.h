// A small portable SQL layer: connections, prepared statements with positional `?`
// parameters, and transactions. SQLite is the default engine (PostgreSQL arrives later behind
// the same interface), so SQL written against it must stay portable: no SQLite-only syntax,
// types BIGINT / TEXT / BLOB (bytea), timestamps as RFC 3339 TEXT, booleans as INTEGER 0/1.
//
// SQLite runs in WAL mode with synchronous=FULL: a committed transaction survives a crash or
// kill -9 (the durability rule of DESIGN.md).
//
// Thread-safety: a Connection is used by one thread at a time (the store hands out
// connections from a pool); statements belong to their connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/bytes.h"
#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hetong::store {

using SqlValue = std::variant<std::monostate, int64_t, std::string, Bytes>;

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // Parameters are 1-based, as in SQL.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, ByteView value);
  Statement& BindNull(int index);
  Statement& BindValue(int index, const SqlValue& value);

  // Advances to the next row: true if there is one, false when done.
  StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  Status Run();
  Status Reset();

  int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  Bytes ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Status Error(std::string_view what) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

class Connection {
 public:
  // Opens (creating if needed) an SQLite database file.
  static StatusOr<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
  ~Connection();

  Status Exec(std::string_view sql);
  StatusOr<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  int64_t ChangedRows() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// RAII transaction: rolls back unless Commit() succeeded.
class Transaction {
 public:
  static StatusOr<Transaction> Begin(Connection& conn);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace hetong::store
