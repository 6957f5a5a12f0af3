// The certificate authority of an instance (GM/Y 5013 §5.2.1, §5.3.2.1-5.3.2.4).
//
// Hierarchy, created once by Bootstrap (at `hetong init`):
//   sm2-root (SM2, 20 y) -> sm2-ca (SM2, 10 y)          each family signs its own chain
//   rsa-root (RSA-3072)  -> rsa-ca (RSA-3072)
// plus service certificates issued by the issuing CAs and kept fresh by
// EnsureServiceCertificate: the OCSP responders (sm2-ocsp, rsa-ocsp) and, for the TSA,
// sm2-tsa / rsa-tsa. All keys live in the key center, wrapped by the master key.
//
// Registration authority: a request (CSR + profile) is pending until an operator approves
// (the certificate is issued) or rejects it; `IssueFromCsr` does both for an operator.
// Proof of possession is checked on submission. Revocation records the time and reason and
// republishes the CA's CRL at once; CRLs are also republished when half their validity has
// passed (`PublishDueCrls`, run on a schedule by the server).
//
// External CAs can be imported as trust anchors; their certificates can then be validated
// and bound to users.
//
// Thread-safety: safe for concurrent use (an internal mutex orders issuance and CRLs).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/rng.h"
#include "base/status.h"
#include "ca/repository.h"
#include "keycenter/key_center.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/path.h"
#include "pki/profiles.h"

namespace hetong::ca {

struct CaSettings {
  std::string public_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string instance_name = "hetong";
  bool demo = false;
  std::chrono::seconds crl_validity = std::chrono::hours(24);
};

struct Authority {
  AuthorityRecord record;
  pki::Certificate cert;
};

struct CertificateStatus {
  enum class State { kGood, kRevoked, kUnknown };
  State state = State::kUnknown;
  base::TimePoint revoked_at{};
  int reason = 0;
};

class CertificateAuthority {
 public:
  static Status Bootstrap(keycenter::KeyCenter& keys, CaRepository& repo,
                          const CaSettings& settings, const base::Clock& clock, Rng& rng);
  static StatusOr<std::unique_ptr<CertificateAuthority>> Open(keycenter::KeyCenter& keys,
                                                              CaRepository& repo,
                                                              CaSettings settings,
                                                              const base::Clock& clock, Rng& rng);

  std::vector<Authority> authorities() const;
  StatusOr<Authority> Find(std::string_view name) const;
  // sm2-ca for SM2 keys, rsa-ca for RSA and EC keys.
  StatusOr<Authority> IssuingCaFor(crypto::KeyType type) const;
  // The instance's roots and imported anchors / its issuing CAs.
  std::vector<pki::Certificate> TrustAnchors() const;
  std::vector<pki::Certificate> Intermediates() const;
  const CaSettings& settings() const { return settings_; }

  std::string CrlUrl(std::string_view ca) const;
  std::string CaCertUrl(std::string_view ca) const;
  std::string OcspUrl() const;

  // --- registration authority ---
  StatusOr<int64_t> SubmitRequest(ByteView csr, pki::Profile profile, const std::string& ca,
                                  const std::string& requester);
  StatusOr<IssuedCertificate> ApproveRequest(int64_t id, const std::string& approver);
  Status RejectRequest(int64_t id, const std::string& approver, const std::string& reason);
  StatusOr<std::vector<CertRequest>> PendingRequests(int limit = 100);
  // Operator issuance: submit and approve in one step. `ca` empty: chosen by key type.
  StatusOr<IssuedCertificate> IssueFromCsr(ByteView csr, pki::Profile profile,
                                           const std::string& ca, const std::string& operator_name);
  // Issuance for a key the platform holds (key center id), e.g. a user's escrowed key.
  StatusOr<IssuedCertificate> IssueForKey(const pki::IssueRequest& request, const std::string& ca,
                                          const std::string& key_id);

  // --- revocation and status ---
  Status Revoke(const std::string& serial_hex, pki::CrlReason reason,
                std::optional<base::TimePoint> at = std::nullopt);
  StatusOr<CertificateStatus> StatusOf(const std::string& ca, ByteView serial);
  StatusOr<std::optional<IssuedCertificate>> FindCertificate(const std::string& serial_hex);
  // Certificates of a key the platform holds, the latest notAfter first.
  StatusOr<std::vector<IssuedCertificate>> CertificatesOfKey(const std::string& key_id) {
    return repo_.FindByKey(key_id);
  }

  // --- CRLs ---
  StatusOr<Bytes> PublishCrl(const std::string& ca);
  // The latest CRL, republished first if missing or past half its validity.
  StatusOr<Bytes> CurrentCrl(const std::string& ca);
  // Republishes every CA's CRL that is due; returns how many were published.
  StatusOr<int> PublishDueCrls();

  // --- service certificates (OCSP responders, TSA) ---
  // The authority `name` (role "ocsp" or "tsa", issued by `parent`), created or renewed when it
  // is missing or has less than `renew_before` left.
  StatusOr<Authority> EnsureServiceCertificate(
      const std::string& name, const std::string& parent, pki::Profile profile,
      std::chrono::seconds renew_before = std::chrono::hours(24 * 30));
  StatusOr<std::shared_ptr<const crypto::Signer>> SignerOf(const Authority& authority);

  // --- external trust anchors ---
  StatusOr<Authority> ImportTrustAnchor(ByteView cert, const std::string& name);

 private:
  CertificateAuthority(keycenter::KeyCenter& keys, CaRepository& repo, CaSettings settings,
                       const base::Clock& clock, Rng& rng)
      : keys_(keys), repo_(repo), settings_(std::move(settings)), clock_(clock), rng_(rng) {}
  Status Reload();
  StatusOr<IssuedCertificate> IssueLocked(const pki::IssueRequest& request, const Authority& issuer,
                                          std::optional<int64_t> request_id,
                                          const std::string& key_id);
  StatusOr<Bytes> PublishCrlLocked(const Authority& ca);
  pki::IssuerContext IssuerContextFor(const Authority& issuer, const crypto::Signer* signer) const;

  keycenter::KeyCenter& keys_;
  CaRepository& repo_;
  CaSettings settings_;
  const base::Clock& clock_;
  Rng& rng_;
  mutable std::mutex mu_;
  std::vector<Authority> authorities_;
};

// hetong's name for a certificate serial: lowercase hex of the INTEGER contents.
std::string SerialHex(ByteView serial);

}  // namespace hetong::ca
