// hetong_bench, PDF part: PAdES signing and verification (document/pdf/signer.h, verifier.h) on
// test PDFs of 1 and 100 pages (document/pdf/test_pdf.h, made once in a temporary directory),
// with the keys, CAs, CRLs and in-process TSA of document/pdf/pdf_test_env.h, each beside a
// peer where one exists. Two kinds of rows:
//
// In process (a function call; counter "cpu_ms": this process's CPU time per operation, the
// rest of the wall-clock time is mostly waiting for fsync):
// - pdf-sign/<pages>-<key>-<level>/hetong: SignPdf, invisible signature, into a new file
//   (copy, incremental update, streamed hash, CMS, fsync, rename). B-B with RSA-2048 and SM2;
//   B-T adds a signature time-stamp from the in-process TSA (no network, no database).
//   Peer "openssl-cms" (RSA only): OpenSSL's CMS_sign, detached, over the whole input file read
//   through a file BIO, with the issuing CA certificate: the cryptographic floor of any PDF
//   signer (hash the file, sign), without the PDF work.
// - pdf-verify/<pages>-<key>-<level>/hetong: VerifyPdf of a file signed above, with the test
//   root as anchor and the captured CRLs as the online revocation checker (nothing touches the
//   network); every run is checked to be TOTAL_PASSED. No peer in process.
//
// As subprocesses (spawn + exec + wait, what a user or a script pays; counter "child_cpu_ms":
// the child's user + system CPU time from wait4. Not its peak RSS: a child spawned from this
// process inherits this process's high-water mark at exec. bench/pdf_bench.sh measures the peak
// RSS, with GNU time):
// - pdf-sign-cli/<pages>-rsa2048-B-B/hetong: `hetong pdf sign --key --cert --chain --level B-B`
//   with the same RSA-2048 signer, its key written as PKCS#8 PEM. Peer "podofosign":
//   `podofosign -in -out -cert -pkey -digest sha256` (PoDoFo 0.9.8 with OpenSSL) on the same
//   file. These are the rows that compare with podofosign.
// - pdf-verify-cli/<pages>-rsa2048-B-B/hetong: `hetong verify --offline --trust root.pem` of
//   hetong's output (B-B, no revocation data in the file: the result is INDETERMINATE, every
//   step but the revocation check is done). Peer "pdfsig-nocert": poppler's `pdfsig -nocert
//   -no-ocsp` on the same file, which checks the digest and the CMS signature but no
//   certificate path.
// - process-start/exec/hetong: `hetong --version`; peer "podofosign" without arguments (it
//   prints its usage): the cost of starting each program, part of every subprocess row.
//
// Every row reports wall-clock time (UseRealTime): signing waits for fsync, and a subprocess's
// work is not this process's CPU time. The subprocess programs are found through HETONG_BIN
// (default: the hetong built beside this binary), PODOFOSIGN and PDFSIG (default: looked up in
// PATH); a missing one skips its rows.
//
// `hetong_bench --pdf_fixture=DIR [--pdf_fixture_pages=N] [--pdf_fixture_padding=BYTES]`
// writes DIR/in.pdf and the RSA signer's PEM files (signer.key, signer.pem, ca.pem, root.pem)
// and exits: bench/pdf_bench.sh uses it for the 100 MB file.
//
// Only bench/ and crypto/ include <openssl/*.h>: bench/ needs OpenSSL's CMS API for the peer.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/x509.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/file.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "bench_util.h"
#include "document/pdf/pdf_test_env.h"
#include "document/pdf/report.h"
#include "document/pdf/signer.h"
#include "document/pdf/test_pdf.h"
#include "document/pdf/verifier.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): for posix_spawn

namespace hetong::bench {
namespace {

namespace pdf = document::pdf;
using pdf::testing::PdfTestEnv;

// ---- files ----

struct Identity {
  std::string key, cert, ca, root;  // PEM files
};

// The RSA signer of PdfTestEnv as PEM files in `dir`; the key file is 0600.
Identity WriteIdentity(const std::string& dir) {
  PdfTestEnv& env = PdfTestEnv::Get();
  Identity id{dir + "/signer.key", dir + "/signer.pem", dir + "/ca.pem", dir + "/root.pem"};
  SecretBytes key = Must(env.Key("rsa", "signer").key.ToPkcs8Pem(), "PKCS#8 PEM");
  Must(base::WriteFileAtomic(id.key, key.Reveal(SecretAccess::Unsafe()), 0600), "write key");
  Must(base::WriteFileAtomic(id.cert, AsBytes(env.Cert("rsa").ToPem())), "write certificate");
  Must(base::WriteFileAtomic(id.ca, AsBytes(env.Cert("rsa", "ca").ToPem())), "write CA");
  Must(base::WriteFileAtomic(id.root, AsBytes(env.Cert("rsa", "root").ToPem())), "write root");
  return id;
}

enum class Pages { k1, k100 };
constexpr Pages kPages[] = {Pages::k1, Pages::k100};
int PageCount(Pages p) { return p == Pages::k1 ? 1 : 100; }
std::string PagesLabel(Pages p) { return std::to_string(PageCount(p)) + "p"; }
size_t Index(Pages p) { return p == Pages::k1 ? 0 : 1; }

// One signed file per (pages, family, level) that the verification rows read.
struct SignedFiles {
  std::string rsa_bb, sm2_bb, rsa_bt, cli_bb;  // cli_bb: made by `hetong pdf sign`
};

struct Fixture {
  std::string dir;
  std::string input[2];  // 1 page, 100 pages
  SignedFiles signed_files[2];
  Identity id;
};

std::string HetongBin() {
  const char* bin = std::getenv("HETONG_BIN");
  return bin && *bin ? bin : HETONG_BIN_DEFAULT;
}
std::string ProgramFromEnv(const char* var, const char* fallback) {
  const char* p = std::getenv(var);
  return p && *p ? p : fallback;
}

// ---- subprocesses ----

struct Child {
  int exit_code = -1;  // -1: not started, or killed by a signal
  double cpu_seconds = 0;
};

// Runs argv (argv[0] looked up in PATH) with stdin from /dev/null and stdout and stderr into
// `log` (truncated), and waits for it.
Child Run(const std::vector<std::string>& argv, const std::string& log) {
  Child c;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return c;
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) Die("wait4");
  }
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  return c;
}

std::string ReadLog(const std::string& log) {
  auto text = base::ReadFileToString(log);
  return text.ok() ? *text : "";
}

// Runs a subprocess once outside the measurement: it must exit with `want_exit` (any code when
// negative; that code is then the one every timed run must give) and its output must contain
// `expect`. Returns the exit code, or -1 when the program cannot be started (the caller skips
// the row).
int Probe(const std::vector<std::string>& argv, const std::string& log, const char* expect,
          int want_exit) {
  Child c = Run(argv, log);
  if (c.exit_code < 0) return -1;
  std::string out = ReadLog(log);
  if (out.find(expect) == std::string::npos || (want_exit >= 0 && c.exit_code != want_exit)) {
    std::fprintf(stderr,
                 "hetong_bench: %s exited with %d; expected %d and \"%s\" in its output:\n%s\n",
                 argv[0].c_str(), c.exit_code, want_exit, expect, out.c_str());
    std::abort();
  }
  return c.exit_code;
}

// ---- the fixture ----

pdf::ValidationReport VerifyOrDie(const std::string& path, const char* what) {
  auto rep = Must(pdf::VerifyPdf(path, PdfTestEnv::Get().VerifyOptions(true)), what);
  if (!rep.AllPassed()) {
    std::fprintf(stderr, "hetong_bench: %s: not TOTAL_PASSED:\n%s\n", what, rep.ToText().c_str());
    std::abort();
  }
  return rep;
}

std::string SignOnce(const std::string& in, const std::string& out, const std::string& family,
                     pdf::PadesLevel level) {
  PdfTestEnv& env = PdfTestEnv::Get();
  Must(pdf::SignPdf(in, out, env.SignerOf(family), env.Cert(family), env.Options(family, level)),
       "SignPdf");
  return out;
}

std::vector<std::string> HetongSignArgs(const Fixture& fx, const std::string& in,
                                        const std::string& out) {
  return {HetongBin(), "pdf",    "sign",     "--in",    in,       "--out",   out,  "--key",
          fx.id.key,   "--cert", fx.id.cert, "--chain", fx.id.ca, "--level", "B-B"};
}

Fixture* CreateFixture() {
  spdlog::set_level(spdlog::level::warn);
  auto* fx = new Fixture();
  fx->dir = MakeBenchDir("hetong-pdf-bench");  // the fixture lives as long as the process
  fx->id = WriteIdentity(fx->dir);
  for (Pages p : kPages) {
    size_t i = Index(p);
    std::string base = fx->dir + "/" + PagesLabel(p);
    pdf::testing::TestPdfSpec spec;
    spec.pages = PageCount(p);
    fx->input[i] = base + ".pdf";
    Must(pdf::testing::WriteTestPdf(fx->input[i], spec), "WriteTestPdf");
    SignedFiles& s = fx->signed_files[i];
    s.rsa_bb = SignOnce(fx->input[i], base + "-rsa-bb.pdf", "rsa", pdf::PadesLevel::kBB);
    s.sm2_bb = SignOnce(fx->input[i], base + "-sm2-bb.pdf", "sm2", pdf::PadesLevel::kBB);
    s.rsa_bt = SignOnce(fx->input[i], base + "-rsa-bt.pdf", "rsa", pdf::PadesLevel::kBT);
    for (const std::string* f : {&s.rsa_bb, &s.sm2_bb, &s.rsa_bt}) VerifyOrDie(*f, "setup");
    // The command line's output, signed with the same key: what the verify-cli rows read (and
    // a check that the PEM files are right).
    s.cli_bb = base + "-cli-bb.pdf";
    Child c = Run(HetongSignArgs(*fx, fx->input[i], s.cli_bb), base + "-cli.log");
    if (c.exit_code == 0) {
      VerifyOrDie(s.cli_bb, "hetong pdf sign output");
    } else {
      std::fprintf(stderr, "hetong_bench: `%s pdf sign` failed (%d): %s\n", HetongBin().c_str(),
                   c.exit_code, ReadLog(base + "-cli.log").c_str());
      s.cli_bb.clear();  // the verify-cli rows skip
    }
  }
  return fx;
}

Fixture& Fx() {
  static Fixture* fx = CreateFixture();
  return *fx;
}

// ---- in process ----

double ProcessCpuSeconds() {
  timespec ts{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) Die("clock_gettime");
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Sets the rate and the "cpu_ms" counter (CPU time per operation).
void SetCpuCounter(benchmark::State& state, double cpu_seconds) {
  SetOps(state);
  state.counters["cpu_ms"] =
      benchmark::Counter(cpu_seconds * 1e3 / static_cast<double>(state.iterations()));
}

void SignHetong(benchmark::State& state, Pages p, const std::string& family,
                pdf::PadesLevel level) {
  Fixture& fx = Fx();
  PdfTestEnv& env = PdfTestEnv::Get();
  const std::string& in = fx.input[Index(p)];
  std::string out = fx.dir + "/out-" + PagesLabel(p) + "-" + family + ".pdf";
  pdf::PdfSignOptions options = env.Options(family, level);
  double cpu = ProcessCpuSeconds();
  for (auto _ : state) {
    auto r = pdf::SignPdf(in, out, env.SignerOf(family), env.Cert(family), options);
    if (!r.ok()) Die("SignPdf failed");
    benchmark::DoNotOptimize(r->output_bytes);
  }
  SetCpuCounter(state, ProcessCpuSeconds() - cpu);
  VerifyOrDie(out, "benchmark output");  // the last file written
}

// CMS_sign over the whole file, detached, SHA-256 with the signer's key, the CA certificate
// included: the hashing and signing that any PDF signer must do, without the PDF.
void SignOpensslCms(benchmark::State& state, Pages p) {
  Fixture& fx = Fx();
  PdfTestEnv& env = PdfTestEnv::Get();
  const pki::Certificate& cert = env.Cert("rsa");
  const pki::Certificate& ca = env.Cert("rsa", "ca");
  const unsigned char* q = cert.der().data();
  X509* x = d2i_X509(nullptr, &q, static_cast<long>(cert.der().size()));  // NOLINT
  q = ca.der().data();
  X509* xca = d2i_X509(nullptr, &q, static_cast<long>(ca.der().size()));  // NOLINT
  STACK_OF(X509)* chain = sk_X509_new_null();
  if (!x || !xca || !chain || !sk_X509_push(chain, xca)) Die("certificates");
  EVP_PKEY* key = env.Key("rsa", "signer").key.evp();
  const std::string& in = fx.input[Index(p)];
  double cpu = ProcessCpuSeconds();
  for (auto _ : state) {
    BIO* data = BIO_new_file(in.c_str(), "rb");
    if (!data) Die("BIO_new_file");
    CMS_ContentInfo* cms = CMS_sign(x, key, chain, data, CMS_DETACHED | CMS_BINARY);
    if (!cms) Die("CMS_sign");
    unsigned char* der = nullptr;
    int len = i2d_CMS_ContentInfo(cms, &der);
    if (len <= 0) Die("i2d_CMS_ContentInfo");
    benchmark::DoNotOptimize(der);
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(data);
  }
  SetCpuCounter(state, ProcessCpuSeconds() - cpu);
  sk_X509_pop_free(chain, X509_free);
  X509_free(x);
}

void VerifyHetong(benchmark::State& state, Pages p, std::string SignedFiles::*which) {
  Fixture& fx = Fx();
  const std::string& path = fx.signed_files[Index(p)].*which;
  pdf::PdfVerifyOptions options = PdfTestEnv::Get().VerifyOptions(true);
  double cpu = ProcessCpuSeconds();
  for (auto _ : state) {
    auto rep = pdf::VerifyPdf(path, options);
    if (!rep.ok() || !rep->AllPassed()) Die("VerifyPdf: not TOTAL_PASSED");
    benchmark::DoNotOptimize(rep->signatures.data());
  }
  SetCpuCounter(state, ProcessCpuSeconds() - cpu);
}

// ---- subprocesses ----

// Times `argv` as a subprocess; every run must exit with the code of the probe run (Probe).
void TimeChild(benchmark::State& state, const std::vector<std::string>& argv,
               const std::string& log, const char* expect, int want_exit) {
  int expected = Probe(argv, log, expect, want_exit);
  if (expected < 0) {
    state.SkipWithError((argv[0] + " cannot be started").c_str());
    return;
  }
  double cpu = 0;
  for (auto _ : state) {
    Child c = Run(argv, log);
    if (c.exit_code != expected) {
      std::fprintf(stderr, "hetong_bench: %s exited with %d (probe: %d):\n%s\n", argv[0].c_str(),
                   c.exit_code, expected, ReadLog(log).c_str());
      std::abort();
    }
    cpu += c.cpu_seconds;
  }
  SetOps(state);
  state.counters["child_cpu_ms"] =
      benchmark::Counter(cpu * 1e3 / static_cast<double>(state.iterations()));
}

void SignCliHetong(benchmark::State& state, Pages p) {
  Fixture& fx = Fx();
  std::string base = fx.dir + "/cli-" + PagesLabel(p);
  TimeChild(state, HetongSignArgs(fx, fx.input[Index(p)], base + ".pdf"), base + ".log", "signed ",
            0);
  if (!state.error_occurred()) VerifyOrDie(base + ".pdf", "hetong pdf sign output");
}

void SignCliPodofo(benchmark::State& state, Pages p) {
  Fixture& fx = Fx();
  std::string base = fx.dir + "/podofo-" + PagesLabel(p);
  std::string bin = ProgramFromEnv("PODOFOSIGN", "podofosign");
  // podofosign prints nothing on success.
  TimeChild(state,
            {bin, "-in", fx.input[Index(p)], "-out", base + ".pdf", "-cert", fx.id.cert, "-pkey",
             fx.id.key, "-digest", "sha256"},
            base + ".log", "", 0);
  if (state.error_occurred()) return;
  // Its output must hold a valid signature (hetong reads adbe.pkcs7.detached as level PKCS7).
  // podofosign embeds only the signer's certificate: the CA's is given to the verifier.
  pdf::PdfVerifyOptions options = PdfTestEnv::Get().VerifyOptions(true);
  options.intermediates.push_back(PdfTestEnv::Get().Cert("rsa", "ca"));
  auto rep = Must(pdf::VerifyPdf(base + ".pdf", options), "verify podofosign output");
  if (rep.signatures.size() != 1 || rep.signatures[0].indication != pdf::Indication::kTotalPassed) {
    std::fprintf(stderr, "hetong_bench: podofosign output:\n%s\n", rep.ToText().c_str());
    std::abort();
  }
}

void VerifyCliHetong(benchmark::State& state, Pages p) {
  Fixture& fx = Fx();
  const std::string& file = fx.signed_files[Index(p)].cli_bb;
  if (file.empty()) return state.SkipWithError("no file signed by hetong pdf sign");
  // Offline, a B-B file has no revocation data: INDETERMINATE, after every other check.
  TimeChild(state, {HetongBin(), "verify", "--offline", "--trust", fx.id.root, file},
            fx.dir + "/verify-cli.log", "INDETERMINATE", 1);
}

void VerifyCliPdfsig(benchmark::State& state, Pages p) {
  Fixture& fx = Fx();
  const std::string& file = fx.signed_files[Index(p)].cli_bb;
  if (file.empty()) return state.SkipWithError("no file signed by hetong pdf sign");
  TimeChild(state, {ProgramFromEnv("PDFSIG", "pdfsig"), "-nocert", "-no-ocsp", file},
            fx.dir + "/pdfsig.log", "Signature is Valid", -1);
}

void StartHetong(benchmark::State& state) {
  TimeChild(state, {HetongBin(), "--version"}, Fx().dir + "/start-hetong.log", "hetong ", 0);
}

void StartPodofo(benchmark::State& state) {
  TimeChild(state, {ProgramFromEnv("PODOFOSIGN", "podofosign")}, Fx().dir + "/start-podofo.log",
            "Usage: podofosign", -1);
}

// ---- registration ----

template <typename Fn, typename... Args>
void Register(const std::string& name, Fn fn, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& st) {
    fn(st, args...);
  })->UseRealTime();
}

// --name=value of argv, or nullptr.
const char* Flag(int argc, char** argv, const char* name) {
  size_t n = std::strlen(name);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
  }
  return nullptr;
}

}  // namespace

void RegisterPdfBenchmarks() {
  for (Pages p : kPages) {
    std::string pages = PagesLabel(p);
    Register("pdf-sign/" + pages + "-rsa2048-B-B/hetong", SignHetong, p, std::string("rsa"),
             pdf::PadesLevel::kBB);
    Register("pdf-sign/" + pages + "-rsa2048-B-B/openssl-cms", SignOpensslCms, p);
    Register("pdf-sign/" + pages + "-sm2-B-B/hetong", SignHetong, p, std::string("sm2"),
             pdf::PadesLevel::kBB);
  }
  Register("pdf-sign/1p-rsa2048-B-T/hetong", SignHetong, Pages::k1, std::string("rsa"),
           pdf::PadesLevel::kBT);
  Register("pdf-sign/1p-sm2-B-T/hetong", SignHetong, Pages::k1, std::string("sm2"),
           pdf::PadesLevel::kBT);
  for (Pages p : kPages) {
    std::string pages = PagesLabel(p);
    Register("pdf-verify/" + pages + "-rsa2048-B-B/hetong", VerifyHetong, p, &SignedFiles::rsa_bb);
    Register("pdf-verify/" + pages + "-sm2-B-B/hetong", VerifyHetong, p, &SignedFiles::sm2_bb);
  }
  Register("pdf-verify/1p-rsa2048-B-T/hetong", VerifyHetong, Pages::k1, &SignedFiles::rsa_bt);
  for (Pages p : kPages) {
    std::string pages = PagesLabel(p);
    Register("pdf-sign-cli/" + pages + "-rsa2048-B-B/hetong", SignCliHetong, p);
    Register("pdf-sign-cli/" + pages + "-rsa2048-B-B/podofosign", SignCliPodofo, p);
    Register("pdf-verify-cli/" + pages + "-rsa2048-B-B/hetong", VerifyCliHetong, p);
    Register("pdf-verify-cli/" + pages + "-rsa2048-B-B/pdfsig-nocert", VerifyCliPdfsig, p);
  }
  Register("process-start/exec/hetong", StartHetong);
  Register("process-start/exec/podofosign", StartPodofo);
}

int WritePdfFixture(int argc, char** argv) {
  const char* dir = Flag(argc, argv, "--pdf_fixture");
  if (!dir) return -1;
  spdlog::set_level(spdlog::level::warn);
  const char* pages = Flag(argc, argv, "--pdf_fixture_pages");
  const char* padding = Flag(argc, argv, "--pdf_fixture_padding");
  pdf::testing::TestPdfSpec spec;
  spec.pages = pages ? std::atoi(pages) : 1;
  spec.padding_bytes = padding ? std::strtoull(padding, nullptr, 10) : 0;
  if (spec.pages < 1) Die("--pdf_fixture_pages must be at least 1");
  Must(base::MakeDirs(dir), "--pdf_fixture directory");
  Must(pdf::testing::WriteTestPdf(std::string(dir) + "/in.pdf", spec), "WriteTestPdf");
  WriteIdentity(dir);
  return 0;
}

}  // namespace hetong::bench
