#include "crypto/drbg.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <set>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace hetong::crypto {
namespace {

// OpenSSL's HASH-DRBG with digest SM3, fed fixed entropy and nonce through TEST-RAND.
Bytes OpensslHashDrbg(const Bytes& entropy, const Bytes& nonce, const Bytes& pers,
                      const Bytes& adin, size_t out_len, int generates) {
  EVP_RAND* test_rand = EVP_RAND_fetch(nullptr, "TEST-RAND", nullptr);
  EVP_RAND_CTX* parent = EVP_RAND_CTX_new(test_rand, nullptr);
  unsigned int strength = 256;
  OSSL_PARAM pp[] = {
      OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength),
      OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY,
                                        const_cast<uint8_t*>(entropy.data()), entropy.size()),
      OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_NONCE,
                                        const_cast<uint8_t*>(nonce.data()), nonce.size()),
      OSSL_PARAM_construct_end()};
  HETONG_CHECK(EVP_RAND_CTX_set_params(parent, pp) == 1);
  HETONG_CHECK(EVP_RAND_instantiate(parent, 256, 0, nullptr, 0, nullptr) == 1);
  EVP_RAND* hd = EVP_RAND_fetch(nullptr, "HASH-DRBG", nullptr);
  EVP_RAND_CTX* drbg = EVP_RAND_CTX_new(hd, parent);
  OSSL_PARAM dp[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_DIGEST, const_cast<char*>("SM3"), 0),
      OSSL_PARAM_construct_end()};
  HETONG_CHECK(EVP_RAND_CTX_set_params(drbg, dp) == 1);
  HETONG_CHECK(EVP_RAND_instantiate(drbg, 256, 0, pers.data(), pers.size(), nullptr) == 1);
  Bytes out(out_len);
  for (int i = 0; i < generates; ++i) {
    HETONG_CHECK(
        EVP_RAND_generate(drbg, out.data(), out.size(), 256, 0, adin.data(), adin.size()) == 1);
  }
  EVP_RAND_CTX_free(drbg);
  EVP_RAND_free(hd);
  EVP_RAND_CTX_free(parent);
  EVP_RAND_free(test_rand);
  return out;
}

Bytes Ours(const Bytes& entropy, const Bytes& nonce, const Bytes& pers, const Bytes& adin,
           size_t out_len, int generates) {
  auto d = HashDrbgSm3::Instantiate(SecretBytes::Copy(entropy), nonce, pers);
  HETONG_CHECK(d.ok());
  Bytes out(out_len);
  for (int i = 0; i < generates; ++i) HETONG_CHECK(d->Generate(out, adin).ok());
  return out;
}

TEST(HashDrbgSm3Test, MatchesOpenssl) {
  Bytes entropy(32), nonce(16), pers = ToBytes("hetong personalisation");
  for (size_t i = 0; i < 32; ++i) entropy[i] = static_cast<uint8_t>(i * 3 + 1);
  for (size_t i = 0; i < 16; ++i) nonce[i] = static_cast<uint8_t>(0xa0 + i);
  for (size_t len : {1, 32, 33, 64, 1000}) {
    for (int gens : {1, 2, 5}) {
      EXPECT_EQ(Ours(entropy, nonce, pers, {}, len, gens),
                OpensslHashDrbg(entropy, nonce, pers, {}, len, gens))
          << len << " " << gens;
      Bytes adin = ToBytes("additional input");
      EXPECT_EQ(Ours(entropy, nonce, pers, adin, len, gens),
                OpensslHashDrbg(entropy, nonce, pers, adin, len, gens));
    }
  }
}

TEST(HashDrbgSm3Test, ReseedChangesOutputAndLimitsApply) {
  Bytes nonce(16, 1);
  auto d = HashDrbgSm3::Instantiate(SecretBytes(32), nonce);
  ASSERT_TRUE(d.ok());
  auto e = HashDrbgSm3::Instantiate(SecretBytes(32), nonce);
  Bytes a(32), b(32);
  ASSERT_TRUE(d->Generate(a).ok());
  ASSERT_TRUE(e->Reseed(SecretBytes::Copy(Bytes(32, 9))).ok());
  ASSERT_TRUE(e->Generate(b).ok());
  EXPECT_NE(a, b);
  EXPECT_FALSE(HashDrbgSm3::Instantiate(SecretBytes(31), nonce).ok());
  EXPECT_FALSE(HashDrbgSm3::Instantiate(SecretBytes(32), Bytes(15)).ok());
  Bytes big(HashDrbgSm3::kMaxRequest + 1);
  EXPECT_FALSE(d->Generate(big).ok());
  d->set_reseed_counter_for_testing(HashDrbgSm3::kReseedInterval + 1);
  EXPECT_EQ(d->Generate(a).code(), StatusCode::kFailedPrecondition);
}

TEST(EntropyTest, CombinesClientAndServerPerReport) {
  SecretBytes server = SecretBytes::Copy(Bytes(256, 0x5a));
  auto e = CombineEntropy(AsBytes("gyro=1,2,3;accel=4,5,6;time=1795708450123"), server);
  ASSERT_TRUE(e.ok());
  Bytes c = Sm3(AsBytes("gyro=1,2,3;accel=4,5,6;time=1795708450123"));
  Bytes s = Sm3(Bytes(256, 0x5a));
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(e->Reveal(SecretAccess::Unsafe())[i], c[i] ^ s[i]);
  EXPECT_FALSE(CombineEntropy(AsBytes("x"), SecretBytes::Copy(Bytes(255, 1))).ok());
}

TEST(Sm3DrbgRngTest, ProducesDistinctOutputAcrossReseeds) {
  auto rng = Sm3DrbgRng::Create(DefaultRng(), 3);
  ASSERT_TRUE(rng.ok());
  std::set<Bytes> seen;
  for (int i = 0; i < 20; ++i) {
    Bytes out(32);
    ASSERT_TRUE((*rng)->Generate(out).ok());
    EXPECT_TRUE(seen.insert(out).second);
  }
  Bytes large(200000);
  EXPECT_TRUE((*rng)->Generate(large).ok());
}

}  // namespace
}  // namespace hetong::crypto
