// hetong_bench, PKI and TSA part: OCSP responses, certificate issuance and RFC 3161 tokens,
// measured in process on a real instance (SQLite in WAL mode with synchronous=FULL, in a
// temporary directory) wired the way `hetong serve` wires it (app/platform.cc), each beside
// an OpenSSL peer where OpenSSL has an equivalent:
//
// - ocsp/<family>-nonce: OcspResponder::Respond on a request with a fresh nonce, so every
//   response is signed (parse, status lookup in the database, sign, encode). Peer
//   "openssl-ocsp-sign": what `openssl ocsp -index ... -rsigner ...` does per request through
//   OpenSSL's OCSP C API: d2i_OCSP_REQUEST, OCSP_id_issuer_cmp, OCSP_basic_add1_status,
//   OCSP_copy_nonce, OCSP_basic_sign_ctx (responderID by key, the responder certificate
//   included, as hetong does), OCSP_response_create, i2d — with a key of the same type and
//   size and a certificate from the same CA, but no status lookup (its index is in memory).
//   For SM2 the peer sets the GM/T 0009 default ID on the signing context
//   (EVP_PKEY_CTX_set1_id); the setup checks that hetong verifies the peer's response.
// - ocsp-cached/<family>: the same request without nonce, repeated: the responder answers
//   from its cache of signed responses (parse, status lookup, cache hit). No peer: OpenSSL's
//   responder has no cache.
// - ca-issue/<family>: CertificateAuthority::IssueForKey (personal profile) for a key
//   generated once in the key center: build and sign the certificate, parse it back, insert it
//   into the database (one commit). No peer.
// - tsa/<imprint>-<family>: TimeStampAuthority::Respond on a DER TimeStampReq (nonce, certReq)
//   with 1, 2 and 8 threads: parse, serial, TSTInfo, CMS SignedData, and the audit log record
//   committed before the token is released (concurrent requests share one commit). The
//   counter "tok/commit" is the number of tokens per audit-log commit during the run. Peer
//   for the RSA case "openssl-ts": TS_RESP_create_response with an RSA-3072 key and a TSA
//   certificate from the same CA, ESS signing-certificate-v2 and SHA-256 as hetong, serial
//   from an in-memory counter (the code path of `openssl ts -reply`, minus its serial file),
//   one TS_RESP_CTX per thread. OpenSSL's TS code has no SM2 support, so the SM2 row has none.
// - reference points without a counterpart: one bare signature over 1 KiB with OpenSSL
//   ("raw-sign", the floor of every row above), one committed one-row INSERT through the
//   instance's connection ("sqlite-commit", the floor of every row that writes), and
//   crypto::ParseCertificateInfo on the TSA certificate ("tsa-cert-parse"), which the TSA
//   redoes for every token.
//
// Every benchmark here reports wall-clock time (UseRealTime): the rows that write wait for
// fsync, and with 2 threads the rate is tokens per second of elapsed time. Logging is set to
// warn (the CA logs every issuance at info).
//
// Only bench/ and crypto/ include <openssl/*.h>: bench/ needs OpenSSL's OCSP and TS APIs for
// the peers.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "bench_util.h"
#include "ca/authority.h"
#include "crypto/certificate_info.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "keycenter/key_center.h"
#include "ocsp/ca_status_lookup.h"
#include "ocsp/responder.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "pki/ocsp.h"
#include "pki/oids.h"
#include "pki/profiles.h"
#include "pki/tsp.h"
#include "store/instance.h"
#include "store/sql_repositories.h"
#include "tsa/authority.h"
#include "tsa/client.h"

namespace hetong::bench {
namespace {

// ---- the instance ----

// The TSA's audit log on the instance, counting commits so that the benchmark can report
// how many tokens share one (group commit).
class CountingTokenLog final : public tsa::TokenLog {
 public:
  explicit CountingTokenLog(store::Instance& instance) : log_(instance) {}
  StatusOr<int64_t> ReserveSerials(int64_t count) override { return log_.ReserveSerials(count); }
  Status Append(const std::vector<tsa::TokenRecord>& records) override {
    commits_.fetch_add(1);
    records_.fetch_add(static_cast<int64_t>(records.size()));
    return log_.Append(records);
  }
  StatusOr<std::optional<base::TimePoint>> LastGenTime() override { return log_.LastGenTime(); }
  StatusOr<std::optional<tsa::TokenRecord>> Find(int64_t serial) override {
    return log_.Find(serial);
  }
  int64_t commits() const { return commits_.load(); }
  int64_t records() const { return records_.load(); }

 private:
  store::SqlTokenLog log_;
  std::atomic<int64_t> commits_{0}, records_{0};
};

enum class Family { kSm2, kRsa };

const char* CaName(Family f) { return f == Family::kSm2 ? "sm2-ca" : "rsa-ca"; }
const char* FamilyName(Family f) { return f == Family::kSm2 ? "sm2" : "rsa"; }
crypto::KeySpec Spec(Family f) {
  return f == Family::kSm2 ? crypto::KeySpec::kSm2 : crypto::KeySpec::kRsa3072;
}

// An OpenSSL-side key and certificate (for the peers): a key made in process, certified by
// the instance's CA with the same profile as hetong's own service certificate.
struct OsslIdentity {
  crypto::PrivateKey key;
  pki::Certificate cert;
  X509* x509 = nullptr;  // leaked with the fixture
};

struct FamilyData {
  pki::Certificate issuer;
  pki::Certificate ee;                // an end-entity certificate issued by the CA
  Bytes request_no_nonce;             // OCSP request for `ee`, SHA-1 CertID as OpenSSL sends
  std::vector<Bytes> requests_nonce;  // the same with distinct nonces
  std::string ee_key_id;              // key center id of a key for ca-issue
  crypto::PublicKey ee_public_key;
  OsslIdentity ocsp_peer;
  Bytes tsa_request;  // TimeStampReq (SM3 for sm2, SHA-256 for rsa)
};

struct Fixture {
  std::string dir;
  std::unique_ptr<store::Instance> instance;
  std::unique_ptr<store::SqlKeyRepository> key_repo;
  std::unique_ptr<store::SqlCaRepository> ca_repo;
  std::unique_ptr<keycenter::SoftwareDevice> device;
  std::unique_ptr<keycenter::KeyCenter> keys;
  std::unique_ptr<ca::CertificateAuthority> ca;
  std::unique_ptr<ocsp::CaStatusLookup> lookup;
  std::unique_ptr<ocsp::OcspResponder> ocsp;
  std::unique_ptr<CountingTokenLog> token_log;
  std::unique_ptr<tsa::TimeStampAuthority> tsa;
  std::unique_ptr<FamilyData> family[2];
  std::unique_ptr<OsslIdentity> tsa_peer;  // RSA-3072

  FamilyData& Of(Family f) { return *family[f == Family::kSm2 ? 0 : 1]; }
};

constexpr size_t kNonceRequests = 1024;

X509* ToX509(const pki::Certificate& c) {
  const unsigned char* p = c.der().data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(c.der().size()));  // NOLINT(google-runtime-int)
  if (!x) Die("d2i_X509");
  return x;
}

OsslIdentity MakePeerIdentity(Fixture& fx, Family f, pki::Profile profile, const std::string& cn) {
  auto key = Must(crypto::PrivateKey::Generate(Spec(f)), "peer keygen");
  pki::IssueRequest req;
  req.profile = profile;
  req.subject.Country("CN").Organization("hetong bench").CommonName(cn);
  req.subject_key = key.public_key();
  auto issued = Must(fx.ca->IssueForKey(req, CaName(f), ""), "peer certificate");
  auto cert = Must(pki::Certificate::Parse(issued.der), "peer certificate parse");
  OsslIdentity id{std::move(key), cert, nullptr};
  id.x509 = ToX509(id.cert);
  return id;
}

Fixture* CreateFixture() {
  spdlog::set_level(spdlog::level::warn);
  auto* fx = new Fixture();
  fx->dir = MakeBenchDir("hetong-pki-bench");  // the fixture lives as long as the process
  std::string inst = fx->dir + "/inst";
  const base::Clock& clock = base::SystemClock::Get();
  Rng& rng = crypto::DefaultRng();
  Must(store::Instance::Init(inst, store::InitOptions{}, rng), "instance init");
  fx->instance = Must(store::Instance::Open(inst), "instance open");
  fx->key_repo = std::make_unique<store::SqlKeyRepository>(*fx->instance);
  fx->ca_repo = std::make_unique<store::SqlCaRepository>(*fx->instance);
  fx->device = std::make_unique<keycenter::SoftwareDevice>(fx->instance->master_key().Clone(), rng);
  fx->keys = std::make_unique<keycenter::KeyCenter>(*fx->device, *fx->key_repo, clock, rng);
  ca::CaSettings settings;
  Must(ca::CertificateAuthority::Bootstrap(*fx->keys, *fx->ca_repo, settings, clock, rng),
       "CA bootstrap");
  fx->ca = Must(ca::CertificateAuthority::Open(*fx->keys, *fx->ca_repo, settings, clock, rng),
                "CA open");

  // OCSP responder, as Platform::RefreshOcspResponders.
  fx->lookup = std::make_unique<ocsp::CaStatusLookup>(*fx->ca);
  fx->ocsp = std::make_unique<ocsp::OcspResponder>(*fx->lookup, clock, ocsp::ResponderOptions{});
  std::vector<ocsp::ResponderIdentity> ids;
  for (Family f : {Family::kSm2, Family::kRsa}) {
    auto issuer = Must(fx->ca->Find(CaName(f)), "issuing CA");
    auto responder = Must(fx->ca->EnsureServiceCertificate(std::string(FamilyName(f)) + "-ocsp",
                                                           CaName(f), pki::Profile::kOcspSigner),
                          "OCSP responder certificate");
    auto signer = Must(fx->ca->SignerOf(responder), "OCSP signer");
    ids.push_back({issuer.record.name, issuer.cert, responder.cert, signer});
  }
  fx->ocsp->SetIdentities(std::move(ids));

  // TSA, as Platform::tsa().
  std::vector<tsa::TsaSigner> signers;
  for (Family f : {Family::kSm2, Family::kRsa}) {
    auto a = Must(fx->ca->EnsureServiceCertificate(std::string(FamilyName(f)) + "-tsa", CaName(f),
                                                   pki::Profile::kTsa),
                  "TSA certificate");
    signers.push_back({FamilyName(f), a.cert, Must(fx->ca->SignerOf(a), "TSA signer")});
  }
  fx->token_log = std::make_unique<CountingTokenLog>(*fx->instance);
  fx->tsa = Must(tsa::TimeStampAuthority::Create(tsa::TsaSettings{}, std::move(signers),
                                                 *fx->token_log, clock),
                 "TSA");

  for (Family f : {Family::kSm2, Family::kRsa}) {
    pki::Certificate issuer = Must(fx->ca->Find(CaName(f)), "issuing CA").cert;
    // A user's key held by the key center, and a first certificate for it.
    auto key = Must(fx->keys->GenerateKey(Spec(f), "bench/user", "bench-user"), "user key");
    crypto::PublicKey ee_public_key = Must(fx->keys->PublicKeyOf(key.id), "user public key");
    pki::IssueRequest req;
    req.profile = pki::Profile::kPersonal;
    req.subject.Country("CN").CommonName("张三");
    req.subject_key = ee_public_key;
    auto issued = Must(fx->ca->IssueForKey(req, CaName(f), key.id), "user certificate");
    pki::Certificate ee = Must(pki::Certificate::Parse(issued.der), "user certificate parse");
    auto cid = Must(pki::CertId::For(ee, issuer), "CertID");
    Bytes request_no_nonce = Must(pki::BuildOcspRequest({cid}), "OCSP request");
    std::vector<Bytes> requests_nonce;
    for (size_t i = 0; i < kNonceRequests; ++i) {
      Bytes random(16);
      Must(rng.Generate(random), "nonce");
      requests_nonce.push_back(
          Must(pki::BuildOcspRequest({cid}, pki::MakeOcspNonce(random)), "OCSP request"));
    }
    crypto::HashAlgorithm alg =
        f == Family::kSm2 ? crypto::HashAlgorithm::kSm3 : crypto::HashAlgorithm::kSha256;
    auto tsq = Must(
        tsa::MakeRequest(alg, crypto::Hash(alg, AsBytes(std::string_view("hetong bench"))), rng),
        "TimeStampReq");
    fx->family[f == Family::kSm2 ? 0 : 1] = std::make_unique<FamilyData>(
        FamilyData{issuer, ee, request_no_nonce, std::move(requests_nonce), key.id, ee_public_key,
                   MakePeerIdentity(*fx, f, pki::Profile::kOcspSigner, "OpenSSL OCSP responder"),
                   pki::EncodeTimeStampRequest(tsq)});
  }
  fx->tsa_peer = std::make_unique<OsslIdentity>(
      MakePeerIdentity(*fx, Family::kRsa, pki::Profile::kTsa, "OpenSSL TSA"));
  return fx;
}

Fixture& Fx() {
  static Fixture* fx = CreateFixture();
  return *fx;
}

// ---- OCSP ----

void OcspCheckResponse(const Bytes& der, const pki::Certificate& responder_key_holder,
                       const char* what) {
  auto resp = Must(pki::OcspResponse::Parse(der), what);
  if (!resp.successful() || resp.responses().size() != 1 ||
      resp.responses()[0].status != pki::OcspCertStatus::kGood) {
    Die(what);
  }
  Must(resp.VerifySignedBy(responder_key_holder.public_key()), what);
}

void OcspHetong(benchmark::State& state, Family f, bool nonce) {
  Fixture& fx = Fx();
  FamilyData& d = fx.Of(f);
  // The first answer checks the whole path (and, without nonce, fills the cache).
  {
    Bytes first = fx.ocsp->Respond(nonce ? d.requests_nonce[0] : d.request_no_nonce);
    auto resp = Must(pki::OcspResponse::Parse(first), "hetong OCSP response");
    if (!resp.successful() || resp.responses()[0].status != pki::OcspCertStatus::kGood)
      Die("hetong OCSP");
  }
  auto before = fx.ocsp->stats();
  size_t i = 0;
  for (auto _ : state) {
    const Bytes& req = nonce ? d.requests_nonce[i++ % kNonceRequests] : d.request_no_nonce;
    Bytes resp = fx.ocsp->Respond(req);
    benchmark::DoNotOptimize(resp.data());
  }
  auto after = fx.ocsp->stats();
  if (after.errors != before.errors) Die("OCSP responder errors during the run");
  uint64_t signed_responses = after.signed_responses - before.signed_responses;
  if (nonce && signed_responses != static_cast<uint64_t>(state.iterations()))
    Die("OCSP: nonce responses not signed");
  if (!nonce && signed_responses > 1) Die("OCSP: cached responses were signed again");
  SetOps(state);
}

// OpenSSL's responder loop for one request (apps/ocsp.c, make_ocsp_response), with the
// index lookup replaced by "good".
struct OsslOcspPeer {
  EVP_PKEY* key;
  X509* cert;
  OCSP_CERTID* ca_id;  // the issuer, to reject CertIDs of other CAs as `openssl ocsp` does
  bool sm2;
};

Bytes OpensslOcspRespond(const OsslOcspPeer& p, const Bytes& req_der) {
  const unsigned char* in = req_der.data();
  OCSP_REQUEST* req = d2i_OCSP_REQUEST(nullptr, &in, static_cast<long>(req_der.size()));  // NOLINT
  if (!req) Die("d2i_OCSP_REQUEST");
  OCSP_BASICRESP* bs = OCSP_BASICRESP_new();
  ASN1_TIME* now = X509_gmtime_adj(nullptr, 0);
  ASN1_TIME* next = X509_time_adj_ex(nullptr, 0, 3600, nullptr);
  if (!bs || !now || !next) Die("OCSP alloc");
  int n = OCSP_request_onereq_count(req);
  for (int i = 0; i < n; ++i) {
    OCSP_CERTID* cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i));
    if (OCSP_id_issuer_cmp(p.ca_id, cid) != 0) Die("OCSP peer: foreign issuer");
    if (!OCSP_basic_add1_status(bs, cid, V_OCSP_CERTSTATUS_GOOD, 0, nullptr, now, next))
      Die("add1_status");
  }
  if (OCSP_copy_nonce(bs, req) <= 0) Die("OCSP_copy_nonce");
  EVP_MD_CTX* mctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  MustOssl(EVP_DigestSignInit(mctx, &pctx, p.sm2 ? EVP_sm3() : EVP_sha256(), nullptr, p.key),
           "sign init");
  if (p.sm2 &&
      EVP_PKEY_CTX_set1_id(pctx, crypto::kDefaultSm2Id.data(), crypto::kDefaultSm2Id.size()) <= 0) {
    Die("set1_id");
  }
  MustOssl(OCSP_basic_sign_ctx(bs, p.cert, mctx, nullptr, OCSP_RESPID_KEY), "OCSP_basic_sign_ctx");
  OCSP_RESPONSE* resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
  if (!resp) Die("OCSP_response_create");
  unsigned char* out = nullptr;
  int len = i2d_OCSP_RESPONSE(resp, &out);
  if (len <= 0) Die("i2d_OCSP_RESPONSE");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  OCSP_RESPONSE_free(resp);
  EVP_MD_CTX_free(mctx);
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  OCSP_BASICRESP_free(bs);
  OCSP_REQUEST_free(req);
  return der;
}

OsslOcspPeer MakeOcspPeer(Family f) {
  Fixture& fx = Fx();
  FamilyData& d = fx.Of(f);
  X509* issuer = ToX509(d.issuer);
  OCSP_CERTID* ca_id = OCSP_cert_to_id(EVP_sha1(), nullptr, issuer);  // leaked with the peer
  X509_free(issuer);
  if (!ca_id) Die("OCSP_cert_to_id");
  OsslOcspPeer p{d.ocsp_peer.key.evp(), d.ocsp_peer.x509, ca_id, f == Family::kSm2};
  // The peer's answer must be one that hetong's client accepts (for SM2: signed with the
  // GM/T 0009 default ID).
  OcspCheckResponse(OpensslOcspRespond(p, d.requests_nonce[0]), d.ocsp_peer.cert,
                    "OpenSSL OCSP response");
  return p;
}

void OcspOpenssl(benchmark::State& state, Family f) {
  static std::mutex mu;
  static OsslOcspPeer* peers[2] = {nullptr, nullptr};
  OsslOcspPeer* p;
  {
    std::lock_guard<std::mutex> lock(mu);
    OsslOcspPeer*& slot = peers[f == Family::kSm2 ? 0 : 1];
    if (!slot) slot = new OsslOcspPeer(MakeOcspPeer(f));
    p = slot;
  }
  FamilyData& d = Fx().Of(f);
  size_t i = 0;
  for (auto _ : state) {
    Bytes resp = OpensslOcspRespond(*p, d.requests_nonce[i++ % kNonceRequests]);
    benchmark::DoNotOptimize(resp.data());
  }
  SetOps(state);
}

// ---- issuance ----

void IssueHetong(benchmark::State& state, Family f) {
  Fixture& fx = Fx();
  FamilyData& d = fx.Of(f);
  pki::IssueRequest req;
  req.profile = pki::Profile::kPersonal;
  req.subject.Country("CN").CommonName("张三");
  req.emails = {"zhangsan@example.com"};
  req.subject_key = d.ee_public_key;
  for (auto _ : state) {
    auto cert = fx.ca->IssueForKey(req, CaName(f), d.ee_key_id);
    if (!cert.ok()) Die("IssueForKey failed");
    benchmark::DoNotOptimize(cert->der.data());
  }
  SetOps(state);
}

// ---- TSA ----

void CheckGranted(const Bytes& der, const char* what) {
  auto resp = Must(pki::ParseTimeStampResponse(der), what);
  if (resp.status != pki::kGranted || resp.token.empty()) Die(what);
}

void TsaHetong(benchmark::State& state, Family f) {
  Fixture& fx = Fx();
  const Bytes& req = fx.Of(f).tsa_request;
  if (state.thread_index() == 0) CheckGranted(fx.tsa->Respond(req), "hetong TSA");
  int64_t commits = fx.token_log->commits(), records = fx.token_log->records();
  for (auto _ : state) {
    Bytes resp = fx.tsa->Respond(req);
    benchmark::DoNotOptimize(resp.data());
  }
  SetOps(state);
  if (state.thread_index() == 0) {
    // Every thread has left the loop here (Google Benchmark waits for all at its end).
    int64_t c = fx.token_log->commits() - commits, r = fx.token_log->records() - records;
    state.counters["tok/commit"] = c > 0 ? static_cast<double>(r) / static_cast<double>(c) : 0.0;
  }
}

long NextTsSerial() {                  // NOLINT(google-runtime-int): OpenSSL's type
  static std::atomic<long> serial{1};  // NOLINT(google-runtime-int)
  return serial.fetch_add(1);
}

ASN1_INTEGER* SerialCallback(TS_RESP_CTX*, void*) {
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  if (!serial || !ASN1_INTEGER_set(serial, NextTsSerial())) Die("serial");
  return serial;
}

// A responder context like `openssl ts -reply` builds from its configuration: SHA-256 signer
// digest, ESS signing-certificate-v2 with SHA-256, the same policy, accuracy and millisecond
// precision as hetong's TSA, the TSA name, certReq honoured.
TS_RESP_CTX* MakeTsContext(const OsslIdentity& id) {
  TS_RESP_CTX* ctx = TS_RESP_CTX_new();
  if (!ctx) Die("TS_RESP_CTX_new");
  MustOssl(TS_RESP_CTX_set_signer_cert(ctx, id.x509), "TS signer cert");
  MustOssl(TS_RESP_CTX_set_signer_key(ctx, id.key.evp()), "TS signer key");
  MustOssl(TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()), "TS signer digest");
  MustOssl(TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()), "TS ESS digest");
  ASN1_OBJECT* policy = OBJ_txt2obj(std::string(pki::oid::kTsaPolicy).c_str(), 1);
  if (!policy) Die("policy");
  MustOssl(TS_RESP_CTX_set_def_policy(ctx, policy), "TS policy");
  ASN1_OBJECT_free(policy);
  MustOssl(TS_RESP_CTX_add_md(ctx, EVP_sha256()), "TS md");
  MustOssl(TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0), "TS accuracy");
  MustOssl(TS_RESP_CTX_set_clock_precision_digits(ctx, 3), "TS precision");
  TS_RESP_CTX_add_flags(ctx, TS_TSA_NAME);
  TS_RESP_CTX_set_serial_cb(ctx, SerialCallback, nullptr);
  return ctx;
}

Bytes OpensslTsRespond(TS_RESP_CTX* ctx, const Bytes& req_der) {
  BIO* in = BIO_new_mem_buf(req_der.data(), static_cast<int>(req_der.size()));
  if (!in) Die("BIO_new_mem_buf");
  TS_RESP* resp = TS_RESP_create_response(ctx, in);
  BIO_free(in);
  if (!resp) Die("TS_RESP_create_response");
  unsigned char* out = nullptr;
  int len = i2d_TS_RESP(resp, &out);
  if (len <= 0) Die("i2d_TS_RESP");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  TS_RESP_free(resp);
  return der;
}

void TsaOpenssl(benchmark::State& state) {
  Fixture& fx = Fx();
  const Bytes& req = fx.Of(Family::kRsa).tsa_request;
  TS_RESP_CTX* ctx = MakeTsContext(*fx.tsa_peer);  // one per thread: a context is not shared
  CheckGranted(OpensslTsRespond(ctx, req), "OpenSSL TS response");
  for (auto _ : state) {
    Bytes resp = OpensslTsRespond(ctx, req);
    benchmark::DoNotOptimize(resp.data());
  }
  TS_RESP_CTX_free(ctx);
  SetOps(state);
}

// ---- reference points ----

void RawSignOpenssl(benchmark::State& state, Family f) {
  Fixture& fx = Fx();
  EVP_PKEY* key = fx.Of(f).ocsp_peer.key.evp();
  Bytes msg(1024, 0x5a);
  uint8_t sig[512];
  for (auto _ : state) {
    EVP_MD_CTX* mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    MustOssl(
        EVP_DigestSignInit(mctx, &pctx, f == Family::kSm2 ? EVP_sm3() : EVP_sha256(), nullptr, key),
        "sign init");
    if (f == Family::kSm2 && EVP_PKEY_CTX_set1_id(pctx, crypto::kDefaultSm2Id.data(),
                                                  crypto::kDefaultSm2Id.size()) <= 0) {
      Die("set1_id");
    }
    size_t len = sizeof sig;
    MustOssl(EVP_DigestSign(mctx, sig, &len, msg.data(), msg.size()), "sign");
    EVP_MD_CTX_free(mctx);
    benchmark::DoNotOptimize(sig);
  }
  SetOps(state);
}

// What TimeStampAuthority::Issue spends on every token to turn its TSA certificate into the
// crypto::CertificateInfo that CmsSign takes (d2i_X509 and the public key decode).
void TsaCertParseHetong(benchmark::State& state, Family f) {
  Fixture& fx = Fx();
  pki::Certificate cert = fx.tsa->certificates().at(f == Family::kSm2 ? 0 : 1);  // a copy: by value
  for (auto _ : state) {
    auto info = crypto::ParseCertificateInfo(cert.der());
    if (!info.ok()) Die("ParseCertificateInfo failed");
    benchmark::DoNotOptimize(info->der.data());
  }
  SetOps(state);
}

void SqliteCommit(benchmark::State& state) {
  Fixture& fx = Fx();
  // A scratch table in the benchmark's own throw-away instance.
  Must(fx.instance->WithConnection([](store::Connection& c) {
    return c.Exec("CREATE TABLE IF NOT EXISTS bench_commit (v BLOB)");
  }),
       "create table");
  Bytes row(200, 0x33);
  for (auto _ : state) {
    Status s = fx.instance->WithConnection([&](store::Connection& c) -> Status {
      HETONG_ASSIGN_OR_RETURN(store::Statement st,
                              c.Prepare("INSERT INTO bench_commit (v) VALUES (?)"));
      st.Bind(1, ByteView(row));
      return st.Run();
    });
    if (!s.ok()) Die("insert");
  }
  SetOps(state);
}

// ---- registration ----

template <typename Fn, typename... Args>
benchmark::internal::Benchmark* Register(const std::string& name, Fn fn, Args... args) {
  return benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) { fn(st, args...); })
      ->UseRealTime();
}

}  // namespace

void RegisterPkiBenchmarks() {
  for (Family f : {Family::kSm2, Family::kRsa}) {
    std::string fam = f == Family::kSm2 ? "sm2" : "rsa3072";
    Register("ocsp/" + fam + "-nonce/hetong", OcspHetong, f, true);
    Register("ocsp/" + fam + "-nonce/openssl-ocsp-sign", OcspOpenssl, f);
    Register("ocsp-cached/" + fam + "/hetong", OcspHetong, f, false);
  }
  Register("ca-issue/sm2/hetong", IssueHetong, Family::kSm2);
  Register("ca-issue/rsa3072/hetong", IssueHetong, Family::kRsa);
  // 8 threads: as many requests in flight as `hetong serve` has workers by default, more than
  // the 2 CPUs, so that the group commit has company to batch while one request waits on fsync.
  Register("tsa/sm3-sm2/hetong", TsaHetong, Family::kSm2)->Threads(1)->Threads(2)->Threads(8);
  Register("tsa/sha256-rsa3072/hetong", TsaHetong, Family::kRsa)
      ->Threads(1)
      ->Threads(2)
      ->Threads(8);
  Register("tsa/sha256-rsa3072/openssl-ts", TsaOpenssl)->Threads(1)->Threads(2)->Threads(8);
  Register("raw-sign/sm2-1KiB/openssl", RawSignOpenssl, Family::kSm2);
  Register("raw-sign/rsa3072-1KiB/openssl", RawSignOpenssl, Family::kRsa);
  Register("sqlite-commit/1-row/hetong", SqliteCommit);
  Register("tsa-cert-parse/sm2/hetong", TsaCertParseHetong, Family::kSm2);
  Register("tsa-cert-parse/rsa3072/hetong", TsaCertParseHetong, Family::kRsa);
}

}  // namespace hetong::bench
