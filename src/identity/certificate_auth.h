// Authentication by certificate: a person proves control of a key certified by an external CA
// that the operator trusts (imported with `hetong ca import-anchor`), by signing a fresh server
// challenge — unilateral entity authentication in the manner of GB/T 15843.3 (ISO/IEC
// 9798-3): the claimant signs the verifier's random number together with the verifier's
// identifier, so that a response is good once, for this instance only.
//
//   challenge: id, nonce (32 random bytes, base64url), valid 5 minutes, used once
//   signed:    "hetong-challenge:" ‖ nonce ‖ ":" ‖ instance id     (ASCII)
//   algorithm: by the certificate's key: SM2 with SM3 and the default ID, ECDSA or RSA
//              PKCS#1 v1.5 with SHA-256
//
// The `certificate` verification provider uses it to verify a person (the certificate's
// common name must be the account's name) and remembers the certificate's fingerprint, after
// which POST /api/v1/auth/login can take a signed challenge instead of a password.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "identity/service.h"
#include "pki/certificate.h"

namespace hetong::identity {

struct Challenge {
  std::string id;
  std::string nonce;  // base64url
  std::string to_sign;
  base::TimePoint expires_at{};
};

class CertificateAuthenticator {
 public:
  using Anchors = std::function<std::vector<pki::Certificate>()>;
  CertificateAuthenticator(IdentityService& identity, IdentityRepository& repo, Anchors anchors,
                           std::string verifier_id, const base::Clock& clock, Rng& rng);

  StatusOr<Challenge> NewChallenge();
  // Spends the challenge (given back with its nonce), validates `chain_pem` (the certificate
  // first) to an external anchor now, and checks the signature. Returns the certificate.
  StatusOr<pki::Certificate> Check(const std::string& challenge_id, const std::string& nonce,
                                   const std::string& chain_pem, const std::string& signature_b64);
  // A session for the person whose login certificate this is.
  StatusOr<LoginResult> Login(const std::string& challenge_id, const std::string& nonce,
                              const std::string& chain_pem, const std::string& signature_b64);
  static std::string Fingerprint(const pki::Certificate& cert);

 private:
  IdentityService& identity_;
  IdentityRepository& repo_;
  Anchors anchors_;
  std::string verifier_id_;
  const base::Clock& clock_;
  Rng& rng_;
};

// The `certificate` verification provider: material challenge_id, nonce, certificate (PEM
// chain), signature (base64).
class CertificateProvider final : public VerificationProvider {
 public:
  explicit CertificateProvider(CertificateAuthenticator& auth) : auth_(auth) {}
  std::string name() const override { return "certificate"; }
  StatusOr<Outcome> Check(const Account& account, const SecretBytes& id_number,
                          const std::map<std::string, std::string>& material) override;

 private:
  CertificateAuthenticator& auth_;
};

}  // namespace hetong::identity
