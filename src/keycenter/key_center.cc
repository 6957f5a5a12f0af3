#include "keycenter/key_center.h"

#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "crypto/envelope.h"
#include "crypto/random.h"
#include "keycenter/key_wrap.h"

namespace hetong::keycenter {

StatusOr<std::pair<crypto::PublicKey, Bytes>> SoftwareDevice::Generate(crypto::KeySpec spec,
                                                                       const std::string& key_id) {
  HETONG_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(spec));
  HETONG_ASSIGN_OR_RETURN(Bytes blob, Import(key, key_id));
  return std::make_pair(key.public_key(), std::move(blob));
}

StatusOr<Bytes> SoftwareDevice::Import(const crypto::PrivateKey& key, const std::string& key_id) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes pkcs8, key.ToPkcs8Der());
  return WrapSecret(master_key_, key_id, pkcs8, rng_);
}

StatusOr<std::unique_ptr<crypto::Signer>> SoftwareDevice::Load(const std::string& key_id,
                                                               ByteView blob,
                                                               crypto::SignatureAlgorithm alg) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes pkcs8, UnwrapSecret(master_key_, key_id, blob));
  HETONG_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                          crypto::PrivateKey::FromPkcs8Der(pkcs8.Reveal(SecretAccess::Unsafe())));
  return crypto::NewSigner(key, alg);
}

StatusOr<SecretBytes> SoftwareDevice::OpenEnvelope(const std::string& key_id, ByteView blob,
                                                   ByteView envelope) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes pkcs8, UnwrapSecret(master_key_, key_id, blob));
  HETONG_ASSIGN_OR_RETURN(crypto::PrivateKey key,
                          crypto::PrivateKey::FromPkcs8Der(pkcs8.Reveal(SecretAccess::Unsafe())));
  return crypto::OpenEnvelope(key, envelope);
}

StatusOr<SecretBytes> KeyCenter::OpenEnvelope(const std::string& id, ByteView envelope) {
  HETONG_ASSIGN_OR_RETURN(KeyRecord r, repo_.Get(id));
  if (r.owner != "platform") return PermissionDeniedError("only platform keys open envelopes");
  if (r.status != "active")
    return FailedPreconditionError("key " + id + " is " + r.status + ", not active");
  return device_.OpenEnvelope(id, r.wrapped, envelope);
}

StatusOr<std::string> KeyCenter::NewKeyId() {
  HETONG_ASSIGN_OR_RETURN(Bytes id, crypto::RandomBytes(rng_, 16));
  return "key-" + base::HexEncode(id);
}

StatusOr<KeyRecord> KeyCenter::GenerateKey(crypto::KeySpec spec, const std::string& label,
                                           const std::string& owner) {
  HETONG_ASSIGN_OR_RETURN(std::string id, NewKeyId());
  HETONG_ASSIGN_OR_RETURN(auto generated, device_.Generate(spec, id));
  KeyRecord r;
  r.id = id;
  r.label = label;
  r.algorithm = std::string(crypto::KeySpecName(spec));
  r.public_key_der = generated.first.ToSpkiDer();
  r.wrapped = std::move(generated.second);
  r.owner = owner;
  r.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.Insert(r));
  spdlog::info("key center: generated {} key {} ({}) fingerprint {}", r.algorithm, r.id, label,
               generated.first.Fingerprint());
  return r;
}

StatusOr<KeyRecord> KeyCenter::ImportKey(const crypto::PrivateKey& key, const std::string& label,
                                         const std::string& owner) {
  HETONG_ASSIGN_OR_RETURN(std::string id, NewKeyId());
  HETONG_ASSIGN_OR_RETURN(Bytes blob, device_.Import(key, id));
  KeyRecord r;
  r.id = id;
  r.label = label;
  r.algorithm = std::string(crypto::KeyTypeName(key.type()));
  r.public_key_der = key.public_key().ToSpkiDer();
  r.wrapped = std::move(blob);
  r.owner = owner;
  r.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.Insert(r));
  return r;
}

StatusOr<KeyRecord> KeyCenter::GetKey(const std::string& id) { return repo_.Get(id); }

StatusOr<crypto::PublicKey> KeyCenter::PublicKeyOf(const std::string& id) {
  HETONG_ASSIGN_OR_RETURN(KeyRecord r, repo_.Get(id));
  return crypto::PublicKey::FromSpkiDer(r.public_key_der);
}

StatusOr<std::shared_ptr<const crypto::Signer>> KeyCenter::SignerFor(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = signers_.find(id);
    if (it != signers_.end()) return it->second;
  }
  HETONG_ASSIGN_OR_RETURN(KeyRecord r, repo_.Get(id));
  if (r.owner != "platform") {
    return PermissionDeniedError("key " + id +
                                 " belongs to an account: it signs only with its owner's "
                                 "activation (signing intent)");
  }
  return LoadSigner(r);
}

StatusOr<std::shared_ptr<const crypto::Signer>> KeyCenter::LoadSigner(const KeyRecord& r) {
  if (r.status != "active")
    return FailedPreconditionError("key " + r.id + " is " + r.status + ", not active");
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromSpkiDer(r.public_key_der));
  HETONG_ASSIGN_OR_RETURN(
      std::unique_ptr<crypto::Signer> signer,
      device_.Load(r.id, r.wrapped, crypto::DefaultSignatureAlgorithm(pub.type())));
  if (!signer->public_key().Equals(pub)) {
    return DataLossError("key " + r.id + ": the stored key does not match its public key");
  }
  std::shared_ptr<const crypto::Signer> shared(std::move(signer));
  // Only platform keys are cached: an account's key is unwrapped for each activated use.
  if (r.owner == "platform") {
    std::lock_guard<std::mutex> lock(mu_);
    signers_.emplace(r.id, shared);
  }
  return shared;
}

StatusOr<Bytes> KeyCenter::SignActivated(const std::string& id, ByteView message,
                                         const std::string& proof, ActivationGate& gate) {
  HETONG_ASSIGN_OR_RETURN(KeyRecord r, repo_.Get(id));
  if (r.owner == "platform") {
    return InvalidArgumentError("platform keys are not activated by their owners");
  }
  if (r.status != "active")
    return FailedPreconditionError("key " + r.id + " is " + r.status + ", not active");
  HETONG_RETURN_IF_ERROR(gate.Activate(r, message, proof));
  HETONG_ASSIGN_OR_RETURN(auto signer, LoadSigner(r));
  return signer->Sign(message);
}

Status KeyCenter::Retire(const std::string& id) {
  HETONG_RETURN_IF_ERROR(repo_.SetStatus(id, "retired"));
  std::lock_guard<std::mutex> lock(mu_);
  signers_.erase(id);
  return OkStatus();
}

}  // namespace hetong::keycenter
