#include "identity/certificate_auth.h"

#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "identity/credentials.h"
#include "pki/path.h"

namespace hetong::identity {

namespace {
constexpr auto kChallengeTtl = std::chrono::minutes(5);
constexpr std::string_view kPurpose = "challenge";

std::string ToSign(const std::string& nonce, const std::string& verifier) {
  return "hetong-challenge:" + nonce + ":" + verifier;
}
}  // namespace

CertificateAuthenticator::CertificateAuthenticator(IdentityService& identity,
                                                   IdentityRepository& repo, Anchors anchors,
                                                   std::string verifier_id,
                                                   const base::Clock& clock, Rng& rng)
    : identity_(identity),
      repo_(repo),
      anchors_(std::move(anchors)),
      verifier_id_(std::move(verifier_id)),
      clock_(clock),
      rng_(rng) {}

std::string CertificateAuthenticator::Fingerprint(const pki::Certificate& cert) {
  return base::HexEncode(crypto::Sha256(cert.der()));
}

StatusOr<Challenge> CertificateAuthenticator::NewChallenge() {
  HETONG_ASSIGN_OR_RETURN(Bytes id, crypto::RandomBytes(rng_, 12));
  HETONG_ASSIGN_OR_RETURN(Bytes nonce, crypto::RandomBytes(rng_, 32));
  Challenge ch;
  ch.id = "chl-" + base::HexEncode(id);
  ch.nonce = base::Base64UrlEncode(nonce);
  ch.to_sign = ToSign(ch.nonce, verifier_id_);
  ch.expires_at = clock_.Now() + kChallengeTtl;
  OneTimeCode c;
  c.id = ch.id;
  c.channel = "none";
  c.purpose = std::string(kPurpose);
  c.code_hash = TokenHash(ch.id + ":" + ch.nonce);
  c.expires_at = ch.expires_at;
  c.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertCode(c, OutboxMessage{}));
  return ch;
}

StatusOr<pki::Certificate> CertificateAuthenticator::Check(const std::string& challenge_id,
                                                           const std::string& nonce,
                                                           const std::string& chain_pem,
                                                           const std::string& signature_b64) {
  auto fail = [](std::string why) { return UnauthenticatedError(std::move(why)); };
  HETONG_ASSIGN_OR_RETURN(auto c, repo_.GetCode(challenge_id));
  if (!c || c->purpose != kPurpose || c->used || c->expires_at <= clock_.Now() ||
      TokenHash(challenge_id + ":" + nonce) != c->code_hash) {
    return fail("the challenge is unknown, used or expired; ask for a new one");
  }
  // Spent whatever happens next: a challenge gets one answer.
  if (!repo_.SpendCode(c->id).ok()) {
    return fail("the challenge is unknown, used or expired; ask for a new one");
  }
  auto chain = pki::Certificate::ParseAll(AsBytes(chain_pem));
  if (!chain.ok() || chain->empty()) {
    return InvalidArgumentError("certificate: a PEM chain, the signer's certificate first");
  }
  std::vector<pki::Certificate> anchors = anchors_();
  if (anchors.empty()) {
    return FailedPreconditionError(
        "this instance trusts no external CA for certificate authentication (an operator adds "
        "one with 'hetong ca import-anchor')");
  }
  std::vector<pki::Certificate> intermediates(chain->begin() + 1, chain->end());
  pki::ValidationOptions opts;
  opts.time = clock_.Now();
  opts.purpose = pki::KeyPurpose::kAny;
  pki::ValidationResult r = pki::ValidatePath(chain->front(), intermediates, anchors, opts);
  if (!r.ok()) return fail("the certificate is not trusted here: " + r.message);
  auto sig = base::Base64Decode(signature_b64);
  if (!sig.ok()) return InvalidArgumentError("signature: base64");
  const crypto::PublicKey& key = chain->front().public_key();
  Status v = crypto::VerifySignature(key, crypto::DefaultSignatureAlgorithm(key.type()),
                                     AsBytes(ToSign(nonce, verifier_id_)), *sig);
  if (!v.ok()) return fail("the signature over the challenge does not verify");
  return chain->front();
}

StatusOr<LoginResult> CertificateAuthenticator::Login(const std::string& challenge_id,
                                                      const std::string& nonce,
                                                      const std::string& chain_pem,
                                                      const std::string& signature_b64) {
  HETONG_ASSIGN_OR_RETURN(pki::Certificate cert,
                          Check(challenge_id, nonce, chain_pem, signature_b64));
  HETONG_ASSIGN_OR_RETURN(auto a, repo_.FindByLoginCert(Fingerprint(cert)));
  if (!a) {
    return UnauthenticatedError(
        "no account logs in with this certificate; verify with the certificate provider first");
  }
  return identity_.StartCertificateSession(*a);
}

StatusOr<VerificationProvider::Outcome> CertificateProvider::Check(
    const Account& account, const SecretBytes& id_number,
    const std::map<std::string, std::string>& material) {
  auto get = [&](const char* k) {
    auto it = material.find(k);
    return it == material.end() ? std::string() : it->second;
  };
  if (account.kind != AccountKind::kPerson) {
    return InvalidArgumentError("the certificate provider verifies persons");
  }
  auto cert = auth_.Check(get("challenge_id"), get("nonce"), get("certificate"), get("signature"));
  if (!cert.ok()) {
    if (cert.status().code() == StatusCode::kUnauthenticated) {
      return Outcome{"rejected", cert.status().message(), ""};
    }
    return cert.status();
  }
  // The certificate must name the same identity number, as the number itself or as the
  // digest hetong's own certificates carry: a name alone is not a real-name match.
  std::string serial = cert->subject().Get("2.5.4.5").value_or("");
  std::string digest = IdNumberDigest(id_number.RevealString(SecretAccess::Unsafe()));
  if (serial.empty()) {
    return Outcome{"rejected",
                   "the certificate has no serialNumber with the identity number; this "
                   "provider needs one",
                   ""};
  }
  if (serial != std::string(id_number.RevealString(SecretAccess::Unsafe())) && serial != digest) {
    return Outcome{"rejected", "the certificate is for another identity number", ""};
  }
  if (cert->subject().common_name() != account.name) {
    return Outcome{
        "rejected",
        "the certificate names '" + cert->subject().common_name() + "', not the account's name",
        ""};
  }
  return Outcome{"approved",
                 "certificate " + cert->SerialHex() + " from " + cert->issuer().ToString() +
                     " with a signed challenge",
                 CertificateAuthenticator::Fingerprint(*cert)};
}

}  // namespace hetong::identity
