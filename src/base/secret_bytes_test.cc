#include "base/secret_bytes.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <type_traits>

#include "base/bytes.h"

namespace hetong {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& os, const T& t) {
  os << t;
};

// The redaction rule, checked by the compiler: a secret can be neither formatted, streamed,
// copied implicitly nor turned into a span without Reveal().
static_assert(!fmt::is_formattable<SecretBytes>::value);
static_assert(!Streamable<SecretBytes>);
static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(!std::is_convertible_v<SecretBytes, std::span<const uint8_t>>);
static_assert(!std::is_convertible_v<SecretBytes, std::string_view>);

TEST(SecretBytesTest, CopyRevealAndCompare) {
  SecretBytes a = SecretBytes::Copy(std::string_view("correct horse"));
  EXPECT_EQ(a.size(), 13u);
  EXPECT_EQ(a.RevealString(SecretAccess::Unsafe()), "correct horse");
  SecretBytes b = a.Clone();
  EXPECT_TRUE(a.Equals(b));
  b.RevealMutable(SecretAccess::Unsafe())[0] ^= 1;
  EXPECT_FALSE(a.Equals(b));
  EXPECT_FALSE(a.Equals(SecretBytes::Copy(std::string_view("correct"))));
}

TEST(SecretBytesTest, MoveEmptiesSource) {
  SecretBytes a = SecretBytes::Copy(std::string_view("key"));
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(a.empty());
  b.Clear();
  EXPECT_TRUE(b.empty());
}

TEST(SecretBytesTest, ZeroInitialised) {
  SecretBytes z(32);
  for (uint8_t v : z.Reveal(SecretAccess::Unsafe())) EXPECT_EQ(v, 0);
}

TEST(SecretBytesTest, WipeClearsMemory) {
  uint8_t buf[16];
  for (auto& c : buf) c = 0xaa;
  SecureWipe(buf);
  for (uint8_t c : buf) EXPECT_EQ(c, 0);
}

TEST(ConstantTimeEqualsTest, Basics) {
  EXPECT_TRUE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abc")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("abd")));
  EXPECT_FALSE(ConstantTimeEquals(AsBytes("abc"), AsBytes("ab")));
  EXPECT_TRUE(ConstantTimeEquals(ByteView(), ByteView()));
}

}  // namespace
}  // namespace hetong
