// The PKI and TSA behind the PDF signing tests and benchmarks: for RSA, ECDSA P-256 and SM2 a
// root, an issuing CA and a signer; a time-stamp authority (SM2 for SM3 imprints, RSA for
// SHA-2); current CRLs of every CA (one of which revokes a signer half an hour ago); all made
// with the real issuance code.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "crypto/random.h"
#include "document/pdf/signer.h"
#include "document/pdf/verifier.h"
#include "pki/crl.h"
#include "pki/revocation.h"
#include "pki/test_ca.h"
#include "tsa/authority.h"
#include "tsa/client.h"
#include "tsa/memory_token_log.h"

namespace hetong::document::pdf::testing {

class PdfTestEnv {
 public:
  static PdfTestEnv& Get() {
    static PdfTestEnv* env = new PdfTestEnv();
    return *env;
  }

  // family: "rsa", "ecdsa", "sm2"; role: "root", "ca", "signer", "tsa", "revoked".
  const pki::testing::TestKey& Key(const std::string& family, const std::string& role) const {
    return *keys_.at(family + "-" + role);
  }
  const crypto::Signer& SignerOf(const std::string& family,
                                 const std::string& role = "signer") const {
    return *Key(family, role).signer;
  }
  const pki::Certificate& Cert(const std::string& family,
                               const std::string& role = "signer") const {
    return Key(family, role).cert;
  }

  // Signing options for `family` at `level` with everything B-LTA needs.
  PdfSignOptions Options(const std::string& family, PadesLevel level = PadesLevel::kBB) {
    PdfSignOptions o;
    o.level = level;
    o.chain = {Cert(family, "ca")};
    o.timestamps = timestamps_.get();
    o.validation.anchors = anchors_;
    o.validation.intermediates = intermediates_;
    o.validation.revocation = revocation_.get();
    o.reason = "同意本合同条款";
    o.location = "北京";
    return o;
  }
  // Verification with the test roots; `online` gives the CRLs as if fetched.
  PdfVerifyOptions VerifyOptions(bool online) {
    PdfVerifyOptions o;
    o.anchors = anchors_;
    if (online) o.online = revocation_.get();
    return o;
  }
  pki::TimestampSource& timestamps() { return *timestamps_; }
  tsa::TimeStampAuthority& tsa() { return *tsa_; }
  pki::RevocationChecker& revocation() { return *revocation_; }
  const std::vector<pki::Certificate>& anchors() const { return anchors_; }
  const std::vector<Bytes>& crls() const { return crls_; }

 private:
  PdfTestEnv() {
    const base::Clock& clock = base::SystemClock::Get();
    base::TimePoint now = clock.Now();
    struct F {
      const char* name;
      crypto::KeySpec spec;
    };
    for (F f : {F{"rsa", crypto::KeySpec::kRsa2048}, F{"ecdsa", crypto::KeySpec::kEcdsaP256},
                F{"sm2", crypto::KeySpec::kSm2}}) {
      std::string n = f.name;
      auto root = Add(n + "-root", pki::testing::Issue(f.spec, pki::Profile::kRoot, n + " root",
                                                       nullptr, clock));
      auto ca = Add(n + "-ca",
                    pki::testing::Issue(f.spec, pki::Profile::kIssuingCa, n + " CA", root, clock));
      Add(n + "-signer",
          pki::testing::Issue(f.spec, pki::Profile::kPersonal, n + " 签署人", ca, clock));
      anchors_.push_back(root->cert);
      intermediates_.push_back(ca->cert);
    }
    for (std::string n : {"rsa", "sm2"}) {
      Add(n + "-tsa",
          pki::testing::Issue(n == "rsa" ? crypto::KeySpec::kRsa2048 : crypto::KeySpec::kSm2,
                              pki::Profile::kTsa, n + " TSA", keys_.at(n + "-ca").get(), clock));
    }
    // A signer revoked (key compromise) half an hour ago.
    const auto* revoked =
        Add("rsa-revoked", pki::testing::Issue(crypto::KeySpec::kRsa2048, pki::Profile::kPersonal,
                                               "revoked signer", keys_.at("rsa-ca").get(), clock,
                                               now - std::chrono::hours(2)));
    for (std::string n : {"rsa", "ecdsa", "sm2"}) {
      for (std::string role : {"root", "ca"}) {
        std::vector<pki::RevokedEntry> entries;
        if (n == "rsa" && role == "ca") {
          entries.push_back({revoked->cert.serial(),
                             now - std::chrono::minutes(30),
                             pki::CrlReason::kKeyCompromise,
                             {}});
        }
        const auto& k = *keys_.at(n + "-" + role);
        auto crl = pki::BuildCrl(*k.signer, k.cert, 1, now - std::chrono::minutes(1),
                                 now + std::chrono::hours(24), entries);
        HETONG_CHECK(crl.ok());
        crls_.push_back(*crl);
      }
    }
    revocation_ = std::make_unique<pki::CapturedRevocation>(crls_, std::vector<Bytes>{});
    std::vector<tsa::TsaSigner> tsa_signers;
    for (std::string n : {"sm2", "rsa"}) {
      auto& k = *keys_.at(n + "-tsa");
      tsa_signers.push_back(tsa::TsaSigner{
          n,
          k.cert,
          std::shared_ptr<const crypto::Signer>(std::move(*crypto::NewSigner(k.key))),
          {keys_.at(n + "-ca")->cert}});
    }
    auto t = tsa::TimeStampAuthority::Create(tsa::TsaSettings{}, tsa_signers, log_, clock);
    HETONG_CHECK(t.ok());
    tsa_ = std::move(*t);
    timestamps_ = std::make_unique<tsa::LocalTimestampSource>(*tsa_, crypto::DefaultRng());
  }

  const pki::testing::TestKey* Add(const std::string& name, pki::testing::TestKey key) {
    auto p = std::make_unique<pki::testing::TestKey>(std::move(key));
    const auto* raw = p.get();
    keys_[name] = std::move(p);
    return raw;
  }

  std::map<std::string, std::unique_ptr<pki::testing::TestKey>> keys_;
  std::vector<pki::Certificate> anchors_, intermediates_;
  std::vector<Bytes> crls_;
  std::unique_ptr<pki::CapturedRevocation> revocation_;
  tsa::testing::MemoryTokenLog log_;
  std::unique_ptr<tsa::TimeStampAuthority> tsa_;
  std::unique_ptr<tsa::LocalTimestampSource> timestamps_;
};

}  // namespace hetong::document::pdf::testing
