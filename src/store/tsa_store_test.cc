// The TSA's serial counter and audit log on a real instance store.

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "store/instance.h"
#include "store/sql_repositories.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

TEST(TsaStoreTest, SerialsSurviveRestartsAndLogAppends) {
  hetong::testing::TempDir tmp;
  ASSERT_TRUE(Instance::Init(tmp.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
  int64_t first_block = 0;
  {
    auto inst = *Instance::Open(tmp.File("inst"));
    SqlTokenLog log(*inst);
    first_block = *log.ReserveSerials(1000);
    EXPECT_EQ(first_block, 1);
    EXPECT_FALSE(log.LastGenTime()->has_value());
    std::vector<tsa::TokenRecord> recs;
    for (int i = 0; i < 3; ++i) {
      recs.push_back(
          {first_block + i, base::FromUnixSeconds(1795708450 + i), "sm2", "sm3", "ab", "1.2", ""});
    }
    ASSERT_TRUE(log.Append(recs).ok());
    EXPECT_EQ(**log.LastGenTime(), base::FromUnixSeconds(1795708452));
    EXPECT_EQ((*log.Find(first_block + 1))->gen_time, base::FromUnixSeconds(1795708451));
    // Duplicate serials are refused, and the whole batch with them.
    EXPECT_FALSE(
        log.Append({recs[0], {99999, base::FromUnixSeconds(1), "sm2", "sm3", "cd", "1.2", ""}})
            .ok());
    EXPECT_FALSE(log.Find(99999)->has_value());
  }
  // After a restart, the next block starts after everything reserved before.
  auto inst = *Instance::Open(tmp.File("inst"));
  SqlTokenLog log(*inst);
  EXPECT_EQ(*log.ReserveSerials(1000), first_block + 1000);
}

}  // namespace
}  // namespace hetong::store
