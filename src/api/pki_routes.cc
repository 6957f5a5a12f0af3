#include "api/pki_routes.h"

#include "base/encoding.h"

namespace hetong::api {

namespace {

std::string NameFrom(const std::string& path, std::string_view prefix, std::string_view suffix) {
  if (path.size() <= prefix.size() + suffix.size()) return "";
  if (path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  std::string name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return "";
  }
  return name;
}

HttpResponse OcspAnswer(Bytes der, bool cacheable) {
  HttpResponse r =
      HttpResponse::Binary(200, "application/ocsp-response", std::string(der.begin(), der.end()));
  if (cacheable) r.SetHeader("Cache-Control", "max-age=300, public");
  return r;
}

}  // namespace

void RegisterPkiRoutes(Router& router, ca::CertificateAuthority& ca, ocsp::OcspResponder& ocsp) {
  router.HandlePrefix("GET", "/pki/ca/", [&ca](const HttpRequest& req) {
    bool pem = req.path.size() > 4 && req.path.compare(req.path.size() - 4, 4, ".pem") == 0;
    std::string name = NameFrom(req.path, "/pki/ca/", pem ? ".pem" : ".crt");
    if (name.empty())
      return HttpResponse::Problem(404, "not-found", "Not found", "use /pki/ca/<name>.crt");
    auto a = ca.Find(name);
    if (!a.ok()) return HttpResponse::FromStatus(a.status());
    HttpResponse r =
        pem ? HttpResponse::Binary(200, "application/x-pem-file", a->cert.ToPem())
            : HttpResponse::Binary(200, "application/pkix-cert",
                                   std::string(a->cert.der().begin(), a->cert.der().end()));
    r.SetHeader("Cache-Control", "max-age=86400, public");
    return r;
  });
  router.HandlePrefix("GET", "/pki/crl/", [&ca](const HttpRequest& req) {
    std::string name = NameFrom(req.path, "/pki/crl/", ".crl");
    if (name.empty())
      return HttpResponse::Problem(404, "not-found", "Not found", "use /pki/crl/<name>.crl");
    auto crl = ca.CurrentCrl(name);
    if (!crl.ok()) return HttpResponse::FromStatus(crl.status());
    HttpResponse r =
        HttpResponse::Binary(200, "application/pkix-crl", std::string(crl->begin(), crl->end()));
    r.SetHeader("Cache-Control", "max-age=600, public");
    return r;
  });
  router.Handle("POST", "/pki/ocsp", [&ocsp](const HttpRequest& req) {
    auto ct = req.Header("content-type");
    if (ct && ct->rfind("application/ocsp-request", 0) != 0) {
      return HttpResponse::Problem(415, "unsupported-media-type", "Unsupported media type",
                                   "send Content-Type: application/ocsp-request");
    }
    return OcspAnswer(ocsp.Respond(AsBytes(req.body)), false);
  });
  router.HandlePrefix("GET", "/pki/ocsp/", [&ocsp](const HttpRequest& req) {
    std::string b64 = req.path.substr(std::string_view("/pki/ocsp/").size());
    auto der = base::Base64Decode(b64);
    if (!der.ok()) {
      Bytes err = ocsp.Respond({});  // malformedRequest
      return OcspAnswer(std::move(err), false);
    }
    return OcspAnswer(ocsp.Respond(*der), true);
  });
}

void RegisterTsaRoute(Router& router, tsa::TimeStampAuthority& tsa) {
  router.Handle("POST", "/tsa", [&tsa](const HttpRequest& req) {
    auto ct = req.Header("content-type");
    if (ct && ct->rfind("application/timestamp-query", 0) != 0) {
      return HttpResponse::Problem(415, "unsupported-media-type", "Unsupported media type",
                                   "send Content-Type: application/timestamp-query");
    }
    Bytes resp = tsa.Respond(AsBytes(req.body));
    return HttpResponse::Binary(200, "application/timestamp-reply",
                                std::string(resp.begin(), resp.end()));
  });
}

}  // namespace hetong::api
