// `hetong ca ...` (operator commands on an instance), `hetong cert verify` and
// `hetong csr new` (no instance needed).

#include <cstdio>
#include <memory>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/platform.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "pki/csr.h"
#include "pki/oids.h"
#include "pki/path.h"
#include "pki/revocation.h"
#include "server/http_client.h"

namespace hetong::app {

namespace {

StatusOr<std::vector<Bytes>> ReadDerOrPemAll(const std::vector<std::string>& files,
                                             std::string_view label) {
  std::vector<Bytes> out;
  for (const auto& f : files) {
    HETONG_ASSIGN_OR_RETURN(Bytes data, base::ReadFile(f));
    if (base::LooksLikePem(data)) {
      HETONG_ASSIGN_OR_RETURN(auto blocks, base::PemDecodeAll(ToString(data)));
      for (auto& b : blocks) {
        if (b.label == label) out.push_back(std::move(b.der));
      }
    } else {
      out.push_back(std::move(data));
    }
  }
  return out;
}

void PrintAuthority(const ca::Authority& a, bool pem) {
  const auto& c = a.cert;
  std::printf("%-10s %-8s %-8s %s\n", a.record.name.c_str(), a.record.role.c_str(),
              a.record.family.c_str(), c.subject().ToString().c_str());
  if (pem) std::printf("%s", c.ToPem().c_str());
}

void AddCaCommands(CLI::App& app, int* rc) {
  auto* ca = app.add_subcommand("ca", "the instance's certificate authority (operator commands)");
  ca->require_subcommand(1);
  auto data = std::make_shared<std::string>();
  auto with_platform = [data, rc](auto fn) {
    return [data, rc, fn] {
      auto p = Platform::Open(*data, false);
      if (!p.ok()) return void(*rc = Fail(p.status()));
      *rc = fn(**p);
    };
  };
  auto data_opt = [data](CLI::App* c) {
    c->add_option("--data", *data, "instance data directory")->required();
  };

  auto* list = ca->add_subcommand("list", "list the CAs, service certificates and trust anchors");
  data_opt(list);
  list->callback(with_platform([](Platform& p) {
    std::printf("%-10s %-8s %-8s %s\n", "NAME", "ROLE", "FAMILY", "SUBJECT");
    for (const auto& a : p.ca().authorities()) PrintAuthority(a, false);
    return kExitOk;
  }));

  auto show_name = std::make_shared<std::string>();
  auto show_pem = std::make_shared<bool>(false);
  auto* show = ca->add_subcommand("show", "show one CA certificate");
  data_opt(show);
  show->add_option("--ca", *show_name, "CA name (see 'ca list')")->required();
  show->add_flag("--pem", *show_pem, "print only the certificate, in PEM");
  show->callback(with_platform([show_name, show_pem](Platform& p) {
    auto a = p.ca().Find(*show_name);
    if (!a.ok()) return Fail(a.status());
    const auto& c = a->cert;
    if (*show_pem) {  // only the certificate, usable as a file (--trust, --chain)
      std::printf("%s", c.ToPem().c_str());
      return kExitOk;
    }
    std::printf(
        "name:        %s\nrole:        %s\nsubject:     %s\nissuer:      %s\nserial:      %s\n"
        "not before:  %s\nnot after:   %s\nkey:         %s %d bits\nfingerprint: %s (SM3)\n",
        a->record.name.c_str(), a->record.role.c_str(), c.subject().ToString().c_str(),
        c.issuer().ToString().c_str(), c.SerialHex().c_str(),
        base::FormatRfc3339(c.not_before()).c_str(), base::FormatRfc3339(c.not_after()).c_str(),
        std::string(crypto::KeyTypeName(c.public_key().type())).c_str(), c.public_key().bits(),
        c.Fingerprint().c_str());
    return kExitOk;
  }));

  struct IssueOpts {
    std::string csr, profile, ca, out;
  };
  auto io = std::make_shared<IssueOpts>();
  auto* issue = ca->add_subcommand(
      "issue", "issue a certificate from a CSR (the operator approves the RA step)");
  data_opt(issue);
  issue->add_option("--csr", io->csr, "PKCS#10 request (PEM or DER)")->required();
  issue->add_option("--profile", io->profile, "personal, org, event, tsa, ocsp or tls")
      ->required()
      ->check(CLI::IsMember({"personal", "org", "event", "tsa", "ocsp", "tls"}));
  issue->add_option("--ca", io->ca, "issuing CA (default: sm2-ca for SM2 keys, rsa-ca otherwise)");
  issue->add_option("--out", io->out, "certificate file (PEM; default standard output)");
  issue->callback(with_platform([io](Platform& p) {
    auto csr = base::ReadFile(io->csr);
    if (!csr.ok()) return Fail(csr.status());
    auto cert = p.ca().IssueFromCsr(*csr, *pki::ProfileFromName(io->profile), io->ca, "cli");
    if (!cert.ok()) return Fail(cert.status());
    Status s = WriteOutput(io->out, AsBytes(base::PemEncode("CERTIFICATE", cert->der)));
    if (!s.ok()) return Fail(s);
    std::fprintf(stderr, "issued %s certificate %s by %s for %s\n", cert->profile.c_str(),
                 cert->serial_hex.c_str(), cert->ca.c_str(), cert->subject.c_str());
    return kExitOk;
  }));

  struct RevokeOpts {
    std::string serial, reason = "unspecified", at;
  };
  auto ro = std::make_shared<RevokeOpts>();
  auto* revoke = ca->add_subcommand("revoke", "revoke a certificate and republish its CA's CRL");
  data_opt(revoke);
  revoke->add_option("--serial", ro->serial, "serial number in hex")->required();
  revoke->add_option("--reason", ro->reason,
                     "unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, "
                     "cessationOfOperation, certificateHold, privilegeWithdrawn");
  revoke->add_option("--at", ro->at, "revocation time (RFC 3339; default now)");
  revoke->callback(with_platform([ro](Platform& p) {
    auto reason = pki::CrlReasonFromName(ro->reason);
    if (!reason || *reason == pki::CrlReason::kRemoveFromCrl)
      return Fail("unknown revocation reason '" + ro->reason + "'");
    std::optional<base::TimePoint> at;
    if (!ro->at.empty()) {
      auto t = base::ParseRfc3339(ro->at);
      if (!t.ok()) return Fail(t.status());
      at = *t;
    }
    Status s = p.ca().Revoke(ro->serial, *reason, at);
    if (!s.ok()) return Fail(s);
    std::fprintf(stderr, "revoked %s (%s)\n", ro->serial.c_str(), ro->reason.c_str());
    return kExitOk;
  }));

  struct CrlOpts {
    std::string ca = "sm2-ca", out;
  };
  auto co = std::make_shared<CrlOpts>();
  auto* crl = ca->add_subcommand("crl", "publish a new CRL now and write it");
  data_opt(crl);
  crl->add_option("--ca", co->ca, "CA name (default sm2-ca)");
  crl->add_option("--out", co->out, "CRL file (DER; default standard output)");
  crl->callback(with_platform([co](Platform& p) {
    auto der = p.ca().PublishCrl(co->ca);
    if (!der.ok()) return Fail(der.status());
    Status s = WriteOutput(co->out, *der);
    return s.ok() ? kExitOk : Fail(s);
  }));

  struct SubmitOpts {
    std::string csr, profile, ca, requester = "cli";
  };
  auto so = std::make_shared<SubmitOpts>();
  auto* submit = ca->add_subcommand(
      "submit", "put a CSR in the RA queue (issued only when an operator approves it)");
  data_opt(submit);
  submit->add_option("--csr", so->csr, "PKCS#10 request (PEM or DER)")->required();
  submit->add_option("--profile", so->profile, "personal, org, event, tsa, ocsp or tls")
      ->required()
      ->check(CLI::IsMember({"personal", "org", "event", "tsa", "ocsp", "tls"}));
  submit->add_option("--ca", so->ca, "issuing CA (default: sm2-ca for SM2 keys, rsa-ca otherwise)");
  submit->add_option("--requester", so->requester, "who asks (recorded with the request)");
  submit->callback(with_platform([so](Platform& p) {
    auto csr = base::ReadFile(so->csr);
    if (!csr.ok()) return Fail(csr.status());
    auto id = p.ca().SubmitRequest(*csr, *pki::ProfileFromName(so->profile), so->ca, so->requester);
    if (!id.ok()) return Fail(id.status());
    std::printf("%lld\n", static_cast<long long>(*id));
    std::fprintf(stderr, "request %lld is pending; approve it with 'hetong ca approve --id %lld'\n",
                 static_cast<long long>(*id), static_cast<long long>(*id));
    return kExitOk;
  }));

  auto* requests = ca->add_subcommand("requests", "list pending certificate requests (RA queue)");
  data_opt(requests);
  requests->callback(with_platform([](Platform& p) {
    auto pending = p.ca().PendingRequests(1000);
    if (!pending.ok()) return Fail(pending.status());
    std::printf("%-6s %-8s %-9s %-20s %s\n", "ID", "CA", "PROFILE", "REQUESTED", "SUBJECT");
    for (const auto& r : *pending) {
      std::printf("%-6lld %-8s %-9s %-20s %s\n", static_cast<long long>(r.id), r.ca.c_str(),
                  r.profile.c_str(), base::FormatRfc3339(r.created_at).c_str(), r.subject.c_str());
    }
    return kExitOk;
  }));

  struct DecideOpts {
    int64_t id = 0;
    std::string reason, out;
  };
  auto ao = std::make_shared<DecideOpts>();
  auto* approve =
      ca->add_subcommand("approve", "approve a pending request (issues the certificate)");
  data_opt(approve);
  approve->add_option("--id", ao->id, "request id")->required();
  approve->add_option("--out", ao->out, "certificate file (PEM; default standard output)");
  approve->callback(with_platform([ao](Platform& p) {
    auto cert = p.ca().ApproveRequest(ao->id, "cli");
    if (!cert.ok()) return Fail(cert.status());
    Status s = WriteOutput(ao->out, AsBytes(base::PemEncode("CERTIFICATE", cert->der)));
    return s.ok() ? kExitOk : Fail(s);
  }));
  auto jo = std::make_shared<DecideOpts>();
  auto* reject = ca->add_subcommand("reject", "reject a pending request");
  data_opt(reject);
  reject->add_option("--id", jo->id, "request id")->required();
  reject->add_option("--reason", jo->reason, "why (shown to the requester)")->required();
  reject->callback(with_platform([jo](Platform& p) {
    Status s = p.ca().RejectRequest(jo->id, "cli", jo->reason);
    return s.ok() ? kExitOk : Fail(s);
  }));

  struct AnchorOpts {
    std::string cert, name;
  };
  auto an = std::make_shared<AnchorOpts>();
  auto* anchor = ca->add_subcommand(
      "import-anchor", "trust an external CA (e.g. a licensed CA) for user certificates");
  data_opt(anchor);
  anchor->add_option("--cert", an->cert, "the CA certificate (PEM or DER)")->required();
  anchor->add_option("--name", an->name, "a short name for it")->required();
  anchor->callback(with_platform([an](Platform& p) {
    auto bytes = base::ReadFile(an->cert);
    if (!bytes.ok()) return Fail(bytes.status());
    auto a = p.ca().ImportTrustAnchor(*bytes, an->name);
    if (!a.ok()) return Fail(a.status());
    std::fprintf(stderr, "imported %s: %s\n", an->name.c_str(),
                 a->cert.subject().ToString().c_str());
    return kExitOk;
  }));
}

void AddCertVerify(CLI::App& app, int* rc) {
  auto* cert = app.add_subcommand("cert", "certificates (no instance needed)");
  cert->require_subcommand(1);
  struct Opts {
    std::string cert, at, purpose = "any";
    std::vector<std::string> chain, trust, crls, ocsp;
    bool online = false;
  };
  auto o = std::make_shared<Opts>();
  auto* verify =
      cert->add_subcommand("verify", "validate a certificate path; exit 0 if valid, 1 if not");
  verify->add_option("--cert", o->cert, "the certificate (PEM or DER)")->required();
  verify->add_option("--chain", o->chain,
                     "intermediate certificates (PEM bundle or DER), repeatable");
  verify->add_option("--trust", o->trust, "trust anchors (PEM bundle or DER), repeatable")
      ->required();
  verify->add_option("--at", o->at, "validation time (RFC 3339; default now)");
  verify->add_option("--purpose", o->purpose, "any, sign, timestamp, ocsp, tls-server, tls-client")
      ->check(CLI::IsMember({"any", "sign", "timestamp", "ocsp", "tls-server", "tls-client"}));
  verify->add_flag("--online", o->online,
                   "check revocation online (OCSP, then CRL, from the certificates' URLs)");
  verify->add_option("--crl", o->crls, "captured CRLs to check revocation offline, repeatable");
  verify->add_option("--ocsp", o->ocsp, "captured OCSP responses (DER), repeatable");
  verify->callback([o, rc] {
    auto target = LoadCertificates({o->cert});
    if (!target.ok()) return void(*rc = Fail(target.status()));
    auto chain = LoadCertificates(o->chain);
    if (!chain.ok()) return void(*rc = Fail(chain.status()));
    auto trust = LoadCertificates(o->trust);
    if (!trust.ok()) return void(*rc = Fail(trust.status()));
    pki::ValidationOptions opts;
    opts.time = base::SystemClock::Get().Now();
    if (!o->at.empty()) {
      auto t = base::ParseRfc3339(o->at);
      if (!t.ok()) return void(*rc = Fail(t.status()));
      opts.time = *t;
    }
    static const std::map<std::string, pki::KeyPurpose> kPurposes = {
        {"any", pki::KeyPurpose::kAny},
        {"sign", pki::KeyPurpose::kDocumentSigning},
        {"timestamp", pki::KeyPurpose::kTimeStamping},
        {"ocsp", pki::KeyPurpose::kOcspSigning},
        {"tls-server", pki::KeyPurpose::kServerAuth},
        {"tls-client", pki::KeyPurpose::kClientAuth}};
    opts.purpose = kPurposes.at(o->purpose);
    std::unique_ptr<pki::RevocationChecker> checker;
    server::HttpClient http;
    if (o->online) {
      checker = std::make_unique<pki::OnlineRevocation>(http, crypto::DefaultRng());
    } else if (!o->crls.empty() || !o->ocsp.empty()) {
      auto crls = ReadDerOrPemAll(o->crls, "X509 CRL");
      auto ocsp = ReadDerOrPemAll(o->ocsp, "OCSP RESPONSE");
      if (!crls.ok()) return void(*rc = Fail(crls.status()));
      if (!ocsp.ok()) return void(*rc = Fail(ocsp.status()));
      checker = std::make_unique<pki::CapturedRevocation>(*crls, *ocsp);
    }
    if (checker) {
      opts.revocation = pki::RevocationPolicy::kRequire;
      opts.checker = checker.get();
    }
    pki::ValidationResult r = pki::ValidatePath(target->front(), *chain, *trust, opts);
    for (size_t i = 0; i < r.chain.size(); ++i) {
      std::printf("%zu: %s\n", i, r.chain[i].subject().ToString().c_str());
    }
    for (size_t i = 0; i < r.revocation.size(); ++i) {
      const auto& rv = r.revocation[i];
      const char* state = rv.state == pki::RevocationCheck::State::kGood      ? "good"
                          : rv.state == pki::RevocationCheck::State::kRevoked ? "revoked"
                                                                              : "unknown";
      std::printf("revocation %zu: %s (%s)\n", i, state, rv.detail.c_str());
    }
    if (r.ok()) {
      std::printf("OK: valid at %s\n", base::FormatRfc3339(opts.time).c_str());
      *rc = kExitOk;
    } else {
      std::printf("NOT VALID (%s at depth %d): %s\n",
                  std::string(pki::PathErrorName(r.error)).c_str(), r.depth, r.message.c_str());
      *rc = kExitNegative;
    }
  });
}

void AddCsrNew(CLI::App& app, int* rc) {
  auto* csr = app.add_subcommand("csr", "certificate signing requests (no instance needed)");
  csr->require_subcommand(1);
  struct Opts {
    std::string key, subject, out, pass_file, alg = "sm2", key_out;
    std::vector<std::string> dns, ip, email;
  };
  auto o = std::make_shared<Opts>();
  auto* n = csr->add_subcommand(
      "new", "make a PKCS#10 request (SM2 requests are signed with the GM/T default ID)");
  n->add_option("--key", o->key,
                "existing private key; without it a new key is made (see --alg, --key-out)");
  n->add_option("--alg", o->alg, "algorithm of a new key: sm2, rsa2048, rsa3072, ecdsa-p256")
      ->check(CLI::IsMember({"sm2", "rsa2048", "rsa3072", "ecdsa-p256"}));
  n->add_option("--key-out", o->key_out, "where to write a new key (PKCS#8 PEM, 0600)");
  n->add_option("--pass-file", o->pass_file,
                "password of the key (to read it, or to encrypt a new one)");
  n->add_option("--subject", o->subject, "e.g. \"/C=CN/O=某某公司/CN=张三\"")->required();
  n->add_option("--dns", o->dns, "DNS name for the subjectAltName (TLS), repeatable");
  n->add_option("--ip", o->ip, "IPv4 address for the subjectAltName, repeatable");
  n->add_option("--email", o->email, "e-mail address for the subjectAltName, repeatable");
  n->add_option("--out", o->out, "request file (PEM; default standard output)");
  n->callback([o, rc] {
    std::optional<SecretBytes> pw;
    if (!o->pass_file.empty()) {
      auto p = ReadPasswordFile(o->pass_file);
      if (!p.ok()) return void(*rc = Fail(p.status()));
      pw = std::move(*p);
    }
    StatusOr<crypto::PrivateKey> key = InternalError("unset");
    if (!o->key.empty()) {
      auto data = base::ReadFile(o->key);
      if (!data.ok()) return void(*rc = Fail(data.status()));
      key = crypto::PrivateKey::Parse(*data, pw ? &*pw : nullptr);
      SecureWipe(*data);
    } else {
      if (o->key_out.empty()) return void(*rc = Fail("give --key, or --key-out for a new key"));
      key = crypto::PrivateKey::Generate(*crypto::KeySpecFromName(o->alg));
      if (key.ok()) {
        auto pem = key->ToPkcs8Pem(pw ? &*pw : nullptr);
        if (!pem.ok()) return void(*rc = Fail(pem.status()));
        Status s = base::WriteFileExclusive(o->key_out, pem->Reveal(SecretAccess::Unsafe()), 0600);
        if (!s.ok()) return void(*rc = Fail(s));
      }
    }
    if (!key.ok()) return void(*rc = Fail(key.status()));
    auto dn = ParseSubject(o->subject);
    if (!dn.ok()) return void(*rc = Fail(dn.status()));
    auto signer = crypto::NewSigner(*key);
    if (!signer.ok()) return void(*rc = Fail(signer.status()));
    pki::SubjectAltNames san{o->dns, o->ip, o->email};
    auto der = pki::BuildCsr(**signer, *dn, san);
    if (!der.ok()) return void(*rc = Fail(der.status()));
    Status s = WriteOutput(o->out, AsBytes(base::PemEncode("CERTIFICATE REQUEST", *der)));
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

}  // namespace

void RegisterPkiCommands(CLI::App& app, int* exit_code) {
  AddCaCommands(app, exit_code);
  AddCertVerify(app, exit_code);
  AddCsrNew(app, exit_code);
}

}  // namespace hetong::app
