#include "crypto/sm2_key_exchange.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/internal/sm2_kex.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

using hetong::testing::Hex;
using hetong::testing::LoadJson;

Bytes Point(const nlohmann::json& p) { return Concat(Bytes{0x04}, Hex(p["x"]), Hex(p["y"])); }

TEST(Sm2KeyExchangeTest, StandardKnownAnswer) {
  auto j = LoadJson("vectors/sm2_keyexchange.json");
  const auto& v = j["vectors"][0];
  const auto& c = v["curve_params"];
  std::string p = c["p"], a = c["a"], b = c["b"], gx = c["gx"], gy = c["gy"], n = c["n"];
  auto curve = *internal::Sm2Curve::FromParams({p, a, b, gx, gy, n});
  BnPtr da = BnFromBytes(Hex(v["d_a"])), db = BnFromBytes(Hex(v["d_b"]));
  BnPtr ra = BnFromBytes(Hex(v["r_a"])), rb = BnFromBytes(Hex(v["r_b"]));
  auto pa = curve->DecodePoint(Point(v["P_a"]));
  auto pb = curve->DecodePoint(Point(v["P_b"]));
  auto Ra = curve->DecodePoint(Point(v["R_a"]));
  auto Rb = curve->DecodePoint(Point(v["R_b"]));
  ASSERT_TRUE(pa.ok() && pb.ok() && Ra.ok() && Rb.ok());
  Bytes za = curve->ZValue(AsBytes(v["id_a_ascii"].get<std::string>()), pa->get());
  Bytes zb = curve->ZValue(AsBytes(v["id_b_ascii"].get<std::string>()), pb->get());
  EXPECT_EQ(base::HexEncode(za), v["z_a"]);
  EXPECT_EQ(base::HexEncode(zb), v["z_b"]);
  size_t klen = v["klen_bits"].is_string() ? std::stoul(v["klen_bits"].get<std::string>()) / 8
                                           : v["klen_bits"].get<size_t>() / 8;
  auto b_side = internal::Sm2KexDerive(*curve, false, db.get(), rb.get(), Rb->get(), pa->get(),
                                       Ra->get(), za, zb, klen);
  auto a_side = internal::Sm2KexDerive(*curve, true, da.get(), ra.get(), Ra->get(), pb->get(),
                                       Rb->get(), za, zb, klen);
  ASSERT_TRUE(a_side.ok() && b_side.ok());
  EXPECT_EQ(base::HexEncode(a_side->key.Reveal(SecretAccess::Unsafe())), v["K"]);
  EXPECT_EQ(base::HexEncode(b_side->key.Reveal(SecretAccess::Unsafe())), v["K"]);
  EXPECT_EQ(base::HexEncode(b_side->s02), v["S_B"]);
  EXPECT_EQ(base::HexEncode(a_side->s03), v["S_A"]);
}

TEST(Sm2KeyExchangeTest, FullProtocolAgreesAndConfirms) {
  auto alice = PrivateKey::Generate(KeySpec::kSm2);
  auto bob = PrivateKey::Generate(KeySpec::kSm2);
  for (int i = 0; i < 20; ++i) {
    auto a = Sm2KeyExchange::Create(Sm2KeyExchange::Role::kInitiator, *alice, "alice@hetong",
                                    bob->public_key(), "bob@hetong");
    auto b = Sm2KeyExchange::Create(Sm2KeyExchange::Role::kResponder, *bob, "bob@hetong",
                                    alice->public_key(), "alice@hetong");
    ASSERT_TRUE(a.ok() && b.ok());
    auto kb = (*b)->Respond((*a)->ephemeral_public(), 16);
    ASSERT_TRUE(kb.ok());
    auto ka = (*a)->Complete((*b)->ephemeral_public(), kb->confirmation, 16);
    ASSERT_TRUE(ka.ok()) << ka.status();
    EXPECT_TRUE(ka->key.Equals(kb->key));
    EXPECT_TRUE((*b)->ConfirmPeer(ka->confirmation).ok());
  }
}

TEST(Sm2KeyExchangeTest, MismatchesAreDetected) {
  auto alice = PrivateKey::Generate(KeySpec::kSm2);
  auto bob = PrivateKey::Generate(KeySpec::kSm2);
  auto a = *Sm2KeyExchange::Create(Sm2KeyExchange::Role::kInitiator, *alice, "alice",
                                   bob->public_key(), "bob");
  // Bob believes he talks to someone with another ID: confirmations fail.
  auto b = *Sm2KeyExchange::Create(Sm2KeyExchange::Role::kResponder, *bob, "bob",
                                   alice->public_key(), "mallory");
  auto kb = b->Respond(a->ephemeral_public(), 16);
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ(a->Complete(b->ephemeral_public(), kb->confirmation, 16).status().code(),
            StatusCode::kUnauthenticated);
  // A point off the curve is refused.
  Bytes bad = a->ephemeral_public();
  bad[40] ^= 1;
  auto b2 = *Sm2KeyExchange::Create(Sm2KeyExchange::Role::kResponder, *bob, "bob",
                                    alice->public_key(), "alice");
  EXPECT_FALSE(b2->Respond(bad, 16).ok());
  EXPECT_FALSE(b2->ConfirmPeer(Bytes(32)).ok());
}

}  // namespace
}  // namespace hetong::crypto
