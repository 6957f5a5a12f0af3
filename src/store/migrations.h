// Schema migrations: numbered, forward-only SQL scripts (src/store/migrations/NNNN_name.sql,
// compiled into the binary) applied in order, each in its own transaction, when a store is
// opened. The applied versions are recorded in schema_migrations; a database that has a
// version this binary does not know is refused (it was written by a newer hetong).
//
// Thread-safety: run once per open, before the store is shared.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "store/sql.h"

namespace hetong::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// All migrations known to this binary, ordered by version.
const std::vector<Migration>& AllMigrations();

// Applies what is missing; returns the number applied.
StatusOr<int> Migrate(Connection& conn, const std::vector<Migration>& migrations = AllMigrations());

// The highest applied version (0 for a fresh database).
StatusOr<int> SchemaVersion(Connection& conn);

}  // namespace hetong::store
