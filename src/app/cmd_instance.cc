// `hetong init` and `hetong serve`.

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "api/health.h"
#include "api/pki_routes.h"
#include "api/static_files.h"
#include "api/v1.h"
#include "app/cli_util.h"
#include "app/commands.h"
#include "app/platform.h"
#include "app/version.h"
#include "base/file.h"
#include "base/log.h"
#include "crypto/random.h"
#include "evidence/scheduler.h"
#include "server/http_server.h"
#include "store/migrations.h"
#include "tsa/client.h"

namespace hetong::app {
namespace {

struct InitOpts {
  std::string data, public_url, listen = "127.0.0.1:8080";
  bool demo = false;
};

struct ServeOpts {
  std::string data, listen;
  int threads = 0;
};

// Blocks SIGTERM/SIGINT in this thread (and so in every thread started later) and returns
// the set for sigwait.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Background upkeep while serving: republishes CRLs that are due and renews the OCSP
// responder certificates.
class Maintenance {
 public:
  explicit Maintenance(Platform& p) : platform_(p), thread_([this] { Run(); }) {}
  ~Maintenance() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    // Every minute: overdue contracts expire; every ten minutes: CRLs and OCSP responders.
    for (int64_t round = 0; !stop_; ++round) {
      lock.unlock();
      if (round % 10 == 0) {
        auto crls = platform_.ca().PublishDueCrls();
        if (!crls.ok()) spdlog::error("CRL publication failed: {}", crls.status().ToString());
        Status ocsp = platform_.RefreshOcspResponders();
        if (!ocsp.ok()) spdlog::error("OCSP responder renewal failed: {}", ocsp.ToString());
      }
      auto caught_up = platform_.contracts().CatchUpEvidence();
      if (!caught_up.ok()) {
        spdlog::error("evidence catch-up failed: {}", caught_up.status().ToString());
      } else if (*caught_up > 0) {
        spdlog::info("evidence: {} earlier contract events appended", *caught_up);
      }
      auto expired = platform_.contracts().ExpireOverdue();
      if (!expired.ok()) {
        spdlog::error("contract expiry failed: {}", expired.status().ToString());
      } else if (*expired > 0) {
        spdlog::info("contracts: {} expired (deadline passed)", *expired);
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stop_; });
    }
  }
  Platform& platform_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

bool IsLoopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1";
}

// server.tls: off (plain HTTP, loopback only), instance (a certificate from the instance's RSA
// CA for the host of instance.public_url, made and renewed at start-up) or files
// (server.tls_cert and server.tls_key, PEM, from the operator).
Status ConfigureTls(Platform& p, server::ServerOptions& opts) {
  const base::Config& cfg = p.instance().config();
  std::string mode = cfg.GetOr("server.tls", "off");
  if (mode == "off") {
    if (!IsLoopback(opts.address)) {
      return FailedPreconditionError(
          "plain HTTP is only served on loopback (127.0.0.1 or ::1); set server.tls = instance "
          "or server.tls = files to listen on " +
          opts.address);
    }
    return OkStatus();
  }
  if (mode == "files") {
    std::string cert = cfg.GetOr("server.tls_cert", "");
    std::string key = cfg.GetOr("server.tls_key", "");
    if (cert.empty() || key.empty()) {
      return InvalidArgumentError("server.tls = files needs server.tls_cert and server.tls_key");
    }
    HETONG_ASSIGN_OR_RETURN(opts.tls_cert_chain_pem, base::ReadFileToString(cert));
    HETONG_ASSIGN_OR_RETURN(std::string key_pem, base::ReadFileToString(key));
    opts.tls_key_pem = std::make_shared<const SecretBytes>(SecretBytes::Copy(key_pem));
    std::fill(key_pem.begin(), key_pem.end(), '\0');
    return OkStatus();
  }
  if (mode != "instance") return InvalidArgumentError("server.tls must be off, instance or files");
  // The names: the host of the public URL, and the listen address when it is a specific one.
  std::string url = cfg.GetOr("instance.public_url", "");
  std::string host = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  host = host.substr(0, host.find('/'));
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  std::vector<std::string> names;
  if (!host.empty()) names.push_back(host);
  if (opts.address != "0.0.0.0" && opts.address != "::" && opts.address != host) {
    names.push_back(opts.address);
  }
  HETONG_ASSIGN_OR_RETURN(Platform::TlsMaterial tls, p.InstanceTlsCredentials(names));
  opts.tls_cert_chain_pem = tls.chain_pem;
  opts.tls_key_pem = tls.key_pem;
  return OkStatus();
}

int Serve(const ServeOpts& o) {
  sigset_t signals = BlockShutdownSignals();
  auto platform = Platform::Open(o.data, true);
  if (!platform.ok()) return Fail(platform.status());
  Platform& p = **platform;
  const base::Config& cfg = p.instance().config();
  base::LogOptions log;
  log.level = cfg.GetOr("log.level", "info");
  std::string format = cfg.GetOr("log.format", "text");
  if (format != "text" && format != "json") return Fail("log.format must be text or json");
  log.json = format == "json";
  log.file = cfg.GetOr("log.file", "");
  if (Status s = base::InitLogging(log); !s.ok()) return Fail(s);
  if (Status s = p.RefreshOcspResponders(); !s.ok()) return Fail(s);

  std::string listen = !o.listen.empty() ? o.listen : cfg.GetOr("server.listen", "127.0.0.1:8080");
  auto threads = cfg.GetInt("server.threads", 8);
  if (!threads.ok()) return Fail(threads.status());
  if (*threads < 1 || *threads > 256) return Fail("server.threads must be 1..256");
  auto max_body = cfg.GetInt("server.max_body_mb", 64);
  if (!max_body.ok()) return Fail(max_body.status());
  if (*max_body < 1 || *max_body > 4096) return Fail("server.max_body_mb must be 1..4096");
  server::ServerOptions base_opts;
  base_opts.threads = o.threads > 0 ? o.threads : static_cast<int>(*threads);
  base_opts.max_body_bytes = static_cast<size_t>(*max_body) << 20;
  auto proxies = server::TrustedProxies::Parse(cfg.GetOr("server.trusted_proxies", ""));
  if (!proxies.ok()) return Fail(proxies.status().WithContext("server.trusted_proxies"));
  base_opts.trusted_proxies = std::move(*proxies);
  if (!base_opts.trusted_proxies.empty()) {
    spdlog::info("server: client addresses from X-Forwarded-For of {}",
                 cfg.GetOr("server.trusted_proxies", ""));
  }
  auto opts = server::ParseListen(listen, base_opts);
  if (!opts.ok()) return Fail(opts.status());
  if (Status s = ConfigureTls(p, *opts); !s.ok()) return Fail(s);

  auto health = std::make_shared<api::Health>();
  store::Instance* instance = &p.instance();
  health->Register("database", [instance] {
    return instance->WithConnection(
        [](store::Connection& c) { return store::SchemaVersion(c).status(); });
  });
  auto router = std::make_shared<api::Router>();
  router->Handle("GET", "/healthz", [health](const api::HttpRequest&) { return health->Check(); });
  router->Handle("GET", "/version", [](const api::HttpRequest&) {
    return api::HttpResponse::Json(
        200, std::string(R"({"name":"hetong","version":")") + HETONG_VERSION + "\"}");
  });
  api::RegisterPkiRoutes(*router, p.ca(), p.ocsp());
  api::V1Options v1_options;
  auto require_envelopes = cfg.GetBool("identity.require_envelopes", false);
  if (!require_envelopes.ok()) return Fail(require_envelopes.status());
  v1_options.require_envelopes = *require_envelopes;
  // The browser's session cookie only over HTTPS: this server's, or a proxy's in front of it.
  v1_options.secure_cookies = !opts->tls_cert_chain_pem.empty() ||
                              cfg.GetOr("instance.public_url", "").rfind("https://", 0) == 0;
  // Made (or renewed) now, not by the first request.
  if (auto enc = p.EncryptionCertificate(); !enc.ok()) {
    return Fail(enc.status().WithContext("the platform's encryption certificate"));
  }
  Platform* platform_ptr = &p;
  v1_options.open_envelope = [platform_ptr](ByteView e) { return platform_ptr->OpenEnvelope(e); };
  v1_options.encryption_certificate_pem = [platform_ptr]() -> StatusOr<std::string> {
    HETONG_ASSIGN_OR_RETURN(pki::Certificate c, platform_ptr->EncryptionCertificate());
    return c.ToPem();
  };
  if (Status n = p.OpenNotifications(); !n.ok()) {
    return Fail(n.WithContext("the smtp, sms and notify settings"));
  }
  auto sth_interval = cfg.GetInt("evidence.sth_interval_seconds", 300);
  if (!sth_interval.ok() || *sth_interval < 1 || *sth_interval > 86400) {
    return Fail("evidence.sth_interval_seconds must be 1..86400");
  }
  auto evidence_signer = p.EvidenceSigner();
  if (!evidence_signer.ok()) {
    return Fail(evidence_signer.status().WithContext("the evidence log's signer"));
  }
  api::V1Areas areas;
  areas.contracts.contracts = &p.contracts();
  areas.contracts.max_document_bytes = p.contracts().max_document_bytes();
  areas.contracts.signing = &p.signing();
  areas.contracts.verify_pdf = [platform_ptr](ByteView pdf) {
    return platform_ptr->VerifyPdf(pdf);
  };
  areas.contracts.evidence_package = [platform_ptr](const std::string& actor,
                                                    const std::string& id) {
    return platform_ptr->EvidencePackage(actor, id);
  };
  areas.seals = &p.seals();
  areas.webhooks = &p.notifier().webhooks();
  areas.evidence = &p.evidence();
  api::RegisterV1Routes(*router, p.identity(), p.signing(), p.certificate_auth(), p.ca(),
                        p.idempotency(), p.clock(), v1_options, std::move(areas));
  auto tsa = p.tsa();
  if (!tsa.ok()) return Fail(tsa.status().WithContext("starting the TSA"));
  api::RegisterTsaRoute(*router, **tsa);
  // The web app (web/dist) under every other path.
#ifdef HETONG_WEB_DIST
  const std::string built_web = HETONG_WEB_DIST;
#else
  const std::string built_web;
#endif
  auto web_root = api::ChooseWebRoot(cfg.GetOr("web.root", ""), built_web);
  if (!web_root.ok()) return Fail(web_root.status());
  if (web_root->empty()) {
    spdlog::info("web: no web app to serve (build it with `make web` or set web.root); / says so");
  } else {
    spdlog::info("web: serving the web app from {}", *web_root);
  }
  api::RegisterStaticFiles(*router, std::make_shared<const api::StaticFiles>(*web_root));
  tsa::TimeStampAuthority* tsa_ptr = *tsa;
  health->Register("tsa-clock", [tsa_ptr] { return tsa_ptr->Health(); });
  // Signed tree heads of the evidence log on a schedule (the first one now).
  tsa::LocalTimestampSource sth_stamps(*tsa_ptr, crypto::DefaultRng());
  evidence::HeadScheduler heads(p.evidence(), *evidence_signer->first, &sth_stamps,
                                std::chrono::seconds(*sth_interval));
  evidence::HeadScheduler* heads_ptr = &heads;
  health->Register("evidence-log", [heads_ptr] { return heads_ptr->last_status(); });

  auto srv = server::HttpServer::Start(*opts, router);
  if (!srv.ok()) return Fail(srv.status());
  Maintenance maintenance(p);
  heads.Start();
  // Email, SMS and webhook deliveries.
  p.notifier().Start();
  spdlog::info("hetong {} serving instance {} on {}://{}:{} (demo: {})", HETONG_VERSION,
               p.instance().instance_id(), opts->tls_cert_chain_pem.empty() ? "http" : "https",
               opts->address, (*srv)->port(), p.instance().demo() ? "yes" : "no");
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*srv)->Stop();
  (*srv)->Wait();
  heads.Stop();
  p.notifier().Stop();
  spdlog::info("stopped cleanly");
  spdlog::default_logger()->flush();
  return kExitOk;
}

}  // namespace

void RegisterInstanceCommands(CLI::App& app, int* rc) {
  auto io = std::make_shared<InitOpts>();
  auto* init = app.add_subcommand("init", "create a new instance (data directory)");
  init->add_option("--data", io->data, "data directory to create")->required();
  init->add_option("--public-url", io->public_url,
                   "URL under which this instance is reached (written into certificates); "
                   "default http://<listen>");
  init->add_option("--listen", io->listen, "address to serve on (default 127.0.0.1:8080)");
  init->add_flag("--demo", io->demo, "demo mode: enables the sandbox identity provider");
  init->callback([io, rc] {
    store::InitOptions opts;
    opts.public_url = io->public_url;
    opts.listen = io->listen;
    opts.demo = io->demo;
    if (auto l = server::ParseListen(io->listen); !l.ok()) return void(*rc = Fail(l.status()));
    Status s = store::Instance::Init(io->data, opts, crypto::DefaultRng());
    if (!s.ok()) return void(*rc = Fail(s));
    s = Platform::Bootstrap(io->data);
    if (!s.ok()) return void(*rc = Fail(s.WithContext("creating the CA")));
    std::printf("created instance in %s (CAs: sm2-root, sm2-ca, rsa-root, rsa-ca)\n",
                io->data.c_str());
    *rc = kExitOk;
  });

  auto so = std::make_shared<ServeOpts>();
  auto* serve = app.add_subcommand("serve", "run the server of an instance (stops on SIGTERM)");
  serve->add_option("--data", so->data, "instance data directory")->required();
  serve->add_option("--listen", so->listen, "override server.listen, e.g. 127.0.0.1:8080");
  serve->add_option("--threads", so->threads, "worker threads (default server.threads, 8)");
  serve->callback([so, rc] { *rc = Serve(*so); });

  // Operators review verifications and the RA queue through the API.
  struct OperatorOpts {
    std::string data, email;
    bool revoke = false;
  };
  auto oo = std::make_shared<OperatorOpts>();
  auto* op = app.add_subcommand(
      "operator", "make a registered person an operator of the instance (or --revoke)");
  op->add_option("--data", oo->data, "instance data directory")->required();
  op->add_option("--email", oo->email, "the person's login email")->required();
  op->add_flag("--revoke", oo->revoke, "take the operator role away");
  op->callback([oo, rc] {
    auto p = Platform::Open(oo->data, /*serving=*/false);
    if (!p.ok()) return void(*rc = Fail(p.status()));
    Status s = (*p)->identity().SetOperator(oo->email, !oo->revoke);
    if (!s.ok()) return void(*rc = Fail(s));
    std::printf("%s is %s an operator\n", oo->email.c_str(), oo->revoke ? "no longer" : "now");
    *rc = kExitOk;
  });
}

}  // namespace hetong::app
