// Fuzz target: RFC 3161 TimeStampReq messages as a TSA receives them over HTTP, through
// pki::ParseTimeStampRequest and a real tsa::TimeStampAuthority (an SM2 TSA certificate on
// the fixed SM2 key, issued by a P-256 root on the fixed P-256 key).
//
// Invariants checked:
// - a parsed request re-encodes and re-parses to the same imprint, nonce, policy and certReq;
// - the TSA always answers a TimeStampResp that parses; a granted answer's token verifies
//   for the request's imprint with the fixture root and echoes the nonce; a rejection
//   carries a failure reason.
#include <cstddef>
#include <cstdint>

#include "base/clock.h"
#include "crypto/random.h"
#include "fuzz/fixtures.h"
#include "pki/profiles.h"
#include "pki/tsp.h"
#include "tsa/authority.h"
#include "tsa/memory_token_log.h"

namespace hetong::fuzz {
namespace {

struct Tsa {
  std::unique_ptr<crypto::Signer> root_signer;
  std::optional<pki::Certificate> root, tsa_cert;
  tsa::testing::MemoryTokenLog log;
  std::unique_ptr<tsa::TimeStampAuthority> authority;
};

pki::Certificate Issue(pki::Profile profile, const crypto::PrivateKey& key,
                       const crypto::Signer& signer, const pki::Certificate* issuer,
                       const std::string& cn) {
  pki::IssueRequest r;
  r.profile = profile;
  r.subject.Country("CN").Organization("hetong fuzz").CommonName(cn);
  r.subject_key = key.public_key();
  pki::IssuerContext ctx;
  ctx.signer = &signer;
  ctx.certificate = issuer;
  auto der = pki::IssueCertificate(r, ctx, base::SystemClock::Get(), crypto::DefaultRng());
  HETONG_CHECK(der.ok());
  auto cert = pki::Certificate::Parse(*der);
  HETONG_CHECK(cert.ok());
  return std::move(*cert);
}

Tsa& TheTsa() {
  static Tsa* t = [] {
    auto* tsa_ = new Tsa();
    tsa_->root_signer = std::move(*crypto::NewSigner(FixedP256Key()));
    tsa_->root =
        Issue(pki::Profile::kRoot, FixedP256Key(), *tsa_->root_signer, nullptr, "fuzz root");
    std::shared_ptr<const crypto::Signer> sm2(std::move(*crypto::NewSigner(FixedSm2Key())));
    pki::Certificate cert =
        Issue(pki::Profile::kTsa, FixedSm2Key(), *tsa_->root_signer, &*tsa_->root, "fuzz TSA");
    tsa_->tsa_cert = cert;
    tsa::TsaSettings settings;
    settings.sha2_family = "sm2";
    auto a = tsa::TimeStampAuthority::Create(settings, {tsa::TsaSigner{"sm2", cert, sm2}},
                                             tsa_->log, base::SystemClock::Get());
    HETONG_CHECK(a.ok());
    tsa_->authority = std::move(*a);
    return tsa_;
  }();
  return *t;
}

}  // namespace
}  // namespace hetong::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hetong;  // NOLINT(google-build-using-namespace)
  ByteView input(data, size);
  auto req = pki::ParseTimeStampRequest(input);
  if (req.ok()) {
    auto again = pki::ParseTimeStampRequest(pki::EncodeTimeStampRequest(*req));
    HETONG_FUZZ_ASSERT(again.ok());
    HETONG_FUZZ_ASSERT(again->imprint.hashed_message == req->imprint.hashed_message);
    HETONG_FUZZ_ASSERT(again->nonce == req->nonce && again->policy == req->policy &&
                       again->cert_req == req->cert_req);
  } else {
    HETONG_FUZZ_ASSERT(req.status().code() == StatusCode::kInvalidArgument);
  }
  auto& tsa = fuzz::TheTsa();
  Bytes answer = tsa.authority->Respond(input);
  auto resp = pki::ParseTimeStampResponse(answer);
  HETONG_FUZZ_ASSERT(resp.ok());
  if (resp->status == pki::kGranted) {
    HETONG_FUZZ_ASSERT(req.ok() && req->known_algorithm);
    pki::TimestampVerifyOptions opts;
    opts.anchors = {*tsa.root};
    opts.intermediates = {*tsa.tsa_cert};  // tokens without certReq do not carry it
    auto check = pki::VerifyTimestampToken(resp->token, req->imprint.algorithm,
                                           req->imprint.hashed_message, opts);
    HETONG_FUZZ_ASSERT(check.ok() && check->valid);
    HETONG_FUZZ_ASSERT(check->info.nonce == req->nonce);
  } else {
    HETONG_FUZZ_ASSERT(resp->failure.has_value() && resp->token.empty());
  }
  return 0;
}
