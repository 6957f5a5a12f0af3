// A throw-away CA hierarchy for pki tests (root -> issuing CA -> end entities), made with the
// real issuance code.
#pragma once

#include <memory>
#include <string>

#include "crypto/keys.h"
#include "crypto/random.h"
#include "pki/certificate.h"
#include "pki/profiles.h"

namespace hetong::pki::testing {

struct TestKey {
  crypto::PrivateKey key;
  std::unique_ptr<crypto::Signer> signer;
  Certificate cert;
};

inline Certificate MustParse(const StatusOr<Bytes>& der) {
  HETONG_CHECK(der.ok());
  auto c = Certificate::Parse(*der);
  HETONG_CHECK(c.ok());
  return std::move(*c);
}

// Issues a certificate for a new key of `spec`, signed by `issuer` (null: self-signed root).
inline TestKey Issue(crypto::KeySpec spec, Profile profile, const std::string& cn,
                     const TestKey* issuer, const base::Clock& clock,
                     std::optional<base::TimePoint> not_before = {},
                     std::optional<base::TimePoint> not_after = {}) {
  auto key = *crypto::PrivateKey::Generate(spec);
  auto signer = *crypto::NewSigner(key);
  IssueRequest r;
  r.profile = profile;
  r.subject.Country("CN").Organization("hetong test").CommonName(cn);
  r.subject_key = key.public_key();
  r.not_before = not_before;
  r.not_after = not_after;
  if (profile == Profile::kTls) r.dns_names = {"localhost"};
  if (profile == Profile::kEvent) r.evidence_hash = Bytes(32, 1);
  IssuerContext ctx;
  ctx.signer = issuer ? issuer->signer.get() : signer.get();
  ctx.certificate = issuer ? &issuer->cert : nullptr;
  ctx.crl_url = "http://127.0.0.1:1/pki/crl/test.crl";
  ctx.ocsp_url = "http://127.0.0.1:1/pki/ocsp";
  Certificate cert = MustParse(IssueCertificate(r, ctx, clock, crypto::DefaultRng()));
  return TestKey{std::move(key), std::move(signer), std::move(cert)};
}

}  // namespace hetong::pki::testing
