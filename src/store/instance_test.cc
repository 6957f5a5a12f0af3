#include "store/instance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/random.h"
#include "store/migrations.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

TEST(InstanceTest, InitOpenAndLayout) {
  hetong::testing::TempDir tmp;
  std::string dir = tmp.File("inst");
  InitOptions opts;
  opts.demo = true;
  opts.listen = "127.0.0.1:9999";
  ASSERT_TRUE(Instance::Init(dir, opts, crypto::DefaultRng()).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/keys/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(Instance::Init(dir, opts, crypto::DefaultRng()).code(), StatusCode::kAlreadyExists);

  auto inst = Instance::Open(dir);
  ASSERT_TRUE(inst.ok()) << inst.status();
  EXPECT_TRUE((*inst)->demo());
  EXPECT_EQ((*inst)->instance_id().size(), 32u);
  EXPECT_EQ((*inst)->config().GetOr("instance.public_url", ""), "http://127.0.0.1:9999");
  EXPECT_EQ((*inst)->master_key().size(), 32u);
  // A second process (or open) is refused while the first holds the lock.
  EXPECT_EQ(Instance::Open(dir).status().code(), StatusCode::kFailedPrecondition);
  auto version = (*inst)->WithConnection([](Connection& c) { return SchemaVersion(c); });
  EXPECT_GE(*version, 1);
}

TEST(InstanceTest, RefusesMissingAndExposedKeys) {
  hetong::testing::TempDir tmp;
  EXPECT_EQ(Instance::Open(tmp.File("nothing")).status().code(), StatusCode::kNotFound);
  std::string dir = tmp.File("inst");
  ASSERT_TRUE(Instance::Init(dir, InitOptions{}, crypto::DefaultRng()).ok());
  ::chmod((dir + "/keys/master.key").c_str(), 0644);
  auto r = Instance::Open(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
  ::chmod((dir + "/keys/master.key").c_str(), 0600);
  tmp.Write("inst/keys/master.key", std::string("garbage"));
  ::chmod((dir + "/keys/master.key").c_str(), 0600);
  EXPECT_EQ(Instance::Open(dir).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hetong::store
