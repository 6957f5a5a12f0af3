// The key center: the only place where private keys of the platform (CA keys, OCSP and TSA
// responder keys; later the escrowed keys of users) are generated and used.
//
// Keys are generated inside a CryptoDevice (the software device now; a PKCS#11/SDF HSM
// implements the same interface later), stored by the KeyRepository only in wrapped form
// (key_wrap.h), and used through `crypto::Signer`s that never expose the key. Loaded keys
// are cached in memory so that signing carries no per-request unwrapping cost.
//
// Thread-safety: KeyCenter is safe for concurrent use; repositories and devices must be too.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "crypto/signature.h"

namespace hetong::keycenter {

struct KeyRecord {
  std::string id;                 // "key-" + 32 hex digits
  std::string label;              // e.g. "ca/sm2-root"
  std::string algorithm;          // KeySpec name: sm2, rsa3072, ...
  Bytes public_key_der;           // SubjectPublicKeyInfo
  Bytes wrapped;                  // wrapped PKCS#8 (key_wrap.h) or a device reference
  std::string owner;              // "platform" or an account id (later issues)
  std::string status = "active";  // active | retired | destroyed
  base::TimePoint created_at{};
};

// Persistence of key records (implemented in store/).
class KeyRepository {
 public:
  virtual ~KeyRepository() = default;
  virtual Status Insert(const KeyRecord& record) = 0;
  virtual StatusOr<KeyRecord> Get(const std::string& id) = 0;
  virtual Status SetStatus(const std::string& id, const std::string& status) = 0;
  virtual StatusOr<std::vector<KeyRecord>> ListByOwner(const std::string& owner) = 0;
};

// Where keys are generated and used.
class CryptoDevice {
 public:
  virtual ~CryptoDevice() = default;
  // Generates a key; returns the public key and the device's opaque storage blob for it.
  virtual StatusOr<std::pair<crypto::PublicKey, Bytes>> Generate(crypto::KeySpec spec,
                                                                 const std::string& key_id) = 0;
  // Imports an existing private key (e.g. a CA key being migrated); returns the blob.
  virtual StatusOr<Bytes> Import(const crypto::PrivateKey& key, const std::string& key_id) = 0;
  // A signer for the key stored as `blob`.
  virtual StatusOr<std::unique_ptr<crypto::Signer>> Load(const std::string& key_id, ByteView blob,
                                                         crypto::SignatureAlgorithm alg) = 0;
  // Opens a digital envelope (crypto/envelope.h) addressed to the key stored as `blob`.
  virtual StatusOr<SecretBytes> OpenEnvelope(const std::string& key_id, ByteView blob,
                                             ByteView envelope) = 0;
  virtual std::string name() const = 0;
};

// Keys generated in process memory and stored wrapped under the instance master key.
class SoftwareDevice final : public CryptoDevice {
 public:
  SoftwareDevice(SecretBytes master_key, Rng& rng)
      : master_key_(std::move(master_key)), rng_(rng) {}
  StatusOr<std::pair<crypto::PublicKey, Bytes>> Generate(crypto::KeySpec spec,
                                                         const std::string& key_id) override;
  StatusOr<Bytes> Import(const crypto::PrivateKey& key, const std::string& key_id) override;
  StatusOr<std::unique_ptr<crypto::Signer>> Load(const std::string& key_id, ByteView blob,
                                                 crypto::SignatureAlgorithm alg) override;
  StatusOr<SecretBytes> OpenEnvelope(const std::string& key_id, ByteView blob,
                                     ByteView envelope) override;
  std::string name() const override { return "software"; }

 private:
  SecretBytes master_key_;
  Rng& rng_;
};

// Signature activation (the SAM idea of EN 419 241-1): a key owned by a person or an
// organisation signs only after its gate has checked, and consumed, a proof that the owner
// wants this very message signed now (identity/intent.h: a fresh signing-intent token for a
// person's key; a grant holder's verified signature for an organisation's key).
class ActivationGate {
 public:
  virtual ~ActivationGate() = default;
  virtual Status Activate(const KeyRecord& key, ByteView message, const std::string& proof) = 0;
};

class KeyCenter {
 public:
  KeyCenter(CryptoDevice& device, KeyRepository& repository, const base::Clock& clock, Rng& rng)
      : device_(device), repo_(repository), clock_(clock), rng_(rng) {}

  StatusOr<KeyRecord> GenerateKey(crypto::KeySpec spec, const std::string& label,
                                  const std::string& owner);
  StatusOr<KeyRecord> ImportKey(const crypto::PrivateKey& key, const std::string& label,
                                const std::string& owner);
  StatusOr<KeyRecord> GetKey(const std::string& id);
  StatusOr<crypto::PublicKey> PublicKeyOf(const std::string& id);
  // A shared signer for an active platform key (owner "platform"), with the key type's
  // default algorithm (SM2: default ID). Keys of persons and organisations are refused: they
  // sign only through SignActivated.
  StatusOr<std::shared_ptr<const crypto::Signer>> SignerFor(const std::string& id);
  // Signs `message` with an active key of a person or organisation once `gate` has accepted
  // `proof` for it. Returns the signature (DER for SM2/ECDSA).
  StatusOr<Bytes> SignActivated(const std::string& id, ByteView message, const std::string& proof,
                                ActivationGate& gate);
  Status Retire(const std::string& id);
  // Opens an envelope addressed to an active platform key (the platform's encryption key);
  // the plaintext stays secret.
  StatusOr<SecretBytes> OpenEnvelope(const std::string& id, ByteView envelope);

 private:
  StatusOr<std::string> NewKeyId();
  StatusOr<std::shared_ptr<const crypto::Signer>> LoadSigner(const KeyRecord& r);
  CryptoDevice& device_;
  KeyRepository& repo_;
  const base::Clock& clock_;
  Rng& rng_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const crypto::Signer>> signers_;
};

}  // namespace hetong::keycenter
