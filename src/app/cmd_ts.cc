// `hetong ts request` and `hetong ts verify`: RFC 3161 time-stamps from the instance's TSA
// (in process, --data) or any TSA URL, and their offline verification.

#include <cstdio>
#include <memory>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/platform.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/cms.h"
#include "crypto/random.h"
#include "pki/tsp.h"
#include "server/http_client.h"
#include "tsa/client.h"

namespace hetong::app {

namespace {

std::string AccuracyText(const pki::Accuracy& a) {
  if (a.empty()) return "not stated";
  return std::to_string(a.seconds) + "." +
         std::string(a.millis < 100 ? (a.millis < 10 ? "00" : "0") : "") +
         std::to_string(a.millis) + " s";
}

}  // namespace

void RegisterTsCommands(CLI::App& app, int* rc) {
  auto* ts = app.add_subcommand("ts", "RFC 3161 time-stamps");
  ts->require_subcommand(1);

  struct ReqOpts {
    std::string in, url, data, out, hash = "sm3";
  };
  auto ro = std::make_shared<ReqOpts>();
  auto* req = ts->add_subcommand("request", "time-stamp a file; writes the TimeStampResp (.tsr)");
  req->add_option("--in", ro->in, "the file to time-stamp (default: standard input)");
  auto* url = req->add_option("--url", ro->url, "a TSA URL, e.g. http://127.0.0.1:8080/tsa");
  auto* data_opt = req->add_option("--data", ro->data, "use the TSA of this instance directly");
  url->excludes(data_opt);
  req->add_option("--hash", ro->hash, "sm3 (SM2 token) or sha256 (RSA token)")
      ->check(CLI::IsMember({"sm3", "sha256", "sha384", "sha512"}));
  req->add_option("--out", ro->out, "response file (.tsr; \"-\" for standard output)")->required();
  req->callback([ro, rc] {
    if (ro->url.empty() == ro->data.empty())
      return void(*rc = Fail("give the TSA with --url or --data"));
    auto input = ReadInput(ro->in);
    if (!input.ok()) return void(*rc = Fail(input.status()));
    crypto::HashAlgorithm alg = *crypto::HashFromName(ro->hash);
    auto request = tsa::MakeRequest(alg, crypto::Hash(alg, *input), crypto::DefaultRng());
    if (!request.ok()) return void(*rc = Fail(request.status()));
    Bytes query = pki::EncodeTimeStampRequest(*request);
    StatusOr<Bytes> response = InternalError("unset");
    if (!ro->url.empty()) {
      server::HttpClient http;
      response = http.Post(ro->url, "application/timestamp-query", query);
    } else {
      auto p = Platform::Open(ro->data, false);
      if (!p.ok()) return void(*rc = Fail(p.status()));
      auto t = (*p)->tsa();
      if (!t.ok()) return void(*rc = Fail(t.status()));
      response = (*t)->Respond(query);
    }
    if (!response.ok()) return void(*rc = Fail(response.status()));
    auto token = tsa::TokenFromResponse(*response, *request);
    if (!token.ok()) return void(*rc = Fail(token.status()));
    Status s = WriteOutput(ro->out, *response);
    *rc = s.ok() ? kExitOk : Fail(s);
  });

  struct VerifyOpts {
    std::string in, data_file, data;
    std::vector<std::string> trust, chain;
  };
  auto vo = std::make_shared<VerifyOpts>();
  auto* verify =
      ts->add_subcommand("verify", "verify a time-stamp for a file; exit 0 if valid, 1 if not");
  verify->add_option("--in", vo->in, "the TimeStampResp (.tsr) or the token")->required();
  verify->add_option("--data-file", vo->data_file, "the file that was time-stamped")->required();
  verify->add_option("--trust", vo->trust, "trusted root certificates (PEM/DER), repeatable");
  verify->add_option("--chain", vo->chain, "intermediate certificates, repeatable");
  verify->add_option("--data", vo->data, "trust the roots of this instance");
  verify->callback([vo, rc] {
    auto raw = base::ReadFile(vo->in);
    if (!raw.ok()) return void(*rc = Fail(raw.status()));
    Bytes token = *raw;
    if (auto resp = pki::ParseTimeStampResponse(*raw); resp.ok()) {
      if (resp->status != pki::kGranted && resp->status != 1) {
        std::printf("NOT VALID: the TSA refused the request (%s)\n",
                    resp->failure ? std::string(pki::FailureInfoName(*resp->failure)).c_str()
                                  : "no reason");
        return void(*rc = kExitNegative);
      }
      token = resp->token;
    }
    auto data = base::ReadFile(vo->data_file);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    pki::TimestampVerifyOptions opts;
    auto anchors = LoadCertificates(vo->trust);
    if (!anchors.ok()) return void(*rc = Fail(anchors.status()));
    auto chain = LoadCertificates(vo->chain);
    if (!chain.ok()) return void(*rc = Fail(chain.status()));
    opts.anchors = std::move(*anchors);
    opts.intermediates = std::move(*chain);
    if (!vo->data.empty()) {
      auto p = Platform::Open(vo->data, false);
      if (!p.ok()) return void(*rc = Fail(p.status()));
      for (auto& c : (*p)->ca().TrustAnchors()) opts.anchors.push_back(c);
      for (auto& c : (*p)->ca().Intermediates()) opts.intermediates.push_back(c);
    }
    if (opts.anchors.empty())
      return void(*rc = Fail("give the trusted root with --trust (or --data DIR)"));
    // The imprint's algorithm decides how the data is hashed.
    auto sd = crypto::ParseCmsSignedData(token);
    if (!sd.ok() || !sd->content) return void(*rc = Fail("not a time-stamp token or response"));
    auto info = pki::ParseTstInfo(*sd->content);
    if (!info.ok()) return void(*rc = Fail(info.status()));
    crypto::HashAlgorithm alg = info->imprint.algorithm;
    auto check = pki::VerifyTimestampToken(token, alg, crypto::Hash(alg, *data), opts);
    if (!check.ok()) return void(*rc = Fail(check.status()));
    const auto& i = check->info;
    std::string tsa_name =
        check->tsa_certificate ? check->tsa_certificate->subject().ToString() : "?";
    std::printf(
        "time:      %s (accuracy %s)\nserial:    %s\npolicy:    %s\nTSA:       %s\nimprint:   %s "
        "%s\n"
        "signature: %s\n",
        base::FormatRfc3339Millis(i.gen_time).c_str(), AccuracyText(i.accuracy).c_str(),
        base::HexEncode(i.serial).c_str(), i.policy.c_str(), tsa_name.c_str(),
        std::string(crypto::HashName(alg)).c_str(),
        base::HexEncode(i.imprint.hashed_message).c_str(), check->signature_algorithm.c_str());
    if (check->valid) {
      std::printf("OK: the time-stamp is valid\n");
      *rc = kExitOk;
    } else {
      std::printf("NOT VALID: %s\n", check->problem.c_str());
      *rc = kExitNegative;
    }
  });
}

}  // namespace hetong::app
