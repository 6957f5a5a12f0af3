// hetong_bench: benchmarks of hetong's crypto primitives, each beside a peer that does the
// same work through OpenSSL's EVP API directly, in the same run (CONVENTIONS: "compare
// against a peer run in the same session"). The PKI and TSA benchmarks of the same binary
// are in pki_bench.cc, the PDF ones in pdf_bench.cc; main() is here.
//
// Benchmark names are "<operation>/<size>/<implementation>": the implementation is "hetong"
// or names the peer, here starting with "openssl" (pdf_bench.cc adds "podofosign" and
// "pdfsig"); bench/report.py pairs them by the rest of the name. Peers:
// - SM3, SM4-ECB/CBC/CTR, SM2 sign/verify/encrypt/decrypt: the same OpenSSL algorithm,
//   one-shot per message (a fresh EVP context each time, as hetong's one-shot API does);
// - SM4-GCM: AES-128-GCM ("openssl-aes128gcm"), the nearest AEAD built into OpenSSL 3.0,
//   which has no SM4-GCM; the ratio then compares SM4-GCM with AES-GCM (AES-NI), not two
//   implementations of one algorithm;
// - collaborative signing: one plain SM2 sign plus one verify ("openssl-sign+verify"),
//   the single-party work that the two-party protocol replaces.
// Rows named "*-prefetched" have no hetong counterpart: OpenSSL with the algorithm fetched
// once and the context reused, the floor that a one-shot API over EVP could reach;
// "sm2-cosign-client-begin" (hetong only) is one step of the collaborative round trip.
// Bulk operations report bytes per second, public-key operations items (ops) per second.
//
// Only bench/ and crypto/ include <openssl/*.h>: bench/ needs raw EVP for the peers.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "bench_util.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "crypto/sm2.h"
#include "crypto/sm2_cosign.h"
#include "crypto/sm4.h"

namespace hetong::bench {
namespace {

using crypto::Padding;

// ---- fixtures ----

Bytes Pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 131 + 7);
  return b;
}

const SecretBytes& Sm4Key() {
  static const SecretBytes* key = new SecretBytes(SecretBytes::Copy(Pattern(16)));
  return *key;
}
const uint8_t* KeyBytes() { return Sm4Key().Reveal(SecretAccess::Unsafe()).data(); }
const Bytes& Iv16() {
  static const Bytes* iv = new Bytes(Pattern(16));
  return *iv;
}
const Bytes& Iv12() {
  static const Bytes* iv = new Bytes(Pattern(12));
  return *iv;
}

// One SM2 key for every public-key benchmark.
const crypto::PrivateKey& Sm2Key() {
  static const crypto::PrivateKey* key =
      new crypto::PrivateKey(Must(crypto::PrivateKey::Generate(crypto::KeySpec::kSm2), "keygen"));
  return *key;
}

// A 32-byte message: what a signer usually signs (a document digest).
const Bytes& Message() {
  static const Bytes* m = new Bytes(Pattern(32));
  return *m;
}

using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using EvpCipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;

void SetBytes(benchmark::State& state, size_t size) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(size));
}

// ---- SM3 ----

void Sm3Hetong(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  for (auto _ : state) {
    Bytes d = crypto::Sm3(in);
    benchmark::DoNotOptimize(d.data());
  }
  SetBytes(state, size);
}

void Sm3Openssl(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  uint8_t out[EVP_MAX_MD_SIZE];
  for (auto _ : state) {
    unsigned int n = 0;
    MustOssl(EVP_Digest(in.data(), in.size(), out, &n, EVP_sm3(), nullptr), "EVP_Digest");
    benchmark::DoNotOptimize(out);
  }
  SetBytes(state, size);
}

// Reference point without a hetong counterpart: the EVP floor for a one-shot hash, with the
// algorithm fetched once and one context reused (OpenSSL 3.0 otherwise fetches the
// implementation by name on every init).
void Sm3OpensslPrefetched(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SM3", nullptr),
                                                     EVP_MD_free);
  if (!md) Die("EVP_MD_fetch");
  EvpMdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  uint8_t out[EVP_MAX_MD_SIZE];
  for (auto _ : state) {
    unsigned int n = 0;
    MustOssl(EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr), "init");
    MustOssl(EVP_DigestUpdate(ctx.get(), in.data(), in.size()), "update");
    MustOssl(EVP_DigestFinal_ex(ctx.get(), out, &n), "final");
    benchmark::DoNotOptimize(out);
  }
  SetBytes(state, size);
}

// ---- SM4 ECB / CBC / CTR ----

enum class Mode { kEcb, kCbc, kCtr };

void Sm4Hetong(benchmark::State& state, Mode mode, size_t size) {
  Bytes in = Pattern(size);
  for (auto _ : state) {
    StatusOr<Bytes> out = mode == Mode::kEcb ? crypto::Sm4EcbEncrypt(Sm4Key(), in, Padding::kNone)
                          : mode == Mode::kCbc
                              ? crypto::Sm4CbcEncrypt(Sm4Key(), Iv16(), in, Padding::kNone)
                              : crypto::Sm4Ctr(Sm4Key(), Iv16(), in);
    if (!out.ok()) Die("SM4 failed");
    benchmark::DoNotOptimize(out->data());
  }
  SetBytes(state, size);
}

void Sm4Openssl(benchmark::State& state, Mode mode, size_t size) {
  Bytes in = Pattern(size);
  const EVP_CIPHER* cipher = mode == Mode::kEcb   ? EVP_sm4_ecb()
                             : mode == Mode::kCbc ? EVP_sm4_cbc()
                                                  : EVP_sm4_ctr();
  const uint8_t* iv = mode == Mode::kEcb ? nullptr : Iv16().data();
  Bytes out(size + 16);
  for (auto _ : state) {
    EvpCipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n1 = 0, n2 = 0;
    MustOssl(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, KeyBytes(), iv), "init");
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    MustOssl(EVP_EncryptUpdate(ctx.get(), out.data(), &n1, in.data(), static_cast<int>(size)),
             "update");
    MustOssl(EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2), "final");
    benchmark::DoNotOptimize(out.data());
  }
  SetBytes(state, size);
}

// Reference point: SM4-CBC with the cipher fetched once and one context re-keyed per message.
void Sm4CbcOpensslPrefetched(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  std::unique_ptr<EVP_CIPHER, decltype(&EVP_CIPHER_free)> cipher(
      EVP_CIPHER_fetch(nullptr, "SM4-CBC", nullptr), EVP_CIPHER_free);
  if (!cipher) Die("EVP_CIPHER_fetch");
  EvpCipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  Bytes out(size + 16);
  for (auto _ : state) {
    int n1 = 0, n2 = 0;
    MustOssl(EVP_EncryptInit_ex2(ctx.get(), cipher.get(), KeyBytes(), Iv16().data(), nullptr),
             "init");
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    MustOssl(EVP_EncryptUpdate(ctx.get(), out.data(), &n1, in.data(), static_cast<int>(size)),
             "update");
    MustOssl(EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2), "final");
    benchmark::DoNotOptimize(out.data());
  }
  SetBytes(state, size);
}

// ---- SM4-GCM (peer: AES-128-GCM) ----

void Sm4GcmHetong(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  for (auto _ : state) {
    auto out = crypto::Sm4GcmEncrypt(Sm4Key(), Iv12(), {}, in);
    if (!out.ok()) Die("SM4-GCM failed");
    benchmark::DoNotOptimize(out->data());
  }
  SetBytes(state, size);
}

void Aes128GcmOpenssl(benchmark::State& state, size_t size) {
  Bytes in = Pattern(size);
  Bytes out(size + 16);
  for (auto _ : state) {
    EvpCipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n1 = 0, n2 = 0;
    MustOssl(EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, KeyBytes(), Iv12().data()),
             "init");
    MustOssl(EVP_EncryptUpdate(ctx.get(), out.data(), &n1, in.data(), static_cast<int>(size)),
             "update");
    MustOssl(EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2), "final");
    MustOssl(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + size), "tag");
    benchmark::DoNotOptimize(out.data());
  }
  SetBytes(state, size);
}

// ---- SM2 sign / verify ----

void Sm2SignHetong(benchmark::State& state) {
  auto signer = Must(crypto::NewSigner(Sm2Key()), "signer");
  for (auto _ : state) {
    auto sig = signer->Sign(Message());
    if (!sig.ok()) Die("sign failed");
    benchmark::DoNotOptimize(sig->data());
  }
  SetOps(state);
}

// EVP_DigestSign with SM3 and the GM/T 0009 default ID: what hetong's Signer wraps.
size_t OpensslSm2Sign(EVP_PKEY* pkey, const Bytes& msg, uint8_t* sig, size_t cap) {
  EvpMdCtx mctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  MustOssl(EVP_DigestSignInit(mctx.get(), &pctx, EVP_sm3(), nullptr, pkey), "sign init");
  if (EVP_PKEY_CTX_set1_id(pctx, crypto::kDefaultSm2Id.data(), crypto::kDefaultSm2Id.size()) <= 0) {
    Die("set1_id");
  }
  size_t len = cap;
  MustOssl(EVP_DigestSign(mctx.get(), sig, &len, msg.data(), msg.size()), "sign");
  return len;
}

bool OpensslSm2Verify(EVP_PKEY* pkey, const Bytes& msg, const uint8_t* sig, size_t len) {
  EvpMdCtx mctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  MustOssl(EVP_DigestVerifyInit(mctx.get(), &pctx, EVP_sm3(), nullptr, pkey), "verify init");
  if (EVP_PKEY_CTX_set1_id(pctx, crypto::kDefaultSm2Id.data(), crypto::kDefaultSm2Id.size()) <= 0) {
    Die("set1_id");
  }
  return EVP_DigestVerify(mctx.get(), sig, len, msg.data(), msg.size()) == 1;
}

void Sm2SignOpenssl(benchmark::State& state) {
  EVP_PKEY* pkey = Sm2Key().evp();
  uint8_t sig[128];
  for (auto _ : state) {
    size_t len = OpensslSm2Sign(pkey, Message(), sig, sizeof sig);
    benchmark::DoNotOptimize(len);
  }
  SetOps(state);
}

const Bytes& Sm2Signature() {
  static const Bytes* sig = [] {
    auto signer = Must(crypto::NewSigner(Sm2Key()), "signer");
    return new Bytes(Must(signer->Sign(Message()), "sign"));
  }();
  return *sig;
}

void Sm2VerifyHetong(benchmark::State& state) {
  const crypto::PublicKey& pub = Sm2Key().public_key();
  for (auto _ : state) {
    Status s = crypto::VerifySignature(pub, crypto::SignatureAlgorithm::kSm2Sm3, Message(),
                                       Sm2Signature());
    if (!s.ok()) Die("verify failed");
  }
  SetOps(state);
}

void Sm2VerifyOpenssl(benchmark::State& state) {
  EVP_PKEY* pkey = Sm2Key().public_key().evp();
  const Bytes& sig = Sm2Signature();
  for (auto _ : state) {
    if (!OpensslSm2Verify(pkey, Message(), sig.data(), sig.size())) Die("verify failed");
  }
  SetOps(state);
}

// ---- SM2 encrypt / decrypt (a 32-byte plaintext, the size of a wrapped symmetric key) ----

void Sm2EncryptHetong(benchmark::State& state) {
  const crypto::PublicKey& pub = Sm2Key().public_key();
  for (auto _ : state) {
    auto ct = crypto::Sm2Encrypt(pub, Message());
    if (!ct.ok()) Die("encrypt failed");
    benchmark::DoNotOptimize(ct->data());
  }
  SetOps(state);
}

void Sm2EncryptOpenssl(benchmark::State& state) {
  EVP_PKEY* pkey = Sm2Key().public_key().evp();
  uint8_t out[256];
  for (auto _ : state) {
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new(pkey, nullptr), EVP_PKEY_CTX_free);
    MustOssl(EVP_PKEY_encrypt_init(ctx.get()), "encrypt init");
    size_t len = sizeof out;
    MustOssl(EVP_PKEY_encrypt(ctx.get(), out, &len, Message().data(), Message().size()), "encrypt");
    benchmark::DoNotOptimize(out);
  }
  SetOps(state);
}

const Bytes& Sm2Ciphertext() {
  static const Bytes* ct =
      new Bytes(Must(crypto::Sm2Encrypt(Sm2Key().public_key(), Message()), "encrypt"));
  return *ct;
}

void Sm2DecryptHetong(benchmark::State& state) {
  for (auto _ : state) {
    auto pt = crypto::Sm2Decrypt(Sm2Key(), Sm2Ciphertext());
    if (!pt.ok()) Die("decrypt failed");
    benchmark::DoNotOptimize(pt->size());
  }
  SetOps(state);
}

void Sm2DecryptOpenssl(benchmark::State& state) {
  EVP_PKEY* pkey = Sm2Key().evp();
  const Bytes& ct = Sm2Ciphertext();
  uint8_t out[256];
  for (auto _ : state) {
    EvpPkeyCtx ctx(EVP_PKEY_CTX_new(pkey, nullptr), EVP_PKEY_CTX_free);
    MustOssl(EVP_PKEY_decrypt_init(ctx.get()), "decrypt init");
    size_t len = sizeof out;
    MustOssl(EVP_PKEY_decrypt(ctx.get(), out, &len, ct.data(), ct.size()), "decrypt");
    benchmark::DoNotOptimize(out);
  }
  SetOps(state);
}

// ---- two-party collaborative signing (GM/Y 5013-2024 §5.3.3.2.2) ----

struct CosignPair {
  crypto::Sm2CosignClient client;
  crypto::Sm2CosignServer server;
};

CosignPair& Cosign() {
  static CosignPair* pair = [] {
    auto client = Must(crypto::Sm2CosignClient::Generate(), "cosign client");
    auto server = Must(crypto::Sm2CosignServer::Generate(), "cosign server");
    Bytes response = Must(server.HandleKeygen(client.KeygenRequest()), "cosign keygen");
    Must(client.FinishKeygen(response), "cosign keygen");
    return new CosignPair{std::move(client), std::move(server)};
  }();
  return *pair;
}

// Client request -> server commitment -> client challenge -> server response -> client
// combines and verifies: everything but the network.
void CosignRoundTripHetong(benchmark::State& state) {
  CosignPair& p = Cosign();
  for (auto _ : state) {
    auto cs = Must(p.client.BeginSign(Message()), "begin");
    auto ss = Must(p.server.BeginSign(cs->request()), "server begin");
    Bytes challenge = Must(cs->Respond(ss->commitment()), "respond");
    Bytes response = Must(ss->Respond(challenge), "server respond");
    Bytes sig = Must(cs->Finish(response), "finish");
    benchmark::DoNotOptimize(sig.data());
  }
  SetOps(state);
}

void SignVerifyOpenssl(benchmark::State& state) {
  EVP_PKEY* pkey = Sm2Key().evp();
  EVP_PKEY* pub = Sm2Key().public_key().evp();
  uint8_t sig[128];
  for (auto _ : state) {
    size_t len = OpensslSm2Sign(pkey, Message(), sig, sizeof sig);
    if (!OpensslSm2Verify(pub, Message(), sig, len)) Die("verify failed");
  }
  SetOps(state);
}

// ---- parsing a public key (every signature check starts from a certificate's key) ----

void SpkiParseHetong(benchmark::State& state) {
  Bytes spki = Sm2Key().public_key().ToSpkiDer();
  for (auto _ : state) {
    auto key = crypto::PublicKey::FromSpkiDer(spki);
    if (!key.ok()) Die("parse failed");
  }
  SetOps(state);
}

void SpkiParseOpenssl(benchmark::State& state) {
  Bytes spki = Sm2Key().public_key().ToSpkiDer();
  for (auto _ : state) {
    const unsigned char* p = spki.data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));  // NOLINT
    if (!key) Die("d2i_PUBKEY failed");
    EVP_PKEY_free(key);
  }
  SetOps(state);
}

// One step of the round trip alone: the client's BeginSign (which rebuilds and re-checks
// the joint public key before computing e = SM3(Z || M)).
void CosignClientBeginHetong(benchmark::State& state) {
  CosignPair& p = Cosign();
  for (auto _ : state) {
    auto cs = Must(p.client.BeginSign(Message()), "begin");
    benchmark::DoNotOptimize(cs->request().data());
  }
  SetOps(state);
}

// ---- registration ----

struct Size {
  size_t bytes;
  const char* label;
};
constexpr Size kSizes[] = {{16, "16B"}, {1024, "1KiB"}, {1 << 20, "1MiB"}};

template <typename Fn, typename... Args>
void Register(const std::string& name, Fn fn, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) { fn(st, args...); });
}

}  // namespace

void RegisterCryptoBenchmarks() {
  for (const Size& s : kSizes) {
    std::string size = s.label;
    Register("sm3/" + size + "/hetong", Sm3Hetong, s.bytes);
    Register("sm3/" + size + "/openssl", Sm3Openssl, s.bytes);
  }
  struct ModeName {
    Mode mode;
    const char* name;
  };
  for (ModeName m : {ModeName{Mode::kEcb, "sm4-ecb"}, ModeName{Mode::kCbc, "sm4-cbc"},
                     ModeName{Mode::kCtr, "sm4-ctr"}}) {
    for (const Size& s : kSizes) {
      std::string base = std::string(m.name) + "/" + s.label;
      Register(base + "/hetong", Sm4Hetong, m.mode, s.bytes);
      Register(base + "/openssl", Sm4Openssl, m.mode, s.bytes);
    }
  }
  for (const Size& s : kSizes) {
    std::string base = std::string("sm4-gcm/") + s.label;
    Register(base + "/hetong", Sm4GcmHetong, s.bytes);
    Register(base + "/openssl-aes128gcm", Aes128GcmOpenssl, s.bytes);
  }
  // Reference points (no hetong counterpart): what a one-shot API over EVP could reach.
  for (const Size& s : {kSizes[0], kSizes[1]}) {
    Register(std::string("sm3-prefetched/") + s.label + "/openssl", Sm3OpensslPrefetched, s.bytes);
    Register(std::string("sm4-cbc-prefetched/") + s.label + "/openssl", Sm4CbcOpensslPrefetched,
             s.bytes);
  }
  Register("sm2-sign/32B/hetong", Sm2SignHetong);
  Register("sm2-sign/32B/openssl", Sm2SignOpenssl);
  Register("sm2-verify/32B/hetong", Sm2VerifyHetong);
  Register("sm2-verify/32B/openssl", Sm2VerifyOpenssl);
  Register("sm2-encrypt/32B/hetong", Sm2EncryptHetong);
  Register("sm2-encrypt/32B/openssl", Sm2EncryptOpenssl);
  Register("sm2-decrypt/32B/hetong", Sm2DecryptHetong);
  Register("sm2-decrypt/32B/openssl", Sm2DecryptOpenssl);
  Register("spki-parse/SM2/hetong", SpkiParseHetong);
  Register("spki-parse/SM2/openssl", SpkiParseOpenssl);
  Register("sm2-cosign-roundtrip/32B/hetong", CosignRoundTripHetong);
  Register("sm2-cosign-roundtrip/32B/openssl-sign+verify", SignVerifyOpenssl);
  Register("sm2-cosign-client-begin/32B/hetong", CosignClientBeginHetong);
}

}  // namespace hetong::bench

int main(int argc, char** argv) {
  if (int rc = hetong::bench::WritePdfFixture(argc, argv); rc >= 0) return rc;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  hetong::bench::RegisterCryptoBenchmarks();
  hetong::bench::RegisterPkiBenchmarks();
  hetong::bench::RegisterPdfBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
