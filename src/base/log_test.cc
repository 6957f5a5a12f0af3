#include "base/log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/secret_bytes.h"
#include "testing/testing.h"

namespace hetong::base {
namespace {

// Secret types are not formattable (compile-time redaction rule).
static_assert(!fmt::is_formattable<SecretBytes>::value);
static_assert(fmt::is_formattable<Redacted>::value);

TEST(LogTest, JsonLinesAreValidJsonAndRedact) {
  testing::TempDir dir;
  LogOptions opts;
  opts.json = true;
  opts.file = dir.File("log.jsonl");
  ASSERT_TRUE(InitLogging(opts).ok());
  spdlog::info("login for \"{}\" token={}", "张三\n", Redacted("s3cr3t-canary"));
  spdlog::default_logger()->flush();
  std::ifstream in(opts.file);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "login for \"张三\n\" token=[redacted]");
  EXPECT_EQ(line.find("s3cr3t-canary"), std::string::npos);
  ASSERT_TRUE(InitLogging(LogOptions{}).ok());
}

TEST(LogTest, RejectsUnknownLevel) {
  LogOptions opts;
  opts.level = "chatty";
  EXPECT_FALSE(InitLogging(opts).ok());
}

}  // namespace
}  // namespace hetong::base
