#include "store/sql.h"

#include <sqlite3.h>

#include <utility>

namespace hetong::store {

namespace {

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return AlreadyExistsError(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(msg);
    case SQLITE_FULL:
      return ResourceExhaustedError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(msg);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return PermissionDeniedError(msg);
    default:
      return InternalError(msg);
  }
}

}  // namespace

Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)), bind_error_(std::move(o.bind_error_)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
    bind_error_ = std::move(o.bind_error_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Status Statement::Error(std::string_view what) const {
  return SqliteStatus(db_, sqlite3_errcode(db_), what);
}

Statement& Statement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = Error("bind");
  }
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  if (sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8) != SQLITE_OK &&
      bind_error_.ok()) {
    bind_error_ = Error("bind");
  }
  return *this;
}

Statement& Statement::Bind(int index, ByteView value) {
  static const uint8_t kEmpty = 0;
  if (sqlite3_bind_blob64(stmt_, index, value.empty() ? &kEmpty : value.data(), value.size(),
                          SQLITE_TRANSIENT) != SQLITE_OK &&
      bind_error_.ok()) {
    bind_error_ = Error("bind");
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK && bind_error_.ok()) bind_error_ = Error("bind");
  return *this;
}

Statement& Statement::BindValue(int index, const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return BindNull(index);
  if (auto* i = std::get_if<int64_t>(&value)) return Bind(index, *i);
  if (auto* s = std::get_if<std::string>(&value)) return Bind(index, std::string_view(*s));
  return Bind(index, ByteView(std::get<Bytes>(value)));
}

StatusOr<bool> Statement::Step() {
  HETONG_RETURN_IF_ERROR(bind_error_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, "SQL statement failed");
}

Status Statement::Run() {
  HETONG_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  return OkStatus();
}

Status Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = OkStatus();
  return OkStatus();
}

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Statement::ColumnText(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

Bytes Statement::ColumnBlob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (!p || n <= 0) return {};
  const auto* b = static_cast<const uint8_t*>(p);
  return Bytes(b, b + n);
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

StatusOr<std::unique_ptr<Connection>> Connection::OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(db, rc, "cannot open database '" + path + "'");
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, 10000);
  HETONG_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
  HETONG_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
  HETONG_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  return conn;
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Status Connection::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = SqliteStatus(nullptr, rc, "SQL failed");
    return Status(st.code(), "SQL failed: " + msg);
  }
  return OkStatus();
}

StatusOr<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, "cannot prepare SQL");
  return Statement(db_, stmt);
}

int64_t Connection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Connection::ChangedRows() const { return sqlite3_changes64(db_); }

StatusOr<Transaction> Transaction::Begin(Connection& conn) {
  // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock
  // upgrade; portable spelling on PostgreSQL is plain BEGIN.
  HETONG_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

Transaction::~Transaction() {
  if (conn_) (void)conn_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  if (!conn_) return FailedPreconditionError("transaction already finished");
  Status s = conn_->Exec("COMMIT");
  if (s.ok()) conn_ = nullptr;
  return s;
}

}  // namespace hetong::store
