// Helpers shared by the files of hetong_bench: fail loudly (a benchmark that silently measures
// an error path is worse than none), and the registration entry points that main() calls.
//
// Thread-safety: the helpers are pure; the Register* functions run once, from main().
#pragma once

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hetong::bench {

[[noreturn]] inline void Die(const char* what) {
  std::fprintf(stderr, "hetong_bench: %s\n", what);
  std::abort();
}

template <typename T>
T Must(StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "hetong_bench: %s: %s\n", what, v.status().ToString().c_str());
    std::abort();
  }
  return std::move(*v);
}

inline void Must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "hetong_bench: %s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

// OpenSSL's "1 is success" convention.
inline void MustOssl(int rc, const char* what) {
  if (rc != 1) Die(what);
}

// A fresh directory /tmp/<prefix>-XXXXXX, removed when the process exits.
inline std::string MakeBenchDir(const char* prefix) {
  std::string tmpl = std::string("/tmp/") + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  static std::vector<std::string>* to_remove = new std::vector<std::string>();
  if (to_remove->empty()) {
    std::atexit([] {
      for (const auto& d : *to_remove) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    });
  }
  to_remove->push_back(tmpl);
  return tmpl;
}

inline void SetOps(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// crypto_bench.cc: primitives beside raw OpenSSL EVP.
void RegisterCryptoBenchmarks();
// pki_bench.cc: OCSP responses, certificate issuance and time-stamp tokens on a real
// instance store, beside OpenSSL's OCSP and TS APIs.
void RegisterPkiBenchmarks();
// pdf_bench.cc: PAdES signing and verification in process, and `hetong pdf sign` / `hetong
// verify` as subprocesses beside podofosign and pdfsig.
void RegisterPdfBenchmarks();
// pdf_bench.cc: with --pdf_fixture=DIR among the arguments, writes a test PDF and the RSA
// signer's PEM files into DIR (for bench/pdf_bench.sh) and returns 0 (or aborts); otherwise -1.
int WritePdfFixture(int argc, char** argv);

}  // namespace hetong::bench
