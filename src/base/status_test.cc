#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>

namespace hetong {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgumentError("odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  HETONG_ASSIGN_OR_RETURN(int h, Half(x));
  HETONG_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  HETONG_RETURN_IF_ERROR(Half(x).status());
  return OkStatus();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(OkStatus().ok());
  EXPECT_EQ(OkStatus().ToString(), "OK");
  Status s = NotFoundError("no such contract");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no such contract");
  EXPECT_EQ(s.WithContext("loading").message(), "loading: no such contract");
  EXPECT_TRUE(OkStatus().WithContext("x").ok());
  // An OK code drops any message.
  EXPECT_EQ(Status(StatusCode::kOk, "ignored").message(), "");
}

TEST(StatusTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusTest, StatusOrHoldsMoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> v = std::make_unique<int>(7);
  ASSERT_TRUE(v.ok());
  std::unique_ptr<int> p = std::move(v).value();
  EXPECT_EQ(*p, 7);
  StatusOr<std::unique_ptr<int>> e = InternalError("x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "x");
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  StatusOr<int> e = InternalError("boom");
  EXPECT_DEATH((void)e.value(), "internal check failed");
}

}  // namespace
}  // namespace hetong
