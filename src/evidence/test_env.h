// Test fixture shared by the evidence tests: a throw-away CA with a TSA and an evidence-log
// certificate, an in-process TSA, and an evidence log over the in-memory repository.
#pragma once

#include <memory>

#include "crypto/random.h"
#include "evidence/log.h"
#include "evidence/memory_repository.h"
#include "pki/test_ca.h"
#include "tsa/authority.h"
#include "tsa/client.h"
#include "tsa/memory_token_log.h"

namespace hetong::evidence::testing {

struct EvidenceTestEnv {
  EvidenceTestEnv()
      : root(pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kRoot, "证据测试根CA",
                                 nullptr, clock)),
        ca(pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kIssuingCa, "证据测试CA", &root,
                               clock)),
        tsa_key(
            pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kTsa, "测试TSA", &ca, clock)),
        log_key(pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kEvidenceLog, "证据日志",
                                    &ca, clock)) {
    clock.Advance(std::chrono::minutes(5));
    tsa::TsaSigner s{"sm2", tsa_key.cert,
                     std::shared_ptr<const crypto::Signer>(std::move(tsa_key.signer))};
    s.chain = {ca.cert};
    auto t = tsa::TimeStampAuthority::Create(tsa::TsaSettings{}, {s}, token_log, clock);
    HETONG_CHECK(t.ok());
    tsa = std::move(*t);
    tsa_source = std::make_unique<tsa::LocalTimestampSource>(*tsa, rng);
  }

  base::FakeClock clock{base::FromUnixSeconds(1795708450)};
  pki::testing::TestKey root, ca, tsa_key, log_key;
  crypto::SystemRng rng;
  tsa::testing::MemoryTokenLog token_log;
  std::unique_ptr<tsa::TimeStampAuthority> tsa;
  std::unique_ptr<tsa::LocalTimestampSource> tsa_source;
  MemoryEvidenceRepository repo;
  EvidenceLog log{repo, "test-log", clock};
};

}  // namespace hetong::evidence::testing
