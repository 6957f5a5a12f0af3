#include "store/sql.h"

#include <gtest/gtest.h>

#include "store/migrations.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

TEST(SqlTest, PreparedStatementsAndTypes) {
  hetong::testing::TempDir dir;
  auto conn = Connection::OpenSqlite(dir.File("t.db"));
  ASSERT_TRUE(conn.ok()) << conn.status();
  ASSERT_TRUE((*conn)->Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, data BLOB)").ok());
  auto ins = (*conn)->Prepare("INSERT INTO t (id, name, data) VALUES (?, ?, ?)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, int64_t{1}).Bind(2, "合同").Bind(3, ByteView(Bytes{0, 1, 2}));
  ASSERT_TRUE(ins->Run().ok());
  ASSERT_TRUE(ins->Reset().ok());
  ins->Bind(1, int64_t{2}).BindNull(2).Bind(3, ByteView());
  ASSERT_TRUE(ins->Run().ok());
  ASSERT_TRUE(ins->Reset().ok());
  ins->Bind(1, int64_t{2}).Bind(2, "dup").Bind(3, ByteView());
  EXPECT_EQ(ins->Run().code(), StatusCode::kAlreadyExists);
  auto q = (*conn)->Prepare("SELECT id, name, data FROM t ORDER BY id");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 1);
  EXPECT_EQ(q->ColumnText(1), "合同");
  EXPECT_EQ(q->ColumnBlob(2), (Bytes{0, 1, 2}));
  ASSERT_TRUE(*q->Step());
  EXPECT_TRUE(q->ColumnIsNull(1));
  EXPECT_FALSE(*q->Step());
  EXPECT_FALSE((*conn)->Prepare("SELEKT nonsense").ok());
}

TEST(SqlTest, TransactionsRollBackUnlessCommitted) {
  hetong::testing::TempDir dir;
  auto conn = *Connection::OpenSqlite(dir.File("t.db"));
  ASSERT_TRUE(conn->Exec("CREATE TABLE t (v BIGINT)").ok());
  {
    auto tx = Transaction::Begin(*conn);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(conn->Exec("INSERT INTO t VALUES (1)").ok());
  }  // rolled back
  {
    auto tx = Transaction::Begin(*conn);
    ASSERT_TRUE(conn->Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto q = *conn->Prepare("SELECT COUNT(*), SUM(v) FROM t");
  ASSERT_TRUE(*q.Step());
  EXPECT_EQ(q.ColumnInt(0), 1);
  EXPECT_EQ(q.ColumnInt(1), 2);
}

TEST(MigrationsTest, ForwardOnlyAndIdempotent) {
  hetong::testing::TempDir dir;
  auto conn = *Connection::OpenSqlite(dir.File("t.db"));
  std::vector<Migration> v1 = {{1, "one", "CREATE TABLE a (x BIGINT);"}};
  EXPECT_EQ(*Migrate(*conn, v1), 1);
  EXPECT_EQ(*Migrate(*conn, v1), 0);
  std::vector<Migration> v2 = {v1[0], {2, "two", "CREATE TABLE b (y TEXT);"}};
  EXPECT_EQ(*Migrate(*conn, v2), 1);
  EXPECT_EQ(*SchemaVersion(*conn), 2);
  // An older binary refuses the newer database.
  auto r = Migrate(*conn, v1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  // A failing migration leaves nothing half-applied.
  std::vector<Migration> bad = {v2[0], v2[1], {3, "bad", "CREATE TABLE c (z BIGINT); SELEKT;"}};
  EXPECT_FALSE(Migrate(*conn, bad).ok());
  EXPECT_EQ(*SchemaVersion(*conn), 2);
  EXPECT_FALSE(conn->Exec("SELECT * FROM c").ok());
}

TEST(MigrationsTest, EmbeddedMigrationsAreNumberedInOrder) {
  const auto& all = AllMigrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << all[i].name;
    EXPECT_FALSE(all[i].sql.empty());
  }
}

}  // namespace
}  // namespace hetong::store
