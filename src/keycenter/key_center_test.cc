#include "keycenter/key_center.h"

#include <gtest/gtest.h>

#include <map>

#include "crypto/random.h"
#include "keycenter/key_wrap.h"

namespace hetong::keycenter {
namespace {

class MemoryKeyRepository : public KeyRepository {
 public:
  Status Insert(const KeyRecord& r) override {
    if (!records.emplace(r.id, r).second) return AlreadyExistsError("duplicate key id");
    return OkStatus();
  }
  StatusOr<KeyRecord> Get(const std::string& id) override {
    auto it = records.find(id);
    if (it == records.end()) return NotFoundError("no key " + id);
    return it->second;
  }
  Status SetStatus(const std::string& id, const std::string& status) override {
    auto it = records.find(id);
    if (it == records.end()) return NotFoundError("no key " + id);
    it->second.status = status;
    return OkStatus();
  }
  StatusOr<std::vector<KeyRecord>> ListByOwner(const std::string& owner) override {
    std::vector<KeyRecord> out;
    for (const auto& [id, r] : records) {
      if (r.owner == owner) out.push_back(r);
    }
    return out;
  }
  std::map<std::string, KeyRecord> records;
};

TEST(KeyWrapTest, BindsKeyIdAndDetectsTampering) {
  SecretBytes kek = *crypto::RandomSecret(crypto::DefaultRng(), 32);
  SecretBytes secret = SecretBytes::Copy(std::string_view("pkcs8 bytes"));
  auto w = WrapSecret(kek, "key-1", secret, crypto::DefaultRng());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(ToString(ByteView(*w).first(4)), "HWK1");
  EXPECT_TRUE(UnwrapSecret(kek, "key-1", *w)->Equals(secret));
  EXPECT_EQ(UnwrapSecret(kek, "key-2", *w).status().code(), StatusCode::kDataLoss);
  SecretBytes other = *crypto::RandomSecret(crypto::DefaultRng(), 32);
  EXPECT_EQ(UnwrapSecret(other, "key-1", *w).status().code(), StatusCode::kDataLoss);
  Bytes bad = *w;
  bad.back() ^= 1;
  EXPECT_FALSE(UnwrapSecret(kek, "key-1", bad).ok());
  EXPECT_FALSE(UnwrapSecret(kek, "key-1", Bytes(10)).ok());
}

TEST(KeyCenterTest, GenerateStoreWrappedAndSign) {
  MemoryKeyRepository repo;
  SoftwareDevice device(*crypto::RandomSecret(crypto::DefaultRng(), 32), crypto::DefaultRng());
  base::FakeClock clock(base::FromUnixSeconds(1795708450));
  KeyCenter kc(device, repo, clock, crypto::DefaultRng());
  for (auto spec : {crypto::KeySpec::kSm2, crypto::KeySpec::kRsa2048}) {
    auto rec = kc.GenerateKey(spec, "test", "platform");
    ASSERT_TRUE(rec.ok()) << rec.status();
    EXPECT_EQ(rec->id.size(), 36u);
    // The stored blob is not the key in the clear.
    EXPECT_EQ(ToString(ByteView(rec->wrapped).first(4)), "HWK1");
    auto signer = kc.SignerFor(rec->id);
    ASSERT_TRUE(signer.ok());
    auto again = kc.SignerFor(rec->id);
    EXPECT_EQ(signer->get(), again->get());  // cached
    Bytes sig = *(*signer)->Sign(AsBytes("tbs"));
    auto pub = kc.PublicKeyOf(rec->id);
    EXPECT_TRUE(crypto::VerifySignature(*pub, (*signer)->algorithm(), AsBytes("tbs"), sig).ok());
    ASSERT_TRUE(kc.Retire(rec->id).ok());
    EXPECT_EQ(kc.SignerFor(rec->id).status().code(), StatusCode::kFailedPrecondition);
  }
  // A key record whose blob was swapped for another key's cannot be used.
  auto a = *kc.GenerateKey(crypto::KeySpec::kSm2, "a", "platform");
  auto b = *kc.GenerateKey(crypto::KeySpec::kSm2, "b", "platform");
  repo.records[a.id].wrapped = repo.records[b.id].wrapped;
  EXPECT_EQ(kc.SignerFor(a.id).status().code(), StatusCode::kDataLoss);
}

// A gate that accepts one proof, once, for one message.
class OnceGate final : public ActivationGate {
 public:
  Status Activate(const KeyRecord& key, ByteView message, const std::string& proof) override {
    calls++;
    if (used || proof != "proof-for-" + key.owner || ToString(message) != "contract") {
      return PermissionDeniedError("no fresh signing intent");
    }
    used = true;
    return OkStatus();
  }
  int calls = 0;
  bool used = false;
};

TEST(KeyCenterTest, AccountKeysSignOnlyThroughTheirGate) {
  MemoryKeyRepository repo;
  SoftwareDevice device(*crypto::RandomSecret(crypto::DefaultRng(), 32), crypto::DefaultRng());
  base::FakeClock clock(base::FromUnixSeconds(1795708450));
  KeyCenter kc(device, repo, clock, crypto::DefaultRng());
  auto rec = *kc.GenerateKey(crypto::KeySpec::kSm2, "account/psn-1", "psn-1");
  // No plain signer for an account's key.
  EXPECT_EQ(kc.SignerFor(rec.id).status().code(), StatusCode::kPermissionDenied);
  OnceGate gate;
  EXPECT_EQ(kc.SignActivated(rec.id, AsBytes("contract"), "proof-for-psn-2", gate).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(kc.SignActivated(rec.id, AsBytes("other"), "proof-for-psn-1", gate).status().code(),
            StatusCode::kPermissionDenied);
  auto sig = kc.SignActivated(rec.id, AsBytes("contract"), "proof-for-psn-1", gate);
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_TRUE(crypto::VerifySignature(*kc.PublicKeyOf(rec.id), crypto::SignatureAlgorithm::kSm2Sm3,
                                      AsBytes("contract"), *sig)
                  .ok());
  // The proof is spent.
  EXPECT_FALSE(kc.SignActivated(rec.id, AsBytes("contract"), "proof-for-psn-1", gate).ok());
  // Platform keys do not take this path; retired keys do not reach the gate.
  auto platform = *kc.GenerateKey(crypto::KeySpec::kSm2, "ca/x", "platform");
  EXPECT_EQ(kc.SignActivated(platform.id, AsBytes("contract"), "", gate).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(kc.Retire(rec.id).ok());
  int before = gate.calls;
  EXPECT_EQ(kc.SignActivated(rec.id, AsBytes("contract"), "proof-for-psn-1", gate).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(gate.calls, before);
}

}  // namespace
}  // namespace hetong::keycenter
