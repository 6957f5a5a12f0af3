#include "store/blob_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/testing.h"

namespace hetong::store {
namespace {

TEST(BlobStoreTest, PutGetAndDetectDamage) {
  hetong::testing::TempDir dir;
  BlobStore blobs(dir.path());
  auto h = blobs.Put(AsBytes("abc"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  EXPECT_TRUE(blobs.Has(*h));
  EXPECT_EQ(ToString(*blobs.Get(*h)), "abc");
  EXPECT_EQ(*blobs.Put(AsBytes("abc")), *h);  // idempotent
  EXPECT_EQ(blobs.Get(std::string(64, '0')).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(blobs.Get("../../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  // Flip a byte on disk: reported as damage, not served.
  std::string path = dir.path() + "/66/c7/" + *h;
  { std::ofstream(path, std::ios::binary) << "abd"; }
  EXPECT_EQ(blobs.Get(*h).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hetong::store
