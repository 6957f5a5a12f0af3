#include "base/config.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace hetong::base {
namespace {

TEST(ConfigTest, ParsesSectionsCommentsAndQuotes) {
  auto cfg = Config::Parse(
      "# top\nmode = demo\n[server]\nlisten = 127.0.0.1:8080  # trailing comment\n"
      "; other comment\nname = \"  spaced # kept \"\n[tsa]\naccuracy_ms = 500\nstrict = yes\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->GetOr("mode", ""), "demo");
  EXPECT_EQ(cfg->GetOr("server.listen", ""), "127.0.0.1:8080");
  EXPECT_EQ(cfg->GetOr("server.name", ""), "  spaced # kept ");
  EXPECT_EQ(*cfg->GetInt("tsa.accuracy_ms", 0), 500);
  EXPECT_EQ(*cfg->GetInt("tsa.missing", 42), 42);
  EXPECT_TRUE(*cfg->GetBool("tsa.strict", false));
  EXPECT_FALSE(cfg->Get("nope").has_value());
}

TEST(ConfigTest, TypedGettersValidate) {
  auto cfg = Config::Parse("[a]\nn = 12x\nb = maybe\n");
  ASSERT_TRUE(cfg.ok());
  EXPECT_FALSE(cfg->GetInt("a.n", 0).ok());
  EXPECT_FALSE(cfg->GetBool("a.b", false).ok());
}

TEST(ConfigTest, RejectsMalformedLinesWithLineNumber) {
  auto bad = Config::Parse("[ok]\nkey value\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(Config::Parse("[broken\n").ok());
  EXPECT_FALSE(Config::Parse("k = \"open\n").ok());
  EXPECT_FALSE(Config::Parse("b@d = 1\n").ok());
}

TEST(ConfigTest, SaveAndLoadRoundTrip) {
  testing::TempDir dir;
  Config cfg;
  cfg.Set("server.listen", "127.0.0.1:9");
  cfg.Set("instance.name", " odd # name");
  cfg.Set("top", "1");
  ASSERT_TRUE(cfg.Save(dir.File("hetong.conf")).ok());
  auto back = Config::Load(dir.File("hetong.conf"));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->values(), cfg.values());
  EXPECT_EQ(Config::Load(dir.File("missing.conf")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace hetong::base
